//! Who handles what in a shared box, and where a pharmacy's prescription stands — written on
//! the server as IMAP keywords (the scheme is in [`mail::keywords`](crate::mail::keywords)),
//! so every workstation and the webmail read the same state; the store only caches it. The
//! window's buttons ("Je m'en occupe", "Rendre", "Traité", the prescription steps) and
//! `pli handle` / `pli prescription` call these functions.
//!
//! # Two people taking the same message at once
//!
//! A take reads the message's flags and its MODSEQ, then writes its keyword with
//! `UID STORE uid (UNCHANGEDSINCE modseq) +FLAGS.SILENT ($PliTaken_…)` (CONDSTORE, RFC 7162
//! §3.1.3): when a colleague's take landed in between, the MODSEQ moved on and the server
//! leaves the message unchanged. The take then reads the flags again: its own keyword there
//! means it won; the colleague's there means it lost, and it says who won. Without CONDSTORE
//! (or when a client outside the scheme wrote a take too) two takes may both land: every
//! workstation then counts the smallest keyword (`mail::keywords::winning_take`) and the loser
//! removes its own. Either way both see one handler. Each action is traced (ECO.4.1) with the
//! person acting.

use std::collections::HashMap;

use async_imap::types::{Fetch, Flag};
use futures::TryStreamExt;

use crate::mail::account::Account;
use crate::mail::connect::{ConnectError, Credentials};
use crate::mail::connection_trace;
use crate::mail::imap::{self, ImapSession};
use crate::mail::keywords::{self, Handling, PrescriptionState};
use crate::mail::send::{ReadReceipt, SendError};
use crate::mail::store::{open_profile_store, Folder, PatientKind, Store, StoreError, TraceAction};
use crate::profile::Profile;
use crate::settings::ProfileSettings;
use crate::usecase::outbox::{self, Queued};

/// What a person does with a message of a shared box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandlingAction {
    /// "Je m'en occupe".
    Take,
    /// "Rendre": back to "À traiter".
    Release,
    /// "Traité".
    Done,
}

impl HandlingAction {
    fn as_str(self) -> &'static str {
        match self {
            HandlingAction::Take => "take",
            HandlingAction::Release => "release",
            HandlingAction::Done => "done",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HandlingError {
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error("the server stopped answering: {0}")]
    Imap(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("there is no folder '{0}' in the local store")]
    UnknownFolder(String),
    /// The server no longer has the message (moved or deleted elsewhere).
    #[error("the server no longer has this message")]
    Gone,
    /// The folder does not let clients create keywords (PERMANENTFLAGS without `\*`): sharing
    /// who handles what is not possible in this box.
    #[error("this server does not keep shared keywords in this folder")]
    SharingLimited,
    /// A colleague holds the message.
    #[error("already taken by {0}")]
    TakenBy(String),
    /// Someone marked the message handled already.
    #[error("already handled by {0}")]
    DoneBy(String),
    /// Prescription steps belong to a pharmacy's box.
    #[error("this box is not a pharmacy's")]
    NotPharmacy,
    /// No name to write: the person gave an empty one and the system has none.
    #[error("no name for the person acting")]
    NoName,
    /// A conversation-wide action on a message no patient wrote or received.
    #[error("this message is not part of a patient conversation")]
    NotAPatientMessage,
}

impl From<async_imap::error::Error> for HandlingError {
    fn from(error: async_imap::error::Error) -> Self {
        HandlingError::Imap(error.to_string())
    }
}

/// A message's shared state, as the lists and `pli list --json` show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SharedView {
    pub keywords: Vec<String>,
    /// `reply`, `unsolicited`, `prescription`, or `none` for a message not from a patient.
    pub patient_kind: &'static str,
    /// Who took or handled it.
    pub handler: Option<String>,
    /// `open` ("À traiter"), `taken` or `done`.
    pub state: &'static str,
    /// A pharmacy box's prescription step; `None` elsewhere.
    pub prescription: Option<PrescriptionState>,
}

impl SharedView {
    fn of(keywords: Vec<String>, patient_kind: Option<PatientKind>, pharmacy: bool) -> Self {
        let (state, handler) = match keywords::handling(&keywords) {
            Handling::Open => ("open", None),
            Handling::Taken(name) => ("taken", Some(name)),
            Handling::Done(name) => ("done", Some(name)),
        };
        let prescription = (pharmacy && patient_kind == Some(PatientKind::Prescription))
            .then(|| keywords::prescription_state(&keywords));
        Self {
            patient_kind: patient_kind.map(PatientKind::as_str).unwrap_or("none"),
            handler,
            state,
            prescription,
            keywords,
        }
    }
}

/// The shared state of every stored message of a folder, by UID.
pub fn shared_views(
    store: &Store,
    account: &Account,
    folder: &Folder,
) -> Result<HashMap<u32, SharedView>, StoreError> {
    Ok(store
        .shared_states(folder.id)?
        .into_iter()
        .map(|(uid, state)| {
            (
                uid,
                SharedView::of(state.keywords, state.patient_kind, account.pharmacy),
            )
        })
        .collect())
}

/// The shared state of one stored message (the reader's "Je m'en occupe" bar).
pub fn shared_view(
    store: &Store,
    account: &Account,
    folder: &Folder,
    uid: u32,
) -> Result<SharedView, StoreError> {
    Ok(SharedView::of(
        store.keywords(folder.id, uid)?,
        store.patient_kind(folder.id, uid)?,
        account.pharmacy,
    ))
}

/// The folders of a box where the server keeps no new keywords (PERMANENTFLAGS without `\*`,
/// as the last sync saw them): there, who handles what cannot be shared, and the box's settings
/// say so.
pub fn sharing_limited_folders(store: &Store, account: &str) -> Result<Vec<String>, StoreError> {
    let mut limited = Vec::new();
    for folder in store.folders(account)? {
        if store.keywords_shared(folder.id)? == Some(false) {
            limited.push(folder.name);
        }
    }
    Ok(limited)
}

/// The person acting, for the keywords and the trace: the name given (`--as`, the name chosen
/// at unlock), else the profile's `person_name`, else the operating system's user.
pub fn acting_person(profile: &Profile, given: Option<&str>) -> Result<String, HandlingError> {
    if let Some(given) = given {
        return clean_name(given).ok_or(HandlingError::NoName);
    }
    let (settings, _) = ProfileSettings::load(&profile.settings_file());
    person_named(settings.person_name.as_deref())
}

/// The person for a `person_name` setting already read (the window holds its settings): the
/// setting, else the operating system's user.
pub fn person_named(setting: Option<&str>) -> Result<String, HandlingError> {
    setting
        .and_then(clean_name)
        .or_else(|| clean_name(&crate::mail::store::workstation_user()))
        .ok_or(HandlingError::NoName)
}

fn clean_name(name: &str) -> Option<String> {
    let name: String = name.chars().filter(|c| !c.is_control()).collect();
    let name = name.trim();
    (!name.is_empty()).then(|| name.to_owned())
}

/// The three lists of a shared box: "À traiter", "Pris en charge par moi", "Traités".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HandlingView {
    ToHandle,
    Mine,
    Handled,
}

impl HandlingView {
    fn holds(self, keywords: &[String], mine: &str) -> bool {
        match (self, keywords::handling(keywords)) {
            (HandlingView::ToHandle, Handling::Open) => true,
            (HandlingView::Mine, Handling::Taken(_)) => keywords::has_keyword(keywords, mine),
            (HandlingView::Handled, Handling::Done(_)) => true,
            _ => false,
        }
    }
}

/// How many messages of the box's INBOX each list holds, for the box list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HandlingCounts {
    pub to_handle: usize,
    pub mine: usize,
    pub handled: usize,
}

/// The counts of the three lists for `person`, from the cached keywords of the box's INBOX.
pub fn handling_counts(
    store: &Store,
    account: &str,
    person: &str,
) -> Result<HandlingCounts, StoreError> {
    let mut counts = HandlingCounts::default();
    let Some(inbox) = store.folder_with_role(account, crate::mail::store::Role::Inbox)? else {
        return Ok(counts);
    };
    let mine = keywords::taken_keyword(person);
    for state in store.shared_states(inbox.id)?.values() {
        if HandlingView::ToHandle.holds(&state.keywords, &mine) {
            counts.to_handle += 1;
        } else if HandlingView::Mine.holds(&state.keywords, &mine) {
            counts.mine += 1;
        } else if HandlingView::Handled.holds(&state.keywords, &mine) {
            counts.handled += 1;
        }
    }
    Ok(counts)
}

/// The messages of one list, newest first, at most `limit`.
pub fn handling_list(
    store: &Store,
    account: &str,
    view: HandlingView,
    person: &str,
    limit: usize,
) -> Result<Vec<(Folder, crate::mail::store::Envelope)>, StoreError> {
    let Some(inbox) = store.folder_with_role(account, crate::mail::store::Role::Inbox)? else {
        return Ok(Vec::new());
    };
    let mine = keywords::taken_keyword(person);
    let states = store.shared_states(inbox.id)?;
    let mut found = Vec::new();
    let mut uids: Vec<u32> = states
        .iter()
        .filter(|(_, state)| view.holds(&state.keywords, &mine))
        .map(|(uid, _)| *uid)
        .collect();
    // The newest arrivals (UIDs grow with arrival): a big box reads `limit` envelopes, not all.
    uids.sort_unstable_by(|a, b| b.cmp(a));
    uids.truncate(limit);
    for uid in uids {
        if let Some(envelope) = store.envelope(inbox.id, uid)? {
            found.push(envelope);
        }
    }
    found.sort_by(|a, b| b.date.cmp(&a.date).then(b.uid.cmp(&a.uid)));
    Ok(found
        .into_iter()
        .map(|envelope| (inbox.clone(), envelope))
        .collect())
}

/// Takes, gives back or closes a message for `person`, on the server, and returns who handles
/// it now. A take on a message a colleague holds is refused with their name
/// ([`HandlingError::TakenBy`]).
pub async fn handle(
    profile: &Profile,
    account: &Account,
    credentials: &Credentials,
    folder: &str,
    uid: u32,
    action: HandlingAction,
    person: &str,
) -> Result<Handling, HandlingError> {
    let mut store = open_store(profile).await?;
    let folder = stored_folder(&store, account, folder)?;
    let connected = imap::connect(account, credentials).await;
    let mut connection = traced_sign_in(&store, account, credentials, connected)?;
    let condstore = connection.has_capability("CONDSTORE");
    let session = &mut connection.session;
    let result = async {
        select_for_keywords(session, &folder, condstore).await?;
        match action {
            HandlingAction::Take => take(session, uid, person, condstore).await,
            HandlingAction::Release => release(session, uid, condstore).await,
            HandlingAction::Done => done(session, uid, person, condstore).await,
        }
    }
    .await;
    let _ = connection.session.logout().await;
    let request = format!("UID STORE {uid} {} ({})", action.as_str(), folder.name);
    finish(&mut store, account, &folder, uid, person, &request, result)
        .map(|keywords| keywords::handling(&keywords))
}

/// What an action on a whole patient conversation did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConversationHandling {
    /// The messages now as the action wanted them.
    pub changed: Vec<u32>,
    /// The messages a colleague holds or handled, left as they are, with the colleague's name.
    pub left_to: Vec<(u32, String)>,
}

/// "Je m'en occupe", "Rendre" or "Traité" for every message of the patient's conversation that
/// the message at `uid` belongs to, in its folder: the patient's messages and the box's answers
/// (issue 13: a family writes three times, one secretary answers them all). One connection; each
/// message goes through the same race as [`handle`], so a message a colleague holds stays theirs
/// and is named in the answer. Refused with [`HandlingError::NotAPatientMessage`] when the
/// message has no patient among its correspondents.
pub async fn handle_conversation(
    profile: &Profile,
    account: &Account,
    credentials: &Credentials,
    folder: &str,
    uid: u32,
    action: HandlingAction,
    person: &str,
) -> Result<ConversationHandling, HandlingError> {
    let mut store = open_store(profile).await?;
    let folder = stored_folder(&store, account, folder)?;
    let envelope = store.envelope(folder.id, uid)?.ok_or(HandlingError::Gone)?;
    let patient = patient_of(&envelope.from_address, &envelope.recipients)
        .ok_or(HandlingError::NotAPatientMessage)?;
    let uids = store.uids_with_correspondent(folder.id, &patient)?;
    let connected = imap::connect(account, credentials).await;
    let mut connection = traced_sign_in(&store, account, credentials, connected)?;
    let condstore = connection.has_capability("CONDSTORE");
    select_for_keywords(&mut connection.session, &folder, condstore).await?;
    let mut outcome = ConversationHandling::default();
    for uid in uids {
        let session = &mut connection.session;
        let result = match action {
            HandlingAction::Take => take(session, uid, person, condstore).await,
            HandlingAction::Release => release(session, uid, condstore).await,
            HandlingAction::Done => done(session, uid, person, condstore).await,
        };
        let request = format!(
            "UID STORE {uid} {} conversation ({})",
            action.as_str(),
            folder.name
        );
        match finish(&mut store, account, &folder, uid, person, &request, result) {
            Ok(_) => outcome.changed.push(uid),
            Err(HandlingError::TakenBy(name) | HandlingError::DoneBy(name)) => {
                outcome.left_to.push((uid, name));
            }
            // A message expunged meanwhile is no longer part of it.
            Err(HandlingError::Gone) => {}
            Err(error) => {
                let _ = connection.session.logout().await;
                return Err(error);
            }
        }
    }
    let _ = connection.session.logout().await;
    Ok(outcome)
}

/// The patient a message is from or to: its sender, else the first patient among the
/// recipients as the store keeps them ("Name <address>, …").
fn patient_of(from: &str, recipients: &str) -> Option<String> {
    let recipients = recipients.split(',').map(|recipient| {
        let recipient = recipient.trim();
        match (recipient.rfind('<'), recipient.rfind('>')) {
            (Some(start), Some(end)) if start < end => &recipient[start + 1..end],
            _ => recipient,
        }
    });
    std::iter::once(from.trim())
        .chain(recipients)
        .find(|address| crate::mail::mime::is_patient_address(address))
        .map(str::to_owned)
}

/// Moves a pharmacy's prescription to `state` on the server, and returns the state it has now.
pub async fn set_prescription_state(
    profile: &Profile,
    account: &Account,
    credentials: &Credentials,
    folder: &str,
    uid: u32,
    state: PrescriptionState,
    person: &str,
) -> Result<PrescriptionState, HandlingError> {
    if !account.pharmacy {
        return Err(HandlingError::NotPharmacy);
    }
    let mut store = open_store(profile).await?;
    let folder = stored_folder(&store, account, folder)?;
    let connected = imap::connect(account, credentials).await;
    let mut connection = traced_sign_in(&store, account, credentials, connected)?;
    let condstore = connection.has_capability("CONDSTORE");
    let session = &mut connection.session;
    let result = async {
        select_for_keywords(session, &folder, condstore).await?;
        let (current, _) = read(session, uid, condstore).await?;
        let old: Vec<String> = current
            .iter()
            .filter(|k| keywords::is_prescription_step(k))
            .filter(|k| {
                state
                    .keyword()
                    .is_none_or(|new| !keywords::same_keyword(k, &new))
            })
            .cloned()
            .collect();
        store_keywords(session, uid, '-', &old, None).await?;
        if let Some(new) = state.keyword() {
            store_keywords(session, uid, '+', &[new], None).await?;
        }
        Ok(read(session, uid, condstore).await?.0)
    }
    .await;
    let _ = connection.session.logout().await;
    let request = format!(
        "UID STORE {uid} prescription {} ({})",
        state.as_str(),
        folder.name
    );
    finish(&mut store, account, &folder, uid, person, &request, result)
        .map(|keywords| keywords::prescription_state(&keywords))
}

/// Acknowledges a message with a read receipt (as [`outbox::acknowledge`]) and marks it
/// `$MDNSent` on the server, so no other workstation offers or sends a second one (RFC 3503).
/// `Ok(None)` when the message was acknowledged before, here or elsewhere.
pub fn acknowledge(
    profile: &Profile,
    account: &Account,
    folder: &str,
    uid: u32,
    receipt: &ReadReceipt<'_>,
) -> Result<Option<Queued>, SendError> {
    let mut store = open_profile_store(profile)?;
    // A message the store does not hold (yet) is acknowledged all the same; only the mark
    // waits for nothing.
    let folder = store.folder(&account.name, folder)?;
    if let Some(folder) = &folder {
        if receipt_answered(&store, &account.name, folder, uid, receipt.original)? {
            return Ok(None);
        }
    }
    let queued = outbox::acknowledge(profile, account, receipt)?;
    if let (Some(_), Some(folder)) = (&queued, &folder) {
        store.queue_keyword(&account.name, folder, uid, keywords::MDN_SENT, true)?;
    }
    Ok(queued)
}

/// Marks a message `$Forwarded` once its forward is in the outbox: the mark is queued like a
/// flag and reaches the server with the box's next pass, so every client shows it.
pub fn mark_forwarded(
    store: &mut Store,
    account: &str,
    folder: &Folder,
    uid: u32,
) -> Result<(), StoreError> {
    store.queue_keyword(account, folder, uid, keywords::FORWARDED, true)
}

/// Marks a message as junk (`$Junk` set, `$NotJunk` cleared) or as not junk (the reverse) for
/// every client: queued as the flags are, and replayed by the box's worker.
pub fn mark_junk(
    store: &mut Store,
    account: &str,
    folder: &Folder,
    uid: u32,
    junk: bool,
) -> Result<(), StoreError> {
    store.queue_keyword(account, folder, uid, keywords::JUNK, junk)?;
    store.queue_keyword(account, folder, uid, keywords::NOT_JUNK, !junk)
}

/// Whether a message is marked junk, by any client.
pub fn is_junk(store: &Store, folder: &Folder, uid: u32) -> Result<bool, StoreError> {
    Ok(keywords::has_keyword(
        &store.keywords(folder.id, uid)?,
        keywords::JUNK,
    ))
}

/// Whether the read receipt of a message was answered: sent or declined on this workstation,
/// or sent from anywhere (`$MDNSent` on the server). The reader then does not offer it.
pub fn receipt_answered(
    store: &Store,
    account: &str,
    folder: &Folder,
    uid: u32,
    original: &str,
) -> Result<bool, StoreError> {
    Ok(store.read_receipt_sent(account, original)?
        || keywords::has_keyword(&store.keywords(folder.id, uid)?, keywords::MDN_SENT))
}

/// Writes the sign-in to the trace (ECO.4.1) whatever its outcome, then hands the connection on.
/// Not an `async fn` around the connect on purpose: holding `&Store` across an await would make
/// the window's futures not `Send`.
fn traced_sign_in(
    store: &Store,
    account: &Account,
    credentials: &Credentials,
    connected: Result<imap::ImapConnection, ConnectError>,
) -> Result<imap::ImapConnection, HandlingError> {
    connection_trace::record_sign_in(
        store,
        account,
        &connection_trace::imap_request(account, credentials, "handling"),
        &connected,
    )?;
    Ok(connected?)
}

async fn open_store(profile: &Profile) -> Result<Store, StoreError> {
    let profile = profile.clone();
    tokio::task::spawn_blocking(move || open_profile_store(&profile))
        .await
        .unwrap_or_else(|error| Err(StoreError::Interrupted(error.to_string())))
}

fn stored_folder(store: &Store, account: &Account, name: &str) -> Result<Folder, HandlingError> {
    store
        .folder(&account.name, name)?
        .ok_or_else(|| HandlingError::UnknownFolder(name.to_owned()))
}

/// Selects the folder read-write; refuses when the server keeps no new keywords there.
async fn select_for_keywords(
    session: &mut ImapSession,
    folder: &Folder,
    condstore: bool,
) -> Result<(), HandlingError> {
    let mailbox = if condstore {
        session.select_condstore(&folder.name).await?
    } else {
        session.select(&folder.name).await?
    };
    if !mailbox.permanent_flags.is_empty() && !mailbox.permanent_flags.contains(&Flag::MayCreate) {
        return Err(HandlingError::SharingLimited);
    }
    Ok(())
}

/// The message's keywords, and its MODSEQ when the server has CONDSTORE (one without it would
/// refuse the item).
async fn read(
    session: &mut ImapSession,
    uid: u32,
    condstore: bool,
) -> Result<(Vec<String>, Option<u64>), HandlingError> {
    let items = if condstore {
        "(UID FLAGS MODSEQ)"
    } else {
        "(UID FLAGS)"
    };
    let fetches: Vec<Fetch> = session
        .uid_fetch(uid.to_string(), items)
        .await?
        .try_collect()
        .await?;
    let fetch = fetches
        .iter()
        .find(|fetch| fetch.uid == Some(uid))
        .ok_or(HandlingError::Gone)?;
    let keywords = fetch
        .flags()
        .filter_map(|flag| match flag {
            Flag::Custom(name) if keywords::is_atom(&name) => Some(name.into_owned()),
            _ => None,
        })
        .collect();
    Ok((keywords, fetch.modseq))
}

/// `UID STORE uid [(UNCHANGEDSINCE m)] ±FLAGS.SILENT (…)`; nothing to do for no keyword.
async fn store_keywords(
    session: &mut ImapSession,
    uid: u32,
    sign: char,
    words: &[String],
    unchanged_since: Option<u64>,
) -> Result<(), HandlingError> {
    let words: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .filter(|word| keywords::is_atom(word))
        .collect();
    if words.is_empty() {
        return Ok(());
    }
    let modifier = unchanged_since
        .map(|modseq| format!("(UNCHANGEDSINCE {modseq}) "))
        .unwrap_or_default();
    session
        .uid_store(
            uid.to_string(),
            format!("{modifier}{sign}FLAGS.SILENT ({})", words.join(" ")),
        )
        .await?
        .try_collect::<Vec<_>>()
        .await?;
    Ok(())
}

async fn take(
    session: &mut ImapSession,
    uid: u32,
    person: &str,
    condstore: bool,
) -> Result<Vec<String>, HandlingError> {
    let mine = keywords::taken_keyword(person);
    // A conditional store that lost to a change unrelated to taking (someone read the message)
    // is tried again, a few times.
    for _ in 0..3 {
        let (current, modseq) = read(session, uid, condstore).await?;
        match keywords::handling(&current) {
            Handling::Done(name) => return Err(HandlingError::DoneBy(name)),
            Handling::Taken(name) if !keywords::has_keyword(&current, &mine) => {
                return Err(HandlingError::TakenBy(name))
            }
            Handling::Taken(_) => return Ok(current),
            Handling::Open => {}
        }
        let guard = modseq.filter(|_| condstore);
        store_keywords(session, uid, '+', std::slice::from_ref(&mine), guard).await?;
        let (after, _) = read(session, uid, condstore).await?;
        match keywords::winning_take(&after) {
            Some(winner) if keywords::same_keyword(winner, &mine) => {
                // Another take that slipped in loses by the scheme's order, on every
                // workstation; its writer removes it when its own read shows it lost.
                return Ok(after);
            }
            Some(_) => {
                store_keywords(session, uid, '-', std::slice::from_ref(&mine), None).await?;
                let (settled, _) = read(session, uid, condstore).await?;
                return match keywords::handling(&settled) {
                    Handling::Taken(name) => Err(HandlingError::TakenBy(name)),
                    Handling::Done(name) => Err(HandlingError::DoneBy(name)),
                    Handling::Open => Ok(settled),
                };
            }
            None => continue,
        }
    }
    Err(HandlingError::Imap(
        "the message kept changing while it was being taken".into(),
    ))
}

async fn release(
    session: &mut ImapSession,
    uid: u32,
    condstore: bool,
) -> Result<Vec<String>, HandlingError> {
    let (current, _) = read(session, uid, condstore).await?;
    let marks: Vec<String> = current
        .iter()
        .filter(|k| keywords::is_taken(k) || keywords::is_done(k))
        .cloned()
        .collect();
    store_keywords(session, uid, '-', &marks, None).await?;
    Ok(read(session, uid, condstore).await?.0)
}

async fn done(
    session: &mut ImapSession,
    uid: u32,
    person: &str,
    condstore: bool,
) -> Result<Vec<String>, HandlingError> {
    let (current, _) = read(session, uid, condstore).await?;
    if let Handling::Done(name) = keywords::handling(&current) {
        return Err(HandlingError::DoneBy(name));
    }
    store_keywords(session, uid, '+', &[keywords::done_keyword(person)], None).await?;
    let takes: Vec<String> = current
        .iter()
        .filter(|k| keywords::is_taken(k))
        .cloned()
        .collect();
    store_keywords(session, uid, '-', &takes, None).await?;
    Ok(read(session, uid, condstore).await?.0)
}

/// Caches what the server now says, and traces the action with the person acting (ECO.4.1).
fn finish(
    store: &mut Store,
    account: &Account,
    folder: &Folder,
    uid: u32,
    person: &str,
    request: &str,
    result: Result<Vec<String>, HandlingError>,
) -> Result<Vec<String>, HandlingError> {
    let answer = match &result {
        Ok(_) => "OK".to_owned(),
        Err(HandlingError::TakenBy(_)) => "taken by another person".to_owned(),
        Err(HandlingError::DoneBy(_)) => "handled by another person".to_owned(),
        Err(HandlingError::SharingLimited) => "keywords not kept".to_owned(),
        Err(HandlingError::Gone) => "no such message".to_owned(),
        Err(_) => "failed".to_owned(),
    };
    store.trace_at(
        chrono::Utc::now(),
        person,
        &account.name,
        TraceAction::Handle,
        request,
        &answer,
        result.is_ok(),
    )?;
    let keywords = result?;
    store.update_keywords(folder.id, &[(uid, keywords.clone())])?;
    Ok(keywords)
}
