//! The national directory (Annuaire Santé): import, index and search. No I/O to the window toolkit.
//!
//! The public extraction file is read as a stream ([`extraction`]), indexed into an embedded
//! SQLite full-text index that a new import replaces whole and atomically ([`Directory`]), and
//! searched as the user types ([`Query`]). [`fixture`] writes realistic extractions for the tests
//! and the benchmark (`cargo run --release --example directory_bench`).

pub mod extraction;
pub mod fhir;
pub mod fixture;
mod fold;
mod index;
mod query;

pub use extraction::{BoxType, Entry, Extraction, ExtractionError, RowIssue, RowProblem};
pub use index::{
    Directory, DirectoryError, Hit, ImportError, ImportFailure, ImportReport, Previous, Progress,
    Stage, Status,
};
pub use query::Query;
