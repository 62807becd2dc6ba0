//! OCSP (RFC 6960): asking the responder a server's certificate names whether it is revoked.
//!
//! Dovecot and Postfix do not staple, so the client asks: when no current revocation list of
//! its authority covers a server's certificate and the certificate names an `http://` responder
//! in its Authority Information Access, [`ask`] posts a request for it (a few seconds at most)
//! and checks the answer as RFC 6960 §3.2 says: it is about this certificate (the CertID: the
//! issuer's name and key hashes and the serial), signed by the issuer itself or by a responder
//! certificate the issuer signed for `id-kp-OCSPSigning` (checked by webpki, ring only), current
//! (thisUpdate not ahead, nextUpdate not past), and carries the nonce sent when it carries one.
//! A usable answer is kept until its nextUpdate, so a sync does not ask at every connection.
//!
//! The messages are read and written by RustCrypto's `x509-ocsp` (DER types only; every check
//! above is here).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use rustls_pki_types::{CertificateDer, SignatureVerificationAlgorithm, TrustAnchor, UnixTime};
use x509_cert::der::asn1::OctetString;
use x509_cert::der::oid::db::{rfc5280, rfc5912, rfc6960};
use x509_cert::der::oid::ObjectIdentifier;
use x509_cert::der::{Decode, Encode, Reader, SliceReader};
use x509_cert::ext::Extension;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_ocsp::{
    BasicOcspResponse, CertId, CertStatus, OcspRequest, OcspResponse, OcspResponseStatus, Request,
    TbsRequest, Version,
};

/// How long a responder may take: the person is waiting for her mail.
pub const TIMEOUT: Duration = Duration::from_secs(4);
/// Clocks disagree a little; an answer is not refused for less.
const CLOCK_SKEW: Duration = Duration::from_secs(5 * 60);
/// An answer with no nextUpdate is current only this long after its thisUpdate, and not kept.
const WITHOUT_NEXT_UPDATE: Duration = Duration::from_secs(3600);
/// No OCSP answer comes near this.
const ANSWER_LIMIT: u64 = 64 << 10;

/// What a responder said, once its answer passed every check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Good,
    Revoked,
}

/// Why no responder gave a usable answer: said to the person by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// No answer: connection refused, timed out, an HTTP error.
    NoAnswer,
    /// An answer Pli cannot rely on: not OCSP, an error status, a bad signature, another
    /// certificate, out of date, a wrong nonce, or "unknown".
    Unusable,
}

/// A responder that could not settle a certificate's status, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unanswered {
    pub responder: String,
    pub failure: Failure,
}

/// The result of [`ask`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Settled { status: Status, responder: String },
    Unsettled(Unanswered),
}

/// What to ask about one server certificate: the certificate, the authorities that may have
/// issued it (the chain's intermediates and the box's trust anchors) and its responders.
#[derive(Debug, Clone)]
pub struct Query {
    leaf: CertificateDer<'static>,
    issuers: Vec<TrustAnchor<'static>>,
    responders: Vec<String>,
}

/// The `http://` OCSP responders a certificate names (Authority Information Access, id-ad-ocsp).
/// An https responder would need a certificate check of its own, which may need OCSP: skipped,
/// as RFC 6960 §A.1 expects responders on http.
pub fn responders(certificate: &[u8]) -> Vec<String> {
    use x509_parser::extensions::{GeneralName, ParsedExtension};
    let Ok((_, parsed)) = x509_parser::parse_x509_certificate(certificate) else {
        return Vec::new();
    };
    let mut urls = Vec::new();
    for extension in parsed.extensions() {
        let ParsedExtension::AuthorityInfoAccess(access) = extension.parsed_extension() else {
            continue;
        };
        for description in access.iter() {
            if description.access_method
                != x509_parser::oid_registry::OID_PKIX_ACCESS_DESCRIPTOR_OCSP
            {
                continue;
            }
            if let GeneralName::URI(uri) = description.access_location {
                if uri.starts_with("http://") && !urls.iter().any(|known| known == uri) {
                    urls.push(uri.to_string());
                }
            }
        }
    }
    urls
}

impl Query {
    /// The question for a leaf whose chain webpki accepted; `None` when it names no responder.
    pub fn for_chain(
        leaf: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        anchors: &[TrustAnchor<'_>],
    ) -> Option<Self> {
        let responders = responders(leaf.as_ref());
        if responders.is_empty() {
            return None;
        }
        let issuers = intermediates
            .iter()
            .filter_map(|der| webpki::anchor_from_trusted_cert(der).ok())
            .map(|anchor| anchor.to_owned())
            .chain(anchors.iter().map(TrustAnchor::to_owned))
            .collect();
        Some(Self {
            leaf: leaf.clone().into_owned(),
            issuers,
            responders,
        })
    }

    /// The first responder, for what is said about the certificate.
    pub fn responder(&self) -> &str {
        self.responders.first().map(String::as_str).unwrap_or("")
    }
}

/// A usable answer: what it said, who said it, and until when it holds (its nextUpdate).
type Kept = (Status, String, SystemTime);

/// The answers kept until their nextUpdate, by CertID (its DER).
static KEPT: Mutex<Option<HashMap<Vec<u8>, Kept>>> = Mutex::new(None);

/// Asks the certificate's responders in turn, the answers kept first; blocks (HTTP), at most
/// [`TIMEOUT`] per responder.
pub fn ask(query: &Query) -> Answer {
    ask_at(query, SystemTime::now(), &|url, body| {
        crate::net::post(url, "application/ocsp-request", body, ANSWER_LIMIT, TIMEOUT)
            .map_err(|error| error.to_string())
    })
}

type Post<'a> = dyn Fn(&str, &[u8]) -> Result<Vec<u8>, String> + 'a;

fn ask_at(query: &Query, now: SystemTime, post: &Post<'_>) -> Answer {
    let unusable = |responder: &str| {
        Answer::Unsettled(Unanswered {
            responder: responder.to_string(),
            failure: Failure::Unusable,
        })
    };
    let Some((issuer, cert_id)) = issuer_of(query, now) else {
        tracing::warn!("OCSP: the issuer of the server's certificate is not among its authorities");
        return unusable(query.responder());
    };
    let Ok(key) = cert_id.to_der() else {
        return unusable(query.responder());
    };
    if let Some(answer) = kept(&key, now) {
        return answer;
    }
    let mut last = None;
    for responder in &query.responders {
        let nonce = fresh_nonce();
        let failure = match request(&cert_id, &nonce) {
            Err(_) => Failure::Unusable,
            Ok(body) => match post(responder, &body) {
                Err(reason) => {
                    tracing::warn!(%responder, %reason, "OCSP: no answer");
                    Failure::NoAnswer
                }
                Ok(bytes) => match check(&bytes, &issuer, &cert_id, &nonce, now) {
                    Ok((status, until)) => {
                        keep(key, status, responder, until);
                        return Answer::Settled {
                            status,
                            responder: responder.clone(),
                        };
                    }
                    Err(reason) => {
                        tracing::warn!(%responder, reason, "OCSP: answer refused");
                        Failure::Unusable
                    }
                },
            },
        };
        last = Some(Unanswered {
            responder: responder.clone(),
            failure,
        });
    }
    match last {
        Some(unanswered) => Answer::Unsettled(unanswered),
        None => unusable(query.responder()),
    }
}

fn kept(key: &[u8], now: SystemTime) -> Option<Answer> {
    let kept = KEPT.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let (status, responder, until) = kept.as_ref()?.get(key)?;
    (now < *until).then(|| Answer::Settled {
        status: *status,
        responder: responder.clone(),
    })
}

fn keep(key: Vec<u8>, status: Status, responder: &str, until: Option<SystemTime>) {
    let Some(until) = until else { return };
    let mut kept = KEPT.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    kept.get_or_insert_with(HashMap::new)
        .insert(key, (status, responder.to_string(), until));
}

/// Every signature algorithm webpki verifies with ring.
static ALGORITHMS: &[&dyn SignatureVerificationAlgorithm] = &[
    webpki::ring::ECDSA_P256_SHA256,
    webpki::ring::ECDSA_P256_SHA384,
    webpki::ring::ECDSA_P384_SHA256,
    webpki::ring::ECDSA_P384_SHA384,
    webpki::ring::ED25519,
    webpki::ring::RSA_PKCS1_2048_8192_SHA256,
    webpki::ring::RSA_PKCS1_2048_8192_SHA384,
    webpki::ring::RSA_PKCS1_2048_8192_SHA512,
    webpki::ring::RSA_PKCS1_2048_8192_SHA256_ABSENT_PARAMS,
    webpki::ring::RSA_PKCS1_2048_8192_SHA384_ABSENT_PARAMS,
    webpki::ring::RSA_PKCS1_2048_8192_SHA512_ABSENT_PARAMS,
    webpki::ring::RSA_PKCS1_3072_8192_SHA384,
    webpki::ring::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
    webpki::ring::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
    webpki::ring::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
];

fn unix(time: SystemTime) -> UnixTime {
    UnixTime::since_unix_epoch(
        time.duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default(),
    )
}

/// The authority that signed the leaf (its name is the leaf's issuer and its key verifies the
/// leaf), and the CertID that names the leaf to it.
fn issuer_of(query: &Query, now: SystemTime) -> Option<(TrustAnchor<'static>, CertId)> {
    let leaf = webpki::EndEntityCert::try_from(&query.leaf).ok()?;
    let issuer = query.issuers.iter().find(|candidate| {
        candidate.subject.as_ref() == leaf.issuer()
            && leaf
                .verify_for_usage(
                    ALGORITHMS,
                    std::slice::from_ref(*candidate),
                    &[],
                    unix(now),
                    webpki::KeyUsage::server_auth(),
                    None,
                    None,
                )
                .is_ok()
    })?;
    let cert_id = cert_id(issuer, leaf.serial(), rfc5912::ID_SHA_1)?;
    Some((issuer.clone(), cert_id))
}

fn sequence(contents: &[u8]) -> Vec<u8> {
    let mut der = vec![0x30];
    let length = contents.len();
    if length < 0x80 {
        der.push(length as u8);
    } else {
        let bytes: Vec<u8> = length
            .to_be_bytes()
            .into_iter()
            .skip_while(|byte| *byte == 0)
            .collect();
        der.push(0x80 | bytes.len() as u8);
        der.extend(bytes);
    }
    der.extend_from_slice(contents);
    der
}

fn spki_of(anchor: &TrustAnchor<'_>) -> Option<SubjectPublicKeyInfoOwned> {
    SubjectPublicKeyInfoOwned::from_der(&sequence(anchor.subject_public_key_info.as_ref())).ok()
}

fn digest(algorithm: ObjectIdentifier, bytes: &[u8]) -> Option<Vec<u8>> {
    if algorithm == rfc5912::ID_SHA_1 {
        use sha1::Digest as _;
        Some(sha1::Sha1::digest(bytes).to_vec())
    } else if algorithm == rfc5912::ID_SHA_256 {
        use sha2::Digest as _;
        Some(sha2::Sha256::digest(bytes).to_vec())
    } else {
        None
    }
}

/// The CertID of the certificate `serial` of `issuer`, hashed with `algorithm`.
fn cert_id(issuer: &TrustAnchor<'_>, serial: &[u8], algorithm: ObjectIdentifier) -> Option<CertId> {
    let key = spki_of(issuer)?;
    Some(CertId {
        hash_algorithm: AlgorithmIdentifierOwned {
            oid: algorithm,
            parameters: None,
        },
        issuer_name_hash: OctetString::new(digest(algorithm, &sequence(issuer.subject.as_ref()))?)
            .ok()?,
        issuer_key_hash: OctetString::new(digest(algorithm, key.subject_public_key.raw_bytes())?)
            .ok()?,
        serial_number: SerialNumber::new(serial).ok()?,
    })
}

fn fresh_nonce() -> Vec<u8> {
    let mut nonce = vec![0u8; 16];
    // Without randomness the nonce is only less useful: the signature and dates still hold.
    let _ = rustls::crypto::ring::default_provider()
        .secure_random
        .fill(&mut nonce);
    nonce
}

/// The DER request for one certificate, with a nonce (RFC 8954: 1 to 32 bytes).
fn request(cert_id: &CertId, nonce: &[u8]) -> Result<Vec<u8>, x509_cert::der::Error> {
    let nonce = Extension {
        extn_id: rfc6960::ID_PKIX_OCSP_NONCE,
        critical: false,
        extn_value: OctetString::new(OctetString::new(nonce)?.to_der()?)?,
    };
    OcspRequest {
        tbs_request: TbsRequest {
            version: Version::V1,
            requestor_name: None,
            request_list: vec![Request {
                req_cert: cert_id.clone(),
                single_request_extensions: None,
            }],
            request_extensions: Some(vec![nonce]),
        },
        optional_signature: None,
    }
    .to_der()
}

/// Checks an answer (RFC 6960 §3.2) and reads its status and how long it may be kept.
fn check(
    bytes: &[u8],
    issuer: &TrustAnchor<'_>,
    asked: &CertId,
    nonce: &[u8],
    now: SystemTime,
) -> Result<(Status, Option<SystemTime>), &'static str> {
    let response = OcspResponse::from_der(bytes).map_err(|_| "not an OCSP response")?;
    if response.response_status != OcspResponseStatus::Successful {
        return Err("the responder answered with an error status");
    }
    let body = response.response_bytes.ok_or("no response in the answer")?;
    if body.response_type != rfc6960::ID_PKIX_OCSP_BASIC {
        return Err("not a basic OCSP response");
    }
    let basic_der = body.response.as_bytes();
    let basic = BasicOcspResponse::from_der(basic_der).map_err(|_| "a malformed basic response")?;
    let signed = signed_part(basic_der).ok_or("a malformed basic response")?;
    let signature = basic.signature.as_bytes().ok_or("a malformed signature")?;
    let algorithm = basic
        .signature_algorithm
        .to_der()
        .map_err(|_| "a malformed signature algorithm")?;
    if !signed_by_issuer(issuer, &algorithm, signed, signature)
        && !signed_by_delegate(&basic, issuer, &algorithm, signed, signature, now)
    {
        return Err("not signed by the authority nor by a responder it named");
    }
    if let Some(sent) = basic.nonce() {
        if sent.0.as_bytes() != nonce {
            return Err("the nonce is not the one sent");
        }
    }
    let single = basic
        .tbs_response_data
        .responses
        .iter()
        .find(|single| same_certificate(&single.cert_id, asked, issuer))
        .ok_or("no answer about this certificate")?;
    let this_update = SystemTime::UNIX_EPOCH + single.this_update.0.to_unix_duration();
    if this_update > now + CLOCK_SKEW {
        return Err("the answer is dated in the future");
    }
    let next_update = single
        .next_update
        .map(|next| SystemTime::UNIX_EPOCH + next.0.to_unix_duration());
    let current = match next_update {
        Some(next) => next + CLOCK_SKEW >= now,
        None => this_update + WITHOUT_NEXT_UPDATE >= now,
    };
    if !current {
        return Err("the answer is out of date");
    }
    let status = match single.cert_status {
        CertStatus::Good(_) => Status::Good,
        CertStatus::Revoked(_) => Status::Revoked,
        CertStatus::Unknown(_) => return Err("the responder does not know the certificate"),
    };
    Ok((status, next_update))
}

/// The bytes the signature covers: tbsResponseData as it came, not as it would be re-encoded.
fn signed_part(basic_der: &[u8]) -> Option<&[u8]> {
    let mut reader = SliceReader::new(basic_der).ok()?;
    let header = reader.peek_header().ok()?;
    let _ = reader.read_slice(header.encoded_len().ok()?).ok()?;
    reader.tlv_bytes().ok()
}

/// The answer's CertID names the certificate asked about: same serial, and the issuer's name
/// and key hashed with whichever of SHA-1 and SHA-256 the responder chose.
fn same_certificate(answered: &CertId, asked: &CertId, issuer: &TrustAnchor<'_>) -> bool {
    if answered.serial_number.as_bytes() != asked.serial_number.as_bytes() {
        return false;
    }
    let serial = asked.serial_number.as_bytes();
    cert_id(issuer, serial, answered.hash_algorithm.oid).is_some_and(|expected| {
        expected.issuer_name_hash == answered.issuer_name_hash
            && expected.issuer_key_hash == answered.issuer_key_hash
    })
}

fn algorithms_for(
    signature_algorithm: &[u8],
) -> impl Iterator<Item = &'static dyn SignatureVerificationAlgorithm> + '_ {
    ALGORITHMS.iter().copied().filter(move |algorithm| {
        sequence(algorithm.signature_alg_id().as_ref()) == signature_algorithm
    })
}

fn signed_by_issuer(
    issuer: &TrustAnchor<'_>,
    signature_algorithm: &[u8],
    signed: &[u8],
    signature: &[u8],
) -> bool {
    let Some(key) = spki_of(issuer) else {
        return false;
    };
    let Ok(key_algorithm) = key.algorithm.to_der() else {
        return false;
    };
    let key_bits = key.subject_public_key.raw_bytes();
    algorithms_for(signature_algorithm).any(|algorithm| {
        sequence(algorithm.public_key_alg_id().as_ref()) == key_algorithm
            && algorithm
                .verify_signature(key_bits, signed, signature)
                .is_ok()
    })
}

/// RFC 6960 §4.2.2.2: a responder certificate in the answer, issued by the authority for
/// id-kp-OCSPSigning and valid now, whose key verifies the answer.
fn signed_by_delegate(
    basic: &BasicOcspResponse,
    issuer: &TrustAnchor<'_>,
    signature_algorithm: &[u8],
    signed: &[u8],
    signature: &[u8],
    now: SystemTime,
) -> bool {
    const OCSP_SIGNING: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x09];
    debug_assert_eq!(
        rfc5280::ID_KP_OCSP_SIGNING.as_bytes(),
        OCSP_SIGNING,
        "id-kp-OCSPSigning"
    );
    let certificates = basic.certs.as_deref().unwrap_or_default();
    certificates.iter().any(|certificate| {
        let Ok(der) = certificate.to_der() else {
            return false;
        };
        let der = CertificateDer::from(der);
        let Ok(responder) = webpki::EndEntityCert::try_from(&der) else {
            return false;
        };
        let certified = responder
            .verify_for_usage(
                ALGORITHMS,
                std::slice::from_ref(issuer),
                &[],
                unix(now),
                webpki::KeyUsage::required(OCSP_SIGNING),
                None,
                None,
            )
            .is_ok();
        certified
            && algorithms_for(signature_algorithm).any(|algorithm| {
                responder
                    .verify_signature(algorithm, signed, signature)
                    .is_ok()
            })
    })
}

#[cfg(test)]
#[path = "ocsp_tests.rs"]
mod tests;
