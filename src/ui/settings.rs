//! The settings: the boxes (with their state, their last use, a signature each, whether an
//! organisational box is a pharmacy's, whether its server lets colleagues share who handles
//! what), the name of the person at a shared workstation, a pharmacy's prepared answers
//! (`settings_templates`), the language, the theme and notifications. Every change applies at once; signatures are written to `ui.toml`, the
//! pharmacy to `accounts.toml`, the rest to the profile's `settings.toml`, which the command
//! line reads too.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use iced::widget::{
    button, column, container, pick_list, row, scrollable, text, text_editor, text_input, toggler,
    Space,
};
use iced::{Alignment, Element, Length};

use super::directory_key::{self, DirectoryKey};
use super::markers::{self, Tone};
use super::message_list::BoxEntry;
use super::preferences::Preferences;
use super::settings_templates::{self, Templates};
use super::theme::{self, ThemeChoice};
use super::widget::Choice;
use crate::args;
use crate::i18n::{I18n, Language};
use pli_core::mail::account::{Account, BoxKind};
use pli_core::mail::trust_list;
use pli_core::profile::Profile;
use pli_core::settings::ProfileSettings;
use pli_core::usecase::accounts::BoxChange;

#[derive(Default)]
pub struct SettingsScreen {
    /// One editor per box, filled from the preferences when the screen opens.
    signatures: BTreeMap<String, text_editor::Content>,
    /// The online Annuaire Santé: the switch and the API key (its own file).
    directory_key: DirectoryKey,
    /// An export is running (from the choice of its file to its last line).
    exporting: bool,
    /// How the last export went: the sentence to show.
    export_notice: Option<Result<String, String>>,
    /// The folders of each box whose server keeps no new keywords: "Je m'en occupe" cannot be
    /// shared there (issue 13).
    sharing_limited: BTreeMap<String, Vec<String>>,
    /// Why a box's setting could not be changed, by box.
    box_problems: BTreeMap<String, String>,
    /// The person's name as typed; empty means the name of the session on this computer.
    person_name: String,
    /// The trust space's list in use and how fresh it is (read when the screen opens).
    trust_list: Option<trust_list::Status>,
    /// A pharmacy's answers to patients, shown when a box is a pharmacy's.
    templates: Templates,
}

#[derive(Debug, Clone)]
pub enum Message {
    Signature(String, text_editor::Action),
    Language(Choice<Option<Language>>),
    Theme(Choice<ThemeChoice>),
    Notifications(bool),
    AddBox,
    Back,
    DirectoryKey(directory_key::Message),
    /// "Exporter les traces (CSV)".
    ExportTrace,
    /// The file the system's dialog gave for the export.
    ExportFileChosen(PathBuf),
    TraceExported(Result<String, String>),
    /// An organisational box receives the patients' prescriptions, or stops.
    Pharmacy(String, bool),
    /// The bodies a box keeps on this computer: every one, or the last N months'.
    KeepMonths(String, Choice<Option<u32>>),
    /// The box as saved, or why it was not.
    BoxSaved(String, Result<Box<Account>, String>),
    PersonName(String),
    /// A pharmacy's prepared answers changed.
    Templates(settings_templates::Message),
}

/// What the settings ask the root to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    None,
    /// The preferences changed: write them.
    Save,
    /// The language changed: translate the window, then write.
    Language,
    AddBox,
    Back,
    /// Keyring work for the directory's API key.
    DirectoryKey(directory_key::Action),
    /// Export the trace to this file, or to one the person chooses.
    /// Ask the person where to write the trace (the system's dialog).
    ChooseExportFile,
    /// Write the trace to this file.
    ExportTrace(PathBuf),
    /// Write the box's settings (`usecase::accounts::change`), then send `BoxSaved`.
    ChangeBox(String, BoxChange),
    /// The box was saved: the box list and the composer use it from now on.
    BoxChanged(Box<Account>),
}

impl SettingsScreen {
    /// How the last trace export went.
    pub fn export_notice(&self) -> Option<&Result<String, String>> {
        self.export_notice.as_ref()
    }

    /// The online directory's part reads whether a key is kept, each time the screen opens.
    pub fn check_directory_key(&mut self) -> directory_key::Action {
        self.directory_key.open()
    }

    /// Opens the screen on the current signatures, settings, and the folders where sharing is
    /// limited.
    pub fn open(
        &mut self,
        boxes: &[BoxEntry],
        preferences: &Preferences,
        settings: &ProfileSettings,
        sharing_limited: BTreeMap<String, Vec<String>>,
        trust_list: trust_list::Status,
        i18n: &I18n,
    ) {
        self.templates.open(settings, i18n);
        self.sharing_limited = sharing_limited;
        self.trust_list = Some(trust_list);
        self.box_problems.clear();
        self.person_name = settings.person_name.clone().unwrap_or_default();
        self.signatures = boxes
            .iter()
            .map(|entry| {
                let name = entry.account.name.clone();
                let content = text_editor::Content::with_text(preferences.signature(&name));
                (name, content)
            })
            .collect();
    }

    pub fn update(
        &mut self,
        message: Message,
        preferences: &mut Preferences,
        settings: &mut ProfileSettings,
    ) -> Action {
        match message {
            Message::Signature(account, action) => {
                let Some(content) = self.signatures.get_mut(&account) else {
                    return Action::None;
                };
                let edits = action.is_edit();
                content.perform(action);
                if !edits {
                    return Action::None;
                }
                let signature = content.text().trim_end().to_string();
                preferences.signatures.insert(account, signature);
                Action::Save
            }
            Message::Language(choice) => {
                settings.language = choice.value;
                Action::Language
            }
            Message::Theme(choice) => {
                settings.theme = choice.value.setting();
                Action::Save
            }
            Message::Notifications(on) => {
                settings.notifications = on;
                Action::Save
            }
            Message::AddBox => Action::AddBox,
            Message::Back => Action::Back,
            Message::DirectoryKey(message) => match self.directory_key.update(message) {
                directory_key::Action::None => Action::None,
                directory_key::Action::Online(on) => {
                    settings.directory_online = on;
                    Action::Save
                }
                action => Action::DirectoryKey(action),
            },
            Message::ExportTrace if self.exporting => Action::None,
            Message::ExportTrace => {
                self.exporting = true;
                self.export_notice = None;
                Action::ChooseExportFile
            }
            Message::ExportFileChosen(path) => Action::ExportTrace(path),
            Message::TraceExported(result) => {
                self.exporting = false;
                self.export_notice = Some(result);
                Action::None
            }
            Message::Pharmacy(account, on) => {
                self.box_problems.remove(&account);
                let change = BoxChange {
                    pharmacy: Some(on),
                    ..BoxChange::default()
                };
                Action::ChangeBox(account, change)
            }
            Message::KeepMonths(account, choice) => {
                self.box_problems.remove(&account);
                let change = BoxChange {
                    offline_months: Some(choice.value),
                    ..BoxChange::default()
                };
                Action::ChangeBox(account, change)
            }
            Message::BoxSaved(_, Ok(account)) => Action::BoxChanged(account),
            Message::BoxSaved(name, Err(problem)) => {
                self.box_problems.insert(name, problem);
                Action::None
            }
            Message::PersonName(name) => {
                let trimmed = name.trim();
                settings.person_name = (!trimmed.is_empty()).then(|| trimmed.to_string());
                self.person_name = name;
                Action::Save
            }
            Message::Templates(message) => {
                if self.templates.update(message, settings) {
                    Action::Save
                } else {
                    Action::None
                }
            }
        }
    }

    pub fn view<'a>(
        &'a self,
        boxes: &'a [BoxEntry],
        settings: &ProfileSettings,
        i18n: &'a I18n,
    ) -> Element<'a, Message> {
        let t = |id: &str| i18n.t(id);
        let heading = |id: &str| {
            text(i18n.t(id))
                .size(theme::HEADING_SIZE)
                .font(theme::SEMIBOLD)
        };

        let languages = vec![
            Choice::new(None, t("settings-language-system")),
            Choice::new(Some(Language::Fr), "Français"),
            Choice::new(Some(Language::En), "English"),
        ];
        let themes = vec![
            Choice::new(ThemeChoice::System, t("settings-theme-system")),
            Choice::new(ThemeChoice::Light, t("settings-theme-light")),
            Choice::new(ThemeChoice::Dark, t("settings-theme-dark")),
        ];
        let language = languages
            .iter()
            .find(|choice| choice.value == settings.language)
            .cloned();
        let theme_choice = themes
            .iter()
            .find(|choice| choice.value == ThemeChoice::of(settings))
            .cloned();

        let mut boxes_list = column![].spacing(16);
        for entry in boxes {
            let kind = match entry.account.kind {
                BoxKind::Personal => t("form-type-per"),
                BoxKind::Organisational => t("form-type-org"),
                BoxKind::Applicative => t("form-type-app"),
            };
            let mut card = column![
                row![
                    text(entry.account.name.as_str())
                        .size(theme::BODY_SIZE)
                        .font(theme::SEMIBOLD),
                    text(entry.account.address.as_str()).size(theme::SMALL_SIZE),
                ]
                .spacing(10)
                .align_y(Alignment::Center),
                row![
                    text(kind).size(theme::SMALL_SIZE).style(text::secondary),
                    text("●")
                        .size(theme::TINY_SIZE)
                        .color(entry.connectivity.colour()),
                    text(entry.connectivity.label(i18n)).size(theme::SMALL_SIZE),
                ]
                .spacing(8)
                .align_y(Alignment::Center),
            ]
            .spacing(6);
            if let Some(detail) = entry.connectivity.detail() {
                card = card.push(text(detail).size(theme::SMALL_SIZE).color(theme::DANGER));
            }
            if let Some(last_use) = &entry.last_use {
                card = card.push(
                    text(last_use.line.as_str())
                        .size(theme::SMALL_SIZE)
                        .style(text::secondary),
                );
                if let (Some((tone, _)), Some(sentence)) = (&last_use.alert, &last_use.sentence) {
                    card = card.push(markers::note(*tone, sentence.clone()));
                }
            }
            if entry.account.kind == BoxKind::Organisational {
                let account = entry.account.name.clone();
                card = card.push(
                    row![
                        toggler(entry.account.pharmacy)
                            .on_toggle(move |on| Message::Pharmacy(account.clone(), on)),
                        text(t("settings-pharmacy")).size(theme::SMALL_SIZE),
                    ]
                    .spacing(8)
                    .align_y(Alignment::Center),
                );
            }
            {
                let account = entry.account.name.clone();
                let choices = keep_choices(i18n);
                let current = choices
                    .iter()
                    .find(|choice| choice.value == entry.account.offline_months)
                    .cloned()
                    .or_else(|| {
                        entry.account.offline_months.map(|months| {
                            Choice::new(
                                Some(months),
                                i18n.t_args("settings-keep-months", args!["months" => months]),
                            )
                        })
                    });
                card = card.push(
                    row![
                        text(t("settings-keep")).size(theme::SMALL_SIZE),
                        pick_list(choices, current, move |choice| {
                            Message::KeepMonths(account.clone(), choice)
                        })
                        .text_size(theme::SMALL_SIZE),
                    ]
                    .spacing(8)
                    .align_y(Alignment::Center),
                );
            }
            if let Some(folders) = self
                .sharing_limited
                .get(&entry.account.name)
                .filter(|folders| !folders.is_empty())
            {
                card = card.push(markers::note(
                    Tone::Warning,
                    i18n.t_args(
                        "settings-sharing-limited",
                        args!["folders" => folders.join(", ")],
                    ),
                ));
            }
            if let Some(problem) = self.box_problems.get(&entry.account.name) {
                card = card.push(
                    text(problem.as_str())
                        .size(theme::SMALL_SIZE)
                        .color(theme::DANGER),
                );
            }
            if let Some(content) = self.signatures.get(&entry.account.name) {
                let account = entry.account.name.clone();
                card = card.push(text(t("settings-signature")).size(theme::SMALL_SIZE));
                card = card.push(
                    text_editor(content)
                        .placeholder(t("settings-signature-hint"))
                        .on_action(move |action| Message::Signature(account.clone(), action))
                        .size(theme::SMALL_SIZE)
                        .height(Length::Fixed(90.0)),
                );
            }
            boxes_list = boxes_list.push(
                container(card)
                    .padding(12)
                    .width(Length::Fill)
                    .style(theme::card),
            );
        }

        let line = |label: String, control: Element<'a, Message>| -> Element<'a, Message> {
            row![
                text(label)
                    .size(theme::BODY_SIZE)
                    .width(Length::Fixed(220.0)),
                control
            ]
            .spacing(12)
            .align_y(Alignment::Center)
            .into()
        };

        let page = column![
            row![
                button(text(t("settings-back")).size(theme::SMALL_SIZE))
                    .style(button::text)
                    .on_press(Message::Back),
                text(t("settings-title"))
                    .size(theme::TITLE_SIZE)
                    .font(theme::SEMIBOLD),
            ]
            .spacing(12)
            .align_y(Alignment::Center),
            heading("settings-boxes"),
            boxes_list,
            button(text(t("settings-add-box")))
                .style(theme::action)
                .on_press(Message::AddBox),
            Space::new().height(8),
            heading("settings-workstation"),
            line(
                t("settings-person-name"),
                text_input(&t("settings-person-name-hint"), &self.person_name)
                    .on_input(Message::PersonName)
                    .size(theme::SMALL_SIZE)
                    .padding(6)
                    .into()
            ),
            text(t("settings-person-name-note"))
                .size(theme::SMALL_SIZE)
                .style(text::secondary),
            Space::new().height(8),
            if boxes.iter().any(|entry| entry.account.pharmacy) {
                self.templates.view(i18n).map(Message::Templates)
            } else {
                Space::new().into()
            },
            heading("settings-display"),
            line(
                t("settings-language"),
                pick_list(languages, language, Message::Language).into()
            ),
            line(
                t("settings-theme"),
                pick_list(themes, theme_choice, Message::Theme).into()
            ),
            line(
                t("settings-notifications"),
                toggler(settings.notifications)
                    .on_toggle(Message::Notifications)
                    .into()
            ),
            text(t("settings-notifications-note"))
                .size(theme::SMALL_SIZE)
                .style(text::secondary),
            Space::new().height(8),
            self.directory_key
                .view(settings.directory_online, i18n)
                .map(Message::DirectoryKey),
            self.trust_list_view(i18n),
            heading("settings-trace"),
            text(t("settings-trace-note"))
                .size(theme::SMALL_SIZE)
                .style(text::secondary),
            button(text(t("settings-trace-export")))
                .style(theme::action)
                .on_press_maybe((!self.exporting).then_some(Message::ExportTrace)),
            match &self.export_notice {
                Some(Ok(done)) => text(done.as_str())
                    .size(theme::SMALL_SIZE)
                    .color(theme::SUCCESS),
                Some(Err(problem)) => text(problem.as_str())
                    .size(theme::SMALL_SIZE)
                    .color(theme::DANGER),
                None => text(""),
            },
        ]
        .spacing(14)
        .padding(24)
        .max_width(820);

        scrollable(container(page).center_x(Length::Fill))
            .height(Length::Fill)
            .into()
    }
}

/// Writes the trace of the profile as CSV (the same file as `pli trace export`, retention
/// applied) to `destination`, or to a file the person chooses; the sentence to show.
/// The system's dialog for the trace's file, opened in the person's documents.
pub async fn choose_export_file() -> Option<PathBuf> {
    let name = format!("traces-pli-{}.csv", chrono::Local::now().format("%Y-%m-%d"));
    let mut dialog = rfd::AsyncFileDialog::new()
        .set_file_name(name)
        .add_filter("CSV", &["csv"]);
    if let Some(folder) =
        directories::UserDirs::new().and_then(|dirs| dirs.document_dir().map(PathBuf::from))
    {
        dialog = dialog.set_directory(folder);
    }
    dialog
        .save_file()
        .await
        .map(|handle| handle.path().to_path_buf())
}

pub async fn export_trace(
    profile: Profile,
    path: PathBuf,
    i18n: Arc<I18n>,
) -> Result<String, String> {
    let written = path.clone();
    let export = move || -> Result<usize, String> {
        let file = std::fs::File::create(&written).map_err(|error| error.to_string())?;
        pli_core::mail::trace_export::export_profile(&profile, None, std::io::BufWriter::new(file))
            .map_err(|error| error.to_string())
    };
    let outcome = tokio::task::spawn_blocking(export)
        .await
        .map_err(|error| error.to_string())
        .and_then(|result| result);
    let path = path.display().to_string();
    match outcome {
        Ok(count) => Ok(i18n.t_args(
            "settings-trace-exported",
            args!["count" => count, "path" => path],
        )),
        Err(detail) => Err(i18n.t_args(
            "settings-trace-failed",
            args!["path" => path, "detail" => detail],
        )),
    }
}

impl SettingsScreen {
    /// The trust space's list: where it came from, how many domains, when it was last
    /// downloaded (the boxes' workers try once a day) and why the last try failed, if it did.
    fn trust_list_view<'a>(&'a self, i18n: &'a I18n) -> Element<'a, Message> {
        let Some(status) = &self.trust_list else {
            return Space::new().into();
        };
        let local = |at: Option<chrono::DateTime<chrono::Utc>>| {
            at.map_or_else(
                || i18n.t("whitelist-never"),
                |at| {
                    at.with_timezone(&chrono::Local)
                        .format("%d/%m/%Y %H:%M")
                        .to_string()
                },
            )
        };
        let line = |words: String| text(words).size(theme::SMALL_SIZE);
        let mut section = column![
            text(i18n.t("settings-trust-list"))
                .size(theme::HEADING_SIZE)
                .font(theme::SEMIBOLD),
            line(i18n.t(match status.origin {
                trust_list::Origin::Bundled => "whitelist-origin-bundled",
                trust_list::Origin::Profile(_) => "whitelist-origin-profile",
            })),
            line(i18n.t_args("whitelist-domains", args!["count" => status.domains])),
            line(i18n.t_args(
                "whitelist-fetched",
                args!["date" => local(status.freshness.fetched_at)]
            )),
        ]
        .spacing(6);
        if let Some(failure) = &status.freshness.last_failure {
            section = section.push(
                text(i18n.t_args(
                    "whitelist-last-failure",
                    args!["date" => local(status.freshness.tried_at), "detail" => failure.clone()],
                ))
                .size(theme::SMALL_SIZE)
                .color(theme::DANGER),
            );
        }
        section
            .push(
                text(i18n.t("settings-trust-list-note"))
                    .size(theme::SMALL_SIZE)
                    .style(text::secondary),
            )
            .into()
    }
}

/// Writes a box's settings, off the UI thread; the box as saved, or the sentence saying why it
/// was not.
pub async fn change_box(
    profile: Profile,
    name: String,
    change: BoxChange,
    i18n: Arc<I18n>,
) -> Result<Box<Account>, String> {
    use crate::messages::Localize;
    tokio::task::spawn_blocking(move || {
        pli_core::usecase::accounts::change(&profile, &name, change)
            .map(Box::new)
            .map_err(|error| error.localize(&i18n))
    })
    .await
    .map_err(|error| error.to_string())
    .and_then(|result| result)
}

/// What a box may keep on this computer, as the settings offer it.
fn keep_choices(i18n: &I18n) -> Vec<Choice<Option<u32>>> {
    let mut choices = vec![Choice::new(None, i18n.t("settings-keep-all"))];
    for months in [24, 12, 6, 3] {
        choices.push(Choice::new(
            Some(months),
            i18n.t_args("settings-keep-months", args!["months" => months]),
        ));
    }
    choices
}
