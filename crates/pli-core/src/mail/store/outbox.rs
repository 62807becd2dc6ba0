//! What waits to leave: the outbox of messages to submit, read receipts, and the actions made
//! offline that the worker replays on the server.

use rusqlite::{params, Connection, OptionalExtension};

use super::{now, ActionKind, OutboxState, Outgoing, PendingAction, Result, Store};

impl Store {
    /// The actions still to replay, oldest first.
    pub fn pending_actions(&self, account: &str) -> Result<Vec<PendingAction>> {
        let mut statement = self.connection.prepare_cached(
            "SELECT id, account, folder, uid, kind, target FROM pending_action WHERE account = ?1 ORDER BY id",
        )?;
        let actions = statement
            .query_map(params![account], |row| {
                let kind: String = row.get(4)?;
                let target: Option<String> = row.get(5)?;
                let kind = match kind.as_str() {
                    "move" => ActionKind::Move {
                        to: target.unwrap_or_default(),
                    },
                    "draft" => ActionKind::Draft {
                        id: target.and_then(|id| id.parse().ok()).unwrap_or_default(),
                    },
                    "keyword+" | "keyword-" => ActionKind::Keyword {
                        keyword: target.unwrap_or_default(),
                        on: kind == "keyword+",
                    },
                    other => {
                        let (flag, on) = other.split_once(':').unwrap_or(("0", "1"));
                        ActionKind::SetFlag {
                            flag: flag.parse().unwrap_or(0),
                            on: on == "1",
                        }
                    }
                };
                Ok(PendingAction {
                    id: row.get(0)?,
                    account: row.get(1)?,
                    folder: row.get(2)?,
                    uid: row.get(3)?,
                    kind,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(actions)
    }

    pub fn action_done(&self, id: i64) -> Result<()> {
        self.connection
            .execute("DELETE FROM pending_action WHERE id = ?1", params![id])?;
        Ok(())
    }

    // ----- outbox -----

    /// Puts a message in the outbox. The same Message-ID twice is one message.
    pub fn enqueue(
        &self,
        account: &str,
        message_id: &str,
        raw: &[u8],
        mail_from: &str,
        recipients: &[String],
        delivery_notification: bool,
    ) -> Result<i64> {
        insert_outbox(
            &self.connection,
            account,
            message_id,
            raw,
            mail_from,
            recipients,
            delivery_notification,
        )
    }

    /// Remembers that the person declined to send the read receipt of `original`: it counts as
    /// answered, and no receipt can be queued for it afterwards (RFC 8098 §2.1: at most one).
    pub fn decline_read_receipt(&self, account: &str, original: &str) -> Result<()> {
        self.connection.execute(
            "INSERT INTO read_receipt (account, original, message_id, sent) VALUES (?1, ?2, '', ?3)
             ON CONFLICT (account, original) DO NOTHING",
            params![account, original, now()],
        )?;
        Ok(())
    }

    /// Whether the read receipt for this message was answered: sent (or waiting in the outbox),
    /// or declined.
    pub fn read_receipt_sent(&self, account: &str, original: &str) -> Result<bool> {
        Ok(self
            .connection
            .query_row(
                "SELECT 1 FROM read_receipt WHERE account = ?1 AND original = ?2",
                params![account, original],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// Puts a read receipt in the outbox and remembers it, both or neither; `None` when a
    /// receipt for `original` was queued before (a message is acknowledged at most once).
    pub fn enqueue_read_receipt(
        &self,
        account: &str,
        original: &str,
        message_id: &str,
        raw: &[u8],
        mail_from: &str,
        recipients: &[String],
    ) -> Result<Option<i64>> {
        let transaction = self.connection.unchecked_transaction()?;
        let claimed = transaction.execute(
            "INSERT INTO read_receipt (account, original, message_id, sent) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (account, original) DO NOTHING",
            params![account, original, message_id, now()],
        )?;
        if claimed == 0 {
            return Ok(None);
        }
        let id = insert_outbox(
            &transaction,
            account,
            message_id,
            raw,
            mail_from,
            recipients,
            false,
        )?;
        transaction.commit()?;
        Ok(Some(id))
    }

    /// Messages not yet done, oldest first.
    pub fn outbox(&self, account: &str) -> Result<Vec<Outgoing>> {
        let mut statement = self.connection.prepare_cached(
            "SELECT id, account, message_id, raw, mail_from, recipients, delivery_notification, state, attempts, last_error
             FROM outbox WHERE account = ?1 AND state != 'done' ORDER BY id",
        )?;
        let rows = statement
            .query_map(params![account], |row| {
                let recipients: String = row.get(5)?;
                let state: String = row.get(7)?;
                Ok(Outgoing {
                    id: row.get(0)?,
                    account: row.get(1)?,
                    message_id: row.get(2)?,
                    raw: row.get(3)?,
                    mail_from: row.get(4)?,
                    recipients: serde_json::from_str(&recipients).unwrap_or_default(),
                    delivery_notification: row.get(6)?,
                    state: OutboxState::parse(&state),
                    attempts: row.get(8)?,
                    last_error: row.get(9)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Takes a queued message for one submission attempt. Two senders (the window's send
    /// button and a box's worker) may look at the outbox at the same moment; only the one that
    /// claims a message submits it. A claim lapses after `lease` so that a process that stopped
    /// mid-send does not hold the message for ever.
    pub fn claim(&self, id: i64, lease: std::time::Duration) -> Result<bool> {
        let now = now();
        let changed = self.connection.execute(
            "UPDATE outbox SET claimed_until = ?2
             WHERE id = ?1 AND state = 'queued' AND (claimed_until IS NULL OR claimed_until < ?3)",
            params![id, now + lease.as_secs() as i64, now],
        )?;
        Ok(changed == 1)
    }

    /// Gives a claimed message back to the queue (the attempt failed).
    pub fn release(&self, id: i64) -> Result<()> {
        self.connection.execute(
            "UPDATE outbox SET claimed_until = NULL WHERE id = ?1",
            params![id],
        )?;
        Ok(())
    }

    #[cfg(test)]
    pub fn outbox_state(&self, id: i64) -> Result<Option<OutboxState>> {
        Ok(self
            .connection
            .query_row(
                "SELECT state FROM outbox WHERE id = ?1",
                params![id],
                |row| row.get::<_, String>(0),
            )
            .optional()?
            .map(|state| OutboxState::parse(&state)))
    }

    pub fn set_outbox_state(&self, id: i64, state: OutboxState) -> Result<()> {
        self.connection.execute(
            "UPDATE outbox SET state = ?2, last_error = NULL WHERE id = ?1",
            params![id, state.as_str()],
        )?;
        Ok(())
    }

    pub fn outbox_failed(&self, id: i64, error: &str) -> Result<()> {
        self.connection.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?2 WHERE id = ?1",
            params![id, error],
        )?;
        Ok(())
    }
}

pub(super) fn insert_outbox(
    connection: &Connection,
    account: &str,
    message_id: &str,
    raw: &[u8],
    mail_from: &str,
    recipients: &[String],
    delivery_notification: bool,
) -> Result<i64> {
    let recipients = serde_json::to_string(recipients).unwrap_or_else(|_| "[]".into());
    connection.execute(
        "INSERT INTO outbox (account, message_id, raw, mail_from, recipients, delivery_notification, state, created)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'queued', ?7)
         ON CONFLICT (message_id) DO NOTHING",
        params![account, message_id, raw, mail_from, recipients, delivery_notification, now()],
    )?;
    Ok(connection.query_row(
        "SELECT id FROM outbox WHERE message_id = ?1",
        params![message_id],
        |row| row.get(0),
    )?)
}

pub(super) fn queue_action(
    transaction: &Connection,
    account: &str,
    folder: &str,
    uid: u32,
    kind: &ActionKind,
) -> Result<()> {
    let (kind, target) = match kind {
        ActionKind::SetFlag { flag, on } => (format!("{flag}:{}", u8::from(*on)), None),
        ActionKind::Move { to } => ("move".to_string(), Some(to.clone())),
        ActionKind::Draft { id } => ("draft".to_string(), Some(id.to_string())),
        ActionKind::Keyword { keyword, on } => (
            if *on { "keyword+" } else { "keyword-" }.to_string(),
            Some(keyword.clone()),
        ),
    };
    transaction.execute(
        "INSERT INTO pending_action (account, folder, uid, kind, target, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![account, folder, uid, kind, target, now()],
    )?;
    Ok(())
}
