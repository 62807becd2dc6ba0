//! The documents in the reading model (`mail::mime::read_message`), as the reader and
//! `pli show` get them, checked against the message they came in.

use std::time::{Duration, Instant};

use super::*;
use pli_core::xdm::XdmProblem;

#[test]
fn eco_2_1_1_two_documents_about_two_patients_are_flagged() {
    let cda = |ins: &str| {
        format!("<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><recordTarget><patientRole><id root=\"{TEST_INS_OID}\" extension=\"{ins}\"/></patientRole></recordTarget></ClinicalDocument>")
    };
    let (a, b) = (cda(TEST_INS), cda("180012B01234578"));
    let metadata = |uri: &str, doc: &str, ins: &str| {
        metadata_for(
            uri,
            doc.as_bytes(),
            &format!("{ins}^^^&{TEST_INS_OID}&ISO^NH"),
            "text/xml",
        )
    };
    let (ma, mb) = (
        metadata("DOC0001.XML", &a, TEST_INS),
        metadata("DOC0001.XML", &b, TEST_INS),
    );
    let bytes = zip_of(&[
        ("IHE_XDM/SUBSET01/METADATA.XML", ma.as_bytes()),
        ("IHE_XDM/SUBSET01/DOC0001.XML", a.as_bytes()),
        ("IHE_XDM/SUBSET02/METADATA.XML", mb.as_bytes()),
        ("IHE_XDM/SUBSET02/DOC0001.XML", b.as_bytes()),
    ]);
    let reading = read_archive(&bytes).expect("readable");
    assert_eq!(reading.documents.len(), 2);
    assert_eq!(
        reading.problems,
        vec![
            XdmProblem::PatientDiffers {
                uri: "DOC0001.XML".into()
            },
            XdmProblem::SeveralPatients
        ],
        "the second document's metadata name the first patient, its CDA another"
    );
}

#[test]
fn eco_2_1_2_the_reading_model_lists_the_documents_of_an_ihe_xdm_attachment() {
    let archive = xdm_around(&cda_for(TEST_INS), &test_ins_cx());
    for content_type in ["application/zip", "application/octet-stream"] {
        let raw = message_with_archive(
            "dr.x@ch-test.mssante.fr",
            "X-MSS-INS: O\r\n",
            &archive,
            content_type,
        );
        let model = pli_core::mail::mime::read_message(&raw);
        assert_eq!(model.text.trim(), "Compte rendu ci-joint.");
        assert_eq!(model.documents.len(), 1, "{content_type}");
        let documents = &model.documents[0];
        assert_eq!(documents.attachment, 0);
        assert_eq!(documents.refused, None);
        assert_eq!(documents.problems, vec![]);
        assert_eq!(
            documents.documents[0].ins().map(|i| i.id.as_str()),
            Some(TEST_INS)
        );
        assert_eq!(documents.documents[0].title(), Some("Lettre"));
    }
}

#[test]
fn eco_2_1_1_a_document_about_another_patient_than_the_message_s_is_flagged() {
    let archive = xdm_around(&cda_for(TEST_INS), &test_ins_cx());
    let raw = message_with_archive(
        "180012B01234578@patient.mssante.fr",
        "",
        &archive,
        "application/zip",
    );
    let model = pli_core::mail::mime::read_message(&raw);
    assert_eq!(
        model.documents[0].problems,
        vec![XdmProblem::NotTheMessagesPatient]
    );
    let same = message_with_archive(
        &format!("{TEST_INS}@patient.mssante.fr"),
        "",
        &archive,
        "application/zip",
    );
    assert_eq!(
        pli_core::mail::mime::read_message(&same).documents[0].problems,
        vec![]
    );
}

#[test]
fn eco_2_4_2_an_x_mss_ins_header_that_contradicts_the_archive_is_flagged() {
    let with_ins = xdm_around(&cda_for(TEST_INS), &test_ins_cx());
    let raw = message_with_archive(
        "dr.x@ch-test.mssante.fr",
        "X-MSS-INS: N\r\n",
        &with_ins,
        "application/zip",
    );
    assert_eq!(
        pli_core::mail::mime::read_message(&raw).documents[0].problems,
        vec![XdmProblem::InsHeaderDeniesIns]
    );
    let local = "1234^^^&1.2.3.4.567.8.9.10&ISO^PI";
    let cda = b"<ClinicalDocument><recordTarget><patientRole><id root=\"1.2.3.4.567.8.9.10\" extension=\"1234\"/></patientRole></recordTarget></ClinicalDocument>";
    let without = xdm_around(cda, local);
    let raw = message_with_archive(
        "dr.x@ch-test.mssante.fr",
        "X-MSS-INS: O\r\n",
        &without,
        "application/zip",
    );
    assert_eq!(
        pli_core::mail::mime::read_message(&raw).documents[0].problems,
        vec![XdmProblem::InsHeaderWithoutIns]
    );
}

#[test]
fn eco_2_4_1_an_x_mss_codecda_that_names_other_documents_than_the_archive_s_is_flagged() {
    let archive = xdm_around(&cda_for(TEST_INS), &test_ins_cx());
    let problems = |headers: &str| {
        let raw = message_with_archive(
            "dr.x@ch-test.mssante.fr",
            headers,
            &archive,
            "application/zip",
        );
        pli_core::mail::mime::read_message(&raw).documents[0]
            .problems
            .clone()
    };
    // The CDA is a "11488-4" (consultation note): the header says a laboratory report.
    assert_eq!(
        problems("X-MSS-INS: O\r\nX-MSS-CODECDA: 11502-2\r\n"),
        vec![XdmProblem::CodeCdaDiffers {
            header: "11502-2".into(),
            documents: "11488-4".into(),
        }]
    );
    // The right code, repeated or spaced, and a header left out, are no problem.
    assert_eq!(
        problems("X-MSS-INS: O\r\nX-MSS-CODECDA: 11488-4, 11488-4\r\n"),
        vec![]
    );
    assert_eq!(problems("X-MSS-INS: O\r\n"), vec![]);
}

#[test]
fn a_hostile_archive_in_a_message_is_refused_and_the_message_stays_readable() {
    let zeros = vec![0u8; 30 * 1024 * 1024];
    let bomb = zip_of(&[("IHE_XDM/SUBSET01/METADATA.XML", &zeros)]);
    let raw = message_with_archive("dr.x@ch-test.mssante.fr", "", &bomb, "application/zip");
    let start = Instant::now();
    let model = pli_core::mail::mime::read_message(&raw);
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(model.text.trim(), "Compte rendu ci-joint.");
    assert_eq!(model.attachments.len(), 1);
    assert_eq!(model.documents[0].refused, Some(XdmError::Bomb));
}

#[test]
fn eco_2_1_2_a_forwarded_message_keeps_the_documents_of_its_archive() {
    let archive = xdm_around(&cda_for(TEST_INS), &test_ins_cx());
    let inner = message_with_archive("dr.x@ch-test.mssante.fr", "", &archive, "application/zip");
    let outer = format!(
        "From: <dr.y@ch-test.mssante.fr>\r\nTo: <dr.z@ch-test.mssante.fr>\r\nSubject: TR: compte rendu\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=outer\r\n\r\n--outer\r\nContent-Type: text/plain\r\n\r\nPour avis.\r\n\
         --outer\r\nContent-Type: message/rfc822\r\n\r\n{}\r\n--outer--\r\n",
        String::from_utf8(inner).expect("ascii")
    );
    let model = pli_core::mail::mime::read_message(outer.as_bytes());
    assert_eq!(model.documents, vec![]);
    let embedded = &model.embedded_messages[0].message;
    assert_eq!(embedded.documents.len(), 1, "{embedded:#?}");
    assert_eq!(embedded.documents[0].documents[0].title(), Some("Lettre"));
}
