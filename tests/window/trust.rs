//! The composer's "Envoyer" and the trust space (ANN: a client warns *before* health data leaves
//! the trust space): the window runs its own send task, the core holds the message, and the
//! composer opens `TrustDialog` on what the core says. "Envoyer quand même" is offered only
//! when the one problem is a recipient outside the space, and the core's trace records that
//! choice; an `mssante.fr` domain missing from the list, which stops nothing, is shown before
//! the message is queued.

use crate::common::*;
use iced::widget::Id;
use iced_test::simulator;
use pli::ui::shortcuts::Shortcut;
use pli::ui::{composer, demo, Message, Pli, Screen};
use pli_core::mail::store::{open_profile_store, TraceAction};
use pli_core::profile::Profile;

/// Ctrl+N, the recipient and the subject typed: the composer's id.
fn compose_to(pli: &mut Pli, to: &str) -> u64 {
    let _ = pli.update(Message::Shortcut(Shortcut::NewMessage));
    let Screen::Composer(id) = pli.screen else {
        panic!("Ctrl+N opens the composer");
    };
    for (field, value) in [
        (composer::field::TO, to),
        (composer::field::SUBJECT, "Avis"),
    ] {
        let mut ui = simulator(pli.view());
        ui.click(Id::new(field)).expect("the field is on screen");
        ui.typewrite(value);
        let messages = ui.into_messages().collect();
        deliver(pli, messages);
    }
    id
}

/// Delivers `messages` to the window and runs the tasks they start, as iced would, until none
/// is left (the send task's answer comes back this way).
fn settle(runtime: &tokio::runtime::Runtime, pli: &mut Pli, messages: Vec<Message>) {
    let mut pending = messages;
    while let Some(message) = pending.pop() {
        let task = pli.update(message);
        pending.extend(task_messages(runtime, task));
    }
}

/// Clicks the button labelled `label` and lets what it starts run.
fn click(runtime: &tokio::runtime::Runtime, pli: &mut Pli, label: &str) {
    let mut ui = simulator(pli.view());
    ui.click(label)
        .unwrap_or_else(|_| panic!("'{label}' is on screen"));
    let messages = ui.into_messages().collect();
    settle(runtime, pli, messages);
}

fn outbox(folder: &tempfile::TempDir) -> usize {
    open_profile_store(&Profile::at(folder.path()))
        .expect("store")
        .outbox(demo::DOCTOR)
        .expect("outbox")
        .len()
}

fn overrides(folder: &tempfile::TempDir) -> Vec<String> {
    open_profile_store(&Profile::at(folder.path()))
        .expect("store")
        .trace_since(None)
        .expect("trace")
        .into_iter()
        .filter(|line| line.action == TraceAction::Override.as_str())
        .map(|line| line.request)
        .collect()
}

#[test]
fn ann_an_outside_recipient_holds_the_message_until_send_anyway_which_the_trace_records() {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let (folder, mut pli) = demo_window();
    let id = compose_to(&mut pli, "cousin.dupont@gmail.com");
    settle(
        &runtime,
        &mut pli,
        vec![Message::Composer(id, composer::Message::Send)],
    );
    assert_eq!(outbox(&folder), 0, "held: nothing queued");
    assert!(shows(
        &pli,
        "Ce message sortirait de l'espace de confiance MSSanté"
    ));
    assert!(shows(
        &pli,
        "« cousin.dupont@gmail.com » n'est pas une adresse MSSanté : ce destinataire est hors de l'espace de confiance."
    ));

    // "Annuler": back to the message, still nothing queued.
    click(&runtime, &mut pli, "Annuler");
    assert_eq!(pli.screen, Screen::Composer(id));
    assert!(!shows(&pli, "Ce message sortirait"));
    assert_eq!(outbox(&folder), 0);
    assert!(overrides(&folder).is_empty());

    settle(
        &runtime,
        &mut pli,
        vec![Message::Composer(id, composer::Message::Send)],
    );
    click(
        &runtime,
        &mut pli,
        "Envoyer quand même hors de l'espace de confiance",
    );
    assert!(pli.composer(id).is_none(), "the message went to the outbox");
    assert_eq!(outbox(&folder), 1);
    let overrides = overrides(&folder);
    assert_eq!(overrides.len(), 1, "the choice is in the trace");
    assert!(overrides[0].contains("gmail.com"), "{}", overrides[0]);
    assert!(!overrides[0].contains("cousin.dupont"), "{}", overrides[0]);
}

#[test]
fn ann_a_wrong_patient_address_offers_no_send_anyway() {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let (folder, mut pli) = demo_window();
    let id = compose_to(
        &mut pli,
        "279035121518988@patient.mssante.fr, cousin.dupont@gmail.com",
    );
    settle(
        &runtime,
        &mut pli,
        vec![Message::Composer(id, composer::Message::Send)],
    );
    assert!(shows(&pli, "Ce message ne peut pas partir tel quel"));
    assert!(!shows(&pli, "Envoyer quand même"));
    click(&runtime, &mut pli, "Revenir au message");
    assert_eq!(pli.screen, Screen::Composer(id));
    assert_eq!(outbox(&folder), 0);
}

#[test]
fn ann_an_unlisted_mssante_domain_is_shown_before_the_message_leaves() {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let (folder, mut pli) = demo_window();
    let id = compose_to(&mut pli, "secretariat@nouveau-ch.mssante.fr");
    settle(
        &runtime,
        &mut pli,
        vec![Message::Composer(id, composer::Message::Send)],
    );
    assert_eq!(outbox(&folder), 0, "not queued before the notice is seen");
    assert!(shows(&pli, "À vérifier avant l'envoi"));
    assert!(shows(
        &pli,
        "« secretariat@nouveau-ch.mssante.fr » se termine par mssante.fr mais son domaine n'est pas dans la liste"
    ));
    assert!(
        !shows(&pli, "Envoyer quand même"),
        "a notice asks no override"
    );
    click(&runtime, &mut pli, "Envoyer");
    assert!(pli.composer(id).is_none(), "sent once seen");
    assert_eq!(outbox(&folder), 1);
    assert!(overrides(&folder).is_empty(), "no override to record");
}

/// Answers one request on a loopback port with `body` (HTTP/1.1, 200), then closes.
fn serve_once(body: &'static str) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let url = format!(
        "http://{}/listeblanchemssante.xml",
        listener.local_addr().expect("address")
    );
    std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

/// The window's box workers (its subscriptions) fetch the published list when the profile's
/// is a day old; `trust_list::status` gives its date to the settings.
#[test]
fn ann_the_window_s_workers_refresh_the_trust_list_and_its_date_is_known() {
    use crate::live::{window, Runtime};
    use pli_core::mail::trust_list;
    use std::time::Duration;
    let user = dedicated_user("ui-trust-upkeep");
    empty_mailbox(&user);
    let (folder, mut pli, accounts) = window(&[&user]);
    let profile = Profile::at(folder.path());
    let url = serve_once(
        "<ListeBlanche><DateDeGeneration>2026-12-01T02:00:00</DateDeGeneration><Domaine><Nom>nouveau-ch.mssante.fr</Nom></Domaine><Domaine><Nom>ehpad-test.mssante.fr</Nom></Domaine><Domaine><Nom>patient.mssante.fr</Nom></Domaine></ListeBlanche>",
    );
    let settings = pli_core::settings::ProfileSettings {
        trust_list_url: url,
        ..pli_core::settings::ProfileSettings::default()
    };
    settings
        .save(&profile.settings_file())
        .expect("settings written");
    assert_eq!(trust_list::status(&profile).freshness.fetched_at, None);

    let runtime = Runtime::new();
    runtime.start_worker(&folder, &accounts[0]);
    runtime.until(&mut pli, Duration::from_secs(30), |_| {
        trust_list::status(&profile).freshness.fetched_at.is_some()
    });
    let status = trust_list::status(&profile);
    assert_eq!(status.domains, 3);
    assert!(trust_list::load(&profile)
        .0
        .contains("nouveau-ch.mssante.fr"));

    // The settings say it, as a person checks it.
    let _ = pli.update(pli::ui::Message::Shortcut(
        pli::ui::shortcuts::Shortcut::Settings,
    ));
    let fetched = status
        .freshness
        .fetched_at
        .expect("fetched")
        .with_timezone(&chrono::Local)
        .format("%d/%m/%Y %H:%M")
        .to_string();
    let mut ui = iced_test::Simulator::with_size(
        iced::Settings::default(),
        iced::Size::new(1280.0, 2400.0),
        pli.view(),
    );
    assert!(
        ui.find(format!("Dernier téléchargement : {fetched}").as_str())
            .is_ok(),
        "the settings give the list's date"
    );
    assert!(ui.find("Domaines : 3").is_ok());
}
