//! Revocation of the servers' certificates (RULES.md §6: the client "checks expiry and revocation
//! (CRL or OCSP)", ECO.1.1.5–1.1.10).
//!
//! Certificate revocation lists (CRLs) live in the profile's `crl/` folder, one list per file.
//! They are loaded into one set for the whole process ([`install`]) that every TLS connection
//! checks: IMAP through rustls's verifier, SMTP by checking the chain lettre negotiated before
//! signing in (lettre builds its own rustls configuration and takes no CRL). A server whose
//! authority has no list here is accepted — its status is unknown, not bad, and a doctor must not
//! lose her mail because a list could not be fetched — while a server the list of its authority
//! names as revoked is refused. Lists come from an administrator (`pli crl import`) or from the
//! addresses the servers' own certificates give (`pli crl refresh`).
//!
//! That acceptance of an unknown status is the default policy, [`Policy::SoftFail`]. An operator
//! who prefers a lost connection to an unchecked one sets `revocation = "hard-fail"` in the
//! profile's `settings.toml` ([`Policy::HardFail`]): a server whose certificate is not covered
//! by a current list of its authority (none kept, or one past its next update because its
//! address could not be reached) is then refused before any secret is sent. Only the server's
//! own certificate is checked, not its authorities'.
//!
//! A certificate no current list covers that names an OCSP responder (`http://`, in its
//! Authority Information Access) is asked about there ([`super::ocsp`]) after the handshake and
//! before any secret is sent: "revoked" is refused, "good" accepted; no usable answer counts as
//! no list known (accepted and said under soft-fail, refused under hard-fail).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime};

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, CertificateRevocationListDer};
use x509_parser::extensions::{DistributionPointName, GeneralName, ParsedExtension};

use crate::net::{download, DownloadError};
use crate::profile::Profile;

/// A list in the form rustls reads.
pub type RevocationList = CertificateRevocationListDer<'static>;

/// A list is downloaded again once it is older than this (the IGC-Santé publishes daily).
pub const REFRESH_AFTER: Duration = Duration::from_secs(24 * 3600);
/// No authority's list comes near this; a bigger answer is not a list.
const DOWNLOAD_LIMIT: u64 = 64 << 20;

/// What a connection does when the revocation status of the server's certificate cannot be
/// established: an operator's choice (`revocation` in `settings.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Policy {
    /// Accepted, and said: a doctor does not lose her mail because a list could not be fetched.
    #[default]
    SoftFail,
    /// Refused: only a certificate a current list of its authority covers is accepted.
    HardFail,
}

/// How the revocation status of a server's certificate was established for one connection
/// (one the certificate's authority says is revoked is refused, so it has no status here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RevocationStatus {
    /// A current revocation list of its authority covers it.
    CoveredByList,
    /// The OCSP responder the certificate names said "good".
    GoodPerOcsp { responder: String },
    /// Nothing established it, and the soft-fail policy accepted it; with the OCSP responder
    /// that gave no usable answer, when the certificate named one.
    Unknown {
        unanswered: Option<super::ocsp::Unanswered>,
    },
}

/// The lists of the process, the profile folder they came from (where the workers keep them
/// fresh), and the operator's policy.
#[derive(Clone, Default)]
struct Installed {
    lists: Arc<Vec<RevocationList>>,
    folder: Option<PathBuf>,
    policy: Policy,
}

static INSTALLED: RwLock<Option<Installed>> = RwLock::new(None);

fn current() -> Installed {
    match INSTALLED.read() {
        Ok(guard) => guard.clone().unwrap_or_default(),
        // A writer panicked mid-way: what it left is still a valid set of lists.
        Err(poisoned) => poisoned.into_inner().clone().unwrap_or_default(),
    }
}

fn change(update: impl FnOnce(&mut Installed)) {
    let mut guard = INSTALLED
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    update(guard.get_or_insert_with(Installed::default));
}

#[derive(Debug, thiserror::Error)]
pub enum RevocationError {
    #[error("{origin} is not a certificate revocation list (CRL): {reason}; nothing was changed")]
    NotAList { origin: String, reason: String },
    #[error("cannot read {path}: {reason}")]
    Unreadable { path: PathBuf, reason: String },
    #[error("cannot write the revocation list into {path}: {reason}")]
    Unwritable { path: PathBuf, reason: String },
    #[error("the revocation list at {url} could not be downloaded: {source}")]
    Download {
        url: String,
        #[source]
        source: DownloadError,
    },
}

/// Where the certificates of the servers whose revocation status was unknown say their
/// authority's list is, by server name: what `pli crl refresh` downloads when hard-fail refused
/// the very connection that would have told it.
static NOTED: Mutex<BTreeMap<String, Vec<String>>> = Mutex::new(BTreeMap::new());

/// Keeps the list addresses a server's chain gives, for [`noted_distribution_points`].
pub(crate) fn note_distribution_points(server: &str, chain: &[CertificateDer<'_>]) {
    let urls = distribution_points(chain);
    let mut noted = NOTED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    noted.insert(server.to_ascii_lowercase(), urls);
}

/// The list addresses the certificates of `server` gave when its revocation status was found
/// unknown by this process (accepted under soft-fail, refused under hard-fail).
pub fn noted_distribution_points(server: &str) -> Vec<String> {
    let noted = NOTED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    noted
        .get(&server.to_ascii_lowercase())
        .cloned()
        .unwrap_or_default()
}

/// The lists every TLS connection of this process checks.
pub fn installed() -> Arc<Vec<RevocationList>> {
    current().lists
}

/// The policy every new TLS connection of this process follows.
pub fn policy() -> Policy {
    current().policy
}

/// Replaces the lists every new TLS connection checks.
pub fn install(lists: Vec<RevocationList>) {
    change(|installed| installed.lists = Arc::new(lists));
}

/// Where a profile keeps its lists.
pub fn folder(profile: &Profile) -> PathBuf {
    profile.data_dir().join("crl")
}

/// Loads the profile's lists and its revocation policy and installs them; returns the files
/// that could not be read (they are skipped: one damaged file must not stop the others from
/// protecting the connections).
pub fn install_from(profile: &Profile) -> Vec<RevocationError> {
    let (settings, _) = crate::settings::ProfileSettings::load(&profile.settings_file());
    change(|installed| installed.policy = settings.revocation);
    install_folder(&folder(profile))
}

fn install_folder(folder: &Path) -> Vec<RevocationError> {
    let (lists, problems) = load(folder);
    change(|installed| {
        installed.lists = Arc::new(lists);
        installed.folder = Some(folder.to_path_buf());
    });
    problems
}

/// [`refresh`] into the folder the installed lists came from (the window's or the command's
/// profile); nothing when no profile installed any. What a box's worker calls with the addresses
/// its server's certificates give, so the lists stay at most a day old without anyone asking.
pub fn refresh_installed(urls: &[String], max_age: Duration) -> Result<usize, RevocationError> {
    let folder = current().folder;
    match folder {
        Some(folder) => refresh_folder(&folder, urls, max_age),
        None => Ok(0),
    }
}

fn load(folder: &Path) -> (Vec<RevocationList>, Vec<RevocationError>) {
    let mut lists = Vec::new();
    let mut problems = Vec::new();
    let Ok(entries) = std::fs::read_dir(folder) else {
        return (lists, problems);
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|extension| extension == "crl"))
        .collect();
    paths.sort();
    for path in paths {
        match std::fs::read(&path) {
            Ok(bytes) => match parse(&bytes, &path.display().to_string()) {
                Ok(found) => lists.extend(found),
                Err(problem) => problems.push(problem),
            },
            Err(error) => problems.push(RevocationError::Unreadable {
                path,
                reason: error.to_string(),
            }),
        }
    }
    (lists, problems)
}

/// The lists in a file or an answer: PEM (`X509 CRL` blocks) or one DER list. Each must parse as
/// a CRL; its signature is checked against the authority when a connection uses it.
pub fn parse(bytes: &[u8], origin: &str) -> Result<Vec<RevocationList>, RevocationError> {
    let not_a_list = |reason: String| RevocationError::NotAList {
        origin: origin.to_string(),
        reason,
    };
    let lists: Vec<RevocationList> = if bytes.starts_with(b"-----BEGIN") {
        CertificateRevocationListDer::pem_slice_iter(bytes)
            .collect::<Result<_, _>>()
            .map_err(|error| not_a_list(error.to_string()))?
    } else {
        vec![CertificateRevocationListDer::from(bytes.to_vec())]
    };
    if lists.is_empty() {
        return Err(not_a_list("no X509 CRL block".into()));
    }
    for list in &lists {
        x509_parser::parse_x509_crl(list.as_ref())
            .map_err(|error| not_a_list(error.to_string()))?;
    }
    Ok(lists)
}

/// Adds the lists of a file to the profile and installs them; returns how many it held.
pub fn import_file(profile: &Profile, path: &Path) -> Result<usize, RevocationError> {
    let bytes = std::fs::read(path).map_err(|error| RevocationError::Unreadable {
        path: path.to_path_buf(),
        reason: error.to_string(),
    })?;
    let lists = parse(&bytes, &path.display().to_string())?;
    for list in &lists {
        keep(
            &folder(profile),
            &file_name_for(list.as_ref()),
            list.as_ref(),
        )?;
    }
    install_from(profile);
    Ok(lists.len())
}

/// The addresses (http, https) the certificates of a chain give for their authority's list.
pub fn distribution_points(chain: &[CertificateDer<'_>]) -> Vec<String> {
    let mut urls = Vec::new();
    for certificate in chain {
        let Ok((_, parsed)) = x509_parser::parse_x509_certificate(certificate.as_ref()) else {
            continue;
        };
        for extension in parsed.extensions() {
            let ParsedExtension::CRLDistributionPoints(points) = extension.parsed_extension()
            else {
                continue;
            };
            for point in points.iter() {
                let Some(DistributionPointName::FullName(names)) = &point.distribution_point else {
                    continue;
                };
                for name in names {
                    if let GeneralName::URI(uri) = name {
                        let web = uri.starts_with("http://") || uri.starts_with("https://");
                        if web && !urls.iter().any(|known| known == uri) {
                            urls.push(uri.to_string());
                        }
                    }
                }
            }
        }
    }
    urls
}

/// Downloads the lists at `urls` that are missing or older than `max_age`, keeps them, and
/// installs the profile's lists; returns how many were downloaded. A list that fails to download
/// or to parse leaves the one already kept in place.
pub fn refresh(
    profile: &Profile,
    urls: &[String],
    max_age: Duration,
) -> Result<usize, RevocationError> {
    refresh_folder(&folder(profile), urls, max_age)
}

fn refresh_folder(
    folder: &Path,
    urls: &[String],
    max_age: Duration,
) -> Result<usize, RevocationError> {
    let mut downloaded = 0;
    let mut first_problem = None;
    for url in urls {
        let name = format!("url-{}.crl", short_hash(url.as_bytes()));
        let kept = folder.join(&name);
        let fresh = std::fs::metadata(&kept)
            .and_then(|metadata| metadata.modified())
            .ok()
            .and_then(|modified| SystemTime::now().duration_since(modified).ok())
            .is_some_and(|age| age < max_age);
        if fresh {
            continue;
        }
        // CRLs are signed by their authority and usually served over plain HTTP; https is
        // accepted too, with the IGC-Santé root for the ANS's hosts.
        let result = download(url, DOWNLOAD_LIMIT, true)
            .map_err(|source| RevocationError::Download {
                url: url.clone(),
                source,
            })
            .and_then(|bytes| {
                // Kept as served (DER or PEM), once it reads as lists.
                parse(&bytes, url)?;
                keep(folder, &name, &bytes)
            });
        match result {
            Ok(()) => downloaded += 1,
            Err(problem) => {
                first_problem.get_or_insert(problem);
            }
        }
    }
    install_folder(folder);
    match first_problem {
        Some(problem) if downloaded == 0 => Err(problem),
        _ => Ok(downloaded),
    }
}

fn keep(folder: &Path, name: &str, bytes: &[u8]) -> Result<(), RevocationError> {
    let unwritable = |reason: String| RevocationError::Unwritable {
        path: folder.to_path_buf(),
        reason,
    };
    std::fs::create_dir_all(folder).map_err(|error| unwritable(error.to_string()))?;
    // Written beside, then renamed: a connection never reads half a list.
    let partial = folder.join(format!("{name}.partial"));
    std::fs::write(&partial, bytes).map_err(|error| unwritable(error.to_string()))?;
    std::fs::rename(&partial, folder.join(name)).map_err(|error| unwritable(error.to_string()))
}

fn file_name_for(der: &[u8]) -> String {
    format!("imported-{}.crl", short_hash(der))
}

fn short_hash(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    digest[..8]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn authority() -> (rcgen::Certificate, rcgen::KeyPair) {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::CrlSign,
        ];
        (params.self_signed(&key).unwrap(), key)
    }

    fn list_revoking(serial: u64) -> Vec<u8> {
        let (ca, key) = authority();
        let issuer = rcgen::Issuer::from_ca_cert_der(ca.der(), &key).unwrap();
        let params = rcgen::CertificateRevocationListParams {
            this_update: rcgen::date_time_ymd(2026, 11, 1),
            next_update: rcgen::date_time_ymd(2026, 12, 1),
            crl_number: rcgen::SerialNumber::from(1u64),
            issuing_distribution_point: None,
            revoked_certs: vec![rcgen::RevokedCertParams {
                serial_number: rcgen::SerialNumber::from(serial),
                revocation_time: rcgen::date_time_ymd(2026, 11, 2),
                reason_code: Some(rcgen::RevocationReason::KeyCompromise),
                invalidity_date: None,
            }],
            key_identifier_method: rcgen::KeyIdMethod::Sha256,
        };
        params.signed_by(&issuer).unwrap().der().to_vec()
    }

    #[test]
    fn eco_1_1_5_a_list_in_der_or_pem_is_read_and_anything_else_refused() {
        let der = list_revoking(7);
        assert_eq!(parse(&der, "a.crl").unwrap().len(), 1);
        let text = format!(
            "-----BEGIN X509 CRL-----\n{}\n-----END X509 CRL-----\n",
            base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &der)
        );
        assert_eq!(parse(text.as_bytes(), "a.pem").unwrap().len(), 1);
        let refused = parse(b"<html>Maintenance</html>", "page").unwrap_err();
        assert!(
            refused.to_string().contains("nothing was changed"),
            "{refused}"
        );
    }

    #[test]
    fn an_imported_list_is_kept_in_the_profile_and_a_damaged_file_is_skipped() {
        let folder = tempfile::tempdir().unwrap();
        let profile = Profile::at(folder.path());
        let file = folder.path().join("authority.crl");
        std::fs::write(&file, list_revoking(7)).unwrap();
        assert_eq!(import_file(&profile, &file).unwrap(), 1);
        std::fs::write(super::folder(&profile).join("damaged.crl"), b"not a list").unwrap();
        let (lists, problems) = load(&super::folder(&profile));
        assert_eq!(lists.len(), 1);
        assert_eq!(problems.len(), 1);
    }

    /// Serves `body` to each of `times` requests on loopback; returns the address.
    fn serve(body: Vec<u8>, times: usize) -> String {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/CRL/ORG.crl", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for _ in 0..times {
                let Ok((mut stream, _)) = listener.accept() else {
                    return;
                };
                let mut request = [0u8; 2048];
                let _ = stream.read(&mut request);
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/pkix-crl\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
            }
        });
        url
    }

    #[test]
    fn eco_1_1_5_a_list_is_downloaded_once_a_day_and_a_page_in_its_place_keeps_it() {
        let folder = tempfile::tempdir().unwrap();
        let profile = Profile::at(folder.path());
        let url = serve(list_revoking(9), 1);
        let urls = vec![url.clone()];
        assert_eq!(refresh(&profile, &urls, REFRESH_AFTER).unwrap(), 1);
        // Fresh: not asked again (the server would not answer a second time).
        assert_eq!(refresh(&profile, &urls, REFRESH_AFTER).unwrap(), 0);
        let (lists, _) = load(&super::folder(&profile));
        assert_eq!(lists.len(), 1);

        let page = serve(b"<html>Maintenance</html>".to_vec(), 1);
        let refused = refresh(&profile, &[page], Duration::ZERO).unwrap_err();
        assert!(
            refused.to_string().contains("nothing was changed"),
            "{refused}"
        );
        let (lists, _) = load(&super::folder(&profile));
        assert_eq!(lists.len(), 1, "the list already kept stays");
    }

    #[test]
    fn the_distribution_points_of_a_chain_are_read_once_each() {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params =
            rcgen::CertificateParams::new(vec!["imap.ch-test.mssante.fr".into()]).unwrap();
        params.crl_distribution_points = vec![rcgen::CrlDistributionPoint {
            uris: vec![
                "http://igc-sante.example/CRL/ORG.crl".into(),
                "ldap://ldap.example/cn=ORG".into(),
            ],
        }];
        let certificate = params.self_signed(&key).unwrap();
        let chain = vec![certificate.der().clone(), certificate.der().clone()];
        assert_eq!(
            distribution_points(&chain),
            vec!["http://igc-sante.example/CRL/ORG.crl".to_string()]
        );
    }
}
