//! The walk over a message's MIME structure: multiparts split at their delimiter lines,
//! alternatives chosen, texts decoded, attachments measured (not copied), embedded messages read
//! in turn, reports handed to [`super::report`]; depth and part count bounded so that a hostile
//! message can neither exhaust the stack nor memory.

use std::borrow::Cow;
use std::ops::Range;

use super::headers::{Envelope, HeaderBlock, HeaderLines, PartHeaders};
use super::model::{Attachment, EmbeddedMessage, MssanteHeaders, PartLocator, ReadingModel, Step};
use super::report::{returns_original, Report, ReportPart};
use super::{charset, html, is_patient_address, problem, transfer};
use crate::mssante::headers::is_closing;

/// How deep multiparts and embedded messages may nest. Real messages stay under ten; the bound
/// keeps a hostile one from exhausting the stack.
const MAX_DEPTH: usize = 32;

/// How many parts one message may have, embedded messages included. Real messages stay far
/// below; the bound keeps a hostile one from exhausting memory with millions of empty parts.
const MAX_PARTS: usize = 2_000;

/// Reads a whole raw message.
pub(super) fn read(raw: &[u8]) -> ReadingModel {
    let source = Source {
        buf: raw,
        path: &[],
        message_len: raw.len(),
    };
    read_model(source, 0..raw.len(), 0, &mut Budget::default())
}

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
    /// The first delivery or disposition report found among the message's own parts.
    report: Option<Report>,
    problems: Vec<String>,
}

impl<'b> Reader<'b> {
    fn new(budget: &'b mut Budget) -> Self {
        Self {
            budget,
            body: Vec::new(),
            attachments: Vec::new(),
            embedded: Vec::new(),
            report: None,
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
            if let Some(kind) = ReportPart::of(&part.mime_type) {
                self.report(source, part, &body, kind);
            }
            // A report part stays listed, so it can be saved and handed to whoever asks.
            self.attachment(source, part, body, mode);
        }
    }

    fn report(
        &mut self,
        source: Source<'_>,
        part: &PartHeaders,
        body: &Range<usize>,
        kind: ReportPart,
    ) {
        if self.report.is_some() {
            return;
        }
        let (bytes, damage) = transfer::decode(source.slice(body), part.encoding);
        self.note_damage(part, damage);
        let fields = charset::utf8_or_windows_1252(&bytes).0;
        self.report = Some(kind.read(&fields));
    }

    /// The Message-ID of the message a report returns (its headers, or the whole of it), for a
    /// report whose fields do not name it.
    fn returned_original(&mut self, source: Source<'_>, children: &[Child]) {
        let Some(report) = self.report.as_mut() else {
            return;
        };
        let Some(returned) = children
            .iter()
            .find(|c| returns_original(&c.part.mime_type))
        else {
            return;
        };
        let (bytes, _) = transfer::decode(source.slice(&returned.body), returned.part.encoding);
        let (header_end, _) = split_header(&bytes);
        let headers = HeaderBlock::parse(&bytes[..header_end], "text/plain");
        report.fill_original_message_id(headers.envelope.message_id);
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
        if subtype == "report" {
            self.returned_original(source, &children);
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
                x_mss_ins: envelope.x_mss_ins,
                x_mss_codecda: envelope.x_mss_codecda,
                disposition_notification_to: envelope.disposition_notification_to,
            },
            from_patient,
            text,
            html_was_converted,
            attachments: self.attachments,
            embedded_messages: self.embedded,
            report: self.report,
            problems: self.problems,
            documents: Vec::new(),
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

#[cfg(test)]
mod tests {
    use super::super::tests::{model, one_attachment};
    use super::super::{attachment_bytes, read_message};
    use super::*;

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
