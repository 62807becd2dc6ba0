//! The local store: one SQLite file per profile (WAL, STRICT tables, forward-only migrations)
//! holding folders, envelopes, flags, raw messages, a full-text index, the outbox and the
//! actions made offline.
//!
//! Every write that belongs together is one transaction, so a crash or a dropped connection
//! leaves the store as it was before the batch or after it, never between.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension, Transaction};

mod arranged;
mod documents;
mod drafts;
mod journal;
mod keywords;
mod offline;
mod outbox;
mod raw_bytes;
mod reads;
mod schema;
mod search;
pub use arranged::{
    DocumentChoices, DocumentLabel, ListArrangement, ListOrder, PatientChoice, TypeChoice,
};
pub use documents::StoredDocument;
pub use drafts::StoredDraft;
pub use journal::{workstation_user, PatientKind, TraceAction, TraceEntry};
pub use keywords::{SharedState, StoredExchange};
pub use offline::{BodyToCopy, CopiedBody, OfflineProgress, PackedRaw, ReadyBody};
use outbox::queue_action;
pub use reads::{open_profile_store, read_apart, KnownCorrespondent};
use schema::{migrate, restrict_permissions};
pub use search::{Found, SearchFilter};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the local mail store cannot be opened at {path}: {source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
    #[error("the local mail store was written by a newer Pli (schema {found}, this one knows {known}); update Pli")]
    TooNew { found: i64, known: i64 },
    #[error("the local mail store failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("there is no folder '{0}' in the local store")]
    UnknownFolder(String),
    /// A read on a connection of its own stopped before its end (see [`read_apart`]).
    #[error("a read of the local mail store stopped before its end: {0}")]
    Interrupted(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// IMAP system flags as a bit set; keywords are kept beside them (`Envelope::keywords`,
/// `store::keywords`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Flags(pub u8);

impl Flags {
    pub const SEEN: u8 = 1;
    pub const ANSWERED: u8 = 2;
    pub const FLAGGED: u8 = 4;
    pub const DELETED: u8 = 8;
    pub const DRAFT: u8 = 16;

    pub fn has(self, flag: u8) -> bool {
        self.0 & flag != 0
    }

    pub fn with(self, flag: u8, on: bool) -> Self {
        if on {
            Flags(self.0 | flag)
        } else {
            Flags(self.0 & !flag)
        }
    }
}

/// The special use of a folder (RFC 6154).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Inbox,
    Sent,
    Drafts,
    Trash,
    Junk,
    Archive,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Inbox => "inbox",
            Role::Sent => "sent",
            Role::Drafts => "drafts",
            Role::Trash => "trash",
            Role::Junk => "junk",
            Role::Archive => "archive",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "inbox" => Role::Inbox,
            "sent" => Role::Sent,
            "drafts" => Role::Drafts,
            "trash" => Role::Trash,
            "junk" => Role::Junk,
            "archive" => Role::Archive,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folder {
    pub id: i64,
    pub account: String,
    pub name: String,
    pub role: Option<Role>,
    pub uidvalidity: Option<u32>,
    pub uidnext: Option<u32>,
    pub highestmodseq: Option<u64>,
}

/// What the list shows of a message, and what sync writes.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Envelope {
    pub uid: u32,
    pub modseq: Option<u64>,
    pub flags: Flags,
    /// Seconds since 1970 (the Date header, or the arrival time when it is missing).
    pub date: i64,
    pub size: u32,
    pub subject: String,
    pub from_name: String,
    pub from_address: String,
    /// Display form of To and Cc, for the list and the search index.
    pub recipients: String,
    pub message_id: Option<String>,
    pub in_reply_to: Option<String>,
    pub references: Option<String>,
    pub has_attachment: bool,
    /// The IMAP keywords (`$MDNSent`, `$PliTaken_…`, other clients' tags) as sync read them
    /// from the server. Written with the envelope; the list's reads leave it empty and
    /// `Store::keywords` reads it (see `mail::keywords`).
    #[serde(skip)]
    pub keywords: Vec<String>,
    /// The message carries `X-MSS-MES: FIN` (ECO.2.2.8): read on the box's own messages to
    /// rebuild patient conversations from the server (`mail::patients`).
    #[serde(skip)]
    pub closes_conversation: bool,
}

/// A message to send, as the outbox keeps it until the server has it and Sent has a copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub id: i64,
    pub account: String,
    pub message_id: String,
    pub raw: Vec<u8>,
    pub mail_from: String,
    pub recipients: Vec<String>,
    pub delivery_notification: bool,
    pub state: OutboxState,
    pub attempts: u32,
    pub last_error: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxState {
    /// Not yet accepted by the submission server.
    Queued,
    /// Accepted by the server; the copy in Sent is still to be made. Never sent again.
    Accepted,
    Done,
}

impl OutboxState {
    fn as_str(self) -> &'static str {
        match self {
            OutboxState::Queued => "queued",
            OutboxState::Accepted => "accepted",
            OutboxState::Done => "done",
        }
    }

    fn parse(text: &str) -> Self {
        match text {
            "accepted" => OutboxState::Accepted,
            "done" => OutboxState::Done,
            _ => OutboxState::Queued,
        }
    }
}

/// An action taken while offline (or before the server heard of it), replayed in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingAction {
    pub id: i64,
    pub account: String,
    pub folder: String,
    pub uid: u32,
    pub kind: ActionKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionKind {
    SetFlag {
        flag: u8,
        on: bool,
    },
    Move {
        to: String,
    },
    /// Bring the server's Drafts folder in line with the local draft `id` (see `mail::drafts`).
    Draft {
        id: i64,
    },
    /// Add or remove an IMAP keyword (`$MDNSent` once a read receipt is queued).
    Keyword {
        keyword: String,
        on: bool,
    },
}

pub struct Store {
    connection: Connection,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").finish_non_exhaustive()
    }
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

impl Store {
    /// Opens (and creates or migrates) the store. The file is private to the user: it holds
    /// health data.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(folder) = path.parent() {
            crate::profile::create_private_dir(folder).map_err(|error| StoreError::Open {
                path: path.display().to_string(),
                source: rusqlite::Error::InvalidPath(error.to_string().into()),
            })?;
        }
        let connection = Connection::open(path).map_err(|source| StoreError::Open {
            path: path.display().to_string(),
            source,
        })?;
        restrict_permissions(path);
        Self::prepare(connection)
    }

    /// A store that lives in memory only, for tests (the demo keeps its own in a temporary profile).
    #[cfg(any(test, feature = "testing"))]
    pub fn in_memory() -> Result<Self> {
        Self::prepare(Connection::open_in_memory()?)
    }

    fn prepare(mut connection: Connection) -> Result<Self> {
        connection.pragma_update(None, "journal_mode", "WAL")?;
        // WAL + NORMAL: a power cut may lose the last transaction, never corrupt the file.
        connection.pragma_update(None, "synchronous", "NORMAL")?;
        connection.pragma_update(None, "foreign_keys", "ON")?;
        connection.busy_timeout(std::time::Duration::from_secs(10))?;
        // Every transaction here writes. Begun deferred, one that reads first and then writes
        // fails at once (SQLITE_BUSY_SNAPSHOT, no wait) when another handle committed in
        // between: the worker's offline copy writes on a handle of its own while the session
        // syncs what IDLE announced. Immediate, it waits for the write lock from its start,
        // within the busy timeout.
        connection.set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
        migrate(&mut connection)?;
        Ok(Self { connection })
    }

    // ----- folders -----

    /// Records a folder seen on the server (its role may change; its sync state stays).
    pub fn upsert_folder(&self, account: &str, name: &str, role: Option<Role>) -> Result<Folder> {
        self.connection.execute(
            "INSERT INTO folder (account, name, role) VALUES (?1, ?2, ?3)
             ON CONFLICT (account, name) DO UPDATE SET role = excluded.role",
            params![account, name, role.map(Role::as_str)],
        )?;
        self.folder(account, name)?
            .ok_or_else(|| StoreError::UnknownFolder(name.to_string()))
    }

    pub fn folder(&self, account: &str, name: &str) -> Result<Option<Folder>> {
        Ok(self
            .connection
            .query_row(
                "SELECT id, account, name, role, uidvalidity, uidnext, highestmodseq
                 FROM folder WHERE account = ?1 AND name = ?2",
                params![account, name],
                folder_from_row,
            )
            .optional()?)
    }

    pub fn folders(&self, account: &str) -> Result<Vec<Folder>> {
        let mut statement = self.connection.prepare_cached(
            "SELECT id, account, name, role, uidvalidity, uidnext, highestmodseq
             FROM folder WHERE account = ?1
             ORDER BY CASE role WHEN 'inbox' THEN 0 WHEN 'drafts' THEN 1 WHEN 'sent' THEN 2
                      WHEN 'archive' THEN 3 WHEN 'junk' THEN 4 WHEN 'trash' THEN 5 ELSE 6 END, name",
        )?;
        let folders = statement
            .query_map(params![account], folder_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(folders)
    }

    pub fn folder_with_role(&self, account: &str, role: Role) -> Result<Option<Folder>> {
        Ok(self
            .folders(account)?
            .into_iter()
            .find(|folder| folder.role == Some(role)))
    }

    /// Folders that disappeared from the server go, with their messages.
    pub fn remove_folders_except(&self, account: &str, keep: &[String]) -> Result<()> {
        for folder in self.folders(account)? {
            if !keep.contains(&folder.name) {
                self.connection
                    .execute("DELETE FROM folder WHERE id = ?1", params![folder.id])?;
            }
        }
        Ok(())
    }

    /// A new UIDVALIDITY means every UID we hold is meaningless: forget the messages of the
    /// folder (they will be fetched again) and start over.
    pub fn reset_folder(&mut self, folder: i64, uidvalidity: u32) -> Result<()> {
        let transaction = self.connection.transaction()?;
        delete_text_of_folder(&transaction, folder)?;
        transaction.execute("DELETE FROM message WHERE folder_id = ?1", params![folder])?;
        transaction.execute(
            "UPDATE folder SET uidvalidity = ?2, uidnext = NULL, highestmodseq = NULL WHERE id = ?1",
            params![folder, uidvalidity],
        )?;
        transaction.commit()?;
        Ok(())
    }

    pub fn set_sync_state(
        &self,
        folder: i64,
        uidnext: Option<u32>,
        highestmodseq: Option<u64>,
    ) -> Result<()> {
        self.connection.execute(
            "UPDATE folder SET uidnext = ?2, highestmodseq = ?3 WHERE id = ?1",
            params![folder, uidnext, highestmodseq.map(|m| m as i64)],
        )?;
        Ok(())
    }

    // ----- messages -----

    /// Stores a batch of envelopes in one transaction; a UID already known is updated, so a
    /// batch fetched twice after a dropped connection changes nothing.
    pub fn insert_envelopes(&mut self, folder: i64, envelopes: &[Envelope]) -> Result<usize> {
        let transaction = self.connection.transaction()?;
        // Rows created by this batch get ids above the largest one before it: the search index
        // takes them all in one statement, which costs far less than one insert per message.
        let before: i64 =
            transaction.query_row("SELECT coalesce(max(id), 0) FROM message", [], |row| {
                row.get(0)
            })?;
        {
            let mut insert = transaction.prepare_cached(
                "INSERT INTO message (folder_id, uid, modseq, flags, date, size, subject, from_name,
                    from_address, recipients, message_id, in_reply_to, refs, has_attachment,
                    keywords, closes_conversation)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
                 ON CONFLICT (folder_id, uid) DO UPDATE SET flags = excluded.flags, modseq = excluded.modseq,
                    keywords = excluded.keywords",
            )?;
            for envelope in envelopes {
                insert.execute(params![
                    folder,
                    envelope.uid,
                    envelope.modseq.map(|m| m as i64),
                    envelope.flags.0,
                    envelope.date,
                    envelope.size,
                    envelope.subject,
                    envelope.from_name,
                    envelope.from_address,
                    envelope.recipients,
                    envelope.message_id,
                    envelope.in_reply_to,
                    envelope.references,
                    envelope.has_attachment,
                    crate::mail::keywords::join(&envelope.keywords),
                    envelope.closes_conversation,
                ])?;
            }
        }
        let inserted = transaction.execute(
            "INSERT INTO message_text (rowid, subject, correspondents, body)
             SELECT id, subject, from_name || ' ' || from_address || ' ' || recipients, ''
             FROM message WHERE id > ?1",
            params![before],
        )?;
        transaction.commit()?;
        Ok(inserted)
    }

    /// Keeps the raw message and indexes its text (subject, correspondents, body).
    pub fn set_raw(&mut self, folder: i64, uid: u32, raw: &[u8], body_text: &str) -> Result<()> {
        self.connection.execute(
            "UPDATE message SET raw = ?3, raw_packing = ?4 WHERE folder_id = ?1 AND uid = ?2",
            params![folder, uid, raw, raw_bytes::AS_RECEIVED],
        )?;
        self.index_text(folder, uid, body_text)
    }

    /// Makes room for a raw message of `size` bytes that arrives in pieces, so a large message
    /// never has to be held whole in memory: write each piece with `write_raw_piece`, then
    /// `index_raw` when it is complete.
    pub fn reserve_raw(&self, folder: i64, uid: u32, size: usize) -> Result<()> {
        self.connection.execute(
            "UPDATE message SET raw = zeroblob(?3), raw_packing = ?4 WHERE folder_id = ?1 AND uid = ?2",
            params![folder, uid, size as i64, raw_bytes::AS_RECEIVED],
        )?;
        Ok(())
    }

    /// Writes one piece of a reserved raw message at its offset.
    pub fn write_raw_piece(
        &self,
        folder: i64,
        uid: u32,
        offset: usize,
        piece: &[u8],
    ) -> Result<()> {
        let id: i64 = self.connection.query_row(
            "SELECT id FROM message WHERE folder_id = ?1 AND uid = ?2",
            params![folder, uid],
            |row| row.get(0),
        )?;
        let mut blob = self
            .connection
            .blob_open(rusqlite::MAIN_DB, "message", "raw", id, false)?;
        blob.write_at(piece, offset)?;
        Ok(())
    }

    /// Shrinks a reserved raw message to what really arrived (the server's announced size may
    /// differ by a few bytes from the bytes it sends).
    pub fn truncate_raw(&self, folder: i64, uid: u32, size: usize) -> Result<()> {
        self.connection.execute(
            "UPDATE message SET raw = substr(raw, 1, ?3) WHERE folder_id = ?1 AND uid = ?2",
            params![folder, uid, size as i64],
        )?;
        Ok(())
    }

    /// Indexes the text of a message whose raw bytes are stored.
    pub fn index_text(&mut self, folder: i64, uid: u32, body_text: &str) -> Result<()> {
        let transaction = self.connection.transaction()?;
        let row: Option<(i64, String, String, String, String)> = transaction
            .query_row(
                "SELECT id, subject, from_name, from_address, recipients FROM message WHERE folder_id = ?1 AND uid = ?2",
                params![folder, uid],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?)),
            )
            .optional()?;
        if let Some((id, subject, from_name, from_address, recipients)) = row {
            // Whatever rows the message had go (a store from before the body had a row of its
            // own holds the body in the envelope's row); the body's row takes their place.
            delete_index_rows(&transaction, "id = ?1", params![id])?;
            transaction.execute(
                "INSERT INTO message_text (rowid, subject, correspondents, body)
                 VALUES (?1 + ?2, ?3, ?4, ?5)",
                params![
                    id,
                    BODY_ROWS,
                    subject,
                    format!("{from_name} {from_address} {recipients}"),
                    body_text
                ],
            )?;
        }
        transaction.commit()?;
        Ok(())
    }

    pub fn raw(&self, folder: i64, uid: u32) -> Result<Option<Vec<u8>>> {
        Ok(self
            .connection
            .query_row(
                "SELECT raw, raw_packing FROM message WHERE folder_id = ?1 AND uid = ?2",
                params![folder, uid],
                |row| raw_bytes::read(row, 0),
            )
            .optional()?
            .flatten())
    }

    pub fn uids(&self, folder: i64) -> Result<Vec<u32>> {
        let mut statement = self
            .connection
            .prepare_cached("SELECT uid FROM message WHERE folder_id = ?1 ORDER BY uid")?;
        let uids = statement
            .query_map(params![folder], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(uids)
    }

    /// Applies flags read from the server, in one transaction.
    pub fn update_flags(
        &mut self,
        folder: i64,
        changes: &[(u32, Flags, Option<u64>)],
    ) -> Result<()> {
        let transaction = self.connection.transaction()?;
        {
            let mut update = transaction.prepare_cached(
                "UPDATE message SET flags = ?3, modseq = coalesce(?4, modseq) WHERE folder_id = ?1 AND uid = ?2",
            )?;
            for (uid, flags, modseq) in changes {
                update.execute(params![folder, uid, flags.0, modseq.map(|m| m as i64)])?;
            }
        }
        transaction.commit()?;
        Ok(())
    }

    /// Forgets messages that are gone from the server.
    pub fn remove_uids(&mut self, folder: i64, uids: &[u32]) -> Result<()> {
        let transaction = self.connection.transaction()?;
        // The UIDs go to a temporary table so that the search index loses its rows in one
        // statement: FTS5 flushes once per statement, and a row at a time costs far more.
        transaction.execute(
            "CREATE TEMP TABLE IF NOT EXISTS gone_uid (uid INTEGER PRIMARY KEY) STRICT",
            [],
        )?;
        transaction.execute("DELETE FROM gone_uid", [])?;
        {
            let mut remember =
                transaction.prepare_cached("INSERT OR IGNORE INTO gone_uid (uid) VALUES (?1)")?;
            for uid in uids {
                remember.execute(params![uid])?;
            }
        }
        delete_index_rows(
            &transaction,
            "folder_id = ?1 AND uid IN (SELECT uid FROM gone_uid)",
            params![folder],
        )?;
        transaction.execute(
            "DELETE FROM message WHERE folder_id = ?1 AND uid IN (SELECT uid FROM gone_uid)",
            params![folder],
        )?;
        transaction.execute("DELETE FROM gone_uid", [])?;
        transaction.commit()?;
        Ok(())
    }

    pub fn count(&self, folder: i64) -> Result<usize> {
        let count: i64 = self.connection.query_row(
            "SELECT count(*) FROM message WHERE folder_id = ?1",
            params![folder],
            |row| row.get(0),
        )?;
        Ok(count as usize)
    }

    pub fn unread_count(&self, folder: i64) -> Result<usize> {
        let count: i64 = self.connection.query_row(
            "SELECT count(*) FROM message WHERE folder_id = ?1 AND flags & 1 = 0",
            params![folder],
            |row| row.get(0),
        )?;
        Ok(count as usize)
    }

    /// A window of the list, newest first: what the screen draws, never the whole folder.
    pub fn page(&self, folder: i64, offset: usize, limit: usize) -> Result<Vec<Envelope>> {
        let mut statement = self.connection.prepare_cached(
            "SELECT uid, modseq, flags, date, size, subject, from_name, from_address, recipients,
                    message_id, in_reply_to, refs, has_attachment
             FROM message WHERE folder_id = ?1 ORDER BY date DESC, uid DESC LIMIT ?2 OFFSET ?3",
        )?;
        let rows = statement
            .query_map(
                params![folder, limit as i64, offset as i64],
                envelope_from_row,
            )?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    pub fn envelope(&self, folder: i64, uid: u32) -> Result<Option<Envelope>> {
        Ok(self
            .connection
            .query_row(
                "SELECT uid, modseq, flags, date, size, subject, from_name, from_address, recipients,
                        message_id, in_reply_to, refs, has_attachment
                 FROM message WHERE folder_id = ?1 AND uid = ?2",
                params![folder, uid],
                envelope_from_row,
            )
            .optional()?)
    }

    /// Sets a flag locally at once and queues it for the server.
    pub fn set_flag(
        &mut self,
        account: &str,
        folder: &Folder,
        uid: u32,
        flag: u8,
        on: bool,
    ) -> Result<()> {
        let transaction = self.connection.transaction()?;
        let sql = if on {
            "UPDATE message SET flags = flags | ?3 WHERE folder_id = ?1 AND uid = ?2"
        } else {
            "UPDATE message SET flags = flags & ~?3 WHERE folder_id = ?1 AND uid = ?2"
        };
        transaction.execute(sql, params![folder.id, uid, flag])?;
        queue_action(
            &transaction,
            account,
            &folder.name,
            uid,
            &ActionKind::SetFlag { flag, on },
        )?;
        transaction.commit()?;
        Ok(())
    }

    /// Moves a message locally at once (it leaves the list) and queues the move for the server.
    pub fn move_message(
        &mut self,
        account: &str,
        folder: &Folder,
        uid: u32,
        to: &str,
    ) -> Result<()> {
        let transaction = self.connection.transaction()?;
        if let Some(id) = transaction
            .query_row(
                "SELECT id FROM message WHERE folder_id = ?1 AND uid = ?2",
                params![folder.id, uid],
                |row| row.get::<_, i64>(0),
            )
            .optional()?
        {
            delete_index_rows(&transaction, "id = ?1", params![id])?;
            transaction.execute("DELETE FROM message WHERE id = ?1", params![id])?;
        }
        queue_action(
            &transaction,
            account,
            &folder.name,
            uid,
            &ActionKind::Move { to: to.to_string() },
        )?;
        transaction.commit()?;
        Ok(())
    }
}

fn delete_text_of_folder(transaction: &Transaction<'_>, folder: i64) -> Result<()> {
    delete_index_rows(transaction, "folder_id = ?1", params![folder])
}

/// Where a message's body has its row in the index: its id plus this. The envelope's row is the
/// id itself, and stays until the body's is written, or until the end of the bulk pass that
/// wrote it (`envelope_row_to_forget`, [`Store::begin_bulk_index`]). Above every id, so that the
/// index's order is the messages' in both ranges, and a search gathers its matches in order.
const BODY_ROWS: i64 = 1 << 40;

/// Removes from the index the rows of the messages that `message_filter` (SQL over `message`)
/// selects: the envelope's and the body's ([`BODY_ROWS`]), in one statement, since FTS5 flushes
/// once per statement; and with them any envelope's row a bulk pass had left to forget, which a
/// row written again after this must not lose.
fn delete_index_rows(
    transaction: &Transaction<'_>,
    message_filter: &str,
    params: &[&dyn rusqlite::ToSql],
) -> Result<()> {
    transaction.execute(
        &format!(
            "DELETE FROM message_text WHERE rowid IN
                 (SELECT id FROM message WHERE {message_filter}
                  UNION ALL
                  SELECT id + {BODY_ROWS} FROM message WHERE {message_filter} AND raw IS NOT NULL)"
        ),
        params,
    )?;
    transaction.execute(
        &format!(
            "DELETE FROM envelope_row_to_forget WHERE id IN (SELECT id FROM message WHERE {message_filter})"
        ),
        params,
    )?;
    Ok(())
}

/// Turns what the user typed into an FTS5 expression: each word a quoted prefix, all required.
/// Quoting makes FTS syntax characters in the input plain text.
fn fts_expression(query: &str) -> Option<String> {
    let terms: Vec<String> = query
        .split(|c: char| !c.is_alphanumeric() && c != '@' && c != '.' && c != '-' && c != '_')
        .filter(|word| !word.is_empty())
        .map(|word| format!("\"{}\"*", word.replace('"', "")))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

fn folder_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Folder> {
    let role: Option<String> = row.get(3)?;
    Ok(Folder {
        id: row.get(0)?,
        account: row.get(1)?,
        name: row.get(2)?,
        role: role.as_deref().and_then(Role::parse),
        uidvalidity: row.get(4)?,
        uidnext: row.get(5)?,
        highestmodseq: row.get::<_, Option<i64>>(6)?.map(|m| m as u64),
    })
}

fn envelope_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Envelope> {
    envelope_from_row_at(row, 0)
}

pub(crate) fn envelope_from_row_at(
    row: &rusqlite::Row<'_>,
    first: usize,
) -> rusqlite::Result<Envelope> {
    let at = |offset: usize| first + offset;
    Ok(Envelope {
        uid: row.get(at(0))?,
        modseq: row.get::<_, Option<i64>>(at(1))?.map(|m| m as u64),
        flags: Flags(row.get(at(2))?),
        date: row.get(at(3))?,
        size: row.get(at(4))?,
        subject: row.get(at(5))?,
        from_name: row.get(at(6))?,
        from_address: row.get(at(7))?,
        recipients: row.get(at(8))?,
        message_id: row.get(at(9))?,
        in_reply_to: row.get(at(10))?,
        references: row.get(at(11))?,
        has_attachment: row.get(at(12))?,
        ..Envelope::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(uid: u32, subject: &str, from: &str, date: i64) -> Envelope {
        Envelope {
            uid,
            date,
            size: 1000,
            subject: subject.into(),
            from_name: from.into(),
            from_address: "dr.martin@ch-test.mssante.fr".into(),
            ..Envelope::default()
        }
    }

    #[test]
    fn a_transaction_that_reads_then_writes_waits_for_another_handles_write_instead_of_failing() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("pli.sqlite");
        let mut store = Store::open(&path).unwrap();
        let transaction = store.connection.transaction().unwrap();
        // As `insert_envelopes` and `store_ready_bodies` begin: a read, then the writes.
        let before: i64 = transaction
            .query_row("SELECT count(*) FROM folder", [], |row| row.get(0))
            .unwrap();
        let other = {
            let path = path.clone();
            std::thread::spawn(move || {
                Store::open(&path)?.upsert_folder("cabinet", "Archives", None)?;
                Ok::<_, StoreError>(())
            })
        };
        // The other handle's write comes meanwhile (begun deferred, this transaction would then
        // fail at its first write) or waits for this one's commit.
        std::thread::sleep(std::time::Duration::from_millis(300));
        transaction
            .execute(
                "INSERT INTO folder (account, name) VALUES ('cabinet', 'INBOX')",
                [],
            )
            .expect("the write after the read");
        transaction.commit().unwrap();
        other
            .join()
            .unwrap()
            .expect("the other handle's write, once this one committed");
        assert_eq!(before, 0);
        assert_eq!(store.folders("cabinet").unwrap().len(), 2);
    }

    #[test]
    fn envelopes_are_listed_newest_first_and_a_batch_twice_is_one() {
        let mut store = Store::in_memory().unwrap();
        let inbox = store
            .upsert_folder("cabinet", "INBOX", Some(Role::Inbox))
            .unwrap();
        let batch = [
            envelope(1, "Résultats", "Dr Noël", 100),
            envelope(2, "Compte rendu", "Hélène", 200),
        ];
        assert_eq!(store.insert_envelopes(inbox.id, &batch).unwrap(), 2);
        assert_eq!(store.insert_envelopes(inbox.id, &batch).unwrap(), 0);
        let page = store.page(inbox.id, 0, 10).unwrap();
        assert_eq!(page.iter().map(|e| e.uid).collect::<Vec<_>>(), [2, 1]);
        assert_eq!(store.count(inbox.id).unwrap(), 2);
    }

    #[test]
    fn search_ignores_accents_and_case_and_finds_prefixes() {
        let mut store = Store::in_memory().unwrap();
        let inbox = store
            .upsert_folder("cabinet", "INBOX", Some(Role::Inbox))
            .unwrap();
        store
            .insert_envelopes(
                inbox.id,
                &[envelope(1, "Résultats d'analyses", "Hélène Noël", 100)],
            )
            .unwrap();
        store
            .insert_envelopes(inbox.id, &[envelope(2, "Planning", "Benoît", 200)])
            .unwrap();
        let found = store.matches_in("cabinet", "resultat helene", 10);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].envelope.uid, 1);
        store
            .set_raw(inbox.id, 2, b"raw", "la glycémie est normale")
            .unwrap();
        assert_eq!(
            store.matches_in("cabinet", "GLYCEMIE", 10)[0].envelope.uid,
            2
        );
        assert!(
            store.matches_in("cabinet", "\"* OR", 10).is_empty(),
            "FTS syntax is plain text"
        );
        assert!(
            store.matches_in("ehpad", "planning", 10).is_empty(),
            "another box is not searched"
        );
    }

    #[test]
    fn a_new_uidvalidity_forgets_the_folder() {
        let mut store = Store::in_memory().unwrap();
        let inbox = store
            .upsert_folder("cabinet", "INBOX", Some(Role::Inbox))
            .unwrap();
        store
            .insert_envelopes(inbox.id, &[envelope(1, "a", "b", 1)])
            .unwrap();
        store.reset_folder(inbox.id, 42).unwrap();
        assert_eq!(store.count(inbox.id).unwrap(), 0);
        assert_eq!(
            store
                .folder("cabinet", "INBOX")
                .unwrap()
                .unwrap()
                .uidvalidity,
            Some(42)
        );
        assert!(store.matches_in("cabinet", "a", 10).is_empty());
    }

    #[test]
    fn offline_actions_apply_at_once_and_queue_in_order() {
        let mut store = Store::in_memory().unwrap();
        let inbox = store
            .upsert_folder("cabinet", "INBOX", Some(Role::Inbox))
            .unwrap();
        store
            .insert_envelopes(
                inbox.id,
                &[envelope(1, "a", "b", 1), envelope(2, "c", "d", 2)],
            )
            .unwrap();
        store
            .set_flag("cabinet", &inbox, 1, Flags::SEEN, true)
            .unwrap();
        store.move_message("cabinet", &inbox, 2, "Trash").unwrap();
        assert!(store
            .envelope(inbox.id, 1)
            .unwrap()
            .unwrap()
            .flags
            .has(Flags::SEEN));
        assert!(store.envelope(inbox.id, 2).unwrap().is_none());
        let actions = store.pending_actions("cabinet").unwrap();
        assert_eq!(actions.len(), 2);
        assert_eq!(
            actions[0].kind,
            ActionKind::SetFlag {
                flag: Flags::SEEN,
                on: true
            }
        );
        assert_eq!(actions[1].kind, ActionKind::Move { to: "Trash".into() });
        store.action_done(actions[0].id).unwrap();
        assert_eq!(store.pending_actions("cabinet").unwrap().len(), 1);
    }

    #[test]
    fn a_large_message_is_stored_piece_by_piece() {
        let mut store = Store::in_memory().unwrap();
        let inbox = store
            .upsert_folder("cabinet", "INBOX", Some(Role::Inbox))
            .unwrap();
        store
            .insert_envelopes(inbox.id, &[envelope(1, "Scanner", "Dr Noël", 1)])
            .unwrap();
        let original: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
        store.reserve_raw(inbox.id, 1, original.len() + 10).unwrap();
        for (index, piece) in original.chunks(1 << 20).enumerate() {
            store
                .write_raw_piece(inbox.id, 1, index << 20, piece)
                .unwrap();
        }
        store.truncate_raw(inbox.id, 1, original.len()).unwrap();
        store
            .index_text(inbox.id, 1, "compte rendu du scanner thoracique")
            .unwrap();
        assert_eq!(store.raw(inbox.id, 1).unwrap().unwrap(), original);
        assert_eq!(store.matches_in("cabinet", "thoracique", 5).len(), 1);
    }

    #[test]
    fn the_outbox_keeps_one_copy_per_message_id() {
        let store = Store::in_memory().unwrap();
        let first = store
            .enqueue(
                "cabinet",
                "<a@pli>",
                b"raw",
                "a@b.fr",
                &["c@d.fr".into()],
                true,
            )
            .unwrap();
        let again = store
            .enqueue(
                "cabinet",
                "<a@pli>",
                b"raw",
                "a@b.fr",
                &["c@d.fr".into()],
                true,
            )
            .unwrap();
        assert_eq!(first, again);
        store
            .set_outbox_state(first, OutboxState::Accepted)
            .unwrap();
        let outbox = store.outbox("cabinet").unwrap();
        assert_eq!(outbox.len(), 1);
        assert_eq!(outbox[0].state, OutboxState::Accepted);
        assert_eq!(outbox[0].recipients, ["c@d.fr"]);
        store.set_outbox_state(first, OutboxState::Done).unwrap();
        assert!(store.outbox("cabinet").unwrap().is_empty());
    }

    #[test]
    fn only_one_sender_claims_a_queued_message() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("pli.sqlite");
        let window = Store::open(&path).unwrap();
        let worker = Store::open(&path).unwrap();
        let id = window
            .enqueue(
                "cabinet",
                "<c@pli>",
                b"raw",
                "a@b.fr",
                &["c@d.fr".into()],
                false,
            )
            .unwrap();
        let lease = std::time::Duration::from_secs(300);
        assert!(window.claim(id, lease).unwrap());
        assert!(!worker.claim(id, lease).unwrap(), "already claimed");
        window.release(id).unwrap();
        assert!(worker.claim(id, lease).unwrap());
        worker.set_outbox_state(id, OutboxState::Accepted).unwrap();
        worker.release(id).unwrap();
        assert!(
            !window.claim(id, lease).unwrap(),
            "an accepted message is never claimed again"
        );
    }

    #[test]
    fn the_store_survives_reopening_and_refuses_a_newer_schema() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("pli.sqlite");
        {
            let mut store = Store::open(&path).unwrap();
            let inbox = store
                .upsert_folder("cabinet", "INBOX", Some(Role::Inbox))
                .unwrap();
            store
                .insert_envelopes(inbox.id, &[envelope(1, "a", "b", 1)])
                .unwrap();
        }
        let store = Store::open(&path).unwrap();
        let inbox = store.folder("cabinet", "INBOX").unwrap().unwrap();
        assert_eq!(store.count(inbox.id).unwrap(), 1);
        drop(store);
        let connection = Connection::open(&path).unwrap();
        connection.pragma_update(None, "user_version", 99).unwrap();
        drop(connection);
        assert!(matches!(Store::open(&path), Err(StoreError::TooNew { .. })));
    }

    #[cfg(unix)]
    #[test]
    fn the_store_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("pli.sqlite");
        let _store = Store::open(&path).unwrap();
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
}
