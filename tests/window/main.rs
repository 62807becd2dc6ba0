//! The window, driven headless (iced_test on tiny-skia) as a person would use it: one module per
//! screen or path, against the real stack that `tests/run.sh` starts.

mod boxes;
mod common;
mod conversation;
mod directory_online;
mod document_list;
mod health_documents;
mod junk;
mod live;
mod mssante;
mod patient_identity;
mod pictures;
mod psc;
mod search;
mod send;
mod snapshots;
mod templates;
mod trust;
mod unqualified_identity;
mod welcome;
mod window;
mod wiring;
