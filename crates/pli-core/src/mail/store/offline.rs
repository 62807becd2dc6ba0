//! The store's side of the offline copy (`mail::offline_copy`): which bodies are still to fetch,
//! batches of bodies written and indexed in one transaction, bodies older than a box keeps
//! dropped, and the copy's progress for the box list.
//!
//! The store is the copy's memory: a body is fetched when its row has none, so a copy stopped
//! anywhere (a crash, a cut network, the window closed) resumes where its last commit left it.

use rusqlite::{params, OptionalExtension};

use super::{Result, Store, BODY_ROWS};

/// A message whose body the copy still has to fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyToCopy {
    pub uid: u32,
    /// The size the server announced (RFC822.SIZE).
    pub size: u32,
}

/// A body fetched by the copy, with the text the index takes from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopiedBody {
    pub uid: u32,
    pub raw: Vec<u8>,
    pub text: String,
    /// What the index could not read (a PDF skipped, and why); never quotes the message.
    pub note: Option<String>,
}

/// A raw message as the store keeps it ([`super::raw_bytes`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackedRaw {
    bytes: Vec<u8>,
    packing: i64,
}

impl PackedRaw {
    /// Packs each of `raws`, in order.
    pub fn pack_all<'r>(raws: impl IntoIterator<Item = &'r [u8]>) -> Vec<Self> {
        raws.into_iter()
            .map(|raw| {
                let (bytes, packing) = super::raw_bytes::pack(raw);
                Self { bytes, packing }
            })
            .collect()
    }
}

/// A body ready to write ([`Store::store_ready_bodies`]): packed, with its index text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadyBody<'a> {
    pub uid: u32,
    pub raw: &'a PackedRaw,
    pub text: &'a str,
    pub note: Option<&'a str>,
}

/// How far the offline copy of a box has gone, for the box list and `pli sync`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct OfflineProgress {
    /// Messages whose body is in the store.
    pub local: usize,
    /// Messages the store knows (envelopes).
    pub total: usize,
    /// Messages whose body the box's setting keeps offline (all of them by default).
    pub wanted: usize,
    /// Of those, the bodies still to fetch.
    pub to_copy: usize,
}

impl OfflineProgress {
    /// Every body the setting keeps is in the store.
    pub fn complete(&self) -> bool {
        self.to_copy == 0
    }

    /// Some messages are only on the server (not yet copied, or older than the box keeps).
    pub fn partial(&self) -> bool {
        self.local < self.total
    }
}

/// The counts of [`Store::offline_progress`] for box `?1`, from date `?2` on: messages, bodies
/// missing, messages the box keeps, bodies missing among those.
const OFFLINE_COUNTS: &str = "SELECT
    (SELECT count(*) FROM message m INDEXED BY message_newest_first
     JOIN folder f ON f.id = m.folder_id WHERE f.account = ?1),
    (SELECT count(*) FROM message m INDEXED BY message_body_missing
     JOIN folder f ON f.id = m.folder_id WHERE f.account = ?1 AND m.raw IS NULL),
    (SELECT count(*) FROM message m INDEXED BY message_newest_first
     JOIN folder f ON f.id = m.folder_id WHERE f.account = ?1 AND m.date >= ?2),
    (SELECT count(*) FROM message m INDEXED BY message_body_missing
     JOIN folder f ON f.id = m.folder_id WHERE f.account = ?1 AND m.raw IS NULL AND m.date >= ?2)";

/// FTS5's own `automerge` (segments a level gathers before it merges them), as it was before
/// a bulk pass.
const AUTOMERGE: i64 = 4;

impl Store {
    /// The bodies still to fetch in a folder, newest first, at most `limit`, only those dated
    /// from `since` on when the box keeps the last months only.
    pub fn bodies_to_copy(
        &self,
        folder: i64,
        since: Option<i64>,
        limit: usize,
    ) -> Result<Vec<BodyToCopy>> {
        let mut statement = self.connection.prepare_cached(
            "SELECT uid, size FROM message
             WHERE folder_id = ?1 AND raw IS NULL AND date >= ?2
             ORDER BY date DESC, uid DESC LIMIT ?3",
        )?;
        let rows = statement
            .query_map(
                params![folder, since.unwrap_or(i64::MIN), limit as i64],
                |row| {
                    Ok(BodyToCopy {
                        uid: row.get(0)?,
                        size: row.get(1)?,
                    })
                },
            )?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Writes a batch of bodies and their index text in one transaction, for the folder as it
    /// was when they were fetched: when its UIDVALIDITY changed meanwhile (the UIDs now name
    /// other messages) nothing is written. Returns how many bodies were written.
    pub fn store_bodies(
        &mut self,
        folder: i64,
        uidvalidity: u32,
        bodies: &[CopiedBody],
    ) -> Result<usize> {
        // Packed before the write transaction, which the window's reads must not wait on.
        let packed = PackedRaw::pack_all(bodies.iter().map(|body| body.raw.as_slice()));
        let ready: Vec<ReadyBody<'_>> = bodies
            .iter()
            .zip(&packed)
            .map(|(body, raw)| ReadyBody {
                uid: body.uid,
                raw,
                text: &body.text,
                note: body.note.as_deref(),
            })
            .collect();
        self.store_ready_bodies(folder, uidvalidity, &ready)
    }

    /// [`Store::store_bodies`] of bodies already packed: the offline copy packs a batch on a
    /// thread of its own while it reads the batch's text.
    pub fn store_ready_bodies(
        &mut self,
        folder: i64,
        uidvalidity: u32,
        bodies: &[ReadyBody<'_>],
    ) -> Result<usize> {
        let transaction = self.connection.transaction()?;
        let current: Option<Option<u32>> = transaction
            .query_row(
                "SELECT uidvalidity FROM folder WHERE id = ?1",
                params![folder],
                |row| row.get(0),
            )
            .optional()?;
        if current != Some(Some(uidvalidity)) {
            return Ok(0);
        }
        let in_bulk = index_in_bulk(&transaction)?;
        let written;
        {
            // A body another path stored meanwhile (the reader's fetch) is kept with its rows;
            // one expunged by the other connection while it was fetched has no row left.
            let mut keep = transaction.prepare_cached(
                "UPDATE message SET raw = ?3, raw_packing = ?5, index_note = ?4
                 WHERE folder_id = ?1 AND uid = ?2 AND raw IS NULL
                 RETURNING id, subject, from_name || ' ' || from_address || ' ' || recipients",
            )?;
            // The body's row holds the subject and correspondents again, so that the words of
            // a search match one row when some are in the subject and others in the body.
            let mut index = transaction.prepare_cached(
                "INSERT INTO message_text (rowid, subject, correspondents, body)
                 VALUES (?1 + ?5, ?2, ?3, ?4)",
            )?;
            // Forgetting a row leaves FTS5 a tombstone, which each of its merges then reads:
            // one at a time, as bodies land, with the delete itself 8 % of a copy's CPU. A bulk
            // pass forgets them all at its end; meanwhile a search finds such a message by
            // both rows, once.
            let mut forget = transaction.prepare_cached(if in_bulk {
                "INSERT OR IGNORE INTO envelope_row_to_forget (id) VALUES (?1)"
            } else {
                "DELETE FROM message_text WHERE rowid = ?1"
            })?;
            let mut rows = Vec::with_capacity(bodies.len());
            for body in bodies {
                let kept = keep
                    .query_row(
                        params![
                            folder,
                            body.uid,
                            body.raw.bytes,
                            body.note,
                            body.raw.packing
                        ],
                        |row| {
                            Ok((
                                row.get::<_, i64>(0)?,
                                row.get::<_, String>(1)?,
                                row.get::<_, String>(2)?,
                            ))
                        },
                    )
                    .optional()?;
                if let Some((id, subject, correspondents)) = kept {
                    rows.push((id, subject, correspondents, body.text));
                }
            }
            // In the index's order: FTS5 writes its pending rows out as a new segment each
            // time a rowid comes lower than the one before, a delete's included. So the
            // envelopes' rows first, then the bodies', above them, each in ascending order:
            // deleted one after each body's insert, the copy wrote a segment per body and took
            // 13.3-17.4 s instead of 9.0-10.4 s.
            rows.sort_unstable_by_key(|(id, ..)| *id);
            for (id, ..) in &rows {
                forget.execute(params![id])?;
            }
            for (id, subject, correspondents, text) in &rows {
                index.execute(params![id, subject, correspondents, text, BODY_ROWS])?;
            }
            written = rows.len();
        }
        transaction.commit()?;
        Ok(written)
    }

    /// Merges the index's segments into one. Bodies written batch by batch leave dozens of
    /// segments, and a query reads each: at 100,000 messages a word took 15 ms, then 1 ms
    /// merged. A few seconds for a whole box, so only after a pass that wrote many bodies; the
    /// few of an ordinary pass are merged by FTS5 itself as they accumulate.
    pub fn merge_index(&self) -> Result<()> {
        self.connection
            .execute_batch("INSERT INTO message_text (message_text) VALUES ('optimize')")?;
        Ok(())
    }

    /// Readies the index for a pass that writes many bodies: no merging while it writes, one
    /// merge at its end ([`Store::end_bulk_index`]), and the envelopes' rows of the bodies it
    /// writes forgotten then, all in one statement, rather than one by one as they land.
    /// Each batch's commit writes a segment, and FTS5's own merging (`automerge`) would read
    /// and rewrite the growing segments again and again: merged once at the end, a copy of
    /// 100,000 bodies took 0.4 s less CPU (10.5 s against 10.9 s). The envelopes' rows are
    /// merged into one segment first, while they are few. FTS5 still merges a level that
    /// reaches 16 segments (`crisismerge`), so a search during the copy reads at most a few
    /// dozen. Kept in the index's configuration (and the rows to forget in the store), so a
    /// copy cut off stays in this mode until a pass ends it.
    pub fn begin_bulk_index(&self) -> Result<()> {
        self.connection.execute_batch(
            "INSERT INTO message_text (message_text) VALUES ('optimize');
             INSERT INTO message_text (message_text, rank) VALUES ('automerge', 0);",
        )?;
        Ok(())
    }

    /// Ends [`Store::begin_bulk_index`]: the rows of the envelopes whose body the pass wrote
    /// forgotten, FTS5's own merging back (its default), and the segments merged into one.
    pub fn end_bulk_index(&mut self) -> Result<()> {
        let transaction = self.connection.transaction()?;
        transaction.execute_batch(&format!(
            "DELETE FROM message_text WHERE rowid IN (SELECT id FROM envelope_row_to_forget);
             DELETE FROM envelope_row_to_forget;
             INSERT INTO message_text (message_text, rank) VALUES ('automerge', {AUTOMERGE});
             INSERT INTO message_text (message_text) VALUES ('optimize');"
        ))?;
        transaction.commit()?;
        Ok(())
    }

    /// Whether the index is in the mode of [`Store::begin_bulk_index`] (a copy began it and
    /// has not ended it).
    pub fn index_in_bulk(&self) -> Result<bool> {
        index_in_bulk(&self.connection)
    }

    /// Notes what the index could not read in a message stored by another path (the reader's
    /// fetch of a large message).
    pub fn set_index_note(&self, folder: i64, uid: u32, note: Option<&str>) -> Result<()> {
        self.connection.execute(
            "UPDATE message SET index_note = ?3 WHERE folder_id = ?1 AND uid = ?2",
            params![folder, uid, note],
        )?;
        Ok(())
    }

    /// Drops the bodies of the messages dated before `before` (the box keeps the last months
    /// only): their envelopes stay, the index keeps their subject and correspondents, and the
    /// freed pages are overwritten, since a body is health data. Returns how many were dropped.
    pub fn drop_bodies_before(&mut self, folder: i64, before: i64) -> Result<usize> {
        self.connection.pragma_update(None, "secure_delete", "ON")?;
        let dropped = self.drop_bodies_in_transaction(folder, before);
        self.connection
            .pragma_update(None, "secure_delete", "OFF")?;
        dropped
    }

    fn drop_bodies_in_transaction(&mut self, folder: i64, before: i64) -> Result<usize> {
        let transaction = self.connection.transaction()?;
        // Every row goes and the envelope's comes back: a store from before the body had a row
        // of its own holds the body in the envelope's row.
        super::delete_index_rows(
            &transaction,
            "folder_id = ?1 AND date < ?2 AND raw IS NOT NULL",
            params![folder, before],
        )?;
        transaction.execute(
            "INSERT INTO message_text (rowid, subject, correspondents, body)
             SELECT id, subject, from_name || ' ' || from_address || ' ' || recipients, ''
             FROM message WHERE folder_id = ?1 AND date < ?2 AND raw IS NOT NULL",
            params![folder, before],
        )?;
        let dropped = transaction.execute(
            "UPDATE message SET raw = NULL, index_note = NULL
             WHERE folder_id = ?1 AND date < ?2 AND raw IS NOT NULL",
            params![folder, before],
        )?;
        transaction.commit()?;
        Ok(dropped)
    }

    /// How far the offline copy of a box has gone; `since` is the oldest date the box keeps
    /// (`None`: everything).
    pub fn offline_progress(&self, account: &str, since: Option<i64>) -> Result<OfflineProgress> {
        // Counted on indexes (the missing bodies on their partial one): a row holding a body
        // spreads over pages, and reading every row of a box of 100,000 took longer than
        // writing a batch of bodies.
        let (total, missing, wanted, to_copy): (i64, i64, i64, i64) = self.connection.query_row(
            OFFLINE_COUNTS,
            params![account, since.unwrap_or(i64::MIN)],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
        )?;
        Ok(OfflineProgress {
            local: (total - missing) as usize,
            total: total as usize,
            wanted: wanted as usize,
            to_copy: to_copy as usize,
        })
    }

    /// The folders of a box where some bodies are not in the store: a search there asks the
    /// server too.
    pub fn folders_not_all_local(&self, account: &str) -> Result<Vec<super::Folder>> {
        let mut statement = self.connection.prepare_cached(
            "SELECT id, account, name, role, uidvalidity, uidnext, highestmodseq FROM folder f
             WHERE account = ?1
               AND EXISTS (SELECT 1 FROM message m WHERE m.folder_id = f.id AND m.raw IS NULL)
             ORDER BY name",
        )?;
        let folders = statement
            .query_map(params![account], super::folder_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(folders)
    }
}

fn index_in_bulk(connection: &rusqlite::Connection) -> Result<bool> {
    let automerge: Option<i64> = connection
        .query_row(
            "SELECT v FROM message_text_config WHERE k = 'automerge'",
            [],
            |row| row.get(0),
        )
        .optional()?;
    Ok(automerge == Some(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::store::{Envelope, Role};

    fn envelope(uid: u32, subject: &str, date: i64) -> Envelope {
        Envelope {
            uid,
            date,
            size: 100,
            subject: subject.into(),
            ..Envelope::default()
        }
    }

    fn body(uid: u32, text: &str) -> CopiedBody {
        CopiedBody {
            uid,
            raw: format!("Subject: x\r\n\r\n{text}").into_bytes(),
            text: text.into(),
            note: None,
        }
    }

    fn folder_with_three(store: &mut Store) -> i64 {
        let inbox = store
            .upsert_folder("cabinet", "INBOX", Some(Role::Inbox))
            .unwrap();
        store.reset_folder(inbox.id, 7).unwrap();
        store
            .insert_envelopes(
                inbox.id,
                &[
                    envelope(1, "ancien", 100),
                    envelope(2, "moyen", 200),
                    envelope(3, "récent", 300),
                ],
            )
            .unwrap();
        inbox.id
    }

    #[test]
    fn bodies_come_newest_first_and_a_stored_one_is_never_asked_again() {
        let mut store = Store::in_memory().unwrap();
        let inbox = folder_with_three(&mut store);
        let uids = |store: &Store, since| {
            store
                .bodies_to_copy(inbox, since, 10)
                .unwrap()
                .iter()
                .map(|b| b.uid)
                .collect::<Vec<_>>()
        };
        assert_eq!(uids(&store, None), [3, 2, 1]);
        assert_eq!(uids(&store, Some(150)), [3, 2]);
        assert_eq!(
            store
                .store_bodies(inbox, 7, &[body(3, "glycémie")])
                .unwrap(),
            1
        );
        assert_eq!(uids(&store, None), [2, 1]);
        assert_eq!(store.matches_in("cabinet", "glycemie", 5).len(), 1);
        let progress = store.offline_progress("cabinet", None).unwrap();
        assert_eq!((progress.local, progress.total, progress.wanted), (1, 3, 3));
        assert_eq!(progress.to_copy, 2);
        assert!(!progress.complete());
    }

    #[test]
    fn a_bulk_pass_finds_as_it_writes_and_hands_merging_back_to_fts5_at_its_end() {
        let mut store = Store::in_memory().unwrap();
        let inbox = folder_with_three(&mut store);
        let found = |store: &Store, words| store.matches_in("cabinet", words, 5).len();
        let automerge = |store: &Store| -> i64 {
            store
                .connection
                .query_row(
                    "SELECT v FROM message_text_config WHERE k = 'automerge'",
                    [],
                    |row| row.get(0),
                )
                .unwrap_or(AUTOMERGE)
        };
        assert!(!store.index_in_bulk().unwrap());
        store.begin_bulk_index().unwrap();
        assert!(store.index_in_bulk().unwrap());
        assert_eq!(automerge(&store), 0);
        store
            .store_bodies(inbox, 7, &[body(3, "glycémie")])
            .unwrap();
        assert_eq!(found(&store, "glycemie"), 1, "a body is found once written");
        assert_eq!(found(&store, "ancien"), 1, "an envelope still to copy too");
        store
            .store_bodies(inbox, 7, &[body(2, "tachycardie"), body(1, "bradycardie")])
            .unwrap();
        store.end_bulk_index().unwrap();
        assert!(!store.index_in_bulk().unwrap());
        assert_eq!(automerge(&store), AUTOMERGE);
        for words in ["glycemie", "tachycardie", "bradycardie", "ancien", "recent"] {
            assert_eq!(found(&store, words), 1, "{words}");
        }
        assert_eq!(found(&store, "moyen tachy"), 1);
        assert_eq!(found(&store, "moyen glycemie"), 0);
    }

    fn index_rows(store: &Store, words: &str) -> Vec<i64> {
        let mut statement = store
            .connection
            .prepare("SELECT rowid FROM message_text WHERE message_text MATCH ?1 ORDER BY rowid")
            .unwrap();
        statement
            .query_map([words], |row| row.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    #[test]
    fn a_body_takes_a_row_of_its_own_and_its_envelopes_row_goes_at_once_or_at_the_bulk_end() {
        let mut store = Store::in_memory().unwrap();
        let inbox = folder_with_three(&mut store);
        let [moyen] = index_rows(&store, "moyen")[..] else {
            panic!("one row per envelope");
        };
        store
            .store_bodies(inbox, 7, &[body(2, "tachycardie")])
            .unwrap();
        assert_eq!(index_rows(&store, "moyen"), [moyen + BODY_ROWS]);
        assert_eq!(index_rows(&store, "tachycardie"), [moyen + BODY_ROWS]);

        let [ancien] = index_rows(&store, "ancien")[..] else {
            panic!("one row per envelope");
        };
        store.begin_bulk_index().unwrap();
        store
            .store_bodies(inbox, 7, &[body(1, "bradycardie")])
            .unwrap();
        assert_eq!(index_rows(&store, "ancien"), [ancien, ancien + BODY_ROWS]);
        assert_eq!(store.matches_in("cabinet", "ancien", 5).len(), 1);
        assert_eq!(
            store.matches_in("cabinet", "ancien bradycardie", 5).len(),
            1
        );
        store.end_bulk_index().unwrap();
        assert_eq!(index_rows(&store, "ancien"), [ancien + BODY_ROWS]);
        assert_eq!(store.matches_in("cabinet", "ancien", 5).len(), 1);

        store.remove_uids(inbox, &[1, 2]).unwrap();
        for words in ["moyen", "tachycardie", "ancien", "bradycardie"] {
            assert!(index_rows(&store, words).is_empty(), "{words}");
        }
    }

    #[test]
    fn a_body_dropped_during_a_bulk_pass_keeps_its_envelopes_row_after_the_pass() {
        let mut store = Store::in_memory().unwrap();
        let inbox = folder_with_three(&mut store);
        store.begin_bulk_index().unwrap();
        store
            .store_bodies(inbox, 7, &[body(1, "bradycardie")])
            .unwrap();
        store.drop_bodies_before(inbox, 150).unwrap();
        store.end_bulk_index().unwrap();
        assert_eq!(store.matches_in("cabinet", "ancien", 5).len(), 1);
        assert!(store.matches_in("cabinet", "bradycardie", 5).is_empty());
    }

    #[test]
    fn a_body_stored_by_the_reader_meanwhile_is_neither_replaced_nor_indexed_twice() {
        let mut store = Store::in_memory().unwrap();
        let inbox = folder_with_three(&mut store);
        store
            .set_raw(
                inbox,
                1,
                b"Subject: ancien\r\n\r\nbradycardie",
                "bradycardie",
            )
            .unwrap();
        assert_eq!(
            store
                .store_bodies(inbox, 7, &[body(1, "bradycardie"), body(3, "glycémie")])
                .unwrap(),
            1
        );
        assert_eq!(
            store.raw(inbox, 1).unwrap().as_deref(),
            Some(&b"Subject: ancien\r\n\r\nbradycardie"[..])
        );
        let index_rows: i64 = store
            .connection
            .query_row(
                "SELECT count(*) FROM message_text WHERE message_text MATCH 'bradycardie'",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(index_rows, 1);
    }

    #[test]
    fn a_body_indexed_in_its_envelopes_row_by_an_earlier_version_is_dropped_and_read_again() {
        let mut store = Store::in_memory().unwrap();
        let inbox = folder_with_three(&mut store);
        // As a store written before the body had a row of its own holds it.
        store
            .connection
            .execute_batch(
                "UPDATE message SET raw = x'00' WHERE uid IN (1, 2);
                 DELETE FROM message_text WHERE rowid IN (SELECT id FROM message WHERE uid IN (1, 2));
                 INSERT INTO message_text (rowid, subject, correspondents, body)
                     SELECT id, subject, '', 'tachycardie' FROM message WHERE uid = 1;
                 INSERT INTO message_text (rowid, subject, correspondents, body)
                     SELECT id, subject, '', 'bradycardie' FROM message WHERE uid = 2;",
            )
            .unwrap();
        store.index_text(inbox, 2, "glycémie").unwrap();
        assert!(store.matches_in("cabinet", "bradycardie", 5).is_empty());
        assert_eq!(store.matches_in("cabinet", "glycemie moyen", 5).len(), 1);
        assert_eq!(store.drop_bodies_before(inbox, 250).unwrap(), 2);
        for gone in ["tachycardie", "glycemie"] {
            assert!(store.matches_in("cabinet", gone, 5).is_empty(), "{gone}");
        }
        for kept in ["ancien", "moyen"] {
            assert_eq!(store.matches_in("cabinet", kept, 5).len(), 1, "{kept}");
        }
    }

    #[test]
    fn the_copys_progress_is_counted_without_reading_the_rows_that_hold_bodies() {
        let store = Store::in_memory().unwrap();
        let plan: Vec<String> = store
            .connection
            .prepare(&format!("EXPLAIN QUERY PLAN {OFFLINE_COUNTS}"))
            .unwrap()
            .query_map(params!["cabinet", 0], |row| row.get::<_, String>(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let on_message: Vec<&String> = plan.iter().filter(|step| step.contains(" m ")).collect();
        assert_eq!(on_message.len(), 4, "{plan:#?}");
        assert!(
            on_message
                .iter()
                .all(|step| step.contains("COVERING INDEX message_newest_first")
                    || step.contains("INDEX message_body_missing")),
            "{plan:#?}"
        );
    }

    #[test]
    fn a_batch_fetched_before_a_new_uidvalidity_is_not_written() {
        let mut store = Store::in_memory().unwrap();
        let inbox = folder_with_three(&mut store);
        assert_eq!(store.store_bodies(inbox, 8, &[body(1, "x")]).unwrap(), 0);
        assert!(store.raw(inbox, 1).unwrap().is_none());
    }

    #[test]
    fn old_bodies_are_dropped_with_their_text_and_the_envelopes_stay() {
        let mut store = Store::in_memory().unwrap();
        let inbox = folder_with_three(&mut store);
        store
            .store_bodies(inbox, 7, &[body(1, "tachycardie"), body(3, "bradycardie")])
            .unwrap();
        assert_eq!(store.drop_bodies_before(inbox, 150).unwrap(), 1);
        assert!(store.raw(inbox, 1).unwrap().is_none());
        assert!(store.raw(inbox, 3).unwrap().is_some());
        assert!(store.matches_in("cabinet", "tachycardie", 5).is_empty());
        assert_eq!(store.matches_in("cabinet", "ancien", 5).len(), 1);
        assert_eq!(store.count(inbox).unwrap(), 3);
        let progress = store.offline_progress("cabinet", Some(150)).unwrap();
        assert_eq!((progress.local, progress.total, progress.wanted), (1, 3, 2));
        assert!(!progress.complete(), "the body of uid 2 is still to fetch");
        assert_eq!(
            store.folders_not_all_local("cabinet").unwrap().len(),
            1,
            "INBOX has bodies only on the server"
        );
    }
}
