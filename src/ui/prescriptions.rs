//! "Ordonnances": a pharmacy box's virtual folder, every digital prescription patients sent it,
//! whichever folder the message sits in, newest first. A pharmacist works from this list, not
//! from the inbox where prescriptions mix with the orders of the nursing homes.

use chrono::Local;
use iced::widget::{button, column, container, row, scrollable, text, Space};
use iced::{Alignment, Element, Length};

use super::correspondent::{display_name, Correspondent};
use super::message_list::MessageRef;
use super::{format, markers, theme};
use crate::i18n::I18n;
use pli_core::mail::keywords::{prescription_state, PrescriptionState};
use pli_core::usecase::handling::{handling_list, HandlingView};

/// The most messages a handling list shows (the newest).
const HANDLING_ROWS: usize = 500;
use pli_core::mail::store::{Envelope, PatientKind, Store};

/// The prescriptions of one box, as read from the store when the folder is opened.
#[derive(Debug, Clone)]
pub struct Prescriptions {
    account: String,
    /// `None`: the pharmacy's "Ordonnances"; else a shared box's handling list.
    handling: Option<HandlingView>,
    rows: Vec<(MessageRef, Envelope)>,
    /// Each row's step at the counter (reçue → en préparation → prête → délivrée), as the
    /// server's keywords say: the counter's workstations agree.
    steps: Vec<PrescriptionState>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Open(usize),
    Close,
}

impl Prescriptions {
    /// The box listed.
    pub fn account(&self) -> &str {
        &self.account
    }

    /// Which handling list this is, if it is one rather than a pharmacy's "Ordonnances".
    pub fn handling_view(&self) -> Option<HandlingView> {
        self.handling
    }

    pub fn rows(&self) -> &[(MessageRef, Envelope)] {
        &self.rows
    }

    /// Reads the box's prescriptions; a folder the store no longer knows is skipped.
    pub fn read(store: &Store, account: &str) -> Result<Self, String> {
        let found = store
            .patient_messages(account, PatientKind::Prescription)
            .map_err(|error| error.to_string())?;
        let mut rows = Vec::with_capacity(found.len());
        let mut steps = Vec::with_capacity(found.len());
        for (folder_name, envelope) in found {
            let Ok(Some(folder)) = store.folder(account, &folder_name) else {
                continue;
            };
            steps.push(prescription_state(
                &store.keywords(folder.id, envelope.uid).unwrap_or_default(),
            ));
            rows.push((
                MessageRef {
                    account: account.to_string(),
                    folder,
                    uid: envelope.uid,
                },
                envelope,
            ));
        }
        Ok(Self {
            account: account.to_string(),
            handling: None,
            rows,
            steps,
        })
    }

    /// "À traiter", "Pris en charge par moi" or "Traités" of a shared box, for `person`.
    pub fn handling(
        store: &Store,
        account: &str,
        view: HandlingView,
        person: &str,
    ) -> Result<Self, String> {
        let found = handling_list(store, account, view, person, HANDLING_ROWS)
            .map_err(|error| error.to_string())?;
        let rows: Vec<_> = found
            .into_iter()
            .map(|(folder, envelope)| {
                (
                    MessageRef {
                        account: account.to_string(),
                        folder,
                        uid: envelope.uid,
                    },
                    envelope,
                )
            })
            .collect();
        Ok(Self {
            account: account.to_string(),
            handling: Some(view),
            steps: Vec::new(),
            rows,
        })
    }

    pub fn view<'a>(&'a self, i18n: &'a I18n, opened: Option<&MessageRef>) -> Element<'a, Message> {
        let title = match self.handling {
            None => "prescriptions-folder",
            Some(HandlingView::ToHandle) => "handling-view-to-handle-of",
            Some(HandlingView::Mine) => "handling-view-mine-of",
            Some(HandlingView::Handled) => "handling-view-handled-of",
        };
        let header = row![
            text(i18n.t_args(title, crate::args!["name" => self.account.clone()]))
                .size(theme::HEADING_SIZE)
                .font(theme::SEMIBOLD),
            Space::new().width(Length::Fill),
            button(text(i18n.t("prescriptions-close")).size(theme::SMALL_SIZE))
                .style(theme::action)
                .on_press(Message::Close),
        ]
        .align_y(Alignment::Center);
        let mut list = column![].spacing(2);
        if self.rows.is_empty() {
            let none = if self.handling.is_some() {
                "handling-view-none"
            } else {
                "prescriptions-none"
            };
            list = list.push(text(i18n.t(none)).style(text::secondary));
        }
        let now = Local::now();
        for (index, (reference, envelope)) in self.rows.iter().enumerate() {
            // A patient is named by name and INS, never by the raw address (ECO.3.1.2).
            let who = match Correspondent::of(&envelope.from_address) {
                Correspondent::Patient(ins) => {
                    let name = envelope.from_name.trim();
                    markers::patient_marker_detail(i18n, &ins, Some(name))
                        .trim_start_matches("· ")
                        .to_string()
                }
                _ => display_name(&envelope.from_name, &envelope.from_address).to_string(),
            };
            let selected = opened == Some(reference);
            let step = self.steps.get(index).copied();
            list = list.push(
                button(
                    column![
                        row![
                            text(who).font(theme::SEMIBOLD).width(Length::Fill),
                            text(step.map_or_else(String::new, |step| {
                                i18n.t(&format!("prescription-state-{}", step.as_str()))
                            }))
                            .size(theme::SMALL_SIZE)
                            .color(theme::SUCCESS),
                            text(format::list_date(envelope.date, now)).size(theme::SMALL_SIZE),
                        ]
                        .spacing(8),
                        text(envelope.subject.as_str()).size(theme::SMALL_SIZE),
                    ]
                    .spacing(2),
                )
                .width(Length::Fill)
                .padding([6, 10])
                .style(move |theme: &iced::Theme, status| {
                    super::directory::row_style(theme, status, selected)
                })
                .on_press(Message::Open(index)),
            );
        }
        container(column![header, scrollable(list).height(Length::Fill)].spacing(10))
            .padding(12)
            .height(Length::Fill)
            .into()
    }
}
