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

/// A list of the stack's authority that names nothing, valid from `from` to `until` days away.
fn list_of_the_stack_valid(from: i64, until: i64) -> Vec<u8> {
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
        this_update: day(from),
        next_update: day(until),
        crl_number: rcgen::SerialNumber::from(2u64),
        issuing_distribution_point: None,
        revoked_certs: Vec::new(),
        key_identifier_method: rcgen::KeyIdMethod::Sha256,
    };
    params.signed_by(&issuer).expect("signed").der().to_vec()
}

/// Replaces the profile's lists with `list` (what `pli crl refresh` would have kept).
fn only_list(profile: &Path, list: &[u8]) {
    let kept = profile.join("data").join("crl");
    let _ = std::fs::remove_dir_all(&kept);
    let file = profile.join("authority.crl");
    std::fs::write(&file, list).expect("written");
    let imported = pli(
        profile,
        &["crl", "import", file.to_str().expect("utf-8")],
        "",
    );
    assert!(imported.status.success(), "{}", text(&imported));
}

/// The operator's choice, where `pli --profile` reads its settings.
fn set_policy(profile: &Path, policy: &str) {
    std::fs::write(
        profile.join("config").join("settings.toml"),
        format!("revocation = \"{policy}\"\n"),
    )
    .expect("settings written");
}

#[test]
fn eco_1_1_5_hard_fail_refuses_a_server_whose_revocation_status_is_unknown_and_soft_fail_says_it_accepts_it(
) {
    let profile = tempfile::tempdir().expect("a profile");
    let profile = profile.path();
    let added = add_doctor(profile, "cabinet", password().expose());
    assert!(added.status.success(), "{}", text(&added));
    let test = || pli(profile, &["account", "test", "cabinet"], "");
    let says_unknown = |output: &std::process::Output| {
        text(output).contains("could not be checked") && text(output).contains("soft-fail")
    };

    // The default, soft-fail: no list of the stack's authority (its certificates name no
    // address for one), so the status is unknown; both servers are accepted, and it is said.
    let soft = test();
    assert!(soft.status.success(), "{}", text(&soft));
    assert!(says_unknown(&soft), "soft-fail says so: {}", text(&soft));
    // And the trace of the sign-ins says so too (ECO.4.1.1).
    let synced = pli(profile, &["sync", "cabinet"], "");
    assert!(synced.status.success(), "{}", text(&synced));
    let trace = pli(profile, &["trace", "export"], "");
    assert!(
        String::from_utf8_lossy(&trace.stdout).contains("revocation status unknown (soft-fail)"),
        "{}",
        text(&trace)
    );

    // Hard-fail: refused, with what to do.
    set_policy(profile, "hard-fail");
    let hard = test();
    assert!(!hard.status.success(), "{}", text(&hard));
    for words in ["hard-fail", "pli crl import", "IMAP", "SMTP"] {
        assert!(text(&hard).contains(words), "{words}: {}", text(&hard));
    }
    // What the sentence offers works under hard-fail: the refresh reads the certificates'
    // addresses although the connection is refused (the stack's name none).
    let refresh = pli(profile, &["crl", "refresh", "cabinet"], "");
    assert!(refresh.status.success(), "{}", text(&refresh));
    assert!(
        text(&refresh).contains("do not say where"),
        "{}",
        text(&refresh)
    );

    // The list kept is past its next update (its address could not be reached since): it
    // establishes nothing under hard-fail, and soft-fail still accepts.
    only_list(profile, &list_of_the_stack_valid(-10, -1));
    let stale = test();
    assert!(!stale.status.success(), "{}", text(&stale));
    assert!(text(&stale).contains("hard-fail"), "{}", text(&stale));
    set_policy(profile, "soft-fail");
    let stale = test();
    assert!(stale.status.success(), "{}", text(&stale));
    assert!(says_unknown(&stale), "{}", text(&stale));

    // A current list that does not name the server: accepted under hard-fail, nothing to say.
    set_policy(profile, "hard-fail");
    only_list(profile, &list_of_the_stack_valid(-1, 7));
    let covered = test();
    assert!(covered.status.success(), "{}", text(&covered));
    assert!(!says_unknown(&covered), "{}", text(&covered));

    // A list that names the server's certificate: refused under both policies.
    let server = serial_of(&authority_folder().join("server.pem"));
    only_list(profile, &list_signed_by_the_stack(&[server]));
    for policy in ["hard-fail", "soft-fail"] {
        set_policy(profile, policy);
        let revoked = test();
        assert!(!revoked.status.success(), "{policy}: {}", text(&revoked));
        assert!(
            text(&revoked).contains("has been revoked"),
            "{policy}: {}",
            text(&revoked)
        );
    }
}
