//! Logs at the most verbose level a person can set carry no secret and no health data
//! (RULES.md §4: health data stays in the trust space; secrets only in the keyring).
//!
//! A support request asks for `RUST_LOG=trace`: the whole session runs that way — a box signed
//! in with a password and one with a token, the sync of a patient's message, its body read, a
//! message about the patient sent to a colleague, one refused by the rules, one the server
//! refuses — and everything the commands wrote to standard error, the exported trace
//! (ECO.4.1.1) and every file of the profile are searched for the password, the token, their
//! SASL forms and the patient's address and words.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use base64::Engine;

use crate::common::*;

const PATIENT: &str = "279035121518989@patient.mssante.fr";
const SUBJECT_WORD: &str = "Glycemie-Dupont-Confidentiel";
const BODY_WORD: &str = "hemoglobine-glyquee-sept-virgule-deux";

/// `pli` at `RUST_LOG=trace`, with `stdin` piped in.
fn pli_traced(profile: &Path, arguments: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_pli"))
        .arg("--profile")
        .arg(profile)
        .args(arguments)
        .env("PLI_LANG", "en")
        .env("RUST_LOG", "trace")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("pli starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("stdin written");
    child.wait_with_output().expect("pli ends")
}

fn add_box(profile: &Path, name: &str, address: &str, auth: &str, secret: &str) -> Output {
    let imap = endpoint("PLI_TEST_IMAP_STARTTLS").to_string();
    let smtp = endpoint("PLI_TEST_SMTP_SUBMISSION").to_string();
    let ca = ca();
    pli_traced(
        profile,
        &[
            "account",
            "add",
            name,
            "--address",
            address,
            "--type",
            "org",
            "--imap",
            &imap,
            "--smtp",
            &smtp,
            "--auth",
            auth,
            "--ca-file",
            ca.to_str().expect("utf-8 path"),
        ],
        &format!("{secret}\n"),
    )
}

/// Every file under `folder`, as bytes.
fn files_of(folder: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    let mut pending = vec![folder.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).expect("a readable folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = std::fs::read(&path).expect("a readable file");
                found.push((path, bytes));
            }
        }
    }
    found
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

#[test]
fn eco_4_a_session_at_rust_log_trace_logs_no_secret_and_no_health_data() {
    let user = dedicated_user("logsafety");
    empty_mailbox(&user);
    inject(
        PATIENT,
        &user,
        &format!("Resultats {SUBJECT_WORD}"),
        &format!("Bonjour docteur, voici mon resultat : {BODY_WORD}."),
    );
    let profile = tempfile::tempdir().expect("a profile folder");
    let password = password();
    let token = token(&user, 3600, None);

    let mut outputs = vec![
        add_box(
            profile.path(),
            "secretariat",
            &user,
            "password",
            password.expose(),
        ),
        add_box(profile.path(), "jeton", &user, "xoauth2", token.expose()),
    ];
    for (step, output) in outputs.iter().enumerate() {
        assert!(output.status.success(), "step {step}: {}", text(output));
    }
    for name in ["secretariat", "jeton"] {
        outputs.push(pli_traced(profile.path(), &["account", "test", name], ""));
        outputs.push(pli_traced(profile.path(), &["sync", name], ""));
    }
    let listed = pli_traced(profile.path(), &["list", "secretariat", "--json"], "");
    let list: serde_json::Value = serde_json::from_slice(&listed.stdout).expect("the list in JSON");
    let uid = list
        .as_array()
        .and_then(|messages| {
            messages
                .iter()
                .find(|message| message.to_string().contains(SUBJECT_WORD))
        })
        .and_then(|message| message["uid"].as_u64())
        .unwrap_or_else(|| panic!("the patient's message is listed: {}", text(&listed)));
    outputs.push(listed);
    let shown = pli_traced(
        profile.path(),
        &["show", "secretariat", &uid.to_string()],
        "",
    );
    assert!(
        String::from_utf8_lossy(&shown.stdout).contains(BODY_WORD),
        "the body was fetched and read: {}",
        text(&shown)
    );
    outputs.push(shown);

    // About the patient, to a colleague: queued, then delivered by `pli sync`.
    let colleague = dedicated_user("logsafety-colleague");
    let note = profile.path().join("note.txt");
    std::fs::write(
        &note,
        format!("Pour avis : {BODY_WORD}, patient {PATIENT}.\n"),
    )
    .expect("the body file");
    let subject = format!("Avis {SUBJECT_WORD}");
    let send = |to: &str| {
        pli_traced(
            profile.path(),
            &[
                "send",
                "secretariat",
                "--to",
                to,
                "--subject",
                &subject,
                "--body-file",
                note.to_str().expect("utf-8 path"),
            ],
            "",
        )
    };
    outputs.push(send(&colleague));
    // Refused by the rules (outside the trust space): nothing queued.
    let refused = send("dr.dupont@example.com");
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused));
    // Refused by the server: a box the stack does not know, on the stack's domain.
    let unknown = dedicated_user("logsafety-nobody-here").replace("nobody-here", "unknown-box");
    let undeliverable = send(&unknown);
    for (step, output) in outputs.iter().enumerate() {
        assert!(output.status.success(), "step {step}: {}", text(output));
    }
    let delivered = pli_traced(profile.path(), &["sync", "secretariat"], "");
    let traced = pli_traced(profile.path(), &["trace", "export"], "");
    assert!(traced.status.success(), "{}", text(&traced));
    assert!(
        !traced.stdout.is_empty(),
        "the trace holds the session's actions"
    );
    outputs.extend([refused, undeliverable, delivered]);

    let engine = base64::engine::general_purpose::STANDARD;
    let secrets = [
        password.expose().to_string(),
        token.expose().to_string(),
        // SASL PLAIN (with and without an authorisation identity) and XOAUTH2, as they cross
        // the wire.
        engine.encode(format!("\0{user}\0{}", password.expose())),
        engine.encode(format!("{user}\0{user}\0{}", password.expose())),
        engine.encode(format!(
            "user={user}\x01auth=Bearer {}\x01\x01",
            token.expose()
        )),
    ];
    let health = [PATIENT, SUBJECT_WORD, BODY_WORD];
    // The trace says what happened, never who received it nor the server's free text, which
    // quotes the refused address (a patient's carries the INS).
    for needle in secrets
        .iter()
        .map(String::as_str)
        .chain(health)
        .chain([unknown.as_str()])
    {
        assert!(
            !contains(&traced.stdout, needle),
            "the trace holds {needle:?}:\n{}",
            String::from_utf8_lossy(&traced.stdout)
        );
    }
    for (step, output) in outputs.iter().enumerate() {
        for needle in secrets.iter().map(String::as_str).chain(health) {
            assert!(
                !contains(&output.stderr, needle),
                "step {step} logged {needle:?}:\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
    // The profile holds the mail (the store), never a secret.
    for (path, bytes) in files_of(profile.path()) {
        for needle in &secrets {
            assert!(
                !contains(&bytes, needle),
                "{} holds a secret",
                path.display()
            );
        }
    }
}
