//! `pli send --document`: a health document sent from one box of the real stack arrives in
//! another as MSSanté asks (ECO.2.1, ECO.2.4), and the command refuses, with a sentence and
//! exit 1, what a rule stops.

use std::io::Read;

use crate::common::*;
use crate::send::{outbox_of, profile_with_box};
use mail_parser::{MessageParser, MimeHeaders};
use sha1::{Digest, Sha1};

/// An extraction of the national directory listing the sender's PER box with its RPPS-based
/// national identifier.
fn listing_with_rpps(address: &str) -> String {
    use pli_core::directory::fixture::COLUMNS;
    let mut fields = vec![String::new(); COLUMNS.len()];
    for (column, value) in [
        ("Type de BAL", "PER"),
        ("Adresse BAL", address),
        ("Identification nationale PP", "810001234567"),
        ("Civilité d'exercice", "DR"),
        ("Nom d'exercice", "Martin"),
        ("Prénom d'exercice", "Jean"),
        ("Code Profession", "10"),
        ("Libellé Profession", "Médecin"),
        ("Raison Sociale structure BAL", "Laboratoire des Charmes"),
        ("L6LIGNEACHEMINEMENT structure BAL", "92100 BOULOGNE"),
    ] {
        let index = COLUMNS
            .iter()
            .position(|name| *name == column)
            .expect("a column");
        fields[index] = value.to_string();
    }
    format!("{}\n{}\n", COLUMNS.join("|"), fields.join("|"))
}

fn pdf() -> Vec<u8> {
    let mut bytes = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n".to_vec();
    bytes.extend((0..=255u8).cycle().take(3000));
    bytes.extend_from_slice(b"\n%%EOF\n");
    bytes
}

/// The patient options of the ANS examples' test patient, each of `overrides` replacing the
/// option of that name or added after them (a patient option given twice is a usage error;
/// `--document`, `--type` and `--title` repeat, matched by position).
fn document_arguments(pdf: &str, overrides: &[(&str, &str)]) -> Vec<String> {
    let mut arguments: Vec<(String, String)> = [
        ("--document", pdf),
        ("--type", "11502-2"),
        ("--patient-ins", "279 03 51 215 189 89"),
        ("--patient-ins-kind", "test"),
        ("--patient-birth-name", "PAT-TROIS"),
        ("--patient-given-names", "DOMINIQUE MARIE-LOUISE"),
        ("--patient-birth-date", "28/03/1979"),
        ("--patient-sex", "F"),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_string(), value.to_string()))
    .collect();
    for (name, value) in overrides {
        match arguments.iter_mut().find(|(known, _)| known == name) {
            Some(known) => known.1 = value.to_string(),
            None => arguments.push((name.to_string(), value.to_string())),
        }
    }
    arguments
        .into_iter()
        .flat_map(|(name, value)| [name, value])
        .collect()
}

fn unzip(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
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

/// The `<rim:Value>` of the slot `name` in METADATA.XML.
fn slot<'a>(metadata: &'a str, name: &str) -> &'a str {
    let start = metadata
        .find(&format!("<rim:Slot name=\"{name}\">"))
        .unwrap_or_else(|| panic!("slot {name}"));
    let value = metadata[start..].find("<rim:Value>").expect("a value") + start + 11;
    let end = metadata[value..].find("</rim:Value>").expect("its end") + value;
    &metadata[value..end]
}

#[test]
fn eco_2_1_a_document_sent_with_pli_send_arrives_with_its_subject_headers_archive_and_pdf() {
    let sender = dedicated_user("cli-xdm-from");
    let recipient = dedicated_user("cli-xdm-to");
    empty_mailbox(&sender);
    empty_mailbox(&recipient);
    let profile = profile_with_box(&sender, "labo");
    let extraction = profile.path().join("Extraction_Correspondance_MSSante.txt");
    std::fs::write(&extraction, listing_with_rpps(&sender)).expect("the extraction");
    let imported = pli(
        profile.path(),
        &["directory", "import", extraction.to_str().expect("utf-8")],
        "",
    );
    assert!(imported.status.success(), "{}", text(&imported));
    let report = profile.path().join("CR_biologie.pdf");
    std::fs::write(&report, pdf()).expect("the PDF");
    let own_subject = format!("Bilan {}", std::process::id());

    let document = document_arguments(report.to_str().expect("utf-8"), &[]);
    let mut arguments = vec![
        "send",
        "labo",
        "--to",
        &recipient,
        "--subject",
        &own_subject,
    ];
    arguments.extend(document.iter().map(String::as_str));
    let sent = pli(profile.path(), &arguments, "");
    assert!(sent.status.success(), "{}", text(&sent));
    let message_id = String::from_utf8_lossy(&sent.stdout).trim().to_string();
    let synced = pli(profile.path(), &["sync", "labo"], "");
    assert!(synced.status.success(), "{}", text(&synced));

    let runtime = runtime();
    assert_eq!(
        runtime.block_on(wait_for_copies(&recipient, &message_id, 1)),
        1,
        "the other box received it"
    );
    let raw = runtime.block_on(fetch_by_message_id(&recipient, &message_id));
    let read = MessageParser::default().parse(&raw[..]).expect("a message");
    assert_eq!(
        read.subject(),
        Some(
            format!(
                "XDM/1.0/DDM+CR d'examens biologiques PAT-TROIS DOMINIQUE 28/03/1979 - {own_subject}"
            )
            .as_str()
        ),
        "ECO.2.1.3"
    );
    let header = |name: &str| read.header_raw(name).map(|value| value.trim().to_string());
    assert_eq!(
        header("X-MSS-CODECDA").as_deref(),
        Some("11502-2"),
        "ECO.2.4.1"
    );
    assert_eq!(header("X-MSS-INS").as_deref(), Some("O"), "ECO.2.4.2");

    let attachments: Vec<(String, Vec<u8>)> = read
        .attachments()
        .map(|part| {
            (
                part.attachment_name().unwrap_or("").to_string(),
                part.contents().to_vec(),
            )
        })
        .collect();
    let names: Vec<&str> = attachments.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["IHE_XDM.ZIP", "CR_biologie.pdf"], "ECO.2.1.1");
    assert_eq!(attachments[1].1, pdf(), "the PDF as it was on disk");

    let files = unzip(&attachments[0].1);
    let file = |name: &str| {
        files
            .iter()
            .find(|(found, _)| found == name)
            .unwrap_or_else(|| panic!("{name} in the archive"))
            .1
            .clone()
    };
    let metadata = String::from_utf8(file("IHE_XDM/SUBSET01/METADATA.XML")).expect("UTF-8");
    let cda = file("IHE_XDM/SUBSET01/DOC0001.XML");
    assert!(!file("README.TXT").is_empty() && !file("INDEX.HTM").is_empty());
    assert_eq!(
        slot(&metadata, "hash"),
        hex::encode_upper(Sha1::digest(&cda))
    );
    assert_eq!(slot(&metadata, "size"), cda.len().to_string());
    assert_eq!(slot(&metadata, "URI"), "DOC0001.XML");
    assert!(
        metadata.contains("value=\"279035121518989^^^&amp;1.2.250.1.213.1.4.10&amp;ISO^NH\""),
        "ECO.2.1.2: the patient the receiver files the document under"
    );

    let cda_text = String::from_utf8(cda.clone()).expect("UTF-8");
    for expected in [
        "<id extension=\"279035121518989\" root=\"1.2.250.1.213.1.4.10\"/>",
        "<id root=\"1.2.250.1.71.4.2.1\" extension=\"810001234567\"/>",
        "<family>Martin</family>",
        "<name>Laboratoire des Charmes</name>",
        "<code code=\"11502-2\"",
    ] {
        assert!(cda_text.contains(expected), "{expected}");
    }
    use base64::Engine;
    let start = cda_text.find("representation=\"B64\">").expect("the body") + 21;
    let end = cda_text[start..].find("</text>").expect("its end") + start;
    let embedded: String = cda_text[start..end].split_whitespace().collect();
    assert_eq!(
        base64::engine::general_purpose::STANDARD
            .decode(embedded)
            .expect("base64"),
        pdf(),
        "ECO.2.1.5: the PDF beside is the one inside"
    );
    validated_if_shared(
        &cda,
        "eco_2_1_a_document_sent_with_pli_send_arrives_with_its_subject_headers_archive_and_pdf",
    );
}

/// The CDA against the ANS schema with `xmllint`, when `../shared` is there.
fn validated_if_shared(cda: &[u8], test: &str) {
    let Some(schema) = pli_testkit::shared::shared_sample("cda-schema/CDA_extended.xsd", test)
    else {
        return;
    };
    let folder = tempfile::tempdir().expect("a folder");
    let file = folder.path().join("DOC0001.XML");
    std::fs::write(&file, cda).expect("written");
    let checked = std::process::Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(&schema)
        .arg(&file)
        .output()
        .expect("xmllint (libxml2-utils, installed by tests/run.sh)");
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stderr)
    );
}

#[test]
fn pli_send_refuses_a_document_a_rule_stops_with_a_sentence_and_queues_nothing() {
    let sender = dedicated_user("cli-xdm-refused");
    let profile = profile_with_box(&sender, "labo");
    let report = profile.path().join("CR.pdf");
    std::fs::write(&report, pdf()).expect("the PDF");
    let pdf_path = report.to_str().expect("utf-8").to_string();
    let refused = |overrides: &[(&str, &str)]| {
        let document = document_arguments(&pdf_path, overrides);
        let mut arguments = vec![
            "send",
            "labo",
            "--to",
            "helene.noel@medecin.mssante.fr",
            "--subject",
            "Résultats",
        ];
        arguments.extend(document.iter().map(String::as_str));
        let output = pli(profile.path(), &arguments, "");
        assert_eq!(output.status.code(), Some(1), "{}", text(&output));
        assert!(output.stdout.is_empty(), "no Message-ID for a refusal");
        text(&output)
    };

    let provisional = refused(&[("--patient-status", "PROV")]);
    assert!(
        provisional.contains("The message was not put in the outbox")
            && provisional.contains("not QUAL"),
        "{provisional}"
    );
    let someone_else = refused(&[("--patient-sex", "M")]);
    assert!(
        someone_else.contains("this matricule may belong"),
        "{someone_else}"
    );
    let unknown = refused(&[("--type", "99999-9")]);
    assert!(
        unknown.contains("“99999-9” is not a document type Pli knows")
            && unknown.contains("11490-0"),
        "{unknown}"
    );
    let bad_date = refused(&[("--patient-birth-date", "1979-03-28")]);
    assert!(bad_date.contains("DD/MM/YYYY"), "{bad_date}");
    let two_patients = refused(&[("--cc", "180017505600103@patient.mssante.fr")]);
    assert!(two_patients.contains("a single patient"), "{two_patients}");

    let incomplete = pli(
        profile.path(),
        &[
            "send",
            "labo",
            "--to",
            "helene.noel@medecin.mssante.fr",
            "--subject",
            "Résultats",
            "--document",
            &pdf_path,
            "--type",
            "11502-2",
        ],
        "",
    );
    assert_eq!(incomplete.status.code(), Some(1), "{}", text(&incomplete));
    assert!(
        text(&incomplete).contains("--patient-ins, --patient-birth-name"),
        "{}",
        text(&incomplete)
    );
    assert_eq!(outbox_of(&profile, "labo"), 0, "nothing was queued");
}

fn lab_results_pdf() -> Vec<u8> {
    let mut bytes = b"%PDF-1.4\n% resultats\n".to_vec();
    bytes.extend((0..=255u8).rev().cycle().take(5000));
    bytes.extend_from_slice(b"\n%%EOF\n");
    bytes
}

/// ECO.2.1.1 / ECO.2.1.5 / ECO.2.4.1 with two documents: a discharge letter and the lab results
/// about one patient leave from one box of the real stack in one message (`--document`, `--type`
/// and `--title` repeated, matched by position) and the other box reads both back.
#[test]
fn eco_2_1_1_two_documents_sent_with_pli_send_arrive_in_one_archive_each_with_its_pdf() {
    let sender = dedicated_user("cli-xdm2-from");
    let recipient = dedicated_user("cli-xdm2-to");
    empty_mailbox(&sender);
    empty_mailbox(&recipient);
    let profile = profile_with_box(&sender, "chu");
    let letter = profile.path().join("lettre_de_liaison.pdf");
    let results = profile.path().join("resultats.pdf");
    std::fs::write(&letter, pdf()).expect("the letter");
    std::fs::write(&results, lab_results_pdf()).expect("the results");
    let own_subject = format!("Sortie {}", std::process::id());

    let document = document_arguments(
        letter.to_str().expect("utf-8"),
        &[("--type", "11490-0"), ("--title", "Lettre de liaison")],
    );
    let mut arguments = vec!["send", "chu", "--to", &recipient, "--subject", &own_subject];
    arguments.extend(document.iter().map(String::as_str));
    arguments.extend([
        "--document",
        results.to_str().expect("utf-8"),
        "--type",
        "11502-2",
        "--title",
        "",
    ]);
    let started = std::time::Instant::now();
    let sent = pli(profile.path(), &arguments, "");
    let queued_in = started.elapsed();
    assert!(sent.status.success(), "{}", text(&sent));
    eprintln!("FIGURE: pli send with two documents built and queued in {queued_in:?}");
    let message_id = String::from_utf8_lossy(&sent.stdout).trim().to_string();
    let synced = pli(profile.path(), &["sync", "chu"], "");
    assert!(synced.status.success(), "{}", text(&synced));

    let runtime = runtime();
    assert_eq!(
        runtime.block_on(wait_for_copies(&recipient, &message_id, 1)),
        1,
        "one message for both documents"
    );
    let raw = runtime.block_on(fetch_by_message_id(&recipient, &message_id));
    let read = MessageParser::default().parse(&raw[..]).expect("a message");
    assert_eq!(
        read.subject(),
        Some(
            format!("XDM/1.0/DDM+Lettre de liaison à la sortie d'un établissement de soins PAT-TROIS DOMINIQUE 28/03/1979 - {own_subject}")
                .as_str()
        ),
        "ECO.2.1.3: the first document names the message"
    );
    let header = |name: &str| read.header_raw(name).map(|value| value.trim().to_string());
    assert_eq!(
        header("X-MSS-CODECDA").as_deref(),
        Some("11490-0,11502-2"),
        "ECO.2.4.1: each document's code, in the archive's order"
    );
    assert_eq!(header("X-MSS-INS").as_deref(), Some("O"), "ECO.2.4.2");

    let attachments: Vec<(String, Vec<u8>)> = read
        .attachments()
        .map(|part| {
            (
                part.attachment_name().unwrap_or("").to_string(),
                part.contents().to_vec(),
            )
        })
        .collect();
    let names: Vec<&str> = attachments.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        ["IHE_XDM.ZIP", "lettre_de_liaison.pdf", "resultats.pdf"],
        "ECO.2.1.1: one archive, every PDF beside it"
    );
    assert_eq!(attachments[1].1, pdf());
    assert_eq!(attachments[2].1, lab_results_pdf());

    let files = unzip(&attachments[0].1);
    let file = |name: &str| {
        files
            .iter()
            .find(|(found, _)| found == name)
            .unwrap_or_else(|| panic!("{name} in the archive"))
            .1
            .clone()
    };
    let metadata = String::from_utf8(file("IHE_XDM/SUBSET01/METADATA.XML")).expect("UTF-8");
    let entries: Vec<&str> = metadata.split("<rim:ExtrinsicObject ").skip(1).collect();
    assert_eq!(entries.len(), 2, "one document entry per CDA");
    let test = "eco_2_1_1_two_documents_sent_with_pli_send_arrive_in_one_archive_each_with_its_pdf";
    for (index, (entry, (code, pdf))) in entries
        .iter()
        .zip([("11490-0", pdf()), ("11502-2", lab_results_pdf())])
        .enumerate()
    {
        let uri = format!("DOC{:04}.XML", index + 1);
        let cda = file(&format!("IHE_XDM/SUBSET01/{uri}"));
        assert_eq!(slot(entry, "hash"), hex::encode_upper(Sha1::digest(&cda)));
        assert_eq!(slot(entry, "size"), cda.len().to_string());
        assert_eq!(slot(entry, "URI"), uri);
        let cda_text = String::from_utf8(cda.clone()).expect("UTF-8");
        assert!(
            cda_text.contains(&format!("<code code=\"{code}\"")),
            "{uri}"
        );
        use base64::Engine;
        let start = cda_text.find("representation=\"B64\">").expect("the body") + 21;
        let end = cda_text[start..].find("</text>").expect("its end") + start;
        let embedded: String = cda_text[start..end].split_whitespace().collect();
        assert_eq!(
            base64::engine::general_purpose::STANDARD
                .decode(embedded)
                .expect("base64"),
            pdf,
            "ECO.2.1.5: {uri} wraps the PDF beside it"
        );
        validated_if_shared(&cda, test);
    }

    // The receiving box reads both documents back through `pli show --json`.
    let receiving = profile_with_box(&recipient, "recu");
    let mut listed: Vec<serde_json::Value> = Vec::new();
    for _ in 0..40 {
        assert!(pli(receiving.path(), &["sync", "recu"], "")
            .status
            .success());
        listed =
            serde_json::from_slice(&pli(receiving.path(), &["list", "recu", "--json"], "").stdout)
                .expect("JSON");
        if !listed.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    let uid = listed
        .iter()
        .find(|row| {
            row["subject"]
                .as_str()
                .is_some_and(|subject| subject.contains(&own_subject))
        })
        .and_then(|row| row["uid"].as_u64())
        .expect("the message in the receiving box")
        .to_string();
    let shown = pli(receiving.path(), &["show", "recu", &uid, "--json"], "");
    assert!(shown.status.success(), "{}", text(&shown));
    let model: serde_json::Value = serde_json::from_slice(&shown.stdout).expect("JSON");
    let documents = model["documents"].as_array().expect("a documents array");
    assert_eq!(documents.len(), 2, "{model:#}");
    for (document, (code, title)) in documents.iter().zip([
        ("11490-0", "Lettre de liaison"),
        ("11502-2", "CR d'examens biologiques"),
    ]) {
        assert_eq!(document["cda"]["header"]["code"]["code"], code);
        assert_eq!(document["cda"]["header"]["title"], title);
        assert_eq!(document["integrity"], "verified");
        assert_eq!(
            document["cda"]["header"]["patient"]["birth_name"],
            "PAT-TROIS"
        );
    }
}

/// `--document`, `--type` and `--title` are matched by position: counts that differ would pair a
/// PDF with another's type, so the command says so and queues nothing.
#[test]
fn pli_send_refuses_documents_and_types_whose_counts_differ() {
    let sender = dedicated_user("cli-xdm-counts");
    let profile = profile_with_box(&sender, "labo");
    let report = profile.path().join("CR.pdf");
    std::fs::write(&report, pdf()).expect("the PDF");
    let pdf_path = report.to_str().expect("utf-8").to_string();
    let run = |extra: &[&str]| {
        let document = document_arguments(&pdf_path, &[]);
        let mut arguments = vec![
            "send",
            "labo",
            "--to",
            "helene.noel@medecin.mssante.fr",
            "--subject",
            "Résultats",
        ];
        arguments.extend(document.iter().map(String::as_str));
        arguments.extend(extra);
        let output = pli(profile.path(), &arguments, "");
        assert_eq!(output.status.code(), Some(1), "{}", text(&output));
        text(&output)
    };
    let one_type = run(&["--document", &pdf_path]);
    assert!(
        one_type.contains("--type is given once for 2 --document"),
        "{one_type}"
    );
    let titles = run(&[
        "--document",
        &pdf_path,
        "--type",
        "11490-0",
        "--title",
        "Lettre",
    ]);
    assert!(
        titles.contains("--title is given once for 2 --document"),
        "{titles}"
    );
    assert_eq!(outbox_of(&profile, "labo"), 0, "nothing was queued");
}

/// ECO.2.4.2 for a patient whose identity is not qualified: a discharge letter about a newborn
/// without INS, named by the maternity's IPP and its authority's OID. `pli send` refuses it
/// until the person confirms, then it leaves from one box of the real stack and arrives in the
/// other with `X-MSS-INS: N`, the local identifier in the CDA and METADATA.XML, and no INS.
#[test]
fn eco_2_4_2_a_document_about_an_unqualified_identity_sent_with_pli_send_arrives_with_x_mss_ins_n()
{
    let test =
        "eco_2_4_2_a_document_about_an_unqualified_identity_sent_with_pli_send_arrives_with_x_mss_ins_n";
    let sender = dedicated_user("cli-xdm-nq-from");
    let recipient = dedicated_user("cli-xdm-nq-to");
    empty_mailbox(&sender);
    empty_mailbox(&recipient);
    let profile = profile_with_box(&sender, "maternite");
    let letter = profile.path().join("lettre_de_sortie.pdf");
    std::fs::write(&letter, pdf()).expect("the PDF");
    let letter = letter.to_str().expect("utf-8");
    let subject = format!("Sortie {}", std::process::id());
    let send = |confirmed: bool| {
        let mut arguments = vec![
            "send",
            "maternite",
            "--to",
            &recipient,
            "--subject",
            &subject,
            "--document",
            letter,
            "--type",
            "11490-0",
            "--patient-local-id",
            "IPP-2026-000417",
            "--patient-id-authority",
            "1.2.250.1.999.1.2.3",
            "--patient-birth-name",
            "MARTIN",
            "--patient-given-names",
            "LÉA CLAIRE",
            "--patient-birth-date",
            "01/12/2026",
            "--patient-sex",
            "F",
        ];
        if confirmed {
            arguments.push("--unqualified-identity-confirmed");
        }
        pli(profile.path(), &arguments, "")
    };

    let unconfirmed = send(false);
    assert_eq!(unconfirmed.status.code(), Some(1), "{}", text(&unconfirmed));
    assert!(
        text(&unconfirmed).contains("--unqualified-identity-confirmed"),
        "the sentence says how to confirm: {}",
        text(&unconfirmed)
    );
    assert_eq!(outbox_of(&profile, "maternite"), 0, "nothing was queued");

    let sent = send(true);
    assert!(sent.status.success(), "{}", text(&sent));
    let message_id = String::from_utf8_lossy(&sent.stdout).trim().to_string();
    let synced = pli(profile.path(), &["sync", "maternite"], "");
    assert!(synced.status.success(), "{}", text(&synced));

    let runtime = runtime();
    assert_eq!(
        runtime.block_on(wait_for_copies(&recipient, &message_id, 1)),
        1,
        "the other box received it"
    );
    let raw = runtime.block_on(fetch_by_message_id(&recipient, &message_id));
    let read = MessageParser::default().parse(&raw[..]).expect("a message");
    let header = |name: &str| read.header_raw(name).map(|value| value.trim().to_string());
    assert_eq!(header("X-MSS-INS").as_deref(), Some("N"), "ECO.2.4.2");
    assert_eq!(header("X-MSS-CODECDA").as_deref(), Some("11490-0"));
    assert_eq!(
        read.subject(),
        Some(format!("XDM/1.0/DDM+Lettre de liaison à la sortie d'un établissement de soins MARTIN LÉA 01/12/2026 - {subject}").as_str()),
        "ECO.2.1.3"
    );
    let archive = read
        .attachments()
        .find(|part| part.attachment_name() == Some("IHE_XDM.ZIP"))
        .expect("the archive")
        .contents()
        .to_vec();
    let files = unzip(&archive);
    let file = |name: &str| {
        files
            .iter()
            .find(|(found, _)| found == name)
            .unwrap_or_else(|| panic!("{name} in the archive"))
            .1
            .clone()
    };
    let metadata = String::from_utf8(file("IHE_XDM/SUBSET01/METADATA.XML")).expect("UTF-8");
    assert!(
        metadata.contains("value=\"IPP-2026-000417^^^&amp;1.2.250.1.999.1.2.3&amp;ISO^PI\""),
        "ECO.2.1.2: the receiver finds the patient by the sender's local identifier"
    );
    let cda = file("IHE_XDM/SUBSET01/DOC0001.XML");
    let cda_text = String::from_utf8(cda.clone()).expect("UTF-8");
    assert!(cda_text.contains("<id extension=\"IPP-2026-000417\" root=\"1.2.250.1.999.1.2.3\"/>"));
    assert!(
        !cda_text.contains("1.2.250.1.213.1.4.") && !metadata.contains("1.2.250.1.213.1.4."),
        "no INS anywhere"
    );
    validated_if_shared(&cda, test);
    // The receiving side reads it as a document about a patient whose identity is not
    // qualified, the header agreeing with the archive.
    let model = pli_core::mail::mime::read_message(&raw);
    assert!(model.documents[0].unqualified_identity);
    assert!(
        model.documents[0].problems.is_empty(),
        "{:?}",
        model.documents[0].problems
    );
}
