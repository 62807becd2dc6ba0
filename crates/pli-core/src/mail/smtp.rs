//! SMTP submission with lettre's connection: STARTTLS (never a plaintext fallback) or implicit
//! TLS, then sign-in with a password, an XOAUTH2 token, or the TLS client certificate alone
//! (the server maps the certificate to the box; there is no AUTH then).
//!
//! lettre's own XOAUTH2 cannot answer the server's error continuation on a refused token, and
//! lettre has no OAUTHBEARER (RFC 7628), so both are spoken here: a refusal then reads "session
//! expired", not "connection broken".

use std::fmt;
use std::net::IpAddr;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use lettre::transport::smtp::authentication::{Credentials as SmtpCredentials, Mechanism};
use lettre::transport::smtp::client::AsyncSmtpConnection;
use lettre::transport::smtp::extension::ClientId;
use lettre::transport::smtp::response::Response;

use super::account::{Account, Endpoint, Security};
use super::connect::{trust_for, with_timeout, ConnectError, Credentials, Protocol, STEP_TIMEOUT};
use super::oidc::{oauthbearer_initial_response, TokenMechanism};
use super::tls::{check_chain, smtp_parameters, CertificateProblem, CheckedChain, Trust};
use crate::error_chain::causes;

/// A signed-in submission session and the extensions the server announced.
pub struct SmtpConnection {
    pub connection: AsyncSmtpConnection,
    pub capabilities: Vec<String>,
    endpoint: Endpoint,
    /// As [`super::imap::ImapConnection::revocation`].
    pub revocation: super::revocation::RevocationStatus,
}

impl fmt::Debug for SmtpConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConnection")
            .field("capabilities", &self.capabilities)
            .finish()
    }
}

impl SmtpConnection {
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    pub fn has_capability(&self, name: &str) -> bool {
        self.capabilities.iter().any(|capability| {
            capability
                .split_whitespace()
                .next()
                .is_some_and(|word| word.eq_ignore_ascii_case(name))
        })
    }

    /// Says goodbye; a failure here changes nothing for the user.
    pub async fn quit(mut self) {
        let _ = self.connection.quit().await;
    }
}

/// A command line sent as it is (lettre's command types do not cover everything we say).
pub(crate) struct RawCommand(pub String);

impl fmt::Display for RawCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\r\n", self.0)
    }
}

fn hello_name() -> ClientId {
    // The workstation's name says nothing useful to the server and may name a patient's room.
    ClientId::Domain("pli.localhost".to_string())
}

/// Connects and signs in to the submission server of a box. A token goes with XOAUTH2, or with
/// OAUTHBEARER when the server offers only that one.
pub async fn connect(
    account: &Account,
    credentials: &Credentials,
) -> Result<SmtpConnection, ConnectError> {
    connect_using(account, credentials, None).await
}

async fn revocation_check(
    connection: &AsyncSmtpConnection,
    trust: &Trust,
    endpoint: &Endpoint,
) -> Result<super::revocation::RevocationStatus, ConnectError> {
    let chain = connection
        .certificate_chain()
        .map_err(|error| ConnectError::Tls {
            endpoint: endpoint.clone(),
            reason: error.to_string(),
        })?;
    let checked = with_timeout(endpoint, async {
        Ok(check_chain(trust, &endpoint.host, &chain).await)
    })
    .await?;
    checked.map_err(|refused| match refused {
        CheckedChain::Refused(problem) => ConnectError::Certificate {
            endpoint: endpoint.clone(),
            problem,
        },
        CheckedChain::Setup(error) => ConnectError::TlsSetup(error),
    })
}

/// As [`connect`], with the mechanism a token is presented with chosen by the caller (`None`:
/// as the server's offer decides); a server that does not offer the mechanism refuses it.
pub async fn connect_using(
    account: &Account,
    credentials: &Credentials,
    mechanism: Option<TokenMechanism>,
) -> Result<SmtpConnection, ConnectError> {
    let endpoint = &account.smtp;
    let trust = trust_for(account)?;
    let parameters = smtp_parameters(&endpoint.host, &trust, credentials.identity())?;
    let hello = hello_name();

    let mut connection = with_timeout(endpoint, async {
        let implicit = match account.security {
            Security::Tls => Some(parameters.clone()),
            Security::Starttls => None,
        };
        AsyncSmtpConnection::connect_tokio1(
            (endpoint.host.as_str(), endpoint.port),
            Some(STEP_TIMEOUT),
            &hello,
            implicit,
            None::<IpAddr>,
        )
        .await
        .map_err(|error| map_error(endpoint, error))
    })
    .await?;

    if account.security == Security::Starttls {
        if !connection.can_starttls() {
            let _ = connection.quit().await;
            return Err(ConnectError::StartTlsMissing {
                endpoint: endpoint.clone(),
            });
        }
        with_timeout(endpoint, async {
            connection
                .starttls(parameters, &hello)
                .await
                .map_err(|error| map_error(endpoint, error))
        })
        .await?;
    }

    // lettre checked the chain without the revocation lists and policy: they are applied
    // here, before any secret is sent.
    let revocation = match revocation_check(&connection, &trust, endpoint).await {
        Ok(status) => status,
        Err(problem) => {
            let _ = connection.quit().await;
            return Err(problem);
        }
    };

    with_timeout(
        endpoint,
        sign_in(&mut connection, credentials, endpoint, mechanism),
    )
    .await?;
    let capabilities = with_timeout(endpoint, ehlo_lines(&mut connection, endpoint)).await?;
    Ok(SmtpConnection {
        connection,
        capabilities,
        endpoint: endpoint.clone(),
        revocation,
    })
}

async fn sign_in(
    connection: &mut AsyncSmtpConnection,
    credentials: &Credentials,
    endpoint: &Endpoint,
    mechanism: Option<TokenMechanism>,
) -> Result<(), ConnectError> {
    match credentials {
        Credentials::Password { login, password } => {
            let offered = connection
                .server_info()
                .supports_auth_mechanism(Mechanism::Plain)
                || connection
                    .server_info()
                    .supports_auth_mechanism(Mechanism::Login);
            if !offered {
                return Err(ConnectError::Server {
                    endpoint: endpoint.clone(),
                    detail: "the server offers no password sign-in on this port".into(),
                });
            }
            connection
                .auth(
                    &[Mechanism::Plain, Mechanism::Login],
                    &SmtpCredentials::new(login.clone(), password.expose().to_string()),
                )
                .await
                .map(|_| ())
                .map_err(|error| {
                    refused(
                        endpoint,
                        error,
                        ConnectError::WrongPassword {
                            endpoint: endpoint.clone(),
                            login: login.clone(),
                        },
                    )
                })
        }
        Credentials::Token { login, token } => {
            let mechanism = match mechanism {
                Some(mechanism) => mechanism,
                None => TokenMechanism::choose(&auth_offer(connection, endpoint).await?),
            };
            // Each mechanism's initial response, and the dummy answer that asks for the final
            // refusal after the server explained it in a continuation: an empty line for
            // XOAUTH2, a lone ^A for OAUTHBEARER (RFC 7628 §3.2.3).
            let (initial, dummy) = match mechanism {
                TokenMechanism::XOauth2 => (
                    format!("user={login}\x01auth=Bearer {}\x01\x01", token.expose()),
                    String::new(),
                ),
                TokenMechanism::OAuthBearer => (
                    oauthbearer_initial_response(
                        login,
                        &endpoint.host,
                        endpoint.port,
                        token.expose(),
                    ),
                    BASE64.encode("\x01"),
                ),
            };
            let expired = || ConnectError::TokenRefused {
                endpoint: endpoint.clone(),
            };
            let response = connection
                .command(RawCommand(format!(
                    "AUTH {} {}",
                    mechanism.name(),
                    BASE64.encode(initial)
                )))
                .await
                .map_err(|error| refused(endpoint, error, expired()))?;
            if response.has_code(334) {
                let _ = connection.command(RawCommand(dummy)).await;
                return Err(expired());
            }
            Ok(())
        }
        // The certificate presented during the TLS handshake is the sign-in.
        Credentials::Certificate { .. } => Ok(()),
    }
}

/// The SASL mechanisms the server offers, as IMAP writes them (`AUTH=XOAUTH2`): lettre knows
/// neither OAUTHBEARER nor the raw list, so a fresh EHLO is read.
async fn auth_offer(
    connection: &mut AsyncSmtpConnection,
    endpoint: &Endpoint,
) -> Result<Vec<String>, ConnectError> {
    Ok(ehlo_lines(connection, endpoint)
        .await?
        .iter()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let keyword = words.next()?;
            keyword.eq_ignore_ascii_case("AUTH").then_some(words)
        })
        .flatten()
        .map(|mechanism| format!("AUTH={mechanism}"))
        .collect())
}

/// The extension lines of a fresh EHLO (lettre keeps only those it knows).
async fn ehlo_lines(
    connection: &mut AsyncSmtpConnection,
    endpoint: &Endpoint,
) -> Result<Vec<String>, ConnectError> {
    let response: Response = connection
        .command(RawCommand(format!("EHLO {}", hello_name())))
        .await
        .map_err(|error| map_error(endpoint, error))?;
    Ok(response
        .message()
        .skip(1)
        .map(|line| line.to_string())
        .collect())
}

fn refused(
    endpoint: &Endpoint,
    error: lettre::transport::smtp::Error,
    refusal: ConnectError,
) -> ConnectError {
    let is_auth_failure = error
        .status()
        .map(|code| code.to_string().starts_with("535") || code.to_string().starts_with("5"))
        .unwrap_or(false);
    if is_auth_failure {
        refusal
    } else {
        map_error(endpoint, error)
    }
}

pub(crate) fn map_error(
    endpoint: &Endpoint,
    error: lettre::transport::smtp::Error,
) -> ConnectError {
    use std::io::ErrorKind;
    if error.is_timeout() {
        return ConnectError::TimedOut {
            endpoint: endpoint.clone(),
        };
    }
    if error.is_tls() || CertificateProblem::find_in(&error).is_some() {
        return ConnectError::from_tls_failure(endpoint, Protocol::Smtp, &error);
    }
    let detail = error.to_string();
    // lettre's "response" errors are answers it could not parse: not an SMTP server.
    if error.is_response() {
        return ConnectError::NotTheProtocol {
            endpoint: endpoint.clone(),
            protocol: Protocol::Smtp,
            detail,
        };
    }
    if error.is_transient() || error.is_permanent() {
        return ConnectError::Server {
            endpoint: endpoint.clone(),
            detail,
        };
    }
    // An implicit-TLS connection to a plaintext port fails inside the handshake with an I/O
    // error that carries rustls' verdict.
    let tls_inside = causes(&error).any(|cause| cause.downcast_ref::<rustls::Error>().is_some());
    if tls_inside {
        return ConnectError::from_tls_failure(endpoint, Protocol::Smtp, &error);
    }
    let network = causes(&error)
        .find_map(|cause| cause.downcast_ref::<std::io::Error>())
        .map(std::io::Error::kind);
    match network {
        Some(ErrorKind::TimedOut) => ConnectError::TimedOut {
            endpoint: endpoint.clone(),
        },
        Some(ErrorKind::InvalidData) => ConnectError::NotTheProtocol {
            endpoint: endpoint.clone(),
            protocol: Protocol::Smtp,
            detail,
        },
        _ => ConnectError::Unreachable {
            endpoint: endpoint.clone(),
            reason: detail,
        },
    }
}
