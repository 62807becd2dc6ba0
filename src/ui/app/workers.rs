//! The boxes' workers as the window reaches them, what the window waits on them for, and what it
//! does when they report: bodies fetched, passes done, the list and the counts read again.

use super::*;

/// What arrives without the person acting.
#[derive(Debug, Clone)]
pub enum Background {
    Worker(WorkerEvent),
    ReplayDue(Ticket),
    BodyFetched(MessageRef, Result<(), String>),
    Counted(Result<Vec<(String, Vec<message_list::FolderEntry>)>, String>),
    /// The shared boxes' handling counts.
    HandlingCounted(Result<Vec<(String, pli_core::usecase::handling::HandlingCounts)>, String>),
    /// The desktop notification was handed over (or could not be: no notification daemon).
    NotificationShown,
    /// A document was filed in a patient's file: its card is read again, and these boxes'
    /// servers are told (the filing is a keyword every workstation reads).
    DocumentFiled(Vec<String>),
}

impl Pli {
    pub(super) fn background(&mut self, event: Background) -> Task<Message> {
        match event {
            Background::NotificationShown => Task::none(),
            Background::DocumentFiled(boxes) => {
                self.show_filing_in_list();
                let mut tasks = vec![self.load_document_histories()];
                tasks.extend(boxes.iter().map(|account| self.replay_later(account)));
                Task::batch(tasks)
            }
            Background::Worker(WorkerEvent::Started(account, handle)) => {
                self.workers.started(account, handle);
                Task::none()
            }
            Background::Worker(WorkerEvent::Event(event)) => {
                // Pro Santé Connect (issue 7): a sign-in that worked or was refused.
                let context = psc::Context::new(&self.accounts, &self.profile, &self.i18n);
                let action = self.psc.observe(&event, &context);
                Task::batch([self.perform_psc(action), self.worker_event(event)])
            }
            Background::ReplayDue(ticket) => {
                self.workers.replay_due(ticket);
                Task::none()
            }
            Background::BodyFetched(reference, result) => {
                let raw = result.and_then(|()| {
                    self.store
                        .as_ref()
                        .and_then(|store| store.raw(reference.folder.id, reference.uid).ok())
                        .flatten()
                        .ok_or_else(|| self.i18n.t("reader-body-missing"))
                });
                let draft = reference.folder.role == Some(Role::Drafts) && raw.is_ok();
                self.reader.body_arrived(&reference, raw);
                if draft {
                    return self.open(reference);
                }
                self.load_document_histories()
            }
            Background::HandlingCounted(result) => {
                match result {
                    Ok(counted) => self.message_list.set_handling_counts(counted),
                    Err(detail) => tracing::debug!(%detail, "handling counts not read"),
                }
                Task::none()
            }
            Background::Counted(result) => {
                let again = self.recount.finished();
                match result {
                    Ok(counted) => self.message_list.set_folders(counted, self.store.as_ref()),
                    Err(detail) => {
                        let _ = self
                            .message_list
                            .update(message_list::Message::Problem(detail), None);
                    }
                }
                if again {
                    return self.recount();
                }
                Task::none()
            }
        }
    }

    pub(super) fn fetch_body(&mut self, reference: MessageRef) -> Task<Message> {
        if self.demo {
            self.reader
                .body_arrived(&reference, Err(self.i18n.t("reader-body-missing")));
            return Task::none();
        }
        if !self.accounts.iter().any(|a| a.name == reference.account) {
            return Task::none();
        }
        let i18n = self.i18n.clone();
        let Some(worker) = self.workers.get(&reference.account) else {
            // Its worker has not started yet: the box is not connected.
            let offline = pli_core::mail::worker::BodyError::NotConnected.localize(&i18n);
            self.reader.body_arrived(&reference, Err(offline));
            return Task::none();
        };
        Task::perform(
            worker.fetch_body(reference.folder.clone(), reference.uid),
            move |result| {
                let result = result.map_err(|error| error.localize(&i18n));
                Message::Background(Background::BodyFetched(reference.clone(), result))
            },
        )
    }

    // ----- the workers -----

    pub(super) fn worker_event(&mut self, event: Event) -> Task<Message> {
        match event {
            Event::Connectivity { account, state } => {
                let Some(entry) = self.message_list.entry_mut(&account) else {
                    return Task::none();
                };
                let first = match &entry.connectivity {
                    BoxStatus::Syncing { first, .. } => *first,
                    _ => entry.folders.is_empty(),
                };
                entry.connectivity = BoxStatus::from_worker(state, first);
                if let Some(detail) = entry.connectivity.detail().map(str::to_string) {
                    // The pass "Garder cette boîte" asked for failed: the banner says why
                    // instead of waiting for a sign-in that will not come.
                    if self.workers.kept_alive(&account) {
                        let reason = self
                            .i18n
                            .t_args("banner-keep-alive-failed", args!["detail" => detail]);
                        return self.inactivity(Inactivity::Banner(
                            account,
                            banners::Message::KeepAliveFailed(reason),
                        ));
                    }
                }
                let Some(entry) = self.message_list.entry_mut(&account) else {
                    return Task::none();
                };
                if matches!(entry.connectivity, BoxStatus::Syncing { .. }) {
                    // Show the newest messages as soon as the first batch is in.
                    return self.reload();
                }
                Task::none()
            }
            Event::Synced { account, report } => {
                let kept = if self.workers.kept_alive(&account) {
                    self.record_use(&account)
                } else {
                    // A pass is a sign-in the store may have recorded: the banner reads it.
                    let last = self
                        .store
                        .as_ref()
                        .and_then(|store| store.last_use(&account).ok())
                        .flatten()
                        .map(LastUse::from);
                    match last {
                        Some(last) => self.inactivity(Inactivity::Banner(
                            account.clone(),
                            banners::Message::Used(last),
                        )),
                        None => Task::none(),
                    }
                };
                // Who handles the message in the reader may have changed on another
                // workstation: the bar shows what the server says now.
                let refreshed = match (self.store.as_ref(), self.reader.opened()) {
                    (Some(store), Some(opened))
                        if opened.reference.account == account && opened.shared.is_some() =>
                    {
                        self.accounts
                            .iter()
                            .find(|a| a.name == account)
                            .map(|box_| {
                                let shared = pli_core::usecase::handling::shared_view(
                                    store,
                                    box_,
                                    &opened.reference.folder,
                                    opened.reference.uid,
                                )
                                .ok();
                                (opened.reference.clone(), shared)
                            })
                    }
                    _ => None,
                };
                if let Some((reference, shared)) = refreshed {
                    self.reader.shared_changed(&reference, shared);
                }
                self.refresh_handling_list();
                let reload = Task::batch([kept, self.reload()]);
                if report.new_messages > 0 {
                    return Task::batch([reload, self.load_known()]);
                }
                reload
            }
            Event::OfflineCopy { account, progress } => {
                if let Some(entry) = self.message_list.entry_mut(&account) {
                    entry.offline = Some(progress);
                }
                Task::none()
            }
            Event::NewMail { count, .. } => {
                if !self.profile_settings.notifications || self.demo {
                    return Task::none();
                }
                // The count only, never a sender or a subject: a notification shows on a
                // screen others may see, and stays in the desktop's history.
                let body = self
                    .i18n
                    .t_args("notification-new-messages", args!["count" => count]);
                let summary = self.i18n.t("app-name");
                Task::perform(
                    tokio::task::spawn_blocking(move || {
                        notify_rust::Notification::new()
                            .summary(&summary)
                            .body(&body)
                            .show()
                            .map(|_| ())
                            .map_err(|error| error.to_string())
                    }),
                    |result| {
                        if let Ok(Err(error)) | Err(error) = result.map_err(|e| e.to_string()) {
                            tracing::debug!(%error, "no desktop notification");
                        }
                        Message::Background(Background::NotificationShown)
                    },
                )
            }
        }
    }

    /// Reads the list again after the store changed under the window, and recounts the
    /// folders off the UI thread.
    pub(super) fn reload(&mut self) -> Task<Message> {
        if let Some(store) = &self.store {
            // The window's page at once (new mail shows on top); the folder's new size comes
            // with the counts, off the UI thread.
            let total = self.message_list.window().total;
            self.message_list.refresh_with_total(store, total);
        }
        self.recount()
    }

    /// Counts the folders on a connection of its own (see [`Recount`]).
    pub(super) fn recount(&mut self) -> Task<Message> {
        if !self.recount.start() {
            return Task::none();
        }
        let accounts = self.accounts.iter().map(|a| a.name.clone()).collect();
        let counted = Task::perform(
            message_list::count_folders_apart(self.store_path.clone(), accounts),
            |counted| Message::Background(Background::Counted(counted)),
        );
        let shared_boxes: Vec<String> = self
            .accounts
            .iter()
            .filter(|account| account.kind == pli_core::mail::account::BoxKind::Organisational)
            .map(|account| account.name.clone())
            .collect();
        let Ok(person) = self.acting_person() else {
            return counted;
        };
        if shared_boxes.is_empty() {
            return counted;
        }
        Task::batch([
            counted,
            Task::perform(
                message_list::count_handling_apart(self.store_path.clone(), shared_boxes, person),
                |counted| Message::Background(Background::HandlingCounted(counted)),
            ),
        ])
    }

    /// Reads again the handling list in view ("À traiter"…), if one is.
    pub(super) fn refresh_handling_list(&mut self) {
        let Some((account, Some(view))) = self
            .prescriptions
            .as_ref()
            .map(|shown| (shown.account().to_string(), shown.handling_view()))
        else {
            return;
        };
        let (Some(store), Ok(person)) = (self.store.as_ref(), self.acting_person()) else {
            return;
        };
        if let Ok(found) = Prescriptions::handling(store, &account, view, &person) {
            self.prescriptions = Some(found);
        }
    }
}

#[derive(Default)]
pub(super) struct Workers {
    handles: HashMap<String, WorkerHandle>,
    /// Boxes with local actions the server has not heard of yet.
    to_replay: BTreeSet<String>,
    /// Only the last of a burst of local actions asks the workers.
    replays: Debouncer,
    /// Boxes whose "keep this box" waits for the worker's sign-in.
    keeping_alive: BTreeSet<String>,
}

impl Workers {
    pub(super) fn started(&mut self, account: String, handle: WorkerHandle) {
        self.handles.insert(account, handle);
    }

    pub(super) fn get(&self, account: &str) -> Option<&WorkerHandle> {
        self.handles.get(account)
    }

    /// Notes that `account` has actions to tell its server; the ticket says when to.
    pub(super) fn replay_later(&mut self, account: &str) -> Ticket {
        self.to_replay.insert(account.to_string());
        self.replays.take()
    }

    /// The pause after the last action is over: every box waiting syncs now.
    pub(super) fn replay_due(&mut self, ticket: Ticket) {
        if !self.replays.is_current(ticket) {
            return;
        }
        for account in std::mem::take(&mut self.to_replay) {
            if let Some(worker) = self.handles.get(&account) {
                worker.sync_now();
            }
        }
    }

    /// "Keep this box": false when the box has no worker to sign in with.
    pub(super) fn keep_alive(&mut self, account: String) -> bool {
        match self.handles.get(&account) {
            Some(worker) => {
                worker.sync_now();
                self.keeping_alive.insert(account);
                true
            }
            None => false,
        }
    }

    /// Whether this pass of `account` answers a "keep this box".
    pub(super) fn kept_alive(&mut self, account: &str) -> bool {
        self.keeping_alive.remove(account)
    }
}

/// One count of the folders at a time, and one more if the store changed while it ran.
#[derive(Default)]
pub(super) struct Recount {
    running: bool,
    again: bool,
}

impl Recount {
    /// Whether a count should start now (else it runs again after the current one).
    pub(super) fn start(&mut self) -> bool {
        if self.running {
            self.again = true;
            return false;
        }
        self.running = true;
        true
    }

    /// The count is over: whether another is due.
    pub(super) fn finished(&mut self) -> bool {
        self.running = false;
        std::mem::take(&mut self.again)
    }
}
