//! The three-pane window driven headless (iced_test on tiny-skia) over the demo store: no
//! network, no keyring. Each test clicks, types or presses keys the way a person would, lets
//! the messages through `Pli::update`, and checks what the screen shows and what the store holds.

use crate::common::{click_text, deliver, key_press, letter, named, shows};

use crate::common::demo_window as window;

use std::sync::Arc;

use iced::keyboard::{self, key::Named, Key, Modifiers};
use iced_test::selector::{Candidate, Target};
use iced_test::simulator;
use pli::i18n::{I18n, Language};
use pli::ui::composer::{self, SendOutcome, SendRequest};
use pli::ui::message_list::{self, SEARCH_FIELD};
use pli::ui::shortcuts::{shortcut_for, Shortcut};
use pli::ui::{demo, Background, Destination, Layout, Message, Pli, Screen};
use pli_core::mail::store::{Flags, Role};
use pli_core::profile::Profile;

fn click(pli: &mut Pli, selector: impl iced_test::Selector<Output = Target> + Send) {
    let mut ui = simulator(pli.view());
    ui.click(selector).expect("the target is on screen");
    let messages = ui.into_messages().collect();
    deliver(pli, messages);
}

/// The `n`th text (from 0) reading exactly `wanted`.
fn nth_text(wanted: &'static str, n: usize) -> impl FnMut(Candidate<'_>) -> Option<Target> {
    let mut seen = 0;
    move |candidate| match candidate {
        Candidate::Text { content, .. } if content == wanted => {
            seen += 1;
            (seen == n + 1).then(|| Target::from(candidate.clone()))
        }
        _ => None,
    }
}

/// Presses a key the way the window gets it: the widgets see it first, and only a key none of
/// them captured reaches the shortcuts (that is what `keyboard::listen` delivers).
fn press(pli: &mut Pli, event: keyboard::Event) {
    let mut ui = simulator(pli.view());
    let status = ui.simulate([iced::Event::Keyboard(event.clone())]);
    let mut messages: Vec<Message> = ui.into_messages().collect();
    if status
        .iter()
        .all(|status| *status == iced::event::Status::Ignored)
    {
        messages.extend(shortcut_for(&event).map(Message::Shortcut));
    }
    deliver(pli, messages);
}

fn inbox_of(pli: &Pli, account: &str) -> pli_core::mail::store::Folder {
    pli.store()
        .expect("the store")
        .folder_with_role(account, Role::Inbox)
        .expect("the store answers")
        .expect("an inbox")
}

#[test]
fn selecting_a_box_and_a_message_shows_its_body() {
    let (_folder, mut pli) = window();
    assert_eq!(
        pli.screen,
        Screen::Mail,
        "boxes exist: the panes, not the form"
    );
    // The nursing home's inbox is the second "Réception" of the box list.
    click(&mut pli, nth_text("Réception", 1));
    assert!(shows(&pli, "Réception — ehpad"));
    click_text(&mut pli, "Sortie d'hospitalisation de M. Bernard");

    let opened = pli.reader.opened().expect("the reader shows a message");
    assert!(
        opened
            .body_text()
            .contains("regagnera l'établissement demain"),
        "{}",
        opened.body_text()
    );
    assert!(
        shows(&pli, "Sortie_BERNARD_Henri.pdf"),
        "the attachment is listed"
    );
    assert!(shows(
        &pli,
        "CHU de Reims – Cardiologie <cardiologie@chu-reims.mssante.fr>"
    ));
    let envelope = pli
        .store()
        .unwrap()
        .envelope(opened.reference.folder.id, opened.reference.uid)
        .unwrap()
        .unwrap();
    assert!(envelope.flags.has(Flags::SEEN), "reading marks it read");
}

#[test]
fn search_narrows_the_list_as_you_type() {
    let (_folder, mut pli) = window();
    let everything = pli.message_list.window().total;
    assert!(everything > 200, "{everything}");
    let before_typing = pli.message_list.search().current();

    let mut ui = simulator(pli.view());
    ui.click(iced::widget::Id::new(SEARCH_FIELD))
        .expect("the search field");
    ui.typewrite("glycémie");
    let messages = ui.into_messages().collect();
    deliver(&mut pli, messages);
    assert_eq!(pli.message_list.search().query, "glycémie");

    // What the debounced task runs, off the UI thread, on its own store connection.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let result = runtime.block_on(message_list::search(
        pli.store_path().to_path_buf(),
        pli_core::mail::store::SearchFilter {
            words: pli.message_list.search().query.clone(),
            account: Some(demo::DOCTOR.into()),
            limit: message_list::SEARCH_LIMIT,
            ..Default::default()
        },
    ));
    let ticket = pli.message_list.search().current();
    let _ = pli.update(Message::List(message_list::Message::Searched {
        ticket,
        result,
    }));
    assert_eq!(
        pli.message_list.window().total,
        1,
        "the body mentions it once"
    );
    assert!(shows(&pli, "Résultats d'analyses – M. Paul Garnier"));
    assert!(!shows(&pli, "Question sur mon traitement"));

    // An answer to an older query is dropped.
    let _ = pli.update(Message::List(message_list::Message::Searched {
        ticket: before_typing,
        result: Ok(Vec::new()),
    }));
    assert_eq!(pli.message_list.window().total, 1);

    press(&mut pli, named(Named::Escape));
    assert!(!pli.message_list.search().is_active());
    assert_eq!(pli.message_list.window().total, everything);
}

#[test]
fn j_and_k_move_the_selection_and_open_the_message() {
    let (_folder, mut pli) = window();
    press(&mut pli, letter("j", Modifiers::empty()));
    assert_eq!(pli.message_list.selected().map(|s| s.index), Some(0));
    assert_eq!(
        pli.reader.opened().unwrap().envelope.from_address,
        demo::PATIENT_ADDRESS
    );
    press(&mut pli, named(Named::ArrowDown));
    press(&mut pli, letter("j", Modifiers::empty()));
    assert_eq!(pli.message_list.selected().map(|s| s.index), Some(2));
    press(&mut pli, letter("k", Modifiers::empty()));
    assert_eq!(pli.message_list.selected().map(|s| s.index), Some(1));
    assert_eq!(
        pli.reader.opened().unwrap().subject(),
        "Demande de rendez-vous"
    );
}

#[test]
fn page_down_past_the_window_scrolls_the_list() {
    let (_folder, mut pli) = window();
    let rows = pli.message_list.window().rows;
    press(&mut pli, named(Named::End));
    let last = pli.message_list.window().total - 1;
    assert_eq!(pli.message_list.selected().map(|s| s.index), Some(last));
    assert_eq!(pli.message_list.window().offset, last + 1 - rows);
    assert_eq!(pli.message_list.visible_rows().len(), rows);
    press(&mut pli, named(Named::Home));
    assert_eq!(pli.message_list.window().offset, 0);
    press(&mut pli, named(Named::PageDown));
    assert_eq!(
        pli.message_list.selected().map(|s| s.index),
        Some(pli.message_list.window().page())
    );
}

#[test]
fn typing_j_in_the_search_field_types_a_j() {
    let (_folder, pli) = window();
    let mut ui = simulator(pli.view());
    ui.click(iced::widget::Id::new(SEARCH_FIELD)).unwrap();
    let status = ui.simulate([iced::Event::Keyboard(letter("j", Modifiers::empty()))]);
    assert!(
        status.contains(&iced::event::Status::Captured),
        "the field keeps its letters"
    );
}

#[test]
fn delete_moves_the_message_to_the_trash_and_opens_the_next() {
    let (_folder, mut pli) = window();
    let inbox = inbox_of(&pli, demo::DOCTOR);
    let before = pli.store().unwrap().count(inbox.id).unwrap();
    press(&mut pli, named(Named::ArrowDown));
    let deleted = pli.message_list.selected().unwrap().uid;
    press(&mut pli, named(Named::Delete));

    let store = pli.store().unwrap();
    assert_eq!(store.count(inbox.id).unwrap(), before - 1);
    assert!(store.envelope(inbox.id, deleted).unwrap().is_none());
    let trash = store
        .folder_with_role(demo::DOCTOR, Role::Trash)
        .unwrap()
        .unwrap();
    let actions = store.pending_actions(demo::DOCTOR).unwrap();
    assert!(
        actions.iter().any(|action| action.uid == deleted
            && action.kind
                == pli_core::mail::store::ActionKind::Move {
                    to: trash.name.clone()
                }),
        "{actions:?}"
    );
    let next = pli.reader.opened().expect("the next message is open");
    assert_ne!(next.reference.uid, deleted);
    assert_eq!(pli.message_list.selected().map(|s| s.index), Some(0));
}

#[test]
fn ctrl_u_marks_unread_and_read_again() {
    let (_folder, mut pli) = window();
    press(&mut pli, named(Named::ArrowDown));
    let reference = pli.reader.opened().unwrap().reference.clone();
    let seen = |pli: &Pli| {
        pli.store()
            .unwrap()
            .envelope(reference.folder.id, reference.uid)
            .unwrap()
            .unwrap()
            .flags
            .has(Flags::SEEN)
    };
    assert!(seen(&pli));
    press(&mut pli, letter("u", Modifiers::CTRL));
    assert!(!seen(&pli));
    assert!(shows(&pli, "Marquer comme lu"));
    press(&mut pli, letter("i", Modifiers::CTRL));
    assert!(seen(&pli));
}

#[test]
fn eco_3_1_1_and_3_1_2_a_patient_message_carries_its_marker() {
    let (_folder, mut pli) = window();
    assert!(
        shows(&pli, "Patient · INS 2 79 03 51 215 189 89"),
        "the list marks the patient's row"
    );
    click_text(&mut pli, "Question sur mon traitement");
    assert!(
        shows(&pli, "· Jeanne Lefèvre · INS 2 79 03 51 215 189 89"),
        "the reader names the patient with the INS"
    );

    // The next message is another patient's, who wrote without being asked: flagged.
    press(&mut pli, named(Named::ArrowDown));
    assert!(shows(&pli, "· Lucas Moreau · INS 1 93 12 75 118 042 66"));
    assert!(shows(&pli, "Message non sollicité :"));
    assert!(shows(&pli, "Non sollicité"), "the list says it too");

    press(&mut pli, named(Named::ArrowDown));
    assert!(
        !shows(&pli, "· CHU de Reims"),
        "a professional's message carries no patient marker"
    );
    assert!(!shows(&pli, "Message non sollicité :"));
}

#[test]
fn eco_3_1_3_the_xdm_prefix_is_never_shown() {
    let (_folder, mut pli) = window();
    assert!(shows(
        &pli,
        "CR hospitalier (séjour) LEFEVRE Jeanne 12/03/1979"
    ));
    assert!(!shows(&pli, "XDM/1.0/DDM+"), "not in the list");
    click_text(
        &mut pli,
        "CR hospitalier (séjour) LEFEVRE Jeanne 12/03/1979",
    );
    assert!(pli.reader.opened().is_some());
    assert!(!shows(&pli, "XDM/1.0/DDM+"), "not in the reader");
}

#[test]
fn ctrl_n_opens_the_composer_and_escape_keeps_the_draft() {
    let (_folder, mut pli) = window();
    press(&mut pli, letter("n", Modifiers::CTRL));
    let Screen::Composer(id) = pli.screen else {
        panic!("expected the composer, got {:?}", pli.screen);
    };
    assert!(shows(&pli, "Nouveau message"));
    let mut ui = simulator(pli.view());
    ui.click(iced::widget::Id::new(composer::field::SUBJECT))
        .unwrap();
    ui.typewrite("Planning de jeudi");
    let messages = ui.into_messages().collect();
    deliver(&mut pli, messages);

    press(&mut pli, named(Named::Escape));
    assert_eq!(pli.screen, Screen::Mail);
    assert!(
        shows(&pli, "Planning de jeudi"),
        "the draft is listed aside"
    );
    click_text(&mut pli, "Planning de jeudi");
    assert_eq!(pli.screen, Screen::Composer(id));
    assert_eq!(
        pli.active_composer().unwrap().subject(),
        "Planning de jeudi"
    );
}

#[test]
fn reply_fills_to_subject_in_reply_to_and_references() {
    let (_folder, mut pli) = window();
    click_text(
        &mut pli,
        "CR hospitalier (séjour) LEFEVRE Jeanne 12/03/1979",
    );
    let message_id = pli
        .reader
        .opened()
        .and_then(|opened| opened.content())
        .and_then(|content| content.message_id.clone())
        .expect("a Message-ID");
    press(&mut pli, letter("r", Modifiers::CTRL));
    let composer = pli.active_composer().expect("the composer is open");
    assert_eq!(
        composer.to(),
        "CHU de Reims – Cardiologie <cardiologie@chu-reims.mssante.fr>"
    );
    assert_eq!(
        composer.subject(),
        "Re: CR hospitalier (séjour) LEFEVRE Jeanne 12/03/1979",
        "one marker, no XDM prefix"
    );
    assert_eq!(composer.in_reply_to(), Some(message_id.as_str()));
    assert_eq!(composer.references(), Some(message_id.as_str()));
    assert!(composer.body_text().contains("> Chère consœur,"));
    assert!(composer.cc().is_empty());
}

#[test]
fn reply_all_keeps_the_thread_and_leaves_our_own_box_out() {
    let (_folder, mut pli) = window();
    click_text(&mut pli, "Demande d'avis – patiente commune");
    let message_id = pli
        .reader
        .opened()
        .and_then(|opened| opened.content())
        .and_then(|content| content.message_id.clone())
        .unwrap();
    press(&mut pli, letter("R", Modifiers::CTRL | Modifiers::SHIFT));
    let composer = pli.active_composer().expect("the composer is open");
    assert_eq!(
        composer.to(),
        "Dr Hélène Noël <helene.noel@ch-epernay.mssante.fr>"
    );
    assert_eq!(
        composer.cc(),
        "Secrétariat EHPAD Les Tilleuls <secretariat@ehpad-lestilleuls.mssante.fr>",
        "the doctor's own address is not copied"
    );
    assert_eq!(
        composer.references(),
        Some(format!("{} {message_id}", demo::THREAD_START).as_str())
    );
}

#[test]
fn forward_takes_the_attachments_along() {
    let (_folder, mut pli) = window();
    click_text(&mut pli, "Résultats d'analyses – M. Paul Garnier");
    press(&mut pli, letter("l", Modifiers::CTRL));
    let composer = pli.active_composer().expect("the composer is open");
    assert_eq!(
        composer.subject(),
        "Tr : Résultats d'analyses – M. Paul Garnier"
    );
    assert_eq!(composer.attachments().len(), 1);
    assert_eq!(composer.attachments()[0].0, "Resultats_GARNIER_Paul.pdf");
    assert!(composer.attachments()[0].2.starts_with(b"%PDF"));
    assert!(composer.body_text().contains("glycémie à jeun"));
    assert!(composer.to().is_empty());
}

#[test]
fn ctrl_enter_in_the_body_sends_and_the_outbox_keeps_the_message() {
    let (folder, mut pli) = window();
    press(&mut pli, letter("n", Modifiers::CTRL));
    let Screen::Composer(id) = pli.screen else {
        panic!("no composer");
    };
    let mut ui = simulator(pli.view());
    ui.click(iced::widget::Id::new(composer::field::TO))
        .unwrap();
    ui.typewrite("helene.noel@ch-epernay.mssante.fr");
    let messages = ui.into_messages().collect();
    deliver(&mut pli, messages);

    // Ctrl+Enter while typing the body: the editor itself turns it into "send".
    let mut ui = simulator(pli.view());
    ui.click(iced::widget::Id::new(composer::field::BODY))
        .unwrap();
    ui.typewrite("Bonjour");
    ui.simulate([iced::Event::Keyboard(key_press(
        Key::Named(Named::Enter),
        Modifiers::CTRL,
    ))]);
    let messages: Vec<Message> = ui.into_messages().collect();
    assert!(
        messages
            .iter()
            .any(|message| matches!(message, Message::Composer(_, composer::Message::Send))),
        "{messages:?}"
    );
    deliver(&mut pli, messages);
    let composer = pli.composer(id).unwrap();
    assert_eq!(composer.status(), &composer::Status::Sending);
    assert!(composer.body_text().contains("Bonjour"));

    // What the send task runs: queued in the outbox; a demo box never connects.
    let account = pli.accounts()[0].clone();
    let request = SendRequest {
        draft: composer.draft(&account),
        account,
        profile: Profile::at(folder.path()),
        outside_confirmed: false,
        // ch-epernay is not in the list shipped with Pli: its notice was seen.
        notices_seen: true,
        patients_confirmed: false,
        closes_conversation: false,
        unqualified_identity_confirmed: false,
        demo: true,
        documents: Vec::new(),
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let outcome = runtime.block_on(composer::send(request, Arc::new(I18n::new(Language::Fr))));
    assert!(
        matches!(outcome, Ok(SendOutcome::Waiting(_))),
        "{outcome:?}"
    );
    let outbox = pli.store().unwrap().outbox(demo::DOCTOR).unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].recipients, ["helene.noel@ch-epernay.mssante.fr"]);

    let _ = pli.update(Message::Composer(id, composer::Message::Sent(outcome)));
    assert_eq!(pli.screen, Screen::Mail);
    assert!(
        pli.composer(id).is_none(),
        "a queued message closes its composer"
    );
}

#[test]
fn a_message_without_recipient_is_not_sent() {
    let (_folder, mut pli) = window();
    press(&mut pli, letter("n", Modifiers::CTRL));
    press(
        &mut pli,
        key_press(Key::Named(Named::Enter), Modifiers::CTRL),
    );
    let composer = pli.active_composer().unwrap();
    assert_eq!(composer.status(), &composer::Status::NoRecipient);
    assert!(shows(&pli, "Indiquez au moins un destinataire."));
}

#[test]
fn the_welcome_form_shows_only_without_boxes_and_from_the_add_button() {
    let folder = tempfile::tempdir().unwrap();
    let empty = Pli::new(
        Profile::at(folder.path()),
        Arc::new(I18n::new(Language::Fr)),
        false,
    );
    assert_eq!(empty.screen, Screen::Welcome);
    assert!(shows(&empty, "Bienvenue dans Pli"));

    let (_demo, mut pli) = window();
    click_text(&mut pli, "+ Ajouter une boîte");
    assert_eq!(pli.screen, Screen::Welcome);
    press(&mut pli, named(Named::Escape));
    assert_eq!(pli.screen, Screen::Mail);
}

#[test]
fn the_wheel_scrolls_the_window_not_the_selection() {
    let (_folder, mut pli) = window();
    let first = pli.message_list.visible_rows()[0].envelope.uid;
    let _ = pli.update(Message::List(message_list::Message::Wheel(
        iced::mouse::ScrollDelta::Lines { x: 0.0, y: -2.0 },
    )));
    assert_eq!(pli.message_list.window().offset, 6, "three rows a notch");
    assert_ne!(pli.message_list.visible_rows()[0].envelope.uid, first);
    assert!(pli.message_list.selected().is_none());
    let _ = pli.update(Message::List(message_list::Message::Resized(
        iced::Size::new(400.0, 10.0 * message_list::ROW_HEIGHT),
    )));
    assert_eq!(pli.message_list.window().rows, 10);
    assert_eq!(pli.message_list.visible_rows().len(), 10);
}

#[test]
fn shortcuts_reach_the_window_through_the_keyboard_subscription() {
    // The subscription maps raw key events with this function: spot-check the day's keys.
    for (event, expected) in [
        (letter("n", Modifiers::CTRL), Shortcut::NewMessage),
        (letter("f", Modifiers::CTRL), Shortcut::Search),
        (named(Named::Delete), Shortcut::Delete),
        (named(Named::Tab), Shortcut::FocusNext),
    ] {
        assert_eq!(shortcut_for(&event), Some(expected));
    }
}

#[test]
fn new_mail_above_the_selection_keeps_it_on_the_same_message() {
    let (_folder, mut pli) = window();
    for _ in 0..3 {
        press(&mut pli, named(Named::ArrowDown));
    }
    let selected = pli.message_list.selected().expect("a selection");
    assert_eq!(selected.index, 2);

    // A worker writes 30 newer messages through its own connection, then says so.
    let inbox = inbox_of(&pli, demo::DOCTOR);
    let mut worker_store = pli_core::mail::store::Store::open(pli.store_path()).unwrap();
    let newest = pli.message_list.visible_rows()[0].envelope.date;
    let arrivals: Vec<_> = (0..30)
        .map(|n| pli_core::mail::store::Envelope {
            uid: 10_000 + n,
            date: newest + 60 * i64::from(n + 1),
            subject: format!("Nouveau message {n}"),
            from_address: "resultats@labo-bioanalyse.mssante.fr".into(),
            ..Default::default()
        })
        .collect();
    worker_store.insert_envelopes(inbox.id, &arrivals).unwrap();
    let synced = pli_core::mail::worker::Event::Synced {
        account: demo::DOCTOR.into(),
        report: Default::default(),
    };
    let _ = pli.update(Message::Background(Background::Worker(
        pli::ui::connectivity::WorkerEvent::Event(synced),
    )));
    assert!(
        shows(&pli, "Nouveau message 29"),
        "new mail shows on top at once"
    );
    // The folders' counts arrive from their background task.
    let counted = message_list::count_folders(&worker_store, &[demo::DOCTOR.to_string()]);
    let _ = pli.update(Message::Background(Background::Counted(
        counted.map_err(|e| e.to_string()),
    )));

    let after = pli.message_list.selected().expect("still selected");
    assert_eq!(after.uid, selected.uid);
    assert_eq!(after.index, 32);
    press(&mut pli, letter("k", Modifiers::empty()));
    assert_eq!(
        pli.message_list.selected().map(|s| s.index),
        Some(31),
        "J and K go on from where the message is now"
    );
}

#[test]
fn the_pane_layout_is_remembered() {
    let (folder, mut pli) = window();
    let split = *pli
        .panes()
        .layout()
        .splits()
        .next()
        .expect("the panes are split");
    let _ = pli.update(Message::Layout(Layout::Resized(
        iced::widget::pane_grid::ResizeEvent { split, ratio: 0.3 },
    )));
    let remembered = pli.preferences().panes;
    assert!(
        (remembered.boxes - 0.3).abs() < 1e-6 || (remembered.list - 0.3).abs() < 1e-6,
        "{remembered:?}"
    );

    // What the debounced save writes is what the next window starts with.
    let profile = Profile::at(folder.path());
    let path = pli::ui::preferences::Preferences::path(&profile);
    pli.preferences().save(&path).unwrap();
    let again = Pli::new(profile, Arc::new(I18n::new(Language::Fr)), true);
    assert_eq!(again.preferences().panes, remembered);
    let mut ratios = Vec::new();
    fn walk(node: &iced::widget::pane_grid::Node, ratios: &mut Vec<f32>) {
        if let iced::widget::pane_grid::Node::Split { ratio, a, b, .. } = node {
            ratios.push(*ratio);
            walk(a, ratios);
            walk(b, ratios);
        }
    }
    walk(again.panes().layout(), &mut ratios);
    assert_eq!(ratios, [remembered.boxes, remembered.list]);
}

#[test]
fn settings_switch_the_language_and_the_theme_at_once() {
    use pli::i18n::Language;
    use pli::ui::settings;
    use pli::ui::theme::ThemeChoice;
    use pli::ui::widget::Choice;
    let (_folder, mut pli) = window();
    click_text(&mut pli, "Paramètres");
    assert_eq!(pli.screen, Screen::Settings);
    let _ = pli.update(Message::Settings(settings::Message::Language(Choice::new(
        Some(Language::En),
        "English",
    ))));
    assert!(shows(&pli, "Settings"), "the window speaks English at once");
    let _ = pli.update(Message::Settings(settings::Message::Theme(Choice::new(
        ThemeChoice::Dark,
        "Dark",
    ))));
    assert_eq!(pli.theme_choice(), ThemeChoice::Dark);
    assert_eq!(pli::ui::theme::follow_system(&pli), Some(iced::Theme::Dark));
    press(&mut pli, named(Named::Escape));
    assert_eq!(pli.screen, Screen::Mail);
    assert!(shows(&pli, "New message"));
}

#[test]
fn a_new_message_is_signed_and_changing_the_box_changes_the_signature() {
    let (_folder, mut pli) = window();
    press(&mut pli, letter("n", Modifiers::CTRL));
    let Screen::Composer(id) = pli.screen else {
        panic!("no composer");
    };
    let body = pli.composer(id).unwrap().body_text();
    assert!(body.contains("-- \nDr Claire Martin"), "{body:?}");

    let nursing_home = pli.accounts()[1].clone();
    let _ = pli.update(Message::Composer(
        id,
        composer::Message::From(composer::Sender::of(&nursing_home, None)),
    ));
    let composer = pli.composer(id).unwrap();
    assert_eq!(composer.from(), demo::NURSING_HOME);
    let body = composer.body_text();
    assert!(
        body.contains("Le secrétariat de l'EHPAD Les Tilleuls"),
        "{body:?}"
    );
    assert!(!body.contains("Dr Claire Martin"), "{body:?}");
}

/// Under the From list, the composer shows the name the recipients will read (ECO.2.2.7), as the send path writes
/// it: the demo's boxes are not in its directory, so the box's own display name.
#[test]
fn eco_2_2_7_the_composer_s_from_shows_the_name_the_message_will_carry() {
    let (_folder, mut pli) = window();
    let started = pli.start();
    deliver(&mut pli, run_task(started));
    press(&mut pli, letter("n", Modifiers::CTRL));
    assert!(
        shows(
            &pli,
            &format!(
                "Dr_Claire_MARTIN_Cabinet des Tilleuls <{}>",
                demo::DOCTOR_ADDRESS
            )
        ),
        "the From line names the doctor as her messages will"
    );
}

#[test]
fn a_patient_recipient_is_named_and_the_conversation_may_be_closed() {
    let (_folder, mut pli) = window();
    click_text(&mut pli, "Question sur mon traitement");
    press(&mut pli, letter("r", Modifiers::CTRL));
    assert!(
        shows(&pli, "· Jeanne Lefèvre · INS 2 79 03 51 215 189 89"),
        "the composer names the patient it writes to"
    );
    assert!(shows(&pli, "Clore la conversation avec le patient"));
    let Screen::Composer(id) = pli.screen else {
        panic!("no composer");
    };
    let _ = pli.update(Message::Composer(
        id,
        composer::Message::CloseConversation(true),
    ));
    assert!(pli.composer(id).unwrap().closes_conversation());
}

#[test]
fn j_still_moves_on_while_the_body_has_the_focus() {
    let (_folder, mut pli) = window();
    press(&mut pli, named(Named::ArrowDown));
    // Click into the body, as to select a line of it, then press J in the same window.
    let mut ui = simulator(pli.view());
    ui.click(iced::widget::Id::new(pli::ui::reader::BODY))
        .expect("the body is on screen");
    let event = letter("j", Modifiers::empty());
    let status = ui.simulate([iced::Event::Keyboard(event.clone())]);
    assert!(
        status.iter().all(|s| *s == iced::event::Status::Ignored),
        "the body leaves J to the window"
    );
    let mut messages: Vec<Message> = ui.into_messages().collect();
    messages.extend(shortcut_for(&event).map(Message::Shortcut));
    deliver(&mut pli, messages);
    assert_eq!(pli.message_list.selected().map(|s| s.index), Some(1));
}

#[test]
fn a_prescription_sent_to_the_pharmacy_is_badged() {
    let (_folder, mut pli) = window();
    // The pharmacy's inbox is the third "Réception" of the box list.
    click(&mut pli, nth_text("Réception", 2));
    assert!(shows(&pli, "Ordonnance numérique"), "the list badges it");
    click_text(&mut pli, "Ordonnance à préparer");
    assert!(shows(&pli, "· Paul Garnier · INS 1 85 07 75 123 456 08"));
    assert!(
        simulator(pli.view())
            .find(nth_text("Ordonnance numérique", 1))
            .is_ok(),
        "the reader badges it too"
    );
}

/// Runs what `update` asked for, as the iced runtime would, and returns the messages it produced.
fn run_task(task: iced::Task<Message>) -> Vec<Message> {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    crate::common::task_messages(&runtime, task)
}

#[test]
fn a_file_dropped_on_the_mail_opens_a_new_message_with_it_attached() {
    use pli::ui::dropped_files;
    let (folder, mut pli) = window();
    let report = folder.path().join("compte-rendu opératoire.pdf");
    std::fs::write(&report, b"%PDF-1.4 compte rendu").unwrap();

    let _ = pli.update(Message::DroppedFiles(dropped_files::Message::Hovered));
    assert!(shows(&pli, "joindre à un nouveau message"));
    let task = pli.update(Message::DroppedFiles(dropped_files::Message::Dropped(
        report.clone(),
    )));
    let Screen::Composer(id) = pli.screen else {
        panic!("no composer opened by the drop");
    };
    assert!(!pli.dropping, "the hint leaves with the drop");
    for message in run_task(task) {
        let _ = pli.update(message);
    }
    let attached = &pli.composer(id).expect("the draft").attachments();
    assert_eq!(attached.len(), 1);
    assert_eq!(attached[0].0, "compte-rendu opératoire.pdf");
    assert_eq!(attached[0].1, "application/pdf");
    assert_eq!(attached[0].2, b"%PDF-1.4 compte rendu");
    assert!(shows(&pli, "compte-rendu opératoire.pdf"));

    // A second file joins the same message; a folder cannot be attached and says so.
    let note = folder.path().join("note.txt");
    std::fs::write(&note, "à relire").unwrap();
    for path in [note, folder.path().to_path_buf()] {
        let task = pli.update(Message::DroppedFiles(dropped_files::Message::Dropped(path)));
        for message in run_task(task) {
            let _ = pli.update(message);
        }
    }
    assert_eq!(pli.screen, Screen::Composer(id), "still the same message");
    assert_eq!(pli.composer(id).expect("the draft").attachments().len(), 2);
    assert!(shows(&pli, "n'a pas pu être joint"));
}

#[test]
fn files_held_over_the_window_and_taken_away_leave_no_hint() {
    use pli::ui::dropped_files;
    let (_folder, mut pli) = window();
    let _ = pli.update(Message::Go(Destination::NewMessage));
    let _ = pli.update(Message::DroppedFiles(dropped_files::Message::Hovered));
    assert!(shows(
        &pli,
        "Déposez les fichiers pour les joindre au message."
    ));
    let _ = pli.update(Message::DroppedFiles(dropped_files::Message::Left));
    assert!(!shows(&pli, "Déposez les fichiers"));
}

#[test]
fn a_forward_that_left_marks_the_original_forwarded_for_every_client() {
    let (_folder, mut pli) = window();
    click_text(&mut pli, "Résultats d'analyses – M. Paul Garnier");
    let original = pli.reader.opened().unwrap().reference.clone();
    press(&mut pli, letter("l", Modifiers::CTRL));
    let Screen::Composer(id) = pli.screen else {
        panic!("no composer");
    };
    let _ = pli.update(Message::Composer(
        id,
        composer::Message::Sent(Ok(SendOutcome::Sent)),
    ));
    // The mark waits with the flags for the box's next pass, which takes it to the server.
    let store = pli.store().unwrap();
    let pending = store.pending_actions(&original.account).unwrap();
    assert!(
        pending.iter().any(|action| action.uid == original.uid
            && action.kind
                == pli_core::mail::store::ActionKind::Keyword {
                    keyword: "$Forwarded".into(),
                    on: true
                }),
        "{pending:?}"
    );
    assert!(store
        .keywords(original.folder.id, original.uid)
        .unwrap()
        .contains(&"$Forwarded".to_string()));
}
