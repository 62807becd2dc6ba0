//! The lock: a workstation left alone hides its content after the configured idle time (two
//! hours at most, reported rule), and only the PIN of the person who set it brings it back.
//!
//! The PIN (4 to 8 digits, typed twice when it is chosen) lives in the operating system's
//! keyring, never in a file or a log. Keyring calls block, so this screen never makes them: it
//! asks the root with an [`Action`] and hears back with a [`Message`]; [`run_keyring`] is the
//! blocking work the root runs off the UI thread. After [`FREE_TRIES`] wrong PINs each further
//! try waits, longer every time, so that a PIN cannot be guessed by trying them all.
//!
//! Pli starts locked whenever a PIN exists: otherwise restarting it would open it.

use crate::messages::Localize;
use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use iced::widget::{button, column, container, text, text_input};
use iced::{Alignment, Element, Length};

use super::markers::{self, Tone};
use super::theme;
use crate::args;
use crate::i18n::I18n;
use pli_core::mail::connect::ConnectError;
use pli_core::mail::secrets::{Secret, SecretError, Secrets, WorkstationSecret};
use pli_core::settings::AUTO_LOCK_MAX_MINUTES;

pub const PIN_MIN_DIGITS: usize = 4;
pub const PIN_MAX_DIGITS: usize = 8;
/// Wrong PINs allowed before each try has to wait.
pub const FREE_TRIES: u32 = 5;
/// The wait after the first try past the free ones; it doubles with each wrong PIN after that.
const FIRST_WAIT_SECONDS: i64 = 30;
const LONGEST_WAIT_SECONDS: i64 = 15 * 60;
const PIN_FIELD_WIDTH: f32 = 300.0;

/// The ids of the fields, so tests and the root can focus them.
pub mod field {
    pub const PIN: &str = "lock-pin";
    pub const PIN_AGAIN: &str = "lock-pin-again";
}

/// What the lock shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Waiting to hear from the keyring whether a PIN exists; the content stays hidden.
    Starting,
    /// No PIN yet: the user chooses one before anything else.
    ChoosingPin,
    Unlocked,
    Locked,
}

#[derive(Clone)]
pub enum Message {
    /// The user did something in the window (key, click, scroll): the root sends the time.
    Activity(DateTime<Utc>),
    /// The root's clock, every second or so: locks when the idle time is over, and counts
    /// down the wait after wrong PINs.
    Tick(DateTime<Utc>),
    /// Answer to [`Action::FindPin`] (also sent when a PIN to verify was not found).
    PinFound(bool),
    /// Answer to [`Action::VerifyPin`].
    PinChecked(bool),
    /// Answer to [`Action::StorePin`].
    PinStored,
    /// A keyring call failed; the sentence says why (see [`run_keyring`]).
    KeyringFailed(String),
    PinInput(String),
    PinAgainInput(String),
    Submit,
    /// "Lock now", for a button the root may put in its toolbar.
    LockNow,
    /// Ask the keyring again after it failed at start.
    Retry,
}

/// What the lock asks the root to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    None,
    /// Find out whether a PIN is stored: run [`run_keyring`] off the UI thread.
    FindPin,
    /// Compare this PIN with the stored one: run [`run_keyring`] off the UI thread.
    VerifyPin(Secret),
    /// Store this PIN: run [`run_keyring`] off the UI thread.
    StorePin(Secret),
    /// The window just locked: hold notifications that would show message subjects, and
    /// focus [`field::PIN`].
    Locked,
}

/// The lock's state.
pub struct Lock {
    i18n: Arc<I18n>,
    phase: Phase,
    idle_limit: TimeDelta,
    last_activity: DateTime<Utc>,
    now: DateTime<Utc>,
    pin: String,
    pin_again: String,
    /// A keyring call is running; the form waits for its answer.
    waiting: bool,
    wrong_tries: u32,
    next_try_at: Option<DateTime<Utc>>,
    problem: Option<String>,
}

impl Lock {
    /// `idle_minutes` comes from the settings (`auto_lock_minutes`) and is held to 1–120. The
    /// action asks the keyring whether a PIN exists; until it answers, the content is hidden.
    pub fn new(i18n: Arc<I18n>, idle_minutes: u32, now: DateTime<Utc>) -> (Self, Action) {
        let lock = Self {
            i18n,
            phase: Phase::Starting,
            idle_limit: idle_limit(idle_minutes),
            last_activity: now,
            now,
            pin: String::new(),
            pin_again: String::new(),
            waiting: true,
            wrong_tries: 0,
            next_try_at: None,
            problem: None,
        };
        (lock, Action::FindPin)
    }

    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// Whether the root must show [`Lock::view`] instead of its content.
    pub fn is_covering(&self) -> bool {
        self.phase != Phase::Unlocked
    }

    /// The settings changed.
    pub fn set_idle_minutes(&mut self, idle_minutes: u32) {
        self.idle_limit = idle_limit(idle_minutes);
    }

    pub fn note_activity(&mut self, now: DateTime<Utc>) {
        self.now = now;
        if self.phase == Phase::Unlocked {
            self.last_activity = self.last_activity.max(now);
        }
    }

    /// Whether the idle time is over at `now` for an unlocked window.
    pub fn should_lock(&self, now: DateTime<Utc>) -> bool {
        self.phase == Phase::Unlocked && now - self.last_activity >= self.idle_limit
    }

    /// Wrong PINs since the last good one.
    pub fn wrong_tries(&self) -> u32 {
        self.wrong_tries
    }

    /// How long before the next try is accepted; `None` when it is accepted now.
    pub fn wait_left(&self) -> Option<TimeDelta> {
        self.next_try_at
            .map(|at| at - self.now)
            .filter(|left| *left > TimeDelta::zero())
    }

    /// The sentence under the form, if any.
    pub fn problem(&self) -> Option<&str> {
        self.problem.as_deref()
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Activity(now) => self.note_activity(now),
            Message::Tick(now) => {
                self.now = now;
                if self.should_lock(now) {
                    self.lock();
                    return Action::Locked;
                }
            }
            Message::LockNow => {
                if self.phase == Phase::Unlocked {
                    self.lock();
                    return Action::Locked;
                }
            }
            Message::PinFound(found) => {
                self.waiting = false;
                self.clear_inputs();
                self.phase = if found {
                    Phase::Locked
                } else {
                    Phase::ChoosingPin
                };
                if found {
                    return Action::Locked;
                }
            }
            Message::PinChecked(right) => {
                self.waiting = false;
                if self.phase != Phase::Locked {
                    return Action::None;
                }
                if right {
                    self.wrong_tries = 0;
                    self.next_try_at = None;
                    self.unlock();
                } else {
                    self.wrong_tries = self.wrong_tries.saturating_add(1);
                    self.next_try_at = wait_after(self.wrong_tries).map(|wait| self.now + wait);
                    self.problem = Some(self.wrong_pin_sentence());
                }
            }
            Message::PinStored => {
                self.waiting = false;
                if self.phase == Phase::ChoosingPin {
                    self.unlock();
                }
            }
            Message::KeyringFailed(sentence) => {
                self.waiting = false;
                self.problem = Some(sentence);
            }
            Message::PinInput(typed) => self.pin = pin_digits(&typed),
            Message::PinAgainInput(typed) => self.pin_again = pin_digits(&typed),
            Message::Submit => return self.submit(),
            Message::Retry => {
                if self.phase == Phase::Starting && !self.waiting {
                    self.waiting = true;
                    self.problem = None;
                    return Action::FindPin;
                }
            }
        }
        Action::None
    }

    fn submit(&mut self) -> Action {
        if self.waiting {
            return Action::None;
        }
        match self.phase {
            Phase::Locked => {
                if let Some(left) = self.wait_left() {
                    self.problem = Some(self.wait_sentence(left));
                    return Action::None;
                }
                if !valid_pin(&self.pin) {
                    return self.refuse(self.pin_length_sentence());
                }
                self.waiting = true;
                self.problem = None;
                Action::VerifyPin(Secret::new(std::mem::take(&mut self.pin)))
            }
            Phase::ChoosingPin => {
                if !valid_pin(&self.pin) {
                    return self.refuse(self.pin_length_sentence());
                }
                if self.pin != self.pin_again {
                    return self.refuse(self.i18n.t("lock-pins-differ"));
                }
                self.waiting = true;
                self.problem = None;
                self.pin_again.clear();
                Action::StorePin(Secret::new(std::mem::take(&mut self.pin)))
            }
            Phase::Starting | Phase::Unlocked => Action::None,
        }
    }

    /// Refuses what was typed: the fields are masked, so the user cannot see what to correct
    /// and types everything again.
    fn refuse(&mut self, sentence: String) -> Action {
        self.clear_inputs();
        self.problem = Some(sentence);
        Action::None
    }

    fn lock(&mut self) {
        self.phase = Phase::Locked;
        self.clear_inputs();
    }

    fn unlock(&mut self) {
        self.phase = Phase::Unlocked;
        self.last_activity = self.now;
        self.clear_inputs();
    }

    fn clear_inputs(&mut self) {
        self.pin.clear();
        self.pin_again.clear();
        self.problem = None;
    }

    fn pin_length_sentence(&self) -> String {
        self.i18n.t_args(
            "lock-pin-length",
            args!["min" => PIN_MIN_DIGITS, "max" => PIN_MAX_DIGITS],
        )
    }

    fn wait_sentence(&self, left: TimeDelta) -> String {
        let seconds = seconds_up(left);
        // Counted in seconds while that is easy to read, in minutes beyond.
        if seconds < 120 {
            self.i18n
                .t_args("lock-wait-seconds", args!["seconds" => seconds])
        } else {
            self.i18n
                .t_args("lock-wait-minutes", args!["minutes" => (seconds + 59) / 60])
        }
    }

    fn wrong_pin_sentence(&self) -> String {
        match self.wait_left() {
            Some(left) => self.wait_sentence(left),
            None => self.i18n.t_args(
                "lock-wrong-pin",
                args!["left" => FREE_TRIES.saturating_sub(self.wrong_tries)],
            ),
        }
    }

    /// The lock screen, to be shown instead of the whole window while [`Lock::is_covering`].
    pub fn view(&self) -> Element<'_, Message> {
        let t = |id: &str| self.i18n.t(id);
        let pin_field =
            |id: &'static str, hint: String, value: &str, on_input: fn(String) -> Message| {
                text_input(&hint, value)
                    .id(id)
                    .secure(true)
                    .on_input(on_input)
                    .on_submit(Message::Submit)
                    .padding(10)
                    .size(theme::HEADING_SIZE)
                    .width(Length::Fixed(PIN_FIELD_WIDTH))
            };
        let title = |id: &str| {
            text(t(id))
                .size(theme::TITLE_SIZE)
                .font(markers::semibold())
                .width(Length::Fill)
                .center()
        };
        let body = |sentence: String| text(sentence).size(theme::BODY_SIZE).center();
        // The countdown is rebuilt from the clock at each tick, so it is always current.
        let problem = match (self.phase, self.wait_left()) {
            (Phase::Locked, Some(left)) => Some(self.wait_sentence(left)),
            _ => self.problem.clone(),
        };
        let problem = problem.map(|problem| {
            container(text(problem).size(theme::BODY_SIZE).center())
                .padding([8, 12])
                .style(markers::tinted(Tone::Danger))
        });

        let card = column![].spacing(14).align_x(Alignment::Center);
        let card = match self.phase {
            Phase::Starting => {
                let retry = self.problem.is_some() && !self.waiting;
                card.push(title("lock-title"))
                    .push((!retry).then(|| body(t("lock-starting"))))
                    .push(problem)
                    .push(retry.then(|| {
                        button(text(t("lock-retry")))
                            .padding([8, 16])
                            .on_press(Message::Retry)
                    }))
            }
            Phase::ChoosingPin => card
                .push(title("lock-choose-title"))
                .push(body(self.i18n.t_args(
                    "lock-choose-intro",
                    args!["min" => PIN_MIN_DIGITS, "max" => PIN_MAX_DIGITS],
                )))
                .push(pin_field(
                    field::PIN,
                    t("lock-pin-hint"),
                    &self.pin,
                    Message::PinInput,
                ))
                .push(pin_field(
                    field::PIN_AGAIN,
                    t("lock-pin-again-hint"),
                    &self.pin_again,
                    Message::PinAgainInput,
                ))
                .push(
                    button(text(t("lock-choose")))
                        .padding([8, 16])
                        .on_press_maybe((!self.waiting).then_some(Message::Submit)),
                )
                .push(problem),
            Phase::Locked => {
                let waiting = self.waiting || self.wait_left().is_some();
                card.push(title("lock-title"))
                    .push(body(t("lock-intro")))
                    .push(pin_field(
                        field::PIN,
                        t("lock-pin-hint"),
                        &self.pin,
                        Message::PinInput,
                    ))
                    .push(
                        button(text(t("lock-unlock")))
                            .padding([8, 16])
                            .on_press_maybe((!waiting).then_some(Message::Submit)),
                    )
                    .push(problem)
                    .push(text(t("lock-forgotten")).size(theme::SMALL_SIZE).center())
            }
            // Nothing to hide; the root shows its content instead.
            Phase::Unlocked => card,
        };

        container(
            container(card)
                .padding(32)
                .max_width(520)
                .style(markers::card),
        )
        .center(Length::Fill)
        .into()
    }
}

fn idle_limit(minutes: u32) -> TimeDelta {
    TimeDelta::minutes(i64::from(minutes.clamp(1, AUTO_LOCK_MAX_MINUTES)))
}

/// Keeps the digits only, at most [`PIN_MAX_DIGITS`]: a PIN field that cannot hold anything
/// else needs no error for it.
fn pin_digits(typed: &str) -> String {
    typed
        .chars()
        .filter(char::is_ascii_digit)
        .take(PIN_MAX_DIGITS)
        .collect()
}

fn valid_pin(pin: &str) -> bool {
    (PIN_MIN_DIGITS..=PIN_MAX_DIGITS).contains(&pin.len())
        && pin.bytes().all(|b| b.is_ascii_digit())
}

/// The wait before the next try after `wrong_tries` wrong PINs: none for the first
/// [`FREE_TRIES`] − 1, then 30 s, 1 min, 2 min… up to 15 min.
pub fn wait_after(wrong_tries: u32) -> Option<TimeDelta> {
    let past_free = wrong_tries.checked_sub(FREE_TRIES)?;
    let doubled = FIRST_WAIT_SECONDS.saturating_mul(1_i64 << past_free.min(20));
    Some(TimeDelta::seconds(doubled.min(LONGEST_WAIT_SECONDS)))
}

/// Whole seconds, rounded up so that "0 s" is never shown while the wait lasts.
fn seconds_up(delta: TimeDelta) -> i64 {
    let millis = delta.num_milliseconds();
    (millis + 999).div_euclid(1000)
}

/// Compares two PINs in a time that does not depend on where they first differ, so that the
/// time an answer takes tells nothing about the stored PIN. Lengths are not secret (4 to 8).
pub fn pins_match(typed: &str, stored: &str) -> bool {
    let (typed, stored) = (typed.as_bytes(), stored.as_bytes());
    if typed.len() != stored.len() {
        return false;
    }
    let difference = typed
        .iter()
        .zip(stored)
        .fold(0_u8, |difference, (a, b)| difference | (a ^ b));
    // Keeps the compiler from turning the fold into an early exit.
    std::hint::black_box(difference) == 0
}

/// The blocking keyring work behind an [`Action`]; run it off the UI thread
/// (`tokio::task::spawn_blocking`) and send the message it returns to [`Lock::update`].
/// Returns `None` for actions that need no keyring.
pub fn run_keyring(action: &Action, secrets: &Secrets, i18n: &I18n) -> Option<Message> {
    let failed =
        |error: SecretError| Message::KeyringFailed(ConnectError::Secret(error).localize(i18n));
    let stored = || secrets.find_workstation(WorkstationSecret::LockPin);
    Some(match action {
        Action::FindPin => match stored() {
            Ok(found) => Message::PinFound(found.is_some()),
            Err(error) => failed(error),
        },
        Action::VerifyPin(typed) => match stored() {
            Ok(Some(pin)) => Message::PinChecked(pins_match(typed.expose(), pin.expose())),
            // Removed from the keyring meanwhile (that is how a forgotten PIN is reset): the
            // user chooses a new one.
            Ok(None) => Message::PinFound(false),
            Err(error) => failed(error),
        },
        Action::StorePin(pin) => match secrets.set_workstation(WorkstationSecret::LockPin, pin) {
            Ok(()) => Message::PinStored,
            Err(error) => failed(error),
        },
        Action::None | Action::Locked => return None,
    })
}

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // What is typed in a PIN field never prints.
            Message::PinInput(_) => f.write_str("PinInput(…)"),
            Message::PinAgainInput(_) => f.write_str("PinAgainInput(…)"),
            Message::Activity(at) => write!(f, "Activity({at})"),
            Message::Tick(at) => write!(f, "Tick({at})"),
            Message::PinFound(found) => write!(f, "PinFound({found})"),
            Message::PinChecked(right) => write!(f, "PinChecked({right})"),
            Message::PinStored => f.write_str("PinStored"),
            Message::KeyringFailed(sentence) => write!(f, "KeyringFailed({sentence:?})"),
            Message::Submit => f.write_str("Submit"),
            Message::LockNow => f.write_str("LockNow"),
            Message::Retry => f.write_str("Retry"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_match_only_when_equal() {
        assert!(pins_match("1234", "1234"));
        assert!(!pins_match("1234", "1235"));
        assert!(!pins_match("1234", "12345"));
        assert!(!pins_match("", "1234"));
        assert!(pins_match("", ""));
    }

    #[test]
    fn the_wait_grows_after_the_free_tries_and_is_capped() {
        assert_eq!(wait_after(FREE_TRIES - 1), None);
        assert_eq!(wait_after(FREE_TRIES), Some(TimeDelta::seconds(30)));
        assert_eq!(wait_after(FREE_TRIES + 1), Some(TimeDelta::seconds(60)));
        assert_eq!(wait_after(FREE_TRIES + 40), Some(TimeDelta::minutes(15)));
        assert_eq!(wait_after(u32::MAX), Some(TimeDelta::minutes(15)));
    }

    #[test]
    fn a_pin_field_keeps_digits_only() {
        assert_eq!(pin_digits("12a3 4"), "1234");
        assert_eq!(pin_digits("1234567890"), "12345678");
    }

    #[test]
    fn idle_time_is_held_to_two_hours() {
        assert_eq!(idle_limit(600), TimeDelta::minutes(120));
        assert_eq!(idle_limit(0), TimeDelta::minutes(1));
    }

    #[test]
    fn typed_pins_never_print() {
        let printed = format!("{:?}", Message::PinInput("4321".into()));
        assert!(!printed.contains("4321"), "{printed}");
        let printed = format!("{:?}", Action::VerifyPin(Secret::new("4321")));
        assert!(!printed.contains("4321"), "{printed}");
    }
}
