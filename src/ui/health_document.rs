//! The "document de santé" card of the reader: one per document of an `IHE_XDM.ZIP`
//! attachment — what it is, when, by whom, about which patient (the INS grouped, its kind said:
//! a test INS is shown as one), whether it replaces an earlier version, what was wrong in the
//! archive — with "Ouvrir le PDF", "Enregistrer" and, for a structured (level 3) document,
//! "Voir le document". Nothing in the document is run or fetched: the narrative is text.

use iced::widget::{button, column, container, row, text, Space};
use iced::{Alignment, Element, Length};

use super::markers::{self, Tone};
use super::reader::{Matching, Message};
use super::theme;
use crate::args;
use crate::documents;
use crate::i18n::I18n;
use crate::messages::Localize;
use pli_core::usecase::patient_file::DocumentHistory;
use pli_core::xdm::{CdaBody, HealthDocument, Integrity, MessageDocuments};

/// The CDA `id` of a document (root^extension), what tells two copies of it apart from two
/// documents.
pub fn cda_id(document: &HealthDocument) -> Option<String> {
    let id = document.cda.as_ref()?.header.id.as_ref()?;
    Some(id.display())
}

/// Which document of which attachment: the attachment's part index, the document's rank in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DocumentRef {
    pub attachment: usize,
    pub document: usize,
}

/// The cards of one archive: its documents, or the sentence saying why it was not opened.
pub fn cards<'a>(
    archive: &'a MessageDocuments,
    narratives_shown: &[DocumentRef],
    histories: &'a [(DocumentRef, DocumentHistory)],
    matching: Option<&'a Matching>,
    i18n: &'a I18n,
) -> Element<'a, Message> {
    if let Some(refused) = &archive.refused {
        return markers::note(Tone::Warning, refused.localize(i18n));
    }
    let mut cards = column![].spacing(8);
    for (rank, document) in archive.documents.iter().enumerate() {
        let reference = DocumentRef {
            attachment: archive.attachment,
            document: rank,
        };
        let shown = narratives_shown.contains(&reference);
        let history = histories
            .iter()
            .find(|(of, _)| *of == reference)
            .map(|(_, history)| history);
        let unqualified = archive.unqualified_identity;
        cards = cards.push(card(document, reference, shown, history, unqualified, i18n));
        if let Some(matching) = matching.filter(|matching| matching.document == reference) {
            cards = cards.push(matching_panel(document, matching, i18n));
        }
    }
    for problem in &archive.problems {
        cards = cards.push(markers::note(Tone::Warning, problem.localize(i18n)));
    }
    cards.into()
}

fn card<'a>(
    document: &'a HealthDocument,
    reference: DocumentRef,
    narrative_shown: bool,
    history: Option<&'a DocumentHistory>,
    unqualified_identity: bool,
    i18n: &'a I18n,
) -> Element<'a, Message> {
    let small = |line: String| text(line).size(theme::SMALL_SIZE);
    let label = |id: &str, value: String| {
        row![
            text(i18n.t(id))
                .size(theme::SMALL_SIZE)
                .style(text::secondary)
                .width(Length::Fixed(110.0)),
            text(value).size(theme::SMALL_SIZE),
        ]
        .spacing(8)
    };

    let kind = documents::type_line(document).unwrap_or_else(|| i18n.t("document-card-untyped"));
    let mut heading = row![
        text(i18n.t("document-card-badge"))
            .size(theme::TINY_SIZE)
            .font(theme::SEMIBOLD)
            .style(markers::tone_text(Tone::Patient)),
        text(kind).size(theme::SMALL_SIZE).font(theme::SEMIBOLD),
    ]
    .spacing(8)
    .align_y(Alignment::Center);
    if let Some(date) = documents::date_line(document) {
        heading = heading.push(Space::new().width(Length::Fill));
        heading = heading.push(small(date).style(text::secondary));
    }

    let mut content = column![heading].spacing(4);
    if let Some(title) = document.title() {
        content = content.push(text(title).size(theme::BODY_SIZE));
    }
    content = content.push(label(
        "xdm-document-patient",
        documents::patient_line(document, i18n),
    ));
    for author in documents::authors(document) {
        content = content.push(label("xdm-document-author", documents::author_line(author)));
    }
    let cda = document.cda.as_ref();
    if let Some(custodian) = cda.and_then(|cda| cda.header.custodian.clone()) {
        content = content.push(label("xdm-document-custodian", custodian));
    }
    if let Some(first) = history.and_then(|history| history.first_received) {
        content = content.push(markers::note(
            Tone::Warning,
            i18n.t_args(
                "document-card-already-received",
                args!["date" => super::format::full_date(first)],
            ),
        ));
    }
    let replaced = history.and_then(|history| history.replaces.as_ref());
    match (
        replaced,
        cda.is_some_and(|cda| cda.header.replaces.is_some()),
    ) {
        (Some(replaced), _) => {
            let date = replaced
                .written
                .as_deref()
                .map(documents::display_time)
                .unwrap_or_else(|| super::format::full_date(replaced.received));
            content = content.push(markers::note(
                Tone::Notice,
                i18n.t_args("document-card-replaces-dated", args!["date" => date]),
            ));
        }
        (None, true) => {
            content = content.push(markers::note(
                Tone::Notice,
                i18n.t("document-card-replaces"),
            ));
        }
        (None, false) => {}
    }
    if let Some(newer) = history.and_then(|history| history.replaced_by.last()) {
        content = content.push(markers::note(
            Tone::Warning,
            i18n.t_args(
                "document-card-replaced-by",
                args!["date" => super::format::full_date(newer.received)],
            ),
        ));
    }
    match document.integrity {
        Integrity::Verified => {}
        Integrity::Mismatch => {
            content = content.push(markers::note(
                Tone::Danger,
                i18n.t("document-card-integrity-mismatch"),
            ));
        }
        Integrity::NotVerifiable => {
            content = content.push(
                small(i18n.t("xdm-document-integrity-not-verifiable")).style(text::secondary),
            );
        }
        Integrity::Missing => {
            content = content.push(markers::note(
                Tone::Warning,
                i18n.t("document-card-file-missing"),
            ));
        }
    }

    let action = |id: &str, message: Message| {
        button(text(i18n.t(id)).size(theme::SMALL_SIZE))
            .padding([2, 8])
            .style(theme::action)
            .on_press(message)
    };
    let mut actions = row![].spacing(8);
    let body = cda.map(|cda| &cda.body);
    if let Some(CdaBody::Level1 { size: Some(_), .. }) = body {
        actions = actions
            .push(action(
                "document-open-pdf",
                Message::OpenDocumentPdf(reference),
            ))
            .push(action(
                "document-save-pdf",
                Message::SaveDocumentPdf(reference),
            ));
    }
    let sections = match body {
        Some(CdaBody::Level3 { sections }) => Some(sections),
        _ => None,
    };
    if sections.is_some() {
        let id = if narrative_shown {
            "document-hide"
        } else {
            "document-show"
        };
        actions = actions.push(action(id, Message::ToggleNarrative(reference)));
    }
    if let Some(ins) = document.ins() {
        let filed = history.and_then(|history| history.filed_in.as_deref());
        if filed == Some(ins.id.as_str()) {
            actions = actions.push(
                text(i18n.t("document-card-filed"))
                    .size(theme::SMALL_SIZE)
                    .style(markers::tone_text(Tone::Patient)),
            );
        } else if cda_id(document).is_some() && history.is_some() {
            actions = actions.push(action("document-file", Message::FileDocument(reference)));
        }
        actions = actions.push(action(
            "document-patient-file",
            Message::OpenPatientFile(ins.id.clone()),
        ));
    } else {
        if unqualified_identity {
            // ECO.2.4.2: the sender says the patient's identity is not qualified; the
            // identifier is their own structure's.
            content = content.push(
                small(i18n.t("document-card-unqualified"))
                    .font(theme::SEMIBOLD)
                    .style(markers::tone_text(Tone::Warning)),
            );
        }
        content = content.push(small(i18n.t("document-card-no-ins")).style(text::secondary));
        let filed = history.and_then(|history| history.filed_in.clone());
        match filed {
            Some(ins) => {
                actions = actions
                    .push(
                        text(i18n.t("document-card-filed"))
                            .size(theme::SMALL_SIZE)
                            .style(markers::tone_text(Tone::Patient)),
                    )
                    .push(action(
                        "document-patient-file",
                        Message::OpenPatientFile(ins),
                    ));
            }
            None if cda_id(document).is_some() && history.is_some() => {
                actions = actions.push(action("document-match", Message::MatchDocument(reference)));
            }
            None => {}
        }
    }
    content = content.push(actions.align_y(Alignment::Center).wrap());
    if let (Some(sections), true) = (sections, narrative_shown) {
        let mut narrative = column![].spacing(6);
        for section in sections {
            if let Some(title) = &section.title {
                let size = if section.depth <= 1 {
                    theme::BODY_SIZE
                } else {
                    theme::SMALL_SIZE
                };
                narrative = narrative.push(text(title.as_str()).size(size).font(theme::SEMIBOLD));
            }
            if !section.text.trim().is_empty() {
                narrative = narrative.push(text(section.text.as_str()).size(theme::SMALL_SIZE));
            }
        }
        content = content.push(container(narrative).padding([4, 8]));
    }
    container(content)
        .padding(10)
        .width(Length::Fill)
        .style(markers::card)
        .into()
}

/// The INS field of the matching panel, for focus and the tests.
pub const MATCH_FIELD: &str = "document-match-ins";

/// Matching by sight: the document's identity beside the one the store knows under the INS
/// typed, so the person files it only when both are the same patient.
fn matching_panel<'a>(
    document: &'a HealthDocument,
    matching: &'a Matching,
    i18n: &'a I18n,
) -> Element<'a, Message> {
    use pli_core::mssante::ins::{Ins, Sex};
    let small = |value: String| text(value).size(theme::SMALL_SIZE);
    let patient = document.cda.as_ref().map(|cda| &cda.header.patient);
    let document_name = patient
        .map(|patient| {
            [patient.birth_name.clone(), patient.given_names.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    let document_birth = patient
        .and_then(|patient| patient.birth_date.as_deref())
        .map(documents::display_time)
        .unwrap_or_default();
    let document_sex = patient
        .and_then(|patient| patient.sex.clone())
        .unwrap_or_default();
    let typed = Ins::parse(&matching.typed).ok();
    let (known_name, known_birth) = match &matching.known {
        Some(Ok(Some(known))) => (
            known.name.clone(),
            known
                .birth_date
                .as_deref()
                .map(documents::display_time)
                .unwrap_or_default(),
        ),
        _ => (String::new(), String::new()),
    };
    let known_sex = typed
        .as_ref()
        .and_then(Ins::sex)
        .map(|sex| match sex {
            Sex::Female => "F".to_owned(),
            Sex::Male => "M".to_owned(),
        })
        .unwrap_or_default();
    let line = |label: &str, left: String, right: String| {
        row![
            small(i18n.t(label))
                .style(text::secondary)
                .width(Length::FillPortion(1)),
            small(left).width(Length::FillPortion(2)),
            small(right).width(Length::FillPortion(2)),
        ]
        .spacing(8)
    };
    let mut panel = column![
        small(i18n.t("document-match-explained")),
        iced::widget::text_input(&i18n.t("patient-matricule-hint"), &matching.typed)
            .id(MATCH_FIELD)
            .on_input(Message::MatchIns)
            .padding(4)
            .size(theme::SMALL_SIZE),
    ]
    .spacing(6);
    if typed.is_some() {
        panel = panel
            .push(line(
                "document-match-heading",
                i18n.t("document-match-document"),
                i18n.t("document-match-patient"),
            ))
            .push(line("patient-birth-name", document_name, known_name))
            .push(line("patient-birth-date", document_birth, known_birth))
            .push(line("ins-label-sex", document_sex, known_sex));
        match &matching.known {
            Some(Ok(None)) => {
                panel = panel.push(small(i18n.t("document-match-unknown")).style(text::secondary));
            }
            Some(Err(reason)) => {
                panel = panel.push(markers::note(Tone::Danger, reason.clone()));
            }
            _ => {}
        }
    }
    let confirm = typed.is_some() && matches!(matching.known, Some(Ok(_)));
    let buttons = row![
        button(text(i18n.t("document-match-cancel")).size(theme::SMALL_SIZE))
            .padding([2, 8])
            .style(button::text)
            .on_press(Message::MatchCancel),
        button(text(i18n.t("document-match-confirm")).size(theme::SMALL_SIZE))
            .padding([2, 8])
            .style(theme::action)
            .on_press_maybe(confirm.then_some(Message::MatchConfirm)),
    ]
    .spacing(8);
    panel = panel.push(buttons);
    container(panel)
        .padding(10)
        .width(Length::Fill)
        .style(markers::tinted(Tone::Warning))
        .into()
}
