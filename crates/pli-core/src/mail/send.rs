//! Writing and sending: a message is built once (its Message-ID fixed), put in the outbox in
//! the store, and leaves from there. The outbox survives a crash, a server outage and a restart,
//! and a message leaves exactly once: it is marked "accepted" the moment the submission server
//! takes it, so a retry never submits it again; only the copy in Sent remains to be made, and
//! that copy is looked for by Message-ID before it is appended.

use std::time::Duration;

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};

use super::account::Account;
use super::connect::{ConnectError, Credentials};
use super::smtp::{self, RawCommand};
use super::store::{OutboxState, Outgoing, Role, Store, StoreError, TraceAction};
use crate::mssante::address::{check_send, classify, AddressClass, SendCheck, SendIssue};
use crate::mssante::headers::{
    outgoing_headers, ProductReference, XdmContent, X_MSS_CODECDA, X_MSS_INS,
};
use crate::mssante::whitelist::TrustList;

/// How long one submission may take before it is abandoned and retried later; lettre's own
/// timeout covers only the connection.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(120);

/// A message as the composer hands it over.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub from_name: Option<String>,
    pub from: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub subject: String,
    pub body: String,
    pub attachments: Vec<(String, String, Vec<u8>)>,
    pub in_reply_to: Option<String>,
    pub references: Option<String>,
    /// Ask for a delivery status notification (RFC 3461, NOTIFY=SUCCESS,FAILURE).
    pub delivery_notification: bool,
    /// Ask for a read notification (RFC 8098, Disposition-Notification-To).
    pub read_notification: bool,
    /// Headers the MSSanté rules add (X-MSS-NIL, X-MSS-MES…).
    pub extra_headers: Vec<(String, String)>,
    /// What the `IHE_XDM.ZIP` among the attachments holds, set by the use case that built it
    /// (`usecase::health_document`): the message then carries `X-MSS-CODECDA` and `X-MSS-INS`
    /// (ECO.2.4.1, ECO.2.4.2), and never otherwise.
    pub health_documents: Option<XdmContent>,
}

impl Draft {
    /// An empty message from a box: its address, and its display name when it has one.
    pub fn from_box(account: &Account) -> Self {
        Self {
            from_name: account.display_name.clone(),
            from: account.address.clone(),
            ..Self::default()
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("'{0}' is not a valid address")]
    BadAddress(String),
    #[error("the message has no recipient")]
    NoRecipient,
    #[error("the message cannot be built: {0}")]
    Build(String),
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error("the server refused the message: {0}")]
    Refused(String),
    #[error("sending took longer than {} seconds; it will be tried again", SEND_TIMEOUT.as_secs())]
    TimedOut,
    #[error("the copy in Sent failed: {0}")]
    SentCopy(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A rule of the trust space stops the message; the composer shows each issue.
    #[error("the message cannot leave as it is: {}", describe_issues(.0))]
    Blocked(SendCheck),
    /// A recipient is a patient whose identity the professional has not confirmed (ECO.2.2.6,
    /// ECO.3.1.5): the faces show what each matricule says (sex, birth month and year) and ask.
    /// The matricules are for the faces only; the message of the error never carries them.
    #[error("the identity of the patient recipients is not confirmed")]
    PatientIdentityUnconfirmed(Vec<crate::mssante::ins::Ins>),
}

impl SendError {
    /// What the ECO.4.1 trace keeps of a failed send: its kind and the server's reply codes,
    /// never the server's free text, which quotes the refused addresses (a patient's carries the
    /// INS).
    pub fn trace_answer(&self) -> String {
        match self {
            SendError::BadAddress(_) => "bad address".into(),
            SendError::NoRecipient => "no recipient".into(),
            SendError::Build(_) => "cannot be built".into(),
            SendError::Connect(error) => error.trace_answer().into(),
            SendError::Refused(answer) => format!("refused {}", reply_codes(answer)),
            SendError::TimedOut => "timed out".into(),
            SendError::SentCopy(_) => "copy in Sent failed".into(),
            SendError::Store(_) => "store failure".into(),
            SendError::Blocked(_) => "stopped by the trust-space rules".into(),
            SendError::PatientIdentityUnconfirmed(_) => "patient identity not confirmed".into(),
        }
    }
}

/// The SMTP reply code and enhanced status code of a server's answer (`550 5.1.1`), without the
/// text around them.
pub fn reply_codes(answer: &str) -> String {
    let words: Vec<&str> = answer
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter(|word| !word.is_empty())
        .collect();
    let reply = words.iter().find(|word| {
        word.len() == 3 && matches!(word.as_bytes()[0], b'2'..=b'5') && !word.contains('.')
    });
    let enhanced = words.iter().find(|word| {
        let parts: Vec<&str> = word.split('.').collect();
        parts.len() == 3
            && matches!(parts[0], "2" | "4" | "5")
            && parts[1..].iter().all(|part| (1..=3).contains(&part.len()))
    });
    match (reply, enhanced) {
        (Some(reply), Some(enhanced)) => format!("{reply} {enhanced}"),
        (Some(code), None) | (None, Some(code)) => code.to_string(),
        (None, None) => "(no reply code)".into(),
    }
}

fn describe_issues(check: &SendCheck) -> String {
    check
        .issues()
        .iter()
        .map(|issue| match issue {
            SendIssue::OutsideTrustSpace { address } => format!("{address} is outside the MSSanté trust space"),
            SendIssue::InvalidPatientAddress { address, reason } => format!("{address}: {reason}"),
            SendIssue::TooLargeForPatient { size, limit } => {
                format!("the message weighs {size} bytes, more than the {limit} Mon espace santé accepts")
            }
            SendIssue::UnlistedDomain { address } => format!("{address} is not in the trust-space list"),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn mailbox(name: Option<&str>, address: &str) -> Result<Mailbox, SendError> {
    let address = address
        .trim()
        .parse()
        .map_err(|_| SendError::BadAddress(address.to_string()))?;
    Ok(Mailbox::new(name.map(str::to_string), address))
}

fn new_message_id(from: &str) -> String {
    let domain = from
        .rsplit_once('@')
        .map(|(_, domain)| domain)
        .unwrap_or("pli.invalid");
    let random: u128 = rand_u128();
    format!("<{:032x}.pli@{domain}>", random)
}

fn rand_u128() -> u128 {
    // Unique enough for a Message-ID: time plus the process and a counter, hashed.
    use sha2::{Digest, Sha256};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let seed = format!(
        "{}-{}-{}",
        chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let digest = Sha256::digest(seed.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    u128::from_be_bytes(bytes)
}

fn with_raw_headers(
    mut builder: lettre::message::MessageBuilder,
    headers: &[(String, String)],
) -> Result<lettre::message::MessageBuilder, SendError> {
    for (name, value) in headers {
        let name = HeaderName::new_from_ascii(name.clone())
            .map_err(|_| SendError::Build(format!("bad header {name}")))?;
        builder = builder.raw_header(HeaderValue::new(name, value.clone()));
    }
    Ok(builder)
}

/// Builds the message (UTF-8 text, RFC 5322 identifiers) and returns its Message-ID and bytes.
pub fn build(draft: &Draft) -> Result<(String, Vec<u8>), SendError> {
    if draft.to.is_empty() && draft.cc.is_empty() {
        return Err(SendError::NoRecipient);
    }
    build_unchecked(draft)
}

/// `build` without the recipient check: a draft may have none yet.
pub(crate) fn build_unchecked(draft: &Draft) -> Result<(String, Vec<u8>), SendError> {
    let message_id = new_message_id(&draft.from);
    let from = mailbox(draft.from_name.as_deref(), &draft.from)?;
    let own = from.email.clone();
    let mut builder = lettre::Message::builder()
        .from(from)
        .subject(draft.subject.clone())
        .message_id(Some(message_id.clone()))
        .date_now();
    if draft.to.is_empty() && draft.cc.is_empty() {
        // A draft without recipients yet: it never leaves, but lettre wants an envelope.
        let envelope = lettre::address::Envelope::new(Some(own.clone()), vec![own])
            .map_err(|error| SendError::Build(error.to_string()))?;
        builder = builder.envelope(envelope);
    }
    for to in &draft.to {
        builder = builder.to(mailbox(None, to)?);
    }
    for cc in &draft.cc {
        builder = builder.cc(mailbox(None, cc)?);
    }
    if let Some(in_reply_to) = &draft.in_reply_to {
        builder = builder.in_reply_to(in_reply_to.clone());
    }
    if let Some(references) = &draft.references {
        builder = builder.references(references.clone());
    }
    let mut extra = draft.extra_headers.clone();
    if draft.read_notification {
        extra.push(("Disposition-Notification-To".into(), draft.from.clone()));
    }
    builder = with_raw_headers(builder, &extra)?;
    let text = SinglePart::plain(draft.body.clone());
    let message = if draft.attachments.is_empty() {
        builder.singlepart(text)
    } else {
        let mut parts = MultiPart::mixed().singlepart(text);
        for (file_name, content_type, bytes) in &draft.attachments {
            // A type the sender's system named badly must not stop the message: the file goes
            // as plain bytes, which every reader can save.
            let content_type = content_type
                .parse::<ContentType>()
                .or_else(|_| ContentType::parse("application/octet-stream"))
                .map_err(|error| SendError::Build(error.to_string()))?;
            parts = parts
                .singlepart(Attachment::new(file_name.clone()).body(bytes.clone(), content_type));
        }
        builder.multipart(parts)
    }
    .map_err(|error| SendError::Build(error.to_string()))?;
    Ok((message_id, message.formatted()))
}

/// What the MSSanté rules need to know to let a message leave.
pub struct SendPolicy<'a> {
    /// The product reference declared to the ANS, for `X-MSS-NIL` (ECO.2.4.3).
    pub product_reference: &'a ProductReference,
    pub trust_list: &'a TrustList,
    /// The user saw the warning about recipients outside the trust space and chose to send.
    pub outside_confirmed: bool,
    /// The professional closes the patient conversation (`X-MSS-MES: FIN`, ECO.2.2.8).
    pub closes_conversation: bool,
}

/// Checks the message against the rules of the trust space, adds the MSSanté headers, puts it
/// in the outbox and records the patient conversations it opens or closes. Nothing reaches the
/// outbox without passing here.
///
/// Returns the outbox id, the Message-ID and the bytes that will leave.
pub fn queue(
    store: &Store,
    account: &Account,
    draft: &Draft,
    policy: &SendPolicy<'_>,
) -> Result<(i64, String, Vec<u8>), SendError> {
    let mut draft = draft.clone();
    if draft.health_documents.is_some() && !carries_xdm_archive(&draft) {
        return Err(SendError::Build(
            "health documents declared without their IHE_XDM.ZIP".into(),
        ));
    }
    with_mssante_headers(
        &mut draft.extra_headers,
        policy,
        draft.health_documents.as_ref(),
    );
    let (message_id, raw) = build(&draft)?;
    let recipients = recipients_of(&draft.to, &draft.cc);
    admit(store, account, &message_id, &raw, &recipients, policy)?;

    let id = store.enqueue(
        &account.name,
        &message_id,
        &raw,
        &draft.from,
        &recipients,
        draft.delivery_notification,
    )?;
    for recipient in &recipients {
        if let AddressClass::Patient(patient) = classify(recipient, policy.trust_list) {
            let mut conversation = store.conversation(&account.name, &patient)?;
            conversation.professional_sent(&message_id, policy.closes_conversation);
            store.save_conversation(&account.name, &patient, &conversation)?;
        }
    }
    Ok((id, message_id, raw))
}

/// The headers the MSSanté rules put on every message (`X-MSS-NIL`, `X-MSS-MES` when the
/// conversation closes, the XDM pair when the message carries health documents), replacing any
/// the caller set; a caller's `X-MSS-CODECDA` or `X-MSS-INS` without an archive goes.
fn with_mssante_headers(
    headers: &mut Vec<(String, String)>,
    policy: &SendPolicy<'_>,
    health_documents: Option<&XdmContent>,
) {
    headers.retain(|(known, _)| {
        !known.eq_ignore_ascii_case(X_MSS_CODECDA) && !known.eq_ignore_ascii_case(X_MSS_INS)
    });
    for (name, value) in outgoing_headers(
        policy.product_reference,
        policy.closes_conversation,
        health_documents,
    ) {
        headers.retain(|(known, _)| !known.eq_ignore_ascii_case(name));
        headers.push((name.to_string(), value));
    }
}

/// Whether one of the attachments is the `IHE_XDM.ZIP` archive (its name in any case).
fn carries_xdm_archive(draft: &Draft) -> bool {
    draft
        .attachments
        .iter()
        .any(|(name, _, _)| name.eq_ignore_ascii_case("IHE_XDM.ZIP"))
}

fn recipients_of(to: &[String], cc: &[String]) -> Vec<String> {
    to.iter().chain(cc).map(|a| a.trim().to_string()).collect()
}

/// The rules of the trust space for a message about to enter the outbox: blocked, or let
/// through (with a trace line when the user overrode the warning about recipients outside it).
fn admit(
    store: &Store,
    account: &Account,
    message_id: &str,
    raw: &[u8],
    recipients: &[String],
    policy: &SendPolicy<'_>,
) -> Result<(), SendError> {
    let check = check_send(
        recipients.iter().map(String::as_str),
        raw.len() as u64,
        policy.trust_list,
    );
    if !check.may_send(policy.outside_confirmed) {
        return Err(SendError::Blocked(check));
    }
    if check.needs_confirmation() {
        // The trace names the domains only: a patient's or a person's address is not needed
        // to prove the override.
        let outside: Vec<String> = check
            .issues()
            .iter()
            .filter_map(|issue| match issue {
                SendIssue::OutsideTrustSpace { address } => {
                    Some(crate::mail::account::domain_of(address))
                }
                _ => None,
            })
            .collect();
        store.trace(
            &account.name,
            TraceAction::Override,
            &format!(
                "send {message_id} outside the trust space to {}",
                outside.join(", ")
            ),
            "confirmed by the user",
            true,
        )?;
    }
    Ok(())
}

/// The message a read notification answers, as the reader has it.
#[derive(Debug, Clone)]
pub struct ReadReceipt<'a> {
    /// What the store remembers the receipt by: the original's Message-ID, or its place in the
    /// box when it has none.
    pub original: &'a str,
    /// The original's Message-ID with its angle brackets, for `Original-Message-ID`.
    pub original_message_id: Option<&'a str>,
    pub original_subject: &'a str,
    /// Where the sender asked the receipt to go (`Disposition-Notification-To`).
    pub to: &'a [String],
}

/// Queues a read notification (RFC 8098) for a message the user displayed and chose to
/// acknowledge (ECO.3.1.6), through the same rules and outbox as any message. A message is
/// acknowledged at most once: `Ok(None)` when its receipt was queued before.
///
/// Returns the outbox id and the receipt's Message-ID.
pub fn read_receipt(
    store: &Store,
    account: &Account,
    receipt: &ReadReceipt<'_>,
    policy: &SendPolicy<'_>,
) -> Result<Option<(i64, String)>, SendError> {
    if store.read_receipt_sent(&account.name, receipt.original)? {
        return Ok(None);
    }
    let mut headers = Vec::new();
    with_mssante_headers(&mut headers, policy, None);
    let (message_id, raw) = build_read_receipt(account, receipt, &headers)?;
    let recipients = recipients_of(receipt.to, &[]);
    admit(store, account, &message_id, &raw, &recipients, policy)?;
    // The envelope sender of a notification is null (RFC 8098 section 3): nothing answers it.
    Ok(store
        .enqueue_read_receipt(
            &account.name,
            receipt.original,
            &message_id,
            &raw,
            "",
            &recipients,
        )?
        .map(|id| (id, message_id)))
}

/// What the disposition notification's `Disposition` field says: the user chose to send it,
/// after the message was displayed.
pub const MDN_DISPOSITION: &str = "manual-action/MDN-sent-manually; displayed";

/// Builds the `multipart/report; report-type=disposition-notification` message: a sentence in
/// French for the person, then the `message/disposition-notification` part for the software.
pub fn build_read_receipt(
    account: &Account,
    receipt: &ReadReceipt<'_>,
    extra_headers: &[(String, String)],
) -> Result<(String, Vec<u8>), SendError> {
    use base64::Engine;
    if receipt.to.is_empty() {
        return Err(SendError::NoRecipient);
    }
    let message_id = new_message_id(&account.address);
    let subject = crate::mssante::headers::subject_for_display(receipt.original_subject);
    let human = format!(
        "Votre message « {subject} » adressé à {address} a été affiché par son destinataire le {date}.\r\n\r\n\
         Cet accusé de lecture indique seulement que le message a été ouvert : il ne garantit pas \
         qu'il a été lu ni compris.\r\n",
        subject = subject.trim(),
        address = account.address,
        date = chrono::Local::now().format("%d/%m/%Y à %H:%M"),
    );
    let mut wrapped = String::new();
    let encoded = base64::engine::general_purpose::STANDARD.encode(human.as_bytes());
    for line in encoded.as_bytes().chunks(76) {
        wrapped.push_str(&String::from_utf8_lossy(line));
        wrapped.push_str("\r\n");
    }
    let mut notification = format!(
        "Reporting-UA: {}; Pli {}\r\nFinal-Recipient: rfc822;{}\r\n",
        crate::mail::account::domain_of(&account.address),
        env!("CARGO_PKG_VERSION"),
        account.address.trim(),
    );
    if let Some(original) = receipt.original_message_id {
        notification.push_str(&format!("Original-Message-ID: {}\r\n", original.trim()));
    }
    notification.push_str(&format!("Disposition: {MDN_DISPOSITION}\r\n"));
    let boundary = format!("pli-mdn-{:032x}", rand_u128());
    let body = format!(
        "This is a read notification in MIME format.\r\n\r\n\
         --{boundary}\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n\
         {wrapped}\r\n\
         --{boundary}\r\n\
         Content-Type: message/disposition-notification\r\n\r\n\
         {notification}\r\n\
         --{boundary}--\r\n"
    );
    if !body.is_ascii() {
        return Err(SendError::Build(
            "the original's Message-ID or the address is not ASCII".into(),
        ));
    }
    let content_type = ContentType::parse(&format!(
        "multipart/report; report-type=disposition-notification; boundary=\"{boundary}\""
    ))
    .map_err(|error| SendError::Build(error.to_string()))?;
    let mut builder = lettre::Message::builder()
        .from(mailbox(account.display_name.as_deref(), &account.address)?)
        .subject(format!("Accusé de lecture : {}", subject.trim()))
        .message_id(Some(message_id.clone()))
        .date_now();
    for to in receipt.to {
        builder = builder.to(mailbox(None, to)?);
    }
    builder = with_raw_headers(builder, extra_headers)?;
    let message = builder
        .singlepart(SinglePart::builder().header(content_type).body(
            // Every line is short ASCII with CRLF (the sentence is in base64, the address
            // and Message-ID are ASCII): the parts go as they are, as a multipart must.
            lettre::message::Body::dangerous_pre_encoded(
                body.into_bytes(),
                lettre::message::header::ContentTransferEncoding::SevenBit,
            ),
        ))
        .map_err(|error| SendError::Build(error.to_string()))?;
    Ok((message_id, message.formatted()))
}

/// What one pass over the outbox did.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OutboxReport {
    pub submitted: usize,
    pub copied_to_sent: usize,
    pub failed: usize,
}

/// Sends what waits in the outbox of one account, then copies it to Sent.
pub async fn flush_outbox(
    account: &Account,
    credentials: &Credentials,
    store: &mut Store,
) -> Result<OutboxReport, SendError> {
    let mut report = submit_queued(account, credentials, store).await?;
    report.copied_to_sent += copy_accepted(account, credentials, store).await?;
    Ok(report)
}

/// Submits the queued messages; each is marked accepted as soon as the server took it.
pub async fn submit_queued(
    account: &Account,
    credentials: &Credentials,
    store: &mut Store,
) -> Result<OutboxReport, SendError> {
    let mut report = OutboxReport::default();
    let queued: Vec<Outgoing> = store
        .outbox(&account.name)?
        .into_iter()
        .filter(|message| message.state == OutboxState::Queued)
        .collect();
    if queued.is_empty() {
        return Ok(report);
    }
    let connected = smtp::connect(account, credentials).await;
    super::connection_trace::record_sign_in(
        store,
        account,
        &super::connection_trace::smtp_request(account, credentials),
        &connected,
    )?;
    let mut connection = connected?;
    for message in &queued {
        if !store.claim(message.id, SEND_TIMEOUT * 2)? {
            continue;
        }
        // The trace names the message and how many received it, not who: addresses of patients
        // carry their INS.
        let request = format!(
            "MAIL FROM:<{}> RCPT TO: {} recipient(s) {}",
            message.mail_from,
            message.recipients.len(),
            message.message_id
        );
        match tokio::time::timeout(SEND_TIMEOUT, submit(&mut connection, message)).await {
            Ok(Ok(answer)) => {
                store.set_outbox_state(message.id, OutboxState::Accepted)?;
                store.trace(
                    &account.name,
                    TraceAction::Send,
                    &request,
                    &reply_codes(&answer),
                    true,
                )?;
                report.submitted += 1;
            }
            Ok(Err(error)) => {
                store.trace(
                    &account.name,
                    TraceAction::Send,
                    &request,
                    &error.trace_answer(),
                    false,
                )?;
                store.outbox_failed(message.id, &error.to_string())?;
                store.release(message.id)?;
                report.failed += 1;
                // A refusal concerns that message only; anything else ends this pass.
                if !matches!(error, SendError::Refused(_)) {
                    return Err(error);
                }
            }
            Err(_) => {
                // The server may have taken the message before going silent: the claim is kept
                // until its lease ends, so a retry does not follow at once.
                store.outbox_failed(message.id, "timed out")?;
                return Err(SendError::TimedOut);
            }
        }
    }
    connection.quit().await;
    Ok(report)
}

/// Copies the accepted messages to Sent; returns how many copies were appended.
pub async fn copy_accepted(
    account: &Account,
    credentials: &Credentials,
    store: &mut Store,
) -> Result<usize, SendError> {
    let accepted: Vec<Outgoing> = store
        .outbox(&account.name)?
        .into_iter()
        .filter(|message| message.state == OutboxState::Accepted)
        .collect();
    if accepted.is_empty() {
        return Ok(0);
    }
    copy_to_sent(account, credentials, store, &accepted).await
}

/// One submission: MAIL FROM, RCPT TO (with DSN parameters when asked and offered), DATA.
async fn submit(
    connection: &mut smtp::SmtpConnection,
    message: &Outgoing,
) -> Result<String, SendError> {
    let endpoint = connection.endpoint().clone();
    let refused = |error: lettre::transport::smtp::Error| {
        if error.is_permanent() {
            SendError::Refused(error.to_string())
        } else {
            SendError::Connect(smtp::map_error(&endpoint, error))
        }
    };
    let dsn = message.delivery_notification && connection.has_capability("DSN");
    let eight_bit = !message.raw.is_ascii() && connection.has_capability("8BITMIME");
    let mut mail_from = format!("MAIL FROM:<{}>", message.mail_from);
    if eight_bit {
        mail_from.push_str(" BODY=8BITMIME");
    }
    if dsn {
        mail_from.push_str(" RET=HDRS");
    }
    let inner = &mut connection.connection;
    inner
        .command(RawCommand(mail_from))
        .await
        .map_err(refused)?;
    for recipient in &message.recipients {
        let mut rcpt = format!("RCPT TO:<{recipient}>");
        if dsn {
            rcpt.push_str(" NOTIFY=SUCCESS,FAILURE");
        }
        inner.command(RawCommand(rcpt)).await.map_err(refused)?;
    }
    inner
        .command(RawCommand("DATA".into()))
        .await
        .map_err(refused)?;
    let answer = inner.message(&message.raw).await.map_err(refused)?;
    Ok(format!(
        "{} {}",
        answer.code(),
        answer.message().collect::<Vec<_>>().join(" ")
    ))
}

/// Appends the accepted messages to Sent, unless a copy with the same Message-ID is already
/// there (the process may have stopped right after an earlier append).
async fn copy_to_sent(
    account: &Account,
    credentials: &Credentials,
    store: &mut Store,
    accepted: &[Outgoing],
) -> Result<usize, SendError> {
    let sent = store
        .folder_with_role(&account.name, Role::Sent)?
        .map(|folder| folder.name)
        .unwrap_or_else(|| "Sent".to_string());
    let request = format!("sign-in to copy to {sent} on {}", account.imap);
    let mut connection = match super::imap::connect(account, credentials).await {
        Ok(connection) => {
            store.trace(&account.name, TraceAction::Login, &request, "OK", true)?;
            connection
        }
        Err(error) => {
            store.trace(
                &account.name,
                TraceAction::Login,
                &request,
                error.trace_answer(),
                false,
            )?;
            return Err(error.into());
        }
    };
    let session = &mut connection.session;
    session
        .select(&sent)
        .await
        .map_err(|error| SendError::SentCopy(error.to_string()))?;
    let mut copied = 0;
    for message in accepted {
        let id = message.message_id.trim_matches(|c| c == '<' || c == '>');
        let found = session
            .uid_search(format!("HEADER Message-ID \"{id}\""))
            .await
            .map_err(|error| SendError::SentCopy(error.to_string()))?;
        if found.is_empty() {
            session
                .append(&sent, Some("(\\Seen)"), None, &message.raw)
                .await
                .map_err(|error| SendError::SentCopy(error.to_string()))?;
            copied += 1;
        }
        store.set_outbox_state(message.id, OutboxState::Done)?;
    }
    let _ = session.logout().await;
    Ok(copied)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::mime::Report;

    #[test]
    fn eco_4_1_2_the_trace_keeps_the_reply_codes_not_the_servers_text() {
        let refused = SendError::Refused(
            "permanent error (550): 5.1.1 <279035121518989@patient.mssante.fr>: Recipient address rejected"
                .into(),
        );
        assert_eq!(refused.trace_answer(), "refused 550 5.1.1");
        assert_eq!(
            reply_codes("250 2.0.0 Ok: queued as C6DF0990311"),
            "250 2.0.0"
        );
        assert_eq!(reply_codes("queued"), "(no reply code)");
    }
    use mail_parser::{MessageParser, MimeHeaders};

    fn doctor() -> Account {
        crate::mail::account::example_doctor()
    }

    fn receipt<'a>(to: &'a [String]) -> ReadReceipt<'a> {
        ReadReceipt {
            original: "<cr-42@ch-test.mssante.fr>",
            original_message_id: Some("<cr-42@ch-test.mssante.fr>"),
            original_subject: "Compte rendu d'échographie",
            to,
        }
    }

    #[test]
    fn eco_2_3_1_a_read_receipt_is_an_rfc_8098_disposition_notification() {
        let to = vec!["helene.noel@ch-test.mssante.fr".to_string()];
        let headers = vec![("X-MSS-NIL".to_string(), "PLI-TEST".to_string())];
        let (message_id, raw) = build_read_receipt(&doctor(), &receipt(&to), &headers).unwrap();
        let message = MessageParser::default().parse(&raw).unwrap();
        let content_type = message.content_type().unwrap();
        assert_eq!(content_type.ctype(), "multipart");
        assert_eq!(content_type.subtype(), Some("report"));
        assert_eq!(
            content_type.attribute("report-type"),
            Some("disposition-notification")
        );
        assert_eq!(
            message.message_id().map(|id| format!("<{id}>")),
            Some(message_id)
        );
        assert!(message.header("Disposition-Notification-To").is_none());
        assert_eq!(
            message.header_raw("X-MSS-NIL").map(str::trim),
            Some("PLI-TEST")
        );
        let human = message.body_text(0).unwrap();
        assert!(human.contains("Compte rendu d'échographie"), "{human}");
        assert!(human.contains("a été affiché"), "{human}");
        // The receipt reads back, through the one reading path, as the notification it is.
        let read_back = crate::mail::mime::read_message(&raw);
        let Some(Report::Disposition(fields)) = &read_back.report else {
            panic!("a message/disposition-notification part: {read_back:?}");
        };
        assert_eq!(
            crate::mail::mime::read_message(b"Subject: x\r\n\r\nbody\r\n").report,
            None
        );
        assert_eq!(
            fields.original_message_id.as_deref(),
            Some("cr-42@ch-test.mssante.fr")
        );
        assert_eq!(
            fields.final_recipient.as_deref(),
            Some("dr.martin@ch-test.mssante.fr")
        );
        assert_eq!(
            fields.disposition.as_deref(),
            Some("manual-action/MDN-sent-manually; displayed")
        );
        assert!(
            fields
                .reporting_ua
                .as_deref()
                .is_some_and(|ua| ua.starts_with("ch-test.mssante.fr; Pli ")),
            "{fields:?}"
        );
    }

    #[test]
    fn eco_3_1_6_a_message_is_acknowledged_at_most_once() {
        let store = Store::in_memory().unwrap();
        let trust_list = TrustList::parse(
            "<ListeBlanche><Domaine><Nom>ch-test.mssante.fr</Nom></Domaine></ListeBlanche>",
        )
        .unwrap();
        let product = ProductReference::new("PLI-TEST").unwrap();
        let policy = SendPolicy {
            product_reference: &product,
            trust_list: &trust_list,
            outside_confirmed: false,
            closes_conversation: false,
        };
        let to = vec!["helene.noel@ch-test.mssante.fr".to_string()];
        let first = read_receipt(&store, &doctor(), &receipt(&to), &policy).unwrap();
        assert!(first.is_some());
        assert!(store
            .read_receipt_sent("cabinet", "<cr-42@ch-test.mssante.fr>")
            .unwrap());
        assert_eq!(
            read_receipt(&store, &doctor(), &receipt(&to), &policy).unwrap(),
            None
        );
        let outbox = store.outbox("cabinet").unwrap();
        assert_eq!(outbox.len(), 1);
        assert_eq!(
            outbox[0].mail_from, "",
            "a notification has a null envelope sender"
        );

        // Outside the trust space the rules stop it, and nothing is remembered.
        let outside = vec!["someone@gmail.com".to_string()];
        let mut other = receipt(&outside);
        other.original = "<other@gmail.com>";
        assert!(matches!(
            read_receipt(&store, &doctor(), &other, &policy),
            Err(SendError::Blocked(_))
        ));
        assert!(!store
            .read_receipt_sent("cabinet", "<other@gmail.com>")
            .unwrap());

        // Declined: answered, and no receipt can leave for it afterwards.
        let mut declined = receipt(&to);
        declined.original = "<cr-43@ch-test.mssante.fr>";
        store
            .decline_read_receipt("cabinet", declined.original)
            .unwrap();
        assert!(store
            .read_receipt_sent("cabinet", declined.original)
            .unwrap());
        assert_eq!(
            read_receipt(&store, &doctor(), &declined, &policy).unwrap(),
            None
        );
        assert_eq!(store.outbox("cabinet").unwrap().len(), 1);
    }
}
