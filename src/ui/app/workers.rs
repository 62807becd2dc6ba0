//! The boxes' workers as the window reaches them, and what the window waits on them for.

use super::*;

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
