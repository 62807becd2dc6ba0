//! What the box list and the message list look like: each box with its folders and, for a
//! shared box, who handles what; the rows of the list, as many as the window shows.

use super::*;
use iced::widget::{
    button, checkbox, column, container, progress_bar, row, scrollable, text, text_input, tooltip,
    Space,
};

impl MessageList {
    /// The left pane: each box with its state and folders.
    pub fn boxes_view<'a>(&'a self, i18n: &'a I18n) -> Element<'a, Message> {
        let mut list = column![].spacing(14);
        for entry in &self.boxes {
            list = list.push(self.box_view(entry, i18n));
        }
        scrollable(list.padding([12, 10]))
            .height(Length::Fill)
            .into()
    }

    fn box_view<'a>(&'a self, entry: &'a BoxEntry, i18n: &'a I18n) -> Element<'a, Message> {
        let kind = match entry.account.kind {
            BoxKind::Personal => i18n.t("box-kind-per"),
            BoxKind::Organisational => i18n.t("box-kind-org"),
            BoxKind::Applicative => i18n.t("box-kind-app"),
        };
        let state: Element<'a, Message> = row![
            text("●")
                .size(theme::TINY_SIZE)
                .color(entry.connectivity.colour()),
            text(match entry.offline.filter(|copy| !copy.complete()) {
                Some(copy) => format!(
                    "{kind} · {} · {}",
                    entry.connectivity.label(i18n),
                    i18n.t_args(
                        "connectivity-offline-copy",
                        args!["local" => copy.local, "wanted" => copy.wanted]
                    )
                ),
                None => format!("{kind} · {}", entry.connectivity.label(i18n)),
            })
            .size(theme::TINY_SIZE)
            .style(text::secondary),
        ]
        .spacing(4)
        .align_y(Alignment::Center)
        .into();
        let state = match entry.connectivity.detail() {
            Some(detail) => tooltip(
                state,
                container(text(detail).size(theme::SMALL_SIZE))
                    .padding(8)
                    .max_width(320)
                    .style(container::rounded_box),
                tooltip::Position::Bottom,
            )
            .into(),
            None => state,
        };
        let mut header = column![
            text(entry.account.name.as_str())
                .size(theme::BODY_SIZE)
                .font(theme::SEMIBOLD),
            text(entry.account.address.as_str())
                .size(theme::TINY_SIZE)
                .style(text::secondary)
                .wrapping(text::Wrapping::None),
            state,
        ]
        .spacing(2);
        if let BoxStatus::Syncing {
            done,
            total,
            first: true,
        } = entry.connectivity
        {
            if total > 0 {
                header = header.push(progress_bar(0.0..=total as f32, done as f32).girth(4));
            }
        }
        if let Some(last_use) = &entry.last_use {
            header = header.push(
                text(last_use.short.as_str())
                    .size(theme::TINY_SIZE)
                    .style(text::secondary)
                    .wrapping(text::Wrapping::None),
            );
            if let Some((tone, alert)) = &last_use.alert {
                // The box's inbox shows the banner with "Garder cette boîte".
                let inbox = entry
                    .folders
                    .iter()
                    .find(|folder| folder.folder.role == Some(Role::Inbox));
                header = header.push(
                    button(
                        text(alert.as_str())
                            .size(theme::TINY_SIZE)
                            .font(theme::SEMIBOLD),
                    )
                    .padding([2, 6])
                    .style(markers::tinted_button(*tone))
                    .on_press_maybe(inbox.map(|inbox| Message::SelectFolder {
                        account: entry.account.name.clone(),
                        folder: inbox.folder.id,
                    })),
                );
            }
        }
        let mut folders: Vec<Element<'a, Message>> = Vec::new();
        // The shared box's views and the pharmacy's prescriptions come right after the inbox:
        // what the box is for, before its other folders.
        let mut views: Vec<Element<'a, Message>> = Vec::new();
        let mut after_inbox = 0;
        for folder in &entry.folders {
            let selected = self.current.as_ref()
                == Some(&(entry.account.name.clone(), folder.folder.id))
                && !self.search.is_active()
                && self.prescriptions_of.is_none()
                && self.handling_of.is_none();
            let name = folder_label(&folder.folder, i18n);
            let count: Element<'a, Message> = if folder.unread > 0 {
                text(folder.unread.to_string())
                    .size(theme::SMALL_SIZE)
                    .font(theme::SEMIBOLD)
                    .into()
            } else {
                Space::new().into()
            };
            if folder.folder.role == Some(Role::Inbox) {
                after_inbox = folders.len() + 1;
            }
            folders.push(
                button(
                    row![
                        text(name).size(theme::SMALL_SIZE).width(Length::Fill),
                        count
                    ]
                    .align_y(Alignment::Center),
                )
                .width(Length::Fill)
                .padding([4, 8])
                .style(move |theme: &Theme, status| folder_button(theme, status, selected))
                .on_press(Message::SelectFolder {
                    account: entry.account.name.clone(),
                    folder: folder.folder.id,
                })
                .into(),
            );
        }
        if let Some(counts) = entry.handling {
            // Who handles what in a shared box, from the server's keywords.
            for (view, label, count) in [
                (
                    HandlingView::ToHandle,
                    "handling-view-to-handle",
                    counts.to_handle,
                ),
                (HandlingView::Mine, "handling-view-mine", counts.mine),
                (
                    HandlingView::Handled,
                    "handling-view-handled",
                    counts.handled,
                ),
            ] {
                let selected =
                    self.handling_of.as_ref() == Some(&(entry.account.name.clone(), view));
                views.push(
                    button(
                        row![
                            text(i18n.t(label))
                                .size(theme::SMALL_SIZE)
                                .width(Length::Fill),
                            text(count.to_string()).size(theme::SMALL_SIZE)
                        ]
                        .align_y(Alignment::Center),
                    )
                    .width(Length::Fill)
                    .padding([4, 8])
                    .style(move |theme: &Theme, status| folder_button(theme, status, selected))
                    .on_press(Message::ShowHandling(entry.account.name.clone(), view))
                    .into(),
                );
            }
        }
        if entry.account.pharmacy {
            // Every prescription patients sent, whatever folder holds it.
            let selected = self.prescriptions_of.as_deref() == Some(entry.account.name.as_str());
            views.insert(
                0,
                button(text(i18n.t("prescriptions-title")).size(theme::SMALL_SIZE))
                    .width(Length::Fill)
                    .padding([4, 8])
                    .style(move |theme: &Theme, status| folder_button(theme, status, selected))
                    .on_press(Message::ShowPrescriptions(entry.account.name.clone()))
                    .into(),
            );
        }
        let rest = folders.split_off(after_inbox.min(folders.len()));
        let folders = column(folders.into_iter().chain(views).chain(rest)).spacing(1);
        column![header, folders].spacing(6).into()
    }

    /// The middle pane: the title, the search field and the visible rows.
    pub fn list_view<'a>(&'a self, i18n: &'a I18n) -> Element<'a, Message> {
        let title = match (&self.search.results, self.current_folder()) {
            (Some(results), _) => i18n.t_args(
                "list-search-results",
                args!["count" => results.len(), "query" => self.search.query.clone()],
            ),
            (None, Some(folder)) => {
                let account = self.current.as_ref().map_or("", |(a, _)| a.as_str());
                format!("{} — {account}", folder_label(folder, i18n))
            }
            (None, None) => i18n.t("list-no-folder"),
        };
        let count = if self.search.is_active() {
            String::new()
        } else if self.arrangement.filters() {
            i18n.t_args("list-count-filtered", args!["count" => self.window.total])
        } else {
            i18n.t_args("list-count", args!["count" => self.window.total])
        };
        let search = text_input(&i18n.t("search-hint"), &self.search.query)
            .id(SEARCH_FIELD)
            .on_input(Message::Search)
            .padding(6)
            .size(theme::SMALL_SIZE);
        // Always a row with the field first: the field keeps its state (and the focus) when
        // the first letter brings the "Effacer" button.
        let mut search_row = row![search].spacing(6);
        if !self.search.query.is_empty() {
            search_row = search_row.push(
                button(text(i18n.t("search-clear")).size(theme::SMALL_SIZE))
                    .padding([6, 10])
                    .style(theme::action)
                    .on_press(Message::ClearSearch),
            );
        }
        let mut header = column![search_row];
        if !self.search.query.is_empty() {
            header = header.push(self.search_options(i18n));
        }
        let mut header = header
            .push(
                row![
                    text(title)
                        .size(theme::BODY_SIZE)
                        .font(theme::SEMIBOLD)
                        .width(Length::Fill)
                        .wrapping(text::Wrapping::None),
                    text(count).size(theme::SMALL_SIZE).style(text::secondary),
                ]
                .align_y(Alignment::Center),
            )
            .spacing(8)
            .padding([10, 12]);
        if let Some(arrange) = self.arrange_view(i18n) {
            header = header.push(arrange);
        }
        if let Some(problem) = self.search.problem.as_ref().or(self.problem.as_ref()) {
            header = header.push(
                text(problem.as_str())
                    .size(theme::SMALL_SIZE)
                    .color(theme::DANGER),
            );
        }

        let body: Element<'a, Message> = if self.window.total == 0 {
            let empty = if self.search.is_active() {
                i18n.t("list-search-empty")
            } else if self.arrangement.filters() {
                i18n.t("list-filtered-empty")
            } else {
                i18n.t("list-empty")
            };
            // The sensor must still measure the list, or the first rows would be guessed.
            windowed_list::view(
                [
                    container(text(empty).size(theme::SMALL_SIZE).style(text::secondary))
                        .padding(16)
                        .into(),
                ],
                self.window,
                Message::Resized,
                Message::Wheel,
                Message::ScrollTo,
            )
        } else {
            self.rows_view(i18n)
        };
        column![header, body].into()
    }

    /// Where the search looks, and whether the servers are being (or could not be) asked.
    fn search_options<'a>(&'a self, i18n: &'a I18n) -> Element<'a, Message> {
        let mut options = column![row![
            checkbox(self.search.every_box)
                .label(i18n.t("search-every-box"))
                .text_size(theme::SMALL_SIZE)
                .on_toggle(Message::SearchEveryBox),
            checkbox(self.search.with_attachment)
                .label(i18n.t("search-with-attachment"))
                .text_size(theme::SMALL_SIZE)
                .on_toggle(Message::SearchWithAttachment),
        ]
        .spacing(16)]
        .spacing(6);
        let status = if self.search.server_unreachable {
            Some(i18n.t("search-server-unreachable"))
        } else if self.search.asking_servers && self.search.is_active() {
            Some(i18n.t("search-asking-servers"))
        } else {
            None
        };
        if let Some(status) = status {
            options = options.push(text(status).size(theme::TINY_SIZE).style(text::secondary));
        }
        options.into()
    }

    /// Only the rows on screen: the cost of this view does not grow with the folder.
    pub fn rows_view<'a>(&'a self, i18n: &'a I18n) -> Element<'a, Message> {
        let offset = self.window.offset;
        let rows = self
            .rows
            .iter()
            .enumerate()
            .map(|(position, row)| self.row_view(offset + position, row, i18n));
        windowed_list::view(
            rows,
            self.window,
            Message::Resized,
            Message::Wheel,
            Message::ScrollTo,
        )
    }

    fn row_view<'a>(
        &'a self,
        index: usize,
        row: &'a ListRow,
        i18n: &'a I18n,
    ) -> Element<'a, Message> {
        let envelope = &row.envelope;
        let unread = !envelope.flags.has(Flags::SEEN);
        let selected = self.selected.is_some_and(|s| s.index == index);
        let correspondent = Correspondent::of(&envelope.from_address);
        let patient = correspondent.is_patient();
        let weight = if unread {
            theme::SEMIBOLD
        } else {
            crate::ui::FONT
        };

        // In Sent and Drafts the interesting correspondent is the recipient.
        let shows_recipient = self
            .folder_by_id(row.folder)
            .is_some_and(|(_, folder)| matches!(folder.role, Some(Role::Sent | Role::Drafts)));
        let who = if shows_recipient {
            envelope.recipients.as_str()
        } else {
            display_name(&envelope.from_name, &envelope.from_address)
        };

        let mut first_line = row![
            text(if unread { "●" } else { " " })
                .size(theme::TINY_SIZE)
                .width(Length::Fixed(UNREAD_DOT_WIDTH))
                .style(text::primary),
            text(who)
                .size(theme::SMALL_SIZE)
                .font(weight)
                .wrapping(text::Wrapping::None),
        ]
        .spacing(ROW_SPACING)
        .align_y(Alignment::Center);
        if let Some(marker) = correspondent.marker(i18n) {
            first_line = first_line.push(
                text(marker)
                    .size(theme::TINY_SIZE)
                    .font(theme::SEMIBOLD)
                    .wrapping(text::Wrapping::None)
                    .style(|theme: &Theme| text::Style {
                        color: Some(theme::patient_text(theme)),
                    }),
            );
        }
        first_line = first_line.push(Space::new().width(Length::Fill));
        if self.search.is_active() {
            first_line = first_line.push(self.found_where(row, i18n));
        }
        if envelope.has_attachment {
            first_line = first_line.push(
                text(i18n.t("list-attachment-marker"))
                    .size(theme::TINY_SIZE)
                    .style(text::secondary),
            );
        }
        if envelope.flags.has(Flags::FLAGGED) {
            first_line = first_line.push(text("★").size(theme::SMALL_SIZE).color(theme::FLAG));
        }
        first_line = first_line.push(
            text(format::list_date(envelope.date, self.now))
                .size(theme::TINY_SIZE)
                .style(text::secondary),
        );

        let subject = subject_for_display(&envelope.subject);
        let subject = if subject.trim().is_empty() {
            i18n.t("list-no-subject").into()
        } else {
            subject
        };
        // Under the name, past the unread dot.
        let mut second_line = row![Space::new().width(Length::Fixed(UNREAD_DOT_WIDTH))]
            .spacing(ROW_SPACING)
            .align_y(Alignment::Center);
        let kind = match row.patient_kind {
            Some(PatientKind::Prescription) => {
                Some((i18n.t("marker-prescription"), Tone::Prescription))
            }
            Some(PatientKind::Unsolicited) => Some((i18n.t("list-unsolicited"), Tone::Warning)),
            Some(PatientKind::Reply) | None => None,
        };
        if let Some((label, tone)) = kind {
            second_line = second_line.push(
                text(label)
                    .size(theme::TINY_SIZE)
                    .font(theme::SEMIBOLD)
                    .wrapping(text::Wrapping::None)
                    .style(markers::tone_text(tone)),
            );
        }
        if let Some(document) = &row.document {
            // Some type names are a sentence ("Lettre de liaison à la sortie d'un établissement
            // de soins"): cut, so the subject still shows beside them.
            let document_type = shortened(&document.document_type, 32);
            let label = [document_type.as_str(), document.patient.as_str()]
                .into_iter()
                .filter(|part| !part.is_empty())
                .collect::<Vec<_>>()
                .join(" · ");
            second_line = second_line.push(
                text(label)
                    .size(theme::TINY_SIZE)
                    .font(theme::SEMIBOLD)
                    .wrapping(text::Wrapping::None)
                    .style(markers::tone_text(Tone::Patient)),
            );
            // What is still to file in a patient's file; what the box sent is not to file.
            let filed = document.filed.filter(|_| !shows_recipient);
            if let Some(filed) = filed {
                let (label, tone) = if filed {
                    ("list-document-filed", Tone::Notice)
                } else {
                    ("list-document-unfiled", Tone::Warning)
                };
                second_line = second_line.push(
                    text(i18n.t(label))
                        .size(theme::TINY_SIZE)
                        .wrapping(text::Wrapping::None)
                        .style(markers::tone_text(tone)),
                );
            }
        }
        let mut second_line = second_line.push(
            text(subject)
                .size(theme::SMALL_SIZE)
                .font(weight)
                .wrapping(text::Wrapping::None),
        );
        // A search's result says where the words matched, after its subject, as far as fits.
        if let Some(snippet) = row.snippet.as_deref().filter(|s| !s.trim().is_empty()) {
            second_line = second_line.push(
                text(format!("— {snippet}"))
                    .size(theme::SMALL_SIZE)
                    .wrapping(text::Wrapping::None)
                    .style(text::secondary),
            );
        }

        button(column![first_line, second_line].spacing(4).clip(true))
            .width(Length::Fill)
            .height(Length::Fixed(ROW_HEIGHT))
            .padding([8, 10])
            .style(move |theme: &Theme, status| row_button(theme, status, selected, patient))
            .on_press(Message::Select(index))
            .into()
    }
}

impl MessageList {
    /// A search's result: its folder (and box, when every box is searched), and "on the
    /// server" when its body is not on this computer.
    fn found_where<'a>(&'a self, row: &'a ListRow, i18n: &'a I18n) -> Element<'a, Message> {
        let place = self.folder_by_id(row.folder).map(|(account, folder)| {
            let folder = folder_label(folder, i18n);
            if self.search.every_box {
                format!("{} · {folder}", account.name)
            } else {
                folder
            }
        });
        let mut line = row![].spacing(ROW_SPACING).align_y(Alignment::Center);
        if let Some(place) = place {
            line = line.push(
                text(place)
                    .size(theme::TINY_SIZE)
                    .wrapping(text::Wrapping::None)
                    .style(text::secondary),
            );
        }
        if row.on_server {
            line = line.push(
                text(i18n.t("search-on-server-marker"))
                    .size(theme::TINY_SIZE)
                    .font(theme::SEMIBOLD)
                    .wrapping(text::Wrapping::None)
                    .style(markers::tone_text(Tone::Warning)),
            );
        }
        line.into()
    }
}

/// `text` cut to `most` characters, with "…" when it was longer.
fn shortened(text: &str, most: usize) -> String {
    if text.chars().count() <= most {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(most - 1).collect();
    cut.push('…');
    cut
}

fn folder_button(theme: &Theme, status: button::Status, selected: bool) -> button::Style {
    let palette = theme.extended_palette();
    let background = if selected {
        Some(palette.primary.weak.color)
    } else if matches!(status, button::Status::Hovered | button::Status::Pressed) {
        Some(palette.background.weak.color)
    } else {
        None
    };
    button::Style {
        background: background.map(iced::Background::Color),
        text_color: if selected {
            palette.primary.weak.text
        } else {
            palette.background.base.text
        },
        border: iced::border::rounded(4),
        ..button::Style::default()
    }
}

fn row_button(
    theme: &Theme,
    status: button::Status,
    selected: bool,
    patient: bool,
) -> button::Style {
    let palette = theme.extended_palette();
    let background = if selected {
        Some(palette.primary.weak.color)
    } else if matches!(status, button::Status::Hovered | button::Status::Pressed) {
        Some(palette.background.weak.color)
    } else if patient {
        Some(theme::patient_tint(theme))
    } else {
        None
    };
    button::Style {
        background: background.map(iced::Background::Color),
        text_color: if selected {
            palette.primary.weak.text
        } else {
            palette.background.base.text
        },
        ..button::Style::default()
    }
}
