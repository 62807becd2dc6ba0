//! What the integration tests of the core and of the application share: the real mail stack started by `tests/run.sh`
//! (Dovecot + Postfix on loopback, see `tests/mailstack/`), accounts pointing at it, and tokens
//! minted with the key Dovecot validates.

pub mod fhir;
pub mod psc;
pub mod shared;
pub mod xdm;

use std::path::PathBuf;

use pli_core::mail::account::{Account, AuthKind, BoxKind, Endpoint, Security};
use pli_core::mail::connect::Credentials;
use pli_core::mail::secrets::Secret;
use pli_core::mail::send::{Draft, SendPolicy};
use pli_core::mail::store::Store;
use std::collections::HashSet;
use std::time::{Duration, Instant};

/// Reads a variable written by `mailstack.sh start`. The stack is part of the test suite, not
/// an option: without it these tests fail and say how to start it.
pub fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!(
            "{name} is not set: run the tests with tests/run.sh, which starts the real mail stack"
        )
    })
}

pub fn port(name: &str) -> u16 {
    env(name)
        .parse()
        .unwrap_or_else(|_| panic!("{name} is not a port"))
}

pub fn endpoint(prefix: &str) -> Endpoint {
    Endpoint::new(
        env(&format!("{prefix}_HOST")),
        port(&format!("{prefix}_PORT")),
    )
}

pub fn ca() -> PathBuf {
    PathBuf::from(env("PLI_TEST_CA"))
}

pub fn password() -> Secret {
    Secret::new(env("PLI_TEST_PASSWORD"))
}

pub fn doctor() -> String {
    env("PLI_TEST_USER_DOCTOR")
}

/// A box on the test stack; the test CA is the administrator's extra authority, as a real
/// operator's IGC-Santé chain would be for a real box.
pub fn account(address: &str, security: Security) -> Account {
    let (imap, smtp) = match security {
        Security::Starttls => (
            endpoint("PLI_TEST_IMAP_STARTTLS"),
            endpoint("PLI_TEST_SMTP_SUBMISSION"),
        ),
        Security::Tls => (
            endpoint("PLI_TEST_IMAPS"),
            endpoint("PLI_TEST_SMTP_SUBMISSIONS"),
        ),
    };
    Account {
        name: address.split('@').next().unwrap_or("box").replace('.', "-"),
        address: address.to_string(),
        kind: BoxKind::Personal,
        display_name: None,
        imap,
        smtp,
        security,
        auth: AuthKind::Password,
        login: None,
        certificate: None,
        certificate_key: None,
        ca_file: Some(ca()),
        pharmacy: false,
        oidc: None,
        offline_months: None,
    }
}

pub fn with_password(account: &Account, password: &str) -> Credentials {
    Credentials::Password {
        login: account.address.clone(),
        password: Secret::new(password),
    }
}

/// An HS256 JWT like a Pro Santé Connect access token, signed with the key Dovecot checks.
pub fn token(email: &str, lifetime_seconds: i64, key: Option<&[u8]>) -> Secret {
    let stack_key = std::fs::read(env("PLI_TEST_OAUTH_KEY")).expect("the stack's HS256 key");
    let key = key.unwrap_or(&stack_key);
    let now = chrono::Utc::now().timestamp();
    let claims = serde_json::json!({
        "iss": "https://auth.bas.psc.esante.gouv.fr/auth/realms/esante-wallet",
        "sub": "f:test-professional",
        "email": email,
        "iat": now.min(now + lifetime_seconds),
        "nbf": now.min(now + lifetime_seconds) - 5,
        "exp": now + lifetime_seconds,
        "scope": "openid scope_all",
    });
    let header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    let jwt = jsonwebtoken::encode(
        &header,
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(key),
    )
    .expect("a JWT");
    Secret::new(jwt)
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
}

/// Runs the stack's script (`fill`, `kill-dovecot`, `doveadm`, …) and fails the test on error.
pub fn mailstack(arguments: &[&str]) -> String {
    let output = std::process::Command::new(env("PLI_TEST_MAILSTACK_SH"))
        .args(arguments)
        .output()
        .expect("mailstack.sh runs");
    assert!(
        output.status.success(),
        "mailstack.sh {arguments:?} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Drops `user`'s IMAP connections, as a server restart or a network cut would. A worker between
/// two connections has none for a moment (on a loaded machine, long enough to be seen): the kick
/// is tried again until one connection drops, for ten seconds at most.
pub fn kick(user: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let output = std::process::Command::new(env("PLI_TEST_MAILSTACK_SH"))
            .args(["doveadm", "kick", user])
            .output()
            .expect("mailstack.sh runs");
        if output.status.success() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "no connection of {user} to kick: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A user of the stack reserved for one test (created by tests/run.sh through MT_EXTRA_USERS),
/// so tests running in parallel never share a mailbox.
pub fn dedicated_user(local: &str) -> String {
    format!("{local}@ehpad-test.mssante.fr")
}

/// Delivers a message through the "incoming MX" port, as a message from outside would arrive.
pub fn inject(from: &str, to: &str, subject: &str, body: &str) {
    let message = format!(
        "From: <{from}>\r\nTo: <{to}>\r\nSubject: {subject}\r\nMessage-ID: <{}.{}@test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
        std::process::id(),
        chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0)
    );
    inject_raw(from, to, &message);
}

/// Empties every folder of a test user, so a test starts from the same state on every run.
pub fn empty_mailbox(user: &str) {
    mailstack(&["doveadm", "expunge", "-u", user, "mailbox", "*", "all"]);
}

/// The rules of the trust space as the tests send with them: the test domains listed.
pub fn trust_list() -> pli_core::mssante::whitelist::TrustList {
    pli_core::mssante::whitelist::TrustList::parse(
        "<ListeBlanche><Domaine><Nom>ch-test.mssante.fr</Nom></Domaine><Domaine><Nom>ehpad-test.mssante.fr</Nom></Domaine>\
         <Domaine><Nom>pharmacie-test.mssante.fr</Nom></Domaine><Domaine><Nom>patient.mssante.fr</Nom></Domaine></ListeBlanche>",
    )
    .expect("test trust list")
}

pub fn product() -> pli_core::mssante::headers::ProductReference {
    pli_core::mssante::headers::ProductReference::new("PLI-TEST-0001").expect("reference")
}

/// Delivers a whole message through the "incoming MX" port.
pub fn inject_raw(from: &str, to: &str, message: &str) {
    use std::io::{BufRead, BufReader, Write};
    let address = format!(
        "{}:{}",
        env("PLI_TEST_SMTP_INJECT_HOST"),
        port("PLI_TEST_SMTP_INJECT_PORT")
    );
    let stream = std::net::TcpStream::connect(address).expect("incoming MX reachable");
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut writer = stream;
    let mut expect = |code: &str| {
        let mut line = String::new();
        loop {
            line.clear();
            reader.read_line(&mut line).expect("SMTP answer");
            if line.len() < 4 || line.as_bytes()[3] != b'-' {
                break;
            }
        }
        assert!(line.starts_with(code), "expected {code}, got {line}");
    };
    expect("220");
    let mut say = |line: String, code: &str| {
        writer.write_all(line.as_bytes()).expect("written");
        expect(code);
    };
    say("EHLO test\r\n".into(), "250");
    say(format!("MAIL FROM:<{from}>\r\n"), "250");
    say(format!("RCPT TO:<{to}>\r\n"), "250");
    say("DATA\r\n".into(), "354");
    let body = message.replace("\r\n.", "\r\n..");
    say(format!("{body}\r\n.\r\n"), "250");
    say("QUIT\r\n".into(), "221");
}

/// Puts a message into a user's INBOX exactly as given, bytes and all (`doveadm save`).
pub fn save_raw(user: &str, raw: &[u8]) {
    use std::io::Write;
    let mut child = std::process::Command::new("doveadm")
        .args([
            "-c",
            &env("PLI_TEST_DOVECOT_CONF"),
            "save",
            "-u",
            user,
            "-m",
            "INBOX",
        ])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("doveadm runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(raw)
        .expect("message written");
    assert!(
        child.wait().expect("doveadm ends").success(),
        "doveadm save failed"
    );
}

// ----- shared by the engine and outage tests -----

pub fn box_of(user: &str) -> (Account, Credentials) {
    let account = account(user, Security::Tls);
    let credentials = with_password(&account, password().expose());
    (account, credentials)
}

pub fn inbox_of(store: &Store, account: &Account) -> pli_core::mail::store::Folder {
    store
        .folder_with_role(&account.name, pli_core::mail::store::Role::Inbox)
        .expect("store")
        .expect("INBOX")
}

pub fn distinct_message_ids(store: &Store, folder: i64) -> usize {
    let all = store.page(folder, 0, 1_000_000).expect("page");
    all.iter()
        .filter_map(|envelope| envelope.message_id.clone())
        .collect::<HashSet<_>>()
        .len()
}

pub async fn server_session(user: &str) -> pli_core::mail::imap::ImapSession {
    let (account, credentials) = box_of(user);
    pli_core::mail::imap::connect(&account, &credentials)
        .await
        .expect("server-side session")
        .session
}

pub fn draft(from: &str, to: &str, subject: &str) -> Draft {
    Draft {
        from: from.to_string(),
        from_name: Some("Dr_Jean_MARTIN_CH Test".into()),
        to: vec![to.to_string()],
        subject: subject.to_string(),
        body: "Bonjour,\nvoici le compte rendu.\nCordialement".into(),
        delivery_notification: true,
        read_notification: true,
        ..Draft::default()
    }
}

pub async fn copies_of(user: &str, folder: &str, message_id: &str) -> usize {
    let mut session = server_session(user).await;
    session.select(folder).await.expect("select");
    let id = message_id.trim_matches(|c| c == '<' || c == '>');
    let found = session
        .uid_search(format!("HEADER Message-ID \"{id}\""))
        .await
        .expect("search");
    let _ = session.logout().await;
    found.len()
}

/// The whole of the message with this Message-ID in `user`'s INBOX, as the server keeps it.
pub async fn fetch_by_message_id(user: &str, message_id: &str) -> Vec<u8> {
    let mut session = server_session(user).await;
    session.select("INBOX").await.expect("select");
    let id = message_id.trim_matches(|c| c == '<' || c == '>');
    let uids = session
        .uid_search(format!("HEADER Message-ID \"{id}\""))
        .await
        .expect("search");
    let uid = uids.into_iter().next().expect("the message");
    let fetched: Vec<_> = futures::TryStreamExt::try_collect(
        session
            .uid_fetch(uid.to_string(), "BODY.PEEK[]")
            .await
            .expect("fetch"),
    )
    .await
    .expect("fetched");
    let _ = session.logout().await;
    fetched[0].body().expect("the message").to_vec()
}

pub async fn wait_for_copies(user: &str, message_id: &str, expected: usize) -> usize {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let copies = copies_of(user, "INBOX", message_id).await;
        if copies >= expected || Instant::now() > deadline {
            // Give a duplicate the time to show up too.
            tokio::time::sleep(Duration::from_millis(1500)).await;
            return copies_of(user, "INBOX", message_id).await;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

pub fn policy<'a>(
    trust_list: &'a pli_core::mssante::whitelist::TrustList,
    product: &'a pli_core::mssante::headers::ProductReference,
) -> SendPolicy<'a> {
    SendPolicy {
        product_reference: product,
        trust_list,
        outside_confirmed: false,
        closes_conversation: false,
    }
}
