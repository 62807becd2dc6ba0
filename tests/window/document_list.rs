//! The message list sorted and filtered by its health documents (issue 12): by patient, by
//! type, to one type or one patient or what is still to file, the filter shown and cleared;
//! over the demo store with a lab's documents put in the doctor's inbox.

use crate::common::{
    click_text, demo_now, demo_window_with, shows, store_in_doctor_inbox, task_messages,
};

use pli::ui::message_list::{self, Arrange, ListOrder};
use pli::ui::Message;
use pli_testkit::xdm::document_message;

const LAB: (&str, &str) = ("11502-2", "CR d'examens biologiques");
const IMAGING: (&str, &str) = ("18748-4", "CR d'imagerie médicale");

/// The demo window with three documents from a lab in the doctor's inbox, read as the worker
/// reads them after a pass: two patients, two types, received in the hour before the demo's
/// clock.
fn window_with_documents() -> (tempfile::TempDir, pli::ui::Pli) {
    let now = demo_now().timestamp();
    demo_window_with(|store| {
        let documents = [
            (
                "w1",
                LAB,
                ("MARTIN", "Paul"),
                Some("180017512345678"),
                now - 3_000,
            ),
            (
                "w2",
                IMAGING,
                ("BERNARD", "Alice"),
                Some("279035121518989"),
                now - 2_000,
            ),
            ("w3", LAB, ("DURAND", "Zoé"), None, now - 1_000),
        ];
        for (uid, (id, kind, patient, ins, date)) in (9_201..).zip(documents) {
            store_in_doctor_inbox(store, uid, &document_message(id, kind, patient, ins, date));
        }
        while store.read_pending_documents().expect("the documents") > 0 {}
    })
}

fn arrange(pli: &mut pli::ui::Pli, change: Arrange) {
    // What the bar's drop-down lists send when a value is picked.
    let _ = pli.update(Message::List(message_list::Message::Arrange(change)));
}

/// The patients of the rows on screen, in order, for the rows with a document.
fn patients_on_screen(pli: &pli::ui::Pli) -> Vec<String> {
    pli.message_list
        .visible_rows()
        .iter()
        .filter_map(|row| row.document.as_ref())
        .map(|document| document.patient.clone())
        .collect()
}

#[test]
fn the_list_is_sorted_by_patient_filtered_by_a_type_and_the_filter_cleared() {
    let (_folder, mut pli) = window_with_documents();
    let total = pli.message_list.window().total;
    assert!(
        shows(&pli, "Trier par"),
        "the folder holds documents: the bar shows"
    );
    assert!(shows(&pli, "À classer seulement"));
    // Newest first by default: the lab's documents of the last hour on top.
    assert_eq!(
        patients_on_screen(&pli)[..3],
        ["DURAND Zoé", "BERNARD Alice", "MARTIN Paul"]
    );

    arrange(&mut pli, Arrange::Order(ListOrder::Patient));
    assert_eq!(
        patients_on_screen(&pli),
        [
            "BERNARD Alice",
            "DURAND Zoé",
            "LEFEVRE Jeanne Marie",
            "MARTIN Paul"
        ],
        "by patient, the demo's discharge report among the lab's documents"
    );
    assert_eq!(
        pli.message_list.window().total,
        total,
        "sorting hides nothing"
    );

    let types = &pli.message_list.document_choices().types;
    assert!(
        types
            .iter()
            .any(|choice| choice.key == LAB.0 && choice.label == LAB.1),
        "the types present are offered: {types:?}"
    );
    arrange(&mut pli, Arrange::DocumentType(Some(LAB.0.into())));
    assert_eq!(pli.message_list.window().total, 2);
    assert_eq!(patients_on_screen(&pli), ["DURAND Zoé", "MARTIN Paul"]);
    assert!(
        pli.message_list.visible_rows().iter().all(|row| row
            .document
            .as_ref()
            .is_some_and(|d| d.document_type == LAB.1)),
        "only the lab reports"
    );
    assert!(
        shows(&pli, "Filtré : CR d'examens biologiques"),
        "the filter is said"
    );
    assert!(shows(&pli, "2 messages correspondent"));

    // One patient as well: a patient without INS is offered by name, said so.
    let zoe = pli
        .message_list
        .document_choices()
        .patients
        .iter()
        .find(|patient| patient.name == "DURAND Zoé")
        .cloned()
        .expect("Zoé is offered");
    assert!(zoe.ins.is_none());
    arrange(&mut pli, Arrange::Patient(Some(zoe)));
    assert_eq!(patients_on_screen(&pli), ["DURAND Zoé"]);
    assert!(shows(
        &pli,
        "Filtré : CR d'examens biologiques · DURAND Zoé (sans INS)"
    ));

    click_text(&mut pli, "Effacer les filtres");
    assert_eq!(
        pli.message_list.window().total,
        total,
        "every message again"
    );
    assert!(!shows(&pli, "Filtré"));
    assert_eq!(
        pli.message_list.arrangement().order,
        ListOrder::Patient,
        "clearing the filters keeps the sort"
    );
    assert_eq!(patients_on_screen(&pli)[0], "BERNARD Alice");
}

#[test]
fn the_list_sorted_by_type_groups_the_types_and_another_folder_drops_the_filters() {
    let (_folder, mut pli) = window_with_documents();
    arrange(&mut pli, Arrange::Order(ListOrder::DocumentType));
    let types: Vec<String> = pli
        .message_list
        .visible_rows()
        .iter()
        .filter_map(|row| row.document.as_ref())
        .map(|document| document.document_type.clone())
        .collect();
    assert_eq!(
        types,
        [LAB.1, LAB.1, IMAGING.1, "CR hospitalier (séjour)"],
        "by type, each type's messages together"
    );
    arrange(&mut pli, Arrange::DocumentType(Some(IMAGING.0.into())));
    assert_eq!(pli.message_list.window().total, 1);
    click_text(&mut pli, "Envoyés");
    assert!(
        !pli.message_list.arrangement().filters(),
        "another folder has other documents: the filters go"
    );
    assert_eq!(
        pli.message_list.arrangement().order,
        ListOrder::DocumentType
    );
}

/// The list shows what is filed and what is not: the demo's discharge report is "à classer"
/// until "Classer" files it, then "classé", and "À classer seulement" leaves it out.
#[test]
fn the_list_shows_what_is_filed_and_filters_what_is_left_to_file() {
    let (_folder, mut pli) = window_with_documents();
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let discharge = |pli: &pli::ui::Pli| {
        pli.message_list
            .visible_rows()
            .iter()
            .filter_map(|row| row.document.clone())
            .find(|document| document.patient == "LEFEVRE Jeanne Marie")
    };
    assert_eq!(discharge(&pli).and_then(|d| d.filed), Some(false));
    assert!(shows(&pli, "à classer"));

    arrange(&mut pli, Arrange::UnfiledOnly(true));
    let unfiled = pli.message_list.window().total;
    assert_eq!(unfiled, 4, "the lab's three and the discharge report");
    arrange(&mut pli, Arrange::UnfiledOnly(false));

    click_and_run(
        &mut pli,
        &runtime,
        "CR hospitalier (séjour) LEFEVRE Jeanne 12/03/1979",
    );
    click_and_run(&mut pli, &runtime, "Classer");
    assert!(shows(&pli, "Classé dans le dossier du patient"));
    assert_eq!(
        discharge(&pli).and_then(|d| d.filed),
        Some(true),
        "the row says it is filed, without reopening the folder"
    );
    arrange(&mut pli, Arrange::UnfiledOnly(true));
    assert_eq!(pli.message_list.window().total, unfiled - 1);
    assert!(discharge(&pli).is_none());
}

/// Clicks `label` and runs what the window asks for, as the iced runtime would, to the end.
fn click_and_run(pli: &mut pli::ui::Pli, runtime: &tokio::runtime::Runtime, label: &str) {
    let mut ui = iced_test::simulator(pli.view());
    ui.click(label)
        .unwrap_or_else(|_| panic!("'{label}' is on screen"));
    let mut messages: Vec<Message> = ui.into_messages().collect();
    while !messages.is_empty() {
        let task = pli.update(messages.remove(0));
        messages.extend(task_messages(runtime, task));
    }
}

/// A document of a type the folder did not hold arrives while the list is shown: once the
/// worker's counts come in, the type filter offers it, without reopening the folder.
#[test]
fn a_new_type_arriving_is_offered_by_the_filter_after_the_counts() {
    let (folder, mut pli) = crate::common::demo_window();
    let offered = |pli: &pli::ui::Pli| {
        pli.message_list
            .document_choices()
            .types
            .iter()
            .any(|choice| choice.key == IMAGING.0)
    };
    assert!(!offered(&pli), "the demo holds no imaging report");
    let profile = pli_core::profile::Profile::at(folder.path());
    let mut store = pli_core::mail::store::open_profile_store(&profile).expect("the store");
    let raw = document_message(
        "arrivee",
        IMAGING,
        ("PETIT", "Jules"),
        Some("180017512345678"),
        demo_now().timestamp(),
    );
    store_in_doctor_inbox(&mut store, 9_401, &raw);
    while store.read_pending_documents().expect("the documents") > 0 {}
    // What the window does with the worker's counts after a pass.
    let counted = message_list::count_folders(&store, &[pli::ui::demo::DOCTOR.to_string()])
        .expect("the counts");
    pli.message_list.set_folders(counted, Some(&store));
    assert!(offered(&pli), "the new type is offered");
}
