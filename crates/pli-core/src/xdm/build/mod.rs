//! Writing health documents (the sending half of ECO.2.1): a PDF wrapped in a CDA R2 level 1
//! with the French header of the CI-SIS "structuration minimale", its XDS metadata, and the
//! `IHE_XDM.ZIP` media (IHE ITI TF vol. 1 ch. 16) that carries them in a message.
//!
//! The ANS examples are the model (`../shared/data/xdm-cda/`, see `SOURCES.md`): the header
//! follows `ans-cda/BIO-CR-BIO_2021.01_CDA-R2-Niveau-1.xml` and
//! `ans-cda/IMG_CR_IMG_2024.01_CDA-R2-Niveau-1.xml`, the minimal author and custodian of
//! `ans-mss-lps/CR_Radio_CDAN1_v1.XML`, the metadata the ebRIM 3.0 layout of
//! `ihe-nist-xdm/MIE.zip` with the French codes of `ans-drimbox-xds/publication.xml`, and
//! `README.TXT` / `INDEX.HTM` those of `ans-drimbox-xdm/KA202401`.
//!
//! Nothing here does I/O: the use case (`usecase::health_document`) gathers the inputs, and the
//! clock and identifiers are passed in so that a test can rebuild the same bytes.

pub mod cda;
pub mod document_types;
pub mod media;
pub mod metadata;

use chrono::{DateTime, FixedOffset};
use sha2::{Digest, Sha256};

use crate::mssante::ins::{Identity, Ins};
pub use document_types::{document_type, document_types, DocumentType};

/// The assigning authority of a matricule INS, which the CDA and the metadata write as an OID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InsKind {
    /// INS-NIR, the patient's social security number.
    #[default]
    Nir,
    /// INS-NIA, the number given while the NIR is awaited.
    Nia,
    /// The ANS test INS (the ANS examples' patient carries one).
    Test,
    /// The ANS demonstration INS.
    Demo,
}

impl InsKind {
    /// The OIDs of RULES.md (ANN).
    pub fn oid(self) -> &'static str {
        match self {
            Self::Nir => super::OID_INS_NIR,
            Self::Nia => super::OID_INS_NIA,
            Self::Test => super::OID_INS_TEST,
            Self::Demo => super::OID_INS_DEMO,
        }
    }

    /// `nir`, `nia`, `test`, `demo`, as a person or a script types it.
    pub fn parse(typed: &str) -> Option<Self> {
        match typed.trim().to_ascii_lowercase().as_str() {
            "nir" => Some(Self::Nir),
            "nia" => Some(Self::Nia),
            "test" => Some(Self::Test),
            "demo" => Some(Self::Demo),
            _ => None,
        }
    }
}

/// How a document names its patient: by a qualified INS, or — when the identity is not
/// qualified (a foreign patient without NIR, a newborn not yet registered) — by the local
/// identifier the sending structure gave them (IPP) with the OID of the authority that assigns
/// it, never by an INS that was not checked (ECO.2.4.2 then says `X-MSS-INS: N`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatientId {
    Ins { ins: Ins, kind: InsKind },
    Local(LocalId),
}

/// A patient's local identifier (IPP) and the OID of its assigning authority, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalId {
    id: String,
    authority: String,
}

/// Why a local identifier cannot name a patient in a document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LocalIdError {
    #[error("the patient's local identifier is empty")]
    EmptyId,
    /// Longer than [`LOCAL_ID_MAX`], or holding an HL7 v2 separator (`^`, `&`, `~`, `|`, `\`),
    /// a quote, an angle bracket, a space or a control character: the metadata's CX value
    /// would not read back as the same identifier.
    #[error("the patient's local identifier holds characters an identifier may not")]
    BadId,
    #[error("{authority} is not an OID (digits and dots, such as 1.2.250.1.999.1.2)")]
    BadAuthority { authority: String },
    /// The authority is one of the INS's: an INS goes through the INS fields, checked.
    #[error("{authority} is the OID of an INS: give the INS as such, with its identity")]
    InsAuthority { authority: String },
}

/// The longest local identifier accepted: room for any IPP format, not for a sentence typed in
/// the wrong field.
const LOCAL_ID_MAX: usize = 64;

impl LocalId {
    pub fn new(id: &str, authority: &str) -> Result<Self, LocalIdError> {
        let id = id.trim();
        let authority = authority.trim();
        if id.is_empty() {
            return Err(LocalIdError::EmptyId);
        }
        let bad = |c: char| c.is_control() || c.is_whitespace() || "^&~|\\\"<>".contains(c);
        if id.chars().count() > LOCAL_ID_MAX || id.chars().any(bad) {
            return Err(LocalIdError::BadId);
        }
        if !is_oid(authority) {
            return Err(LocalIdError::BadAuthority {
                authority: authority.to_owned(),
            });
        }
        let ins_authorities = [
            super::OID_INS_NIR,
            super::OID_INS_NIA,
            super::OID_INS_TEST,
            super::OID_INS_DEMO,
        ];
        if ins_authorities.contains(&authority) {
            return Err(LocalIdError::InsAuthority {
                authority: authority.to_owned(),
            });
        }
        Ok(Self {
            id: id.to_owned(),
            authority: authority.to_owned(),
        })
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn authority(&self) -> &str {
        &self.authority
    }
}

/// An ISO OID as CDA and XDS write them: arcs of digits, no leading zero, the first 0–2.
fn is_oid(text: &str) -> bool {
    let arcs: Vec<&str> = text.split('.').collect();
    arcs.len() >= 2
        && text.len() <= 64
        && matches!(arcs[0], "0" | "1" | "2")
        && arcs.iter().all(|arc| {
            !arc.is_empty()
                && arc.bytes().all(|b| b.is_ascii_digit())
                && (arc.len() == 1 || !arc.starts_with('0'))
        })
}

/// The patient a document is about: a qualified identity checked against the matricule, or an
/// identity that is not qualified, named by the structure's local identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patient {
    pub id: PatientId,
    pub identity: Identity,
}

impl Patient {
    /// A patient named by their INS (its identity to be checked against it before sending).
    pub fn with_ins(ins: Ins, kind: InsKind, identity: Identity) -> Self {
        Self {
            id: PatientId::Ins { ins, kind },
            identity,
        }
    }

    /// The INS that names the patient, when one does.
    pub fn ins(&self) -> Option<&Ins> {
        match &self.id {
            PatientId::Ins { ins, .. } => Some(ins),
            PatientId::Local(_) => None,
        }
    }

    /// The patient identifier in HL7 v2 CX form, as XDS metadata write it (RULES.md,
    /// IHE_XDM.ZIP layout): `<matricule>^^^&<OID>&ISO^NH` for an INS, and for a local
    /// identifier `<IPP>^^^&<OID>&ISO^PI`, the type the ANS DRIMbox example gives a
    /// structure's own patient identifier (`sourcePatientId`).
    pub fn cx(&self) -> String {
        match &self.id {
            PatientId::Ins { ins, kind } => format!("{}^^^&{}&ISO^NH", ins.as_str(), kind.oid()),
            PatientId::Local(local) => format!("{}^^^&{}&ISO^PI", local.id, local.authority),
        }
    }

    /// The first of the birth first names (the CDA's `given[@qualifier='BR']`).
    pub fn first_given_name(&self) -> &str {
        self.identity
            .first_names
            .split_whitespace()
            .next()
            .unwrap_or("")
    }

    /// The place of birth as the COG code positions 6–10 of the matricule hold (department and
    /// commune, or `99` and the country): the CI-SIS asks for it among the INS traits. Unknown
    /// without an INS.
    pub fn birth_place_code(&self) -> Option<&str> {
        self.ins().and_then(|ins| ins.as_str().get(5..10))
    }
}

/// Who writes the document: the box's holder as the national directory lists them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Author {
    /// The national identifier of the professional (`8` + RPPS), when the directory gives it;
    /// without it the CDA says the identifier is unknown rather than inventing one.
    pub national_id: Option<String>,
    /// `DR`, `PR`… as the directory writes the civility; empty when none.
    pub title: String,
    pub given_name: String,
    pub family_name: String,
    /// The structure the box belongs to; also the custodian of the document.
    pub organisation: String,
    /// The box's address, written as the author's telecom.
    pub address: String,
}

impl Author {
    /// Whether the box goes by a person (PER) rather than by its structure (ORG, APP).
    pub fn is_a_person(&self) -> bool {
        !self.family_name.trim().is_empty() || !self.given_name.trim().is_empty()
    }
}

/// A coded value with its code system and its name, as CDA and XDS both carry them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coded {
    pub code: &'static str,
    pub system: &'static str,
    pub display_name: &'static str,
}

/// Normal confidentiality (JDV_J08_XdsConfidentialityCode_CISIS).
pub const CONFIDENTIALITY_NORMAL: Coded = Coded {
    code: "N",
    system: "2.16.840.1.113883.5.25",
    display_name: "Normal",
};

/// The facility type of a practice (JDV_J02_XdsHealthcareFacilityTypeCode_CISIS), the default
/// for a document sent from a box.
pub const FACILITY_PRACTICE: Coded = Coded {
    code: "SA07",
    system: "1.2.250.1.71.4.2.4",
    display_name: "Cabinet individuel",
};

/// Care outside a hospital (JDV_J04_XdsPracticeSettingCode_CISIS).
pub const PRACTICE_SETTING_AMBULATORY: Coded = Coded {
    code: "AMBULATOIRE",
    system: "1.2.250.1.213.1.1.4.9",
    display_name: "Ambulatoire",
};

/// One PDF to send as a health document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentInput {
    pub pdf: Vec<u8>,
    pub document_type: DocumentType,
    /// The CDA `title`; the type's name when the person gave none.
    pub title: String,
    pub confidentiality: Coded,
    pub facility: Coded,
    pub practice_setting: Coded,
}

/// A fresh identifier in the `2.25` arc (an OID made of a UUID, ITU-T X.667), as every CDA
/// document, set and submission needs one that no other system will ever give.
pub fn fresh_oid(seed: &[u8]) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = Sha256::new();
    hasher.update(seed);
    hasher.update(
        chrono::Utc::now()
            .timestamp_nanos_opt()
            .unwrap_or(0)
            .to_be_bytes(),
    );
    hasher.update(std::process::id().to_be_bytes());
    hasher.update(COUNTER.fetch_add(1, Ordering::Relaxed).to_be_bytes());
    let digest = hasher.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    // A version 4, RFC 4122 variant UUID, so the OID is a well-formed `2.25` one.
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    format!("2.25.{}", u128::from_be_bytes(bytes))
}

/// An HL7 timestamp with its offset: `YYYYMMDDHHMMSS+ZZZZ`, as the ANS examples write
/// `effectiveTime`.
pub fn hl7_time(time: &DateTime<FixedOffset>) -> String {
    time.format("%Y%m%d%H%M%S%z").to_string()
}

/// The same instant in UTC without offset, as XDS metadata write `creationTime`.
pub fn xds_time(time: &DateTime<FixedOffset>) -> String {
    time.with_timezone(&chrono::Utc)
        .format("%Y%m%d%H%M%S")
        .to_string()
}

/// Text and attribute values escaped for XML.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0; a typed name never needs them.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => {}
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_oid_is_a_2_25_uuid_and_never_repeats() {
        let first = fresh_oid(b"x");
        let second = fresh_oid(b"x");
        assert_ne!(first, second);
        let number: u128 = first
            .strip_prefix("2.25.")
            .and_then(|n| n.parse().ok())
            .expect("2.25.<integer>");
        assert_eq!((number >> 76) & 0xf, 4, "version 4");
        assert_eq!((number >> 62) & 0x3, 2, "RFC 4122 variant");
    }

    #[test]
    fn times_are_written_as_hl7_and_xds_want_them() {
        let time = DateTime::parse_from_rfc3339("2026-12-07T08:30:05+01:00").unwrap();
        assert_eq!(hl7_time(&time), "20261207083005+0100");
        assert_eq!(xds_time(&time), "20261207073005");
    }

    #[test]
    fn markup_and_control_characters_are_escaped() {
        assert_eq!(
            escape("A&B <c> \"d\" 'e'\u{7}"),
            "A&amp;B &lt;c&gt; &quot;d&quot; &apos;e&apos;"
        );
    }

    #[test]
    fn ins_kinds_have_the_oids_of_the_rules() {
        assert_eq!(InsKind::parse("TEST"), Some(InsKind::Test));
        assert_eq!(
            InsKind::parse("nir").map(InsKind::oid),
            Some("1.2.250.1.213.1.4.8")
        );
        assert_eq!(InsKind::Nia.oid(), "1.2.250.1.213.1.4.9");
        assert_eq!(InsKind::Demo.oid(), "1.2.250.1.213.1.4.11");
        assert_eq!(InsKind::parse("ipp"), None);
    }
}
