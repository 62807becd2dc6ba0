//! The banner that warns before a mailbox is deleted for inactivity, and the "last used on …
//! by …" line of the box list.
//!
//! A box unused for a year is deleted by its operator, who warns two months before (SEED); Pli
//! warns on its own as well, from the uses it records, because the operator's e-mail may land
//! in the very box nobody reads. The clock is always given by the root (`Message::Clock`), never
//! read here, so that the tests choose the day.

use std::sync::Arc;

use chrono::{DateTime, Local, Utc};
use iced::widget::{button, column, container, row, text, Space};
use iced::{Alignment, Element, Length};

use super::markers::{self, Tone};
use super::message_list::BoxUse;
use super::theme;
use crate::args;
use crate::i18n::I18n;
use pli_core::mssante::inactivity::{assess, Activity, Thresholds};

/// The latest use of a box from this workstation, and who made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastUse {
    pub person: String,
    pub at: DateTime<Utc>,
}

impl From<(String, DateTime<Utc>)> for LastUse {
    /// From `Store::last_use`.
    fn from((person, at): (String, DateTime<Utc>)) -> Self {
        Self { person, at }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// The time now, from the root's clock (a tick every hour is plenty).
    Clock(DateTime<Utc>),
    /// The root recorded a use of the box (a sign-in, a read, a send, a move).
    Used(LastUse),
    /// "Keep this box" was pressed.
    KeepAlive,
    /// Signing in to keep the box failed; the sentence says why.
    KeepAliveFailed(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    None,
    /// Sign in to the box named here and record the use (`Store::record_use`), then send
    /// `Message::Used`, or `Message::KeepAliveFailed` with the reason.
    KeepAlive(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum KeepAlive {
    Idle,
    Running,
    Failed(String),
}

/// The inactivity banner of one box.
pub struct InactivityBanner {
    i18n: Arc<I18n>,
    mailbox: String,
    last_use: Option<LastUse>,
    thresholds: Thresholds,
    now: DateTime<Utc>,
    keep_alive: KeepAlive,
}

impl InactivityBanner {
    /// `mailbox` is the box's name as the accounts file knows it; `last_use` comes from
    /// `Store::last_use`, `thresholds` from the settings (per operator).
    pub fn new(
        i18n: Arc<I18n>,
        mailbox: impl Into<String>,
        last_use: Option<LastUse>,
        thresholds: Thresholds,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            i18n,
            mailbox: mailbox.into(),
            last_use,
            thresholds,
            now,
            keep_alive: KeepAlive::Idle,
        }
    }

    pub fn mailbox(&self) -> &str {
        &self.mailbox
    }

    /// `None` when the box was never used from this workstation: nothing to measure from.
    pub fn activity(&self) -> Option<Activity> {
        self.last_use
            .as_ref()
            .map(|last| assess(last.at, self.now, &self.thresholds))
    }

    /// Whether the banner shows anything.
    pub fn is_visible(&self) -> bool {
        !matches!(self.activity(), None | Some(Activity::Active))
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Clock(now) => self.now = now,
            Message::Used(used) => {
                // Uses may be reported out of order (several workers): keep the latest.
                if self.last_use.as_ref().is_none_or(|last| used.at > last.at) {
                    self.last_use = Some(used);
                }
                self.keep_alive = KeepAlive::Idle;
            }
            Message::KeepAlive => {
                if self.keep_alive != KeepAlive::Running {
                    self.keep_alive = KeepAlive::Running;
                    return Action::KeepAlive(self.mailbox.clone());
                }
            }
            Message::KeepAliveFailed(reason) => self.keep_alive = KeepAlive::Failed(reason),
        }
        Action::None
    }

    /// The "last used on … (by …)" line for the settings and the box list.
    pub fn last_use_line(&self) -> String {
        last_use_text(&self.i18n, self.last_use.as_ref())
    }

    /// What the box list says of this box: the last use, and the deletion near or past.
    pub fn box_use(&self) -> BoxUse {
        let alert = match self.activity() {
            None | Some(Activity::Active) => None,
            Some(Activity::WarningDue { deletion_date }) => Some((
                Tone::Warning,
                self.i18n.t_args(
                    "box-list-deletion-due",
                    args!["date" => local_date(deletion_date)],
                ),
            )),
            Some(Activity::ProbablyDeleted { since }) => Some((
                Tone::Danger,
                self.i18n
                    .t_args("box-list-deleted", args!["date" => local_date(since)]),
            )),
        };
        BoxUse {
            line: self.last_use_line(),
            alert,
        }
    }

    /// Nothing while the box is active; the warning or the "probably deleted" notice otherwise.
    pub fn view(&self) -> Element<'_, Message> {
        let t = |id: &str| self.i18n.t(id);
        let name = self.mailbox.clone();
        let (tone, title, sentence, can_keep) = match self.activity() {
            None | Some(Activity::Active) => return Space::new().into(),
            Some(Activity::WarningDue { deletion_date }) => (
                Tone::Warning,
                self.i18n
                    .t_args("banner-inactive-title", args!["name" => name]),
                self.i18n.t_args(
                    "inactivity-warning",
                    args!["date" => local_date(deletion_date)],
                ),
                true,
            ),
            Some(Activity::ProbablyDeleted { since }) => (
                Tone::Danger,
                self.i18n
                    .t_args("banner-deleted-title", args!["name" => name]),
                self.i18n
                    .t_args("inactivity-deleted", args!["date" => local_date(since)]),
                false,
            ),
        };

        let mut words = column![
            text(title).size(theme::BODY_SIZE).font(markers::semibold()),
            text(sentence).size(theme::BODY_SIZE),
            text(self.last_use_line()).size(theme::SMALL_SIZE),
        ]
        .spacing(4)
        .width(Length::Fill);
        if let KeepAlive::Failed(reason) = &self.keep_alive {
            words = words.push(text(reason.clone()).size(theme::SMALL_SIZE));
        }
        let mut content = row![words].spacing(16).align_y(Alignment::Center);
        if can_keep {
            let running = self.keep_alive == KeepAlive::Running;
            let label = if running {
                t("banner-keep-alive-running")
            } else {
                t("banner-keep-alive")
            };
            content = content.push(
                button(text(label))
                    .padding([8, 16])
                    .on_press_maybe((!running).then_some(Message::KeepAlive)),
            );
        }
        container(content)
            .padding([12, 16])
            .width(Length::Fill)
            .style(markers::tinted(tone))
            .into()
    }
}

/// "last used on 15/01/2025 (secretariat.b)", or "never used on this workstation".
pub fn last_use_text(i18n: &I18n, last_use: Option<&LastUse>) -> String {
    match last_use {
        Some(last) => i18n.t_args(
            "account-last-use",
            args!["date" => local_date(last.at), "person" => last.person.clone()],
        ),
        None => i18n.t("account-never-used"),
    }
}

/// A day as the workstation's user reads it: in local time (a use at 23:30 UTC is the next
/// day in Paris), day first, as both French and British English write it.
pub fn local_date(at: DateTime<Utc>) -> String {
    at.with_timezone(&Local).format("%d/%m/%Y").to_string()
}
