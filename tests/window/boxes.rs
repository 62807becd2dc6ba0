//! The boxes as the box list and the settings show them (issues 13 and 14): a box nobody opens
//! still shows that it is about to be deleted (SEED), and the warning goes when the box's worker
//! really signs in; a pharmacy is set in the window on an organisational box
//! only; the name of the person at a shared workstation is typed in the settings and is the name
//! colleagues see.

use std::sync::Arc;
use std::time::Duration;

use crate::common::*;
use crate::live::*;
use chrono::{Local, TimeDelta, Utc};
use pli::i18n::{I18n, Language};
use pli::ui::{connectivity, demo, settings, Message, Pli, Screen};
use pli_core::mail::account::{load_accounts, save_accounts};
use pli_core::mail::secrets::{SecretKind, Secrets};
use pli_core::mail::store::Store;
use pli_core::mssante::inactivity::Thresholds;
use pli_core::profile::Profile;

/// The words of the box list's warning for a box last used at `at`.
fn deletion_warning(at: chrono::DateTime<Utc>) -> String {
    let deletion = Thresholds::default()
        .deletion_date(at)
        .expect("a date")
        .with_timezone(&Local)
        .format("%d/%m/%Y");
    format!("Supprimée le {deletion} si elle reste inutilisée")
}

/// How many texts of the window read exactly `label`.
fn count_texts(pli: &Pli, label: &str) -> usize {
    use iced_test::selector::Candidate;
    let seen = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = seen.clone();
    let label = label.to_string();
    // A tall screen: the settings scroll, and what is below the fold is not found.
    let mut ui = iced_test::Simulator::with_size(
        iced::Settings::default(),
        iced::Size::new(1280.0, 2400.0),
        pli.view(),
    );
    let _ = ui.find(move |candidate: Candidate<'_>| -> Option<()> {
        if let Candidate::Text { content, .. } = candidate {
            if content == label {
                counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        }
        None
    });
    seen.load(std::sync::atomic::Ordering::Relaxed)
}

#[test]
fn seed_the_box_list_warns_of_a_box_nobody_opens_and_leads_to_keeping_it() {
    let (_folder, mut pli) = demo_window();
    let (_, last) = pli
        .store()
        .expect("the store")
        .last_use(demo::NURSING_HOME)
        .expect("the store answers")
        .expect("the demo's nursing home was used 320 days ago");
    // The doctor's box is shown; the nursing home's is not opened, and its warning is in the
    // box list all the same, with who used it last.
    assert!(!shows(&pli, "n'est plus utilisée"), "no banner: not opened");
    let warning = deletion_warning(last);
    assert!(shows(&pli, &warning), "the box list warns: {warning}");
    assert!(shows(&pli, "(secretariat.b)"), "the last use and who");

    // The warning leads to the box, where the banner offers to keep it.
    click_text(&mut pli, &warning);
    assert!(shows(&pli, "La boîte « ehpad » n'est plus utilisée"));
    click_text(&mut pli, "Garder cette boîte");
    assert!(!shows(&pli, &warning), "kept: the box list says so at once");
    assert!(!shows(&pli, "n'est plus utilisée"));

    // Two months on, a box unused since is "probably deleted" in the box list too.
    let later = Utc::now() + TimeDelta::days(400);
    let _ = pli.update(Message::Inactivity(pli::ui::Inactivity::Clock(later)));
    assert!(shows(&pli, "Probablement supprimée le"));
}

#[test]
fn seed_the_pharmacy_is_set_in_the_settings_on_an_organisational_box_only() {
    let (folder, mut pli) = demo_window();
    let profile = Profile::at(folder.path());
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let run = |pli: &mut Pli, message: Message| {
        let task = pli.update(message);
        for message in task_messages(&runtime, task) {
            let task = pli.update(message);
            assert!(task_messages(&runtime, task).is_empty());
        }
    };
    click_text(&mut pli, "Paramètres");
    assert_eq!(pli.screen, Screen::Settings);
    // The demo's two organisational boxes have the switch; the doctor's own box has none.
    let switches = count_texts(
        &pli,
        "Officine : cette boîte reçoit les ordonnances que les patients envoient",
    );
    assert_eq!(switches, 2, "one switch per organisational box");

    run(
        &mut pli,
        Message::Settings(settings::Message::Pharmacy(demo::NURSING_HOME.into(), true)),
    );
    let saved = load_accounts(&profile.accounts_file()).expect("accounts.toml");
    let nursing_home = saved
        .accounts
        .iter()
        .find(|account| account.name == demo::NURSING_HOME)
        .expect("the box");
    assert!(nursing_home.pharmacy, "written to accounts.toml");
    let _ = pli.update(Message::Settings(settings::Message::Back));
    let prescriptions = count_texts(&pli, "Ordonnances");
    assert_eq!(prescriptions, 2, "the nursing home now has its Ordonnances");

    // A nominative box is refused by the core, with the reason, and the file is unchanged.
    click_text(&mut pli, "Paramètres");
    run(
        &mut pli,
        Message::Settings(settings::Message::Pharmacy(demo::DOCTOR.into(), true)),
    );
    assert!(shows(&pli, "organisationnelle"), "the refusal says why");
    let again = load_accounts(&profile.accounts_file()).expect("accounts.toml");
    assert!(again
        .accounts
        .iter()
        .all(|account| account.name != demo::DOCTOR || !account.pharmacy));
}

/// Issue 15: "keep everything" or "the last N months" per box, chosen in the settings, written
/// to `accounts.toml` through the same use case as `pli account set --offline-months`.
#[test]
fn issue_15_the_months_a_box_keeps_on_this_computer_are_chosen_in_its_settings() {
    use pli::ui::widget::Choice;
    let (folder, mut pli) = demo_window();
    let profile = Profile::at(folder.path());
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    click_text(&mut pli, "Paramètres");
    assert_eq!(
        count_texts(&pli, "Sur cet ordinateur :"),
        3,
        "each box has the choice"
    );
    let kept = |profile: &Profile| {
        load_accounts(&profile.accounts_file())
            .expect("accounts.toml")
            .accounts
            .into_iter()
            .find(|account| account.name == demo::DOCTOR)
            .and_then(|account| account.offline_months)
    };
    for months in [Some(6), None] {
        let task = pli.update(Message::Settings(settings::Message::KeepMonths(
            demo::DOCTOR.into(),
            Choice::new(months, "…"),
        )));
        for message in task_messages(&runtime, task) {
            let _ = pli.update(message);
        }
        assert_eq!(kept(&profile), months);
        assert_eq!(
            pli.accounts()
                .iter()
                .find(|account| account.name == demo::DOCTOR)
                .and_then(|account| account.offline_months),
            months,
            "the window's box (and so its worker) has it at once"
        );
    }
}

#[test]
fn issue_13_the_name_typed_in_the_settings_is_the_person_who_acts() {
    let (_folder, mut pli) = demo_window();
    click_text(&mut pli, "Paramètres");
    // A tall screen: the settings scroll, and the field is below the boxes' signatures.
    let mut ui = iced_test::Simulator::with_size(
        iced::Settings::default(),
        iced::Size::new(1280.0, 2400.0),
        pli.view(),
    );
    ui.click("Par défaut, le nom de la session de cet ordinateur")
        .expect("the name field");
    ui.typewrite("Claire Dubois ");
    let messages = ui.into_messages().collect();
    deliver(&mut pli, messages);
    assert_eq!(
        pli.profile_settings().person_name.as_deref(),
        Some("Claire Dubois")
    );
    assert_eq!(pli.acting_person().as_deref().ok(), Some("Claire Dubois"));
}

/// A box unused for ten months on a real server, whose password in the keyring is wrong: the box
/// list warns before any worker runs; "Garder cette boîte" without a worker says so; with the
/// box's worker refused by the server, the button makes the worker try again and the banner says
/// why it failed; once the person has put the right password in the keyring, the button signs in
/// through the worker, and the warning goes, the box list saying today's use.
#[test]
fn seed_garder_cette_boite_signs_in_through_the_box_s_worker() {
    let user = dedicated_user("ui-keep-alive");
    empty_mailbox(&user);
    let folder = tempfile::tempdir().expect("a temporary folder");
    let profile = Profile::at(folder.path());
    let (account, _) = box_of(&user);
    save_accounts(&profile.accounts_file(), std::slice::from_ref(&account))
        .expect("accounts written");
    let keyring = Secrets::os(profile.keyring_service()).expect("keyring");
    keyring
        .set(
            &account.name,
            SecretKind::Password,
            &pli_core::mail::secrets::Secret::new("an-old-password"),
        )
        .expect("a stale password in the keyring");
    let ten_months_ago = Utc::now() - TimeDelta::days(305);
    Store::open(&profile.store_file())
        .expect("store")
        .record_use(&account.name, "secretariat.b", ten_months_ago)
        .expect("an old use");
    let mut pli = Pli::new(profile, Arc::new(I18n::new(Language::Fr)), false);
    let warning = deletion_warning(ten_months_ago);
    assert!(shows(&pli, &warning));

    let runtime = Runtime::new();
    let keep = |runtime: &Runtime, pli: &mut Pli| {
        let mut ui = iced_test::simulator(pli.view());
        ui.click("Garder cette boîte").expect("the banner's button");
        let messages = ui.into_messages().collect();
        runtime.deliver(pli, messages);
    };
    // The banner shows above the list of the box in view (the only box here).
    assert!(shows(&pli, "n'est plus utilisée"));
    keep(&runtime, &mut pli);
    assert!(
        shows(&pli, "La boîte n'est pas connectée"),
        "no worker yet: said, not pretended"
    );

    let name = account.name.clone();
    let box_is = |pli: &Pli, refused: bool| {
        pli.message_list.boxes().iter().any(|entry| {
            entry.account.name == name
                && if refused {
                    matches!(
                        entry.connectivity,
                        connectivity::BoxStatus::AuthenticationRefused(_)
                    )
                } else {
                    entry.connectivity == connectivity::BoxStatus::UpToDate
                }
        })
    };
    runtime.start_worker(&folder, &account);
    runtime.until(&mut pli, Duration::from_secs(30), |pli| box_is(pli, true));
    keep(&runtime, &mut pli);
    runtime.until(&mut pli, Duration::from_secs(30), |pli| {
        shows(pli, "Pli n'a pas pu se connecter à la boîte pour la garder")
    });
    assert!(shows(&pli, &warning), "still unused");

    keyring
        .set(&account.name, SecretKind::Password, &password())
        .expect("the right password in the keyring");
    keep(&runtime, &mut pli);
    runtime.until(&mut pli, Duration::from_secs(30), |pli| {
        box_is(pli, false) && !shows(pli, "n'est plus utilisée")
    });
    assert!(!shows(&pli, &warning));
    let today = Local::now().format("%d/%m/%Y").to_string();
    assert!(
        shows(&pli, &format!("dernière utilisation le {today}")),
        "the box list says today's use"
    );
}
