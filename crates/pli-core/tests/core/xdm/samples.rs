//! Every file of `../shared/data/xdm-cda/` (SOURCES.md), read or refused, its fields checked
//! against values read from the file by hand.

use std::time::{Duration, Instant};

use super::*;
use pli_core::xdm::{document_pdf, CdaBody, Integrity, PatientIdKind, XdmProblem, XmlProblem};
use pli_testkit::shared::{shared_bytes, shared_sample};

/// Reads a shared ANS CDA wrapped in an archive the test makes; `None` without `../shared`.
fn ans_cda(file: &str, test: &str) -> Option<(Vec<u8>, XdmReading)> {
    let cda = shared_bytes(&format!("xdm-cda/{file}"), test)?;
    let archive = xdm_around(&cda, &test_ins_cx());
    let reading = read_archive(&archive).expect("readable");
    Some((archive, reading))
}

#[test]
fn eco_2_1_2_patient_id_read_from_metadata_of_the_ihe_connectathon_ebrim_3_0_archive() {
    let test = "eco_2_1_2_patient_id_read_from_metadata_of_the_ihe_connectathon_ebrim_3_0_archive";
    let Some(bytes) = shared_bytes("xdm-cda/ihe-nist-xdm/MIE.zip", test) else {
        return;
    };
    let reading = read_archive(&bytes).expect("MIE.zip is readable");
    assert_eq!(reading.problems, vec![], "__MACOSX junk is ignored");
    let document = one(&reading);
    let metadata = &document.metadata;
    let patient = metadata.patient_id.as_ref().expect("patientId");
    assert_eq!(patient.id, "1192011827");
    assert_eq!(patient.oid, "1.3.6.1.4.1.21367.13.20.1000");
    assert_eq!(patient.kind, PatientIdKind::Other);
    assert_eq!(metadata.title.as_deref(), Some("Doctor Note"));
    let type_code = metadata.type_code.as_ref().expect("typeCode");
    assert_eq!(type_code.code, "11488-4");
    assert_eq!(type_code.display_name.as_deref(), Some("Consultation Note"));
    assert_eq!(metadata.creation_time.as_deref(), Some("20110119134439"));
    assert_eq!(metadata.mime_type.as_deref(), Some("text/x-cda-r2+xml"));
    assert_eq!(metadata.size, Some(4103));
    assert_eq!(
        metadata.hash.as_deref(),
        Some("562238a00b39cc3d169d174021db5ec54b53afe6")
    );
    assert_eq!(
        metadata.authors[0].organisation.as_deref(),
        Some("MIE Office")
    );
    assert_eq!(document.integrity, Integrity::Verified);
    assert_eq!(
        document.path.as_deref(),
        Some("IHE_XDM/SUBSET01/DOC00001.XML")
    );
    let cda = document.cda.as_ref().expect("a CDA");
    assert_eq!(
        cda.header.code.as_ref().map(|c| c.code.as_str()),
        Some("34133-9")
    );
    assert_eq!(cda.header.custodian.as_deref(), Some("IHE 2011"));
    assert_eq!(cda.header.patient.birth_name.as_deref(), Some("Ehr"));
}

#[test]
fn eco_2_1_2_patient_id_read_from_an_ebrim_2_1_archive() {
    let test = "eco_2_1_2_patient_id_read_from_an_ebrim_2_1_archive";
    let Some(bytes) = shared_bytes("xdm-cda/ihe-nist-xdm/lynn-xdm.zip", test) else {
        return;
    };
    let reading = read_archive(&bytes).expect("lynn-xdm.zip is readable");
    assert_eq!(reading.problems, vec![]);
    let document = one(&reading);
    let patient = document.metadata.patient_id.as_ref().expect("patientId");
    assert_eq!(
        (patient.id.as_str(), patient.oid.as_str()),
        ("XDM-test-1", "1.3.6.1.4.1.21367.2005.3.7")
    );
    assert_eq!(document.metadata.title.as_deref(), Some("Physical"));
    assert_eq!(
        document
            .metadata
            .type_code
            .as_ref()
            .map(|c| c.code.as_str()),
        Some("34108-1")
    );
    assert_eq!(document.metadata.size, Some(49645));
    assert_eq!(document.integrity, Integrity::Verified);
    let Some(CdaBody::Level3 { sections }) = document.cda.as_ref().map(|cda| &cda.body) else {
        panic!("a level 3 CCD: {document:#?}");
    };
    assert_eq!(sections[0].title.as_deref(), Some("PROBLEM LIST"));
    assert!(
        sections[0].text.starts_with(
            "Problem | Date | Status | Comments\nEar Infection | 01-Oct-2006 | Active"
        ),
        "{}",
        sections[0].text
    );
}

#[test]
fn eco_2_1_2_a_bom_and_missing_hash_slots_give_the_documents_with_a_problem() {
    let test = "eco_2_1_2_a_bom_and_missing_hash_slots_give_the_documents_with_a_problem";
    let Some(bytes) = shared_bytes("xdm-cda/ihe-nist-xdm/Medicity.zip", test) else {
        return;
    };
    let reading = read_archive(&bytes).expect("Medicity.zip is readable");
    let document = one(&reading);
    assert_eq!(
        reading.problems,
        vec![XdmProblem::NotVerifiable {
            uri: "DOC00001.xml".into()
        }]
    );
    assert_eq!(document.integrity, Integrity::NotVerifiable);
    assert_eq!(
        document.path.as_deref(),
        Some("IHE_XDM/SUBSET01/DOC00001.XML"),
        "found in another case"
    );
    assert_eq!(
        document.metadata.patient_id.as_ref().map(|p| p.id.as_str()),
        Some("ABC123")
    );
    assert_eq!(
        document.metadata.authors[0].person.as_deref(),
        Some("Gerald Smitty")
    );
    assert_eq!(
        document.metadata.authors[0].organisation.as_deref(),
        Some("City Center")
    );
    assert_eq!(
        document.title(),
        Some("City Center Hospital Care Record Summary")
    );
}

#[test]
fn eco_2_1_2_two_submission_sets_give_two_documents() {
    let test = "eco_2_1_2_two_submission_sets_give_two_documents";
    let Some(bytes) = shared_bytes("xdm-cda/ihe-nist-xdm/Sage.zip", test) else {
        return;
    };
    let reading = read_archive(&bytes).expect("Sage.zip is readable");
    assert_eq!(reading.problems, vec![], "same patient in both sets");
    let subsets: Vec<&str> = reading
        .documents
        .iter()
        .map(|d| d.subset.as_str())
        .collect();
    assert_eq!(subsets, ["IHE_XDM/CCD1", "IHE_XDM/CCD2"]);
    assert_eq!(
        reading.documents[1].metadata.title.as_deref(),
        Some("Madison Medical Center P. A. Emergency Department Referral")
    );
    assert_eq!(reading.documents[0].metadata.size, Some(38235));
    assert_eq!(reading.documents[1].metadata.size, Some(45307));
    assert!(reading
        .documents
        .iter()
        .all(|d| d.integrity == Integrity::Verified));
    let author = &reading.documents[0].metadata.authors[0];
    assert_eq!(author.person.as_deref(), Some("David Ford"));
    assert_eq!(
        author.organisation.as_deref(),
        Some("Madison Medical Center P. A.")
    );
}

#[test]
fn an_archive_without_ihe_xdm_is_refused_as_not_xdm() {
    let test = "an_archive_without_ihe_xdm_is_refused_as_not_xdm";
    let Some(bytes) = shared_bytes("xdm-cda/ihe-nist-xdm/Siemens.zip", test) else {
        return;
    };
    assert_eq!(read_archive(&bytes).err(), Some(XdmError::NotXdm));
}

#[test]
fn eco_2_1_2_ans_drimbox_archive_gives_the_test_ins_and_flags_the_wrong_signature_hash() {
    let test =
        "eco_2_1_2_ans_drimbox_archive_gives_the_test_ins_and_flags_the_wrong_signature_hash";
    let Some(folder) = shared_sample("xdm-cda/ans-drimbox-xdm/KA202401", test) else {
        return;
    };
    let mut files = Vec::new();
    for name in [
        "README.TXT",
        "INDEX.HTM",
        "IHE_XDM/SS000001/METADATA.XML",
        "IHE_XDM/SS000001/KOS_1_1.DCM",
        "IHE_XDM/SS000001/SIGN_1.XML",
        "IHE_XDM/SS000001/CR.TXT",
    ] {
        files.push((name, std::fs::read(folder.join(name)).expect("sample file")));
    }
    let borrowed: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    let reading = read_archive(&zip_of(&borrowed)).expect("readable");
    assert_eq!(reading.documents.len(), 2, "{reading:#?}");
    let kos = &reading.documents[0];
    let patient = kos
        .metadata
        .patient_id
        .as_ref()
        .expect("patientId in the SOAP envelope");
    assert_eq!(patient.id, "162018885045327");
    assert_eq!(patient.oid, "1.2.250.1.213.1.4.10");
    assert_eq!(patient.kind, PatientIdKind::InsTest);
    assert_eq!(
        kos.path.as_deref(),
        Some("IHE_XDM/SS000001/KOS_1_1.DCM"),
        "URI relative to IHE_XDM/"
    );
    assert_eq!(kos.integrity, Integrity::Verified);
    assert_eq!(
        kos.metadata.title.as_deref(),
        Some("Reference d'Objets d'un Examen d'Imagerie")
    );
    assert_eq!(
        kos.metadata.type_code.as_ref().map(|c| c.code.as_str()),
        Some("IMG-KOS")
    );
    assert_eq!(
        kos.metadata.creation_time.as_deref(),
        Some("20240116151112")
    );
    let author = &kos.metadata.authors[0];
    assert_eq!(author.rpps.as_deref(), Some("899700367909"));
    assert_eq!(author.person.as_deref(), Some("KIT DOC0036790"));
    assert_eq!(author.organisation.as_deref(), Some("BCOM"));
    assert_eq!(reading.documents[1].integrity, Integrity::Mismatch);
    assert!(
        reading.problems.contains(&XdmProblem::SizeMismatch {
            uri: "SS000001/SIGN_1.XML".into(),
            declared: 6102,
            actual: 3212
        }),
        "{:?}",
        reading.problems
    );
    assert!(reading.problems.contains(&XdmProblem::HashMismatch {
        uri: "SS000001/SIGN_1.XML".into()
    }));
}

/// What every ANS CI-SIS example says of its patient (SOURCES.md, checked in each file).
fn assert_pat_trois(document: &HealthDocument, birth_place: &str) {
    let patient = &document.cda.as_ref().expect("a CDA").header.patient;
    let ins = patient.ins().expect("an INS");
    assert_eq!(
        (ins.id.as_str(), ins.oid.as_str()),
        (TEST_INS, TEST_INS_OID)
    );
    assert_eq!(ins.kind, PatientIdKind::InsTest);
    assert_eq!(patient.birth_name.as_deref(), Some("PAT-TROIS"));
    assert_eq!(patient.first_given_name.as_deref(), Some("DOMINIQUE"));
    assert_eq!(patient.sex.as_deref(), Some("F"));
    assert_eq!(patient.birth_date.as_deref(), Some("19790328"));
    assert_eq!(patient.birth_place.as_deref(), Some(birth_place));
}

#[test]
fn eco_2_1_5_ans_imaging_report_level_1_wraps_the_pdf_twin_and_replaces_a_document() {
    let test = "eco_2_1_5_ans_imaging_report_level_1_wraps_the_pdf_twin_and_replaces_a_document";
    let Some((archive, reading)) = ans_cda("ans-cda/IMG_CR_IMG_2024.01_CDA-R2-Niveau-1.xml", test)
    else {
        return;
    };
    let Some(twin) = shared_bytes(
        "xdm-cda/ans-drimbox-cda/IMG_CR_IMG_2023.11_Doc_metier.pdf",
        test,
    ) else {
        return;
    };
    assert_eq!(reading.problems, vec![]);
    let document = one(&reading);
    assert_pat_trois(document, "51215");
    let header = &document.cda.as_ref().expect("CDA").header;
    assert_eq!(
        header.patient.given_names.as_deref(),
        Some("DOMINIQUE MARIE-LOUISE")
    );
    let code = header.code.as_ref().expect("code");
    assert_eq!(code.code, "18748-4");
    assert_eq!(code.system.as_deref(), Some("2.16.840.1.113883.6.1"));
    assert_eq!(code.display_name.as_deref(), Some("CR d’imagerie médicale"));
    assert_eq!(
        header.title.as_deref(),
        Some("CR d’imagerie médicale - Scanner Tête + Cou + Thorax avec injection")
    );
    assert_eq!(
        header.effective_time.as_deref(),
        Some("20210108111700+0100")
    );
    assert_eq!(
        header.id.as_ref().map(|id| id.root.as_str()),
        Some("1.2.250.1.213.1.1.1.45.2024.2.1")
    );
    assert_eq!(
        header.set_id.as_ref().map(|id| id.root.as_str()),
        Some("1.2.250.1.213.1.1.1.45.2024.2")
    );
    assert_eq!(header.version.as_deref(), Some("2"));
    assert_eq!(
        header.replaces.as_ref().map(|id| id.root.as_str()),
        Some("90E1C8EC-F951-4B26-A305-A34848818DD6")
    );
    let author = &header.authors[0];
    assert_eq!(author.rpps.as_deref(), Some("801234560801"));
    assert_eq!(author.person.as_deref(), Some("Jacques BIDEAULT"));
    assert_eq!(
        author.organisation.as_deref(),
        Some("Centre de radiologie Ambroise")
    );
    assert_eq!(
        header.custodian.as_deref(),
        Some("Centre de radiologie Ambroise")
    );
    assert_eq!(
        document.cda.as_ref().map(|cda| &cda.body),
        Some(&CdaBody::Level1 {
            media_type: Some("application/pdf".into()),
            size: Some(61736)
        })
    );
    let pdf = document_pdf(&archive, 0).expect("readable").expect("a PDF");
    assert!(
        pdf == twin,
        "the embedded PDF is byte for byte the ANS PDF twin"
    );
}

#[test]
fn eco_2_1_1_ans_lab_report_level_1_gives_its_pdf_and_author() {
    let test = "eco_2_1_1_ans_lab_report_level_1_gives_its_pdf_and_author";
    let Some((archive, reading)) = ans_cda("ans-cda/BIO-CR-BIO_2021.01_CDA-R2-Niveau-1.xml", test)
    else {
        return;
    };
    let document = one(&reading);
    assert_pat_trois(document, "51215");
    let header = &document.cda.as_ref().expect("CDA").header;
    assert_eq!(
        header.code.as_ref().map(|c| c.code.as_str()),
        Some("11502-2")
    );
    assert_eq!(
        header.title.as_deref(),
        Some("Compte rendu d'examens biologiques")
    );
    assert_eq!(header.authors[0].rpps.as_deref(), Some("801234534765"));
    assert_eq!(
        header.authors[0].person.as_deref(),
        Some("Marcel CAMPARINI")
    );
    assert_eq!(header.custodian.as_deref(), Some("Laboratoire des charmes"));
    assert_eq!(header.replaces, None);
    let pdf = document_pdf(&archive, 0).expect("readable").expect("a PDF");
    assert_eq!(pdf.len(), 326_650);
    assert!(pdf.starts_with(b"%PDF-1.5"));
}

#[test]
fn eco_2_1_1_ans_level_3_documents_give_their_sections_as_text() {
    let test = "eco_2_1_1_ans_level_3_documents_give_their_sections_as_text";
    // file, code, author's family name, organisation, first section title
    let cases = [
        (
            "BIO-CR-BIO_2024.01_TSH_1.xml",
            "11502-2",
            "Marcel CAMPARINI",
            "Laboratoire des charmes",
            "BIOCHIMIE",
        ),
        (
            "LDL-SES_2022.01.xml",
            "11490-0",
            "Charles DAVID",
            "Hôpital Européen Georges Pompidou",
            "Statut du document",
        ),
        (
            "VAC_2023.01.xml",
            "11369-6",
            "Charles MULLER",
            "Cabinet Médical du Dr MULLER",
            "Historique des vaccinations",
        ),
        (
            "DLU-EHPAD-FLUDT_2022.01.xml",
            "74207-2",
            "Charles BOILEAU",
            "EHPAD DE BOULOGNE-BILLANCOURT",
            "Transfert du patient de l'EHPAD vers le SU",
        ),
    ];
    for (file, code, person, organisation, first_section) in cases {
        let Some((_, reading)) = ans_cda(&format!("ans-cda/{file}"), test) else {
            return;
        };
        assert_eq!(reading.problems, vec![], "{file}");
        let document = one(&reading);
        assert_pat_trois(document, "51215");
        let cda = document.cda.as_ref().expect("CDA");
        assert_eq!(
            cda.header.code.as_ref().map(|c| c.code.as_str()),
            Some(code),
            "{file}"
        );
        assert_eq!(
            cda.header.authors[0].person.as_deref(),
            Some(person),
            "{file}"
        );
        assert_eq!(
            cda.header.authors[0]
                .rpps
                .as_deref()
                .map(|r| r.starts_with("80123")),
            Some(true),
            "{file}"
        );
        assert_eq!(
            cda.header.authors[0].organisation.as_deref(),
            Some(organisation),
            "{file}"
        );
        let CdaBody::Level3 { sections } = &cda.body else {
            panic!("{file} is level 3");
        };
        assert_eq!(sections[0].title.as_deref(), Some(first_section), "{file}");
        if file.starts_with("BIO") {
            assert!(
                sections.iter().any(|s| s.text.contains("BILAN THYROIDIEN | Résultats | Valeurs de référence\nThyréostimuline (TSH) (ECL Modular) | 1.950 mUI/l | (0.270 - 4.200)")),
                "{sections:#?}"
            );
        }
        if file.starts_with("VAC") {
            assert!(
                sections[0]
                    .text
                    .starts_with("- Vaccination Antituberculeuse : BCG\nDate | Vaccin | Lot n°"),
                "{}",
                sections[0].text
            );
        }
    }
}

#[test]
fn ans_mssante_replacement_pair_names_the_replaced_document() {
    let test = "ans_mssante_replacement_pair_names_the_replaced_document";
    let Some((archive, v1)) = ans_cda("ans-mss-lps/CR_Radio_CDAN1_v1.XML", test) else {
        return;
    };
    let Some((_, v2)) = ans_cda("ans-mss-lps/CR_Radio_CDAN1_v2.XML", test) else {
        return;
    };
    let (v1, v2) = (one(&v1), one(&v2));
    assert_pat_trois(v1, "63220");
    let h1 = &v1.cda.as_ref().expect("CDA").header;
    let h2 = &v2.cda.as_ref().expect("CDA").header;
    assert_eq!(h1.title.as_deref(), Some("Pelvis Masculin"));
    assert_eq!(h2.title.as_deref(), Some("Radio de hanche"));
    assert_eq!(
        h1.id.as_ref().map(|id| id.root.as_str()),
        Some("1.2.250.1.71.4.2.2.120456789.71024000081")
    );
    assert_eq!(h1.replaces, None);
    assert_eq!(h2.replaces, h1.id, "v2 replaces v1");
    assert_eq!(h1.authors[0].rpps.as_deref(), Some("801234564895"));
    assert_eq!(h1.authors[0].person.as_deref(), Some("Thomas Eric"));
    assert_eq!(
        h1.authors[0].organisation.as_deref(),
        Some("Organisation-Y")
    );
    assert_eq!(h1.patient.given_names.as_deref(), Some("DOMINIQUE"));
    let pdf = document_pdf(&archive, 0).expect("readable").expect("a PDF");
    assert_eq!(pdf.len(), 179_764);
}

/// A shared file put in an archive as the METADATA.XML of its only submission set.
fn as_metadata(file: &str, test: &str) -> Option<XdmReading> {
    let bytes = shared_bytes(&format!("xdm-cda/{file}"), test)?;
    let archive = zip_of(&[("IHE_XDM/SUBSET01/METADATA.XML", &bytes)]);
    Some(read_archive(&archive).expect("the archive itself is readable"))
}

#[test]
fn eco_2_1_2_dmp_xds_metadata_with_french_codes_give_patient_and_type_without_uri_slots() {
    let test =
        "eco_2_1_2_dmp_xds_metadata_with_french_codes_give_patient_and_type_without_uri_slots";
    // An ITI-41 MTOM body: its XML part (a SOAP envelope around the SubmitObjectsRequest, with
    // no URI slots: XDS, not XDM) becomes the METADATA.XML.
    let Some(body) = shared_bytes("xdm-cda/ans-drimbox-xds/publication.xml", test) else {
        return;
    };
    let body = String::from_utf8(body).expect("UTF-8");
    let start = body.find("<?xml").expect("the XML part");
    let end = body.find("</soap:Envelope>").expect("the envelope's end") + "</soap:Envelope>".len();
    let archive = zip_of(&[(
        "IHE_XDM/SUBSET01/METADATA.XML",
        &body.as_bytes()[start..end],
    )]);
    let reading = read_archive(&archive).expect("readable");
    assert_eq!(reading.documents.len(), 2, "{reading:#?}");
    let kos = &reading.documents[0];
    let patient = kos.metadata.patient_id.as_ref().expect("patientId");
    assert_eq!(
        (patient.id.as_str(), patient.kind),
        ("162018885045327", PatientIdKind::InsTest)
    );
    let type_code = kos.metadata.type_code.as_ref().expect("typeCode");
    assert_eq!(type_code.code, "IMG-KOS");
    assert_eq!(type_code.system.as_deref(), Some("1.2.250.1.213.1.1.4.12"));
    assert_eq!(kos.metadata.mime_type.as_deref(), Some("application/dicom"));
    assert_eq!(kos.integrity, Integrity::Missing);
    assert_eq!(
        reading.problems,
        vec![
            XdmProblem::NoUri {
                file: "IHE_XDM/SUBSET01/METADATA.XML".into()
            },
            XdmProblem::NoUri {
                file: "IHE_XDM/SUBSET01/METADATA.XML".into()
            }
        ]
    );
}

#[test]
fn a_registry_response_or_an_hl7_v2_message_as_metadata_is_a_problem_not_a_crash() {
    let test = "a_registry_response_or_an_hl7_v2_message_as_metadata_is_a_problem_not_a_crash";
    let Some(response) = as_metadata("ans-drimbox-xds/response.xml", test) else {
        return;
    };
    // Its MIME header `Content-ID: <root.message@cxf.apache.org>` opens an element that never
    // closes: not XML, said as such.
    assert_eq!(
        response.problems,
        vec![XdmProblem::MetadataUnreadable {
            file: "IHE_XDM/SUBSET01/METADATA.XML".into(),
            reason: XmlProblem::Malformed
        }]
    );
    let bare = b"<rs:RegistryResponse xmlns:rs=\"urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0\" status=\"urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success\"/>";
    let reading =
        read_archive(&zip_of(&[("IHE_XDM/SUBSET01/METADATA.XML", bare)])).expect("readable");
    assert_eq!(
        reading.problems,
        vec![XdmProblem::NoDocumentEntry {
            file: "IHE_XDM/SUBSET01/METADATA.XML".into()
        }]
    );
    let Some(er7) = as_metadata(
        "ans-mss-lps/message_MDM__LPS_MSS_CR_Radio_INIT_N1.er7",
        test,
    ) else {
        return;
    };
    assert_eq!(
        er7.problems,
        vec![XdmProblem::MetadataUnreadable {
            file: "IHE_XDM/SUBSET01/METADATA.XML".into(),
            reason: XmlProblem::Malformed
        }]
    );
    assert!(er7.documents.is_empty());
}

#[test]
fn figures_time_to_read_the_largest_shared_sample() {
    let test = "figures_time_to_read_the_largest_shared_sample";
    let Some(cda) = shared_bytes(
        "xdm-cda/ans-cda/BIO-CR-BIO_2021.01_CDA-R2-Niveau-1.xml",
        test,
    ) else {
        return;
    };
    let archive = xdm_around(&cda, &test_ins_cx());
    let start = Instant::now();
    let reading = read_archive(&archive).expect("readable");
    let elapsed = start.elapsed();
    assert_eq!(reading.documents.len(), 1);
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
    eprintln!(
        "BIO-CR-BIO N1 ({} bytes CDA, {} bytes zipped) read in {elapsed:?}",
        cda.len(),
        archive.len()
    );
}

#[test]
fn only_a_pdf_is_given_as_the_pdf_of_a_level_1_document() {
    let test = "only_a_pdf_is_given_as_the_pdf_of_a_level_1_document";
    // The connectathon's level 1 document wraps plain text, not a PDF.
    let Some(bytes) = shared_bytes("xdm-cda/ihe-nist-xdm/MIE.zip", test) else {
        return;
    };
    let reading = read_archive(&bytes).expect("readable");
    assert_eq!(
        one(&reading).cda.as_ref().map(|cda| &cda.body),
        Some(&CdaBody::Level1 {
            media_type: Some("text/plain".into()),
            size: Some(30)
        })
    );
    assert_eq!(document_pdf(&bytes, 0), Ok(None));
}

#[test]
fn eco_2_1_3_the_patient_comes_from_the_document_never_from_the_subject_of_the_ans_mdm_example() {
    let test = "eco_2_1_3_the_patient_comes_from_the_document_never_from_the_subject_of_the_ans_mdm_example";
    let Some(er7) = shared_bytes(
        "xdm-cda/ans-mss-lps/message_MDM__LPS_MSS_CR_Radio_INIT_N1.er7",
        test,
    ) else {
        return;
    };
    let Some(cda) = shared_bytes("xdm-cda/ans-mss-lps/CR_Radio_CDAN1_v1.XML", test) else {
        return;
    };
    // OBX-3.2 of the ANS's HL7 message carries the mail subject; its birth date (07/08/2010)
    // is not the CDA's (19790328).
    let er7 = String::from_utf8(er7).expect("UTF-8");
    let start = er7.find("XDM/1.0/DDM+").expect("the subject");
    let subject: String = er7[start..]
        .chars()
        .take_while(|c| !matches!(c, '^' | '|' | '\r' | '\n'))
        .collect();
    assert!(
        subject.ends_with("PAT-TROIS DOMINIQUE 07/08/2010"),
        "{subject}"
    );
    let archive = xdm_around(&cda, &test_ins_cx());
    let raw = String::from_utf8(message_with_archive(
        "radiologie@ch-test.mssante.fr",
        "",
        &archive,
        "application/zip",
    ))
    .expect("ascii")
    .replace(
        "Subject: XDM/1.0/DDM+CR d'imagerie PAT-TROIS DOMINIQUE 28/03/1979",
        &format!("Subject: {subject}"),
    );
    let model = pli_core::mail::mime::read_message(raw.as_bytes());
    assert_eq!(
        pli_core::mail::mime::display_subject(&model.subject),
        "CR d’examens de radiologie PAT-TROIS DOMINIQUE 07/08/2010"
    );
    let document = &model.documents[0].documents[0];
    let patient = &document.cda.as_ref().expect("CDA").header.patient;
    assert_eq!(patient.birth_date.as_deref(), Some("19790328"));
    assert_eq!(document.ins().map(|ins| ins.id.as_str()), Some(TEST_INS));
    assert_eq!(model.documents[0].problems, vec![]);
}
