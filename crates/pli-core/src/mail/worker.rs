//! One worker per account: connect → send what waits → sync → IDLE → repeat, with a randomised
//! backoff from 2 s to 80 s when the network or the server fails, and a connectivity state the
//! window shows. Each account has its own worker, so a broken account never blocks another
//! (ECO.1.2.3). The window asks a worker for the body of a message the reader opens
//! ([`Command::FetchBody`]): the box's connection fetches it, so the window never talks IMAP.

use std::path::PathBuf;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use super::account::Account;
use super::connect::{ConnectError, Credentials, RefusedTokenRetry};
use super::connection_trace;
use super::imap::{self, ImapSession};
use super::mime::body_text_for_index;
use super::offline_copy::{self, CopyReport};
use super::pdf_text::PdfReader;
use super::revocation;
use super::send::{flush_outbox, SendError};
use super::store::OfflineProgress;
use super::store::{Folder, Role, Store};
use super::sync::{
    fetch_body, sync_account, sync_folder, Extensions, Progress, SyncError, SyncReport,
};

/// How long one IDLE may last before DONE is sent and the connection checked (RFC 2177 asks
/// clients to re-issue IDLE at least every 29 minutes; shorter survives NAT timeouts).
pub const IDLE_LIMIT: Duration = Duration::from_secs(9 * 60);
/// Where IDLE is missing, the server is polled this often.
pub const POLL_INTERVAL: Duration = Duration::from_secs(60);

pub const BACKOFF_MIN: Duration = Duration::from_secs(2);
pub const BACKOFF_MAX: Duration = Duration::from_secs(80);

/// What the window shows next to each box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connectivity {
    Connecting,
    Syncing {
        done: usize,
        total: usize,
    },
    UpToDate,
    /// The network or the server failed; the worker tries again after `retry_in`.
    Offline {
        reason: String,
        retry_in: Duration,
    },
    /// The password or token was refused: the user must act; no retry until then.
    AuthenticationRefused {
        reason: String,
    },
    /// The server's certificate was refused: never retried silently.
    CertificateRefused {
        reason: String,
    },
}

/// What a worker reports.
#[derive(Debug, Clone)]
pub enum Event {
    Connectivity {
        account: String,
        state: Connectivity,
    },
    Synced {
        account: String,
        report: SyncReport,
    },
    /// New messages arrived in INBOX (for a desktop notification).
    NewMail {
        account: String,
        count: usize,
    },
    /// The offline copy of the box's bodies went on (see `mail::offline_copy`).
    OfflineCopy {
        account: String,
        progress: OfflineProgress,
    },
}

/// Orders the window gives a running worker.
#[derive(Debug)]
pub enum Command {
    /// Sync now (after a local action, or a "refresh" click); also sends the outbox.
    SyncNow,
    /// Fetch the whole message the reader opened into the store, and say how it went.
    FetchBody(BodyRequest),
    Stop,
}

/// The reader's request for the whole message of one UID, and where the worker answers it.
#[derive(Debug)]
pub struct BodyRequest {
    folder: Folder,
    uid: u32,
    answer: oneshot::Sender<Result<(), BodyError>>,
}

impl BodyRequest {
    /// A request, and the answer to wait for.
    pub fn new(folder: Folder, uid: u32) -> (Self, oneshot::Receiver<Result<(), BodyError>>) {
        let (answer, answered) = oneshot::channel();
        (
            Self {
                folder,
                uid,
                answer,
            },
            answered,
        )
    }

    fn answer(self, result: Result<(), BodyError>) {
        // A reader that moved on to another message no longer listens: nothing to tell.
        let _ = self.answer.send(result);
    }
}

/// Why a body the reader asked for did not come.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    /// The box is offline or waits for the person (a refused password, a sign-in): the body
    /// comes once it is connected again.
    #[error("the box is not connected")]
    NotConnected,
    /// The box's worker has ended (the box was removed, the window is closing).
    #[error("the box's worker has stopped")]
    Stopped,
    /// The server no longer has the message (deleted or moved from another computer).
    #[error("the server no longer has this message")]
    Gone,
    #[error(transparent)]
    Sync(#[from] SyncError),
}

impl From<super::store::StoreError> for BodyError {
    fn from(error: super::store::StoreError) -> Self {
        BodyError::Sync(SyncError::Store(error))
    }
}

/// The next wait after `previous`: doubled, capped, and randomised so that the workstations of
/// a whole EHPAD do not all reconnect in the same second after an outage.
pub fn next_backoff(previous: Option<Duration>, jitter: f64) -> Duration {
    let base = previous
        .map(|d| d * 2)
        .unwrap_or(BACKOFF_MIN)
        .clamp(BACKOFF_MIN, BACKOFF_MAX);
    let factor = 0.75 + 0.5 * jitter.clamp(0.0, 1.0);
    base.mul_f64(factor).clamp(BACKOFF_MIN, BACKOFF_MAX)
}

fn jitter() -> f64 {
    let nanos = chrono::Utc::now().timestamp_subsec_nanos();
    f64::from(nanos % 1000) / 1000.0
}

/// How often a worker looks whether the profile's trust-space list is due (it is fetched at
/// most once a day, see `mail::trust_list::refresh_when_due`).
pub const TRUST_LIST_LOOK_EVERY: Duration = Duration::from_secs(60 * 60);

/// [`run`] for a box of `profile`, which also keeps the profile's trust-space list fresh while
/// the box runs: looked at when the worker starts, then every hour; downloaded when a day old,
/// off the async threads; kept as it is on any failure. The window runs its boxes this way.
pub async fn run_in_profile<F>(
    profile: crate::profile::Profile,
    account: Account,
    load_credentials: F,
    events: mpsc::Sender<Event>,
    commands: mpsc::Receiver<Command>,
) where
    F: Fn(&Account) -> Result<Credentials, ConnectError> + Send + Sync + Clone + 'static,
{
    let store_path = profile.store_file();
    let upkeep = async {
        loop {
            let profile = profile.clone();
            let _ = tokio::task::spawn_blocking(move || {
                super::trust_list::refresh_when_due(&profile, chrono::Utc::now())
            })
            .await;
            tokio::time::sleep(TRUST_LIST_LOOK_EVERY).await;
        }
    };
    tokio::select! {
        () = run(account, store_path, load_credentials, events, commands) => {}
        _ = upkeep => {}
    }
}

/// Runs the worker of one account until `Command::Stop` or until the event channel closes.
/// `load_credentials` runs on a blocking thread before each connection (the keyring blocks; a
/// Pro Santé Connect token is refreshed there).
pub async fn run<F>(
    account: Account,
    store_path: PathBuf,
    load_credentials: F,
    events: mpsc::Sender<Event>,
    mut commands: mpsc::Receiver<Command>,
) where
    F: Fn(&Account) -> Result<Credentials, ConnectError> + Send + Sync + Clone + 'static,
{
    let name = account.name.clone();
    let say = |state: Connectivity| {
        let events = events.clone();
        let name = name.clone();
        async move {
            events
                .send(Event::Connectivity {
                    account: name,
                    state,
                })
                .await
                .is_ok()
        }
    };
    let mut backoff: Option<Duration> = None;
    let mut refused_token = RefusedTokenRetry::default();
    // The offline copy outlives the sessions that start it (a "sync now" reconnects the worker
    // without cutting the copy short); it ends with the worker.
    let mut copy = BackgroundCopy::default();
    loop {
        if !say(Connectivity::Connecting).await {
            return;
        }
        let outcome = one_session(
            &account,
            &store_path,
            load_credentials.clone(),
            &events,
            &mut commands,
            &mut copy,
        )
        .await;
        let connect_error = match &outcome {
            Err(WorkerError::Connect(error)) => Some(error),
            _ => None,
        };
        if refused_token.retry_after(&account, connect_error) {
            tracing::info!(account = %name, "token refused by the server; refreshed and tried once more");
            continue;
        }
        let wait = match outcome {
            Ok(SessionEnd::Stop) => return,
            Ok(SessionEnd::Reconnect) => {
                backoff = None;
                continue;
            }
            Err(WorkerError::Connect(error)) if error.is_authentication() => {
                let _ = say(Connectivity::AuthenticationRefused {
                    reason: error.to_string(),
                })
                .await;
                None
            }
            Err(WorkerError::Connect(error @ ConnectError::Certificate { .. }))
                if !error.is_transient() =>
            {
                let _ = say(Connectivity::CertificateRefused {
                    reason: error.to_string(),
                })
                .await;
                None
            }
            Err(error) => {
                let wait = next_backoff(backoff, jitter());
                backoff = Some(wait);
                let _ = say(Connectivity::Offline {
                    reason: error.to_string(),
                    retry_in: wait,
                })
                .await;
                Some(wait)
            }
        };
        // Refused credentials and certificates wait for the user (a SyncNow after they fixed
        // it); the network waits for the backoff or a SyncNow, whichever comes first.
        let sleep = async {
            match wait {
                Some(wait) => tokio::time::sleep(wait).await,
                None => std::future::pending().await,
            }
        };
        tokio::pin!(sleep);
        loop {
            tokio::select! {
                _ = &mut sleep => break,
                command = commands.recv() => match command {
                    Some(Command::SyncNow) => {
                        backoff = None;
                        break;
                    }
                    // Said at once, so the reader does not wait for a reconnection that may
                    // take minutes; its "retry" asks again.
                    Some(Command::FetchBody(request)) => request.answer(Err(BodyError::NotConnected)),
                    Some(Command::Stop) | None => return,
                },
            }
        }
    }
}

enum SessionEnd {
    Stop,
    Reconnect,
}

#[derive(Debug, thiserror::Error)]
enum WorkerError {
    #[error(transparent)]
    Connect(ConnectError),
    #[error(transparent)]
    Sync(SyncError),
    #[error(transparent)]
    Send(SendError),
    #[error("{0}")]
    Other(String),
}

impl From<SyncError> for WorkerError {
    fn from(error: SyncError) -> Self {
        match error {
            SyncError::Connect(error) => WorkerError::Connect(error),
            other => WorkerError::Sync(other),
        }
    }
}

impl From<SendError> for WorkerError {
    fn from(error: SendError) -> Self {
        match error {
            SendError::Connect(error) => WorkerError::Connect(error),
            other => WorkerError::Send(other),
        }
    }
}

async fn one_session<F>(
    account: &Account,
    store_path: &std::path::Path,
    load_credentials: F,
    events: &mpsc::Sender<Event>,
    commands: &mut mpsc::Receiver<Command>,
    copy: &mut BackgroundCopy,
) -> Result<SessionEnd, WorkerError>
where
    F: Fn(&Account) -> Result<Credentials, ConnectError> + Send + Sync + Clone + 'static,
{
    let credentials = {
        let account = account.clone();
        let load = load_credentials.clone();
        tokio::task::spawn_blocking(move || load(&account))
            .await
            .map_err(|error| WorkerError::Other(error.to_string()))?
            .map_err(WorkerError::Connect)?
    };
    let mut store =
        Store::open(store_path).map_err(|error| WorkerError::Other(error.to_string()))?;

    // The pass (outbox, every folder, recent bodies) can take minutes on a large box; the
    // reader's bodies do not wait for it but come on a connection of their own, and the other
    // orders are kept for when it ends.
    let mut sync_again = false;
    let mut stop = false;
    let caught_up = {
        let pass = catch_up(account, &credentials, &mut store, events);
        tokio::pin!(pass);
        loop {
            tokio::select! {
                caught_up = &mut pass => break caught_up,
                command = commands.recv(), if !stop => match command {
                    Some(Command::FetchBody(request)) => {
                        tokio::spawn(fetch_aside(
                            account.clone(),
                            credentials.clone(),
                            store_path.to_path_buf(),
                            request,
                        ));
                    }
                    Some(Command::SyncNow) => sync_again = true,
                    Some(Command::Stop) | None => stop = true,
                },
            }
        }
    };
    let CaughtUp {
        mut session,
        can_idle,
        extensions,
    } = caught_up?;
    if stop || sync_again {
        let _ = session.logout().await;
        return Ok(if stop {
            SessionEnd::Stop
        } else {
            SessionEnd::Reconnect
        });
    }
    read_documents(&mut store);
    copy.start_unless_running(account, &credentials, store_path, events);
    loop {
        let Some(inbox) = store
            .folder_with_role(&account.name, Role::Inbox)
            .map_err(|error| WorkerError::Other(error.to_string()))?
        else {
            return Ok(SessionEnd::Reconnect);
        };
        let before = store.count(inbox.id).unwrap_or(0);
        let (returned, woke) = wait_for_news(session, can_idle, commands).await?;
        session = returned;
        match woke {
            Wake::Stop => {
                let _ = session.logout().await;
                return Ok(SessionEnd::Stop);
            }
            Wake::SyncNow => {
                // A local action or a send: replay and sync everything.
                let _ = session.logout().await;
                return Ok(SessionEnd::Reconnect);
            }
            Wake::FetchBody(request) => {
                let fetched = fetch_requested(&mut session, &mut store, &request).await;
                request.answer(fetched);
                // INBOX was left for the fetch, so what arrived meanwhile raised no IDLE news:
                // it is looked for now rather than at the next time box.
            }
            Wake::ServerNews | Wake::Timeout => {}
        }
        let mut report = SyncReport::default();
        let inbox = store
            .folder_with_role(&account.name, Role::Inbox)
            .map_err(|error| WorkerError::Other(error.to_string()))?
            .unwrap_or(inbox);
        // Sent first: a conversation opened or closed from another workstation or the webmail
        // is known before the patient's new message is classified (`mail::patients`). INBOX
        // last, so it is the folder IDLE watches.
        if let Some(sent) = store
            .folder_with_role(&account.name, Role::Sent)
            .map_err(|error| WorkerError::Other(error.to_string()))?
        {
            sync_folder(
                &mut session,
                &mut store,
                account,
                &sent,
                extensions,
                &mut report,
                &mut |_| {},
            )
            .await?;
        }
        sync_folder(
            &mut session,
            &mut store,
            account,
            &inbox,
            extensions,
            &mut report,
            &mut |_| {},
        )
        .await?;
        // New mail's bodies come on this connection once the background copy is over (while
        // it runs they would be fetched twice); during it, by its next pass.
        if copy.is_over() {
            offline_copy::copy_folder(
                &mut session,
                &mut store,
                account,
                &inbox,
                &mut PdfReader::default(),
                &mut CopyReport::default(),
                &mut |_| {},
            )
            .await?;
        }
        read_documents(&mut store);
        let after = store.count(inbox.id).unwrap_or(0);
        if after > before {
            let _ = events
                .send(Event::NewMail {
                    account: account.name.clone(),
                    count: after - before,
                })
                .await;
        }
        let _ = events
            .send(Event::Synced {
                account: account.name.clone(),
                report,
            })
            .await;
    }
}

/// Reads the health documents of the messages that arrived (one bounded pass: the rest waits for
/// the next wake, or for a patient's file to be opened), so the list names them.
fn read_documents(store: &mut Store) {
    if let Err(error) = store.read_pending_documents() {
        tracing::warn!(%error, "the health documents of new messages could not be read");
    }
    // What a colleague filed on another workstation (keywords this pass brought).
    if let Err(error) = store.file_from_keywords() {
        tracing::warn!(%error, "the filings of the box's messages could not be read");
    }
}

/// The connection a worker keeps open once its pass is over, and what it can do.
struct CaughtUp {
    session: ImapSession,
    can_idle: bool,
    extensions: Extensions,
}

/// One pass: the outbox sent, every folder synced, then the connection that stays open.
async fn catch_up(
    account: &Account,
    credentials: &Credentials,
    store: &mut Store,
    events: &mpsc::Sender<Event>,
) -> Result<CaughtUp, WorkerError> {
    flush_outbox(account, credentials, store).await?;
    let report = full_sync(account, credentials, store, events).await?;
    let _ = events
        .send(Event::Synced {
            account: account.name.clone(),
            report,
        })
        .await;
    let _ = events
        .send(Event::Connectivity {
            account: account.name.clone(),
            state: Connectivity::UpToDate,
        })
        .await;

    let connected = imap::connect(account, credentials).await;
    connection_trace::record_sign_in(
        store,
        account,
        &connection_trace::imap_request(account, credentials, "waiting for news"),
        &connected,
    )
    .map_err(|error| WorkerError::Other(error.to_string()))?;
    let mut connection = connected.map_err(WorkerError::Connect)?;
    keep_revocation_lists_fresh(&connection.server_chain);
    let can_idle = connection.has_capability("IDLE");
    let extensions = Extensions::ALL.enable(&mut connection).await;
    let session = connection.session;
    Ok(CaughtUp {
        session,
        can_idle,
        extensions,
    })
}

/// The offline copy of a box, on a connection and a store handle of its own, so the list and
/// IDLE never wait for it. Stopped when the worker ends.
#[derive(Default)]
struct BackgroundCopy {
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Drop for BackgroundCopy {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

impl BackgroundCopy {
    fn is_over(&self) -> bool {
        self.task.as_ref().is_none_or(|task| task.is_finished())
    }

    /// Starts a copy unless one runs: one that failed (the network) starts again with the
    /// next session, where its last commit left it.
    fn start_unless_running(
        &mut self,
        account: &Account,
        credentials: &Credentials,
        store_path: &std::path::Path,
        events: &mpsc::Sender<Event>,
    ) {
        if !self.is_over() {
            return;
        }
        let (account, credentials) = (account.clone(), credentials.clone());
        let (store_path, events) = (store_path.to_path_buf(), events.clone());
        self.task = Some(tokio::spawn(async move {
            let Ok(mut store) = Store::open(&store_path) else {
                return;
            };
            let name = account.name.clone();
            let mut progress = |progress: OfflineProgress| {
                let _ = events.try_send(Event::OfflineCopy {
                    account: name.clone(),
                    progress,
                });
            };
            if offline_copy::copy_account(&account, &credentials, &mut store, &mut progress)
                .await
                .is_err()
            {
                tracing::info!(account = %account.name, "the offline copy stopped; it goes on with the next connection");
            }
        }));
    }
}

/// Fetches the body a request names on `session`, into `store`.
async fn fetch_requested(
    session: &mut ImapSession,
    store: &mut Store,
    request: &BodyRequest,
) -> Result<(), BodyError> {
    let BodyRequest { folder, uid, .. } = request;
    let fetched = async {
        let size = store
            .envelope(folder.id, *uid)?
            .map_or(0, |envelope| envelope.size);
        session
            .examine(&folder.name)
            .await
            .map_err(SyncError::from)?;
        match fetch_body(session, store, folder, *uid, size, &body_text_for_index).await? {
            0 => Err(BodyError::Gone),
            _ => Ok(()),
        }
    }
    .await;
    connection_trace::record_body_fetch(
        store,
        &folder.account,
        &folder.name,
        *uid,
        connection_trace::body_answer(&fetched),
    )?;
    fetched
}

/// A body asked for while the worker's connection is busy with its pass, fetched on a
/// connection (and a store handle) of its own.
async fn fetch_aside(
    account: Account,
    credentials: Credentials,
    store_path: PathBuf,
    request: BodyRequest,
) {
    let fetched = async {
        let mut store = Store::open(&store_path)?;
        let connected = imap::connect(&account, &credentials).await;
        connection_trace::record_sign_in(
            &store,
            &account,
            &connection_trace::imap_request(&account, &credentials, "body"),
            &connected,
        )?;
        let mut connection = connected.map_err(SyncError::from)?;
        let fetched = fetch_requested(&mut connection.session, &mut store, &request).await;
        let _ = connection.session.logout().await;
        fetched
    }
    .await;
    request.answer(fetched);
}

/// Downloads, off the async threads and without waiting for it, the revocation lists the
/// server's certificates point to when the kept ones are older than a day: the next connections
/// check them. A failure leaves the lists already kept in place.
fn keep_revocation_lists_fresh(chain: &[rustls_pki_types::CertificateDer<'static>]) {
    let urls = revocation::distribution_points(chain);
    if urls.is_empty() {
        return;
    }
    tokio::task::spawn_blocking(move || {
        if let Err(problem) = revocation::refresh_installed(&urls, revocation::REFRESH_AFTER) {
            tracing::warn!(%problem, "a revocation list could not be refreshed");
        }
    });
}

async fn full_sync(
    account: &Account,
    credentials: &Credentials,
    store: &mut Store,
    events: &mpsc::Sender<Event>,
) -> Result<SyncReport, WorkerError> {
    let name = account.name.clone();
    let sender = events.clone();
    let mut progress = move |progress: Progress| {
        if let Progress::Envelopes { done, total, .. } = progress {
            let _ = sender.try_send(Event::Connectivity {
                account: name.clone(),
                state: Connectivity::Syncing { done, total },
            });
        }
    };
    Ok(sync_account(account, credentials, store, &mut progress).await?)
}

enum Wake {
    ServerNews,
    Timeout,
    SyncNow,
    FetchBody(BodyRequest),
    Stop,
}

impl Wake {
    fn on(command: Option<Command>) -> Self {
        match command {
            Some(Command::SyncNow) => Wake::SyncNow,
            Some(Command::FetchBody(request)) => Wake::FetchBody(request),
            Some(Command::Stop) | None => Wake::Stop,
        }
    }
}

/// Waits in IDLE on the selected INBOX (or sleeps where IDLE is missing) until the server says
/// something, the time box ends, or the window asks.
async fn wait_for_news(
    mut session: ImapSession,
    can_idle: bool,
    commands: &mut mpsc::Receiver<Command>,
) -> Result<(ImapSession, Wake), WorkerError> {
    session
        .select("INBOX")
        .await
        .map_err(|error| WorkerError::Sync(error.into()))?;
    if !can_idle {
        let wake = tokio::select! {
            _ = tokio::time::sleep(POLL_INTERVAL) => Wake::Timeout,
            command = commands.recv() => Wake::on(command),
        };
        return Ok((session, wake));
    }
    let mut idle = session.idle();
    idle.init()
        .await
        .map_err(|error| WorkerError::Sync(error.into()))?;
    let (wait, interrupt) = idle.wait_with_timeout(IDLE_LIMIT);
    let wake = tokio::select! {
        response = wait => match response.map_err(|error| WorkerError::Sync(error.into()))? {
            async_imap::extensions::idle::IdleResponse::NewData(_) => Wake::ServerNews,
            async_imap::extensions::idle::IdleResponse::Timeout => Wake::Timeout,
            async_imap::extensions::idle::IdleResponse::ManualInterrupt => Wake::SyncNow,
        },
        command = commands.recv() => {
            drop(interrupt);
            Wake::on(command)
        },
    };
    // DONE is time-boxed: a server that never answers it must not hang the worker.
    let session = tokio::time::timeout(Duration::from_secs(30), idle.done())
        .await
        .map_err(|_| WorkerError::Other("the server did not end IDLE".into()))?
        .map_err(|error| WorkerError::Sync(error.into()))?;
    Ok((session, wake))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_from_2_to_80_seconds_with_jitter() {
        let mut wait = None;
        let mut seen = Vec::new();
        for _ in 0..10 {
            let next = next_backoff(wait, 0.5);
            seen.push(next.as_secs());
            wait = Some(next);
        }
        assert_eq!(seen.first(), Some(&2));
        assert_eq!(seen.last(), Some(&80));
        assert!(seen.windows(2).all(|pair| pair[0] <= pair[1]), "{seen:?}");
        let low = next_backoff(Some(Duration::from_secs(10)), 0.0);
        let high = next_backoff(Some(Duration::from_secs(10)), 1.0);
        assert!(low < high && low >= Duration::from_secs(15) && high <= Duration::from_secs(25));
    }
}
