//! What the composer looks like: the form, the suggestions under an address being typed, the
//! patients it is addressed to, the status line.

use super::*;
use iced::widget::{
    button, checkbox, column, container, pick_list, row, text, text_editor, text_input, Space,
};

impl Composer {
    pub fn view<'a>(
        &'a self,
        senders: Vec<Sender>,
        known: &'a [Known],
        i18n: &'a I18n,
    ) -> Element<'a, Message> {
        let t = |id: &str| i18n.t(id);
        if let Some(dialog) = &self.review {
            return container(dialog.view().map(Message::Trust))
                .height(Length::Fill)
                .style(theme::pane)
                .into();
        }
        let selected = senders.iter().find(|s| s.name == self.from).cloned();
        let signs_as = selected.as_ref().and_then(|sender| sender.signs_as.clone());
        let label = |label: String| {
            text(label)
                .size(theme::SMALL_SIZE)
                .style(text::secondary)
                .width(Length::Fixed(LABEL_WIDTH))
        };
        let line = |name: String, input: Element<'a, Message>| -> Element<'a, Message> {
            row![label(name), input]
                .spacing(8)
                .align_y(Alignment::Center)
                .into()
        };
        let sending = self.status == Status::Sending;

        let bar = row![
            button(text(t("composer-back")).size(theme::SMALL_SIZE))
                .style(button::text)
                .on_press(Message::Back),
            text(if self.answers.is_some() {
                t("composer-title-reply")
            } else {
                t("composer-title")
            })
            .size(theme::HEADING_SIZE)
            .font(theme::SEMIBOLD),
            Space::new().width(Length::Fill),
            button(text(t("composer-discard")).size(theme::SMALL_SIZE))
                .style(theme::action)
                .on_press_maybe((!sending).then_some(Message::Discard)),
            button(text(t("composer-send")).size(theme::SMALL_SIZE))
                .style(button::primary)
                .on_press_maybe((!sending).then_some(Message::Send)),
        ]
        .spacing(10)
        .align_y(Alignment::Center);

        let address_input = |id: &'static str, value: &'a str, which: AddressField| {
            let on_input: fn(String) -> Message = match which {
                AddressField::To => Message::To,
                AddressField::Cc => Message::Cc,
            };
            text_input(&t("composer-address-hint"), value)
                .id(id)
                .on_input(on_input)
                .on_submit(Message::AcceptSuggestion(which))
                .padding(6)
                .size(theme::BODY_SIZE)
        };

        let mut form = column![
            bar,
            line(
                t("composer-from"),
                pick_list(senders, selected, Message::From)
                    .text_size(theme::BODY_SIZE)
                    .width(Length::Fill)
                    .into()
            ),
        ]
        .spacing(8);
        if let Some(signs_as) = signs_as {
            form = form.push(line(
                String::new(),
                text(i18n.t_args("composer-signs-as", args!["sender" => signs_as]))
                    .size(theme::SMALL_SIZE)
                    .style(text::secondary)
                    .into(),
            ));
        }
        form = form.push(line(
            t("composer-to"),
            address_input(field::TO, &self.to, AddressField::To).into(),
        ));
        if self.completing == Some(AddressField::To) {
            form = form.push(suggestion_list(&self.to, known, AddressField::To));
        }
        form = form.push(patients_line(&self.to, i18n));
        form = form.push(line(
            t("composer-cc"),
            address_input(field::CC, &self.cc, AddressField::Cc).into(),
        ));
        if self.completing == Some(AddressField::Cc) {
            form = form.push(suggestion_list(&self.cc, known, AddressField::Cc));
        }
        form = form.push(patients_line(&self.cc, i18n));
        if let Some(bar) = self.identity_bar(i18n) {
            form = form.push(bar);
        }
        form = form.push(line(
            t("composer-subject"),
            text_input(&t("composer-subject-hint"), &self.subject)
                .id(field::SUBJECT)
                .on_input(Message::Subject)
                .padding(6)
                .size(theme::BODY_SIZE)
                .into(),
        ));
        form = form.push(
            row![
                Space::new().width(Length::Fixed(FIELD_INDENT - 20.0)),
                checkbox(self.delivery_notification)
                    .label(t("composer-delivery-notification"))
                    .text_size(theme::SMALL_SIZE)
                    .on_toggle(Message::DeliveryNotification),
                checkbox(self.read_notification)
                    .label(t("composer-read-notification"))
                    .text_size(theme::SMALL_SIZE)
                    .on_toggle(Message::ReadNotification),
            ]
            .spacing(20),
        );
        if self.writes_to_a_patient() {
            form = form.push(row![
                Space::new().width(Length::Fixed(FIELD_INDENT)),
                checkbox(self.closes_conversation)
                    .label(t("composer-close-conversation"))
                    .text_size(theme::SMALL_SIZE)
                    .on_toggle(Message::CloseConversation),
            ]);
        }
        if !self.attachments.is_empty() {
            let mut list = column![].spacing(2);
            for (index, (name, _, bytes)) in self.attachments.iter().enumerate() {
                list = list.push(
                    row![
                        text(name.as_str()).size(theme::SMALL_SIZE),
                        text(crate::ui::format::size(bytes.len() as u64, i18n))
                            .size(theme::SMALL_SIZE)
                            .style(text::secondary),
                        button(text(t("composer-remove-attachment")).size(theme::SMALL_SIZE))
                            .padding([0, 6])
                            .style(button::text)
                            .on_press(Message::RemoveAttachment(index)),
                    ]
                    .spacing(8)
                    .align_y(Alignment::Center),
                );
            }
            form = form.push(line(t("composer-attachments"), list.into()));
        }
        let mut attach = row![button(text(t("composer-attach")).size(theme::SMALL_SIZE))
            .style(theme::action)
            .on_press(Message::Attach)]
        .spacing(8);
        if self.document.is_none() {
            attach = attach.push(
                button(text(t("composer-attach-document")).size(theme::SMALL_SIZE))
                    .style(theme::action)
                    .on_press(Message::AttachDocument),
            );
        }
        form = form.push(row![
            Space::new().width(Length::Fixed(FIELD_INDENT)),
            attach
        ]);
        if let Some(document) = self.document() {
            form = form.push(document.view(i18n).map(Message::Document));
        }

        form = form.push(
            text_editor(&self.body)
                .id(field::BODY)
                .placeholder(t("composer-body-hint"))
                .on_action(Message::Body)
                .key_binding(body_key_binding)
                .size(theme::BODY_SIZE)
                .padding(10)
                .height(Length::Fill),
        );
        let status: Element<'a, Message> = match &self.status {
            Status::Editing => text(t("composer-send-hint"))
                .size(theme::SMALL_SIZE)
                .style(text::secondary)
                .into(),
            Status::Saved => text(t("draft-saved"))
                .size(theme::SMALL_SIZE)
                .color(theme::SUCCESS)
                .into(),
            Status::Sending => text(t("composer-sending")).size(theme::SMALL_SIZE).into(),
            Status::NoRecipient => text(t("composer-no-recipient"))
                .size(theme::SMALL_SIZE)
                .color(theme::DANGER)
                .into(),
            Status::Problem(problem) => text(problem.as_str())
                .size(theme::SMALL_SIZE)
                .color(theme::DANGER)
                .into(),
            Status::Blocked { issues } => {
                let mut list = column![text(t("composer-blocked"))
                    .size(theme::SMALL_SIZE)
                    .font(theme::SEMIBOLD)
                    .color(theme::DANGER)]
                .spacing(4);
                for issue in issues {
                    list = list.push(text(format!("• {issue}")).size(theme::SMALL_SIZE));
                }
                container(list)
                    .padding(10)
                    .width(Length::Fill)
                    .style(theme::card)
                    .into()
            }
        };
        form = form.push(status);
        container(form.padding(16).max_width(980))
            .center_x(Length::Fill)
            .height(Length::Fill)
            .style(theme::pane)
            .into()
    }
}

/// Ctrl+Enter sends from the body, Ctrl+S saves the draft; every other key edits as usual.
fn body_key_binding(press: text_editor::KeyPress) -> Option<text_editor::Binding<Message>> {
    if press.modifiers.command() && matches!(press.key, keyboard::Key::Named(key::Named::Enter)) {
        return Some(text_editor::Binding::Custom(Message::Send));
    }
    if press.modifiers.command()
        && matches!(press.key.as_ref(), keyboard::Key::Character(letter) if letter.eq_ignore_ascii_case("s"))
    {
        return Some(text_editor::Binding::Custom(Message::Save));
    }
    text_editor::Binding::from_key_press(press)
}

fn suggestion_list<'a>(
    field: &str,
    known: &'a [Known],
    which: AddressField,
) -> Element<'a, Message> {
    let found = suggestions(partial(field), known);
    if found.is_empty() {
        return Space::new().height(0).into();
    }
    let mut list = column![].spacing(0);
    for candidate in found {
        let label = candidate.mailbox();
        list = list.push(
            button(text(label.clone()).size(theme::SMALL_SIZE))
                .width(Length::Fill)
                .padding([4, 8])
                .style(button::text)
                .on_press(Message::Complete(which, label)),
        );
    }
    row![
        Space::new().width(Length::Fixed(FIELD_INDENT)),
        container(list).width(Length::Fill).style(theme::card)
    ]
    .into()
}

/// Under an address field: the patients it writes to, by name and INS, so a mistyped
/// matricule shows before anything leaves.
fn patients_line<'a>(field: &str, i18n: &I18n) -> Element<'a, Message> {
    let mut chips = row![].spacing(6);
    let mut any = false;
    for part in field
        .split([',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let address = addresses(part).pop().unwrap_or_default();
        let name = part
            .rfind('<')
            .map(|start| part[..start].trim())
            .filter(|name| !name.is_empty());
        match Correspondent::of(&address) {
            Correspondent::Patient(ins) => {
                chips = chips.push(markers::patient_marker(i18n, &ins, name))
            }
            Correspondent::UnverifiedPatient => {
                chips = chips.push(markers::note(
                    markers::Tone::Danger,
                    i18n.t("patient-marker-unverified"),
                ))
            }
            Correspondent::Professional => continue,
        }
        any = true;
    }
    if !any {
        return Space::new().height(0).into();
    }
    row![
        Space::new().width(Length::Fixed(FIELD_INDENT)),
        chips.wrap()
    ]
    .into()
}
