//! Sign-in with Pro Santé Connect (PSC), the national identity provider of French healthcare
//! professionals, and the tokens that open their MSSanté boxes (ECO.1.2.1–1.2.7).
//!
//! OpenID Connect's authorization code flow with PKCE S256 (RFC 7636) in the system browser,
//! which comes back to a loopback listener (RFC 8252); the protocol is the `openidconnect`
//! crate's, over Pli's own HTTP client. The access token lives in memory only and is refreshed
//! before a connection when it is about to expire; the refresh token waits in the keyring (or
//! in memory, if the box says so). When the provider refuses a refresh, that box's session ends
//! cleanly and the box asks for a new sign-in; the other boxes go on.
//!
//! Everything here blocks (HTTP, keyring, waiting for the browser): async code calls it through
//! `tokio::task::spawn_blocking`, as it does the keyring.

mod flow;
mod http;
mod loopback;
mod sasl;
mod sessions;
mod settings;

pub use flow::Identity;
pub use loopback::{Browser, BrowserError, SignInOptions, SystemBrowser};
pub use sasl::{oauthbearer_initial_response, OAuthBearer, TokenMechanism};
pub use sessions::{
    forget_client_secret, store_client_secret, PscSessions, SessionState, SignedIn, REFRESH_MARGIN,
};
pub use settings::{
    parse_issuer, settings_from_toml, OidcConfig, OidcSettings, Preset, RefreshTokenStore, PSC_ACR,
    PSC_SCOPES,
};

use crate::mail::secrets::SecretError;
use crate::mail::tls::TlsError;

/// What is wrong with an issuer address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssuerProblem {
    NotAnAddress,
    NoHost,
    NotHttps,
    HasQuery,
}

impl std::fmt::Display for IssuerProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            IssuerProblem::NotAnAddress => "it is not a web address",
            IssuerProblem::NoHost => "it has no host name",
            IssuerProblem::NotHttps => "it must start with https://",
            IssuerProblem::HasQuery => "an issuer address has no ? or # part",
        })
    }
}

/// Why a sign-in or a token failed, for one box; each sentence says what to do.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error("the box '{account}' is not set up to sign in with Pro Santé Connect")]
    NotConfigured { account: String },
    #[error("the sign-in settings of the box name no provider: choose Pro Santé Connect or enter an issuer address")]
    MissingIssuer,
    #[error("the sign-in settings of the box have no client id: enter the one Pli's registration received")]
    MissingClientId,
    #[error("the issuer address '{issuer}' cannot be used: {problem}")]
    BadIssuer {
        issuer: String,
        problem: IssuerProblem,
    },
    #[error("cannot reach the sign-in service {issuer} ({reason}); check the network connection and try again")]
    Unreachable { issuer: String, reason: String },
    #[error("{issuer} has no OpenID Connect configuration ({url} answered {status}); check the issuer address")]
    NoConfiguration {
        issuer: String,
        url: String,
        status: u16,
    },
    #[error("{url} sent {detail}, not an OpenID Connect configuration; check the issuer address")]
    NotAProvider {
        issuer: String,
        url: String,
        detail: String,
    },
    #[error("the provider at {issuer} gives itself another issuer address; enter exactly the address it announces")]
    IssuerMismatch { issuer: String },
    #[error("the sign-in service {issuer} answered in a way Pli does not understand ({detail}); try again later")]
    Protocol { issuer: String, detail: String },
    #[error("Pli cannot wait for the browser's answer on this computer ({0})")]
    Listener(String),
    #[error(
        "the browser could not be opened ({0}); open the sign-in address in a browser yourself"
    )]
    Browser(String),
    #[error(
        "the sign-in did not come back from the browser within {minutes} minutes; sign in again"
    )]
    TimedOut { minutes: u64 },
    #[error("the sign-in was cancelled")]
    Cancelled,
    #[error("the browser brought back an answer that belongs to no sign-in started by Pli; it was refused, sign in again")]
    StateMismatch,
    #[error("the browser came back from another sign-in service than {issuer}; the answer was refused, sign in again")]
    IssuerMixUp { issuer: String },
    #[error("the sign-in was not completed ({error}); sign in again with Pro Santé Connect")]
    Denied {
        error: String,
        description: Option<String>,
    },
    #[error("{issuer} refused the code the browser brought back (used, expired, or not from this sign-in); sign in again")]
    CodeRefused { issuer: String },
    #[error("the identity sent by {issuer} did not pass verification ({reason}); it was refused")]
    BadIdToken { issuer: String, reason: String },
    #[error("the sign-in reached the level '{got}' instead of '{asked}'; sign in with your CPS card or the e-CPS app")]
    WeakAuthentication { asked: String, got: String },
    #[error("{issuer} refused Pli as a client ({error}); check the client id and secret of the box's sign-in settings")]
    ClientRefused { issuer: String, error: String },
    #[error("the provider refused to renew the session")]
    RefreshRefused,
    #[error("the box '{account}' is not signed in: sign in with Pro Santé Connect")]
    NotSignedIn { account: String },
    #[error("the Pro Santé Connect session of the box '{account}' has ended: sign in again with Pro Santé Connect")]
    SessionEnded { account: String },
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// The box's authority file, trusted for the provider too, cannot be read.
    #[error(transparent)]
    Authority(#[from] TlsError),
}

impl OidcError {
    /// The professional must sign in (again) before the box can connect.
    pub fn needs_sign_in(&self) -> bool {
        matches!(
            self,
            OidcError::NotSignedIn { .. }
                | OidcError::SessionEnded { .. }
                | OidcError::RefreshRefused
        )
    }

    /// Trying again later may work: the provider or the network is down, the session is not.
    pub fn is_transient(&self) -> bool {
        matches!(self, OidcError::Unreachable { .. })
    }
}
