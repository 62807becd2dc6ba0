//! Pli, a desktop mail client for MSSanté, the French secure health messaging system.
//!
//! The core (`mail`, `mssante`, `directory`) never depends on the window toolkit, so the tests and
//! the command line drive it directly; `ui` is the iced window on top of it.

pub mod cli;
pub mod directory;
pub mod i18n;
pub mod mail;
pub mod memory;
pub mod messages;
pub mod mssante;
pub mod net;
pub mod profile;
pub mod settings;
pub mod ui;
