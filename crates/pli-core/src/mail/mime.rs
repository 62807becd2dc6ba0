//! The reading model: what the reader shows of a received message, built from its raw bytes.
//!
//! The MIME structure is walked here, over the raw message, rather than taken from
//! `mail_parser::MessageParser::parse`, for three reasons found while testing mail-parser 0.11:
//!
//! - its full parse decodes every base64 attachment while parsing, so opening a message with a
//!   20 MB attachment would copy the attachment just to show the text; here attachments are only
//!   measured, and decoded when the user saves one ([`attachment_bytes`]);
//! - a part it cannot decode as labelled (a PDF sent as `text/plain`, base64 with stray bytes) is
//!   turned into lossy text, which loses bytes; here every attachment is sliced from the raw
//!   message and decoded on its own terms;
//! - a message nesting `message/rfc822` a hundred thousand times deep overflows the stack when
//!   its parse tree is dropped, which would let anyone crash Pli with a 4 MB e-mail; here the
//!   depth and the number of parts are bounded.
//!
//! mail-parser still reads every header block (RFC 2047 words, RFC 2231 parameters, addresses,
//! dates, message ids) and supplies the character set decoders and the HTML entity table.
//!
//! Nothing here logs: subjects, addresses, file names and bodies are health data. The
//! `problems` of a model never quote the message, so they may be logged.

use std::borrow::Cow;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::LazyLock;
use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone};
use mail_parser::{Addr, Address, Header, HeaderName, HeaderValue, MessageParser};
use serde::Serialize;
use thiserror::Error;
use unicode_normalization::UnicodeNormalization;

use crate::mssante::headers::{is_closing, subject_for_display};
use crate::mssante::ins::PATIENT_DOMAIN;

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
    /// What was wrong with the message, in words that never quote it.
    pub problems: Vec<String>,
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
    message_len: usize,
    steps: Vec<Step>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
struct Step {
    start: usize,
    end: usize,
    encoding: TransferEncoding,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
enum TransferEncoding {
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

/// What to do when the file to save already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    /// Leave the existing file alone and say so, so that the UI can ask the user.
    Never,
    /// The user agreed to replace it.
    Replace,
}

/// Why an attachment could not be given back or saved. Messages carry file paths, which may
/// name a patient: show them to the user, never log them.
#[derive(Debug, Error)]
pub enum MimeError {
    #[error(
        "this attachment was read from another copy of the message; open the message again and retry"
    )]
    NotInMessage,
    #[error("{} is not a folder Pli can save into; choose another folder", folder.display())]
    NotAFolder { folder: PathBuf },
    #[error("{} already exists; choose to replace it or to save under another name", path.display())]
    AlreadyExists { path: PathBuf },
    #[error("cannot save the attachment as {}: {source}", path.display())]
    Write { path: PathBuf, source: io::Error },
}

/// The name an attachment gets on disk when the sender gave none.
const DEFAULT_FILE_NAME: &str = "pièce-jointe";

/// How deep multiparts and embedded messages may nest. Real messages stay under ten; the bound
/// keeps a hostile one from exhausting the stack.
const MAX_DEPTH: usize = 32;

/// How many parts one message may have, embedded messages included. Real messages stay far
/// below; the bound keeps a hostile one from exhausting memory with millions of empty parts.
const MAX_PARTS: usize = 2_000;

mod problem {
    pub const EMPTY: &str = "the message is empty";
    pub const NO_HEADERS: &str =
        "the message has no headers; it is shown as raw text and may be damaged";
    pub const STRAY_HEADER_LINES: &str =
        "some lines among the headers are not headers; they were ignored";
    pub const EIGHT_BIT_HEADERS: &str =
        "some headers contain raw bytes that are not UTF-8; they were read as Windows-1252";
    pub const DATE: &str = "the date of the message cannot be read";
    pub const NO_BOUNDARY: &str =
        "a multipart section declares no boundary; it is shown as raw text";
    pub const BOUNDARY_NOT_FOUND: &str =
        "the boundary declared by a multipart section never appears; it is shown as raw text";
    pub const UNCLOSED: &str =
        "the message ends before its last section is closed; it was probably cut during transfer";
    pub const TOO_DEEP: &str =
        "sections are nested too deeply; the deepest ones are listed as attachments only";
    pub const TOO_MANY_PARTS: &str =
        "the message has too many parts; only the first ones are shown";
    pub const UNKNOWN_CHARSET: &str = "a text declares a character set Pli does not know; it was read as UTF-8, or as Windows-1252 where it is not UTF-8";
    pub const MISLABELLED_CHARSET: &str =
        "a text is not in the character set it declares; it was read as Windows-1252";
    pub const UNKNOWN_ENCODING: &str =
        "a part declares a transfer encoding Pli does not know; its bytes are kept as they are";
    pub const DAMAGED_BASE64: &str =
        "a part's base64 encoding is damaged; the invalid characters were skipped";
    pub const HIDDEN_NAME_CHARACTERS: &str = "an attachment name contained invisible or direction-changing characters, which can disguise a file's type; they were removed";
}

/// The headers Pli reads; the others are kept raw and ignored.
static PARSER: LazyLock<MessageParser> = LazyLock::new(|| {
    MessageParser::new()
        .with_mime_headers()
        .with_date_headers()
        .with_address_headers()
        .with_message_ids()
        .header_text(HeaderName::Subject)
        .header_address(HeaderName::DispositionNotificationTo)
});

/// Reads a raw message (as fetched over IMAP, LF or CRLF line ends) into what the reader shows.
/// Never fails and never panics: a message that is not a message at all still gives a model
/// whose text is the raw bytes, with a problem saying so.
pub fn read_message(raw: &[u8]) -> ReadingModel {
    let source = Source {
        buf: raw,
        path: &[],
        message_len: raw.len(),
    };
    read_model(source, 0..raw.len(), 0, &mut Budget::default())
}

/// The decoded bytes of one attachment, sliced from the raw message it was read from and
/// decoded on their own, so a mislabelled part loses nothing.
pub fn attachment_bytes(raw: &[u8], attachment: &Attachment) -> Result<Vec<u8>, MimeError> {
    let locator = &attachment.locator;
    if locator.message_len != raw.len() || locator.steps.is_empty() {
        return Err(MimeError::NotInMessage);
    }
    let mut current = Cow::Borrowed(raw);
    for step in &locator.steps {
        let slice = current
            .get(step.start..step.end)
            .ok_or(MimeError::NotInMessage)?;
        let decoded = transfer::decode(slice, step.encoding).0.into_owned();
        current = Cow::Owned(decoded);
    }
    Ok(current.into_owned())
}

/// Saves an attachment into `folder` under its [`Attachment::suggested_file_name`], writing a
/// temporary file in the same folder first so that a crash or a full disk never leaves half a
/// document under the real name. Returns the path written.
pub fn save_attachment(
    raw: &[u8],
    attachment: &Attachment,
    folder: &Path,
    overwrite: Overwrite,
) -> Result<PathBuf, MimeError> {
    if !folder.is_dir() {
        return Err(MimeError::NotAFolder {
            folder: folder.to_owned(),
        });
    }
    let target = folder.join(attachment.suggested_file_name());
    if overwrite == Overwrite::Never && target.symlink_metadata().is_ok() {
        return Err(MimeError::AlreadyExists { path: target });
    }
    let bytes = attachment_bytes(raw, attachment)?;
    let temporary = TemporaryFile::create(&target)?;
    temporary.write(&bytes)?;
    temporary.persist(overwrite)
}

impl Attachment {
    /// The name to save the attachment under: the sender's name made safe, or a French default
    /// with an extension that lets the system open it.
    pub fn suggested_file_name(&self) -> String {
        match &self.file_name {
            Some(name) => safe_file_name(name),
            None => safe_file_name(&match extension_for(&self.content_type) {
                Some(extension) => format!("{DEFAULT_FILE_NAME}.{extension}"),
                None => DEFAULT_FILE_NAME.to_owned(),
            }),
        }
    }
}

fn extension_for(content_type: &str) -> Option<&'static str> {
    Some(match content_type {
        "application/pdf" => "pdf",
        "application/zip" | "application/x-zip-compressed" => "zip",
        "application/xml" | "text/xml" => "xml",
        "text/plain" => "txt",
        "text/html" => "html",
        "text/calendar" => "ics",
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "message/rfc822" | "message/global" => "eml",
        _ => return None,
    })
}

/// Makes a name given by a sender safe to create in a folder of the user's choice, on Linux,
/// macOS and Windows alike:
///
/// - path separators (`/`, `\`) become `_`, so the file can only land in the chosen folder;
///   `../../etc/passwd` becomes `_.._etc_passwd`: separators are replaced rather than the last
///   component kept, because a name like `bilan 12/03/2025.pdf` means the date;
/// - leading dots go (no hidden files, no `.` or `..`); `.pdf` becomes `pièce-jointe.pdf`;
/// - characters Windows refuses (`<>:"|?*`) become `_`; control, invisible and
///   direction-override characters are removed; other whitespace becomes a space;
/// - Windows device names (`CON`, `PRN`, `AUX`, `NUL`, `COM0`–`COM9`, `LPT0`–`LPT9`, with or
///   without extension) get a leading `_`;
/// - trailing dots and spaces go (Windows drops them silently);
/// - at most 200 bytes, the extension kept;
/// - never empty: `pièce-jointe`;
/// - Unicode is kept, in NFC so that names from macOS compare equal.
pub fn safe_file_name(name: &str) -> String {
    const MAX_BYTES: usize = 200;
    const MAX_EXTENSION_BYTES: usize = 16;

    let cleaned: String = name
        .nfc()
        .filter_map(|c| match c {
            '/' | '\\' | '<' | '>' | ':' | '"' | '|' | '?' | '*' => Some('_'),
            c if c.is_whitespace() => Some(' '),
            c if c.is_control() || is_invisible_format(c) => None,
            c => Some(c),
        })
        .collect();
    let without_spaces = cleaned.trim_start_matches(' ');
    let visible = without_spaces.trim_start_matches(['.', ' ']);
    let was_hidden = visible.len() != without_spaces.len();
    let mut name = visible.trim_end_matches(['.', ' ']).to_owned();
    if was_hidden && !name.is_empty() && !name.contains('.') {
        name = format!("{DEFAULT_FILE_NAME}.{name}");
    }

    let stem = name.split('.').next().unwrap_or_default().trim_end();
    if is_windows_device(stem) {
        name.insert(0, '_');
    }

    if name.len() > MAX_BYTES {
        let (stem, extension) = match name.rfind('.') {
            Some(dot) if dot > 0 && name.len() - dot <= MAX_EXTENSION_BYTES => name.split_at(dot),
            _ => (name.as_str(), ""),
        };
        let mut cut = MAX_BYTES - extension.len();
        while !stem.is_char_boundary(cut) {
            cut -= 1;
        }
        name = format!("{}{extension}", stem[..cut].trim_end_matches(['.', ' ']));
    }

    if name.is_empty() {
        DEFAULT_FILE_NAME.to_owned()
    } else {
        name
    }
}

fn is_windows_device(stem: &str) -> bool {
    let upper = stem.to_ascii_uppercase();
    if matches!(
        upper.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) {
        return true;
    }
    ["COM", "LPT"].iter().any(|port| {
        let mut rest = upper.strip_prefix(port).unwrap_or_default().chars();
        matches!(
            (rest.next(), rest.next()),
            (Some('0'..='9' | '¹' | '²' | '³'), None)
        )
    })
}

/// The subject as the reader shows it: the technical `XDM/1.0/DDM+` prefix hidden (ECO.3.1.3),
/// on one line.
pub fn display_subject(subject: &str) -> String {
    clean_line(&subject_for_display(subject))
}

/// Whether an address is a patient's (`<matricule INS>@patient.mssante.fr`). Only the domain
/// is checked: a patient address with a wrong key is still a patient writing.
pub fn is_patient_address(address: &str) -> bool {
    let address = address.trim().trim_start_matches('<').trim_end_matches('>');
    address.rsplit_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && domain
                .strip_suffix('.')
                .unwrap_or(domain)
                .eq_ignore_ascii_case(PATIENT_DOMAIN)
    })
}

/// The preview of a message in the list: its text on one line, quoted lines left out when
/// anything else is left, at most `max_chars` characters (an ellipsis included).
pub fn snippet(model: &ReadingModel, max_chars: usize) -> String {
    let own: Vec<&str> = model
        .text
        .lines()
        .filter(|line| !line.trim_start().starts_with('>'))
        .collect();
    let lines: Vec<&str> = if own.iter().any(|line| !line.trim().is_empty()) {
        own
    } else {
        model.text.lines().collect()
    };
    let words: Vec<&str> = lines
        .iter()
        .flat_map(|line| line.split_whitespace())
        .collect();
    let joined = words.join(" ");
    if joined.chars().count() <= max_chars {
        return joined;
    }
    let Some(kept) = max_chars.checked_sub(1) else {
        return String::new();
    };
    let mut preview: String = joined.chars().take(kept).collect();
    preview.truncate(preview.trim_end().len());
    preview.push('…');
    preview
}

/// What the full-text index stores for a message: subject, correspondents, attachment names
/// and text, embedded messages included.
pub fn body_text_for_index(raw: &[u8]) -> String {
    let mut out = String::new();
    index_text(&read_message(raw), &mut out);
    out
}

fn index_text(model: &ReadingModel, out: &mut String) {
    let mut line = |text: &str| {
        if !text.is_empty() {
            out.push_str(text);
            out.push('\n');
        }
    };
    line(&model.subject);
    for mailbox in [&model.from, &model.to, &model.cc, &model.reply_to]
        .into_iter()
        .flatten()
    {
        line(mailbox.name.as_deref().unwrap_or_default());
        line(&mailbox.address);
    }
    for attachment in &model.attachments {
        line(attachment.file_name.as_deref().unwrap_or_default());
    }
    line(&model.text);
    for embedded in &model.embedded_messages {
        index_text(&embedded.message, out);
    }
}

// ---------------------------------------------------------------------------------------------
// Walking the MIME structure
// ---------------------------------------------------------------------------------------------

/// The bytes being read: the raw message, or a decoded copy of an encoded embedded message,
/// with the steps that lead to them from the raw message.
#[derive(Clone, Copy)]
struct Source<'b> {
    buf: &'b [u8],
    path: &'b [Step],
    message_len: usize,
}

impl<'b> Source<'b> {
    fn slice(&self, range: &Range<usize>) -> &'b [u8] {
        self.buf.get(range.clone()).unwrap_or_default()
    }
}

/// Parts left to read, shared by a message and the messages embedded in it.
struct Budget {
    parts_left: usize,
}

impl Default for Budget {
    fn default() -> Self {
        Self {
            parts_left: MAX_PARTS,
        }
    }
}

impl Budget {
    fn take(&mut self) -> bool {
        self.parts_left = self.parts_left.saturating_sub(1);
        self.parts_left > 0
    }
}

/// Whether a branch of the structure is the one shown, or an alternative rendering whose
/// files are still listed but whose text is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Show,
    FilesOnly,
}

/// A piece of the body, in the order of the message.
enum Piece {
    Plain(String),
    Html(String),
    Image(Option<String>),
}

/// One part of a multipart: its headers and where its body is.
struct Child {
    part: PartHeaders,
    body: Range<usize>,
}

fn read_model(
    source: Source<'_>,
    range: Range<usize>,
    depth: usize,
    budget: &mut Budget,
) -> ReadingModel {
    let bytes = source.slice(&range);
    if bytes.is_empty() {
        return unreadable(bytes, problem::EMPTY);
    }
    let (header_end, body_start) = split_header(bytes);
    let block = &bytes[..header_end];
    let lines = HeaderLines::count(block);
    if lines.valid == 0 {
        return unreadable(bytes, problem::NO_HEADERS);
    }
    let headers = HeaderBlock::parse(block, "text/plain");

    let mut reader = Reader::new(budget);
    if lines.stray > 0 {
        reader.problem(problem::STRAY_HEADER_LINES);
    }
    if headers.transcoded {
        reader.problem(problem::EIGHT_BIT_HEADERS);
    }
    let body = range.start + body_start..range.end;
    reader.content(source, &headers.part, body, depth, Mode::Show);
    reader.finish(headers.envelope)
}

fn unreadable(bytes: &[u8], why: &str) -> ReadingModel {
    ReadingModel {
        text: trim_blank_lines(&clean_text(&charset::utf8_or_windows_1252(bytes).0)).to_owned(),
        problems: vec![why.to_owned()],
        ..ReadingModel::default()
    }
}

/// Collects what one message (not its embedded messages) shows.
struct Reader<'b> {
    budget: &'b mut Budget,
    body: Vec<Piece>,
    attachments: Vec<Attachment>,
    embedded: Vec<EmbeddedMessage>,
    problems: Vec<String>,
}

impl<'b> Reader<'b> {
    fn new(budget: &'b mut Budget) -> Self {
        Self {
            budget,
            body: Vec::new(),
            attachments: Vec::new(),
            embedded: Vec::new(),
            problems: Vec::new(),
        }
    }

    fn problem(&mut self, what: &str) {
        if !self.problems.iter().any(|known| known == what) {
            self.problems.push(what.to_owned());
        }
    }

    fn content(
        &mut self,
        source: Source<'_>,
        part: &PartHeaders,
        body: Range<usize>,
        depth: usize,
        mode: Mode,
    ) {
        if let Some(subtype) = part.multipart_subtype() {
            self.multipart(source, part, subtype, body, depth, mode);
        } else if part.is_message() {
            self.embedded(source, part, body, depth);
        } else if part.is_body_text() {
            if mode == Mode::Show {
                self.text(source, part, body);
            }
        } else {
            self.attachment(source, part, body, mode);
        }
    }

    fn multipart(
        &mut self,
        source: Source<'_>,
        part: &PartHeaders,
        subtype: &str,
        body: Range<usize>,
        depth: usize,
        mode: Mode,
    ) {
        let Some(boundary) = part.param("boundary").filter(|b| !b.is_empty()) else {
            self.problem(problem::NO_BOUNDARY);
            return self.raw_text(source, body, mode);
        };
        if depth >= MAX_DEPTH {
            self.problem(problem::TOO_DEEP);
            return self.attachment(source, part, body, mode);
        }
        let sections = split_multipart(source.slice(&body), boundary.as_bytes());
        if !sections.found {
            self.problem(problem::BOUNDARY_NOT_FOUND);
            return self.raw_text(source, body, mode);
        }
        if !sections.closed {
            self.problem(problem::UNCLOSED);
        }
        let default_type = if subtype == "digest" {
            "message/rfc822"
        } else {
            "text/plain"
        };
        let children = self.children(source, &body, sections.parts, default_type);
        let shown = match subtype {
            "alternative" => self.alternative_to_show(source, &children, mode),
            "related" => related_root(part, &children),
            _ => None,
        };
        for (index, child) in children.iter().enumerate() {
            let child_mode = match shown {
                Some(shown) if shown != index => Mode::FilesOnly,
                _ => mode,
            };
            self.content(
                source,
                &child.part,
                child.body.clone(),
                depth + 1,
                child_mode,
            );
        }
    }

    fn children(
        &mut self,
        source: Source<'_>,
        body: &Range<usize>,
        sections: Vec<Range<usize>>,
        default_type: &str,
    ) -> Vec<Child> {
        let mut children = Vec::with_capacity(sections.len());
        for section in sections {
            if !self.budget.take() {
                self.problem(problem::TOO_MANY_PARTS);
                break;
            }
            let whole = body.start + section.start..body.start + section.end;
            let bytes = source.slice(&whole);
            let (header_end, body_start) = split_header(bytes);
            let headers = HeaderBlock::parse(&bytes[..header_end], default_type);
            if headers.transcoded {
                self.problem(problem::EIGHT_BIT_HEADERS);
            }
            children.push(Child {
                part: headers.part,
                body: whole.start + body_start..whole.end,
            });
        }
        children
    }

    /// In a `multipart/alternative`, the plain text is shown, unless it is blank (some senders
    /// put an empty text next to the real HTML), then the richest alternative is.
    fn alternative_to_show(
        &self,
        source: Source<'_>,
        children: &[Child],
        mode: Mode,
    ) -> Option<usize> {
        let plain = children
            .iter()
            .position(|c| c.part.is_body_text() && !c.part.is_html());
        let rich = children
            .iter()
            .rposition(|c| (c.part.is_body_text() && c.part.is_html()) || c.part.is_multipart());
        match (plain, rich) {
            (Some(plain), Some(rich)) => {
                let blank = mode == Mode::Show
                    && decode_text(source, &children[plain].part, &children[plain].body)
                        .0
                        .trim()
                        .is_empty();
                Some(if blank { rich } else { plain })
            }
            (Some(shown), None) | (None, Some(shown)) => Some(shown),
            (None, None) => children.len().checked_sub(1),
        }
    }

    fn text(&mut self, source: Source<'_>, part: &PartHeaders, body: Range<usize>) {
        let (text, damage, note) = decode_text(source, part, &body);
        if let Some(note) = note {
            self.problem(note);
        }
        self.note_damage(part, damage);
        self.body.push(if part.is_html() {
            Piece::Html(text)
        } else {
            Piece::Plain(text)
        });
    }

    /// A section whose structure is lost is shown as it is rather than dropped: the reader may
    /// still make sense of it, and nothing is hidden.
    fn raw_text(&mut self, source: Source<'_>, body: Range<usize>, mode: Mode) {
        if mode == Mode::Show {
            let text = charset::utf8_or_windows_1252(source.slice(&body)).0;
            self.body.push(Piece::Plain(text.into_owned()));
        }
    }

    fn attachment(
        &mut self,
        source: Source<'_>,
        part: &PartHeaders,
        body: Range<usize>,
        mode: Mode,
    ) {
        let attachment = self.record(source, part, body, self.attachments.len());
        let is_image = attachment.content_type.starts_with("image/");
        if mode == Mode::Show && is_image && attachment.disposition.as_deref() == Some("inline") {
            self.body.push(Piece::Image(attachment.file_name.clone()));
        }
        self.attachments.push(attachment);
    }

    fn embedded(
        &mut self,
        source: Source<'_>,
        part: &PartHeaders,
        body: Range<usize>,
        depth: usize,
    ) {
        if depth >= MAX_DEPTH {
            self.problem(problem::TOO_DEEP);
            return self.attachment(source, part, body, Mode::FilesOnly);
        }
        let attachment = self.record(source, part, body.clone(), self.embedded.len());
        let message = match transfer::decode(source.slice(&body), part.encoding).0 {
            Cow::Borrowed(_) => read_model(source, body, depth + 1, self.budget),
            Cow::Owned(decoded) => {
                let mut path = source.path.to_vec();
                path.push(Step {
                    start: body.start,
                    end: body.end,
                    encoding: part.encoding,
                });
                let inner = Source {
                    buf: &decoded,
                    path: &path,
                    message_len: source.message_len,
                };
                read_model(inner, 0..decoded.len(), depth + 1, self.budget)
            }
        };
        self.embedded.push(EmbeddedMessage {
            attachment,
            message,
        });
    }

    fn record(
        &mut self,
        source: Source<'_>,
        part: &PartHeaders,
        body: Range<usize>,
        index: usize,
    ) -> Attachment {
        let (size, damage) = transfer::decoded_len(source.slice(&body), part.encoding);
        self.note_damage(part, damage);
        if part.name_had_hidden_characters {
            self.problem(problem::HIDDEN_NAME_CHARACTERS);
        }
        let mut steps = source.path.to_vec();
        steps.push(Step {
            start: body.start,
            end: body.end,
            encoding: part.encoding,
        });
        Attachment {
            index,
            file_name: part.file_name.clone(),
            content_type: part.mime_type.clone(),
            size,
            disposition: part.disposition.clone(),
            is_inline: part.is_inline(),
            content_id: part.content_id.clone(),
            is_ihe_xdm: part
                .file_name
                .as_deref()
                .is_some_and(|name| name.eq_ignore_ascii_case("IHE_XDM.ZIP")),
            locator: PartLocator {
                message_len: source.message_len,
                steps,
            },
        }
    }

    fn note_damage(&mut self, part: &PartHeaders, damage: transfer::Damage) {
        if part.unknown_encoding {
            self.problem(problem::UNKNOWN_ENCODING);
        }
        if damage.is_damaged() {
            self.problem(problem::DAMAGED_BASE64);
        }
    }

    fn finish(mut self, envelope: Envelope) -> ReadingModel {
        if envelope.date_unreadable {
            self.problem(problem::DATE);
        }
        let (text, html_was_converted) = assemble(&self.body);
        let from_patient = envelope
            .from
            .iter()
            .any(|mailbox| is_patient_address(&mailbox.address));
        let closes_conversation = envelope.x_mss_mes.as_deref().is_some_and(is_closing);
        ReadingModel {
            subject: envelope.subject,
            from: envelope.from,
            to: envelope.to,
            cc: envelope.cc,
            reply_to: envelope.reply_to,
            date: envelope.date,
            message_id: envelope.message_id,
            in_reply_to: envelope.in_reply_to,
            references: envelope.references,
            headers: MssanteHeaders {
                x_mss_mes: envelope.x_mss_mes,
                closes_conversation,
                disposition_notification_to: envelope.disposition_notification_to,
            },
            from_patient,
            text,
            html_was_converted,
            attachments: self.attachments,
            embedded_messages: self.embedded,
            problems: self.problems,
        }
    }
}

/// The part of a `multipart/related` that the others decorate: the one named by `start`, or
/// the first.
fn related_root(part: &PartHeaders, children: &[Child]) -> Option<usize> {
    let start = part
        .param("start")
        .map(|id| id.trim().trim_start_matches('<').trim_end_matches('>'));
    let named = start.and_then(|id| {
        children
            .iter()
            .position(|c| c.part.content_id.as_deref() == Some(id))
    });
    named.or((!children.is_empty()).then_some(0))
}

fn decode_text(
    source: Source<'_>,
    part: &PartHeaders,
    body: &Range<usize>,
) -> (String, transfer::Damage, Option<&'static str>) {
    let (bytes, damage) = transfer::decode(source.slice(body), part.encoding);
    let (text, note) = charset::decode(&bytes, part.param("charset"));
    (text, damage, note)
}

fn assemble(pieces: &[Piece]) -> (String, bool) {
    let mut html_was_converted = false;
    let mut blocks = Vec::with_capacity(pieces.len());
    for piece in pieces {
        let block = match piece {
            Piece::Plain(text) => clean_text(text),
            Piece::Html(html) => {
                html_was_converted = true;
                clean_text(&html::to_text(html))
            }
            Piece::Image(Some(name)) => format!("[image: {name}]"),
            Piece::Image(None) => "[image]".to_owned(),
        };
        let block = trim_blank_lines(&block);
        if !block.is_empty() {
            blocks.push(block.to_owned());
        }
    }
    (blocks.join("\n\n"), html_was_converted)
}

/// Drops the blank lines around a text and the spaces that end it, keeping the indentation of
/// its first line.
fn trim_blank_lines(text: &str) -> &str {
    let text = text.trim_end();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        if !line.trim().is_empty() {
            break;
        }
        start += line.len();
    }
    &text[start..]
}

/// Where the header block of an entity ends and its body starts: at the first empty line. A
/// line of spaces is not empty: it continues a folded header.
fn split_header(bytes: &[u8]) -> (usize, usize) {
    let mut pos = 0;
    while pos < bytes.len() {
        let line_end = find_newline(bytes, pos);
        let line = &bytes[pos..line_end];
        if line.is_empty() || line == b"\r" {
            return (pos, (line_end + 1).min(bytes.len()));
        }
        pos = line_end + 1;
    }
    (bytes.len(), bytes.len())
}

/// The index of the next `\n` at or after `from`, or the length.
fn find_newline(bytes: &[u8], from: usize) -> usize {
    bytes
        .get(from..)
        .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
        .map_or(bytes.len(), |offset| from + offset)
}

/// The sections of a multipart body, as ranges of `body`.
struct Sections {
    parts: Vec<Range<usize>>,
    /// A delimiter line was seen.
    found: bool,
    /// The closing delimiter was seen.
    closed: bool,
}

/// Splits a multipart body at its delimiter lines (RFC 2046 §5.1.1): a line that starts with
/// `--boundary`, maybe followed by `--` (the last one) and by spaces. A section ends before
/// the line break that precedes the next delimiter, which belongs to the delimiter.
fn split_multipart(body: &[u8], boundary: &[u8]) -> Sections {
    let mut sections = Sections {
        parts: Vec::new(),
        found: false,
        closed: false,
    };
    let mut open: Option<usize> = None;
    let mut pos = 0;
    while pos < body.len() {
        let line_end = find_newline(body, pos);
        if let Some(closing) = delimiter(&body[pos..line_end], boundary) {
            if let Some(start) = open.take() {
                sections.parts.push(start..section_end(body, start, pos));
            }
            sections.found = true;
            if closing {
                sections.closed = true;
                return sections;
            }
            open = Some((line_end + 1).min(body.len()));
        }
        pos = line_end + 1;
    }
    if let Some(start) = open {
        sections.parts.push(start..body.len());
    }
    sections
}

fn section_end(body: &[u8], start: usize, delimiter_line: usize) -> usize {
    let mut end = delimiter_line;
    if end > start && body[end - 1] == b'\n' {
        end -= 1;
        if end > start && body[end - 1] == b'\r' {
            end -= 1;
        }
    }
    end
}

/// `Some(closing)` when the line is a delimiter line for `boundary`.
fn delimiter(line: &[u8], boundary: &[u8]) -> Option<bool> {
    let rest = line.strip_prefix(b"--")?.strip_prefix(boundary)?;
    let (closing, rest) = match rest.strip_prefix(b"--") {
        Some(rest) => (true, rest),
        None => (false, rest),
    };
    rest.iter()
        .all(|b| b.is_ascii_whitespace())
        .then_some(closing)
}

/// How many lines of a header block are headers, and how many are something else.
struct HeaderLines {
    valid: usize,
    stray: usize,
}

impl HeaderLines {
    fn count(block: &[u8]) -> Self {
        let mut lines = Self { valid: 0, stray: 0 };
        for line in block.split(|&b| b == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.is_empty() || line[0] == b' ' || line[0] == b'\t' {
                continue;
            }
            let is_header = line.iter().position(|&b| b == b':').is_some_and(|colon| {
                let name = line[..colon].trim_ascii_end();
                !name.is_empty() && name.iter().all(|b| b.is_ascii_graphic())
            });
            if is_header {
                lines.valid += 1;
            } else {
                lines.stray += 1;
            }
        }
        lines
    }
}

// ---------------------------------------------------------------------------------------------
// Headers
// ---------------------------------------------------------------------------------------------

/// What the reader needs from the headers of a message.
#[derive(Default)]
struct Envelope {
    subject: String,
    from: Vec<Mailbox>,
    to: Vec<Mailbox>,
    cc: Vec<Mailbox>,
    reply_to: Vec<Mailbox>,
    date: Option<DateTime<FixedOffset>>,
    date_unreadable: bool,
    message_id: Option<String>,
    in_reply_to: Vec<String>,
    references: Vec<String>,
    x_mss_mes: Option<String>,
    disposition_notification_to: Vec<Mailbox>,
}

/// What the walker needs from the headers of a part.
#[derive(Debug, Default)]
struct PartHeaders {
    /// `type/subtype`, lower case.
    mime_type: String,
    params: Vec<(String, String)>,
    disposition: Option<String>,
    file_name: Option<String>,
    name_had_hidden_characters: bool,
    encoding: TransferEncoding,
    unknown_encoding: bool,
    content_id: Option<String>,
}

impl PartHeaders {
    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    fn multipart_subtype(&self) -> Option<&str> {
        self.mime_type.strip_prefix("multipart/")
    }

    fn is_multipart(&self) -> bool {
        self.multipart_subtype().is_some()
    }

    fn is_message(&self) -> bool {
        matches!(self.mime_type.as_str(), "message/rfc822" | "message/global")
    }

    fn is_html(&self) -> bool {
        self.mime_type == "text/html"
    }

    /// A text meant to be read in the body rather than saved: plain or HTML, not marked as an
    /// attachment, without a file name.
    fn is_body_text(&self) -> bool {
        matches!(self.mime_type.as_str(), "text/plain" | "text/html")
            && self.disposition.as_deref() != Some("attachment")
            && self.file_name.is_none()
    }

    fn is_inline(&self) -> bool {
        match self.disposition.as_deref() {
            Some(disposition) => disposition == "inline",
            None => self.content_id.is_some(),
        }
    }
}

/// A header block read by mail-parser.
struct HeaderBlock {
    envelope: Envelope,
    part: PartHeaders,
    /// Some lines were raw 8-bit bytes that are not UTF-8, read as Windows-1252.
    transcoded: bool,
}

impl HeaderBlock {
    /// Reads a header block. Headers are ASCII or, since RFC 6532, UTF-8; raw Latin-1 from old
    /// mailers is common, and mail-parser would turn it into replacement characters, so such
    /// lines are read as Windows-1252 first.
    fn parse(block: &[u8], default_type: &str) -> Self {
        let transcoded = std::str::from_utf8(block).is_err();
        let mut text: Cow<'_, [u8]> = if transcoded {
            Cow::Owned(transcode_lines(block).into_bytes())
        } else {
            Cow::Borrowed(block)
        };
        // A header at the very end of the input loses its value in mail-parser.
        if !text.ends_with(b"\n") {
            text.to_mut().push(b'\n');
        }
        let parsed = PARSER.parse_headers(text.as_ref());
        let headers = parsed
            .as_ref()
            .and_then(|message| message.parts.first())
            .map(|part| part.headers.as_slice())
            .unwrap_or_default();
        let (envelope, part) = read_headers(headers, default_type);
        Self {
            envelope,
            part,
            transcoded,
        }
    }
}

fn transcode_lines(block: &[u8]) -> String {
    block
        .split_inclusive(|&b| b == b'\n')
        .map(|line| match std::str::from_utf8(line) {
            Ok(line) => Cow::Borrowed(line),
            Err(_) => Cow::Owned(charset::windows_1252(line)),
        })
        .collect()
}

fn read_headers(headers: &[Header<'_>], default_type: &str) -> (Envelope, PartHeaders) {
    let mut envelope = Envelope::default();
    let mut part = PartHeaders::default();
    let mut seen_subject = false;
    let mut seen_date = false;
    let mut content_type = None;
    let mut disposition = None;
    let mut encoding = None;
    for header in headers {
        let value = &header.value;
        match &header.name {
            HeaderName::Subject if !seen_subject => {
                seen_subject = true;
                envelope.subject = clean_line(&text_of(value));
            }
            HeaderName::From => envelope.from.extend(mailboxes(value)),
            HeaderName::To => envelope.to.extend(mailboxes(value)),
            HeaderName::Cc => envelope.cc.extend(mailboxes(value)),
            HeaderName::ReplyTo => envelope.reply_to.extend(mailboxes(value)),
            HeaderName::DispositionNotificationTo => envelope
                .disposition_notification_to
                .extend(mailboxes(value)),
            HeaderName::Date if !seen_date => {
                seen_date = true;
                envelope.date = value.as_datetime().and_then(to_chrono);
                envelope.date_unreadable = envelope.date.is_none();
            }
            HeaderName::MessageId if envelope.message_id.is_none() => {
                envelope.message_id = ids(value).into_iter().next();
            }
            HeaderName::InReplyTo => envelope.in_reply_to.extend(ids(value)),
            HeaderName::References => envelope.references.extend(ids(value)),
            HeaderName::ContentType if content_type.is_none() => {
                content_type = value.as_content_type();
            }
            HeaderName::ContentDisposition if disposition.is_none() => {
                disposition = value.as_content_type();
            }
            HeaderName::ContentTransferEncoding if encoding.is_none() => {
                encoding = Some(text_of(value));
            }
            HeaderName::ContentId if part.content_id.is_none() => {
                part.content_id = ids(value).into_iter().next();
            }
            HeaderName::Other(name)
                if name.eq_ignore_ascii_case("X-MSS-MES") && envelope.x_mss_mes.is_none() =>
            {
                envelope.x_mss_mes = Some(clean_line(&text_of(value)));
            }
            _ => {}
        }
    }

    part.mime_type = match content_type {
        Some(ct) => {
            let main = ct.ctype().to_ascii_lowercase();
            match ct.subtype() {
                Some(sub) => clean_line(&format!("{main}/{}", sub.to_ascii_lowercase())),
                None if main == "text" => "text/plain".to_owned(),
                None if main == "multipart" => "multipart/mixed".to_owned(),
                None => "application/octet-stream".to_owned(),
            }
        }
        None => default_type.to_owned(),
    };
    part.params = content_type
        .and_then(|ct| ct.attributes())
        .unwrap_or_default()
        .iter()
        .map(|attribute| (attribute.name.to_string(), attribute.value.to_string()))
        .collect();
    part.disposition = disposition.map(|cd| clean_line(&cd.ctype().to_ascii_lowercase()));
    let raw_name = disposition
        .and_then(|cd| attribute(cd, "filename"))
        .or_else(|| content_type.and_then(|ct| attribute(ct, "name")));
    if let Some(raw_name) = raw_name {
        part.name_had_hidden_characters = raw_name.chars().any(is_invisible_format);
        part.file_name = Some(clean_line(raw_name)).filter(|name| !name.is_empty());
    }
    let encoding = encoding.unwrap_or_default();
    (part.encoding, part.unknown_encoding) = match encoding.trim().to_ascii_lowercase().as_str() {
        "base64" => (TransferEncoding::Base64, false),
        "quoted-printable" => (TransferEncoding::QuotedPrintable, false),
        "" | "7bit" | "8bit" | "binary" => (TransferEncoding::Identity, false),
        _ => (TransferEncoding::Identity, true),
    };
    (envelope, part)
}

fn attribute<'a>(content_type: &'a mail_parser::ContentType<'_>, name: &str) -> Option<&'a str> {
    content_type
        .attributes()?
        .iter()
        .find(|attribute| attribute.name.eq_ignore_ascii_case(name))
        .map(|attribute| attribute.value.as_ref())
}

fn text_of(value: &HeaderValue<'_>) -> String {
    match value {
        HeaderValue::Text(text) => text.to_string(),
        HeaderValue::TextList(list) => list.join(" "),
        _ => String::new(),
    }
}

fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    let raw: Vec<&str> = match value {
        HeaderValue::Text(id) => vec![id.as_ref()],
        HeaderValue::TextList(list) => list.iter().map(AsRef::as_ref).collect(),
        _ => Vec::new(),
    };
    raw.into_iter()
        .map(|id| clean_line(id.trim().trim_start_matches('<').trim_end_matches('>')))
        .filter(|id| !id.is_empty())
        .collect()
}

fn mailboxes(value: &HeaderValue<'_>) -> Vec<Mailbox> {
    match value {
        HeaderValue::Address(Address::List(list)) => list.iter().filter_map(mailbox).collect(),
        HeaderValue::Address(Address::Group(groups)) => groups
            .iter()
            .flat_map(|group| &group.addresses)
            .filter_map(mailbox)
            .collect(),
        _ => Vec::new(),
    }
}

fn mailbox(addr: &Addr<'_>) -> Option<Mailbox> {
    let address: String = addr
        .address
        .as_deref()
        .map(clean_line)
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    let name = addr
        .name
        .as_deref()
        .map(clean_line)
        .filter(|name| !name.is_empty() && !name.eq_ignore_ascii_case(&address));
    (!address.is_empty() || name.is_some()).then_some(Mailbox { name, address })
}

fn to_chrono(date: &mail_parser::DateTime) -> Option<DateTime<FixedOffset>> {
    let offset_seconds = i32::from(date.tz_hour) * 3600 + i32::from(date.tz_minute) * 60;
    let offset = FixedOffset::east_opt(if date.tz_before_gmt {
        -offset_seconds
    } else {
        offset_seconds
    })?;
    let day = NaiveDate::from_ymd_opt(
        i32::from(date.year),
        u32::from(date.month),
        u32::from(date.day),
    )?;
    // A leap second (":60") is read as the second before it.
    let time = NaiveTime::from_hms_opt(
        u32::from(date.hour),
        u32::from(date.minute),
        u32::from(date.second.min(59)),
    )?;
    offset.from_local_datetime(&day.and_time(time)).single()
}

/// A header value on one line: line breaks and other control characters become spaces, runs
/// of spaces collapse, invisible and direction-override characters go.
fn clean_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() || c.is_control() {
            space = !out.is_empty();
        } else if !is_invisible_format(c) {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

/// A body text with `\n` line ends and without control characters other than tabs.
fn clean_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\n' | '\t' => out.push(c),
            '\u{feff}' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Characters that change how the text around them is laid out while showing nothing.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{feff}'
    )
}

// ---------------------------------------------------------------------------------------------
// Files on disk
// ---------------------------------------------------------------------------------------------

/// A file being written next to its final place; removed on drop unless persisted.
struct TemporaryFile {
    path: PathBuf,
    target: PathBuf,
    file: Option<File>,
}

impl TemporaryFile {
    /// Creates the temporary file in the folder of `target`. Errors name `target`, the file
    /// the user asked for, rather than a hidden temporary name.
    fn create(target: &Path) -> Result<Self, MimeError> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let folder = target.parent().unwrap_or(Path::new("."));
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.subsec_nanos());
        let mut last_error = None;
        for _ in 0..16 {
            let count = COUNTER.fetch_add(1, Ordering::Relaxed);
            let path = folder.join(format!(".pli-{}-{nanos}-{count}.part", std::process::id()));
            let mut options = OpenOptions::new();
            options.write(true).create_new(true);
            // Health documents on a shared workstation: readable by their owner only.
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            match options.open(&path) {
                Ok(file) => {
                    return Ok(Self {
                        path,
                        target: target.to_owned(),
                        file: Some(file),
                    })
                }
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
                    last_error = Some(error);
                }
                Err(source) => {
                    return Err(MimeError::Write {
                        path: target.to_owned(),
                        source,
                    })
                }
            }
        }
        Err(MimeError::Write {
            path: target.to_owned(),
            source: last_error.unwrap_or_else(|| io::ErrorKind::AlreadyExists.into()),
        })
    }

    fn write(&self, bytes: &[u8]) -> Result<(), MimeError> {
        let result = match &self.file {
            Some(file) => {
                let mut writer: &File = file;
                writer.write_all(bytes).and_then(|()| file.sync_all())
            }
            None => Err(io::ErrorKind::NotFound.into()),
        };
        result.map_err(|source| MimeError::Write {
            path: self.target.clone(),
            source,
        })
    }

    /// Gives the file its final name. Without overwriting, a hard link is made, which fails
    /// if the name exists, so a file that appeared meanwhile is not replaced; where the file
    /// system has no hard links (FAT on a USB key), the check and the rename are two steps.
    fn persist(mut self, overwrite: Overwrite) -> Result<PathBuf, MimeError> {
        drop(self.file.take());
        let target = self.target.clone();
        let result = match overwrite {
            Overwrite::Replace => fs::rename(&self.path, &target),
            Overwrite::Never => match fs::hard_link(&self.path, &target) {
                Ok(()) => Ok(()),
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists => Err(error),
                Err(_) if target.symlink_metadata().is_ok() => {
                    Err(io::ErrorKind::AlreadyExists.into())
                }
                Err(_) => fs::rename(&self.path, &target),
            },
        };
        match result {
            Ok(()) => Ok(target),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
                Err(MimeError::AlreadyExists { path: target })
            }
            Err(source) => Err(MimeError::Write {
                path: target,
                source,
            }),
        }
    }
}

impl Drop for TemporaryFile {
    fn drop(&mut self) {
        drop(self.file.take());
        // After a rename the path is gone, and after a hard link it must go: either way,
        // an error here leaves nothing the user needs.
        let _ = fs::remove_file(&self.path);
    }
}

// ---------------------------------------------------------------------------------------------
// Transfer encodings
// ---------------------------------------------------------------------------------------------

mod transfer {
    use std::borrow::Cow;

    use super::TransferEncoding;

    /// Where decoded bytes go: a buffer when saving, a counter when measuring, so that sizes
    /// and saved files come from the same decoder and always agree.
    pub(super) trait Sink {
        fn put(&mut self, bytes: &[u8]);
    }

    impl Sink for Vec<u8> {
        fn put(&mut self, bytes: &[u8]) {
            self.extend_from_slice(bytes);
        }
    }

    #[derive(Default)]
    struct Counter(u64);

    impl Sink for Counter {
        fn put(&mut self, bytes: &[u8]) {
            self.0 += bytes.len() as u64;
        }
    }

    /// What was wrong in a base64 text.
    #[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
    pub(super) struct Damage {
        pub invalid_bytes: usize,
        /// A lone sextet before padding or the end: six bits that make no byte.
        pub dangling: bool,
    }

    impl Damage {
        pub fn is_damaged(self) -> bool {
            self.invalid_bytes > 0 || self.dangling
        }
    }

    pub(super) fn decode(input: &[u8], encoding: TransferEncoding) -> (Cow<'_, [u8]>, Damage) {
        match encoding {
            TransferEncoding::Identity => (Cow::Borrowed(input), Damage::default()),
            TransferEncoding::Base64 => {
                let mut out = Vec::with_capacity(input.len() / 4 * 3);
                let damage = base64(input, &mut out);
                (Cow::Owned(out), damage)
            }
            TransferEncoding::QuotedPrintable => {
                let mut out = Vec::with_capacity(input.len());
                quoted_printable(input, &mut out);
                (Cow::Owned(out), Damage::default())
            }
        }
    }

    pub(super) fn decoded_len(input: &[u8], encoding: TransferEncoding) -> (u64, Damage) {
        let mut counter = Counter::default();
        let damage = match encoding {
            TransferEncoding::Identity => {
                counter.put(input);
                Damage::default()
            }
            TransferEncoding::Base64 => base64(input, &mut counter),
            TransferEncoding::QuotedPrintable => {
                quoted_printable(input, &mut counter);
                Damage::default()
            }
        };
        (counter.0, damage)
    }

    const INVALID: u8 = 0xff;

    const BASE64: [u8; 256] = {
        let mut table = [INVALID; 256];
        let mut i = 0;
        while i < 26 {
            table[b'A' as usize + i] = i as u8;
            table[b'a' as usize + i] = 26 + i as u8;
            i += 1;
        }
        let mut digit = 0;
        while digit < 10 {
            table[b'0' as usize + digit] = 52 + digit as u8;
            digit += 1;
        }
        table[b'+' as usize] = 62;
        table[b'/' as usize] = 63;
        table
    };

    /// Lenient base64: whitespace and stray bytes are skipped (and counted), padding ends a
    /// group wherever it is (some mailers concatenate encoded blocks), and a group cut short
    /// by the end of the part still gives its bytes.
    pub(super) fn base64(input: &[u8], out: &mut impl Sink) -> Damage {
        let mut damage = Damage::default();
        let mut group = [0u8; 4];
        let mut filled = 0;
        for &byte in input {
            let value = BASE64[usize::from(byte)];
            if value != INVALID {
                group[filled] = value;
                filled += 1;
                if filled == 4 {
                    out.put(&[
                        group[0] << 2 | group[1] >> 4,
                        group[1] << 4 | group[2] >> 2,
                        group[2] << 6 | group[3],
                    ]);
                    filled = 0;
                }
            } else if byte == b'=' {
                flush(&group, filled, out, &mut damage);
                filled = 0;
            } else if !byte.is_ascii_whitespace() {
                damage.invalid_bytes += 1;
            }
        }
        flush(&group, filled, out, &mut damage);
        damage
    }

    fn flush(group: &[u8; 4], filled: usize, out: &mut impl Sink, damage: &mut Damage) {
        match filled {
            1 => damage.dangling = true,
            2 => out.put(&[group[0] << 2 | group[1] >> 4]),
            3 => out.put(&[group[0] << 2 | group[1] >> 4, group[1] << 4 | group[2] >> 2]),
            _ => {}
        }
    }

    /// Quoted-printable (RFC 2045 §6.7): `=XX` is a byte, `=` at the end of a line joins it to
    /// the next, spaces at the end of a line are padding; a malformed `=` is kept as it is.
    pub(super) fn quoted_printable(input: &[u8], out: &mut impl Sink) {
        let is_blank = |b: &u8| *b == b' ' || *b == b'\t';
        let line_break_at = |at: usize| match input.get(at) {
            None => Some(0),
            Some(b'\n') => Some(1),
            Some(b'\r') if input.get(at + 1) == Some(&b'\n') => Some(2),
            _ => None,
        };
        let mut i = 0;
        while i < input.len() {
            match input[i] {
                b'=' => {
                    let after_blanks =
                        i + 1 + input[i + 1..].iter().take_while(|b| is_blank(b)).count();
                    if let Some(length) = line_break_at(after_blanks) {
                        i = after_blanks + length;
                    } else if let (Some(high), Some(low)) = (
                        input.get(i + 1).and_then(hex_value),
                        input.get(i + 2).and_then(hex_value),
                    ) {
                        out.put(&[high << 4 | low]);
                        i += 3;
                    } else {
                        out.put(b"=");
                        i += 1;
                    }
                }
                b' ' | b'\t' => {
                    let end = i + input[i..].iter().take_while(|b| is_blank(b)).count();
                    if line_break_at(end).is_none() {
                        out.put(&input[i..end]);
                    }
                    i = end;
                }
                byte => {
                    out.put(&[byte]);
                    i += 1;
                }
            }
        }
    }

    fn hex_value(byte: &u8) -> Option<u8> {
        match byte {
            b'0'..=b'9' => Some(byte - b'0'),
            b'a'..=b'f' => Some(byte - b'a' + 10),
            b'A'..=b'F' => Some(byte - b'A' + 10),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Character sets
// ---------------------------------------------------------------------------------------------

mod charset {
    use std::borrow::Cow;

    use mail_parser::decoders::charsets::map::charset_decoder;

    use super::problem;

    /// Bytes 0x80–0x9F in Windows-1252; the five it leaves undefined map to the C1 controls,
    /// as browsers do, and are dropped later with the other controls.
    const HIGH: [char; 32] = [
        '\u{20ac}', '\u{81}', '\u{201a}', '\u{192}', '\u{201e}', '\u{2026}', '\u{2020}',
        '\u{2021}', '\u{2c6}', '\u{2030}', '\u{160}', '\u{2039}', '\u{152}', '\u{8d}', '\u{17d}',
        '\u{8f}', '\u{90}', '\u{2018}', '\u{2019}', '\u{201c}', '\u{201d}', '\u{2022}', '\u{2013}',
        '\u{2014}', '\u{2dc}', '\u{2122}', '\u{161}', '\u{203a}', '\u{153}', '\u{9d}', '\u{17e}',
        '\u{178}',
    ];

    pub(super) fn windows_1252_char(byte: u8) -> char {
        match byte {
            0x80..=0x9f => HIGH[usize::from(byte - 0x80)],
            _ => char::from(byte),
        }
    }

    pub(super) fn windows_1252(bytes: &[u8]) -> String {
        bytes.iter().map(|&byte| windows_1252_char(byte)).collect()
    }

    /// UTF-8 when the bytes are UTF-8, otherwise Windows-1252, the usual charset of French
    /// mail sent without a label (and a superset of Latin-1 for what is printable); `true`
    /// when the fallback was taken.
    pub(super) fn utf8_or_windows_1252(bytes: &[u8]) -> (Cow<'_, str>, bool) {
        match std::str::from_utf8(bytes) {
            Ok(text) => (Cow::Borrowed(text), false),
            Err(_) => (Cow::Owned(windows_1252(bytes)), true),
        }
    }

    /// Decodes a text part by its declared charset, with a note for the problems list when
    /// the label was wrong or unknown.
    pub(super) fn decode(bytes: &[u8], label: Option<&str>) -> (String, Option<&'static str>) {
        let label = label.map(str::trim).filter(|label| !label.is_empty());
        let known = label.and_then(|label| {
            let normalized = label.to_ascii_lowercase().replace('_', "-");
            if is_utf8_or_ascii(&normalized) || needs_full_encoding(&normalized) {
                None
            } else {
                charset_decoder(label.as_bytes())
            }
        });
        if let Some(decoder) = known {
            return (decoder(bytes), None);
        }
        let (text, fell_back) = utf8_or_windows_1252(bytes);
        let note = match label {
            Some(label) if !is_utf8_or_ascii(&label.to_ascii_lowercase().replace('_', "-")) => {
                Some(problem::UNKNOWN_CHARSET)
            }
            _ if fell_back => Some(problem::MISLABELLED_CHARSET),
            _ => None,
        };
        (text.into_owned(), note)
    }

    fn is_utf8_or_ascii(label: &str) -> bool {
        matches!(
            label,
            "utf-8"
                | "utf8"
                | "unicode-1-1-utf-8"
                | "x-unicode20utf8"
                | "us-ascii"
                | "ascii"
                | "ansi-x3.4-1968"
                | "iso646-us"
                | "us"
        )
    }

    /// Multi-byte East Asian charsets: mail-parser decodes them only with its `full_encoding`
    /// feature, which Pli does not enable, and would silently read them as UTF-8 otherwise.
    fn needs_full_encoding(label: &str) -> bool {
        const FAMILIES: [&str; 14] = [
            "jis",
            "big5",
            "euc",
            "2022",
            "gb",
            "ksc",
            "ks-c",
            "korean",
            "chinese",
            "kanji",
            "936",
            "949",
            "hz-",
            "x-user-defined",
        ];
        FAMILIES.iter().any(|family| label.contains(family))
            || matches!(
                label,
                "ms932" | "windows-31j" | "x-mac-cyrillic" | "x-mac-ukrainian" | "replacement"
            )
    }
}

// ---------------------------------------------------------------------------------------------
// HTML to text
// ---------------------------------------------------------------------------------------------

mod html {
    use super::{charset::windows_1252_char, clean_line};

    /// Elements without content or end tag.
    const VOID: [&str; 14] = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr",
    ];
    /// Elements whose content is not markup and is never shown: skipped to their end tag.
    const RAW_TEXT: [&str; 7] = [
        "script", "style", "title", "xmp", "iframe", "noembed", "noframes",
    ];
    /// Elements whose content is markup that a mail reader does not show.
    const HIDDEN: [&str; 5] = ["head", "template", "svg", "math", "select"];
    /// Elements that stand apart from the text around them by a blank line.
    const PARAGRAPH: [&str; 7] = ["p", "h1", "h2", "h3", "h4", "h5", "h6"];
    /// Elements that start on a line of their own.
    const BLOCK: [&str; 29] = [
        "div",
        "section",
        "article",
        "header",
        "footer",
        "nav",
        "aside",
        "main",
        "address",
        "form",
        "fieldset",
        "legend",
        "figure",
        "figcaption",
        "center",
        "details",
        "summary",
        "caption",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "dl",
        "dt",
        "dd",
        "li",
        "body",
        "html",
    ];
    /// Attributes the conversion reads; the others are not even decoded.
    const USEFUL_ATTRIBUTES: [&str; 7] =
        ["href", "alt", "width", "height", "style", "hidden", "start"];
    /// Nesting beyond this is not drawn, so hostile nesting cannot blow up the text.
    const MAX_INDENT: usize = 8;

    /// Turns an HTML body into text for reading: scripts, styles and the head are dropped,
    /// blocks and `<br>` become line breaks, lists get bullets, quotes get `> `, links are
    /// written `text <url>` (web and mail links only: the reader sees where a link leads
    /// without anything being fetched), images become `[image: alt]`, and tracking pixels and
    /// hidden elements vanish.
    pub(super) fn to_text(html: &str) -> String {
        let mut converter = Converter::default();
        let bytes = html.as_bytes();
        let mut pos = 0;
        while pos < bytes.len() {
            let lt = find(bytes, pos, b'<');
            if lt > pos {
                converter.text(&html[pos..lt]);
            }
            if lt >= bytes.len() {
                break;
            }
            pos = converter.markup(html, lt);
        }
        converter.close_link();
        tidy(&converter.out.text)
    }

    #[derive(Default)]
    struct Converter {
        out: Out,
        /// Inside an element whose content is not shown: its name and how many of the same
        /// name are open.
        hidden: Option<(String, usize)>,
        /// Open lists: `None` for bullets, `Some(next number)` for numbers.
        lists: Vec<Option<u64>>,
        link: Option<Link>,
        preformatted: usize,
    }

    struct Link {
        href: Option<String>,
        start: usize,
    }

    struct Tag {
        name: String,
        attributes: Vec<(String, String)>,
        self_closing: bool,
        end: usize,
    }

    impl Tag {
        fn attribute(&self, name: &str) -> Option<&str> {
            self.attributes
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.as_str())
        }

        fn style(&self) -> String {
            self.attribute("style")
                .unwrap_or_default()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_ascii_lowercase()
        }

        fn is_hidden(&self) -> bool {
            let style = self.style();
            self.attribute("hidden").is_some()
                || style.contains("display:none")
                || style.contains("visibility:hidden")
        }

        /// A 1×1 image is a tracking pixel, not something to read.
        fn is_tiny(&self) -> bool {
            let style = self.style();
            let from_style = |property: &str| {
                style
                    .split(';')
                    .find_map(|declaration| declaration.strip_prefix(property))
                    .and_then(leading_number)
            };
            ["width", "height"].iter().any(|dimension| {
                let attribute = self.attribute(dimension).and_then(leading_number);
                let style = from_style(&format!("{dimension}:"));
                attribute.or(style).is_some_and(|size| size <= 1)
            })
        }
    }

    fn leading_number(text: &str) -> Option<u64> {
        let digits: String = text
            .trim()
            .chars()
            .take_while(char::is_ascii_digit)
            .take(9)
            .collect();
        digits.parse().ok()
    }

    impl Converter {
        fn markup(&mut self, html: &str, lt: usize) -> usize {
            let bytes = html.as_bytes();
            let rest = &bytes[lt..];
            if rest.starts_with(b"<!--") {
                return find_sequence(bytes, lt + 4, b"-->").map_or(bytes.len(), |end| end + 3);
            }
            match rest.get(1) {
                Some(b'!' | b'?') => after(bytes, find(bytes, lt, b'>')),
                Some(b'/') => {
                    if rest.get(2).is_some_and(u8::is_ascii_alphabetic) {
                        let name_end = name_end(bytes, lt + 2);
                        self.end_tag(&html[lt + 2..name_end].to_ascii_lowercase());
                    }
                    after(bytes, find(bytes, lt, b'>'))
                }
                Some(c) if c.is_ascii_alphabetic() => match parse_tag(html, lt + 1) {
                    Some(tag) => self.start_tag(&tag, html),
                    // A tag cut by the end of the input is dropped, as browsers do.
                    None => bytes.len(),
                },
                _ => {
                    self.text("<");
                    lt + 1
                }
            }
        }

        fn start_tag(&mut self, tag: &Tag, html: &str) -> usize {
            let name = tag.name.as_str();
            let opens = !tag.self_closing && !VOID.contains(&name);
            if RAW_TEXT.contains(&name) && opens {
                return skip_raw_text(html, tag.end, name);
            }
            if let Some((hidden, open)) = &mut self.hidden {
                if !(hidden.as_str() == "head" && name == "body") {
                    if hidden.as_str() == name && opens {
                        *open += 1;
                    }
                    return tag.end;
                }
                self.hidden = None;
            }
            if opens && (HIDDEN.contains(&name) || tag.is_hidden()) {
                self.hidden = Some((tag.name.clone(), 1));
                return tag.end;
            }
            match name {
                "br" => self.out.line_break(),
                "img" => self.image(tag),
                "a" => {
                    self.close_link();
                    self.link = Some(Link {
                        href: tag.attribute("href").and_then(shown_url),
                        start: self.out.text.len(),
                    });
                }
                "ul" => {
                    self.out.block(1);
                    self.lists.push(None);
                }
                "ol" => {
                    self.out.block(1);
                    let start = tag.attribute("start").and_then(leading_number);
                    self.lists.push(Some(start.unwrap_or(1)));
                }
                "li" => self.list_item(),
                "td" | "th" => self.out.cell(),
                "hr" => {
                    self.out.block(1);
                    self.out.word("-----");
                    self.out.block(1);
                }
                "pre" => {
                    self.out.block(2);
                    self.preformatted += 1;
                }
                "blockquote" => {
                    self.out.block(2);
                    self.out.quote_depth += 1;
                }
                _ if PARAGRAPH.contains(&name) => self.out.block(2),
                _ if BLOCK.contains(&name) => self.out.block(1),
                _ => {}
            }
            tag.end
        }

        fn end_tag(&mut self, name: &str) {
            if let Some((hidden, open)) = &mut self.hidden {
                if hidden.as_str() == name {
                    *open -= 1;
                    if *open == 0 {
                        self.hidden = None;
                    }
                }
                return;
            }
            match name {
                "a" => self.close_link(),
                "ul" | "ol" => {
                    self.lists.pop();
                    self.out.block(1);
                }
                "pre" => {
                    self.preformatted = self.preformatted.saturating_sub(1);
                    self.out.block(2);
                }
                "blockquote" => {
                    self.out.block(2);
                    self.out.quote_depth = self.out.quote_depth.saturating_sub(1);
                }
                _ if PARAGRAPH.contains(&name) => self.out.block(2),
                _ if BLOCK.contains(&name) => self.out.block(1),
                _ => {}
            }
        }

        fn text(&mut self, raw: &str) {
            if self.hidden.is_some() {
                return;
            }
            let preformatted = self.preformatted > 0;
            for c in decode_entities(raw).chars() {
                self.out.char(c, preformatted);
            }
        }

        fn image(&mut self, tag: &Tag) {
            if tag.is_hidden() || tag.is_tiny() {
                return;
            }
            let alt = tag
                .attribute("alt")
                .map(clean_line)
                .filter(|alt| !alt.is_empty());
            self.out.separate();
            match alt {
                Some(alt) => self.out.word(&format!("[image: {alt}]")),
                None => self.out.word("[image]"),
            }
            self.out.separate();
        }

        fn list_item(&mut self) {
            self.out.block(1);
            let depth = self.lists.len().clamp(1, MAX_INDENT);
            let marker = match self.lists.last_mut() {
                Some(Some(number)) => {
                    let marker = format!("{number}. ");
                    *number = number.saturating_add(1);
                    marker
                }
                _ => "• ".to_owned(),
            };
            self.out
                .word(&format!("{}{marker}", "  ".repeat(depth - 1)));
        }

        /// Ends the open link, writing its address after its text unless the text already
        /// says it.
        fn close_link(&mut self) {
            let Some(Link {
                href: Some(href),
                start,
            }) = self.link.take()
            else {
                return;
            };
            let shown = self.out.text.get(start..).unwrap_or_default();
            if same_target(shown, &href) {
                return;
            }
            self.out.separate();
            self.out.word(&format!("<{href}>"));
        }
    }

    /// The text being written, with HTML's whitespace rules: runs of spaces collapse, blocks
    /// start on new lines, quoted lines start with `> `.
    #[derive(Default)]
    struct Out {
        text: String,
        pending_space: bool,
        quote_depth: usize,
    }

    impl Out {
        fn at_line_start(&self) -> bool {
            self.text.is_empty() || self.text.ends_with('\n')
        }

        fn char(&mut self, c: char, preformatted: bool) {
            match c {
                '\n' if preformatted => self.line_break(),
                '\r' if preformatted => {}
                ' ' | '\t' if preformatted => self.put(c),
                c if c.is_ascii_whitespace() => self.separate(),
                '\u{a0}' => self.put(' '),
                '\u{ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' => {}
                c if c.is_control() => {}
                c => self.put(c),
            }
        }

        /// Asks for a space before whatever comes next on this line.
        fn separate(&mut self) {
            if !self.at_line_start() {
                self.pending_space = true;
            }
        }

        fn put(&mut self, c: char) {
            if self.at_line_start() {
                for _ in 0..self.quote_depth.min(MAX_INDENT) {
                    self.text.push_str("> ");
                }
            } else if self.pending_space {
                self.text.push(' ');
            }
            self.pending_space = false;
            self.text.push(c);
        }

        fn word(&mut self, word: &str) {
            word.chars().for_each(|c| self.put(c));
        }

        fn trim_trailing_spaces(&mut self) {
            let kept = self.text.trim_end_matches(' ').len();
            self.text.truncate(kept);
        }

        fn line_break(&mut self) {
            self.trim_trailing_spaces();
            self.text.push('\n');
            self.pending_space = false;
        }

        /// Ends the current line and leaves `lines - 1` blank lines, unless there are already.
        fn block(&mut self, lines: usize) {
            self.pending_space = false;
            if self.text.is_empty() {
                return;
            }
            self.trim_trailing_spaces();
            let present = self.text.len() - self.text.trim_end_matches('\n').len();
            for _ in present..lines {
                self.text.push('\n');
            }
        }

        /// Table cells sit side by side, two spaces apart.
        fn cell(&mut self) {
            if !self.at_line_start() {
                self.trim_trailing_spaces();
                self.text.push_str("  ");
            }
            self.pending_space = false;
        }
    }

    fn find(bytes: &[u8], from: usize, byte: u8) -> usize {
        bytes
            .get(from..)
            .and_then(|rest| rest.iter().position(|&b| b == byte))
            .map_or(bytes.len(), |offset| from + offset)
    }

    fn find_sequence(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
        bytes
            .get(from..)?
            .windows(needle.len())
            .position(|window| window == needle)
            .map(|offset| from + offset)
    }

    /// The position after a `>` found at `at`, or the end.
    fn after(bytes: &[u8], at: usize) -> usize {
        (at + 1).min(bytes.len())
    }

    fn name_end(bytes: &[u8], from: usize) -> usize {
        from + bytes
            .get(from..)
            .unwrap_or_default()
            .iter()
            .take_while(|&&b| !(b.is_ascii_whitespace() || b == b'/' || b == b'>'))
            .count()
    }

    /// Reads a start tag whose name begins at `name_start`; `None` if the input ends inside it.
    fn parse_tag(html: &str, name_start: usize) -> Option<Tag> {
        let bytes = html.as_bytes();
        let mut i = name_end(bytes, name_start);
        let name = html[name_start..i].to_ascii_lowercase();
        let mut attributes = Vec::new();
        let mut self_closing = false;
        loop {
            while let Some(&b) = bytes.get(i) {
                if b == b'/' {
                    self_closing = true;
                } else if b.is_ascii_whitespace() {
                    self_closing = false;
                } else {
                    break;
                }
                i += 1;
            }
            match bytes.get(i)? {
                b'>' => {
                    return Some(Tag {
                        name,
                        attributes,
                        self_closing,
                        end: i + 1,
                    })
                }
                _ => self_closing = false,
            }
            let attribute_start = i;
            while bytes
                .get(i)
                .is_some_and(|&b| !(b.is_ascii_whitespace() || b == b'=' || b == b'>' || b == b'/'))
            {
                i += 1;
            }
            let attribute = html[attribute_start..i].to_ascii_lowercase();
            while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
                i += 1;
            }
            let mut value = "";
            if bytes.get(i) == Some(&b'=') {
                i += 1;
                while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
                    i += 1;
                }
                match bytes.get(i) {
                    Some(&quote) if quote == b'"' || quote == b'\'' => {
                        let start = i + 1;
                        let end = find(bytes, start, quote);
                        if end >= bytes.len() {
                            return None;
                        }
                        value = &html[start..end];
                        i = end + 1;
                    }
                    _ => {
                        let start = i;
                        while bytes
                            .get(i)
                            .is_some_and(|&b| !(b.is_ascii_whitespace() || b == b'>'))
                        {
                            i += 1;
                        }
                        value = &html[start..i];
                    }
                }
            }
            if USEFUL_ATTRIBUTES.contains(&attribute.as_str())
                && !attributes.iter().any(|(known, _)| *known == attribute)
            {
                attributes.push((attribute, decode_entities(value)));
            }
        }
    }

    /// Skips the content of a raw-text element such as `<script>`, up to and including its end
    /// tag, or to the end of the input.
    fn skip_raw_text(html: &str, from: usize, name: &str) -> usize {
        let bytes = html.as_bytes();
        let mut pos = from;
        while let Some(lt) = find_sequence(bytes, pos, b"</") {
            let name_start = lt + 2;
            let candidate = bytes.get(name_start..name_start + name.len());
            let ends_name = bytes
                .get(name_start + name.len())
                .is_none_or(|&b| b.is_ascii_whitespace() || b == b'/' || b == b'>');
            if candidate.is_some_and(|c| c.eq_ignore_ascii_case(name.as_bytes())) && ends_name {
                return after(bytes, find(bytes, name_start, b'>'));
            }
            pos = name_start;
        }
        bytes.len()
    }

    /// Decodes character references (`&eacute;`, `&#233;`, `&#xE9;`); anything that is not one
    /// is kept as written.
    pub(super) fn decode_entities(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(amp) = rest.find('&') {
            out.push_str(&rest[..amp]);
            match character_reference(&rest[amp..]) {
                Some((decoded, length)) => {
                    out.push_str(&decoded);
                    rest = &rest[amp + length..];
                }
                None => {
                    out.push('&');
                    rest = &rest[amp + 1..];
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// The character reference at the start of `text` (which starts with `&`) and its length.
    fn character_reference(text: &str) -> Option<(String, usize)> {
        let semicolon = text.bytes().take(40).position(|b| b == b';')?;
        let body = &text[1..semicolon];
        if body.is_empty() || !body.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'#') {
            return None;
        }
        let decoded = match body.strip_prefix('#') {
            Some(number) => {
                let code = match number.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                    None => number.parse().ok()?,
                };
                String::from(numeric_character(code))
            }
            None => {
                let reference = &text[..=semicolon];
                let mut decoded = String::new();
                mail_parser::decoders::html::add_html_token(
                    &mut decoded,
                    reference.as_bytes(),
                    false,
                );
                if decoded == reference {
                    return None;
                }
                decoded
            }
        };
        Some((decoded, semicolon + 1))
    }

    /// As browsers read numeric references: 0x80–0x9F mean Windows-1252 (old mailers wrote
    /// `&#146;` for an apostrophe), and impossible code points give the replacement character.
    fn numeric_character(code: u32) -> char {
        match u8::try_from(code) {
            Ok(0) => char::REPLACEMENT_CHARACTER,
            Ok(byte @ 0x80..=0x9f) => windows_1252_char(byte),
            _ => char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER),
        }
    }

    /// The address written after a link's text: web, mail and phone links only; `javascript:`,
    /// `data:` or relative links mean nothing to the reader.
    fn shown_url(href: &str) -> Option<String> {
        let url: String = href
            .trim()
            .chars()
            .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
            .map(|c| {
                if c == ' ' {
                    "%20".to_owned()
                } else {
                    c.to_string()
                }
            })
            .collect();
        let (scheme, _) = url.split_once(':')?;
        matches!(
            scheme.to_ascii_lowercase().as_str(),
            "http" | "https" | "mailto" | "tel" | "ftp"
        )
        .then_some(url)
    }

    fn same_target(text: &str, url: &str) -> bool {
        fn bare(text: &str) -> String {
            let lower = text.trim().to_lowercase();
            let mut rest = lower.as_str();
            for prefix in ["mailto:", "tel:", "https://", "http://", "ftp://", "www."] {
                rest = rest.strip_prefix(prefix).unwrap_or(rest);
            }
            rest.trim_end_matches('/').to_owned()
        }
        !text.trim().is_empty() && bare(text) == bare(url)
    }

    /// Trailing spaces go, blank lines do not pile up, the text starts and ends on content.
    fn tidy(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut blank = false;
        for line in text.lines() {
            let line = line.trim_end();
            if line.is_empty() {
                blank = true;
                continue;
            }
            if !out.is_empty() {
                out.push('\n');
                if blank {
                    out.push('\n');
                }
            }
            blank = false;
            out.push_str(line);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use proptest::prelude::*;

    use super::transfer::{self, Damage};
    use super::*;

    fn model(raw: &str) -> ReadingModel {
        read_message(raw.as_bytes())
    }

    fn one_attachment(raw: &str) -> Attachment {
        let model = model(raw);
        assert_eq!(model.attachments.len(), 1, "{model:#?}");
        model
            .attachments
            .into_iter()
            .next()
            .expect("one attachment")
    }

    const WITH_PDF: &str = "From: a@exemple.mssante.fr\nSubject: s\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\ntexte\n--b\nContent-Type: application/pdf; name=\"../../compte rendu.pdf\"\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQgZmF1eA==\n--b--\n";

    #[test]
    fn safe_file_name_table() {
        let cases = [
            // traversal: separators replaced, leading dots removed
            ("../../etc/passwd", "_.._etc_passwd"),
            ("..\\..\\boot.ini", "_.._boot.ini"),
            ("/etc/passwd", "_etc_passwd"),
            ("bilan 12/03/2025.pdf", "bilan 12_03_2025.pdf"),
            ("..", DEFAULT_FILE_NAME),
            // Windows device names, with or without extension, any case
            ("CON", "_CON"),
            ("con.txt", "_con.txt"),
            ("Aux.tar.gz", "_Aux.tar.gz"),
            ("nul .txt", "_nul .txt"),
            ("LPT1.pdf", "_LPT1.pdf"),
            ("COM9", "_COM9"),
            ("com¹.txt", "_com¹.txt"),
            ("CONSOLE.txt", "CONSOLE.txt"),
            ("COM10.txt", "COM10.txt"),
            // characters Windows refuses
            ("a:b*c?d\"e<f>g|h.txt", "a_b_c_d_e_f_g_h.txt"),
            // control and invisible characters
            ("rapport\u{0}\u{7}\u{1b}.pdf", "rapport.pdf"),
            ("a\tb\nc.pdf", "a b c.pdf"),
            ("facture\u{202e}fdp.exe", "facturefdp.exe"),
            ("\u{feff}ordonnance.pdf", "ordonnance.pdf"),
            // trailing dots and spaces, empty names, hidden files
            ("doc.pdf. . ", "doc.pdf"),
            ("", DEFAULT_FILE_NAME),
            ("   ", DEFAULT_FILE_NAME),
            ("...", DEFAULT_FILE_NAME),
            (".pdf", "pièce-jointe.pdf"),
            ("  .bashrc", "pièce-jointe.bashrc"),
            // Unicode kept, in NFC
            ("résumé ÉCHO.pdf", "résumé ÉCHO.pdf"),
            ("re\u{301}sume\u{301}.pdf", "résumé.pdf"),
            ("化验报告.pdf", "化验报告.pdf"),
        ];
        for (name, expected) in cases {
            assert_eq!(safe_file_name(name), expected, "for {name:?}");
        }
    }

    #[test]
    fn safe_file_name_keeps_the_extension_of_a_long_name_within_200_bytes() {
        let long = format!("{}.pdf", "é".repeat(300));
        let safe = safe_file_name(&long);
        assert!(safe.len() <= 200, "{} bytes", safe.len());
        assert!(safe.ends_with(".pdf") && safe.starts_with('é'), "{safe}");

        let odd_extension = format!("{}.{}", "a".repeat(300), "b".repeat(50));
        assert!(safe_file_name(&odd_extension).len() <= 200);
    }

    proptest! {
        #[test]
        fn safe_file_name_is_always_one_harmless_component(name in "\\PC{0,300}|[./\\\\ .:CONULPT0-9]{0,20}") {
            let safe = safe_file_name(&name);
            prop_assert!(!safe.is_empty());
            prop_assert!(safe.len() <= 200);
            prop_assert!(!safe.contains(['/', '\\', '<', '>', ':', '"', '|', '?', '*']));
            prop_assert!(!safe.starts_with('.') && !safe.ends_with(['.', ' ']));
            prop_assert!(!safe.chars().any(|c| c.is_control() || is_invisible_format(c)));
            let stem = safe.split('.').next().unwrap_or_default().trim_end();
            prop_assert!(!is_windows_device(stem), "{safe}");
            prop_assert_eq!(safe_file_name(&safe), safe.clone(), "safe names are left alone");
        }
    }

    fn files_in(folder: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(folder)
            .expect("folder")
            .map(|entry| {
                entry
                    .expect("entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        names
    }

    #[test]
    fn save_attachment_writes_the_decoded_bytes_under_a_safe_name_and_leaves_no_temporary_file() {
        let folder = tempfile::tempdir().expect("temporary folder");
        let attachment = one_attachment(WITH_PDF);
        let path = save_attachment(
            WITH_PDF.as_bytes(),
            &attachment,
            folder.path(),
            Overwrite::Never,
        )
        .expect("saved");
        assert_eq!(path, folder.path().join("_.._compte rendu.pdf"));
        assert_eq!(fs::read(&path).expect("saved file"), b"%PDF-1.4 faux");
        assert_eq!(files_in(folder.path()), ["_.._compte rendu.pdf"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).expect("metadata").permissions().mode();
            assert_eq!(
                mode & 0o777,
                0o600,
                "health documents are readable by their owner only"
            );
        }
    }

    #[test]
    fn save_attachment_never_overwrites_without_being_told() {
        let folder = tempfile::tempdir().expect("temporary folder");
        let attachment = one_attachment(WITH_PDF);
        let existing = folder.path().join("_.._compte rendu.pdf");
        fs::write(&existing, b"document du patient").expect("existing file");

        let refused = save_attachment(
            WITH_PDF.as_bytes(),
            &attachment,
            folder.path(),
            Overwrite::Never,
        );
        match refused {
            Err(MimeError::AlreadyExists { path }) => assert_eq!(path, existing),
            other => panic!("expected AlreadyExists, got {other:?}"),
        }
        assert_eq!(
            fs::read(&existing).expect("existing"),
            b"document du patient"
        );
        assert_eq!(files_in(folder.path()), ["_.._compte rendu.pdf"]);

        save_attachment(
            WITH_PDF.as_bytes(),
            &attachment,
            folder.path(),
            Overwrite::Replace,
        )
        .expect("replaced");
        assert_eq!(fs::read(&existing).expect("replaced"), b"%PDF-1.4 faux");
        assert_eq!(files_in(folder.path()), ["_.._compte rendu.pdf"]);
    }

    #[test]
    fn save_attachment_refuses_a_folder_that_is_not_one() {
        let folder = tempfile::tempdir().expect("temporary folder");
        let file = folder.path().join("fichier");
        fs::write(&file, b"x").expect("file");
        let attachment = one_attachment(WITH_PDF);
        for target in [file.clone(), folder.path().join("absent")] {
            assert!(matches!(
                save_attachment(
                    WITH_PDF.as_bytes(),
                    &attachment,
                    &target,
                    Overwrite::Replace
                ),
                Err(MimeError::NotAFolder { .. })
            ));
        }
    }

    #[test]
    fn an_attachment_without_a_name_is_saved_under_a_french_default_with_its_extension() {
        let raw = "From: a@b.fr\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: application/pdf\n\n%PDF\n--b\nContent-Type: application/x-inconnu\n\nx\n--b--\n";
        let model = model(raw);
        let names: Vec<String> = model
            .attachments
            .iter()
            .map(Attachment::suggested_file_name)
            .collect();
        assert_eq!(names, ["pièce-jointe.pdf", "pièce-jointe"]);
    }

    fn html(input: &str) -> String {
        html::to_text(input)
    }

    #[test]
    fn html_scripts_styles_and_head_vanish() {
        let text = html(concat!(
            "<head><title>titre</title><meta name=x><style>.a{color:red}</style></head>",
            "<body>visible<SCRIPT type=x>alert('<b>non</b>')</SCRIPT >suite",
            "<style>p{}</style><script>jamais",
        ));
        assert_eq!(text, "visiblesuite");
        assert_eq!(
            html("<html><head><title>t</title><body>corps sans fin de head"),
            "corps sans fin de head"
        );
        assert_eq!(
            html("<!-- <p>commentaire</p> -->a<!DOCTYPE html><?xml x?>b"),
            "ab"
        );
    }

    #[test]
    fn html_images_become_placeholders_and_tracking_pixels_vanish() {
        let text = html(concat!(
            "<p>Avant <img src=\"http://tracker.example/photo.jpg\" alt=\"Radio du thorax\"> après</p>",
            "<p><img src=\"https://cdn.example/logo.png\"></p>",
            "<img src=\"http://tracker.example/p.gif\" width=\"1\" height=\"1\">",
            "<img src=\"http://tracker.example/q.gif\" style=\"width:1px; height:1px\" alt=\"pixel\">",
            "<img src=\"http://tracker.example/r.gif\" style=\"display: none\" alt=\"caché\">",
        ));
        assert_eq!(text, "Avant [image: Radio du thorax] après\n\n[image]");
        assert!(
            !text.contains("http"),
            "no image address is ever shown, so none is fetched"
        );
    }

    #[test]
    fn html_links_show_where_they_lead() {
        assert_eq!(
            html("<a href=\"https://ameli.exemple.com/login?a=1&amp;b=2\">ameli.fr</a>"),
            "ameli.fr <https://ameli.exemple.com/login?a=1&b=2>"
        );
        assert_eq!(
            html("<a href=\"https://www.has-sante.fr/\">www.has-sante.fr</a>"),
            "www.has-sante.fr"
        );
        assert_eq!(
            html("<a href=\"mailto:x@y.mssante.fr\">x@y.mssante.fr</a>"),
            "x@y.mssante.fr"
        );
        assert_eq!(
            html("<a href=\"javascript:steal()\">Cliquez</a>"),
            "Cliquez"
        );
        assert_eq!(
            html("<a href=\"/relatif\">relatif</a> <a href=\"data:text/html,x\">data</a>"),
            "relatif data"
        );
        assert_eq!(
            html("<a href=\"https://a.fr\"><img alt=logo></a>"),
            "[image: logo] <https://a.fr>"
        );
        assert_eq!(
            html("<a href=\"https://a.fr\">jamais fermé"),
            "jamais fermé <https://a.fr>"
        );
        assert_eq!(
            html("<a href=\"https://a.fr/x y\">espace</a>"),
            "espace <https://a.fr/x%20y>"
        );
    }

    #[test]
    fn html_layout_becomes_lines() {
        assert_eq!(
            html("<p>un</p><p>deux<br>trois</p><div>quatre</div>cinq"),
            "un\n\ndeux\ntrois\n\nquatre\ncinq"
        );
        assert_eq!(
            html("<ol start=3><li>a</li><li>b<ul><li>c</li></ul></li></ol>"),
            "3. a\n4. b\n  • c"
        );
        assert_eq!(html("<table><tr><td>Glycémie</td><td>0,95 g/L</td></tr><tr><td>Urée</td><td></td></tr></table>"), "Glycémie  0,95 g/L\nUrée");
        assert_eq!(
            html("<blockquote>cité<br>deux</blockquote>réponse"),
            "> cité\n> deux\n\nréponse"
        );
        assert_eq!(html("<pre>  a\n    b</pre>après"), "  a\n    b\n\naprès");
        assert_eq!(html("  beaucoup \n\t d'espaces  "), "beaucoup d'espaces");
        assert_eq!(html("<p>a</p><hr><p>b</p>"), "a\n\n-----\n\nb");
        assert_eq!(
            html("<div hidden>non</div><span style=\"DISPLAY:NONE\">non<span>non</span></span>oui"),
            "oui"
        );
    }

    #[test]
    fn html_entities_are_decoded_and_stray_markup_is_text() {
        assert_eq!(
            html("&eacute;&#233;&#xE9;&amp;lt; &nosuch; &#146; &#0; &#x110000; &nbsp;x"),
            "ééé&lt; &nosuch; \u{2019} \u{fffd} \u{fffd}  x"
        );
        assert_eq!(html("a < b et c<3 & d"), "a < b et c<3 & d");
        assert_eq!(html("<p>coupé <img src=\"x"), "coupé");
        assert_eq!(html(""), "");
    }

    #[test]
    fn base64_is_decoded_leniently() {
        let decode = |input: &str| {
            let (bytes, damage) = transfer::decode(input.as_bytes(), TransferEncoding::Base64);
            (String::from_utf8_lossy(&bytes).into_owned(), damage)
        };
        let clean = Damage::default();
        assert_eq!(decode("SGVsbG8="), ("Hello".into(), clean));
        assert_eq!(decode("SGVs\r\nbG8=\r\n"), ("Hello".into(), clean));
        assert_eq!(
            decode("SGVsbG8"),
            ("Hello".into(), clean),
            "missing padding"
        );
        assert_eq!(
            decode("QQ==Qg=="),
            ("AB".into(), clean),
            "concatenated blocks"
        );
        assert_eq!(
            decode("SG*Vs.bG8="),
            (
                "Hello".into(),
                Damage {
                    invalid_bytes: 2,
                    dangling: false
                }
            )
        );
        assert_eq!(
            decode("SGVsbG8gQ"),
            (
                "Hello ".into(),
                Damage {
                    invalid_bytes: 0,
                    dangling: true
                }
            )
        );
    }

    #[test]
    fn quoted_printable_is_decoded_as_rfc_2045_says() {
        let decode = |input: &str| {
            let (bytes, _) = transfer::decode(input.as_bytes(), TransferEncoding::QuotedPrintable);
            String::from_utf8_lossy(&bytes).into_owned()
        };
        assert_eq!(decode("caf=C3=A9 =3D ok"), "café = ok");
        assert_eq!(decode("long=\nue ligne=\r\nfin"), "longue lignefin");
        assert_eq!(decode("espaces   \nfin  "), "espaces\nfin");
        assert_eq!(decode("garde=20\nfin"), "garde \nfin");
        assert_eq!(decode("soft=  \nbreak"), "softbreak");
        assert_eq!(decode("mal=G1 form=\u{e9}=4"), "mal=G1 form=\u{e9}=4");
    }

    proptest! {
        #[test]
        fn measured_size_is_always_the_decoded_size(input in prop::collection::vec(any::<u8>(), 0..512)) {
            for encoding in [TransferEncoding::Identity, TransferEncoding::Base64, TransferEncoding::QuotedPrintable] {
                let (decoded, damage) = transfer::decode(&input, encoding);
                prop_assert_eq!(transfer::decoded_len(&input, encoding), (decoded.len() as u64, damage));
            }
        }

        #[test]
        fn base64_written_by_any_mailer_decodes_back(data in prop::collection::vec(any::<u8>(), 0..512), width in 4usize..100, crlf in any::<bool>()) {
            use base64::Engine as _;
            let encoded = base64::engine::general_purpose::STANDARD.encode(&data);
            let newline = if crlf { "\r\n" } else { "\n" };
            let wrapped = encoded.as_bytes().chunks(width).map(|line| String::from_utf8_lossy(line)).collect::<Vec<_>>().join(newline);
            let (decoded, damage) = transfer::decode(wrapped.as_bytes(), TransferEncoding::Base64);
            prop_assert_eq!(decoded.as_ref(), data.as_slice());
            prop_assert!(!damage.is_damaged());
        }
    }

    #[test]
    fn charsets_fall_back_to_utf8_then_windows_1252_and_say_so() {
        let latin1 = b"r\xe9sultat \x80 \x92";
        /// Declared label, bytes, text read, problem noted.
        type Case<'a> = (Option<&'a str>, &'a [u8], &'a str, Option<&'a str>);
        let cases: [Case<'_>; 8] = [
            (Some("utf-8"), "déjà".as_bytes(), "déjà", None),
            (
                Some("UTF8"),
                latin1,
                "résultat € ’",
                Some(problem::MISLABELLED_CHARSET),
            ),
            (
                None,
                latin1,
                "résultat € ’",
                Some(problem::MISLABELLED_CHARSET),
            ),
            (Some("us-ascii"), b"plain", "plain", None),
            (Some("ISO-8859-1"), b"r\xe9sultat", "résultat", None),
            (
                Some("x-unknown"),
                "déjà".as_bytes(),
                "déjà",
                Some(problem::UNKNOWN_CHARSET),
            ),
            (
                Some("x-unknown"),
                latin1,
                "résultat € ’",
                Some(problem::UNKNOWN_CHARSET),
            ),
            (
                Some("Shift_JIS"),
                "déjà".as_bytes(),
                "déjà",
                Some(problem::UNKNOWN_CHARSET),
            ),
        ];
        for (label, bytes, text, note) in cases {
            assert_eq!(
                charset::decode(bytes, label),
                (text.to_owned(), note),
                "{label:?}"
            );
        }
    }

    #[test]
    fn display_subject_hides_the_xdm_prefix_and_keeps_one_line() {
        assert_eq!(
            display_subject("XDM/1.0/DDM+Compte rendu DUPONT Jean 01/02/1960"),
            "Compte rendu DUPONT Jean 01/02/1960"
        );
        assert_eq!(
            display_subject("RE: XDM/1.0/DDM+Compte rendu"),
            "RE: Compte rendu"
        );
        assert_eq!(
            display_subject("Bonjour\r\n  docteur\u{202e}"),
            "Bonjour docteur"
        );
    }

    #[test]
    fn patient_addresses_are_recognised_by_their_domain() {
        for address in [
            "279035121518989@patient.mssante.fr",
            "279035121518989@PATIENT.MSSANTE.FR",
            " <279035121518989@patient.mssante.fr> ",
            "x@patient.mssante.fr.",
        ] {
            assert!(is_patient_address(address), "{address}");
        }
        for address in [
            "dr.martin@cabinet.mssante.fr",
            "x@sub.patient.mssante.fr",
            "x@patient.mssante.fr.evil.com",
            "@patient.mssante.fr",
            "patient.mssante.fr",
            "",
        ] {
            assert!(!is_patient_address(address), "{address}");
        }
    }

    #[test]
    fn snippet_is_one_line_without_quotes_and_cut_with_an_ellipsis() {
        let with_text = |text: &str| ReadingModel {
            text: text.to_owned(),
            ..ReadingModel::default()
        };
        let reply = with_text(
            "Merci pour\nles   résultats.\n\nLe 3 mars, X a écrit :\n> Voici les\n> résultats",
        );
        assert_eq!(
            snippet(&reply, 100),
            "Merci pour les résultats. Le 3 mars, X a écrit :"
        );
        assert_eq!(snippet(&reply, 12), "Merci pour…");
        assert_eq!(snippet(&reply, 1), "…");
        assert_eq!(snippet(&reply, 0), "");
        assert_eq!(snippet(&with_text("> tout\n> cité"), 50), "> tout > cité");
        assert_eq!(snippet(&with_text("éééé"), 4), "éééé");
    }

    #[test]
    fn the_index_text_holds_subject_correspondents_names_and_text() {
        let text = body_text_for_index(
            WITH_PDF
                .replace(
                    "Subject: s",
                    "Subject: =?utf-8?q?Bilan_r=C3=A9nal?=\nTo: \"Dr X\" <x@y.mssante.fr>",
                )
                .as_bytes(),
        );
        for expected in [
            "Bilan rénal",
            "a@exemple.mssante.fr",
            "Dr X",
            "x@y.mssante.fr",
            "../../compte rendu.pdf",
            "texte",
        ] {
            assert!(text.contains(expected), "{expected} missing from {text:?}");
        }
    }

    #[test]
    fn header_oddities_are_read_and_reported() {
        let stray = model("From: a@b.fr\nceci n'est pas un en-tete\nSubject: sujet\n\ncorps");
        assert_eq!(stray.subject, "sujet");
        assert_eq!(stray.problems, [problem::STRAY_HEADER_LINES]);

        assert_eq!(
            model("From: a@b.fr\nSubject: sans fin de ligne").subject,
            "sans fin de ligne"
        );

        let date = model("From: a@b.fr\nDate: le 3 mars vers midi\n\ncorps");
        assert_eq!(date.date, None);
        assert_eq!(date.problems, [problem::DATE]);

        let groups =
            model("From: a@b.fr\nTo: Équipe: x@y.fr, \"Dr Z\" <z@y.fr>;, w@y.fr\nTo: v@y.fr\n\n");
        let to: Vec<&str> = groups.to.iter().map(|m| m.address.as_str()).collect();
        assert_eq!(to, ["x@y.fr", "z@y.fr", "w@y.fr", "v@y.fr"]);

        assert_eq!(model("").problems, [problem::EMPTY]);
    }

    #[test]
    fn structure_oddities_are_shown_rather_than_lost() {
        let no_boundary = model("From: a@b.fr\nContent-Type: multipart/mixed\n\ntexte brut");
        assert_eq!(no_boundary.text, "texte brut");
        assert_eq!(no_boundary.problems, [problem::NO_BOUNDARY]);

        let unknown = model("From: a@b.fr\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: application/pdf\nContent-Transfer-Encoding: x-uuencode\n\nbegin 644\n--b--\n");
        assert_eq!(unknown.attachments[0].size, 9);
        assert_eq!(unknown.problems, [problem::UNKNOWN_ENCODING]);

        let empty = "From: a@b.fr\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: application/pdf; name=vide.pdf\nContent-Transfer-Encoding: base64\n\n--b--\n";
        let attachment = one_attachment(empty);
        assert_eq!(attachment.size, 0);
        assert_eq!(
            attachment_bytes(empty.as_bytes(), &attachment).expect("bytes"),
            b""
        );

        let digest = model("From: a@b.fr\nContent-Type: multipart/digest; boundary=d\n\n--d\n\nFrom: c@d.fr\nSubject: un\n\nu\n--d\n\nFrom: e@f.fr\nSubject: deux\n\nd\n--d--\n");
        let subjects: Vec<&str> = digest
            .embedded_messages
            .iter()
            .map(|e| e.message.subject.as_str())
            .collect();
        assert_eq!(subjects, ["un", "deux"]);

        let related = model("From: a@b.fr\nContent-Type: multipart/related; boundary=r; start=\"<racine@x>\"\n\n--r\nContent-Type: image/png\nContent-ID: <img@x>\n\nPNG\n--r\nContent-Type: text/html\nContent-ID: <racine@x>\n\n<p>la racine</p>\n--r--\n");
        assert_eq!(related.text, "la racine");
        assert!(related.html_was_converted);
        assert!(related.attachments[0].is_inline);
    }

    #[test]
    fn an_embedded_message_is_saved_as_it_was_sent() {
        let inner = "From: c@d.fr\nSubject: transféré\n\ncorps intérieur\n";
        let raw = format!("From: a@b.fr\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: message/rfc822\n\n{inner}\n--b--\n");
        let model = read_message(raw.as_bytes());
        let embedded = &model.embedded_messages[0];
        assert_eq!(embedded.message.text, "corps intérieur");
        assert_eq!(
            embedded.attachment.suggested_file_name(),
            "pièce-jointe.eml"
        );
        let bytes = attachment_bytes(raw.as_bytes(), &embedded.attachment).expect("bytes");
        assert_eq!(String::from_utf8(bytes).expect("UTF-8"), inner);
    }
}
