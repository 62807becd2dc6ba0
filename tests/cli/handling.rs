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

/// Issue 13: "Je m'en occupe" on a patient's whole conversation: every message from or to that
/// patient in the folder is taken, a message a colleague already holds stays theirs and is named,
/// another patient's message is untouched; the other counter sees it all.
#[test]
fn seed_pli_handle_conversation_takes_the_patient_s_messages_and_leaves_a_colleague_s() {
    let user = dedicated_user("cli-conversation");
    empty_mailbox(&user);
    let (first, second) = (counter(&user), counter(&user));
    let family = "279035121518989@patient.mssante.fr";
    let other = "185077512345608@patient.mssante.fr";
    let run = std::process::id();
    let subjects: Vec<String> = (1..=3).map(|n| format!("Famille {n} {run}")).collect();
    for subject in &subjects {
        inject_raw(
            family,
            &user,
            &format!("From: <{family}>\r\nTo: <{user}>\r\nSubject: {subject}\r\n\r\nBonjour.\r\n"),
        );
    }
    let stranger = format!("Autre patient {run}");
    inject_raw(
        other,
        &user,
        &format!("From: <{other}>\r\nTo: <{user}>\r\nSubject: {stranger}\r\n\r\nBonjour.\r\n"),
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let uid_of = |subject: &str| loop {
        let synced = pli(second.path(), &["sync", "officine"], "");
        assert!(synced.status.success(), "{}", text(&synced));
        let list = pli(second.path(), &["list", "officine", "--json"], "");
        let rows: Vec<serde_json::Value> = serde_json::from_slice(&list.stdout).expect("JSON");
        if let Some(row) = rows.into_iter().find(|row| row["subject"] == subject) {
            break row["uid"].to_string();
        }
        assert!(std::time::Instant::now() < deadline, "never arrived");
        std::thread::sleep(std::time::Duration::from_millis(300));
    };
    let _ = uid_of(&stranger);
    let colleague_s = uid_of(&subjects[2]);
    let taken = pli(
        second.path(),
        &[
            "handle",
            "officine",
            &colleague_s,
            "--take",
            "--as",
            "Hélène Noël",
        ],
        "",
    );
    assert!(taken.status.success(), "{}", text(&taken));

    let first_uid = listed(&first, &subjects[0])["uid"].to_string();
    let whole = pli(
        first.path(),
        &[
            "handle",
            "officine",
            &first_uid,
            "--take",
            "--conversation",
            "--as",
            "Sophie Martin",
            "--json",
        ],
        "",
    );
    assert!(whole.status.success(), "{}", text(&whole));
    let answer: serde_json::Value = serde_json::from_slice(&whole.stdout).expect("JSON");
    assert_eq!(
        answer["changed"].as_array().map(Vec::len),
        Some(2),
        "{answer}"
    );
    assert_eq!(answer["left_to_others"][0]["handler"], "Hélène Noël");
    assert_eq!(answer["left_to_others"][0]["uid"].to_string(), colleague_s);

    for subject in &subjects[..2] {
        assert_eq!(listed(&second, subject)["handler"], "Sophie Martin");
    }
    assert_eq!(listed(&second, &subjects[2])["handler"], "Hélène Noël");
    assert_eq!(
        listed(&second, &stranger)["state"],
        "open",
        "another patient"
    );

    let not_a_patient = {
        inject_raw(
            "dr.x@ch-test.mssante.fr",
            &user,
            &format!("From: <dr.x@ch-test.mssante.fr>\r\nTo: <{user}>\r\nSubject: Confrere {run}\r\n\r\nBonjour.\r\n"),
        );
        let _ = uid_of(&format!("Confrere {run}"));
        listed(&first, &format!("Confrere {run}"))["uid"].to_string()
    };
    let refused = pli(
        first.path(),
        &[
            "handle",
            "officine",
            &not_a_patient,
            "--take",
            "--conversation",
        ],
        "",
    );
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused));
    assert!(
        text(&refused).contains("not part of a conversation with a patient"),
        "{}",
        text(&refused)
    );
}
