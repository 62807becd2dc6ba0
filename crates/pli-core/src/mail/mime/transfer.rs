use std::borrow::Cow;

use super::model::TransferEncoding;

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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn base64_is_decoded_leniently() {
        let decode = |input: &str| {
            let (bytes, damage) = decode(input.as_bytes(), TransferEncoding::Base64);
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
            let (bytes, _) = decode(input.as_bytes(), TransferEncoding::QuotedPrintable);
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
                let (decoded, damage) = decode(&input, encoding);
                prop_assert_eq!(decoded_len(&input, encoding), (decoded.len() as u64, damage));
            }
        }

        #[test]
        fn base64_written_by_any_mailer_decodes_back(data in prop::collection::vec(any::<u8>(), 0..512), width in 4usize..100, crlf in any::<bool>()) {
            use base64::Engine as _;
            let encoded = base64::engine::general_purpose::STANDARD.encode(&data);
            let newline = if crlf { "\r\n" } else { "\n" };
            let wrapped = encoded.as_bytes().chunks(width).map(|line| String::from_utf8_lossy(line)).collect::<Vec<_>>().join(newline);
            let (decoded, damage) = decode(wrapped.as_bytes(), TransferEncoding::Base64);
            prop_assert_eq!(decoded.as_ref(), data.as_slice());
            prop_assert!(!damage.is_damaged());
        }
    }
}
