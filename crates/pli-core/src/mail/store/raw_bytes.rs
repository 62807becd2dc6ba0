//! The raw messages on disk. The offline copy keeps every body of a box: its bodies are stored
//! packed with LZ4 (`raw_packing` = [`LZ4`]), which keeps the store near the raw mail's size
//! for a quarter of deflate's CPU. Bodies the copy stored before are deflated ([`ZLIB`]); a
//! body written in pieces as it arrives (`Store::reserve_raw`), or stored before either, stays
//! as received ([`AS_RECEIVED`]). Every read of `message.raw` goes through [`read`], which
//! selects `raw, raw_packing` side by side.

use std::io::Read;

use flate2::read::ZlibDecoder;

/// `message.raw_packing`: the bytes are the message as received.
pub(super) const AS_RECEIVED: i64 = 0;
/// `message.raw_packing`: zlib, as the offline copy stored bodies before LZ4.
const ZLIB: i64 = 1;
/// `message.raw_packing`: the CRC-32 of the message (4 bytes, little-endian), then the LZ4
/// block with the message's length before it (`lz4_flex::compress_prepend_size`). LZ4 has no
/// checksum of its own: the CRC tells a damaged body from a good one.
const LZ4: i64 = 2;

/// LZ4 writes at least one byte for 255 of output: a stored length beyond that is damage, and
/// must not become an allocation.
const LZ4_MOST_PER_BYTE: usize = 255;

/// The bytes to store for a raw message, and their `raw_packing`. Measured on 30,000 of the
/// benchmark's messages (70 MiB): LZ4 in 145 ms to 78 % of the size, zlib level 1 in 560 ms to
/// 72 %, zstd level 1 (a C library) in 310 ms to 58 %.
pub(super) fn pack(raw: &[u8]) -> (Vec<u8>, i64) {
    let mut packed = Vec::with_capacity(raw.len() / 2 + 16);
    packed.extend_from_slice(&crc32fast::hash(raw).to_le_bytes());
    packed.extend_from_slice(&lz4_flex::compress_prepend_size(raw));
    (packed, LZ4)
}

/// The raw message of a row whose columns `at` and `at + 1` are `raw` and `raw_packing`.
/// A packed body that no longer unpacks (a damaged file) reads as absent: the reader then
/// fetches it again from the server, as for a body never copied.
pub(super) fn read(row: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Option<Vec<u8>>> {
    let stored: Option<Vec<u8>> = row.get(at)?;
    let packing: i64 = row.get(at + 1)?;
    Ok(stored.and_then(|stored| match packing {
        ZLIB => inflate(&stored),
        LZ4 => unpack_lz4(&stored),
        _ => Some(stored),
    }))
}

fn inflate(stored: &[u8]) -> Option<Vec<u8>> {
    let mut raw = Vec::with_capacity(stored.len() * 3);
    ZlibDecoder::new(stored).read_to_end(&mut raw).ok()?;
    Some(raw)
}

fn unpack_lz4(stored: &[u8]) -> Option<Vec<u8>> {
    let (crc, block) = stored.split_first_chunk::<4>()?;
    let (length, compressed) = block.split_first_chunk::<4>()?;
    let length = u32::from_le_bytes(*length) as usize;
    if length > compressed.len().saturating_mul(LZ4_MOST_PER_BYTE) + 16 {
        return None;
    }
    let raw = lz4_flex::decompress(compressed, length).ok()?;
    (raw.len() == length && crc32fast::hash(&raw) == u32::from_le_bytes(*crc)).then_some(raw)
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

    fn stored_form(store: &Store, inbox: i64, uid: u32) -> (usize, i64) {
        store
            .connection
            .query_row(
                "SELECT length(raw), raw_packing FROM message WHERE folder_id = ?1 AND uid = ?2",
                rusqlite::params![inbox, uid],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .unwrap()
    }

    #[test]
    fn the_offline_copy_keeps_bodies_packed_and_every_reader_gets_them_as_received() {
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
        let (length, packing) = stored_form(&store, inbox, 1);
        assert!(
            packing == LZ4 && length < raw.len() / 4,
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

        // A body kept by the reader's fetch stays as received, and replaces a packed one.
        store
            .set_raw(inbox, 1, b"Subject: x\r\n\r\nrecu", "recu")
            .unwrap();
        assert_eq!(stored_form(&store, inbox, 1), (18, AS_RECEIVED));
        assert_eq!(
            store.raw(inbox, 1).unwrap().unwrap(),
            b"Subject: x\r\n\r\nrecu"
        );

        // A body packed by an earlier version (zlib) reads back; damaged, it reads as absent
        // (fetched again), never as garbage.
        let deflated = {
            let mut encoder =
                flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
            std::io::Write::write_all(&mut encoder, raw.as_bytes()).unwrap();
            encoder.finish().unwrap()
        };
        let set_stored = |bytes: &[u8], packing: i64| {
            store
                .connection
                .execute(
                    "UPDATE message SET raw = ?1, raw_packing = ?2 WHERE uid = 2",
                    rusqlite::params![bytes, packing],
                )
                .unwrap();
        };
        set_stored(&deflated, ZLIB);
        assert_eq!(store.raw(inbox, 2).unwrap().unwrap(), raw.as_bytes());
        set_stored(&[0x78, 0x9c, 0x01, 0x02], ZLIB);
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
    fn a_packed_body_reads_back_whole_and_a_damaged_one_reads_as_absent() {
        let raw = "Subject: Bilan\r\n\r\nÉchographie abdominale de contrôle.\r\n".repeat(40);
        let (packed, packing) = pack(raw.as_bytes());
        assert_eq!(packing, LZ4);
        assert!(
            packed.len() < raw.len() / 4,
            "{} of {}",
            packed.len(),
            raw.len()
        );
        assert_eq!(unpack_lz4(&packed).as_deref(), Some(raw.as_bytes()));
        for body in [b"" as &[u8], &[7u8; 300_000], &[0xff, 0x00, 0x80]] {
            assert_eq!(unpack_lz4(&pack(body).0).as_deref(), Some(body));
        }
        assert_eq!(unpack_lz4(&packed[..packed.len() / 2]), None, "cut short");
        assert_eq!(unpack_lz4(&packed[..3]), None, "no room for the checksum");
        let mut flipped = packed.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 0x20;
        assert_eq!(unpack_lz4(&flipped), None, "a byte changed in the text");
        let mut claims_more = packed.clone();
        claims_more[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(unpack_lz4(&claims_more), None, "a length no block can hold");
    }
}
