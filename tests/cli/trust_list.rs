//! The trust-space list on the command line: `pli sync` fetches it when a day old, as the
//! window's workers do, and `pli whitelist show` says which list is in use and when it was
//! fetched (`trust_list::status`, the function the settings read). Served on loopback.

use crate::account::serve_bodies;
use crate::common::*;

fn show(profile: &std::path::Path) -> serde_json::Value {
    let shown = pli(profile, &["whitelist", "show", "--json"], "");
    assert!(shown.status.success(), "{}", text(&shown));
    serde_json::from_slice(&shown.stdout).expect("JSON")
}

#[test]
fn ann_pli_sync_fetches_the_trust_list_once_a_day_and_pli_whitelist_show_says_when() {
    let user = dedicated_user("cli-trust-upkeep");
    empty_mailbox(&user);
    let profile = tempfile::tempdir().expect("a profile folder");
    add_box(profile.path(), &user, "cabinet");
    // One answer only: a second download would find the port closed and record a failure.
    let url = serve_bodies(vec![(
        "application/xml",
        "<?xml version=\"1.0\"?><ListeBlanche><DateDeGeneration>2026-12-01T02:00:00</DateDeGeneration><Domaine><Nom>ch-sync.mssante.fr</Nom></Domaine><Domaine><Nom>patient.mssante.fr</Nom></Domaine><Domaine><Nom>medecin.mssante.fr</Nom></Domaine></ListeBlanche>".to_string(),
    )]);
    let settings = profile.path().join("config/settings.toml");
    let mut written = std::fs::read_to_string(&settings).unwrap_or_default();
    written.push_str(&format!("trust_list_url = \"{url}\"\n"));
    std::fs::write(&settings, written).expect("settings written");

    let before = show(profile.path());
    assert_eq!(before["origin"], "bundled");
    assert!(before["fetched_at"].is_null());

    let synced = pli(profile.path(), &["sync", "cabinet"], "");
    assert!(synced.status.success(), "{}", text(&synced));
    let after = show(profile.path());
    assert_eq!(after["origin"], "profile", "{after}");
    assert_eq!(after["domains"], 3);
    assert_eq!(after["generated_at"], "2026-12-01T02:00:00");
    let fetched = after["fetched_at"].as_str().expect("the fetch date");
    let fetched = chrono::DateTime::parse_from_rfc3339(fetched).expect("RFC 3339");
    let age = chrono::Utc::now() - fetched.with_timezone(&chrono::Utc);
    assert!(age < chrono::TimeDelta::minutes(5), "{age}");
    assert!(after["last_failure"].is_null(), "{after}");

    // The same day: not fetched again (the port is closed, a try would be a failure).
    let again = pli(profile.path(), &["sync", "cabinet"], "");
    assert!(again.status.success(), "{}", text(&again));
    let unchanged = show(profile.path());
    assert_eq!(unchanged["fetched_at"], after["fetched_at"]);
    assert!(unchanged["last_failure"].is_null(), "{unchanged}");

    // In words, for a person.
    let words = pli(profile.path(), &["whitelist", "show"], "");
    assert!(words.status.success(), "{}", text(&words));
    let said = text(&words);
    assert!(said.contains("Domains: 3"), "{said}");
    assert!(said.contains("Last fetched:"), "{said}");
    assert!(!said.contains("Last fetched: never"), "{said}");
}

#[test]
fn ann_pli_send_to_an_unlisted_mssante_domain_says_so_before_it_leaves() {
    let user = dedicated_user("cli-trust-notice");
    let profile = tempfile::tempdir().expect("a profile folder");
    add_box(profile.path(), &user, "cabinet");
    let sent = pli(
        profile.path(),
        &[
            "send",
            "cabinet",
            "--to",
            "secretariat@nouveau-ch.mssante.fr",
            "--subject",
            "Avis",
        ],
        "",
    );
    assert!(sent.status.success(), "{}", text(&sent));
    let said = String::from_utf8_lossy(&sent.stderr).to_string();
    assert!(
        said.contains("secretariat@nouveau-ch.mssante.fr"),
        "the notice names the address: {said}"
    );
    assert_eq!(
        crate::send::outbox_of(&profile, "cabinet"),
        1,
        "queued all the same"
    );
}
