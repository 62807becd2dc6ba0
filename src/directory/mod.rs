//! The national directory (Annuaire Santé): import, index and search. No I/O to the window toolkit.
pub mod fhir;
