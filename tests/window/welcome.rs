//! The welcome screen driven headless with iced_test (tiny-skia): fill the form, press "test",
//! see the result of a real connection to the test stack.

use crate::common::*;
use iced_test::simulator;
use pli::ui::welcome::{self, field, Action, SignIn, Welcome};
use pli_core::mail::account::Security;
use pli_core::mail::oidc::Preset;

fn type_into(welcome: &mut Welcome, id: &'static str, value: &str) {
    let mut ui = simulator(welcome.view(&[], &[]));
    ui.click(iced::widget::Id::new(id))
        .expect("the field exists");
    ui.typewrite(value);
    for message in ui.into_messages() {
        let _ = welcome.update(message);
    }
}

fn press(welcome: &mut Welcome, label: &str) -> Vec<Action> {
    let mut ui = simulator(welcome.view(&[], &[]));
    ui.click(label).expect("the button exists");
    ui.into_messages()
        .map(|message| welcome.update(message))
        .collect()
}

#[test]
fn the_welcome_screen_is_french_by_default() {
    let welcome = Welcome::new(std::sync::Arc::new(pli::i18n::I18n::new(
        pli::i18n::Language::Fr,
    )));
    let mut ui = simulator(welcome.view(&[], &[]));
    assert!(ui.find("Bienvenue dans Pli").is_ok());
    assert!(ui.find("Tester la connexion").is_ok());
}

#[test]
fn fill_the_form_press_test_and_see_the_result() {
    let i18n = i18n();
    let mut welcome = Welcome::new(i18n.clone());
    let imap = endpoint("PLI_TEST_IMAP_STARTTLS").to_string();
    let smtp = endpoint("PLI_TEST_SMTP_SUBMISSION").to_string();
    type_into(&mut welcome, field::NAME, "cabinet");
    type_into(&mut welcome, field::ADDRESS, &doctor());
    type_into(&mut welcome, field::IMAP, &imap);
    type_into(&mut welcome, field::SMTP, &smtp);
    type_into(&mut welcome, field::SECRET, password().expose());
    type_into(&mut welcome, field::CA_FILE, ca().to_str().expect("utf-8"));
    assert_eq!(welcome.form().address, doctor());
    assert_eq!(welcome.form().security, Security::Starttls);

    let actions = press(&mut welcome, "Test the connection");
    let request = actions
        .into_iter()
        .find_map(|action| match action {
            Action::Test(request) => Some(request),
            _ => None,
        })
        .expect("pressing test asks for a connection test");
    assert!(matches!(welcome.status(), welcome::Status::Testing));

    let report = runtime().block_on(welcome::run_test(request, i18n));
    assert!(report.imap.is_ok() && report.smtp.is_ok(), "{report:?}");
    // The stack's authority publishes no revocation list Pli knows: accepted under the default
    // soft-fail policy, and said (issue 14), for each server.
    assert_eq!(report.notices.len(), 2, "{report:?}");
    let notice = report.notices[0].clone();
    assert!(notice.contains("soft-fail"), "{notice}");
    let _ = welcome.update(welcome::Message::Tested(report));
    let mut ui = simulator(welcome.view(&[], &[]));
    assert!(ui.find("Connection successful.").is_ok());
    assert!(ui.find(notice.as_str()).is_ok(), "the window says it too");
}

#[test]
fn a_wrong_password_shows_the_servers_sentence() {
    let i18n = i18n();
    let mut welcome = Welcome::new(i18n.clone());
    type_into(&mut welcome, field::NAME, "cabinet");
    type_into(&mut welcome, field::ADDRESS, &doctor());
    type_into(
        &mut welcome,
        field::IMAP,
        &endpoint("PLI_TEST_IMAP_STARTTLS").to_string(),
    );
    type_into(
        &mut welcome,
        field::SMTP,
        &endpoint("PLI_TEST_SMTP_SUBMISSION").to_string(),
    );
    type_into(&mut welcome, field::SECRET, "wrong");
    type_into(&mut welcome, field::CA_FILE, ca().to_str().expect("utf-8"));
    let Some(Action::Test(request)) = press(&mut welcome, "Test the connection")
        .into_iter()
        .next()
    else {
        panic!("no test requested");
    };
    let report = runtime().block_on(welcome::run_test(request, i18n));
    let _ = welcome.update(welcome::Message::Tested(report));
    let mut ui = simulator(welcome.view(&[], &[]));
    assert!(ui.find("The connection failed.").is_ok());
}

#[test]
fn an_incomplete_form_says_what_to_fix() {
    let mut welcome = Welcome::new(i18n());
    type_into(&mut welcome, field::NAME, "cabinet");
    type_into(&mut welcome, field::ADDRESS, &doctor());
    type_into(&mut welcome, field::IMAP, "localhost");
    let actions = press(&mut welcome, "Test the connection");
    assert!(actions.iter().all(|action| matches!(action, Action::None)));
    let welcome::Status::Problem(message) = welcome.status() else {
        panic!("expected a problem, got {:?}", welcome.status());
    };
    assert!(message.contains("needs a port"), "{message}");
}

#[test]
fn eco_1_2_1_a_box_added_with_pro_sante_connect_keeps_its_preset_and_asks_no_secret() {
    let i18n = pli::i18n::I18n::new(pli::i18n::Language::Fr);
    let mut welcome = Welcome::new(std::sync::Arc::new(i18n));
    type_into(&mut welcome, field::NAME, "cabinet");
    type_into(
        &mut welcome,
        field::ADDRESS,
        "claire.martin@medecin.mssante.fr",
    );
    type_into(&mut welcome, field::IMAP, "imap.medecin.mssante.fr:993");
    type_into(&mut welcome, field::SMTP, "smtp.medecin.mssante.fr:465");

    // The sign-in list offers Pro Santé Connect; chosen, the password field goes.
    let psc = welcome
        .sign_in_choices()
        .iter()
        .find(|choice| choice.value == SignIn::ProSanteConnect(Preset::Psc))
        .cloned()
        .expect("Pro Santé Connect is offered");
    assert_eq!(psc.to_string(), "Pro Santé Connect (carte CPS ou e-CPS)");
    let _ = welcome.update(welcome::Message::Auth(psc));
    {
        let mut ui = simulator(welcome.view(&[], &[]));
        assert!(
            ui.find(iced::widget::Id::new(field::SECRET)).is_err(),
            "no secret to type"
        );
    }
    type_into(&mut welcome, field::PSC_CLIENT_ID, "pli-cabinet");

    // Testing before any sign-in says what to do instead of failing.
    let tested = press(&mut welcome, "Tester la connexion");
    assert!(tested.iter().all(|action| matches!(action, Action::None)));
    {
        let mut ui = simulator(welcome.view(&[], &[]));
        assert!(ui
            .find("Avec Pro Santé Connect, la connexion se vérifie à la première connexion : enregistrez la boîte, puis « Se connecter avec Pro Santé Connect » sous la liste des boîtes.")
            .is_ok());
    }

    let request = press(&mut welcome, "Enregistrer la boîte")
        .into_iter()
        .find_map(|action| match action {
            Action::Save(request) => Some(request),
            _ => None,
        })
        .expect("saving asks the root");
    assert!(request.secret.is_none());
    let account = &request.account;
    assert_eq!(account.auth, pli_core::mail::account::AuthKind::Xoauth2);
    let oidc = account
        .oidc
        .as_deref()
        .expect("the Pro Santé Connect block");
    assert_eq!(oidc.preset, Some(pli_core::mail::oidc::Preset::Psc));
    assert_eq!(oidc.client_id.as_deref(), Some("pli-cabinet"));
}
