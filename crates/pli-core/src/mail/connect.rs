//! What both protocols share when Pli connects: the credentials of a box, the time limits, and
//! the errors, each of which names the problem in words the user can act on.

use std::fmt;
use std::time::Duration;

use super::account::{Account, AuthKind, Endpoint};
use super::secrets::{Secret, SecretError, SecretKind, Secrets};
use super::tls::{CertificateProblem, ClientIdentity, TlsError, Trust};
use crate::error_chain::causes;

/// How long one step of a connection (TCP, TLS, greeting, login) may take before Pli gives up
/// and says so; a nursing home's network drops, a frozen window is worse than an error.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(20);

/// What proves the user's identity to the servers, loaded from the keyring for one connection.
#[derive(Clone)]
pub enum Credentials {
    Password {
        login: String,
        password: Secret,
    },
    Token {
        login: String,
        token: Secret,
    },
    Certificate {
        login: String,
        identity: ClientIdentity,
    },
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self {
            Credentials::Password { .. } => "password",
            Credentials::Token { .. } => "token",
            Credentials::Certificate { .. } => "certificate",
        };
        f.debug_struct("Credentials").field("kind", &kind).finish()
    }
}

impl Credentials {
    /// Reads what the box needs from the keyring (blocking: call from a blocking thread).
    pub fn load(account: &Account, secrets: &Secrets) -> Result<Self, ConnectError> {
        // A Pro Santé Connect box: the session's token, refreshed when about to expire.
        if account.signs_in_with_psc() {
            return Ok(super::oidc::PscSessions::shared().fresh_credentials(account, secrets)?);
        }
        let kind = SecretKind::typed_for(account.auth);
        let secret = match account.auth {
            // An unencrypted key has no passphrase: none kept is not an error.
            AuthKind::Certificate => secrets.find(&account.name, kind)?,
            AuthKind::Password | AuthKind::Xoauth2 => Some(secrets.get(&account.name, kind)?),
        };
        Self::with_secret(account, secret.as_ref())
    }

    /// The credentials of a box with the secret a person just typed, before anything is kept
    /// (the add-a-box form tests the connection without touching the keyring). No secret reads
    /// as an empty one, which the server refuses in its own words.
    pub fn with_secret(account: &Account, secret: Option<&Secret>) -> Result<Self, ConnectError> {
        let login = account.login_name().to_string();
        let typed = || secret.cloned().unwrap_or_else(|| Secret::new(""));
        Ok(match account.auth {
            AuthKind::Password => Credentials::Password {
                login,
                password: typed(),
            },
            AuthKind::Xoauth2 => Credentials::Token {
                login,
                token: typed(),
            },
            AuthKind::Certificate => {
                let path = account.certificate.as_deref().ok_or_else(|| {
                    ConnectError::Config("the box has no certificate file".into())
                })?;
                let identity = ClientIdentity::load(
                    path,
                    account.certificate_key.as_deref(),
                    secret.map(Secret::expose),
                )?;
                Credentials::Certificate { login, identity }
            }
        })
    }

    /// A server refused the Pro Santé Connect token of the box: the session forgets it, so the
    /// next credentials come from a refresh. True when trying once more may work (ECO.1.2.7).
    fn forget_refused_token(account: &Account, error: &ConnectError) -> bool {
        let refused = matches!(error, ConnectError::TokenRefused { .. });
        if refused && account.signs_in_with_psc() {
            super::oidc::PscSessions::shared().token_refused(account);
            return true;
        }
        false
    }

    pub fn identity(&self) -> Option<&ClientIdentity> {
        match self {
            Credentials::Certificate { identity, .. } => Some(identity),
            _ => None,
        }
    }
}

/// "Token refused → refresh → try once more" (ECO.1.2.7), for whatever connects a box again and
/// again. A Pro Santé Connect token can be refused before its expiry (revoked upstream, a clock
/// that disagrees): the session then forgets it, so the next credentials come from a refresh and
/// reconnecting stays silent while the session holds. Once only: a token refused again right
/// after a refresh reaches the person instead of looping.
#[derive(Debug, Default)]
pub struct RefusedTokenRetry {
    retried: bool,
}

impl RefusedTokenRetry {
    /// After an attempt, with the connection error it ended on (`None` when it did not end on
    /// one): whether to load the credentials again and try once more.
    pub fn retry_after(&mut self, account: &Account, error: Option<&ConnectError>) -> bool {
        let retry = !self.retried
            && error.is_some_and(|error| Credentials::forget_refused_token(account, error));
        self.retried = retry;
        retry
    }
}

/// Which of the two servers an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Imap,
    Smtp,
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Protocol::Imap => "IMAP",
            Protocol::Smtp => "SMTP",
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("cannot reach {endpoint}: {reason}")]
    Unreachable { endpoint: Endpoint, reason: String },
    #[error("{endpoint} did not answer within {} seconds", STEP_TIMEOUT.as_secs())]
    TimedOut { endpoint: Endpoint },
    #[error(
        "{endpoint} does not offer STARTTLS; Pli never talks to a mail server without encryption"
    )]
    StartTlsMissing { endpoint: Endpoint },
    #[error("the server {endpoint} was refused: {problem}")]
    Certificate {
        endpoint: Endpoint,
        problem: CertificateProblem,
    },
    #[error("the secure connection with {endpoint} failed: {reason}")]
    Tls { endpoint: Endpoint, reason: String },
    #[error(
        "{endpoint} does not answer like an {protocol} server; check the port number ({detail})"
    )]
    NotTheProtocol {
        endpoint: Endpoint,
        protocol: Protocol,
        detail: String,
    },
    #[error("{endpoint} refused the password of {login}")]
    WrongPassword { endpoint: Endpoint, login: String },
    #[error("{endpoint} refused the sign-in token: the session has expired, sign in again")]
    TokenRefused { endpoint: Endpoint },
    #[error("{endpoint} refused the client certificate")]
    CertificateRefused { endpoint: Endpoint },
    #[error("{endpoint} answered: {detail}")]
    Server { endpoint: Endpoint, detail: String },
    #[error("the box is not set up correctly: {0}")]
    Config(String),
    #[error(transparent)]
    TlsSetup(#[from] TlsError),
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error(transparent)]
    Psc(#[from] super::oidc::OidcError),
}

impl ConnectError {
    /// True when trying again later may work (the network, the server), false when the user
    /// must change something first (a password, a certificate, the settings).
    pub fn is_transient(&self) -> bool {
        use super::ocsp::{Failure, Unanswered};
        matches!(
            self,
            ConnectError::Unreachable { .. }
                | ConnectError::TimedOut { .. }
                | ConnectError::Server { .. }
                // Hard-fail refused the server because its OCSP responder did not answer: the
                // network again, which may come back without anyone changing anything.
                | ConnectError::Certificate {
                    problem: CertificateProblem::OcspUnanswered(Unanswered {
                        failure: Failure::NoAnswer,
                        ..
                    }),
                    ..
                }
        ) || matches!(self, ConnectError::Psc(error) if error.is_transient())
    }

    pub fn is_authentication(&self) -> bool {
        matches!(
            self,
            ConnectError::WrongPassword { .. }
                | ConnectError::TokenRefused { .. }
                | ConnectError::CertificateRefused { .. }
        ) || matches!(self, ConnectError::Psc(error) if error.needs_sign_in())
    }

    /// The TLS handshake failed: a refused certificate, something that is not TLS, or another
    /// TLS error. The cause is looked for along the error's sources, whichever library wrapped it.
    pub(crate) fn from_tls_failure(
        endpoint: &Endpoint,
        protocol: Protocol,
        error: &(dyn std::error::Error + 'static),
    ) -> Self {
        if let Some(problem) = CertificateProblem::find_in(error) {
            return ConnectError::Certificate {
                endpoint: endpoint.clone(),
                problem,
            };
        }
        // A peer that answers the handshake with something that is not TLS (a plaintext
        // greeting, another protocol) is on the wrong port; it is not a TLS failure.
        let not_tls = causes(error).any(|cause| {
            matches!(
                cause.downcast_ref::<rustls::Error>(),
                Some(rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. })
            )
        });
        if not_tls {
            return ConnectError::NotTheProtocol {
                endpoint: endpoint.clone(),
                protocol,
                detail: "the server does not speak TLS on this port".into(),
            };
        }
        ConnectError::Tls {
            endpoint: endpoint.clone(),
            reason: error.to_string(),
        }
    }
}

impl ConnectError {
    /// What the ECO.4.1 trace keeps of a failed sign-in: its kind, never a server's or a TLS
    /// library's free text.
    pub fn trace_answer(&self) -> &'static str {
        match self {
            ConnectError::Unreachable { .. } => "unreachable",
            ConnectError::TimedOut { .. } => "timed out",
            ConnectError::StartTlsMissing { .. } => "STARTTLS missing",
            ConnectError::Certificate { .. } => "certificate refused",
            ConnectError::Tls { .. } => "TLS failure",
            ConnectError::NotTheProtocol { .. } => "not the expected protocol",
            ConnectError::WrongPassword { .. } => "password refused",
            ConnectError::TokenRefused { .. } => "token refused",
            ConnectError::CertificateRefused { .. } => "client certificate refused",
            ConnectError::Server { .. } => "refused by the server",
            ConnectError::Config(_) => "configuration problem",
            ConnectError::TlsSetup(_) => "authority file problem",
            ConnectError::Secret(_) => "keyring problem",
            ConnectError::Psc(_) => "Pro Santé Connect session problem",
        }
    }
}

/// Loads the trust of a box; kept here so IMAP and SMTP apply the same rule.
pub fn trust_for(account: &Account) -> Result<Trust, ConnectError> {
    Ok(Trust::for_domain(
        &account.domain(),
        account.ca_file.as_deref(),
    )?)
}

pub(crate) async fn with_timeout<T>(
    endpoint: &Endpoint,
    future: impl std::future::Future<Output = Result<T, ConnectError>>,
) -> Result<T, ConnectError> {
    tokio::time::timeout(STEP_TIMEOUT, future)
        .await
        .unwrap_or_else(|_| {
            Err(ConnectError::TimedOut {
                endpoint: endpoint.clone(),
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::account::example_doctor;

    fn token_refused() -> ConnectError {
        ConnectError::TokenRefused {
            endpoint: Endpoint::new("imap.ch-test.mssante.fr", 993),
        }
    }

    fn psc_box() -> Account {
        Account {
            name: "retry-unit".into(),
            auth: AuthKind::Xoauth2,
            oidc: Some(Box::new(
                crate::mail::oidc::Preset::PscSandbox.settings("pli-test"),
            )),
            ..example_doctor()
        }
    }

    #[test]
    fn a_refused_psc_token_is_retried_once_then_reported_then_retried_again_later() {
        let account = psc_box();
        let refused = token_refused();
        let mut retry = RefusedTokenRetry::default();
        assert!(retry.retry_after(&account, Some(&refused)), "first refusal");
        assert!(
            !retry.retry_after(&account, Some(&refused)),
            "refused again right after the refresh: the person is told"
        );
        assert!(
            retry.retry_after(&account, Some(&refused)),
            "a later refusal (after the person acted) gets its one retry again"
        );
        assert!(!retry.retry_after(&account, None), "no failure, no retry");
        assert!(retry.retry_after(&account, Some(&refused)));
    }

    #[test]
    fn a_server_refused_because_its_ocsp_responder_did_not_answer_is_tried_again_later() {
        use crate::mail::ocsp::{Failure, Unanswered};
        let refused = |problem| ConnectError::Certificate {
            endpoint: Endpoint::new("imap.ch-test.mssante.fr", 993),
            problem,
        };
        let unanswered = |failure| {
            CertificateProblem::OcspUnanswered(Unanswered {
                responder: "http://ocsp.igc-sante.test/".into(),
                failure,
            })
        };
        assert!(refused(unanswered(Failure::NoAnswer)).is_transient());
        assert!(!refused(unanswered(Failure::Unusable)).is_transient());
        assert!(!refused(CertificateProblem::Revoked).is_transient());
        assert!(!refused(CertificateProblem::RevocationUnknown).is_transient());
    }

    #[test]
    fn only_a_refused_psc_token_is_retried() {
        let mut retry = RefusedTokenRetry::default();
        let typed_token = Account {
            auth: AuthKind::Xoauth2,
            ..example_doctor()
        };
        assert!(
            !retry.retry_after(&typed_token, Some(&token_refused())),
            "a token typed by hand has no session to refresh it"
        );
        let wrong_password = ConnectError::WrongPassword {
            endpoint: Endpoint::new("imap.ch-test.mssante.fr", 993),
            login: "dr.martin".into(),
        };
        assert!(!retry.retry_after(&psc_box(), Some(&wrong_password)));
    }
}
