//! The window against the real stack, driven headless (iced_test on tiny-skia): a message
//! written and sent with Ctrl+Enter reaches the other box; a draft saved with Ctrl+S reaches the
//! server's Drafts folder and opens again in the composer; the settings export the trace; a
//! message opened before its body was fetched gets it from the box's worker. The
//! tasks the window returns run on a tokio runtime and their messages go back to the window, and
//! each box's worker runs as the window's subscription runs it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::common::*;
use crate::live::*;
use iced::keyboard::{key::Named, Key, Modifiers};
use iced_test::simulator;
use pli::i18n::{I18n, Language};
use pli::ui::app::Banner;
use pli::ui::connectivity;
use pli::ui::shortcuts::Shortcut;
use pli::ui::{composer, settings, Message, Pli, Screen};
use pli_core::mail::account::save_accounts;
use pli_core::mail::secrets::{SecretKind, Secrets};
use pli_core::mail::store::Role;
use pli_core::profile::Profile;

fn status(pli: &Pli, id: u64) -> Option<composer::Status> {
    pli.composer(id).map(|composer| composer.status().clone())
}

/// Ctrl+N: the composer's id.
fn new_message(runtime: &Runtime, pli: &mut Pli) -> u64 {
    let task = pli.update(Message::Shortcut(Shortcut::NewMessage));
    runtime.run(task);
    let Screen::Composer(id) = pli.screen else {
        panic!("Ctrl+N opens the composer");
    };
    id
}

async fn uids_with_subject(user: &str, folder: &str, subject: &str) -> Vec<u32> {
    let mut session = server_session(user).await;
    session.select(folder).await.expect("select");
    let found = session
        .uid_search(format!("HEADER Subject \"{subject}\""))
        .await
        .expect("search");
    let _ = session.logout().await;
    found.into_iter().collect()
}

fn wait_for_subject(runtime: &Runtime, user: &str, folder: &str, subject: &str, n: usize) -> usize {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let found = runtime
            .tokio
            .block_on(uids_with_subject(user, folder, subject))
            .len();
        if found == n || Instant::now() > deadline {
            return found;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

#[test]
fn issue_4_a_message_written_in_the_window_reaches_the_other_box() {
    let sender = dedicated_user("ui-send-from");
    let recipient = dedicated_user("ui-send-to");
    empty_mailbox(&sender);
    empty_mailbox(&recipient);
    let (folder, mut pli, accounts) = window(&[&sender, &recipient]);
    let runtime = Runtime::new();
    runtime.start_worker(&folder, &accounts[0]);
    let name = accounts[0].name.clone();
    runtime.until(&mut pli, Duration::from_secs(30), |pli| {
        folder_of(pli, &name, Role::Sent).is_some()
    });

    let id = new_message(&runtime, &mut pli);
    let subject = format!("Avis sur dossier {}", std::process::id());
    type_into(&runtime, &mut pli, composer::field::TO, &recipient, None);
    type_into(&runtime, &mut pli, composer::field::SUBJECT, &subject, None);
    // Ctrl+Enter in the body sends.
    let enter = iced::Event::Keyboard(key_press(Key::Named(Named::Enter), Modifiers::CTRL));
    type_into(
        &runtime,
        &mut pli,
        composer::field::BODY,
        "Bonjour, voici mon avis.",
        Some(enter),
    );
    assert_eq!(status(&pli, id), Some(composer::Status::Sending));
    runtime.until(&mut pli, Duration::from_secs(30), |pli| {
        pli.composer(id).is_none()
    });
    assert_eq!(pli.screen, Screen::Mail);
    assert_eq!(pli.banner, Some(Banner::Done("Message envoyé.".into())));
    assert!(shows(&pli, "Message envoyé."));
    assert_eq!(
        wait_for_subject(&runtime, &recipient, "INBOX", &subject, 1),
        1,
        "the other box received it once"
    );
    // The worker's next pass brings the copy in Sent into the window's store.
    runtime.until(&mut pli, Duration::from_secs(30), |pli| {
        let sent = folder_of(pli, &name, Role::Sent).expect("Sent");
        pli.store()
            .expect("store")
            .page(sent.id, 0, 10)
            .expect("page")
            .iter()
            .any(|envelope| envelope.subject == subject)
    });
}

#[test]
fn issue_4_a_draft_saved_in_the_window_is_in_drafts_and_opens_again() {
    let user = dedicated_user("ui-drafts");
    empty_mailbox(&user);
    let (folder, mut pli, accounts) = window(&[&user]);
    let runtime = Runtime::new();
    runtime.start_worker(&folder, &accounts[0]);
    let name = accounts[0].name.clone();
    let drafts_folder = |pli: &Pli| folder_of(pli, &name, Role::Drafts);
    runtime.until(&mut pli, Duration::from_secs(30), |pli| {
        drafts_folder(pli).is_some()
    });

    let id = new_message(&runtime, &mut pli);
    let subject = format!("Brouillon {}", std::process::id());
    type_into(&runtime, &mut pli, composer::field::SUBJECT, &subject, None);
    // Ctrl+S in the body saves.
    let save = iced::Event::Keyboard(letter("s", Modifiers::CTRL));
    type_into(
        &runtime,
        &mut pli,
        composer::field::BODY,
        "À compléter après la réunion.",
        Some(save),
    );
    assert_eq!(status(&pli, id), Some(composer::Status::Saved));
    assert!(shows(&pli, "Brouillon enregistré"));
    // Typing again: no longer "saved".
    type_into(&runtime, &mut pli, composer::field::BODY, " Suite.", None);
    assert_eq!(status(&pli, id), Some(composer::Status::Editing));
    // Escape leaves the composer; the draft is saved again (same draft, one copy).
    let task = pli.update(Message::Shortcut(Shortcut::Escape));
    runtime.run(task);
    assert_eq!(pli.screen, Screen::Mail);
    assert_eq!(
        pli.store()
            .expect("store")
            .drafts(&name)
            .expect("drafts")
            .len(),
        1
    );
    // A restart brings it back among the messages in progress.
    let again = Pli::new(
        Profile::at(folder.path()),
        Arc::new(I18n::new(Language::Fr)),
        false,
    );
    assert!(again
        .composers
        .iter()
        .any(|composer| composer.subject() == subject && composer.draft_id().is_some()));
    drop(again);
    // The worker replays the save: the server's Drafts holds one copy, then the window's store.
    runtime.until(&mut pli, Duration::from_secs(40), |pli| {
        let Some(folder) = drafts_folder(pli) else {
            return false;
        };
        pli.store()
            .and_then(|store| store.page(folder.id, 0, 10).ok())
            .is_some_and(|page| page.iter().any(|envelope| envelope.subject == subject))
    });
    assert_eq!(wait_for_subject(&runtime, &user, "Drafts", &subject, 1), 1);

    // Opening it from the Drafts folder opens the composer on it.
    let folder = drafts_folder(&pli).expect("Drafts");
    pli.composers.clear();
    let task = pli.update(Message::List(
        pli::ui::message_list::Message::SelectFolder {
            account: name.clone(),
            folder: folder.id,
        },
    ));
    runtime.run(task);
    if !matches!(pli.screen, Screen::Composer(_)) {
        let task = pli.update(Message::List(pli::ui::message_list::Message::Select(0)));
        runtime.run(task);
    }
    runtime.until(&mut pli, Duration::from_secs(20), |pli| {
        matches!(pli.screen, Screen::Composer(_))
    });
    let composer = pli.active_composer().expect("the composer");
    assert_eq!(composer.subject(), subject);
    assert!(composer
        .body_text()
        .contains("À compléter après la réunion."));
    assert!(composer.draft_id().is_some(), "tied to its local draft");
}

#[test]
fn eco_4_1_1_the_settings_export_the_trace_as_csv() {
    let user = dedicated_user("ui-trace");
    let (folder, mut pli, _accounts) = window(&[&user]);
    {
        let store = pli.store().expect("store");
        // Older than the retention (6 months): never exported.
        store
            .trace_at(
                chrono::Utc::now() - chrono::Months::new(7),
                "someone",
                "ui-trace",
                pli_core::mail::store::TraceAction::Read,
                "UID STORE 1 +FLAGS (\\Seen)",
                "OK",
                true,
            )
            .expect("traced");
        store
            .trace(
                "ui-trace",
                pli_core::mail::store::TraceAction::Login,
                "LOGIN ui-trace@ehpad-test.mssante.fr on imap",
                "OK",
                true,
            )
            .expect("traced");
        store
            .trace(
                "ui-trace",
                pli_core::mail::store::TraceAction::Send,
                "MAIL FROM:<ui-trace@ehpad-test.mssante.fr> RCPT TO: 1 recipient(s) <x@pli>",
                "250 2.0.0 Ok",
                true,
            )
            .expect("traced");
    }
    let runtime = Runtime::new();
    let task = pli.update(Message::Shortcut(Shortcut::Settings));
    runtime.run(task);
    assert_eq!(pli.screen, Screen::Settings);
    let destination = folder.path().join("traces.csv");

    // The settings scroll; a tall screen shows them whole, down to the export.
    let mut ui = iced_test::Simulator::with_size(
        iced::Settings::default(),
        iced::Size::new(1024.0, 2400.0),
        pli.view(),
    );
    ui.click("Exporter les traces (CSV)")
        .expect("the button is on screen");
    let messages: Vec<Message> = ui.into_messages().collect();
    assert!(messages
        .iter()
        .any(|m| matches!(m, Message::Settings(settings::Message::ExportTrace))));
    // The button asks the system's dialog for a file (not run here); the file it gives comes
    // back as a message.
    for message in messages {
        drop(pli.update(message));
    }
    let task = pli.update(Message::Settings(settings::Message::ExportFileChosen(
        destination.clone(),
    )));
    runtime.run(task);
    runtime.until(&mut pli, Duration::from_secs(20), |pli| {
        pli.settings.export_notice().is_some()
    });
    let notice = pli.settings.export_notice().cloned().expect("a notice");
    let sentence = notice.expect("the export succeeded");
    assert!(sentence.contains("2 lignes"), "{sentence}");
    assert!(
        sentence.contains(&destination.display().to_string()),
        "{sentence}"
    );
    assert!(shows(&pli, "Traces exportées"));

    let csv = std::fs::read_to_string(&destination).expect("the file");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("date,workstation_user,box,action,request,answer,ok")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 2, "{csv}");
    assert!(rows[0].contains(",ui-trace,login,"), "{csv}");
    assert!(rows[1].contains(",ui-trace,send,"), "{csv}");
    // No secret: the password of the box never shows.
    assert!(!csv.contains(password().expose()), "{csv}");

    // A file that cannot be written says so.
    drop(pli.update(Message::Settings(settings::Message::ExportTrace)));
    let task = pli.update(Message::Settings(settings::Message::ExportFileChosen(
        folder.path().join("missing/folder/traces.csv"),
    )));
    runtime.run(task);
    runtime.until(&mut pli, Duration::from_secs(20), |pli| {
        matches!(pli.settings.export_notice(), Some(Err(_)))
    });
}

/// A message from `asker` asking for a read receipt, synced into `reader`'s box by its worker
/// and open in the window with the offer shown.
struct ReceiptAsked {
    _folder: tempfile::TempDir,
    pli: Pli,
    runtime: Runtime,
    name: String,
    inbox: i64,
}

const RECEIPT_ASKED: &str = "L'expéditeur demande un accusé de lecture.";

fn receipt_asked(asker: &str, reader: &str, subject: &str, message_id: &str) -> ReceiptAsked {
    empty_mailbox(asker);
    empty_mailbox(reader);
    inject_raw(
        asker,
        reader,
        &format!(
            "From: <{asker}>\r\nTo: <{reader}>\r\nSubject: {subject}\r\nMessage-ID: {message_id}\r\n\
             Disposition-Notification-To: <{asker}>\r\nMIME-Version: 1.0\r\n\
             Content-Type: text/plain; charset=utf-8\r\n\r\nBonjour, voici le document.\r\n"
        ),
    );
    let (folder, mut pli, accounts) = window(&[reader]);
    let runtime = Runtime::new();
    runtime.start_worker(&folder, &accounts[0]);
    let name = accounts[0].name.clone();
    let inbox = |pli: &Pli| folder_of(pli, &name, Role::Inbox);
    runtime.until(&mut pli, Duration::from_secs(30), |pli| {
        inbox(pli)
            .and_then(|inbox| pli.store().and_then(|store| store.count(inbox.id).ok()))
            .is_some_and(|count| count == 1)
            // and the box's folders are in the window (counted off its thread).
            && shows(pli, "Réception")
    });
    let inbox = inbox(&pli).expect("INBOX").id;
    open_message(&runtime, &mut pli, &name, inbox, subject);
    runtime.until(&mut pli, Duration::from_secs(20), |pli| {
        shows(pli, RECEIPT_ASKED)
    });
    ReceiptAsked {
        _folder: folder,
        pli,
        runtime,
        name,
        inbox,
    }
}

#[test]
fn eco_3_1_6_the_read_receipt_sent_from_the_reader_reaches_the_sender_once() {
    let asker = dedicated_user("ui-mdn-asker");
    let reader = dedicated_user("ui-mdn-reader");
    let original = format!("<ui-mdn-{}@ehpad-test.mssante.fr>", std::process::id());
    let ReceiptAsked {
        _folder,
        mut pli,
        runtime,
        name,
        inbox: inbox_id,
    } = receipt_asked(&asker, &reader, "Résultats de biologie", &original);
    let asked = RECEIPT_ASKED;

    let mut ui = simulator(pli.view());
    ui.click("Envoyer").expect("the receipt's button");
    let messages = ui.into_messages().collect();
    runtime.deliver(&mut pli, messages);
    runtime.until(&mut pli, Duration::from_secs(30), |pli| {
        pli.reader.notice().is_some()
    });
    assert_eq!(
        pli.reader.notice(),
        Some(&Ok("Accusé de lecture envoyé.".into()))
    );
    assert!(!shows(&pli, asked), "answered: the offer goes");

    // The asker receives one disposition notification of the original.
    let receipts = |runtime: &Runtime| {
        runtime.tokio.block_on(async {
            let mut session = server_session(&asker).await;
            session.select("INBOX").await.expect("select");
            let found: Vec<u32> = session
                .uid_search("HEADER Content-Type \"disposition-notification\"")
                .await
                .expect("search")
                .into_iter()
                .collect();
            let mut fields = Vec::new();
            for uid in found {
                let raw = pli_core::mail::sync::fetch_raw(&mut session, uid)
                    .await
                    .expect("fetched")
                    .expect("body");
                // Read back through the one reading path, as the asker's Pli would.
                fields.push(match pli_core::mail::mime::read_message(&raw).report {
                    Some(pli_core::mail::mime::Report::Disposition(fields)) => fields,
                    other => panic!("an MDN, got {other:?}"),
                });
            }
            let _ = session.logout().await;
            fields
        })
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut found = receipts(&runtime);
    while found.is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(250));
        found = receipts(&runtime);
    }
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0]
            .original_message_id
            .as_deref()
            .map(|id| format!("<{id}>")),
        Some(original.clone()),
        "{:?}",
        found[0]
    );

    // Reopened, the message does not offer the receipt again.
    pli.reader.close();
    open_message(&runtime, &mut pli, &name, inbox_id, "Résultats de biologie");
    assert!(pli.reader.opened().is_some_and(|o| o.receipt_answered));
    assert!(!shows(&pli, asked));
}

#[test]
fn eco_3_1_6_a_declined_read_receipt_is_not_asked_again_and_never_leaves() {
    let asker = dedicated_user("ui-mdn-decline-asker");
    let reader = dedicated_user("ui-mdn-decline-reader");
    let original = format!("<ui-decline-{}@ehpad-test.mssante.fr>", std::process::id());
    let ReceiptAsked {
        _folder,
        mut pli,
        runtime,
        name,
        inbox: inbox_id,
    } = receipt_asked(&asker, &reader, "Planning des gardes", &original);
    let asked = RECEIPT_ASKED;

    let mut ui = simulator(pli.view());
    ui.click("Ignorer").expect("the receipt's other button");
    let messages = ui.into_messages().collect();
    runtime.deliver(&mut pli, messages);
    assert!(!shows(&pli, asked), "answered: the offer goes");

    // Reopened: the store remembers the answer.
    pli.reader.close();
    open_message(&runtime, &mut pli, &name, inbox_id, "Planning des gardes");
    assert!(!shows(&pli, asked), "declined once is declined");
    let store = pli.store().expect("the store");
    assert!(
        store.outbox(&name).expect("outbox").is_empty(),
        "nothing queued"
    );
}

/// A message whose body is not in the store (in Archives, whose bodies the worker does not fetch
/// ahead) opened in the reader: before the box's worker runs, the reader says the box is offline;
/// once it runs, "retry" brings the body through the worker's connection.
#[test]
fn the_reader_gets_a_body_from_the_worker_of_its_box_and_says_so_when_offline() {
    let user = dedicated_user("ui-body");
    empty_mailbox(&user);
    save_raw(
        &user,
        format!(
            "From: <labo@ch-test.mssante.fr>\r\nTo: <{user}>\r\nSubject: Bilan sanguin\r\n\
             Message-ID: <ui-body.{}@test>\r\nMIME-Version: 1.0\r\n\
             Content-Type: text/plain; charset=utf-8\r\n\r\nHémoglobine dans les normes.\r\n",
            std::process::id()
        )
        .as_bytes(),
    );
    mailstack(&[
        "doveadm", "move", "-u", &user, "Archives", "mailbox", "INBOX", "all",
    ]);
    let folder = tempfile::tempdir().expect("a temporary folder");
    let profile = Profile::at(folder.path());
    let (account, credentials) = box_of(&user);
    save_accounts(&profile.accounts_file(), std::slice::from_ref(&account))
        .expect("accounts written");
    Secrets::os(profile.keyring_service())
        .expect("keyring")
        .set(&account.name, SecretKind::Password, &password())
        .expect("password in the keyring");
    let runtime = Runtime::new();
    // The envelopes a pass of an earlier day left in the store, without the body.
    {
        let mut store = pli_core::mail::store::Store::open(&profile.store_file()).expect("store");
        runtime
            .tokio
            .block_on(pli_core::mail::sync::sync_account(
                &account,
                &credentials,
                &mut store,
                &mut |_| {},
            ))
            .expect("synced");
    }
    let mut pli = Pli::new(profile, Arc::new(I18n::new(Language::Fr)), false);
    let archives = pli
        .store()
        .and_then(|store| store.folder(&account.name, "Archives").ok().flatten())
        .expect("Archives")
        .id;

    open_message(&runtime, &mut pli, &account.name, archives, "Bilan sanguin");
    assert!(
        shows(&pli, "La boîte est hors connexion"),
        "no worker yet: the reader says the box is offline"
    );

    runtime.start_worker(&folder, &account);
    runtime.until(&mut pli, Duration::from_secs(30), |pli| {
        pli.message_list.boxes().iter().any(|entry| {
            entry.account.name == account.name
                && entry.connectivity == connectivity::BoxStatus::UpToDate
        })
    });
    let mut ui = simulator(pli.view());
    ui.click("Réessayer").expect("the reader's retry");
    let messages = ui.into_messages().collect();
    runtime.deliver(&mut pli, messages);
    runtime.until(&mut pli, Duration::from_secs(20), |pli| {
        pli.reader
            .opened()
            .is_some_and(|opened| opened.body_text().contains("Hémoglobine dans les normes"))
    });
    assert!(!shows(&pli, "La boîte est hors connexion"));
}

/// Issue 13: on a shared (organisational) box the reader says who handles the message, and
/// "Je m'en occupe" writes the take on the server, under the name of the profile's settings, so
/// another workstation sees it after its sync and cannot take the message too.
#[test]
fn issue_13_je_m_en_occupe_in_the_reader_is_written_on_the_server_for_every_workstation() {
    use pli_core::mail::account::BoxKind;
    use pli_core::settings::ProfileSettings;
    let user = dedicated_user("ui-take");
    empty_mailbox(&user);
    let subject = "Demande de la famille Garnier";
    inject("famille@ch-test.mssante.fr", &user, subject, "Bonjour");

    let folder = tempfile::tempdir().expect("a temporary folder");
    let profile = Profile::at(folder.path());
    let (mut account, credentials) = box_of(&user);
    account.kind = BoxKind::Organisational;
    save_accounts(&profile.accounts_file(), std::slice::from_ref(&account))
        .expect("accounts written");
    Secrets::os(profile.keyring_service())
        .expect("keyring")
        .set(&account.name, SecretKind::Password, &password())
        .expect("password in the keyring");
    ProfileSettings {
        person_name: Some("Claire Dubois".into()),
        ..ProfileSettings::default()
    }
    .save(&profile.settings_file())
    .expect("settings written");
    let mut pli = Pli::new(profile, Arc::new(I18n::new(Language::Fr)), false);
    let runtime = Runtime::new();
    runtime.start_worker(&folder, &account);
    let name = account.name.clone();
    runtime.until(&mut pli, Duration::from_secs(30), |pli| {
        folder_of(pli, &name, Role::Inbox)
            .and_then(|inbox| pli.store().and_then(|store| store.count(inbox.id).ok()))
            .is_some_and(|count| count == 1)
            && shows(pli, "Réception")
    });
    let inbox = folder_of(&pli, &name, Role::Inbox).expect("INBOX").id;
    open_message(&runtime, &mut pli, &name, inbox, subject);
    runtime.until(&mut pli, Duration::from_secs(10), |pli| {
        shows(pli, "À traiter : personne ne s'en occupe.")
    });

    let mut ui = simulator(pli.view());
    ui.click("Je m'en occupe").expect("the bar's button");
    let messages = ui.into_messages().collect();
    runtime.deliver(&mut pli, messages);
    runtime.until(&mut pli, Duration::from_secs(20), |pli| {
        shows(pli, "Pris en charge par Claire Dubois.") || pli.reader.notice().is_some()
    });
    assert!(
        shows(&pli, "Pris en charge par Claire Dubois."),
        "{:?}",
        pli.reader.notice()
    );

    // The box list counts it under "Pris en charge par moi", and that list shows it.
    use pli_core::usecase::handling::{HandlingCounts, HandlingView};
    let counts = |pli: &Pli| pli.message_list.boxes()[0].handling;
    runtime.until(&mut pli, Duration::from_secs(10), |pli| {
        counts(pli)
            == Some(HandlingCounts {
                to_handle: 0,
                mine: 1,
                handled: 0,
            })
    });
    let mut ui = simulator(pli.view());
    ui.click("Pris en charge par moi")
        .expect("the box list's entry");
    let messages = ui.into_messages().collect();
    runtime.deliver(&mut pli, messages);
    let shown = pli.prescriptions.as_ref().expect("the list is shown");
    assert_eq!(shown.handling_view(), Some(HandlingView::Mine));
    assert_eq!(shown.rows().len(), 1);
    assert!(shows(&pli, subject));

    // Another workstation reads it from the server.
    let colleague = tempfile::tempdir().expect("a temporary folder");
    let colleague_profile = Profile::at(colleague.path());
    let mut other =
        pli_core::mail::store::Store::open(&colleague_profile.store_file()).expect("store");
    runtime
        .tokio
        .block_on(pli_core::mail::sync::sync_account(
            &account,
            &credentials,
            &mut other,
            &mut |_| {},
        ))
        .expect("the other workstation syncs");
    let other_inbox = inbox_of(&other, &account);
    let uid = other.page(other_inbox.id, 0, 10).expect("page")[0].uid;
    assert_eq!(
        pli_core::mail::keywords::handling(&other.keywords(other_inbox.id, uid).expect("keywords")),
        pli_core::mail::keywords::Handling::Taken("Claire Dubois".into())
    );

    // A colleague marks it handled on her workstation: the window's worker hears it (IDLE)
    // and the bar says so within seconds.
    let started = Instant::now();
    runtime
        .tokio
        .block_on(pli_core::usecase::handling::handle(
            &colleague_profile,
            &account,
            &credentials,
            "INBOX",
            uid,
            pli_core::usecase::handling::HandlingAction::Done,
            "Sophie Martin",
        ))
        .expect("handled elsewhere");
    runtime.until(&mut pli, Duration::from_secs(5), |pli| {
        shows(pli, "Traité par Sophie Martin.")
    });
    eprintln!("seen in the window after {:?}", started.elapsed());
    runtime.until(&mut pli, Duration::from_secs(10), |pli| {
        counts(pli)
            == Some(HandlingCounts {
                to_handle: 0,
                mine: 0,
                handled: 1,
            })
            && pli
                .prescriptions
                .as_ref()
                .is_some_and(|shown| shown.rows().is_empty())
    });

    // "Rouvrir": back to the messages to handle.
    let mut ui = simulator(pli.view());
    ui.click("Rouvrir").expect("the bar's button");
    let messages = ui.into_messages().collect();
    runtime.deliver(&mut pli, messages);
    runtime.until(&mut pli, Duration::from_secs(20), |pli| {
        shows(pli, "À traiter : personne ne s'en occupe.")
    });
}
