//! Header blocks: read by mail-parser (RFC 2047 words, RFC 2231 parameters, addresses, dates,
//! message ids) once raw 8-bit lines are made text, then reduced to what the walker and the
//! reading model need.

use std::borrow::Cow;
use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone};
use mail_parser::{Addr, Address, Header, HeaderName, HeaderValue, MessageParser};

use super::charset;
use super::model::{Mailbox, TransferEncoding};

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

/// How many lines of a header block are headers, and how many are something else.
pub(super) struct HeaderLines {
    pub(super) valid: usize,
    pub(super) stray: usize,
}

impl HeaderLines {
    pub(super) fn count(block: &[u8]) -> Self {
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

/// What the reader needs from the headers of a message.
#[derive(Default)]
pub(super) struct Envelope {
    pub(super) subject: String,
    pub(super) from: Vec<Mailbox>,
    pub(super) to: Vec<Mailbox>,
    pub(super) cc: Vec<Mailbox>,
    pub(super) reply_to: Vec<Mailbox>,
    pub(super) date: Option<DateTime<FixedOffset>>,
    pub(super) date_unreadable: bool,
    pub(super) message_id: Option<String>,
    pub(super) in_reply_to: Vec<String>,
    pub(super) references: Vec<String>,
    pub(super) x_mss_mes: Option<String>,
    pub(super) x_mss_ins: Option<String>,
    pub(super) x_mss_codecda: Option<String>,
    pub(super) disposition_notification_to: Vec<Mailbox>,
}

/// What the walker needs from the headers of a part.
#[derive(Debug, Default)]
pub(super) struct PartHeaders {
    /// `type/subtype`, lower case.
    pub(super) mime_type: String,
    pub(super) params: Vec<(String, String)>,
    pub(super) disposition: Option<String>,
    pub(super) file_name: Option<String>,
    pub(super) name_had_hidden_characters: bool,
    pub(super) encoding: TransferEncoding,
    pub(super) unknown_encoding: bool,
    pub(super) content_id: Option<String>,
}

impl PartHeaders {
    pub(super) fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    pub(super) fn multipart_subtype(&self) -> Option<&str> {
        self.mime_type.strip_prefix("multipart/")
    }

    pub(super) fn is_multipart(&self) -> bool {
        self.multipart_subtype().is_some()
    }

    pub(super) fn is_message(&self) -> bool {
        matches!(self.mime_type.as_str(), "message/rfc822" | "message/global")
    }

    pub(super) fn is_html(&self) -> bool {
        self.mime_type == "text/html"
    }

    /// A text meant to be read in the body rather than saved: plain or HTML, not marked as an
    /// attachment, without a file name.
    pub(super) fn is_body_text(&self) -> bool {
        matches!(self.mime_type.as_str(), "text/plain" | "text/html")
            && self.disposition.as_deref() != Some("attachment")
            && self.file_name.is_none()
    }

    pub(super) fn is_inline(&self) -> bool {
        match self.disposition.as_deref() {
            Some(disposition) => disposition == "inline",
            None => self.content_id.is_some(),
        }
    }
}

/// A header block read by mail-parser.
pub(super) struct HeaderBlock {
    pub(super) envelope: Envelope,
    pub(super) part: PartHeaders,
    /// Some lines were raw 8-bit bytes that are not UTF-8, read as Windows-1252.
    pub(super) transcoded: bool,
}

impl HeaderBlock {
    /// Reads a header block. Headers are ASCII or, since RFC 6532, UTF-8; raw Latin-1 from old
    /// mailers is common, and mail-parser would turn it into replacement characters, so such
    /// lines are read as Windows-1252 first.
    pub(super) fn parse(block: &[u8], default_type: &str) -> Self {
        let mut text = headers_as_utf8(block);
        let transcoded = matches!(text, Cow::Owned(_));
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

/// A header block as UTF-8 text for mail-parser. Headers are ASCII or, since RFC 6532, UTF-8;
/// raw bytes from old Windows mailers are common, and mail-parser would turn them into
/// replacement characters (`Dr B\u{fffd}atrice`), so each line that is not UTF-8 is read as
/// Windows-1252, as Thunderbird does. Borrowed when the block is UTF-8 already.
///
/// The list's envelopes are built from the same bytes as the reader's headers, so that a
/// message shows the same sender and subject in both.
pub fn headers_as_utf8(block: &[u8]) -> Cow<'_, [u8]> {
    if std::str::from_utf8(block).is_ok() {
        return Cow::Borrowed(block);
    }
    let text: String = block
        .split_inclusive(|&b| b == b'\n')
        .map(|line| match std::str::from_utf8(line) {
            Ok(line) => Cow::Borrowed(line),
            Err(_) => Cow::Owned(charset::windows_1252(line)),
        })
        .collect();
    Cow::Owned(text.into_bytes())
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
            HeaderName::Other(name)
                if name.eq_ignore_ascii_case("X-MSS-INS") && envelope.x_mss_ins.is_none() =>
            {
                envelope.x_mss_ins = Some(clean_line(&text_of(value)));
            }
            HeaderName::Other(name)
                if name.eq_ignore_ascii_case("X-MSS-CODECDA")
                    && envelope.x_mss_codecda.is_none() =>
            {
                envelope.x_mss_codecda = Some(clean_line(&text_of(value)));
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
pub(super) fn clean_line(text: &str) -> String {
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

/// Characters that change how the text around them is laid out while showing nothing.
pub(super) fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{feff}'
    )
}

#[cfg(test)]
mod tests {
    use super::super::tests::model;
    use super::super::{problem, read_message};
    use super::*;

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
    fn raw_windows_1252_bytes_and_multi_byte_encoded_words_are_read() {
        let raw = b"From: Dr B\xe9atrice Lef\xe8vre <b.lefevre@labo-test.mssante.fr>\nSubject: R\xe9sultats d\x92analyses\n\ncorps";
        let read = read_message(raw);
        assert_eq!(read.subject, "R\u{e9}sultats d\u{2019}analyses");
        assert_eq!(
            read.from[0].name.as_deref(),
            Some("Dr B\u{e9}atrice Lef\u{e8}vre")
        );
        assert_eq!(read.problems, [problem::EIGHT_BIT_HEADERS]);
        // Each line on its own: a UTF-8 line beside a Windows-1252 one stays UTF-8.
        assert_eq!(
            headers_as_utf8(b"To: Secr\xc3\xa9tariat\nSubject: R\xe9sultats\n").as_ref(),
            "To: Secrétariat\nSubject: Résultats\n".as_bytes()
        );
        assert!(matches!(
            headers_as_utf8("Subject: déjà\n".as_bytes()),
            Cow::Borrowed(_)
        ));
        let japanese = model("From: a@b.fr\nSubject: =?shift_jis?B?k/qWew==?=\n\n");
        assert_eq!(japanese.subject, "\u{65e5}\u{672c}");
    }
}
