//! The dialog the composer shows when the core stops a message (`SendError::Blocked`) or, before
//! it is queued, when a recipient only deserves a look (`usecase::outbox::check_recipients`: an
//! `mssante.fr` domain missing from the list): each issue as a sentence; "Envoyer" when only
//! notices remain; and, only when nothing blocks and a recipient is outside the trust space, the
//! explicit choice to send anyway. Health data must not leave the trust space without the
//! user saying so (ANN); a wrong patient address or an oversized message to a patient is never
//! sent, whatever the user says.

use std::sync::Arc;

use iced::widget::{button, column, container, row, scrollable, text};
use iced::{Element, Length};

use super::markers::{self, Tone};
use super::theme;
use crate::args;
use crate::i18n::{I18n, Language};
use crate::messages;
use pli_core::mssante::address::{SendCheck, SendIssue, Severity};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Message {
    /// Send: only notices were shown, the person has seen them.
    Send,
    SendAnyway,
    Cancel,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    None,
    /// Queue the message: the notices were seen, nothing else stops it.
    Send,
    /// Queue the message again with `SendPolicy { outside_confirmed: true, .. }`; the core
    /// records the confirmation in the trace.
    SendConfirmed,
    /// Close the dialog and go back to the message, which stays in the composer.
    Cancelled,
}

/// The confirmation before sending outside the trust space.
pub struct TrustDialog {
    i18n: Arc<I18n>,
    check: SendCheck,
}

impl TrustDialog {
    /// `check` is the one carried by `SendError::Blocked`.
    pub fn new(i18n: Arc<I18n>, check: SendCheck) -> Self {
        Self { i18n, check }
    }

    pub fn check(&self) -> &SendCheck {
        &self.check
    }

    /// Whether the dialog offers to send anyway: only when the worst issue is a recipient
    /// outside the trust space.
    pub fn offers_send_anyway(&self) -> bool {
        self.check.needs_confirmation()
    }

    /// Whether the dialog offers to send as is: nothing stops the message, the notices were
    /// only to be seen.
    pub fn offers_send(&self) -> bool {
        self.check.may_send(false)
    }

    /// Each issue as the sentence the dialog shows, the blocking ones first.
    pub fn sentences(&self) -> Vec<String> {
        self.ordered_issues()
            .into_iter()
            .map(|issue| issue_sentence(&self.i18n, issue))
            .collect()
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            // The button only exists when it may be pressed; the check is repeated so that a
            // stale message can never lift a blocking issue.
            Message::SendAnyway if self.offers_send_anyway() => Action::SendConfirmed,
            Message::SendAnyway => Action::None,
            Message::Send if self.offers_send() => Action::Send,
            Message::Send => Action::None,
            Message::Cancel => Action::Cancelled,
        }
    }

    pub fn view(&self) -> Element<'_, Message> {
        let t = |id: &str| self.i18n.t(id);
        let blocked = !self.check.may_send(true);
        let (title, intro) = if blocked {
            (t("trust-blocked-title"), t("trust-blocked-intro"))
        } else if self.offers_send_anyway() {
            (t("trust-outside-title"), t("trust-outside-intro"))
        } else {
            (t("trust-notice-title"), t("trust-notice-intro"))
        };

        let mut issues = column![].spacing(8);
        for issue in self.ordered_issues() {
            let tone = match issue.severity() {
                Severity::Blocking => Tone::Danger,
                Severity::NeedsConfirmation => Tone::Warning,
                Severity::Notice => Tone::Notice,
            };
            issues = issues.push(markers::note(tone, issue_sentence(&self.i18n, issue)));
        }

        let mut buttons = row![].spacing(12);
        if self.offers_send() {
            buttons = buttons.push(
                button(text(t("trust-send")))
                    .padding([8, 16])
                    .style(button::primary)
                    .on_press(Message::Send),
            );
        }
        if self.offers_send_anyway() {
            buttons = buttons.push(
                button(text(t("trust-send-anyway")))
                    .padding([8, 16])
                    .style(button::danger)
                    .on_press(Message::SendAnyway),
            );
        }
        buttons = buttons.push(
            button(text(if blocked {
                t("trust-back")
            } else {
                t("trust-cancel")
            }))
            .padding([8, 16])
            .style(button::secondary)
            .on_press(Message::Cancel),
        );

        container(
            container(
                column![
                    text(title)
                        .size(theme::HEADING_SIZE)
                        .font(markers::semibold()),
                    text(intro).size(theme::BODY_SIZE),
                    scrollable(issues).height(Length::Shrink),
                    buttons,
                ]
                .spacing(14),
            )
            .padding(24)
            .max_width(640)
            .style(markers::card),
        )
        .center(Length::Fill)
        .into()
    }

    /// Blocking issues first: they are what the user must act on.
    fn ordered_issues(&self) -> Vec<&SendIssue> {
        let mut issues: Vec<&SendIssue> = self.check.issues().iter().collect();
        issues.sort_by_key(|issue| std::cmp::Reverse(issue.severity()));
        issues
    }
}

/// One issue as a sentence that says what it means and what to do.
pub fn issue_sentence(i18n: &I18n, issue: &SendIssue) -> String {
    match issue {
        SendIssue::OutsideTrustSpace { address } => {
            i18n.t_args("trust-issue-outside", args!["address" => address.clone()])
        }
        SendIssue::InvalidPatientAddress { address, reason } => i18n.t_args(
            "trust-issue-invalid-patient",
            args![
                "address" => address.clone(),
                "reason" => messages::ins_error(reason, i18n),
            ],
        ),
        SendIssue::TooLargeForPatient { size, limit } => i18n.t_args(
            "trust-issue-too-large",
            args![
                "size" => megabytes(*size, i18n.language()),
                "limit" => megabytes(*limit, i18n.language()),
            ],
        ),
        SendIssue::UnlistedDomain { address } => {
            i18n.t_args("trust-issue-unlisted", args!["address" => address.clone()])
        }
    }
}

/// Bytes as megabytes (10⁶, as Mon espace santé counts) with one decimal, rounded up so that
/// a message just over the limit never reads as equal to it; French writes a decimal comma.
fn megabytes(bytes: u64, language: Language) -> String {
    let tenths = bytes.div_ceil(100_000);
    let (whole, tenth) = (tenths / 10, tenths % 10);
    let separator = match language {
        Language::Fr => ',',
        Language::En => '.',
    };
    if tenth == 0 {
        whole.to_string()
    } else {
        format!("{whole}{separator}{tenth}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_round_up_to_the_tenth_of_a_megabyte() {
        assert_eq!(megabytes(25_000_000, Language::Fr), "25");
        assert_eq!(megabytes(25_000_001, Language::Fr), "25,1");
        assert_eq!(megabytes(31_450_000, Language::En), "31.5");
        assert_eq!(megabytes(0, Language::En), "0");
    }
}
