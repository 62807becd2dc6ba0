//! Building a generation from an extraction.
//!
//! Documents are numbered in alphabetical order (name and first name; structure, trade name and
//! service for a mailbox without a person). FTS5 returns matches in that order, so a search gets sorted
//! results without sorting; above all, the rows that share a name sit together, so that
//! intersecting a rare name with common words (`legrand medecin saint-lo`) reads a few pages of
//! each list instead of all of them: ten to a hundred times faster than in file order, which the
//! benchmark measured.
//!
//! Two passes. The first stores each mailbox once in `entry` (in file order, rows with the same
//! address merged) and each row's sort key and search words in a scratch table. The second reads
//! the scratch table sorted by SQLite's external sorter (bounded memory) and writes the
//! full-text index, document by document, in order: the order FTS5 writes fastest. A row becomes
//! one document, even when its address was seen before, and `ranked` maps documents to entries.
//!
//! During the first pass two threads share the work: one reads and parses the file and folds
//! each row's words, the other (the caller's) writes into SQLite, which is single-threaded.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::io::BufRead;
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread;
use std::time::Duration;

use chrono::Utc;
use rusqlite::{Connection, Statement};

use super::{ImportFailure, ImportReport, Progress, Stage};
use crate::directory::extraction::{Entry, Extraction, ExtractionError, ReadSummary};
use crate::directory::fold::fold_words_into;
use crate::directory::query::{
    push_marks, push_tags, tag_value, without_trust_domain, GIVEN_MARK, INDEXED_PREFIXES,
    NAME_MARK, ZIP_MARK,
};

/// Rows between two progress reports: often enough for a smooth bar, rarely enough to cost
/// nothing.
const PROGRESS_EVERY: u64 = 8_192;

/// Rows handed from the reading thread to the writing one at a time, and batches in flight:
/// enough to keep both busy, little enough to bound the memory.
const BATCH_ROWS: usize = 1_024;
const BATCHES_IN_FLIGHT: usize = 8;

/// Memory SQLite may use for each page cache, and for each run of its sorter, in KiB. The sorter
/// may use a second thread (`PRAGMA threads`): the reading thread is done by then. Rows are
/// written in order, so a larger cache buys little.
const CACHE_KIB: i64 = 16 * 1024;

/// Bytes of postings FTS5 gathers in memory before writing a segment. Its default (1 MiB) makes
/// hundreds of small segments that it then spends the import merging: 96 MiB leaves a handful,
/// and takes a quarter of the import's CPU time off (measured on a million rows). With the
/// caches and the address hashes, this is what bounds an import's memory (see the benchmark).
const FTS_BUFFER_BYTES: i64 = 96 * 1024 * 1024;

/// The tables of a generation, but for the full-text index (see [`build`]).
///
/// `search` holds one document per row of the extraction. It is contentless (the text lives in
/// `entry`) and keeps neither positions nor columns (`detail = none`): every query is words and
/// marked words (see `query.rs`), never a phrase or a column filter, so both would only cost
/// disk and import time. Prefixes of two to four characters, typed first and shared by the most
/// words, have their own index; longer ones are spelled out from `vocabulary`.
const SCHEMA: &str = "
    CREATE TABLE entry (
        id INTEGER PRIMARY KEY,
        box_type TEXT NOT NULL,
        address TEXT NOT NULL,
        civility TEXT NOT NULL,
        last_name TEXT NOT NULL,
        first_name TEXT NOT NULL,
        profession_code TEXT NOT NULL,
        profession TEXT NOT NULL,
        specialty_code TEXT NOT NULL,
        specialty TEXT NOT NULL,
        structure TEXT NOT NULL,
        trade_name TEXT NOT NULL,
        service TEXT NOT NULL,
        address_lines TEXT NOT NULL,
        postcode TEXT NOT NULL,
        town TEXT NOT NULL,
        department TEXT NOT NULL,
        country TEXT NOT NULL,
        national_id TEXT NOT NULL,
        rows INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE ranked (
        document INTEGER PRIMARY KEY,
        entry INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE vocabulary (term TEXT PRIMARY KEY) WITHOUT ROWID;
    CREATE TABLE about (
        source TEXT NOT NULL,
        imported_at INTEGER NOT NULL,
        rows INTEGER NOT NULL,
        entries INTEGER NOT NULL
    ) STRICT;
    CREATE TEMP TABLE scratch (
        key TEXT NOT NULL,
        entry INTEGER NOT NULL,
        words TEXT NOT NULL
    );
";

/// The columns of `entry` written from an [`Entry`], in [`entry_values`]'s order.
const ENTRY_COLUMNS: [&str; 18] = [
    "box_type",
    "address",
    "civility",
    "last_name",
    "first_name",
    "profession_code",
    "profession",
    "specialty_code",
    "specialty",
    "structure",
    "trade_name",
    "service",
    "address_lines",
    "postcode",
    "town",
    "department",
    "country",
    "national_id",
];

/// Writes a complete generation at `path` from the extraction.
pub(super) fn build(
    path: &Path,
    extraction: Extraction<impl BufRead + Send>,
    total_bytes: Option<u64>,
    source: &str,
    progress: &mut dyn FnMut(&Progress) -> ControlFlow<()>,
) -> Result<ImportReport, ImportFailure> {
    let connection = Connection::open(path)?;
    let prefixes = INDEXED_PREFIXES.map(|chars| chars.to_string()).join(" ");
    // Nobody else reads this file before it is complete, and an interrupted build is thrown
    // away: no journal, no sync, one exclusive lock. Pages stay at 4 KiB: 8 KiB saves 3 % of
    // the import and costs 6 % on every search (more bytes copied per page read).
    connection.execute_batch(&format!(
        "PRAGMA journal_mode = OFF;
         PRAGMA synchronous = OFF;
         PRAGMA locking_mode = EXCLUSIVE;
         PRAGMA temp_store = FILE;
         PRAGMA cache_size = -{CACHE_KIB};
         PRAGMA temp.cache_size = -{CACHE_KIB};
         PRAGMA threads = 1;
         PRAGMA user_version = {};
         {SCHEMA}
         CREATE VIRTUAL TABLE search USING fts5 (
             words,
             content = '', columnsize = 0, detail = none, prefix = '{prefixes}',
             tokenize = 'unicode61 remove_diacritics 2'
         );
         INSERT INTO search (search, rank) VALUES ('hashsize', {FTS_BUFFER_BYTES});
         BEGIN;",
        super::LAYOUT_VERSION
    ))?;

    let mut state = Progress {
        stage: Stage::Reading,
        rows: 0,
        bytes_read: 0,
        total_bytes,
        indexed: 0,
    };
    report(progress, &state)?;
    let mut loader = Loader::new(&connection)?;
    let (summary, bytes) = thread::scope(|scope| {
        let (sender, receiver) = sync_channel(BATCHES_IN_FLIGHT);
        let reader = scope.spawn(move || read(extraction, &sender));
        let written = write(&mut loader, receiver, &mut state, progress);
        // A reader that panicked has no summary to give; the panic goes on here.
        let read = reader
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        written?;
        read.map_err(ImportFailure::from)
    })?;
    let (entries, merged_rows) = (loader.entries(), loader.merged);
    drop(loader);
    if entries == 0 {
        return Err(ImportFailure::NoEntries);
    }

    state = Progress {
        stage: Stage::Indexing,
        rows: summary.rows,
        bytes_read: bytes,
        ..state
    };
    report(progress, &state)?;
    index_alphabetically(&connection, &mut state, progress)?;

    state.stage = Stage::Finishing;
    report(progress, &state)?;
    // One segment answers faster than the few the import leaves.
    connection.execute_batch(
        "DROP TABLE scratch;
         INSERT INTO search (search) VALUES ('optimize');
         CREATE VIRTUAL TABLE temp.search_terms USING fts5vocab (main, search, row);
         INSERT INTO vocabulary (term) SELECT term FROM temp.search_terms;",
    )?;
    connection.execute(
        "INSERT INTO about (source, imported_at, rows, entries) VALUES (?1, ?2, ?3, ?4)",
        (source, Utc::now().timestamp(), summary.rows, entries),
    )?;
    connection.execute_batch("COMMIT;")?;
    connection.close().map_err(|(_, error)| error)?;

    if summary.skipped > 0 {
        tracing::warn!(skipped = summary.skipped, "directory rows skipped");
    }
    Ok(ImportReport {
        rows: summary.rows,
        entries,
        merged_rows,
        skipped_rows: summary.skipped,
        issues: summary.issues,
        bytes,
        elapsed: Duration::ZERO,
    })
}

fn report(
    progress: &mut dyn FnMut(&Progress) -> ControlFlow<()>,
    state: &Progress,
) -> Result<(), ImportFailure> {
    match progress(state) {
        ControlFlow::Continue(()) => Ok(()),
        ControlFlow::Break(()) => Err(ImportFailure::Cancelled),
    }
}

/// Rows parsed, and where the reading stood after them.
struct Batch {
    rows: Vec<Row>,
    rows_read: u64,
    bytes_read: u64,
}

/// A row ready to be written: the values of `entry`'s columns, the sort key and the search
/// words, packed in one string. A million `Entry`s would be eighteen million allocations made by
/// the reading thread and freed by the writing one, which glibc serialises behind a lock.
struct Row {
    text: String,
    /// End of each value in `text`: the `entry` columns in [`ENTRY_COLUMNS`] order, the sort
    /// key, the words.
    ends: [u32; ENTRY_COLUMNS.len() + 2],
    richness: u8,
}

impl Row {
    const ADDRESS: usize = 1;
    const KEY: usize = ENTRY_COLUMNS.len();
    const WORDS: usize = ENTRY_COLUMNS.len() + 1;

    fn new(entry: &Entry, (words, key): (&str, &str)) -> Self {
        let lines = entry.address_lines.join("\n");
        let values = entry_values(entry, &lines);
        let mut text = String::with_capacity(
            values.iter().map(|value| value.len()).sum::<usize>() + key.len() + words.len(),
        );
        let mut ends = [0; ENTRY_COLUMNS.len() + 2];
        for (end, value) in ends.iter_mut().zip(values.into_iter().chain([key, words])) {
            text.push_str(value);
            *end = text.len() as u32;
        }
        Self {
            text,
            ends,
            richness: richness(entry),
        }
    }

    fn value(&self, index: usize) -> &str {
        let start = if index == 0 { 0 } else { self.ends[index - 1] };
        &self.text[start as usize..self.ends[index] as usize]
    }
}

/// The reading thread: parses the file and folds the words, a batch at a time. Stops early,
/// without error, when the writing side has stopped listening.
fn read(
    mut extraction: Extraction<impl BufRead>,
    batches: &SyncSender<Batch>,
) -> Result<(ReadSummary, u64), ExtractionError> {
    let mut words = Words::default();
    let mut rows = Vec::with_capacity(BATCH_ROWS);
    loop {
        let entry = extraction.next().transpose()?;
        let end = entry.is_none();
        if let Some(entry) = entry {
            rows.push(Row::new(&entry, words.of(&entry)));
        }
        if rows.len() == BATCH_ROWS || (end && !rows.is_empty()) {
            let batch = Batch {
                rows: std::mem::replace(&mut rows, Vec::with_capacity(BATCH_ROWS)),
                rows_read: extraction.summary().rows,
                bytes_read: extraction.bytes_read(),
            };
            if batches.send(batch).is_err() {
                break;
            }
        }
        if end {
            break;
        }
    }
    let bytes = extraction.bytes_read();
    Ok((extraction.into_summary(), bytes))
}

/// The writing side of the first pass: every batch into the database, progress in between.
fn write(
    loader: &mut Loader<'_>,
    batches: Receiver<Batch>,
    state: &mut Progress,
    progress: &mut dyn FnMut(&Progress) -> ControlFlow<()>,
) -> Result<(), ImportFailure> {
    for batch in batches {
        for row in &batch.rows {
            loader.add(row)?;
            if loader.documents.is_multiple_of(PROGRESS_EVERY) {
                state.rows = batch.rows_read;
                state.bytes_read = batch.bytes_read;
                report(progress, state)?;
            }
        }
    }
    Ok(())
}

/// The second pass: the scratch rows in alphabetical order into the full-text index, each as
/// the document numbered by its rank.
fn index_alphabetically(
    connection: &Connection,
    state: &mut Progress,
    progress: &mut dyn FnMut(&Progress) -> ControlFlow<()>,
) -> Result<(), ImportFailure> {
    let mut sorted = connection.prepare("SELECT entry, words FROM scratch ORDER BY key, rowid")?;
    let mut rank = connection.prepare("INSERT INTO ranked (document, entry) VALUES (?1, ?2)")?;
    let mut index = connection.prepare("INSERT INTO search (rowid, words) VALUES (?1, ?2)")?;
    let mut rows = sorted.query([])?;
    let mut document: i64 = 0;
    while let Some(row) = rows.next()? {
        document += 1;
        rank.execute((document, row.get::<_, i64>(0)?))?;
        index.execute((
            document,
            row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?,
        ))?;
        if (document as u64).is_multiple_of(PROGRESS_EVERY) {
            state.indexed = document as u64;
            report(progress, state)?;
        }
    }
    state.indexed = document as u64;
    Ok(())
}

/// The first pass: each mailbox once into `entry`, each row into the scratch table.
struct Loader<'c> {
    insert_entry: Statement<'c>,
    insert_scratch: Statement<'c>,
    load_address: Statement<'c>,
    replace_entry: Statement<'c>,
    count_row: Statement<'c>,
    hasher: RandomState,
    /// Address hash → entry id. A hash is 8 bytes where the address would be 40: this is what
    /// keeps a million-row import within its memory budget.
    ids: HashMap<u64, u32>,
    /// The rare addresses whose hash another address already had.
    collisions: HashMap<String, u32>,
    /// How much the row shown says, by entry id - 1.
    richness: Vec<u8>,
    documents: u64,
    merged: u64,
}

impl<'c> Loader<'c> {
    fn new(connection: &'c Connection) -> rusqlite::Result<Self> {
        let columns = ENTRY_COLUMNS.join(", ");
        let values = (2..ENTRY_COLUMNS.len() + 2)
            .map(|i| format!("?{i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let assignments = ENTRY_COLUMNS
            .iter()
            .enumerate()
            .map(|(i, column)| format!("{column} = ?{}", i + 2))
            .collect::<Vec<_>>()
            .join(", ");
        Ok(Self {
            insert_entry: connection.prepare(&format!(
                "INSERT INTO entry (id, {columns}, rows) VALUES (?1, {values}, 1)"
            ))?,
            insert_scratch: connection
                .prepare("INSERT INTO scratch (key, entry, words) VALUES (?1, ?2, ?3)")?,
            load_address: connection.prepare("SELECT address FROM entry WHERE id = ?1")?,
            replace_entry: connection.prepare(&format!(
                "UPDATE entry SET {assignments}, rows = rows + 1 WHERE id = ?1"
            ))?,
            count_row: connection.prepare("UPDATE entry SET rows = rows + 1 WHERE id = ?1")?,
            hasher: RandomState::new(),
            ids: HashMap::new(),
            collisions: HashMap::new(),
            richness: Vec::new(),
            documents: 0,
            merged: 0,
        })
    }

    fn entries(&self) -> u64 {
        self.documents - self.merged
    }

    fn add(&mut self, row: &Row) -> rusqlite::Result<()> {
        self.documents += 1;
        let address = row.value(Row::ADDRESS);
        let hash = self.hasher.hash_one(address);
        let known = match self.collisions.get(address) {
            Some(id) => Some(*id),
            None => self.ids.get(&hash).copied(),
        };
        let shown = match known {
            Some(id) => Some(
                self.load_address
                    .query_row([id], |r| r.get::<_, String>(0))?,
            ),
            None => None,
        };
        let id = match (known, shown) {
            (Some(id), Some(shown)) if shown == address => {
                self.merge(id, row)?;
                id
            }
            _ => {
                let id = self.richness.len() as u32 + 1;
                bind_entry(&mut self.insert_entry, id, row)?;
                self.insert_entry.raw_execute()?;
                if known.is_some() {
                    self.collisions.insert(address.to_owned(), id);
                } else {
                    self.ids.insert(hash, id);
                }
                self.richness.push(row.richness);
                id
            }
        };
        self.insert_scratch
            .execute((row.value(Row::KEY), id, row.value(Row::WORDS)))?;
        Ok(())
    }

    /// Another row for a known address: it becomes what the mailbox shows if it says more than
    /// the row shown so far.
    fn merge(&mut self, id: u32, row: &Row) -> rusqlite::Result<()> {
        self.merged += 1;
        let shown = &mut self.richness[id as usize - 1];
        if row.richness > *shown {
            *shown = row.richness;
            bind_entry(&mut self.replace_entry, id, row)?;
            self.replace_entry.raw_execute()?;
        } else {
            self.count_row.execute([id])?;
        }
        Ok(())
    }
}

fn bind_entry(statement: &mut Statement<'_>, id: u32, row: &Row) -> rusqlite::Result<()> {
    statement.raw_bind_parameter(1, id)?;
    for i in 0..ENTRY_COLUMNS.len() {
        statement.raw_bind_parameter(i + 2, row.value(i))?;
    }
    Ok(())
}

/// An entry's values in the order of [`ENTRY_COLUMNS`].
fn entry_values<'a>(entry: &'a Entry, address_lines: &'a str) -> [&'a str; 18] {
    [
        entry.box_type.code(),
        &entry.address,
        &entry.civility,
        &entry.last_name,
        &entry.first_name,
        &entry.profession_code,
        &entry.profession,
        &entry.specialty_code,
        &entry.specialty,
        &entry.structure,
        &entry.trade_name,
        &entry.service,
        address_lines,
        &entry.postcode,
        &entry.town,
        &entry.department,
        &entry.country,
        &entry.national_id,
    ]
}

/// How much a row says about its mailbox: a merge shows the row that says most.
fn richness(entry: &Entry) -> u8 {
    let filled = [
        &entry.civility,
        &entry.last_name,
        &entry.first_name,
        &entry.profession,
        &entry.specialty,
        &entry.structure,
        &entry.service,
        &entry.postcode,
        &entry.town,
        &entry.department,
    ]
    .iter()
    .filter(|text| !text.is_empty())
    .count();
    filled as u8 + u8::from(!entry.address_lines.is_empty())
}

/// The search words of a row, built in buffers reused from row to row.
///
/// Indexed: names, profession and specialty, structure and service, town, and the address
/// itself, cut into words (without the `mssante.fr` every address has); street lines are shown
/// but not searched (nobody looks a doctor up by street number). Then the marked words that
/// [`Query::plan`] asks for: name and first name (for exact name matches first), box type and
/// profession (filters), postcode and department (numbers typed, and the department filter).
///
/// [`Query::plan`]: crate::directory::Query
#[derive(Debug, Default)]
struct Words {
    text: String,
    name: String,
    given: String,
    /// Hash, start and end of each word of `text`, to drop repeated words.
    spans: Vec<(u64, u32, u32)>,
    unique: String,
    key: String,
}

impl Words {
    /// The words of `entry`, each once, and its alphabetical sort key: the person's name and
    /// first name, or the structure, trade name and service for a mailbox without a person.
    fn of(&mut self, entry: &Entry) -> (&str, &str) {
        let Self {
            text,
            name,
            given,
            spans,
            unique,
            key,
        } = self;
        text.clear();
        name.clear();
        given.clear();
        let person = entry.names_a_person();
        let organisation = [&entry.structure, &entry.trade_name, &entry.service];
        if person {
            fold_words_into(&entry.last_name, name);
        } else {
            for part in organisation {
                fold_words_into(part, name);
                name.push(' ');
            }
        }
        fold_words_into(&entry.first_name, given);
        key.clear();
        key.push_str(name.trim_end());
        key.push(' ');
        key.push_str(given);

        text.push_str(name);
        text.push(' ');
        text.push_str(given);
        let organisation: &[&String] = if person { &organisation } else { &[] };
        let more = [&entry.profession, &entry.specialty, &entry.town];
        for part in more.into_iter().chain(organisation.iter().copied()) {
            text.push(' ');
            fold_words_into(part, text);
        }
        text.push(' ');
        fold_words_into(without_trust_domain(&entry.address), text);
        push_tags(entry.box_type.code(), &entry.profession_code, text);
        push_marks(NAME_MARK, name, text);
        push_marks(GIVEN_MARK, given, text);
        for place in [&entry.postcode, &entry.department] {
            let place = tag_value(place);
            if !place.is_empty() {
                text.push(' ');
                text.push_str(ZIP_MARK);
                text.push_str(&place);
            }
        }

        // A word said twice (LENS in the structure, the town and the address) is indexed once:
        // this thread has time to spare, the writing one has not. Words are cut as
        // `fold::tokens` cuts them, for the index to see the words the queries ask for.
        spans.clear();
        let mut start = None;
        for (i, byte) in text.bytes().chain([b' ']).enumerate() {
            let inside = byte.is_ascii_alphanumeric();
            match (start, inside) {
                (None, true) => start = Some(i),
                (Some(from), false) => {
                    spans.push((hash(&text.as_bytes()[from..i]), from as u32, i as u32));
                    start = None;
                }
                _ => {}
            }
        }
        spans.sort_unstable_by_key(|&(hash, ..)| hash);
        spans.dedup_by_key(|&mut (hash, ..)| hash);
        unique.clear();
        for &(_, from, to) in spans.iter() {
            unique.push_str(&text[from as usize..to as usize]);
            unique.push(' ');
        }
        (unique, key)
    }
}

/// FNV-1a: a fast hash for short words, good enough to find repeats among thirty.
fn hash(word: &[u8]) -> u64 {
    word.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}
