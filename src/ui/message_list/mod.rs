//! The two left panes: the boxes (BAL) with their type, connection state, folders and unread
//! counts, and the message list of the chosen folder or of a search.
//!
//! The list draws only the rows on screen (see `widget::windowed_list`): it keeps a window over
//! the folder and reads exactly those rows from the store (`Store::page`), so a box of 100,000
//! messages costs the same as a box of 20. The store is local: reading a page on the UI thread
//! takes well under a frame, and nothing here ever waits on the network.

use super::debounce::{Debouncer, Ticket};

use chrono::{DateTime, Local};
use iced::mouse::ScrollDelta;
use iced::{Alignment, Element, Length, Size, Theme};

use super::connectivity::BoxStatus;
use super::correspondent::{display_name, Correspondent};
use super::markers::{self, Tone};
use super::widget::{windowed_list, ListWindow, WheelRows};
use super::{format, theme};
use crate::args;
use crate::i18n::I18n;
use pli_core::mail::account::{Account, BoxKind};
use pli_core::mail::store::{
    read_apart, Envelope, Flags, Folder, Found, PatientKind, Role, SearchFilter, Store,
};
use pli_core::mssante::headers::subject_for_display;
use pli_core::usecase::handling::{HandlingCounts, HandlingView};
use pli_core::usecase::message_list::{self as listing, DocumentChoices, DocumentLabel};
pub use pli_core::usecase::message_list::{ListArrangement, ListOrder, PatientChoice};

mod arrange;
mod counts;
mod search;
mod view;

pub use arrange::Arrange;
pub use counts::{count_folders, count_folders_apart, count_handling_apart};

use search::snippet;
pub use search::{search, search_servers, Search};

/// The height of one row of the list; fixed, so the window is arithmetic.
pub const ROW_HEIGHT: f32 = 56.0;
/// The column of the unread dot, and the gap between a row's items.
const UNREAD_DOT_WIDTH: f32 = 12.0;
const ROW_SPACING: f32 = 6.0;
/// A search shows the newest matches first, up to this many.
pub const SEARCH_LIMIT: usize = 1000;
/// The id of the search field, for Ctrl+F and `/`.
pub const SEARCH_FIELD: &str = "mailbox-search";

/// One message, wherever it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRef {
    pub account: String,
    pub folder: Folder,
    pub uid: u32,
}

#[derive(Debug, Clone)]
pub struct FolderEntry {
    pub folder: Folder,
    pub unread: usize,
    pub total: usize,
}

/// A box in the left pane.
#[derive(Debug, Clone)]
pub struct BoxEntry {
    pub account: Account,
    pub connectivity: BoxStatus,
    pub folders: Vec<FolderEntry>,
    /// A shared box's "À traiter", "Pris en charge par moi", "Traités" counts (issue 13).
    pub handling: Option<HandlingCounts>,
    /// The offline copy of the bodies, while it is not complete (the worker's last word).
    pub offline: Option<pli_core::mail::store::OfflineProgress>,
    /// When the box was last used from this workstation, and the warning before the operator
    /// deletes it (SEED), so that a box nobody opens still shows it.
    pub last_use: Option<BoxUse>,
}

/// How long a box has gone unused, as the box list and the settings say it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoxUse {
    /// "dernière utilisation le … (…)", or "jamais utilisée sur ce poste" (the settings).
    pub line: String,
    /// "utilisée le …": the box list's narrow column.
    pub short: String,
    /// The deletion near or past: its tone and its words, short for the box list.
    pub alert: Option<(Tone, String)>,
    /// The same, as the whole sentence the banner says (the settings).
    pub sentence: Option<String>,
}

impl BoxEntry {
    pub fn unread(&self) -> usize {
        self.folders
            .iter()
            .filter(|entry| entry.folder.role == Some(Role::Inbox))
            .map(|entry| entry.unread)
            .sum()
    }

    pub fn folder(&self, id: i64) -> Option<&Folder> {
        self.folders
            .iter()
            .map(|entry| &entry.folder)
            .find(|folder| folder.id == id)
    }
}

/// A row of the list: the envelope and the folder it lives in (a search spans folders).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRow {
    pub folder: i64,
    pub envelope: Envelope,
    /// For a patient's message: a reply, unsolicited, or a prescription (read with the page).
    pub patient_kind: Option<PatientKind>,
    /// The type and the patient of its first health document, when it carries one, and
    /// whether its documents were filed.
    pub document: Option<DocumentLabel>,
    /// A search's result: where the words matched.
    pub snippet: Option<String>,
    /// A search's result found by the server: the message's body is not on this computer.
    pub on_server: bool,
}

impl ListRow {
    fn listed(folder: i64, listed: listing::ListedMessage) -> Self {
        Self {
            document: listed.document,
            ..Self::new(folder, listed.envelope)
        }
    }

    fn new(folder: i64, envelope: Envelope) -> Self {
        Self {
            folder,
            envelope,
            patient_kind: None,
            document: None,
            snippet: None,
            on_server: false,
        }
    }
}

/// The selected row: its place in the list and which message it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selected {
    pub index: usize,
    pub folder: i64,
    pub uid: u32,
}

pub struct MessageList {
    boxes: Vec<BoxEntry>,
    /// The box and folder whose list is shown.
    current: Option<(String, i64)>,
    /// The pharmacy box whose "Ordonnances" the root shows in place of the list, if any.
    prescriptions_of: Option<String>,
    /// The shared box and list ("À traiter"…) the root shows in place of the list, if any.
    handling_of: Option<(String, HandlingView)>,
    window: ListWindow,
    wheel: WheelRows,
    /// The rows of the window, read from the store (folder) or from the results (search).
    rows: Vec<ListRow>,
    selected: Option<Selected>,
    search: Search,
    /// The folder's sort and filters by health document (issue 12), and the values present.
    arrangement: ListArrangement,
    choices: DocumentChoices,
    /// When the list was last read, for "today" in the date column.
    now: DateTime<Local>,
    /// Why the store could not be read, if it could not.
    problem: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Message {
    SelectFolder {
        account: String,
        folder: i64,
    },
    Select(usize),
    Resized(Size),
    Wheel(ScrollDelta),
    ScrollTo(usize),
    Search(String),
    SearchDue(Ticket),
    Searched {
        ticket: Ticket,
        result: Result<Vec<Found>, String>,
    },
    /// The servers' matches among the messages not on this computer, and whether every server
    /// that should have been asked answered.
    ServerSearched {
        ticket: Ticket,
        found: Vec<Found>,
        unreachable: bool,
    },
    SearchEveryBox(bool),
    SearchWithAttachment(bool),
    ClearSearch,
    /// The sort or a filter of the folder's list changed.
    Arrange(Arrange),
    AddBox,
    OpenSettings,
    ShowPrescriptions(String),
    /// The root shows this pharmacy box's "Ordonnances" in place of the list (`None`: the list
    /// again).
    PrescriptionsShown(Option<String>),
    /// "À traiter", "Pris en charge par moi" or "Traités" of a shared box.
    ShowHandling(String, HandlingView),
    /// The root shows that list in place of the folder's.
    HandlingShown(String, HandlingView),
    /// The store could not be read for what the list asked: the sentence to show.
    Problem(String),
}

/// What the list asks the root to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    None,
    /// Show this message in the reader.
    Open(MessageRef),
    /// Nothing is selected any more.
    Close,
    /// Wait a little, then send `SearchDue(ticket)`: typing fast searches once.
    Debounce(Ticket),
    /// Run the search off the UI thread and send `Searched`, then ask the servers and send
    /// `ServerSearched`.
    Search {
        ticket: Ticket,
        accounts: Vec<Account>,
        filter: SearchFilter,
    },
    AddBox,
    OpenSettings,
    /// Show the pharmacy box's "Ordonnances" (a virtual folder the root draws).
    ShowPrescriptions(String),
    ShowHandling(String, HandlingView),
}

impl MessageList {
    pub fn new(accounts: &[Account], connectivity: BoxStatus) -> Self {
        Self {
            boxes: accounts
                .iter()
                .map(|account| BoxEntry {
                    account: account.clone(),
                    connectivity: connectivity.clone(),
                    folders: Vec::new(),
                    handling: None,
                    offline: None,
                    last_use: None,
                })
                .collect(),
            current: None,
            prescriptions_of: None,
            handling_of: None,
            window: ListWindow::default(),
            wheel: WheelRows::default(),
            rows: Vec::new(),
            selected: None,
            search: Search::default(),
            arrangement: ListArrangement::default(),
            choices: DocumentChoices::default(),
            now: Local::now(),
            problem: None,
        }
    }

    pub fn add_box(&mut self, account: Account, connectivity: BoxStatus) {
        self.boxes.push(BoxEntry {
            account,
            connectivity,
            folders: Vec::new(),
            handling: None,
            offline: None,
            last_use: None,
        });
    }

    /// A box's settings changed (a pharmacy's or not): its entry shows them.
    pub fn box_changed(&mut self, account: Account) {
        if let Some(entry) = self.entry_mut(&account.name) {
            entry.account = account;
        }
    }

    /// What the box list says of a box's use (the root reads it from the inactivity banners).
    pub fn set_last_use(&mut self, account: &str, last_use: BoxUse) {
        if let Some(entry) = self.entry_mut(account) {
            entry.last_use = Some(last_use);
        }
    }

    pub fn entry(&self, account: &str) -> Option<&BoxEntry> {
        self.boxes
            .iter()
            .find(|entry| entry.account.name == account)
    }

    pub fn entry_mut(&mut self, account: &str) -> Option<&mut BoxEntry> {
        self.boxes
            .iter_mut()
            .find(|entry| entry.account.name == account)
    }

    /// The box whose list is shown, or the first one.
    pub fn current_account(&self) -> Option<&Account> {
        self.current
            .as_ref()
            .and_then(|(account, _)| self.entry(account))
            .or_else(|| self.boxes.first())
            .map(|entry| &entry.account)
    }

    pub fn current_folder(&self) -> Option<&Folder> {
        let (account, folder) = self.current.as_ref()?;
        self.entry(account)?.folder(*folder)
    }

    fn folder_by_id(&self, id: i64) -> Option<(&Account, &Folder)> {
        self.boxes
            .iter()
            .find_map(|entry| entry.folder(id).map(|folder| (&entry.account, folder)))
    }

    /// The rows on screen.
    pub fn visible_rows(&self) -> &[ListRow] {
        &self.rows
    }

    /// The message a row designates.
    pub fn reference(&self, row: &ListRow) -> Option<MessageRef> {
        let (account, folder) = self.folder_by_id(row.folder)?;
        Some(MessageRef {
            account: account.name.clone(),
            folder: folder.clone(),
            uid: row.envelope.uid,
        })
    }

    pub fn selected_ref(&self) -> Option<MessageRef> {
        let selected = self.selected?;
        let (account, folder) = self.folder_by_id(selected.folder)?;
        Some(MessageRef {
            account: account.name.clone(),
            folder: folder.clone(),
            uid: selected.uid,
        })
    }

    /// Reads the folders and their counts again, on the spot. Counting the unread messages of
    /// a 100,000-message folder takes tens of milliseconds: the window does it at start and
    /// otherwise off its thread (`count_folders`, then `set_folders`).
    pub fn reload_boxes(&mut self, store: &Store) {
        let accounts: Vec<String> = self.boxes.iter().map(|b| b.account.name.clone()).collect();
        match count_folders(store, &accounts) {
            Ok(counted) => self.set_folders(counted, Some(store)),
            Err(error) => self.problem = Some(error.to_string()),
        }
    }

    /// The "À traiter" / "Pris en charge par moi" / "Traités" counts of the shared boxes.
    pub fn set_handling_counts(&mut self, counted: Vec<(String, HandlingCounts)>) {
        for (account, counts) in counted {
            if let Some(entry) = self.entry_mut(&account) {
                entry.handling = Some(counts);
            }
        }
    }

    /// The folders and counts read by `count_folders`; with the store, the list follows its
    /// folder's new count.
    pub fn set_folders(&mut self, counted: Vec<(String, Vec<FolderEntry>)>, store: Option<&Store>) {
        for (account, folders) in counted {
            if let Some(entry) = self.entry_mut(&account) {
                entry.folders = folders;
            }
        }
        let current_total = self.current.as_ref().and_then(|(account, folder)| {
            self.entry(account)?
                .folders
                .iter()
                .find(|entry| entry.folder.id == *folder)
                .map(|entry| entry.total)
        });
        if let (Some(store), Some(total), false) = (store, current_total, self.search.is_active()) {
            if self.arrangement.filters() {
                // The folder's count is not the filtered list's: count that (a few documents).
                self.refresh(store);
            } else if total != self.window.total {
                self.refresh_with_total(store, total);
            }
        }
        if self.current.is_none() {
            self.current = self.boxes.iter().find_map(|entry| {
                let inbox = entry
                    .folders
                    .iter()
                    .find(|f| f.folder.role == Some(Role::Inbox))
                    .or(entry.folders.first())?;
                Some((entry.account.name.clone(), inbox.folder.id))
            });
        }
    }

    /// A message of `folder` became unread (+1) or read (-1), or left it unread (-1): the
    /// count follows without reading the folder again.
    pub fn adjust_unread(&mut self, folder: i64, delta: isize) {
        for entry in &mut self.boxes {
            for counted in &mut entry.folders {
                if counted.folder.id == folder {
                    counted.unread = counted.unread.saturating_add_signed(delta);
                }
            }
        }
    }

    /// Reads the window's rows again, counting the folder on the spot (a few milliseconds).
    pub fn refresh(&mut self, store: &Store) {
        let total = match (&self.search.results, &self.current) {
            (Some(results), _) => results.len(),
            (None, Some((_, folder))) => match listing::count(store, *folder, &self.arrangement) {
                Ok(total) => total,
                Err(error) => {
                    self.problem = Some(error.to_string());
                    0
                }
            },
            (None, None) => 0,
        };
        self.refresh_with_total(store, total);
    }

    /// Reads the window's rows again for a folder of `total` messages, keeping the selection on
    /// the same message: still on screen, or pushed down by new mail arriving above it. When a
    /// message left the folder (a delete), the one now at its place is selected: the next one.
    pub fn refresh_with_total(&mut self, store: &Store, total: usize) {
        self.now = Local::now();
        // New mail may bring a type or a patient the filters should offer.
        if let (None, Some((_, folder))) = (&self.search.results, &self.current) {
            let folder = *folder;
            self.read_choices(store, folder);
        }
        let before = self.window.total;
        self.window.set_total(total);
        self.read_rows(store);
        let Some(selected) = self.selected else {
            return;
        };
        let is_selected =
            |row: &ListRow| row.folder == selected.folder && row.envelope.uid == selected.uid;
        if let Some(position) = self.rows.iter().position(is_selected) {
            self.selected = Some(Selected {
                index: self.window.offset + position,
                ..selected
            });
            return;
        }
        let arrived = total.saturating_sub(before);
        let pushed_down = selected.index + arrived;
        if arrived > 0
            && self
                .row_from_store(store, pushed_down)
                .is_some_and(|r| is_selected(&r))
        {
            self.selected = Some(Selected {
                index: pushed_down,
                ..selected
            });
            return;
        }
        if total < before && total > 0 {
            let index = selected.index.min(total - 1);
            self.window.reveal(index);
            self.read_rows(store);
            self.selected = self.row_at(index).map(|row| Selected {
                index,
                folder: row.folder,
                uid: row.envelope.uid,
            });
        } else if total != before {
            // Lost track (the folder changed under us): the reader keeps the message, the list
            // forgets where it was rather than pointing at another one.
            self.selected = None;
        }
        // Same total: the new count is still on its way (it comes with the folders' counts);
        // the selection is checked again then.
    }

    /// One row anywhere in the list, on screen or not.
    fn row_from_store(&self, store: &Store, index: usize) -> Option<ListRow> {
        match (&self.search.results, &self.current) {
            (Some(results), _) => results.get(index).cloned(),
            (None, Some((_, folder))) => listing::page(store, *folder, &self.arrangement, index, 1)
                .ok()?
                .into_iter()
                .next()
                .map(|listed| ListRow::listed(*folder, listed)),
            (None, None) => None,
        }
    }

    fn read_rows(&mut self, store: &Store) {
        let range = self.window.visible();
        self.rows = match (&self.search.results, &self.current) {
            (Some(_), _) => {
                let query = &self.search.query;
                let rows = self
                    .search
                    .results
                    .as_mut()
                    .and_then(|results| results.get_mut(range))
                    .unwrap_or_default();
                for row in rows.iter_mut().filter(|row| row.snippet.is_none()) {
                    row.snippet = Some(snippet(store, row, query));
                }
                rows.to_vec()
            }
            (None, Some((_, folder))) => {
                match listing::page(
                    store,
                    *folder,
                    &self.arrangement,
                    self.window.offset,
                    self.window.rows,
                ) {
                    Ok(page) => page
                        .into_iter()
                        .map(|listed| ListRow::listed(*folder, listed))
                        .collect(),
                    Err(error) => {
                        self.problem = Some(error.to_string());
                        Vec::new()
                    }
                }
            }
            (None, None) => Vec::new(),
        };
        // Only the patients' rows on screen: a handful of lookups by key at most. A folder's
        // rows came with their documents; a search's are looked up.
        let searching = self.search.results.is_some();
        for row in &mut self.rows {
            if searching && row.envelope.has_attachment {
                row.document = listing::label(store, row.folder, row.envelope.uid)
                    .ok()
                    .flatten();
            }
            if Correspondent::of(&row.envelope.from_address).is_patient() {
                row.patient_kind = store
                    .patient_kind(row.folder, row.envelope.uid)
                    .ok()
                    .flatten();
            }
        }
    }

    fn row_at(&self, index: usize) -> Option<&ListRow> {
        index
            .checked_sub(self.window.offset)
            .and_then(|position| self.rows.get(position))
    }

    pub fn select_folder(&mut self, account: &str, folder: i64, store: &Store) -> Action {
        // Another folder holds other types and patients: the sort stays, the filters go.
        if self.current.as_ref().map(|(_, current)| *current) != Some(folder) {
            self.arrangement = ListArrangement {
                order: self.arrangement.order,
                ..ListArrangement::default()
            };
        }
        self.current = Some((account.to_string(), folder));
        self.search = Search::default();
        self.selected = None;
        self.window.offset = 0;
        self.refresh(store);
        Action::Close
    }

    /// Selects row `index` (scrolling it into view) and asks for it to be read.
    pub fn select(&mut self, index: usize, store: &Store) -> Action {
        if index >= self.window.total {
            return Action::None;
        }
        if self.window.reveal(index) {
            self.read_rows(store);
        }
        let Some(row) = self.row_at(index) else {
            return Action::None;
        };
        let selected = Selected {
            index,
            folder: row.folder,
            uid: row.envelope.uid,
        };
        if self.selected == Some(selected) {
            return Action::None;
        }
        self.selected = Some(selected);
        self.selected_ref().map_or(Action::None, Action::Open)
    }

    /// Moves the selection by `rows` (J/K, arrows, page keys); the first move selects the top.
    pub fn move_selection(&mut self, rows: isize, store: &Store) -> Action {
        if self.window.total == 0 {
            return Action::None;
        }
        let index = match self.selected {
            Some(selected) => selected
                .index
                .saturating_add_signed(rows)
                .min(self.window.total - 1),
            None => self.window.offset,
        };
        self.select(index, store)
    }

    pub fn page_rows(&self) -> isize {
        self.window.page() as isize
    }

    pub fn select_first(&mut self, store: &Store) -> Action {
        self.select(0, store)
    }

    pub fn select_last(&mut self, store: &Store) -> Action {
        self.select(self.window.total.saturating_sub(1), store)
    }

    /// The flags of a row changed in the store: show them without reading the page again.
    pub fn set_flags(&mut self, reference: &MessageRef, flags: Flags) {
        let rows = self.rows.iter_mut().chain(
            self.search
                .results
                .iter_mut()
                .flat_map(|results| results.iter_mut()),
        );
        for row in rows {
            if row.folder == reference.folder.id && row.envelope.uid == reference.uid {
                row.envelope.flags = flags;
            }
        }
    }

    /// A message left its folder: it leaves the search results too.
    pub fn forget(&mut self, reference: &MessageRef) {
        if let Some(results) = self.search.results.as_mut() {
            results.retain(|row| {
                !(row.folder == reference.folder.id && row.envelope.uid == reference.uid)
            });
        }
    }

    /// The boxes in the order the list shows them.
    pub fn boxes(&self) -> &[BoxEntry] {
        &self.boxes
    }

    /// The rows on screen over the whole list.
    pub fn window(&self) -> &ListWindow {
        &self.window
    }

    pub fn selected(&self) -> Option<Selected> {
        self.selected
    }

    pub fn search(&self) -> &Search {
        &self.search
    }

    /// Why the store could not be read, if it could not.
    pub fn problem(&self) -> Option<&str> {
        self.problem.as_deref()
    }

    pub fn update(&mut self, message: Message, store: Option<&Store>) -> Action {
        match message {
            Message::SelectFolder { account, folder } => match store {
                Some(store) => self.select_folder(&account, folder, store),
                None => Action::None,
            },
            Message::Select(index) => store.map_or(Action::None, |store| self.select(index, store)),
            Message::Resized(size) => {
                if self.window.set_height(size.height, ROW_HEIGHT) {
                    if let Some(store) = store {
                        self.read_rows(store);
                    }
                }
                Action::None
            }
            Message::Wheel(delta) => {
                let rows = self.wheel.rows(delta, ROW_HEIGHT);
                if self.window.scroll_by(rows) {
                    if let Some(store) = store {
                        self.read_rows(store);
                    }
                }
                Action::None
            }
            Message::ScrollTo(offset) => {
                if self.window.scroll_to(offset) {
                    if let Some(store) = store {
                        self.read_rows(store);
                    }
                }
                Action::None
            }
            Message::Search(query) => {
                self.search.query = query;
                let ticket = self.search.tickets.take();
                if self.search.query.trim().is_empty() {
                    return self.clear_search(store);
                }
                Action::Debounce(ticket)
            }
            Message::SearchDue(ticket) if self.search.tickets.is_current(ticket) => {
                self.search_action(ticket)
            }
            Message::SearchDue(_) => Action::None,
            Message::Searched { ticket, result } if self.search.tickets.is_current(ticket) => {
                match result {
                    Ok(found) => self.show_results(found, store),
                    Err(problem) => {
                        self.search.problem = Some(problem);
                        Action::None
                    }
                }
            }
            Message::Searched { .. } => Action::None,
            Message::ServerSearched {
                ticket,
                found,
                unreachable,
            } if self.search.tickets.is_current(ticket) => {
                self.search.asking_servers = false;
                self.search.server_unreachable = unreachable;
                self.add_server_results(found, store);
                Action::None
            }
            Message::ServerSearched { .. } => Action::None,
            Message::SearchEveryBox(every_box) => {
                self.search.every_box = every_box;
                self.search_again()
            }
            Message::SearchWithAttachment(with_attachment) => {
                self.search.with_attachment = with_attachment;
                self.search_again()
            }
            Message::ClearSearch => self.clear_search(store),
            Message::Arrange(change) => self.arrange(change, store),
            Message::AddBox => Action::AddBox,
            Message::OpenSettings => Action::OpenSettings,
            Message::ShowPrescriptions(account) => Action::ShowPrescriptions(account),
            Message::PrescriptionsShown(account) => {
                self.prescriptions_of = account;
                self.handling_of = None;
                Action::None
            }
            Message::ShowHandling(account, view) => Action::ShowHandling(account, view),
            Message::HandlingShown(account, view) => {
                self.prescriptions_of = None;
                self.handling_of = Some((account, view));
                Action::None
            }
            Message::Problem(problem) => {
                self.problem = Some(problem);
                Action::None
            }
        }
    }

    // ----- views -----
}

/// The folder's name in the interface language when it has a known use.
pub fn folder_label(folder: &Folder, i18n: &I18n) -> String {
    match folder.role {
        Some(Role::Inbox) => i18n.t("folder-inbox"),
        Some(Role::Sent) => i18n.t("folder-sent"),
        Some(Role::Drafts) => i18n.t("folder-drafts"),
        Some(Role::Trash) => i18n.t("folder-trash"),
        Some(Role::Junk) => i18n.t("folder-junk"),
        Some(Role::Archive) => i18n.t("folder-archive"),
        None => folder.name.clone(),
    }
}
