//! The raw messages on disk. The offline copy keeps every body of a box, and mail text
//! deflates to about a third of its size: its bodies are stored deflated (`raw_deflated` = 1),
//! which keeps the store under the raw mail's size. A body written in pieces as it arrives
//! (`Store::reserve_raw`), or stored before this, stays as received (0). Every read of
//! `message.raw` goes through [`read`], which selects `raw, raw_deflated` side by side.

use std::borrow::Cow;
use std::io::Read;

use flate2::{read::ZlibDecoder, Compress, Compression, FlushCompress, Status};

/// The bytes to store for a raw message and whether they are deflated (zlib: its checksum
/// tells a damaged body from a good one). Level 1: the copy writes tens of thousands of bodies
/// a minute; higher levels gain a few percent for several times the CPU.
#[cfg(test)]
pub(super) fn pack(raw: &[u8]) -> (Cow<'_, [u8]>, bool) {
    Packer::default().pack(raw)
}

/// Deflates raw messages one after another with one compressor: a new one allocates and
/// zeroes a few hundred KiB of tables, more than deflating a 2 KiB message costs.
pub(super) struct Packer {
    compress: Compress,
}

impl Default for Packer {
    fn default() -> Self {
        Self {
            compress: Compress::new(Compression::fast(), true),
        }
    }
}

impl Packer {
    /// [`pack`] with this compressor.
    pub(super) fn pack<'r>(&mut self, raw: &'r [u8]) -> (Cow<'r, [u8]>, bool) {
        self.compress.reset();
        let mut packed = Vec::with_capacity(raw.len() / 2 + 64);
        loop {
            if packed.len() == packed.capacity() {
                packed.reserve(packed.capacity().max(64));
            }
            let (read, written) = (self.compress.total_in(), self.compress.total_out());
            let rest = raw.get(read as usize..).unwrap_or_default();
            match self
                .compress
                .compress_vec(rest, &mut packed, FlushCompress::Finish)
            {
                Ok(Status::StreamEnd) => return (Cow::Owned(packed), true),
                Ok(_) if self.compress.total_in() > read || self.compress.total_out() > written => {
                }
                // No progress with room to write: kept as received rather than loop.
                Ok(_) | Err(_) => return (Cow::Borrowed(raw), false),
            }
        }
    }
}

/// The raw message of a row whose columns `at` and `at + 1` are `raw` and `raw_deflated`.
/// A deflated body that no longer inflates (a damaged file) reads as absent: the reader then
/// fetches it again from the server, as for a body never copied.
pub(super) fn read(row: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Option<Vec<u8>>> {
    let stored: Option<Vec<u8>> = row.get(at)?;
    let deflated: bool = row.get(at + 1)?;
    Ok(stored.and_then(|stored| {
        if deflated {
            unpack(&stored)
        } else {
            Some(stored)
        }
    }))
}

fn unpack(stored: &[u8]) -> Option<Vec<u8>> {
    let mut raw = Vec::with_capacity(stored.len() * 3);
    ZlibDecoder::new(stored).read_to_end(&mut raw).ok()?;
    Some(raw)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::store::{CopiedBody, Envelope, Role, SearchFilter, Store};

    fn inbox_with(store: &mut Store, uids: &[u32]) -> i64 {
        let inbox = store
            .upsert_folder("cabinet", "INBOX", Some(Role::Inbox))
            .unwrap();
        store.reset_folder(inbox.id, 7).unwrap();
        let envelopes: Vec<Envelope> = uids
            .iter()
            .map(|&uid| Envelope {
                uid,
                date: 1000 + i64::from(uid),
                subject: format!("message {uid}"),
                ..Envelope::default()
            })
            .collect();
        store.insert_envelopes(inbox.id, &envelopes).unwrap();
        inbox.id
    }

    fn stored_form(store: &Store, inbox: i64, uid: u32) -> (usize, bool) {
        store
            .connection
            .query_row(
                "SELECT length(raw), raw_deflated FROM message WHERE folder_id = ?1 AND uid = ?2",
                rusqlite::params![inbox, uid],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .unwrap()
    }

    #[test]
    fn the_offline_copy_keeps_bodies_deflated_and_every_reader_gets_them_as_received() {
        let mut store = Store::in_memory().unwrap();
        let inbox = inbox_with(&mut store, &[1, 2]);
        let raw = format!(
            "Subject: message 1\r\n\r\n{}Échographie de contrôle.\r\n",
            "Compte rendu d'hospitalisation. ".repeat(60)
        );
        let copied = CopiedBody {
            uid: 1,
            raw: raw.clone().into_bytes(),
            text: "compte rendu échographie de contrôle".into(),
            note: None,
        };
        assert_eq!(store.store_bodies(inbox, 7, &[copied]).unwrap(), 1);
        let (length, deflated) = stored_form(&store, inbox, 1);
        assert!(
            deflated && length < raw.len() / 4,
            "{length} of {}",
            raw.len()
        );
        assert_eq!(store.raw(inbox, 1).unwrap().unwrap(), raw.as_bytes());
        assert!(store
            .snippet(inbox, 1, "echo")
            .unwrap()
            .contains("Échographie de contrôle"));
        let found = store
            .search_filtered(&SearchFilter {
                words: "echographie".into(),
                limit: 5,
                ..SearchFilter::default()
            })
            .unwrap();
        assert!(
            found[0].snippet.contains("Échographie de contrôle"),
            "{found:?}"
        );

        // A body kept by the reader's fetch stays as received, and replaces a deflated one.
        store
            .set_raw(inbox, 1, b"Subject: x\r\n\r\nrecu", "recu")
            .unwrap();
        assert_eq!(stored_form(&store, inbox, 1), (18, false));
        assert_eq!(
            store.raw(inbox, 1).unwrap().unwrap(),
            b"Subject: x\r\n\r\nrecu"
        );

        // A deflated body damaged on disk reads as absent (fetched again), never as garbage.
        store
            .connection
            .execute(
                "UPDATE message SET raw = x'789c0102', raw_deflated = 1 WHERE uid = 2",
                [],
            )
            .unwrap();
        assert_eq!(store.raw(inbox, 2).unwrap(), None);
    }

    #[test]
    fn a_search_walks_the_messages_newest_first_without_sorting_its_matches() {
        let store = Store::in_memory().unwrap();
        let plan: Vec<String> = store
            .connection
            .prepare(&format!(
                "EXPLAIN QUERY PLAN {}",
                super::super::search::MATCHES_NEWEST_FIRST
            ))
            .unwrap()
            .query_map(
                rusqlite::params![
                    "\"echo\"*",
                    None::<String>,
                    None::<String>,
                    None::<i64>,
                    None::<i64>,
                    false,
                    50,
                    super::super::BODY_ROWS
                ],
                |row| row.get::<_, String>(3),
            )
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert!(
            plan.iter().any(|step| step.contains("message_by_date"))
                && !plan
                    .iter()
                    .any(|step| step.contains("TEMP B-TREE FOR ORDER BY")),
            "{plan:#?}"
        );
    }

    #[test]
    fn a_deflated_body_reads_back_whole_and_a_damaged_one_reads_as_absent() {
        let raw = "Subject: Bilan\r\n\r\nÉchographie abdominale de contrôle.\r\n".repeat(40);
        let (packed, deflated) = pack(raw.as_bytes());
        assert!(deflated);
        assert!(
            packed.len() < raw.len() / 4,
            "{} of {}",
            packed.len(),
            raw.len()
        );
        assert_eq!(unpack(&packed).as_deref(), Some(raw.as_bytes()));
        let mut packer = Packer::default();
        for body in [raw.as_bytes(), b"", &[7u8; 300_000], raw.as_bytes()] {
            let (again, deflated) = packer.pack(body);
            assert!(deflated);
            assert_eq!(
                unpack(&again).as_deref(),
                Some(body),
                "one compressor, many bodies"
            );
        }
        assert_eq!(unpack(&packed[..packed.len() / 2]), None);
        assert_eq!(unpack(&packed[..packed.len() - 1]), None);
    }
}
