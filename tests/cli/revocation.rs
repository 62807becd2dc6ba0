//! Revocation of the servers' certificates on the real stack (RULES.md §6, ECO.1.1.5–1.1.10):
//! a revocation list signed by the stack's authority that names the certificate of Dovecot and
//! Postfix makes IMAP and SMTP refuse the servers, over implicit TLS and STARTTLS, before any
//! secret is sent; a list that does not name it changes nothing.
//!
//! The installed lists belong to the whole process: this file holds one test, run in order.

use std::path::{Path, PathBuf};

use crate::common::*;
use pli_core::mail::account::Security;
use pli_core::mail::connect::ConnectError;
use pli_core::mail::revocation;
use pli_core::mail::tls::CertificateProblem;
use pli_core::mail::{imap, smtp};

fn authority_folder() -> PathBuf {
    ca().parent().expect("the stack's tls folder").to_path_buf()
}

/// A list signed by the stack's authority, naming `serials` as revoked.
fn list_signed_by_the_stack(serials: &[Vec<u8>]) -> Vec<u8> {
    let folder = authority_folder();
    let key_pem = std::fs::read_to_string(folder.join("ca.key")).expect("the authority's key");
    let key = rcgen::KeyPair::from_pem(&key_pem).expect("a key rcgen reads");
    let ca_pem = std::fs::read_to_string(ca()).expect("the authority");
    let issuer = rcgen::Issuer::from_ca_cert_pem(&ca_pem, key).expect("the authority");
    let day = |offset: i64| {
        let date = (chrono::Utc::now() + chrono::Duration::days(offset)).date_naive();
        use chrono::Datelike;
        rcgen::date_time_ymd(date.year(), date.month() as u8, date.day() as u8)
    };
    let params = rcgen::CertificateRevocationListParams {
        this_update: day(-1),
        next_update: day(7),
        crl_number: rcgen::SerialNumber::from(1u64),
        issuing_distribution_point: None,
        revoked_certs: serials
            .iter()
            .map(|serial| rcgen::RevokedCertParams {
                serial_number: rcgen::SerialNumber::from_slice(serial),
                revocation_time: day(-1),
                reason_code: Some(rcgen::RevocationReason::KeyCompromise),
                invalidity_date: None,
            })
            .collect(),
        key_identifier_method: rcgen::KeyIdMethod::Sha256,
    };
    params.signed_by(&issuer).expect("signed").der().to_vec()
}

fn serial_of(pem_file: &Path) -> Vec<u8> {
    use rustls_pki_types::pem::PemObject as _;
    let pem = std::fs::read(pem_file).expect("the server's certificate");
    let der = rustls_pki_types::CertificateDer::pem_slice_iter(&pem)
        .next()
        .expect("one certificate")
        .expect("PEM");
    let (_, certificate) = x509_parser::parse_x509_certificate(der.as_ref()).expect("X.509");
    certificate.raw_serial().to_vec()
}

fn refused_as_revoked(result: Result<(), ConnectError>) -> bool {
    matches!(
        result,
        Err(ConnectError::Certificate {
            problem: CertificateProblem::Revoked,
            ..
        })
    )
}

#[test]
fn eco_1_1_5_a_revoked_server_certificate_is_refused_on_imap_and_smtp() {
    let user = env("PLI_TEST_USER_DOCTOR");
    let runtime = runtime();
    let server = serial_of(&authority_folder().join("server.pem"));
    let connect_both = |security: Security| {
        let account = account(&user, security);
        let credentials = with_password(&account, password().expose());
        let imap = runtime
            .block_on(imap::connect(&account, &credentials))
            .map(|_| ());
        let smtp = runtime
            .block_on(smtp::connect(&account, &credentials))
            .map(|_| ());
        (imap, smtp)
    };

    // A list of the same authority that names another certificate: nothing changes.
    let other = list_signed_by_the_stack(&[vec![0x7f, 0x01, 0x02]]);
    revocation::install(revocation::parse(&other, "other").expect("a list"));
    for security in [Security::Tls, Security::Starttls] {
        let (imap, smtp) = connect_both(security);
        assert!(imap.is_ok(), "{security:?} IMAP: {imap:?}");
        assert!(smtp.is_ok(), "{security:?} SMTP: {smtp:?}");
    }

    // The list names the servers' certificate: both protocols refuse, whatever the TLS mode.
    let revoking = list_signed_by_the_stack(&[server]);
    revocation::install(revocation::parse(&revoking, "revoking").expect("a list"));
    for security in [Security::Tls, Security::Starttls] {
        let (imap, smtp) = connect_both(security);
        assert!(refused_as_revoked(imap), "{security:?} IMAP");
        assert!(refused_as_revoked(smtp), "{security:?} SMTP");
    }

    // Through the command line: a list imported into a profile is checked at every start.
    revocation::install(Vec::new());
    let profile = tempfile::tempdir().expect("a profile");
    let added = add_doctor(profile.path(), "cabinet", password().expose());
    assert!(added.status.success(), "{}", text(&added));
    let before = pli(profile.path(), &["account", "test", "cabinet"], "");
    assert!(before.status.success(), "{}", text(&before));

    let file = profile.path().join("ca.crl");
    std::fs::write(&file, &revoking).expect("written");
    let imported = pli(
        profile.path(),
        &["crl", "import", file.to_str().expect("utf-8")],
        "",
    );
    assert!(imported.status.success(), "{}", text(&imported));
    let after = pli(profile.path(), &["account", "test", "cabinet"], "");
    assert!(!after.status.success(), "{}", text(&after));
    assert!(
        text(&after).contains("revoked"),
        "the sentence names the revocation: {}",
        text(&after)
    );

    let damaged = profile.path().join("page.html");
    std::fs::write(&damaged, "<html>Maintenance</html>").expect("written");
    let refused = pli(
        profile.path(),
        &["crl", "import", damaged.to_str().expect("utf-8")],
        "",
    );
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused));
    assert!(
        text(&refused).contains("nothing was changed"),
        "{}",
        text(&refused)
    );
}
