//! ECO.2.2.6 / ECO.3.1.5 in the ordinary composer: a patient's address however it got there
//! (typed, pasted, a reply to all) shows what its matricule says and waits for the
//! professional's confirmation of the identity; the core refuses the message until then
//! (`usecase::outbox::send`), with a sentence. "Écrire à un patient" confirms it on its own
//! screen, against the identity typed.

use crate::common::*;
use iced::widget::Id;
use iced_test::simulator;
use pli::ui::shortcuts::Shortcut;
use pli::ui::{composer, demo, patient, Message, Pli, Screen};
use pli_core::mail::store::open_profile_store;
use pli_core::mssante::ins::{IdentityStatus, Sex};
use pli_core::profile::Profile;

const PATIENT: &str = "279035121518989@patient.mssante.fr";

fn type_into(pli: &mut Pli, field: &'static str, value: &str) {
    let mut ui = simulator(pli.view());
    ui.click(Id::new(field)).expect("the field is on screen");
    ui.typewrite(value);
    let messages = ui.into_messages().collect();
    deliver(pli, messages);
}

/// Sends the composer's message and lets the window's send task run.
fn send(runtime: &tokio::runtime::Runtime, pli: &mut Pli, id: u64) {
    let task = pli.update(Message::Composer(id, composer::Message::Send));
    let messages = task_messages(runtime, task);
    deliver(pli, messages);
}

fn outbox(folder: &tempfile::TempDir) -> usize {
    open_profile_store(&Profile::at(folder.path()))
        .expect("store")
        .outbox(demo::DOCTOR)
        .expect("outbox")
        .len()
}

#[test]
fn eco_2_2_6_a_patient_address_typed_in_the_composer_waits_for_the_identity_confirmation() {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let (folder, mut pli) = demo_window();
    let _ = pli.update(Message::Shortcut(Shortcut::NewMessage));
    let Screen::Composer(id) = pli.screen else {
        panic!("Ctrl+N opens the composer");
    };
    type_into(&mut pli, composer::field::TO, PATIENT);
    type_into(&mut pli, composer::field::SUBJECT, "Vos résultats");
    // What the matricule says, for the professional to compare with the patient's record.
    assert!(shows(&pli, "Adresse patient : vérifiez l'identité"));
    assert!(shows(
        &pli,
        "INS 2 79 03 51 215 189 89 (féminin, naissance 03/79)"
    ));

    send(&runtime, &mut pli, id);
    assert_eq!(
        outbox(&folder),
        0,
        "refused until the identity is confirmed"
    );
    let status = pli.composer(id).expect("still open").status().clone();
    let composer::Status::Problem(sentence) = status else {
        panic!("a sentence says why: {status:?}");
    };
    assert!(
        sentence.contains("dont l'identité n'a pas été confirmée")
            && sentence.contains("INS 2 79 03 51 215 189 89"),
        "{sentence}"
    );

    click_text(
        &mut pli,
        "J'ai vérifié l'identité (qualifiée) de ce patient",
    );
    assert!(pli.composer(id).expect("open").patients_confirmed());
    // A second patient added after the confirmation is not confirmed.
    type_into(
        &mut pli,
        composer::field::CC,
        "180017505600103@patient.mssante.fr",
    );
    assert!(!pli.composer(id).expect("open").patients_confirmed());
    click_text(
        &mut pli,
        "J'ai vérifié l'identité (qualifiée) de ce patient",
    );
    send(&runtime, &mut pli, id);
    assert!(pli.composer(id).is_none(), "sent once confirmed");
    assert_eq!(outbox(&folder), 1);
}

#[test]
fn eco_2_2_6_a_reply_to_all_to_a_patient_s_message_asks_for_the_identity() {
    let (_folder, mut pli) = demo_window();
    click_text(&mut pli, "Question sur mon traitement");
    let _ = pli.update(Message::Shortcut(Shortcut::ReplyAll));
    let composer = pli.active_composer().expect("the reply is on screen");
    assert!(!composer.patients().is_empty(), "{}", composer.to());
    assert!(!composer.patients_confirmed());
    assert!(shows(&pli, "Adresse patient : vérifiez l'identité"));
}

#[test]
fn eco_2_2_6_ecrire_a_un_patient_confirms_the_identity_it_checked() {
    let (_folder, mut pli) = demo_window();
    let _ = pli.update(Message::Shortcut(Shortcut::WriteToPatient));
    assert_eq!(pli.screen, Screen::Patient);
    type_into(&mut pli, patient::field::MATRICULE, "2 79 03 51 215 189 89");
    type_into(&mut pli, patient::field::BIRTH_NAME, "Dupont");
    type_into(&mut pli, patient::field::FIRST_NAMES, "Hélène");
    type_into(&mut pli, patient::field::BIRTH_DATE, "15/03/1979");
    let _ = pli.update(Message::Patient(patient::Message::Sex(Sex::Female)));
    let _ = pli.update(Message::Patient(patient::Message::Status(
        IdentityStatus::Qualified,
    )));
    click_text(&mut pli, "Écrire à ce patient");
    click_text(&mut pli, "Confirmer et écrire");
    let composer = pli.active_composer().expect("the composer is on screen");
    assert_eq!(composer.patients().len(), 1);
    assert!(composer.patients_confirmed(), "confirmed on its own screen");
}

#[test]
fn eco_2_2_6_the_composer_s_identity_check_opens_the_patient_form_and_confirms_against_it() {
    let (_folder, mut pli) = demo_window();
    let _ = pli.update(Message::Shortcut(Shortcut::NewMessage));
    let Screen::Composer(id) = pli.screen else {
        panic!("Ctrl+N opens the composer");
    };
    type_into(&mut pli, composer::field::TO, PATIENT);
    click_text(&mut pli, "Vérifier l'identité");
    assert_eq!(pli.screen, Screen::Patient, "the identity form opens");
    assert_eq!(
        pli.patient.form().matricule,
        "2 79 03 51 215 189 89",
        "on the recipient's matricule"
    );
    type_into(&mut pli, patient::field::BIRTH_NAME, "Dupont");
    type_into(&mut pli, patient::field::FIRST_NAMES, "Hélène");
    type_into(&mut pli, patient::field::BIRTH_DATE, "15/03/1979");
    let _ = pli.update(Message::Patient(patient::Message::Sex(Sex::Female)));
    let _ = pli.update(Message::Patient(patient::Message::Status(
        IdentityStatus::Qualified,
    )));
    click_text(&mut pli, "Écrire à ce patient");
    click_text(&mut pli, "Confirmer et écrire");
    assert_eq!(pli.screen, Screen::Composer(id), "back to the same message");
    assert_eq!(pli.composers.len(), 1, "no second composer");
    assert!(pli.composer(id).expect("open").patients_confirmed());
}

#[test]
fn eco_2_2_6_leaving_the_identity_form_confirms_nothing() {
    let (_folder, mut pli) = demo_window();
    let _ = pli.update(Message::Shortcut(Shortcut::NewMessage));
    let Screen::Composer(id) = pli.screen else {
        panic!("Ctrl+N opens the composer");
    };
    type_into(&mut pli, composer::field::TO, PATIENT);
    click_text(&mut pli, "Vérifier l'identité");
    let _ = pli.update(Message::Shortcut(Shortcut::Escape));
    assert_eq!(pli.screen, Screen::Composer(id), "back to the message");
    assert!(!pli.composer(id).expect("open").patients_confirmed());
}
