//! What the store remembers besides mail: the trace of every action on a box (ECO.4.1.x), the
//! last use of each box by each person on this workstation (inactivity warnings), and the
//! patient conversations of each box (who opened them, whether they are closed).
//!
//! A trace line says who, when, which action, what was asked of the server and what it
//! answered — never a password, a token or the content of a message.

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::{params, OptionalExtension};

use super::{Result, Store};
use crate::mssante::conversation::{Conversation, ConversationState};
use crate::mssante::ins::Ins;

/// The actions the Référentiel asks to trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TraceAction {
    Login,
    Send,
    Read,
    Move,
    Delete,
    /// The user sent to an address outside the trust space after the warning.
    Override,
    Flag,
    /// A draft copied to, or removed from, the server's Drafts folder.
    Draft,
    /// Taken, given back, handled, or a prescription step, in a shared box (issue 13).
    Handle,
    /// The professional confirmed the identity of the patients a message goes to (ECO.2.2.6).
    IdentityConfirmed,
}

impl TraceAction {
    pub fn as_str(self) -> &'static str {
        match self {
            TraceAction::Login => "login",
            TraceAction::Send => "send",
            TraceAction::Read => "read",
            TraceAction::Move => "move",
            TraceAction::Delete => "delete",
            TraceAction::Override => "override",
            TraceAction::Flag => "flag",
            TraceAction::Draft => "draft",
            TraceAction::Handle => "handle",
            TraceAction::IdentityConfirmed => "identity",
        }
    }

    /// Whether the action counts as a use of the box for the inactivity rule.
    fn is_use(self) -> bool {
        !matches!(self, TraceAction::Override | TraceAction::IdentityConfirmed)
    }
}

/// One line of the trace.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TraceEntry {
    pub at: DateTime<Utc>,
    pub workstation_user: String,
    pub account: String,
    pub action: String,
    pub request: String,
    pub answer: String,
    pub ok: bool,
}

/// How a message from a patient is shown (SEED: only the professional starts a conversation,
/// except a prescription sent to a pharmacy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PatientKind {
    Reply,
    Unsolicited,
    Prescription,
}

impl PatientKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PatientKind::Reply => "reply",
            PatientKind::Unsolicited => "unsolicited",
            PatientKind::Prescription => "prescription",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "reply" => PatientKind::Reply,
            "unsolicited" => PatientKind::Unsolicited,
            "prescription" => PatientKind::Prescription,
            _ => return None,
        })
    }
}

/// The person at the keyboard, as the operating system knows them: on a shared EHPAD
/// workstation each secretary has her own session.
pub fn workstation_user() -> String {
    whoami::username()
}

/// Keeps a server's answer short and free of anything but protocol words: the first line,
/// 200 characters at most.
fn tidy(answer: &str) -> String {
    let line = answer.lines().next().unwrap_or_default().trim();
    line.chars().take(200).collect()
}

impl Store {
    /// Appends a line to the trace, and counts the action as a use of the box.
    pub fn trace(
        &self,
        account: &str,
        action: TraceAction,
        request: &str,
        answer: &str,
        ok: bool,
    ) -> Result<()> {
        self.trace_at(
            Utc::now(),
            &workstation_user(),
            account,
            action,
            request,
            answer,
            ok,
        )
    }

    #[allow(clippy::too_many_arguments)]
    pub fn trace_at(
        &self,
        at: DateTime<Utc>,
        person: &str,
        account: &str,
        action: TraceAction,
        request: &str,
        answer: &str,
        ok: bool,
    ) -> Result<()> {
        self.connection.execute(
            "INSERT INTO trace (at, workstation_user, account, action, request, answer, ok)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                at.timestamp(),
                person,
                account,
                action.as_str(),
                tidy(request),
                tidy(answer),
                ok
            ],
        )?;
        if ok && action.is_use() {
            self.record_use(account, person, at)?;
        }
        Ok(())
    }

    /// The trace since a date, oldest first.
    pub fn trace_since(&self, since: Option<DateTime<Utc>>) -> Result<Vec<TraceEntry>> {
        let mut statement = self.connection.prepare_cached(
            "SELECT at, workstation_user, account, action, request, answer, ok FROM trace
             WHERE at >= ?1 ORDER BY at, id",
        )?;
        let rows = statement
            .query_map(
                params![since.map(|date| date.timestamp()).unwrap_or(i64::MIN)],
                |row| {
                    Ok(TraceEntry {
                        at: Utc
                            .timestamp_opt(row.get(0)?, 0)
                            .single()
                            .unwrap_or_default(),
                        workstation_user: row.get(1)?,
                        account: row.get(2)?,
                        action: row.get(3)?,
                        request: row.get(4)?,
                        answer: row.get(5)?,
                        ok: row.get(6)?,
                    })
                },
            )?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Forgets trace lines older than the retention (6 months by default, a setting).
    pub fn prune_trace(&self, older_than: DateTime<Utc>) -> Result<usize> {
        Ok(self.connection.execute(
            "DELETE FROM trace WHERE at < ?1",
            params![older_than.timestamp()],
        )?)
    }

    pub fn record_use(&self, account: &str, person: &str, at: DateTime<Utc>) -> Result<()> {
        self.connection.execute(
            "INSERT INTO box_use (account, person, last_use) VALUES (?1, ?2, ?3)
             ON CONFLICT (account, person) DO UPDATE SET last_use = max(last_use, excluded.last_use)",
            params![account, person, at.timestamp()],
        )?;
        Ok(())
    }

    /// The last use of a box by anyone on this workstation (an organisational box counts
    /// every person working in it).
    pub fn last_use(&self, account: &str) -> Result<Option<(String, DateTime<Utc>)>> {
        Ok(self
            .connection
            .query_row(
                "SELECT person, last_use FROM box_use WHERE account = ?1 ORDER BY last_use DESC LIMIT 1",
                params![account],
                |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?)),
            )
            .optional()?
            .and_then(|(person, at)| Utc.timestamp_opt(at, 0).single().map(|at| (person, at))))
    }

    pub fn conversation(&self, account: &str, patient: &Ins) -> Result<Conversation> {
        let stored: Option<String> = self
            .connection
            .query_row(
                "SELECT conversation FROM patient_conversation WHERE account = ?1 AND ins = ?2",
                params![account, patient.as_str()],
                |row| row.get(0),
            )
            .optional()?;
        // A row that cannot be read is treated as no conversation: the patient's next message
        // is then flagged for the professional rather than silently accepted.
        Ok(stored
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default())
    }

    pub fn save_conversation(
        &self,
        account: &str,
        patient: &Ins,
        conversation: &Conversation,
    ) -> Result<()> {
        let json = serde_json::to_string(conversation).unwrap_or_else(|_| "{}".into());
        self.connection.execute(
            "INSERT INTO patient_conversation (account, ins, conversation) VALUES (?1, ?2, ?3)
             ON CONFLICT (account, ins) DO UPDATE SET conversation = excluded.conversation",
            params![account, patient.as_str(), json],
        )?;
        Ok(())
    }

    /// Every patient conversation of a box with its state.
    pub fn conversations(&self, account: &str) -> Result<Vec<(String, ConversationState)>> {
        let mut statement = self.connection.prepare_cached(
            "SELECT ins, conversation FROM patient_conversation WHERE account = ?1 ORDER BY ins",
        )?;
        let rows = statement
            .query_map(params![account], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows
            .into_iter()
            .map(|(ins, json)| {
                let state = serde_json::from_str::<Conversation>(&json)
                    .map(|c| c.state())
                    .unwrap_or_default();
                (ins, state)
            })
            .collect())
    }

    pub fn set_patient_kind(&self, folder: i64, uid: u32, kind: PatientKind) -> Result<()> {
        self.connection.execute(
            "UPDATE message SET patient_kind = ?3 WHERE folder_id = ?1 AND uid = ?2",
            params![folder, uid, kind.as_str()],
        )?;
        Ok(())
    }

    pub fn patient_kind(&self, folder: i64, uid: u32) -> Result<Option<PatientKind>> {
        Ok(self
            .connection
            .query_row(
                "SELECT patient_kind FROM message WHERE folder_id = ?1 AND uid = ?2",
                params![folder, uid],
                |row| row.get::<_, Option<String>>(0),
            )
            .optional()?
            .flatten()
            .and_then(|kind| PatientKind::parse(&kind)))
    }

    /// The UIDs of a folder's messages from or to `address` (a patient's conversation with the
    /// box, on both sides), oldest first.
    pub fn uids_with_correspondent(&self, folder: i64, address: &str) -> Result<Vec<u32>> {
        let mut statement = self.connection.prepare_cached(
            "SELECT uid FROM message
             WHERE folder_id = ?1
               AND (lower(from_address) = lower(?2) OR instr(lower(recipients), lower(?2)) > 0)
             ORDER BY uid",
        )?;
        let uids = statement
            .query_map(params![folder, address], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(uids)
    }

    /// The messages of a kind in a box, newest first: the "prescriptions" view of a pharmacy,
    /// the unsolicited messages of a doctor.
    pub fn patient_messages(
        &self,
        account: &str,
        kind: PatientKind,
    ) -> Result<Vec<(String, super::Envelope)>> {
        let mut statement = self.connection.prepare_cached(
            "SELECT f.name, m.uid, m.modseq, m.flags, m.date, m.size, m.subject, m.from_name, m.from_address,
                    m.recipients, m.message_id, m.in_reply_to, m.refs, m.has_attachment
             FROM message m JOIN folder f ON f.id = m.folder_id
             WHERE f.account = ?1 AND m.patient_kind = ?2 ORDER BY m.date DESC",
        )?;
        let rows = statement
            .query_map(params![account, kind.as_str()], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    super::envelope_from_row_at(row, 1)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mssante::conversation::{MailboxRole, PatientMessage, PatientMessageKind};

    #[test]
    fn eco_4_1_1_a_trace_line_says_who_when_what_request_and_answer() {
        let store = Store::in_memory().unwrap();
        store
            .trace(
                "cabinet",
                TraceAction::Login,
                "AUTHENTICATE XOAUTH2 dr.martin@ch-test.mssante.fr",
                "OK Logged in\r\nsecond line",
                true,
            )
            .unwrap();
        let lines = store.trace_since(None).unwrap();
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].action, "login");
        assert_eq!(lines[0].answer, "OK Logged in");
        assert_eq!(lines[0].workstation_user, workstation_user());
        assert!(
            store.last_use("cabinet").unwrap().is_some(),
            "a login is a use of the box"
        );
    }

    #[test]
    fn the_trace_keeps_only_the_retention() {
        let store = Store::in_memory().unwrap();
        let old = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
        let recent = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
        store
            .trace_at(
                old,
                "a",
                "cabinet",
                TraceAction::Read,
                "UID STORE 1",
                "OK",
                true,
            )
            .unwrap();
        store
            .trace_at(
                recent,
                "a",
                "cabinet",
                TraceAction::Read,
                "UID STORE 2",
                "OK",
                true,
            )
            .unwrap();
        assert_eq!(
            store
                .prune_trace(Utc.with_ymd_and_hms(2026, 5, 1, 0, 0, 0).unwrap())
                .unwrap(),
            1
        );
        assert_eq!(store.trace_since(None).unwrap().len(), 1);
    }

    #[test]
    fn seed_organisational_box_counts_every_person_on_the_workstation() {
        let store = Store::in_memory().unwrap();
        let march = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
        let june = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
        store.record_use("ehpad", "claire", june).unwrap();
        store.record_use("ehpad", "sophie", march).unwrap();
        store
            .record_use(
                "ehpad",
                "sophie",
                Utc.with_ymd_and_hms(2026, 2, 1, 9, 0, 0).unwrap(),
            )
            .unwrap();
        assert_eq!(
            store.last_use("ehpad").unwrap(),
            Some(("claire".to_string(), june))
        );
    }

    #[test]
    fn seed_conversations_survive_reopening_the_store() {
        let store = Store::in_memory().unwrap();
        let patient: Ins = "279035121518989".parse().unwrap();
        let mut conversation = store.conversation("cabinet", &patient).unwrap();
        conversation.professional_sent("<a@pli>", false);
        store
            .save_conversation("cabinet", &patient, &conversation)
            .unwrap();
        let mut again = store.conversation("cabinet", &patient).unwrap();
        let reply = PatientMessage {
            message_id: Some("<b@patient>"),
            in_reply_to: Some("<a@pli>"),
            references: &[],
        };
        assert_eq!(
            again.patient_message(&reply, MailboxRole::Standard),
            PatientMessageKind::Reply
        );
        assert_eq!(
            store.conversations("cabinet").unwrap(),
            vec![(patient.as_str().to_string(), ConversationState::Open)]
        );
    }
}
