//! The patients among the recipients (ECO.2.2.6, ECO.3.1.5): whoever put a patient's address in
//! the message — typed, pasted, picked from completion, brought by a reply to all — the composer
//! shows what each matricule says (sex, birth month and year) and asks the professional to
//! confirm the patient's identity before the message leaves. The core refuses the message to a
//! patient without that confirmation (`usecase::outbox::send`), so the rule holds whatever the
//! window shows. "Écrire à un patient" confirms it on its own screen, against the identity.

use super::*;
use iced::widget::{button, checkbox, column, container, row, text, Space};

impl Composer {
    /// The patients among the recipients, as the core counts them.
    pub fn patients(&self) -> Vec<Ins> {
        outbox::patient_recipients(&Draft {
            to: addresses(&self.to),
            cc: addresses(&self.cc),
            ..Draft::default()
        })
    }

    /// Whether the professional confirmed the identity of every patient among the recipients
    /// now (a patient added after the confirmation is not confirmed).
    pub fn patients_confirmed(&self) -> bool {
        self.patients()
            .iter()
            .all(|patient| self.confirmed_patients.contains(patient))
    }

    /// The identity of `patient` was checked against the matricule and confirmed ("Écrire à
    /// un patient").
    pub fn identity_confirmed(&mut self, patient: Ins) {
        if !self.confirmed_patients.contains(&patient) {
            self.confirmed_patients.push(patient);
        }
    }

    /// The professional ticked (or unticked) "J'ai vérifié l'identité" for the patients shown.
    pub(super) fn confirm_patients(&mut self, confirmed: bool) {
        if confirmed {
            for patient in self.patients() {
                self.identity_confirmed(patient);
            }
        } else {
            self.confirmed_patients.clear();
        }
    }

    /// Under the recipients: what each patient's matricule says, and the confirmation.
    pub(super) fn identity_bar<'a>(&self, i18n: &I18n) -> Option<Element<'a, Message>> {
        let patients = self.patients();
        if patients.is_empty() {
            return None;
        }
        let confirmed = self.patients_confirmed();
        let mut lines = column![text(i18n.t("composer-patient-identity-title"))
            .size(theme::SMALL_SIZE)
            .font(theme::SEMIBOLD)]
        .spacing(4);
        for (index, patient) in patients.iter().enumerate() {
            lines = lines.push(
                row![
                    text(crate::messages::patient_reading(patient, i18n)).size(theme::SMALL_SIZE),
                    button(text(i18n.t("composer-patient-identity-check")).size(theme::SMALL_SIZE))
                        .padding([2, 8])
                        .style(theme::action)
                        .on_press(Message::CheckIdentity(index)),
                ]
                .spacing(10)
                .align_y(Alignment::Center),
            );
        }
        lines = lines.push(
            text(i18n.t("composer-patient-identity-explain"))
                .size(theme::SMALL_SIZE)
                .style(text::secondary),
        );
        lines = lines.push(
            checkbox(confirmed)
                .label(i18n.t("composer-patient-identity-confirm"))
                .text_size(theme::SMALL_SIZE)
                .on_toggle(Message::ConfirmPatients),
        );
        Some(
            row![
                Space::new().width(Length::Fixed(FIELD_INDENT)),
                container(lines)
                    .padding(10)
                    .width(Length::Fill)
                    .style(theme::card)
            ]
            .into(),
        )
    }
}
