//! The offline-copy benchmark's Pli side (tests/bench/offline.sh): one JSON line out.
//!
//! ```text
//! cargo run --release -p pli-core --example offline_bench -- --user U --ca PATH --port P \
//!     --profile DIR [--mode copy|search|search-once] [--query WORDS] [--rounds N]
//! ```
//!
//! * `copy`: into a fresh store at `DIR/data/pli.sqlite`, the envelopes (`sync_account`) then the
//!   full offline copy with the index (`offline_copy::copy_account`), PDFs read by this binary
//!   as the PDF helper, as the `pli` binary reads them. Writes `DIR/config/accounts.toml` so that
//!   `pli --profile DIR search …` finds the box. Prints the seconds of each part, the peak
//!   memory (`VmHWM`, this process; the PDF helper is a process of its own, `helper_vmhwm_mib`
//!   is not measured) and the store's size.
//! * `search`: the latency of `Store::search_filtered` (the search of `pli search`, snippets
//!   included) and of `Store::search_matches` (the window's, no snippet) over a fixed set of queries,
//!   `--rounds` times each: p50, p99, max in milliseconds.
//! * `search-once`: one process that opens the store, runs `--query` and prints the results as
//!   JSON: the work of `pli search --offline --json`, timed from outside.
//! * `index-lab` (an experiment, after a `copy`): where the bodies' time goes without the
//!   network: the bodies read back from the store, `index_text` over all of them (the parse
//!   alone, then with the PDF helper), and `Store::store_bodies` in batches of 500 into a fresh
//!   file (`lab.sqlite` beside the store) holding the same envelopes.

use std::path::PathBuf;
use std::time::Instant;

use pli_core::mail::account::Account;
use pli_core::mail::connect::Credentials;
use pli_core::mail::offline_copy::copy_account;
use pli_core::mail::pdf_text;
use pli_core::mail::secrets::Secret;
use pli_core::mail::store::{SearchFilter, Store};
use pli_core::mail::sync::sync_account;
use serde_json::json;

/// Words a practice searches for in the benchmark's mail (tests/mailstack/gen_maildir.py):
/// clinical words of the bodies, names, prefixes as typed, and words of the PDFs' text.
const QUERIES: &[&str] = &[
    "echographie",
    "dyspnee",
    "hemoglobine",
    "creatininemie",
    "anticoagulant",
    "scanner thoracique",
    "lettre liaison",
    "girard",
    "noel",
    "compte rendu",
    "hospit",
    "ordonn",
    "bilan geriatrique",
    "vaccination",
    "medical",
    "leucocytes",
];

struct Args {
    user: String,
    ca: PathBuf,
    port: u16,
    profile: PathBuf,
    mode: String,
    query: String,
    rounds: usize,
}

fn fail(message: String) -> ! {
    eprintln!("offline_bench: {message}");
    std::process::exit(1)
}

fn parse_args() -> Args {
    let mut args = std::env::args().skip(1);
    let (mut user, mut ca, mut port, mut profile) = (None, None, None, None);
    let (mut mode, mut query, mut rounds) = ("copy".to_string(), String::new(), 20);
    while let Some(flag) = args.next() {
        let mut value = || {
            args.next()
                .unwrap_or_else(|| fail(format!("{flag} needs a value")))
        };
        match flag.as_str() {
            "--user" => user = Some(value()),
            "--ca" => ca = Some(PathBuf::from(value())),
            "--port" => port = value().parse().ok(),
            "--profile" => profile = Some(PathBuf::from(value())),
            "--mode" => mode = value(),
            "--query" => query = value(),
            "--rounds" => rounds = value().parse().unwrap_or(20),
            other => fail(format!("unknown argument {other}")),
        }
    }
    Args {
        user: user.unwrap_or_default(),
        ca: ca.unwrap_or_default(),
        port: port.unwrap_or(993),
        profile: profile.unwrap_or_else(|| fail("--profile DIR is needed".into())),
        mode,
        query,
        rounds,
    }
}

fn account_of(args: &Args) -> Account {
    serde_json::from_value(json!({
        "name": "bench",
        "address": args.user,
        "type": "PER",
        "imap": format!("localhost:{}", args.port),
        "smtp": "localhost:465",
        "security": "tls",
        "auth": "password",
        "ca_file": args.ca,
    }))
    .unwrap_or_else(|error| fail(format!("the benchmark's account: {error}")))
}

fn vm_hwm_mib() -> f64 {
    pli_core::memory::peak_resident_kib().map_or(f64::NAN, |kib| kib as f64 / 1024.0)
}

fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

fn main() {
    let raw: Vec<String> = std::env::args().collect();
    if raw.get(1).map(String::as_str) == Some(pdf_text::HELPER_FLAG) {
        std::process::exit(pdf_text::run_helper(&raw[2..]));
    }
    if let Ok(program) = std::env::current_exe() {
        pdf_text::use_helper_program(program);
    }
    let args = parse_args();
    let store_path = args.profile.join("data").join("pli.sqlite");
    let result = match args.mode.as_str() {
        "copy" => copy(&args, &store_path),
        "search" => search(&args, &store_path),
        "search-once" => search_once(&args, &store_path),
        "index-lab" => index_lab(&store_path),
        other => fail(format!("unknown mode {other}")),
    };
    println!("{result}");
}

fn copy(args: &Args, store_path: &std::path::Path) -> serde_json::Value {
    let account = account_of(args);
    let _ = std::fs::remove_dir_all(&args.profile);
    let config = args.profile.join("config");
    std::fs::create_dir_all(&config).unwrap_or_else(|error| fail(error.to_string()));
    pli_core::mail::account::save_accounts(
        &config.join("accounts.toml"),
        std::slice::from_ref(&account),
    )
    .unwrap_or_else(|error| fail(error.to_string()));
    let credentials = Credentials::Password {
        login: args.user.clone(),
        password: Secret::new("secret"),
    };
    let mut store = Store::open(store_path).unwrap_or_else(|error| fail(error.to_string()));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|error| fail(error.to_string()));
    let started = Instant::now();
    let synced = runtime
        .block_on(sync_account(
            &account,
            &credentials,
            &mut store,
            &mut |_| {},
        ))
        .unwrap_or_else(|error| fail(error.to_string()));
    let envelopes_s = started.elapsed().as_secs_f64();
    let copied = runtime
        .block_on(copy_account(
            &account,
            &credentials,
            &mut store,
            &mut |_| {},
        ))
        .unwrap_or_else(|error| fail(error.to_string()));
    let total_s = started.elapsed().as_secs_f64();
    drop(store);
    let size = |path: PathBuf| std::fs::metadata(path).map_or(0, |m| m.len());
    let store_bytes = size(store_path.to_path_buf())
        + size(store_path.with_extension("sqlite-wal"))
        + size(store_path.with_extension("sqlite-shm"));
    json!({
        "envelopes": synced.new_messages,
        "bodies": copied.bodies,
        "body_bytes": copied.bytes,
        "pdfs_skipped": copied.pdfs_skipped,
        "local": copied.progress.local,
        "envelopes_s": round3(envelopes_s),
        "bodies_s": round3(total_s - envelopes_s),
        "total_s": round3(total_s),
        "vmhwm_mib": round3(vm_hwm_mib()),
        "store_mib": round3(store_bytes as f64 / 1048576.0),
    })
}

fn filter(words: &str) -> SearchFilter {
    SearchFilter {
        words: words.into(),
        account: Some("bench".into()),
        limit: 50,
        ..SearchFilter::default()
    }
}

fn percentiles(mut samples: Vec<f64>) -> serde_json::Value {
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    json!({ "p50_ms": round3(at(0.5)), "p99_ms": round3(at(0.99)), "max_ms": round3(at(1.0)), "n": samples.len() })
}

fn search(args: &Args, store_path: &std::path::Path) -> serde_json::Value {
    let store = Store::open(store_path).unwrap_or_else(|error| fail(error.to_string()));
    let (mut with_snippets, mut index_only) = (Vec::new(), Vec::new());
    let mut hits = serde_json::Map::new();
    for query in QUERIES {
        for _ in 0..args.rounds {
            let started = Instant::now();
            let found = store
                .search_filtered(&filter(query))
                .unwrap_or_else(|error| fail(error.to_string()));
            with_snippets.push(started.elapsed().as_secs_f64() * 1000.0);
            hits.insert((*query).into(), json!(found.len()));
            let started = Instant::now();
            store
                .search_matches(&filter(query))
                .unwrap_or_else(|error| fail(error.to_string()));
            index_only.push(started.elapsed().as_secs_f64() * 1000.0);
        }
    }
    json!({
        "with_snippets": percentiles(with_snippets),
        "index_only": percentiles(index_only),
        "hits_of_50": hits,
    })
}

fn search_once(args: &Args, store_path: &std::path::Path) -> serde_json::Value {
    let store = Store::open(store_path).unwrap_or_else(|error| fail(error.to_string()));
    let found = store
        .search_filtered(&filter(&args.query))
        .unwrap_or_else(|error| fail(error.to_string()));
    serde_json::to_value(&found).unwrap_or_else(|error| fail(error.to_string()))
}

fn index_lab(store_path: &std::path::Path) -> serde_json::Value {
    let store = Store::open(store_path).unwrap_or_else(|error| fail(error.to_string()));
    let inbox = store
        .folder("bench", "INBOX")
        .ok()
        .flatten()
        .unwrap_or_else(|| fail("no INBOX".into()));
    let uids = store.uids(inbox.id).unwrap_or_default();
    let started = Instant::now();
    let raws: Vec<Vec<u8>> = uids
        .iter()
        .filter_map(|uid| store.raw(inbox.id, *uid).ok().flatten())
        .collect();
    let read_s = started.elapsed().as_secs_f64();
    let mut pdfs = pli_core::mail::pdf_text::PdfReader::default();
    let started = Instant::now();
    let mut chars = 0usize;
    for raw in &raws {
        let model = pli_core::mail::mime::read_message(raw);
        chars += pli_core::mail::mime::model_text_for_index(&model).len();
    }
    let parse_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    for raw in &raws {
        let _ = pli_core::mail::offline_copy::index_text(raw, &mut pdfs);
    }
    let index_s = started.elapsed().as_secs_f64();
    let fresh_path = store_path.with_file_name("lab.sqlite");
    let _ = std::fs::remove_file(&fresh_path);
    let mut fresh = Store::open(&fresh_path).unwrap_or_else(|error| fail(error.to_string()));
    let folder = fresh
        .upsert_folder("bench", "INBOX", None)
        .unwrap_or_else(|error| fail(error.to_string()));
    fresh
        .reset_folder(folder.id, 1)
        .unwrap_or_else(|error| fail(error.to_string()));
    let envelopes = store.page(inbox.id, 0, 1_000_000).unwrap_or_default();
    for chunk in envelopes.chunks(1000) {
        fresh
            .insert_envelopes(folder.id, chunk)
            .unwrap_or_else(|error| fail(error.to_string()));
    }
    let texts: Vec<String> = raws
        .iter()
        .map(|raw| pli_core::mail::mime::body_text_for_index(raw))
        .collect();
    let started = Instant::now();
    let mut batch = Vec::new();
    for ((uid, raw), text) in uids.iter().zip(&raws).zip(&texts) {
        batch.push(pli_core::mail::store::CopiedBody {
            uid: *uid,
            raw: raw.clone(),
            text: text.clone(),
            note: None,
        });
        if batch.len() == 500 {
            fresh
                .store_bodies(folder.id, 1, &batch)
                .unwrap_or_else(|error| fail(error.to_string()));
            batch.clear();
        }
    }
    fresh
        .store_bodies(folder.id, 1, &batch)
        .unwrap_or_else(|error| fail(error.to_string()));
    let store_s = started.elapsed().as_secs_f64();
    json!({
        "messages": raws.len(),
        "read_back_s": round3(read_s),
        "parse_and_text_s": round3(parse_s),
        "index_text_with_pdfs_s": round3(index_s),
        "text_chars": chars,
        "store_bodies_s": round3(store_s),
    })
}
