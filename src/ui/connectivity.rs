//! Each box's connection state as the window shows it, and the bridge to the mail core's
//! workers: one `Subscription` per box runs `mail::worker::run_in_profile` (connect → send → sync → IDLE,
//! with backoff) and turns its events into messages, so the window never waits on the network
//! and a broken box never freezes another (ECO.1.2.3). The window reaches the servers through
//! these workers only: a body the reader needs is asked of its box's worker.

use std::future::Future;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;

use futures::channel::mpsc as iced_mpsc;
use futures::{SinkExt, Stream};
use iced::{Color, Subscription};
use tokio::sync::mpsc;

use crate::args;
use crate::i18n::I18n;
use pli_core::mail::account::Account;
use pli_core::mail::store::Folder;
use pli_core::mail::worker::{self, BodyError, Command, Event};
use pli_core::usecase::{bodies, credentials};

/// What the box list says about a box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BoxStatus {
    /// A demonstration box: nothing is ever connected.
    Local,
    Connecting,
    /// Envelopes arriving; `first` when the box had nothing yet (a progress bar is shown).
    Syncing {
        done: usize,
        total: usize,
        first: bool,
    },
    UpToDate,
    /// The network or the server is away; the worker tries again on its own.
    Offline(String),
    /// The password, token or certificate was refused: the user must act, no retry.
    AuthenticationRefused(String),
    /// A server certificate Pli refuses.
    CertificateRefused(String),
}

impl BoxStatus {
    /// The state the worker reports, as the window keeps it; `first` says whether the box had
    /// no folder yet when the synchronisation started.
    pub fn from_worker(state: worker::Connectivity, first: bool) -> Self {
        // TODO(lead): the worker gives reasons as English `to_string()`s; with the
        // `ConnectError` itself (or a kind) the window could show `localize(i18n)` instead.
        match state {
            worker::Connectivity::Connecting => BoxStatus::Connecting,
            worker::Connectivity::Syncing { done, total } => {
                BoxStatus::Syncing { done, total, first }
            }
            worker::Connectivity::UpToDate => BoxStatus::UpToDate,
            worker::Connectivity::Offline { reason, .. } => BoxStatus::Offline(reason),
            worker::Connectivity::AuthenticationRefused { reason } => {
                BoxStatus::AuthenticationRefused(reason)
            }
            worker::Connectivity::CertificateRefused { reason } => {
                BoxStatus::CertificateRefused(reason)
            }
        }
    }

    pub fn label(&self, i18n: &I18n) -> String {
        match self {
            BoxStatus::Local => i18n.t("connectivity-local"),
            BoxStatus::Connecting => i18n.t("connectivity-connecting"),
            BoxStatus::Syncing { done, total, .. } if *total > 0 => i18n.t_args(
                "connectivity-syncing-count",
                args!["done" => *done, "total" => *total],
            ),
            BoxStatus::Syncing { .. } => i18n.t("connectivity-syncing"),
            BoxStatus::UpToDate => i18n.t("connectivity-up-to-date"),
            BoxStatus::Offline(_) => i18n.t("connectivity-offline"),
            BoxStatus::AuthenticationRefused(_) => i18n.t("connectivity-auth-refused"),
            BoxStatus::CertificateRefused(_) => i18n.t("connectivity-certificate-refused"),
        }
    }

    /// What went wrong, for a tooltip and the settings.
    pub fn detail(&self) -> Option<&str> {
        match self {
            BoxStatus::Offline(detail)
            | BoxStatus::AuthenticationRefused(detail)
            | BoxStatus::CertificateRefused(detail) => Some(detail),
            _ => None,
        }
    }

    pub fn colour(&self) -> Color {
        match self {
            BoxStatus::Local => Color::from_rgb(0.55, 0.55, 0.6),
            BoxStatus::Connecting | BoxStatus::Syncing { .. } => Color::from_rgb(0.2, 0.45, 0.85),
            BoxStatus::UpToDate => super::theme::SUCCESS,
            BoxStatus::Offline(_) => Color::from_rgb(0.85, 0.55, 0.1),
            BoxStatus::AuthenticationRefused(_) | BoxStatus::CertificateRefused(_) => {
                super::theme::DANGER
            }
        }
    }
}

/// Where a profile keeps the store and the secrets.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Place {
    pub store: PathBuf,
    pub keyring_service: String,
    /// The profile itself: its workers keep its trust-space list fresh.
    pub profile: pli_core::profile::Profile,
}

impl Place {
    pub fn of(profile: &pli_core::profile::Profile) -> Self {
        Self {
            store: profile.store_file(),
            keyring_service: profile.keyring_service().to_string(),
            profile: profile.clone(),
        }
    }
}

/// What a box's worker needs; two equal specs are one subscription, so a box whose settings
/// change gets a new worker.
#[derive(Debug, Clone)]
pub struct WorkerSpec {
    pub account: Account,
    pub place: Place,
}

impl Hash for WorkerSpec {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Every setting of the box, as the accounts file writes it: a change to any of them (the
        // servers, the sign-in, Pro Santé Connect, the pharmacy switch) restarts its worker with
        // the new one. A box that cannot be written out keeps its name, so it still runs.
        match serde_json::to_string(&self.account) {
            Ok(settings) => settings.hash(state),
            Err(_) => self.account.name.hash(state),
        }
        self.place.hash(state);
    }
}

/// A handle to tell a running worker to sync now (after a local action or a send).
#[derive(Debug, Clone)]
pub struct WorkerHandle(mpsc::Sender<Command>);

impl WorkerHandle {
    /// Asks for a pass; a worker already busy keeps the one it has queued.
    pub fn sync_now(&self) {
        let _ = self.0.try_send(Command::SyncNow);
    }

    /// Asks the worker for the whole message `uid` of `folder`; on `Ok` the store holds it.
    pub fn fetch_body(
        &self,
        folder: Folder,
        uid: u32,
    ) -> impl Future<Output = Result<(), BodyError>> + use<> {
        let worker = self.0.clone();
        async move { bodies::fetch(&worker, folder, uid).await }
    }
}

/// What a box's subscription reports to the window.
#[derive(Debug, Clone)]
pub enum WorkerEvent {
    Started(String, WorkerHandle),
    Event(Event),
}

/// One worker per box, for as long as the subscription lives.
pub fn worker(spec: WorkerSpec) -> Subscription<WorkerEvent> {
    Subscription::run_with(spec, run_worker)
}

fn run_worker(spec: &WorkerSpec) -> impl Stream<Item = WorkerEvent> + use<> {
    let spec = spec.clone();
    iced::stream::channel(
        64,
        async move |mut output: iced_mpsc::Sender<WorkerEvent>| {
            let (events, mut received) = mpsc::channel(64);
            let (commands, orders) = mpsc::channel(8);
            let name = spec.account.name.clone();
            if output
                .send(WorkerEvent::Started(name, WorkerHandle(commands)))
                .await
                .is_err()
            {
                return;
            }
            let service = spec.place.keyring_service.clone();
            let load = move |account: &Account| credentials::load_blocking(account, &service);
            let running = tokio::spawn(worker::run_in_profile(
                spec.place.profile.clone(),
                spec.account.clone(),
                load,
                events,
                orders,
            ));
            while let Some(event) = received.recv().await {
                if output.send(WorkerEvent::Event(event)).await.is_err() {
                    break;
                }
            }
            // The window dropped the subscription (the box was removed): stop the worker with it.
            running.abort();
        },
    )
}

#[cfg(test)]
mod tests {
    use std::hash::{DefaultHasher, Hash, Hasher};

    use super::*;

    fn key_of(spec: &WorkerSpec) -> u64 {
        let mut hasher = DefaultHasher::new();
        spec.hash(&mut hasher);
        hasher.finish()
    }

    #[test]
    fn any_change_to_a_box_gives_it_a_new_worker_and_no_change_keeps_it() {
        let spec = WorkerSpec {
            account: pli_core::mail::account::example_doctor(),
            place: Place::of(&pli_core::profile::Profile::at(std::path::Path::new(
                "/profile",
            ))),
        };
        assert_eq!(key_of(&spec), key_of(&spec.clone()));

        let mut pharmacy = spec.clone();
        pharmacy.account.pharmacy = !pharmacy.account.pharmacy;
        assert_ne!(key_of(&spec), key_of(&pharmacy));

        let mut psc = spec.clone();
        psc.account.oidc = Some(Box::new(pli_core::mail::oidc::OidcSettings {
            issuer: Some("https://auth.esante.gouv.fr/auth/realms/esante-wallet".into()),
            client_id: Some("pli-test-client".into()),
            ..Default::default()
        }));
        assert_ne!(key_of(&spec), key_of(&psc), "Pro Santé Connect set up");
    }
}
