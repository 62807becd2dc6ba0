//! One synchronisation pass of an account: folders with their special uses, then each folder by
//! UID — new messages newest first in batches, each batch committed as it arrives, flag changes
//! (CONDSTORE when offered), expunges — and pending offline actions replayed first.
//!
//! A dropped connection loses nothing: what was committed stays, and the next pass fetches only
//! what is missing.

use std::collections::HashSet;

use async_imap::imap_proto::Response;
use async_imap::types::{Fetch, Flag, NameAttribute, UnsolicitedResponse};
use futures::TryStreamExt;
use mail_parser::{MessageParser, MimeHeaders};

use super::account::Account;
use super::connect::{ConnectError, Credentials};
use super::connection_trace;
use super::fetch_stages::{fetch_whole, multi_threaded, read_and_hand_on};
use super::imap::{self, ImapConnection, ImapSession};
use super::store::{ActionKind, Envelope, Flags, Folder, Role, Store, StoreError, TraceAction};

/// The first batch is small so that the newest messages show at once; later batches are larger
/// so that a 100,000-message box does not cost 2,000 round trips.
pub const FIRST_BATCH: usize = 50;
pub const BATCH: usize = 1000;

/// The header fields the list needs; the body comes later, on demand or in the background.
const ENVELOPE_QUERY: &str = "(UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER.FIELDS (DATE FROM TO CC SUBJECT MESSAGE-ID IN-REPLY-TO REFERENCES CONTENT-TYPE X-MSS-MES)])";

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error("the server stopped answering during the synchronisation: {0}")]
    Imap(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<async_imap::error::Error> for SyncError {
    fn from(error: async_imap::error::Error) -> Self {
        SyncError::Imap(error.to_string())
    }
}

/// What one pass did.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SyncReport {
    pub folders: usize,
    pub new_messages: usize,
    pub flag_changes: usize,
    pub removed: usize,
    pub replayed_actions: usize,
    /// Folders whose every UID had to be listed to find the expunges: none when nothing changed
    /// or when QRESYNC answered.
    pub full_listings: usize,
}

/// Progress of a pass, for a progress bar and `pli sync`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    Folder {
        name: String,
    },
    Envelopes {
        folder: String,
        done: usize,
        total: usize,
    },
}

/// Connects, replays offline actions, and synchronises every folder (INBOX first).
pub async fn sync_account(
    account: &Account,
    credentials: &Credentials,
    store: &mut Store,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<SyncReport, SyncError> {
    sync_account_using(account, credentials, store, Extensions::ALL, progress).await
}

/// [`sync_account`] with only the `extensions` allowed (and offered by the server).
pub async fn sync_account_using(
    account: &Account,
    credentials: &Credentials,
    store: &mut Store,
    extensions: Extensions,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<SyncReport, SyncError> {
    let connected = imap::connect(account, credentials).await;
    connection_trace::record_sign_in(
        store,
        account,
        &connection_trace::imap_request(account, credentials, "sync"),
        &connected,
    )?;
    let mut connection = connected?;
    let extensions = extensions.enable(&mut connection).await;
    let session = &mut connection.session;
    let mut report = SyncReport {
        replayed_actions: replay_actions(session, store, &account.name).await?,
        ..SyncReport::default()
    };

    let folders = list_folders(session, store, &account.name).await?;
    for folder in folders {
        progress(Progress::Folder {
            name: folder.name.clone(),
        });
        sync_folder(
            session,
            store,
            account,
            &folder,
            extensions,
            &mut report,
            progress,
        )
        .await?;
        report.folders += 1;
    }
    let _ = session.logout().await;
    Ok(report)
}

/// Lists the folders, records their special use, forgets those gone from the server.
pub async fn list_folders(
    session: &mut ImapSession,
    store: &mut Store,
    account: &str,
) -> Result<Vec<Folder>, SyncError> {
    let names: Vec<_> = session
        .list(Some(""), Some("*"))
        .await?
        .try_collect()
        .await?;
    let mut folders = Vec::new();
    let mut seen = Vec::new();
    for name in &names {
        if name
            .attributes()
            .iter()
            .any(|attribute| matches!(attribute, NameAttribute::NoSelect))
        {
            continue;
        }
        let role = if name.name().eq_ignore_ascii_case("INBOX") {
            Some(Role::Inbox)
        } else {
            name.attributes()
                .iter()
                .find_map(|attribute| match attribute {
                    NameAttribute::Sent => Some(Role::Sent),
                    NameAttribute::Drafts => Some(Role::Drafts),
                    NameAttribute::Trash => Some(Role::Trash),
                    NameAttribute::Junk => Some(Role::Junk),
                    NameAttribute::Archive => Some(Role::Archive),
                    _ => None,
                })
        };
        seen.push(name.name().to_string());
        folders.push(store.upsert_folder(account, name.name(), role)?);
    }
    store.remove_folders_except(account, &seen)?;
    folders.sort_by_key(|folder| folder.role != Some(Role::Inbox));
    Ok(folders)
}

/// The IMAP extensions a sync may use, when the server offers them too. Everything the server
/// offers is used in the product; the tests turn extensions off to prove the plain paths on a
/// server that has them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extensions {
    /// RFC 7162 CONDSTORE: only the flags changed since the last pass are fetched.
    pub condstore: bool,
    /// RFC 7162 QRESYNC: flag changes and expunges come back in one round trip.
    pub qresync: bool,
}

impl Extensions {
    pub const ALL: Extensions = Extensions {
        condstore: true,
        qresync: true,
    };
    pub const NONE: Extensions = Extensions {
        condstore: false,
        qresync: false,
    };

    /// Keeps what the server offers, and turns QRESYNC on for the session (RFC 5161 ENABLE);
    /// a server that refuses it is synced without it.
    pub async fn enable(self, connection: &mut ImapConnection) -> Extensions {
        let condstore = self.condstore && connection.has_capability("CONDSTORE");
        let qresync = condstore
            && self.qresync
            && connection.has_capability("QRESYNC")
            && connection.has_capability("ENABLE")
            && connection
                .session
                .run_command_and_check_ok("ENABLE QRESYNC")
                .await
                .is_ok();
        Extensions { condstore, qresync }
    }
}

/// What changed on the server since the last pass, for messages the store already has, and the
/// UIDs it does not have yet.
#[derive(Debug, Default)]
struct Changes {
    gone: Vec<u32>,
    flags: Vec<(u32, Flags, Option<u64>)>,
    keywords: Vec<(u32, Vec<String>)>,
    new: Vec<u32>,
}

/// Synchronises one folder.
pub async fn sync_folder(
    session: &mut ImapSession,
    store: &mut Store,
    account: &Account,
    folder: &Folder,
    extensions: Extensions,
    report: &mut SyncReport,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<(), SyncError> {
    let mailbox = if extensions.condstore {
        session.select_condstore(&folder.name).await?
    } else {
        session.select(&folder.name).await?
    };
    // Whether colleagues can share state here: without `\*` the server keeps only the
    // keywords it lists, and the box's settings say so (nothing fails).
    let keywords_shared = (!mailbox.permanent_flags.is_empty())
        .then(|| mailbox.permanent_flags.contains(&Flag::MayCreate));
    store.set_keywords_shared(folder.id, keywords_shared)?;
    let uidvalidity = mailbox.uid_validity.unwrap_or(0);
    let same_validity = folder.uidvalidity == Some(uidvalidity);
    if !same_validity {
        store.reset_folder(folder.id, uidvalidity)?;
    }
    let known: HashSet<u32> = store.uids(folder.id)?.into_iter().collect();
    let stored_modseq = folder.highestmodseq.filter(|_| same_validity);
    let server_modseq = mailbox.highest_modseq.filter(|_| extensions.condstore);

    // As many messages as before, no new UID and no change of MODSEQ: nothing can have been
    // added, expunged or flagged, and the pass costs the SELECT alone.
    let unchanged = same_validity
        && known.len() == mailbox.exists as usize
        && folder.uidnext.is_some()
        && folder.uidnext == mailbox.uid_next
        && stored_modseq.is_some()
        && stored_modseq == server_modseq;
    if unchanged {
        return Ok(());
    }

    // A folder seen for the first time: its newest messages are its last sequence numbers, so
    // they are fetched before the server lists every UID — the top of the list shows at once,
    // even in a box of 100,000 messages.
    let mut fetched_first: HashSet<u32> = HashSet::new();
    if known.is_empty() && mailbox.exists > 0 {
        let first = mailbox.exists.saturating_sub(FIRST_BATCH as u32 - 1).max(1);
        let fetches: Vec<Fetch> = session
            .fetch(format!("{first}:{}", mailbox.exists), ENVELOPE_QUERY)
            .await?
            .try_collect()
            .await?;
        let envelopes: Vec<Envelope> = fetches.iter().filter_map(envelope_of).collect();
        fetched_first = envelopes.iter().map(|envelope| envelope.uid).collect();
        commit_envelopes(store, account, folder, &envelopes, report)?;
        progress(Progress::Envelopes {
            folder: folder.name.clone(),
            done: fetched_first.len(),
            total: mailbox.exists as usize,
        });
    }

    let resynced = match stored_modseq {
        Some(modseq) if extensions.qresync && !known.is_empty() => {
            changes_since(session, modseq, &known, mailbox.exists as usize).await?
        }
        _ => None,
    };
    let mut changes = match resynced {
        Some(changes) => changes,
        None => {
            report.full_listings += 1;
            let condstore_since = stored_modseq.filter(|_| extensions.condstore);
            changes_by_listing(session, &known, extensions.condstore, condstore_since).await?
        }
    };
    changes.new.retain(|uid| !fetched_first.contains(uid));

    if !changes.gone.is_empty() {
        store.remove_uids(folder.id, &changes.gone)?;
        report.removed += changes.gone.len();
    }
    if !changes.flags.is_empty() {
        report.flag_changes += changes.flags.len();
        store.update_flags(folder.id, &changes.flags)?;
        store.update_keywords(folder.id, &changes.keywords)?;
    }

    changes.new.sort_unstable_by(|a, b| b.cmp(a));
    let first_batch = if fetched_first.is_empty() {
        FIRST_BATCH
    } else {
        BATCH
    };
    let mut writer = BatchWriter {
        total: changes.new.len() + fetched_first.len(),
        done: fetched_first.len(),
        store,
        account,
        folder,
        report,
        progress,
    };
    fetch_new_messages(session, &mut writer, &changes.new, first_batch).await?;

    store.set_sync_state(folder.id, mailbox.uid_next, server_modseq)?;
    Ok(())
}

/// QRESYNC (RFC 7162 §3.2.6): one `UID FETCH … (CHANGEDSINCE m VANISHED)` brings the flags
/// changed since the last pass, the new messages and the UIDs expunged meanwhile. `None` when
/// the answer does not add up to the number of messages the server announced (an untagged
/// answer lost, a server that did not send VANISHED): the caller then lists every UID.
async fn changes_since(
    session: &mut ImapSession,
    modseq: u64,
    known: &HashSet<u32>,
    exists: usize,
) -> Result<Option<Changes>, SyncError> {
    // VANISHED arrives as an untagged answer, which async-imap hands to this channel: what an
    // earlier command left there must not be read as this answer.
    while session.unsolicited_responses.try_recv().is_ok() {}
    let fetches: Vec<Fetch> = session
        .uid_fetch(
            "1:*",
            format!("(UID FLAGS) (CHANGEDSINCE {modseq} VANISHED)"),
        )
        .await?
        .try_collect()
        .await?;
    let mut vanished: Vec<std::ops::RangeInclusive<u32>> = Vec::new();
    while let Ok(answer) = session.unsolicited_responses.try_recv() {
        if let UnsolicitedResponse::Other(data) = answer {
            if let Response::Vanished { uids, .. } = data.parsed() {
                vanished.extend(uids.iter().cloned());
            }
        }
    }
    let mut changes = Changes {
        gone: known
            .iter()
            .copied()
            .filter(|uid| vanished.iter().any(|range| range.contains(uid)))
            .collect(),
        ..Changes::default()
    };
    for fetch in &fetches {
        let Some(uid) = fetch.uid else { continue };
        if known.contains(&uid) {
            changes.flags.push((uid, flags_of(fetch), fetch.modseq));
            changes.keywords.push((uid, keywords_of(fetch)));
        } else {
            changes.new.push(uid);
        }
    }
    let adds_up = known.len() - changes.gone.len() + changes.new.len() == exists;
    Ok(adds_up.then_some(changes))
}

/// Without QRESYNC: the server lists every UID (expunges are the known ones missing), then the
/// flags of the known ones — only those changed since `modseq` with CONDSTORE.
async fn changes_by_listing(
    session: &mut ImapSession,
    known: &HashSet<u32>,
    condstore: bool,
    modseq: Option<u64>,
) -> Result<Changes, SyncError> {
    let on_server: HashSet<u32> = session.uid_search("ALL").await?;
    let mut changes = Changes {
        gone: known.difference(&on_server).copied().collect(),
        new: on_server.difference(known).copied().collect(),
        ..Changes::default()
    };
    let still_known: Vec<u32> = known.intersection(&on_server).copied().collect();
    let Some(upper) = still_known.iter().max().copied() else {
        return Ok(changes);
    };
    let query = match (condstore, modseq) {
        (true, Some(modseq)) => format!("(UID FLAGS) (CHANGEDSINCE {modseq})"),
        (true, None) => "(UID FLAGS MODSEQ)".to_string(),
        (false, _) => "(UID FLAGS)".to_string(),
    };
    let fetches: Vec<Fetch> = session
        .uid_fetch(format!("1:{upper}"), &query)
        .await?
        .try_collect()
        .await?;
    changes.flags = fetches
        .iter()
        .filter_map(|fetch| Some((fetch.uid?, flags_of(fetch), fetch.modseq)))
        .filter(|(uid, _, _)| known.contains(uid))
        .collect();
    changes.keywords = fetches
        .iter()
        .filter_map(|fetch| Some((fetch.uid?, keywords_of(fetch))))
        .filter(|(uid, _)| known.contains(uid))
        .collect();
    Ok(changes)
}

/// Where the envelopes of new messages go, batch after batch, with the progress they make.
struct BatchWriter<'a> {
    store: &'a mut Store,
    account: &'a Account,
    folder: &'a Folder,
    report: &'a mut SyncReport,
    progress: &'a mut (dyn FnMut(Progress) + Send),
    done: usize,
    total: usize,
}

impl BatchWriter<'_> {
    fn commit(&mut self, envelopes: &[Envelope]) -> Result<(), SyncError> {
        commit_envelopes(
            self.store,
            self.account,
            self.folder,
            envelopes,
            self.report,
        )?;
        self.done += envelopes.len();
        (self.progress)(Progress::Envelopes {
            folder: self.folder.name.clone(),
            done: self.done,
            total: self.total,
        });
        Ok(())
    }
}

/// The envelopes of new messages, fetched newest first in batches, each committed as it arrives.
async fn fetch_new_messages(
    session: &mut ImapSession,
    writer: &mut BatchWriter<'_>,
    newest_first: &[u32],
    mut first_batch: usize,
) -> Result<(), SyncError> {
    let batches = chunks_of_growing_size(newest_first, &mut first_batch);
    let Some((first, rest)) = batches.split_first() else {
        return Ok(());
    };
    // The top of the list does not wait for the next batch.
    let fetches = fetch_whole(session, first, ENVELOPE_QUERY).await?;
    writer.commit(&envelopes_of(fetches))?;
    match multi_threaded() {
        Some(handle) => {
            tokio::task::block_in_place(|| fetch_in_stages(&handle, session, rest, writer))
        }
        None => {
            for batch in rest {
                let fetches = fetch_whole(session, batch, ENVELOPE_QUERY).await?;
                writer.commit(&envelopes_of(fetches))?;
            }
            Ok(())
        }
    }
}

/// The envelopes of one batch's answer.
fn envelopes_of(fetches: Vec<Fetch>) -> Vec<Envelope> {
    fetches.iter().filter_map(envelope_of).collect()
}

/// The batches after the first read and parsed on this thread, written on another: the server
/// answers the next batch while this one is parsed and the one before is written. In turn, a
/// batch of 1,000 took 12-25 ms to write and the server waited meanwhile; Dovecot alone sends
/// the envelopes of 100,000 messages in 1.1 s, the sync took 2.3-2.6 s.
fn fetch_in_stages(
    handle: &tokio::runtime::Handle,
    session: &mut ImapSession,
    batches: &[&[u32]],
    writer: &mut BatchWriter<'_>,
) -> Result<(), SyncError> {
    std::thread::scope(|scope| {
        let (to_write, parsed) = std::sync::mpsc::sync_channel::<Vec<Envelope>>(0);
        let writing = scope.spawn(move || -> Result<(), SyncError> {
            for envelopes in parsed {
                writer.commit(&envelopes)?;
            }
            Ok(())
        });
        let read = read_and_hand_on(
            handle,
            session,
            batches,
            ENVELOPE_QUERY,
            envelopes_of,
            to_write,
        );
        writing
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        read
    })
}

fn commit_envelopes(
    store: &mut Store,
    account: &Account,
    folder: &Folder,
    envelopes: &[Envelope],
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    store.insert_envelopes(folder.id, envelopes)?;
    // Any folder: a patient's message is classified, and the box's own to a patient (Sent, or
    // written by the webmail) reclassifies that patient's messages.
    super::patients::envelopes_stored(store, account, folder, envelopes)?;
    report.new_messages += envelopes.len();
    Ok(())
}

fn chunks_of_growing_size<'a>(uids: &'a [u32], first: &mut usize) -> Vec<&'a [u32]> {
    let mut chunks = Vec::new();
    let mut rest = uids;
    let mut size = *first;
    while !rest.is_empty() {
        let (head, tail) = rest.split_at(size.min(rest.len()));
        chunks.push(head);
        rest = tail;
        size = BATCH;
    }
    *first = size;
    chunks
}

fn flags_of(fetch: &Fetch) -> Flags {
    let mut flags = Flags::default();
    for flag in fetch.flags() {
        flags = match flag {
            Flag::Seen => flags.with(Flags::SEEN, true),
            Flag::Answered => flags.with(Flags::ANSWERED, true),
            Flag::Flagged => flags.with(Flags::FLAGGED, true),
            Flag::Deleted => flags.with(Flags::DELETED, true),
            Flag::Draft => flags.with(Flags::DRAFT, true),
            _ => flags,
        };
    }
    flags
}

/// The keywords of a fetch: every flag that is not a system flag, when it is a valid atom.
fn keywords_of(fetch: &Fetch) -> Vec<String> {
    fetch
        .flags()
        .filter_map(|flag| match flag {
            Flag::Custom(name) if super::keywords::is_atom(&name) => Some(name.into_owned()),
            _ => None,
        })
        .collect()
}

fn envelope_of(fetch: &Fetch) -> Option<Envelope> {
    let uid = fetch.uid?;
    let header = fetch.header().unwrap_or_default();
    let mut envelope = envelope_from_header(header);
    envelope.uid = uid;
    envelope.flags = flags_of(fetch);
    envelope.keywords = keywords_of(fetch);
    envelope.modseq = fetch.modseq;
    envelope.size = fetch.size.unwrap_or(0);
    if envelope.date == 0 {
        envelope.date = fetch
            .internal_date()
            .map(|date| date.timestamp())
            .unwrap_or(0);
    }
    Some(envelope)
}

/// Reads the list's fields from a header block (RFC 2047 words and charsets decoded).
pub fn envelope_from_header(header: &[u8]) -> Envelope {
    let header = crate::mail::mime::headers_as_utf8(header);
    let Some(message) = MessageParser::default().parse_headers(header.as_ref()) else {
        return Envelope::default();
    };
    let (from_name, from_address) = message
        .from()
        .and_then(|address| address.first())
        .map(|first| {
            (
                first.name().unwrap_or_default().to_string(),
                first.address().unwrap_or_default().to_string(),
            )
        })
        .unwrap_or_default();
    let mut recipients = Vec::new();
    for list in [message.to(), message.cc()].into_iter().flatten() {
        for address in list.iter() {
            match (address.name(), address.address()) {
                (Some(name), Some(address)) => recipients.push(format!("{name} <{address}>")),
                (None, Some(address)) => recipients.push(address.to_string()),
                (Some(name), None) => recipients.push(name.to_string()),
                (None, None) => {}
            }
        }
    }
    let ids = |value: &mail_parser::HeaderValue<'_>| -> Option<String> {
        match value {
            mail_parser::HeaderValue::Text(text) => Some(format!("<{text}>")),
            mail_parser::HeaderValue::TextList(list) => Some(
                list.iter()
                    .map(|id| format!("<{id}>"))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            _ => None,
        }
    };
    let has_attachment = message.content_type().is_some_and(|content_type| {
        content_type.ctype().eq_ignore_ascii_case("multipart")
            && content_type
                .subtype()
                .is_some_and(|subtype| subtype.eq_ignore_ascii_case("mixed"))
            || content_type.ctype().eq_ignore_ascii_case("application")
    });
    Envelope {
        date: message.date().map(|date| date.to_timestamp()).unwrap_or(0),
        subject: message.subject().unwrap_or_default().to_string(),
        from_name,
        from_address,
        recipients: recipients.join(", "),
        message_id: message.message_id().map(|id| format!("<{id}>")),
        in_reply_to: ids(message.in_reply_to()),
        references: ids(message.references()),
        has_attachment,
        closes_conversation: message
            .header_raw(crate::mssante::headers::X_MSS_MES)
            .is_some_and(crate::mssante::headers::is_closing),
        ..Envelope::default()
    }
}

/// Fetches the whole message of one UID into the store (size checked first by the caller).
pub async fn fetch_raw(session: &mut ImapSession, uid: u32) -> Result<Option<Vec<u8>>, SyncError> {
    let fetches: Vec<Fetch> = session
        .uid_fetch(uid.to_string(), "(UID BODY.PEEK[])")
        .await?
        .try_collect()
        .await?;
    Ok(fetches
        .iter()
        .find(|fetch| fetch.uid == Some(uid))
        .and_then(|fetch| fetch.body().map(<[u8]>::to_vec)))
}

/// Replays the actions taken offline, in order, each exactly once: an action is removed from the
/// queue only after the server accepted it; one the server refuses for good (the message is
/// gone) is dropped, since retrying cannot succeed.
pub async fn replay_actions(
    session: &mut ImapSession,
    store: &mut Store,
    account: &str,
) -> Result<usize, SyncError> {
    let actions = store.pending_actions(account)?;
    let mut replayed = 0;
    let mut selected: Option<String> = None;
    for action in actions {
        if let ActionKind::Draft { id } = action.kind {
            replay_draft(session, store, account, id).await?;
            store.action_done(action.id)?;
            selected = None;
            replayed += 1;
            continue;
        }
        if let ActionKind::Keyword { keyword, .. } = &action.kind {
            // Only an atom goes on the wire: a damaged row cannot inject a command.
            if !super::keywords::is_atom(keyword) {
                store.action_done(action.id)?;
                continue;
            }
        }
        if selected.as_deref() != Some(action.folder.as_str()) {
            session.select(&action.folder).await?;
            selected = Some(action.folder.clone());
        }
        let uid = action.uid.to_string();
        let result = match &action.kind {
            ActionKind::SetFlag { flag, on } => {
                let sign = if *on { '+' } else { '-' };
                let name = flag_name(*flag);
                match session
                    .uid_store(&uid, format!("{sign}FLAGS.SILENT ({name})"))
                    .await
                {
                    Ok(stream) => stream.try_collect::<Vec<_>>().await.map(|_| ()),
                    Err(error) => Err(error),
                }
            }
            ActionKind::Keyword { keyword, on } => {
                let sign = if *on { '+' } else { '-' };
                match session
                    .uid_store(&uid, format!("{sign}FLAGS.SILENT ({keyword})"))
                    .await
                {
                    Ok(stream) => stream.try_collect::<Vec<_>>().await.map(|_| ()),
                    Err(error) => Err(error),
                }
            }
            ActionKind::Move { to } => session.uid_mv(&uid, to).await,
            ActionKind::Draft { .. } => continue,
        };
        let (trace_action, request) = match &action.kind {
            ActionKind::SetFlag { flag, on } => {
                let kind = if *flag == Flags::SEEN {
                    TraceAction::Read
                } else {
                    TraceAction::Flag
                };
                (
                    kind,
                    format!(
                        "UID STORE {uid} {}FLAGS ({})",
                        if *on { '+' } else { '-' },
                        flag_name(*flag)
                    ),
                )
            }
            ActionKind::Keyword { keyword, on } => (
                TraceAction::Flag,
                format!(
                    "UID STORE {uid} {}FLAGS ({})",
                    if *on { '+' } else { '-' },
                    super::keywords::for_trace(keyword)
                ),
            ),
            ActionKind::Draft { .. } => continue,
            ActionKind::Move { to } => {
                let trash = store
                    .folder_with_role(account, Role::Trash)?
                    .map(|folder| folder.name);
                let kind = if trash.as_deref() == Some(to.as_str()) {
                    TraceAction::Delete
                } else {
                    TraceAction::Move
                };
                (
                    kind,
                    format!("UID MOVE {uid} {to} (from {})", action.folder),
                )
            }
        };
        match result {
            Ok(()) => {
                replayed += 1;
                store.trace(account, trace_action, &request, "OK", true)?;
            }
            Err(async_imap::error::Error::No(_)) => {
                store.trace(
                    account,
                    trace_action,
                    &request,
                    // The server's words after NO may quote the message; the trace keeps the
                    // refusal only.
                    "NO",
                    false,
                )?;
            }
            Err(error) => return Err(error.into()),
        }
        store.action_done(action.id)?;
    }
    Ok(replayed)
}

/// A draft's copy on the server (see `mail::drafts`); a refusal for good drops the action like
/// any other, anything else ends the pass.
async fn replay_draft(
    session: &mut ImapSession,
    store: &mut Store,
    account: &str,
    id: i64,
) -> Result<(), SyncError> {
    match super::drafts::replay(session, store, account, id).await {
        Ok(()) => Ok(()),
        Err(super::drafts::DraftError::Imap(async_imap::error::Error::No(_))) => {
            store.trace(
                account,
                TraceAction::Draft,
                &format!("draft {id}"),
                "NO",
                false,
            )?;
            Ok(())
        }
        Err(super::drafts::DraftError::Imap(error)) => Err(error.into()),
        Err(super::drafts::DraftError::Store(error)) => Err(error.into()),
    }
}

fn flag_name(flag: u8) -> &'static str {
    match flag {
        Flags::SEEN => "\\Seen",
        Flags::ANSWERED => "\\Answered",
        Flags::FLAGGED => "\\Flagged",
        Flags::DELETED => "\\Deleted",
        _ => "\\Draft",
    }
}

/// Bodies above this size are fetched in pieces of this size, straight into the store, so a
/// 20 MB scan attached to a message never sits whole in memory while it downloads.
pub const BODY_PIECE: usize = 1 << 20;
/// Bodies larger than this are stored but their text is not indexed (reading them whole to
/// index them would cost the memory the piecewise fetch saves).
pub const INDEX_BODY_LIMIT: usize = 4 << 20;

/// Fetches the body of one message into the store, in pieces when it is large, and indexes
/// its text with `index_text`. Returns the stored size.
pub async fn fetch_body(
    session: &mut ImapSession,
    store: &mut Store,
    folder: &Folder,
    uid: u32,
    announced_size: u32,
    index_text: &(dyn Fn(&[u8]) -> String + Sync),
) -> Result<usize, SyncError> {
    let announced = announced_size as usize;
    if announced <= BODY_PIECE {
        let Some(raw) = fetch_raw(session, uid).await? else {
            return Ok(0);
        };
        store.set_raw(folder.id, uid, &raw, &index_text(&raw))?;
        return Ok(raw.len());
    }
    store.reserve_raw(folder.id, uid, announced)?;
    let mut offset = 0;
    loop {
        let query = format!("(UID BODY.PEEK[]<{offset}.{BODY_PIECE}>)");
        let fetches: Vec<Fetch> = session
            .uid_fetch(uid.to_string(), &query)
            .await?
            .try_collect()
            .await?;
        let piece = fetches
            .iter()
            .find(|fetch| fetch.uid == Some(uid))
            .and_then(|fetch| fetch.body().map(<[u8]>::to_vec))
            .unwrap_or_default();
        if piece.is_empty() {
            break;
        }
        if offset + piece.len() > announced {
            // The server sends more than it announced: keep everything, whole.
            let mut raw = store.raw(folder.id, uid)?.unwrap_or_default();
            raw.truncate(offset);
            raw.extend_from_slice(&piece);
            store.set_raw(folder.id, uid, &raw, "")?;
        } else {
            store.write_raw_piece(folder.id, uid, offset, &piece)?;
        }
        offset += piece.len();
        if piece.len() < BODY_PIECE {
            break;
        }
    }
    store.truncate_raw(folder.id, uid, offset)?;
    if offset <= INDEX_BODY_LIMIT {
        if let Some(raw) = store.raw(folder.id, uid)? {
            store.index_text(folder.id, uid, &index_text(&raw))?;
        }
    }
    Ok(offset)
}

/// Connects and fetches one message (for `pli show`), both traced in `store`.
pub async fn fetch_one(
    account: &Account,
    credentials: &Credentials,
    store: &Store,
    folder: &str,
    uid: u32,
) -> Result<Option<Vec<u8>>, SyncError> {
    let connected = imap::connect(account, credentials).await;
    connection_trace::record_sign_in(
        store,
        account,
        &connection_trace::imap_request(account, credentials, "body"),
        &connected,
    )?;
    let mut connection = connected?;
    let fetched = async {
        connection.session.examine(folder).await?;
        fetch_raw(&mut connection.session, uid).await
    }
    .await;
    let answer = match &fetched {
        Ok(Some(_)) => "OK",
        Ok(None) => connection_trace::GONE,
        Err(error) => connection_trace::sync_answer(error),
    };
    connection_trace::record_body_fetch(store, &account.name, folder, uid, answer)?;
    let raw = fetched?;
    let _ = connection.session.logout().await;
    Ok(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_batch_is_small_then_large() {
        let uids: Vec<u32> = (1..=2100).rev().collect();
        let mut first = FIRST_BATCH;
        let sizes: Vec<usize> = chunks_of_growing_size(&uids, &mut first)
            .iter()
            .map(|c| c.len())
            .collect();
        assert_eq!(sizes, [50, 1000, 1000, 50]);
    }

    #[test]
    fn envelope_fields_are_decoded() {
        let header = b"From: =?utf-8?q?Dr_H=C3=A9l=C3=A8ne_No=C3=ABl?= <helene.noel@ch-test.mssante.fr>\r\nTo: Secr\xc3\xa9tariat <secretariat@ehpad-test.mssante.fr>\r\nSubject: =?utf-8?q?R=C3=A9sultats?=\r\nDate: Tue, 24 Nov 2026 10:00:00 +0100\r\nMessage-ID: <abc@ch-test>\r\nIn-Reply-To: <x@y>\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n";
        let envelope = envelope_from_header(header);
        assert_eq!(envelope.subject, "Résultats");
        assert_eq!(envelope.from_name, "Dr Hélène Noël");
        assert_eq!(envelope.from_address, "helene.noel@ch-test.mssante.fr");
        assert!(envelope
            .recipients
            .contains("secretariat@ehpad-test.mssante.fr"));
        assert_eq!(envelope.message_id.as_deref(), Some("<abc@ch-test>"));
        assert_eq!(envelope.in_reply_to.as_deref(), Some("<x@y>"));
        assert!(envelope.has_attachment);
        assert_eq!(envelope.date, 1_795_510_800, "2026-11-24 09:00 UTC");
    }

    #[test]
    fn raw_windows_1252_header_bytes_are_read_as_thunderbird_reads_them() {
        let header = b"From: Dr B\xe9atrice Lef\xe8vre <b.lefevre@labo-test.mssante.fr>\r\nSubject: R\xe9sultats d\x92analyses\r\nTo: dr.martin@cabinet.mssante.fr\r\n\r\n";
        let envelope = envelope_from_header(header);
        assert_eq!(envelope.from_name, "Dr Béatrice Lefèvre");
        assert_eq!(envelope.subject, "Résultats d\u{2019}analyses");
        assert_eq!(envelope.from_address, "b.lefevre@labo-test.mssante.fr");
    }
}
