//! What a person does with Pli, one function each, for both faces: the window and the command
//! line parse what the person gave, call one of these, and show the result in their own words.
//! A workflow lives here once, so the two faces cannot drift apart (one rolls back a failure,
//! the other forgets to).
//!
//! - [`accounts`]: add a box (its secret in the keyring, its settings in `accounts.toml`, undone
//!   together when either fails), test its connection, remove it;
//! - [`credentials`]: what a connection of a box signs in with, from the profile's keyring;
//! - [`bodies`]: the whole of a message the reader opens, fetched by the box's worker;
//! - [`handling`]: who handles a message of a shared box, a prescription's step, a read receipt
//!   marked `$MDNSent` — all as IMAP keywords on the server;
//! - [`patient_file`]: every message and health document about one patient, and filing a
//!   document in a patient's file;
//! - [`message_list`]: a folder's list sorted by its health documents' patient or type, filtered
//!   to one type, one patient or what is not filed yet, and the values present to choose from;
//! - [`search`]: find messages in the store's index and, for what is not copied, on the
//!   servers;
//! - [`outbox`]: send a message (the rules, then the outbox), acknowledge one that was read, hand
//!   the outbox to the server.
//!
//! The functions that touch the keyring or the files block (call them from a blocking thread in
//! an async context); those that talk to a server are `async`.

pub mod accounts;
pub mod bodies;
pub mod credentials;
pub mod handling;
pub mod health_document;
pub mod message_list;
pub mod outbox;
pub mod patient_file;
pub mod search;
