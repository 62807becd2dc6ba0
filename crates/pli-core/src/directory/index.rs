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
//! The extraction lists a mailbox once per practice place (RULES §7). Each row stays searchable
//! as it is, so a doctor working in two towns is found from either, but a search returns the
//! mailbox once: as the richest of its rows describes it (the most fields filled; the first row
//! on a tie). [`Hit::rows`] says how many rows share the address.
//!
//! # Order and speed
//!
//! Rows are indexed in alphabetical order (see `index/build.rs`), so that FTS5, which returns
//! matches in index order, returns them sorted; [`Query`] asks for exact name matches first.
//! A search reads only as many matches as it shows: a word found in a third of the directory
//! costs what a rare name costs.

use std::fmt;
use std::fs::{self, File};
use std::io::{self, BufReader, Read};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension, Row};

use crate::directory::extraction::{BoxType, Entry, Extraction, ExtractionError, RowIssue};
use crate::directory::query::{Query, Spelling, MAX_SPELLED_TERMS};

mod build;

/// Bumped when the layout of a generation changes; an older generation is then ignored and the
/// user asked to import again, rather than misread.
const LAYOUT_VERSION: i64 = 2;

/// A leftover file older than this is no import in progress but the remains of a crash.
const STALE_AFTER: Duration = Duration::from_secs(600);

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
    /// Data rows read so far.
    pub rows: u64,
    pub bytes_read: u64,
    /// The file size, when known.
    pub total_bytes: Option<u64>,
    /// Rows written into the full-text index so far, out of `rows`, during
    /// [`Stage::Indexing`].
    pub indexed: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading and checking the file.
    Reading,
    /// Writing the full-text index in alphabetical order.
    Indexing,
    /// Compacting the index and switching to it: a second or two without news.
    Finishing,
}

impl Progress {
    /// The share of the work done, from 0 to 1, for a single bar across the stages; `None`
    /// while reading a file of unknown size. The weight of each stage is the benchmark's.
    pub fn fraction(&self) -> Option<f32> {
        const READING: f64 = 0.6;
        const INDEXING: f64 = 0.3;
        let part = |done: u64, total: u64| done as f64 / total.max(1) as f64;
        let fraction = match self.stage {
            Stage::Reading => READING * part(self.bytes_read, self.total_bytes?),
            Stage::Indexing => READING + INDEXING * part(self.indexed, self.rows),
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
        reader: impl Read + Send,
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
        let guard = self.lock();
        let Some(index) = guard.as_ref() else {
            return Ok(Vec::new());
        };
        if limit == 0 {
            return Ok(Vec::new());
        }
        let connection = &index.connection;
        let mut vocabulary = connection.prepare_cached(
            "SELECT term FROM vocabulary WHERE term >= ?1 AND term < ?2 ORDER BY term LIMIT ?3",
        )?;
        let plan = query.plan(|prefix| {
            let end = format!("{prefix}\u{10ffff}");
            let terms = vocabulary
                .query_map((prefix, &end, MAX_SPELLED_TERMS as i64 + 1), |row| {
                    row.get(0)
                })?
                .collect::<rusqlite::Result<Vec<String>>>()?;
            Ok::<_, rusqlite::Error>(match terms.len() {
                0 => Spelling::Nothing,
                n if n > MAX_SPELLED_TERMS => Spelling::Prefix,
                _ => Spelling::Terms(terms),
            })
        })?;

        // Without a LIMIT: FTS5 yields documents lazily, in rowid order, and this stops reading
        // them once the page is full.
        let mut matches = connection
            .prepare_cached("SELECT rowid FROM search WHERE search MATCH ?1 ORDER BY rowid")?;
        let mut entry = connection.prepare_cached(&format!(
            "SELECT entry.id, {HIT_COLUMNS} FROM ranked JOIN entry ON entry.id = ranked.entry \
             WHERE ranked.document = ?1"
        ))?;
        // Each step's documents come in alphabetical order; an entry found twice (a mailbox
        // listed on several rows, or found by an earlier step) is shown once, where first found.
        let mut hits: Vec<(i64, Hit)> = Vec::with_capacity(limit);
        for expression in &plan {
            let mut documents = matches.query([expression])?;
            while hits.len() < limit {
                let Some(document) = documents.next()? else {
                    break;
                };
                let document: i64 = document.get(0)?;
                let (id, hit) = entry.query_row([document], |row| {
                    Ok((row.get::<_, i64>(0)?, hit_from_row_at(row, 1)?))
                })?;
                if !hits.iter().any(|(known, _)| *known == id) {
                    hits.push((id, hit));
                }
            }
            if hits.len() >= limit {
                break;
            }
        }
        Ok(hits.into_iter().map(|(_, hit)| hit).collect())
    }

    /// The mailbox with exactly this address, whatever its case.
    ///
    /// Found through the words of the address, then compared whole: the index needs no
    /// separate table of addresses for it.
    pub fn lookup(&self, address: &str) -> Result<Option<Hit>, DirectoryError> {
        let address = address.trim().to_lowercase();
        let words = Query::parse(&address).exact_words();
        if words.is_empty() {
            return Ok(None);
        }
        let guard = self.lock();
        let Some(index) = guard.as_ref() else {
            return Ok(None);
        };
        let mut statement = index.connection.prepare_cached(&format!(
            "SELECT {HIT_COLUMNS} FROM entry WHERE id IN \
             (SELECT ranked.entry FROM search JOIN ranked ON ranked.document = search.rowid \
              WHERE search MATCH ?1) \
             AND address = ?2"
        ))?;
        let hit = statement
            .query_row((words, &address), hit_from_row)
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
        reader: impl Read + Send,
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
        let report = build::build(&partial.0, extraction, total_bytes, source, progress)?;
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

fn hit_from_row(row: &Row<'_>) -> rusqlite::Result<Hit> {
    hit_from_row_at(row, 0)
}

/// A [`Hit`] from [`HIT_COLUMNS`], starting at column `first` of the row.
fn hit_from_row_at(row: &Row<'_>, first: usize) -> rusqlite::Result<Hit> {
    let text = |i: usize| row.get::<_, String>(first + i);
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
            national_id: text(17)?,
        },
        rows: row.get(first + 18)?,
    })
}

/// The columns of `entry` a [`Hit`] is read from, in [`hit_from_row`]'s order.
const HIT_COLUMNS: &str = "box_type, address, civility, last_name, first_name, \
    profession_code, profession, specialty_code, specialty, structure, trade_name, service, \
    address_lines, postcode, town, department, country, national_id, rows";

#[cfg(test)]
mod tests;
