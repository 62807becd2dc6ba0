//! The mail core: accounts, secrets, TLS, IMAP, SMTP, store. No window toolkit here.

pub mod account;
pub mod connect;
pub mod connection_trace;
pub mod discover;
pub mod drafts;
mod fetch_stages;
pub mod imap;
pub mod keywords;
pub mod mime;
pub mod ocsp;
pub mod offline_copy;
pub mod oidc;
pub mod patients;
pub mod pdf_text;
pub mod picture;
pub mod revocation;
pub mod secrets;
pub mod send;
pub mod server_search;
pub mod smtp;
pub mod store;
pub mod sync;
pub mod tls;
pub mod trace_export;
pub mod trust_list;
pub mod worker;
