//! A filing ("Classer") on one workstation of a box reaches the others through the server
//! (issue 12 on a shared box, issue 13's rule that the truth lives on the server): two profiles
//! on the same Dovecot box, each with its own store; the filing travels as an IMAP keyword the
//! box's sync replays, and the trace keeps no INS.

use pli_core::mail::keywords;
use pli_core::mail::send::Draft;
use pli_core::mail::store::Store;
use pli_core::mssante::ins::Ins;
use pli_core::usecase::health_document::{self, HealthDocument};
use pli_core::usecase::outbox::SendChoices;
use pli_core::usecase::patient_file::{self, FileEntry};
use pli_testkit::*;

use crate::shared_bed::Workstation;
use crate::xdm_build::ans_test_patient;

/// The envelopes (with the queued actions replayed), then the bodies: `pli sync`'s pass.
fn pass(workstation: &Workstation) {
    workstation.sync();
    workstation.copy_offline();
}

/// The patient's file as the window and `pli patient-file` read it: its one document, with the
/// file it is filed in.
fn filed_in(workstation: &Workstation, ins: &Ins) -> (String, Option<String>) {
    let file = patient_file::open(&workstation.profile.store_file(), ins).expect("the file");
    let documents: Vec<_> = file
        .entries
        .into_iter()
        .filter_map(|entry| match entry {
            FileEntry::Document { document, .. } => Some(document),
            FileEntry::Message { .. } => None,
        })
        .collect();
    assert_eq!(documents.len(), 1, "one document about the patient");
    let document = &documents[0];
    (
        document.cda_id.clone().expect("a CDA id"),
        document.filed_in.clone(),
    )
}
/// A lab report about the ANS test patient, built by the product's own sending path, put in
/// `to`'s INBOX as the server received it.
fn receive_lab_report(to: &str) {
    let sender = Workstation::new(&dedicated_user("filing-lab"), false);
    let draft = Draft {
        to: vec![to.to_string()],
        subject: "Résultats".into(),
        body: "Bonjour,\nci-joint le compte rendu.\n".into(),
        ..Draft::from_box(&sender.account)
    };
    let document = HealthDocument {
        file_name: "CR_biologie.pdf".into(),
        pdf: b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".to_vec(),
        type_code: "11502-2".into(),
        title: None,
        patient: ans_test_patient(),
    };
    let queued = health_document::send(
        &sender.profile,
        &sender.account,
        &draft,
        &[document],
        SendChoices::default(),
    )
    .expect("queued");
    let store = Store::open(&sender.profile.store_file()).expect("the sender's store");
    let raw = store
        .outbox(&sender.account.name)
        .expect("the outbox")
        .into_iter()
        .find(|message| message.id == queued.outbox_id)
        .expect("in the outbox")
        .raw;
    save_raw(to, &raw);
}

#[test]
fn a_document_filed_on_one_workstation_is_filed_on_the_other_and_the_trace_keeps_no_ins() {
    let user = dedicated_user("filing-ehpad");
    empty_mailbox(&user);
    receive_lab_report(&user);
    let (a, b) = (
        Workstation::new(&user, false),
        Workstation::new(&user, false),
    );
    pass(&a);
    pass(&b);
    let ins = ans_test_patient().ins().expect("named by an INS").clone();
    let (cda_id, filed) = filed_in(&b, &ins);
    assert_eq!(filed, None, "nobody filed it yet");

    let boxes = patient_file::file(&a.profile.store_file(), &cda_id, &ins).expect("filed");
    assert_eq!(boxes, vec![a.account.name.clone()], "A's server is told");
    pass(&a);
    pass(&b);
    assert_eq!(
        filed_in(&b, &ins).1.as_deref(),
        Some(ins.as_str()),
        "B reads the filing from the server"
    );
    // A third workstation, set up after the filing, finds it too.
    let c = Workstation::new(&user, false);
    pass(&c);
    assert_eq!(filed_in(&c, &ins).1.as_deref(), Some(ins.as_str()));

    let store = Store::open(&a.profile.store_file()).expect("A's store");
    let trace = store.trace_since(None).expect("the trace");
    let filing = trace
        .iter()
        .find(|entry| entry.request.contains(keywords::FILED_PREFIX))
        .expect("the filing is traced");
    assert!(filing.ok, "{filing:?}");
    assert!(
        trace
            .iter()
            .all(|entry| !entry.request.contains(ins.as_str())),
        "no INS in the trace: {trace:?}"
    );
}
