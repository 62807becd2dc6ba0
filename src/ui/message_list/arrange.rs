//! The folder's list sorted by date, by the patient or by the type of its health documents, and
//! filtered to one type, one patient, or what is not filed yet (issue 12): what a doctor or a
//! secretary sorting the morning's documents asks of the list. The values offered are those of
//! the folder's documents; the query is the core's (`usecase::message_list`), a window at a
//! time, so a big box stays as quick as the plain list.

use super::*;
use crate::ui::widget::Choice;
use iced::widget::{button, checkbox, column, pick_list, row, text, Space};

/// A change of the list's sort or filters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arrange {
    Order(ListOrder),
    /// Only the messages with a document of this type (its code); `None`: every type.
    DocumentType(Option<String>),
    /// Only the messages with a document about this patient; `None`: every patient.
    Patient(Option<PatientChoice>),
    /// Only the messages with a document not filed in a patient's file.
    UnfiledOnly(bool),
    /// Every filter off (the sort stays).
    ClearFilters,
}

impl MessageList {
    /// The list's sort and filters.
    pub fn arrangement(&self) -> &ListArrangement {
        &self.arrangement
    }

    /// The document types and patients of the folder, as the filters offer them.
    pub fn document_choices(&self) -> &DocumentChoices {
        &self.choices
    }

    pub(super) fn read_choices(&mut self, store: &Store, folder: i64) {
        match listing::choices(store, folder, &self.arrangement) {
            Ok(choices) => self.choices = choices,
            Err(error) => self.problem = Some(error.to_string()),
        }
    }

    pub(super) fn arrange(&mut self, change: Arrange, store: Option<&Store>) -> Action {
        let arrangement = &mut self.arrangement;
        match change {
            Arrange::Order(order) => arrangement.order = order,
            Arrange::DocumentType(key) => arrangement.document_type = key,
            Arrange::Patient(patient) => arrangement.patient = patient,
            Arrange::UnfiledOnly(only) => arrangement.unfiled_only = only,
            Arrange::ClearFilters => {
                *arrangement = ListArrangement {
                    order: arrangement.order,
                    ..ListArrangement::default()
                }
            }
        }
        // The top of the new list; the selected message stays selected if it is on screen.
        self.window.offset = 0;
        if let Some(store) = store {
            self.refresh(store);
        }
        Action::None
    }

    /// Whether the bar shows: a folder (not a search) holding documents, or arranged.
    fn arranges(&self) -> bool {
        !self.search.is_active()
            && self.current.is_some()
            && (!self.choices.types.is_empty()
                || !self.choices.patients.is_empty()
                || !self.arrangement.is_plain())
    }

    /// The sort, the filters offered, and what is active with a way to clear it.
    pub(super) fn arrange_view<'a>(&'a self, i18n: &'a I18n) -> Option<Element<'a, Message>> {
        if !self.arranges() {
            return None;
        }
        let arrangement = &self.arrangement;
        let orders: Vec<Choice<ListOrder>> = [
            (ListOrder::Date, "list-sort-date"),
            (ListOrder::Patient, "list-sort-patient"),
            (ListOrder::DocumentType, "list-sort-type"),
        ]
        .into_iter()
        .map(|(order, label)| Choice::new(order, i18n.t(label)))
        .collect();
        let order = orders
            .iter()
            .find(|choice| choice.value == arrangement.order)
            .cloned();
        let types: Vec<Choice<Option<String>>> =
            std::iter::once(Choice::new(None, i18n.t("list-filter-every-type")))
                .chain(
                    self.choices
                        .types
                        .iter()
                        .map(|choice| Choice::new(Some(choice.key.clone()), choice.label.clone())),
                )
                .collect();
        let document_type = types
            .iter()
            .find(|choice| choice.value == arrangement.document_type)
            .cloned();
        let patients: Vec<Choice<Option<PatientChoice>>> =
            std::iter::once(Choice::new(None, i18n.t("list-filter-every-patient")))
                .chain(self.choices.patients.iter().map(|patient| {
                    Choice::new(Some(patient.clone()), patient_label(patient, i18n))
                }))
                .collect();
        let patient = patients
            .iter()
            .find(|choice| choice.value == arrangement.patient)
            .cloned();

        let sort_line = row![
            text(i18n.t("list-sort")).size(theme::SMALL_SIZE),
            pick_list(orders, order, |choice| {
                Message::Arrange(Arrange::Order(choice.value))
            })
            .text_size(theme::SMALL_SIZE)
            .padding([3, 6]),
            Space::new().width(Length::Fill),
            checkbox(arrangement.unfiled_only)
                .label(i18n.t("list-filter-unfiled"))
                .text_size(theme::SMALL_SIZE)
                .on_toggle(|only| Message::Arrange(Arrange::UnfiledOnly(only))),
        ]
        .spacing(6)
        .align_y(Alignment::Center);
        let filter_line = row![
            pick_list(types, document_type, |choice| {
                Message::Arrange(Arrange::DocumentType(choice.value))
            })
            .text_size(theme::SMALL_SIZE)
            .padding([3, 6])
            .width(Length::FillPortion(1)),
            pick_list(patients, patient, |choice| {
                Message::Arrange(Arrange::Patient(choice.value))
            })
            .text_size(theme::SMALL_SIZE)
            .padding([3, 6])
            .width(Length::FillPortion(1)),
        ]
        .spacing(6);
        let mut bar = column![sort_line, filter_line].spacing(6);
        if arrangement.filters() {
            bar = bar.push(
                row![
                    text(i18n.t_args(
                        "list-filter-active",
                        args!["filters" => self.active_filters(i18n)]
                    ))
                    .size(theme::SMALL_SIZE)
                    .font(theme::SEMIBOLD)
                    .style(markers::tone_text(Tone::Notice))
                    .width(Length::Fill),
                    button(text(i18n.t("list-filter-clear")).size(theme::SMALL_SIZE))
                        .padding([4, 10])
                        .style(theme::action)
                        .on_press(Message::Arrange(Arrange::ClearFilters)),
                ]
                .spacing(6)
                .align_y(Alignment::Center),
            );
        }
        Some(bar.into())
    }

    /// The active filters in words: "CR d'imagerie · MARTIN Paul · à classer".
    fn active_filters(&self, i18n: &I18n) -> String {
        let arrangement = &self.arrangement;
        let document_type = arrangement.document_type.as_ref().map(|key| {
            self.choices
                .types
                .iter()
                .find(|choice| &choice.key == key)
                .map_or_else(|| key.clone(), |choice| choice.label.clone())
        });
        let patient = arrangement
            .patient
            .as_ref()
            .map(|patient| patient_label(patient, i18n));
        let unfiled = arrangement
            .unfiled_only
            .then(|| i18n.t("list-document-unfiled"));
        [document_type, patient, unfiled]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

/// A patient as the filter offers them: by name, said when no INS identifies them.
fn patient_label(patient: &PatientChoice, i18n: &I18n) -> String {
    match patient.ins {
        Some(_) => patient.name.clone(),
        None => i18n.t_args("list-filter-no-ins", args!["name" => patient.name.clone()]),
    }
}
