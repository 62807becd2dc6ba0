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

    /// The sentence shown to the user, in the interface language.
    pub fn localize(&self, i18n: &crate::i18n::I18n) -> String {
        use crate::args;
        match self {
            OidcError::NotConfigured { account } => {
                i18n.t_args("oidc-not-configured", args!["name" => account.clone()])
            }
            OidcError::MissingIssuer => i18n.t("oidc-missing-issuer"),
            OidcError::MissingClientId => i18n.t("oidc-missing-client-id"),
            OidcError::BadIssuer { issuer, problem } => {
                let id = match problem {
                    IssuerProblem::NotAnAddress | IssuerProblem::NoHost => {
                        "oidc-bad-issuer-not-an-address"
                    }
                    IssuerProblem::NotHttps => "oidc-bad-issuer-not-https",
                    IssuerProblem::HasQuery => "oidc-bad-issuer-query",
                };
                i18n.t_args(id, args!["issuer" => issuer.clone()])
            }
            OidcError::Unreachable { issuer, reason } => i18n.t_args(
                "oidc-unreachable",
                args!["issuer" => issuer.clone(), "detail" => reason.clone()],
            ),
            OidcError::NoConfiguration {
                issuer,
                url,
                status,
            } => i18n.t_args(
                "oidc-no-configuration",
                args!["issuer" => issuer.clone(), "url" => url.clone(), "status" => *status],
            ),
            OidcError::NotAProvider { url, .. } => {
                i18n.t_args("oidc-not-a-provider", args!["url" => url.clone()])
            }
            OidcError::IssuerMismatch { issuer } => {
                i18n.t_args("oidc-issuer-mismatch", args!["issuer" => issuer.clone()])
            }
            OidcError::Protocol { issuer, detail } => i18n.t_args(
                "oidc-protocol",
                args!["issuer" => issuer.clone(), "detail" => detail.clone()],
            ),
            OidcError::Listener(detail) => {
                i18n.t_args("oidc-listener", args!["detail" => detail.clone()])
            }
            OidcError::Browser(detail) => {
                i18n.t_args("oidc-browser", args!["detail" => detail.clone()])
            }
            OidcError::TimedOut { minutes } => {
                i18n.t_args("oidc-timed-out", args!["minutes" => *minutes])
            }
            OidcError::Cancelled => i18n.t("oidc-cancelled"),
            OidcError::StateMismatch => i18n.t("oidc-state-mismatch"),
            OidcError::IssuerMixUp { issuer } => {
                i18n.t_args("oidc-issuer-mix-up", args!["issuer" => issuer.clone()])
            }
            OidcError::Denied { error, .. } if error == "access_denied" => {
                i18n.t("oidc-denied-by-user")
            }
            OidcError::Denied { error, .. } => {
                i18n.t_args("oidc-denied", args!["error" => error.clone()])
            }
            OidcError::CodeRefused { issuer } => {
                i18n.t_args("oidc-code-refused", args!["issuer" => issuer.clone()])
            }
            OidcError::BadIdToken { issuer, reason } => i18n.t_args(
                "oidc-bad-id-token",
                args!["issuer" => issuer.clone(), "detail" => reason.clone()],
            ),
            OidcError::WeakAuthentication { asked, got } => i18n.t_args(
                "oidc-weak-authentication",
                args!["asked" => asked.clone(), "got" => got.clone()],
            ),
            OidcError::ClientRefused { issuer, error } => i18n.t_args(
                "oidc-client-refused",
                args!["issuer" => issuer.clone(), "error" => error.clone()],
            ),
            OidcError::RefreshRefused => i18n.t("oidc-refresh-refused"),
            OidcError::NotSignedIn { account } => {
                i18n.t_args("oidc-not-signed-in", args!["name" => account.clone()])
            }
            OidcError::SessionEnded { account } => {
                i18n.t_args("oidc-session-ended", args!["name" => account.clone()])
            }
            OidcError::Authority(error) => i18n.t_args(
                "error-certificate-file",
                args!["detail" => error.to_string()],
            ),
            OidcError::Secret(error) => match error {
                SecretError::Unavailable(_) => i18n.t("error-keyring-unavailable"),
                SecretError::Locked(_) => i18n.t("error-keyring-locked"),
                SecretError::Missing { account, .. } => {
                    i18n.t_args("error-keyring-missing", args!["name" => account.clone()])
                }
                SecretError::Other(detail) => {
                    i18n.t_args("error-keyring-other", args!["detail" => detail.clone()])
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{I18n, Language};

    fn every_error() -> Vec<OidcError> {
        let issuer = || "https://auth.example.fr".to_string();
        let mut errors = vec![
            OidcError::NotConfigured {
                account: "cabinet".into(),
            },
            OidcError::MissingIssuer,
            OidcError::MissingClientId,
            OidcError::Unreachable {
                issuer: issuer(),
                reason: "refused".into(),
            },
            OidcError::NoConfiguration {
                issuer: issuer(),
                url: issuer(),
                status: 404,
            },
            OidcError::NotAProvider {
                issuer: issuer(),
                url: issuer(),
                detail: "a web page".into(),
            },
            OidcError::IssuerMismatch { issuer: issuer() },
            OidcError::Protocol {
                issuer: issuer(),
                detail: "x".into(),
            },
            OidcError::Listener("x".into()),
            OidcError::Browser("x".into()),
            OidcError::TimedOut { minutes: 5 },
            OidcError::Cancelled,
            OidcError::StateMismatch,
            OidcError::IssuerMixUp { issuer: issuer() },
            OidcError::Denied {
                error: "access_denied".into(),
                description: None,
            },
            OidcError::Denied {
                error: "login_required".into(),
                description: None,
            },
            OidcError::CodeRefused { issuer: issuer() },
            OidcError::BadIdToken {
                issuer: issuer(),
                reason: "x".into(),
            },
            OidcError::WeakAuthentication {
                asked: "eidas1".into(),
                got: "none".into(),
            },
            OidcError::ClientRefused {
                issuer: issuer(),
                error: "invalid_client".into(),
            },
            OidcError::RefreshRefused,
            OidcError::NotSignedIn {
                account: "cabinet".into(),
            },
            OidcError::SessionEnded {
                account: "cabinet".into(),
            },
            OidcError::Secret(SecretError::Locked("x".into())),
            OidcError::Authority(TlsError::Setup("x".into())),
        ];
        for problem in [
            IssuerProblem::NotAnAddress,
            IssuerProblem::NoHost,
            IssuerProblem::NotHttps,
            IssuerProblem::HasQuery,
        ] {
            errors.push(OidcError::BadIssuer {
                issuer: issuer(),
                problem,
            });
        }
        errors
    }

    #[test]
    fn every_error_has_a_sentence_in_both_languages() {
        for language in [Language::Fr, Language::En] {
            let i18n = I18n::new(language);
            for error in every_error() {
                let sentence = error.localize(&i18n);
                assert!(
                    !sentence.starts_with("oidc-") && !sentence.starts_with("error-"),
                    "{language:?} has no sentence for {error:?}: {sentence}"
                );
            }
        }
    }

    #[test]
    fn an_ended_session_asks_to_sign_in_again_with_psc() {
        let ended = OidcError::SessionEnded {
            account: "cabinet".into(),
        };
        assert!(ended.needs_sign_in() && !ended.is_transient());
        assert!(ended
            .to_string()
            .contains("sign in again with Pro Santé Connect"));
        let sentence = ended.localize(&I18n::new(Language::Fr));
        assert!(
            sentence.contains("reconnectez-vous avec Pro Santé Connect"),
            "{sentence}"
        );
    }
}
