//! The checks of an OCSP answer (RFC 6960 §3.2), on answers made here and signed with rcgen's
//! keys: each test changes one thing a responder or someone in between could get wrong.

use super::*;
use rcgen::{
    BasicConstraints, CertificateParams, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    SigningKey as _,
};
use std::cell::Cell;
use x509_cert::der::asn1::{BitString, GeneralizedTime};
use x509_ocsp::{OcspGeneralizedTime, ResponderId, ResponseBytes, ResponseData, SingleResponse};

/// An authority, a server certificate it issued (serial 4242) and what to ask about it.
struct Authority {
    key: KeyPair,
    der: CertificateDer<'static>,
    anchor: TrustAnchor<'static>,
    leaf: CertificateDer<'static>,
}

const SERIAL: u64 = 4242;

fn authority() -> Authority {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let der = params.self_signed(&key).unwrap().der().clone();
    let anchor = webpki::anchor_from_trusted_cert(&der).unwrap().to_owned();
    let issuer = Issuer::from_ca_cert_der(&der, &key).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let mut leaf = CertificateParams::new(vec!["imap.ch-test.mssante.fr".into()]).unwrap();
    leaf.serial_number = Some(rcgen::SerialNumber::from(SERIAL));
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let leaf = leaf.signed_by(&leaf_key, &issuer).unwrap().der().clone();
    Authority {
        key,
        der,
        anchor,
        leaf,
    }
}

impl Authority {
    fn cert_id(&self, serial: u64) -> CertId {
        let serial = rcgen::SerialNumber::from(serial);
        cert_id(&self.anchor, serial.as_ref(), rfc5912::ID_SHA_1).unwrap()
    }

    /// A responder certificate this authority issues, for `purpose` (none: any).
    fn delegate(&self, purpose: Option<ExtendedKeyUsagePurpose>) -> (KeyPair, Vec<u8>) {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.extended_key_usages = purpose.into_iter().collect();
        let issuer = Issuer::from_ca_cert_der(&self.der, &self.key).unwrap();
        let der = params.signed_by(&key, &issuer).unwrap().der().to_vec();
        (key, der)
    }

    fn query(&self) -> Query {
        Query {
            leaf: self.leaf.clone(),
            issuers: vec![self.anchor.clone()],
            responders: vec!["http://ocsp.igc-sante.test/".into()],
        }
    }
}

/// What an answer says; [`Answer::signed`] turns it into DER.
struct Said {
    cert_id: CertId,
    status: CertStatus,
    this_update: SystemTime,
    next_update: Option<SystemTime>,
    nonce: Option<Vec<u8>>,
    certs: Vec<Vec<u8>>,
}

fn now() -> SystemTime {
    SystemTime::now()
}

fn said(cert_id: CertId) -> Said {
    Said {
        cert_id,
        status: CertStatus::good(),
        this_update: now() - Duration::from_secs(60),
        next_update: Some(now() + Duration::from_secs(3600)),
        nonce: None,
        certs: Vec::new(),
    }
}

fn time(at: SystemTime) -> OcspGeneralizedTime {
    OcspGeneralizedTime(GeneralizedTime::from_system_time(at).unwrap())
}

impl Said {
    fn signed(self, key: &KeyPair) -> Vec<u8> {
        let extensions = self.nonce.map(|nonce| {
            vec![Extension {
                extn_id: rfc6960::ID_PKIX_OCSP_NONCE,
                critical: false,
                extn_value: OctetString::new(OctetString::new(nonce).unwrap().to_der().unwrap())
                    .unwrap(),
            }]
        });
        let data = ResponseData {
            version: Version::V1,
            responder_id: ResponderId::ByKey(OctetString::new(vec![0u8; 20]).unwrap()),
            produced_at: time(now()),
            responses: vec![SingleResponse {
                cert_id: self.cert_id,
                cert_status: self.status,
                this_update: time(self.this_update),
                next_update: self.next_update.map(time),
                single_extensions: None,
            }],
            response_extensions: extensions,
        };
        let signature = key.sign(&data.to_der().unwrap()).unwrap();
        let certs = (!self.certs.is_empty()).then(|| {
            self.certs
                .iter()
                .map(|der| x509_cert::Certificate::from_der(der).unwrap())
                .collect()
        });
        let basic = BasicOcspResponse {
            tbs_response_data: data,
            signature_algorithm: AlgorithmIdentifierOwned {
                oid: ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2"),
                parameters: None,
            },
            signature: BitString::from_bytes(&signature).unwrap(),
            certs,
        };
        OcspResponse {
            response_status: OcspResponseStatus::Successful,
            response_bytes: Some(ResponseBytes {
                response_type: rfc6960::ID_PKIX_OCSP_BASIC,
                response: OctetString::new(basic.to_der().unwrap()).unwrap(),
            }),
        }
        .to_der()
        .unwrap()
    }
}

fn checked(authority: &Authority, answer: &[u8]) -> Result<Status, &'static str> {
    check(
        answer,
        &authority.anchor,
        &authority.cert_id(SERIAL),
        b"sent nonce",
        now(),
    )
    .map(|(status, _)| status)
}

#[test]
fn eco_1_1_5_an_answer_the_authority_signs_says_good_or_revoked() {
    let authority = authority();
    let good = said(authority.cert_id(SERIAL)).signed(&authority.key);
    assert_eq!(checked(&authority, &good), Ok(Status::Good));
    let mut revoked = said(authority.cert_id(SERIAL));
    revoked.status = CertStatus::Revoked(x509_ocsp::RevokedInfo {
        revocation_time: time(now() - Duration::from_secs(3600)),
        revocation_reason: None,
    });
    assert_eq!(
        checked(&authority, &revoked.signed(&authority.key)),
        Ok(Status::Revoked)
    );
    let mut unknown = said(authority.cert_id(SERIAL));
    unknown.status = CertStatus::unknown();
    assert!(checked(&authority, &unknown.signed(&authority.key)).is_err());
}

#[test]
fn eco_1_1_5_a_delegated_responder_must_be_certified_by_the_authority_for_ocsp_signing() {
    let authority = authority();
    let (key, certificate) = authority.delegate(Some(ExtendedKeyUsagePurpose::OcspSigning));
    let mut delegated = said(authority.cert_id(SERIAL));
    delegated.certs = vec![certificate];
    assert_eq!(
        checked(&authority, &delegated.signed(&key)),
        Ok(Status::Good)
    );

    // Issued by the authority, but for TLS servers: it may not speak for the authority.
    let (key, certificate) = authority.delegate(Some(ExtendedKeyUsagePurpose::ServerAuth));
    let mut server = said(authority.cert_id(SERIAL));
    server.certs = vec![certificate];
    assert!(checked(&authority, &server.signed(&key)).is_err());
    // Issued with no purpose named: RFC 6960 §4.2.2.2 wants id-kp-OCSPSigning itself.
    let (key, certificate) = authority.delegate(None);
    let mut any = said(authority.cert_id(SERIAL));
    any.certs = vec![certificate];
    assert!(checked(&authority, &any.signed(&key)).is_err());

    // For OCSP, but from another authority; and no certificate at all with a stranger's key.
    let stranger = authority_other_than(&authority);
    let (key, certificate) = stranger.delegate(Some(ExtendedKeyUsagePurpose::OcspSigning));
    let mut foreign = said(authority.cert_id(SERIAL));
    foreign.certs = vec![certificate];
    assert!(checked(&authority, &foreign.signed(&key)).is_err());
    let unsigned = said(authority.cert_id(SERIAL)).signed(&stranger.key);
    assert!(checked(&authority, &unsigned).is_err());
}

fn authority_other_than(_: &Authority) -> Authority {
    authority()
}

#[test]
fn eco_1_1_5_an_answer_about_another_certificate_or_out_of_date_is_refused() {
    let authority = authority();
    let other_serial = said(authority.cert_id(SERIAL + 1)).signed(&authority.key);
    assert!(checked(&authority, &other_serial).is_err());
    // The same serial under another authority's name and key.
    let stranger = authority_other_than(&authority);
    let other_issuer = said(stranger.cert_id(SERIAL)).signed(&authority.key);
    assert!(checked(&authority, &other_issuer).is_err());

    let mut past = said(authority.cert_id(SERIAL));
    past.this_update = now() - Duration::from_secs(3 * 86400);
    past.next_update = Some(now() - Duration::from_secs(86400));
    assert!(checked(&authority, &past.signed(&authority.key)).is_err());
    let mut ahead = said(authority.cert_id(SERIAL));
    ahead.this_update = now() + Duration::from_secs(86400);
    assert!(checked(&authority, &ahead.signed(&authority.key)).is_err());
    let mut old_without_next = said(authority.cert_id(SERIAL));
    old_without_next.this_update = now() - Duration::from_secs(2 * 3600);
    old_without_next.next_update = None;
    assert!(checked(&authority, &old_without_next.signed(&authority.key)).is_err());
}

#[test]
fn eco_1_1_5_an_answer_with_another_nonce_is_refused_and_one_without_accepted() {
    let authority = authority();
    let mut replayed = said(authority.cert_id(SERIAL));
    replayed.nonce = Some(b"an older nonce".to_vec());
    assert!(checked(&authority, &replayed.signed(&authority.key)).is_err());
    let mut echoed = said(authority.cert_id(SERIAL));
    echoed.nonce = Some(b"sent nonce".to_vec());
    assert_eq!(
        checked(&authority, &echoed.signed(&authority.key)),
        Ok(Status::Good)
    );
    // RFC 8954: responders that answer from a cache do not echo it.
    let plain = said(authority.cert_id(SERIAL)).signed(&authority.key);
    assert_eq!(checked(&authority, &plain), Ok(Status::Good));
    assert!(checked(&authority, b"<html>Maintenance</html>").is_err());
}

#[test]
fn eco_1_1_5_a_good_answer_is_kept_until_its_next_update_and_no_answer_is_said() {
    let authority = authority();
    let query = authority.query();
    let posts = Cell::new(0);
    let answer = said(authority.cert_id(SERIAL)).signed(&authority.key);
    let responder = |_: &str, body: &[u8]| {
        posts.set(posts.get() + 1);
        OcspRequest::from_der(body).map_err(|error| error.to_string())?;
        Ok(answer.clone())
    };
    let settled = Answer::Settled {
        status: Status::Good,
        responder: "http://ocsp.igc-sante.test/".into(),
    };
    assert_eq!(ask_at(&query, now(), &responder), settled);
    assert_eq!(ask_at(&query, now(), &responder), settled);
    assert_eq!(posts.get(), 1, "the second connection did not ask");
    // Past its next update, the responder is asked again.
    let later = now() + Duration::from_secs(2 * 3600);
    let _ = ask_at(&query, later, &responder);
    assert_eq!(posts.get(), 2);

    let other = authority_other_than(&authority);
    let down = |_: &str, _: &[u8]| Err("connection refused".to_string());
    assert_eq!(
        ask_at(&other.query(), now(), &down),
        Answer::Unsettled(Unanswered {
            responder: "http://ocsp.igc-sante.test/".into(),
            failure: Failure::NoAnswer,
        })
    );
    let page = |_: &str, _: &[u8]| Ok(b"<html>Maintenance</html>".to_vec());
    assert!(matches!(
        ask_at(&other.query(), now(), &page),
        Answer::Unsettled(Unanswered {
            failure: Failure::Unusable,
            ..
        })
    ));
}

#[test]
fn the_responders_a_certificate_names_are_read_from_its_authority_information_access() {
    let authority = authority();
    assert!(responders(authority.leaf.as_ref()).is_empty());
    assert!(Query::for_chain(
        &authority.leaf,
        &[],
        std::slice::from_ref(&authority.anchor)
    )
    .is_none());
}
