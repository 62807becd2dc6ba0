//! The national directory (Annuaire Santé): import, index and search. No I/O to the window toolkit.
//!
//! The public extraction file is read as a stream ([`Extraction`]), indexed into an embedded
//! SQLite full-text index that each import replaces whole and atomically ([`Directory`]), and
//! searched as the user types ([`Query`]):
//!
//! ```no_run
//! use std::ops::ControlFlow;
//! use pli::directory::{Directory, Query};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let directory = Directory::open("/path/to/directory.sqlite")?;
//! let file = std::path::Path::new("Extraction_Correspondance_MSSante_202501010000.txt");
//! directory.import_file(file, |progress| {
//!     println!("{:.0} %", 100.0 * progress.fraction().unwrap_or(0.0));
//!     ControlFlow::Continue(())
//! })?;
//! for hit in directory.search(&Query::parse("martin cardio lens").department("62"))? {
//!     println!("{} <{}>", hit.entry.display_name(), hit.entry.address);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! [`fixture`] writes realistic extractions for the tests and the benchmark
//! (`cargo run --release --example directory_bench`).

pub mod extraction;
pub mod fhir;
#[cfg(any(test, feature = "fixture"))]
pub mod fixture;
mod fold;
mod index;
pub mod online;
mod query;
pub mod refresh;

pub use extraction::{
    BoxType, Entry, Extraction, ExtractionError, ReadSummary, RowIssue, RowProblem,
};
pub use index::{
    Directory, DirectoryError, Hit, ImportError, ImportFailure, ImportReport, Previous, Progress,
    Stage, Status,
};
pub use online::{Origin, Row};
pub use query::Query;
