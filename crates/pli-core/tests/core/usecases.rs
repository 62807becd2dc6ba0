//! The use cases both faces call (`pli_core::usecase`), on the real keyring and the real servers:
//! a box added, tested and removed; an add whose file cannot be written leaving no secret behind;
//! bodies fetched by the box's worker, and an offline worker saying so at once.

use std::time::{Duration, Instant};

use pli_core::mail::account::{load_accounts, AccountError, AccountsFileError, Endpoint, Security};
use pli_core::mail::connect::{ConnectError, Credentials};
use pli_core::mail::secrets::{Secret, SecretKind, Secrets};
use pli_core::mail::store::{Folder, Store};
use pli_core::mail::sync::sync_account;
use pli_core::mail::worker::{self, BodyError};
use pli_core::profile::Profile;
use pli_core::usecase::accounts::{self, AccountsError};
use pli_core::usecase::{bodies, credentials};
use pli_testkit::*;

fn keyring_of(profile: &Profile) -> Secrets {
    Secrets::os(profile.keyring_service()).expect("the Secret Service of run.sh")
}

#[test]
fn a_box_is_added_tested_and_removed_with_its_secret() {
    let folder = tempfile::tempdir().expect("a profile folder");
    let profile = Profile::at(folder.path());
    let account = account(&doctor(), Security::Tls);

    let added = accounts::add(&profile, account.clone(), Some(&password())).expect("added");
    assert_eq!(added, account);
    let saved = load_accounts(&profile.accounts_file()).expect("readable");
    assert_eq!(saved.accounts, std::slice::from_ref(&account));
    let file = std::fs::read_to_string(profile.accounts_file()).expect("accounts.toml");
    assert!(!file.contains(password().expose()), "no secret in the file");
    let keyring = keyring_of(&profile);
    assert_eq!(
        keyring
            .get(&account.name, SecretKind::Password)
            .expect("in the keyring")
            .expose(),
        password().expose()
    );
    assert!(
        matches!(
            accounts::add(&profile, account.clone(), Some(&password())),
            Err(AccountsError::Invalid(AccountError::Duplicate(_)))
        ),
        "a name is one box"
    );

    let credentials =
        credentials::load_blocking(&account, profile.keyring_service()).expect("from the keyring");
    let report = runtime().block_on(accounts::test(&account, &credentials));
    assert!(
        report
            .imap
            .as_ref()
            .is_ok_and(|capabilities| capabilities.iter().any(|c| c == "IMAP4rev1")),
        "{report:?}"
    );
    assert!(
        report
            .smtp
            .as_ref()
            .is_ok_and(|capabilities| capabilities.iter().any(|c| c.contains("AUTH"))),
        "{report:?}"
    );

    let removed = accounts::remove(&profile, &account.name).expect("removed");
    assert_eq!(removed, account);
    let saved = load_accounts(&profile.accounts_file()).expect("readable");
    assert!(saved.accounts.is_empty(), "{:?}", saved.accounts);
    for kind in SecretKind::ALL {
        assert!(
            keyring.find(&account.name, kind).expect("asked").is_none(),
            "{kind:?} left in the keyring"
        );
    }
    assert!(matches!(
        accounts::remove(&profile, &account.name),
        Err(AccountsError::Invalid(AccountError::Unknown(_)))
    ));
}

#[test]
fn a_test_with_a_typed_password_touches_no_keyring_and_both_servers_refuse_a_wrong_one() {
    let folder = tempfile::tempdir().expect("a profile folder");
    let profile = Profile::at(folder.path());
    let account = account(&doctor(), Security::Starttls);
    let typed = Credentials::with_secret(&account, Some(&Secret::new("not the password")))
        .expect("a password needs no file");
    let report = runtime().block_on(accounts::test(&account, &typed));
    assert!(
        matches!(report.imap, Err(ConnectError::WrongPassword { .. })),
        "{report:?}"
    );
    assert!(report.smtp.is_err(), "{report:?}");
    assert!(keyring_of(&profile)
        .find(&account.name, SecretKind::Password)
        .expect("asked")
        .is_none());
}

#[test]
fn an_add_whose_accounts_file_cannot_be_written_leaves_no_secret_in_the_keyring() {
    let folder = tempfile::tempdir().expect("a profile folder");
    let profile = Profile::at(folder.path());
    // The tests run as root, whom a read-only folder does not stop: a folder where the new
    // accounts.toml is first written (accounts.toml.tmp) makes the write fail for anyone.
    std::fs::create_dir_all(profile.accounts_file().with_extension("toml.tmp"))
        .expect("the obstacle");
    let account = pli_core::mail::account::Account {
        name: "rollback".into(),
        ..account(&doctor(), Security::Tls)
    };

    let error = accounts::add(&profile, account, Some(&password())).expect_err("not written");
    assert!(
        matches!(error, AccountsError::File(AccountsFileError::Write { .. })),
        "the failure came after the secret was stored: {error:?}"
    );
    let keyring = keyring_of(&profile);
    for kind in SecretKind::ALL {
        assert!(
            keyring.find("rollback", kind).expect("asked").is_none(),
            "{kind:?} left in the keyring"
        );
    }
    let saved = load_accounts(&profile.accounts_file()).expect("readable");
    assert!(saved.accounts.is_empty(), "{:?}", saved.accounts);
}

/// Waits for the worker to say `wanted`, failing on anything the box should not reach.
async fn until_state(
    events: &mut tokio::sync::mpsc::Receiver<worker::Event>,
    wanted: fn(&worker::Connectivity) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let remaining = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(remaining, events.recv()).await {
            Ok(Some(worker::Event::Connectivity { state, .. })) if wanted(&state) => return,
            Ok(Some(_)) => {}
            Ok(None) => panic!("the worker stopped"),
            Err(_) => panic!("the worker never reached the state"),
        }
    }
}

#[test]
fn the_worker_fetches_the_bodies_the_reader_asks_for() {
    let user = dedicated_user("bodies");
    empty_mailbox(&user);
    for (number, text) in [(1, "Premier corps"), (2, "Second corps")] {
        let message = format!(
            "From: <labo@ch-test.mssante.fr>\r\nTo: <{user}>\r\nSubject: Compte rendu {number}\r\nMessage-ID: <bodies-{number}.{}@test>\r\n\r\n{text}\r\n",
            std::process::id()
        );
        save_raw(&user, message.as_bytes());
    }
    // Out of INBOX: the worker's offline copy takes INBOX first, so the reader's request during
    // the pass is what brings the first of these.
    mailstack(&[
        "doveadm", "move", "-u", &user, "Archives", "mailbox", "INBOX", "all",
    ]);
    let (account, credentials) = box_of(&user);
    let folder = tempfile::tempdir().expect("a folder");
    let store_path = folder.path().join("pli.sqlite");
    let runtime = runtime();
    let (archives, uids) = {
        let mut store = Store::open(&store_path).expect("store");
        runtime
            .block_on(sync_account(
                &account,
                &credentials,
                &mut store,
                &mut |_| {},
            ))
            .expect("the envelopes the window lists");
        let archives = store
            .folder(&account.name, "Archives")
            .expect("store")
            .expect("Archives");
        let uids: Vec<u32> = store
            .page(archives.id, 0, 10)
            .expect("page")
            .iter()
            .map(|envelope| envelope.uid)
            .collect();
        assert_eq!(uids.len(), 2);
        for uid in &uids {
            assert!(store.raw(archives.id, *uid).expect("read").is_none());
        }
        (archives, uids)
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
        // Asked at once, while the worker is on its pass.
        bodies::fetch(&commands, archives.clone(), uids[0])
            .await
            .expect("fetched during the pass");
        until_state(&mut events, |state| {
            matches!(state, worker::Connectivity::UpToDate)
        })
        .await;
        // Then once it waits on its connection.
        tokio::time::sleep(Duration::from_millis(500)).await;
        bodies::fetch(&commands, archives.clone(), uids[1])
            .await
            .expect("fetched on the worker's connection");
        let gone = bodies::fetch(&commands, archives.clone(), 999_999).await;
        assert!(matches!(gone, Err(BodyError::Gone)), "{gone:?}");
        // The worker still serves after a request it could not.
        bodies::fetch(&commands, archives.clone(), uids[1])
            .await
            .expect("fetched again");
        commands.send(worker::Command::Stop).await.expect("stopped");
        let _ = tokio::time::timeout(Duration::from_secs(10), running).await;
    });

    let store = Store::open(&store_path).expect("store");
    let bodies: Vec<String> = uids
        .iter()
        .map(|uid| {
            let raw = store
                .raw(archives.id, *uid)
                .expect("read")
                .expect("the body is in the store");
            String::from_utf8_lossy(&raw).into_owned()
        })
        .collect();
    for text in ["Premier corps", "Second corps"] {
        assert!(
            bodies.iter().any(|body| body.contains(text)),
            "{text}: {bodies:?}"
        );
    }
}

#[test]
fn an_offline_worker_says_so_at_once_and_a_stopped_one_too() {
    let (mut account, credentials) = box_of(&dedicated_user("bodies-offline"));
    account.imap = Endpoint::new("127.0.0.1", 1);
    account.smtp = Endpoint::new("127.0.0.1", 1);
    let folder = tempfile::tempdir().expect("a folder");
    let inbox = Folder {
        id: 1,
        account: account.name.clone(),
        name: "INBOX".into(),
        role: None,
        uidvalidity: None,
        uidnext: None,
        highestmodseq: None,
    };
    runtime().block_on(async {
        let (events_tx, mut events) = tokio::sync::mpsc::channel(256);
        let (commands, orders) = tokio::sync::mpsc::channel(8);
        let load = move |_: &pli_core::mail::account::Account| Ok(credentials.clone());
        let running = tokio::spawn(worker::run(
            account,
            folder.path().join("pli.sqlite"),
            load,
            events_tx,
            orders,
        ));
        until_state(&mut events, |state| {
            matches!(state, worker::Connectivity::Offline { .. })
        })
        .await;
        let asked = Instant::now();
        let answer = bodies::fetch(&commands, inbox.clone(), 1).await;
        assert!(matches!(answer, Err(BodyError::NotConnected)), "{answer:?}");
        assert!(
            asked.elapsed() < Duration::from_secs(1),
            "said at once, not after the backoff: {:?}",
            asked.elapsed()
        );
        commands.send(worker::Command::Stop).await.expect("stopped");
        let _ = tokio::time::timeout(Duration::from_secs(10), running).await;
        let answer = bodies::fetch(&commands, inbox, 1).await;
        assert!(matches!(answer, Err(BodyError::Stopped)), "{answer:?}");
    });
}
