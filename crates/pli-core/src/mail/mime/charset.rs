//! Character sets: every WHATWG label (the labels browsers know, which cover what mail
//! programs write) through `encoding_rs`, the rare others mail-parser knows (UTF-7), and a
//! fallback to UTF-8 then Windows-1252 when the label is missing, unknown or wrong.

use std::borrow::Cow;

use encoding_rs::{Encoding, REPLACEMENT, UTF_8, WINDOWS_1252};
use mail_parser::decoders::charsets::map::charset_decoder;

use super::problem;

/// A byte as Windows-1252 reads it; the five bytes it leaves undefined are the C1 controls, as
/// browsers do, and are dropped later with the other controls.
pub(super) fn windows_1252_char(byte: u8) -> char {
    WINDOWS_1252
        .decode_without_bom_handling(&[byte])
        .0
        .chars()
        .next()
        .unwrap_or(char::REPLACEMENT_CHARACTER)
}

pub(super) fn windows_1252(bytes: &[u8]) -> String {
    WINDOWS_1252
        .decode_without_bom_handling(bytes)
        .0
        .into_owned()
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
    let Some(label) = label.map(str::trim).filter(|label| !label.is_empty()) else {
        return fallback(bytes, None);
    };
    // WHATWG reads `us-ascii` as Windows-1252, but mail labelled ASCII is most often UTF-8
    // written by a program that did not say so.
    if is_utf8_or_ascii(label) {
        return fallback(bytes, None);
    }
    let Some(encoding) = Encoding::for_label(label.as_bytes()) else {
        return match charset_decoder(label.as_bytes()) {
            Some(decoder) => (decoder(bytes), None),
            None => fallback(bytes, Some(problem::UNKNOWN_CHARSET)),
        };
    };
    // The "replacement" labels (ISO-2022-KR, HZ) would turn the whole text into one U+FFFD:
    // they are taken as unknown, so the text is still shown.
    if encoding == REPLACEMENT {
        return fallback(bytes, Some(problem::UNKNOWN_CHARSET));
    }
    if encoding == UTF_8 {
        return fallback(bytes, None);
    }
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if !had_errors {
        return (text.into_owned(), None);
    }
    match std::str::from_utf8(bytes) {
        Ok(utf8) => (utf8.to_owned(), Some(problem::MISLABELLED_CHARSET)),
        Err(_) => (text.into_owned(), Some(problem::INVALID_IN_CHARSET)),
    }
}

/// UTF-8, or Windows-1252 where it is not, with the note that says which label was wrong.
fn fallback(bytes: &[u8], unknown: Option<&'static str>) -> (String, Option<&'static str>) {
    let (text, fell_back) = utf8_or_windows_1252(bytes);
    let note = unknown.or(fell_back.then_some(problem::MISLABELLED_CHARSET));
    (text.into_owned(), note)
}

fn is_utf8_or_ascii(label: &str) -> bool {
    matches!(
        label.to_ascii_lowercase().replace('_', "-").as_str(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charsets_fall_back_to_utf8_then_windows_1252_and_say_so() {
        let latin1 = b"r\xe9sultat \x80 \x92";
        /// Declared label, bytes, text read, problem noted.
        type Case<'a> = (Option<&'a str>, &'a [u8], &'a str, Option<&'a str>);
        let cases: [Case<'_>; 14] = [
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
            // Every WHATWG label, multi-byte ones included, through encoding_rs.
            (Some("Shift_JIS"), b"\x93\xfa\x96\x7b", "日本", None),
            (
                Some("windows-1252"),
                b"d\x92analyses",
                "d\u{2019}analyses",
                None,
            ),
            (Some("UTF-16LE"), b"d\x00\xe9\x00", "dé", None),
            // A multi-byte label on UTF-8 bytes: the label is wrong.
            (
                Some("EUC-JP"),
                "déjà".as_bytes(),
                "déjà",
                Some(problem::MISLABELLED_CHARSET),
            ),
            // A label that would make the text one replacement character is not followed.
            (
                Some("ISO-2022-KR"),
                "déjà".as_bytes(),
                "déjà",
                Some(problem::UNKNOWN_CHARSET),
            ),
            // Bytes neither the declared charset nor UTF-8 allows: shown as replaced.
            (
                Some("Shift_JIS"),
                b"\x82",
                "\u{fffd}",
                Some(problem::INVALID_IN_CHARSET),
            ),
            // A label only mail-parser knows.
            (Some("UTF-7"), b"d+AOk-j+AOA-", "déjà", None),
        ];
        for (label, bytes, text, note) in cases {
            assert_eq!(decode(bytes, label), (text.to_owned(), note), "{label:?}");
        }
    }
}
