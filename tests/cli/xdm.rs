//! `pli xdm inspect` on archives the tests make and on the shared samples, and a message carrying
//! an ANS sample archive delivered to a box of the real stack, then read by `pli sync` and
//! `pli show --json`.

use crate::common::*;
use crate::send::profile_with_box;
use pli_testkit::shared::shared_bytes;
use pli_testkit::xdm::zip_of;

const TEST_INS: &str = "279035121518989";

/// An `IHE_XDM.ZIP` around one CDA; its metadata give the size but no hash, as some real
/// senders do (the reader says the file cannot be checked).
fn xdm_around(cda: &[u8]) -> Vec<u8> {
    let metadata = format!(
        r#"<SubmitObjectsRequest xmlns="urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0"><RegistryObjectList>
<ExtrinsicObject id="Doc01" mimeType="text/xml">
<Slot name="URI"><ValueList><Value>DOC0001.XML</Value></ValueList></Slot>
<Slot name="size"><ValueList><Value>{}</Value></ValueList></Slot>
<Name><LocalizedString value="Compte rendu"/></Name>
<ExternalIdentifier identificationScheme="urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427" registryObject="Doc01" value="{TEST_INS}^^^&amp;1.2.250.1.213.1.4.10&amp;ISO^NH"/>
</ExtrinsicObject></RegistryObjectList></SubmitObjectsRequest>"#,
        cda.len()
    );
    zip_of(&[
        ("README.TXT", b"test".as_slice()),
        ("IHE_XDM/SUBSET01/METADATA.XML", metadata.as_bytes()),
        ("IHE_XDM/SUBSET01/DOC0001.XML", cda),
    ])
}

fn small_cda() -> Vec<u8> {
    format!(
        "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><id root=\"1.2.3.4\" extension=\"77\"/>\
         <code code=\"11488-4\" displayName=\"Compte rendu de consultation\" codeSystem=\"2.16.840.1.113883.6.1\"/>\
         <title>Consultation du 3 mars</title><effectiveTime value=\"20260303101500+0100\"/>\
         <recordTarget><patientRole><id root=\"1.2.250.1.213.1.4.10\" extension=\"{TEST_INS}\"/>\
         <patient><name><family qualifier=\"BR\">PAT-TROIS</family><given>DOMINIQUE</given></name>\
         <administrativeGenderCode code=\"F\"/><birthTime value=\"19790328\"/></patient></patientRole></recordTarget>\
         <author><assignedAuthor><id root=\"1.2.250.1.71.4.2.1\" extension=\"801234567897\"/>\
         <assignedPerson><name><given>Charles</given><family>DAVID</family></name></assignedPerson>\
         <representedOrganization><name>Cabinet DAVID</name></representedOrganization></assignedAuthor></author>\
         <component><nonXMLBody><text mediaType=\"application/pdf\" representation=\"B64\">JVBERi0xLjQKJSVFT0YK</text></nonXMLBody></component>\
         </ClinicalDocument>"
    )
    .into_bytes()
}

fn write_in(profile: &tempfile::TempDir, name: &str, bytes: &[u8]) -> String {
    let path = profile.path().join(name);
    std::fs::write(&path, bytes).expect("written");
    path.to_str().expect("utf-8").to_owned()
}

#[test]
fn pli_xdm_inspect_prints_the_documents_and_their_problems_in_words() {
    let profile = tempfile::tempdir().expect("a profile folder");
    let archive = write_in(&profile, "IHE_XDM.ZIP", &xdm_around(&small_cda()));

    let shown = pli(profile.path(), &["xdm", "inspect", &archive], "");
    assert!(shown.status.success(), "{}", text(&shown));
    let out = text(&shown);
    for expected in [
        "1 health document",
        "Type: Compte rendu de consultation (11488-4)",
        "Title: Consultation du 3 mars",
        "Date: 03/03/2026 10:15",
        "Patient: PAT-TROIS DOMINIQUE, F, 28/03/1979, test INS 2 79 03 51 215 189 89",
        "Author: Charles DAVID, RPPS 801234567897, Cabinet DAVID",
        "PDF inside (15 o)",
        "The metadata give no hash for DOC0001.XML: its integrity cannot be checked.",
    ] {
        assert!(out.contains(expected), "{expected:?} missing from:\n{out}");
    }

    let json = pli(profile.path(), &["xdm", "inspect", &archive, "--json"], "");
    assert!(json.status.success(), "{}", text(&json));
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    let document = &value["documents"][0];
    assert_eq!(document["metadata"]["patient_id"]["id"], TEST_INS);
    assert_eq!(document["metadata"]["patient_id"]["kind"], "ins-test");
    assert_eq!(document["metadata"]["title"], "Compte rendu");
    assert_eq!(document["cda"]["header"]["code"]["code"], "11488-4");
    assert_eq!(
        document["cda"]["header"]["authors"][0]["rpps"],
        "801234567897"
    );
    assert_eq!(document["cda"]["body"]["level"], "level1");
    assert_eq!(document["integrity"], "not-verifiable");
    assert_eq!(value["problems"][0]["kind"], "not-verifiable");
    assert!(value["problems"][0]["message"]
        .as_str()
        .is_some_and(|m| m.contains("no hash")));

    let folder = profile.path().join("pdf");
    std::fs::create_dir(&folder).expect("folder");
    let saved = pli(
        profile.path(),
        &[
            "xdm",
            "inspect",
            &archive,
            "--save-pdf",
            folder.to_str().expect("utf-8"),
        ],
        "",
    );
    assert!(saved.status.success(), "{}", text(&saved));
    assert_eq!(
        std::fs::read(folder.join("document-1.pdf")).expect("saved"),
        b"%PDF-1.4\n%%EOF\n"
    );
}

#[test]
fn pli_xdm_inspect_refuses_hostile_and_foreign_archives_with_a_sentence_and_exit_1() {
    let profile = tempfile::tempdir().expect("a profile folder");
    let slip = write_in(
        &profile,
        "slip.zip",
        &zip_of(&[
            ("IHE_XDM/SUBSET01/METADATA.XML", b"<r/>"),
            ("../../evil.sh", b"x"),
        ]),
    );
    let whole = xdm_around(&small_cda());
    let truncated = write_in(&profile, "cut.zip", &whole[..whole.len() / 2]);
    let not_xdm = write_in(&profile, "other.zip", &zip_of(&[("README.TXT", b"x")]));
    for (file, sentence) in [
        (&slip, "dangerous file name"),
        (&truncated, "damaged or truncated"),
        (&not_xdm, "not in the IHE XDM format"),
    ] {
        let refused = pli(profile.path(), &["xdm", "inspect", file], "");
        assert_eq!(refused.status.code(), Some(1), "{}", text(&refused));
        assert!(text(&refused).contains(sentence), "{}", text(&refused));
        let json = pli(profile.path(), &["xdm", "inspect", file, "--json"], "");
        assert_eq!(json.status.code(), Some(1));
        let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
        assert!(value["refused"]["message"]
            .as_str()
            .is_some_and(|m| m.contains(sentence)));
    }
    assert!(!profile.path().join("../evil.sh").exists());
}

#[test]
fn pli_xdm_inspect_reads_the_shared_connectathon_archive_with_two_submission_sets() {
    let test = "pli_xdm_inspect_reads_the_shared_connectathon_archive_with_two_submission_sets";
    let Some(bytes) = shared_bytes("xdm-cda/ihe-nist-xdm/Sage.zip", test) else {
        return;
    };
    let profile = tempfile::tempdir().expect("a profile folder");
    let archive = write_in(&profile, "Sage.zip", &bytes);
    let shown = pli(profile.path(), &["xdm", "inspect", &archive, "--json"], "");
    assert!(shown.status.success(), "{}", text(&shown));
    let value: serde_json::Value = serde_json::from_slice(&shown.stdout).expect("JSON");
    assert_eq!(value["documents"].as_array().map(Vec::len), Some(2));
    assert_eq!(value["documents"][1]["subset"], "IHE_XDM/CCD2");
    assert_eq!(value["documents"][0]["integrity"], "verified");
    assert_eq!(
        value["documents"][0]["cda"]["header"]["patient"]["birth_name"],
        "FARNSWORTH"
    );
}

#[test]
fn eco_2_1_2_an_ans_archive_received_in_a_box_is_listed_by_pli_show_with_its_fields() {
    let test = "eco_2_1_2_an_ans_archive_received_in_a_box_is_listed_by_pli_show_with_its_fields";
    let Some(cda) = shared_bytes(
        "xdm-cda/ans-cda/IMG_CR_IMG_2024.01_CDA-R2-Niveau-1.xml",
        test,
    ) else {
        return;
    };
    use base64::Engine;
    let user = dedicated_user("cli-xdm-read");
    empty_mailbox(&user);
    let archive = xdm_around(&cda);
    let encoded = base64::engine::general_purpose::STANDARD.encode(&archive);
    let lines: Vec<&str> = encoded
        .as_bytes()
        .chunks(76)
        .map(|chunk| std::str::from_utf8(chunk).expect("ascii"))
        .collect();
    let raw = format!(
        "From: <radiologie@ch-test.mssante.fr>\r\nTo: <{user}>\r\nSubject: XDM/1.0/DDM+CR d'imagerie PAT-TROIS DOMINIQUE 28/03/1979\r\n\
         Message-ID: <xdm-read.{}@test>\r\nX-MSS-INS: O\r\nX-MSS-CODECDA: 18748-4\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nCompte rendu ci-joint.\r\n\
         --b\r\nContent-Type: application/zip; name=\"IHE_XDM.ZIP\"\r\nContent-Disposition: attachment; filename=\"IHE_XDM.ZIP\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--b--\r\n",
        std::process::id(),
        lines.join("\r\n")
    );
    save_raw(&user, raw.as_bytes());

    let profile = profile_with_box(&user, "cabinet");
    let synced = pli(profile.path(), &["sync", "cabinet"], "");
    assert!(synced.status.success(), "{}", text(&synced));
    let listed = pli(profile.path(), &["list", "cabinet", "--json"], "");
    assert!(listed.status.success(), "{}", text(&listed));
    let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).expect("JSON");
    let uid = listed[0]["uid"].as_u64().expect("one message").to_string();

    let shown = pli(profile.path(), &["show", "cabinet", &uid, "--json"], "");
    assert!(shown.status.success(), "{}", text(&shown));
    let value: serde_json::Value = serde_json::from_slice(&shown.stdout).expect("JSON");
    let documents = value["documents"].as_array().expect("a documents array");
    assert_eq!(documents.len(), 1, "{value:#}");
    let document = &documents[0];
    assert_eq!(document["attachment"], 0);
    let header = &document["cda"]["header"];
    assert_eq!(header["code"]["code"], "18748-4");
    assert_eq!(
        header["title"],
        "CR d’imagerie médicale - Scanner Tête + Cou + Thorax avec injection"
    );
    assert_eq!(header["patient"]["ids"][0]["id"], TEST_INS);
    assert_eq!(header["patient"]["ids"][0]["kind"], "ins-test");
    assert_eq!(header["patient"]["birth_name"], "PAT-TROIS");
    assert_eq!(header["patient"]["birth_date"], "19790328");
    assert_eq!(header["authors"][0]["rpps"], "801234560801");
    assert_eq!(header["custodian"], "Centre de radiologie Ambroise");
    assert_eq!(
        header["replaces"]["root"],
        "90E1C8EC-F951-4B26-A305-A34848818DD6"
    );
    assert_eq!(document["cda"]["body"]["size"], 61736);
    assert_eq!(document["metadata"]["patient_id"]["kind"], "ins-test");
    let problems = value["document_problems"].as_array().expect("problems");
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0]["kind"], "not-verifiable");

    let text_form = pli(profile.path(), &["show", "cabinet", &uid], "");
    let out = text(&text_form);
    assert!(
        out.contains("Type: CR d’imagerie médicale (18748-4)"),
        "{out}"
    );
    assert!(out.contains("test INS 2 79 03 51 215 189 89"), "{out}");
}

#[test]
fn a_zip_bomb_received_in_a_box_is_refused_in_words_and_the_store_stays_usable() {
    use base64::Engine;
    let user = dedicated_user("cli-xdm-bomb");
    empty_mailbox(&user);
    let zeros = vec![0u8; 40 * 1024 * 1024];
    let bomb = zip_of(&[("IHE_XDM/SUBSET01/METADATA.XML", &zeros)]);
    let encoded = base64::engine::general_purpose::STANDARD.encode(&bomb);
    let lines: Vec<&str> = encoded
        .as_bytes()
        .chunks(76)
        .map(|chunk| std::str::from_utf8(chunk).expect("ascii"))
        .collect();
    let raw = format!(
        "From: <inconnu@ch-test.mssante.fr>\r\nTo: <{user}>\r\nSubject: Documents\r\nMessage-ID: <xdm-bomb.{}@test>\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nVoir la piece jointe.\r\n\
         --b\r\nContent-Type: application/octet-stream; name=\"ihe_xdm.zip\"\r\nContent-Disposition: attachment; filename=\"ihe_xdm.zip\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--b--\r\n",
        std::process::id(),
        lines.join("\r\n")
    );
    save_raw(&user, raw.as_bytes());

    let profile = profile_with_box(&user, "cabinet");
    let start = std::time::Instant::now();
    let synced = pli(profile.path(), &["sync", "cabinet"], "");
    assert!(synced.status.success(), "{}", text(&synced));
    let listed = pli(profile.path(), &["list", "cabinet", "--json"], "");
    let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).expect("JSON");
    let uid = listed[0]["uid"]
        .as_u64()
        .expect("the message is stored")
        .to_string();
    let shown = pli(profile.path(), &["show", "cabinet", &uid], "");
    assert!(shown.status.success(), "{}", text(&shown));
    let out = text(&shown);
    assert!(out.contains("Voir la piece jointe."), "{out}");
    assert!(out.contains("zip bomb"), "{out}");
    let json = pli(profile.path(), &["show", "cabinet", &uid, "--json"], "");
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(value["documents"].as_array().map(Vec::len), Some(0));
    assert_eq!(value["document_problems"][0]["kind"], "bomb");
    assert!(start.elapsed() < std::time::Duration::from_secs(30));
    let searched = pli(profile.path(), &["search", "cabinet", "piece"], "");
    assert!(
        searched.status.success(),
        "the store still answers: {}",
        text(&searched)
    );
}
