//! The store's schema: the forward-only migrations and the file's permissions.

use std::path::Path;

use rusqlite::Connection;

use super::{Result, StoreError};

/// Forward-only migrations: index = the schema version it leads to, minus one. Never edit a
/// released entry; append a new one.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE folder (
    id INTEGER PRIMARY KEY,
    account TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT,
    uidvalidity INTEGER,
    uidnext INTEGER,
    highestmodseq INTEGER,
    UNIQUE (account, name)
) STRICT;

CREATE TABLE message (
    id INTEGER PRIMARY KEY,
    folder_id INTEGER NOT NULL REFERENCES folder(id) ON DELETE CASCADE,
    uid INTEGER NOT NULL,
    modseq INTEGER,
    flags INTEGER NOT NULL DEFAULT 0,
    date INTEGER NOT NULL,
    size INTEGER NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    from_name TEXT NOT NULL DEFAULT '',
    from_address TEXT NOT NULL DEFAULT '',
    recipients TEXT NOT NULL DEFAULT '',
    message_id TEXT,
    in_reply_to TEXT,
    refs TEXT,
    has_attachment INTEGER NOT NULL DEFAULT 0,
    raw BLOB,
    UNIQUE (folder_id, uid)
) STRICT;
CREATE INDEX message_newest_first ON message (folder_id, date DESC, uid DESC);
CREATE INDEX message_by_message_id ON message (message_id);

CREATE VIRTUAL TABLE message_text USING fts5(
    subject, correspondents, body,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    account TEXT NOT NULL,
    message_id TEXT NOT NULL UNIQUE,
    raw BLOB NOT NULL,
    mail_from TEXT NOT NULL,
    recipients TEXT NOT NULL,
    delivery_notification INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL CHECK (state IN ('queued', 'accepted', 'done')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created INTEGER NOT NULL
) STRICT;

CREATE TABLE pending_action (
    id INTEGER PRIMARY KEY,
    account TEXT NOT NULL,
    folder TEXT NOT NULL,
    uid INTEGER NOT NULL,
    kind TEXT NOT NULL,
    target TEXT,
    created INTEGER NOT NULL
) STRICT;
"#,
    r#"
CREATE TABLE trace (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    workstation_user TEXT NOT NULL,
    account TEXT NOT NULL,
    action TEXT NOT NULL,
    request TEXT NOT NULL,
    answer TEXT NOT NULL,
    ok INTEGER NOT NULL
) STRICT;
CREATE INDEX trace_by_time ON trace (at);

CREATE TABLE box_use (
    account TEXT NOT NULL,
    person TEXT NOT NULL,
    last_use INTEGER NOT NULL,
    PRIMARY KEY (account, person)
) STRICT;

CREATE TABLE patient_conversation (
    account TEXT NOT NULL,
    ins TEXT NOT NULL,
    conversation TEXT NOT NULL,
    PRIMARY KEY (account, ins)
) STRICT;

ALTER TABLE message ADD COLUMN patient_kind TEXT;
"#,
    r#"
ALTER TABLE outbox ADD COLUMN claimed_until INTEGER;
"#,
    r#"
CREATE TABLE read_receipt (
    account TEXT NOT NULL,
    original TEXT NOT NULL,
    message_id TEXT NOT NULL,
    sent INTEGER NOT NULL,
    PRIMARY KEY (account, original)
) STRICT;

CREATE TABLE draft (
    id INTEGER PRIMARY KEY,
    account TEXT NOT NULL,
    message_id TEXT NOT NULL,
    raw BLOB NOT NULL,
    saved INTEGER NOT NULL,
    on_server TEXT,
    removed INTEGER NOT NULL DEFAULT 0
) STRICT;
"#,
    // Shared boxes (issue 13): the IMAP keywords of each message, whether a message of the box
    // closed a patient conversation (`X-MSS-MES: FIN`), and whether a folder lets clients
    // create keywords (PERMANENTFLAGS with `\*`). Flags are listed once more so the keywords
    // of messages synced before come in, and Sent is read again for its X-MSS-MES.
    r#"
ALTER TABLE message ADD COLUMN keywords TEXT NOT NULL DEFAULT '';
ALTER TABLE message ADD COLUMN closes_conversation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE folder ADD COLUMN keywords_shared INTEGER;
UPDATE folder SET highestmodseq = NULL;
UPDATE folder SET uidvalidity = NULL WHERE role = 'sent';
"#,
    // The health documents of the stored messages (`store/documents.rs`): read once per
    // message, and the person's filings in a patient's file.
    r#"
ALTER TABLE message ADD COLUMN documents_read INTEGER NOT NULL DEFAULT 0;
CREATE TABLE health_document (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES message(id) ON DELETE CASCADE,
    attachment INTEGER NOT NULL,
    rank INTEGER NOT NULL,
    ins TEXT,
    ins_kind TEXT,
    patient TEXT NOT NULL DEFAULT '',
    birth_date TEXT,
    type_code TEXT,
    type_name TEXT,
    title TEXT,
    written TEXT,
    cda_id TEXT,
    set_id TEXT,
    replaces TEXT,
    UNIQUE (message_id, attachment, rank)
) STRICT;
CREATE INDEX health_document_by_ins ON health_document (ins);
CREATE INDEX health_document_by_cda_id ON health_document (cda_id);
CREATE INDEX health_document_by_replaced ON health_document (replaces);
CREATE INDEX message_documents_pending ON message (date DESC) WHERE documents_read = 0;
CREATE TABLE filed_document (
    cda_id TEXT PRIMARY KEY,
    ins TEXT NOT NULL,
    filed_at INTEGER NOT NULL
) STRICT;
"#,
    // The offline copy (`mail::offline_copy`): what the index could not read in a message (a
    // PDF skipped, with why), and the bodies still to fetch found without reading every row.
    r#"
ALTER TABLE message ADD COLUMN index_note TEXT;
CREATE INDEX message_body_missing ON message (folder_id, date DESC, uid DESC) WHERE raw IS NULL;
-- What a search filters and sorts on, apart from the rows: a row holding a body spreads over
-- many pages, and sorting thousands of matches by date must not read them.
CREATE INDEX message_search_fields ON message (id, folder_id, date, has_attachment);
"#,
    // Search and size at 100,000 messages (issue 15, BENCHMARKS.md). A search walks the
    // messages newest first on a covering index and stops at its limit, instead of sorting
    // every match by date. The bodies the offline copy stores are deflated (`raw_deflated` = 1,
    // read back through `store::raw_bytes`); those kept before, or written in pieces, stay as
    // received (0). The index's segments are merged once: a query reads one segment, not dozens.
    r#"
ALTER TABLE message ADD COLUMN raw_deflated INTEGER NOT NULL DEFAULT 0;
CREATE INDEX message_by_date ON message (date DESC, id, folder_id, has_attachment);
INSERT INTO message_text (message_text) VALUES ('optimize');
"#,
    // A body's row in the index sits beside its envelope's (`store::BODY_ROWS`) instead of
    // replacing it; a bulk pass of the offline copy forgets the envelopes' rows at its end,
    // and lists them here meanwhile, so that a copy cut off still forgets them.
    r#"
CREATE TABLE envelope_row_to_forget (
    id INTEGER PRIMARY KEY REFERENCES message(id) ON DELETE CASCADE
) STRICT;
"#,
    // The offline copy packs bodies with LZ4 (`store::raw_bytes`): the column says how a body
    // is packed, no longer only whether it is deflated. The bodies deflated before stay so.
    r#"
ALTER TABLE message RENAME COLUMN raw_deflated TO raw_packing;
"#,
];

pub(super) fn migrate(connection: &mut Connection) -> Result<()> {
    let version: i64 = connection.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if version > known {
        return Err(StoreError::TooNew {
            found: version,
            known,
        });
    }
    for (index, migration) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let transaction = connection.transaction()?;
        transaction.execute_batch(migration)?;
        transaction.pragma_update(None, "user_version", (index + 1) as i64)?;
        transaction.commit()?;
    }
    Ok(())
}

pub(super) fn restrict_permissions(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for file in [
            path.to_path_buf(),
            path.with_extension("sqlite-wal"),
            path.with_extension("sqlite-shm"),
        ] {
            let _ = std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600));
        }
    }
}
