//! "Écrire à un patient": the professional types the patient's matricule INS and identity as
//! the patient's record holds them, and Pli builds the Mon espace santé address only when the
//! identity is qualified and agrees with the matricule (ECO.2.2.6). A mistyped matricule sends
//! health data to a stranger, so everything is checked while it is typed, what the matricule
//! says is shown next to what was typed, and the professional confirms who the patient is
//! before the first message (ECO.3.1.5, reported). The patient is shown by name and grouped
//! INS, never by the raw address (ECO.3.1.2).
//!
//! The screen holds health data: nothing it holds prints itself in a `Debug` output, so a log
//! of messages or actions never carries a patient's identity.

use std::fmt;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use iced::{Alignment, Element, Length};

use super::markers::{self, Tone};
use super::theme;
use super::widget::Choice;
use crate::args;
use crate::i18n::I18n;
use crate::messages;
use pli_core::mssante::address::PATIENT_MESSAGE_SIZE_LIMIT;
use pli_core::mssante::ins::{
    check_identity, Identity, IdentityError, IdentityStatus, Ins, InsError, InsWarning, Sex,
};

mod view;

/// The ids of the fields, so tests and keyboard focus can reach them.
pub mod field {
    pub const MATRICULE: &str = "patient-matricule";
    pub const BIRTH_NAME: &str = "patient-birth-name";
    pub const FIRST_NAMES: &str = "patient-first-names";
    pub const BIRTH_DATE: &str = "patient-birth-date";
}

/// The identity statuses in the order a professional meets them, the only usable one first.
pub(crate) const STATUSES: [IdentityStatus; 4] = [
    IdentityStatus::Qualified,
    IdentityStatus::Validated,
    IdentityStatus::Recovered,
    IdentityStatus::Provisional,
];

/// What the user typed, kept as text until it is checked.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct PatientForm {
    pub matricule: String,
    pub birth_name: String,
    /// All first names, in civil-status order, separated by spaces.
    pub first_names: String,
    /// JJ/MM/AAAA.
    pub birth_date: String,
    pub sex: Option<Sex>,
    pub status: Option<IdentityStatus>,
}

/// A patient whose identity was checked against the matricule: the only way to an address.
#[derive(Clone, PartialEq, Eq)]
pub struct Patient {
    pub ins: Ins,
    pub identity: Identity,
    /// What the matricule did not let us check (special sex digit, unknown month).
    pub warnings: Vec<InsWarning>,
}

impl Patient {
    pub fn address(&self) -> String {
        self.ins.patient_address()
    }

    /// First first name and birth name in capitals, "Hélène DUPONT", as the INS rules show a
    /// patient.
    pub fn display_name(&self) -> String {
        let first_name = self
            .identity
            .first_names
            .split_whitespace()
            .next()
            .unwrap_or_default();
        let birth_name = self.identity.birth_name.trim().to_uppercase();
        if first_name.is_empty() {
            birth_name
        } else {
            format!("{first_name} {birth_name}")
        }
    }
}

/// How far the typed matricule is from a valid one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatriculeReading {
    Empty,
    /// Fewer than 15 significant characters and nothing wrong yet: still being typed.
    Incomplete {
        typed: usize,
    },
    Refused(InsError),
    Valid(Ins),
}

impl MatriculeReading {
    fn of(typed: &str) -> Self {
        match Ins::parse(typed) {
            Ok(ins) => Self::Valid(ins),
            Err(InsError::Empty) => Self::Empty,
            Err(InsError::WrongLength { found }) if found < 15 => Self::Incomplete { typed: found },
            Err(error) => Self::Refused(error),
        }
    }

    fn ins(&self) -> Option<&Ins> {
        match self {
            Self::Valid(ins) => Some(ins),
            _ => None,
        }
    }
}

/// How far the typed birth date is from a JJ/MM/AAAA date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BirthDateReading {
    Empty,
    /// Digits and slashes, shorter than a date: still being typed.
    Incomplete,
    /// Cannot become a date by typing more (letters, a 31 February, a 5-digit year).
    Malformed,
    Valid(NaiveDate),
}

impl BirthDateReading {
    pub(crate) fn of(typed: &str) -> Self {
        let typed = typed.trim();
        if typed.is_empty() {
            return Self::Empty;
        }
        let parts: Vec<&str> = typed.split('/').collect();
        let digits = |part: &str, lengths: std::ops::RangeInclusive<usize>| {
            lengths.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit())
        };
        if let [day, month, year] = parts[..] {
            if digits(day, 1..=2) && digits(month, 1..=2) && digits(year, 4..=4) {
                let date = day.parse().ok().zip(month.parse().ok()).and_then(|(d, m)| {
                    year.parse()
                        .ok()
                        .and_then(|y| NaiveDate::from_ymd_opt(y, m, d))
                });
                return date.map_or(Self::Malformed, Self::Valid);
            }
        }
        let could_grow = parts.len() <= 3
            && typed.len() < "JJ/MM/AAAA".len()
            && typed.bytes().all(|b| b.is_ascii_digit() || b == b'/');
        if could_grow {
            Self::Incomplete
        } else {
            Self::Malformed
        }
    }
}

/// Whether one thing the matricule says agrees with the identity typed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Agreement {
    Agrees,
    Differs,
    /// The matricule does not carry it (special sex digit, unknown month): not checked.
    NotInMatricule,
    /// The identity side is not typed yet.
    #[default]
    NotTyped,
}

impl Agreement {
    /// For the table shown to the professional only; whether they may write is decided by
    /// `check_identity`.
    fn between<T: PartialEq>(matricule: Option<T>, typed: Option<T>) -> Self {
        match (matricule, typed) {
            (_, None) => Self::NotTyped,
            (None, Some(_)) => Self::NotInMatricule,
            (Some(said), Some(typed)) if said == typed => Self::Agrees,
            (Some(_), Some(_)) => Self::Differs,
        }
    }
}

/// A field that must be filled before writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    Matricule,
    BirthName,
    FirstNames,
    BirthDate,
    Sex,
    Status,
}

/// Why the professional may not write yet; each one is shown as a sentence that says what to
/// fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Matricule(InsError),
    BirthDate,
    Identity(IdentityError),
    Missing(Vec<Missing>),
}

/// Everything the screen shows about the form, computed from it at each look so that it can
/// never disagree with what is typed.
#[derive(Clone, PartialEq, Eq)]
pub struct Review {
    pub matricule: MatriculeReading,
    pub birth_date: BirthDateReading,
    pub sex: Agreement,
    pub birth_year: Agreement,
    pub birth_month: Agreement,
    pub warnings: Vec<InsWarning>,
    pub refusals: Vec<Refusal>,
    /// `Some` only when there is nothing to refuse.
    pub patient: Option<Patient>,
}

impl Review {
    pub fn of(form: &PatientForm) -> Self {
        let matricule = MatriculeReading::of(&form.matricule);
        let birth_date = BirthDateReading::of(&form.birth_date);
        let date = match birth_date {
            BirthDateReading::Valid(date) => Some(date),
            _ => None,
        };
        let ins = matricule.ins();

        let mut refusals = Vec::new();
        let mut missing = Vec::new();
        match &matricule {
            MatriculeReading::Empty | MatriculeReading::Incomplete { .. } => {
                missing.push(Missing::Matricule)
            }
            MatriculeReading::Refused(error) => refusals.push(Refusal::Matricule(error.clone())),
            MatriculeReading::Valid(_) => {}
        }
        if form.birth_name.trim().is_empty() {
            missing.push(Missing::BirthName);
        }
        if form.first_names.trim().is_empty() {
            missing.push(Missing::FirstNames);
        }
        match birth_date {
            BirthDateReading::Empty | BirthDateReading::Incomplete => {
                missing.push(Missing::BirthDate)
            }
            BirthDateReading::Malformed => refusals.push(Refusal::BirthDate),
            BirthDateReading::Valid(_) => {}
        }
        if form.sex.is_none() {
            missing.push(Missing::Sex);
        }
        if form.status.is_none() {
            missing.push(Missing::Status);
        }

        // The core compares as soon as it has the matricule, the sex and the date, asked as if
        // the identity were qualified, so that a matricule that belongs to someone else shows
        // even while the status is wrong or not chosen.
        let mut warnings = ins.map(Ins::warnings).unwrap_or_default();
        let mut identity = None;
        if let (Some(ins), Some(sex), Some(birth_date)) = (ins, form.sex, date) {
            let typed = Identity {
                birth_name: form.birth_name.trim().to_owned(),
                first_names: form
                    .first_names
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
                birth_date,
                sex,
                status: IdentityStatus::Qualified,
            };
            match check_identity(ins, &typed) {
                Ok(checked) => warnings = checked,
                Err(error) => refusals.push(Refusal::Identity(error)),
            }
            identity = Some(typed);
        }
        // Refused whatever the rest says, so said at once rather than after everything is typed.
        if let Some(status) = form.status.filter(|s| *s != IdentityStatus::Qualified) {
            refusals.push(Refusal::Identity(IdentityError::NotQualified { status }));
        }
        // The last word is the core's, on the identity exactly as typed, status included.
        let patient = match (ins, identity, form.status) {
            (Some(ins), Some(identity), Some(status))
                if missing.is_empty() && refusals.is_empty() =>
            {
                let identity = Identity { status, ..identity };
                check_identity(ins, &identity).ok().map(|warnings| Patient {
                    ins: ins.clone(),
                    identity,
                    warnings,
                })
            }
            _ => None,
        };
        if !missing.is_empty() {
            refusals.push(Refusal::Missing(missing));
        }

        let (sex, birth_year, birth_month) = match ins {
            None => Default::default(),
            Some(ins) => (
                Agreement::between(ins.sex(), form.sex),
                Agreement::between(
                    Some(ins.birth_year_two_digits()),
                    date.and_then(|d| u8::try_from(d.year().rem_euclid(100)).ok()),
                ),
                Agreement::between(
                    ins.birth_month(),
                    date.and_then(|d| u8::try_from(d.month()).ok()),
                ),
            ),
        };

        Self {
            matricule,
            birth_date,
            sex,
            birth_year,
            birth_month,
            warnings,
            refusals,
            patient,
        }
    }
}

#[derive(Clone)]
pub enum Message {
    Matricule(String),
    BirthName(String),
    FirstNames(String),
    BirthDate(String),
    Sex(Sex),
    Status(IdentityStatus),
    /// "Write to this patient": asks for the confirmation.
    Write,
    /// The professional confirmed who the patient is.
    Confirm,
    /// Back from the confirmation to the form.
    Revise,
    /// Leave the screen; the form is cleared.
    Close,
}

/// What the screen asks the root to do.
#[derive(Clone, PartialEq, Eq)]
pub enum Action {
    None,
    /// Open the composer to this patient; the screen has cleared its form.
    Write {
        address: String,
        display_name: String,
        ins: Ins,
    },
    /// Close the screen; its form is already cleared.
    Close,
}

#[derive(Clone, PartialEq, Eq)]
enum Stage {
    Editing,
    Confirming(Box<Patient>),
}

/// The "Écrire à un patient" screen.
pub struct PatientComposer {
    i18n: Arc<I18n>,
    form: PatientForm,
    stage: Stage,
    sexes: Vec<Choice<Sex>>,
    statuses: Vec<Choice<IdentityStatus>>,
}

impl PatientComposer {
    pub fn new(i18n: Arc<I18n>) -> Self {
        let sexes = [(Sex::Female, "ins-sex-female"), (Sex::Male, "ins-sex-male")]
            .into_iter()
            .map(|(value, id)| Choice::new(value, i18n.t(id)))
            .collect();
        let statuses = STATUSES
            .into_iter()
            .map(|value| Choice::new(value, status_label(&i18n, value)))
            .collect();
        Self {
            i18n,
            form: PatientForm::default(),
            stage: Stage::Editing,
            sexes,
            statuses,
        }
    }

    pub fn form(&self) -> &PatientForm {
        &self.form
    }

    pub fn review(&self) -> Review {
        Review::of(&self.form)
    }

    /// Whether the confirmation is on screen.
    pub fn is_confirming(&self) -> bool {
        matches!(self.stage, Stage::Confirming(_))
    }

    /// Every refusal of the form as the sentence the screen shows.
    pub fn refusal_sentences(&self) -> Vec<String> {
        self.review()
            .refusals
            .iter()
            .map(|refusal| refusal_sentence(&self.i18n, refusal, &self.form))
            .collect()
    }

    pub fn update(&mut self, message: Message) -> Action {
        let form = &mut self.form;
        match message {
            Message::Matricule(value) => form.matricule = value,
            Message::BirthName(value) => form.birth_name = value,
            Message::FirstNames(value) => form.first_names = value,
            Message::BirthDate(value) => form.birth_date = value,
            Message::Sex(value) => form.sex = Some(value),
            Message::Status(value) => form.status = Some(value),
            Message::Write => {
                if let Some(patient) = self.review().patient {
                    self.stage = Stage::Confirming(Box::new(patient));
                }
                return Action::None;
            }
            Message::Confirm => {
                let Stage::Confirming(confirmed) = &self.stage else {
                    return Action::None;
                };
                // The form cannot change under the confirmation (any edit leaves it), but the
                // address is built from a fresh check all the same.
                let Some(patient) = self.review().patient.filter(|p| p == confirmed.as_ref())
                else {
                    self.stage = Stage::Editing;
                    return Action::None;
                };
                self.clear();
                return Action::Write {
                    address: patient.address(),
                    display_name: patient.display_name(),
                    ins: patient.ins,
                };
            }
            Message::Revise => {}
            Message::Close => {
                self.clear();
                return Action::Close;
            }
        }
        // Any edit takes the professional back to the form: what they confirmed is no longer
        // what is typed.
        self.stage = Stage::Editing;
        Action::None
    }

    /// Forgets the patient: health data does not stay on screen once it has been used.
    fn clear(&mut self) {
        self.form = PatientForm::default();
        self.stage = Stage::Editing;
    }
}

const LABEL_WIDTH: f32 = 200.0;
/// The padding of a field (8) plus the border (1), so a label sits on the field's text line.
const FIELD_TEXT_OFFSET: f32 = 9.0;
const READING_WIDTH: f32 = 290.0;
const TYPED_WIDTH: f32 = 150.0;

pub(crate) fn status_label(i18n: &I18n, status: IdentityStatus) -> String {
    let id = match status {
        IdentityStatus::Qualified => "patient-status-qual",
        IdentityStatus::Validated => "patient-status-vali",
        IdentityStatus::Recovered => "patient-status-recup",
        IdentityStatus::Provisional => "patient-status-prov",
    };
    i18n.t(id)
}

pub(crate) fn refusal_sentence(i18n: &I18n, refusal: &Refusal, form: &PatientForm) -> String {
    match refusal {
        Refusal::Matricule(error) => messages::ins_error(error, i18n),
        Refusal::BirthDate => i18n.t_args(
            "patient-birth-date-invalid",
            args!["date" => form.birth_date.trim().to_owned()],
        ),
        Refusal::Identity(error) => identity_error(error, i18n),
        Refusal::Missing(fields) => {
            let names: Vec<String> = fields
                .iter()
                .map(|missing| {
                    i18n.t(match missing {
                        Missing::Matricule => "patient-missing-matricule",
                        Missing::BirthName => "patient-missing-birth-name",
                        Missing::FirstNames => "patient-missing-first-names",
                        Missing::BirthDate => "patient-missing-birth-date",
                        Missing::Sex => "patient-missing-sex",
                        Missing::Status => "patient-missing-status",
                    })
                })
                .collect();
            i18n.t_args("patient-missing", args!["fields" => names.join(", ")])
        }
    }
}

/// The sentence for an [`IdentityError`], saying what to check. Belongs next to
/// `messages::ins_error` in the core; kept here until it moves.
pub fn identity_error(error: &IdentityError, i18n: &I18n) -> String {
    let sex = |sex: &Sex| {
        i18n.t(match sex {
            Sex::Male => "ins-sex-male",
            Sex::Female => "ins-sex-female",
        })
    };
    match error {
        IdentityError::NotQualified { status } => i18n.t_args(
            "identity-error-not-qualified",
            args!["status" => status.code()],
        ),
        IdentityError::SexMismatch {
            matricule,
            identity,
        } => i18n.t_args(
            "identity-error-sex",
            args!["matricule" => sex(matricule), "identity" => sex(identity)],
        ),
        IdentityError::BirthYearMismatch {
            matricule,
            identity,
        } => i18n.t_args(
            "identity-error-year",
            args!["matricule" => format!("{matricule:02}"), "identity" => identity.to_string()],
        ),
        IdentityError::BirthMonthMismatch {
            matricule,
            identity,
        } => i18n.t_args(
            "identity-error-month",
            args!["matricule" => format!("{matricule:02}"), "identity" => format!("{identity:02}")],
        ),
    }
}

// Health data never prints itself: the variants show, their contents do not.

impl fmt::Debug for PatientForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PatientForm(…)")
    }
}

impl fmt::Debug for Patient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Patient(…)")
    }
}

impl fmt::Debug for Review {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Review")
            .field("refusals", &self.refusals.len())
            .field("patient", &self.patient.is_some())
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Message::Matricule(_) => "Matricule(…)",
            Message::BirthName(_) => "BirthName(…)",
            Message::FirstNames(_) => "FirstNames(…)",
            Message::BirthDate(_) => "BirthDate(…)",
            Message::Sex(_) => "Sex(…)",
            Message::Status(status) => return write!(f, "Status({status})"),
            Message::Write => "Write",
            Message::Confirm => "Confirm",
            Message::Revise => "Revise",
            Message::Close => "Close",
        };
        f.write_str(name)
    }
}

impl fmt::Debug for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Action::None => "None",
            Action::Write { .. } => "Write { … }",
            Action::Close => "Close",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn birth_date_is_read_as_it_is_typed() {
        let date = |y, m, d| {
            NaiveDate::from_ymd_opt(y, m, d)
                .map_or(BirthDateReading::Malformed, BirthDateReading::Valid)
        };
        assert_eq!(BirthDateReading::of(""), BirthDateReading::Empty);
        assert_eq!(
            BirthDateReading::of("14/03/19"),
            BirthDateReading::Incomplete
        );
        assert_eq!(BirthDateReading::of("14/03/1979"), date(1979, 3, 14));
        assert_eq!(BirthDateReading::of(" 1/3/1979 "), date(1979, 3, 1));
        assert_eq!(
            BirthDateReading::of("31/02/1979"),
            BirthDateReading::Malformed
        );
        assert_eq!(
            BirthDateReading::of("1979-03-14"),
            BirthDateReading::Malformed
        );
        assert_eq!(
            BirthDateReading::of("14/03/19790"),
            BirthDateReading::Malformed
        );
        assert_eq!(
            BirthDateReading::of("quatorze"),
            BirthDateReading::Malformed
        );
    }

    #[test]
    fn health_data_never_prints_itself() {
        let form = PatientForm {
            matricule: "279035121518989".into(),
            birth_name: "Dupont".into(),
            ..PatientForm::default()
        };
        let printed = format!(
            "{form:?} {:?} {:?}",
            Message::BirthName("Dupont".into()),
            Review::of(&form)
        );
        assert!(
            !printed.contains("Dupont") && !printed.contains("2790"),
            "{printed}"
        );
    }
}
