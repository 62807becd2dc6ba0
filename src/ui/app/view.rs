//! What the window draws: the lock over everything, else the screen in view, the three panes of the mail and their sidebar.

use super::*;
use iced::widget::{column, row};

impl Pli {
    pub fn title(&self) -> String {
        let title = format!(
            "{} — {}",
            self.i18n.t("app-name"),
            self.i18n.t("app-tagline")
        );
        if self.demo {
            format!("{title} ({})", self.i18n.t("demo-title"))
        } else {
            title
        }
    }

    /// Whether the lock hides the window.
    pub fn is_locked(&self) -> bool {
        self.lock.as_ref().is_some_and(Lock::is_covering)
    }

    pub fn view(&self) -> Element<'_, Message> {
        let i18n = self.i18n.as_ref();
        if let Some(lock) = self.lock.as_ref().filter(|lock| lock.is_covering()) {
            return lock.view().map(Message::Lock);
        }
        let screen = self.screen_view();
        if self.dropping {
            let composing = self.active_composer().is_some();
            column![dropped_files::hint(composing, i18n), screen].into()
        } else {
            screen
        }
    }

    pub(super) fn screen_view(&self) -> Element<'_, Message> {
        let i18n = self.i18n.as_ref();
        match self.screen {
            Screen::Welcome => {
                let form = self
                    .welcome
                    .view(&self.accounts, &self.problems)
                    .map(Message::Welcome);
                if self.accounts.is_empty() {
                    form
                } else {
                    column![
                        container(
                            button(text(i18n.t("back-to-mail")).size(theme::SMALL_SIZE))
                                .style(button::text)
                                .on_press(Message::Go(Destination::Mail))
                        )
                        .padding([8, 16]),
                        form
                    ]
                    .into()
                }
            }
            Screen::Settings => self
                .settings
                .view(self.message_list.boxes(), &self.profile_settings, i18n)
                .map(Message::Settings),
            Screen::Composer(id) => match self.composer(id) {
                Some(composer) => composer
                    .view(
                        self.candidates.senders(&self.accounts),
                        self.candidates.merged(),
                        i18n,
                    )
                    .map(move |message| Message::Composer(id, message)),
                None => self.mail_view(),
            },
            Screen::Patient => self.patient.view().map(Message::Patient),
            Screen::Directory => self.directory.view().map(Message::Directory),
            Screen::PatientFile => self.patient_file.view(i18n).map(Message::PatientFile),
            Screen::Mail => self.mail_view(),
        }
    }

    pub(super) fn mail_view(&self) -> Element<'_, Message> {
        let i18n = self.i18n.as_ref();
        let mut top = row![
            text(i18n.t("app-name"))
                .size(theme::HEADING_SIZE)
                .font(theme::SEMIBOLD),
            button(text(i18n.t("action-new-message")).size(theme::SMALL_SIZE))
                .style(button::primary)
                .on_press(Message::Go(Destination::NewMessage)),
            button(text(i18n.t("action-write-to-patient")).size(theme::SMALL_SIZE))
                .style(theme::action)
                .on_press(Message::Go(Destination::Patient)),
            button(text(i18n.t("action-directory")).size(theme::SMALL_SIZE))
                .style(theme::action)
                .on_press(Message::Go(Destination::Directory)),
        ]
        .spacing(16)
        .align_y(Alignment::Center);
        if self.demo {
            top = top.push(
                text(i18n.t("demo-notice"))
                    .size(theme::SMALL_SIZE)
                    .style(text::secondary),
            );
        }
        top = top.push(Space::new().width(Length::Fill));
        if let Some(banner) = &self.banner {
            let (sentence, colour) = match banner {
                Banner::Done(sentence) => (sentence, theme::SUCCESS),
                Banner::Problem(sentence) => (sentence, theme::DANGER),
            };
            top = top.push(
                text(sentence.as_str())
                    .size(theme::SMALL_SIZE)
                    .color(colour),
            );
            top = top.push(
                button(text("×").size(theme::SMALL_SIZE))
                    .style(button::text)
                    .on_press(Message::DismissBanner),
            );
        }
        if self.lock.is_some() {
            // Leaving the workstation for a moment: hide the messages now, not in 30 minutes.
            top = top.push(
                button(text(i18n.t("action-lock-now")).size(theme::SMALL_SIZE))
                    .style(theme::action)
                    .on_press(Message::Lock(lock::Message::LockNow)),
            );
        }
        top = top.push(
            button(text(i18n.t("action-settings")).size(theme::SMALL_SIZE))
                .style(theme::action)
                .on_press(Message::List(message_list::Message::OpenSettings)),
        );
        let top = container(top.padding([8, 14])).style(theme::bar);

        let grid = pane_grid(&self.panes, |_, pane, _| {
            let content: Element<'_, Message> = match pane {
                Pane::Boxes => self.sidebar(),
                Pane::List => self.list_pane(),
                Pane::Reader => self.reader.view(i18n).map(Message::Reader),
            };
            let style = match pane {
                Pane::Boxes => theme::sidebar,
                _ => theme::pane,
            };
            pane_grid::Content::new(container(content).style(style).height(Length::Fill))
        })
        .spacing(2)
        .min_size(160)
        .on_resize(8, |resized| Message::Layout(Layout::Resized(resized)))
        .style(|theme: &Theme| {
            let palette = theme.extended_palette();
            pane_grid::Style {
                hovered_region: pane_grid::Highlight {
                    background: iced::Background::Color(palette.primary.weak.color),
                    border: iced::Border::default(),
                },
                picked_split: pane_grid::Line {
                    color: palette.primary.base.color,
                    width: 2.0,
                },
                hovered_split: pane_grid::Line {
                    color: palette.primary.weak.color,
                    width: 2.0,
                },
            }
        });
        column![top, container(grid).style(theme::bar)].into()
    }

    /// The message list, under the inactivity banner of its box when one is due.
    pub(super) fn list_pane(&self) -> Element<'_, Message> {
        let i18n = self.i18n.as_ref();
        if let Some(found) = &self.prescriptions {
            let opened = self.reader.opened().map(|opened| &opened.reference);
            return found.view(i18n, opened).map(Message::Prescriptions);
        }
        let list = self.message_list.list_view(i18n).map(Message::List);
        let banner = self.message_list.current_account().and_then(|account| {
            self.inactivity
                .iter()
                .find(|banner| banner.mailbox() == account.name && banner.is_visible())
        });
        match banner {
            Some(banner) => {
                let name = banner.mailbox().to_string();
                column![
                    banner.view().map(move |message| {
                        Message::Inactivity(Inactivity::Banner(name.clone(), message))
                    }),
                    list
                ]
                .into()
            }
            None => list,
        }
    }

    pub(super) fn sidebar(&self) -> Element<'_, Message> {
        let i18n = self.i18n.as_ref();
        let mut side = column![self.message_list.boxes_view(i18n).map(Message::List)];
        if !self.composers.is_empty() {
            let mut drafts = column![text(i18n.t("drafts-in-progress"))
                .size(theme::SMALL_SIZE)
                .font(theme::SEMIBOLD)]
            .spacing(2);
            for composer in &self.composers {
                drafts = drafts.push(
                    button(text(composer.title(i18n)).size(theme::SMALL_SIZE))
                        .width(Length::Fill)
                        .padding([4, 8])
                        .style(button::text)
                        .on_press(Message::Go(Destination::Draft(composer.id()))),
                );
            }
            side = side.push(container(drafts).padding([6, 10]));
        }
        // Pro Santé Connect (issue 7): each PSC box's session and its sign-in.
        side = side.push(
            self.psc
                .view(self.message_list.boxes(), i18n)
                .map(Message::Psc),
        );
        side = side.push(
            container(
                button(text(i18n.t("action-add-box")).size(theme::SMALL_SIZE))
                    .width(Length::Fill)
                    .style(theme::action)
                    .on_press(Message::List(message_list::Message::AddBox)),
            )
            .padding(10),
        );
        side.height(Length::Fill).into()
    }
}
