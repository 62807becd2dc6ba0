//! Drafts kept in the store: the message as it would leave (its bytes, a fresh Message-ID at
//! each save), and the Message-ID of the copy the server's Drafts folder holds. A save or a
//! removal queues one offline action that brings the server in line (see `mail::drafts`).

use rusqlite::{params, OptionalExtension};

use super::{now, queue_action, ActionKind, Result, Store};

/// A draft as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDraft {
    pub id: i64,
    pub account: String,
    /// The Message-ID of the last save.
    pub message_id: String,
    pub raw: Vec<u8>,
    /// The Message-ID of the copy in the server's Drafts folder, when one was appended.
    pub on_server: Option<String>,
    /// Sent or thrown away: the server's copy goes, then the draft.
    pub removed: bool,
}

const COLUMNS: &str = "id, account, message_id, raw, on_server, removed";

fn draft_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<StoredDraft> {
    Ok(StoredDraft {
        id: row.get(0)?,
        account: row.get(1)?,
        message_id: row.get(2)?,
        raw: row.get(3)?,
        on_server: row.get(4)?,
        removed: row.get(5)?,
    })
}

impl Store {
    /// Saves a draft (a new one when `id` is `None`) and queues its copy for the server's
    /// Drafts folder; returns its id. `on_server` names a copy already there (a draft reopened
    /// from the Drafts folder), which a later save replaces.
    pub fn save_draft(
        &self,
        account: &str,
        id: Option<i64>,
        message_id: &str,
        raw: &[u8],
        on_server: Option<&str>,
    ) -> Result<i64> {
        let transaction = self.connection.unchecked_transaction()?;
        let updated = match id {
            Some(id) => transaction.execute(
                "UPDATE draft SET message_id = ?2, raw = ?3, saved = ?4, removed = 0 WHERE id = ?1",
                params![id, message_id, raw, now()],
            )?,
            None => 0,
        };
        let id = match (id, updated) {
            (Some(id), 1) => id,
            _ => {
                transaction.execute(
                    "INSERT INTO draft (account, message_id, raw, saved, on_server) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![account, message_id, raw, now(), on_server],
                )?;
                transaction.last_insert_rowid()
            }
        };
        if on_server != Some(message_id) {
            queue_draft_action(&transaction, account, id)?;
        }
        transaction.commit()?;
        Ok(id)
    }

    /// The draft was sent or thrown away: its copy leaves the server's Drafts folder.
    pub fn remove_draft(&self, id: i64) -> Result<()> {
        let transaction = self.connection.unchecked_transaction()?;
        let account: Option<String> = transaction
            .query_row(
                "UPDATE draft SET removed = 1 WHERE id = ?1 RETURNING account",
                params![id],
                |row| row.get(0),
            )
            .optional()?;
        if let Some(account) = account {
            queue_draft_action(&transaction, &account, id)?;
        }
        transaction.commit()?;
        Ok(())
    }

    pub fn draft(&self, id: i64) -> Result<Option<StoredDraft>> {
        Ok(self
            .connection
            .query_row(
                &format!("SELECT {COLUMNS} FROM draft WHERE id = ?1"),
                params![id],
                draft_from_row,
            )
            .optional()?)
    }

    /// The drafts of a box not removed, newest first.
    pub fn drafts(&self, account: &str) -> Result<Vec<StoredDraft>> {
        let mut statement = self.connection.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM draft WHERE account = ?1 AND removed = 0 ORDER BY saved DESC, id DESC"
        ))?;
        let rows = statement
            .query_map(params![account], draft_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The local draft a message of the Drafts folder is a copy of.
    pub fn draft_by_message_id(
        &self,
        account: &str,
        message_id: &str,
    ) -> Result<Option<StoredDraft>> {
        Ok(self
            .connection
            .query_row(
                &format!(
                    "SELECT {COLUMNS} FROM draft WHERE account = ?1 AND removed = 0
                     AND (message_id = ?2 OR on_server = ?2) ORDER BY id DESC LIMIT 1"
                ),
                params![account, message_id],
                draft_from_row,
            )
            .optional()?)
    }

    /// The server holds the copy `message_id` of the draft.
    pub fn draft_on_server(&self, id: i64, message_id: &str) -> Result<()> {
        self.connection.execute(
            "UPDATE draft SET on_server = ?2 WHERE id = ?1",
            params![id, message_id],
        )?;
        Ok(())
    }

    /// The draft is gone everywhere.
    pub fn forget_draft(&self, id: i64) -> Result<()> {
        self.connection
            .execute("DELETE FROM draft WHERE id = ?1", params![id])?;
        Ok(())
    }
}

/// One pending action per draft is enough: its replay brings the server to the draft's last
/// state, whatever happened since it was queued.
fn queue_draft_action(connection: &rusqlite::Connection, account: &str, id: i64) -> Result<()> {
    let pending: bool = connection.query_row(
        "SELECT EXISTS (SELECT 1 FROM pending_action WHERE kind = 'draft' AND target = ?1)",
        params![id.to_string()],
        |row| row.get(0),
    )?;
    if !pending {
        queue_action(connection, account, "", 0, &ActionKind::Draft { id })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_survives_reopening_and_one_action_brings_the_server_in_line() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("store.sqlite");
        let id = {
            let store = Store::open(&path).unwrap();
            let id = store
                .save_draft("cabinet", None, "<a@pli>", b"first", None)
                .unwrap();
            assert_eq!(
                store
                    .save_draft("cabinet", Some(id), "<b@pli>", b"second", None)
                    .unwrap(),
                id
            );
            id
        };
        let store = Store::open(&path).unwrap();
        let drafts = store.drafts("cabinet").unwrap();
        assert_eq!(drafts.len(), 1);
        assert_eq!(drafts[0].raw, b"second");
        assert_eq!(drafts[0].message_id, "<b@pli>");
        let actions = store.pending_actions("cabinet").unwrap();
        assert_eq!(actions.len(), 1, "two saves, one replay");
        assert_eq!(actions[0].kind, ActionKind::Draft { id });

        store.draft_on_server(id, "<b@pli>").unwrap();
        assert_eq!(
            store
                .draft_by_message_id("cabinet", "<b@pli>")
                .unwrap()
                .map(|d| d.id),
            Some(id)
        );
        store.action_done(actions[0].id).unwrap();
        store.remove_draft(id).unwrap();
        assert!(store.drafts("cabinet").unwrap().is_empty());
        assert!(store.draft(id).unwrap().unwrap().removed);
        assert_eq!(store.pending_actions("cabinet").unwrap().len(), 1);
    }
}
