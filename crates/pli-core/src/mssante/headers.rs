//! What MSSanté adds to a message on the wire: the `X-MSS-*` headers, the sender's display name
//! and the subject of a message carrying health documents.
//!
//! Headers are returned as plain `(name, value)` pairs for the mail engine to set. Values that
//! come from configuration or from documents are checked when their type is built, so that a
//! line break can never smuggle a header in and assembling the headers of a message cannot fail.

use std::borrow::Cow;

use thiserror::Error;

pub const X_MSS_NIL: &str = "X-MSS-NIL";
pub const X_MSS_MES: &str = "X-MSS-MES";
pub const X_MSS_CODECDA: &str = "X-MSS-CODECDA";
pub const X_MSS_INS: &str = "X-MSS-INS";

/// The value of `X-MSS-MES` that closes a patient conversation (ECO.2.2.8).
const CLOSING: &str = "FIN";

/// The technical start of the subject of a message carrying an XDM archive (ECO.2.1.x).
const XDM_SUBJECT_PREFIX: &str = "XDM/1.0/DDM+";

/// A header as the mail engine sets it.
pub type Header = (&'static str, String);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HeaderError {
    #[error("the value of {header} is empty")]
    Empty { header: &'static str },
    #[error("the value of {header} contains {found:?}, which cannot go in a mail header")]
    InvalidCharacter { header: &'static str, found: char },
    #[error("an IHE_XDM.ZIP archive without any CDA document code cannot be declared")]
    NoCdaCode,
}

/// The product reference Pli received when it was declared to the ANS; sent on every message
/// (ECO.2.4.3). Configurable because the reference belongs to the declaration, not to the code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductReference(String);

/// What the `IHE_XDM.ZIP` archive of a message holds, for `X-MSS-CODECDA` (ECO.2.4.1) and
/// `X-MSS-INS` (ECO.2.4.2); messages without the archive carry neither header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XdmContent {
    cda_codes: Vec<String>,
    qualified_ins: bool,
}

/// The sender, as the display name format needs it (ECO.2.2.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sender<'a> {
    /// A personal (PER) box: `<Titre>_<Prénom>_<NOM>_<Entité>`.
    Person {
        title: &'a str,
        first_name: &'a str,
        last_name: &'a str,
        entity: &'a str,
    },
    /// An organisational (ORG) or applicative (APP) box: `<Entité>`.
    Structure { entity: &'a str },
}

impl ProductReference {
    pub fn new(reference: &str) -> Result<Self, HeaderError> {
        checked_value(X_MSS_NIL, reference).map(Self)
    }

    pub fn header(&self) -> Header {
        (X_MSS_NIL, self.0.clone())
    }
}

impl XdmContent {
    /// `cda_codes`: the `code` of the header of each CDA document in the archive, in archive
    /// order (one per document, repeated if two documents share it). `qualified_ins`: whether
    /// the archive identifies the patient by a qualified INS.
    pub fn new<S: AsRef<str>>(
        cda_codes: impl IntoIterator<Item = S>,
        qualified_ins: bool,
    ) -> Result<Self, HeaderError> {
        let cda_codes = cda_codes
            .into_iter()
            .map(|code| checked_cda_code(code.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        if cda_codes.is_empty() {
            return Err(HeaderError::NoCdaCode);
        }
        Ok(Self {
            cda_codes,
            qualified_ins,
        })
    }

    pub fn headers(&self) -> [Header; 2] {
        [
            (X_MSS_CODECDA, self.cda_codes.join(",")),
            (
                X_MSS_INS,
                if self.qualified_ins { "O" } else { "N" }.to_owned(),
            ),
        ]
    }
}

/// The header that closes a patient conversation: the patient can no longer answer (ECO.2.2.8).
pub fn closing() -> Header {
    (X_MSS_MES, CLOSING.to_owned())
}

/// Whether a received `X-MSS-MES` value closes the conversation.
pub fn is_closing(value: &str) -> bool {
    value.trim().eq_ignore_ascii_case(CLOSING)
}

/// The MSSanté headers of an outgoing message: `X-MSS-NIL` always (ECO.2.4.3), `X-MSS-MES: FIN`
/// when the professional closes the conversation (ECO.2.2.8), and the XDM pair when an
/// `IHE_XDM.ZIP` is attached (ECO.2.4.1, ECO.2.4.2).
pub fn outgoing_headers(
    product: &ProductReference,
    closes_conversation: bool,
    xdm: Option<&XdmContent>,
) -> Vec<Header> {
    let mut headers = vec![product.header()];
    if closes_conversation {
        headers.push(closing());
    }
    if let Some(xdm) = xdm {
        headers.extend(xdm.headers());
    }
    headers
}

/// The display name of the sender (ECO.2.2.7).
///
/// The underscore separates the parts, so an underscore inside a part becomes a space; spaces
/// inside a part are kept ("Jean Pierre", "LE GALL", "CH de Test") because that is how the
/// names are written and replacing them would change them. Runs of whitespace collapse, control
/// characters go, an empty part (a professional without a title) is left out rather than
/// leaving a doubled underscore, and the last name is written in capitals as the format asks.
pub fn sender_display_name(sender: &Sender<'_>) -> String {
    let parts = match *sender {
        Sender::Person {
            title,
            first_name,
            last_name,
            entity,
        } => vec![
            tidy_part(title),
            tidy_part(first_name),
            tidy_part(last_name).to_uppercase(),
            tidy_part(entity),
        ],
        Sender::Structure { entity } => vec![tidy_part(entity)],
    };
    parts
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

/// The subject as the reader shows it: the technical `XDM/1.0/DDM+` prefix hidden (ECO.3.1.3),
/// the label and the patient left as they are, and reply or forward markers kept in front.
pub fn subject_for_display(subject: &str) -> Cow<'_, str> {
    let (markers, rest) = split_reply_markers(subject);
    match strip_prefix_ignore_ascii_case(rest, XDM_SUBJECT_PREFIX) {
        Some(readable) => Cow::Owned(format!("{markers}{}", readable.trim_start())),
        None => Cow::Borrowed(subject),
    }
}

/// The subject of a message carrying health documents (ECO.2.1.3):
/// `XDM/1.0/DDM+<libellé> <NOM> <prénom> <JJ/MM/AAAA>`, the label being the document type's, the
/// patient named by their birth name in capitals, their first birth given name and their birth
/// date; what the person wrote as a subject follows after ` - `, so the technical part stays
/// first and intact for the receiving software.
pub fn xdm_subject(
    label: &str,
    birth_name: &str,
    first_name: &str,
    birth_date: chrono::NaiveDate,
    own_subject: &str,
) -> String {
    let tidy = |part: &str| part.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut subject = format!(
        "{XDM_SUBJECT_PREFIX}{} {} {} {}",
        tidy(label),
        tidy(birth_name).to_uppercase(),
        tidy(first_name),
        birth_date.format("%d/%m/%Y")
    );
    let own = tidy(own_subject);
    if !own.is_empty() {
        subject.push_str(" - ");
        subject.push_str(&own);
    }
    subject
}

/// Splits `Re: TR : …` into the markers (with their spacing) and what follows.
fn split_reply_markers(subject: &str) -> (&str, &str) {
    const MARKERS: [&str; 6] = ["re", "tr", "fw", "fwd", "aw", "wg"];
    let mut end = 0;
    loop {
        let rest = &subject[end..];
        let Some(colon) = rest.find(':') else { break };
        let word = rest[..colon].trim();
        if !MARKERS
            .iter()
            .any(|marker| word.eq_ignore_ascii_case(marker))
        {
            break;
        }
        let after_colon = &rest[colon + 1..];
        let spaces = after_colon.len() - after_colon.trim_start().len();
        end += colon + 1 + spaces;
    }
    subject.split_at(end)
}

fn strip_prefix_ignore_ascii_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

fn tidy_part(part: &str) -> String {
    part.split(|c: char| c.is_whitespace() || c.is_control() || c == '_')
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A header value from configuration: printable ASCII (the reference is an identifier, and a
/// line break would let a value add headers), trimmed, not empty.
fn checked_value(header: &'static str, value: &str) -> Result<String, HeaderError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(HeaderError::Empty { header });
    }
    if let Some(found) = value.chars().find(|c| !(c.is_ascii_graphic() || *c == ' ')) {
        return Err(HeaderError::InvalidCharacter { header, found });
    }
    Ok(value.to_owned())
}

/// A CDA code goes into a comma-separated list, so it holds neither commas nor spaces.
fn checked_cda_code(code: &str) -> Result<String, HeaderError> {
    let code = checked_value(X_MSS_CODECDA, code)?;
    match code.chars().find(|c| *c == ',' || *c == ' ') {
        Some(found) => Err(HeaderError::InvalidCharacter {
            header: X_MSS_CODECDA,
            found,
        }),
        None => Ok(code),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product() -> ProductReference {
        ProductReference::new("PLI-0001").unwrap_or_else(|e| panic!("{e}"))
    }

    fn names(headers: &[Header]) -> Vec<&'static str> {
        headers.iter().map(|(name, _)| *name).collect()
    }

    #[test]
    fn eco_2_4_3_nil_on_every_message() {
        let xdm = XdmContent::new(["11488-4"], true).ok();
        for (closes, xdm) in [(false, None), (true, None), (false, xdm.as_ref())] {
            let headers = outgoing_headers(&product(), closes, xdm);
            assert_eq!(headers[0], (X_MSS_NIL, "PLI-0001".to_owned()));
            assert_eq!(
                names(&headers).iter().filter(|n| **n == X_MSS_NIL).count(),
                1
            );
        }
    }

    #[test]
    fn eco_2_4_3_nil_reference_is_checked_once() {
        assert_eq!(
            ProductReference::new("  Pli 1.0 ").map(|p| p.header()),
            Ok((X_MSS_NIL, "Pli 1.0".to_owned()))
        );
        assert_eq!(
            ProductReference::new(" "),
            Err(HeaderError::Empty { header: X_MSS_NIL })
        );
        assert_eq!(
            ProductReference::new("PLI\r\nBcc: someone@example.com"),
            Err(HeaderError::InvalidCharacter {
                header: X_MSS_NIL,
                found: '\r'
            })
        );
        assert_eq!(
            ProductReference::new("Plï"),
            Err(HeaderError::InvalidCharacter {
                header: X_MSS_NIL,
                found: 'ï'
            })
        );
    }

    #[test]
    fn eco_2_2_8_closing_sets_x_mss_mes_fin() {
        assert_eq!(closing(), ("X-MSS-MES", "FIN".to_owned()));
        let headers = outgoing_headers(&product(), true, None);
        assert!(headers.contains(&("X-MSS-MES", "FIN".to_owned())));
    }

    #[test]
    fn eco_2_2_8_open_conversation_has_no_x_mss_mes() {
        let headers = outgoing_headers(&product(), false, None);
        assert_eq!(names(&headers), [X_MSS_NIL]);
    }

    #[test]
    fn eco_2_2_8_fin_is_read_whatever_the_case() {
        for value in ["FIN", "fin", " Fin\r\n"] {
            assert!(is_closing(value), "{value:?}");
        }
        for value in ["", "FINI", "OUVERT", "F IN"] {
            assert!(!is_closing(value), "{value:?}");
        }
    }

    #[test]
    fn eco_2_4_1_codecda_lists_the_code_of_each_document() {
        let xdm = XdmContent::new(["11488-4", "34133-9", "11488-4"], false);
        assert_eq!(
            xdm.map(|x| x.headers()[0].clone()),
            Ok((X_MSS_CODECDA, "11488-4,34133-9,11488-4".to_owned()))
        );
    }

    #[test]
    fn eco_2_4_1_codecda_codes_are_checked() {
        assert_eq!(
            XdmContent::new(Vec::<&str>::new(), true),
            Err(HeaderError::NoCdaCode)
        );
        assert_eq!(
            XdmContent::new(["11488-4,X"], true),
            Err(HeaderError::InvalidCharacter {
                header: X_MSS_CODECDA,
                found: ','
            })
        );
        assert_eq!(
            XdmContent::new(["11488-4\nX-Evil: 1"], true),
            Err(HeaderError::InvalidCharacter {
                header: X_MSS_CODECDA,
                found: '\n'
            })
        );
    }

    #[test]
    fn eco_2_4_2_x_mss_ins_says_o_or_n() {
        let with = XdmContent::new(["11488-4"], true).map(|x| x.headers()[1].clone());
        let without = XdmContent::new(["11488-4"], false).map(|x| x.headers()[1].clone());
        assert_eq!(with, Ok((X_MSS_INS, "O".to_owned())));
        assert_eq!(without, Ok((X_MSS_INS, "N".to_owned())));
    }

    #[test]
    fn eco_2_4_1_no_archive_no_xdm_headers() {
        let headers = outgoing_headers(&product(), false, None);
        assert!(!names(&headers).contains(&X_MSS_CODECDA));
        assert!(!names(&headers).contains(&X_MSS_INS));
        let xdm = XdmContent::new(["11488-4"], true).ok();
        let headers = outgoing_headers(&product(), true, xdm.as_ref());
        assert_eq!(
            names(&headers),
            [X_MSS_NIL, X_MSS_MES, X_MSS_CODECDA, X_MSS_INS]
        );
    }

    #[test]
    fn eco_2_2_7_person_display_name() {
        let sender = Sender::Person {
            title: "Dr",
            first_name: "Claire",
            last_name: "Martin",
            entity: "CH Test",
        };
        assert_eq!(sender_display_name(&sender), "Dr_Claire_MARTIN_CH Test");
    }

    #[test]
    fn eco_2_2_7_structure_display_name() {
        for sender in [
            Sender::Structure {
                entity: "EHPAD Les Tilleuls",
            },
            Sender::Structure {
                entity: "  EHPAD   Les\tTilleuls ",
            },
        ] {
            assert_eq!(sender_display_name(&sender), "EHPAD Les Tilleuls");
        }
    }

    #[test]
    fn eco_2_2_7_spaces_kept_underscores_and_controls_removed() {
        let sender = Sender::Person {
            title: "Pr",
            first_name: "Jean  Pierre",
            last_name: "Le Gall_Lefèvre",
            entity: "CH\nde Test",
        };
        assert_eq!(
            sender_display_name(&sender),
            "Pr_Jean Pierre_LE GALL LEFÈVRE_CH de Test"
        );
    }

    #[test]
    fn eco_2_2_7_missing_title_is_left_out() {
        let sender = Sender::Person {
            title: " ",
            first_name: "Claire",
            last_name: "Martin",
            entity: "Cabinet du Parc",
        };
        assert_eq!(
            sender_display_name(&sender),
            "Claire_MARTIN_Cabinet du Parc"
        );
    }

    #[test]
    fn eco_3_1_3_xdm_prefix_hidden_when_reading() {
        assert_eq!(
            subject_for_display(
                "XDM/1.0/DDM+Compte rendu de consultation MARTIN Claire 04/03/1979"
            ),
            "Compte rendu de consultation MARTIN Claire 04/03/1979"
        );
        assert_eq!(
            subject_for_display("xdm/1.0/ddm+ Résultats MARTIN Claire 04/03/1979"),
            "Résultats MARTIN Claire 04/03/1979"
        );
    }

    #[test]
    fn eco_2_1_3_subject_is_xdm_prefix_label_name_first_name_birth_date() {
        let born = chrono::NaiveDate::from_ymd_opt(1979, 3, 28).unwrap();
        assert_eq!(
            xdm_subject(
                "CR d'examens biologiques",
                "Pat-Trois",
                "DOMINIQUE",
                born,
                ""
            ),
            "XDM/1.0/DDM+CR d'examens biologiques PAT-TROIS DOMINIQUE 28/03/1979"
        );
        assert_eq!(
            xdm_subject(
                "Lettre  de liaison",
                "Le Gall",
                "Anne\n",
                born,
                " Sortie du 3 "
            ),
            "XDM/1.0/DDM+Lettre de liaison LE GALL Anne 28/03/1979 - Sortie du 3"
        );
        assert_eq!(
            subject_for_display(&xdm_subject("CR", "Noël", "Zoé", born, "")),
            "CR NOËL Zoé 28/03/1979"
        );
    }

    #[test]
    fn eco_3_1_3_reply_markers_stay_in_front() {
        assert_eq!(
            subject_for_display("RE : TR: XDM/1.0/DDM+Résultats MARTIN Claire 04/03/1979"),
            "RE : TR: Résultats MARTIN Claire 04/03/1979"
        );
        assert_eq!(
            subject_for_display("Re:XDM/1.0/DDM+Résultats"),
            "Re:Résultats"
        );
    }

    #[test]
    fn eco_3_1_3_other_subjects_untouched() {
        for subject in [
            "Rendez-vous de contrôle",
            "Re: Votre courrier",
            "À propos de XDM/1.0/DDM+ dans les sujets",
            "XDM/1.0",
            "",
            "Re:",
        ] {
            assert!(
                matches!(subject_for_display(subject), Cow::Borrowed(s) if s == subject),
                "{subject:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn eco_3_1_3_prefix_hidden_for_any_label(
            marker in "(|Re: |RE : |TR: |Fwd: Re: )",
            rest in "\\PC{0,60}",
        ) {
            let subject = format!("{marker}XDM/1.0/DDM+{rest}");
            let expected = format!("{marker}{}", rest.trim_start());
            proptest::prop_assert_eq!(subject_for_display(&subject), expected);
        }

        #[test]
        fn eco_3_1_3_display_never_panics(subject in "\\PC{0,80}") {
            let _ = subject_for_display(&subject);
        }
    }

    #[test]
    fn eco_3_1_3_a_health_document_subject_reads_without_its_prefix() {
        assert_eq!(
            subject_for_display("XDM/1.0/DDM+Ordonnance DURAND Léa 25/12/2001"),
            "Ordonnance DURAND Léa 25/12/2001"
        );
    }
}
