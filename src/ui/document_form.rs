//! "Joindre un document de santé" in the composer: a PDF, its type from the CI-SIS value set
//! Pli ships, its title, and the patient it is about — the matricule INS and the identity,
//! checked exactly as "Écrire à un patient" checks them (a document leaves only with a
//! qualified identity that is the matricule's). The message is then sent through
//! `usecase::health_document::send`: the archive, the same PDF beside it, the ECO.2.1.3
//! subject and the `X-MSS-*` headers.

use std::fmt;

use iced::widget::{button, column, container, pick_list, row, text, text_input};
use iced::{Alignment, Element, Length};

use super::markers::{self, Tone};
use super::patient::{refusal_sentence, status_label, PatientForm, Review, STATUSES};
use super::theme;
use super::widget::Choice;
use crate::i18n::I18n;
use pli_core::mssante::ins::{IdentityStatus, Sex};
use pli_core::usecase::health_document::HealthDocument;
use pli_core::xdm::build::{self, DocumentType, InsKind, Patient};

/// The fields' ids, for focus and the tests.
pub mod field {
    pub const TITLE: &str = "document-title";
    pub const MATRICULE: &str = "document-matricule";
    pub const BIRTH_NAME: &str = "document-birth-name";
    pub const FIRST_NAMES: &str = "document-first-names";
    pub const BIRTH_DATE: &str = "document-birth-date";
}

#[derive(Debug, Clone)]
pub enum Message {
    Type(Choice<&'static DocumentType>),
    Title(String),
    Matricule(String),
    BirthName(String),
    FirstNames(String),
    BirthDate(String),
    Sex(Choice<Sex>),
    Status(Choice<IdentityStatus>),
    /// Whether the matricule is a NIR or an NIA (the OID the INSi service gave with it).
    InsKind(Choice<InsKind>),
    Remove,
}

/// The document being attached, as typed.
#[derive(Clone, PartialEq, Eq)]
pub struct DocumentForm {
    file_name: String,
    pdf: Vec<u8>,
    kind: Option<&'static DocumentType>,
    title: String,
    patient: PatientForm,
    ins_kind: InsKind,
}

impl fmt::Debug for DocumentForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the patient: it is health data.
        f.debug_struct("DocumentForm")
            .field("kind", &self.kind.map(|kind| &kind.code))
            .finish_non_exhaustive()
    }
}

impl DocumentForm {
    /// A form for this PDF; `matricule` from the patient the message goes to, when it does.
    pub fn new(file_name: String, pdf: Vec<u8>, matricule: Option<String>) -> Self {
        Self {
            file_name,
            pdf,
            kind: None,
            title: String::new(),
            patient: PatientForm {
                matricule: matricule.unwrap_or_default(),
                ..PatientForm::default()
            },
            ins_kind: InsKind::Nir,
        }
    }

    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// Returns true when the person removed the document.
    pub fn update(&mut self, message: Message) -> bool {
        let patient = &mut self.patient;
        match message {
            Message::Type(choice) => self.kind = Some(choice.value),
            Message::Title(value) => self.title = value,
            Message::Matricule(value) => patient.matricule = value,
            Message::BirthName(value) => patient.birth_name = value,
            Message::FirstNames(value) => patient.first_names = value,
            Message::BirthDate(value) => patient.birth_date = value,
            Message::Sex(choice) => patient.sex = Some(choice.value),
            Message::Status(choice) => patient.status = Some(choice.value),
            Message::InsKind(choice) => self.ins_kind = choice.value,
            Message::Remove => return true,
        }
        false
    }

    /// The document ready to leave, or every sentence saying what to fix first.
    pub fn document(&self, i18n: &I18n) -> Result<HealthDocument, Vec<String>> {
        let review = Review::of(&self.patient);
        let mut problems: Vec<String> = review
            .refusals
            .iter()
            .map(|refusal| refusal_sentence(i18n, refusal, &self.patient))
            .collect();
        if self.kind.is_none() {
            problems.push(i18n.t("document-form-no-type"));
        }
        match (review.patient, self.kind, problems.is_empty()) {
            (Some(patient), Some(kind), true) => Ok(HealthDocument {
                file_name: self.file_name.clone(),
                pdf: self.pdf.clone(),
                type_code: kind.code.clone(),
                title: Some(self.title.trim().to_owned()).filter(|title| !title.is_empty()),
                patient: Patient {
                    ins: patient.ins,
                    kind: self.ins_kind,
                    identity: patient.identity,
                },
            }),
            _ => Err(problems),
        }
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
        let kinds = Self::type_choices();
        let selected_kind = kinds
            .iter()
            .find(|choice| Some(choice.value) == self.kind)
            .cloned();
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
        let heading = row![
            text(t("document-card-badge"))
                .size(theme::TINY_SIZE)
                .font(theme::SEMIBOLD)
                .style(markers::tone_text(Tone::Patient)),
            text(self.file_name.as_str()).size(theme::SMALL_SIZE),
            iced::widget::Space::new().width(Length::Fill),
            button(text(t("document-form-remove")).size(theme::SMALL_SIZE))
                .padding([2, 8])
                .style(button::text)
                .on_press(Message::Remove),
        ]
        .spacing(8)
        .align_y(Alignment::Center);
        let fields = column![
            heading,
            labelled(
                t("document-form-type"),
                pick_list(kinds, selected_kind, Message::Type)
                    .text_size(theme::SMALL_SIZE)
                    .width(Length::Fill)
                    .into()
            ),
            labelled(
                t("document-form-title"),
                input(field::TITLE, &self.title, Message::Title)
            ),
            labelled(
                t("ins-label-matricule"),
                input(
                    field::MATRICULE,
                    &self.patient.matricule,
                    Message::Matricule
                )
            ),
            labelled(
                t("document-form-ins-kind"),
                pick_list(ins_kinds, selected_ins_kind, Message::InsKind)
                    .text_size(theme::SMALL_SIZE)
                    .into()
            ),
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
            text(t("document-form-explained"))
                .size(theme::SMALL_SIZE)
                .style(text::secondary),
        ]
        .spacing(6);
        container(fields)
            .padding(10)
            .width(Length::Fill)
            .style(markers::card)
            .into()
    }
}
