//! Outages, one at a time: Dovecot killed in the middle of a sync, Postfix down during a send.
//! These tests stop servers that every other test uses, so they live in their own test binary
//! (`cargo test` runs binaries one after another) and take a lock against each other.

use pli_core::mail::send::{self};
use pli_core::mail::store::Store;
use pli_core::mail::sync::{sync_account, Progress};
use pli_testkit::*;

/// Holds an exclusive lock on a file of the stack for as long as it lives: nextest runs each
/// test in a process of its own, so a lock in memory would not keep two outages apart.
struct Outage {
    _held: std::fs::File,
}

fn one_outage_at_a_time() -> Outage {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(format!("{}/outage.lock", env("PLI_TEST_DIR")))
        .expect("lock file");
    file.lock().expect("exclusive lock");
    Outage { _held: file }
}

#[test]
fn dovecot_killed_mid_sync_then_restarted_gives_every_message_exactly_once() {
    let _outage = one_outage_at_a_time();
    let user = dedicated_user("killed");
    empty_mailbox(&user);
    mailstack(&["fill", &user, "10000"]);
    let (account, credentials) = box_of(&user);
    let folder = tempfile::tempdir().expect("folder");
    let mut store = Store::open(&folder.path().join("store.sqlite")).expect("store");
    let runtime = runtime();
    let mut killed = false;
    let first = runtime.block_on(sync_account(
        &account,
        &credentials,
        &mut store,
        &mut |progress| {
            if let Progress::Envelopes { done, .. } = progress {
                if done >= 2000 && !killed {
                    killed = true;
                    mailstack(&["kill-dovecot"]);
                }
            }
        },
    ));
    assert!(killed, "the sync went past 2,000 messages");
    assert!(first.is_err(), "the sync noticed the server died");
    let inbox = inbox_of(&store, &account);
    let partial = store.count(inbox.id).expect("count");
    assert!(
        (2000..10_000).contains(&partial),
        "committed batches kept: {partial}"
    );
    mailstack(&["start-dovecot"]);
    runtime
        .block_on(sync_account(
            &account,
            &credentials,
            &mut store,
            &mut |_| {},
        ))
        .expect("sync completes");
    assert_eq!(store.count(inbox.id).expect("count"), 10_000);
    assert_eq!(distinct_message_ids(&store, inbox.id), 10_000);
}

#[test]
fn a_send_while_postfix_is_down_is_queued_and_leaves_once_when_it_returns() {
    let _outage = one_outage_at_a_time();
    let sender = dedicated_user("outbox");
    empty_mailbox(&sender);
    let recipient = dedicated_user("outbox-to");
    empty_mailbox(&recipient);
    let (account, credentials) = box_of(&sender);
    let folder = tempfile::tempdir().expect("folder");
    let path = folder.path().join("store.sqlite");
    let runtime = runtime();
    let message_id = {
        let mut store = Store::open(&path).expect("store");
        let (_, message_id, _) = send::queue(
            &store,
            &account,
            &draft(&sender, &recipient, "Compte rendu"),
            &policy(&trust_list(), &product()),
        )
        .expect("queued");
        mailstack(&["stop-postfix"]);
        let result = runtime.block_on(send::flush_outbox(&account, &credentials, &mut store));
        mailstack(&["start-postfix"]);
        assert!(result.is_err(), "the send fails while Postfix is down");
        assert_eq!(
            store.outbox(&account.name).expect("outbox").len(),
            1,
            "still in the outbox"
        );
        message_id
    };
    // A restart: the outbox is read back from the file.
    let mut store = Store::open(&path).expect("store");
    let report = runtime
        .block_on(send::flush_outbox(&account, &credentials, &mut store))
        .expect("sent");
    assert_eq!(report.submitted, 1);
    assert!(store.outbox(&account.name).expect("outbox").is_empty());
    let again = runtime
        .block_on(send::flush_outbox(&account, &credentials, &mut store))
        .expect("nothing");
    assert_eq!(again.submitted, 0);
    assert_eq!(
        runtime.block_on(wait_for_copies(&recipient, &message_id, 1)),
        1
    );
    assert_eq!(runtime.block_on(copies_of(&sender, "Sent", &message_id)), 1);
}
