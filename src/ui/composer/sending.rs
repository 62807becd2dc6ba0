//! Sending what the composer holds, off the UI thread: the use cases queue it (a health
//! document through its own), the outbox is handed to the server, a read receipt leaves; and the
//! system's file dialogs for attachments.

use super::*;

/// Where a message goes and how.
#[derive(Clone)]
pub struct SendRequest {
    pub account: Account,
    pub draft: Draft,
    /// The profile: its store, its settings (the product reference) and its trust list.
    pub profile: Profile,
    /// The user saw that recipients are outside the trust space and chose to send.
    pub outside_confirmed: bool,
    /// The user saw the notices about the recipients (`TrustDialog`) and chose to send.
    pub notices_seen: bool,
    /// The professional confirmed the identity of every patient among the recipients.
    pub patients_confirmed: bool,
    /// The professional closes the patient conversation (`X-MSS-MES: FIN`, ECO.2.2.8).
    pub closes_conversation: bool,
    /// The professional confirmed sending health documents about a patient whose identity is
    /// not qualified, named by the structure's local identifier (ECO.2.4.2).
    pub unqualified_identity_confirmed: bool,
    /// A demonstration box: the message is queued, never sent.
    pub demo: bool,
    /// Health documents to send with it, about one patient (the archive, the PDFs, the subject
    /// and headers); none for an ordinary message.
    pub documents: Vec<HealthDocument>,
}

impl std::fmt::Debug for SendRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SendRequest")
            .field("account", &self.account.name)
            .finish_non_exhaustive()
    }
}

/// How a send ended when the message is safe (sent, or waiting in the outbox).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    Sent,
    /// In the outbox; the sentence says why it has not left yet.
    Waiting(String),
}

/// Why a message did not even reach the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotQueued {
    /// Something to fix: an address, the store.
    Problem(String),
    /// The health document's own rules stop it; each issue in a sentence.
    Blocked { issues: Vec<String> },
    /// The rules of the trust space stop it, or notices about its recipients are to be seen
    /// before it leaves: the composer opens the `TrustDialog` on this check.
    Checked(SendCheck),
}

/// Sends the message through the core's use case (the MSSanté rules, the outbox, the trace),
/// then hands the outbox to the server. `Err` means the message was not queued (the form must
/// change); once queued, the outcome is `Ok`, sent or waiting.
pub async fn send(request: SendRequest, i18n: Arc<I18n>) -> Result<SendOutcome, NotQueued> {
    let queued = {
        let request = request.clone();
        tokio::task::spawn_blocking(move || {
            if !request.notices_seen {
                // What would not stop the message is shown before it is queued; anything worse
                // comes back from the use case below, notices included.
                let check = outbox::check_recipients(&request.profile, &request.draft);
                if !check.issues().is_empty() && check.may_send(false) {
                    return Err(DocumentOrSend::Send(SendError::Blocked(check)));
                }
            }
            let choices = SendChoices {
                outside_confirmed: request.outside_confirmed,
                closes_conversation: request.closes_conversation,
                patients_confirmed: request.patients_confirmed,
                unqualified_identity_confirmed: request.unqualified_identity_confirmed,
            };
            if request.documents.is_empty() {
                outbox::send(&request.profile, &request.account, &request.draft, choices)
                    .map_err(DocumentOrSend::Send)
            } else {
                health_document::send(
                    &request.profile,
                    &request.account,
                    &request.draft,
                    &request.documents,
                    choices,
                )
                .map_err(DocumentOrSend::Document)
            }
        })
        .await
    };
    match queued {
        Ok(Ok(_)) => {}
        Ok(Err(DocumentOrSend::Send(refused)))
        | Ok(Err(DocumentOrSend::Document(HealthDocumentError::Send(refused)))) => {
            return Err(not_queued(&refused, &i18n))
        }
        Ok(Err(DocumentOrSend::Document(refused))) => {
            return Err(NotQueued::Blocked {
                issues: vec![refused.localize(&i18n)],
            })
        }
        Err(stopped) => return Err(NotQueued::Problem(stopped.to_string())),
    }
    Ok(deliver(&request.account, &request.profile, request.demo, &i18n).await)
}

/// Why a message with or without a health document was not queued.
enum DocumentOrSend {
    Send(SendError),
    Document(HealthDocumentError),
}

/// Why the core did not queue a message, as the composer shows it.
fn not_queued(refused: &SendError, i18n: &I18n) -> NotQueued {
    match refused {
        SendError::Blocked(check) => NotQueued::Checked(check.clone()),
        other => NotQueued::Problem(other.localize(i18n)),
    }
}

/// Hands the outbox of a box to its server now: the message just queued leaves, or waits there
/// for the box's worker.
async fn deliver(account: &Account, profile: &Profile, demo: bool, i18n: &I18n) -> SendOutcome {
    if demo {
        return SendOutcome::Waiting(i18n.t("send-demo"));
    }
    let place = crate::ui::connectivity::Place::of(profile);
    let credentials =
        match pli_core::usecase::credentials::load(account, &place.keyring_service).await {
            Ok(credentials) => credentials,
            Err(error) => return SendOutcome::Waiting(error.localize(i18n)),
        };
    match outbox::deliver(profile, account, &credentials).await {
        Ok(report) if report.failed == 0 => SendOutcome::Sent,
        Ok(_) => SendOutcome::Waiting(i18n.t("send-error-refused-some")),
        // Sent, but the copy in Sent is still to be made: for the user, it has left.
        Err(SendError::SentCopy(_)) => SendOutcome::Sent,
        Err(error) => SendOutcome::Waiting(error.localize(i18n)),
    }
}

/// A read receipt the reader chose to send (ECO.3.1.6).
#[derive(Clone)]
pub struct ReceiptRequest {
    pub account: Account,
    pub profile: Profile,
    /// What the store remembers the receipt by (see `reader::Opened::receipt_key`).
    pub original: String,
    pub original_message_id: Option<String>,
    pub original_subject: String,
    pub to: Vec<String>,
    /// Where the message is, so the server marks it `$MDNSent` for the other workstations.
    pub folder: String,
    pub uid: u32,
    pub demo: bool,
}

impl std::fmt::Debug for ReceiptRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReceiptRequest")
            .field("account", &self.account.name)
            .finish_non_exhaustive()
    }
}

/// Queues the read receipt through the core's use case (the rules of the trust space apply)
/// and hands it to the server; the sentence the reader shows, a success or a problem.
pub async fn send_read_receipt(request: ReceiptRequest, i18n: Arc<I18n>) -> Result<String, String> {
    let queued = {
        let request = request.clone();
        tokio::task::spawn_blocking(move || {
            let receipt = ReadReceipt {
                original: &request.original,
                original_message_id: request.original_message_id.as_deref(),
                original_subject: &request.original_subject,
                to: &request.to,
            };
            pli_core::usecase::handling::acknowledge(
                &request.profile,
                &request.account,
                &request.folder,
                request.uid,
                &receipt,
            )
        })
        .await
        .map_err(|stopped| stopped.to_string())?
    };
    match queued {
        Ok(Some(_)) => Ok(
            match deliver(&request.account, &request.profile, request.demo, &i18n).await {
                SendOutcome::Sent => i18n.t("read-receipt-sent"),
                SendOutcome::Waiting(reason) => {
                    i18n.t_args("read-receipt-waiting", args!["reason" => reason])
                }
            },
        ),
        Ok(None) => Ok(i18n.t("read-receipt-already-sent")),
        Err(SendError::Blocked(check)) => {
            let issues: Vec<String> = check
                .issues()
                .iter()
                .map(|issue| issue.localize(&i18n))
                .collect();
            Err(i18n.t_args("read-receipt-blocked", args!["issues" => issues.join(" ")]))
        }
        Err(problem) => Err(problem.localize(&i18n)),
    }
}

/// `send` as a `Task` for the window.
pub fn send_task(request: SendRequest, i18n: Arc<I18n>) -> Task<Result<SendOutcome, NotQueued>> {
    Task::perform(send(request, i18n), |result| result)
}

/// The correspondents the store knows, the most recently heard from first, for completion; none
/// when the store cannot be read (completion is a help, not a need).
pub async fn known_correspondents(store_path: PathBuf, limit: usize) -> Vec<Known> {
    match read_apart(store_path, move |store| store.recent_correspondents(limit)).await {
        Ok(known) => known
            .into_iter()
            .map(|known| Known::new(known.name, known.address))
            .collect(),
        Err(error) => {
            tracing::warn!(%error, "the known correspondents could not be read");
            Vec::new()
        }
    }
}

/// Asks for files with the system's dialog (the XDG portal on Linux) and reads them, off the UI
/// thread. Nothing chosen gives an empty list.
/// The system's file dialog for the PDF of a health document; `None` when the person cancels.
pub async fn pick_document() -> Result<Option<(String, Vec<u8>)>, String> {
    let Some(handle) = rfd::AsyncFileDialog::new()
        .add_filter("PDF", &["pdf", "PDF"])
        .pick_file()
        .await
    else {
        return Ok(None);
    };
    let path = handle.path().to_path_buf();
    tokio::task::spawn_blocking(move || {
        let (name, _, bytes) =
            outbox::attachment_from_file(&path).map_err(|error| error.to_string())?;
        Ok(Some((name, bytes)))
    })
    .await
    .map_err(|error| error.to_string())?
}

pub async fn pick_attachments() -> Result<Vec<(String, String, Vec<u8>)>, String> {
    let Some(handles) = rfd::AsyncFileDialog::new().pick_files().await else {
        return Ok(Vec::new());
    };
    read_attachments(handles.iter().map(|h| h.path().to_path_buf()).collect()).await
}

/// Reads files to attach (name, content type, bytes), off the UI thread.
pub async fn read_attachments(
    paths: Vec<PathBuf>,
) -> Result<Vec<(String, String, Vec<u8>)>, String> {
    tokio::task::spawn_blocking(move || {
        paths
            .iter()
            .map(|path| outbox::attachment_from_file(path).map_err(|error| error.to_string()))
            .collect()
    })
    .await
    .map_err(|error| error.to_string())?
}
