//! A box's worker under the hard-fail revocation policy, against the stack's servers whose
//! certificates name an OCSP responder (RULES.md §6, ECO.1.1.5): a responder that does not
//! answer is the network's problem, so the worker tries again on its backoff as when the server
//! is unreachable; a certificate the responder says is revoked waits for the person.
//!
//! The policy belongs to the process: nextest runs this test in a process of its own.

use pli_core::mail::worker;
use pli_testkit::*;

#[test]
fn eco_1_1_5_under_hard_fail_a_worker_retries_when_the_ocsp_responder_does_not_answer_and_waits_on_a_revoked_certificate(
) {
    let profile = tempfile::tempdir().expect("a profile");
    let profile = pli_core::profile::Profile::at(profile.path());
    let settings = pli_core::settings::ProfileSettings {
        revocation: pli_core::mail::revocation::Policy::HardFail,
        ..Default::default()
    };
    settings
        .save(&profile.settings_file())
        .expect("settings written");
    pli_core::mail::revocation::install_from(&profile);

    let on = |host: &str, name: &str, user: String| {
        let (mut account, credentials) = box_of(&user);
        account.name = name.into();
        for endpoint in [&mut account.imap, &mut account.smtp] {
            endpoint.host = env(host);
        }
        (account, credentials)
    };
    let folder = tempfile::tempdir().expect("folder");
    let states = crate::engine::settled_states(
        vec![
            on(
                "PLI_TEST_OCSP_DOWN_HOST",
                "ocsp-down",
                dedicated_user("ocsp-down"),
            ),
            on(
                "PLI_TEST_OCSP_REVOKED_HOST",
                "ocsp-revoked",
                dedicated_user("ocsp-revoked"),
            ),
        ],
        folder.path(),
    );
    match &states["ocsp-down"] {
        worker::Connectivity::Offline { reason, .. } => {
            assert!(reason.contains("did not answer"), "{reason}");
            assert!(reason.contains("hard-fail"), "{reason}");
        }
        other => panic!("the responder that is down: {other:?}"),
    }
    match &states["ocsp-revoked"] {
        worker::Connectivity::CertificateRefused { reason } => {
            assert!(reason.contains("revoked"), "{reason}");
        }
        other => panic!("the revoked certificate: {other:?}"),
    }
}
