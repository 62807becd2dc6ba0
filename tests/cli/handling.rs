//! `pli handle`, `pli prescription` and the shared fields of `pli list --json`, on two profiles
//! of the same pharmacy box (two counters), against the real stack.

use crate::common::*;

/// A profile holding the pharmacy's box for `user` (an organisational box, TLS, the password
/// piped in).
fn counter(user: &str) -> tempfile::TempDir {
    let profile = tempfile::tempdir().expect("a profile folder");
    let imap = endpoint("PLI_TEST_IMAPS").to_string();
    let smtp = endpoint("PLI_TEST_SMTP_SUBMISSIONS").to_string();
    let ca = ca();
    let added = pli(
        profile.path(),
        &[
            "account",
            "add",
            "officine",
            "--address",
            user,
            "--type",
            "org",
            "--pharmacy",
            "--imap",
            &imap,
            "--smtp",
            &smtp,
            "--security",
            "tls",
            "--ca-file",
            ca.to_str().expect("utf-8"),
        ],
        &format!("{}\n", password().expose()),
    );
    assert!(added.status.success(), "{}", text(&added));
    profile
}

fn listed(profile: &tempfile::TempDir, subject: &str) -> serde_json::Value {
    let synced = pli(profile.path(), &["sync", "officine"], "");
    assert!(synced.status.success(), "{}", text(&synced));
    let list = pli(profile.path(), &["list", "officine", "--json"], "");
    assert!(list.status.success(), "{}", text(&list));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&list.stdout).expect("JSON");
    rows.into_iter()
        .find(|row| row["subject"] == subject)
        .unwrap_or_else(|| panic!("{subject} not listed"))
}

#[test]
fn seed_pli_handle_and_pli_prescription_are_seen_by_the_other_counter_in_pli_list_json() {
    let user = dedicated_user("cli-pharmacy");
    empty_mailbox(&user);
    let (first, second) = (counter(&user), counter(&user));
    let subject = format!("Mon ordonnance {}", std::process::id());
    inject_raw(
        "279035121518989@patient.mssante.fr",
        &user,
        &format!("From: <279035121518989@patient.mssante.fr>\r\nTo: <{user}>\r\nSubject: {subject}\r\n\r\nVoici mon ordonnance.\r\n"),
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let row = loop {
        let synced = pli(first.path(), &["sync", "officine"], "");
        assert!(synced.status.success(), "{}", text(&synced));
        let list = pli(first.path(), &["list", "officine", "--json"], "");
        let rows: Vec<serde_json::Value> = serde_json::from_slice(&list.stdout).expect("JSON");
        if let Some(row) = rows.into_iter().find(|row| row["subject"] == subject) {
            break row;
        }
        assert!(std::time::Instant::now() < deadline, "never arrived");
        std::thread::sleep(std::time::Duration::from_millis(300));
    };
    assert_eq!(row["patient_kind"], "prescription");
    assert_eq!(row["state"], "open");
    assert_eq!(row["handler"], serde_json::Value::Null);
    assert_eq!(row["prescription"], "received");
    assert!(row["keywords"].is_array());
    let uid = row["uid"].to_string();

    let taken = pli(
        first.path(),
        &["handle", "officine", &uid, "--take", "--as", "Hélène Noël"],
        "",
    );
    assert!(taken.status.success(), "{}", text(&taken));
    let seen = listed(&second, &subject);
    assert_eq!(seen["state"], "taken");
    assert_eq!(seen["handler"], "Hélène Noël");

    let refused = pli(
        second.path(),
        &["handle", "officine", &uid, "--take", "--as", "Sophie"],
        "",
    );
    assert!(
        !refused.status.success(),
        "the second counter's take is refused"
    );
    assert!(text(&refused).contains("Hélène Noël"), "{}", text(&refused));

    let ready = pli(
        second.path(),
        &[
            "prescription",
            "officine",
            &uid,
            "--state",
            "ready",
            "--json",
        ],
        "",
    );
    assert!(ready.status.success(), "{}", text(&ready));
    let answer: serde_json::Value = serde_json::from_slice(&ready.stdout).expect("JSON");
    assert_eq!(answer["prescription"], "ready");
    assert_eq!(listed(&first, &subject)["prescription"], "ready");

    let wrong = pli(
        first.path(),
        &["prescription", "officine", &uid, "--state", "lost"],
        "",
    );
    assert!(!wrong.status.success());
    assert!(text(&wrong).contains("lost"), "{}", text(&wrong));

    let done = pli(
        first.path(),
        &["handle", "officine", &uid, "--done", "--as", "Hélène Noël"],
        "",
    );
    assert!(done.status.success(), "{}", text(&done));
    let row = listed(&second, &subject);
    assert_eq!(row["state"], "done");
    assert!(row["keywords"]
        .as_array()
        .expect("keywords")
        .iter()
        .any(|k| k.as_str().is_some_and(|k| k.starts_with("$PliDone_"))));
}
