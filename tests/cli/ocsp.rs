//! OCSP on the real stack (RULES.md §6: the client "checks expiry and revocation (CRL or OCSP)",
//! ECO.1.1.5): the stack's certificates on 127.0.0.7–9 name a responder in their Authority
//! Information Access; `openssl ocsp` answers on loopback, signing with a responder certificate
//! its authority issued for id-kp-OCSPSigning. Each test goes through `pli account test` (the use
//! case the window's connection test calls too) and `pli sync` (the trace), with no revocation
//! list in the profile, so the responder alone decides.

use std::path::Path;

use crate::common::*;

/// A doctor's box whose IMAP and SMTP servers are the stack's on `host` (STARTTLS or implicit
/// TLS), with the policy the operator chose.
fn box_on(profile: &Path, host_variable: &str, security: &str, policy: &str) {
    let host = env(host_variable);
    let (imap, smtp) = match security {
        "tls" => (
            env("PLI_TEST_IMAPS_PORT"),
            env("PLI_TEST_SMTP_SUBMISSIONS_PORT"),
        ),
        _ => (
            env("PLI_TEST_IMAP_STARTTLS_PORT"),
            env("PLI_TEST_SMTP_SUBMISSION_PORT"),
        ),
    };
    let added = pli(
        profile,
        &[
            "account",
            "add",
            "cabinet",
            "--address",
            &doctor(),
            "--type",
            "per",
            "--imap",
            &format!("{host}:{imap}"),
            "--smtp",
            &format!("{host}:{smtp}"),
            "--security",
            security,
            "--auth",
            "password",
            "--ca-file",
            ca().to_str().expect("utf-8 path"),
        ],
        &format!("{}\n", password().expose()),
    );
    assert!(added.status.success(), "{}", text(&added));
    set_policy(profile, policy);
}

/// The operator's choice, in the profile's settings.
fn set_policy(profile: &Path, policy: &str) {
    use pli_core::settings::ProfileSettings;
    let file = pli_core::profile::Profile::at(profile).settings_file();
    let (mut settings, _) = ProfileSettings::load(&file);
    settings.revocation = match policy {
        "hard-fail" => pli_core::mail::revocation::Policy::HardFail,
        _ => pli_core::mail::revocation::Policy::SoftFail,
    };
    settings.save(&file).expect("settings written");
}

fn account_test(profile: &Path) -> std::process::Output {
    pli(profile, &["account", "test", "cabinet"], "")
}

/// The connection trace's sign-in lines after a `pli sync` (ECO.4.1.1).
fn sign_ins_traced(profile: &Path) -> String {
    let synced = pli(profile, &["sync", "cabinet"], "");
    let trace = pli(profile, &["trace", "export"], "");
    format!(
        "{}\n{}",
        text(&synced),
        String::from_utf8_lossy(&trace.stdout)
    )
}

#[test]
fn eco_1_1_5_a_certificate_its_ocsp_responder_says_is_good_connects_under_hard_fail_with_no_list() {
    let responder = env("PLI_TEST_OCSP_URL");
    for security in ["starttls", "tls"] {
        let profile = tempfile::tempdir().expect("a profile");
        let profile = profile.path();
        box_on(profile, "PLI_TEST_OCSP_GOOD_HOST", security, "hard-fail");
        let tested = account_test(profile);
        assert!(tested.status.success(), "{security}: {}", text(&tested));
        let said = text(&tested);
        // Both servers, each with the responder that vouched for it.
        let vouched = said
            .lines()
            .filter(|line| {
                line.contains("not revoked, according to its authority's OCSP responder")
            })
            .filter(|line| line.contains(&responder))
            .count();
        assert_eq!(vouched, 2, "{security}: {said}");
        assert!(!said.contains("could not be checked"), "{said}");

        let traced = sign_ins_traced(profile);
        assert!(
            traced.contains("OK - certificate good per its OCSP responder"),
            "{security}: {traced}"
        );
        assert!(!traced.contains("soft-fail"), "{traced}");
    }
}

#[test]
fn eco_1_1_5_a_certificate_its_ocsp_responder_says_is_revoked_is_refused_on_imap_and_smtp_under_both_policies(
) {
    for (security, policy) in [
        ("starttls", "soft-fail"),
        ("tls", "soft-fail"),
        ("starttls", "hard-fail"),
        ("tls", "hard-fail"),
    ] {
        let profile = tempfile::tempdir().expect("a profile");
        let profile = profile.path();
        box_on(profile, "PLI_TEST_OCSP_REVOKED_HOST", security, policy);
        let tested = account_test(profile);
        assert!(
            !tested.status.success(),
            "{security} {policy}: {}",
            text(&tested)
        );
        let said = text(&tested);
        for protocol in ["IMAP:", "SMTP:"] {
            assert!(
                said.lines()
                    .any(|line| line.starts_with(protocol) && line.contains("has been revoked")),
                "{security} {policy}, {protocol} {said}"
            );
        }
        // Refused before any secret was sent: the trace says the certificate, not the password.
        let traced = sign_ins_traced(profile);
        assert!(traced.contains("certificate refused"), "{traced}");
        assert!(!traced.contains("password refused"), "{traced}");
    }
}

#[test]
fn eco_1_1_5_an_ocsp_responder_that_does_not_answer_is_said_under_soft_fail_and_refuses_under_hard_fail(
) {
    let profile = tempfile::tempdir().expect("a profile");
    let profile = profile.path();
    box_on(profile, "PLI_TEST_OCSP_DOWN_HOST", "starttls", "soft-fail");

    let started = std::time::Instant::now();
    let soft = account_test(profile);
    assert!(soft.status.success(), "{}", text(&soft));
    let said = text(&soft);
    let notices = said
        .lines()
        .filter(|line| {
            line.contains("could not be checked")
                && line.contains("OCSP responder (http://127.0.0.1:")
                && line.contains("did not answer")
                && line.contains("soft-fail")
        })
        .count();
    assert_eq!(notices, 2, "IMAP and SMTP: {said}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "a responder that is down costs seconds, not the step timeout: {:?}",
        started.elapsed()
    );
    let traced = sign_ins_traced(profile);
    assert!(
        traced.contains(
            "OK - revocation status unknown (soft-fail): its OCSP responder did not answer"
        ),
        "{traced}"
    );

    set_policy(profile, "hard-fail");
    let hard = account_test(profile);
    assert!(!hard.status.success(), "{}", text(&hard));
    let said = text(&hard);
    for protocol in ["IMAP:", "SMTP:"] {
        assert!(
            said.lines().any(|line| line.starts_with(protocol)
                && line.contains("did not answer")
                && line.contains("hard-fail")
                && line.contains("firewall")
                && line.contains("pli crl import")),
            "{protocol} {said}"
        );
    }
    // What the sentence offers works: the refresh reads the refused server's certificates
    // (these name no list: it says so, and imports stay possible).
    let refresh = pli(profile, &["crl", "refresh", "cabinet"], "");
    assert!(refresh.status.success(), "{}", text(&refresh));
    assert!(
        text(&refresh).contains("do not say where"),
        "{}",
        text(&refresh)
    );
}
