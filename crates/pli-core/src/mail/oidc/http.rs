//! The HTTP client openidconnect calls: ureq 3 on rustls with ring, set up like `crate::net`
//! (ring stays the only crypto provider of the program), with two differences the protocol asks
//! for. It never follows a redirect: a token endpoint that redirects could hand the code or the
//! refresh token to another host. And it gives 4xx answers back to the crate, which reads the
//! OAuth error (`invalid_grant`, …) from their body; 5xx answers become errors of the transport,
//! since a provider in trouble says nothing about the session.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use openidconnect::http;
use openidconnect::{HttpRequest, HttpResponse, SyncHttpClient};
use ureq::tls::{RootCerts, TlsConfig, TlsProvider};

use crate::mail::tls::{TlsError, Trust};

/// The largest answer read from a provider: discovery documents and key sets are a few KiB.
const ANSWER_LIMIT: u64 = 1024 * 1024;
/// One request to the provider; the user waits behind a refresh, so not the two minutes of
/// `crate::net` downloads.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("{0}")]
    Transport(String),
    #[error("the server answered with the error {0}")]
    ServerError(u16),
    #[error("the answer is larger than {ANSWER_LIMIT} bytes")]
    TooLarge,
}

#[derive(Clone)]
pub struct HttpClient {
    agent: ureq::Agent,
}

impl HttpClient {
    /// Trusts the system's roots, the IGC-Santé roots (for the ANS hosts that use them, as
    /// `crate::net` does) and the authority an administrator gave the box, which is also how a
    /// hospital's TLS-inspecting proxy gets trusted.
    pub fn new(extra_ca: Option<&Path>) -> Result<Self, TlsError> {
        let native = rustls_native_certs::load_native_certs().certs;
        let extra = Trust::for_domain("mssante.fr", extra_ca)?;
        let roots: Vec<ureq::tls::Certificate<'static>> = native
            .iter()
            .chain(extra.anchors())
            .map(|der| ureq::tls::Certificate::from_der(der.as_ref()).to_owned())
            .collect();
        let tls = TlsConfig::builder()
            .provider(TlsProvider::Rustls)
            .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .root_certs(RootCerts::new_with_certs(&roots))
            .build();
        let agent = ureq::Agent::config_builder()
            .tls_config(tls)
            .max_redirects(0)
            .http_status_as_error(false)
            .timeout_global(Some(REQUEST_TIMEOUT))
            .user_agent(concat!("Pli/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Ok(Self { agent })
    }
}

impl SyncHttpClient for HttpClient {
    type Error = HttpError;

    fn call(&self, request: HttpRequest) -> Result<HttpResponse, HttpError> {
        let (parts, body) = request.into_parts();
        let response = if body.is_empty() {
            self.agent
                .run(http::Request::from_parts(parts, ureq::SendBody::none()))
        } else {
            self.agent.run(http::Request::from_parts(parts, body))
        }
        .map_err(|error| HttpError::Transport(transport_reason(&error)))?;
        let status = response.status();
        if status.is_server_error() {
            return Err(HttpError::ServerError(status.as_u16()));
        }
        let (parts, body) = response.into_parts();
        let bytes = body
            .into_with_config()
            .limit(ANSWER_LIMIT)
            .read_to_vec()
            .map_err(|error| match error {
                ureq::Error::BodyExceedsLimit(_) => HttpError::TooLarge,
                other => HttpError::Transport(transport_reason(&other)),
            })?;
        Ok(http::Response::from_parts(parts, bytes))
    }
}

/// What went wrong on the way, in words; ureq's own messages are precise but terse.
fn transport_reason(error: &ureq::Error) -> String {
    match error {
        ureq::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => "the connection was refused".into(),
            std::io::ErrorKind::TimedOut => "no answer in time".into(),
            _ => io.to_string(),
        },
        ureq::Error::Timeout(_) => {
            format!("no answer within {} seconds", REQUEST_TIMEOUT.as_secs())
        }
        ureq::Error::HostNotFound => "the host name is unknown".into(),
        other => other.to_string(),
    }
}
