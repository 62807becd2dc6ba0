//! The online Annuaire Santé from the command line: `pli directory key set|status|remove` with the
//! key read from standard input into the real keyring of `tests/run.sh`'s session, and
//! `pli directory search QUERY --online --json` merging recorded FHIR bundles served from a local
//! HTTP server with the imported file.

use std::process::Output;

use crate::common::fhir::{martin_extraction, serve, Answer, KEY};
use crate::common::{pli, text};
use pli_core::profile::Profile;

/// The command failed, and said why.
fn fails_with(output: &Output, sentence: &str) {
    assert!(!output.status.success(), "{}", text(output));
    assert!(text(output).contains(sentence), "{}", text(output));
}

/// A profile whose directory holds the MARTINs and whose settings point at `base`.
fn profile(base: &str, online: bool) -> tempfile::TempDir {
    let folder = tempfile::tempdir().expect("a folder");
    let file = folder.path().join("extraction.txt");
    std::fs::write(&file, martin_extraction()).expect("the extraction");
    let imported = pli(
        folder.path(),
        &["directory", "import", file.to_str().expect("a path")],
        "",
    );
    assert!(imported.status.success(), "{}", text(&imported));
    std::fs::write(
        Profile::at(folder.path()).settings_file(),
        format!("directory_online = {online}\ndirectory_fhir_url = \"{base}\"\n"),
    )
    .expect("the settings");
    folder
}

#[test]
fn ann_key_set_from_stdin_then_search_online_merges_the_answer() {
    let (base, requests) = serve(Answer::Bundles);
    let folder = profile(&base, true);
    let profile = folder.path();

    let missing = pli(profile, &["directory", "search", "martin", "--online"], "");
    assert!(!missing.status.success());
    assert!(
        text(&missing).contains("No Annuaire Santé API key is stored"),
        "{}",
        text(&missing)
    );

    let set = pli(profile, &["directory", "key", "set"], &format!("{KEY}\n"));
    assert!(set.status.success(), "{}", text(&set));
    assert!(!text(&set).contains(KEY), "the key is never printed");
    let status = pli(profile, &["directory", "key", "status"], "");
    assert!(
        text(&status).contains("is stored in the keyring"),
        "{}",
        text(&status)
    );
    assert!(!text(&status).contains(KEY));
    let settings = std::fs::read_to_string(Profile::at(profile).settings_file()).expect("settings");
    assert!(!settings.contains(KEY), "the key is in the keyring only");

    let found = pli(
        profile,
        &["directory", "search", "martin", "--online", "--json"],
        "",
    );
    assert!(found.status.success(), "{}", text(&found));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&found.stdout).expect("a JSON list");
    let summary: Vec<(&str, &str)> = rows
        .iter()
        .map(|row| {
            (
                row["address"].as_str().unwrap_or_default(),
                row["origin"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("jean.martin@ch-lens.mssante.fr", "confirmed"),
            ("paul.martin@ch-lens.mssante.fr", "file"),
            ("zoe.martin@medecin.mssante.fr", "online"),
            ("dpi@msp-saint-martin.mssante.fr", "online"),
        ]
    );
    assert_eq!(rows[3]["box_type"], "APP");
    assert!(requests
        .lock()
        .expect("lock")
        .iter()
        .all(|(_, has_key)| *has_key));

    // Without --online, the file alone, every row marked so.
    let local = pli(profile, &["directory", "search", "martin", "--json"], "");
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&local.stdout).expect("JSON");
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|row| row["origin"] == "file"));

    let removed = pli(profile, &["directory", "key", "remove"], "");
    assert!(removed.status.success(), "{}", text(&removed));
    let status = pli(profile, &["directory", "key", "status"], "");
    assert!(
        text(&status).contains("No Annuaire Santé API key is stored"),
        "{}",
        text(&status)
    );
}

#[test]
fn search_online_needs_the_workstation_to_allow_it_and_names_a_refused_key() {
    let (base, requests) = serve(Answer::Bundles);
    let folder = profile(&base, false);
    let refused = pli(
        folder.path(),
        &["directory", "search", "martin", "--online"],
        "",
    );
    fails_with(&refused, "Online lookup is not allowed for this profile");
    assert!(requests.lock().expect("lock").is_empty(), "nothing sent");

    let folder = profile(&base, true);
    let set = pli(folder.path(), &["directory", "key", "set"], "wrong-key\n");
    assert!(set.status.success(), "{}", text(&set));
    let refused = pli(
        folder.path(),
        &["directory", "search", "martin", "--online"],
        "",
    );
    fails_with(&refused, "refused the API key (status 401)");
    let _ = pli(folder.path(), &["directory", "key", "remove"], "");

    let empty = pli(folder.path(), &["directory", "key", "set"], "\n");
    assert!(!empty.status.success(), "an empty key is not stored");
}
