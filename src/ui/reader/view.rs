//! What the reader looks like: the headers with the patient marker and the handling bar,
//! the notes (bounces, read receipt, closed conversation), the health documents' cards, the
//! attachments and the body.

use super::*;
use iced::widget::{button, column, container, row, rule, scrollable, text, text_editor, Space};

impl Reader {
    pub fn view<'a>(&'a self, i18n: &'a I18n) -> Element<'a, Message> {
        let Some(opened) = &self.opened else {
            return container(
                text(i18n.t("reader-nothing-selected"))
                    .size(theme::BODY_SIZE)
                    .style(text::secondary),
            )
            .center(Length::Fill)
            .into();
        };
        let header = self.header(opened, i18n);
        let mut page = column![header].spacing(12);
        if let Some(shared) = &opened.shared {
            let with_patient = Correspondent::of(&opened.envelope.from_address).is_patient()
                || opened
                    .envelope
                    .recipients
                    .to_ascii_lowercase()
                    .contains("@patient.mssante.fr");
            page = page.push(crate::ui::handling::bar(shared, with_patient, i18n));
        }
        if let Some(viewer) = &self.picture {
            // The picture takes the place of the body until it is closed; who handles the
            // prescription and its next step stay in reach.
            page = page.push(viewer.view(i18n).map(Message::Picture));
            return container(page).padding(16).height(Length::Fill).into();
        }
        if !opened.templates.is_empty() && opened.content().is_some() {
            page = page.push(crate::ui::handling::templates(&opened.templates, i18n));
        }
        let bounces = opened
            .content()
            .map_or(&[][..], |content| &content.bounces[..]);
        for bounce in bounces {
            let sentence = markers::bounce_sentence(i18n, bounce.reason);
            let sentence = match &bounce.recipient {
                Some(recipient) => i18n.t_args(
                    "reader-bounce",
                    args![
                        "recipient" => bounce_recipient(i18n, recipient),
                        "reason" => sentence
                    ],
                ),
                None => sentence,
            };
            page = page.push(markers::note(markers::Tone::Danger, sentence));
        }
        if let Some(content) = opened.content() {
            if !content.read_receipt_to.is_empty() && !opened.receipt_answered {
                page = page.push(read_receipt_offer(i18n));
            }
            if content.closes_conversation {
                page = page.push(markers::closed_conversation_note(i18n));
            }
            if content.damaged {
                page = page.push(
                    text(i18n.t("reader-damaged"))
                        .size(theme::SMALL_SIZE)
                        .style(text::warning),
                );
            }
            for archive in &content.documents {
                page = page.push(health_document::cards(
                    archive,
                    &opened.narratives_shown,
                    &opened.histories,
                    opened.matching.as_ref(),
                    i18n,
                ));
            }
            if !content.attachments.is_empty() {
                page = page.push(attachments(content, i18n));
            }
        }
        if let Some(notice) = &self.notice {
            page = page.push(match notice {
                Ok(done) => text(done.as_str())
                    .size(theme::SMALL_SIZE)
                    .color(theme::SUCCESS),
                Err(problem) => text(problem.as_str())
                    .size(theme::SMALL_SIZE)
                    .color(theme::DANGER),
            });
        }
        page = page.push(rule::horizontal(1));
        let body: Element<'a, Message> = match &opened.body {
            Body::Loading => text(i18n.t("reader-loading"))
                .size(theme::BODY_SIZE)
                .style(text::secondary)
                .into(),
            Body::Missing(reason) => column![
                text(reason.as_str())
                    .size(theme::BODY_SIZE)
                    .color(theme::DANGER),
                button(text(i18n.t("reader-retry")).size(theme::SMALL_SIZE))
                    .style(theme::action)
                    .on_press(Message::Retry),
            ]
            .spacing(8)
            .into(),
            Body::Ready(_) => text_editor(&opened.text)
                .id(BODY)
                .on_action(Message::Body)
                .key_binding(read_only_keys)
                .size(theme::BODY_SIZE)
                .padding(0)
                .height(Length::Fill)
                .style(plain_text)
                .into(),
        };
        page = page.push(body);
        container(page).padding(16).height(Length::Fill).into()
    }

    fn header<'a>(&'a self, opened: &'a Opened, i18n: &'a I18n) -> Element<'a, Message> {
        let content = opened.content();
        let envelope = &opened.envelope;
        let subject = opened.subject();
        let subject = if subject.trim().is_empty() {
            i18n.t("list-no-subject")
        } else {
            subject
        };
        let mut header = column![text(subject)
            .size(theme::HEADING_SIZE)
            .font(theme::SEMIBOLD)]
        .spacing(6);

        let sender_name = content
            .and_then(|content| content.from.first())
            .map_or(envelope.from_name.as_str(), |person| person.name.as_str());
        match &opened.correspondent {
            Correspondent::Patient(ins) => {
                let mut markers = row![markers::patient_marker(i18n, ins, Some(sender_name))]
                    .spacing(6)
                    .align_y(Alignment::Center);
                if let Some(kind) = opened.patient_kind {
                    if let Some(marker) = markers::patient_kind_marker(i18n, kind) {
                        markers = markers.push(marker);
                    }
                }
                markers = markers.push(
                    button(text(i18n.t("document-patient-file")).size(theme::SMALL_SIZE))
                        .padding([2, 8])
                        .style(theme::action)
                        .on_press(Message::OpenPatientFile(ins.as_str().to_owned())),
                );
                header = header.push(markers.wrap());
            }
            Correspondent::UnverifiedPatient => {
                header = header.push(markers::note(
                    markers::Tone::Warning,
                    i18n.t("patient-marker-unverified"),
                ));
            }
            Correspondent::Professional => {}
        }

        let from = match content {
            Some(content) if !content.from.is_empty() => content.from.clone(),
            _ => vec![Person {
                name: envelope.from_name.clone(),
                address: envelope.from_address.clone(),
            }],
        };
        // The badge above already gives the sender's INS: the line names them.
        let badge_shown = opened.correspondent.is_patient();
        header = header.push(people_line(i18n.t("reader-from"), from, badge_shown, i18n));
        if let Some(content) = content {
            if !content.to.is_empty() {
                header = header.push(people_line(
                    i18n.t("reader-to"),
                    content.to.clone(),
                    false,
                    i18n,
                ));
            }
            if !content.cc.is_empty() {
                header = header.push(people_line(
                    i18n.t("reader-cc"),
                    content.cc.clone(),
                    false,
                    i18n,
                ));
            }
        }
        let date = content
            .map(|content| content.date)
            .filter(|date| *date > 0)
            .unwrap_or(envelope.date);
        header = header.push(labelled(
            i18n.t("reader-date"),
            text(format::full_date(date)).size(theme::SMALL_SIZE).into(),
        ));

        let read_label = if envelope.flags.has(Flags::SEEN) {
            i18n.t("action-mark-unread")
        } else {
            i18n.t("action-mark-read")
        };
        // Replying needs the body (quoted) and the Message-ID: not before the body is here.
        let ready = content.is_some();
        let action = |label: String, message: Message, enabled: bool| {
            button(text(label).size(theme::SMALL_SIZE))
                .padding([4, 10])
                .style(theme::action)
                .on_press_maybe(enabled.then_some(message))
        };
        header = header.push(
            row![
                action(i18n.t("action-reply"), Message::Reply, ready),
                action(i18n.t("action-reply-all"), Message::ReplyAll, ready),
                action(i18n.t("action-forward"), Message::Forward, ready),
                action(read_label, Message::ToggleRead, true),
                action(
                    i18n.t(if opened.junk {
                        "action-mark-not-junk"
                    } else {
                        "action-mark-junk"
                    }),
                    Message::ToggleJunk,
                    true
                ),
                button(text(i18n.t("action-delete")).size(theme::SMALL_SIZE))
                    .padding([4, 10])
                    .style(theme::destructive)
                    .on_press(Message::Delete),
            ]
            .spacing(6)
            .wrap(),
        );

        let tinted = opened.correspondent.is_patient();
        container(header)
            .padding(if tinted { 10 } else { 0 })
            .width(Length::Fill)
            .style(move |theme: &Theme| {
                if tinted {
                    theme::patient_panel(theme)
                } else {
                    container::Style::default()
                }
            })
            .into()
    }
}

fn labelled<'a>(label: String, value: Element<'a, Message>) -> Element<'a, Message> {
    row![
        text(label)
            .size(theme::SMALL_SIZE)
            .style(text::secondary)
            .width(Length::Fixed(48.0)),
        value
    ]
    .spacing(8)
    .align_y(Alignment::Start)
    .into()
}

/// One header line of correspondents; a patient is named, with the marker beside the name
/// rather than the matricule address alone.
fn people_line<'a>(
    label: String,
    people: Vec<Person>,
    patients_marked: bool,
    i18n: &I18n,
) -> Element<'a, Message> {
    let names: Vec<String> = people
        .iter()
        .map(|person| {
            let name = display_name(&person.name, &person.address);
            match Correspondent::of(&person.address) {
                Correspondent::Professional if name != person.address => {
                    format!("{name} <{}>", person.address)
                }
                Correspondent::Professional => name.to_string(),
                _ if patients_marked && name != person.address => name.to_string(),
                patient => match patient.marker(i18n) {
                    Some(marker) if name != person.address => format!("{name} ({marker})"),
                    Some(marker) => marker,
                    None => name.to_string(),
                },
            }
        })
        .collect();
    labelled(label, text(names.join(", ")).size(theme::SMALL_SIZE).into())
}

fn attachments<'a>(content: &'a ReaderContent, i18n: &'a I18n) -> Element<'a, Message> {
    let rows = content.attachments.iter().map(|attachment| {
        let shows_here = pli_core::mail::picture::is_picture(
            &attachment.content_type,
            attachment.file_name.as_deref(),
        );
        let action = |label: &str, message: Message| {
            button(text(i18n.t(label)).size(theme::SMALL_SIZE))
                .padding([2, 8])
                .style(button::text)
                .on_press(message)
        };
        let mut line = row![
            text(attachment.suggested_file_name()).size(theme::SMALL_SIZE),
            text(format::size(attachment.size, i18n))
                .size(theme::SMALL_SIZE)
                .style(text::secondary),
            Space::new().width(Length::Fill),
        ]
        .spacing(8)
        .align_y(Alignment::Center);
        if shows_here {
            line = line.push(action(
                "attachment-show",
                Message::ShowPicture(attachment.index),
            ));
        }
        line.push(action(
            "attachment-open",
            Message::OpenAttachment(attachment.index),
        ))
        .push(action(
            "attachment-save",
            Message::SaveAttachment(attachment.index),
        ))
        .into()
    });
    let list = column(rows).spacing(2);
    let title = text(i18n.t_args(
        "reader-attachments",
        args!["count" => content.attachments.len()],
    ))
    .size(theme::SMALL_SIZE)
    .font(theme::SEMIBOLD);
    container(column![title, scrollable(list).height(Length::Shrink)].spacing(4))
        .padding(8)
        .width(Length::Fill)
        .style(theme::card)
        .into()
}

/// In the body, keys that would edit are left to the window: J, K or Delete still move through
/// the list and move the message to the trash while the text is selected for a copy.
fn read_only_keys(press: text_editor::KeyPress) -> Option<text_editor::Binding<Message>> {
    use text_editor::Binding;
    match Binding::from_key_press(press)? {
        Binding::Insert(_)
        | Binding::Enter
        | Binding::Backspace
        | Binding::Delete
        | Binding::Paste
        | Binding::Cut => None,
        Binding::Sequence(_) => None,
        binding => Some(binding),
    }
}

/// The body reads like a page, not like a form field.
fn plain_text(theme: &Theme, _status: text_editor::Status) -> text_editor::Style {
    let palette = theme.extended_palette();
    text_editor::Style {
        background: iced::Background::Color(iced::Color::TRANSPARENT),
        border: iced::Border::default(),
        placeholder: palette.background.strong.color,
        value: palette.background.base.text,
        selection: palette.primary.weak.color,
    }
}

/// "The sender asks for a read receipt — Send / Ignore" (ECO.3.1.6): never sent without the
/// reader's word, since a receipt tells when a message was read.
fn read_receipt_offer<'a>(i18n: &I18n) -> Element<'a, Message> {
    let small = |id: &str| text(i18n.t(id)).size(theme::SMALL_SIZE);
    container(
        row![
            small("read-receipt-asked").width(Length::Fill),
            button(small("read-receipt-send"))
                .style(button::primary)
                .on_press(Message::SendReadReceipt),
            button(small("read-receipt-ignore"))
                .style(theme::action)
                .on_press(Message::IgnoreReadReceipt),
        ]
        .spacing(8)
        .align_y(Alignment::Center),
    )
    .padding([8, 12])
    .width(Length::Fill)
    .style(markers::tinted(markers::Tone::Notice))
    .into()
}

/// A bounced recipient as the reader names it: a patient by INS, never by the raw address
/// (ECO.3.1.2).
fn bounce_recipient(i18n: &I18n, address: &str) -> String {
    match Correspondent::of(address) {
        Correspondent::Patient(ins) => format!(
            "{} {}",
            i18n.t("marker-patient"),
            markers::patient_marker_detail(i18n, &ins, None)
        ),
        _ => address.to_string(),
    }
}
