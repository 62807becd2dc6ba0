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
//! dates, message ids) and supplies the HTML entity table; `encoding_rs` decodes the character
//! sets.
//!
//! This is the one way Pli reads a received message: the reader, the index, the list's
//! previews, and the delivery and disposition reports ([`Report`]) all come from
//! [`read_message`], so the hardening above covers every one of them.
//!
//! - `model`: the types the reader shows;
//! - `walk`: the walk over the MIME structure, with its bounds;
//! - `headers`: header blocks, raw 8-bit bytes read as Windows-1252;
//! - `transfer`: base64 and quoted-printable, lenient and measured without copying;
//! - `charset`: character sets;
//! - `html`: HTML to text, with nothing fetched;
//! - `report`: delivery status and disposition notifications;
//! - `attachments`: bytes given back, safe names, saving.
//!
//! Nothing here logs: subjects, addresses, file names and bodies are health data. The
//! `problems` of a model never quote the message, so they may be logged.

mod attachments;
mod charset;
mod headers;
mod html;
mod model;
mod report;
mod transfer;
mod walk;

pub use attachments::{attachment_bytes, safe_file_name, save_attachment, MimeError, Overwrite};
pub use headers::headers_as_utf8;
pub use model::{Attachment, EmbeddedMessage, Mailbox, MssanteHeaders, PartLocator, ReadingModel};
pub use report::{DeliveryReport, DispositionReport, RecipientStatus, Report};

use headers::clean_line;

use crate::mssante::headers::subject_for_display;
use crate::mssante::ins::PATIENT_DOMAIN;

/// What went wrong in a message, in words that never quote it (they may be logged).
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
        "a text is not in the character set it declares; it was read as UTF-8, or as Windows-1252 where it is not UTF-8";
    pub const INVALID_IN_CHARSET: &str =
        "a text contains bytes its character set does not allow; they are shown as \u{fffd}";
    pub const UNKNOWN_ENCODING: &str =
        "a part declares a transfer encoding Pli does not know; its bytes are kept as they are";
    pub const DAMAGED_BASE64: &str =
        "a part's base64 encoding is damaged; the invalid characters were skipped";
    pub const HIDDEN_NAME_CHARACTERS: &str = "an attachment name contained invisible or direction-changing characters, which can disguise a file's type; they were removed";
}

/// Reads a raw message (as fetched over IMAP, LF or CRLF line ends) into what the reader shows.
/// Never fails and never panics: a message that is not a message at all still gives a model
/// whose text is the raw bytes, with a problem saying so.
pub fn read_message(raw: &[u8]) -> ReadingModel {
    let mut model = walk::read(raw);
    add_health_documents(raw, &mut model);
    model
}

/// Fills `documents` for the message and each message attached to it (a forwarded report
/// keeps its archive): their attachments' locators all start from the outer raw message.
fn add_health_documents(raw: &[u8], model: &mut ReadingModel) {
    model.documents = health_documents(raw, model);
    for embedded in &mut model.embedded_messages {
        add_health_documents(raw, &mut embedded.message);
    }
}

/// The documents of each `IHE_XDM.ZIP` attachment, checked against the message's patient
/// addresses, `X-MSS-INS` and `X-MSS-CODECDA`. A hostile archive is refused by `xdm` under its limits and the
/// message stays readable.
fn health_documents(raw: &[u8], model: &ReadingModel) -> Vec<crate::xdm::MessageDocuments> {
    use crate::xdm::{check_against_message, is_xdm_attachment, read_archive, MessageDocuments};
    let patient_matricules: Vec<String> = [&model.from, &model.to, &model.cc]
        .into_iter()
        .flatten()
        .filter(|mailbox| is_patient_address(&mailbox.address))
        .filter_map(|mailbox| mailbox.address.trim().split('@').next())
        .map(str::to_owned)
        .collect();
    model
        .attachments
        .iter()
        .filter(|attachment| {
            is_xdm_attachment(attachment.file_name.as_deref(), &attachment.content_type)
        })
        .filter_map(|attachment| {
            let bytes = attachment_bytes(raw, attachment).ok()?;
            let mut documents = MessageDocuments::new(attachment.index, read_archive(&bytes));
            check_against_message(
                &mut documents,
                &patient_matricules,
                model.headers.x_mss_ins.as_deref(),
                model.headers.x_mss_codecda.as_deref(),
            );
            Some(documents)
        })
        .collect()
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
    model_text_for_index(&read_message(raw))
}

/// [`body_text_for_index`] of a message already read.
pub fn model_text_for_index(model: &ReadingModel) -> String {
    let mut out = String::new();
    index_text(model, &mut out);
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
    // What people search health documents by: their title and type, the patient's name and
    // INS, and a structured document's text.
    for document in model
        .documents
        .iter()
        .flat_map(|archive| &archive.documents)
    {
        line(document.title().unwrap_or_default());
        if let Some(name) = document
            .type_code()
            .and_then(|code| code.display_name.as_deref())
        {
            line(name);
        }
        if let Some(cda) = &document.cda {
            let patient = &cda.header.patient;
            line(patient.birth_name.as_deref().unwrap_or_default());
            line(patient.given_names.as_deref().unwrap_or_default());
            if let crate::xdm::CdaBody::Level3 { sections } = &cda.body {
                for section in sections {
                    line(section.title.as_deref().unwrap_or_default());
                    line(&section.text);
                }
            }
        }
        if let Some(ins) = document.ins() {
            line(&ins.id);
        }
    }
    for embedded in &model.embedded_messages {
        index_text(&embedded.message, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn model(raw: &str) -> ReadingModel {
        read_message(raw.as_bytes())
    }

    pub(super) fn one_attachment(raw: &str) -> Attachment {
        let model = model(raw);
        assert_eq!(model.attachments.len(), 1, "{model:#?}");
        model
            .attachments
            .into_iter()
            .next()
            .expect("one attachment")
    }

    pub(super) const WITH_PDF: &str = "From: a@exemple.mssante.fr\nSubject: s\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\ntexte\n--b\nContent-Type: application/pdf; name=\"../../compte rendu.pdf\"\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQgZmF1eA==\n--b--\n";

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
}
