//! The mail core: accounts, secrets, TLS, IMAP, SMTP, store. No window toolkit here.

pub mod account;
pub mod connect;
pub mod discover;
pub mod imap;
pub mod mime;
pub mod secrets;
pub mod smtp;
pub mod tls;
