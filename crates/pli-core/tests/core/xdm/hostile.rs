//! Archives made to hurt: each is refused quickly with a kind the faces put in words, and
//! damaged or random bytes never make the reader panic.

use std::time::Duration;

use super::*;
use pli_core::xdm::{document_pdf, CdaBody, XdmProblem, XmlProblem};

#[test]
fn a_zip_slip_archive_is_refused() {
    for name in [
        "../../.bashrc",
        "IHE_XDM/../../../etc/x",
        "/etc/passwd",
        "C:\\x",
        "IHE_XDM/SUBSET01/AUX.XML",
    ] {
        let bytes = zip_of(&[("IHE_XDM/SUBSET01/METADATA.XML", b"<r/>"), (name, b"x")]);
        assert_eq!(
            refused_quickly(&bytes).0.err(),
            Some(XdmError::UnsafeName),
            "{name}"
        );
    }
}

#[test]
fn a_zip_bomb_is_refused_before_it_inflates() {
    let zeros = vec![0u8; 30 * 1024 * 1024];
    let bytes = zip_of(&[("IHE_XDM/SUBSET01/METADATA.XML", &zeros)]);
    assert!(bytes.len() < 100_000, "{}", bytes.len());
    let (result, elapsed) = refused_quickly(&bytes);
    assert_eq!(result.err(), Some(XdmError::Bomb));
    eprintln!("zip bomb ({} bytes) refused in {elapsed:?}", bytes.len());
}

#[test]
fn ten_thousand_entries_are_refused() {
    let names: Vec<String> = (0..10_000)
        .map(|n| format!("IHE_XDM/SUBSET01/F{n}.TXT"))
        .collect();
    let files: Vec<(&str, &[u8])> = names
        .iter()
        .map(|n| (n.as_str(), b"x".as_slice()))
        .collect();
    let bytes = zip_of(&files);
    let (result, elapsed) = refused_quickly(&bytes);
    assert_eq!(result.err(), Some(XdmError::TooManyEntries { limit: 1000 }));
    eprintln!("10,000 entries refused in {elapsed:?}");
}

#[test]
fn a_truncated_archive_is_refused_as_damaged() {
    let cda = b"<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>t</title></ClinicalDocument>";
    let whole = xdm_around(cda, &test_ins_cx());
    for cut in [whole.len() / 2, whole.len() - 10, 30, 0] {
        let (result, _) = refused_quickly(&whole[..cut]);
        assert_eq!(result.err(), Some(XdmError::Damaged), "cut at {cut}");
    }
}

#[test]
fn a_cda_with_a_doctype_or_external_entity_is_refused_and_nothing_is_read() {
    let cda = format!(
        "<?xml version=\"1.0\"?><!DOCTYPE ClinicalDocument [<!ENTITY x SYSTEM \"file://{}\">]>\
         <ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>&x;</title></ClinicalDocument>",
        env!("CARGO_MANIFEST_DIR")
    );
    let (result, _) = refused_quickly(&xdm_around(cda.as_bytes(), &test_ins_cx()));
    let reading = result.expect("the archive itself is readable");
    assert_eq!(
        reading.problems,
        vec![XdmProblem::CdaUnreadable {
            uri: "DOC0001.XML".into(),
            reason: XmlProblem::DocType
        }]
    );
    assert_eq!(one(&reading).cda, None);
    // An entity with no DOCTYPE at all is refused too.
    let bare = b"<ClinicalDocument><title>&x;</title></ClinicalDocument>";
    let reading = read_archive(&xdm_around(bare, &test_ins_cx())).expect("readable");
    assert_eq!(
        reading.problems,
        vec![XdmProblem::CdaUnreadable {
            uri: "DOC0001.XML".into(),
            reason: XmlProblem::Entity
        }]
    );
}

#[test]
fn a_cda_with_a_50_mb_base64_pdf_is_refused_quickly() {
    let encoded = base64_noise(37 * 1024 * 1024);
    assert!(encoded.len() > 50_000_000);
    let cda = format!(
        "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><component><nonXMLBody><text mediaType=\"application/pdf\" representation=\"B64\">{encoded}</text></nonXMLBody></component></ClinicalDocument>"
    );
    let bytes = xdm_around(cda.as_bytes(), &test_ins_cx());
    let (result, elapsed) = refused_quickly(&bytes);
    assert_eq!(result.err(), Some(XdmError::EntryTooLarge { limit_mb: 32 }));
    eprintln!(
        "50 MB base64 PDF ({} bytes zipped) refused in {elapsed:?}",
        bytes.len()
    );
}

#[test]
fn metadata_naming_one_large_file_thousands_of_times_is_read_once_and_capped() {
    let big = format!(
        "<ClinicalDocument><recordTarget><patientRole><id root=\"{TEST_INS_OID}\" extension=\"{TEST_INS}\"/></patientRole></recordTarget><component><nonXMLBody><text>{}</text></nonXMLBody></component></ClinicalDocument>",
        base64_noise(12 * 1024 * 1024)
    );
    let one = metadata_for("DOC0001.XML", big.as_bytes(), &test_ins_cx(), "text/xml");
    let object = &one[one.find("<rim:ExtrinsicObject").expect("entry")
        ..one.find("</rim:RegistryObjectList>").expect("end")];
    // The entries share one id, as a careless or hostile writer does.
    let metadata = one.replace(object, &object.repeat(5000));
    let bytes = zip_of(&[
        ("IHE_XDM/SUBSET01/METADATA.XML", metadata.as_bytes()),
        ("IHE_XDM/SUBSET01/DOC0001.XML", big.as_bytes()),
    ]);
    let (result, elapsed) = refused_quickly(&bytes);
    let reading = result.expect("readable");
    assert_eq!(reading.documents.len(), 100);
    assert_eq!(
        reading.problems,
        vec![XdmProblem::TooManyDocuments { limit: 100 }]
    );
    eprintln!("5,000 entries naming one 16 MB CDA read in {elapsed:?}");
}

/// A readable archive with a level 1 and a level 3 document, for the damage tests.
fn sound_archive() -> Vec<u8> {
    let level1 = cda_for(TEST_INS);
    let level3 = format!(
        "<ClinicalDocument><recordTarget><patientRole><id root=\"{TEST_INS_OID}\" extension=\"{TEST_INS}\"/></patientRole></recordTarget>\
         <component><structuredBody><component><section><title>T</title><text><paragraph>a<br/>b</paragraph>\
         <list><item>c</item></list><table><tr><td>d</td></tr></table></text></section></component></structuredBody></component></ClinicalDocument>"
    );
    let m1 = metadata_for("DOC0001.XML", &level1, &test_ins_cx(), "text/xml");
    let m2 = metadata_for("DOC0001.XML", level3.as_bytes(), &test_ins_cx(), "text/xml");
    zip_of(&[
        ("IHE_XDM/SUBSET01/METADATA.XML", m1.as_bytes()),
        ("IHE_XDM/SUBSET01/DOC0001.XML", &level1),
        ("IHE_XDM/SUBSET02/METADATA.XML", m2.as_bytes()),
        ("IHE_XDM/SUBSET02/DOC0001.XML", level3.as_bytes()),
    ])
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]

    #[test]
    fn damaged_archives_never_make_the_reader_panic(
        flips in proptest::collection::vec((proptest::prelude::any::<usize>(), proptest::prelude::any::<u8>()), 1..16),
        cut in proptest::prelude::any::<usize>(),
    ) {
        let mut bytes = sound_archive();
        for (position, value) in flips {
            let index = position % bytes.len();
            bytes[index] = value;
        }
        if cut % 4 == 0 {
            bytes.truncate(cut % bytes.len());
        }
        if let Ok(reading) = read_archive(&bytes) {
            for index in 0..=reading.documents.len() {
                let _ = document_pdf(&bytes, index);
            }
        }
    }

    #[test]
    fn random_bytes_as_an_archive_are_refused_without_panic(
        bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..4096),
    ) {
        proptest::prop_assert!(read_archive(&bytes).is_err());
    }
}

#[test]
fn the_sound_archive_of_the_damage_tests_is_read_whole() {
    let reading = read_archive(&sound_archive()).expect("readable");
    assert_eq!(reading.problems, vec![]);
    assert_eq!(reading.documents.len(), 2);
    assert_eq!(
        reading.documents[1].cda.as_ref().map(|cda| &cda.body),
        Some(&CdaBody::Level3 {
            sections: vec![pli_core::xdm::Section {
                title: Some("T".into()),
                depth: 1,
                text: "a\nb\n- c\nd".into()
            }]
        })
    );
}

#[test]
fn a_zip64_directory_claiming_billions_of_entries_is_refused_at_once() {
    let mut bytes = Vec::new();
    // Zip64 end of central directory record, at offset 0.
    bytes.extend_from_slice(&0x0606_4b50_u32.to_le_bytes());
    bytes.extend_from_slice(&44u64.to_le_bytes());
    bytes.extend_from_slice(&45u16.to_le_bytes());
    bytes.extend_from_slice(&45u16.to_le_bytes());
    bytes.extend_from_slice(&0u32.to_le_bytes());
    bytes.extend_from_slice(&0u32.to_le_bytes());
    bytes.extend_from_slice(&(1u64 << 40).to_le_bytes());
    bytes.extend_from_slice(&(1u64 << 40).to_le_bytes());
    bytes.extend_from_slice(&(1u64 << 50).to_le_bytes());
    bytes.extend_from_slice(&0u64.to_le_bytes());
    // Its locator.
    bytes.extend_from_slice(&0x0706_4b50_u32.to_le_bytes());
    bytes.extend_from_slice(&0u32.to_le_bytes());
    bytes.extend_from_slice(&0u64.to_le_bytes());
    bytes.extend_from_slice(&1u32.to_le_bytes());
    // The classic end record pointing to it.
    bytes.extend_from_slice(&0x0605_4b50_u32.to_le_bytes());
    bytes.extend_from_slice(&[0xff; 16]);
    bytes.extend_from_slice(&0u16.to_le_bytes());
    let (result, elapsed) = refused_quickly(&bytes);
    assert!(result.is_err(), "{result:?}");
    assert!(elapsed < Duration::from_secs(1), "{elapsed:?}");
}
