//! The national directory from the command line and its refresh over HTTP: a generated
//! extraction in the exact format, served zipped by a local HTTP server with an ETag, imported,
//! searched accent-blind, not downloaded again when unchanged, and a cut download refused with
//! the old index still answering.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use pli_core::directory::fixture::{Fixture, FixtureOptions};

fn pli(profile: &Path, arguments: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pli"))
        .arg("--profile")
        .arg(profile)
        .args(arguments)
        .env("PLI_LANG", "en")
        .output()
        .expect("pli runs")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn extraction(rows: u64, seed: u64) -> Vec<u8> {
    let mut bytes = Vec::new();
    Fixture::new(FixtureOptions {
        rows,
        seed,
        bom: true,
        crlf: true,
        ..FixtureOptions::default()
    })
    .write(&mut bytes)
    .expect("written");
    bytes
}

fn zipped(name: &str, content: &[u8]) -> Vec<u8> {
    let mut archive = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    archive.start_file(name, options).expect("entry");
    archive.write_all(content).expect("content");
    archive.finish().expect("finished").into_inner()
}

/// Serves `body` with an ETag; answers 304 to a matching If-None-Match. Counts full downloads.
fn serve(body: Arc<Mutex<Vec<u8>>>, etag: &'static str) -> (String, Arc<Mutex<usize>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("port");
    let url = format!(
        "http://{}/extraction",
        listener.local_addr().expect("address")
    );
    let downloads = Arc::new(Mutex::new(0));
    let counter = downloads.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut not_modified = false;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if line.to_ascii_lowercase().starts_with("if-none-match:") && line.contains(etag) {
                    not_modified = true;
                }
            }
            let mut stream = stream;
            if not_modified {
                let _ = write!(
                    stream,
                    "HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\nConnection: close\r\n\r\n"
                );
                continue;
            }
            *counter.lock().expect("lock") += 1;
            let body = body.lock().expect("lock").clone();
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nETag: {etag}\r\nContent-Type: application/zip\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(&body);
        }
    });
    (url, downloads)
}

#[test]
fn ann_import_then_search_accent_blind_from_the_command_line() {
    let profile = tempfile::tempdir().expect("profile");
    let file = profile
        .path()
        .join("Extraction_Correspondance_MSSante_202611250200.txt");
    std::fs::write(&file, extraction(2_000, 7)).expect("written");
    let imported = pli(
        profile.path(),
        &[
            "directory",
            "import",
            file.to_str().expect("utf-8"),
            "--json",
        ],
    );
    assert!(imported.status.success(), "{}", text(&imported));
    let report: serde_json::Value = serde_json::from_slice(&imported.stdout).expect("JSON");
    assert_eq!(report["rows"], 2_000);

    // Take a real name from the file, then search it without accents and in lower case.
    let content = String::from_utf8_lossy(&extraction(2_000, 7)).to_string();
    let accented = content
        .lines()
        .skip(1)
        .filter_map(|line| line.split('|').nth(9))
        .find(|name| name.chars().any(|c| "ÉÈÊËÏÎÔÖÜÛÇéèêëïîôöüûç".contains(c)))
        .expect("an accented name in the fixture")
        .to_string();
    let folded: String = accented
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'ï' | 'î' => 'i',
            'ô' | 'ö' => 'o',
            'ü' | 'û' => 'u',
            'ç' => 'c',
            other => other,
        })
        .collect();
    let found = pli(profile.path(), &["directory", "search", &folded, "--json"]);
    assert!(found.status.success(), "{}", text(&found));
    let hits: Vec<serde_json::Value> = serde_json::from_slice(&found.stdout).expect("JSON");
    assert!(!hits.is_empty(), "{accented} found by {folded}");
    assert!(
        hits.iter()
            .any(|hit| hit["name"].as_str().unwrap_or_default().contains(&accented)),
        "{hits:?}"
    );

    let per_only = pli(
        profile.path(),
        &["directory", "search", &folded, "--type", "org", "--json"],
    );
    let org_hits: Vec<serde_json::Value> = serde_json::from_slice(&per_only.stdout).expect("JSON");
    assert!(org_hits.iter().all(|hit| hit["box_type"] == "ORG"));
}

#[test]
fn ann_refresh_downloads_once_and_a_cut_download_keeps_the_old_index() {
    let profile = tempfile::tempdir().expect("profile");
    let body = Arc::new(Mutex::new(zipped(
        "Extraction_Correspondance_MSSante_202611250200.txt",
        &extraction(500, 3),
    )));
    let (url, downloads) = serve(body.clone(), "\"v1\"");

    let first = pli(
        profile.path(),
        &["directory", "refresh", "--url", &url, "--json"],
    );
    assert!(first.status.success(), "{}", text(&first));
    let report: serde_json::Value = serde_json::from_slice(&first.stdout).expect("JSON");
    assert_eq!(report["rows"], 500);

    let again = pli(profile.path(), &["directory", "refresh", "--url", &url]);
    assert!(
        text(&again).contains("less than a day ago"),
        "{}",
        text(&again)
    );
    let checked = pli(profile.path(), &["directory", "refresh", "--url", &url]);
    assert!(checked.status.success());
    assert_eq!(*downloads.lock().expect("lock"), 1, "not downloaded again");

    // A cut archive: refused, and the directory in use still answers.
    let mut cut = zipped("Extraction.txt", &extraction(800, 4));
    cut.truncate(cut.len() / 2);
    *body.lock().expect("lock") = cut;
    let (cut_url, _) = serve(body, "\"v2\"");
    let refused = pli(
        profile.path(),
        &["directory", "refresh", "--url", &cut_url, "--force"],
    );
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused));
    assert!(
        text(&refused).contains("not replaced"),
        "{}",
        text(&refused)
    );
    let still = pli(
        profile.path(),
        &["directory", "search", "a", "--json", "--limit", "5"],
    );
    assert!(still.status.success(), "{}", text(&still));
    let hits: Vec<serde_json::Value> = serde_json::from_slice(&still.stdout).expect("JSON");
    assert!(!hits.is_empty(), "the old index still answers");
}

#[test]
fn ann_a_file_with_the_wrong_header_is_refused_with_a_sentence() {
    let profile = tempfile::tempdir().expect("profile");
    let file = profile.path().join("contacts.csv");
    std::fs::write(&file, "Nom;Prénom;Email\nMARTIN;Jean;jean@exemple.fr\n").expect("written");
    let refused = pli(
        profile.path(),
        &["directory", "import", file.to_str().expect("utf-8")],
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        text(&refused).contains("not replaced"),
        "{}",
        text(&refused)
    );
}
