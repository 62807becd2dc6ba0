//! Sending a health document through the use case both faces call
//! (`usecase::health_document::send`): what lands in the outbox is checked byte for byte against
//! the rules of ECO.2.1 and ECO.2.4 — the subject, the headers, the archive and the PDF beside it,
//! one patient per message — and a refused document queues nothing.

use mail_parser::{MessageParser, MimeHeaders};
use pli_core::mail::account::example_doctor;
use pli_core::mail::send::Draft;
use pli_core::mail::store::open_profile_store;
use pli_core::mssante::ins::{IdentityError, IdentityStatus};
use pli_core::profile::Profile;
use pli_core::usecase::health_document::{self, HealthDocument, HealthDocumentError};
use pli_core::usecase::outbox::{self, SendChoices};
use sha1::{Digest, Sha1};

use crate::xdm_build::{ans_test_patient, unzip, validate_cda};

const COLLEAGUE: &str = "helene.noel@medecin.mssante.fr";

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".to_vec()
}

fn lab_report() -> HealthDocument {
    HealthDocument {
        file_name: "CR_biologie.pdf".into(),
        pdf: pdf(),
        type_code: "11502-2".into(),
        title: None,
        patient: ans_test_patient(),
    }
}

fn draft_to(to: &str, subject: &str) -> Draft {
    Draft {
        to: vec![to.to_string()],
        subject: subject.into(),
        body: "Bonjour,\nci-joint le compte rendu.\n".into(),
        ..Draft::from_box(&example_doctor())
    }
}

/// Sends through the use case and returns the raw message the outbox holds.
fn send(profile: &Profile, draft: &Draft, document: &HealthDocument) -> Vec<u8> {
    let doctor = example_doctor();
    let queued = health_document::send(
        profile,
        &doctor,
        draft,
        std::slice::from_ref(document),
        SendChoices::default(),
    )
    .expect("queued");
    let store = open_profile_store(profile).expect("the store");
    let outbox = store.outbox(&doctor.name).expect("the outbox");
    let message = outbox
        .into_iter()
        .find(|message| message.id == queued.outbox_id)
        .expect("in the outbox");
    message.raw
}

fn outbox_len(profile: &Profile) -> usize {
    open_profile_store(profile)
        .expect("the store")
        .outbox(&example_doctor().name)
        .expect("the outbox")
        .len()
}

fn header(raw: &[u8], name: &str) -> Option<String> {
    let message = MessageParser::default().parse(raw).expect("a message");
    message
        .header_raw(name)
        .map(|value| value.trim().to_string())
}

#[test]
fn eco_2_1_3_the_subject_is_the_xdm_prefix_the_type_and_the_patient_then_the_persons_own() {
    let folder = tempfile::tempdir().expect("a profile");
    let profile = Profile::at(folder.path());
    let raw = send(
        &profile,
        &draft_to(COLLEAGUE, "Résultats du 3"),
        &lab_report(),
    );
    let message = MessageParser::default().parse(&raw[..]).expect("a message");
    assert_eq!(
        message.subject(),
        Some(
            "XDM/1.0/DDM+CR d'examens biologiques PAT-TROIS DOMINIQUE 28/03/1979 - Résultats du 3"
        )
    );
    let alone = send(&profile, &draft_to(COLLEAGUE, "  "), &lab_report());
    let message = MessageParser::default()
        .parse(&alone[..])
        .expect("a message");
    assert_eq!(
        message.subject(),
        Some("XDM/1.0/DDM+CR d'examens biologiques PAT-TROIS DOMINIQUE 28/03/1979")
    );
}

#[test]
fn eco_2_4_1_codecda_is_the_code_of_the_cda_in_the_archive() {
    let folder = tempfile::tempdir().expect("a profile");
    let profile = Profile::at(folder.path());
    let letter = HealthDocument {
        type_code: "11490-0".into(),
        ..lab_report()
    };
    let raw = send(&profile, &draft_to(COLLEAGUE, ""), &letter);
    assert_eq!(header(&raw, "X-MSS-CODECDA").as_deref(), Some("11490-0"));
    let message = MessageParser::default().parse(&raw[..]).expect("a message");
    let zip = message
        .attachments()
        .find(|part| part.attachment_name() == Some("IHE_XDM.ZIP"))
        .expect("the archive")
        .contents()
        .to_vec();
    let cda = unzip(&zip)
        .into_iter()
        .find(|(name, _)| name == "IHE_XDM/SUBSET01/DOC0001.XML")
        .expect("the CDA")
        .1;
    let cda = String::from_utf8(cda).expect("UTF-8");
    assert!(
        cda.contains("<code code=\"11490-0\""),
        "the header's code is the CDA's"
    );
}

#[test]
fn eco_2_4_2_x_mss_ins_is_o_when_the_archive_names_the_patient_by_a_qualified_ins() {
    let folder = tempfile::tempdir().expect("a profile");
    let profile = Profile::at(folder.path());
    let raw = send(&profile, &draft_to(COLLEAGUE, ""), &lab_report());
    assert_eq!(header(&raw, "X-MSS-INS").as_deref(), Some("O"));
    assert!(header(&raw, "X-MSS-NIL").is_some(), "ECO.2.4.3 still holds");
}

#[test]
fn eco_2_4_1_a_message_without_archive_carries_neither_xdm_header_whoever_sets_it() {
    let folder = tempfile::tempdir().expect("a profile");
    let profile = Profile::at(folder.path());
    let draft = Draft {
        extra_headers: vec![
            ("X-MSS-CODECDA".into(), "11502-2".into()),
            ("x-mss-ins".into(), "O".into()),
        ],
        ..draft_to(COLLEAGUE, "Sans document")
    };
    outbox::send(&profile, &example_doctor(), &draft, SendChoices::default()).expect("queued");
    let store = open_profile_store(&profile).expect("the store");
    let raw = store.outbox(&example_doctor().name).expect("outbox")[0]
        .raw
        .clone();
    assert_eq!(header(&raw, "X-MSS-CODECDA"), None);
    assert_eq!(header(&raw, "X-MSS-INS"), None);
}

#[test]
fn eco_2_1_1_the_archive_and_the_same_pdf_travel_together_and_the_metadata_describe_the_cda() {
    let folder = tempfile::tempdir().expect("a profile");
    let profile = Profile::at(folder.path());
    let raw = send(&profile, &draft_to(COLLEAGUE, ""), &lab_report());
    let message = MessageParser::default().parse(&raw[..]).expect("a message");
    let attachments: Vec<(String, String, Vec<u8>)> = message
        .attachments()
        .map(|part| {
            let content_type = part
                .content_type()
                .map(|kind| format!("{}/{}", kind.ctype(), kind.subtype().unwrap_or("")))
                .unwrap_or_default();
            (
                part.attachment_name().unwrap_or("").to_string(),
                content_type,
                part.contents().to_vec(),
            )
        })
        .collect();
    assert_eq!(
        attachments.len(),
        2,
        "the archive and the PDF, nothing else"
    );
    assert_eq!(attachments[0].0, "IHE_XDM.ZIP");
    assert_eq!(attachments[0].1, "application/zip");
    assert_eq!(attachments[1].0, "CR_biologie.pdf");
    assert_eq!(attachments[1].1, "application/pdf");
    assert_eq!(attachments[1].2, pdf(), "the same PDF as inside the CDA");

    let files = unzip(&attachments[0].2);
    let metadata = String::from_utf8(
        files
            .iter()
            .find(|(name, _)| name == "IHE_XDM/SUBSET01/METADATA.XML")
            .expect("METADATA.XML")
            .1
            .clone(),
    )
    .expect("UTF-8");
    let cda = &files
        .iter()
        .find(|(name, _)| name == "IHE_XDM/SUBSET01/DOC0001.XML")
        .expect("the CDA")
        .1;
    let hash = hex::encode_upper(Sha1::digest(cda));
    assert!(metadata.contains(&format!("<rim:Value>{hash}</rim:Value>")));
    assert!(metadata.contains(&format!("<rim:Value>{}</rim:Value>", cda.len())));
    // ECO.2.1.5: for a level 1 document the PDF beside is the one embedded.
    let text = String::from_utf8(cda.clone()).expect("UTF-8");
    let start = text.find("representation=\"B64\">").expect("the body") + 21;
    let end = text[start..].find("</text>").expect("its end") + start;
    let embedded: String = text[start..end].split_whitespace().collect();
    use base64::Engine;
    assert_eq!(
        base64::engine::general_purpose::STANDARD
            .decode(embedded)
            .expect("base64"),
        attachments[1].2
    );
    let test =
        "eco_2_1_1_the_archive_and_the_same_pdf_travel_together_and_the_metadata_describe_the_cda";
    if let Some(schema) = pli_testkit::shared::shared_sample("cda-schema/CDA_extended.xsd", test) {
        validate_cda(cda, &schema).expect("the CDA the use case wrote validates");
    }
}

#[test]
fn eco_2_1_1_one_patient_per_message_and_nothing_is_queued_otherwise() {
    let folder = tempfile::tempdir().expect("a profile");
    let profile = Profile::at(folder.path());
    let doctor = example_doctor();
    // A second archive would be a second set of documents.
    let with_archive = Draft {
        attachments: vec![("ihe_xdm.zip".into(), "application/zip".into(), vec![1, 2])],
        ..draft_to(COLLEAGUE, "")
    };
    let refused = health_document::send(
        &profile,
        &doctor,
        &with_archive,
        &[lab_report()],
        SendChoices::default(),
    );
    assert!(
        matches!(refused, Err(HealthDocumentError::SecondArchive)),
        "{refused:?}"
    );
    // Another patient's address: the document is not theirs.
    let to_someone_else = draft_to("180017505600103@patient.mssante.fr", "");
    let refused = health_document::send(
        &profile,
        &doctor,
        &to_someone_else,
        &[lab_report()],
        SendChoices::default(),
    );
    assert!(
        matches!(refused, Err(HealthDocumentError::AnotherPatient)),
        "{refused:?}"
    );
    assert_eq!(outbox_len(&profile), 0, "nothing was queued");
    // The patient's own address is the same patient.
    send(
        &profile,
        &draft_to("279035121518989@patient.mssante.fr", ""),
        &lab_report(),
    );
    assert_eq!(outbox_len(&profile), 1);
}

#[test]
fn eco_2_2_6_a_document_leaves_only_with_a_qualified_identity_that_is_the_matricule_s() {
    let folder = tempfile::tempdir().expect("a profile");
    let profile = Profile::at(folder.path());
    let doctor = example_doctor();
    let mut provisional = lab_report();
    provisional.patient.identity.status = IdentityStatus::Provisional;
    let refused = health_document::send(
        &profile,
        &doctor,
        &draft_to(COLLEAGUE, ""),
        &[provisional],
        SendChoices::default(),
    );
    assert!(
        matches!(
            refused,
            Err(HealthDocumentError::Identity(
                IdentityError::NotQualified { .. }
            ))
        ),
        "{refused:?}"
    );
    let mut someone_else = lab_report();
    someone_else.patient.identity.sex = pli_core::mssante::ins::Sex::Male;
    let refused = health_document::send(
        &profile,
        &doctor,
        &draft_to(COLLEAGUE, ""),
        &[someone_else],
        SendChoices::default(),
    );
    assert!(
        matches!(
            refused,
            Err(HealthDocumentError::Identity(
                IdentityError::SexMismatch { .. }
            ))
        ),
        "{refused:?}"
    );
    assert_eq!(outbox_len(&profile), 0);
}

#[test]
fn a_document_of_an_unknown_type_or_that_is_not_a_pdf_is_refused() {
    let folder = tempfile::tempdir().expect("a profile");
    let profile = Profile::at(folder.path());
    let doctor = example_doctor();
    let unknown = HealthDocument {
        type_code: "99999-9".into(),
        ..lab_report()
    };
    let refused = health_document::send(
        &profile,
        &doctor,
        &draft_to(COLLEAGUE, ""),
        &[unknown],
        SendChoices::default(),
    );
    assert!(
        matches!(&refused, Err(HealthDocumentError::UnknownType { code }) if code == "99999-9"),
        "{refused:?}"
    );
    let text = HealthDocument {
        pdf: b"Bonjour".to_vec(),
        ..lab_report()
    };
    let refused = health_document::send(
        &profile,
        &doctor,
        &draft_to(COLLEAGUE, ""),
        &[text],
        SendChoices::default(),
    );
    assert!(
        matches!(refused, Err(HealthDocumentError::NotAPdf)),
        "{refused:?}"
    );
    assert_eq!(outbox_len(&profile), 0);
}

/// A patient other than the ANS test patient, with a qualified identity that is her matricule's.
fn another_patient() -> pli_core::xdm::build::Patient {
    use pli_core::mssante::ins::{Identity, Ins, Sex};
    pli_core::xdm::build::Patient::with_ins(
        Ins::parse("180017505600103").expect("an INS"),
        pli_core::xdm::build::InsKind::Test,
        Identity {
            birth_name: "DURAND".into(),
            first_names: "PAUL".into(),
            birth_date: chrono::NaiveDate::from_ymd_opt(1980, 1, 15).expect("a date"),
            sex: Sex::Male,
            status: IdentityStatus::Qualified,
        },
    )
}

#[test]
fn eco_2_1_1_documents_about_two_patients_are_refused_and_nothing_is_queued() {
    let folder = tempfile::tempdir().expect("a profile");
    let profile = Profile::at(folder.path());
    let theirs = HealthDocument {
        file_name: "CR_DURAND.pdf".into(),
        patient: another_patient(),
        ..lab_report()
    };
    let refused = health_document::send(
        &profile,
        &example_doctor(),
        &draft_to(COLLEAGUE, ""),
        &[lab_report(), theirs],
        SendChoices::default(),
    );
    assert!(
        matches!(
            &refused,
            Err(HealthDocumentError::SeveralPatients { position: 2, file_name })
                if file_name == "CR_DURAND.pdf"
        ),
        "{refused:?}"
    );
    let none = health_document::send(
        &profile,
        &example_doctor(),
        &draft_to(COLLEAGUE, ""),
        &[],
        SendChoices::default(),
    );
    assert!(
        matches!(none, Err(HealthDocumentError::NoDocument)),
        "{none:?}"
    );
    assert_eq!(outbox_len(&profile), 0, "nothing was queued");
}

#[test]
fn eco_2_1_1_two_documents_about_one_patient_leave_in_one_archive_with_both_pdfs() {
    let folder = tempfile::tempdir().expect("a profile");
    let profile = Profile::at(folder.path());
    let doctor = example_doctor();
    let letter = HealthDocument {
        file_name: "CR_biologie.pdf".into(),
        pdf: b"%PDF-1.4\n% lettre\n%%EOF\n".to_vec(),
        type_code: "11490-0".into(),
        title: Some("Lettre de sortie".into()),
        ..lab_report()
    };
    let started = std::time::Instant::now();
    let queued = health_document::send(
        &profile,
        &doctor,
        &draft_to(COLLEAGUE, "Sortie"),
        &[letter, lab_report()],
        SendChoices::default(),
    )
    .expect("queued");
    eprintln!(
        "FIGURE: two documents built and queued in {:?}",
        started.elapsed()
    );
    let raw = open_profile_store(&profile)
        .expect("the store")
        .outbox(&doctor.name)
        .expect("the outbox")
        .into_iter()
        .find(|message| message.id == queued.outbox_id)
        .expect("in the outbox")
        .raw;
    let message = MessageParser::default().parse(&raw[..]).expect("a message");
    assert_eq!(
        message.subject(),
        Some("XDM/1.0/DDM+Lettre de liaison à la sortie d'un établissement de soins PAT-TROIS DOMINIQUE 28/03/1979 - Sortie"),
        "ECO.2.1.3: the first document's type"
    );
    assert_eq!(
        header(&raw, "X-MSS-CODECDA").as_deref(),
        Some("11490-0,11502-2")
    );
    let names: Vec<&str> = message
        .attachments()
        .filter_map(|part| part.attachment_name())
        .collect();
    assert_eq!(
        names,
        ["IHE_XDM.ZIP", "CR_biologie.pdf", "CR_biologie-2.pdf"],
        "both PDFs, the second renamed so that neither overwrites the other"
    );
    let zip = message
        .attachments()
        .next()
        .expect("the archive")
        .contents();
    let reading = pli_core::xdm::read_archive(zip).expect("read back");
    let codes: Vec<&str> = reading
        .documents
        .iter()
        .filter_map(|document| document.type_code().map(|code| code.code.as_str()))
        .collect();
    assert_eq!(codes, ["11490-0", "11502-2"]);
    assert!(reading.problems.is_empty(), "{:?}", reading.problems);
}
