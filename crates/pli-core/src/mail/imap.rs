//! IMAP connection: TCP, TLS (implicit or STARTTLS, never a plaintext fallback), greeting and
//! sign-in with a password, an XOAUTH2 token or a client certificate (SASL EXTERNAL).
//!
//! async-imap brings no TLS of its own, so the stream is wrapped here, STARTTLS included.

use async_imap::imap_proto::{Capability, Response, Status};
use async_imap::{Authenticator, Client, Session};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::ServerName;
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

use super::account::{Account, Endpoint, Security};
use super::connect::{trust_for, with_timeout, ConnectError, Credentials, Protocol};
use super::revocation::RevocationStatus;
use super::tls::{client_config, ServerVerifier};

pub type ImapStream = TlsStream<TcpStream>;
pub type ImapSession = Session<ImapStream>;

/// A signed-in IMAP session and what the server said it can do.
pub struct ImapConnection {
    pub session: ImapSession,
    pub capabilities: Vec<String>,
    /// The server's certificates, leaf first.
    pub server_chain: Vec<CertificateDer<'static>>,
    /// How the revocation status of the server's certificate was established; an unknown one
    /// (accepted under the soft-fail policy) is said to the person, never silent.
    pub revocation: RevocationStatus,
}

impl std::fmt::Debug for ImapConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImapConnection")
            .field("capabilities", &self.capabilities)
            .finish()
    }
}

impl ImapConnection {
    pub fn has_capability(&self, name: &str) -> bool {
        self.capabilities
            .iter()
            .any(|capability| capability.eq_ignore_ascii_case(name))
    }
}

/// Connects and signs in to the IMAP server of a box.
pub async fn connect(
    account: &Account,
    credentials: &Credentials,
) -> Result<ImapConnection, ConnectError> {
    let endpoint = &account.imap;
    let trust = trust_for(account)?;
    let (config, verifier) = client_config(&trust, credentials.identity())?;
    let connector = TlsConnector::from(config);
    let server_name = ServerName::try_from(endpoint.host.clone()).map_err(|_| {
        ConnectError::Config(format!("'{}' is not a valid server name", endpoint.host))
    })?;

    let tcp = with_timeout(endpoint, tcp_connect(endpoint)).await?;
    let server_chain;
    let revocation;
    let client = match account.security {
        Security::Tls => {
            let tls = with_timeout(endpoint, async {
                connector.connect(server_name, tcp).await.map_err(|error| {
                    ConnectError::from_tls_failure(endpoint, Protocol::Imap, &error)
                })
            })
            .await?;
            server_chain = chain_of(&tls);
            revocation = settle(endpoint, &verifier).await?;
            let mut client = Client::new(tls);
            with_timeout(endpoint, read_greeting(&mut client, endpoint)).await?;
            client
        }
        Security::Starttls => {
            let mut plain = Client::new(tcp);
            with_timeout(endpoint, read_greeting(&mut plain, endpoint)).await?;
            let capabilities =
                with_timeout(endpoint, ask_capabilities(&mut plain, endpoint)).await?;
            if !capabilities
                .iter()
                .any(|c| c.eq_ignore_ascii_case("STARTTLS"))
            {
                return Err(ConnectError::StartTlsMissing {
                    endpoint: endpoint.clone(),
                });
            }
            with_timeout(endpoint, async {
                plain
                    .run_command_and_check_ok("STARTTLS", None)
                    .await
                    .map_err(|error| server_error(endpoint, error))
            })
            .await?;
            let tcp = plain.into_inner();
            let tls = with_timeout(endpoint, async {
                connector.connect(server_name, tcp).await.map_err(|error| {
                    ConnectError::from_tls_failure(endpoint, Protocol::Imap, &error)
                })
            })
            .await?;
            server_chain = chain_of(&tls);
            revocation = settle(endpoint, &verifier).await?;
            // After STARTTLS the server sends no new greeting.
            Client::new(tls)
        }
    };

    let mut session = with_timeout(endpoint, sign_in(client, credentials, endpoint)).await?;
    let capabilities = with_timeout(endpoint, async {
        let capabilities = session
            .capabilities()
            .await
            .map_err(|error| server_error(endpoint, error))?;
        Ok(capabilities.iter().map(capability_name).collect::<Vec<_>>())
    })
    .await?;
    Ok(ImapConnection {
        session,
        capabilities,
        server_chain,
        revocation,
    })
}

/// The revocation status of the certificate the handshake accepted (its OCSP responder asked,
/// when it names one): before the greeting is read and any secret sent.
async fn settle(
    endpoint: &Endpoint,
    verifier: &ServerVerifier,
) -> Result<RevocationStatus, ConnectError> {
    with_timeout(endpoint, async {
        verifier
            .revocation_status()
            .await
            .map_err(|problem| ConnectError::Certificate {
                endpoint: endpoint.clone(),
                problem,
            })
    })
    .await
}

/// The certificates the server presented, leaf first (for the addresses of their revocation
/// lists).
fn chain_of(tls: &TlsStream<TcpStream>) -> Vec<CertificateDer<'static>> {
    tls.get_ref()
        .1
        .peer_certificates()
        .map(|chain| chain.iter().map(|c| c.clone().into_owned()).collect())
        .unwrap_or_default()
}

async fn tcp_connect(endpoint: &Endpoint) -> Result<TcpStream, ConnectError> {
    let stream = TcpStream::connect((endpoint.host.as_str(), endpoint.port))
        .await
        .map_err(|error| ConnectError::Unreachable {
            endpoint: endpoint.clone(),
            reason: error.to_string(),
        })?;
    // Interactive protocol: small commands must not wait for Nagle.
    let _ = stream.set_nodelay(true);
    Ok(stream)
}

fn not_imap(endpoint: &Endpoint, detail: impl Into<String>) -> ConnectError {
    ConnectError::NotTheProtocol {
        endpoint: endpoint.clone(),
        protocol: Protocol::Imap,
        detail: detail.into(),
    }
}

fn server_error(endpoint: &Endpoint, error: async_imap::error::Error) -> ConnectError {
    use async_imap::error::Error;
    match error {
        Error::Io(io) => ConnectError::Unreachable {
            endpoint: endpoint.clone(),
            reason: io.to_string(),
        },
        Error::ConnectionLost => ConnectError::Unreachable {
            endpoint: endpoint.clone(),
            reason: "the connection was closed".into(),
        },
        Error::Parse(parse) => not_imap(endpoint, parse.to_string()),
        other => ConnectError::Server {
            endpoint: endpoint.clone(),
            detail: other.to_string(),
        },
    }
}

async fn read_greeting<T>(client: &mut Client<T>, endpoint: &Endpoint) -> Result<(), ConnectError>
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + std::fmt::Debug + Send,
{
    let greeting = client
        .read_response()
        .await
        .map_err(|error| not_imap(endpoint, format!("unreadable greeting: {error}")))?
        .ok_or_else(|| {
            not_imap(
                endpoint,
                "the server closed the connection without a greeting",
            )
        })?;
    match greeting.parsed() {
        Response::Data {
            status: Status::Ok | Status::PreAuth,
            ..
        } => Ok(()),
        Response::Data {
            status: Status::Bye,
            outcome,
        } => Err(ConnectError::Server {
            endpoint: endpoint.clone(),
            detail: outcome
                .information
                .as_deref()
                .unwrap_or("the server said goodbye")
                .to_string(),
        }),
        other => Err(not_imap(endpoint, format!("unexpected greeting {other:?}"))),
    }
}

/// Asks for the capabilities before signing in (the pre-TLS list decides STARTTLS).
async fn ask_capabilities<T>(
    client: &mut Client<T>,
    endpoint: &Endpoint,
) -> Result<Vec<String>, ConnectError>
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + std::fmt::Debug + Send,
{
    // async-imap tags only its own commands, so this one carries a tag of ours.
    const TAG: &str = "pli0";
    use tokio::io::AsyncWriteExt;
    let stream = client.get_mut();
    stream
        .write_all(format!("{TAG} CAPABILITY\r\n").as_bytes())
        .await
        .and(stream.flush().await)
        .map_err(|error| ConnectError::Unreachable {
            endpoint: endpoint.clone(),
            reason: error.to_string(),
        })?;
    let mut capabilities = Vec::new();
    loop {
        let response = client
            .read_response()
            .await
            .map_err(|error| not_imap(endpoint, error.to_string()))?
            .ok_or_else(|| not_imap(endpoint, "the connection closed during CAPABILITY"))?;
        match response.parsed() {
            Response::Capabilities(list) => {
                capabilities.extend(list.iter().map(proto_capability_name))
            }
            Response::Done {
                tag,
                status,
                outcome,
            } if tag.0 == TAG => {
                return match status {
                    Status::Ok => Ok(capabilities),
                    _ => Err(ConnectError::Server {
                        endpoint: endpoint.clone(),
                        detail: outcome
                            .information
                            .as_deref()
                            .unwrap_or("CAPABILITY refused")
                            .to_string(),
                    }),
                };
            }
            _ => {}
        }
    }
}

fn proto_capability_name(capability: &Capability<'_>) -> String {
    match capability {
        Capability::Imap4rev1 => "IMAP4rev1".to_string(),
        Capability::Auth(mechanism) => format!("AUTH={mechanism}"),
        Capability::Atom(atom) => atom.to_string(),
    }
}

fn capability_name(capability: &async_imap::types::Capability) -> String {
    use async_imap::types::Capability as C;
    match capability {
        C::Imap4rev1 => "IMAP4rev1".to_string(),
        C::Auth(mechanism) => format!("AUTH={mechanism}"),
        C::Atom(atom) => atom.clone(),
    }
}

/// SASL XOAUTH2. A refused token gets a continuation carrying a JSON error; the client must
/// answer it with an empty line to receive the final NO.
struct XOauth2<'a> {
    login: &'a str,
    token: &'a str,
    sent: bool,
}

impl Authenticator for XOauth2<'_> {
    type Response = String;
    fn process(&mut self, _challenge: &[u8]) -> String {
        if self.sent {
            return String::new();
        }
        self.sent = true;
        format!("user={}\x01auth=Bearer {}\x01\x01", self.login, self.token)
    }
}

/// SASL EXTERNAL: the identity is the TLS client certificate; the response is empty.
struct External;

impl Authenticator for External {
    type Response = &'static str;
    fn process(&mut self, _challenge: &[u8]) -> &'static str {
        ""
    }
}

async fn sign_in(
    mut client: Client<ImapStream>,
    credentials: &Credentials,
    endpoint: &Endpoint,
) -> Result<ImapSession, ConnectError> {
    use async_imap::error::Error;
    let refused = |error: Error, refusal: ConnectError| match error {
        Error::No(_) => refusal,
        Error::Bad(detail) => ConnectError::Server {
            endpoint: endpoint.clone(),
            detail,
        },
        other => server_error(endpoint, other),
    };
    match credentials {
        Credentials::Password { login, password } => client
            .login(login, password.expose())
            .await
            .map_err(|(error, _)| {
                refused(
                    error,
                    ConnectError::WrongPassword {
                        endpoint: endpoint.clone(),
                        login: login.clone(),
                    },
                )
            }),
        Credentials::Token { login, token } => {
            // XOAUTH2 as MSSanté asks; OAUTHBEARER for a server that offers only the standard.
            use super::oidc::{OAuthBearer, TokenMechanism};
            let capabilities = ask_capabilities(&mut client, endpoint).await?;
            let signed_in = match TokenMechanism::choose(&capabilities) {
                TokenMechanism::XOauth2 => {
                    let xoauth2 = XOauth2 {
                        login,
                        token: token.expose(),
                        sent: false,
                    };
                    client.authenticate("XOAUTH2", xoauth2).await
                }
                TokenMechanism::OAuthBearer => {
                    let bearer =
                        OAuthBearer::new(login, &endpoint.host, endpoint.port, token.expose());
                    client.authenticate("OAUTHBEARER", bearer).await
                }
            };
            signed_in.map_err(|(error, _)| {
                refused(
                    error,
                    ConnectError::TokenRefused {
                        endpoint: endpoint.clone(),
                    },
                )
            })
        }
        Credentials::Certificate { .. } => {
            client
                .authenticate("EXTERNAL", External)
                .await
                .map_err(|(error, _)| {
                    refused(
                        error,
                        ConnectError::CertificateRefused {
                            endpoint: endpoint.clone(),
                        },
                    )
                })
        }
    }
}

/// Compresses UIDs into an IMAP sequence set (`1:5,7,9:12`).
pub fn uid_set(uids: &[u32]) -> String {
    let mut sorted = uids.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut parts = Vec::new();
    let mut iter = sorted.into_iter();
    let Some(mut start) = iter.next() else {
        return String::new();
    };
    let mut end = start;
    for uid in iter {
        if uid == end + 1 {
            end = uid;
            continue;
        }
        parts.push(if start == end {
            start.to_string()
        } else {
            format!("{start}:{end}")
        });
        start = uid;
        end = uid;
    }
    parts.push(if start == end {
        start.to_string()
    } else {
        format!("{start}:{end}")
    });
    parts.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_sets_are_compressed() {
        assert_eq!(uid_set(&[5, 1, 2, 3, 7, 9, 10, 11]), "1:3,5,7,9:11");
        assert_eq!(uid_set(&[4]), "4");
        assert_eq!(uid_set(&[]), "");
    }
}
