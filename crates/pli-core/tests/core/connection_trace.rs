//! ECO.4.1.1–4.1.2 on the real stack: the connections themselves are in the trace — the
//! worker's sign-ins, a body the reader asked for, a send's SMTP sign-in refused or its server
//! unreachable — by kind, with no secret, no server text and nothing a message says.

use std::time::Duration;

use pli_core::mail::account::Endpoint;
use pli_core::mail::send;
use pli_core::mail::store::Store;
use pli_core::mail::sync::sync_account;
use pli_core::mail::trace_export::export_csv;
use pli_core::mail::worker;
use pli_core::usecase::bodies;
use pli_testkit::*;

const SUBJECT_WORD: &str = "Bilan-Confidentiel-Trace";
const BODY_WORD: &str = "creatinine-cent-douze";

/// The trace as `pli trace export` writes it.
fn exported(store: &Store) -> String {
    let mut csv = Vec::new();
    export_csv(store, None, 6, &mut csv).expect("exported");
    String::from_utf8(csv).expect("utf-8")
}

fn lines_with<'a>(csv: &'a str, words: &[&str]) -> Vec<&'a str> {
    csv.lines()
        .filter(|line| words.iter().all(|word| line.contains(word)))
        .collect()
}

#[test]
fn eco_4_1_1_the_workers_sign_ins_and_a_body_it_fetches_are_in_the_trace() {
    let user = dedicated_user("trace-bodies");
    empty_mailbox(&user);
    let message = format!(
        "From: <labo@ch-test.mssante.fr>\r\nTo: <{user}>\r\nSubject: {SUBJECT_WORD}\r\nMessage-ID: <trace-body.{}@test>\r\n\r\n{BODY_WORD}\r\n",
        std::process::id()
    );
    save_raw(&user, message.as_bytes());
    // Out of INBOX, which the offline copy takes first: the reader's request brings it.
    mailstack(&[
        "doveadm", "move", "-u", &user, "Archives", "mailbox", "INBOX", "all",
    ]);
    let (account, credentials) = box_of(&user);
    let folder = tempfile::tempdir().expect("a folder");
    let store_path = folder.path().join("pli.sqlite");
    let runtime = runtime();
    let (archives, uid) = {
        let mut store = Store::open(&store_path).expect("store");
        runtime
            .block_on(sync_account(
                &account,
                &credentials,
                &mut store,
                &mut |_| {},
            ))
            .expect("synced");
        let archives = store
            .folder(&account.name, "Archives")
            .expect("store")
            .expect("Archives");
        let uid = store.page(archives.id, 0, 1).expect("page")[0].uid;
        (archives, uid)
    };

    runtime.block_on(async {
        let (events_tx, mut events) = tokio::sync::mpsc::channel(256);
        let (commands, orders) = tokio::sync::mpsc::channel(8);
        let load = move |_: &pli_core::mail::account::Account| Ok(credentials.clone());
        let running = tokio::spawn(worker::run(
            account.clone(),
            store_path.clone(),
            load,
            events_tx,
            orders,
        ));
        bodies::fetch(&commands, archives.clone(), uid)
            .await
            .expect("fetched");
        // The worker's waiting connection is up once it says it is up to date.
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            let remaining = deadline.saturating_duration_since(std::time::Instant::now());
            match tokio::time::timeout(remaining, events.recv()).await {
                Ok(Some(worker::Event::Connectivity {
                    state: worker::Connectivity::UpToDate,
                    ..
                })) => break,
                Ok(Some(_)) => {}
                other => panic!("the worker never caught up: {other:?}"),
            }
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        commands.send(worker::Command::Stop).await.expect("stopped");
        let _ = tokio::time::timeout(Duration::from_secs(10), running).await;
    });

    let csv = exported(&Store::open(&store_path).expect("store"));
    for purpose in ["(sync)", "(waiting for news)", "(body)"] {
        let lines = lines_with(&csv, &[",login,", "IMAP LOGIN", &user, purpose]);
        // "OK", said with the revocation status where no list established it (soft-fail).
        assert!(
            lines
                .iter()
                .any(|line| line.contains(",OK") && line.ends_with(",true")),
            "{purpose}: {csv}"
        );
    }
    let read = lines_with(
        &csv,
        &[",read,", &format!("UID FETCH {uid} BODY.PEEK[] (Archives)")],
    );
    assert!(
        read.iter().any(|line| line.ends_with(",OK,true")),
        "the body fetched is traced: {csv}"
    );
    for secret_or_health in [password().expose(), SUBJECT_WORD, BODY_WORD] {
        assert!(
            !csv.contains(secret_or_health),
            "{secret_or_health} in the trace: {csv}"
        );
    }
}

#[test]
fn eco_4_1_1_a_refused_smtp_sign_in_and_an_unreachable_server_are_traced_by_kind() {
    let sender = dedicated_user("trace-refused");
    empty_mailbox(&sender);
    let recipient = dedicated_user("trace-refused-to");
    let (mut account, _) = box_of(&sender);
    let wrong = "not-the-password-4711";
    let refused_credentials = with_password(&account, wrong);
    let mut store = Store::in_memory().expect("store");
    send::queue(
        &store,
        &account,
        &draft(&sender, &recipient, SUBJECT_WORD),
        &policy(&trust_list(), &product()),
    )
    .expect("queued");
    let runtime = runtime();

    // What the worker and `pli sync` call first on every pass.
    let refused = runtime.block_on(send::flush_outbox(
        &account,
        &refused_credentials,
        &mut store,
    ));
    assert!(refused.is_err(), "{refused:?}");
    let csv = exported(&store);
    let sign_in = lines_with(&csv, &[",login,", "SMTP AUTH PLAIN", &sender]);
    assert!(
        sign_in
            .iter()
            .any(|line| line.ends_with(",password refused,false")),
        "the refused sign-in is traced by its kind: {csv}"
    );
    assert!(!csv.contains(wrong), "no password in the trace: {csv}");
    // Postfix says "535 5.7.8 Error: authentication failed: …": its words stay out.
    assert!(
        !csv.to_ascii_lowercase().contains("authentication failed") && !csv.contains("5.7.8"),
        "no server text in the trace: {csv}"
    );

    account.smtp = Endpoint::new("127.0.0.1", 1);
    let unreachable = runtime.block_on(send::flush_outbox(
        &account,
        &with_password(&account, password().expose()),
        &mut store,
    ));
    assert!(unreachable.is_err(), "{unreachable:?}");
    let csv = exported(&store);
    assert!(
        lines_with(&csv, &[",login,", "SMTP AUTH PLAIN", "127.0.0.1:1"])
            .iter()
            .any(|line| line.ends_with(",unreachable,false")),
        "the connection failure is traced: {csv}"
    );
    assert!(!csv.contains(SUBJECT_WORD), "{csv}");
}
