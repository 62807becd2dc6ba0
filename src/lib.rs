//! Pli, a desktop mail client for MSSanté, the French secure health messaging system.
//!
//! This package is Pli's two faces — the iced window (`ui`) and the command line (`cli`) — and
//! the words they say (`i18n`, `messages`). What Pli knows and does lives in the headless core,
//! the `pli-core` crate (see its glossary): the faces parse input, call the core, show the result.

pub mod cli;
pub mod documents;
pub mod i18n;
pub mod logging;
pub mod messages;
pub mod ui;
pub mod version;
