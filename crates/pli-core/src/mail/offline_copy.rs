//! The full offline copy of a box: after the envelopes, every folder's bodies, newest first,
//! fetched in large pipelined `UID FETCH` batches, indexed (text, HTML as text, attachment
//! names, the text layer of PDFs) and written one batch per transaction.
//!
//! The store is the copy's memory (a body is fetched when its row has none), so a copy stopped
//! anywhere resumes at its last commit and never fetches again what was committed. What was
//! fetched and not yet written is fetched again: when the connection is cut, the batch on the
//! wire only (what had arrived is written first); when the process stops, at most four batches.
//! A box may keep only its last
//! months (`offline_months` in `accounts.toml`): older bodies are dropped from the store, their
//! envelopes kept, and `pli search` asks the server for them.
//!
//! The window's worker runs the copy on a connection of its own, beside the one that syncs
//! and waits in IDLE; `pli sync` runs it after the envelopes and returns when it is done.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use async_imap::types::Fetch;

use super::account::Account;
use super::connect::Credentials;
use super::fetch_stages::{blocking, fetch_whole, multi_threaded, read_and_hand_on};
use super::imap::{self, ImapSession};
use super::mime::{attachment_bytes, model_text_for_index, read_message};
use super::pdf_text::{PdfReader, Skip};
use super::store::{BodyToCopy, Folder, OfflineProgress, PackedRaw, ReadyBody, Store};
use super::sync::{fetch_body, SyncError, BODY_PIECE};

/// Bodies fetched by one `UID FETCH`, at most.
pub const BATCH_MESSAGES: usize = 500;
/// Bytes (as announced) fetched by one `UID FETCH`, at most: up to five batches are in memory
/// at once (one arriving, one prepared, one written, and one waiting between each two stages,
/// `copy_in_stages`), so that many large messages stay within the copy's memory.
pub const BATCH_BYTES: u64 = 8 << 20;
/// Larger messages are stored but not indexed: reading one whole to index it costs its size in
/// memory, twice.
pub const LARGE_INDEX_LIMIT: usize = 48 << 20;

/// What one copy did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct CopyReport {
    /// Bodies fetched and stored.
    pub bodies: usize,
    pub bytes: u64,
    /// Bodies dropped because they are older than the box keeps.
    pub dropped: usize,
    /// PDFs whose text is not (or not all) in the index; the message's note says why.
    pub pdfs_skipped: usize,
    /// Where the copy stands when it ends.
    pub progress: OfflineProgress,
}

/// The oldest date whose body a box keeps, in seconds since 1970 (`None`: every body).
pub fn keep_since(account: &Account) -> Option<i64> {
    let months = account.offline_months?;
    let now = chrono::Utc::now();
    Some(
        now.checked_sub_months(chrono::Months::new(months))
            .unwrap_or(chrono::DateTime::<chrono::Utc>::MIN_UTC)
            .timestamp(),
    )
}

/// Connects and copies every folder the store knows of the box (sync the envelopes first).
pub async fn copy_account(
    account: &Account,
    credentials: &Credentials,
    store: &mut Store,
    progress: &mut (dyn FnMut(OfflineProgress) + Send),
) -> Result<CopyReport, SyncError> {
    // What the box no longer keeps goes first, and without a connection when nothing is
    // missing: the worker calls this at every connection.
    let since = keep_since(account);
    let mut dropped = 0;
    if let Some(since) = since {
        for folder in store.folders(&account.name)? {
            dropped += store.drop_bodies_before(folder.id, since)?;
        }
    }
    let before = store.offline_progress(&account.name, since)?;
    if before.complete() {
        return Ok(CopyReport {
            dropped,
            progress: before,
            ..CopyReport::default()
        });
    }
    let connected = imap::connect(account, credentials).await;
    super::connection_trace::record_sign_in(
        store,
        account,
        &super::connection_trace::imap_request(account, credentials, "offline copy"),
        &connected,
    )?;
    let mut connection = connected?;
    let report = copy_on(&mut connection.session, store, account, progress).await;
    let _ = connection.session.logout().await;
    report.map(|report| CopyReport {
        dropped: report.dropped + dropped,
        ..report
    })
}

/// Copies every folder on an open session: INBOX first, then the others; in each, the bodies
/// the box keeps, newest first, after dropping those it no longer keeps.
pub async fn copy_on(
    session: &mut ImapSession,
    store: &mut Store,
    account: &Account,
    progress: &mut (dyn FnMut(OfflineProgress) + Send),
) -> Result<CopyReport, SyncError> {
    let since = keep_since(account);
    let mut report = CopyReport::default();
    let mut pdfs = PdfReader::default();
    let to_copy = store.offline_progress(&account.name, since)?.to_copy;
    let bulk = store.index_in_bulk()?;
    if !bulk && to_copy >= MERGE_INDEX_AFTER {
        store.begin_bulk_index()?;
    }
    let bulk = bulk || to_copy >= MERGE_INDEX_AFTER;
    for folder in store.folders(&account.name)? {
        if let Some(since) = since {
            report.dropped += store.drop_bodies_before(folder.id, since)?;
        }
        copy_folder(
            session,
            store,
            account,
            &folder,
            &mut pdfs,
            &mut report,
            progress,
        )
        .await?;
    }
    // A pass cut off (an error above) leaves the index in bulk mode: the next pass, which
    // resumes the copy, ends it.
    if bulk {
        store.end_bulk_index()?;
    } else if report.bodies >= MERGE_INDEX_AFTER {
        store.merge_index()?;
    }
    report.progress = store.offline_progress(&account.name, since)?;
    Ok(report)
}

/// How many bodies a pass writes (or has to write) for it to merge the index's segments at its
/// end (`Store::merge_index`, `Store::begin_bulk_index`).
const MERGE_INDEX_AFTER: usize = 1000;

/// Copies the bodies of one folder still missing from the store.
pub async fn copy_folder(
    session: &mut ImapSession,
    store: &mut Store,
    account: &Account,
    folder: &Folder,
    pdfs: &mut PdfReader,
    report: &mut CopyReport,
    progress: &mut (dyn FnMut(OfflineProgress) + Send),
) -> Result<(), SyncError> {
    let since = keep_since(account);
    let missing = store.bodies_to_copy(folder.id, since, usize::MAX >> 1)?;
    if missing.is_empty() {
        return Ok(());
    }
    let mailbox = session.examine(&folder.name).await?;
    // The envelopes' sync owns UIDVALIDITY: a folder it has not seen yet, or whose UIDs changed
    // meaning since, waits for its next pass.
    let Some(uidvalidity) = mailbox.uid_validity else {
        return Ok(());
    };
    if folder.uidvalidity != Some(uidvalidity) {
        return Ok(());
    }
    let (small, large): (Vec<BodyToCopy>, Vec<BodyToCopy>) = missing
        .into_iter()
        .partition(|body| body.size as usize <= BODY_PIECE);

    let tally = Tally::count(store, &account.name, since)?;
    let mut sink = Sink {
        store,
        account,
        folder,
        uidvalidity,
        since,
        report,
        progress,
        tally,
    };
    let batches = batches(&small);
    match multi_threaded() {
        Some(handle) => tokio::task::block_in_place(|| {
            copy_in_stages(&handle, session, &batches, pdfs, &mut sink)
        })?,
        None => copy_in_turn(session, &batches, pdfs, &mut sink).await?,
    }
    // Large messages arrive in pieces, straight into the store, one at a time, and are indexed
    // from there: scanned reports are large, and their text is what people search.
    for body in large {
        let stored = fetch_body(session, sink.store, folder, body.uid, body.size, &|_| {
            String::new()
        })
        .await?;
        if stored == 0 {
            continue;
        }
        sink.report.bodies += 1;
        sink.report.bytes += stored as u64;
        sink.tally.wrote(1);
        if stored <= LARGE_INDEX_LIMIT {
            if let Some(raw) = sink.store.raw(folder.id, body.uid)? {
                let (text, note, skipped) = blocking(|| index_text(&raw, pdfs));
                sink.store.index_text(folder.id, body.uid, &text)?;
                sink.store
                    .set_index_note(folder.id, body.uid, note.as_deref())?;
                sink.report.pdfs_skipped += skipped;
            }
        }
        let now = sink.tally.now(sink.store, &account.name, since)?;
        (sink.progress)(now);
    }
    Ok(())
}

/// The copy's progress between two counts. A count reads two indexes of the box (8-28 ms at
/// 100,000 messages, as long as writing a batch): the copy counts once per folder and then
/// every few seconds, and adds what it wrote in between. What another
/// connection changes meanwhile (new mail, an expunge) shows at the next count.
struct Tally {
    last: OfflineProgress,
    counted: Instant,
}

/// How long the progress the box list shows may go without a count of the store.
const RECOUNT_AFTER: Duration = Duration::from_secs(10);

impl Tally {
    fn count(store: &Store, account: &str, since: Option<i64>) -> Result<Self, SyncError> {
        Ok(Self {
            last: store.offline_progress(account, since)?,
            counted: Instant::now(),
        })
    }

    /// Bodies the copy wrote (all of them within what the box keeps).
    fn wrote(&mut self, bodies: usize) {
        self.last.local = (self.last.local + bodies).min(self.last.total);
        self.last.to_copy = self.last.to_copy.saturating_sub(bodies);
    }

    fn now(
        &mut self,
        store: &Store,
        account: &str,
        since: Option<i64>,
    ) -> Result<OfflineProgress, SyncError> {
        if self.counted.elapsed() >= RECOUNT_AFTER {
            *self = Self::count(store, account, since)?;
        }
        Ok(self.last)
    }
}

/// What writes a prepared batch and counts it.
struct Sink<'a> {
    store: &'a mut Store,
    account: &'a Account,
    folder: &'a Folder,
    uidvalidity: u32,
    since: Option<i64>,
    report: &'a mut CopyReport,
    progress: &'a mut (dyn FnMut(OfflineProgress) + Send),
    tally: Tally,
}

/// A batch indexed and packed, waiting for its transaction.
struct Prepared {
    bodies: Vec<PreparedBody>,
    bytes: u64,
    pdfs_skipped: usize,
}

struct PreparedBody {
    uid: u32,
    raw: PackedRaw,
    text: String,
    note: Option<String>,
}

impl Sink<'_> {
    fn commit(&mut self, batch: Prepared) -> Result<(), SyncError> {
        let ready: Vec<ReadyBody<'_>> = batch
            .bodies
            .iter()
            .map(|body| ReadyBody {
                uid: body.uid,
                raw: &body.raw,
                text: &body.text,
                note: body.note.as_deref(),
            })
            .collect();
        let written = self
            .store
            .store_ready_bodies(self.folder.id, self.uidvalidity, &ready)?;
        self.report.bodies += written;
        self.report.bytes += batch.bytes;
        self.report.pdfs_skipped += batch.pdfs_skipped;
        self.tally.wrote(written);
        let now = self.tally.now(self.store, &self.account.name, self.since)?;
        (self.progress)(now);
        Ok(())
    }
}

/// The index text of each body and its packed form, on two threads: one reads texts, the
/// other packs the batch, then reads texts too, the next body not yet taken each time. The
/// PDF helper works while the other thread parses: the text of a batch took as long as its
/// deflate (before LZ4) and its transaction together.
fn prepare(
    bodies: Vec<(u32, Vec<u8>)>,
    pdfs: &mut PdfReader,
    spare_pdfs: &mut PdfReader,
) -> Prepared {
    let next = AtomicUsize::new(0);
    let read_texts = |pdfs: &mut PdfReader| {
        let mut texts = Vec::new();
        loop {
            let position = next.fetch_add(1, Ordering::Relaxed);
            let Some((_, raw)) = bodies.get(position) else {
                return texts;
            };
            texts.push((position, index_text(raw, pdfs)));
        }
    };
    let (mut texts, packed, more_texts) = std::thread::scope(|scope| {
        let packing = scope.spawn(|| {
            let packed = PackedRaw::pack_all(bodies.iter().map(|(_, raw)| raw.as_slice()));
            (packed, read_texts(spare_pdfs))
        });
        let texts = read_texts(pdfs);
        let (packed, more_texts) = packing
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (texts, packed, more_texts)
    });
    texts.extend(more_texts);
    texts.sort_unstable_by_key(|(position, _)| *position);
    Prepared {
        bytes: bodies.iter().map(|(_, raw)| raw.len() as u64).sum(),
        pdfs_skipped: texts.iter().map(|(_, (_, _, skipped))| skipped).sum(),
        bodies: bodies
            .iter()
            .zip(packed)
            .zip(texts)
            .map(|(((uid, _), raw), (_, (text, note, _)))| PreparedBody {
                uid: *uid,
                raw,
                text,
                note,
            })
            .collect(),
    }
}

/// The bodies of a fetch, by UID.
fn bodies_of(fetches: Vec<Fetch>) -> Vec<(u32, Vec<u8>)> {
    fetches
        .iter()
        .filter_map(|fetch| Some((fetch.uid?, fetch.body()?.to_vec())))
        .collect()
}

const BODIES: &str = "(UID BODY.PEEK[])";

/// The copy as three stages, each on a thread, handing a batch on as soon as it is done with
/// it: this thread reads the server's answers, the next prepares a batch (its index text and
/// packing, [`prepare`]), the last writes it in one transaction. Stages of a batch take 10 to
/// 50 ms each and vary with its mail; in lock step, each batch waited for the slowest of the
/// three. At most one batch waits between two stages.
///
/// What was fetched is written even when the connection is cut: it is not fetched again. A
/// failed write stops the reading, and its error wins over the read's.
fn copy_in_stages(
    handle: &tokio::runtime::Handle,
    session: &mut ImapSession,
    batches: &[Vec<u32>],
    pdfs: &mut PdfReader,
    sink: &mut Sink<'_>,
) -> Result<(), SyncError> {
    // The preparing thread's second reader: a helper process of its own, started at its first PDF.
    let mut spare_pdfs = PdfReader::default();
    std::thread::scope(|scope| {
        let (to_prepare, fetched) = mpsc::sync_channel::<Vec<(u32, Vec<u8>)>>(0);
        let (to_write, prepared) = mpsc::sync_channel::<Prepared>(0);
        let spare_pdfs = &mut spare_pdfs;
        let preparing = scope.spawn(move || {
            for bodies in fetched {
                if to_write.send(prepare(bodies, pdfs, spare_pdfs)).is_err() {
                    return;
                }
            }
        });
        let writing = scope.spawn(move || -> Result<(), SyncError> {
            for batch in prepared {
                sink.commit(batch)?;
            }
            Ok(())
        });
        let read = read_and_hand_on(handle, session, batches, BODIES, bodies_of, to_prepare);
        preparing
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        writing
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        read
    })
}

/// The copy on a single-threaded runtime: each batch read, prepared and written in turn.
async fn copy_in_turn(
    session: &mut ImapSession,
    batches: &[Vec<u32>],
    pdfs: &mut PdfReader,
    sink: &mut Sink<'_>,
) -> Result<(), SyncError> {
    let mut spare_pdfs = PdfReader::default();
    for batch in batches {
        let fetches = fetch_whole(session, batch, BODIES).await?;
        sink.commit(prepare(bodies_of(fetches), pdfs, &mut spare_pdfs))?;
    }
    Ok(())
}

/// Groups the bodies to fetch, newest first, under the count and byte limits of a batch.
fn batches(bodies: &[BodyToCopy]) -> Vec<Vec<u32>> {
    let mut batches = Vec::new();
    let mut current = Vec::new();
    let mut bytes = 0u64;
    for body in bodies {
        if !current.is_empty()
            && (current.len() >= BATCH_MESSAGES || bytes + u64::from(body.size) > BATCH_BYTES)
        {
            batches.push(std::mem::take(&mut current));
            bytes = 0;
        }
        current.push(body.uid);
        bytes += u64::from(body.size);
    }
    if !current.is_empty() {
        batches.push(current);
    }
    batches
}

/// A PDF of a message whose text is not (or not all) in the index, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexNote {
    /// Its place among the message's PDFs, from 1.
    pub position: usize,
    pub of: usize,
    pub skip: Skip,
}

impl IndexNote {
    fn code(&self) -> String {
        format!("{}/{} {}", self.position, self.of, self.skip.code())
    }

    /// The notes the store keeps for a message (`Found::index_note`); what cannot be read is
    /// left out.
    pub fn read_all(note: &str) -> Vec<IndexNote> {
        note.split(';')
            .filter_map(|one| {
                let (place, code) = one.trim().split_once(' ')?;
                let (position, of) = place.split_once('/')?;
                Some(IndexNote {
                    position: position.parse().ok()?,
                    of: of.parse().ok()?,
                    skip: Skip::from_code(code)?,
                })
            })
            .collect()
    }
}

/// What the index takes from a message: its text (subject, correspondents, attachment names,
/// text, HTML as text) and the text layer of its PDFs; with a note of the PDFs left out, and
/// how many. The note names PDFs by position, never by name, in the form [`IndexNote::read_all`]
/// reads.
pub fn index_text(raw: &[u8], pdfs: &mut PdfReader) -> (String, Option<String>, usize) {
    let model = read_message(raw);
    let mut text = model_text_for_index(&model);
    let documents: Vec<_> = model
        .attachments
        .iter()
        .filter(|attachment| {
            attachment.content_type == "application/pdf"
                || attachment
                    .file_name
                    .as_deref()
                    .is_some_and(|name| name.to_ascii_lowercase().ends_with(".pdf"))
        })
        .collect();
    let mut notes = Vec::new();
    for (position, attachment) in documents.iter().enumerate() {
        let read = match attachment_bytes(raw, attachment) {
            Ok(bytes) => pdfs.read(&bytes),
            Err(_) => continue,
        };
        if !read.text.is_empty() {
            text.push('\n');
            text.push_str(&read.text);
        }
        if let Some(skip) = read.skip {
            notes.push(
                IndexNote {
                    position: position + 1,
                    of: documents.len(),
                    skip,
                }
                .code(),
            );
        }
    }
    let skipped = notes.len();
    let note = (!notes.is_empty()).then(|| notes.join("; "));
    (text, note, skipped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_keep_to_their_count_and_bytes() {
        let bodies: Vec<BodyToCopy> = (0..1200)
            .rev()
            .map(|uid| BodyToCopy {
                uid,
                size: if uid == 600 { 16 << 20 } else { 1000 },
            })
            .collect();
        let sizes: Vec<usize> = batches(&bodies).iter().map(Vec::len).collect();
        assert_eq!(sizes.iter().sum::<usize>(), 1200);
        assert!(sizes.iter().all(|size| *size <= BATCH_MESSAGES));
        assert_eq!(batches(&bodies)[0][0], 1199, "newest first");
        // uid 600 (16 MiB) fits neither after the 99 before it nor before the ones after it.
        assert_eq!(sizes, [500, 99, 1, 500, 100]);
    }

    #[test]
    fn a_pdf_without_a_reader_is_noted_and_the_rest_is_indexed() {
        let raw = "From: a@exemple.mssante.fr\nSubject: Bilan\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/html\n\n<p>Glyc&eacute;mie normale</p>\n--b\nContent-Type: application/pdf; name=\"cr.pdf\"\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQgZmF1eA==\n--b--\n";
        let (text, note, skipped) = index_text(raw.as_bytes(), &mut PdfReader::default());
        assert!(text.contains("Glycémie normale"), "{text}");
        assert!(text.contains("cr.pdf"));
        assert_eq!(skipped, 1);
        assert_eq!(note.as_deref(), Some("1/1 no-reader"));
        assert_eq!(
            IndexNote::read_all("1/2 no-reader; 2/2 pages 500 10000; junk"),
            [
                IndexNote {
                    position: 1,
                    of: 2,
                    skip: Skip::NoHelper
                },
                IndexNote {
                    position: 2,
                    of: 2,
                    skip: Skip::TooManyPages {
                        read: 500,
                        pages: 10_000
                    }
                }
            ]
        );
    }
}
