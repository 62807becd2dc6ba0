//! The ECO.4.1.1 trace of the connections themselves: every IMAP and SMTP sign-in (the sync's,
//! the worker's waiting connection, a body's, the offline copy's, a send's) and every body
//! fetched, whatever face asked for it.
//!
//! A line says the method, the login and the server, and the outcome by kind only
//! ([`ConnectError::trace_answer`]): never the secret, never a server's free text (a refusal
//! can quote an address), never anything of a message but its UID and folder.

use super::account::Account;
use super::connect::{ConnectError, Credentials};
use super::ocsp::Failure;
use super::revocation::RevocationStatus;
use super::store::{Store, StoreError, TraceAction};
use super::sync::SyncError;
use super::worker::BodyError;

/// What an IMAP sign-in asks of the server, for the trace; `purpose` names the connection.
pub fn imap_request(account: &Account, credentials: &Credentials, purpose: &str) -> String {
    let method = match credentials {
        Credentials::Password { .. } => "LOGIN",
        Credentials::Token { .. } => "AUTHENTICATE XOAUTH2",
        Credentials::Certificate { .. } => "AUTHENTICATE EXTERNAL",
    };
    format!(
        "IMAP {method} {} on {} ({purpose})",
        account.login_name(),
        account.imap
    )
}

/// What an SMTP sign-in asks of the submission server, for the trace.
pub fn smtp_request(account: &Account, credentials: &Credentials) -> String {
    let method = match credentials {
        Credentials::Password { .. } => "AUTH PLAIN",
        Credentials::Token { .. } => "AUTH XOAUTH2",
        Credentials::Certificate { .. } => "TLS client certificate",
    };
    format!("SMTP {method} {} on {}", account.login_name(), account.smtp)
}

/// A connection, with how the revocation status of its server's certificate was established.
pub trait Connected {
    fn revocation(&self) -> &RevocationStatus;
}

impl Connected for super::imap::ImapConnection {
    fn revocation(&self) -> &RevocationStatus {
        &self.revocation
    }
}

impl Connected for super::smtp::SmtpConnection {
    fn revocation(&self) -> &RevocationStatus {
        &self.revocation
    }
}

/// Writes the outcome of a sign-in: "OK" (said with the revocation status when an OCSP
/// responder gave it or when it was unknown and accepted), or the kind of failure (unreachable,
/// timed out, certificate refused, password refused…).
pub fn record_sign_in<T: Connected>(
    store: &Store,
    account: &Account,
    request: &str,
    outcome: &Result<T, ConnectError>,
) -> Result<(), StoreError> {
    let (answer, ok) = match outcome {
        Ok(connection) => (revocation_answer(connection.revocation()), true),
        Err(error) => (error.trace_answer(), false),
    };
    store.trace(&account.name, TraceAction::Login, request, answer, ok)
}

fn revocation_answer(status: &RevocationStatus) -> &'static str {
    match status {
        RevocationStatus::CoveredByList => "OK",
        RevocationStatus::GoodPerOcsp { .. } => "OK - certificate good per its OCSP responder",
        RevocationStatus::Unknown { unanswered: None } => {
            "OK - revocation status unknown (soft-fail)"
        }
        RevocationStatus::Unknown {
            unanswered: Some(unanswered),
        } => match unanswered.failure {
            Failure::NoAnswer => {
                "OK - revocation status unknown (soft-fail): its OCSP responder did not answer"
            }
            Failure::Unusable => {
                "OK - revocation status unknown (soft-fail): its OCSP responder's answer was unusable"
            }
        },
    }
}

/// What the trace keeps of a failed sync step: its kind, not the server's words.
pub fn sync_answer(error: &SyncError) -> &'static str {
    match error {
        SyncError::Connect(error) => error.trace_answer(),
        SyncError::Imap(_) => "the server stopped answering",
        SyncError::Store(_) => "store failure",
    }
}

/// What the trace keeps of a body the reader asked for.
pub fn body_answer(outcome: &Result<(), BodyError>) -> &'static str {
    match outcome {
        Ok(()) => "OK",
        Err(BodyError::Gone) => GONE,
        Err(BodyError::NotConnected) => "not connected",
        Err(BodyError::Stopped) => "stopped",
        Err(BodyError::Sync(error)) => sync_answer(error),
    }
}

/// The answer when the server no longer has the message.
pub const GONE: &str = "no longer on the server";

/// Writes the fetch of a message's body (opened before the offline copy had it): the UID and
/// the folder, never what the message says.
pub fn record_body_fetch(
    store: &Store,
    account: &str,
    folder: &str,
    uid: u32,
    answer: &str,
) -> Result<(), StoreError> {
    store.trace(
        account,
        TraceAction::Read,
        &format!("UID FETCH {uid} BODY.PEEK[] ({folder})"),
        answer,
        answer == "OK",
    )
}
