//! The health documents Pli writes, checked against what the ANS and IHE publish: every CDA
//! validates with `xmllint --schema ../shared/data/cda-schema/CDA_extended.xsd`, the document
//! types match the CI-SIS value set they were taken from, and the archive's metadata describe
//! the files beside them.

use std::io::Read;
use std::path::Path;
use std::process::Command;

use chrono::{DateTime, NaiveDate};
use pli_core::mssante::ins::{Identity, IdentityStatus, Ins, Sex};
use pli_core::xdm::build::media::{self, Archive};
use pli_core::xdm::build::{
    document_type, document_types, Author, DocumentInput, InsKind, LocalId, Patient, PatientId,
    CONFIDENTIALITY_NORMAL, FACILITY_PRACTICE, PRACTICE_SETTING_AMBULATORY,
};
use pli_testkit::shared::shared_sample as shared;
use sha1::{Digest, Sha1};

pub fn ans_test_patient() -> Patient {
    Patient::with_ins(
        Ins::parse("279035121518989").expect("the ANS test INS"),
        InsKind::Test,
        Identity {
            birth_name: "PAT-TROIS".into(),
            first_names: "DOMINIQUE MARIE-LOUISE".into(),
            birth_date: NaiveDate::from_ymd_opt(1979, 3, 28).expect("a date"),
            sex: Sex::Female,
            status: IdentityStatus::Qualified,
        },
    )
}

/// A newborn without an INS yet, named by the maternity's local identifier (IPP) and the OID
/// of the structure's patient identifiers: an identity that is not qualified (ECO.2.4.2).
pub fn unqualified_patient() -> Patient {
    Patient {
        id: PatientId::Local(
            LocalId::new("IPP-2026-000417", "1.2.250.1.999.1.2.3").expect("a local identifier"),
        ),
        identity: Identity {
            birth_name: "MARTIN".into(),
            first_names: "LÉA CLAIRE".into(),
            birth_date: NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date"),
            sex: Sex::Female,
            status: IdentityStatus::Provisional,
        },
    }
}

fn doctor() -> Author {
    Author {
        national_id: Some("801234567897".into()),
        title: "DR".into(),
        given_name: "Hélène".into(),
        family_name: "NOËL & Fils <test>".into(),
        organisation: "Cabinet médical d'Ambroise".into(),
        address: "helene.noel@medecin.mssante.fr".into(),
    }
}

fn structure() -> Author {
    Author {
        national_id: None,
        organisation: String::new(),
        address: "secretariat@ehpad-test.mssante.fr".into(),
        ..Author::default()
    }
}

fn pdf() -> Vec<u8> {
    let mut bytes = b"%PDF-1.4\n".to_vec();
    bytes.extend((0..=255u8).cycle().take(5000));
    bytes.extend_from_slice(b"\n%%EOF\n");
    bytes
}

fn document(code: &str) -> DocumentInput {
    let kind = document_type(code).expect("a type Pli offers").clone();
    DocumentInput {
        pdf: pdf(),
        title: kind.display_name.clone(),
        document_type: kind,
        confidentiality: CONFIDENTIALITY_NORMAL,
        facility: FACILITY_PRACTICE,
        practice_setting: PRACTICE_SETTING_AMBULATORY,
    }
}

fn build(author: &Author, documents: &[DocumentInput]) -> Archive {
    build_about(&ans_test_patient(), author, documents)
}

fn build_about(patient: &Patient, author: &Author, documents: &[DocumentInput]) -> Archive {
    let created = DateTime::parse_from_rfc3339("2026-12-07T08:30:05+01:00").expect("a time");
    media::build(patient, author, documents, &created, "0.1.0").expect("built")
}

/// Every file of the archive, by name.
pub fn unzip(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("a zip");
    (0..archive.len())
        .map(|index| {
            let mut file = archive.by_index(index).expect("an entry");
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes).expect("read");
            (file.name().expect("a name").to_string(), bytes)
        })
        .collect()
}

/// `xmllint --schema` on the document; `Err` with xmllint's words when it does not validate.
pub fn validate_cda(xml: &[u8], schema: &Path) -> Result<(), String> {
    let folder = tempfile::tempdir().expect("a folder");
    let file = folder.path().join("DOC0001.XML");
    std::fs::write(&file, xml).expect("written");
    let output = Command::new("xmllint")
        .arg("--noout")
        .arg("--nonet")
        .arg("--schema")
        .arg(schema)
        .arg(&file)
        .output()
        .expect("xmllint (libxml2-utils, installed by tests/run.sh)");
    let said = String::from_utf8_lossy(&output.stderr).into_owned();
    if output.status.success() && said.contains("validates") {
        Ok(())
    } else {
        Err(said)
    }
}

#[test]
fn every_cda_pli_writes_validates_against_the_ans_cda_schema() {
    let test = "every_cda_pli_writes_validates_against_the_ans_cda_schema";
    let Some(schema) = shared("cda-schema/CDA_extended.xsd", test) else {
        return;
    };
    // The schema itself accepts an ANS example: the check can tell good from bad.
    if let Some(sample) = shared(
        "xdm-cda/ans-cda/BIO-CR-BIO_2021.01_CDA-R2-Niveau-1.xml",
        test,
    ) {
        let bytes = std::fs::read(sample).expect("the ANS example");
        validate_cda(&bytes, &schema).expect("the ANS example validates");
    }
    let mut checked = 0;
    // A patient named by a qualified INS, and one whose identity is not qualified, named by
    // the structure's local identifier (ECO.2.4.2).
    for patient in [ans_test_patient(), unqualified_patient()] {
        for author in [doctor(), structure()] {
            let documents: Vec<DocumentInput> = document_types()
                .iter()
                .map(|kind| document(&kind.code))
                .collect();
            let archive = build_about(&patient, &author, &documents);
            for (name, bytes) in unzip(&archive.zip) {
                if name.starts_with("IHE_XDM/SUBSET01/DOC") {
                    validate_cda(&bytes, &schema).unwrap_or_else(|said| panic!("{name}: {said}"));
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 2 * 2 * document_types().len());
    // And it refuses what is not a CDA: the test can fail.
    let broken = b"<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>x</title></ClinicalDocument>";
    assert!(validate_cda(broken, &schema).is_err());
}

#[test]
fn the_document_types_pli_ships_are_those_of_the_ci_sis_value_set() {
    let test = "the_document_types_pli_ships_are_those_of_the_ci_sis_value_set";
    let Some(file) = shared("cda-valuesets/JDV_J07_XdsTypeCode_CISIS.xml", test) else {
        return;
    };
    let text = std::fs::read_to_string(file).expect("the value set");
    for kind in document_types() {
        let concept = format!(
            "<Concept code=\"{}\"\n                  codeSystem=\"{}\"\n                  displayName=\"{}\"/>",
            kind.code,
            kind.code_system,
            kind.display_name.replace('\'', "&apos;")
        );
        let plain = concept.replace("&apos;", "'");
        assert!(
            text.contains(&concept) || text.contains(&plain),
            "{} is not in the value set as Pli writes it",
            kind.code
        );
    }
}

#[test]
fn the_archive_has_the_ihe_layout_and_its_metadata_describe_each_file() {
    let archive = build(&doctor(), &[document("11490-0"), document("11502-2")]);
    let files: Vec<(String, Vec<u8>)> = unzip(&archive.zip)
        .into_iter()
        .filter(|(name, _)| !name.ends_with('/'))
        .collect();
    let folders: Vec<String> = unzip(&archive.zip)
        .into_iter()
        .map(|(name, _)| name)
        .filter(|name| name.ends_with('/'))
        .collect();
    assert_eq!(folders, ["IHE_XDM/", "IHE_XDM/SUBSET01/"]);
    let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        [
            "INDEX.HTM",
            "README.TXT",
            "IHE_XDM/SUBSET01/METADATA.XML",
            "IHE_XDM/SUBSET01/DOC0001.XML",
            "IHE_XDM/SUBSET01/DOC0002.XML"
        ]
    );
    assert_eq!(archive.cda_codes, ["11490-0", "11502-2"]);
    let metadata = String::from_utf8(files[2].1.clone()).expect("UTF-8");
    for (index, (name, bytes)) in files[3..].iter().enumerate() {
        let hash = hex::encode_upper(Sha1::digest(bytes));
        let uri = name.rsplit('/').next().expect("a file name");
        for slot in [
            ("hash", hash.as_str()),
            ("size", &bytes.len().to_string()),
            ("URI", uri),
        ] {
            assert!(
                metadata.contains(&format!(
                    "<rim:Slot name=\"{}\">\n        <rim:ValueList>\n          <rim:Value>{}</rim:Value>",
                    slot.0, slot.1
                )),
                "{name}: {slot:?}"
            );
        }
        let cda = String::from_utf8(bytes.clone()).expect("UTF-8");
        let id = &archive.document_ids[index];
        assert!(cda.contains(&format!("<id root=\"{id}\"/>")));
        assert!(
            metadata.contains(&format!("value=\"{id}\"")),
            "uniqueId of {name}"
        );
    }
    assert_eq!(
        metadata
            .matches("value=\"279035121518989^^^&amp;1.2.250.1.213.1.4.10&amp;ISO^NH\"")
            .count(),
        3,
        "ECO.2.1.2: patientId on the submission set and on each entry"
    );
    assert!(metadata.contains("nodeRepresentation=\"urn:ihe:iti:xds-sd:pdf:2008\""));
    assert!(metadata.contains("801234567897^NOËL &amp; Fils &lt;test&gt;^Hélène^^^DR^^^&amp;1.2.250.1.71.4.2.1&amp;ISO^D^^^IDNPS"));
    let readme = String::from_utf8(files[1].1.clone()).expect("UTF-8");
    assert!(readme.contains("DOC0002.XML"), "{readme}");
}

#[test]
fn the_cda_wraps_the_same_pdf_and_names_the_patient_as_the_ans_examples_do() {
    use base64::Engine;
    let archive = build(&doctor(), &[document("11502-2")]);
    let cda = unzip(&archive.zip)
        .into_iter()
        .find(|(name, _)| name == "IHE_XDM/SUBSET01/DOC0001.XML")
        .expect("the CDA")
        .1;
    let cda = String::from_utf8(cda).expect("UTF-8");
    for expected in [
        "<realmCode code=\"FR\"/>",
        "<templateId root=\"1.3.6.1.4.1.19376.1.2.20\"/>",
        "<code code=\"11502-2\" displayName=\"CR d&apos;examens biologiques\" codeSystem=\"2.16.840.1.113883.6.1\"",
        "<id extension=\"279035121518989\" root=\"1.2.250.1.213.1.4.10\"/>",
        "<family qualifier=\"BR\">PAT-TROIS</family>",
        "<given>DOMINIQUE MARIE-LOUISE</given>",
        "<given qualifier=\"BR\">DOMINIQUE</given>",
        "<administrativeGenderCode code=\"F\"",
        "<birthTime value=\"19790328\"/>",
        "<county>51215</county>",
        "<id root=\"1.2.250.1.71.4.2.1\" extension=\"801234567897\"/>",
        "<effectiveTime value=\"20261207083005+0100\"/>",
        "<signatureCode code=\"S\"/>",
    ] {
        assert!(cda.contains(expected), "{expected}");
    }
    let start = cda.find("representation=\"B64\">").expect("the body") + 21;
    let end = cda[start..].find("</text>").expect("its end") + start;
    let encoded: String = cda[start..end].split_whitespace().collect();
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .expect("base64");
    assert_eq!(
        decoded,
        pdf(),
        "ECO.2.1.5: the embedded PDF is the PDF sent"
    );
}

/// Every element of an XML document as its path of local names from the root, with its
/// attributes (values as written).
fn elements(xml: &str) -> Vec<(String, Vec<(String, String)>)> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut path: Vec<String> = Vec::new();
    let mut found = Vec::new();
    loop {
        let (element, empty) = match reader.read_event().expect("well-formed XML") {
            Event::Start(element) => (element, false),
            Event::Empty(element) => (element, true),
            Event::End(_) => {
                path.pop();
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let name = String::from_utf8_lossy(element.local_name().as_ref()).into_owned();
        let attributes = element
            .attributes()
            .map(|attribute| {
                let attribute = attribute.expect("an attribute");
                (
                    String::from_utf8_lossy(attribute.key.local_name().as_ref()).into_owned(),
                    String::from_utf8_lossy(&attribute.value).into_owned(),
                )
            })
            .collect();
        path.push(name);
        found.push((format!("/{}", path.join("/")), attributes));
        if empty {
            path.pop();
        }
    }
    found
}

/// What the ANS schematron of the structuration minimale
/// (`schematrons/profils/structurationMinimale/include/1.2.250.1.213.1.1.1.1-2017-12-13T103531.sch`
/// of `ansforge/TestContenuCDA-3-0`) asserts on a level 1 header, checked on every CDA Pli writes:
/// the schema alone does not catch a missing legal authenticator or INS trait.
#[test]
fn every_cda_pli_writes_has_what_the_structuration_minimale_requires() {
    for author in [doctor(), structure()] {
        let archive = build(&author, &[document("11490-0")]);
        let cda = unzip(&archive.zip)
            .into_iter()
            .find(|(name, _)| name == "IHE_XDM/SUBSET01/DOC0001.XML")
            .expect("the CDA")
            .1;
        let found = elements(&String::from_utf8(cda).expect("UTF-8"));
        let at = |path: &str| -> Vec<&Vec<(String, String)>> {
            found
                .iter()
                .filter(|(found, _)| found == path)
                .map(|(_, attributes)| attributes)
                .collect()
        };
        let attribute = |attributes: &Vec<(String, String)>, name: &str| {
            attributes
                .iter()
                .find(|(found, _)| found == name)
                .map(|(_, value)| value.clone())
        };
        let roots: Vec<String> = at("/ClinicalDocument/templateId")
            .into_iter()
            .filter_map(|attributes| attribute(attributes, "root"))
            .collect();
        assert_eq!(
            roots,
            [
                "2.16.840.1.113883.2.8.2.1",
                "1.2.250.1.213.1.1.1.1",
                "1.3.6.1.4.1.19376.1.2.20"
            ],
            "a level 1 document has exactly these three templateIds"
        );
        for once in [
            "realmCode",
            "typeId",
            "id",
            "code",
            "title",
            "effectiveTime",
            "confidentialityCode",
            "languageCode",
            "setId",
            "versionNumber",
            "recordTarget",
            "custodian",
            "legalAuthenticator",
            "componentOf",
            "component",
        ] {
            assert_eq!(at(&format!("/ClinicalDocument/{once}")).len(), 1, "{once}");
        }
        assert_eq!(
            attribute(at("/ClinicalDocument/realmCode")[0], "code").as_deref(),
            Some("FR")
        );
        let code = at("/ClinicalDocument/code")[0];
        assert!(["code", "codeSystem", "displayName"]
            .iter()
            .all(|name| attribute(code, name).is_some()));
        assert!(at("/ClinicalDocument/author/assignedAuthor").len() == 1);
        assert_eq!(
            attribute(
                at("/ClinicalDocument/legalAuthenticator/signatureCode")[0],
                "code"
            )
            .as_deref(),
            Some("S")
        );
        let event = "/ClinicalDocument/documentationOf/serviceEvent";
        assert_eq!(at(&format!("{event}/performer")).len(), 1);
        assert_eq!(at(&format!("{event}/effectiveTime")).len(), 1);
        // The INS traits, since the patient is named by an INS.
        let patient = "/ClinicalDocument/recordTarget/patientRole/patient";
        let qualifiers = |element: &str| -> Vec<Option<String>> {
            at(&format!("{patient}/name/{element}"))
                .into_iter()
                .map(|attributes| attribute(attributes, "qualifier"))
                .collect()
        };
        assert_eq!(qualifiers("family"), [Some("BR".to_string())]);
        assert_eq!(qualifiers("given"), [None, Some("BR".to_string())]);
        for trait_ in [
            "birthTime",
            "administrativeGenderCode",
            "birthplace/place/addr/county",
        ] {
            assert_eq!(at(&format!("{patient}/{trait_}")).len(), 1, "{trait_}");
        }
        assert_eq!(
            at("/ClinicalDocument/component/nonXMLBody/text").len(),
            1,
            "one PDF body"
        );
    }
}

/// The ANS's own PDF twin (`ans-drimbox-cda/IMG_CR_IMG_2023.11_Doc_metier.pdf`, the PDF inside
/// their level 1 imaging example) wrapped by Pli as an imaging report: a valid CDA carrying the
/// same bytes, as the ANS example does.
#[test]
fn the_ans_pdf_wrapped_by_pli_gives_a_valid_cda_carrying_the_same_bytes() {
    use base64::Engine;
    let test = "the_ans_pdf_wrapped_by_pli_gives_a_valid_cda_carrying_the_same_bytes";
    let (Some(pdf), Some(schema)) = (
        shared(
            "xdm-cda/ans-drimbox-cda/IMG_CR_IMG_2023.11_Doc_metier.pdf",
            test,
        ),
        shared("cda-schema/CDA_extended.xsd", test),
    ) else {
        return;
    };
    let pdf = std::fs::read(pdf).expect("the ANS PDF");
    let imaging = DocumentInput {
        pdf: pdf.clone(),
        ..document("18748-4")
    };
    let archive = build(&doctor(), &[imaging]);
    let cda = unzip(&archive.zip)
        .into_iter()
        .find(|(name, _)| name == "IHE_XDM/SUBSET01/DOC0001.XML")
        .expect("the CDA")
        .1;
    validate_cda(&cda, &schema).expect("valid");
    let text = String::from_utf8(cda).expect("UTF-8");
    let start = text.find("representation=\"B64\">").expect("the body") + 21;
    let end = text[start..].find("</text>").expect("its end") + start;
    let embedded: String = text[start..end].split_whitespace().collect();
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(embedded)
        .expect("base64");
    assert_eq!(decoded.len(), 61_736);
    assert_eq!(decoded, pdf);
}
