//! ECO.2.4.2 with a patient whose identity is not qualified (a foreign patient without NIR, a
//! newborn): the document leaves, after the person's explicit confirmation, named by the
//! structure's local identifier (IPP) and its authority's OID — never by an INS that was not
//! checked — and the message says `X-MSS-INS: N`. Through the use case both faces call
//! (`usecase::health_document::send`); what lands in the outbox is read back as a receiver
//! reads it.

use mail_parser::{MessageParser, MimeHeaders};
use pli_core::mail::account::example_doctor;
use pli_core::mail::send::Draft;
use pli_core::mail::store::open_profile_store;
use pli_core::profile::Profile;
use pli_core::usecase::health_document::{self, HealthDocument, HealthDocumentError};
use pli_core::usecase::outbox::SendChoices;
use pli_core::xdm::build::{LocalId, LocalIdError};
use pli_core::xdm::PatientIdKind;

use crate::xdm_build::{unqualified_patient, unzip, validate_cda};

const COLLEAGUE: &str = "helene.noel@medecin.mssante.fr";

fn discharge_letter() -> HealthDocument {
    HealthDocument {
        file_name: "lettre_de_sortie.pdf".into(),
        pdf: b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".to_vec(),
        type_code: "11490-0".into(),
        title: None,
        patient: unqualified_patient(),
    }
}

fn draft_to(to: &str) -> Draft {
    Draft {
        to: vec![to.to_string()],
        body: "Bonjour,\nci-joint la lettre de sortie.\n".into(),
        ..Draft::from_box(&example_doctor())
    }
}

fn confirmed() -> SendChoices {
    SendChoices {
        unqualified_identity_confirmed: true,
        ..SendChoices::default()
    }
}

fn outbox(profile: &Profile) -> Vec<Vec<u8>> {
    open_profile_store(profile)
        .expect("the store")
        .outbox(&example_doctor().name)
        .expect("the outbox")
        .into_iter()
        .map(|message| message.raw)
        .collect()
}

#[test]
fn eco_2_4_2_a_document_about_an_unqualified_identity_leaves_with_x_mss_ins_n_and_its_local_id() {
    let test = "eco_2_4_2_a_document_about_an_unqualified_identity_leaves_with_x_mss_ins_n_and_its_local_id";
    let folder = tempfile::tempdir().expect("a profile");
    let profile = Profile::at(folder.path());
    health_document::send(
        &profile,
        &example_doctor(),
        &draft_to(COLLEAGUE),
        &[discharge_letter()],
        confirmed(),
    )
    .expect("queued once confirmed");
    let raw = outbox(&profile).pop().expect("in the outbox");

    let message = MessageParser::default().parse(&raw[..]).expect("a message");
    let header = |name: &str| {
        message
            .header_raw(name)
            .map(|value| value.trim().to_string())
    };
    assert_eq!(header("X-MSS-INS").as_deref(), Some("N"));
    assert_eq!(header("X-MSS-CODECDA").as_deref(), Some("11490-0"));
    assert!(
        message
            .subject()
            .is_some_and(|subject| subject.starts_with("XDM/1.0/DDM+")
                && subject.contains("MARTIN LÉA 01/12/2026")),
        "ECO.2.1.3 still names the patient: {:?}",
        message.subject()
    );

    let archive = message
        .attachments()
        .find(|part| part.attachment_name() == Some("IHE_XDM.ZIP"))
        .expect("the archive")
        .contents()
        .to_vec();
    let files = unzip(&archive);
    let file = |wanted: &str| {
        String::from_utf8(
            files
                .iter()
                .find(|(name, _)| name == wanted)
                .unwrap_or_else(|| panic!("{wanted}"))
                .1
                .clone(),
        )
        .expect("UTF-8")
    };
    let metadata = file("IHE_XDM/SUBSET01/METADATA.XML");
    let cx = "IPP-2026-000417^^^&amp;1.2.250.1.999.1.2.3&amp;ISO^PI";
    assert!(
        metadata.contains(&format!("value=\"{cx}\"")),
        "patientId is the local identifier with its authority, typed PI"
    );
    let cda = file("IHE_XDM/SUBSET01/DOC0001.XML");
    assert!(cda.contains(
        "<patientRole>\n      <id extension=\"IPP-2026-000417\" root=\"1.2.250.1.999.1.2.3\"/>"
    ));
    for ins_oid in [
        "1.2.250.1.213.1.4.8",
        "1.2.250.1.213.1.4.9",
        "1.2.250.1.213.1.4.10",
        "1.2.250.1.213.1.4.11",
    ] {
        assert!(!cda.contains(ins_oid), "no INS in the CDA ({ins_oid})");
        assert!(!metadata.contains(ins_oid), "no INS in the metadata");
    }
    assert!(!cda.contains("patient.mssante.fr"), "no patient address");
    if let Some(schema) = pli_testkit::shared::shared_sample("cda-schema/CDA_extended.xsd", test) {
        validate_cda(cda.as_bytes(), &schema).expect("the CDA validates");
    }

    // The receiver reads it back: a local identifier, the identity said to be not qualified,
    // and the header agreeing with the archive.
    let model = pli_core::mail::mime::read_message(&raw);
    let documents = &model.documents[0];
    assert!(documents.unqualified_identity);
    assert!(documents.problems.is_empty(), "{:?}", documents.problems);
    let patient = documents.documents[0]
        .metadata
        .patient_id
        .as_ref()
        .expect("a patientId");
    assert_eq!(
        (patient.id.as_str(), patient.oid.as_str(), patient.kind),
        (
            "IPP-2026-000417",
            "1.2.250.1.999.1.2.3",
            PatientIdKind::Other
        )
    );
    assert!(documents.documents[0].ins().is_none());
}

#[test]
fn eco_2_4_2_without_confirmation_a_document_about_an_unqualified_identity_is_refused() {
    let folder = tempfile::tempdir().expect("a profile");
    let profile = Profile::at(folder.path());
    let refused = health_document::send(
        &profile,
        &example_doctor(),
        &draft_to(COLLEAGUE),
        &[discharge_letter()],
        SendChoices::default(),
    );
    assert!(
        matches!(
            refused,
            Err(HealthDocumentError::UnqualifiedIdentityUnconfirmed)
        ),
        "{refused:?}"
    );
    // Only an INS gives a patient an address: such a document cannot go to one.
    let to_a_patient = health_document::send(
        &profile,
        &example_doctor(),
        &draft_to("279035121518989@patient.mssante.fr"),
        &[discharge_letter()],
        confirmed(),
    );
    assert!(
        matches!(to_a_patient, Err(HealthDocumentError::UnqualifiedToPatient)),
        "{to_a_patient:?}"
    );
    assert!(outbox(&profile).is_empty(), "nothing was queued");
}

#[test]
fn eco_2_4_2_a_local_identifier_is_checked_and_never_an_ins_in_disguise() {
    assert!(LocalId::new(" IPP-77 ", " 1.2.250.1.999.2 ").is_ok());
    assert_eq!(
        LocalId::new("  ", "1.2.250.1.999.2"),
        Err(LocalIdError::EmptyId)
    );
    for id in [
        "IPP 77",
        "77^^^&1.2.250.1.213.1.4.8",
        "a\"b",
        &"9".repeat(65),
    ] {
        assert_eq!(
            LocalId::new(id, "1.2.250.1.999.2"),
            Err(LocalIdError::BadId),
            "{id}"
        );
    }
    for authority in ["", "1", "1.2.250.01", "3.1.2", "1.2.x", "1..2"] {
        assert!(
            matches!(
                LocalId::new("IPP-77", authority),
                Err(LocalIdError::BadAuthority { .. })
            ),
            "{authority}"
        );
    }
    // An INS's authority is refused: an INS goes through the INS fields and their checks.
    for authority in ["1.2.250.1.213.1.4.8", "1.2.250.1.213.1.4.10"] {
        assert!(matches!(
            LocalId::new("279035121518989", authority),
            Err(LocalIdError::InsAuthority { .. })
        ));
    }
}
