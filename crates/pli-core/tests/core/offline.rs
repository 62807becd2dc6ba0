//! The full offline copy against the real stack: a 10,000-message box copied whole and searched
//! with the network cut, a copy cut by the server and resumed without fetching a committed body
//! again (Dovecot's own counts), and a box that keeps its last months only, whose older bodies
//! the server's search still finds.

use std::time::Instant;

use pli_core::mail::account::{Account, Endpoint};
use pli_core::mail::offline_copy::{copy_account, CopyReport};
use pli_core::mail::server_search::search_everywhere;
use pli_core::mail::store::{SearchFilter, Store};
use pli_core::mail::sync::sync_account;
use pli_core::mail::worker;
use pli_testkit::*;

/// A message saved as the oldest of the box (by its Date), with `word` only in its body.
fn save_old_message(user: &str, word: &str) {
    let raw = format!(
        "From: Dr Archives <archives@ch-test.mssante.fr>\r\nTo: <{user}>\r\nSubject: Ancien courrier\r\nDate: Mon, 3 Jan 2011 09:00:00 +0100\r\nMessage-ID: <ancien.{word}@test>\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Le patient pr&eacute;sente une {word} connue.</p>\r\n"
    );
    save_raw(user, raw.as_bytes());
}

fn sync_envelopes(account: &Account, store: &mut Store) {
    let (_, credentials) = box_of(&account.address);
    runtime()
        .block_on(sync_account(account, &credentials, store, &mut |_| {}))
        .expect("envelopes");
}

fn words(account: &Account, words: &str) -> SearchFilter {
    SearchFilter {
        words: words.into(),
        account: Some(account.name.clone()),
        limit: 20,
        ..SearchFilter::default()
    }
}

/// The bodies Dovecot sent to `user`, summed over its IMAP sessions that ended (its logout line
/// counts them: `body_count=`).
fn bodies_sent_to(user: &str) -> u64 {
    let log = std::fs::read_to_string(format!("{}/dovecot.log", env("PLI_TEST_LOG_DIR")))
        .expect("dovecot's log");
    log.lines()
        .filter(|line| line.contains(&format!("imap({user})")))
        .filter_map(|line| line.split("body_count=").nth(1))
        .filter_map(|rest| rest.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
}

/// Waits until Dovecot logged the end of every session of `user` (a logout is logged just
/// after the client leaves).
fn settled_bodies_sent_to(user: &str) -> u64 {
    let mut last = bodies_sent_to(user);
    for _ in 0..20 {
        std::thread::sleep(std::time::Duration::from_millis(250));
        let now = bodies_sent_to(user);
        if now == last {
            return now;
        }
        last = now;
    }
    last
}

#[test]
fn a_10000_message_box_is_copied_whole_and_its_oldest_body_is_found_with_the_network_cut() {
    let user = dedicated_user("offline10k");
    empty_mailbox(&user);
    mailstack(&["fill", &user, "10000"]);
    save_old_message(&user, "pneumoconiose");
    let (account, credentials) = box_of(&user);
    let folder = tempfile::tempdir().expect("a folder");
    let path = folder.path().join("pli.sqlite");
    let mut store = Store::open(&path).expect("store");
    sync_envelopes(&account, &mut store);

    let started = Instant::now();
    let mut updates = 0;
    let report: CopyReport = runtime()
        .block_on(copy_account(
            &account,
            &credentials,
            &mut store,
            &mut |_| updates += 1,
        ))
        .expect("the copy");
    let took = started.elapsed();
    assert_eq!(report.bodies, 10_001, "{report:?}");
    assert!(report.progress.complete(), "{report:?}");
    assert_eq!(report.progress.local, 10_001);
    assert!(updates >= 20, "progress is told as batches land: {updates}");
    drop(store);
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0)
        + std::fs::metadata(path.with_extension("sqlite-wal"))
            .map(|m| m.len())
            .unwrap_or(0);
    eprintln!(
        "offline copy of 10,001 messages ({} MB raw): {took:?}, {:.0} messages/s, store {} MB",
        report.bytes >> 20,
        10_001.0 / took.as_secs_f64(),
        size >> 20
    );

    // The network is cut: the box points at a port where nobody listens.
    let mut cut = account.clone();
    cut.imap = Endpoint::new("127.0.0.1", 1);
    let store = Store::open(&path).expect("store again");
    let started = Instant::now();
    let results = runtime()
        .block_on(search_everywhere(
            &store,
            std::slice::from_ref(&cut),
            &words(&cut, "PNEUMOCONIOSE"),
            &|_| Some(credentials.clone()),
        ))
        .expect("search");
    eprintln!("search over 10,001 bodies: {:?}", started.elapsed());
    assert_eq!(results.found.len(), 1, "{:?}", results.found);
    let found = &results.found[0];
    assert_eq!(found.envelope.subject, "Ancien courrier");
    assert!(!found.on_server);
    assert!(
        found.snippet.contains("présente une pneumoconiose connue"),
        "{}",
        found.snippet
    );
    assert!(
        !results.server_unreachable,
        "every body is local: the server is not needed"
    );
    // Prefix search, as the window's search field types it.
    assert_eq!(
        store
            .search_filtered(&words(&cut, "pneumoco"))
            .expect("prefix")
            .len(),
        1
    );
}

#[test]
fn a_sync_and_copy_on_a_single_threaded_runtime_store_every_envelope_and_body_in_turn() {
    let user = dedicated_user("offline-one-thread");
    empty_mailbox(&user);
    mailstack(&["fill", &user, "1200"]);
    save_old_message(&user, "silicose");
    let (account, credentials) = box_of(&user);
    let mut store = Store::in_memory().expect("store");
    let one_thread = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let synced = one_thread
        .block_on(sync_account(
            &account,
            &credentials,
            &mut store,
            &mut |_| {},
        ))
        .expect("the envelopes");
    assert_eq!(synced.new_messages, 1201, "{synced:?}");
    let report = one_thread
        .block_on(copy_account(
            &account,
            &credentials,
            &mut store,
            &mut |_| {},
        ))
        .expect("the copy");
    assert_eq!(report.bodies, 1201, "{report:?}");
    assert!(report.progress.complete(), "{report:?}");
    let found = store
        .search_filtered(&words(&account, "silicose"))
        .expect("search");
    assert_eq!(found.len(), 1, "the oldest body is indexed: {found:?}");
}

#[test]
fn a_copy_cut_by_the_server_resumes_without_fetching_a_stored_body_again() {
    let user = dedicated_user("offline-resume");
    empty_mailbox(&user);
    mailstack(&["fill", &user, "3000"]);
    let (account, credentials) = box_of(&user);
    let mut store = Store::in_memory().expect("store");
    sync_envelopes(&account, &mut store);
    let before = settled_bodies_sent_to(&user);

    // The server drops the connection once a third of the bodies are in.
    let mut kicked = false;
    let cut = runtime().block_on(copy_account(
        &account,
        &credentials,
        &mut store,
        &mut |progress| {
            if !kicked && progress.local >= 1000 {
                kicked = true;
                kick(&user);
            }
        },
    ));
    assert!(kicked && cut.is_err(), "the copy was cut: {cut:?}");
    let local_after_cut = store
        .offline_progress(&account.name, None)
        .expect("progress")
        .local;
    assert!((1000..3000).contains(&local_after_cut), "{local_after_cut}");
    let sent_before_resume = settled_bodies_sent_to(&user);

    let resumed = runtime()
        .block_on(copy_account(
            &account,
            &credentials,
            &mut store,
            &mut |_| {},
        ))
        .expect("the copy resumes");
    assert!(resumed.progress.complete(), "{resumed:?}");
    assert_eq!(resumed.progress.local, 3000);
    assert_eq!(
        resumed.bodies,
        3000 - local_after_cut,
        "the resumed copy fetches only the missing bodies"
    );
    let sent_by_resume = settled_bodies_sent_to(&user) - sent_before_resume;
    assert_eq!(
        sent_by_resume,
        (3000 - local_after_cut) as u64,
        "Dovecot sent each missing body once and no stored one"
    );
    let in_flight = sent_before_resume - before - local_after_cut as u64;
    eprintln!("cut after {local_after_cut} bodies; {in_flight} were on the wire and came again");
    assert!(
        in_flight <= pli_core::mail::offline_copy::BATCH_MESSAGES as u64,
        "what had arrived was written: only the batch on the wire comes again: {in_flight}"
    );
}

#[test]
fn a_box_keeping_its_last_months_drops_older_bodies_and_the_server_search_finds_them() {
    let user = dedicated_user("offline-months");
    empty_mailbox(&user);
    mailstack(&["fill", &user, "300"]);
    save_old_message(&user, "sarcoïdose");
    let (mut account, credentials) = box_of(&user);
    let mut store = Store::in_memory().expect("store");
    sync_envelopes(&account, &mut store);
    let everything = runtime()
        .block_on(copy_account(
            &account,
            &credentials,
            &mut store,
            &mut |_| {},
        ))
        .expect("copy everything");
    assert_eq!(everything.progress.local, 301);
    assert_eq!(
        store
            .search_filtered(&words(&account, "sarcoidose"))
            .expect("search")
            .len(),
        1
    );

    account.offline_months = Some(6);
    let kept = runtime()
        .block_on(copy_account(
            &account,
            &credentials,
            &mut store,
            &mut |_| {},
        ))
        .expect("keep six months");
    assert!(kept.dropped > 100, "{kept:?}");
    assert_eq!(kept.progress.total, 301, "every envelope stays");
    assert_eq!(kept.progress.local, 301 - kept.dropped);
    assert!(kept.progress.complete(), "{kept:?}");
    assert!(
        store
            .search_filtered(&words(&account, "sarcoidose"))
            .expect("search")
            .is_empty(),
        "the old body is no longer on this computer, nor in its index"
    );
    assert_eq!(
        store
            .search_filtered(&words(&account, "ancien courrier"))
            .expect("search")
            .len(),
        1,
        "its envelope is still searched"
    );

    let results = runtime()
        .block_on(search_everywhere(
            &store,
            std::slice::from_ref(&account),
            &words(&account, "sarcoïdose"),
            &|_| Some(credentials.clone()),
        ))
        .expect("search everywhere");
    assert_eq!(results.found.len(), 1, "{:?}", results.found);
    assert!(results.found[0].on_server, "{:?}", results.found[0]);
    assert_eq!(results.found[0].envelope.subject, "Ancien courrier");
    // The server asked is in the trace (ECO.4.1.1), never the words searched.
    let trace = store.trace_since(None).expect("trace");
    assert!(
        trace
            .iter()
            .any(|line| line.action == "login" && line.request.ends_with("(search)") && line.ok),
        "{trace:?}"
    );
    assert!(
        !trace
            .iter()
            .any(|line| line.request.to_lowercase().contains("sarco")),
        "{trace:?}"
    );

    let offline = runtime()
        .block_on(search_everywhere(
            &store,
            std::slice::from_ref(&account),
            &words(&account, "sarcoïdose"),
            &|_| None,
        ))
        .expect("search offline");
    assert!(offline.found.is_empty());
    assert!(
        offline.server_unreachable,
        "the results say they may be incomplete"
    );
}

#[test]
fn the_worker_copies_every_folder_in_the_background_and_says_how_far() {
    let user = dedicated_user("offline-worker");
    empty_mailbox(&user);
    mailstack(&["fill", &user, "1200"]);
    mailstack(&["fill", &user, "300", "Archives"]);
    let (account, credentials) = box_of(&user);
    let folder = tempfile::tempdir().expect("a folder");
    let store_path = folder.path().join("pli.sqlite");
    let runtime = runtime();
    let told = runtime.block_on(async {
        let (events_tx, mut events) = tokio::sync::mpsc::channel(1024);
        let (commands, orders) = tokio::sync::mpsc::channel(8);
        let load = move |_: &Account| Ok(credentials.clone());
        let running = tokio::spawn(worker::run(
            account.clone(),
            store_path.clone(),
            load,
            events_tx,
            orders,
        ));
        let mut told = Vec::new();
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(120);
        while let Ok(Some(event)) = tokio::time::timeout_at(deadline, events.recv()).await {
            if let worker::Event::OfflineCopy { progress, .. } = event {
                told.push(progress);
                if progress.complete() {
                    break;
                }
            }
        }
        commands.send(worker::Command::Stop).await.expect("stopped");
        let _ = tokio::time::timeout(std::time::Duration::from_secs(10), running).await;
        told
    });
    let last = told.last().copied().unwrap_or_default();
    assert!(last.complete(), "the copy ended: {told:?}");
    assert_eq!((last.local, last.total), (1500, 1500));
    assert!(
        told.len() >= 3,
        "progress is told as batches land: {told:?}"
    );
    let store = Store::open(&store_path).expect("store");
    let archives = store
        .folder(&account.name, "Archives")
        .expect("store")
        .expect("Archives");
    assert!(
        store
            .bodies_to_copy(archives.id, None, 10)
            .expect("read")
            .is_empty(),
        "every folder is copied, not only INBOX"
    );
}
