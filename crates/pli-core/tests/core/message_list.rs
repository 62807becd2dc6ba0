//! The message list sorted and filtered by its health documents' patient and type, through its
//! use case (`usecase::message_list`, which the window's list calls), on a store filled the way
//! synchronisation fills it: envelopes, bodies, then the documents read by the worker's pass.

use std::time::{Duration, Instant};

use pli_core::mail::store::{Envelope, Role, Store};
use pli_core::mail::sync::envelope_from_header;
use pli_core::mssante::ins::Ins;
use pli_core::usecase::message_list::{self, ListArrangement, ListOrder, PatientChoice};
use pli_core::usecase::patient_file;

use pli_testkit::xdm::document_message;

const LAB: (&str, &str) = ("11502-2", "CR d'examens biologiques");
const DISCHARGE: (&str, &str) = ("34112-3", "CR hospitalier (séjour)");
const IMAGING: (&str, &str) = ("18748-4", "CR d'imagerie médicale");

/// The envelope a sync would store for `raw` under `uid`.
pub(crate) fn envelope_of(raw: &[u8], uid: u32) -> Envelope {
    let end = raw
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .map_or(raw.len(), |end| end + 4);
    let mut envelope = envelope_from_header(&raw[..end]);
    envelope.uid = uid;
    envelope.size = raw.len() as u32;
    envelope.has_attachment = true;
    envelope
}

/// Stores the messages (uid, raw) in `folder`, envelopes then bodies, then reads their
/// documents as the worker does after a pass.
fn deliver(store: &mut Store, folder: i64, messages: &[(u32, Vec<u8>)]) {
    let envelopes: Vec<Envelope> = messages
        .iter()
        .map(|(uid, raw)| envelope_of(raw, *uid))
        .collect();
    store
        .insert_envelopes(folder, &envelopes)
        .expect("the envelopes");
    for (uid, raw) in messages {
        store.set_raw(folder, *uid, raw, "").expect("the body");
    }
    while store.read_pending_documents().expect("the documents") > 0 {}
}

fn plain_envelope(uid: u32, date: i64) -> Envelope {
    Envelope {
        uid,
        date,
        subject: format!("Message {uid}"),
        from_address: "confrere@ch-test.mssante.fr".into(),
        ..Envelope::default()
    }
}

const DAY: i64 = 86_400;
const START: i64 = 1_764_547_200; // 2025-12-01

fn subjects(rows: &[message_list::ListedMessage]) -> Vec<String> {
    rows.iter()
        .map(|row| {
            row.document.as_ref().map_or_else(
                || row.envelope.subject.clone(),
                |label| format!("{} / {}", label.patient, label.document_type),
            )
        })
        .collect()
}

#[test]
fn the_list_is_sorted_by_patient_and_type_and_filtered_by_type_patient_and_filing() {
    let directory = tempfile::tempdir().expect("a folder");
    let path = directory.path().join("store.sqlite");
    let mut store = Store::open(&path).expect("a store");
    let inbox = store
        .upsert_folder("cabinet", "INBOX", Some(Role::Inbox))
        .expect("a folder")
        .id;
    deliver(
        &mut store,
        inbox,
        &[
            (
                1,
                document_message(
                    "d1",
                    LAB,
                    ("MARTIN", "Paul"),
                    Some("180017512345678"),
                    START,
                ),
            ),
            (
                2,
                document_message(
                    "d2",
                    DISCHARGE,
                    ("BERNARD", "Alice"),
                    Some("279035121518989"),
                    START + DAY,
                ),
            ),
            (
                3,
                document_message(
                    "d3",
                    IMAGING,
                    ("MARTIN", "Paul"),
                    Some("180017512345678"),
                    START + 2 * DAY,
                ),
            ),
            (
                4,
                document_message("d4", LAB, ("DURAND", "Zoé"), None, START + 3 * DAY),
            ),
        ],
    );
    store
        .insert_envelopes(
            inbox,
            &[
                plain_envelope(5, START + 4 * DAY),
                plain_envelope(6, START - DAY),
            ],
        )
        .expect("two messages without documents");

    let arrangement = |order| ListArrangement {
        order,
        ..ListArrangement::default()
    };
    let all = |arrangement: &ListArrangement| {
        message_list::page(&store, inbox, arrangement, 0, 100).expect("the page")
    };

    // Newest first, each row with its document.
    assert_eq!(
        subjects(&all(&arrangement(ListOrder::Date))),
        [
            "Message 5",
            "DURAND Zoé / CR d'examens biologiques",
            "MARTIN Paul / CR d'imagerie médicale",
            "BERNARD Alice / CR hospitalier (séjour)",
            "MARTIN Paul / CR d'examens biologiques",
            "Message 6",
        ]
    );
    // By patient, then newest first; the messages without a document after, newest first.
    assert_eq!(
        subjects(&all(&arrangement(ListOrder::Patient))),
        [
            "BERNARD Alice / CR hospitalier (séjour)",
            "DURAND Zoé / CR d'examens biologiques",
            "MARTIN Paul / CR d'imagerie médicale",
            "MARTIN Paul / CR d'examens biologiques",
            "Message 5",
            "Message 6",
        ]
    );
    assert_eq!(
        subjects(&all(&arrangement(ListOrder::DocumentType))),
        [
            "DURAND Zoé / CR d'examens biologiques",
            "MARTIN Paul / CR d'examens biologiques",
            "MARTIN Paul / CR d'imagerie médicale",
            "BERNARD Alice / CR hospitalier (séjour)",
            "Message 5",
            "Message 6",
        ]
    );
    // A window across the two parts: the last documents, then the first plain message.
    assert_eq!(
        subjects(
            &message_list::page(&store, inbox, &arrangement(ListOrder::Patient), 3, 2)
                .expect("a window")
        ),
        ["MARTIN Paul / CR d'examens biologiques", "Message 5"]
    );

    // The values present, to choose from.
    let choices =
        message_list::choices(&store, inbox, &ListArrangement::default()).expect("the choices");
    assert_eq!(
        choices
            .types
            .iter()
            .map(|choice| (choice.key.as_str(), choice.label.as_str()))
            .collect::<Vec<_>>(),
        [LAB, IMAGING, DISCHARGE]
    );
    assert_eq!(
        choices.patients,
        [
            PatientChoice {
                ins: Some("279035121518989".into()),
                name: "BERNARD Alice".into()
            },
            PatientChoice {
                ins: None,
                name: "DURAND Zoé".into()
            },
            PatientChoice {
                ins: Some("180017512345678".into()),
                name: "MARTIN Paul".into()
            },
        ]
    );

    // One type.
    let labs = ListArrangement {
        document_type: Some(LAB.0.into()),
        ..ListArrangement::default()
    };
    assert_eq!(message_list::count(&store, inbox, &labs).expect("count"), 2);
    assert_eq!(
        subjects(&all(&labs)),
        [
            "DURAND Zoé / CR d'examens biologiques",
            "MARTIN Paul / CR d'examens biologiques",
        ]
    );
    // One patient, by INS, sorted by type; and a patient named without INS.
    let paul = ListArrangement {
        order: ListOrder::DocumentType,
        patient: Some(choices.patients[2].clone()),
        ..ListArrangement::default()
    };
    assert_eq!(message_list::count(&store, inbox, &paul).expect("count"), 2);
    assert_eq!(
        subjects(&all(&paul)),
        [
            "MARTIN Paul / CR d'examens biologiques",
            "MARTIN Paul / CR d'imagerie médicale",
        ]
    );
    let zoe = ListArrangement {
        patient: Some(choices.patients[1].clone()),
        ..ListArrangement::default()
    };
    assert_eq!(
        subjects(&all(&zoe)),
        ["DURAND Zoé / CR d'examens biologiques"]
    );
    // Both filters at once.
    let paul_labs = ListArrangement {
        document_type: Some(LAB.0.into()),
        ..paul.clone()
    };
    assert_eq!(subjects(&all(&paul_labs)).len(), 1);

    // Filing: what is filed and what is not, in the rows and as a filter.
    assert!(all(&arrangement(ListOrder::Date))
        .iter()
        .filter_map(|row| row.document.as_ref())
        .all(|label| label.filed == Some(false)));
    drop(store);
    let zoe_ins = Ins::parse("279035121518989").expect("an INS");
    patient_file::file(&path, "1.2.250.1.999.1^d4", &zoe_ins).expect("filed");
    let store = Store::open(&path).expect("the store again");
    let rows =
        message_list::page(&store, inbox, &ListArrangement::default(), 0, 10).expect("the page");
    assert_eq!(
        rows[1].document.as_ref().map(|label| label.filed),
        Some(Some(true)),
        "the filed document's row says so"
    );
    let unfiled = ListArrangement {
        unfiled_only: true,
        ..ListArrangement::default()
    };
    assert_eq!(
        message_list::count(&store, inbox, &unfiled).expect("count"),
        3
    );
    // Filed in Alice's file, the document counts as hers.
    let alice = ListArrangement {
        patient: Some(PatientChoice {
            ins: Some("279035121518989".into()),
            name: "BERNARD Alice".into(),
        }),
        ..ListArrangement::default()
    };
    assert_eq!(
        message_list::count(&store, inbox, &alice).expect("count"),
        2
    );

    // A filter whose last message left stays offered, so it can be seen and cleared.
    let gone = ListArrangement {
        document_type: Some("57833-6".into()),
        ..ListArrangement::default()
    };
    let choices = message_list::choices(&store, inbox, &gone).expect("the choices");
    assert!(choices.types.iter().any(|choice| choice.key == "57833-6"));
    assert_eq!(message_list::count(&store, inbox, &gone).expect("count"), 0);
}

/// A box of 100,000 messages, 2,000 of them with a document: any window of the list sorted by
/// patient, and a filtered one, is read in well under a frame's budget for a scroll.
#[test]
fn a_big_folder_sorted_by_patient_or_filtered_reads_a_window_quickly() {
    let directory = tempfile::tempdir().expect("a folder");
    let mut store = Store::open(&directory.path().join("store.sqlite")).expect("a store");
    let inbox = store
        .upsert_folder("cabinet", "INBOX", Some(Role::Inbox))
        .expect("a folder")
        .id;
    let plain: Vec<Envelope> = (1..=98_000)
        .map(|uid| plain_envelope(uid, START + i64::from(uid) * 60))
        .collect();
    for batch in plain.chunks(5_000) {
        store.insert_envelopes(inbox, batch).expect("envelopes");
    }
    let names = ["MARTIN", "BERNARD", "DURAND", "PETIT", "ROBERT"];
    let kinds = [LAB, DISCHARGE, IMAGING];
    let documents: Vec<(u32, Vec<u8>)> = (0..2_000u32)
        .map(|n| {
            let ins = format!("2790351215{:05}", n % 400);
            (
                100_000 + n,
                document_message(
                    &format!("big{n}"),
                    kinds[n as usize % 3],
                    (names[n as usize % 5], &format!("P{}", n % 400)),
                    Some(&ins),
                    START + i64::from(n) * 3_000,
                ),
            )
        })
        .collect();
    deliver(&mut store, inbox, &documents);

    let by_patient = ListArrangement {
        order: ListOrder::Patient,
        ..ListArrangement::default()
    };
    let one_type = ListArrangement {
        document_type: Some(IMAGING.0.into()),
        order: ListOrder::Patient,
        ..ListArrangement::default()
    };
    let mut slowest = Duration::ZERO;
    for (arrangement, offset) in [
        (&ListArrangement::default(), 0),
        (&ListArrangement::default(), 60_000),
        (&by_patient, 0),
        (&by_patient, 1_990),
        (&by_patient, 60_000),
        (&by_patient, 99_990),
        (&one_type, 0),
        (&one_type, 600),
    ] {
        let started = Instant::now();
        let total = message_list::count(&store, inbox, arrangement).expect("count");
        let rows = message_list::page(&store, inbox, arrangement, offset, 20).expect("page");
        let took = started.elapsed();
        eprintln!(
            "{arrangement:?} at {offset}: {} rows of {total} in {took:?}",
            rows.len()
        );
        assert!(!rows.is_empty(), "rows at {offset}");
        slowest = slowest.max(took);
    }
    let started = Instant::now();
    let choices =
        message_list::choices(&store, inbox, &ListArrangement::default()).expect("choices");
    eprintln!(
        "choices: {} types, {} patients in {:?}",
        choices.types.len(),
        choices.patients.len(),
        started.elapsed()
    );
    assert_eq!(choices.patients.len(), 400);
    assert_eq!(
        message_list::count(&store, inbox, &one_type).expect("count"),
        666
    );
    // Debug build on a loaded machine: generous, but a sort of the whole folder per window
    // would take seconds.
    assert!(
        slowest < Duration::from_millis(250),
        "slowest window {slowest:?}"
    );
}
