//! Shared boxes on the real stack (issue 13): two workstations — two profiles, each with its own
//! store — on the same Dovecot box, and Python's imaplib acting as the operator's webmail. The
//! truth lives on the server: patient conversations are rebuilt from the box's own messages,
//! who handles what and the prescription steps are IMAP keywords, and so is `$MDNSent`.

use std::process::Command;
use std::time::{Duration, Instant};

use pli_core::mail::account::{Account, Security};
use pli_core::mail::connect::Credentials;
use pli_core::mail::keywords::{self, Handling, PrescriptionState};
use pli_core::mail::send::{Draft, ReadReceipt};
use pli_core::mail::store::{Flags, PatientKind, Store};
use pli_core::mail::sync::sync_account;
use pli_core::mail::worker;
use pli_core::profile::Profile;
use pli_core::usecase::handling::{self, HandlingAction, HandlingError, SharedView};
use pli_core::usecase::outbox::{self, SendChoices};
use pli_testkit::*;

pub(crate) const PATIENT: &str = "279035121518989@patient.mssante.fr";

/// One workstation: a profile of its own (its store, its settings) on the shared box.
pub(crate) struct Workstation {
    _folder: tempfile::TempDir,
    profile: Profile,
    pub(crate) account: Account,
    credentials: Credentials,
}

impl Workstation {
    fn new(user: &str, pharmacy: bool) -> Self {
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

    fn sync_until(&self, subject: &str) -> u32 {
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

/// An IMAPS server of the tests: the stack's Dovecot, or Cyrus (`tests/cyrus/cyrus.sh`).
pub(crate) struct Server {
    host: String,
    port: String,
    ca: String,
    password: String,
}

impl Server {
    fn dovecot() -> Self {
        Self {
            host: env("PLI_TEST_IMAPS_HOST"),
            port: env("PLI_TEST_IMAPS_PORT"),
            ca: env("PLI_TEST_CA"),
            password: env("PLI_TEST_PASSWORD"),
        }
    }

    /// Cyrus when `tests/cyrus/cyrus.sh start` ran and its env is loaded.
    pub(crate) fn cyrus() -> Option<Self> {
        let var = |name: &str| std::env::var(name).ok();
        Some(Self {
            host: var("PLI_TEST_CYRUS_IMAPS_HOST")?,
            port: var("PLI_TEST_CYRUS_IMAPS_PORT")?,
            ca: var("PLI_TEST_CYRUS_CA")?,
            password: var("PLI_TEST_CYRUS_PASSWORD")?,
        })
    }
}

/// The operator's webmail: Python's imaplib on the same IMAPS port, another client entirely.
/// `code` runs after the login, with `M` the connection, `RAW` the message given and
/// `uid_of(folder, message_id)`; what it prints comes back.
fn webmail(user: &str, code: &str, raw: &str) -> String {
    webmail_on(&Server::dovecot(), user, code, raw)
}

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

/// A patient's message delivered to the box through the incoming MX, as Mon espace santé would.
fn patient_writes(to: &str, subject: &str, in_reply_to: Option<&str>, date: &str) {
    let threading = in_reply_to
        .map(|id| format!("In-Reply-To: {id}\r\nReferences: {id}\r\n"))
        .unwrap_or_default();
    inject_raw(
        PATIENT,
        to,
        &format!(
            "From: <{PATIENT}>\r\nTo: <{to}>\r\nSubject: {subject}\r\nDate: {date}\r\nMessage-ID: <{}@patient.mssante.fr>\r\n{threading}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBonjour docteur.\r\n",
            unique("p")
        ),
    );
}

#[test]
fn seed_eco_2_2_8_a_conversation_opened_by_the_webmail_and_closed_from_another_workstation_is_known_on_every_workstation(
) {
    let user = dedicated_user("shared-conversation");
    empty_mailbox(&user);
    let (a, b) = (
        Workstation::new(&user, false),
        Workstation::new(&user, false),
    );

    // The doctor writes to the patient from the webmail, which files its copy in Sent.
    let opening = format!("<{}@webmail.example>", unique("open"));
    let sent_copy = format!(
        "From: <{user}>\r\nTo: Patient <{PATIENT}>\r\nSubject: Vos résultats\r\nDate: {}\r\nMessage-ID: {opening}\r\nX-MSS-NIL: WEBMAIL-1\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBonjour, vos résultats sont normaux.\r\n",
        rfc2822(-600)
    );
    webmail(
        &user,
        "print(M.append('Sent', '(\\\\Seen)', None, RAW))",
        &sent_copy,
    );
    let reply = unique("Re: Vos résultats");
    patient_writes(&user, &reply, Some(&opening), &rfc2822(-300));

    a.sync_until(&reply);
    b.sync_until(&reply);
    assert_eq!(a.kind(&reply), Some(PatientKind::Reply), "workstation A");
    assert_eq!(b.kind(&reply), Some(PatientKind::Reply), "workstation B");

    // B closes the conversation (X-MSS-MES: FIN) through the product's send.
    let closing = Draft {
        from: user.clone(),
        to: vec![PATIENT.into()],
        subject: "Fin du suivi".into(),
        body: "Le suivi est terminé.".into(),
        ..Draft::default()
    };
    let queued = outbox::send(
        &b.profile,
        &b.account,
        &closing,
        SendChoices {
            closes_conversation: true,
            patients_confirmed: true,
            ..SendChoices::default()
        },
    )
    .expect("queued");
    runtime()
        .block_on(outbox::deliver(&b.profile, &b.account, &b.credentials))
        .expect("sent");
    std::thread::sleep(Duration::from_millis(1100));
    let late = unique("Re: Fin du suivi");
    patient_writes(&user, &late, Some(&queued.message_id), &rfc2822(0));

    // A never sent the FIN: it learns it from Sent, whatever order its folders come in.
    a.sync_until(&late);
    assert_eq!(
        a.kind(&late),
        Some(PatientKind::Unsolicited),
        "a reply after a FIN sent from B is unsolicited on A"
    );
    assert_eq!(
        a.kind(&reply),
        Some(PatientKind::Reply),
        "the reply before the FIN stays a reply"
    );
    b.sync_until(&late);
    assert_eq!(b.kind(&late), Some(PatientKind::Unsolicited));

    // A fresh install agrees, from the server alone.
    let fresh = Workstation::new(&user, false);
    fresh.sync_until(&late);
    assert_eq!(fresh.kind(&reply), Some(PatientKind::Reply));
    assert_eq!(fresh.kind(&late), Some(PatientKind::Unsolicited));
    assert_eq!(
        fresh.view(fresh.inbox_uid(&late)).patient_kind,
        "unsolicited"
    );
}

#[test]
fn seed_a_take_on_one_workstation_is_seen_on_the_other_and_simultaneous_takes_resolve_to_one_handler(
) {
    let user = dedicated_user("shared-take");
    empty_mailbox(&user);
    let (a, b) = (
        Workstation::new(&user, false),
        Workstation::new(&user, false),
    );
    let subject = unique("Demande de la famille");
    inject("famille@ch-test.mssante.fr", &user, &subject, "Bonjour");
    let uid = a.sync_until(&subject);
    b.sync_until(&subject);
    assert_eq!(b.view(uid).state, "open");

    assert_eq!(
        a.handle(uid, HandlingAction::Take, "Hélène Noël")
            .expect("taken"),
        Handling::Taken("Hélène Noël".into())
    );
    assert_eq!(a.view(uid).handler.as_deref(), Some("Hélène Noël"));
    b.sync();
    let seen = b.view(uid);
    assert_eq!(
        (seen.state, seen.handler.as_deref()),
        ("taken", Some("Hélène Noël"))
    );
    match b.handle(uid, HandlingAction::Take, "Sophie Martin") {
        Err(HandlingError::TakenBy(name)) => assert_eq!(name, "Hélène Noël"),
        other => panic!("B's take must be refused: {other:?}"),
    }
    // The trace says who acted (ECO.4.1), on each workstation.
    let trace = a.store().trace_since(None).expect("trace");
    assert!(trace
        .iter()
        .any(|line| line.action == "handle" && line.workstation_user == "Hélène Noël" && line.ok));
    let trace = b.store().trace_since(None).expect("trace");
    assert!(trace.iter().any(|line| line.action == "handle"
        && line.workstation_user == "Sophie Martin"
        && !line.ok));
    // And so is the sign-in each action made (ECO.4.1.1).
    assert!(
        trace
            .iter()
            .any(|line| line.action == "login" && line.request.ends_with("(handling)") && line.ok),
        "{trace:?}"
    );

    assert_eq!(
        b.handle(uid, HandlingAction::Release, "Sophie Martin")
            .expect("released"),
        Handling::Open
    );
    assert_eq!(
        b.handle(uid, HandlingAction::Done, "Sophie Martin")
            .expect("done"),
        Handling::Done("Sophie Martin".into())
    );
    a.sync();
    assert_eq!(a.view(uid).state, "done");

    // Two people at once, several times: one handler, the same on both.
    for round in 0..5 {
        let subject = unique(&format!("Course {round}"));
        inject("famille@ch-test.mssante.fr", &user, &subject, "Bonjour");
        let uid = a.sync_until(&subject);
        b.sync_until(&subject);
        let (first, second) = runtime().block_on(async {
            tokio::join!(
                a.handle_async(uid, HandlingAction::Take, "Claire"),
                b.handle_async(uid, HandlingAction::Take, "Sophie")
            )
        });
        let winner = match (&first, &second) {
            (Ok(Handling::Taken(name)), Err(HandlingError::TakenBy(other)))
            | (Err(HandlingError::TakenBy(other)), Ok(Handling::Taken(name))) => {
                assert_eq!(name, other, "the loser names the winner");
                name.clone()
            }
            other => panic!("exactly one take must win: {other:?}"),
        };
        a.sync();
        b.sync();
        assert_eq!(a.view(uid).handler.as_deref(), Some(winner.as_str()));
        assert_eq!(b.view(uid).handler.as_deref(), Some(winner.as_str()));
        let takes = a
            .view(uid)
            .keywords
            .iter()
            .filter(|k| keywords::is_taken(k))
            .count();
        assert_eq!(takes, 1, "the loser's keyword is not left behind");
    }
}

#[test]
fn keywords_set_by_another_client_survive_pli_sync_and_pli_s_own_changes() {
    let user = dedicated_user("shared-keywords");
    empty_mailbox(&user);
    let a = Workstation::new(&user, false);
    let message_id = format!("<{}@ch-test.mssante.fr>", unique("kw"));
    inject_raw(
        "labo@ch-test.mssante.fr",
        &user,
        &format!("From: <labo@ch-test.mssante.fr>\r\nTo: <{user}>\r\nSubject: Résultats\r\nMessage-ID: {message_id}\r\n\r\nTexte\r\n"),
    );
    let uid = a.sync_until("Résultats");
    let id = message_id.trim_matches(|c| c == '<' || c == '>').to_owned();
    webmail(
        &user,
        &format!(
            "M.uid('STORE', uid_of('INBOX', '{id}'), '+FLAGS', '($Label1 Urgent_famille $Junk)')"
        ),
        "",
    );
    a.sync();
    let kept = a.view(uid).keywords;
    for keyword in ["$Label1", "Urgent_famille", "$Junk"] {
        assert!(kept.iter().any(|k| k == keyword), "{keyword} in {kept:?}");
    }

    // Pli's own changes: read, flagged, taken then released — the webmail's tags stay.
    {
        let mut store = a.store();
        let inbox = inbox_of(&store, &a.account);
        store
            .set_flag(&a.account.name, &inbox, uid, Flags::SEEN, true)
            .expect("seen");
        store
            .set_flag(&a.account.name, &inbox, uid, Flags::FLAGGED, true)
            .expect("flagged");
    }
    a.sync();
    a.handle(uid, HandlingAction::Take, "Claire")
        .expect("taken");
    a.handle(uid, HandlingAction::Release, "Claire")
        .expect("released");
    a.sync();
    let on_server = webmail(&user, &format!("print(flags_of('INBOX', '{id}'))"), "");
    for keyword in ["$Label1", "Urgent_famille", "$Junk", "\\Seen", "\\Flagged"] {
        assert!(on_server.contains(keyword), "{keyword} in {on_server}");
    }
    assert!(!on_server.contains("$PliTaken"), "released: {on_server}");

    // A forward that left marks the original for every client.
    {
        let mut store = a.store();
        let inbox = inbox_of(&store, &a.account);
        handling::mark_forwarded(&mut store, &a.account.name, &inbox, uid).expect("marked");
    }
    a.sync();
    let on_server = webmail(&user, &format!("print(flags_of('INBOX', '{id}'))"), "");
    assert!(on_server.contains("$Forwarded"), "{on_server}");
    assert!(on_server.contains("$Label1"), "{on_server}");
    let kept = a.view(uid).keywords;
    assert!(kept.iter().any(|k| k == "$Label1"), "{kept:?}");

    // A folder's PERMANENTFLAGS with `\*`: sharing is possible, and the store says so.
    let store = a.store();
    assert_eq!(
        store
            .keywords_shared(inbox_of(&store, &a.account).id)
            .expect("fact"),
        Some(true)
    );
}

#[test]
fn a_folder_that_keeps_no_new_keywords_is_recorded_and_a_take_is_refused_with_a_reason() {
    // Dovecot without the right to write keywords in one folder (an ACL): its PERMANENTFLAGS
    // are `(\Deleted \Seen)`, without `\*` — a real server where sharing is limited.
    let user = dedicated_user("shared-limited");
    empty_mailbox(&user);
    let _ = std::process::Command::new(env("PLI_TEST_MAILSTACK_SH"))
        .args(["doveadm", "mailbox", "create", "-u", &user, "Limited"])
        .output();
    mailstack(&[
        "doveadm",
        "acl",
        "set",
        "-u",
        &user,
        "Limited",
        "owner",
        "lookup",
        "read",
        "write-seen",
        "write-deleted",
        "insert",
        "post",
        "expunge",
        "create",
        "delete",
        "admin",
    ]);
    let subject = unique("Plein");
    webmail(
        &user,
        "print(M.append('Limited', None, None, RAW))",
        &format!("From: <labo@ch-test.mssante.fr>\r\nTo: <{user}>\r\nSubject: {subject}\r\n\r\nTexte\r\n"),
    );
    let a = Workstation::new(&user, false);
    a.sync();
    let store = a.store();
    let limited = store
        .folder(&a.account.name, "Limited")
        .expect("store")
        .expect("the folder is synced without error");
    assert_eq!(
        store.keywords_shared(limited.id).expect("fact"),
        Some(false)
    );
    let inbox = inbox_of(&store, &a.account);
    assert_eq!(store.keywords_shared(inbox.id).expect("fact"), Some(true));
    assert_eq!(
        handling::sharing_limited_folders(&store, &a.account.name).expect("folders"),
        ["Limited"],
        "what `pli account list` and the box's settings show"
    );
    let uid = store.page(limited.id, 0, 10).expect("page")[0].uid;
    let refused = runtime().block_on(handling::handle(
        &a.profile,
        &a.account,
        &a.credentials,
        "Limited",
        uid,
        HandlingAction::Take,
        "Claire",
    ));
    assert!(
        matches!(refused, Err(HandlingError::SharingLimited)),
        "a take needs keywords: {refused:?}"
    );
    let trace = store.trace_since(None).expect("trace");
    assert!(trace
        .iter()
        .any(|line| line.action == "handle" && !line.ok && line.answer == "keywords not kept"));
    // A second pass is as quiet as the first.
    a.sync();
}

#[test]
fn eco_3_1_6_a_read_receipt_sent_from_one_workstation_is_not_offered_on_the_other() {
    let user = dedicated_user("shared-mdn");
    let asker = dedicated_user("shared-mdn-asker");
    empty_mailbox(&user);
    empty_mailbox(&asker);
    let (a, b) = (
        Workstation::new(&user, false),
        Workstation::new(&user, false),
    );
    let message_id = format!("<{}@ch-test.mssante.fr>", unique("mdn"));
    let subject = unique("Compte rendu");
    inject_raw(
        &asker,
        &user,
        &format!("From: <{asker}>\r\nTo: <{user}>\r\nSubject: {subject}\r\nMessage-ID: {message_id}\r\nDisposition-Notification-To: <{asker}>\r\n\r\nTexte\r\n"),
    );
    let uid = a.sync_until(&subject);
    b.sync_until(&subject);
    let answered = |w: &Workstation| {
        let store = w.store();
        let inbox = inbox_of(&store, &w.account);
        handling::receipt_answered(&store, &w.account.name, &inbox, uid, &message_id)
            .expect("asked")
    };
    assert!(!answered(&a) && !answered(&b));

    let to = vec![asker.clone()];
    let receipt = ReadReceipt {
        original: &message_id,
        original_message_id: Some(&message_id),
        original_subject: &subject,
        to: &to,
    };
    handling::acknowledge(&a.profile, &a.account, "INBOX", uid, &receipt)
        .expect("queued")
        .expect("a first receipt");
    runtime()
        .block_on(outbox::deliver(&a.profile, &a.account, &a.credentials))
        .expect("sent");
    a.sync();
    b.sync();
    assert!(
        answered(&b),
        "B sees $MDNSent and does not offer the receipt"
    );
    assert!(
        handling::acknowledge(&b.profile, &b.account, "INBOX", uid, &receipt)
            .expect("checked")
            .is_none(),
        "nor sends a second one"
    );
    assert!(b.view(uid).keywords.iter().any(|k| k == "$MDNSent"));
}

#[test]
fn seed_pharmacy_prescription_steps_round_trip_between_two_workstations() {
    let user = dedicated_user("shared-pharmacy");
    empty_mailbox(&user);
    let (a, b) = (Workstation::new(&user, true), Workstation::new(&user, true));
    let subject = unique("Mon ordonnance");
    patient_writes(&user, &subject, None, &rfc2822(0));
    let uid = a.sync_until(&subject);
    b.sync_until(&subject);
    assert_eq!(a.kind(&subject), Some(PatientKind::Prescription));
    assert_eq!(b.view(uid).prescription, Some(PrescriptionState::Received));
    assert_eq!(b.view(uid).patient_kind, "prescription");

    let steps = [
        (&a, PrescriptionState::Preparing, &b),
        (&b, PrescriptionState::Ready, &a),
        (&a, PrescriptionState::Delivered, &b),
        (&b, PrescriptionState::Received, &a),
    ];
    for (writer, state, reader) in steps {
        assert_eq!(writer.prescription(uid, state).expect("step"), state);
        reader.sync();
        assert_eq!(reader.view(uid).prescription, Some(state), "{state:?}");
    }

    // Only a pharmacy's box has steps.
    let doctor = Workstation::new(&user, false);
    doctor.sync();
    assert!(matches!(
        doctor.prescription(uid, PrescriptionState::Ready),
        Err(HandlingError::NotPharmacy)
    ));
    assert_eq!(doctor.view(uid).prescription, None);
}

#[test]
fn a_take_on_one_workstation_reaches_the_other_s_worker_through_idle_within_5_seconds() {
    let user = dedicated_user("shared-idle");
    empty_mailbox(&user);
    let (a, b) = (
        Workstation::new(&user, false),
        Workstation::new(&user, false),
    );
    let subject = unique("Appel de la famille");
    inject("famille@ch-test.mssante.fr", &user, &subject, "Bonjour");
    let uid = a.sync_until(&subject);
    let store_path = b.profile.store_file();
    let runtime = runtime();
    runtime.block_on(async {
        let (events_tx, mut events) = tokio::sync::mpsc::channel(64);
        let (commands, commands_rx) = tokio::sync::mpsc::channel(4);
        let credentials = b.credentials.clone();
        let load = move |_: &Account| Ok(credentials.clone());
        let running = tokio::spawn(worker::run(
            b.account.clone(),
            store_path,
            load,
            events_tx,
            commands_rx,
        ));
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
                }) => panic!("offline: {reason}"),
                Some(_) => {}
                None => panic!("worker stopped"),
            }
        }
        // The worker fetches recent bodies before it idles: give it that moment.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let taken_at = Instant::now();
        a.handle_async(uid, HandlingAction::Take, "Hélène Noël")
            .await
            .expect("taken");
        let took = taken_at.elapsed();
        let latency = loop {
            if b.view(uid).handler.as_deref() == Some("Hélène Noël") {
                break taken_at.elapsed();
            }
            assert!(
                taken_at.elapsed() < Duration::from_secs(5),
                "B did not see the take within 5 s"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        eprintln!("take on A: {took:?}; seen by B's worker after {latency:?}");
        commands.send(worker::Command::Stop).await.expect("stop");
        let _ = tokio::time::timeout(Duration::from_secs(10), running).await;
    });
}
