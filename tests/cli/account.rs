//! The command line as administrators' scripts call it: `pli --profile DIR account …`, the secret
//! on standard input, the real keyring and the real servers.

use crate::common::*;

#[test]
fn account_add_test_list_remove_round_trip() {
    let profile = tempfile::tempdir().expect("a profile folder");
    let added = add_doctor(profile.path(), "cabinet", password().expose());
    assert!(added.status.success(), "{}", text(&added));

    let file = std::fs::read_to_string(profile.path().join("config/accounts.toml"))
        .expect("accounts.toml");
    assert!(file.contains("dr.martin@ch-test.mssante.fr"));
    assert!(
        !file.contains(password().expose()),
        "the password must not be in the file"
    );

    let tested = pli(profile.path(), &["account", "test", "cabinet"], "");
    assert!(tested.status.success(), "{}", text(&tested));
    let report = text(&tested);
    assert!(
        report.contains("IMAP") && report.contains("IMAP4rev1"),
        "{report}"
    );
    assert!(
        report.contains("SMTP") && report.contains("AUTH"),
        "{report}"
    );

    let listed = pli(profile.path(), &["account", "list", "--json"], "");
    let accounts: serde_json::Value = serde_json::from_slice(&listed.stdout).expect("JSON");
    assert_eq!(accounts[0]["name"], "cabinet");
    assert_eq!(accounts[0]["type"], "PER");

    let removed = pli(profile.path(), &["account", "remove", "cabinet"], "");
    assert!(removed.status.success(), "{}", text(&removed));
    let listed = pli(profile.path(), &["account", "list", "--json"], "");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&listed.stdout).expect("JSON"),
        serde_json::json!([])
    );

    // The secret went with the box: a new box of the same name has none.
    let service = pli_core::profile::Profile::at(profile.path())
        .keyring_service()
        .to_string();
    let secrets = pli_core::mail::secrets::Secrets::os(&service).expect("keyring");
    assert!(secrets
        .find("cabinet", pli_core::mail::secrets::SecretKind::Password)
        .expect("asked")
        .is_none());
}

#[test]
fn account_test_with_a_wrong_password_exits_1_with_a_sentence() {
    let profile = tempfile::tempdir().expect("a profile folder");
    let added = add_doctor(profile.path(), "cabinet", "wrong password");
    assert!(added.status.success(), "{}", text(&added));
    let tested = pli(profile.path(), &["account", "test", "cabinet"], "");
    assert_eq!(tested.status.code(), Some(1), "{}", text(&tested));
    assert!(
        text(&tested).contains("refuses the password"),
        "{}",
        text(&tested)
    );
}

#[test]
fn the_secret_is_never_taken_from_the_command_line() {
    let profile = tempfile::tempdir().expect("a profile folder");
    let output = pli(
        profile.path(),
        &[
            "account",
            "add",
            "x",
            "--address",
            "a@b.mssante.fr",
            "--password",
            "p",
        ],
        "",
    );
    assert_eq!(
        output.status.code(),
        Some(2),
        "clap refuses an unknown flag: {}",
        text(&output)
    );
    let empty = add_doctor(profile.path(), "cabinet", "");
    assert_eq!(empty.status.code(), Some(1));
    assert!(text(&empty).contains("No secret"), "{}", text(&empty));
}

#[test]
fn a_damaged_accounts_file_is_reported_by_line_and_the_rest_still_works() {
    let profile = tempfile::tempdir().expect("a profile folder");
    std::fs::create_dir_all(profile.path().join("config")).expect("folder");
    std::fs::write(
        profile.path().join("config/accounts.toml"),
        "[[account]]\nname = \"ehpad\"\naddress = \"secretariat@ehpad-test.mssante.fr\"\ntype = \"ORG\"\nimap = \"localhost:10143\"\nsmtp = \"localhost:10587\"\n\n[[account]]\nname = \"broken\"\naddress = \"x@y.mssante.fr\"\ntype = \"XYZ\"\nimap = \"localhost:10143\"\nsmtp = \"localhost:10587\"\n",
    )
    .expect("written");
    let listed = pli(profile.path(), &["account", "list"], "");
    assert!(listed.status.success(), "{}", text(&listed));
    let output = text(&listed);
    assert!(output.contains("ehpad"), "{output}");
    assert!(output.contains("line 11"), "{output}");
}

#[test]
fn a_wrong_pkcs12_password_is_refused_at_add_time() {
    let profile = tempfile::tempdir().expect("a profile folder");
    let imap = endpoint("PLI_TEST_IMAPS").to_string();
    let smtp = endpoint("PLI_TEST_SMTP_SUBMISSIONS").to_string();
    let output = pli(
        profile.path(),
        &[
            "account",
            "add",
            "certificat",
            "--address",
            &doctor(),
            "--type",
            "app",
            "--imap",
            &imap,
            "--smtp",
            &smtp,
            "--security",
            "tls",
            "--auth",
            "certificate",
            "--cert",
            &env("PLI_TEST_CLIENT_P12"),
        ],
        "not-the-passphrase\n",
    );
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert!(
        text(&output).contains("password of the certificate"),
        "{}",
        text(&output)
    );
    assert!(
        !profile.path().join("config/accounts.toml").exists(),
        "nothing saved"
    );
}

#[test]
fn sync_list_and_search_from_the_command_line() {
    let user = dedicated_user("cli");
    empty_mailbox(&user);
    mailstack(&["fill", &user, "30"]);
    let profile = tempfile::tempdir().expect("a profile folder");
    let imap = endpoint("PLI_TEST_IMAPS").to_string();
    let smtp = endpoint("PLI_TEST_SMTP_SUBMISSIONS").to_string();
    let ca = ca();
    let added = pli(
        profile.path(),
        &[
            "account",
            "add",
            "ehpad",
            "--address",
            &user,
            "--type",
            "org",
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

    let synced = pli(profile.path(), &["sync", "ehpad", "--json"], "");
    assert!(synced.status.success(), "{}", text(&synced));
    let report: serde_json::Value = serde_json::from_slice(&synced.stdout).expect("JSON");
    assert_eq!(report["new_messages"], 30, "{report}");

    let listed = pli(
        profile.path(),
        &["list", "ehpad", "--json", "--limit", "100"],
        "",
    );
    let messages: Vec<serde_json::Value> = serde_json::from_slice(&listed.stdout).expect("JSON");
    assert_eq!(messages.len(), 30);
    let dates: Vec<i64> = messages
        .iter()
        .map(|m| m["date"].as_i64().expect("date"))
        .collect();
    assert!(
        dates.windows(2).all(|pair| pair[0] >= pair[1]),
        "newest first: {dates:?}"
    );

    let plain = pli(profile.path(), &["list", "ehpad"], "");
    assert_eq!(String::from_utf8_lossy(&plain.stdout).lines().count(), 30);

    // Search for a word of the newest subject, accents and case aside.
    let subject = messages[0]["subject"]
        .as_str()
        .expect("subject")
        .to_string();
    let word = subject
        .split_whitespace()
        .max_by_key(|w| w.chars().count())
        .expect("a word")
        .to_lowercase();
    let found = pli(profile.path(), &["search", "ehpad", &word, "--json"], "");
    let hits: Vec<serde_json::Value> = serde_json::from_slice(&found.stdout).expect("JSON");
    assert!(
        !hits.is_empty() && hits.len() <= 30,
        "searching {word}: {}",
        hits.len()
    );

    let again = pli(profile.path(), &["sync", "ehpad"], "");
    assert!(again.status.success());
    assert!(text(&again).contains("0 new messages"), "{}", text(&again));
}

#[test]
fn a_failing_sync_exits_1_with_the_reason() {
    let profile = tempfile::tempdir().expect("a profile folder");
    let added = add_doctor(profile.path(), "cabinet", "wrong password");
    assert!(added.status.success());
    let synced = pli(profile.path(), &["sync", "cabinet"], "");
    assert_eq!(synced.status.code(), Some(1));
    assert!(
        text(&synced).contains("refuses the password"),
        "{}",
        text(&synced)
    );
}

#[test]
fn ann_pli_ins_check_reads_the_matricule_and_refuses_a_wrong_key() {
    let profile = tempfile::tempdir().expect("a profile folder");
    let valid = pli(
        profile.path(),
        &["ins", "check", "2 79 03 51 215 189 89", "--json"],
        "",
    );
    assert!(valid.status.success(), "{}", text(&valid));
    let verdict: serde_json::Value = serde_json::from_slice(&valid.stdout).expect("JSON");
    assert_eq!(
        verdict["patient_address"],
        "279035121518989@patient.mssante.fr"
    );
    assert_eq!(verdict["sex"], "female");
    assert_eq!(verdict["birth_year"], "79");
    assert_eq!(verdict["birth_month"], "03");

    let corsica = pli(
        profile.path(),
        &["ins", "check", "1 55 02 2A 004 010 39"],
        "",
    );
    assert!(corsica.status.success(), "Corsica 2A: {}", text(&corsica));

    let wrong = pli(profile.path(), &["ins", "check", "279035121518988"], "");
    assert_eq!(wrong.status.code(), Some(1));
    assert!(text(&wrong).contains("which give 89"), "{}", text(&wrong));
    let short = pli(profile.path(), &["ins", "check", "27903512"], "");
    assert_eq!(short.status.code(), Some(1));
    assert!(text(&short).contains("8 characters"), "{}", text(&short));
}

#[test]
fn ann_pli_whitelist_import_refuses_what_is_not_the_list_and_keeps_the_old_one() {
    let profile = tempfile::tempdir().expect("a profile folder");
    let good = profile.path().join("liste.xml");
    std::fs::write(
        &good,
        "<?xml version=\"1.0\"?><ListeBlanche xmlns=\"https://listeblanche.mssante.fr/schema\"><DateDeGeneration>2026-11-20T02:00:00</DateDeGeneration><Domaine><Nom>ch-test.mssante.fr</Nom></Domaine><Domaine><Nom>ehpad-test.mssante.fr</Nom></Domaine></ListeBlanche>",
    )
    .expect("written");
    let imported = pli(
        profile.path(),
        &["whitelist", "import", good.to_str().expect("utf-8")],
        "",
    );
    assert!(imported.status.success(), "{}", text(&imported));
    assert!(text(&imported).contains("2 domains"), "{}", text(&imported));

    let bad = profile.path().join("page.html");
    std::fs::write(&bad, "<html><body>Service indisponible</body></html>").expect("written");
    let refused = pli(
        profile.path(),
        &["whitelist", "import", bad.to_str().expect("utf-8")],
        "",
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(text(&refused).contains("not changed"), "{}", text(&refused));
    let kept = std::fs::read_to_string(profile.path().join("config/trust-list.xml")).expect("kept");
    assert!(kept.contains("ehpad-test.mssante.fr"));
}

/// Answers each request on a loopback port with the next of `bodies` (HTTP/1.1, 200), then stops.
pub(crate) fn serve_bodies(bodies: Vec<(&'static str, String)>) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let url = format!(
        "http://{}/liste-blanche.xml",
        listener.local_addr().expect("address")
    );
    std::thread::spawn(move || {
        for (content_type, body) in bodies {
            let Ok((mut stream, _)) = listener.accept() else {
                return;
            };
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

#[test]
fn ann_pli_whitelist_refresh_installs_the_published_list_and_refuses_a_page_in_its_place() {
    let profile = tempfile::tempdir().expect("a profile folder");
    let url = serve_bodies(vec![
        (
            "application/xml",
            "<?xml version=\"1.0\"?><ListeBlanche><Domaine><Nom>ch-refresh.mssante.fr</Nom></Domaine><Domaine><Nom>patient.mssante.fr</Nom></Domaine></ListeBlanche>".to_string(),
        ),
        (
            "text/html",
            "<html><body>Maintenance du service</body></html>".to_string(),
        ),
    ]);
    let config = profile.path().join("config");
    std::fs::create_dir_all(&config).expect("config folder");
    std::fs::write(
        config.join("settings.toml"),
        format!("trust_list_url = \"{url}\"\n"),
    )
    .expect("settings written");

    let refreshed = pli(profile.path(), &["whitelist", "refresh"], "");
    assert!(refreshed.status.success(), "{}", text(&refreshed));
    assert!(
        text(&refreshed).contains("2 domains"),
        "{}",
        text(&refreshed)
    );
    let installed = std::fs::read_to_string(config.join("trust-list.xml")).expect("installed");
    assert!(installed.contains("ch-refresh.mssante.fr"));

    let refused = pli(profile.path(), &["whitelist", "refresh"], "");
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused));
    assert!(text(&refused).contains("not changed"), "{}", text(&refused));
    let kept = std::fs::read_to_string(config.join("trust-list.xml")).expect("kept");
    assert!(kept.contains("ch-refresh.mssante.fr"), "the old list stays");
}

#[test]
fn eco_4_1_2_pli_trace_export_writes_csv_without_secrets() {
    let profile = tempfile::tempdir().expect("a profile folder");
    let added = add_doctor(profile.path(), "cabinet", password().expose());
    assert!(added.status.success(), "{}", text(&added));
    let synced = pli(profile.path(), &["sync", "cabinet"], "");
    assert!(synced.status.success(), "{}", text(&synced));
    let exported = pli(
        profile.path(),
        &["trace", "export", "--since", "2020-01-01"],
        "",
    );
    assert!(exported.status.success(), "{}", text(&exported));
    let csv = String::from_utf8_lossy(&exported.stdout).to_string();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("date,workstation_user,box,action,request,answer,ok")
    );
    let login = lines
        .find(|line| line.contains(",login,"))
        .expect("the sign-in is traced");
    assert!(
        login.contains("cabinet") && login.contains("LOGIN") && login.ends_with(",true"),
        "{login}"
    );
    assert!(
        !csv.contains(password().expose()),
        "no password in the trace"
    );
    let bad = pli(profile.path(), &["trace", "export", "--since", "hier"], "");
    assert_eq!(bad.status.code(), Some(1));
}

#[test]
fn seed_account_list_warns_two_months_before_deletion_and_names_the_date() {
    let profile = tempfile::tempdir().expect("a profile folder");
    for (name, months_ago) in [("recent", 1u32), ("sleeping", 11), ("gone", 13)] {
        let added = add_doctor(profile.path(), name, password().expose());
        assert!(added.status.success(), "{}", text(&added));
        let store = pli_core::mail::store::Store::open(&profile.path().join("data/pli.sqlite"))
            .expect("store");
        let last_use = chrono::Utc::now() - chrono::Months::new(months_ago);
        store
            .record_use(name, "claire", last_use)
            .expect("recorded");
    }
    let listed = pli(profile.path(), &["account", "list", "--json"], "");
    let boxes: Vec<serde_json::Value> = serde_json::from_slice(&listed.stdout).expect("JSON");
    let activity = |name: &str| {
        let entry = boxes
            .iter()
            .find(|entry| entry["name"] == name)
            .expect("listed");
        (
            entry["activity"].as_str().unwrap_or_default().to_string(),
            entry["last_user"].clone(),
        )
    };
    assert_eq!(activity("recent").0, "active");
    assert_eq!(activity("sleeping").0, "warning");
    assert_eq!(activity("sleeping").1, "claire");
    assert_eq!(activity("gone").0, "probably-deleted");
    let plain = text(&pli(profile.path(), &["account", "list"], ""));
    assert!(
        plain.contains("will be deleted by the operator on"),
        "{plain}"
    );
}

#[test]
fn pli_show_fetches_and_reads_a_message() {
    let user = dedicated_user("cli-show");
    empty_mailbox(&user);
    inject_raw(
        "279035121518989@patient.mssante.fr",
        &user,
        &format!("From: <279035121518989@patient.mssante.fr>\r\nTo: <{user}>\r\nSubject: =?utf-8?q?XDM/1.0/DDM+Ordonnance_DUPONT?=\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nBonjour, voici mon ordonnance. Cordialement\r\n"),
    );
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
            &user,
            "--type",
            "org",
            "--imap",
            &imap,
            "--smtp",
            &smtp,
            "--security",
            "tls",
            "--pharmacy",
            "--ca-file",
            ca.to_str().expect("utf-8"),
        ],
        &format!("{}\n", password().expose()),
    );
    assert!(added.status.success(), "{}", text(&added));
    let mut listed: Vec<serde_json::Value> = Vec::new();
    for _ in 0..40 {
        assert!(pli(profile.path(), &["sync", "officine"], "")
            .status
            .success());
        listed = serde_json::from_slice(
            &pli(profile.path(), &["list", "officine", "--json"], "").stdout,
        )
        .expect("JSON");
        if !listed.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    let uid = listed[0]["uid"].as_u64().expect("uid").to_string();
    let shown = pli(profile.path(), &["show", "officine", &uid], "");
    assert!(shown.status.success(), "{}", text(&shown));
    let output = text(&shown);
    assert!(output.contains("voici mon ordonnance"), "{output}");
    assert!(
        output.contains("Subject: Ordonnance DUPONT"),
        "ECO.3.1.3 prefix hidden: {output}"
    );
    assert!(
        output.contains("message from a patient"),
        "ECO.3.1.1: {output}"
    );
    let json = pli(profile.path(), &["show", "officine", &uid, "--json"], "");
    let model: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(model["from_patient"], true);
    let missing = pli(profile.path(), &["show", "officine", "999999"], "");
    assert_eq!(missing.status.code(), Some(1));
}

/// The pharmacy exception (patients write first to send a prescription) belongs to a pharmacy's
/// organisational box: `--pharmacy` on a nominative box is refused when the box is added, not
/// silently dropped at the next start.
#[test]
fn seed_pharmacy_exception_is_refused_at_add_on_a_nominative_box() {
    let profile = tempfile::tempdir().expect("a profile folder");
    let imap = endpoint("PLI_TEST_IMAP_STARTTLS").to_string();
    let smtp = endpoint("PLI_TEST_SMTP_SUBMISSION").to_string();
    let output = pli(
        profile.path(),
        &[
            "account",
            "add",
            "officine",
            "--address",
            &doctor(),
            "--type",
            "per",
            "--pharmacy",
            "--imap",
            &imap,
            "--smtp",
            &smtp,
        ],
        "a-password\n",
    );
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert!(
        text(&output).contains("Only an organisational (ORG) box can be a pharmacy's"),
        "{}",
        text(&output)
    );
    assert!(
        !profile.path().join("config/accounts.toml").exists(),
        "nothing saved"
    );
}

/// `pli account set NAME --pharmacy true|false`: the same use case as the window's settings; a
/// nominative box is refused with the reason and `accounts.toml` is left as it was.
#[test]
fn seed_pli_account_set_makes_an_organisational_box_a_pharmacy_and_refuses_a_nominative_one_and_sets_the_months_kept(
) {
    let profile = tempfile::tempdir().expect("a profile folder");
    let imap = endpoint("PLI_TEST_IMAP_STARTTLS").to_string();
    let smtp = endpoint("PLI_TEST_SMTP_SUBMISSION").to_string();
    for (name, kind) in [("cabinet", "per"), ("officine", "org")] {
        let added = pli(
            profile.path(),
            &[
                "account",
                "add",
                name,
                "--address",
                &doctor(),
                "--type",
                kind,
                "--imap",
                &imap,
                "--smtp",
                &smtp,
            ],
            "a-password\n",
        );
        assert!(added.status.success(), "{}", text(&added));
    }
    let accounts_file = profile.path().join("config/accounts.toml");
    let before = std::fs::read(&accounts_file).expect("accounts.toml");
    let refused = pli(
        profile.path(),
        &["account", "set", "cabinet", "--pharmacy", "true"],
        "",
    );
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused));
    assert!(
        text(&refused).contains("Only an organisational (ORG) box can be a pharmacy's"),
        "{}",
        text(&refused)
    );
    assert_eq!(
        std::fs::read(&accounts_file).expect("accounts.toml"),
        before,
        "nothing changed"
    );

    let pharmacy_of = |name: &str| {
        let listed = pli(profile.path(), &["account", "list", "--json"], "");
        assert!(listed.status.success(), "{}", text(&listed));
        let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).expect("JSON");
        listed
            .as_array()
            .and_then(|boxes| boxes.iter().find(|entry| entry["name"] == name))
            .map(|entry| entry["pharmacy"].as_bool().unwrap_or(false))
    };
    let set = pli(
        profile.path(),
        &["account", "set", "officine", "--pharmacy", "true"],
        "",
    );
    assert!(set.status.success(), "{}", text(&set));
    assert_eq!(pharmacy_of("officine"), Some(true));
    let unset = pli(
        profile.path(),
        &["account", "set", "officine", "--pharmacy", "false"],
        "",
    );
    assert!(unset.status.success(), "{}", text(&unset));
    assert_eq!(pharmacy_of("officine"), Some(false));

    // Issue 15: the months of bodies a box keeps, or all of them.
    let months_of = |name: &str| {
        let listed = pli(profile.path(), &["account", "list", "--json"], "");
        let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).expect("JSON");
        listed
            .as_array()
            .and_then(|boxes| boxes.iter().find(|entry| entry["name"] == name))
            .and_then(|entry| entry["offline_months"].as_u64())
    };
    let six = pli(
        profile.path(),
        &["account", "set", "cabinet", "--offline-months", "6"],
        "",
    );
    assert!(six.status.success(), "{}", text(&six));
    assert_eq!(months_of("cabinet"), Some(6));
    let none = pli(
        profile.path(),
        &["account", "set", "cabinet", "--offline-months", "0"],
        "",
    );
    assert_eq!(none.status.code(), Some(1), "{}", text(&none));
    assert!(text(&none).contains("from 1 to 1200"), "{}", text(&none));
    assert_eq!(months_of("cabinet"), Some(6), "unchanged");
    let all = pli(
        profile.path(),
        &["account", "set", "cabinet", "--offline-months", "all"],
        "",
    );
    assert!(all.status.success(), "{}", text(&all));
    assert_eq!(months_of("cabinet"), None);
}
