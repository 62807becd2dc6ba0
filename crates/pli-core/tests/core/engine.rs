//! The mail engine against the real stack: sync at 10,000 messages, flag changes, expunges,
//! UIDVALIDITY, IDLE push, a server killed mid-sync, sends while the server is down, and a
//! process stopped between acceptance and the copy in Sent.

use std::time::{Duration, Instant};

use futures::TryStreamExt;
use pli_core::mail::account::Account;
use pli_core::mail::send::{self};
use pli_core::mail::store::{Flags, OutboxState, Store};
use pli_core::mail::sync::{sync_account, sync_account_using, Extensions, Progress, SyncReport};
use pli_core::mail::worker;
use pli_testkit::*;

#[test]
fn a_10000_message_mailbox_syncs_each_message_exactly_once() {
    let user = dedicated_user("sync10k");
    empty_mailbox(&user);
    mailstack(&["fill", &user, "10000"]);
    let (account, credentials) = box_of(&user);
    let mut store = Store::in_memory().expect("store");
    let runtime = runtime();
    let mut first_batch_at = None;
    let started = Instant::now();
    let report = runtime
        .block_on(sync_account(
            &account,
            &credentials,
            &mut store,
            &mut |progress| {
                if let Progress::Envelopes { done, .. } = progress {
                    if first_batch_at.is_none() && done > 0 {
                        first_batch_at = Some(started.elapsed());
                    }
                }
            },
        ))
        .expect("sync");
    let inbox = inbox_of(&store, &account);
    assert_eq!(store.count(inbox.id).expect("count"), 10_000);
    assert_eq!(distinct_message_ids(&store, inbox.id), 10_000);
    assert_eq!(report.new_messages, 10_000);
    let newest = store.page(inbox.id, 0, 1).expect("page");
    let all_dates: Vec<i64> = store
        .page(inbox.id, 0, 10_000)
        .expect("page")
        .iter()
        .map(|e| e.date)
        .collect();
    assert_eq!(newest[0].date, *all_dates.iter().max().expect("dates"));
    eprintln!(
        "10,000 envelopes: first batch after {first_batch_at:?}, all after {:?}",
        started.elapsed()
    );

    let again = runtime
        .block_on(sync_account(
            &account,
            &credentials,
            &mut store,
            &mut |_| {},
        ))
        .expect("resync");
    assert_eq!(again.new_messages, 0);
    assert_eq!(again.removed, 0);
    assert_eq!(
        again.full_listings, 0,
        "nothing changed: the SELECT says so, no UID is listed"
    );
}

/// A flag set and a message expunged by another client, then a resync with only `extensions`
/// allowed; returns the report of the resync.
fn flag_and_expunge_seen_with(user: &str, extensions: Extensions) -> SyncReport {
    let user = user.to_string();
    empty_mailbox(&user);
    mailstack(&["fill", &user, "5"]);
    let (account, credentials) = box_of(&user);
    let mut store = Store::in_memory().expect("store");
    let runtime = runtime();
    runtime
        .block_on(sync_account_using(
            &account,
            &credentials,
            &mut store,
            extensions,
            &mut |_| {},
        ))
        .expect("sync");
    let inbox = inbox_of(&store, &account);
    let uids = store.uids(inbox.id).expect("uids");
    let (flag_uid, gone_uid) = (uids[0], uids[1]);

    runtime.block_on(async {
        let mut session = server_session(&user).await;
        session.select("INBOX").await.expect("select");
        let _: Vec<_> = session
            .uid_store(flag_uid.to_string(), "+FLAGS.SILENT (\\Flagged)")
            .await
            .expect("store")
            .try_collect()
            .await
            .expect("stored");
        let _: Vec<_> = session
            .uid_store(gone_uid.to_string(), "+FLAGS.SILENT (\\Deleted)")
            .await
            .expect("store")
            .try_collect()
            .await
            .expect("stored");
        let _: Vec<_> = session
            .expunge()
            .await
            .expect("expunge")
            .try_collect()
            .await
            .expect("expunged");
        session.logout().await.expect("logout");
    });

    let report = runtime
        .block_on(sync_account_using(
            &account,
            &credentials,
            &mut store,
            extensions,
            &mut |_| {},
        ))
        .expect("resync");
    let inbox = inbox_of(&store, &account);
    assert!(store
        .envelope(inbox.id, flag_uid)
        .expect("read")
        .expect("kept")
        .flags
        .has(Flags::FLAGGED));
    assert!(store.envelope(inbox.id, gone_uid).expect("read").is_none());
    assert_eq!(report.removed, 1);
    assert_eq!(store.count(inbox.id).expect("count"), 4);
    report
}

#[test]
fn qresync_brings_a_flag_change_and_an_expunge_in_one_round_trip() {
    let report = flag_and_expunge_seen_with(&dedicated_user("flags"), Extensions::ALL);
    assert_eq!(report.full_listings, 0, "QRESYNC answered: {report:?}");
    assert_eq!(
        report.flag_changes, 1,
        "only the changed message: {report:?}"
    );
}

#[test]
fn condstore_without_qresync_lists_the_uids_once_per_changed_folder() {
    let report = flag_and_expunge_seen_with(
        &dedicated_user("flagscondstore"),
        Extensions {
            condstore: true,
            qresync: false,
        },
    );
    assert_eq!(report.full_listings, 1, "INBOX only: {report:?}");
    assert_eq!(
        report.flag_changes, 1,
        "only the changed message: {report:?}"
    );
}

#[test]
fn the_plain_fallback_without_condstore_sees_flag_changes_and_expunges() {
    let report = flag_and_expunge_seen_with(&dedicated_user("flagsplain"), Extensions::NONE);
    assert_eq!(report.full_listings, report.folders, "{report:?}");
    assert_eq!(
        report.flag_changes, 4,
        "every flag is read again: {report:?}"
    );
}

#[test]
fn a_new_uidvalidity_refetches_the_folder() {
    let user = dedicated_user("uidvalidity");
    empty_mailbox(&user);
    mailstack(&["fill", &user, "20"]);
    let (account, credentials) = box_of(&user);
    let mut store = Store::in_memory().expect("store");
    let runtime = runtime();
    runtime
        .block_on(sync_account(
            &account,
            &credentials,
            &mut store,
            &mut |_| {},
        ))
        .expect("sync");
    let before = inbox_of(&store, &account).uidvalidity;
    let fresh = (chrono::Utc::now().timestamp() % 1_000_000_000) as u32 + 1;
    mailstack(&[
        "doveadm",
        "mailbox",
        "update",
        "--uid-validity",
        &fresh.to_string(),
        "-u",
        &user,
        "INBOX",
    ]);
    runtime
        .block_on(sync_account(
            &account,
            &credentials,
            &mut store,
            &mut |_| {},
        ))
        .expect("resync");
    let inbox = inbox_of(&store, &account);
    assert_ne!(inbox.uidvalidity, before);
    assert_eq!(inbox.uidvalidity, Some(fresh));
    assert_eq!(store.count(inbox.id).expect("count"), 20);
    assert_eq!(distinct_message_ids(&store, inbox.id), 20);
}

#[test]
fn offline_actions_are_replayed_in_order_exactly_once() {
    let user = dedicated_user("offline");
    empty_mailbox(&user);
    mailstack(&["fill", &user, "3"]);
    let (account, credentials) = box_of(&user);
    let mut store = Store::in_memory().expect("store");
    let runtime = runtime();
    runtime
        .block_on(sync_account(
            &account,
            &credentials,
            &mut store,
            &mut |_| {},
        ))
        .expect("sync");
    let inbox = inbox_of(&store, &account);
    let uids = store.uids(inbox.id).expect("uids");
    // Offline: unread → read → flagged, and one message to Trash.
    store
        .set_flag(&account.name, &inbox, uids[0], Flags::SEEN, false)
        .expect("local");
    store
        .set_flag(&account.name, &inbox, uids[0], Flags::FLAGGED, true)
        .expect("local");
    store
        .move_message(&account.name, &inbox, uids[1], "Trash")
        .expect("local");
    assert_eq!(
        store.count(inbox.id).expect("count"),
        2,
        "applied to the store at once"
    );

    let report = runtime
        .block_on(sync_account(
            &account,
            &credentials,
            &mut store,
            &mut |_| {},
        ))
        .expect("sync");
    assert_eq!(report.replayed_actions, 3);
    assert!(store
        .pending_actions(&account.name)
        .expect("queue")
        .is_empty());
    let inbox = inbox_of(&store, &account);
    let kept = store
        .envelope(inbox.id, uids[0])
        .expect("read")
        .expect("kept");
    assert!(kept.flags.has(Flags::FLAGGED) && !kept.flags.has(Flags::SEEN));
    let trash = store
        .folder(&account.name, "Trash")
        .expect("store")
        .expect("Trash");
    assert_eq!(store.count(trash.id).expect("count"), 1);
    assert_eq!(store.count(inbox.id).expect("count"), 2);
}

#[test]
fn new_mail_is_pushed_through_idle_within_2_seconds() {
    let user = dedicated_user("idle");
    empty_mailbox(&user);
    let (account, credentials) = box_of(&user);
    let folder = tempfile::tempdir().expect("folder");
    let store_path = folder.path().join("store.sqlite");
    let runtime = runtime();
    runtime.block_on(async {
        let (events_tx, mut events) = tokio::sync::mpsc::channel(64);
        let (commands, commands_rx) = tokio::sync::mpsc::channel(4);
        let load = move |_: &Account| Ok(credentials.clone());
        let worker = tokio::spawn(worker::run(
            account.clone(),
            store_path,
            load,
            events_tx,
            commands_rx,
        ));
        // Wait until the worker is idle on an up-to-date INBOX.
        loop {
            match tokio::time::timeout(Duration::from_secs(30), events.recv())
                .await
                .expect("worker answers")
            {
                Some(worker::Event::Connectivity {
                    state: worker::Connectivity::UpToDate,
                    ..
                }) => break,
                Some(worker::Event::Connectivity {
                    state: worker::Connectivity::Offline { reason, .. },
                    ..
                }) => {
                    panic!("offline: {reason}")
                }
                Some(_) => {}
                None => panic!("worker stopped"),
            }
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        let sent_at = Instant::now();
        tokio::task::spawn_blocking(move || {
            inject("labo@ch-test.mssante.fr", &user, "Résultats", "Bonjour")
        })
        .await
        .expect("injected");
        let latency = loop {
            match tokio::time::timeout(Duration::from_secs(10), events.recv())
                .await
                .expect("pushed")
            {
                Some(worker::Event::NewMail { count, .. }) => {
                    assert_eq!(count, 1);
                    break sent_at.elapsed();
                }
                Some(_) => {}
                None => panic!("worker stopped"),
            }
        };
        eprintln!("IDLE push latency: {latency:?}");
        assert!(
            latency <= Duration::from_secs(2),
            "pushed after {latency:?}"
        );
        commands.send(worker::Command::Stop).await.expect("stop");
        let _ = tokio::time::timeout(Duration::from_secs(10), worker).await;
    });
}

#[test]
fn a_process_stopped_between_acceptance_and_the_sent_copy_does_not_send_twice() {
    let sender = dedicated_user("crash");
    empty_mailbox(&sender);
    let recipient = dedicated_user("crash-to");
    empty_mailbox(&recipient);
    let (account, credentials) = box_of(&sender);
    let folder = tempfile::tempdir().expect("folder");
    let path = folder.path().join("store.sqlite");
    let runtime = runtime();
    let message_id = {
        let mut store = Store::open(&path).expect("store");
        let (id, message_id, _) = send::queue(
            &store,
            &account,
            &draft(&sender, &recipient, "Ordonnance"),
            &policy(&trust_list(), &product()),
        )
        .expect("queued");
        let report = runtime
            .block_on(send::submit_queued(&account, &credentials, &mut store))
            .expect("submitted");
        assert_eq!(report.submitted, 1);
        assert_eq!(
            store
                .outbox(&account.name)
                .expect("outbox")
                .iter()
                .find(|queued| queued.id == id)
                .map(|queued| queued.state),
            Some(OutboxState::Accepted)
        );
        message_id
        // The process stops here: the store is dropped before the copy to Sent.
    };
    let mut store = Store::open(&path).expect("store");
    let report = runtime
        .block_on(send::flush_outbox(&account, &credentials, &mut store))
        .expect("resumed");
    assert_eq!(report.submitted, 0, "never submitted twice");
    assert_eq!(report.copied_to_sent, 1);
    assert_eq!(
        runtime.block_on(wait_for_copies(&recipient, &message_id, 1)),
        1
    );
    assert_eq!(runtime.block_on(copies_of(&sender, "Sent", &message_id)), 1);
}

#[test]
fn headers_on_the_wire_carry_dsn_mdn_and_identifiers() {
    let sender = dedicated_user("wire");
    empty_mailbox(&sender);
    let recipient = dedicated_user("wire-to");
    empty_mailbox(&recipient);
    let (account, credentials) = box_of(&sender);
    let mut store = Store::in_memory().expect("store");
    let mut message = draft(&sender, &recipient, "Accusés");
    message.in_reply_to = Some("<origin@ch-test.mssante.fr>".into());
    message.references = Some("<first@ch-test.mssante.fr> <origin@ch-test.mssante.fr>".into());
    let runtime = runtime();
    let (_, message_id, _) = send::queue(
        &store,
        &account,
        &message,
        &policy(&trust_list(), &product()),
    )
    .expect("queued");
    runtime
        .block_on(send::flush_outbox(&account, &credentials, &mut store))
        .expect("sent");
    assert_eq!(
        runtime.block_on(wait_for_copies(&recipient, &message_id, 1)),
        1
    );
    let raw = runtime.block_on(async {
        let mut session = server_session(&recipient).await;
        session.select("INBOX").await.expect("select");
        let id = message_id.trim_matches(|c| c == '<' || c == '>');
        let uids = session
            .uid_search(format!("HEADER Message-ID \"{id}\""))
            .await
            .expect("search");
        let uid = uids.into_iter().next().expect("delivered");
        pli_core::mail::sync::fetch_raw(&mut session, uid)
            .await
            .expect("fetched")
            .expect("body")
    });
    let text = String::from_utf8_lossy(&raw);
    assert!(text.contains("Disposition-Notification-To:"), "{text}");
    assert!(
        text.contains("In-Reply-To: <origin@ch-test.mssante.fr>"),
        "{text}"
    );
    assert!(
        text.contains("References: <first@ch-test.mssante.fr> <origin@ch-test.mssante.fr>"),
        "{text}"
    );
    assert!(text.contains("charset=utf-8"), "{text}");
    // NOTIFY=SUCCESS reached Postfix: it reports the delivery to the sender.
    let report = runtime.block_on(async {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let mut session = server_session(&sender).await;
            session.select("INBOX").await.expect("select");
            let found = session
                .uid_search("HEADER Content-Type \"delivery-status\"")
                .await
                .expect("search");
            let _ = session.logout().await;
            if !found.is_empty() || Instant::now() > deadline {
                break found.len();
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    });
    assert_eq!(
        report, 1,
        "one delivery status notification came back to the sender"
    );
}

#[test]
fn a_20_mb_attachment_is_fetched_in_pieces_and_stored_byte_for_byte() {
    let user = dedicated_user("large");
    empty_mailbox(&user);
    // A 20 MB scan, base64 in the message as a real one would be.
    let scan: Vec<u8> = (0..20_000_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let encoded = base64_lines(&scan);
    let message = format!(
        "From: <imagerie@ch-test.mssante.fr>\r\nTo: <{user}>\r\nSubject: Scanner thoracique\r\nMessage-ID: <scan.{}@test>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nCi-joint le scanner.\r\n--b\r\nContent-Type: application/octet-stream; name=\"scanner.dcm\"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"scanner.dcm\"\r\n\r\n{encoded}--b--\r\n",
        std::process::id()
    );
    inject_raw("imagerie@ch-test.mssante.fr", &user, &message);
    let (account, credentials) = box_of(&user);
    let mut store = Store::in_memory().expect("store");
    let runtime = runtime();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        runtime
            .block_on(sync_account(
                &account,
                &credentials,
                &mut store,
                &mut |_| {},
            ))
            .expect("sync");
        if store.count(inbox_of(&store, &account).id).expect("count") == 1 {
            break;
        }
        assert!(Instant::now() < deadline, "the 20 MB message never arrived");
        std::thread::sleep(Duration::from_millis(300));
    }
    let inbox = inbox_of(&store, &account);
    let envelope = store.page(inbox.id, 0, 1).expect("page").remove(0);
    assert!(
        envelope.size > 26_000_000,
        "announced size {}",
        envelope.size
    );
    let whole = runtime.block_on(async {
        let mut session = server_session(&user).await;
        session.examine("INBOX").await.expect("examine");
        let stored = pli_core::mail::sync::fetch_body(
            &mut session,
            &mut store,
            &inbox,
            envelope.uid,
            envelope.size,
            &|_| "scanner".to_string(),
        )
        .await
        .expect("fetched in pieces");
        let whole = pli_core::mail::sync::fetch_raw(&mut session, envelope.uid)
            .await
            .expect("whole")
            .expect("body");
        assert_eq!(stored, whole.len());
        whole
    });
    let raw = store
        .raw(inbox.id, envelope.uid)
        .expect("read")
        .expect("stored");
    assert_eq!(raw.len(), whole.len());
    assert!(
        raw == whole,
        "the pieces make the same bytes as the whole message"
    );
}

fn base64_lines(bytes: &[u8]) -> String {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
    let mut out = String::with_capacity(encoded.len() + encoded.len() / 76 * 2 + 2);
    for line in encoded.as_bytes().chunks(76) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push_str("\r\n");
    }
    out
}

#[test]
fn malformed_messages_are_stored_and_read_without_a_crash() {
    let user = dedicated_user("corpus");
    empty_mailbox(&user);
    let mut corpus: Vec<(String, Vec<u8>)> = std::fs::read_dir("tests/corpus")
        .expect("corpus")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|extension| extension == "eml"))
        .map(|path| {
            (
                path.display().to_string(),
                std::fs::read(&path).expect("readable"),
            )
        })
        .collect();
    corpus.sort();
    assert!(corpus.len() >= 15, "the corpus is there");
    for (_, raw) in &corpus {
        // As a server stores it: CRLF line ends.
        let crlf = String::from_utf8_lossy(raw)
            .replace("\r\n", "\n")
            .replace('\n', "\r\n");
        save_raw(&user, if raw.is_ascii() { crlf.as_bytes() } else { raw });
    }
    let (account, credentials) = box_of(&user);
    let mut store = Store::in_memory().expect("store");
    let runtime = runtime();
    runtime
        .block_on(sync_account(
            &account,
            &credentials,
            &mut store,
            &mut |_| {},
        ))
        .expect("sync");
    let inbox = inbox_of(&store, &account);
    assert_eq!(
        store.count(inbox.id).expect("count"),
        corpus.len(),
        "every message stored"
    );
    let fetched = runtime
        .block_on(pli_core::mail::offline_copy::copy_account(
            &account,
            &credentials,
            &mut store,
            &mut |_| {},
        ))
        .expect("bodies")
        .bodies;
    assert_eq!(fetched, corpus.len());
    for envelope in store.page(inbox.id, 0, 1000).expect("page") {
        let raw = store
            .raw(inbox.id, envelope.uid)
            .expect("read")
            .expect("stored");
        let model = pli_core::mail::mime::read_message(&raw);
        assert!(!raw.is_empty());
        let _ = (model.subject, model.text);
    }
}

#[test]
fn eco_1_2_3_a_broken_box_never_blocks_another_and_each_says_why() {
    let good_user = dedicated_user("worker-good");
    let (good, good_credentials) = box_of(&good_user);
    let (mut refused, _) = box_of(&dedicated_user("worker-refused"));
    refused.name = "refused".into();
    let refused_credentials = with_password(&refused, "wrong");
    let (mut untrusted, untrusted_credentials) = box_of(&dedicated_user("worker-untrusted"));
    untrusted.name = "untrusted".into();
    untrusted.imap = endpoint("PLI_TEST_IMAPS_UNTRUSTED");
    untrusted.smtp = endpoint("PLI_TEST_SMTP_SUBMISSIONS_UNTRUSTED");
    let (mut offline, offline_credentials) = box_of(&dedicated_user("worker-offline"));
    offline.name = "offline".into();
    offline.imap = pli_core::mail::account::Endpoint::new("127.0.0.1", 1);
    offline.smtp = pli_core::mail::account::Endpoint::new("127.0.0.1", 1);

    let folder = tempfile::tempdir().expect("folder");
    let states = settled_states(
        vec![
            (offline, offline_credentials),
            (refused, refused_credentials),
            (untrusted, untrusted_credentials),
            (good, good_credentials),
        ],
        folder.path(),
    );
    assert!(
        matches!(states["worker-good"], worker::Connectivity::UpToDate),
        "{states:?}"
    );
    assert!(
        matches!(
            states["refused"],
            worker::Connectivity::AuthenticationRefused { .. }
        ),
        "{states:?}"
    );
    assert!(
        matches!(
            states["untrusted"],
            worker::Connectivity::CertificateRefused { .. }
        ),
        "{states:?}"
    );
    assert!(
        matches!(states["offline"], worker::Connectivity::Offline { .. }),
        "{states:?}"
    );
}

/// Runs one worker per box until each has settled (up to date, or refused and why), then stops
/// them; returns each box's settled state by name.
pub(crate) fn settled_states(
    boxes: Vec<(Account, pli_core::mail::connect::Credentials)>,
    folder: &std::path::Path,
) -> std::collections::HashMap<String, worker::Connectivity> {
    runtime().block_on(async {
        let (events_tx, mut events) = tokio::sync::mpsc::channel(256);
        let mut stops = Vec::new();
        let wanted = boxes.len();
        for (account, credentials) in boxes {
            let (commands, commands_rx) = tokio::sync::mpsc::channel(4);
            let path = folder.join(format!("{}.sqlite", account.name));
            let load = move |_: &Account| Ok(credentials.clone());
            tokio::spawn(worker::run(
                account,
                path,
                load,
                events_tx.clone(),
                commands_rx,
            ));
            stops.push(commands);
        }
        let mut states = std::collections::HashMap::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        while states.len() < wanted {
            let remaining = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(remaining, events.recv()).await {
                Ok(Some(worker::Event::Connectivity { account, state })) => match state {
                    worker::Connectivity::Connecting | worker::Connectivity::Syncing { .. } => {}
                    other => {
                        states.insert(account, other);
                    }
                },
                Ok(Some(_)) => {}
                _ => panic!("not every box reported in time: {states:?}"),
            }
        }
        for stop in stops {
            let _ = stop.send(worker::Command::Stop).await;
        }
        states
    })
}
