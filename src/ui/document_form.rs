//! "Joindre un document de santé" in the composer: one or more PDFs, each with its type from
//! the CI-SIS value set Pli ships and its title, and the one patient they are about (ECO.2.1.1)
//! — the matricule INS and the identity, typed once and checked exactly as "Écrire à un
//! patient" checks them (documents named by an INS leave only with a qualified identity that is
//! the matricule's) — or, for a patient whose identity is not qualified (a foreign patient
//! without NIR, a newborn), the structure's local identifier (IPP) and its authority, sent after
//! the person confirms it (ECO.2.4.2: `X-MSS-INS: N`). The message is then sent through `usecase::health_document::send`: one
//! archive, the same PDFs beside it, the ECO.2.1.3 subject and the `X-MSS-*` headers.

use std::fmt;

use iced::widget::{button, checkbox, column, container, pick_list, row, text, text_input};
use iced::{Alignment, Element, Length};

use super::markers::{self, Tone};
use super::patient::{
    refusal_sentence, status_label, BirthDateReading, PatientForm, Review, STATUSES,
};
use super::theme;
use super::widget::Choice;
use crate::i18n::I18n;
use crate::messages::Localize;
use pli_core::mssante::ins::{Identity, IdentityStatus, Sex};
use pli_core::usecase::health_document::HealthDocument;
use pli_core::xdm::build::{self, DocumentType, InsKind, LocalId, Patient, PatientId};

/// The fields' ids, for focus and the tests.
pub mod field {
    /// The title of the document at `index`, in the order they were added.
    pub fn title(index: usize) -> String {
        format!("document-title-{index}")
    }
    pub const MATRICULE: &str = "document-matricule";
    pub const BIRTH_NAME: &str = "document-birth-name";
    pub const FIRST_NAMES: &str = "document-first-names";
    pub const BIRTH_DATE: &str = "document-birth-date";
    pub const LOCAL_ID: &str = "document-local-id";
    pub const AUTHORITY: &str = "document-authority";
}

/// How the patient is named in the documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Identifier {
    /// By their INS, with a qualified identity checked against it.
    #[default]
    Ins,
    /// By the structure's local identifier (IPP): the identity is not qualified.
    Local,
}

#[derive(Debug, Clone)]
pub enum Message {
    /// The type of the document at this position.
    Type(usize, Choice<&'static DocumentType>),
    Title(usize, String),
    Matricule(String),
    BirthName(String),
    FirstNames(String),
    BirthDate(String),
    Sex(Choice<Sex>),
    Status(Choice<IdentityStatus>),
    /// Whether the matricule is a NIR or an NIA (the OID the INSi service gave with it).
    InsKind(Choice<InsKind>),
    /// The patient named by INS or by the structure's local identifier.
    Identifier(Choice<Identifier>),
    LocalId(String),
    Authority(String),
    /// The person confirms sending with an identity that is not qualified.
    UnqualifiedConfirmed(bool),
    /// Takes the document at this position out of the message.
    Remove(usize),
    /// "Ajouter un document (même patient)": the composer asks for another PDF.
    AddAnother,
}

/// What the composer does after the form took a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Edited,
    /// The last document was removed: the message carries no health document any more.
    Emptied,
    /// The person wants another PDF about the same patient.
    PickAnother,
}

/// One PDF of the message, with its own type and title.
#[derive(Clone, PartialEq, Eq)]
struct Entry {
    file_name: String,
    pdf: Vec<u8>,
    kind: Option<&'static DocumentType>,
    title: String,
}

/// The documents being attached and their patient, as typed.
#[derive(Clone, PartialEq, Eq)]
pub struct DocumentForm {
    entries: Vec<Entry>,
    patient: PatientForm,
    ins_kind: InsKind,
    identifier: Identifier,
    local_id: String,
    authority: String,
    unqualified_confirmed: bool,
}

impl fmt::Debug for DocumentForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the patient: it is health data.
        let kinds: Vec<_> = self
            .entries
            .iter()
            .map(|entry| entry.kind.map(|kind| &kind.code))
            .collect();
        f.debug_struct("DocumentForm")
            .field("kinds", &kinds)
            .finish_non_exhaustive()
    }
}

impl DocumentForm {
    /// A form for this PDF; `matricule` from the patient the message goes to, when it does.
    pub fn new(file_name: String, pdf: Vec<u8>, matricule: Option<String>) -> Self {
        let mut form = Self {
            entries: Vec::new(),
            patient: PatientForm {
                matricule: matricule.unwrap_or_default(),
                ..PatientForm::default()
            },
            ins_kind: InsKind::Nir,
            identifier: Identifier::Ins,
            local_id: String::new(),
            authority: String::new(),
            unqualified_confirmed: false,
        };
        form.add(file_name, pdf);
        form
    }

    /// Another PDF about the same patient, with a type and title of its own.
    pub fn add(&mut self, file_name: String, pdf: Vec<u8>) {
        self.entries.push(Entry {
            file_name,
            pdf,
            kind: None,
            title: String::new(),
        });
    }

    /// The PDFs' names, in the order they leave (the first names the message).
    pub fn file_names(&self) -> Vec<&str> {
        self.entries
            .iter()
            .map(|entry| entry.file_name.as_str())
            .collect()
    }

    pub fn update(&mut self, message: Message) -> Outcome {
        let patient = &mut self.patient;
        match message {
            Message::Type(index, choice) => {
                if let Some(entry) = self.entries.get_mut(index) {
                    entry.kind = Some(choice.value);
                }
            }
            Message::Title(index, value) => {
                if let Some(entry) = self.entries.get_mut(index) {
                    entry.title = value;
                }
            }
            Message::Matricule(value) => patient.matricule = value,
            Message::BirthName(value) => patient.birth_name = value,
            Message::FirstNames(value) => patient.first_names = value,
            Message::BirthDate(value) => patient.birth_date = value,
            Message::Sex(choice) => patient.sex = Some(choice.value),
            Message::Status(choice) => patient.status = Some(choice.value),
            Message::InsKind(choice) => self.ins_kind = choice.value,
            Message::Identifier(choice) => self.identifier = choice.value,
            Message::LocalId(value) => self.local_id = value,
            Message::Authority(value) => self.authority = value,
            Message::UnqualifiedConfirmed(confirmed) => self.unqualified_confirmed = confirmed,
            Message::Remove(index) => {
                if index < self.entries.len() {
                    self.entries.remove(index);
                }
                if self.entries.is_empty() {
                    return Outcome::Emptied;
                }
            }
            Message::AddAnother => return Outcome::PickAnother,
        }
        Outcome::Edited
    }

    /// The documents ready to leave, in the order they were added, or every sentence saying
    /// what to fix first.
    pub fn documents(&self, i18n: &I18n) -> Result<Vec<HealthDocument>, Vec<String>> {
        let mut problems = Vec::new();
        let patient = match self.identifier {
            Identifier::Ins => {
                let review = Review::of(&self.patient);
                problems.extend(
                    review
                        .refusals
                        .iter()
                        .map(|refusal| refusal_sentence(i18n, refusal, &self.patient)),
                );
                review
                    .patient
                    .map(|patient| Patient::with_ins(patient.ins, self.ins_kind, patient.identity))
            }
            Identifier::Local => self.locally_named(i18n, &mut problems),
        };
        for entry in self.entries.iter().filter(|entry| entry.kind.is_none()) {
            problems.push(i18n.t_args(
                "document-form-no-type-of",
                crate::args!["file" => entry.file_name.clone()],
            ));
        }
        let Some(patient) = patient.filter(|_| problems.is_empty()) else {
            return Err(problems);
        };
        Ok(self
            .entries
            .iter()
            .filter_map(|entry| {
                Some(HealthDocument {
                    file_name: entry.file_name.clone(),
                    pdf: entry.pdf.clone(),
                    type_code: entry.kind?.code.clone(),
                    title: Some(entry.title.trim().to_owned()).filter(|title| !title.is_empty()),
                    patient: patient.clone(),
                })
            })
            .collect())
    }

    /// Whether the person confirmed sending with an identity that is not qualified (the use
    /// case refuses such documents without it).
    pub fn unqualified_identity_confirmed(&self) -> bool {
        self.identifier == Identifier::Local && self.unqualified_confirmed
    }

    /// The patient named by the structure's local identifier, with the identity as typed (not
    /// qualified: provisional unless another status was chosen); what is missing in `problems`.
    fn locally_named(&self, i18n: &I18n, problems: &mut Vec<String>) -> Option<Patient> {
        let typed = &self.patient;
        let local = LocalId::new(&self.local_id, &self.authority)
            .map_err(|error| problems.push(error.localize(i18n)))
            .ok();
        if typed.birth_name.trim().is_empty() || typed.first_names.trim().is_empty() {
            problems.push(i18n.t("health-document-incomplete-identity"));
        }
        let birth_date = match BirthDateReading::of(&typed.birth_date) {
            BirthDateReading::Valid(date) => Some(date),
            _ => {
                problems.push(i18n.t("document-form-bad-birth-date"));
                None
            }
        };
        if typed.sex.is_none() {
            problems.push(i18n.t("document-form-no-sex"));
        }
        Some(Patient {
            id: PatientId::Local(local?),
            identity: Identity {
                birth_name: typed.birth_name.trim().to_owned(),
                first_names: typed
                    .first_names
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
                birth_date: birth_date?,
                sex: typed.sex?,
                status: typed.status.unwrap_or(IdentityStatus::Provisional),
            },
        })
    }

    pub fn identifier_choices(i18n: &I18n) -> Vec<Choice<Identifier>> {
        [
            (Identifier::Ins, "document-form-by-ins"),
            (Identifier::Local, "document-form-by-local-id"),
        ]
        .into_iter()
        .map(|(value, id)| Choice::new(value, i18n.t(id)))
        .collect()
    }

    /// The document types Pli ships, as the type list offers them.
    pub fn type_choices() -> Vec<Choice<&'static DocumentType>> {
        build::document_types()
            .iter()
            .map(|kind| Choice::new(kind, format!("{} ({})", kind.display_name, kind.code)))
            .collect()
    }

    pub fn sex_choices(i18n: &I18n) -> Vec<Choice<Sex>> {
        [(Sex::Female, "ins-sex-female"), (Sex::Male, "ins-sex-male")]
            .into_iter()
            .map(|(value, id)| Choice::new(value, i18n.t(id)))
            .collect()
    }

    pub fn status_choices(i18n: &I18n) -> Vec<Choice<IdentityStatus>> {
        STATUSES
            .into_iter()
            .map(|value| Choice::new(value, status_label(i18n, value)))
            .collect()
    }

    pub fn ins_kind_choices(i18n: &I18n) -> Vec<Choice<InsKind>> {
        [
            (InsKind::Nir, "document-form-ins-nir"),
            (InsKind::Nia, "document-form-ins-nia"),
        ]
        .into_iter()
        .map(|(value, id)| Choice::new(value, i18n.t(id)))
        .collect()
    }

    pub fn view<'a>(&'a self, i18n: &'a I18n) -> Element<'a, Message> {
        let t = |id: &str| i18n.t(id);
        let sexes = Self::sex_choices(i18n);
        let selected_sex = sexes
            .iter()
            .find(|choice| Some(choice.value) == self.patient.sex)
            .cloned();
        let statuses = Self::status_choices(i18n);
        let selected_status = statuses
            .iter()
            .find(|choice| Some(choice.value) == self.patient.status)
            .cloned();
        let ins_kinds = Self::ins_kind_choices(i18n);
        let selected_ins_kind = ins_kinds
            .iter()
            .find(|choice| choice.value == self.ins_kind)
            .cloned();
        let labelled = |label: String, input: Element<'a, Message>| -> Element<'a, Message> {
            row![
                text(label)
                    .size(theme::SMALL_SIZE)
                    .style(text::secondary)
                    .width(Length::Fixed(150.0)),
                input
            ]
            .spacing(8)
            .align_y(Alignment::Center)
            .into()
        };
        let input = |id: &'static str, value: &str, on_input: fn(String) -> Message| {
            text_input("", value)
                .id(id)
                .on_input(on_input)
                .padding(4)
                .size(theme::SMALL_SIZE)
                .into()
        };
        let mut fields = column![].spacing(6);
        for (index, entry) in self.entries.iter().enumerate() {
            let kinds = Self::type_choices();
            let selected_kind = kinds
                .iter()
                .find(|choice| Some(choice.value) == entry.kind)
                .cloned();
            let heading = row![
                text(t("document-card-badge"))
                    .size(theme::TINY_SIZE)
                    .font(theme::SEMIBOLD)
                    .style(markers::tone_text(Tone::Patient)),
                text(entry.file_name.as_str()).size(theme::SMALL_SIZE),
                iced::widget::Space::new().width(Length::Fill),
                button(text(t("document-form-remove")).size(theme::SMALL_SIZE))
                    .padding([2, 8])
                    .style(button::text)
                    .on_press(Message::Remove(index)),
            ]
            .spacing(8)
            .align_y(Alignment::Center);
            if index > 0 {
                // Each document its own block: a gap says where the next one starts.
                fields = fields.push(iced::widget::Space::new().height(Length::Fixed(6.0)));
            }
            fields = fields.push(heading).push(labelled(
                t("document-form-type"),
                pick_list(kinds, selected_kind, move |choice| {
                    Message::Type(index, choice)
                })
                .text_size(theme::SMALL_SIZE)
                .width(Length::Fill)
                .into(),
            ));
            fields = fields.push(labelled(
                t("document-form-title"),
                text_input("", &entry.title)
                    .id(field::title(index))
                    .on_input(move |value| Message::Title(index, value))
                    .padding(4)
                    .size(theme::SMALL_SIZE)
                    .into(),
            ));
        }
        let identifiers = Self::identifier_choices(i18n);
        let selected_identifier = identifiers
            .iter()
            .find(|choice| choice.value == self.identifier)
            .cloned();
        let mut patient = column![
            text(t("document-form-patient"))
                .size(theme::SMALL_SIZE)
                .font(theme::SEMIBOLD),
            labelled(
                t("document-form-identifier"),
                pick_list(identifiers, selected_identifier, Message::Identifier)
                    .text_size(theme::SMALL_SIZE)
                    .into()
            ),
        ]
        .spacing(6);
        patient = match self.identifier {
            Identifier::Ins => patient
                .push(labelled(
                    t("ins-label-matricule"),
                    input(
                        field::MATRICULE,
                        &self.patient.matricule,
                        Message::Matricule,
                    ),
                ))
                .push(labelled(
                    t("document-form-ins-kind"),
                    pick_list(ins_kinds, selected_ins_kind, Message::InsKind)
                        .text_size(theme::SMALL_SIZE)
                        .into(),
                )),
            Identifier::Local => patient
                .push(labelled(
                    t("document-form-local-id"),
                    input(field::LOCAL_ID, &self.local_id, Message::LocalId),
                ))
                .push(labelled(
                    t("document-form-authority"),
                    input(field::AUTHORITY, &self.authority, Message::Authority),
                )),
        };
        let patient = patient.push(
            column![
                labelled(
                    t("patient-birth-name"),
                    input(
                        field::BIRTH_NAME,
                        &self.patient.birth_name,
                        Message::BirthName
                    )
                ),
                labelled(
                    t("patient-first-names"),
                    input(
                        field::FIRST_NAMES,
                        &self.patient.first_names,
                        Message::FirstNames
                    )
                ),
                labelled(
                    t("patient-birth-date"),
                    input(
                        field::BIRTH_DATE,
                        &self.patient.birth_date,
                        Message::BirthDate
                    )
                ),
                labelled(
                    t("ins-label-sex"),
                    pick_list(sexes, selected_sex, Message::Sex)
                        .text_size(theme::SMALL_SIZE)
                        .into()
                ),
                labelled(
                    t("patient-status"),
                    pick_list(statuses, selected_status, Message::Status)
                        .text_size(theme::SMALL_SIZE)
                        .into()
                ),
            ]
            .spacing(6),
        );
        let patient = if self.identifier == Identifier::Local {
            patient.push(
                checkbox(self.unqualified_confirmed)
                    .label(t("document-form-unqualified-confirm"))
                    .text_size(theme::SMALL_SIZE)
                    .on_toggle(Message::UnqualifiedConfirmed),
            )
        } else {
            patient
        };
        // The confirmation right under the identity it is about, then the next document.
        let patient = patient.push(row![button(
            text(t("document-form-add")).size(theme::SMALL_SIZE)
        )
        .style(theme::action)
        .on_press(Message::AddAnother)]);
        let patient = patient.push(
            text(t("document-form-explained"))
                .size(theme::SMALL_SIZE)
                .style(text::secondary),
        );
        let fields = fields
            .push(iced::widget::Space::new().height(Length::Fixed(6.0)))
            .push(patient);
        container(fields)
            .padding(10)
            .width(Length::Fill)
            .style(markers::card)
            .into()
    }
}
