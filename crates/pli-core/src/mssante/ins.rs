//! The matricule INS (Identifiant National de Santé): the patient's NIR, or an NIA for people
//! not yet registered, and the address `<INS>@patient.mssante.fr` built from it (SEED, ANN).
//!
//! A mistyped matricule sends health data to a stranger's Mon espace santé, so the key is
//! always checked, and what the matricule says about the patient (sex, year and month of birth)
//! is compared with the identity before anything is written to them (ECO.2.2.6, ECO.3.1.5).
//!
//! Layout of the 15 characters (1-based positions):
//!
//! | positions | meaning |
//! |---|---|
//! | 1 | sex: 1 male, 2 female; other digits mark provisional or special numbers |
//! | 2–3 | year of birth, two digits |
//! | 4–5 | month of birth: 01–12, or 20–42 / 50–99 when the civil-status record is incomplete |
//! | 6–10 | place of birth: department + commune, `2A`/`2B` Corsica, `97x`/`98x` overseas, `99` abroad |
//! | 11–13 | order number |
//! | 14–15 | key: 97 − (first 13 characters mod 97), Corsica counting `2A` as 19 and `2B` as 18 |
//!
//! What is tolerated when typing: any whitespace (spaces as printed on the Vitale card, tabs,
//! the non-breaking spaces that word processors insert) and dots, both common when a number is
//! copied from a letter; lowercase `2a`/`2b`. Hyphens and other punctuation are refused, so that
//! a pasted fragment of something else is not silently read as a matricule. Inside an e-mail
//! address nothing is tolerated but the letter case: an address is an identifier, and a
//! spaced-out local part designates another mailbox.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The domain of every patient's Mon espace santé address.
pub const PATIENT_DOMAIN: &str = "patient.mssante.fr";

const LENGTH: usize = 15;
const BODY_LENGTH: usize = 13;
/// 0-based index of the `2` of `2A`/`2B`, and of the letter after it.
const CORSICA_DIGIT_INDEX: usize = 5;
const CORSICA_LETTER_INDEX: usize = 6;

/// A matricule INS whose key has been checked; always 15 ASCII characters, Corsica letters in
/// uppercase, no separators.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Ins(String);

/// Why a typed matricule was refused. Positions are 1-based and count only the significant
/// characters (separators skipped), as the secretary reads them on the card.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InsError {
    #[error("the matricule INS is empty: type the 15 characters of the patient's matricule INS")]
    Empty,
    #[error(
        "the matricule INS has {found} characters instead of 15 \
         (13 characters followed by a 2-digit key)"
    )]
    WrongLength { found: usize },
    #[error(
        "character {position} ('{found}') is not allowed: a matricule INS has only digits, \
         except 2A or 2B at positions 6 and 7 for people born in Corsica"
    )]
    UnexpectedCharacter { position: usize, found: char },
    #[error(
        "the key {found:02} does not match the first 13 characters, which give {expected:02}: \
         a character is probably mistyped; check the whole matricule against the patient's \
         card or the INSi result instead of changing the key"
    )]
    WrongKey { expected: u8, found: u8 },
}

/// Why an address was not accepted as a patient's address.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PatientAddressError {
    #[error("'{address}' is not an e-mail address: a patient address is <matricule INS>@patient.mssante.fr")]
    NotAnAddress { address: String },
    #[error(
        "the domain '{domain}' is not patient.mssante.fr, the domain of every patient address"
    )]
    NotPatientDomain { domain: String },
    #[error("the part before @patient.mssante.fr is not a valid matricule INS: {0}")]
    Ins(#[from] InsError),
}

/// Sex as written in the matricule and in the identity record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sex {
    Male,
    Female,
}

/// Where the patient was born, as coded in positions 6–10.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BirthPlace {
    /// Metropolitan department (2 characters) and commune (3 digits).
    Department { department: String, commune: String },
    /// `2A` (Corse-du-Sud) or `2B` (Haute-Corse), and the commune (3 digits).
    Corsica { department: String, commune: String },
    /// Overseas department or collectivity (`971`…`989`, 3 digits) and commune (2 digits).
    Overseas { territory: String, commune: String },
    /// Born abroad: the INSEE country code (3 digits after `99`).
    Abroad { country: String },
}

/// Something the matricule does not let us check; shown to the professional, never blocking,
/// because real matricules carry these values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InsWarning {
    /// The first digit is neither 1 nor 2 (3, 4, 7, 8… mark provisional or special numbers):
    /// the sex cannot be read from the matricule, and is not checked.
    SpecialSexDigit { digit: u8 },
    /// A month code of 20–42 or 50–99: the civil-status record is incomplete, the birth month
    /// is unknown and is not checked.
    BirthMonthUnknown { code: u8 },
    /// A month code that no documented rule produces (00, 13–19, 43–49): accepted because the
    /// key is right, but the birth month is not checked.
    UnusualBirthMonth { code: u8 },
}

/// Status of an identity in the patient's record (RNIV: PROV, RECUP, VALI, QUAL).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum IdentityStatus {
    #[serde(rename = "PROV")]
    Provisional,
    #[serde(rename = "RECUP")]
    Recovered,
    #[serde(rename = "VALI")]
    Validated,
    #[serde(rename = "QUAL")]
    Qualified,
}

/// The patient's identity as the professional's software holds it (from the INSi service and
/// the identity document), compared with what the matricule says before writing to them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub birth_name: String,
    /// All first names, in civil-status order, separated by spaces.
    pub first_names: String,
    /// When the civil-status record is incomplete, the conventional date the record holds; the
    /// month is then not checked because the matricule marks it unknown.
    pub birth_date: NaiveDate,
    pub sex: Sex,
    pub status: IdentityStatus,
}

/// Why an identity may not be used to write to the patient with this matricule.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdentityError {
    #[error(
        "the identity status is {status}, not QUAL: only a qualified identity (checked with \
         the INSi service and against an identity document) may be used to write to a patient"
    )]
    NotQualified { status: IdentityStatus },
    #[error(
        "the matricule is that of a {matricule} patient but the identity is {identity}: \
         this matricule may belong to someone else"
    )]
    SexMismatch { matricule: Sex, identity: Sex },
    #[error(
        "the matricule gives a birth year ending in {matricule:02} but the identity says \
         {identity}: this matricule may belong to someone else"
    )]
    BirthYearMismatch { matricule: u8, identity: i32 },
    #[error(
        "the matricule gives birth month {matricule:02} but the identity says {identity:02}: \
         this matricule may belong to someone else"
    )]
    BirthMonthMismatch { matricule: u8, identity: u32 },
}

impl Ins {
    /// Reads a matricule as typed or pasted: whitespace and dots between characters are
    /// ignored, `2a`/`2b` are accepted.
    pub fn parse(input: &str) -> Result<Self, InsError> {
        parse_significant(input.chars().filter(|c| !is_separator(*c)))
    }

    /// Reads the matricule back from a patient address, e.g. a recipient typed by hand or the
    /// sender of an incoming message. Only the letter case is forgiven.
    pub fn from_patient_address(address: &str) -> Result<Self, PatientAddressError> {
        let address = address.trim();
        let Some((local_part, domain)) = address.rsplit_once('@') else {
            return Err(PatientAddressError::NotAnAddress {
                address: address.to_owned(),
            });
        };
        if !domain.eq_ignore_ascii_case(PATIENT_DOMAIN) {
            return Err(PatientAddressError::NotPatientDomain {
                domain: domain.to_owned(),
            });
        }
        Ok(Self::from_local_part(local_part)?)
    }

    /// The part before `@patient.mssante.fr`, for callers that already split the address.
    pub(crate) fn from_local_part(local_part: &str) -> Result<Self, InsError> {
        parse_significant(local_part.chars())
    }

    /// The 15 characters, as they go into addresses and XDM metadata.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The patient's Mon espace santé address.
    pub fn patient_address(&self) -> String {
        format!("{}@{PATIENT_DOMAIN}", self.0)
    }

    /// Grouped as printed on the Vitale card (`2 79 03 51 215 189 89`), easier to compare by
    /// eye than 15 characters in a row.
    pub fn grouped(&self) -> String {
        let s = &self.0;
        format!(
            "{} {} {} {} {} {} {}",
            &s[0..1],
            &s[1..3],
            &s[3..5],
            &s[5..7],
            &s[7..10],
            &s[10..13],
            &s[13..15]
        )
    }

    /// `None` for the special or provisional first digits (see [`InsWarning::SpecialSexDigit`]).
    pub fn sex(&self) -> Option<Sex> {
        match self.sex_digit() {
            1 => Some(Sex::Male),
            2 => Some(Sex::Female),
            _ => None,
        }
    }

    /// The last two digits of the birth year; the century is not in the matricule.
    pub fn birth_year_two_digits(&self) -> u8 {
        self.two_digits(1)
    }

    /// `None` when the matricule does not carry the month (incomplete civil status or unusual
    /// code, see [`InsWarning`]).
    pub fn birth_month(&self) -> Option<u8> {
        let code = self.birth_month_code();
        (1..=12).contains(&code).then_some(code)
    }

    pub fn birth_place(&self) -> BirthPlace {
        let place = &self.0[5..10];
        let (head, _) = place.split_at(2);
        match head {
            "2A" | "2B" => BirthPlace::Corsica {
                department: head.to_owned(),
                commune: place[2..].to_owned(),
            },
            "97" | "98" => BirthPlace::Overseas {
                territory: place[..3].to_owned(),
                commune: place[3..].to_owned(),
            },
            "99" => BirthPlace::Abroad {
                country: place[2..].to_owned(),
            },
            _ => BirthPlace::Department {
                department: head.to_owned(),
                commune: place[2..].to_owned(),
            },
        }
    }

    /// What this matricule does not let us check; empty for an ordinary matricule.
    pub fn warnings(&self) -> Vec<InsWarning> {
        let mut warnings = Vec::new();
        let digit = self.sex_digit();
        if self.sex().is_none() {
            warnings.push(InsWarning::SpecialSexDigit { digit });
        }
        let code = self.birth_month_code();
        match code {
            1..=12 => {}
            20..=42 | 50..=99 => warnings.push(InsWarning::BirthMonthUnknown { code }),
            _ => warnings.push(InsWarning::UnusualBirthMonth { code }),
        }
        warnings
    }

    fn sex_digit(&self) -> u8 {
        self.0.as_bytes()[0] - b'0'
    }

    fn birth_month_code(&self) -> u8 {
        self.two_digits(3)
    }

    /// The two digits starting at the 0-based `index`; only called on positions that the
    /// parser guaranteed to be digits.
    fn two_digits(&self, index: usize) -> u8 {
        let bytes = self.0.as_bytes();
        (bytes[index] - b'0') * 10 + (bytes[index + 1] - b'0')
    }
}

/// Checks that `identity` may be used to write to the patient with `ins`: it must be qualified
/// (ECO.2.2.6), and its sex, birth year and birth month must agree with the matricule (a
/// disagreement means the matricule is someone else's). Returns what could not be checked.
pub fn check_identity(ins: &Ins, identity: &Identity) -> Result<Vec<InsWarning>, IdentityError> {
    if identity.status != IdentityStatus::Qualified {
        return Err(IdentityError::NotQualified {
            status: identity.status,
        });
    }
    if let Some(matricule) = ins.sex() {
        if matricule != identity.sex {
            return Err(IdentityError::SexMismatch {
                matricule,
                identity: identity.sex,
            });
        }
    }
    let year = identity.birth_date.year();
    let matricule_year = ins.birth_year_two_digits();
    if year.rem_euclid(100) != i32::from(matricule_year) {
        return Err(IdentityError::BirthYearMismatch {
            matricule: matricule_year,
            identity: year,
        });
    }
    if let Some(matricule_month) = ins.birth_month() {
        let month = identity.birth_date.month();
        if month != u32::from(matricule_month) {
            return Err(IdentityError::BirthMonthMismatch {
                matricule: matricule_month,
                identity: month,
            });
        }
    }
    Ok(ins.warnings())
}

impl IdentityStatus {
    /// The RNIV code, as exchanged with other health software.
    pub fn code(self) -> &'static str {
        match self {
            Self::Provisional => "PROV",
            Self::Recovered => "RECUP",
            Self::Validated => "VALI",
            Self::Qualified => "QUAL",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [
            Self::Provisional,
            Self::Recovered,
            Self::Validated,
            Self::Qualified,
        ]
        .into_iter()
        .find(|status| status.code().eq_ignore_ascii_case(code.trim()))
    }
}

impl fmt::Display for IdentityStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Display for Sex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Male => "male",
            Self::Female => "female",
        })
    }
}

impl fmt::Display for Ins {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Ins {
    type Err = InsError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Ins {
    type Error = InsError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Ins> for String {
    fn from(ins: Ins) -> Self {
        ins.0
    }
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || c == '.'
}

/// Checks the characters one by one (so the error can point at the first wrong one), then the
/// length, then the key.
fn parse_significant(chars: impl Iterator<Item = char>) -> Result<Ins, InsError> {
    let mut canonical = String::with_capacity(LENGTH);
    for (index, c) in chars.enumerate() {
        let upper = c.to_ascii_uppercase();
        let corsican_letter = index == CORSICA_LETTER_INDEX
            && matches!(upper, 'A' | 'B')
            && canonical.as_bytes().get(CORSICA_DIGIT_INDEX) == Some(&b'2');
        if !(c.is_ascii_digit() || corsican_letter) {
            return Err(InsError::UnexpectedCharacter {
                position: index + 1,
                found: c,
            });
        }
        canonical.push(upper);
    }
    match canonical.len() {
        0 => return Err(InsError::Empty),
        LENGTH => {}
        found => return Err(InsError::WrongLength { found }),
    }
    let (body, key) = canonical.split_at(BODY_LENGTH);
    let expected = key_for(body);
    let found = key.bytes().fold(0, |n, b| n * 10 + (b - b'0'));
    if found != expected {
        return Err(InsError::WrongKey { expected, found });
    }
    Ok(Ins(canonical))
}

/// 97 − (N mod 97), with N the 13 characters read as a number, Corsica's `2A` read as `19` and
/// `2B` as `18`. A remainder of 0 gives 97, so a key is never 00.
fn key_for(body: &str) -> u8 {
    let corsica = body.get(CORSICA_DIGIT_INDEX..=CORSICA_LETTER_INDEX);
    let number = body.bytes().enumerate().fold(0u64, |n, (index, b)| {
        let digit = match (index, corsica) {
            (CORSICA_DIGIT_INDEX, Some("2A" | "2B")) => 1,
            (CORSICA_LETTER_INDEX, Some("2A")) => 9,
            (CORSICA_LETTER_INDEX, Some("2B")) => 8,
            _ => u64::from(b - b'0'),
        };
        n * 10 + digit
    });
    // The remainder is below 97, so the key fits in a u8.
    97 - (number % 97) as u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every valid matricule here was computed with the published formula by a separate
    /// implementation (not by `key_for`), so a wrong `key_for` cannot validate its own mistakes.
    const VALID: &[(&str, &str)] = &[
        ("279035121518989", "the matricule the project uses"),
        ("185127505612306", "male, Paris"),
        ("180052A00401224", "Corse-du-Sud"),
        ("291112B03304513", "Haute-Corse"),
        (
            "175069935201204",
            "born abroad (99 + country 352), typical of an NIA",
        ),
        ("202079741103463", "born in La Réunion (974)"),
        ("185057505601797", "remainder 0, key 97"),
        ("292032A00103897", "Corsica with remainder 0, key 97"),
        ("145309910000120", "month 30: incomplete civil status"),
        ("250626210801017", "month 62: incomplete civil status"),
        ("388017511122265", "sex digit 3: provisional number"),
        ("799019912500428", "sex digit 7: special number"),
        ("801011305530178", "sex digit 8: special number"),
        ("199020100100120", "born in 1999, Ain"),
        ("200059205007790", "born in 2000, Hauts-de-Seine"),
    ];

    fn ins(s: &str) -> Ins {
        Ins::parse(s).unwrap_or_else(|e| panic!("{s} should be valid: {e}"))
    }

    fn qualified(sex: Sex, birth_date: (i32, u32, u32)) -> Identity {
        Identity {
            birth_name: "MARTIN".into(),
            first_names: "Claire Anne".into(),
            birth_date: NaiveDate::from_ymd_opt(birth_date.0, birth_date.1, birth_date.2)
                .expect("valid test date"),
            sex,
            status: IdentityStatus::Qualified,
        }
    }

    #[test]
    fn ann_ins_valid_table() {
        for (matricule, why) in VALID {
            let parsed = Ins::parse(matricule);
            assert!(parsed.is_ok(), "{matricule} ({why}): {parsed:?}");
            assert_eq!(parsed.map(String::from).as_deref(), Ok(*matricule));
        }
    }

    #[test]
    fn ann_ins_invalid_table() {
        let cases: &[(&str, InsError)] = &[
            ("", InsError::Empty),
            ("   ", InsError::Empty),
            ("27903512151898", InsError::WrongLength { found: 14 }),
            ("2790351215189", InsError::WrongLength { found: 13 }),
            ("2790351215189890", InsError::WrongLength { found: 16 }),
            (
                "279035121518988",
                InsError::WrongKey {
                    expected: 89,
                    found: 88,
                },
            ),
            (
                "279035121518900",
                InsError::WrongKey {
                    expected: 89,
                    found: 0,
                },
            ),
            (
                // One digit swapped: the key catches it.
                "279035121581989",
                InsError::WrongKey {
                    expected: 41,
                    found: 89,
                },
            ),
            (
                "2790O5121518989",
                InsError::UnexpectedCharacter {
                    position: 5,
                    found: 'O',
                },
            ),
            (
                "180052C00401224",
                InsError::UnexpectedCharacter {
                    position: 7,
                    found: 'C',
                },
            ),
            (
                // A Corsican letter needs the 2 before it.
                "180053A00401224",
                InsError::UnexpectedCharacter {
                    position: 7,
                    found: 'A',
                },
            ),
            (
                "1800522A0401224",
                InsError::UnexpectedCharacter {
                    position: 8,
                    found: 'A',
                },
            ),
            (
                "27903-5121518989",
                InsError::UnexpectedCharacter {
                    position: 6,
                    found: '-',
                },
            ),
            (
                "patient@x",
                InsError::UnexpectedCharacter {
                    position: 1,
                    found: 'p',
                },
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(Ins::parse(input).as_ref(), Err(expected), "input {input:?}");
        }
    }

    #[test]
    fn ann_ins_project_matricule_reads_female_march_1979_marne() {
        let ins = ins("279035121518989");
        assert_eq!(ins.sex(), Some(Sex::Female));
        assert_eq!(ins.birth_year_two_digits(), 79);
        assert_eq!(ins.birth_month(), Some(3));
        assert_eq!(
            ins.birth_place(),
            BirthPlace::Department {
                department: "51".into(),
                commune: "215".into()
            }
        );
        assert!(ins.warnings().is_empty());
        assert_eq!(ins.grouped(), "2 79 03 51 215 189 89");
    }

    #[test]
    fn ann_ins_spaces_tabs_nbsp_and_dots_are_tolerated() {
        for typed in [
            "2 79 03 51 215 189 89",
            " 279035121518989 ",
            "2\t79\t03\t51\t215\t189\t89",
            "2\u{a0}79\u{a0}03\u{202f}51 215 189 89",
            "2.79.03.51.215.189.89",
        ] {
            assert_eq!(ins(typed).as_str(), "279035121518989", "{typed:?}");
        }
    }

    #[test]
    fn ann_ins_error_position_counts_significant_characters() {
        assert_eq!(
            Ins::parse("2 79 03 5X 215 189 89"),
            Err(InsError::UnexpectedCharacter {
                position: 7,
                found: 'X'
            })
        );
    }

    #[test]
    fn ann_ins_key_corsica_2a_counts_as_19() {
        // 180052A004012 is computed as 1800519004012.
        assert_eq!(key_for("180052A004012"), key_for("1800519004012"));
        assert_eq!(key_for("180052A004012"), 24);
    }

    #[test]
    fn ann_ins_key_corsica_2b_counts_as_18() {
        assert_eq!(key_for("291112B033045"), key_for("2911118033045"));
        assert_eq!(key_for("291112B033045"), 13);
    }

    #[test]
    fn ann_ins_corsica_keeps_its_letters_uppercase() {
        let ins = ins("1 80 05 2a 004 012 24");
        assert_eq!(ins.as_str(), "180052A00401224");
        assert_eq!(ins.patient_address(), "180052A00401224@patient.mssante.fr");
        assert_eq!(
            ins.birth_place(),
            BirthPlace::Corsica {
                department: "2A".into(),
                commune: "004".into()
            }
        );
        assert_eq!(
            Ins::parse("291112b03304513").map(String::from).as_deref(),
            Ok("291112B03304513")
        );
    }

    #[test]
    fn ann_ins_corsica_digits_are_not_letters() {
        // 19 typed instead of 2A gives the same key but another matricule: someone born in
        // Corrèze. Only the arithmetic treats them alike.
        let corsica = ins("180052A00401224");
        let correze = ins("180051900401224");
        assert_ne!(corsica, correze);
        assert_eq!(
            correze.birth_place(),
            BirthPlace::Department {
                department: "19".into(),
                commune: "004".into()
            }
        );
    }

    #[test]
    fn ann_ins_remainder_zero_gives_key_97_never_00() {
        assert_eq!(key_for("1850575056017"), 97);
        assert!(Ins::parse("185057505601797").is_ok());
        assert_eq!(
            Ins::parse("185057505601700"),
            Err(InsError::WrongKey {
                expected: 97,
                found: 0
            })
        );
    }

    #[test]
    fn ann_ins_birth_places() {
        assert_eq!(
            ins("202079741103463").birth_place(),
            BirthPlace::Overseas {
                territory: "974".into(),
                commune: "11".into()
            }
        );
        assert_eq!(
            ins("175069935201204").birth_place(),
            BirthPlace::Abroad {
                country: "352".into()
            }
        );
    }

    #[test]
    fn ann_ins_special_sex_digits_warn_not_reject() {
        for (matricule, digit) in [
            ("388017511122265", 3),
            ("799019912500428", 7),
            ("801011305530178", 8),
        ] {
            let ins = ins(matricule);
            assert_eq!(ins.sex(), None);
            assert_eq!(ins.warnings(), vec![InsWarning::SpecialSexDigit { digit }]);
        }
    }

    #[test]
    fn ann_ins_incomplete_civil_status_month_is_unknown() {
        for (matricule, code) in [("145309910000120", 30), ("250626210801017", 62)] {
            let ins = ins(matricule);
            assert_eq!(ins.birth_month(), None);
            assert_eq!(ins.warnings(), vec![InsWarning::BirthMonthUnknown { code }]);
        }
    }

    #[test]
    fn ann_ins_undocumented_month_codes_warn() {
        // Codes 00, 13–19 and 43–49 are not produced by any documented rule.
        for (body, code) in [
            ("1851575056123", 15),
            ("1850075056123", 0),
            ("1854575056123", 45),
        ] {
            let matricule = format!("{body}{:02}", key_for(body));
            let ins = ins(&matricule);
            assert_eq!(ins.birth_month(), None);
            assert_eq!(ins.warnings(), vec![InsWarning::UnusualBirthMonth { code }]);
        }
    }

    #[test]
    fn seed_patient_address_is_ins_at_patient_mssante_fr() {
        assert_eq!(
            ins("2 79 03 51 215 189 89").patient_address(),
            "279035121518989@patient.mssante.fr"
        );
    }

    #[test]
    fn seed_patient_address_parses_back() {
        for address in [
            "279035121518989@patient.mssante.fr",
            "279035121518989@Patient.MSSante.fr",
            " 180052a00401224@patient.mssante.fr ",
        ] {
            let parsed = Ins::from_patient_address(address);
            assert!(parsed.is_ok(), "{address}: {parsed:?}");
        }
    }

    #[test]
    fn seed_patient_address_with_wrong_key_says_what_to_fix() {
        let error = Ins::from_patient_address("279035121518988@patient.mssante.fr");
        assert_eq!(
            error,
            Err(PatientAddressError::Ins(InsError::WrongKey {
                expected: 89,
                found: 88
            }))
        );
        let sentence = error.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(sentence.contains("88"), "{sentence}");
        assert!(sentence.contains("89"), "{sentence}");
        assert!(sentence.contains("mistyped"), "{sentence}");
    }

    #[test]
    fn seed_patient_address_refuses_other_domains_and_separators() {
        assert_eq!(
            Ins::from_patient_address("279035121518989@mssante.fr"),
            Err(PatientAddressError::NotPatientDomain {
                domain: "mssante.fr".into()
            })
        );
        assert_eq!(
            Ins::from_patient_address("279035121518989@evilpatient.mssante.fr"),
            Err(PatientAddressError::NotPatientDomain {
                domain: "evilpatient.mssante.fr".into()
            })
        );
        assert_eq!(
            Ins::from_patient_address("279035121518989"),
            Err(PatientAddressError::NotAnAddress {
                address: "279035121518989".into()
            })
        );
        assert_eq!(
            Ins::from_patient_address("2 79 03 51 215 189 89@patient.mssante.fr"),
            Err(PatientAddressError::Ins(InsError::UnexpectedCharacter {
                position: 2,
                found: ' '
            }))
        );
        assert_eq!(
            Ins::from_patient_address("@patient.mssante.fr"),
            Err(PatientAddressError::Ins(InsError::Empty))
        );
    }

    #[test]
    fn eco_2_2_6_qualified_matching_identity_accepted() {
        let ins = ins("279035121518989");
        assert_eq!(
            check_identity(&ins, &qualified(Sex::Female, (1979, 3, 14))),
            Ok(vec![])
        );
    }

    #[test]
    fn eco_2_2_6_unqualified_identity_refused() {
        let ins = ins("279035121518989");
        for status in [
            IdentityStatus::Provisional,
            IdentityStatus::Recovered,
            IdentityStatus::Validated,
        ] {
            let identity = Identity {
                status,
                ..qualified(Sex::Female, (1979, 3, 14))
            };
            assert_eq!(
                check_identity(&ins, &identity),
                Err(IdentityError::NotQualified { status })
            );
        }
    }

    #[test]
    fn eco_2_2_6_sex_disagreeing_with_matricule_refused() {
        assert_eq!(
            check_identity(
                &ins("279035121518989"),
                &qualified(Sex::Male, (1979, 3, 14))
            ),
            Err(IdentityError::SexMismatch {
                matricule: Sex::Female,
                identity: Sex::Male
            })
        );
    }

    #[test]
    fn eco_2_2_6_birth_year_disagreeing_with_matricule_refused() {
        assert_eq!(
            check_identity(
                &ins("279035121518989"),
                &qualified(Sex::Female, (1980, 3, 14))
            ),
            Err(IdentityError::BirthYearMismatch {
                matricule: 79,
                identity: 1980
            })
        );
        // Same two digits, another century: the matricule cannot tell them apart.
        assert!(check_identity(
            &ins("279035121518989"),
            &qualified(Sex::Female, (1879, 3, 14))
        )
        .is_ok());
    }

    #[test]
    fn eco_2_2_6_birth_year_2000_reads_as_00() {
        assert_eq!(
            check_identity(
                &ins("200059205007790"),
                &qualified(Sex::Female, (2000, 5, 1))
            ),
            Ok(vec![])
        );
    }

    #[test]
    fn eco_2_2_6_birth_month_disagreeing_with_matricule_refused() {
        assert_eq!(
            check_identity(
                &ins("279035121518989"),
                &qualified(Sex::Female, (1979, 4, 14))
            ),
            Err(IdentityError::BirthMonthMismatch {
                matricule: 3,
                identity: 4
            })
        );
    }

    #[test]
    fn eco_2_2_6_unknown_month_is_not_checked() {
        let ins = ins("145309910000120");
        assert_eq!(
            check_identity(&ins, &qualified(Sex::Male, (1945, 1, 1))),
            Ok(vec![InsWarning::BirthMonthUnknown { code: 30 }])
        );
    }

    #[test]
    fn eco_2_2_6_special_sex_digit_is_not_checked() {
        let ins = ins("388017511122265");
        for sex in [Sex::Male, Sex::Female] {
            assert_eq!(
                check_identity(&ins, &qualified(sex, (1988, 1, 20))),
                Ok(vec![InsWarning::SpecialSexDigit { digit: 3 }])
            );
        }
    }

    #[test]
    fn identity_status_codes_round_trip() {
        for status in [
            IdentityStatus::Provisional,
            IdentityStatus::Recovered,
            IdentityStatus::Validated,
            IdentityStatus::Qualified,
        ] {
            assert_eq!(IdentityStatus::from_code(status.code()), Some(status));
        }
        assert_eq!(
            IdentityStatus::from_code(" qual "),
            Some(IdentityStatus::Qualified)
        );
        assert_eq!(IdentityStatus::from_code("QUALIFIED"), None);
    }

    #[test]
    fn ins_serde_goes_through_validation() {
        let ins = ins("279035121518989");
        let json = serde_json::to_string(&ins).unwrap_or_default();
        assert_eq!(json, "\"279035121518989\"");
        assert_eq!(serde_json::from_str::<Ins>(&json).ok(), Some(ins));
        assert!(serde_json::from_str::<Ins>("\"279035121518988\"").is_err());
    }

    /// 13 characters that could start a matricule, Corsica included.
    fn any_body() -> impl Strategy<Value = String> {
        prop_oneof!["[0-9]{13}", "[0-9]{5}2[AB][0-9]{6}",]
    }

    proptest! {
        #[test]
        fn ann_ins_key_computed_key_validates(body in any_body()) {
            let matricule = format!("{body}{:02}", key_for(&body));
            prop_assert_eq!(Ins::parse(&matricule).map(String::from), Ok(matricule));
        }

        #[test]
        fn ann_ins_key_any_other_key_fails(body in any_body(), key in 0u8..100) {
            let expected = key_for(&body);
            prop_assume!(key != expected);
            let matricule = format!("{body}{key:02}");
            prop_assert_eq!(
                Ins::parse(&matricule),
                Err(InsError::WrongKey { expected, found: key })
            );
        }

        #[test]
        fn ann_ins_key_is_between_1_and_97(body in any_body()) {
            prop_assert!((1..=97).contains(&key_for(&body)));
        }

        #[test]
        fn ann_ins_key_corsica_equivalence(
            head in "[0-9]{5}",
            tail in "[0-9]{6}",
            upper in any::<bool>(),
        ) {
            let (letters, digits) = if upper { ("2A", "19") } else { ("2B", "18") };
            prop_assert_eq!(
                key_for(&format!("{head}{letters}{tail}")),
                key_for(&format!("{head}{digits}{tail}"))
            );
        }

        #[test]
        fn ann_ins_key_matches_the_arithmetic(number in 0u64..10_000_000_000_000) {
            let body = format!("{number:013}");
            let key = u64::from(key_for(&body));
            prop_assert_eq!((number + key) % 97, 0);
        }

        #[test]
        fn ann_ins_a_single_changed_digit_is_caught(
            body in "[0-9]{13}",
            index in 0usize..13,
            replacement in 0u8..10,
        ) {
            let original = body.as_bytes()[index] - b'0';
            prop_assume!(original != replacement);
            let matricule = format!("{body}{:02}", key_for(&body));
            let mut typo = matricule.into_bytes();
            typo[index] = b'0' + replacement;
            let typo = String::from_utf8(typo).unwrap_or_default();
            prop_assert!(
                matches!(Ins::parse(&typo), Err(InsError::WrongKey { .. })),
                "{} should be refused", typo
            );
        }

        #[test]
        fn ann_ins_parse_never_panics(input in "\\PC{0,40}") {
            let _ = Ins::parse(&input);
            let _ = Ins::from_patient_address(&input);
        }
    }
}
