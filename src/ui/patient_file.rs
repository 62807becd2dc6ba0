//! "Dossier du patient": every message and health document about one INS, across all the boxes,
//! newest first, read from the store (it works offline). A document replaced by a newer version
//! stays listed, as replaced; filed and unfiled documents are told apart. A line opens its
//! message.

use iced::widget::{button, column, container, row, scrollable, text, Space};
use iced::{Alignment, Element, Length};

use super::markers::{self, Tone};
use super::message_list::MessageRef;
use super::{format, theme};
use crate::args;
use crate::documents;
use crate::i18n::I18n;
use crate::messages::patient_id_kind;
use pli_core::mssante::ins::Ins;
use pli_core::usecase::patient_file::{FileEntry, PatientFile};

#[derive(Debug, Clone, Default)]
pub enum PatientFileScreen {
    #[default]
    Closed,
    Loading(Ins),
    Ready(PatientFile),
    Failed(Ins, String),
}

#[derive(Debug, Clone)]
pub enum Message {
    Loaded(Result<PatientFile, String>),
    /// The entry at this rank was chosen: open its message.
    Open(usize),
    Back,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    None,
    Open(MessageRef),
    Back,
}

impl PatientFileScreen {
    pub fn loading(ins: Ins) -> Self {
        PatientFileScreen::Loading(ins)
    }

    /// The file on screen, once read.
    pub fn file(&self) -> Option<&PatientFile> {
        match self {
            PatientFileScreen::Ready(file) => Some(file),
            _ => None,
        }
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Loaded(result) => {
                let ins = match std::mem::take(self) {
                    PatientFileScreen::Loading(ins) => ins,
                    // An answer for a file that was left meanwhile.
                    other => {
                        *self = other;
                        return Action::None;
                    }
                };
                *self = match result {
                    Ok(file) if file.ins == ins => PatientFileScreen::Ready(file),
                    Ok(_) => PatientFileScreen::Loading(ins),
                    Err(reason) => PatientFileScreen::Failed(ins, reason),
                };
                Action::None
            }
            Message::Open(rank) => {
                let Some(entry) = self.file().and_then(|file| file.entries.get(rank)) else {
                    return Action::None;
                };
                let (folder, uid) = match entry {
                    FileEntry::Document { document, .. } => (document.folder.clone(), document.uid),
                    FileEntry::Message { folder, envelope } => (folder.clone(), envelope.uid),
                };
                Action::Open(MessageRef {
                    account: folder.account.clone(),
                    folder,
                    uid,
                })
            }
            Message::Back => Action::Back,
        }
    }

    pub fn view<'a>(&'a self, i18n: &'a I18n) -> Element<'a, Message> {
        let ins = match self {
            PatientFileScreen::Closed => None,
            PatientFileScreen::Loading(ins) | PatientFileScreen::Failed(ins, _) => Some(ins),
            PatientFileScreen::Ready(file) => Some(&file.ins),
        };
        let title = match ins {
            Some(ins) => i18n.t_args("patient-file-title", args!["ins" => ins.grouped()]),
            None => i18n.t("patient-file-title-none"),
        };
        let bar = row![
            button(text(i18n.t("composer-back")).size(theme::SMALL_SIZE))
                .style(button::text)
                .on_press(Message::Back),
            text(title).size(theme::HEADING_SIZE).font(theme::SEMIBOLD),
        ]
        .spacing(10)
        .align_y(Alignment::Center);
        let body: Element<'a, Message> = match self {
            PatientFileScreen::Closed | PatientFileScreen::Loading(_) => {
                text(i18n.t("patient-file-loading"))
                    .size(theme::BODY_SIZE)
                    .style(text::secondary)
                    .into()
            }
            PatientFileScreen::Failed(_, reason) => markers::note(Tone::Danger, reason.clone()),
            PatientFileScreen::Ready(file) if file.entries.is_empty() => {
                text(i18n.t("patient-file-empty"))
                    .size(theme::BODY_SIZE)
                    .style(text::secondary)
                    .into()
            }
            PatientFileScreen::Ready(file) => {
                let lines = file
                    .entries
                    .iter()
                    .enumerate()
                    .map(|(rank, entry)| line(rank, entry, i18n));
                scrollable(column(lines).spacing(6))
                    .height(Length::Fill)
                    .into()
            }
        };
        let who = self.file().and_then(|file| {
            file.entries.iter().find_map(|entry| match entry {
                FileEntry::Document { document, .. } if !document.patient.is_empty() => {
                    let born = document
                        .birth_date
                        .as_deref()
                        .map(documents::display_time)
                        .unwrap_or_default();
                    let kind = document
                        .ins_kind
                        .map(|kind| patient_id_kind(kind, i18n))
                        .unwrap_or_default();
                    Some(format!("{} {born} · {kind}", document.patient))
                }
                _ => None,
            })
        });
        let mut page = column![bar].spacing(12);
        if let Some(who) = who {
            page = page.push(text(who).size(theme::BODY_SIZE));
        }
        page = page.push(body);
        container(page).padding(16).height(Length::Fill).into()
    }
}

fn line<'a>(rank: usize, entry: &'a FileEntry, i18n: &'a I18n) -> Element<'a, Message> {
    let small = |value: String| text(value).size(theme::SMALL_SIZE);
    let content: Element<'a, Message> = match entry {
        FileEntry::Document {
            document,
            replaced_by,
        } => {
            let kind = document
                .type_name
                .clone()
                .or_else(|| document.type_code.clone())
                .unwrap_or_else(|| i18n.t("document-card-untyped"));
            let mut heading = row![
                small(format::full_date(document.received)).style(text::secondary),
                text(i18n.t("document-card-badge"))
                    .size(theme::TINY_SIZE)
                    .font(theme::SEMIBOLD)
                    .style(markers::tone_text(Tone::Patient)),
                small(kind).font(theme::SEMIBOLD),
                Space::new().width(Length::Fill),
                small(document.folder.account.clone()).style(text::secondary),
            ]
            .spacing(8)
            .align_y(Alignment::Center);
            let filed = if document.filed_in.is_some() {
                "patient-file-filed"
            } else {
                "patient-file-not-filed"
            };
            heading = heading.push(small(i18n.t(filed)).style(text::secondary));
            let mut lines = column![heading].spacing(2);
            if let Some(title) = &document.title {
                lines = lines.push(small(title.clone()));
            }
            if let Some(newer) = replaced_by.last() {
                lines = lines.push(
                    small(i18n.t_args(
                        "patient-file-replaced",
                        args!["date" => format::full_date(newer.received)],
                    ))
                    .style(markers::tone_text(Tone::Warning)),
                );
            }
            lines.into()
        }
        FileEntry::Message { folder, envelope } => column![
            row![
                small(format::full_date(envelope.date)).style(text::secondary),
                small(envelope.from_name.clone()).font(theme::SEMIBOLD),
                Space::new().width(Length::Fill),
                small(folder.account.clone()).style(text::secondary),
            ]
            .spacing(8),
            small(pli_core::mssante::headers::subject_for_display(&envelope.subject).into_owned()),
        ]
        .spacing(2)
        .into(),
    };
    button(container(content).padding([6, 10]).width(Length::Fill))
        .style(button::text)
        .padding(0)
        .width(Length::Fill)
        .on_press(Message::Open(rank))
        .into()
}
