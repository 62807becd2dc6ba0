//! The sync benchmark's Pli side: Pli's own engine against a real IMAP server, one JSON line out.
//!
//! ```text
//! cargo run --release -p pli-core --example sync_bench -- --user U --ca PATH --port P \
//!     [--host localhost] [--store PATH] [--mode sync|reopen|profile|insert-lab|whatif]
//! ```
//!
//! * `sync` (default): a cold sync (`sync_account`) into a fresh store file. Prints the seconds until
//!   the first batch of INBOX is committed (the newest 50; checked against the store: after the
//!   first batch `page(inbox, 0, 50)` must hold exactly the 50 highest UIDs of the folder), the
//!   seconds until every INBOX envelope is committed, the whole pass (other folders, LOGOUT), the
//!   peak memory (`VmHWM`) and the count.
//! * `reopen`: what the window does to show the list from the existing store: `Store::open`,
//!   find INBOX, `count`, `page(inbox, 0, 50)`; with `VmHWM`.
//! * `profile`: the same pipeline as `sync_folder` for INBOX, step by step, timed per step:
//!   connect, SELECT, UID SEARCH, and per batch the FETCH (network, TLS, Dovecot and async-imap's
//!   parser), the header parsing (mail-parser) and the insert (SQLite + FTS5); then the raw
//!   floor: the same `UID FETCH 1:*` read over TLS without any parsing (server + TLS alone).
//!
//! * `insert-lab`: where the insert time goes. Reads the envelopes of an existing store (`--store`,
//!   after a `sync`), then inserts them again, in batches of 1000, into fresh files: through
//!   `Store::insert_envelopes` (the engine), and through variants of the same schema (read from
//!   the store file itself) without the FTS5 lookup in `RETURNING`, with a larger page cache,
//!   without the FTS5 index, without anything but the table. An experiment, not the engine.
//!
//! * `whatif`: a PROTOTYPE of three changes proposed for `sync_folder` (not the engine; see
//!   BENCHMARKS.md): the newest 50 fetched by sequence number right after SELECT, before the
//!   `UID SEARCH ALL`; the FTS5 rows of a batch written by one `INSERT … SELECT` instead of one
//!   statement per message; and the store written on its own thread while the next batch is
//!   fetched (pipelining). Same schema (the engine creates the file), same batches, same items.
//!
//! The password is the test stack's (`secret`, or `--password`).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use pli_core::mail::account::Account;
use pli_core::mail::connect::{trust_for, Credentials};
use pli_core::mail::imap::{self, uid_set};
use pli_core::mail::secrets::Secret;
use pli_core::mail::store::{Envelope, Flags, Role, Store};
use pli_core::mail::sync::{envelope_from_header, sync_account, Progress, BATCH, FIRST_BATCH};
use serde_json::json;

/// What `sync_folder` asks for (`ENVELOPE_QUERY` in src/mail/sync.rs, private there).
/// A search run after a sync, to check that the full-text index holds the same in every mode.
const SEARCH_SAMPLE: &str = "analyses garnier";

const ENVELOPE_QUERY: &str = "(UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER.FIELDS (DATE FROM TO CC SUBJECT MESSAGE-ID IN-REPLY-TO REFERENCES CONTENT-TYPE)])";

struct Args {
    user: String,
    password: String,
    ca: PathBuf,
    host: String,
    port: u16,
    store: PathBuf,
    mode: String,
}

fn usage() -> ! {
    eprintln!(
        "usage: sync_bench --user U --ca PATH --port P [--host H] [--password S] [--store PATH] [--mode sync|reopen|profile|insert-lab|whatif]"
    );
    std::process::exit(2)
}

fn parse_args() -> Args {
    let mut user = None;
    let mut password = "secret".to_string();
    let mut ca = None;
    let mut host = "localhost".to_string();
    let mut port = None;
    let mut store = None;
    let mut mode = "sync".to_string();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        match flag.as_str() {
            "--user" => user = Some(value()),
            "--password" => password = value(),
            "--ca" => ca = Some(PathBuf::from(value())),
            "--host" => host = value(),
            "--port" => port = Some(value().parse().unwrap_or_else(|_| usage())),
            "--store" => store = Some(PathBuf::from(value())),
            "--mode" => mode = value(),
            "-h" | "--help" => usage(),
            other => {
                eprintln!("sync_bench: unknown argument {other}");
                usage()
            }
        }
    }
    let user: String = user.unwrap_or_else(|| usage());
    // In a folder of its own: `Store::open` makes the folder holding the store mode 0700, and
    // that folder must never be /tmp itself (see BENCHMARKS.md, "Engine bug found").
    let store = store.unwrap_or_else(|| {
        std::env::temp_dir()
            .join("pli-sync-bench")
            .join(format!("{}.sqlite", local_part(&user)))
    });
    Args {
        password,
        ca: ca.unwrap_or_else(|| usage()),
        host,
        port: port.unwrap_or_else(|| usage()),
        store,
        mode,
        user,
    }
}

fn local_part(address: &str) -> String {
    address.split('@').next().unwrap_or("box").replace('.', "-")
}

/// The box, built through serde as the accounts file would describe it: fields added to `Account`
/// later (with their serde defaults) do not break the benchmark.
fn account_of(args: &Args) -> Account {
    serde_json::from_value(json!({
        "name": local_part(&args.user),
        "address": args.user,
        "type": "PER",
        "imap": format!("{}:{}", args.host, args.port),
        // not used by a sync; a syntactically valid endpoint
        "smtp": format!("{}:465", args.host),
        "security": "tls",
        "auth": "password",
        "ca_file": args.ca,
    }))
    .unwrap_or_else(|error| fail(format!("the benchmark's account: {error}")))
}

fn credentials_of(args: &Args) -> Credentials {
    Credentials::Password {
        login: args.user.clone(),
        password: Secret::new(args.password.clone()),
    }
}

/// Peak resident memory of this process, MiB (`VmHWM`).
fn vm_hwm_mib() -> f64 {
    pli_core::memory::peak_resident_kib().map_or(f64::NAN, |kib| kib as f64 / 1024.0)
}

/// CPU time of this process so far (user + system), seconds, from `/proc/self/stat` (10 ms ticks).
fn process_cpu_s() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit_once(") ").map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // fields[0] is the state (field 3); utime and stime are fields 14 and 15
    let ticks = |index: usize| {
        fields
            .get(index)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

/// CPU time of the calling thread, seconds, nanosecond resolution (`/proc/thread-self/schedstat`).
fn thread_cpu_s() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|text| text.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e9)
}

fn secs(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 1e6).round() / 1e6
}

fn fail(message: impl std::fmt::Display) -> ! {
    eprintln!("sync_bench: {message}");
    std::process::exit(1)
}

fn remove_store(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
}

fn runtime() -> tokio::runtime::Runtime {
    // as `pli sync` builds it (src/cli/mail.rs)
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|error| fail(error))
}

// ------------------------------------------------------------------------------------ sync

#[derive(Default)]
struct Timeline {
    folder: String,
    /// When `Progress::Folder { INBOX }` came: connected, signed in, actions replayed, folders listed.
    inbox_started: Option<Duration>,
    /// Time spent checking the store inside the progress callback: not the engine's.
    check: Duration,
    first_batch: Option<Duration>,
    first_batch_size: usize,
    first_batch_uids: Vec<u32>,
    first_batch_hwm: f64,
    all_inbox: Option<Duration>,
    batches: usize,
    total: usize,
    error: Option<String>,
}

fn mode_sync(args: &Args) {
    let account = account_of(args);
    let credentials = credentials_of(args);
    remove_store(&args.store);
    let runtime = runtime();

    let started = Instant::now();
    let mut store = Store::open(&args.store).unwrap_or_else(|error| fail(error));
    let opened = started.elapsed();
    let mut timeline = Timeline::default();
    let store_path = args.store.clone();
    let account_name = account.name.clone();
    let report = runtime.block_on(sync_account(
        &account,
        &credentials,
        &mut store,
        &mut |progress| match progress {
            Progress::Folder { name } => {
                if name.eq_ignore_ascii_case("INBOX") && timeline.inbox_started.is_none() {
                    timeline.inbox_started = Some(started.elapsed() - timeline.check);
                }
                timeline.folder = name;
            }
            Progress::Envelopes {
                folder,
                done,
                total,
            } => {
                if !folder.eq_ignore_ascii_case("INBOX") {
                    return;
                }
                let at = started.elapsed() - timeline.check;
                timeline.batches += 1;
                timeline.total = total;
                if timeline.first_batch.is_none() {
                    timeline.first_batch = Some(at);
                    timeline.first_batch_size = done;
                    timeline.first_batch_hwm = vm_hwm_mib();
                    // A second connection on the same file sees exactly what is committed.
                    let check_started = Instant::now();
                    match first_page_uids(&store_path, &account_name) {
                        Ok(uids) => timeline.first_batch_uids = uids,
                        Err(error) => timeline.error = Some(error),
                    }
                    timeline.check += check_started.elapsed();
                }
                if done == total {
                    timeline.all_inbox = Some(at);
                }
            }
        },
    ));
    let whole_pass = started.elapsed() - timeline.check;
    let cpu = process_cpu_s();
    let hwm = vm_hwm_mib();
    let report = report.unwrap_or_else(|error| fail(format!("sync failed: {error}")));

    let inbox = store
        .folder_with_role(&account.name, Role::Inbox)
        .unwrap_or_else(|error| fail(error))
        .unwrap_or_else(|| fail("no INBOX in the store after the sync"));
    let count = store.count(inbox.id).unwrap_or_else(|error| fail(error));
    let all_uids = store.uids(inbox.id).unwrap_or_else(|error| fail(error));
    let highest: HashSet<u32> = all_uids.iter().rev().take(FIRST_BATCH).copied().collect();
    let first: HashSet<u32> = timeline.first_batch_uids.iter().copied().collect();
    let first_is_newest_uids = !first.is_empty() && first == highest;
    // The list sorts by date: are the first 50 also what the full list shows on top?
    let top_by_date: HashSet<u32> = store
        .page(inbox.id, 0, FIRST_BATCH)
        .unwrap_or_else(|error| fail(error))
        .iter()
        .map(|envelope| envelope.uid)
        .collect();
    let store_bytes = file_size(&args.store) + file_size(&wal_of(&args.store));
    let search_hits = store
        .search_matches(&every_match(&account.name))
        .map(|hits| hits.len())
        .unwrap_or(0);

    let output = json!({
        "mode": "sync",
        "user": args.user,
        "store": args.store,
        "store_open_s": secs(opened),
        "inbox_started_s": timeline.inbox_started.map(secs),
        "first_batch_s": timeline.first_batch.map(secs),
        "first_batch_size": timeline.first_batch_size,
        "first_batch_is_50_highest_uids": first_is_newest_uids,
        "first_batch_is_top_of_list_by_date": !first.is_empty() && first == top_by_date,
        "first_batch_vmhwm_mib": timeline.first_batch_hwm,
        "all_envelopes_s": timeline.all_inbox.map(secs),
        "whole_pass_s": secs(whole_pass),
        "process_cpu_s": cpu,
        "vmhwm_mib": (hwm * 10.0).round() / 10.0,
        "count": count,
        "inbox_batches": timeline.batches,
        "new_messages": report.new_messages,
        "folders": report.folders,
        "store_mib": (store_bytes as f64 / 1048576.0 * 10.0).round() / 10.0,
        "check_s_excluded": secs(timeline.check),
        "search_hits": search_hits,
        "error": timeline.error,
    });
    println!("{output}");
    if !first_is_newest_uids || timeline.error.is_some() {
        fail("the first batch committed is not the 50 highest UIDs of INBOX");
    }
}

fn first_page_uids(path: &Path, account: &str) -> Result<Vec<u32>, String> {
    let reader = Store::open(path).map_err(|error| error.to_string())?;
    let inbox = reader
        .folder_with_role(account, Role::Inbox)
        .map_err(|error| error.to_string())?
        .ok_or("no INBOX yet")?;
    Ok(reader
        .page(inbox.id, 0, FIRST_BATCH)
        .map_err(|error| error.to_string())?
        .iter()
        .map(|envelope| envelope.uid)
        .collect())
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

fn wal_of(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push("-wal");
    PathBuf::from(name)
}

// ------------------------------------------------------------------------------------ reopen

fn mode_reopen(args: &Args) {
    if !args.store.exists() {
        fail(format!(
            "{} does not exist: run --mode sync first",
            args.store.display()
        ));
    }
    let account = local_part(&args.user);
    let started = Instant::now();
    let store = Store::open(&args.store).unwrap_or_else(|error| fail(error));
    let opened = started.elapsed();
    let inbox = store
        .folder_with_role(&account, Role::Inbox)
        .unwrap_or_else(|error| fail(error))
        .unwrap_or_else(|| fail("no INBOX in the store"));
    let found = started.elapsed();
    let count = store.count(inbox.id).unwrap_or_else(|error| fail(error));
    let counted = started.elapsed();
    let page = store
        .page(inbox.id, 0, FIRST_BATCH)
        .unwrap_or_else(|error| fail(error));
    let total = started.elapsed();
    let hwm = vm_hwm_mib();
    println!(
        "{}",
        json!({
            "mode": "reopen",
            "user": args.user,
            "reopen_s": secs(total),
            "open_s": secs(opened),
            "find_inbox_s": secs(found - opened),
            "count_s": secs(counted - found),
            "page_s": secs(total - counted),
            "count": count,
            "page_len": page.len(),
            "vmhwm_mib": (hwm * 10.0).round() / 10.0,
        })
    );
}

// ------------------------------------------------------------------------------------ profile

fn flags_of(fetch: &async_imap::types::Fetch) -> Flags {
    use async_imap::types::Flag;
    let mut flags = Flags::default();
    for flag in fetch.flags() {
        flags = match flag {
            Flag::Seen => flags.with(Flags::SEEN, true),
            Flag::Answered => flags.with(Flags::ANSWERED, true),
            Flag::Flagged => flags.with(Flags::FLAGGED, true),
            Flag::Deleted => flags.with(Flags::DELETED, true),
            Flag::Draft => flags.with(Flags::DRAFT, true),
            _ => flags,
        };
    }
    flags
}

/// `envelope_of` in src/mail/sync.rs (private there), same steps.
fn envelope_of(fetch: &async_imap::types::Fetch) -> Option<Envelope> {
    let uid = fetch.uid?;
    let mut envelope = envelope_from_header(fetch.header().unwrap_or_default());
    envelope.uid = uid;
    envelope.flags = flags_of(fetch);
    envelope.modseq = fetch.modseq;
    envelope.size = fetch.size.unwrap_or(0);
    if envelope.date == 0 {
        envelope.date = fetch
            .internal_date()
            .map(|date| date.timestamp())
            .unwrap_or(0);
    }
    Some(envelope)
}

#[derive(Default)]
struct Steps {
    fetch: Duration,
    parse: Duration,
    insert: Duration,
    bytes_header: usize,
}

fn mode_profile(args: &Args) {
    let account = account_of(args);
    let credentials = credentials_of(args);
    remove_store(&args.store);
    let runtime = runtime();
    let output = runtime.block_on(async {
        let started = Instant::now();
        let mut store = Store::open(&args.store).unwrap_or_else(|error| fail(error));
        let store_open = started.elapsed();

        let t = Instant::now();
        let mut connection = imap::connect(&account, &credentials)
            .await
            .unwrap_or_else(|error| fail(error));
        let connect = t.elapsed();
        let session = &mut connection.session;

        let t = Instant::now();
        let folder = store
            .upsert_folder(&account.name, "INBOX", Some(Role::Inbox))
            .unwrap_or_else(|error| fail(error));
        let mailbox = session
            .select_condstore("INBOX")
            .await
            .unwrap_or_else(|error| fail(error));
        store
            .reset_folder(folder.id, mailbox.uid_validity.unwrap_or(0))
            .unwrap_or_else(|error| fail(error));
        let select = t.elapsed();

        let t = Instant::now();
        let on_server = session
            .uid_search("ALL")
            .await
            .unwrap_or_else(|error| fail(error));
        let search = t.elapsed();
        let t = Instant::now();
        let mut new: Vec<u32> = on_server.into_iter().collect();
        new.sort_unstable_by(|a, b| b.cmp(a));
        let sort = t.elapsed();

        let mut first = None;
        let mut first_steps = Steps::default();
        let mut steps = Steps::default();
        let mut insert_per_batch = Vec::new();
        let mut rest: &[u32] = &new;
        let mut size = FIRST_BATCH;
        while !rest.is_empty() {
            let (chunk, tail) = rest.split_at(size.min(rest.len()));
            rest = tail;
            size = BATCH;
            let mut step = Steps::default();
            let t = Instant::now();
            let fetches: Vec<async_imap::types::Fetch> = session
                .uid_fetch(uid_set(chunk), ENVELOPE_QUERY)
                .await
                .unwrap_or_else(|error| fail(error))
                .try_collect()
                .await
                .unwrap_or_else(|error| fail(error));
            step.fetch = t.elapsed();
            step.bytes_header = fetches
                .iter()
                .map(|f| f.header().map_or(0, <[u8]>::len))
                .sum();
            let t = Instant::now();
            let envelopes: Vec<Envelope> = fetches.iter().filter_map(envelope_of).collect();
            step.parse = t.elapsed();
            drop(fetches);
            let t = Instant::now();
            store
                .insert_envelopes(folder.id, &envelopes)
                .unwrap_or_else(|error| fail(error));
            step.insert = t.elapsed();
            insert_per_batch.push(secs(step.insert));
            if first.is_none() {
                first = Some(started.elapsed());
                first_steps = step;
            } else {
                steps.fetch += step.fetch;
                steps.parse += step.parse;
                steps.insert += step.insert;
                steps.bytes_header += step.bytes_header;
            }
        }
        let all = started.elapsed();
        let cpu = process_cpu_s();
        let _ = session.logout().await;
        let hwm = vm_hwm_mib();

        let t = Instant::now();
        let (raw_bytes, raw_lines) = raw_fetch_all(args).await;
        let raw = t.elapsed();

        json!({
            "mode": "profile",
            "user": args.user,
            "count": new.len(),
            "store_open_s": secs(store_open),
            "connect_login_s": secs(connect),
            "select_s": secs(select),
            "uid_search_all_s": secs(search),
            "sort_s": secs(sort),
            "first_batch": {
                "committed_at_s": first.map(secs),
                "fetch_s": secs(first_steps.fetch),
                "parse_s": secs(first_steps.parse),
                "insert_s": secs(first_steps.insert),
            },
            "other_batches": {
                "fetch_s": secs(steps.fetch),
                "parse_s": secs(steps.parse),
                "insert_s": secs(steps.insert),
                "header_mib": (steps.bytes_header as f64 / 1048576.0 * 10.0).round() / 10.0,
            },
            "insert_s_first_last_batches": [
                insert_per_batch.first(), insert_per_batch.get(1), insert_per_batch.last()
            ],
            "all_envelopes_s": secs(all),
            "process_cpu_s": cpu,
            "vmhwm_mib": (hwm * 10.0).round() / 10.0,
            "raw_floor": {
                "what": "one UID FETCH 1:* of the same items over TLS, bytes read and thrown away (login + select included)",
                "s": secs(raw),
                "mib": (raw_bytes as f64 / 1048576.0 * 10.0).round() / 10.0,
                "lines": raw_lines,
            },
        })
    });
    println!("{output}");
}

/// Server + TLS alone: log in, EXAMINE INBOX, `UID FETCH 1:*` with the sync's items, read up to
/// the tagged answer without parsing anything. Returns (bytes, lines).
async fn raw_fetch_all(args: &Args) -> (usize, usize) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let account = account_of(args);
    let trust = trust_for(&account).unwrap_or_else(|error| fail(error));
    let (config, _): (Arc<rustls::ClientConfig>, _) =
        pli_core::mail::tls::client_config(&trust, None).unwrap_or_else(|error| fail(error));
    let connector = tokio_rustls::TlsConnector::from(config);
    let tcp = tokio::net::TcpStream::connect((args.host.as_str(), args.port))
        .await
        .unwrap_or_else(|error| fail(error));
    let _ = tcp.set_nodelay(true);
    let name = rustls_pki_types::ServerName::try_from(args.host.clone())
        .unwrap_or_else(|error| fail(error));
    let tls = connector
        .connect(name, tcp)
        .await
        .unwrap_or_else(|error| fail(error));
    let mut stream = BufReader::with_capacity(256 * 1024, tls);
    let mut bytes = 0;
    let mut lines = 0;
    let mut line = Vec::new();
    let commands = [
        (
            "a1",
            format!("a1 LOGIN \"{}\" \"{}\"\r\n", args.user, args.password),
        ),
        ("a2", "a2 EXAMINE INBOX\r\n".to_string()),
        ("a3", format!("a3 UID FETCH 1:* {ENVELOPE_QUERY}\r\n")),
        ("a4", "a4 LOGOUT\r\n".to_string()),
    ];
    // greeting
    line.clear();
    stream
        .read_until(b'\n', &mut line)
        .await
        .unwrap_or_else(|error| fail(error));
    for (tag, command) in commands {
        stream
            .get_mut()
            .write_all(command.as_bytes())
            .await
            .unwrap_or_else(|error| fail(error));
        stream.get_mut().flush().await.unwrap_or_else(|e| fail(e));
        let tagged = format!("{tag} ");
        loop {
            line.clear();
            let n = stream
                .read_until(b'\n', &mut line)
                .await
                .unwrap_or_else(|error| fail(error));
            if n == 0 {
                break;
            }
            bytes += n;
            lines += 1;
            if line.starts_with(tagged.as_bytes()) {
                if !line[tagged.len()..].starts_with(b"OK") {
                    fail(format!("raw {tag}: {}", String::from_utf8_lossy(&line)));
                }
                break;
            }
        }
    }
    (bytes, lines)
}

// ------------------------------------------------------------------------------------ insert-lab

/// How one variant writes a batch.
#[derive(Clone, Copy)]
struct Variant {
    name: &'static str,
    /// `RETURNING id, (SELECT count(*) FROM message_text WHERE rowid = message.id)` as the engine does
    returning_fts_probe: bool,
    fts: bool,
    secondary_indexes: bool,
    cache_mib: Option<u32>,
    /// FTS5 `automerge` (default 4; 0 = no merging while writing)
    automerge: Option<i64>,
    /// rows per transaction (the engine: 1000)
    batch: usize,
    /// the FTS5 rows written after all the envelopes, in one transaction, as a background job would
    fts_at_end: bool,
    /// the FTS5 rows of a batch written by one `INSERT … SELECT` at the end of the batch
    fts_per_batch_statement: bool,
    /// the FTS5 table without `contentless_delete = 1`
    fts_without_contentless_delete: bool,
}

const LAB_INSERT: &str =
    "INSERT INTO message (folder_id, uid, modseq, flags, date, size, subject, from_name,
    from_address, recipients, message_id, in_reply_to, refs, has_attachment)
 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
 ON CONFLICT (folder_id, uid) DO UPDATE SET flags = excluded.flags, modseq = excluded.modseq";

fn lab_variant(
    schema: &[(String, String)],
    envelopes: &[Envelope],
    path: &Path,
    variant: Variant,
) -> (f64, f64) {
    use rusqlite::{params, Connection};
    remove_store(path);
    let mut db = Connection::open(path).unwrap_or_else(|error| fail(error));
    db.pragma_update(None, "journal_mode", "WAL")
        .unwrap_or_else(|e| fail(e));
    db.pragma_update(None, "synchronous", "NORMAL")
        .unwrap_or_else(|e| fail(e));
    db.pragma_update(None, "foreign_keys", "ON")
        .unwrap_or_else(|e| fail(e));
    if let Some(mib) = variant.cache_mib {
        db.pragma_update(None, "cache_size", -(i64::from(mib) * 1024))
            .unwrap_or_else(|e| fail(e));
    }
    for (name, sql) in schema {
        let is_fts = name.starts_with("message_text");
        let is_index = sql.starts_with("CREATE INDEX");
        if (is_fts && !variant.fts) || (is_index && !variant.secondary_indexes) {
            continue;
        }
        if name.starts_with("message_text_") {
            continue; // FTS5 shadow tables: created by the virtual table
        }
        let sql = if is_fts && variant.fts_without_contentless_delete {
            sql.replace(", contentless_delete = 1", "")
        } else {
            sql.clone()
        };
        db.execute_batch(&sql).unwrap_or_else(|e| fail(e));
    }
    db.execute(
        "INSERT INTO folder (id, account, name, role) VALUES (1, 'lab', 'INBOX', 'inbox')",
        [],
    )
    .unwrap_or_else(|e| fail(e));
    if let (Some(automerge), true) = (variant.automerge, variant.fts) {
        db.execute(
            "INSERT INTO message_text (message_text, rank) VALUES ('automerge', ?1)",
            [automerge],
        )
        .unwrap_or_else(|e| fail(e));
    }
    let fts_per_row = variant.fts && !variant.fts_at_end && !variant.fts_per_batch_statement;
    let started = Instant::now();
    let cpu = thread_cpu_s();
    for chunk in envelopes.chunks(variant.batch) {
        let transaction = db.transaction().unwrap_or_else(|e| fail(e));
        {
            let returning = format!(
                "{LAB_INSERT} RETURNING id, (SELECT count(*) FROM message_text WHERE rowid = message.id)"
            );
            let mut probe = transaction
                .prepare_cached(if variant.returning_fts_probe {
                    &returning
                } else {
                    "SELECT 1"
                })
                .unwrap_or_else(|e| fail(e));
            let mut plain = transaction
                .prepare_cached(&format!("{LAB_INSERT} RETURNING id"))
                .unwrap_or_else(|e| fail(e));
            let mut index = if fts_per_row {
                Some(transaction
                    .prepare_cached(
                        "INSERT INTO message_text (rowid, subject, correspondents, body) VALUES (?1, ?2, ?3, '')",
                    )
                    .unwrap_or_else(|e| fail(e)))
            } else {
                None
            };
            for envelope in chunk {
                let values = params![
                    1,
                    envelope.uid,
                    envelope.modseq.map(|m| m as i64),
                    envelope.flags.0,
                    envelope.date,
                    envelope.size,
                    envelope.subject,
                    envelope.from_name,
                    envelope.from_address,
                    envelope.recipients,
                    envelope.message_id,
                    envelope.in_reply_to,
                    envelope.references,
                    envelope.has_attachment,
                ];
                let (id, indexed): (i64, i64) = if variant.returning_fts_probe {
                    probe
                        .query_row(values, |row| Ok((row.get(0)?, row.get(1)?)))
                        .unwrap_or_else(|e| fail(e))
                } else {
                    // a new row (this lab inserts each UID once) is not indexed yet
                    (
                        plain
                            .query_row(values, |row| row.get(0))
                            .unwrap_or_else(|e| fail(e)),
                        0,
                    )
                };
                if let (Some(index), 0) = (index.as_mut(), indexed) {
                    let correspondents = format!(
                        "{} {} {}",
                        envelope.from_name, envelope.from_address, envelope.recipients
                    );
                    index
                        .execute(params![id, envelope.subject, correspondents])
                        .unwrap_or_else(|e| fail(e));
                }
            }
        }
        if variant.fts && variant.fts_per_batch_statement {
            let last = transaction.last_insert_rowid();
            transaction
                .execute(
                    "INSERT INTO message_text (rowid, subject, correspondents, body)
                       SELECT id, subject, from_name || ' ' || from_address || ' ' || recipients, ''
                       FROM message WHERE id > ?1 - ?2 AND id <= ?1",
                    params![last, chunk.len() as i64],
                )
                .unwrap_or_else(|e| fail(e));
        }
        transaction.commit().unwrap_or_else(|e| fail(e));
    }
    if variant.fts && variant.fts_at_end {
        db.execute_batch(
            "BEGIN;
             INSERT INTO message_text (rowid, subject, correspondents, body)
               SELECT id, subject, from_name || ' ' || from_address || ' ' || recipients, ''
               FROM message;
             COMMIT;",
        )
        .unwrap_or_else(|e| fail(e));
    }
    (secs(started.elapsed()), round3(thread_cpu_s() - cpu))
}

fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

fn mode_insert_lab(args: &Args) {
    let account = local_part(&args.user);
    let source = Store::open(&args.store).unwrap_or_else(|error| fail(error));
    let inbox = source
        .folder_with_role(&account, Role::Inbox)
        .unwrap_or_else(|error| fail(error))
        .unwrap_or_else(|| fail("no INBOX in the store: run --mode sync first"));
    let mut envelopes = source
        .page(inbox.id, 0, usize::MAX >> 1)
        .unwrap_or_else(|error| fail(error));
    // the sync's order: newest UID first
    envelopes.sort_unstable_by_key(|envelope| std::cmp::Reverse(envelope.uid));
    drop(source);
    let schema: Vec<(String, String)> = {
        let db = rusqlite::Connection::open(&args.store).unwrap_or_else(|e| fail(e));
        let mut statement = db
            .prepare("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid")
            .unwrap_or_else(|e| fail(e));
        let rows = statement
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap_or_else(|e| fail(e))
            .collect::<Result<Vec<_>, _>>()
            .unwrap_or_else(|e| fail(e));
        rows
    };
    let scratch = args.store.with_extension("lab.sqlite");

    // the engine itself
    remove_store(&scratch);
    let mut store = Store::open(&scratch).unwrap_or_else(|error| fail(error));
    let folder = store
        .upsert_folder("lab", "INBOX", Some(Role::Inbox))
        .unwrap_or_else(|error| fail(error));
    let started = Instant::now();
    let cpu = thread_cpu_s();
    for chunk in envelopes.chunks(BATCH) {
        store
            .insert_envelopes(folder.id, chunk)
            .unwrap_or_else(|error| fail(error));
    }
    let engine = (secs(started.elapsed()), round3(thread_cpu_s() - cpu));
    drop(store);

    let base = Variant {
        name: "same schema and statements as the engine (rusqlite, here)",
        returning_fts_probe: true,
        fts: true,
        secondary_indexes: true,
        cache_mib: None,
        automerge: None,
        batch: BATCH,
        fts_at_end: false,
        fts_per_batch_statement: false,
        fts_without_contentless_delete: false,
    };
    let variants = [
        base,
        Variant {
            name: "without the FTS5 probe in RETURNING",
            returning_fts_probe: false,
            ..base
        },
        Variant {
            name: "page cache 32 MiB (default 2 MiB)",
            cache_mib: Some(32),
            ..base
        },
        Variant {
            name: "without the probe + page cache 32 MiB",
            returning_fts_probe: false,
            cache_mib: Some(32),
            ..base
        },
        Variant {
            name: "FTS5 automerge 0 (no merging during the sync)",
            automerge: Some(0),
            ..base
        },
        Variant {
            name: "transactions of 10,000 rows",
            batch: 10_000,
            ..base
        },
        Variant {
            name: "one transaction for all the rows",
            batch: usize::MAX,
            ..base
        },
        Variant {
            name: "FTS5 without contentless_delete = 1",
            fts_without_contentless_delete: true,
            ..base
        },
        Variant {
            name: "FTS5 rows of each batch by one INSERT … SELECT",
            returning_fts_probe: false,
            fts_per_batch_statement: true,
            ..base
        },
        Variant {
            name: "FTS5 rows written at the end, one INSERT … SELECT",
            returning_fts_probe: false,
            fts_at_end: true,
            ..base
        },
        Variant {
            name: "without FTS5 at all (index built later)",
            returning_fts_probe: false,
            fts: false,
            ..base
        },
        Variant {
            name: "table + UNIQUE only (no FTS5, no secondary index)",
            returning_fts_probe: false,
            fts: false,
            secondary_indexes: false,
            ..base
        },
    ];
    let mut results = vec![
        json!({"variant": "Store::insert_envelopes (the engine)", "wall_s": engine.0, "cpu_s": engine.1}),
    ];
    for variant in variants {
        let (wall, cpu) = lab_variant(&schema, &envelopes, &scratch, variant);
        results.push(json!({"variant": variant.name, "wall_s": wall, "cpu_s": cpu}));
    }
    remove_store(&scratch);
    println!(
        "{}",
        json!({"mode": "insert-lab", "envelopes": envelopes.len(), "batch": BATCH, "results": results})
    );
}

// ------------------------------------------------------------------------------------ whatif

/// Writes one batch the proposed way: the rows, then their FTS5 rows by ONE statement (a statement
/// on an FTS5 table inside a transaction opens a savepoint, and FTS5 flushes its pending terms to
/// a new segment at every savepoint: one statement per message means one segment per message).
fn whatif_insert(db: &mut rusqlite::Connection, envelopes: &[Envelope]) {
    use rusqlite::params;
    let transaction = db.transaction().unwrap_or_else(|e| fail(e));
    {
        let before: i64 = transaction
            .query_row("SELECT coalesce(max(id), 0) FROM message", [], |row| {
                row.get(0)
            })
            .unwrap_or_else(|e| fail(e));
        let mut insert = transaction
            .prepare_cached(LAB_INSERT)
            .unwrap_or_else(|e| fail(e));
        for envelope in envelopes {
            insert
                .execute(params![
                    1,
                    envelope.uid,
                    envelope.modseq.map(|m| m as i64),
                    envelope.flags.0,
                    envelope.date,
                    envelope.size,
                    envelope.subject,
                    envelope.from_name,
                    envelope.from_address,
                    envelope.recipients,
                    envelope.message_id,
                    envelope.in_reply_to,
                    envelope.references,
                    envelope.has_attachment,
                ])
                .unwrap_or_else(|e| fail(e));
        }
        // rows new in this batch have ids above the largest id before it
        transaction
            .execute(
                "INSERT INTO message_text (rowid, subject, correspondents, body)
                   SELECT id, subject, from_name || ' ' || from_address || ' ' || recipients, ''
                   FROM message WHERE id > ?1",
                [before],
            )
            .unwrap_or_else(|e| fail(e));
    }
    transaction.commit().unwrap_or_else(|e| fail(e));
}

fn mode_whatif(args: &Args) {
    let account = account_of(args);
    let credentials = credentials_of(args);
    remove_store(&args.store);
    let runtime = runtime();
    let started = Instant::now();
    // the engine creates the file and its schema
    drop(Store::open(&args.store).unwrap_or_else(|error| fail(error)));
    let mut db = rusqlite::Connection::open(&args.store).unwrap_or_else(|e| fail(e));
    db.pragma_update(None, "journal_mode", "WAL")
        .unwrap_or_else(|e| fail(e));
    db.pragma_update(None, "synchronous", "NORMAL")
        .unwrap_or_else(|e| fail(e));
    db.execute(
        "INSERT INTO folder (id, account, name, role) VALUES (1, ?1, 'INBOX', 'inbox')",
        [&account.name],
    )
    .unwrap_or_else(|e| fail(e));

    let (first, all, count, first_uids) = runtime.block_on(async {
        let mut connection = imap::connect(&account, &credentials)
            .await
            .unwrap_or_else(|error| fail(error));
        let session = &mut connection.session;
        let mailbox = session
            .select_condstore("INBOX")
            .await
            .unwrap_or_else(|error| fail(error));
        let exists = mailbox.exists as usize;
        // 1. the newest 50 by sequence number, before anything else
        let low = exists.saturating_sub(FIRST_BATCH - 1).max(1);
        let fetches: Vec<async_imap::types::Fetch> = session
            .fetch(format!("{low}:{exists}"), ENVELOPE_QUERY)
            .await
            .unwrap_or_else(|error| fail(error))
            .try_collect()
            .await
            .unwrap_or_else(|error| fail(error));
        let envelopes: Vec<Envelope> = fetches.iter().filter_map(envelope_of).collect();
        let first_uids: HashSet<u32> = envelopes.iter().map(|e| e.uid).collect();
        whatif_insert(&mut db, &envelopes);
        let first = started.elapsed();

        // 3. the store on its own thread, the next batch fetched meanwhile
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<Envelope>>(2);
        let writer = std::thread::spawn(move || {
            let mut written = 0;
            for batch in receiver {
                whatif_insert(&mut db, &batch);
                written += batch.len();
            }
            (written, started.elapsed())
        });
        let on_server = session
            .uid_search("ALL")
            .await
            .unwrap_or_else(|error| fail(error));
        let mut rest: Vec<u32> = on_server
            .into_iter()
            .filter(|uid| !first_uids.contains(uid))
            .collect();
        rest.sort_unstable_by_key(|uid| std::cmp::Reverse(*uid));
        for chunk in rest.chunks(BATCH) {
            let fetches: Vec<async_imap::types::Fetch> = session
                .uid_fetch(uid_set(chunk), ENVELOPE_QUERY)
                .await
                .unwrap_or_else(|error| fail(error))
                .try_collect()
                .await
                .unwrap_or_else(|error| fail(error));
            let envelopes: Vec<Envelope> = fetches.iter().filter_map(envelope_of).collect();
            drop(fetches);
            sender.send(envelopes).unwrap_or_else(|e| fail(e));
        }
        drop(sender);
        let _ = session.logout().await;
        let (written, all) = writer.join().unwrap_or_else(|_| fail("writer panicked"));
        (first, all, written + first_uids.len(), first_uids)
    });
    let cpu = process_cpu_s();
    let hwm = vm_hwm_mib();
    let store = Store::open(&args.store).unwrap_or_else(|error| fail(error));
    let inbox = store
        .folder_with_role(&account.name, Role::Inbox)
        .unwrap_or_else(|error| fail(error))
        .unwrap_or_else(|| fail("no INBOX"));
    let uids = store.uids(inbox.id).unwrap_or_else(|error| fail(error));
    let highest: HashSet<u32> = uids.iter().rev().take(FIRST_BATCH).copied().collect();
    let searchable = store
        .search_matches(&every_match(&account.name))
        .map(|hits| hits.len())
        .unwrap_or(0);
    println!(
        "{}",
        json!({
            "mode": "whatif",
            "what": "prototype: newest 50 by sequence before UID SEARCH, one FTS5 statement per batch, store written on its own thread",
            "user": args.user,
            "first_batch_s": secs(first),
            "first_batch_is_50_highest_uids": first_uids == highest,
            "all_envelopes_s": secs(all),
            "process_cpu_s": cpu,
            "vmhwm_mib": (hwm * 10.0).round() / 10.0,
            "count": store.count(inbox.id).unwrap_or(0),
            "written": count,
            "search_hits": searchable,
        })
    );
}

fn main() {
    let args = parse_args();
    match args.mode.as_str() {
        "sync" => mode_sync(&args),
        "reopen" => mode_reopen(&args),
        "profile" => mode_profile(&args),
        "insert-lab" => mode_insert_lab(&args),
        "whatif" => mode_whatif(&args),
        _ => usage(),
    }
}

/// Every match of the sample words in the box, as the window's search asks for them.
fn every_match(account: &str) -> pli_core::mail::store::SearchFilter {
    pli_core::mail::store::SearchFilter {
        words: SEARCH_SAMPLE.into(),
        account: Some(account.into()),
        limit: 1_000_000,
        ..Default::default()
    }
}
