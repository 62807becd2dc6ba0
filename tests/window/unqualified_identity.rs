//! ECO.2.4.2 from the window: a health document about a patient whose identity is not
//! qualified leaves from the composer named by the structure's local identifier (IPP) after the
//! person confirms it, with `X-MSS-INS: N`; received, its card says "Identité non qualifiée".

use crate::common::{
    deliver, demo_window as window, demo_window_with, shows, store_in_doctor_inbox, task_messages,
};

use pli::ui::composer::{Message as C, Status};
use pli::ui::document_form::{DocumentForm, Identifier, Message as D};
use pli::ui::Message;
use pli_core::mssante::ins::Sex;

/// A new message to a colleague with a discharge letter about a newborn without INS, named by
/// the maternity's IPP; the confirmation not given yet.
fn compose_about_a_newborn(pli: &mut pli::ui::Pli) -> u64 {
    let _ = pli.update(Message::Go(pli::ui::Destination::NewMessage));
    let pli::ui::Screen::Composer(id) = pli.screen else {
        panic!("no composer");
    };
    let i18n = crate::common::i18n();
    let mut send = |message: C| {
        let _ = pli.update(Message::Composer(id, message));
    };
    send(C::To(
        "Dr Hélène Noël <helene.noel@ch-epernay.mssante.fr>".into(),
    ));
    send(C::Subject("Sortie de maternité".into()));
    send(C::DocumentPicked(Ok(Some((
        "lettre_de_sortie.pdf".into(),
        b"%PDF-1.4\n% sortie\n%%EOF\n".to_vec(),
    )))));
    let kind = DocumentForm::type_choices()
        .into_iter()
        .find(|choice| choice.value.code == "11490-0")
        .expect("the discharge letter type");
    let local = DocumentForm::identifier_choices(&i18n)
        .into_iter()
        .find(|choice| choice.value == Identifier::Local)
        .expect("the local identifier");
    let female = DocumentForm::sex_choices(&i18n)
        .into_iter()
        .find(|choice| choice.value == Sex::Female)
        .expect("female");
    for message in [
        D::Type(0, kind),
        D::Identifier(local),
        D::LocalId("IPP-2026-000417".into()),
        D::Authority("1.2.250.1.999.1.2.3".into()),
        D::BirthName("MARTIN".into()),
        D::FirstNames("Léa Claire".into()),
        D::BirthDate("01/12/2026".into()),
        D::Sex(female),
    ] {
        send(C::Document(message));
    }
    id
}

fn outbox_of_the_doctor(folder: &tempfile::TempDir) -> Vec<Vec<u8>> {
    pli_core::mail::store::open_profile_store(&pli_core::profile::Profile::at(folder.path()))
        .expect("the store")
        .outbox(pli::ui::demo::DOCTOR)
        .expect("the outbox")
        .into_iter()
        .map(|queued| queued.raw)
        .collect()
}

/// Sends what the composer holds, through the trust notice (ch-epernay is not in the list
/// shipped with Pli), as the person would.
fn send(pli: &mut pli::ui::Pli, id: u64, runtime: &tokio::runtime::Runtime) {
    let task = pli.update(Message::Composer(id, C::Send));
    deliver(pli, task_messages(runtime, task));
    if shows(pli, "À vérifier avant l'envoi") {
        let task = pli.update(Message::Composer(
            id,
            C::Trust(pli::ui::trust::Message::Send),
        ));
        deliver(pli, task_messages(runtime, task));
    }
}

#[test]
fn eco_2_4_2_the_composer_sends_a_document_about_an_unqualified_identity_once_confirmed() {
    let (folder, mut pli) = window();
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let id = compose_about_a_newborn(&mut pli);
    assert!(shows(&pli, "Identifiant local (IPP)"), "the IPP field");
    assert!(shows(&pli, "OID de l'autorité d'affectation"));
    assert!(
        !shows(&pli, "Matricule INS"),
        "no matricule asked when the patient is named locally"
    );
    let before = outbox_of_the_doctor(&folder).len();

    // Not confirmed: the use case refuses, the composer says why, nothing is queued.
    send(&mut pli, id, &runtime);
    assert_eq!(
        outbox_of_the_doctor(&folder).len(),
        before,
        "nothing queued"
    );
    assert!(
        matches!(
            pli.composer(id).map(|composer| composer.status()),
            Some(Status::Blocked { issues, .. })
                if issues.iter().any(|issue| issue.contains("n'est pas qualifiée"))
        ),
        "the composer says the identity is not qualified"
    );

    crate::common::click_text(
        &mut pli,
        "J'envoie ce document avec une identité non qualifiée : le message portera \
         X-MSS-INS : N et le destinataire ne pourra pas le rapprocher d'un INS.",
    );
    send(&mut pli, id, &runtime);
    let queued = outbox_of_the_doctor(&folder);
    assert_eq!(queued.len(), before + 1, "queued once confirmed");
    let raw = queued.last().expect("the message").clone();
    let text = String::from_utf8_lossy(&raw).replace("\r\n ", " ");
    assert!(text.contains("X-MSS-INS: N"), "ECO.2.4.2");
    assert!(text.contains("X-MSS-CODECDA: 11490-0"));

    // Received, its card says the identity is not qualified.
    let (_other, mut reader) = demo_window_with(|store| {
        store_in_doctor_inbox(store, 9_301, &raw);
        while store.read_pending_documents().expect("the documents") > 0 {}
    });
    // Its row's subject is pushed out of view by the long type name: select the row.
    let index = reader
        .message_list
        .visible_rows()
        .iter()
        .position(|row| row.envelope.uid == 9_301)
        .expect("the message is listed");
    let task = reader.update(Message::List(pli::ui::message_list::Message::Select(index)));
    let mut messages = task_messages(&runtime, task);
    while !messages.is_empty() {
        let task = reader.update(messages.remove(0));
        messages.extend(task_messages(&runtime, task));
    }
    assert!(shows(&reader, "Identité non qualifiée"));
    assert!(shows(&reader, "MARTIN Léa Claire"), "the patient as named");
}

/// A document without INS whose message does not say `X-MSS-INS: N` is not said to be about an
/// unqualified identity: the card says only that it has no INS.
#[test]
fn eco_2_4_2_without_x_mss_ins_n_the_card_does_not_say_unqualified() {
    let raw = pli_testkit::xdm::document_message(
        "sans-entete",
        ("11502-2", "CR d'examens biologiques"),
        ("DURAND", "Zoé"),
        None,
        chrono::Local::now().timestamp(),
    );
    let (_folder, mut pli) = demo_window_with(|store| {
        store_in_doctor_inbox(store, 9_302, &raw);
    });
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let mut ui = iced_test::simulator(pli.view());
    ui.click("CR d'imagerie PAT-TROIS DOMINIQUE 28/03/1979")
        .expect("the message is listed");
    let messages: Vec<Message> = ui.into_messages().collect();
    for message in messages {
        let task = pli.update(message);
        deliver(&mut pli, task_messages(&runtime, task));
    }
    assert!(shows(&pli, "Sans INS"));
    assert!(!shows(&pli, "Identité non qualifiée"));
}
