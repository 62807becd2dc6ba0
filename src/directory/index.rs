//! The embedded directory index: SQLite FTS5, rebuilt whole at each import, searched as the user
//! types.
//!
//! # Files
//!
//! The path the caller gives is a small catalog database (WAL) that names the *generation* in
//! use; each import writes a complete new generation file beside it (`<path>.<n>`), under a
//! `.partial` name until it is finished and synced, and only then makes the catalog point to it,
//! in one transaction. An import that fails, is cancelled or is killed half-way therefore loses
//! nothing: the previous generation keeps answering, during the import and after it. A generation
//! is written once and then only read, so it needs no journal while it is built, and readers
//! never wait for a writer.
//!
//! # One address, one result
//!
//! The extraction lists a mailbox once per practice place (RULES §7). Rows with the same address
//! are merged: the richest row (the most fields filled; the first one on a tie) is what a result
//! shows, and every row's profession, structure, service, town, postcode and department stay
//! searchable and filterable, so a doctor working in two towns is found from either.
//! [`Hit::rows`] says how many rows were merged.
//!
//! # Order
//!
//! Entries are numbered in alphabetical order (name, then first name; structure for a box
//! without a person) so that FTS5, which returns matches by row number, returns them sorted
//! without sorting them; see [`Query`] for how exact name matches come first.

use std::collections::HashMap;
use std::fmt;
use std::fs::{self, File};
use std::hash::{BuildHasher, RandomState};
use std::io::{self, BufRead, BufReader, Read};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension, Row, Statement};

use crate::directory::extraction::{BoxType, Entry, Extraction, ExtractionError, RowIssue};
use crate::directory::fold::fold_into;
use crate::directory::query::{push_tags, Query};

/// Bumped when the layout of a generation changes; an older generation is then ignored and the
/// user asked to import again, rather than misread.
const LAYOUT_VERSION: i64 = 1;

/// Rows between two progress reports: often enough for a smooth bar, rarely enough to cost
/// nothing.
const PROGRESS_EVERY: u64 = 8_192;

/// A leftover file older than this is no import in progress but the remains of a crash.
const STALE_AFTER: Duration = Duration::from_secs(600);

/// Memory SQLite may use for each of its caches while building, in KiB (negative, as the
/// `cache_size` pragma wants it). Bounds the import's memory; see the benchmark.
const BUILD_CACHE_KIB: i64 = 32 * 1024;

/// The national directory, searchable offline.
///
/// Every method takes `&self`: searches go on while an import runs on another thread, and the
/// switch to the new index happens between two searches.
pub struct Directory {
    catalog: PathBuf,
    index: Mutex<Option<Index>>,
    /// One import at a time: two would race for the switch and waste the disk.
    importing: Mutex<()>,
}

/// One generation, open for reading.
struct Index {
    connection: Connection,
    generation: u64,
    status: Status,
}

/// What the index in use was built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// The file name of the extraction.
    pub source: String,
    pub imported_at: DateTime<Utc>,
    /// Data rows in the file.
    pub rows: u64,
    /// Distinct mailboxes.
    pub entries: u64,
}

/// A search result: a mailbox as its richest row describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub entry: Entry,
    /// How many rows of the extraction carry this address (1 for most).
    pub rows: u32,
}

/// Where an import stands, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub stage: Stage,
    /// Data rows read from the file so far.
    pub rows: u64,
    pub bytes_read: u64,
    /// The file size, when known.
    pub total_bytes: Option<u64>,
    /// Mailboxes written into the index so far, during [`Stage::Indexing`].
    pub indexed: u64,
    /// Mailboxes to write, known once the file is read.
    pub to_index: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading and checking the file.
    Reading,
    /// Writing the mailboxes in alphabetical order into the full-text index.
    Indexing,
    /// Compacting the index and switching to it: a few seconds without news.
    Finishing,
}

impl Progress {
    /// The share of the work done, from 0 to 1, for a single bar across the stages; `None`
    /// while reading a file of unknown size. The weights are the benchmark's timings.
    pub fn fraction(&self) -> Option<f32> {
        const READING: f64 = 0.35;
        const INDEXING: f64 = 0.45;
        let part = |done: u64, total: u64| done as f64 / total.max(1) as f64;
        let fraction = match self.stage {
            Stage::Reading => READING * part(self.bytes_read, self.total_bytes?),
            Stage::Indexing => READING + INDEXING * part(self.indexed, self.to_index),
            Stage::Finishing => READING + INDEXING,
        };
        Some(fraction.min(1.0) as f32)
    }
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// Data rows read.
    pub rows: u64,
    /// Distinct mailboxes now searchable.
    pub entries: u64,
    /// Rows folded into an earlier row with the same address.
    pub merged_rows: u64,
    /// Rows left out; the first ones are in `issues`.
    pub skipped_rows: u64,
    pub issues: Vec<RowIssue>,
    pub bytes: u64,
    pub elapsed: Duration,
}

/// An import that did not happen; the directory is as it was.
#[derive(Debug, thiserror::Error)]
#[error("{cause}; {previous}")]
pub struct ImportError {
    pub cause: ImportFailure,
    pub previous: Previous,
}

/// What is still answering searches after a failed import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Previous {
    /// The directory imported before.
    Kept,
    /// Nothing: there was no directory before.
    Empty,
}

impl fmt::Display for Previous {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Kept => "the previous directory is still in use",
            Self::Empty => "no directory is installed yet",
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportFailure {
    #[error(transparent)]
    File(#[from] ExtractionError),
    #[error("the file contains no mailbox")]
    NoEntries,
    #[error("the import was cancelled")]
    Cancelled,
    #[error("cannot write the new directory index ({0}); check the free disk space")]
    Database(#[from] rusqlite::Error),
    #[error("cannot write the new directory index ({0}); check the free disk space")]
    Disk(#[from] io::Error),
}

/// Opening or reading the index failed.
#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    #[error("cannot create the folder of the directory index {}: {source}", path.display())]
    Folder { path: PathBuf, source: io::Error },
    #[error("cannot open the directory index {}: {source}", path.display())]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("the directory index was made by another version of Pli; import the directory again")]
    OtherLayout,
    #[error("the directory index cannot be read ({0}); import the directory again")]
    Read(#[from] rusqlite::Error),
}

impl Directory {
    /// Opens the directory stored at `path`, creating it empty if needed.
    ///
    /// A missing or unreadable index is not an error here: the directory opens empty (and says
    /// so through [`Directory::status`]) so that the user can import a file again.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, DirectoryError> {
        let catalog = path.as_ref().to_path_buf();
        if let Some(parent) = catalog.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(|source| DirectoryError::Folder {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let connection = open_catalog(&catalog).map_err(|source| DirectoryError::Open {
            path: catalog.clone(),
            source,
        })?;
        let current = current_generation(&connection)?;
        drop(connection);
        let index = current.and_then(|generation| {
            Index::open(&generation_path(&catalog, generation), generation)
                .inspect_err(|error| {
                    tracing::warn!(generation, %error, "the directory index cannot be used");
                })
                .ok()
        });
        remove_leftovers(&catalog, current);
        Ok(Self {
            catalog,
            index: Mutex::new(index),
            importing: Mutex::new(()),
        })
    }

    /// What the index in use was built from; `None` before the first import.
    pub fn status(&self) -> Option<Status> {
        self.lock().as_ref().map(|index| index.status.clone())
    }

    /// Imports an extraction file; see [`Directory::import_reader`].
    pub fn import_file(
        &self,
        path: &Path,
        progress: impl FnMut(&Progress) -> ControlFlow<()>,
    ) -> Result<ImportReport, ImportError> {
        let file =
            File::open(path).map_err(|error| self.failed(ExtractionError::Io(error).into()))?;
        let total_bytes = file.metadata().ok().map(|metadata| metadata.len());
        let source = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.import_reader(file, total_bytes, &source, progress)
    }

    /// Builds a new index from an extraction and switches to it once it is complete.
    ///
    /// `progress` is called every few thousand rows; returning `ControlFlow::Break` cancels the
    /// import. On any error the directory in use is left untouched.
    pub fn import_reader(
        &self,
        reader: impl Read,
        total_bytes: Option<u64>,
        source: &str,
        mut progress: impl FnMut(&Progress) -> ControlFlow<()>,
    ) -> Result<ImportReport, ImportError> {
        let _one_at_a_time = self
            .importing
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let started = Instant::now();
        let result = self.build_and_switch(reader, total_bytes, source, &mut progress);
        let mut report = result.map_err(|cause| self.failed(cause))?;
        report.elapsed = started.elapsed();
        tracing::info!(
            rows = report.rows,
            entries = report.entries,
            merged = report.merged_rows,
            skipped = report.skipped_rows,
            elapsed_ms = report.elapsed.as_millis() as u64,
            "directory imported"
        );
        Ok(report)
    }

    /// Mailboxes matching the query, best first.
    pub fn search(&self, query: &Query) -> Result<Vec<Hit>, DirectoryError> {
        let limit = query.result_limit();
        let plan = query.plan();
        let guard = self.lock();
        let Some(index) = guard.as_ref() else {
            return Ok(Vec::new());
        };
        if plan.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let mut matches = index.connection.prepare_cached(
            "SELECT rowid FROM search WHERE search MATCH ?1 ORDER BY rowid LIMIT ?2",
        )?;
        let mut ids: Vec<i64> = Vec::with_capacity(limit);
        for expression in &plan {
            let mut rows = matches.query((expression, limit as i64))?;
            while let Some(row) = rows.next()? {
                let id = row.get(0)?;
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            if ids.len() >= limit {
                break;
            }
        }
        ids.truncate(limit);
        let mut entry = index
            .connection
            .prepare_cached(&format!("SELECT {HIT_COLUMNS} FROM entry WHERE id = ?1"))?;
        let hits = ids
            .iter()
            .map(|id| entry.query_row([id], hit_from_row))
            .collect::<Result<_, _>>()?;
        Ok(hits)
    }

    /// The mailbox with exactly this address, whatever its case.
    pub fn lookup(&self, address: &str) -> Result<Option<Hit>, DirectoryError> {
        let guard = self.lock();
        let Some(index) = guard.as_ref() else {
            return Ok(None);
        };
        let mut statement = index.connection.prepare_cached(&format!(
            "SELECT {HIT_COLUMNS} FROM entry WHERE address = ?1"
        ))?;
        let hit = statement
            .query_row([address.trim().to_lowercase()], hit_from_row)
            .optional()?;
        Ok(hit)
    }

    fn lock(&self) -> MutexGuard<'_, Option<Index>> {
        // A panic elsewhere while holding the lock leaves the connection usable.
        self.index.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn failed(&self, cause: ImportFailure) -> ImportError {
        let previous = if self.lock().is_some() {
            Previous::Kept
        } else {
            Previous::Empty
        };
        tracing::warn!(error = %cause, "directory import failed");
        ImportError { cause, previous }
    }

    fn build_and_switch(
        &self,
        reader: impl Read,
        total_bytes: Option<u64>,
        source: &str,
        progress: &mut dyn FnMut(&Progress) -> ControlFlow<()>,
    ) -> Result<ImportReport, ImportFailure> {
        // Read the header before creating anything: a wrong file is refused at once.
        let extraction = Extraction::new(BufReader::with_capacity(1 << 18, reader))?;
        let generation = {
            let catalog = open_catalog(&self.catalog)?;
            reserve_generation(&catalog)?
        };
        let partial = Leftover(partial_path(&self.catalog, generation));
        let report = build(&partial.0, extraction, total_bytes, source, progress)?;
        File::open(&partial.0)?.sync_all()?;

        let finished = Leftover(generation_path(&self.catalog, generation));
        fs::rename(&partial.0, &finished.0)?;
        sync_folder(&self.catalog);
        // Open before switching, so that a generation that cannot be read is never installed.
        let index = Index::open(&finished.0, generation).map_err(|error| match error {
            DirectoryError::Read(error) | DirectoryError::Open { source: error, .. } => {
                ImportFailure::Database(error)
            }
            other => ImportFailure::Disk(io::Error::other(other.to_string())),
        })?;
        install_generation(&open_catalog(&self.catalog)?, generation)?;
        finished.keep();

        let previous = self.lock().replace(index);
        if let Some(previous) = previous {
            let path = generation_path(&self.catalog, previous.generation);
            drop(previous);
            if let Err(error) = fs::remove_file(&path) {
                // Still open elsewhere (Windows): the next start removes it.
                tracing::debug!(%error, "the previous directory index could not be removed yet");
            }
        }
        Ok(report)
    }
}

impl fmt::Debug for Directory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Directory")
            .field("catalog", &self.catalog)
            .field("status", &self.status())
            .finish_non_exhaustive()
    }
}

impl Index {
    fn open(path: &Path, generation: u64) -> Result<Self, DirectoryError> {
        let connection = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|source| DirectoryError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        let layout: i64 = connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        if layout != LAYOUT_VERSION {
            return Err(DirectoryError::OtherLayout);
        }
        connection.execute_batch("PRAGMA cache_size = -16384;")?;
        let status = connection.query_row(
            "SELECT source, imported_at, rows, entries FROM about",
            [],
            |row| {
                Ok(Status {
                    source: row.get(0)?,
                    imported_at: DateTime::from_timestamp(row.get(1)?, 0).unwrap_or_default(),
                    rows: row.get(2)?,
                    entries: row.get(3)?,
                })
            },
        )?;
        Ok(Self {
            connection,
            generation,
            status,
        })
    }
}

/// A file that is removed when dropped, unless kept: the import's half-written files go away on
/// every error path.
struct Leftover(PathBuf);

impl Leftover {
    fn keep(self) {
        std::mem::forget(self);
    }
}

impl Drop for Leftover {
    fn drop(&mut self) {
        if let Err(error) = fs::remove_file(&self.0) {
            if error.kind() != io::ErrorKind::NotFound {
                tracing::warn!(%error, "a partial directory index could not be removed");
            }
        }
    }
}

fn open_catalog(path: &Path) -> rusqlite::Result<Connection> {
    let connection = Connection::open(path)?;
    connection.busy_timeout(Duration::from_secs(5))?;
    connection.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         CREATE TABLE IF NOT EXISTS generation (
             singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
             current INTEGER,     -- the generation answering searches; NULL before any import
             next INTEGER NOT NULL
         ) STRICT;
         INSERT OR IGNORE INTO generation VALUES (1, NULL, 1);",
    )?;
    Ok(connection)
}

fn current_generation(catalog: &Connection) -> rusqlite::Result<Option<u64>> {
    catalog.query_row("SELECT current FROM generation", [], |row| row.get(0))
}

/// A generation number no other import, in this process or another, will use.
fn reserve_generation(catalog: &Connection) -> rusqlite::Result<u64> {
    catalog.query_row(
        "UPDATE generation SET next = next + 1 RETURNING next - 1",
        [],
        |row| row.get(0),
    )
}

/// The switch: from this commit on, every opening of the directory uses `generation`.
fn install_generation(catalog: &Connection, generation: u64) -> rusqlite::Result<()> {
    catalog.execute("UPDATE generation SET current = ?1", [generation])?;
    Ok(())
}

fn generation_path(catalog: &Path, generation: u64) -> PathBuf {
    let mut name = catalog.as_os_str().to_owned();
    name.push(format!(".{generation}"));
    PathBuf::from(name)
}

fn partial_path(catalog: &Path, generation: u64) -> PathBuf {
    let mut name = generation_path(catalog, generation).into_os_string();
    name.push(".partial");
    PathBuf::from(name)
}

/// Makes a rename durable on systems where the folder itself must be synced.
fn sync_folder(catalog: &Path) {
    #[cfg(unix)]
    if let Some(parent) = catalog.parent().filter(|p| !p.as_os_str().is_empty()) {
        if let Err(error) = File::open(parent).and_then(|folder| folder.sync_all()) {
            tracing::debug!(%error, "the directory index folder could not be synced");
        }
    }
    #[cfg(not(unix))]
    let _ = catalog;
}

/// Removes generations that are no longer in use and imports that died half-way, leaving alone
/// what a running import may still be writing.
fn remove_leftovers(catalog: &Path, current: Option<u64>) {
    let (Some(folder), Some(name)) = (catalog.parent(), catalog.file_name()) else {
        return;
    };
    let folder = if folder.as_os_str().is_empty() {
        Path::new(".")
    } else {
        folder
    };
    let prefix = format!("{}.", name.to_string_lossy());
    let Ok(files) = fs::read_dir(folder) else {
        return;
    };
    for file in files.flatten() {
        let file_name = file.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name.strip_prefix(&prefix) else {
            continue;
        };
        let (number, partial) = match rest.strip_suffix(".partial") {
            Some(number) => (number, true),
            None => (rest, false),
        };
        let Ok(generation) = number.parse::<u64>() else {
            continue;
        };
        if Some(generation) == current {
            continue;
        }
        let old = file
            .metadata()
            .and_then(|metadata| metadata.modified())
            .ok()
            .and_then(|modified| SystemTime::now().duration_since(modified).ok())
            .is_some_and(|age| age > STALE_AFTER);
        let superseded = !partial && current.is_some_and(|current| generation < current);
        if old || superseded {
            match fs::remove_file(file.path()) {
                Ok(()) => tracing::debug!(generation, partial, "leftover directory index removed"),
                Err(error) => tracing::debug!(%error, "a leftover directory index stays"),
            }
        }
    }
}

/// Writes a complete generation at `path` from the extraction.
fn build(
    path: &Path,
    mut extraction: Extraction<impl BufRead>,
    total_bytes: Option<u64>,
    source: &str,
    progress: &mut dyn FnMut(&Progress) -> ControlFlow<()>,
) -> Result<ImportReport, ImportFailure> {
    let connection = Connection::open(path)?;
    // Nobody else reads this file before it is complete, and an interrupted build is thrown
    // away: no journal, no sync, one exclusive lock.
    connection.execute_batch(&format!(
        "PRAGMA journal_mode = OFF;
         PRAGMA synchronous = OFF;
         PRAGMA locking_mode = EXCLUSIVE;
         PRAGMA temp_store = FILE;
         PRAGMA cache_size = -{BUILD_CACHE_KIB};
         PRAGMA temp.cache_size = -{BUILD_CACHE_KIB};
         PRAGMA user_version = {LAYOUT_VERSION};
         {SCHEMA}
         BEGIN;"
    ))?;

    let mut state = Progress {
        stage: Stage::Reading,
        rows: 0,
        bytes_read: 0,
        total_bytes,
        indexed: 0,
        to_index: 0,
    };
    let mut staging = Staging::new(&connection)?;
    report(progress, &state)?;
    while let Some(entry) = extraction.next() {
        staging.add(&entry?)?;
        if staging.rows.is_multiple_of(PROGRESS_EVERY) {
            state.rows = staging.rows;
            state.bytes_read = extraction.bytes_read();
            report(progress, &state)?;
        }
    }
    let bytes = extraction.bytes_read();
    let summary = extraction.into_summary();
    let entries = staging.entries();
    let merged_rows = staging.merged;
    drop(staging);
    if entries == 0 {
        return Err(ImportFailure::NoEntries);
    }
    state = Progress {
        stage: Stage::Indexing,
        rows: summary.rows,
        bytes_read: bytes,
        to_index: entries,
        ..state
    };
    report(progress, &state)?;
    write_index(&connection, &mut state, progress)?;

    state.stage = Stage::Finishing;
    report(progress, &state)?;
    connection.execute_batch(
        "CREATE UNIQUE INDEX entry_address ON entry (address);
         INSERT INTO search (search) VALUES ('optimize');",
    )?;
    let imported_at = Utc::now().timestamp();
    connection.execute(
        "INSERT INTO about (source, imported_at, rows, entries) VALUES (?1, ?2, ?3, ?4)",
        (source, imported_at, summary.rows, entries),
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

/// The tables of a generation. `search` is contentless (the text lives in `entry`), keeps no
/// positions (no phrase queries, only words), no column sizes (no bm25), and indexes the
/// prefixes of one to three letters that a user types first.
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
        rows INTEGER NOT NULL
    ) STRICT;
    CREATE VIRTUAL TABLE search USING fts5 (
        name, given, work, org, place, zip, mail, tag,
        content = '', columnsize = 0, detail = column, prefix = '1 2 3',
        tokenize = 'unicode61 remove_diacritics 2'
    );
    CREATE TABLE about (
        source TEXT NOT NULL,
        imported_at INTEGER NOT NULL,
        rows INTEGER NOT NULL,
        entries INTEGER NOT NULL
    ) STRICT;
    CREATE TEMP TABLE staging (
        sort_key TEXT NOT NULL,
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
        rows INTEGER NOT NULL DEFAULT 1,
        also_work TEXT NOT NULL DEFAULT '',
        also_org TEXT NOT NULL DEFAULT '',
        also_place TEXT NOT NULL DEFAULT '',
        also_zip TEXT NOT NULL DEFAULT '',
        also_tag TEXT NOT NULL DEFAULT ''
    );
";

/// The display columns, in the order of `entry` and `staging` (after `sort_key`).
const ENTRY_COLUMNS: &str = "box_type, address, civility, last_name, first_name, \
    profession_code, profession, specialty_code, specialty, structure, trade_name, service, \
    address_lines, postcode, town, department, country";
const ENTRY_COLUMN_COUNT: usize = 17;
const HIT_COLUMNS: &str = "box_type, address, civility, last_name, first_name, \
    profession_code, profession, specialty_code, specialty, structure, trade_name, service, \
    address_lines, postcode, town, department, country, rows";

fn entry_values<'a>(entry: &'a Entry, address_lines: &'a str) -> [&'a str; ENTRY_COLUMN_COUNT] {
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
    ]
}

fn hit_from_row(row: &Row<'_>) -> rusqlite::Result<Hit> {
    let text = |i: usize| row.get::<_, String>(i);
    let lines: String = text(12)?;
    Ok(Hit {
        entry: Entry {
            box_type: BoxType::from_code(&text(0)?),
            address: text(1)?,
            civility: text(2)?,
            last_name: text(3)?,
            first_name: text(4)?,
            profession_code: text(5)?,
            profession: text(6)?,
            specialty_code: text(7)?,
            specialty: text(8)?,
            structure: text(9)?,
            trade_name: text(10)?,
            service: text(11)?,
            address_lines: lines
                .split('\n')
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
            postcode: text(13)?,
            town: text(14)?,
            department: text(15)?,
            country: text(16)?,
        },
        rows: row.get(17)?,
    })
}

/// The alphabetical key of an entry: the person, or the structure for a box without one.
fn sort_key(entry: &Entry) -> String {
    let mut key = String::with_capacity(48);
    if entry.box_type == BoxType::Personal || !entry.last_name.is_empty() {
        fold_into(&entry.last_name, &mut key);
        key.push(' ');
        fold_into(&entry.first_name, &mut key);
    } else {
        fold_into(&entry.structure, &mut key);
        key.push(' ');
        fold_into(&entry.service, &mut key);
    }
    key
}

/// How much a row says about its mailbox: the merge keeps the row that says most.
fn richness(entry: &Entry) -> u8 {
    [
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
    .count() as u8
        + u8::from(!entry.address_lines.is_empty())
}

/// The words of a row that must stay searchable when another row of the same address is shown:
/// `[work, org, place, zip, tag]`, unfolded except the tags.
fn searchable_words(entry: &Entry) -> [String; 5] {
    let mut tags = String::new();
    push_tags(
        entry.box_type.code(),
        &entry.profession_code,
        &entry.department,
        &mut tags,
    );
    [
        format!("{} {}", entry.profession, entry.specialty),
        format!("{} {} {}", entry.structure, entry.trade_name, entry.service),
        format!("{} {}", entry.town, entry.address_lines.join(" ")),
        format!("{} {}", entry.postcode, entry.department),
        tags,
    ]
}

/// The first pass: every row into a scratch table, one row per address.
struct Staging<'c> {
    insert: Statement<'c>,
    load: Statement<'c>,
    replace: Statement<'c>,
    append: Statement<'c>,
    hasher: RandomState,
    /// Address hash → row of `staging`. A hash is 8 bytes where the address would be 40: this is
    /// what keeps a million-row import within its memory budget.
    slots: HashMap<u64, u32>,
    /// The rare addresses whose hash another address already had.
    collisions: HashMap<String, u32>,
    /// The richness of the row shown for each slot, by slot - 1.
    richness: Vec<u8>,
    rows: u64,
    merged: u64,
}

impl<'c> Staging<'c> {
    fn new(connection: &'c Connection) -> rusqlite::Result<Self> {
        let placeholders = |from: usize| {
            (from..from + ENTRY_COLUMN_COUNT)
                .map(|i| format!("?{i}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let assignments = ENTRY_COLUMNS
            .split(", ")
            .enumerate()
            .map(|(i, column)| format!("{column} = ?{}", i + 3))
            .collect::<Vec<_>>()
            .join(", ");
        let also = |from: usize| {
            ["work", "org", "place", "zip", "tag"]
                .iter()
                .enumerate()
                .map(|(i, column)| format!("also_{column} = also_{column} || ' ' || ?{}", from + i))
                .collect::<Vec<_>>()
                .join(", ")
        };
        Ok(Self {
            insert: connection.prepare(&format!(
                "INSERT INTO staging (rowid, sort_key, {ENTRY_COLUMNS}) VALUES (?1, ?2, {})",
                placeholders(3)
            ))?,
            load: connection.prepare(&format!(
                "SELECT {ENTRY_COLUMNS}, rows FROM staging WHERE rowid = ?1"
            ))?,
            replace: connection.prepare(&format!(
                "UPDATE staging SET sort_key = ?2, {assignments}, rows = rows + 1, {} \
                 WHERE rowid = ?1",
                also(3 + ENTRY_COLUMN_COUNT)
            ))?,
            append: connection.prepare(&format!(
                "UPDATE staging SET rows = rows + 1, {} WHERE rowid = ?1",
                also(2)
            ))?,
            hasher: RandomState::new(),
            slots: HashMap::new(),
            collisions: HashMap::new(),
            richness: Vec::new(),
            rows: 0,
            merged: 0,
        })
    }

    fn entries(&self) -> u64 {
        self.richness.len() as u64
    }

    fn add(&mut self, entry: &Entry) -> rusqlite::Result<()> {
        self.rows += 1;
        let hash = self.hasher.hash_one(entry.address.as_str());
        let candidate = self
            .collisions
            .get(&entry.address)
            .or_else(|| self.slots.get(&hash))
            .copied();
        let mut collision = false;
        if let Some(slot) = candidate {
            let shown = self.load.query_row([slot], hit_from_row)?.entry;
            if shown.address == entry.address {
                return self.merge(slot, shown, entry);
            }
            collision = true;
        }

        let slot = self.richness.len() as u32 + 1;
        let lines = entry.address_lines.join("\n");
        self.insert.raw_bind_parameter(1, slot)?;
        self.insert.raw_bind_parameter(2, sort_key(entry))?;
        for (i, value) in entry_values(entry, &lines).into_iter().enumerate() {
            self.insert.raw_bind_parameter(3 + i, value)?;
        }
        self.insert.raw_execute()?;
        self.richness.push(richness(entry));
        if collision {
            self.collisions.insert(entry.address.clone(), slot);
        } else {
            self.slots.insert(hash, slot);
        }
        Ok(())
    }

    fn merge(&mut self, slot: u32, shown: Entry, entry: &Entry) -> rusqlite::Result<()> {
        self.merged += 1;
        let index = slot as usize - 1;
        let richer = richness(entry);
        if richer > self.richness[index] {
            // The new row becomes the face of the mailbox; the old one stays searchable.
            self.richness[index] = richer;
            let lines = entry.address_lines.join("\n");
            let statement = &mut self.replace;
            statement.raw_bind_parameter(1, slot)?;
            statement.raw_bind_parameter(2, sort_key(entry))?;
            for (i, value) in entry_values(entry, &lines).into_iter().enumerate() {
                statement.raw_bind_parameter(3 + i, value)?;
            }
            for (i, words) in searchable_words(&shown).iter().enumerate() {
                statement.raw_bind_parameter(3 + ENTRY_COLUMN_COUNT + i, words)?;
            }
            statement.raw_execute()?;
        } else {
            let statement = &mut self.append;
            statement.raw_bind_parameter(1, slot)?;
            for (i, words) in searchable_words(entry).iter().enumerate() {
                statement.raw_bind_parameter(2 + i, words)?;
            }
            statement.raw_execute()?;
        }
        Ok(())
    }
}

/// The second pass: the staged mailboxes in alphabetical order into `entry` and `search`, both
/// numbered by that order.
fn write_index(
    connection: &Connection,
    state: &mut Progress,
    progress: &mut dyn FnMut(&Progress) -> ControlFlow<()>,
) -> Result<(), ImportFailure> {
    let mut sorted = connection.prepare(&format!(
        "SELECT {ENTRY_COLUMNS}, rows, also_work, also_org, also_place, also_zip, also_tag \
         FROM staging ORDER BY sort_key, address"
    ))?;
    let mut insert_entry = connection.prepare(&format!(
        "INSERT INTO entry (id, {ENTRY_COLUMNS}, rows) VALUES ({})",
        (1..=ENTRY_COLUMN_COUNT + 2)
            .map(|i| format!("?{i}"))
            .collect::<Vec<_>>()
            .join(", ")
    ))?;
    let mut insert_search = connection.prepare(
        "INSERT INTO search (rowid, name, given, work, org, place, zip, mail, tag) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    let mut columns: [String; 8] = Default::default();
    let mut rows = sorted.query([])?;
    let mut id: i64 = 0;
    while let Some(row) = rows.next()? {
        id += 1;
        let mut text = [""; ENTRY_COLUMN_COUNT + 6];
        for (i, slot) in text.iter_mut().enumerate() {
            if i != ENTRY_COLUMN_COUNT {
                *slot = row.get_ref(i)?.as_str().map_err(rusqlite::Error::from)?;
            }
        }
        insert_entry.raw_bind_parameter(1, id)?;
        for (i, value) in text[..ENTRY_COLUMN_COUNT].iter().enumerate() {
            insert_entry.raw_bind_parameter(2 + i, value)?;
        }
        insert_entry.raw_bind_parameter(ENTRY_COLUMN_COUNT + 2, row.get::<_, i64>(17)?)?;
        insert_entry.raw_execute()?;

        fill_search_columns(&text, &mut columns);
        insert_search.raw_bind_parameter(1, id)?;
        for (i, column) in columns.iter().enumerate() {
            insert_search.raw_bind_parameter(2 + i, column)?;
        }
        insert_search.raw_execute()?;

        if (id as u64).is_multiple_of(PROGRESS_EVERY) {
            state.indexed = id as u64;
            report(progress, state)?;
        }
    }
    state.indexed = id as u64;
    Ok(())
}

/// The folded text of each FTS5 column, from a staged row (`text` indexed as the `staging`
/// select of [`write_index`]: the display columns, then `rows` (unused here), then the `also_`
/// words of merged rows).
fn fill_search_columns(text: &[&str; ENTRY_COLUMN_COUNT + 6], columns: &mut [String; 8]) {
    let [box_type, address, _civility, last_name, first_name, profession_code, profession, _specialty_code, specialty, structure, trade_name, service, address_lines, postcode, town, department, _country] =
        <[&str; ENTRY_COLUMN_COUNT]>::try_from(&text[..ENTRY_COLUMN_COUNT])
            .unwrap_or([""; ENTRY_COLUMN_COUNT]);
    let [also_work, also_org, also_place, also_zip, also_tag] =
        <[&str; 5]>::try_from(&text[ENTRY_COLUMN_COUNT + 1..]).unwrap_or([""; 5]);
    let person = box_type == "PER" || !last_name.is_empty();
    let [name, given, work, org, place, zip, mail, tag] = columns;
    let fold_all = |out: &mut String, parts: &[&str]| {
        out.clear();
        for part in parts {
            fold_into(part, out);
            out.push(' ');
        }
    };
    if person {
        fold_all(name, &[last_name]);
        fold_all(org, &[structure, trade_name, service, also_org]);
    } else {
        fold_all(name, &[structure, trade_name, service]);
        fold_all(org, &[also_org]);
    }
    fold_all(given, &[first_name]);
    fold_all(work, &[profession, specialty, also_work]);
    fold_all(place, &[town, address_lines, also_place]);
    fold_all(zip, &[postcode, department, also_zip]);
    fold_all(mail, &[address]);
    tag.clear();
    push_tags(box_type, profession_code, department, tag);
    tag.push_str(also_tag);
}

#[cfg(test)]
mod tests;
