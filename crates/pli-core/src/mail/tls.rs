//! TLS for IMAP and SMTP: TLS 1.2 or newer, ring as the only crypto provider, and the trust rule
//! of MSSanté.
//!
//! A box on `*.mssante.fr` trusts **only** the IGC-Santé authority (ECO.1.1.10), plus a CA file an
//! administrator names explicitly for that box. The operating system's roots serve only boxes
//! outside MSSanté: a certificate from a public authority must not open an MSSanté session.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{ClientConfig, WebPkiServerVerifier};
use rustls::DigitallySignedStruct;
use rustls::RootCertStore;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use super::ocsp::{self, Unanswered};
use super::revocation::{Policy, RevocationStatus};
use crate::error_chain::causes;
use crate::igc_sante;

/// True for a server name on `mssante.fr` or its subdomains (not `evilmssante.fr`), written
/// with or without the root's dot.
pub fn is_mssante_domain(domain: &str) -> bool {
    crate::mssante::address::is_mssante_domain(domain.trim_end_matches('.'))
}

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read the certificate file {path}: {reason}")]
    UnreadableFile { path: PathBuf, reason: String },
    #[error("{path} holds no certificate")]
    NoCertificate { path: PathBuf },
    #[error("{path} holds no private key; give the key file too")]
    NoPrivateKey { path: PathBuf },
    #[error("the password of the certificate file {path} is wrong")]
    WrongPassphrase { path: PathBuf },
    #[error("{path} is neither a PKCS#12 (.p12/.pfx) nor a PEM certificate file")]
    UnknownFormat { path: PathBuf },
    #[error(
        "the client certificate in {path} expired on {expired_on}; ask your operator for a new one"
    )]
    ClientCertificateExpired { path: PathBuf, expired_on: String },
    #[error("the authority file {path} holds a certificate that cannot be used: {reason}")]
    BadAuthority { path: PathBuf, reason: String },
    #[error("TLS cannot be set up: {0}")]
    Setup(String),
}

/// Why a server's certificate was refused, in words a secretary understands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertificateProblem {
    Expired,
    NotYetValid,
    /// The certificate is for another server: a typo in the address, or someone in between.
    WrongHost,
    /// Not signed by an authority this box trusts (IGC-Santé for MSSanté boxes).
    UntrustedAuthority,
    Revoked,
    /// No current revocation list of its authority covers it, and the operator's policy is
    /// hard-fail (`revocation = "hard-fail"`).
    RevocationUnknown,
    /// No list covers it, the OCSP responder it names gave no usable answer, and the policy is
    /// hard-fail.
    OcspUnanswered(Unanswered),
    Other(String),
}

impl fmt::Display for CertificateProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CertificateProblem::Expired => f.write_str("its certificate has expired"),
            CertificateProblem::NotYetValid => {
                f.write_str("its certificate is not valid yet (check the computer's date)")
            }
            CertificateProblem::WrongHost => {
                f.write_str("its certificate belongs to another server")
            }
            CertificateProblem::UntrustedAuthority => {
                f.write_str("its certificate is not signed by an authority this box trusts")
            }
            CertificateProblem::Revoked => f.write_str("its certificate has been revoked"),
            CertificateProblem::RevocationUnknown => f.write_str(
                "whether its certificate is revoked cannot be established (no current revocation \
                 list of its authority) and the revocation policy is hard-fail",
            ),
            CertificateProblem::OcspUnanswered(unanswered) => write!(
                f,
                "whether its certificate is revoked cannot be established (its authority's OCSP \
                 responder {} {}) and the revocation policy is hard-fail",
                unanswered.responder,
                match unanswered.failure {
                    ocsp::Failure::NoAnswer => "did not answer",
                    ocsp::Failure::Unusable => "gave an answer that cannot be relied on",
                }
            ),
            CertificateProblem::Other(detail) => write!(f, "its certificate is invalid ({detail})"),
        }
    }
}

impl CertificateProblem {
    /// Reads the certificate verdict out of a rustls error, if that is what it was.
    pub fn from_rustls(error: &rustls::Error) -> Option<Self> {
        use rustls::CertificateError as E;
        let rustls::Error::InvalidCertificate(error) = error else {
            return None;
        };
        Some(match error {
            E::Expired | E::ExpiredContext { .. } => CertificateProblem::Expired,
            E::NotValidYet | E::NotValidYetContext { .. } => CertificateProblem::NotYetValid,
            E::NotValidForName | E::NotValidForNameContext { .. } => CertificateProblem::WrongHost,
            E::UnknownIssuer => CertificateProblem::UntrustedAuthority,
            E::Revoked => CertificateProblem::Revoked,
            E::UnknownRevocationStatus
            | E::ExpiredRevocationList
            | E::ExpiredRevocationListContext { .. } => CertificateProblem::RevocationUnknown,
            other => CertificateProblem::Other(format!("{other:?}")),
        })
    }

    /// Looks through an error and its sources for a refused certificate.
    pub fn find_in(error: &(dyn std::error::Error + 'static)) -> Option<Self> {
        causes(error)
            .find_map(|cause| cause.downcast_ref::<rustls::Error>())
            .and_then(Self::from_rustls)
    }
}

/// The authorities one box trusts.
#[derive(Clone)]
pub struct Trust {
    anchors: Vec<CertificateDer<'static>>,
    use_os_roots: bool,
}

impl fmt::Debug for Trust {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Trust")
            .field("anchors", &self.anchors.len())
            .field("use_os_roots", &self.use_os_roots)
            .finish()
    }
}

impl Trust {
    /// The rule of ECO.1.1.10 for a box on `domain`, with the administrator's extra authority.
    pub fn for_domain(domain: &str, extra_ca: Option<&Path>) -> Result<Self, TlsError> {
        let mssante = is_mssante_domain(domain);
        let mut anchors = Vec::new();
        if mssante {
            anchors.extend(igc_sante::roots().map_err(TlsError::Setup)?);
        }
        if let Some(path) = extra_ca {
            let bytes = read_file(path)?;
            let certificates = pem_certificates(&bytes, path)?;
            if certificates.is_empty() {
                return Err(TlsError::NoCertificate {
                    path: path.to_path_buf(),
                });
            }
            anchors.extend(certificates);
        }
        Ok(Self {
            anchors,
            use_os_roots: !mssante,
        })
    }

    fn root_store(&self) -> Result<RootCertStore, TlsError> {
        let mut roots = RootCertStore::empty();
        if self.use_os_roots {
            let native = rustls_native_certs::load_native_certs();
            let (_added, _ignored) = roots.add_parsable_certificates(native.certs);
        }
        for anchor in &self.anchors {
            roots
                .add(anchor.clone())
                .map_err(|error| TlsError::BadAuthority {
                    path: PathBuf::from("(authority)"),
                    reason: error.to_string(),
                })?;
        }
        Ok(roots)
    }

    #[cfg(test)]
    fn uses_os_roots(&self) -> bool {
        self.use_os_roots
    }

    pub fn anchors(&self) -> &[CertificateDer<'static>] {
        &self.anchors
    }
}

/// A TLS client certificate with its private key, held in memory only.
pub struct ClientIdentity {
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

impl fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientIdentity")
            .field("certificates", &self.chain.len())
            .finish()
    }
}

impl Clone for ClientIdentity {
    fn clone(&self) -> Self {
        Self {
            chain: self.chain.clone(),
            key: self.key.clone_key(),
        }
    }
}

impl ClientIdentity {
    /// Loads a PKCS#12 file (with its passphrase) or a PEM chain with its key (in the same file
    /// or in `key_path`).
    pub fn load(
        path: &Path,
        key_path: Option<&Path>,
        passphrase: Option<&str>,
    ) -> Result<Self, TlsError> {
        let bytes = read_file(path)?;
        let identity = if looks_like_pem(&bytes) {
            let chain = pem_certificates(&bytes, path)?;
            if chain.is_empty() {
                return Err(TlsError::NoCertificate {
                    path: path.to_path_buf(),
                });
            }
            let (key_bytes, key_file) = match key_path {
                Some(key_path) => (read_file(key_path)?, key_path),
                None => (bytes.clone(), path),
            };
            let key =
                PrivateKeyDer::from_pem_slice(&key_bytes).map_err(|_| TlsError::NoPrivateKey {
                    path: key_file.to_path_buf(),
                })?;
            Self { chain, key }
        } else {
            Self::from_pkcs12(&bytes, path, passphrase.unwrap_or(""))?
        };
        identity.check_not_expired(path)?;
        Ok(identity)
    }

    fn from_pkcs12(bytes: &[u8], path: &Path, passphrase: &str) -> Result<Self, TlsError> {
        use p12_keystore::error::Error as P12Error;
        let store = p12_keystore::KeyStore::from_pkcs12(bytes, passphrase, Default::default())
            .map_err(|error| match error {
                P12Error::MacError(_) => TlsError::WrongPassphrase {
                    path: path.to_path_buf(),
                },
                P12Error::DerError(_) | P12Error::InvalidVersion => TlsError::UnknownFormat {
                    path: path.to_path_buf(),
                },
                other => TlsError::UnreadableFile {
                    path: path.to_path_buf(),
                    reason: other.to_string(),
                },
            })?;
        let (_alias, key_chain) =
            store
                .private_key_chain()
                .ok_or_else(|| TlsError::NoPrivateKey {
                    path: path.to_path_buf(),
                })?;
        let chain: Vec<_> = key_chain
            .certs()
            .iter()
            .map(|certificate| CertificateDer::from(certificate.as_der().to_vec()))
            .collect();
        if chain.is_empty() {
            return Err(TlsError::NoCertificate {
                path: path.to_path_buf(),
            });
        }
        let key = PrivateKeyDer::try_from(key_chain.key().as_der().to_vec()).map_err(|_| {
            TlsError::NoPrivateKey {
                path: path.to_path_buf(),
            }
        })?;
        Ok(Self { chain, key })
    }

    fn check_not_expired(&self, path: &Path) -> Result<(), TlsError> {
        let Some(leaf) = self.chain.first() else {
            return Err(TlsError::NoCertificate {
                path: path.to_path_buf(),
            });
        };
        let (_, certificate) = x509_parser::parse_x509_certificate(leaf).map_err(|error| {
            TlsError::UnreadableFile {
                path: path.to_path_buf(),
                reason: error.to_string(),
            }
        })?;
        let not_after = certificate.validity().not_after;
        if not_after.timestamp() < chrono::Utc::now().timestamp() {
            return Err(TlsError::ClientCertificateExpired {
                path: path.to_path_buf(),
                expired_on: not_after.to_string(),
            });
        }
        Ok(())
    }

    /// The chain and the key as PEM text, for the SMTP library's own TLS set-up.
    pub fn to_pem(&self) -> (Vec<u8>, Vec<u8>) {
        let chain = self
            .chain
            .iter()
            .map(|c| pem_encode("CERTIFICATE", c.as_ref()))
            .collect::<String>();
        let label = match &self.key {
            PrivateKeyDer::Pkcs1(_) => "RSA PRIVATE KEY",
            PrivateKeyDer::Sec1(_) => "EC PRIVATE KEY",
            _ => "PRIVATE KEY",
        };
        let key = pem_encode(label, self.key.secret_der());
        (chain.into_bytes(), key.into_bytes())
    }
}

fn pem_encode(label: &str, der: &[u8]) -> String {
    use base64::Engine;
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let mut text = format!("-----BEGIN {label}-----\n");
    for chunk in body.as_bytes().chunks(64) {
        text.push_str(&String::from_utf8_lossy(chunk));
        text.push('\n');
    }
    text.push_str(&format!("-----END {label}-----\n"));
    text
}

fn looks_like_pem(bytes: &[u8]) -> bool {
    bytes
        .windows(10)
        .take(4096)
        .any(|window| window == b"-----BEGIN")
}

fn read_file(path: &Path) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|error| TlsError::UnreadableFile {
        path: path.to_path_buf(),
        reason: error.to_string(),
    })
}

fn pem_certificates(bytes: &[u8], path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    CertificateDer::pem_slice_iter(bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| TlsError::BadAuthority {
            path: path.to_path_buf(),
            reason: error.to_string(),
        })
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The check of a server's chain for one box: its trust, and the revocation lists and policy
/// installed for the process (`revocation`). A certificate its authority's list names is
/// refused. One no current list covers is asked about to the OCSP responder it names, after
/// the handshake ([`ServerVerifier::revocation_status`]); without one it is accepted under
/// soft-fail (and the status says so) and refused under hard-fail.
pub fn server_verifier(trust: &Trust) -> Result<Arc<ServerVerifier>, TlsError> {
    let lists = super::revocation::installed();
    let policy = super::revocation::policy();
    let roots = Arc::new(trust.root_store()?);
    let build = |builder: rustls::client::ServerCertVerifierBuilder| {
        builder
            .build()
            .map_err(|error| TlsError::Setup(error.to_string()))
    };
    let with_lists = || {
        WebPkiServerVerifier::builder_with_provider(roots.clone(), provider())
            .with_crls(lists.iter().cloned())
            .only_check_end_entity_revocation()
    };
    let (strict, lenient) = if lists.is_empty() {
        (
            None,
            build(WebPkiServerVerifier::builder_with_provider(
                roots.clone(),
                provider(),
            ))?,
        )
    } else {
        // A list past its next update proves nothing (its address was not reachable): the
        // status is unknown, though a certificate it names stays refused (`lenient`).
        (
            Some(build(with_lists().enforce_revocation_expiration())?),
            build(with_lists().allow_unknown_revocation_status())?,
        )
    };
    Ok(Arc::new(ServerVerifier {
        strict,
        lenient,
        policy,
        roots,
        found: Mutex::new(Found::NotChecked),
    }))
}

/// What the handshake established about the revocation of the server's certificate.
#[derive(Debug, Clone)]
enum Found {
    NotChecked,
    /// A current list of its authority covers it (and does not name it).
    Covered,
    /// Nothing establishes it: accepted under soft-fail.
    Unknown,
    /// No list covers it but it names an OCSP responder, asked after the handshake.
    AskOcsp {
        query: ocsp::Query,
        server: String,
        chain: Vec<CertificateDer<'static>>,
    },
}

/// [`server_verifier`]'s verifier: webpki's, with the operator's revocation policy.
#[derive(Debug)]
pub struct ServerVerifier {
    /// With the lists, unknown status refused; none when no list is installed.
    strict: Option<Arc<WebPkiServerVerifier>>,
    /// Everything else checked the same, unknown status accepted.
    lenient: Arc<WebPkiServerVerifier>,
    policy: Policy,
    /// The box's authorities, where the issuer of a certificate asked about by OCSP may be.
    roots: Arc<RootCertStore>,
    found: Mutex<Found>,
}

impl ServerVerifier {
    fn set_found(&self, found: Found) {
        *self
            .found
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = found;
    }

    fn unknown_status(
        &self,
        server_name: &rustls_pki_types::ServerName<'_>,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
    ) -> Result<(), rustls::Error> {
        let mut chain = vec![end_entity.clone().into_owned()];
        chain.extend(intermediates.iter().map(|der| der.clone().into_owned()));
        // Its responder decides, after the handshake and before anything is sent: the
        // handshake runs on the async threads, where a request must not wait.
        if let Some(query) = ocsp::Query::for_chain(end_entity, intermediates, &self.roots.roots) {
            self.set_found(Found::AskOcsp {
                query,
                server: server_name.to_str().into_owned(),
                chain,
            });
            return Ok(());
        }
        super::revocation::note_distribution_points(&server_name.to_str(), &chain);
        match self.policy {
            Policy::HardFail => Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::UnknownRevocationStatus,
            )),
            Policy::SoftFail => {
                self.set_found(Found::Unknown);
                tracing::warn!(
                    server = ?server_name,
                    "the revocation status of the server's certificate is unknown; accepted (soft-fail)"
                );
                Ok(())
            }
        }
    }

    /// The revocation status of the certificate the handshake accepted, once its OCSP responder
    /// (if it names one and no list settled it) has answered: to be awaited after the handshake
    /// and before any secret is sent. A certificate the responder says is revoked is refused;
    /// an unusable or missing answer counts as no list known (refused under hard-fail).
    pub async fn revocation_status(&self) -> Result<RevocationStatus, CertificateProblem> {
        let found = self
            .found
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone();
        let (query, server, chain) = match found {
            Found::Covered => return Ok(RevocationStatus::CoveredByList),
            Found::Unknown => return Ok(RevocationStatus::Unknown { unanswered: None }),
            // No chain was checked (a resumed session would skip it; each connection has its
            // own configuration, so none is): nothing established, as the policy says.
            Found::NotChecked => {
                return match self.policy {
                    Policy::HardFail => Err(CertificateProblem::RevocationUnknown),
                    Policy::SoftFail => Ok(RevocationStatus::Unknown { unanswered: None }),
                }
            }
            Found::AskOcsp {
                query,
                server,
                chain,
            } => (query, server, chain),
        };
        let responder = query.responder().to_string();
        let answer = tokio::task::spawn_blocking(move || ocsp::ask(&query))
            .await
            .unwrap_or(ocsp::Answer::Unsettled(Unanswered {
                responder,
                failure: ocsp::Failure::NoAnswer,
            }));
        match answer {
            ocsp::Answer::Settled {
                status: ocsp::Status::Good,
                responder,
            } => Ok(RevocationStatus::GoodPerOcsp { responder }),
            ocsp::Answer::Settled {
                status: ocsp::Status::Revoked,
                ..
            } => Err(CertificateProblem::Revoked),
            ocsp::Answer::Unsettled(unanswered) => {
                super::revocation::note_distribution_points(&server, &chain);
                match self.policy {
                    Policy::HardFail => Err(CertificateProblem::OcspUnanswered(unanswered)),
                    Policy::SoftFail => {
                        tracing::warn!(
                            %server,
                            responder = %unanswered.responder,
                            "no usable OCSP answer for the server's certificate; accepted (soft-fail)"
                        );
                        Ok(RevocationStatus::Unknown {
                            unanswered: Some(unanswered),
                        })
                    }
                }
            }
        }
    }
}

impl ServerCertVerifier for ServerVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &rustls_pki_types::ServerName<'_>,
        ocsp_response: &[u8],
        now: rustls_pki_types::UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        use rustls::CertificateError as E;
        let Some(strict) = &self.strict else {
            // Every other check first: an unknown status never hides an expired certificate.
            let verified = self.lenient.verify_server_cert(
                end_entity,
                intermediates,
                server_name,
                ocsp_response,
                now,
            )?;
            return self
                .unknown_status(server_name, end_entity, intermediates)
                .map(|()| verified);
        };
        match strict.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            Ok(verified) => {
                self.set_found(Found::Covered);
                Ok(verified)
            }
            Err(rustls::Error::InvalidCertificate(
                E::UnknownRevocationStatus
                | E::ExpiredRevocationList
                | E::ExpiredRevocationListContext { .. },
            )) => {
                let verified = self.lenient.verify_server_cert(
                    end_entity,
                    intermediates,
                    server_name,
                    ocsp_response,
                    now,
                )?;
                self.unknown_status(server_name, end_entity, intermediates)
                    .map(|()| verified)
            }
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.lenient.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.lenient.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.lenient.supported_verify_schemes()
    }
}

/// Checks a chain another TLS stack negotiated (lettre's, for SMTP) against the box's trust,
/// the installed revocation lists and the OCSP responder the certificate names, as
/// [`client_config`]'s connections are checked; says how its revocation status was established.
pub async fn check_chain(
    trust: &Trust,
    host: &str,
    chain: &[Vec<u8>],
) -> Result<RevocationStatus, CheckedChain> {
    let Some((leaf, intermediates)) = chain.split_first() else {
        return Err(CheckedChain::Refused(CertificateProblem::Other(
            "the server sent no certificate".into(),
        )));
    };
    let verifier = server_verifier(trust).map_err(CheckedChain::Setup)?;
    let name = rustls_pki_types::ServerName::try_from(host.to_string())
        .map_err(|error| CheckedChain::Setup(TlsError::Setup(error.to_string())))?;
    let intermediates: Vec<CertificateDer<'_>> = intermediates
        .iter()
        .map(|der| CertificateDer::from(der.as_slice()))
        .collect();
    verifier
        .verify_server_cert(
            &CertificateDer::from(leaf.as_slice()),
            &intermediates,
            &name,
            &[],
            rustls_pki_types::UnixTime::now(),
        )
        .map_err(|error| {
            CheckedChain::Refused(
                CertificateProblem::from_rustls(&error)
                    .unwrap_or_else(|| CertificateProblem::Other(error.to_string())),
            )
        })?;
    verifier
        .revocation_status()
        .await
        .map_err(CheckedChain::Refused)
}

/// Why [`check_chain`] refused a chain.
#[derive(Debug)]
pub enum CheckedChain {
    Refused(CertificateProblem),
    Setup(TlsError),
}

/// The rustls configuration for one box: its trust, TLS 1.2+ only, and its client certificate;
/// with the verifier, whose [`ServerVerifier::revocation_status`] settles the revocation status
/// after the handshake.
pub fn client_config(
    trust: &Trust,
    identity: Option<&ClientIdentity>,
) -> Result<(Arc<ClientConfig>, Arc<ServerVerifier>), TlsError> {
    let verifier = server_verifier(trust)?;
    let builder = ClientConfig::builder_with_provider(provider())
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|error| TlsError::Setup(error.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier.clone());
    let config = match identity {
        Some(identity) => builder
            .with_client_auth_cert(identity.chain.clone(), identity.key.clone_key())
            .map_err(|error| TlsError::Setup(error.to_string()))?,
        None => builder.with_no_client_auth(),
    };
    Ok((Arc::new(config), verifier))
}

/// The same rule expressed for lettre, which builds its own rustls configuration.
pub fn smtp_parameters(
    host: &str,
    trust: &Trust,
    identity: Option<&ClientIdentity>,
) -> Result<lettre::transport::smtp::client::TlsParameters, TlsError> {
    use lettre::transport::smtp::client::{
        Certificate, CertificateStore, Identity, TlsParameters, TlsVersion,
    };
    let store = if trust.use_os_roots {
        CertificateStore::Default
    } else {
        CertificateStore::None
    };
    let mut builder = TlsParameters::builder(host.to_string())
        .certificate_store(store)
        .set_min_tls_version(TlsVersion::Tlsv12);
    for anchor in &trust.anchors {
        let certificate = Certificate::from_der(anchor.to_vec())
            .map_err(|error| TlsError::Setup(error.to_string()))?;
        builder = builder.add_root_certificate(certificate);
    }
    if let Some(identity) = identity {
        // lettre 0.11's rustls back end takes the first argument of `Identity::from_pem` as the
        // DER bytes of one certificate (not PEM, whatever the name says), so the leaf is given
        // as DER; servers hold the intermediate authorities of their own PKI.
        let leaf = identity
            .chain
            .first()
            .ok_or_else(|| TlsError::Setup("the client certificate chain is empty".into()))?;
        let (_, key) = identity.to_pem();
        let identity = Identity::from_pem(leaf.as_ref(), &key)
            .map_err(|error| TlsError::Setup(error.to_string()))?;
        builder = builder.identify_with(identity);
    }
    builder
        .build_rustls()
        .map_err(|error| TlsError::Setup(error.to_string()))
}

#[cfg(test)]
#[path = "tls_tests.rs"]
mod tests;
