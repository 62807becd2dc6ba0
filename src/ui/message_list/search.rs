//! The list's search: the options (one box or every box, with an attachment), the store's
//! matches at once and the servers' for what is not on this computer, merged newest first, and
//! the snippet of each row on screen.

use super::*;

/// The search as typed, and its results once they are in.
#[derive(Debug, Clone, Default)]
pub struct Search {
    pub query: String,
    /// A ticket per keystroke: a late answer to an older query is dropped.
    pub(super) tickets: Debouncer,
    pub results: Option<Vec<ListRow>>,
    pub problem: Option<String>,
    /// Every box, not only the one whose folder is shown.
    pub every_box: bool,
    pub with_attachment: bool,
    /// The servers are being asked for the messages whose body is not on this computer.
    pub asking_servers: bool,
    /// A server that should have been asked could not be: results may be missing.
    pub server_unreachable: bool,
    /// The servers' matches when they answered before the store did.
    pub(super) early_from_servers: Vec<ListRow>,
}

impl Search {
    pub fn is_active(&self) -> bool {
        self.results.is_some()
    }

    /// The newest search's ticket: its answer is the one shown.
    pub fn current(&self) -> Ticket {
        self.tickets.current()
    }
}

impl MessageList {
    /// The search as the options say: this box or every box, with an attachment or not.
    pub(super) fn search_action(&mut self, ticket: Ticket) -> Action {
        let Some(current) = self.current_account().map(|account| account.name.clone()) else {
            return Action::None;
        };
        let accounts: Vec<Account> = self
            .boxes
            .iter()
            .map(|entry| &entry.account)
            .filter(|account| self.search.every_box || account.name == current)
            .cloned()
            .collect();
        self.search.asking_servers = true;
        self.search.server_unreachable = false;
        self.search.early_from_servers.clear();
        Action::Search {
            ticket,
            accounts,
            filter: SearchFilter {
                words: self.search.query.clone(),
                account: (!self.search.every_box).then_some(current),
                has_attachment: self.search.with_attachment,
                limit: SEARCH_LIMIT,
                ..SearchFilter::default()
            },
        }
    }

    /// An option changed: the same words again, at once.
    pub(super) fn search_again(&mut self) -> Action {
        if self.search.query.trim().is_empty() {
            return Action::None;
        }
        let ticket = self.search.tickets.take();
        self.search_action(ticket)
    }

    /// The row of a message found, in the folder of the box it names (a box removed since is
    /// left out).
    fn found_row(&self, found: Found) -> Option<ListRow> {
        let folder = self
            .entry(&found.account)?
            .folders
            .iter()
            .find(|entry| entry.folder.name == found.folder)?
            .folder
            .id;
        Some(ListRow {
            on_server: found.on_server,
            ..ListRow::new(folder, found.envelope)
        })
    }

    pub(super) fn show_results(&mut self, found: Vec<Found>, store: Option<&Store>) -> Action {
        let mut results: Vec<ListRow> = found
            .into_iter()
            .filter_map(|found| self.found_row(found))
            .collect();
        merge_rows(
            &mut results,
            std::mem::take(&mut self.search.early_from_servers),
        );
        self.search.results = Some(results);
        self.search.problem = None;
        self.selected = None;
        self.window.offset = 0;
        if let Some(store) = store {
            self.refresh(store);
        }
        Action::Close
    }

    /// The servers' matches join the store's, newest first; the selected message stays
    /// selected where it now stands.
    pub(super) fn add_server_results(&mut self, found: Vec<Found>, store: Option<&Store>) {
        let rows: Vec<ListRow> = found
            .into_iter()
            .filter_map(|found| self.found_row(found))
            .collect();
        let Some(results) = self.search.results.as_mut() else {
            self.search.early_from_servers = rows;
            return;
        };
        if rows.is_empty() {
            return;
        }
        merge_rows(results, rows);
        if let Some(selected) = self.selected {
            self.selected = results
                .iter()
                .position(|row| row.folder == selected.folder && row.envelope.uid == selected.uid)
                .map(|index| Selected { index, ..selected });
        }
        if let Some(store) = store {
            self.refresh(store);
        }
    }

    pub(super) fn clear_search(&mut self, store: Option<&Store>) -> Action {
        let was_active = self.search.is_active();
        self.search.query.clear();
        self.search.tickets.take();
        self.search.results = None;
        self.search.problem = None;
        self.search.asking_servers = false;
        self.search.server_unreachable = false;
        if !was_active {
            return Action::None;
        }
        self.selected = None;
        self.window.offset = 0;
        if let Some(store) = store {
            self.refresh(store);
        }
        Action::Close
    }
}

/// Adds the rows not already there, newest first, at most a search's worth.
fn merge_rows(results: &mut Vec<ListRow>, rows: Vec<ListRow>) {
    for row in rows {
        let known = results
            .iter()
            .any(|known| known.folder == row.folder && known.envelope.uid == row.envelope.uid);
        if !known {
            results.push(row);
        }
    }
    results.sort_by_key(|row| std::cmp::Reverse(row.envelope.date));
    results.truncate(SEARCH_LIMIT);
}

/// Where a search's words matched in a row's message. Read on the UI thread for the rows on
/// screen only, once each; a message too long to read in a fraction of a frame keeps none.
pub(super) fn snippet(store: &Store, row: &ListRow, query: &str) -> String {
    const READ_AT_ONCE: u32 = 256 * 1024;
    if row.on_server || row.envelope.size > READ_AT_ONCE {
        return String::new();
    }
    store
        .snippet(row.folder, row.envelope.uid, query)
        .unwrap_or_default()
}

/// Runs a search over the store, on its own connection, off the UI thread.
pub async fn search(
    store_path: std::path::PathBuf,
    filter: SearchFilter,
) -> Result<Vec<Found>, String> {
    read_apart(store_path, move |store| store.search_matches(&filter))
        .await
        .map_err(|error| error.to_string())
}

/// Asks the servers of `accounts` for the messages whose body is not on this computer, off the
/// UI thread (the keyring and the store block): what they found, and whether one could not be
/// asked.
pub async fn search_servers(
    store_path: std::path::PathBuf,
    keyring_service: String,
    accounts: Vec<Account>,
    filter: SearchFilter,
) -> (Vec<Found>, bool) {
    let asked = tokio::task::spawn_blocking(move || {
        pli_core::usecase::search::on_servers_apart(
            &store_path,
            &accounts,
            &filter,
            &keyring_service,
            &tokio::runtime::Handle::current(),
        )
        .ok()
    })
    .await
    .ok()
    .flatten();
    match asked {
        Some(results) => (results.found, results.server_unreachable),
        None => (Vec::new(), true),
    }
}
