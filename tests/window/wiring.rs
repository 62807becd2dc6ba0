//! The MSSanté screens wired into the window, driven headless (iced_test on tiny-skia) over the
//! demo store: "Écrire à un patient", the national directory, the lock and the inactivity
//! banners, each reached the way a person reaches it.

use crate::common::{click_text, deliver, shows};

use crate::common::demo_window as window;

use iced::keyboard::{self, Modifiers};
use iced::widget::Id;
use iced_test::selector::Candidate;
use iced_test::simulator;
use pli::ui::shortcuts::shortcut_for;
use pli::ui::{
    demo, directory, patient, Completion, Destination, Inactivity, Message, Pli, Screen,
};
use pli_core::mssante::ins::{IdentityStatus, Sex};
use pli_core::profile::Profile;

fn type_into(pli: &mut Pli, id: &'static str, value: &str) {
    let mut ui = simulator(pli.view());
    ui.click(Id::new(id)).expect("the field is on screen");
    ui.typewrite(value);
    let messages = ui.into_messages().collect();
    deliver(pli, messages);
}

/// A key with Ctrl (and Shift), as the keyboard subscription hands it to the window.
fn control(pli: &mut Pli, letter: &str, shift: bool) {
    let modifiers = if shift {
        Modifiers::CTRL | Modifiers::SHIFT
    } else {
        Modifiers::CTRL
    };
    let event = crate::common::letter(letter, modifiers);
    let shortcut = shortcut_for(&event).expect("the keys are a shortcut");
    let _ = pli.update(Message::Shortcut(shortcut));
}

// ------------------------------------------------------------------------ écrire à un patient

#[test]
fn the_button_opens_write_to_a_patient_and_escape_leaves_it() {
    let (_folder, mut pli) = window();
    click_text(&mut pli, "Écrire à un patient");
    assert_eq!(pli.screen, Screen::Patient);
    assert!(shows(&pli, "Nom de naissance"));
    let _ = pli.update(Message::Patient(patient::Message::Close));
    assert_eq!(pli.screen, Screen::Mail);
}

#[test]
fn a_confirmed_patient_is_in_the_composers_to() {
    let (_folder, mut pli) = window();
    control(&mut pli, "P", true);
    assert_eq!(pli.screen, Screen::Patient, "Ctrl+Shift+P opens the screen");
    type_into(&mut pli, patient::field::MATRICULE, "2 79 03 51 215 189 89");
    type_into(&mut pli, patient::field::BIRTH_NAME, "Dupont");
    type_into(&mut pli, patient::field::FIRST_NAMES, "Hélène");
    // The matricule says: a woman born in March 1979.
    type_into(&mut pli, patient::field::BIRTH_DATE, "15/03/1979");
    let _ = pli.update(Message::Patient(patient::Message::Sex(Sex::Female)));
    let _ = pli.update(Message::Patient(patient::Message::Status(
        IdentityStatus::Qualified,
    )));
    click_text(&mut pli, "Écrire à ce patient");
    assert_eq!(pli.screen, Screen::Patient, "the confirmation comes first");
    click_text(&mut pli, "Confirmer et écrire");
    let composer = pli.active_composer().expect("the composer is on screen");
    assert!(
        composer
            .to()
            .contains("<279035121518989@patient.mssante.fr>"),
        "{}",
        composer.to()
    );
    assert!(composer.to().contains("Hélène DUPONT"));
    assert!(shows(&pli, "INS 2 79 03 51 215 189 89"), "named by INS");
    assert!(
        pli.patient.form().matricule.is_empty(),
        "the screen forgot the patient"
    );
}

// ------------------------------------------------------------------------------ the directory

/// Imports a small generated extraction into the profile's directory.
fn import_directory(folder: &std::path::Path) -> pli_core::directory::Directory {
    use pli_core::directory::fixture::{Fixture, FixtureOptions};
    let file = folder.join("extraction.csv");
    Fixture::new(FixtureOptions {
        rows: 400,
        seed: 7,
        ..FixtureOptions::default()
    })
    .write_file(&file)
    .expect("the extraction is written");
    let path = directory::directory_path(&Profile::at(folder));
    let index = pli_core::directory::Directory::open(&path).expect("the directory opens");
    index
        .import_file(&file, |_| std::ops::ControlFlow::Continue(()))
        .expect("the extraction imports");
    index
}

/// Runs the search the pane asked for, as its task would, and hands the answer back.
fn run_directory_search(pli: &mut Pli, folder: &std::path::Path) {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let result = runtime.block_on(directory::search(
        directory::directory_path(&Profile::at(folder)),
        pli.directory.query().to_string(),
        directory::RESULTS,
    ));
    let ticket = pli.directory.current_search();
    let _ = pli.update(Message::Directory(directory::Message::Searched {
        ticket,
        result,
    }));
}

#[test]
fn the_directory_finds_a_name_typed_without_accents_and_enter_writes_to_it() {
    let (folder, mut pli) = window();
    let index = import_directory(folder.path());
    let expected = index
        .search(&pli_core::directory::Query::parse("Hélène").limit(1))
        .expect("the directory answers")
        .into_iter()
        .next()
        .expect("the fixture has a Hélène")
        .entry;

    control(&mut pli, "d", false);
    assert_eq!(pli.screen, Screen::Directory, "Ctrl+D opens the directory");
    type_into(&mut pli, directory::SEARCH_FIELD, "helene");
    assert_eq!(pli.directory.query(), "helene");
    run_directory_search(&mut pli, folder.path());
    assert!(
        pli.directory
            .hits()
            .iter()
            .any(|hit| hit.entry.address == expected.address),
        "typed without accents, the name is found"
    );
    assert!(shows(&pli, &expected.display_name()));
    // The first hit is selected; ↓ then ↑ come back to it.
    let _ = pli.update(Message::Directory(directory::Message::Move(1)));
    let _ = pli.update(Message::Directory(directory::Message::Move(-1)));
    assert_eq!(pli.directory.selected(), Some(0));
    let first = pli.directory.hits()[0].entry.clone();

    // Enter in the field writes to the selected hit.
    let mut ui = simulator(pli.view());
    ui.click(Id::new(directory::SEARCH_FIELD))
        .expect("the field is on screen");
    let _ = ui.simulate([iced::Event::Keyboard(crate::common::named(
        keyboard::key::Named::Enter,
    ))]);
    let messages = ui.into_messages().collect();
    deliver(&mut pli, messages);
    let composer = pli.active_composer().expect("the composer opened");
    assert!(
        composer.to().contains(&format!("<{}>", first.address)),
        "{}",
        composer.to()
    );
}

#[test]
fn an_empty_directory_says_how_to_import() {
    let (_folder, mut pli) = window();
    click_text(&mut pli, "Annuaire");
    let _ = pli.update(Message::Directory(directory::Message::Holding(
        directory::Holding::Empty,
    )));
    assert!(
        shows(&pli, "annuaire.sante.fr"),
        "where to get the extraction"
    );
    assert!(shows(&pli, "pli directory import"));
    assert!(
        shows(&pli, "Importer un fichier…"),
        "and the button to import it"
    );
}

#[test]
fn the_composer_completes_from_the_directory_after_the_correspondents() {
    let (folder, mut pli) = window();
    let _index = import_directory(folder.path());
    let _ = pli.update(Message::Go(Destination::NewMessage));
    let Screen::Composer(id) = pli.screen else {
        panic!("no composer");
    };
    let _ = pli.update(Message::Composer(
        id,
        pli::ui::composer::Message::To("helene".into()),
    ));
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let hits = runtime
        .block_on(directory::search(
            directory::directory_path(&Profile::at(folder.path())),
            "helene".into(),
            5,
        ))
        .expect("the directory answers");
    let first = hits.first().expect("a Hélène").clone();
    let known = hits
        .into_iter()
        .map(|entry| pli::ui::composer::Known::new(entry.display_name(), entry.address))
        .collect();
    let ticket = pli.completion_ticket();
    let _ = pli.update(Message::Completion(Completion::Found(ticket, known)));
    assert!(
        shows(&pli, &first.address),
        "the directory's hit is proposed"
    );
}

// ------------------------------------------------------------------------------------ the lock

/// Types the PIN into the lock and clicks "Déverrouiller"; the keyring's answer is injected:
/// `right` says whether the stored PIN matched.
fn unlock(pli: &mut Pli, right: bool) {
    type_into(pli, pli::ui::lock::field::PIN, "4821");
    click_text(pli, "Déverrouiller");
    let _ = pli.update(Message::Lock(pli::ui::lock::Message::PinChecked(right)));
}

#[test]
fn the_window_locks_after_the_idle_time_and_the_right_pin_brings_it_back() {
    use pli::ui::lock::Message as LockMessage;
    let (_folder, mut pli) = window();
    let start = chrono::Utc::now();
    let _ = pli.arm_lock(start);
    assert!(pli.is_locked(), "hidden until the keyring answers");
    assert!(!shows(&pli, "Nouveau message"));
    // A PIN exists: Pli starts locked, and the PIN opens it.
    let _ = pli.update(Message::Lock(LockMessage::PinFound(true)));
    assert!(shows(&pli, "Pli est verrouillé"));
    unlock(&mut pli, true);
    assert!(!pli.is_locked());
    assert!(shows(&pli, "Nouveau message"));

    // The settings' default is 30 minutes; activity pushes it back.
    let minutes = |m| start + chrono::TimeDelta::minutes(m);
    let _ = pli.update(Message::Lock(LockMessage::Activity(minutes(10))));
    let _ = pli.update(Message::Lock(LockMessage::Tick(minutes(39))));
    assert!(!pli.is_locked());
    let _ = pli.update(Message::Lock(LockMessage::Tick(minutes(41))));
    assert!(pli.is_locked());
    assert!(shows(&pli, "Pli est verrouillé"));
    assert!(!shows(&pli, "Nouveau message"), "only the lock shows");
    assert!(!shows(&pli, "Réception"), "no box, no message");

    // Shortcuts do nothing behind the lock.
    control(&mut pli, "n", false);
    assert_eq!(pli.screen, Screen::Mail);

    unlock(&mut pli, false);
    assert!(pli.is_locked(), "a wrong PIN keeps it locked");
    unlock(&mut pli, true);
    assert!(!pli.is_locked());
    assert!(shows(&pli, "Nouveau message"));
    // "Verrouiller" hides it at once.
    click_text(&mut pli, "Verrouiller");
    assert!(pli.is_locked());
}

// ------------------------------------------------------------------------ inactivity banners

#[test]
fn the_unused_nursing_home_box_warns_above_its_list_and_keeping_it_clears_the_warning() {
    let (_folder, mut pli) = window();
    // The doctor's box, used today, shows no warning.
    assert!(!shows(&pli, "n'est plus utilisée"));
    // The nursing home's inbox is the second "Réception" of the box list.
    let mut ui = simulator(pli.view());
    let mut seen = 0;
    ui.click(move |candidate: Candidate<'_>| match candidate {
        Candidate::Text {
            content: "Réception",
            ..
        } => {
            seen += 1;
            (seen == 2).then(|| iced_test::selector::Target::from(candidate.clone()))
        }
        _ => None,
    })
    .expect("the nursing home's inbox");
    let messages = ui.into_messages().collect();
    deliver(&mut pli, messages);
    assert!(
        shows(&pli, "La boîte « ehpad » n'est plus utilisée"),
        "320 days without use: the warning is due"
    );
    assert!(shows(&pli, "secretariat.b"), "who used it last");

    // An injected clock two months on: the box is probably deleted, and cannot be kept.
    let later = chrono::Utc::now() + chrono::TimeDelta::days(60);
    let _ = pli.update(Message::Inactivity(Inactivity::Clock(later)));
    assert!(shows(&pli, "a probablement été supprimée"));
    let _ = pli.update(Message::Inactivity(Inactivity::Clock(chrono::Utc::now())));

    click_text(&mut pli, "Garder cette boîte");
    assert!(
        !shows(&pli, "n'est plus utilisée"),
        "the use is recorded and the warning goes"
    );
    let (person, _) = pli
        .store()
        .expect("the store")
        .last_use(demo::NURSING_HOME)
        .expect("the store answers")
        .expect("a use");
    assert!(!person.is_empty());
    assert_ne!(
        person, "secretariat.b",
        "the person at the keyboard kept it"
    );
}

// ------------------------------------------------------------------------------ prescriptions

#[test]
fn the_pharmacy_has_its_prescriptions_folder_and_a_prescription_opens_from_it() {
    let (_folder, mut pli) = window();
    // One "Ordonnances" folder: the pharmacy's; the doctor and the nursing home have none.
    let nth = |n: usize| {
        let mut seen = 0;
        move |candidate: Candidate<'_>| match candidate {
            Candidate::Text {
                content: "Ordonnances",
                ..
            } => {
                seen += 1;
                (seen == n + 1).then_some(())
            }
            _ => None,
        }
    };
    assert!(simulator(pli.view()).find(nth(0)).is_ok());
    assert!(
        simulator(pli.view()).find(nth(1)).is_err(),
        "only the pharmacy box has the folder"
    );
    click_text(&mut pli, "Ordonnances");
    assert!(shows(&pli, "Ordonnances (officine)"), "its title");
    let found = pli.prescriptions.as_ref().expect("the folder is shown");
    assert_eq!(found.rows().len(), 1, "the one prescription, not the order");
    assert!(shows(&pli, "Ordonnance à préparer"));
    assert!(!shows(&pli, "Commande de la semaine"));
    assert!(shows(&pli, "Paul Garnier · INS 1 85 07 75 123 456 08"));
    assert!(
        shows(&pli, "Ordonnance reçue."),
        "its step at the counter, from the server's keywords (none yet)"
    );
    click_text(&mut pli, "Ordonnance à préparer");
    let opened = pli.reader.opened().expect("the reader shows it");
    assert_eq!(opened.envelope.subject, "Ordonnance à préparer");
    // The shared box's bar: nobody handles it yet, and the next step is offered.
    assert!(shows(&pli, "À traiter : personne ne s'en occupe."));
    assert!(shows(&pli, "Je m'en occupe"));
    assert!(shows(&pli, "En préparation"));
    // The pharmacist answers the patient with a prepared text (issue 13; the patient started,
    // the pharmacist may answer).
    click_text(&mut pli, "Répondre : Commande prête");
    let composer = pli.active_composer().expect("the reply is open");
    assert!(
        composer
            .body_text()
            .starts_with("Bonjour,\n\nVotre commande est prête"),
        "{}",
        composer.body_text()
    );
    assert!(
        composer.to().contains("@patient.mssante.fr"),
        "{}",
        composer.to()
    );
    let _ = pli.update(Message::Go(Destination::Mail));
    // A new message from here leaves from the pharmacy.
    let _ = pli.update(Message::Go(Destination::NewMessage));
    assert_eq!(
        pli.active_composer().expect("the composer").from(),
        demo::PHARMACY
    );
    let _ = pli.update(Message::Go(Destination::Mail));
    click_text(&mut pli, "Revenir aux dossiers");
    assert!(pli.prescriptions.is_none());
}

#[test]
fn an_unsolicited_patient_message_in_the_doctors_box_is_flagged() {
    let (_folder, pli) = window();
    // The doctor's inbox is the one in view: the demo's unsolicited message carries its flag.
    assert!(shows(&pli, "Non sollicité"));
}

// --------------------------------------------------------------------------------- attachments

#[test]
fn joindre_un_fichier_asks_the_root_and_the_chosen_files_are_attached() {
    let (_folder, mut pli) = window();
    let _ = pli.update(Message::Go(Destination::NewMessage));
    let Screen::Composer(id) = pli.screen else {
        panic!("no composer");
    };
    // The button asks for the dialog (a task the headless test does not run)...
    click_text(&mut pli, "Joindre un fichier…");
    // ...and what the dialog chose comes back as a message.
    let _ = pli.update(Message::Composer(
        id,
        pli::ui::composer::Message::Attached(Ok(vec![(
            "CR.pdf".into(),
            "application/pdf".into(),
            b"%PDF-1.4".to_vec(),
        )])),
    ));
    assert_eq!(pli.composer(id).expect("the draft").attachments().len(), 1);
    assert!(shows(&pli, "CR.pdf"));
}

#[test]
fn a_contact_added_from_the_directory_is_offered_by_the_composer() {
    let (folder, mut pli) = window();
    let _index = import_directory(folder.path());
    let _ = pli.update(Message::Go(Destination::Directory));
    type_into(&mut pli, directory::SEARCH_FIELD, "helene");
    run_directory_search(&mut pli, folder.path());
    let first = pli.directory.hits()[0].entry.clone();
    let contact = directory::Contact {
        name: first.display_name(),
        address: first.address.clone(),
    };
    // What the "Ajouter aux contacts" task does, then its answer.
    let path = directory::contacts_path(&Profile::at(folder.path()));
    let added = directory::add_contact(&path, contact);
    let _ = pli.update(Message::Directory(directory::Message::ContactAdded(added)));
    assert!(shows(&pli, "est dans vos contacts"));

    let _ = pli.update(Message::Go(Destination::NewMessage));
    let Screen::Composer(id) = pli.screen else {
        panic!("no composer");
    };
    // Typed without accents; the directory is not asked (its answer never comes here).
    let _ = pli.update(Message::Composer(
        id,
        pli::ui::composer::Message::To("helene".into()),
    ));
    assert!(shows(&pli, &first.address), "the contact is proposed");
}

// ----------------------------------------------------------------------------------- the i18n

/// A key written twice is a sentence silently lost (Fluent keeps one): the window's sections
/// are appended by several hands, so each file is checked for repeats.
#[test]
fn no_translation_key_is_written_twice() {
    for file in ["i18n/fr/pli.ftl", "i18n/en/pli.ftl"] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
        let content = std::fs::read_to_string(&path).expect("the translations");
        let mut seen = std::collections::BTreeSet::new();
        let repeated: Vec<&str> = content
            .lines()
            .filter(|line| line.starts_with(|c: char| c.is_ascii_lowercase()))
            .filter_map(|line| line.split_once(" =").map(|(key, _)| key.trim()))
            .filter(|key| !seen.insert(*key))
            .collect();
        assert!(repeated.is_empty(), "{file}: {repeated:?}");
    }
}
