//! What the store caches of the shared state the server holds: each message's IMAP keywords,
//! whether a folder lets clients create keywords, and the messages a patient conversation is
//! rebuilt from (`mail::patients`). The server stays the truth; sync overwrites these.

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension};

use super::{queue_action, ActionKind, Folder, PatientKind, Result, Store};
use crate::mail::keywords;

/// A message of a box with one patient, from any folder, for rebuilding the conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredExchange {
    pub folder: i64,
    pub uid: u32,
    pub date: i64,
    /// Written by the box (from its address, or kept in Sent), rather than by the patient.
    pub from_box: bool,
    pub message_id: Option<String>,
    pub in_reply_to: Option<String>,
    pub references: Option<String>,
    pub closes_conversation: bool,
    pub recipients: String,
    pub draft: bool,
}

/// What the lists show beside a message's envelope: its keywords and its patient kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SharedState {
    pub keywords: Vec<String>,
    pub patient_kind: Option<PatientKind>,
}

impl Store {
    /// Applies keywords read from the server, in one transaction.
    pub fn update_keywords(&mut self, folder: i64, changes: &[(u32, Vec<String>)]) -> Result<()> {
        let transaction = self.connection.transaction()?;
        {
            let mut update = transaction.prepare_cached(
                "UPDATE message SET keywords = ?3 WHERE folder_id = ?1 AND uid = ?2",
            )?;
            for (uid, words) in changes {
                update.execute(params![folder, uid, keywords::join(words)])?;
            }
        }
        transaction.commit()?;
        Ok(())
    }

    /// The keywords of one message as last read from the server (or just written by Pli).
    pub fn keywords(&self, folder: i64, uid: u32) -> Result<Vec<String>> {
        Ok(self
            .connection
            .query_row(
                "SELECT keywords FROM message WHERE folder_id = ?1 AND uid = ?2",
                params![folder, uid],
                |row| row.get::<_, String>(0),
            )
            .optional()?
            .map(|stored| keywords::split(&stored))
            .unwrap_or_default())
    }

    /// The keywords and patient kind of every message of a folder, by UID.
    pub fn shared_states(&self, folder: i64) -> Result<HashMap<u32, SharedState>> {
        let mut statement = self.connection.prepare_cached(
            "SELECT uid, keywords, patient_kind FROM message WHERE folder_id = ?1",
        )?;
        let rows = statement
            .query_map(params![folder], |row| {
                let uid: u32 = row.get(0)?;
                let words: String = row.get(1)?;
                let kind: Option<String> = row.get(2)?;
                Ok((
                    uid,
                    SharedState {
                        keywords: keywords::split(&words),
                        patient_kind: kind.as_deref().and_then(PatientKind::parse),
                    },
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Records whether the server lets clients create keywords in a folder (PERMANENTFLAGS
    /// with `\*`); `None` when it did not say.
    pub fn set_keywords_shared(&self, folder: i64, shared: Option<bool>) -> Result<()> {
        self.connection.execute(
            "UPDATE folder SET keywords_shared = ?2 WHERE id = ?1",
            params![folder, shared],
        )?;
        Ok(())
    }

    /// Whether colleagues can share state through keywords in this folder: `Some(false)` means
    /// the server keeps only the keywords it lists, and the box's settings say sharing is
    /// limited.
    pub fn keywords_shared(&self, folder: i64) -> Result<Option<bool>> {
        Ok(self
            .connection
            .query_row(
                "SELECT keywords_shared FROM folder WHERE id = ?1",
                params![folder],
                |row| row.get::<_, Option<bool>>(0),
            )
            .optional()?
            .flatten())
    }

    /// Queues a keyword for the server, as flags are queued: replayed by the next pass, even
    /// after a restart offline.
    pub fn queue_keyword(
        &mut self,
        account: &str,
        folder: &Folder,
        uid: u32,
        keyword: &str,
        on: bool,
    ) -> Result<()> {
        let transaction = self.connection.transaction()?;
        let stored: Option<String> = transaction
            .query_row(
                "SELECT keywords FROM message WHERE folder_id = ?1 AND uid = ?2",
                params![folder.id, uid],
                |row| row.get(0),
            )
            .optional()?;
        if let Some(stored) = stored {
            let mut words = keywords::split(&stored);
            words.retain(|word| !keywords::same_keyword(word, keyword));
            if on {
                words.push(keyword.to_owned());
            }
            transaction.execute(
                "UPDATE message SET keywords = ?3 WHERE folder_id = ?1 AND uid = ?2",
                params![folder.id, uid, keywords::join(&words)],
            )?;
        }
        queue_action(
            &transaction,
            account,
            &folder.name,
            uid,
            &ActionKind::Keyword {
                keyword: keyword.to_owned(),
                on,
            },
        )?;
        transaction.commit()?;
        Ok(())
    }

    /// Every message of the box with one patient: the patient's own (from `patient_address`)
    /// and the box's to them (from `box_address` or kept in Sent, with the patient among the
    /// recipients), oldest first. The recipients are matched loosely here and exactly by the
    /// caller.
    pub fn patient_exchanges(
        &self,
        account: &str,
        box_address: &str,
        patient_address: &str,
    ) -> Result<Vec<StoredExchange>> {
        let mut statement = self.connection.prepare_cached(
            "SELECT m.folder_id, m.uid, m.date, m.from_address, f.role, m.message_id, m.in_reply_to,
                    m.refs, m.closes_conversation, m.recipients, m.flags
             FROM message m JOIN folder f ON f.id = m.folder_id
             WHERE f.account = ?1
               AND (lower(m.from_address) = lower(?3)
                    OR ((f.role = 'sent' OR lower(m.from_address) = lower(?2))
                        AND instr(lower(m.recipients), lower(?3)) > 0))
             ORDER BY m.date, m.uid",
        )?;
        let rows = statement
            .query_map(params![account, box_address, patient_address], |row| {
                let from: String = row.get(3)?;
                let role: Option<String> = row.get(4)?;
                let flags: u8 = row.get(10)?;
                Ok(StoredExchange {
                    folder: row.get(0)?,
                    uid: row.get(1)?,
                    date: row.get(2)?,
                    from_box: !from.eq_ignore_ascii_case(patient_address),
                    message_id: row.get(5)?,
                    in_reply_to: row.get(6)?,
                    references: row.get(7)?,
                    closes_conversation: row.get(8)?,
                    recipients: row.get(9)?,
                    draft: role.as_deref() == Some("drafts") || flags & super::Flags::DRAFT != 0,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::store::{Envelope, Role};

    #[test]
    fn keywords_come_with_the_envelope_and_change_with_the_server() {
        let mut store = Store::in_memory().unwrap();
        let inbox = store
            .upsert_folder("ehpad", "INBOX", Some(Role::Inbox))
            .unwrap();
        let envelope = Envelope {
            uid: 7,
            keywords: vec!["$Label1".into(), "$MDNSent".into()],
            ..Envelope::default()
        };
        store.insert_envelopes(inbox.id, &[envelope]).unwrap();
        assert_eq!(
            store.keywords(inbox.id, 7).unwrap(),
            ["$Label1", "$MDNSent"]
        );
        store
            .update_keywords(inbox.id, &[(7, vec!["$Label1".into()])])
            .unwrap();
        assert_eq!(store.keywords(inbox.id, 7).unwrap(), ["$Label1"]);
        store
            .queue_keyword("ehpad", &inbox, 7, "$MDNSent", true)
            .unwrap();
        assert_eq!(
            store.keywords(inbox.id, 7).unwrap(),
            ["$Label1", "$MDNSent"]
        );
        let pending = store.pending_actions("ehpad").unwrap();
        assert_eq!(
            pending[0].kind,
            ActionKind::Keyword {
                keyword: "$MDNSent".into(),
                on: true
            }
        );
        assert_eq!(store.keywords_shared(inbox.id).unwrap(), None);
        store.set_keywords_shared(inbox.id, Some(false)).unwrap();
        assert_eq!(store.keywords_shared(inbox.id).unwrap(), Some(false));
    }
}
