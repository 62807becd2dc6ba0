//! What the reader shows of a received message: the types the walker fills in.

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use super::report::Report;
#[cfg(doc)]
use super::{display_subject, read_message, safe_file_name};

/// What the reader shows of one message. [`read_message`] always builds one: what could not be
/// read is listed in `problems` instead of failing, because a doctor must still see what arrived.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReadingModel {
    /// The subject, RFC 2047 words decoded; the XDM prefix is still there (see
    /// [`display_subject`]) because replies and the index need the subject as sent.
    pub subject: String,
    pub from: Vec<Mailbox>,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    pub reply_to: Vec<Mailbox>,
    pub date: Option<DateTime<FixedOffset>>,
    /// Without the angle brackets, as threading compares them.
    pub message_id: Option<String>,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    pub headers: MssanteHeaders,
    /// A sender writes from `…@patient.mssante.fr`: the reader must set the message apart
    /// (ECO.3.1.1).
    pub from_patient: bool,
    /// The body as text: `text/plain` when the message has it, otherwise its HTML turned into
    /// text. Line ends are `\n`.
    pub text: String,
    /// The text comes from HTML, so its layout is an approximation of what the sender saw.
    pub html_was_converted: bool,
    pub attachments: Vec<Attachment>,
    /// Messages attached to this one (forwards as attachment, bounces), read in turn.
    pub embedded_messages: Vec<EmbeddedMessage>,
    /// What a delivery status or disposition notification says, when the message is one.
    pub report: Option<Report>,
    /// What was wrong with the message, in words that never quote it.
    pub problems: Vec<String>,
    /// The health documents of each `IHE_XDM.ZIP` attachment, or why it could not be read.
    pub documents: Vec<crate::xdm::MessageDocuments>,
}

/// A correspondent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mailbox {
    /// The display name, absent when the sender gave none or repeated the address.
    pub name: Option<String>,
    /// May be empty when the header holds a name alone.
    pub address: String,
}

/// The headers that drive MSSanté behaviour in the reader.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MssanteHeaders {
    /// `X-MSS-MES`, as received.
    pub x_mss_mes: Option<String>,
    /// `X-MSS-MES: FIN`: the professional closed the patient conversation (ECO.2.2.8).
    pub closes_conversation: bool,
    /// `X-MSS-INS`, as received: `O` when the sender says a qualified INS is in the archive
    /// (ECO.2.4.2).
    pub x_mss_ins: Option<String>,
    /// `X-MSS-CODECDA`, as received: the codes of the CDA documents the sender says it attached
    /// (ECO.2.4.1).
    pub x_mss_codecda: Option<String>,
    /// `Disposition-Notification-To`: the sender asks for a read receipt, which the client
    /// offers to send (ECO.3.1.6).
    pub disposition_notification_to: Vec<Mailbox>,
}

/// A file carried by a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attachment {
    /// Position in the list it belongs to (`attachments`, or `embedded_messages`).
    pub index: usize,
    /// The name as the sender gave it (RFC 2047 and RFC 2231 decoded), with control and
    /// direction-override characters removed so that `facture<U+202E>fdp.exe` cannot pass for
    /// a PDF. Saving must still go through [`safe_file_name`].
    pub file_name: Option<String>,
    /// `type/subtype`, lower case.
    pub content_type: String,
    /// Decoded size in bytes.
    pub size: u64,
    /// `attachment`, `inline` or whatever the sender wrote, lower case.
    pub disposition: Option<String>,
    /// Part of the layout of the HTML body (a logo, a signature image) rather than a document.
    pub is_inline: bool,
    pub content_id: Option<String>,
    /// The `IHE_XDM.ZIP` archive of a message carrying health documents (RULES §4).
    pub is_ihe_xdm: bool,
    /// Where the bytes are in the raw message.
    pub locator: PartLocator,
}

/// How to get an attachment's bytes back from the raw message: each step slices the current
/// bytes and decodes the slice; the first step applies to the raw message. An attachment of an
/// encoded embedded message needs two steps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartLocator {
    pub(super) message_len: usize,
    pub(super) steps: Vec<Step>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(super) struct Step {
    pub start: usize,
    pub end: usize,
    pub encoding: TransferEncoding,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(super) enum TransferEncoding {
    /// `7bit`, `8bit`, `binary`, absent, or unknown: the bytes are the content.
    #[default]
    Identity,
    Base64,
    QuotedPrintable,
}

/// A message attached to a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EmbeddedMessage {
    /// The embedded message as a file, to save it as `.eml`.
    pub attachment: Attachment,
    pub message: ReadingModel,
}
