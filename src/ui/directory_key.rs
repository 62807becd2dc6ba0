//! The online Annuaire Santé in the settings: whether the directory may ask it, and the user's
//! own API key. The key goes to the keyring only (`WorkstationSecret::DirectoryApiKey`): the
//! field is masked, the screen says whether a key is stored and never shows it, and it is in no
//! message's `Debug` (it travels as a [`Secret`]).

use crate::messages::Localize;
use std::sync::Arc;

use iced::widget::{button, column, row, text, text_input, toggler};
use iced::{Alignment, Element, Length, Task};

use super::theme;
use crate::args;
use crate::i18n::I18n;
use pli_core::mail::connect::ConnectError;
use pli_core::mail::secrets::{Secret, Secrets, WorkstationSecret};

/// The masked field's id, for the tests.
pub const KEY_FIELD: &str = "directory-api-key";

/// What the keyring holds, as far as the screen knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeyState {
    /// Not read yet.
    #[default]
    Unknown,
    Stored,
    Absent,
    /// The demonstration never reaches the keyring.
    NoKeyring,
}

#[derive(Debug, Clone)]
pub enum Message {
    Online(bool),
    Typed(Secret),
    Save,
    Remove,
    Checked(Result<KeyState, String>),
    Saved(Result<(), String>),
    Removed(Result<(), String>),
}

/// What the form asks of the root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    None,
    /// The "allow online lookup" setting changed.
    Online(bool),
    /// Read whether a key is stored.
    Check,
    Store(Secret),
    Remove,
}

/// The form; its key field is emptied as soon as the key is handed to the keyring.
#[derive(Debug)]
pub struct DirectoryKey {
    typed: Secret,
    pub state: KeyState,
    /// A keyring call is running: the buttons wait.
    busy: bool,
    /// What the last action did (the sentence's id), or why it failed.
    notice: Option<Result<&'static str, String>>,
}

impl Default for DirectoryKey {
    fn default() -> Self {
        Self {
            typed: Secret::new(String::new()),
            state: KeyState::Unknown,
            busy: false,
            notice: None,
        }
    }
}

impl DirectoryKey {
    /// The screen opens: read the keyring again (another program may have changed it).
    pub fn open(&mut self) -> Action {
        self.typed = Secret::new(String::new());
        self.notice = None;
        self.busy = true;
        Action::Check
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Online(on) => Action::Online(on),
            Message::Typed(key) => {
                self.typed = key;
                Action::None
            }
            Message::Save => {
                let key = self.typed.expose().trim();
                if key.is_empty() || self.busy || self.state == KeyState::NoKeyring {
                    return Action::None;
                }
                let key = Secret::new(key);
                self.typed = Secret::new(String::new());
                self.busy = true;
                Action::Store(key)
            }
            Message::Remove if !self.busy && self.state == KeyState::Stored => {
                self.busy = true;
                Action::Remove
            }
            Message::Remove => Action::None,
            Message::Checked(result) => {
                self.busy = false;
                match result {
                    Ok(state) => self.state = state,
                    Err(detail) => self.notice = Some(Err(detail)),
                }
                Action::None
            }
            Message::Saved(result) => {
                self.done(result, KeyState::Stored, "settings-directory-key-saved")
            }
            Message::Removed(result) => {
                self.done(result, KeyState::Absent, "settings-directory-key-removed")
            }
        }
    }

    /// A keyring call ended: the key is now `state`, or the call failed.
    fn done(
        &mut self,
        result: Result<(), String>,
        state: KeyState,
        sentence: &'static str,
    ) -> Action {
        self.busy = false;
        self.notice = Some(result.map(|()| {
            self.state = state;
            sentence
        }));
        Action::None
    }

    /// The section of the settings screen: a heading, the switch, the key.
    pub fn view<'a>(&'a self, online: bool, i18n: &I18n) -> Element<'a, Message> {
        let small = |content: String| text(content).size(theme::SMALL_SIZE);
        let state = match self.state {
            KeyState::Unknown => small(i18n.t("settings-directory-key-checking")),
            KeyState::Stored => {
                small(i18n.t("settings-directory-key-stored")).color(theme::SUCCESS)
            }
            KeyState::Absent => small(i18n.t("settings-directory-key-none")),
            KeyState::NoKeyring => small(i18n.t("settings-directory-key-demo")),
        };
        let usable = !self.busy && self.state != KeyState::NoKeyring;
        let field = text_input(&i18n.t("settings-directory-key-hint"), self.typed.expose())
            .id(KEY_FIELD)
            .secure(true)
            .on_input_maybe(usable.then_some(|typed: String| Message::Typed(Secret::new(typed))))
            .on_submit(Message::Save)
            .padding(6)
            .width(Length::Fixed(240.0));
        let save = button(small(i18n.t("settings-directory-key-save")))
            .style(button::primary)
            .on_press_maybe(
                (usable && !self.typed.expose().trim().is_empty()).then_some(Message::Save),
            );
        let remove = button(small(i18n.t("settings-directory-key-remove")))
            .style(theme::action)
            .on_press_maybe((usable && self.state == KeyState::Stored).then_some(Message::Remove));
        let label = |id: &str| {
            text(i18n.t(id))
                .size(theme::BODY_SIZE)
                .width(Length::Fixed(220.0))
        };
        let mut section = column![
            text(i18n.t("settings-directory"))
                .size(theme::HEADING_SIZE)
                .font(theme::SEMIBOLD),
            row![
                label("settings-directory-online"),
                toggler(online).on_toggle(Message::Online)
            ]
            .spacing(12)
            .align_y(Alignment::Center),
            small(i18n.t("settings-directory-online-note")).style(text::secondary),
            row![label("settings-directory-key"), field, save, remove]
                .spacing(12)
                .align_y(Alignment::Center),
            state,
        ]
        .spacing(14);
        if let Some(notice) = &self.notice {
            section = section.push(match notice {
                Ok(id) => small(i18n.t(id)).color(theme::SUCCESS),
                Err(sentence) => small(sentence.clone()).color(theme::DANGER),
            });
        }
        section.into()
    }
}

/// The keyring work of an action, off the UI thread. The demonstration has no keyring: it
/// answers [`KeyState::NoKeyring`] and stores nothing.
pub fn task(action: Action, service: &str, i18n: &Arc<I18n>, demo: bool) -> Task<Message> {
    if demo {
        return match action {
            Action::Check => Task::done(Message::Checked(Ok(KeyState::NoKeyring))),
            _ => Task::none(),
        };
    }
    let service = service.to_string();
    let i18n = i18n.clone();
    match action {
        Action::None | Action::Online(_) => Task::none(),
        Action::Check => Task::perform(
            keyring(service, i18n, |secrets| {
                secrets
                    .find_workstation(WorkstationSecret::DirectoryApiKey)
                    .map(|key| match key {
                        Some(_) => KeyState::Stored,
                        None => KeyState::Absent,
                    })
            }),
            Message::Checked,
        ),
        Action::Store(key) => Task::perform(
            keyring(service, i18n, move |secrets| {
                secrets.set_workstation(WorkstationSecret::DirectoryApiKey, &key)
            }),
            Message::Saved,
        ),
        Action::Remove => Task::perform(
            keyring(service, i18n, |secrets| {
                secrets.delete_workstation(WorkstationSecret::DirectoryApiKey)
            }),
            Message::Removed,
        ),
    }
}

/// One keyring call on a blocking thread, its failure put into words.
async fn keyring<T: Send + 'static>(
    service: String,
    i18n: Arc<I18n>,
    call: impl FnOnce(&Secrets) -> Result<T, pli_core::mail::secrets::SecretError> + Send + 'static,
) -> Result<T, String> {
    let failed =
        |detail: String| i18n.t_args("settings-directory-key-failed", args!["detail" => detail]);
    let localize = i18n.clone();
    let result = tokio::task::spawn_blocking(move || {
        let secrets = Secrets::os(&service)?;
        call(&secrets)
    })
    .await;
    match result {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(failed(ConnectError::from(error).localize(&localize))),
        Err(error) => Err(failed(error.to_string())),
    }
}
