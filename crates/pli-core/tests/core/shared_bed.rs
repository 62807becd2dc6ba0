//! What the shared-box tests (issue 13) stand on: a workstation (a profile of its own on a shared
//! box), the IMAP server a scenario runs against (the stack's Dovecot or Cyrus), and Python's
//! imaplib acting as the operator's webmail.

use std::process::Command;
use std::time::{Duration, Instant};

use pli_core::mail::account::{Account, Security};
use pli_core::mail::connect::Credentials;
use pli_core::mail::keywords::{Handling, PrescriptionState};
use pli_core::mail::store::{PatientKind, Store};
use pli_core::mail::sync::sync_account;
use pli_core::profile::Profile;
use pli_core::usecase::handling::{self, HandlingAction, HandlingError, SharedView};
use pli_testkit::*;

pub(crate) const PATIENT: &str = "279035121518989@patient.mssante.fr";

/// One workstation: a profile of its own (its store, its settings) on the shared box.
pub(crate) struct Workstation {
    _folder: tempfile::TempDir,
    pub(crate) profile: Profile,
    pub(crate) account: Account,
    pub(crate) credentials: Credentials,
}

impl Workstation {
    pub(crate) fn new(user: &str, pharmacy: bool) -> Self {
        let folder = tempfile::tempdir().expect("profile folder");
        let profile = Profile::at(folder.path());
        let mut account = account(user, Security::Tls);
        account.pharmacy = pharmacy;
        let credentials = with_password(&account, password().expose());
        Self {
            _folder: folder,
            profile,
            account,
            credentials,
        }
    }

    /// A workstation on a Cyrus box (`login` is the Cyrus user).
    pub(crate) fn on_cyrus(server: &Server, login: &str, pharmacy: bool) -> Self {
        let folder = tempfile::tempdir().expect("profile folder");
        let profile = Profile::at(folder.path());
        let endpoint = pli_core::mail::account::Endpoint::new(
            server.host.clone(),
            server.port.parse().expect("a port"),
        );
        let mut account = account(&format!("{login}@ehpad-test.mssante.fr"), Security::Tls);
        account.imap = endpoint.clone();
        account.smtp = endpoint;
        account.ca_file = Some(server.ca.clone().into());
        account.login = Some(login.to_owned());
        account.pharmacy = pharmacy;
        let credentials = Credentials::Password {
            login: login.to_owned(),
            password: pli_core::mail::secrets::Secret::new(&server.password),
        };
        Self {
            _folder: folder,
            profile,
            account,
            credentials,
        }
    }

    pub(crate) fn store(&self) -> Store {
        Store::open(&self.profile.store_file()).expect("store")
    }

    pub(crate) fn sync(&self) {
        let mut store = self.store();
        runtime()
            .block_on(sync_account(
                &self.account,
                &self.credentials,
                &mut store,
                &mut |_| {},
            ))
            .expect("sync");
    }

    /// The rest of `pli sync`'s pass: the bodies the box keeps offline.
    pub(crate) fn copy_offline(&self) {
        let mut store = self.store();
        runtime()
            .block_on(pli_core::mail::offline_copy::copy_account(
                &self.account,
                &self.credentials,
                &mut store,
                &mut |_| {},
            ))
            .expect("offline copy");
    }

    pub(crate) fn inbox_uid(&self, subject: &str) -> u32 {
        let store = self.store();
        let inbox = inbox_of(&store, &self.account);
        store
            .page(inbox.id, 0, 1000)
            .expect("page")
            .into_iter()
            .find(|envelope| envelope.subject == subject)
            .unwrap_or_else(|| panic!("{subject} not synced"))
            .uid
    }

    pub(crate) fn sync_until(&self, subject: &str) -> u32 {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            self.sync();
            let store = self.store();
            let inbox = inbox_of(&store, &self.account);
            if let Some(envelope) = store
                .page(inbox.id, 0, 1000)
                .expect("page")
                .into_iter()
                .find(|envelope| envelope.subject == subject)
            {
                return envelope.uid;
            }
            assert!(Instant::now() < deadline, "{subject} never arrived");
            std::thread::sleep(Duration::from_millis(300));
        }
    }

    pub(crate) fn kind(&self, subject: &str) -> Option<PatientKind> {
        let uid = self.inbox_uid(subject);
        let store = self.store();
        store
            .patient_kind(inbox_of(&store, &self.account).id, uid)
            .expect("kind")
    }

    /// What `pli list --json` and the window show of a message.
    pub(crate) fn view(&self, uid: u32) -> SharedView {
        let store = self.store();
        let inbox = inbox_of(&store, &self.account);
        handling::shared_views(&store, &self.account, &inbox)
            .expect("views")
            .remove(&uid)
            .expect("a stored message")
    }

    pub(crate) fn handle(
        &self,
        uid: u32,
        action: HandlingAction,
        person: &str,
    ) -> Result<Handling, HandlingError> {
        runtime().block_on(self.handle_async(uid, action, person))
    }

    pub(crate) async fn handle_async(
        &self,
        uid: u32,
        action: HandlingAction,
        person: &str,
    ) -> Result<Handling, HandlingError> {
        handling::handle(
            &self.profile,
            &self.account,
            &self.credentials,
            "INBOX",
            uid,
            action,
            person,
        )
        .await
    }

    pub(crate) fn prescription(
        &self,
        uid: u32,
        state: PrescriptionState,
    ) -> Result<PrescriptionState, HandlingError> {
        runtime().block_on(handling::set_prescription_state(
            &self.profile,
            &self.account,
            &self.credentials,
            "INBOX",
            uid,
            state,
            "Comptoir",
        ))
    }
}

/// Which IMAP server a scenario runs against.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    Dovecot,
    Cyrus,
}

/// An IMAPS server of the tests: the stack's Dovecot, or Cyrus (`tests/cyrus/cyrus.sh`, which
/// `tests/run.sh` starts). The shared-box scenarios take one, so the same test body runs on both.
pub(crate) struct Server {
    pub(crate) kind: Kind,
    host: String,
    port: String,
    ca: String,
    password: String,
}

/// Set by `tests/run.sh` under CI: there a missing Cyrus is a failure, never a skip.
const CYRUS_REQUIRED: &str = "PLI_TEST_CYRUS_REQUIRED";
/// The file `tests/run.sh` lists at the end: the tests skipped for want of Cyrus.
const SKIPPED_NO_CYRUS: &str = "PLI_SKIPPED_NO_CYRUS";

impl Server {
    pub(crate) fn dovecot() -> Self {
        Self {
            kind: Kind::Dovecot,
            host: env("PLI_TEST_IMAPS_HOST"),
            port: env("PLI_TEST_IMAPS_PORT"),
            ca: env("PLI_TEST_CA"),
            password: env("PLI_TEST_PASSWORD"),
        }
    }

    /// Cyrus when `tests/cyrus/cyrus.sh start` ran and its env is loaded. Without it the test
    /// named `test` says SKIPPED-NO-CYRUS (on standard error and in `$PLI_SKIPPED_NO_CYRUS`,
    /// which `tests/run.sh` lists) and should return — unless `$PLI_TEST_CYRUS_REQUIRED` is set
    /// (CI), where it fails.
    pub(crate) fn cyrus(test: &str) -> Option<Self> {
        let var = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
        let found = (|| {
            Some(Self {
                kind: Kind::Cyrus,
                host: var("PLI_TEST_CYRUS_IMAPS_HOST")?,
                port: var("PLI_TEST_CYRUS_IMAPS_PORT")?,
                ca: var("PLI_TEST_CYRUS_CA")?,
                password: var("PLI_TEST_CYRUS_PASSWORD")?,
            })
        })();
        if found.is_none() {
            assert!(
                var(CYRUS_REQUIRED).is_none(),
                "{test}: Cyrus is required here ({CYRUS_REQUIRED}) but did not start: see tests/run.sh's output (cyrus.sh)"
            );
            eprintln!("SKIPPED-NO-CYRUS: {test}");
            if let Some(file) = var(SKIPPED_NO_CYRUS) {
                use std::io::Write;
                if let Ok(mut file) = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(file)
                {
                    let _ = file.write_all(format!("{test}\n").as_bytes());
                }
            }
        }
        found
    }

    /// The login of a test box: Dovecot's users are addresses, Cyrus's the local part
    /// (`tests/run.sh` makes one Cyrus user per `dedicated_user("NAME")`).
    pub(crate) fn login(&self, address: &str) -> String {
        match self.kind {
            Kind::Dovecot => address.to_owned(),
            Kind::Cyrus => address.split('@').next().unwrap_or(address).to_owned(),
        }
    }

    /// A workstation (a profile of its own) on the box `address`.
    pub(crate) fn workstation(&self, address: &str, pharmacy: bool) -> Workstation {
        match self.kind {
            Kind::Dovecot => Workstation::new(address, pharmacy),
            Kind::Cyrus => Workstation::on_cyrus(self, &self.login(address), pharmacy),
        }
    }

    /// Empties the box, so a test starts from the same state on every run.
    pub(crate) fn empty(&self, address: &str) {
        match self.kind {
            Kind::Dovecot => empty_mailbox(address),
            Kind::Cyrus => {
                self.webmail(
                    address,
                    "for folder in ('INBOX', 'Sent'):\n    typ, data = M.select(folder)\n    if typ == 'OK' and int(data[0]) > 0:\n        M.store('1:*', '+FLAGS.SILENT', '(\\\\Deleted)')\n        M.expunge()",
                    "",
                );
            }
        }
    }

    /// A message arriving in the box's INBOX: through the incoming MX on the stack; Cyrus has no
    /// mail transport here, so the webmail client appends it as delivery would file it.
    pub(crate) fn deliver(&self, from: &str, to: &str, raw: &str) {
        match self.kind {
            Kind::Dovecot => inject_raw(from, to, raw),
            Kind::Cyrus => {
                self.webmail(to, "print(M.append('INBOX', '()', None, RAW))", raw);
            }
        }
    }

    /// A plain message from `from` (as `pli_testkit::inject`).
    pub(crate) fn deliver_text(&self, from: &str, to: &str, subject: &str, body: &str) {
        let raw = format!(
            "From: <{from}>\r\nTo: <{to}>\r\nSubject: {subject}\r\nMessage-ID: <{}@test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
            unique("m")
        );
        self.deliver(from, to, &raw);
    }

    /// The operator's webmail on the box `address` (see [`webmail_on`]).
    pub(crate) fn webmail(&self, address: &str, code: &str, raw: &str) -> String {
        webmail_on(self, &self.login(address), code, raw)
    }
}

/// The operator's webmail: Python's imaplib on the same IMAPS port, another client entirely.
/// `code` runs after the login (`user`), with `M` the connection, `RAW` the message given and
/// `uid_of(folder, message_id)`; what it prints comes back.
pub(crate) fn webmail_on(server: &Server, user: &str, code: &str, raw: &str) -> String {
    let prelude = r#"
import imaplib, os, ssl
context = ssl.create_default_context(cafile=os.environ['WEBMAIL_CA'])
M = imaplib.IMAP4_SSL(os.environ['WEBMAIL_HOST'], int(os.environ['WEBMAIL_PORT']), ssl_context=context)
M.login(os.environ['WEBMAIL_USER'], os.environ['WEBMAIL_PASSWORD'])
RAW = os.environ.get('WEBMAIL_RAW', '').encode()
def uid_of(folder, message_id):
    M.select(folder)
    typ, data = M.uid('SEARCH', None, 'HEADER', 'Message-ID', message_id)
    assert typ == 'OK' and data[0], (typ, data)
    return data[0].split()[-1].decode()
def flags_of(folder, message_id):
    uid = uid_of(folder, message_id)
    typ, data = M.uid('FETCH', uid, '(FLAGS)')
    return b' '.join(d for d in data if isinstance(d, bytes)).decode()
"#;
    let output = Command::new("python3")
        .arg("-c")
        .arg(format!("{prelude}\n{code}\nM.logout()\n"))
        .env("WEBMAIL_HOST", &server.host)
        .env("WEBMAIL_PORT", &server.port)
        .env("WEBMAIL_CA", &server.ca)
        .env("WEBMAIL_PASSWORD", &server.password)
        .env("WEBMAIL_USER", user)
        .env("WEBMAIL_RAW", raw)
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "webmail failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub(crate) fn rfc2822(offset_seconds: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::seconds(offset_seconds)).to_rfc2822()
}

pub(crate) fn unique(label: &str) -> String {
    format!(
        "{label}-{}-{}",
        std::process::id(),
        chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0)
    )
}

/// A patient's message delivered to the box, as Mon espace santé would.
pub(crate) fn patient_writes(
    server: &Server,
    to: &str,
    subject: &str,
    in_reply_to: Option<&str>,
    date: &str,
) {
    let threading = in_reply_to
        .map(|id| format!("In-Reply-To: {id}\r\nReferences: {id}\r\n"))
        .unwrap_or_default();
    server.deliver(
        PATIENT,
        to,
        &format!(
            "From: <{PATIENT}>\r\nTo: <{to}>\r\nSubject: {subject}\r\nDate: {date}\r\nMessage-ID: <{}@patient.mssante.fr>\r\n{threading}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBonjour docteur.\r\n",
            unique("p")
        ),
    );
}
