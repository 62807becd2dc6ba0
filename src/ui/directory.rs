//! The national MSSanté directory as a screen: results as the name is typed, read off the UI
//! thread on a connection of their own (SQLite lets readers share the index), and the three
//! things a professional does with a hit: write to it, copy its address, keep it in the
//! contacts.
//!
//! "Chercher en ligne" (Ctrl+E) also asks the online Annuaire Santé with the user's own key,
//! when the workstation allows it, and merges its answer into the rows (see
//! [`pli_core::directory::online`]): an address found both ways is one row marked as confirmed
//! online, a box only online is added and marked so.
//!
//! The directory is public data (the ANS publishes it), so its entries may show in a log; the
//! contacts file is the profile's own.

use super::debounce::{Debouncer, Ticket};
use crate::messages::Localize;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use iced::widget::{button, column, container, row, scrollable, text, text_input, Space};
use iced::{Alignment, Element, Length};
use serde::{Deserialize, Serialize};

use super::theme;
use crate::args;
use crate::i18n::I18n;
use pli_core::directory::fhir::{FhirClient, OnlineMailbox};
use pli_core::directory::online::look_up;
use pli_core::directory::{Directory, Entry, Origin, Query, Row};
use pli_core::mail::connect::ConnectError;
use pli_core::mail::secrets::{Secrets, WorkstationSecret};
use pli_core::profile::Profile;

/// The search field's id, for focus and the tests.
pub const SEARCH_FIELD: &str = "directory-search";
/// How many hits show: enough to scan, few enough to read at once.
pub const RESULTS: usize = 50;

/// What the directory holds, as the pane needs to know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holding {
    /// Not looked at yet.
    Unknown,
    /// Nothing was imported: the pane says how to import.
    Empty,
    Entries(u64),
    Unreadable(String),
}

#[derive(Debug, Clone)]
pub enum Message {
    Query(String),
    SearchDue(Ticket),
    Searched {
        ticket: Ticket,
        result: Result<Vec<Entry>, String>,
    },
    /// "Chercher en ligne": ask the online Annuaire Santé for the current query too.
    SearchOnline,
    /// The local hits merged with the online answer, or why the lookup failed (a sentence).
    OnlineSearched {
        ticket: Ticket,
        result: Result<Vec<Row>, String>,
    },
    Holding(Holding),
    Select(usize),
    /// ↑ / ↓ from the keyboard.
    Move(isize),
    /// Enter: write to the selected hit.
    WriteSelected,
    Write(usize),
    Copy(usize),
    AddContact(usize),
    ContactAdded(Result<String, String>),
    /// "Importer un fichier…": an extraction chosen with the system's dialog.
    Import,
    /// The import ended: how many mailboxes the directory now holds, or why it failed (the
    /// directory in use is then unchanged); `None` when no file was chosen.
    Imported(Option<Result<u64, String>>),
    Close,
}

/// What the pane asks the root to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    None,
    /// Wait, then send `SearchDue(ticket)`: only the last keystroke of a burst searches.
    Debounce(Ticket),
    Search {
        ticket: Ticket,
        text: String,
    },
    /// Look the text up online too, off the UI thread, and answer `OnlineSearched`.
    SearchOnline {
        ticket: Ticket,
        text: String,
    },
    Write {
        name: String,
        address: String,
    },
    Copy(String),
    AddContact(Contact),
    /// Ask for an extraction file and import it, off the UI thread.
    Import,
    Close,
}

/// The directory screen.
pub struct DirectoryPane {
    i18n: Arc<I18n>,
    query: String,
    /// A ticket per keystroke: only the newest search's answer is shown.
    searches: Debouncer,
    /// The rows shown: the file's hits, merged with the online answer once asked.
    hits: Vec<Row>,
    selected: Option<usize>,
    /// Whether the workstation allows the online lookup (the setting, read when the pane opens).
    online_allowed: bool,
    /// An online lookup is running: its button waits.
    searching_online: bool,
    holding: Holding,
    /// A sentence under the field: a failed search, an address copied, a contact added.
    notice: Option<Result<String, String>>,
    /// An import is running: the button waits.
    importing: bool,
}

impl DirectoryPane {
    pub fn query(&self) -> &str {
        &self.query
    }

    pub fn hits(&self) -> &[Row] {
        &self.hits
    }

    pub fn selected(&self) -> Option<usize> {
        self.selected
    }

    pub fn searching_online(&self) -> bool {
        self.searching_online
    }

    /// The workstation's setting, read each time the pane opens.
    pub fn allow_online(&mut self, allowed: bool) {
        self.online_allowed = allowed;
    }

    pub fn new(i18n: Arc<I18n>) -> Self {
        Self {
            i18n,
            query: String::new(),
            searches: Debouncer::default(),
            hits: Vec::new(),
            selected: None,
            online_allowed: false,
            searching_online: false,
            holding: Holding::Unknown,
            notice: None,
            importing: false,
        }
    }

    /// The newest search's ticket: its answer is the one shown.
    pub fn current_search(&self) -> Ticket {
        self.searches.current()
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Query(query) => {
                self.query = query;
                let ticket = self.searches.take();
                // An online answer for the previous letters will be dropped.
                self.searching_online = false;
                Action::Debounce(ticket)
            }
            Message::SearchDue(ticket) if self.searches.is_current(ticket) => {
                if self.query.trim().is_empty() {
                    self.hits.clear();
                    self.selected = None;
                    return Action::None;
                }
                Action::Search {
                    ticket,
                    text: self.query.clone(),
                }
            }
            Message::SearchDue(_) => Action::None,
            Message::Searched { ticket, result } => {
                // A slower search for older letters must not replace the newer results.
                if !self.searches.is_current(ticket) {
                    return Action::None;
                }
                match result {
                    Ok(hits) => {
                        self.selected = (!hits.is_empty()).then_some(0);
                        self.hits = hits.into_iter().map(Row::from_file).collect();
                        self.notice = None;
                    }
                    Err(detail) => self.notice = Some(Err(detail)),
                }
                Action::None
            }
            Message::SearchOnline => {
                if self.searching_online {
                    return Action::None;
                }
                if pli_core::directory::online::searches(&self.query).is_empty() {
                    self.notice = Some(Err(self.i18n.t("directory-online-nothing")));
                    return Action::None;
                }
                if !self.online_allowed {
                    self.notice = Some(Err(self.i18n.t("directory-online-off")));
                    return Action::None;
                }
                self.searching_online = true;
                self.notice = Some(Ok(self.i18n.t("directory-online-searching")));
                Action::SearchOnline {
                    ticket: self.searches.current(),
                    text: self.query.clone(),
                }
            }
            Message::OnlineSearched { ticket, result } => {
                if !self.searches.is_current(ticket) {
                    return Action::None;
                }
                self.searching_online = false;
                match result {
                    Ok(rows) => {
                        let count = |origin| rows.iter().filter(|row| row.origin == origin).count();
                        self.notice = Some(Ok(self.i18n.t_args(
                            "directory-online-found",
                            args![
                                "confirmed" => count(Origin::Confirmed),
                                "added" => count(Origin::Online)
                            ],
                        )));
                        self.selected = (!rows.is_empty()).then_some(0);
                        self.hits = rows;
                    }
                    // The file's hits stay: the sentence says why nothing was added.
                    Err(sentence) => self.notice = Some(Err(sentence)),
                }
                Action::None
            }
            Message::Holding(holding) => {
                self.holding = holding;
                Action::None
            }
            Message::Select(index) => {
                if index < self.hits.len() {
                    self.selected = Some(index);
                }
                Action::None
            }
            Message::Move(step) => {
                if self.hits.is_empty() {
                    return Action::None;
                }
                let last = self.hits.len() - 1;
                let current = self.selected.unwrap_or(0) as isize;
                self.selected = Some((current + step).clamp(0, last as isize) as usize);
                Action::None
            }
            Message::WriteSelected => match self.selected {
                Some(index) => self.update(Message::Write(index)),
                None => Action::None,
            },
            Message::Write(index) => match self.hits.get(index).map(|row| &row.entry) {
                Some(entry) => Action::Write {
                    name: entry.display_name(),
                    address: entry.address.clone(),
                },
                None => Action::None,
            },
            Message::Copy(index) => match self.hits.get(index).map(|row| &row.entry) {
                Some(entry) => {
                    self.notice = Some(Ok(self.i18n.t_args(
                        "directory-copied",
                        args!["address" => entry.address.clone()],
                    )));
                    Action::Copy(entry.address.clone())
                }
                None => Action::None,
            },
            Message::AddContact(index) => match self.hits.get(index).map(|row| &row.entry) {
                Some(entry) => Action::AddContact(Contact {
                    name: entry.display_name(),
                    address: entry.address.clone(),
                }),
                None => Action::None,
            },
            Message::ContactAdded(result) => {
                self.notice = Some(match result {
                    Ok(name) => Ok(self
                        .i18n
                        .t_args("directory-contact-added", args!["name" => name])),
                    Err(detail) => Err(self
                        .i18n
                        .t_args("directory-contact-failed", args!["detail" => detail])),
                });
                Action::None
            }
            Message::Import if !self.importing => {
                self.importing = true;
                self.notice = Some(Ok(self.i18n.t("directory-importing")));
                Action::Import
            }
            Message::Import => Action::None,
            Message::Imported(result) => {
                self.importing = false;
                self.notice = match result {
                    None => None,
                    Some(Ok(entries)) => {
                        self.holding = Holding::Entries(entries);
                        Some(Ok(self.i18n.t_args(
                            "directory-pane-imported",
                            args!["count" => entries],
                        )))
                    }
                    Some(Err(detail)) => Some(Err(self
                        .i18n
                        .t_args("directory-pane-import-failed", args!["detail" => detail]))),
                };
                Action::None
            }
            Message::Close => Action::Close,
        }
    }

    pub fn view(&self) -> Element<'_, Message> {
        let i18n = self.i18n.as_ref();
        let header = row![
            text(i18n.t("directory-title"))
                .size(theme::HEADING_SIZE)
                .font(theme::SEMIBOLD),
            Space::new().width(Length::Fill),
            button(text(i18n.t("directory-import")).size(theme::SMALL_SIZE))
                .style(theme::action)
                .on_press_maybe((!self.importing).then_some(Message::Import)),
            button(text(i18n.t("directory-close")).size(theme::SMALL_SIZE))
                .style(theme::action)
                .on_press(Message::Close),
        ]
        .spacing(8)
        .align_y(Alignment::Center);
        let field = text_input(&i18n.t("directory-search-hint"), &self.query)
            .id(SEARCH_FIELD)
            .on_input(Message::Query)
            .on_submit(Message::WriteSelected)
            .padding(8);
        let online = row![
            button(text(i18n.t("directory-online-search")).size(theme::SMALL_SIZE))
                .style(theme::action)
                .on_press_maybe((!self.searching_online).then_some(Message::SearchOnline)),
            text(i18n.t("directory-online-search-tip"))
                .size(theme::SMALL_SIZE)
                .style(text::secondary),
        ]
        .spacing(10)
        .align_y(Alignment::Center);
        let mut page = column![header, field, online].spacing(12);
        match &self.holding {
            Holding::Empty => {
                page = page.push(text(i18n.t("directory-pane-empty")).style(text::secondary));
            }
            Holding::Unreadable(detail) => {
                page = page.push(
                    text(i18n.t_args("directory-unreadable", args!["detail" => detail.clone()]))
                        .color(theme::DANGER),
                );
            }
            Holding::Entries(entries) => {
                page = page.push(
                    text(i18n.t_args("directory-holding", args!["count" => *entries]))
                        .size(theme::SMALL_SIZE)
                        .style(text::secondary),
                );
            }
            Holding::Unknown => {}
        }
        if let Some(notice) = &self.notice {
            page = page.push(match notice {
                Ok(sentence) => text(sentence.as_str())
                    .size(theme::SMALL_SIZE)
                    .color(theme::SUCCESS),
                Err(sentence) => text(sentence.as_str())
                    .size(theme::SMALL_SIZE)
                    .color(theme::DANGER),
            });
        }
        if self.hits.is_empty() && !self.query.trim().is_empty() {
            page = page.push(text(i18n.t("directory-no-hit")).style(text::secondary));
        }
        let mut list = column![].spacing(6);
        for (index, row) in self.hits.iter().enumerate() {
            list = list.push(self.hit_view(index, row));
        }
        // Room on the right so the scrollbar never sits on the buttons.
        page =
            page.push(scrollable(list.padding(iced::Padding::ZERO.right(14))).height(Length::Fill));
        container(page.padding(20).max_width(900))
            .center_x(Length::Fill)
            .height(Length::Fill)
            .into()
    }

    fn hit_view<'a>(&'a self, index: usize, hit: &'a Row) -> Element<'a, Message> {
        let i18n = self.i18n.as_ref();
        let entry = &hit.entry;
        let what = join([entry.profession.as_str(), &entry.specialty], " · ");
        let town = join([entry.postcode.as_str(), &entry.town], " ");
        // A box without a person is already named by its structure and service.
        let place = if entry.names_a_person() {
            join([entry.structure.as_str(), &entry.service, &town], " · ")
        } else {
            town
        };
        let small = |content: String| text(content).size(theme::SMALL_SIZE);
        // The labels keep to one line; a long name wraps instead.
        let label = |content: String| small(content).wrapping(text::Wrapping::None);
        let title = row![
            text(entry.display_name()).font(theme::SEMIBOLD),
            label(i18n.t_args(
                "directory-box-type",
                args!["code" => entry.box_type.code().to_string()]
            ))
            .style(text::secondary),
        ]
        .spacing(10)
        .align_y(Alignment::Center);
        // Where the address comes from, beside it.
        let mut address = row![small(entry.address.clone())]
            .spacing(10)
            .align_y(Alignment::Center);
        match hit.origin {
            Origin::File => {}
            Origin::Confirmed => {
                address =
                    address.push(label(i18n.t("directory-origin-confirmed")).color(theme::SUCCESS));
            }
            Origin::Online => {
                address =
                    address.push(label(i18n.t("directory-origin-online")).style(text::primary));
            }
        }
        let details = column![
            title,
            (!what.is_empty()).then(|| small(what)),
            (!place.is_empty()).then(|| small(place).style(text::secondary)),
            address,
        ]
        .spacing(2)
        .width(Length::Fill);
        let actions = row![
            button(small(i18n.t("directory-write")))
                .style(button::primary)
                .on_press(Message::Write(index)),
            button(small(i18n.t("directory-copy")))
                .style(theme::action)
                .on_press(Message::Copy(index)),
            button(small(i18n.t("directory-add-contact")))
                .style(theme::action)
                .on_press(Message::AddContact(index)),
        ]
        .spacing(6);
        let selected = self.selected == Some(index);
        button(
            row![details, actions]
                .spacing(12)
                .align_y(Alignment::Center),
        )
        .width(Length::Fill)
        .padding(10)
        .style(move |theme: &iced::Theme, status| row_style(theme, status, selected))
        .on_press(Message::Select(index))
        .into()
    }
}

/// A hit as a row of a list: the selected one tinted, as the keyboard's cursor, the text kept
/// in the page's colours so every line stays readable.
pub fn row_style(theme: &iced::Theme, status: button::Status, selected: bool) -> button::Style {
    let palette = theme.extended_palette();
    let background = if selected {
        Some(palette.primary.weak.color.scale_alpha(0.35).into())
    } else if matches!(status, button::Status::Hovered) {
        Some(palette.background.weak.color.into())
    } else {
        None
    };
    button::Style {
        background,
        text_color: palette.background.base.text,
        border: iced::Border::default().rounded(6),
        ..button::Style::default()
    }
}

fn join<'a>(parts: impl IntoIterator<Item = &'a str>, separator: &str) -> String {
    parts
        .into_iter()
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(separator)
}

/// The profile's directory index.
pub fn directory_path(profile: &Profile) -> PathBuf {
    pli_core::directory::refresh::directory_file(profile.data_dir())
}

/// Searches the directory on a connection of its own, off the UI thread.
pub async fn search(path: PathBuf, text: String, limit: usize) -> Result<Vec<Entry>, String> {
    tokio::task::spawn_blocking(move || {
        let directory = Directory::open(&path).map_err(|error| error.to_string())?;
        directory
            .search(&Query::parse(&text).limit(limit))
            .map(|hits| hits.into_iter().map(|hit| hit.entry).collect())
            .map_err(|error| error.to_string())
    })
    .await
    .map_err(|error| error.to_string())?
}

/// What an online lookup needs, read from the profile when it is asked.
#[derive(Debug, Clone)]
pub struct OnlineRequest {
    /// The profile's directory index, for the local hits.
    pub directory: PathBuf,
    /// The FHIR API (`directory_fhir_url` of the settings).
    pub base: String,
    /// The profile's keyring service, where the API key is.
    pub keyring_service: String,
    pub text: String,
    /// The demonstration asks no one: samples stand for the online answer.
    pub demo: bool,
}

/// The local hits of the text merged with the online answer, off the UI thread; a failure is a
/// sentence for the pane (no key, key refused, service unreachable or answering HTML).
pub async fn search_online(request: OnlineRequest, i18n: Arc<I18n>) -> Result<Vec<Row>, String> {
    tokio::task::spawn_blocking(move || {
        let imported = Directory::open(&request.directory)
            .ok()
            .filter(|directory| directory.status().is_some());
        let local: Vec<Entry> = match &imported {
            Some(directory) => directory
                .search(&Query::parse(&request.text).limit(RESULTS))
                .map(|hits| hits.into_iter().map(|hit| hit.entry).collect())
                .map_err(|error| error.to_string())?,
            None => Vec::new(),
        };
        if request.demo {
            let answer = demo_answer(&local);
            return Ok(pli_core::directory::online::merge(
                local,
                &answer,
                &request.text,
                RESULTS,
                |_| None,
            ));
        }
        let key = Secrets::os(&request.keyring_service)
            .and_then(|secrets| secrets.find_workstation(WorkstationSecret::DirectoryApiKey))
            .map_err(|error| {
                i18n.t_args(
                    "directory-online-keyring",
                    args!["detail" => ConnectError::from(error).localize(&i18n)],
                )
            })?
            .ok_or_else(|| i18n.t("directory-online-no-key"))?;
        let mut client = FhirClient::new(&request.base, key.expose());
        look_up(
            &mut client,
            imported.as_ref(),
            local,
            &request.text,
            RESULTS,
        )
        .map_err(|error| error.localize(&i18n))
    })
    .await
    .map_err(|error| error.to_string())?
}

/// What the demonstration's "online directory" answers: the first hit again with a fresher
/// title, and the applicative box of its structure, which the file never has. Invented, like
/// the rest of the demo.
fn demo_answer(local: &[Entry]) -> Vec<OnlineMailbox> {
    let Some(first) = local.first() else {
        return Vec::new();
    };
    let domain = first.address.split('@').nth(1).unwrap_or("demo.mssante.fr");
    let structure = if first.structure.is_empty() {
        first.display_name()
    } else {
        first.structure.clone()
    };
    vec![
        OnlineMailbox {
            address: first.address.clone(),
            box_type: Some(first.box_type.code().to_string()),
            description: None,
            service: None,
            holder: first.display_name(),
            civility: if first.names_a_person() {
                "DR".into()
            } else {
                String::new()
            },
            first_name: first.first_name.clone(),
            last_name: first.last_name.clone(),
            resource: if first.names_a_person() {
                "Practitioner".into()
            } else {
                "Organization".into()
            },
        },
        OnlineMailbox {
            address: format!("dpi@{domain}"),
            box_type: Some("APP".into()),
            description: Some("Dossier patient informatisé".into()),
            service: None,
            holder: structure,
            civility: String::new(),
            first_name: String::new(),
            last_name: String::new(),
            resource: "Organization".into(),
        },
    ]
}

/// What the directory holds, read off the UI thread.
pub async fn holding(path: PathBuf) -> Holding {
    let read = tokio::task::spawn_blocking(move || match Directory::open(&path) {
        Ok(directory) => match directory.status() {
            Some(status) => Holding::Entries(status.entries),
            None => Holding::Empty,
        },
        Err(error) => Holding::Unreadable(error.to_string()),
    });
    read.await
        .unwrap_or_else(|error| Holding::Unreadable(error.to_string()))
}

/// Asks for an extraction file with the system's dialog and imports it into the profile's
/// directory, off the UI thread. `None` when no file was chosen.
pub async fn import(path: PathBuf) -> Option<Result<u64, String>> {
    let file = rfd::AsyncFileDialog::new().pick_file().await?;
    let file = file.path().to_path_buf();
    let imported = tokio::task::spawn_blocking(move || {
        let directory = Directory::open(&path).map_err(|error| error.to_string())?;
        directory
            .import_file(&file, |_| std::ops::ControlFlow::Continue(()))
            .map(|report| report.entries)
            .map_err(|error| error.to_string())
    })
    .await;
    Some(imported.unwrap_or_else(|error| Err(error.to_string())))
}

// ----- the contacts -----

/// A correspondent the professional chose to keep.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub name: String,
    pub address: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct ContactsFile {
    #[serde(default, rename = "contact")]
    contacts: Vec<Contact>,
}

/// `contacts.toml` in the profile's configuration folder.
pub fn contacts_path(profile: &Profile) -> PathBuf {
    profile.config_dir().join("contacts.toml")
}

/// The contacts; a missing or damaged file reads as none, so the window always opens (the
/// damaged file is left for the user to look at, and is only replaced when a contact is added).
pub fn load_contacts(path: &Path) -> Vec<Contact> {
    let Ok(content) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    match toml::from_str::<ContactsFile>(&content) {
        Ok(file) => file.contacts,
        Err(error) => {
            tracing::warn!(%error, "the contacts file cannot be read; ignored");
            Vec::new()
        }
    }
}

/// Adds a contact (once per address) and writes the file whole, through a temporary file so a
/// crash never leaves half a list.
pub fn add_contact(path: &Path, contact: Contact) -> Result<String, String> {
    let mut contacts = load_contacts(path);
    let name = contact.name.clone();
    if !contacts
        .iter()
        .any(|known| known.address.eq_ignore_ascii_case(&contact.address))
    {
        contacts.push(contact);
    }
    let content = toml::to_string(&ContactsFile { contacts }).map_err(|e| e.to_string())?;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
    }
    let temporary = path.with_extension("toml.new");
    std::fs::write(&temporary, content).map_err(|e| e.to_string())?;
    std::fs::rename(&temporary, path).map_err(|e| e.to_string())?;
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contacts_survive_a_damaged_file_and_are_kept_once() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("contacts.toml");
        std::fs::write(&path, "this is [not toml").unwrap();
        assert!(load_contacts(&path).is_empty());
        let contact = Contact {
            name: "Hélène Noël".into(),
            address: "helene.noel@ch-test.mssante.fr".into(),
        };
        add_contact(&path, contact.clone()).unwrap();
        add_contact(&path, contact.clone()).unwrap();
        assert_eq!(load_contacts(&path), vec![contact]);
    }
}
