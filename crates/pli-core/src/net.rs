//! HTTPS downloads (the trust-space list, the national directory, OpenID discovery): one client,
//! ring as the crypto provider, TLS 1.2 or newer, and the trust the host deserves — the operating
//! system's roots for public hosts, the IGC-Santé root added for the ANS hosts that use it.

use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use ureq::tls::{RootCerts, TlsConfig, TlsProvider};

#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    #[error("cannot download {url}: {reason}")]
    Failed { url: String, reason: String },
    #[error("{url} answered {status}")]
    Status { url: String, status: u16 },
    #[error("{url} sent more than {limit} bytes; the download was stopped")]
    TooLarge { url: String, limit: u64 },
}

/// The HTTPS client: ring, the operating system's roots (plus IGC-Santé for ANS hosts).
pub fn https_agent(with_igc_sante: bool) -> ureq::Agent {
    agent(with_igc_sante, Duration::from_secs(120))
}

fn agent(with_igc_sante: bool, timeout: Duration) -> ureq::Agent {
    let native = rustls_native_certs::load_native_certs().certs;
    let mut roots: Vec<ureq::tls::Certificate<'static>> = native
        .into_iter()
        .map(|der| ureq::tls::Certificate::from_der(der.as_ref()).to_owned())
        .collect();
    if with_igc_sante {
        for der in crate::igc_sante::roots().unwrap_or_default() {
            roots.push(ureq::tls::Certificate::from_der(der.as_ref()).to_owned());
        }
    }
    let tls = TlsConfig::builder()
        .provider(TlsProvider::Rustls)
        .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .root_certs(RootCerts::new_with_certs(&roots))
        .build();
    ureq::Agent::config_builder()
        .tls_config(tls)
        .timeout_global(Some(timeout))
        .user_agent(concat!("Pli/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

/// Downloads a document of at most `limit` bytes.
pub fn download(url: &str, limit: u64, with_igc_sante: bool) -> Result<Vec<u8>, DownloadError> {
    let response = https_agent(with_igc_sante).get(url).call();
    read_answer(url, response, limit)
}

/// Posts `body` and reads an answer of at most `limit` bytes, all within `timeout` (an OCSP
/// request: the person waits for the connection it decides).
pub fn post(
    url: &str,
    content_type: &str,
    body: &[u8],
    limit: u64,
    timeout: Duration,
) -> Result<Vec<u8>, DownloadError> {
    let response = agent(false, timeout)
        .post(url)
        .header("Content-Type", content_type)
        .send(body);
    read_answer(url, response, limit)
}

fn read_answer(
    url: &str,
    response: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    limit: u64,
) -> Result<Vec<u8>, DownloadError> {
    let failed = |reason: String| DownloadError::Failed {
        url: url.to_string(),
        reason,
    };
    let response = response.map_err(|error| match error {
        ureq::Error::StatusCode(status) => DownloadError::Status {
            url: url.to_string(),
            status,
        },
        other => failed(other.to_string()),
    })?;
    let mut bytes = Vec::new();
    response
        .into_body()
        .into_reader()
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| failed(error.to_string()))?;
    if bytes.len() as u64 > limit {
        return Err(DownloadError::TooLarge {
            url: url.to_string(),
            limit,
        });
    }
    Ok(bytes)
}
