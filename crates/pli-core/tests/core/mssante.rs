//! The MSSanté rules in the product, on the real stack: patient conversations (only the
//! professional starts and closes them; the pharmacy exception), the headers on the wire, the
//! trust space before sending, and the trace.

use std::time::{Duration, Instant};

use pli_core::mail::account::{Account, Security};
use pli_core::mail::connect::Credentials;
use pli_core::mail::send::{self, Draft, SendError, SendPolicy};
use pli_core::mail::store::{PatientKind, Role, Store};
use pli_core::mail::sync::sync_account;
use pli_core::mail::{imap, sync};
use pli_testkit::*;

const PATIENT: &str = "279035121518989@patient.mssante.fr";

fn box_of(user: &str, pharmacy: bool) -> (Account, Credentials) {
    let mut account = account(user, Security::Tls);
    account.pharmacy = pharmacy;
    let credentials = with_password(&account, password().expose());
    (account, credentials)
}

fn policy<'a>(
    trust_list: &'a pli_core::mssante::whitelist::TrustList,
    product: &'a pli_core::mssante::headers::ProductReference,
    closes: bool,
) -> SendPolicy<'a> {
    SendPolicy {
        product_reference: product,
        trust_list,
        outside_confirmed: false,
        closes_conversation: closes,
    }
}

fn to_patient(from: &str, subject: &str) -> Draft {
    Draft {
        from: from.to_string(),
        to: vec![PATIENT.to_string()],
        subject: subject.to_string(),
        body: "Bonjour, vos résultats sont normaux.".into(),
        ..Draft::default()
    }
}

/// Waits until the stack has delivered a message carrying `needle` in its headers to `user`.
fn wait_for_delivery(user: &str, header: &str, value: &str) -> Vec<u8> {
    let runtime = runtime();
    runtime.block_on(async {
        let (account, credentials) = box_of(user, false);
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let mut connection = imap::connect(&account, &credentials).await.expect("IMAP");
            connection.session.select("INBOX").await.expect("select");
            let found = connection
                .session
                .uid_search(format!("HEADER {header} \"{value}\""))
                .await
                .expect("search");
            if let Some(uid) = found.into_iter().max() {
                let raw = sync::fetch_raw(&mut connection.session, uid)
                    .await
                    .expect("fetch")
                    .expect("body");
                let _ = connection.session.logout().await;
                return raw;
            }
            let _ = connection.session.logout().await;
            assert!(
                Instant::now() < deadline,
                "{user} never received {header}: {value}"
            );
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    })
}

fn patient_writes(to: &str, subject: &str, in_reply_to: Option<&str>) {
    let threading = in_reply_to
        .map(|id| format!("In-Reply-To: {id}\r\nReferences: {id}\r\n"))
        .unwrap_or_default();
    inject_raw(
        PATIENT,
        to,
        &format!("From: <{PATIENT}>\r\nTo: <{to}>\r\nSubject: {subject}\r\n{threading}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBonjour docteur.\r\n"),
    );
}

fn kind_of(store: &Store, account: &Account, subject: &str) -> Option<PatientKind> {
    let inbox = store
        .folder_with_role(&account.name, Role::Inbox)
        .expect("store")
        .expect("INBOX");
    let envelope = store
        .page(inbox.id, 0, 1000)
        .expect("page")
        .into_iter()
        .find(|envelope| envelope.subject == subject)
        .unwrap_or_else(|| panic!("{subject} not synced"));
    store.patient_kind(inbox.id, envelope.uid).expect("kind")
}

fn sync_until(account: &Account, credentials: &Credentials, store: &mut Store, subject: &str) {
    let runtime = runtime();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        runtime
            .block_on(sync_account(account, credentials, store, &mut |_| {}))
            .expect("sync");
        let inbox = store
            .folder_with_role(&account.name, Role::Inbox)
            .expect("store")
            .expect("INBOX");
        if store
            .page(inbox.id, 0, 1000)
            .expect("page")
            .iter()
            .any(|envelope| envelope.subject == subject)
        {
            return;
        }
        assert!(Instant::now() < deadline, "{subject} never arrived");
        std::thread::sleep(Duration::from_millis(300));
    }
}

#[test]
fn seed_a_patient_initiated_message_is_unsolicited_for_a_doctor_and_a_prescription_for_a_pharmacy()
{
    let doctor = dedicated_user("mss-doctor");
    let pharmacy = dedicated_user("mss-pharmacy");
    empty_mailbox(&doctor);
    empty_mailbox(&pharmacy);
    let subject = format!("Ordonnance {}", std::process::id());
    patient_writes(&doctor, &subject, None);
    patient_writes(&pharmacy, &subject, None);

    let (doctor_box, doctor_credentials) = box_of(&doctor, false);
    let mut doctor_store = Store::in_memory().expect("store");
    sync_until(
        &doctor_box,
        &doctor_credentials,
        &mut doctor_store,
        &subject,
    );
    assert_eq!(
        kind_of(&doctor_store, &doctor_box, &subject),
        Some(PatientKind::Unsolicited)
    );

    let (pharmacy_box, pharmacy_credentials) = box_of(&pharmacy, true);
    let mut pharmacy_store = Store::in_memory().expect("store");
    sync_until(
        &pharmacy_box,
        &pharmacy_credentials,
        &mut pharmacy_store,
        &subject,
    );
    assert_eq!(
        kind_of(&pharmacy_store, &pharmacy_box, &subject),
        Some(PatientKind::Prescription)
    );
    let prescriptions = pharmacy_store
        .patient_messages(&pharmacy_box.name, PatientKind::Prescription)
        .expect("view");
    assert_eq!(prescriptions.len(), 1);
    assert_eq!(prescriptions[0].1.from_address, PATIENT);
}

#[test]
fn seed_a_patient_answers_inside_an_open_conversation_but_not_after_eco_2_2_8_fin() {
    let doctor = dedicated_user("mss-conversation");
    empty_mailbox(&doctor);
    let (account, credentials) = box_of(&doctor, false);
    let mut store = Store::in_memory().expect("store");
    let runtime = runtime();
    let (list, product) = (trust_list(), product());

    let (_, opening_id, _) = send::queue(
        &store,
        &account,
        &to_patient(&doctor, "Vos résultats"),
        &policy(&list, &product, false),
    )
    .expect("queued");
    runtime
        .block_on(send::flush_outbox(&account, &credentials, &mut store))
        .expect("sent");
    let delivered = wait_for_delivery(
        PATIENT,
        "Message-ID",
        opening_id.trim_matches(|c| c == '<' || c == '>'),
    );
    let text = String::from_utf8_lossy(&delivered);
    assert!(
        text.contains("X-MSS-NIL: PLI-TEST-0001"),
        "ECO.2.4.3 on the wire: {text}"
    );
    assert!(!text.contains("X-MSS-MES"), "not closed yet");

    let reply = format!("Re: résultats {}", std::process::id());
    patient_writes(&doctor, &reply, Some(&opening_id));
    sync_until(&account, &credentials, &mut store, &reply);
    assert_eq!(kind_of(&store, &account, &reply), Some(PatientKind::Reply));

    let (_, closing_id, _) = send::queue(
        &store,
        &account,
        &to_patient(&doctor, "Fin du suivi"),
        &policy(&list, &product, true),
    )
    .expect("queued");
    runtime
        .block_on(send::flush_outbox(&account, &credentials, &mut store))
        .expect("sent");
    let closing = wait_for_delivery(
        PATIENT,
        "Message-ID",
        closing_id.trim_matches(|c| c == '<' || c == '>'),
    );
    assert!(
        String::from_utf8_lossy(&closing).contains("X-MSS-MES: FIN"),
        "ECO.2.2.8 on the wire"
    );

    let late = format!("Re: Fin du suivi {}", std::process::id());
    patient_writes(&doctor, &late, Some(&closing_id));
    sync_until(&account, &credentials, &mut store, &late);
    assert_eq!(
        kind_of(&store, &account, &late),
        Some(PatientKind::Unsolicited),
        "a reply after FIN is flagged"
    );
}

#[test]
fn ann_a_send_outside_the_trust_space_is_stopped_until_the_user_overrides_and_the_override_is_traced(
) {
    let doctor = dedicated_user("mss-outside");
    let (account, _) = box_of(&doctor, false);
    let store = Store::in_memory().expect("store");
    let (list, product) = (trust_list(), product());
    let draft = Draft {
        from: doctor.clone(),
        to: vec!["someone@example.com".into()],
        subject: "Compte rendu".into(),
        body: "…".into(),
        ..Draft::default()
    };
    let stopped = send::queue(&store, &account, &draft, &policy(&list, &product, false))
        .expect_err("stopped");
    assert!(matches!(stopped, SendError::Blocked(_)), "{stopped:?}");
    assert!(
        stopped
            .to_string()
            .contains("outside the MSSanté trust space"),
        "{stopped}"
    );
    assert!(
        store.outbox(&account.name).expect("outbox").is_empty(),
        "nothing queued"
    );

    let confirmed = SendPolicy {
        outside_confirmed: true,
        ..policy(&list, &product, false)
    };
    send::queue(&store, &account, &draft, &confirmed).expect("queued after the override");
    let trace = store.trace_since(None).expect("trace");
    let override_line = trace
        .iter()
        .find(|line| line.action == "override")
        .expect("the override is traced");
    assert!(override_line.request.contains("example.com"));
    assert!(
        !override_line.request.contains("someone"),
        "the trace names the domain, not the person"
    );
}

#[test]
fn eco_2_2_6_a_patient_address_with_a_wrong_key_is_never_sent() {
    let doctor = dedicated_user("mss-outside");
    let (account, _) = box_of(&doctor, false);
    let store = Store::in_memory().expect("store");
    let (list, product) = (trust_list(), product());
    let mut draft = to_patient(&doctor, "Résultats");
    draft.to = vec!["279035121518988@patient.mssante.fr".into()];
    let confirmed = SendPolicy {
        outside_confirmed: true,
        ..policy(&list, &product, false)
    };
    let stopped = send::queue(&store, &account, &draft, &confirmed).expect_err("stopped");
    assert!(matches!(stopped, SendError::Blocked(_)), "{stopped:?}");
    assert!(store.outbox(&account.name).expect("outbox").is_empty());
}

#[test]
fn eco_4_1_1_the_trace_records_the_send_with_the_servers_answer_and_no_secret() {
    let doctor = dedicated_user("mss-trace");
    let colleague = dedicated_user("mss-trace-to");
    let (account, credentials) = box_of(&doctor, false);
    let mut store = Store::in_memory().expect("store");
    let (list, product) = (trust_list(), product());
    let draft = Draft {
        from: doctor.clone(),
        to: vec![colleague],
        subject: "Lettre de liaison".into(),
        body: "Patient vu ce jour, glycémie 1,2 g/L.".into(),
        ..Draft::default()
    };
    send::queue(&store, &account, &draft, &policy(&list, &product, false)).expect("queued");
    runtime()
        .block_on(send::flush_outbox(&account, &credentials, &mut store))
        .expect("sent");
    let trace = store.trace_since(None).expect("trace");
    let send_line = trace
        .iter()
        .find(|line| line.action == "send")
        .expect("send traced");
    assert!(send_line.ok);
    assert!(send_line.answer.starts_with("250"), "{send_line:?}");
    assert!(
        trace.iter().any(|line| line.action == "login"),
        "the sign-in for the Sent copy is traced"
    );
    let everything = format!("{trace:?}");
    assert!(
        !everything.contains(password().expose()),
        "no password in the trace"
    );
    assert!(
        !everything.contains("glycémie"),
        "no health content in the trace"
    );
    assert!(store.last_use(&account.name).expect("use").is_some());
}
