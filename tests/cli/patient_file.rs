//! `pli patient-file INS` on the real stack: a patient's messages and documents gathered from
//! two boxes of one profile after `pli sync`, the same document received twice listed once.

use crate::common::*;
use pli_core::mssante::ins::{Identity, IdentityStatus, Ins, Sex};
use pli_core::xdm::build::{self, media, Author, DocumentInput, InsKind, Patient};

const INS: &str = "279035121518989";

/// An `IHE_XDM.ZIP` about the test patient, built as `pli send --document` builds it.
fn archive() -> Vec<u8> {
    let patient = Patient::with_ins(
        Ins::parse(INS).expect("a valid INS"),
        InsKind::Test,
        Identity {
            birth_name: "LEFEVRE".into(),
            first_names: "Jeanne".into(),
            birth_date: chrono::NaiveDate::from_ymd_opt(1979, 3, 12).expect("a date"),
            sex: Sex::Female,
            status: IdentityStatus::Qualified,
        },
    );
    let author = Author {
        title: "Dr".into(),
        given_name: "Antoine".into(),
        family_name: "ROUX".into(),
        organisation: "CHU de test".into(),
        address: "cardiologie@ch-test.mssante.fr".into(),
        ..Author::default()
    };
    let document = DocumentInput {
        pdf: b"%PDF-1.4\n% compte rendu\n%%EOF\n".to_vec(),
        document_type: build::document_type("34112-3").expect("a type").clone(),
        title: "Compte rendu d'hospitalisation".into(),
        confidentiality: build::CONFIDENTIALITY_NORMAL,
        facility: build::FACILITY_PRACTICE,
        practice_setting: build::PRACTICE_SETTING_AMBULATORY,
    };
    let written = chrono::Local::now().fixed_offset();
    media::build(&patient, &author, &[document], &written, "test")
        .expect("the archive")
        .zip
}

/// A message carrying `zip` to `to`, as the sender's system writes it.
fn message_with(to: &str, message_id: &str, date: &str, zip: &[u8]) -> Vec<u8> {
    pli_testkit::xdm::message_with_archive(
        "cardiologie@ch-test.mssante.fr",
        &format!("Message-ID: <{message_id}>\r\nDate: {date}\r\nX-Original-To: {to}\r\n"),
        zip,
        "application/zip",
    )
}

#[test]
fn eco_2_1_2_the_patient_s_file_gathers_her_messages_and_documents_from_two_boxes() {
    let cabinet = dedicated_user("pf-cabinet");
    let ehpad = dedicated_user("pf-ehpad");
    empty_mailbox(&cabinet);
    empty_mailbox(&ehpad);
    let zip = archive();
    let run = std::process::id();
    // The same report reaches both boxes (two sendings, two Message-IDs, same CDA id), and the
    // cabinet box a second time a day later.
    save_raw(
        &cabinet,
        &message_with(
            &cabinet,
            &format!("crh-1.{run}@test"),
            "Mon, 30 Nov 2026 09:00:00 +0100",
            &zip,
        ),
    );
    save_raw(
        &ehpad,
        &message_with(
            &ehpad,
            &format!("crh-2.{run}@test"),
            "Mon, 30 Nov 2026 09:05:00 +0100",
            &zip,
        ),
    );
    save_raw(
        &cabinet,
        &message_with(
            &cabinet,
            &format!("crh-3.{run}@test"),
            "Tue, 01 Dec 2026 10:00:00 +0100",
            &zip,
        ),
    );
    save_raw(
        &ehpad,
        format!(
            "From: Jeanne Lefevre <{INS}@patient.mssante.fr>\r\nTo: <{ehpad}>\r\n\
             Date: Wed, 02 Dec 2026 08:00:00 +0100\r\nSubject: Visite de ma mère\r\n\
             Message-ID: <visite.{run}@patient.mssante.fr>\r\n\r\nBonjour, je passerai jeudi.\r\n"
        )
        .as_bytes(),
    );
    save_raw(
        &cabinet,
        format!(
            "From: <collegue@ch-test.mssante.fr>\r\nTo: <{cabinet}>\r\n\
             Date: Wed, 02 Dec 2026 09:00:00 +0100\r\nSubject: Autre patient\r\n\
             Message-ID: <autre.{run}@test>\r\n\r\nRien à voir.\r\n"
        )
        .as_bytes(),
    );

    let profile = tempfile::tempdir().expect("a profile folder");
    add_box(profile.path(), &cabinet, "cabinet");
    add_box(profile.path(), &ehpad, "ehpad");
    for name in ["cabinet", "ehpad"] {
        let synced = pli(profile.path(), &["sync", name], "");
        assert!(synced.status.success(), "{}", text(&synced));
    }

    let file = pli(profile.path(), &["patient-file", INS, "--json"], "");
    assert!(file.status.success(), "{}", text(&file));
    let entries: serde_json::Value = serde_json::from_slice(&file.stdout).expect("JSON");
    let entries = entries.as_array().expect("a list");
    let kinds: Vec<(&str, &str)> = entries
        .iter()
        .map(|entry| {
            (
                entry["kind"].as_str().unwrap_or_default(),
                entry["account"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [("message", "ehpad"), ("document", "cabinet")],
        "her message (EHPAD box), then the report once, at its first arrival (the cabinet's), \
         newest first; the other patient's message is not there: {entries:#?}"
    );
    assert_eq!(entries[1]["type_code"], "34112-3");
    assert_eq!(entries[1]["title"], "Compte rendu d'hospitalisation");
    assert_eq!(entries[0]["subject"], "Visite de ma mère");

    let text_file = pli(profile.path(), &["patient-file", INS], "");
    assert!(text_file.status.success(), "{}", text(&text_file));
    assert!(
        text(&text_file).contains("Patient's file — INS 2 79 03 51 215 189 89"),
        "{}",
        text(&text_file)
    );

    let wrong = pli(profile.path(), &["patient-file", "279035121518988"], "");
    assert_eq!(wrong.status.code(), Some(1), "a wrong key is refused");
}
