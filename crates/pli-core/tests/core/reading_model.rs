//! The reading model over the corpus of `tests/corpus`: every message is read twice, with the
//! LF line ends it is stored with and with CRLF as IMAP servers send it, and compared with its
//! `NAME.expected.json`. Then hostile inputs: a 20 MB attachment, deep nesting, random bytes
//! and random damage to the corpus, which must never make the reader panic.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use base64::Engine as _;
use pli_core::mail::mime::{
    self, attachment_bytes, display_subject, read_message, Attachment, Mailbox, ReadingModel,
};
use proptest::prelude::*;
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// What a corpus message must give. Only the fields present are checked; unknown fields are
/// refused so that a typo cannot silently check nothing.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    subject: String,
    display_subject: Option<String>,
    from: Option<Vec<String>>,
    to: Option<Vec<String>>,
    cc: Option<Vec<String>>,
    date: Option<String>,
    message_id: Option<String>,
    in_reply_to: Option<Vec<String>>,
    references: Option<Vec<String>>,
    text: Option<String>,
    #[serde(default)]
    text_excludes: Vec<String>,
    html_was_converted: Option<bool>,
    from_patient: Option<bool>,
    x_mss_mes: Option<String>,
    closes_conversation: Option<bool>,
    disposition_notification_to: Option<Vec<String>>,
    attachments: Vec<ExpectedAttachment>,
    embedded_messages: Option<Vec<ExpectedEmbedded>>,
    /// The report as it serializes, compared whole.
    report: Option<serde_json::Value>,
    problems: usize,
    #[serde(default)]
    problems_mention: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedAttachment {
    file_name: Option<String>,
    saved_as: Option<String>,
    content_type: Option<String>,
    size: Option<u64>,
    sha256: Option<String>,
    disposition: Option<String>,
    is_inline: Option<bool>,
    content_id: Option<String>,
    is_ihe_xdm: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedEmbedded {
    content_type: Option<String>,
    file_name: Option<String>,
    size: Option<u64>,
    sha256: Option<String>,
    message: Expected,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

fn corpus_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(corpus_dir())
        .expect("tests/corpus is readable")
        .map(|entry| entry.expect("corpus entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "eml"))
        .collect();
    files.sort();
    files
}

fn with_lf(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    for (i, &byte) in raw.iter().enumerate() {
        if !(byte == b'\r' && raw.get(i + 1) == Some(&b'\n')) {
            out.push(byte);
        }
    }
    out
}

fn with_crlf(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() + raw.len() / 40);
    let mut previous = 0;
    for &byte in raw {
        if byte == b'\n' && previous != b'\r' {
            out.push(b'\r');
        }
        out.push(byte);
        previous = byte;
    }
    out
}

fn shown(mailboxes: &[Mailbox]) -> Vec<String> {
    mailboxes
        .iter()
        .map(|mailbox| match &mailbox.name {
            Some(name) => format!("{name} <{}>", mailbox.address),
            None => mailbox.address.clone(),
        })
        .collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Collects every difference between a model and what was expected.
struct Check<'a> {
    raw: &'a [u8],
    differences: Vec<String>,
}

impl Check<'_> {
    fn same<T: PartialEq + std::fmt::Debug>(&mut self, what: &str, expected: &T, actual: &T) {
        if expected != actual {
            self.differences
                .push(format!("{what}: expected {expected:?}, got {actual:?}"));
        }
    }

    fn optional<T: PartialEq + std::fmt::Debug>(
        &mut self,
        what: &str,
        expected: &Option<T>,
        actual: &T,
    ) {
        if let Some(expected) = expected {
            self.same(what, expected, actual);
        }
    }

    fn model(&mut self, at: &str, expected: &Expected, model: &ReadingModel) {
        self.same(&format!("{at}subject"), &expected.subject, &model.subject);
        if let Some(display) = &expected.display_subject {
            self.same(
                &format!("{at}display_subject"),
                display,
                &display_subject(&model.subject),
            );
        }
        self.optional(&format!("{at}from"), &expected.from, &shown(&model.from));
        self.optional(&format!("{at}to"), &expected.to, &shown(&model.to));
        self.optional(&format!("{at}cc"), &expected.cc, &shown(&model.cc));
        let date = model.date.map(|date| date.to_rfc3339());
        self.optional(
            &format!("{at}date"),
            &expected.date.clone().map(Some),
            &date,
        );
        self.optional(
            &format!("{at}message_id"),
            &expected.message_id.clone().map(Some),
            &model.message_id,
        );
        self.optional(
            &format!("{at}in_reply_to"),
            &expected.in_reply_to,
            &model.in_reply_to,
        );
        self.optional(
            &format!("{at}references"),
            &expected.references,
            &model.references,
        );
        self.optional(&format!("{at}text"), &expected.text, &model.text);
        for excluded in &expected.text_excludes {
            if model.text.contains(excluded.as_str()) {
                self.differences.push(format!(
                    "{at}text contains {excluded:?}, which must not show"
                ));
            }
        }
        self.optional(
            &format!("{at}html_was_converted"),
            &expected.html_was_converted,
            &model.html_was_converted,
        );
        self.optional(
            &format!("{at}from_patient"),
            &expected.from_patient,
            &model.from_patient,
        );
        self.optional(
            &format!("{at}x_mss_mes"),
            &expected.x_mss_mes.clone().map(Some),
            &model.headers.x_mss_mes,
        );
        self.optional(
            &format!("{at}closes_conversation"),
            &expected.closes_conversation,
            &model.headers.closes_conversation,
        );
        self.optional(
            &format!("{at}disposition_notification_to"),
            &expected.disposition_notification_to,
            &shown(&model.headers.disposition_notification_to),
        );
        if let Some(report) = &expected.report {
            let actual = serde_json::to_value(&model.report).expect("a report serializes");
            self.same(&format!("{at}report"), report, &actual);
        }
        self.same(
            &format!("{at}problems ({:?})", model.problems),
            &expected.problems,
            &model.problems.len(),
        );
        for mention in &expected.problems_mention {
            if !model
                .problems
                .iter()
                .any(|problem| problem.contains(mention.as_str()))
            {
                self.differences.push(format!(
                    "{at}no problem mentions {mention:?}: {:?}",
                    model.problems
                ));
            }
        }

        self.same(
            &format!("{at}number of attachments"),
            &expected.attachments.len(),
            &model.attachments.len(),
        );
        for (index, (expected, actual)) in expected
            .attachments
            .iter()
            .zip(&model.attachments)
            .enumerate()
        {
            self.attachment(&format!("{at}attachment {index} "), expected, actual);
        }

        if let Some(embedded) = &expected.embedded_messages {
            self.same(
                &format!("{at}number of embedded messages"),
                &embedded.len(),
                &model.embedded_messages.len(),
            );
            for (index, (expected, actual)) in
                embedded.iter().zip(&model.embedded_messages).enumerate()
            {
                let at = format!("{at}embedded {index} ");
                let fields = expected;
                self.optional(
                    &format!("{at}content_type"),
                    &fields.content_type,
                    &actual.attachment.content_type,
                );
                self.optional(
                    &format!("{at}file_name"),
                    &fields.file_name.clone().map(Some),
                    &actual.attachment.file_name,
                );
                self.optional(&format!("{at}size"), &fields.size, &actual.attachment.size);
                self.bytes(&at, fields.sha256.as_deref(), &actual.attachment);
                self.model(&at, &expected.message, &actual.message);
            }
        }
    }

    fn attachment(&mut self, at: &str, expected: &ExpectedAttachment, actual: &Attachment) {
        self.optional(
            &format!("{at}file_name"),
            &expected.file_name.clone().map(Some),
            &actual.file_name,
        );
        if let Some(saved_as) = &expected.saved_as {
            self.same(
                &format!("{at}saved as"),
                saved_as,
                &actual.suggested_file_name(),
            );
        }
        self.optional(
            &format!("{at}content_type"),
            &expected.content_type,
            &actual.content_type,
        );
        self.optional(&format!("{at}size"), &expected.size, &actual.size);
        self.optional(
            &format!("{at}disposition"),
            &expected.disposition.clone().map(Some),
            &actual.disposition,
        );
        self.optional(
            &format!("{at}is_inline"),
            &expected.is_inline,
            &actual.is_inline,
        );
        self.optional(
            &format!("{at}content_id"),
            &expected.content_id.clone().map(Some),
            &actual.content_id,
        );
        self.optional(
            &format!("{at}is_ihe_xdm"),
            &expected.is_ihe_xdm,
            &actual.is_ihe_xdm,
        );
        self.bytes(at, expected.sha256.as_deref(), actual);
    }

    /// The bytes given back are as long as the size shown, and are the expected ones.
    fn bytes(&mut self, at: &str, sha256: Option<&str>, attachment: &Attachment) {
        match attachment_bytes(self.raw, attachment) {
            Ok(bytes) => {
                self.same(
                    &format!("{at}bytes given back"),
                    &attachment.size,
                    &(bytes.len() as u64),
                );
                if let Some(sha256) = sha256 {
                    self.same(
                        &format!("{at}sha256"),
                        &sha256.to_owned(),
                        &sha256_hex(&bytes),
                    );
                }
            }
            Err(error) => self.differences.push(format!("{at}bytes: {error}")),
        }
    }
}

#[test]
fn corpus_reads_as_expected_with_lf_and_with_crlf() {
    let files = corpus_files();
    assert!(
        files.len() >= 15,
        "the corpus holds {} messages",
        files.len()
    );
    let mut failures = Vec::new();
    for path in &files {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("?")
            .to_owned();
        let expected_path = path.with_extension("expected.json");
        let expected: Expected = serde_json::from_slice(
            &fs::read(&expected_path)
                .unwrap_or_else(|e| panic!("{}: {e}", expected_path.display())),
        )
        .unwrap_or_else(|e| panic!("{}: {e}", expected_path.display()));
        let stored = fs::read(path).expect("corpus message");
        assert!(
            !stored.contains(&b'\r'),
            "{name}.eml must be stored with LF line ends"
        );
        for (variant, raw) in [("LF", with_lf(&stored)), ("CRLF", with_crlf(&stored))] {
            let model = read_message(&raw);
            let mut check = Check {
                raw: &raw,
                differences: Vec::new(),
            };
            check.model("", &expected, &model);
            failures.extend(
                check
                    .differences
                    .into_iter()
                    .map(|difference| format!("{name} ({variant}): {difference}")),
            );
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn corpus_models_serialize_for_pli_show_json() {
    for path in corpus_files() {
        let model = read_message(&fs::read(&path).expect("corpus message"));
        let json = serde_json::to_value(&model).expect("a model serializes");
        for field in [
            "subject",
            "from",
            "text",
            "attachments",
            "problems",
            "headers",
        ] {
            assert!(
                json.get(field).is_some(),
                "{}: no {field} in {json}",
                path.display()
            );
        }
    }
}

/// A pseudo-random but repeatable filler, so the attachment cannot be compressed or guessed.
fn filler(len: usize) -> Vec<u8> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect()
}

fn message_with_attachment(content: &[u8]) -> Vec<u8> {
    let encoded = base64::engine::general_purpose::STANDARD.encode(content);
    let mut raw = String::with_capacity(encoded.len() * 78 / 76 + 1024);
    raw.push_str(concat!(
        "From: imagerie@radiologie.mssante.fr\r\n",
        "To: dr.martin@cabinet.mssante.fr\r\n",
        "Subject: Examen complet\r\n",
        "MIME-Version: 1.0\r\n",
        "Content-Type: multipart/mixed; boundary=\"big\"\r\n",
        "\r\n",
        "--big\r\n",
        "Content-Type: text/plain; charset=utf-8\r\n",
        "\r\n",
        "Les images sont jointes.\r\n",
        "--big\r\n",
        "Content-Type: application/octet-stream; name=examen.dcm\r\n",
        "Content-Disposition: attachment; filename=examen.dcm\r\n",
        "Content-Transfer-Encoding: base64\r\n",
        "\r\n",
    ));
    for line in encoded.as_bytes().chunks(76) {
        raw.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        raw.push_str("\r\n");
    }
    raw.push_str("--big--\r\n");
    raw.into_bytes()
}

#[test]
fn a_20_mb_attachment_is_measured_on_reading_and_given_back_exactly() {
    let original = filler(20 * 1024 * 1024);
    let raw = message_with_attachment(&original);

    let started = Instant::now();
    let model = read_message(&raw);
    let reading = started.elapsed();

    assert!(model.problems.is_empty(), "{:?}", model.problems);
    assert_eq!(model.text, "Les images sont jointes.");
    assert_eq!(model.attachments.len(), 1);
    assert_eq!(model.attachments[0].size, original.len() as u64);

    let started = Instant::now();
    let bytes = attachment_bytes(&raw, &model.attachments[0]).expect("the attachment is there");
    let decoding = started.elapsed();
    assert_eq!(sha256_hex(&bytes), sha256_hex(&original));
    eprintln!(
        "20 MB attachment ({} bytes of message): read_message {reading:?}, attachment_bytes {decoding:?}",
        raw.len()
    );
}

#[test]
fn an_attachment_is_not_given_back_from_another_message() {
    let raw = message_with_attachment(b"compte rendu");
    let model = read_message(&raw);
    let mut other = raw.clone();
    other.extend_from_slice(b"\r\n");
    assert!(matches!(
        attachment_bytes(&other, &model.attachments[0]),
        Err(mime::MimeError::NotInMessage)
    ));
}

#[test]
fn nesting_a_hundred_thousand_messages_deep_does_not_overflow_the_stack() {
    let mut raw = "From: a@exemple.mssante.fr\nContent-Type: message/rfc822\n\n".repeat(100_000);
    raw.push_str("From: fond@exemple.mssante.fr\nSubject: tout au fond\n\nbonjour\n");
    let model = read_message(raw.as_bytes());
    let mut depth = 0;
    let mut current = &model;
    while let Some(embedded) = current.embedded_messages.first() {
        depth += 1;
        current = &embedded.message;
    }
    assert!(
        (1..=40).contains(&depth),
        "embedded messages shown {depth} deep"
    );
    assert!(
        current
            .problems
            .iter()
            .any(|p| p.contains("nested too deeply")),
        "{:?}",
        current.problems
    );
    assert_eq!(current.attachments.len(), 1, "the rest is one attachment");
}

#[test]
fn nesting_a_hundred_thousand_multiparts_deep_does_not_overflow_the_stack() {
    let mut raw = String::from("From: a@exemple.mssante.fr\n");
    for level in 0..100_000 {
        raw.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=\"b{level}\"\n\n--b{level}\n"
        ));
    }
    raw.push_str("Content-Type: text/plain\n\nau fond\n");
    let model = read_message(raw.as_bytes());
    assert!(
        model
            .problems
            .iter()
            .any(|p| p.contains("nested too deeply")),
        "{:?}",
        model.problems
    );
    for attachment in &model.attachments {
        assert_eq!(
            attachment_bytes(raw.as_bytes(), attachment)
                .expect("bytes")
                .len() as u64,
            attachment.size
        );
    }
}

#[test]
fn a_million_empty_parts_are_cut_short() {
    let mut raw =
        String::from("From: a@exemple.mssante.fr\nContent-Type: multipart/mixed; boundary=x\n\n");
    raw.push_str(&"--x\n\n".repeat(1_000_000));
    let model = read_message(raw.as_bytes());
    assert!(
        model.problems.iter().any(|p| p.contains("too many parts")),
        "{:?}",
        model.problems
    );
}

/// Reads a message the way the application does, and checks what must hold for any input:
/// no panic, every attachment given back at the size shown, a report's bounces name a
/// recipient, the model serializes.
fn exercise(raw: &[u8]) -> Result<(), TestCaseError> {
    let model = read_message(raw);
    every_attachment_matches_its_size(raw, &model)?;
    if let Some(report) = &model.report {
        for bounce in report.bounces() {
            prop_assert!(bounce
                .recipient
                .is_some_and(|recipient| !recipient.is_empty()));
        }
    }
    let _ = mime::snippet(&model, 80);
    let _ = mime::body_text_for_index(raw);
    let _ = display_subject(&model.subject);
    prop_assert!(serde_json::to_string(&model).is_ok());
    Ok(())
}

fn every_attachment_matches_its_size(
    raw: &[u8],
    model: &ReadingModel,
) -> Result<(), TestCaseError> {
    let records = model.attachments.iter().chain(
        model
            .embedded_messages
            .iter()
            .map(|embedded| &embedded.attachment),
    );
    for attachment in records {
        let bytes = attachment_bytes(raw, attachment);
        prop_assert!(bytes.is_ok(), "{:?}", bytes.err());
        prop_assert_eq!(
            bytes.map(|b| b.len() as u64).unwrap_or_default(),
            attachment.size
        );
        let _ = attachment.suggested_file_name();
    }
    for embedded in &model.embedded_messages {
        every_attachment_matches_its_size(raw, &embedded.message)?;
    }
    Ok(())
}

/// Fragments that steer random damage towards the parser's decisions.
const TOKENS: [&str; 28] = [
    "--",
    "\n",
    "\r\n",
    "\n\n",
    "=",
    "=?utf-8?q?",
    "=?iso-8859-1?b?",
    "?=",
    "Content-Type: multipart/mixed; boundary=\"b\"\n",
    "Content-Type: multipart/alternative; boundary=b\n",
    "Content-Type: message/rfc822\n\n",
    "Content-Transfer-Encoding: base64\n",
    "Content-Transfer-Encoding: quoted-printable\n",
    "--b\n",
    "--b--\n",
    "<a href=\"http://x\">",
    "<script>",
    "&#x110000;",
    "\u{202e}",
    "filename*0*=utf-8''%C3",
    "\u{ff}\u{fe}",
    "<!--",
    "Content-Type: multipart/report; report-type=delivery-status; boundary=b\n",
    "Content-Type: message/delivery-status\n\n",
    "Content-Type: message/disposition-notification\n\n",
    "Content-Type: text/rfc822-headers\n\n",
    "Final-Recipient: rfc822; x@patient.mssante.fr\nAction: failed\n",
    "Original-Message-ID: <",
];

#[derive(Debug, Clone)]
enum Damage {
    Flip { at: usize, byte: u8 },
    Insert { at: usize, token: usize },
    Delete { at: usize, len: usize },
    Truncate { at: usize },
    Repeat { at: usize, len: usize },
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Damage::Flip { at, byte }),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(at, token)| Damage::Insert { at, token }),
        (any::<usize>(), 1usize..64).prop_map(|(at, len)| Damage::Delete { at, len }),
        any::<usize>().prop_map(|at| Damage::Truncate { at }),
        (any::<usize>(), 1usize..256).prop_map(|(at, len)| Damage::Repeat { at, len }),
    ]
}

fn apply(raw: &mut Vec<u8>, damage: &Damage) {
    let len = raw.len();
    let at = |at: &usize| if len == 0 { 0 } else { at % (len + 1) };
    match damage {
        Damage::Flip { at: position, byte } if len > 0 => raw[position % len] = *byte,
        Damage::Flip { .. } => {}
        Damage::Insert {
            at: position,
            token,
        } => {
            let position = at(position);
            raw.splice(position..position, TOKENS[*token].bytes());
        }
        Damage::Delete {
            at: position,
            len: count,
        } => {
            let start = at(position);
            let end = (start + count).min(len);
            raw.drain(start..end);
        }
        Damage::Truncate { at: position } => raw.truncate(at(position)),
        Damage::Repeat {
            at: position,
            len: count,
        } => {
            let start = at(position);
            let end = (start + count).min(len);
            let copy = raw[start..end].to_vec();
            raw.splice(end..end, copy);
        }
    }
}

fn corpus() -> &'static [Vec<u8>] {
    static CORPUS: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    CORPUS.get_or_init(|| {
        corpus_files()
            .iter()
            .flat_map(|path| {
                let raw = fs::read(path).expect("corpus message");
                [with_crlf(&raw), raw]
            })
            .collect()
    })
}

/// The random damage below is done to every corpus message, reports included: they are read by
/// the same pass, and a damaged report must not break it either.
#[test]
fn the_damaged_corpus_holds_a_delivery_and_a_disposition_report() {
    let kinds: Vec<&str> = corpus()
        .iter()
        .filter_map(|raw| match read_message(raw).report {
            Some(mime::Report::DeliveryStatus(_)) => Some("delivery"),
            Some(mime::Report::Disposition(_)) => Some("disposition"),
            None => None,
        })
        .collect();
    assert!(kinds.contains(&"delivery"), "{kinds:?}");
    assert!(kinds.contains(&"disposition"), "{kinds:?}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_make_the_reader_panic(raw in prop::collection::vec(any::<u8>(), 0..2048)) {
        exercise(&raw)?;
    }

    #[test]
    fn damaged_corpus_messages_never_make_the_reader_panic(
        index in any::<usize>(),
        damages in prop::collection::vec(damage(), 1..12),
    ) {
        let corpus = corpus();
        let mut raw = corpus[index % corpus.len()].clone();
        for damage in &damages {
            apply(&mut raw, damage);
        }
        exercise(&raw)?;
    }

    #[test]
    fn text_made_of_mime_fragments_never_makes_the_reader_panic(
        tokens in prop::collection::vec(0..TOKENS.len(), 0..64),
        filler in "[a-zA-Z0-9 +/=:;<>\"&#-]{0,16}",
    ) {
        let mut raw = String::from("From: a@b.fr\nContent-Type: multipart/mixed; boundary=b\n\n");
        for token in tokens {
            raw.push_str(TOKENS[token]);
            raw.push_str(&filler);
        }
        exercise(raw.as_bytes())?;
    }
}
