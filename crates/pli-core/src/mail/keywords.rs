//! What Pli writes in IMAP keywords so that every workstation (and every other client) of a
//! shared box reads the same state from the server: who handles a message, whether it is done,
//! where a pharmacy's prescription stands. The local store only caches what the server says.
//!
//! # The scheme
//!
//! | keyword                     | meaning                                                   |
//! |-----------------------------|-----------------------------------------------------------|
//! | `$PliTaken_<name>`          | taken ("Je m'en occupe") by the person `<name>`           |
//! | `$PliDone_<name>`           | handled ("Traité") by `<name>`                            |
//! | (none of the two)           | to handle ("À traiter"), e.g. after "Rendre"              |
//! | `$PliRx_preparing`, `…_ready`, `…_delivered` | a prescription's step; none = received |
//! | `$MDNSent`                  | a read receipt left, from any workstation (RFC 3503)       |
//! | `$Forwarded`                | the message was forwarded (IANA's registered keyword)      |
//! | `$PliFiled_<INS>`           | its health documents are filed in that patient's file      |
//!
//! `<name>` is the person's name as UTF-8, encoded in unpadded base32 (RFC 4648 alphabet
//! `A–Z2–7`): an IMAP atom cannot carry a space, an accent or most punctuation, and base32 is
//! made of letters and digits only, so it is a valid atom everywhere, and it survives a server
//! that folds the case of keywords (Cyrus, some webmails), since it is decoded without regard
//! to case. A keyword is at most [`MAX_KEYWORD`] characters (Dovecot's default
//! `mail_max_keyword_length` is 50): a name of up to 25 bytes is written whole; a longer one
//! keeps its first 14 bytes (at a character boundary) and adds `_` and 16 base32 characters of
//! the SHA-256 of the whole name, so two long names sharing a beginning stay two keywords
//! (80 bits of hash; `_` is outside the base32 alphabet, so the two parts cannot be confused).
//! The name read back from such a keyword is its beginning followed by `…`.
//!
//! Everything is matched without regard to case, for the same reason.

use data_encoding::BASE32_NOPAD;
use sha2::{Digest, Sha256};

/// A filing ("Classer") is the patient's INS in clear: the server already holds the message and
/// its documents naming the patient, and a colleague's workstation must know the patient even
/// when the document names none (a document matched by sight). The local trace, which leaves
/// the trust space as CSV, never shows it ([`for_trace`]).
pub const FILED_PREFIX: &str = "$PliFiled_";

/// The longest keyword Pli writes (Dovecot's default limit).
pub const MAX_KEYWORD: usize = 50;

pub const TAKEN_PREFIX: &str = "$PliTaken_";
pub const DONE_PREFIX: &str = "$PliDone_";
pub const PRESCRIPTION_PREFIX: &str = "$PliRx_";
/// RFC 3503: a disposition notification was sent for this message.
pub const MDN_SENT: &str = "$MDNSent";
/// IANA's registered keyword: the message was forwarded (from any client).
pub const FORWARDED: &str = "$Forwarded";
/// IANA's registered keywords a spam filter or a person sets: the message is junk, or is
/// known not to be (so no filter moves it).
pub const JUNK: &str = "$Junk";
pub const NOT_JUNK: &str = "$NotJunk";

/// A name that fits whole: 25 bytes make 40 base32 characters, and `$PliTaken_` is 10.
const WHOLE_NAME_BYTES: usize = 25;
/// The beginning of a longer name: 14 bytes make 23 characters, with `_` and 16 of hash: 50.
const NAME_START_BYTES: usize = 14;
const HASH_CHARS: usize = 16;

/// Who handles a message, as its keywords say.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "state", content = "by", rename_all = "lowercase")]
pub enum Handling {
    /// Nobody took it, or it was given back ("À traiter").
    Open,
    Taken(String),
    Done(String),
}

/// A prescription's step at the pharmacy counter (reçue → en préparation → prête → délivrée).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PrescriptionState {
    Received,
    Preparing,
    Ready,
    Delivered,
}

impl PrescriptionState {
    pub const ALL: [PrescriptionState; 4] = [
        PrescriptionState::Received,
        PrescriptionState::Preparing,
        PrescriptionState::Ready,
        PrescriptionState::Delivered,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PrescriptionState::Received => "received",
            PrescriptionState::Preparing => "preparing",
            PrescriptionState::Ready => "ready",
            PrescriptionState::Delivered => "delivered",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|state| state.as_str().eq_ignore_ascii_case(text.trim()))
    }

    /// The keyword of this step; none for "received", the state of a prescription nobody
    /// touched yet.
    pub fn keyword(self) -> Option<String> {
        (self != PrescriptionState::Received)
            .then(|| format!("{PRESCRIPTION_PREFIX}{}", self.as_str()))
    }
}

/// The keyword saying `name` took a message.
pub fn taken_keyword(name: &str) -> String {
    format!("{TAKEN_PREFIX}{}", encode_name(name))
}

/// The keyword saying `name` handled a message.
pub fn done_keyword(name: &str) -> String {
    format!("{DONE_PREFIX}{}", encode_name(name))
}

/// A person's name as an atom's worth of base32 (see the module's scheme).
pub fn encode_name(name: &str) -> String {
    let name = name.trim();
    if name.len() <= WHOLE_NAME_BYTES {
        return BASE32_NOPAD.encode(name.as_bytes());
    }
    let mut end = NAME_START_BYTES;
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    let hash = BASE32_NOPAD.encode(&Sha256::digest(name.as_bytes()));
    format!(
        "{}_{}",
        BASE32_NOPAD.encode(&name.as_bytes()[..end]),
        &hash[..HASH_CHARS]
    )
}

/// The name an encoded part stands for; `None` when it is not Pli's encoding.
pub fn decode_name(encoded: &str) -> Option<String> {
    let (start, hashed) = match encoded.split_once('_') {
        Some((start, hash)) => (start, !hash.is_empty()),
        None => (encoded, false),
    };
    let bytes = BASE32_NOPAD
        .decode(start.to_ascii_uppercase().as_bytes())
        .ok()?;
    let name = String::from_utf8(bytes).ok()?;
    Some(if hashed { format!("{name}…") } else { name })
}

fn strip_prefix_ignoring_case<'a>(keyword: &'a str, prefix: &str) -> Option<&'a str> {
    let head = keyword.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &keyword[prefix.len()..])
}

/// Whether a keyword is one of Pli's taken marks.
pub fn is_taken(keyword: &str) -> bool {
    strip_prefix_ignoring_case(keyword, TAKEN_PREFIX).is_some()
}

/// Whether a keyword is one of Pli's done marks.
pub fn is_done(keyword: &str) -> bool {
    strip_prefix_ignoring_case(keyword, DONE_PREFIX).is_some()
}

/// The keyword that files a message's health documents in the file of the patient with this
/// INS; none when the INS would not make an atom that fits.
pub fn filed_keyword(ins: &str) -> Option<String> {
    let keyword = format!("{FILED_PREFIX}{ins}");
    (is_filed_ins(ins) && keyword.len() <= MAX_KEYWORD).then_some(keyword)
}

fn is_filed_ins(ins: &str) -> bool {
    !ins.is_empty() && ins.bytes().all(|byte| byte.is_ascii_alphanumeric())
}

/// Whether a keyword is a filing.
pub fn is_filing(keyword: &str) -> bool {
    strip_prefix_ignoring_case(keyword, FILED_PREFIX).is_some()
}

/// The INS a message's documents are filed under, from its keywords (upper case: a server may
/// have folded the case of a Corsican `2A`); the smallest when a careless client left several,
/// so that every workstation agrees.
pub fn filed_under(keywords: &[String]) -> Option<String> {
    keywords
        .iter()
        .filter_map(|keyword| strip_prefix_ignoring_case(keyword, FILED_PREFIX))
        .filter(|ins| is_filed_ins(ins))
        .map(str::to_ascii_uppercase)
        .min()
}

/// A keyword as the trace may show it: a filing without its INS (ECO.4.1.2: no health data in
/// clear in the trace).
pub fn for_trace(keyword: &str) -> &str {
    if is_filing(keyword) {
        "$PliFiled_(INS)"
    } else {
        keyword
    }
}

/// Whether a keyword is a prescription step.
pub fn is_prescription_step(keyword: &str) -> bool {
    strip_prefix_ignoring_case(keyword, PRESCRIPTION_PREFIX).is_some()
}

pub fn same_keyword(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

pub fn has_keyword(keywords: &[String], wanted: &str) -> bool {
    keywords.iter().any(|keyword| same_keyword(keyword, wanted))
}

/// Who handles a message, from its keywords. Done wins over taken (the handler may not have
/// removed their take); two takes — two workstations that wrote at once on a server without
/// CONDSTORE, or a client that ignores the scheme — resolve to the smallest keyword in byte
/// order, the same on every workstation, and the other take is removed by whoever reads it
/// first through [`crate::usecase::handling`].
pub fn handling(keywords: &[String]) -> Handling {
    let mut done: Vec<&String> = keywords.iter().filter(|k| is_done(k)).collect();
    done.sort_by_key(|keyword| keyword.to_ascii_uppercase());
    if let Some(name) = done
        .first()
        .and_then(|k| decode_name(&k[DONE_PREFIX.len()..]))
    {
        return Handling::Done(name);
    }
    match winning_take(keywords).and_then(|k| decode_name(&k[TAKEN_PREFIX.len()..])) {
        Some(name) => Handling::Taken(name),
        None => Handling::Open,
    }
}

/// The one take that counts when several are on a message.
pub fn winning_take(keywords: &[String]) -> Option<&String> {
    keywords
        .iter()
        .filter(|k| is_taken(k) && decode_name(&k[TAKEN_PREFIX.len()..]).is_some())
        .min_by_key(|keyword| keyword.to_ascii_uppercase())
}

/// Where a prescription stands; the furthest step when a careless client left several.
pub fn prescription_state(keywords: &[String]) -> PrescriptionState {
    keywords
        .iter()
        .filter_map(|keyword| strip_prefix_ignoring_case(keyword, PRESCRIPTION_PREFIX))
        .filter_map(PrescriptionState::parse)
        .max()
        .unwrap_or(PrescriptionState::Received)
}

/// A keyword as the server may send it: an IMAP atom (RFC 3501 `flag-keyword`), nothing else.
pub fn is_atom(keyword: &str) -> bool {
    !keyword.is_empty()
        && keyword.bytes().all(|byte| {
            byte.is_ascii_graphic()
                && !matches!(byte, b'(' | b')' | b'{' | b'%' | b'*' | b'"' | b'\\' | b']')
        })
}

/// The keywords of a message as the store keeps them: one atom after the other, a space apart.
pub fn join(keywords: &[String]) -> String {
    keywords.join(" ")
}

pub fn split(stored: &str) -> Vec<String> {
    stored.split_whitespace().map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filing_names_its_ins_reads_back_whatever_the_case_and_is_hidden_from_the_trace() {
        let keyword = filed_keyword("279035121518989").expect("a keyword");
        assert_eq!(keyword, "$PliFiled_279035121518989");
        assert!(is_atom(&keyword));
        let folded = vec!["$plifiled_2a9035121518989".to_string(), "$Junk".to_string()];
        assert_eq!(filed_under(&folded).as_deref(), Some("2A9035121518989"));
        assert_eq!(filed_under(&["$PliFiled_".to_string()]), None);
        assert_eq!(filed_keyword("27 90"), None);
        assert_eq!(for_trace(&keyword), "$PliFiled_(INS)");
        assert_eq!(for_trace("$Junk"), "$Junk");
    }

    #[test]
    fn a_name_with_spaces_and_accents_is_an_atom_and_comes_back() {
        for name in ["Hélène Noël", "Claire", "Zoë D'Artagnan-Lefèvre", "李雷"] {
            let keyword = taken_keyword(name);
            assert!(is_atom(&keyword), "{keyword}");
            assert!(keyword.len() <= MAX_KEYWORD, "{keyword}");
            assert_eq!(handling(&[keyword]), Handling::Taken(name.to_owned()));
        }
    }

    #[test]
    fn a_server_that_folds_case_changes_nothing() {
        let keyword = taken_keyword("Hélène Noël").to_ascii_lowercase();
        assert_eq!(handling(&[keyword]), Handling::Taken("Hélène Noël".into()));
        let upper = done_keyword("Sophie").to_ascii_uppercase();
        assert_eq!(handling(&[upper]), Handling::Done("Sophie".into()));
    }

    #[test]
    fn long_names_stay_distinct_within_the_length_limit() {
        let a = "Marie-Christine Dupont-Lefebvre de la Tour";
        let b = "Marie-Christine Dupont-Lefebvre de la Roche";
        let (ka, kb) = (taken_keyword(a), taken_keyword(b));
        assert_ne!(ka, kb);
        assert!(ka.len() <= MAX_KEYWORD && kb.len() <= MAX_KEYWORD, "{ka}");
        assert!(is_atom(&ka));
        assert_eq!(
            handling(&[ka]),
            Handling::Taken("Marie-Christin…".into()),
            "the beginning, cut at a character boundary"
        );
        // A name of exactly 25 bytes is written whole, at 50 characters.
        let limit = "Anne-Sophie Beauregard-Lé";
        assert_eq!(limit.len(), 26);
        let fits = "Anne-Sophie Beauregard-Le";
        assert_eq!(taken_keyword(fits).len(), 50);
        assert_eq!(
            handling(&[taken_keyword(fits)]),
            Handling::Taken(fits.into())
        );
        assert!(taken_keyword(limit).len() <= MAX_KEYWORD);
        // A cut inside a multi-byte character moves back to its start.
        let accented = "ééééééééééééééééé";
        assert!(decode_name(&encode_name(accented)[..]).is_some());
    }

    #[test]
    fn done_wins_over_taken_and_two_takes_resolve_the_same_everywhere() {
        let claire = taken_keyword("Claire");
        let sophie = taken_keyword("Sophie");
        let winner = handling(&[claire.clone(), sophie.clone()]);
        assert_eq!(winner, handling(&[sophie.clone(), claire.clone()]));
        assert_eq!(
            handling(&[claire, done_keyword("Sophie")]),
            Handling::Done("Sophie".into())
        );
        assert_eq!(handling(&["$Junk".into(), "\\Seen".into()]), Handling::Open);
        // Another client's keyword that merely looks like ours is not a handler.
        assert_eq!(handling(&["$PliTaken_!!".into()]), Handling::Open);
    }

    #[test]
    fn prescription_steps() {
        assert_eq!(prescription_state(&[]), PrescriptionState::Received);
        for state in PrescriptionState::ALL {
            let keywords: Vec<String> = state.keyword().into_iter().collect();
            assert_eq!(prescription_state(&keywords), state);
            assert_eq!(PrescriptionState::parse(state.as_str()), Some(state));
        }
        assert_eq!(
            prescription_state(&["$plirx_READY".into(), "$PliRx_preparing".into()]),
            PrescriptionState::Ready
        );
        assert_eq!(PrescriptionState::parse("nonsense"), None);
    }

    #[test]
    fn atoms_refuse_what_imap_refuses() {
        assert!(is_atom("$MDNSent"));
        assert!(!is_atom("two words"));
        assert!(!is_atom("\\Seen"));
        assert!(!is_atom(""));
        assert_eq!(split(&join(&["a".into(), "$b".into()])), vec!["a", "$b"]);
    }
}
