//! The foundation against the real stack: every sign-in method on both protocols, both kinds of
//! TLS, and every refusal a secretary may meet, with the sentence she would read.

use pli_core::mail::account::{AuthKind, Endpoint, Security};
use pli_core::mail::connect::{ConnectError, Credentials, Protocol};
use pli_core::mail::secrets::Secret;
use pli_core::mail::tls::{CertificateProblem, ClientIdentity, TlsError};
use pli_core::mail::{imap, smtp};
use pli_testkit::*;

fn both_securities() -> [Security; 2] {
    [Security::Starttls, Security::Tls]
}

#[test]
fn eco_1_1_1_password_login_on_imap_and_smtp_with_starttls_and_tls() {
    let runtime = runtime();
    for security in both_securities() {
        let account = account(&doctor(), security);
        let credentials = with_password(&account, password().expose());
        runtime.block_on(async {
            let mut connection = imap::connect(&account, &credentials)
                .await
                .expect("IMAP sign-in");
            assert!(
                connection.has_capability("IMAP4rev1"),
                "{:?}",
                connection.capabilities
            );
            assert!(
                connection.has_capability("IDLE"),
                "{:?}",
                connection.capabilities
            );
            connection.session.logout().await.expect("logout");

            let connection = smtp::connect(&account, &credentials)
                .await
                .expect("SMTP sign-in");
            assert!(!connection.capabilities.is_empty());
            connection.quit().await;
        });
    }
}

#[test]
fn a_wrong_password_gives_a_clear_error_on_both_protocols() {
    let runtime = runtime();
    let account = account(&doctor(), Security::Starttls);
    let credentials = with_password(&account, "not-the-password");
    let imap_error = runtime
        .block_on(imap::connect(&account, &credentials))
        .expect_err("refused");
    assert!(
        matches!(imap_error, ConnectError::WrongPassword { .. }),
        "{imap_error:?}"
    );
    let smtp_error = runtime
        .block_on(smtp::connect(&account, &credentials))
        .expect_err("refused");
    assert!(
        matches!(smtp_error, ConnectError::WrongPassword { .. }),
        "{smtp_error:?}"
    );
    assert!(
        matches!(&imap_error, ConnectError::WrongPassword { login, .. } if *login == doctor()),
        "the refusal names the login the server refused: {imap_error:?}"
    );
}

#[test]
fn eco_1_2_1_xoauth2_token_accepted_on_imap_and_smtp() {
    let runtime = runtime();
    for security in both_securities() {
        let mut account = account(&doctor(), security);
        account.auth = AuthKind::Xoauth2;
        let credentials = Credentials::Token {
            login: doctor(),
            token: token(&doctor(), 300, None),
        };
        runtime.block_on(async {
            let mut connection = imap::connect(&account, &credentials)
                .await
                .expect("IMAP XOAUTH2");
            connection.session.logout().await.expect("logout");
            smtp::connect(&account, &credentials)
                .await
                .expect("SMTP XOAUTH2")
                .quit()
                .await;
        });
    }
}

#[test]
fn eco_1_2_6_expired_and_forged_tokens_read_as_session_expired() {
    let runtime = runtime();
    let mut account = account(&doctor(), Security::Starttls);
    account.auth = AuthKind::Xoauth2;
    let tokens = [
        token(&doctor(), -300, None),
        token(&doctor(), 300, Some(&[7u8; 32])),
    ];
    for token in tokens {
        let credentials = Credentials::Token {
            login: doctor(),
            token,
        };
        let error = runtime
            .block_on(imap::connect(&account, &credentials))
            .expect_err("IMAP refuses");
        assert!(
            matches!(error, ConnectError::TokenRefused { .. }),
            "IMAP: {error:?}"
        );
        let error = runtime
            .block_on(smtp::connect(&account, &credentials))
            .expect_err("SMTP refuses");
        assert!(
            matches!(error, ConnectError::TokenRefused { .. }),
            "SMTP: {error:?}"
        );
    }
}

#[test]
fn a_token_for_another_user_is_refused() {
    let runtime = runtime();
    let mut account = account(&doctor(), Security::Tls);
    account.auth = AuthKind::Xoauth2;
    let credentials = Credentials::Token {
        login: doctor(),
        token: token(&env("PLI_TEST_USER_EHPAD"), 300, None),
    };
    let error = runtime
        .block_on(imap::connect(&account, &credentials))
        .expect_err("refused");
    assert!(
        matches!(error, ConnectError::TokenRefused { .. }),
        "{error:?}"
    );
}

fn certificate_credentials(path: &str, key: Option<&str>, passphrase: Option<&str>) -> Credentials {
    let key = key.map(std::path::PathBuf::from);
    let identity = ClientIdentity::load(std::path::Path::new(path), key.as_deref(), passphrase)
        .expect("the test certificate loads");
    Credentials::Certificate {
        login: env("PLI_TEST_CLIENT_CERT_USER"),
        identity,
    }
}

#[test]
fn client_certificate_signs_in_with_sasl_external_and_smtp_tls() {
    let runtime = runtime();
    let pem = certificate_credentials(
        &env("PLI_TEST_CLIENT_CERT"),
        Some(&env("PLI_TEST_CLIENT_KEY")),
        None,
    );
    let p12 = certificate_credentials(
        &env("PLI_TEST_CLIENT_P12"),
        None,
        Some(&env("PLI_TEST_CLIENT_P12_PASSWORD")),
    );
    for (credentials, security) in [(pem, Security::Tls), (p12, Security::Starttls)] {
        let mut account = account(&env("PLI_TEST_CLIENT_CERT_USER"), security);
        account.auth = AuthKind::Certificate;
        runtime.block_on(async {
            let mut connection = imap::connect(&account, &credentials)
                .await
                .expect("IMAP EXTERNAL");
            connection.session.logout().await.expect("logout");
            smtp::connect(&account, &credentials)
                .await
                .expect("SMTP with a client certificate")
                .quit()
                .await;
        });
    }
}

#[test]
fn a_client_certificate_from_another_authority_is_refused() {
    let runtime = runtime();
    let credentials = certificate_credentials(
        &env("PLI_TEST_FOREIGN_CLIENT_CERT"),
        Some(&env("PLI_TEST_FOREIGN_CLIENT_KEY")),
        None,
    );
    let mut account = account(&env("PLI_TEST_CLIENT_CERT_USER"), Security::Tls);
    account.auth = AuthKind::Certificate;
    let error = runtime
        .block_on(imap::connect(&account, &credentials))
        .expect_err("refused");
    assert!(
        matches!(
            error,
            ConnectError::CertificateRefused { .. }
                | ConnectError::Tls { .. }
                | ConnectError::Unreachable { .. }
        ),
        "{error:?}"
    );
}

#[test]
fn a_wrong_pkcs12_password_is_named() {
    let error = ClientIdentity::load(
        std::path::Path::new(&env("PLI_TEST_CLIENT_P12")),
        None,
        Some("wrong"),
    )
    .expect_err("refused");
    assert!(
        matches!(error, TlsError::WrongPassphrase { .. }),
        "{error:?}"
    );
}

#[test]
fn eco_1_0_1_a_server_without_starttls_is_refused_never_plaintext() {
    let runtime = runtime();
    let mut account = account(&doctor(), Security::Starttls);
    account.imap = endpoint("PLI_TEST_IMAP_NOSTARTTLS");
    account.smtp = endpoint("PLI_TEST_SMTP_NOSTARTTLS");
    let credentials = with_password(&account, password().expose());
    let error = runtime
        .block_on(imap::connect(&account, &credentials))
        .expect_err("IMAP refused");
    assert!(
        matches!(error, ConnectError::StartTlsMissing { .. }),
        "{error:?}"
    );
    let error = runtime
        .block_on(smtp::connect(&account, &credentials))
        .expect_err("SMTP refused");
    assert!(
        matches!(error, ConnectError::StartTlsMissing { .. }),
        "{error:?}"
    );
}

fn certificate_problem(
    prefix_imap: &str,
    prefix_smtp: &str,
    security: Security,
) -> (ConnectError, ConnectError) {
    let runtime = runtime();
    let mut account = account(&doctor(), security);
    account.imap = endpoint(prefix_imap);
    account.smtp = endpoint(prefix_smtp);
    let credentials = with_password(&account, password().expose());
    let imap_error = runtime
        .block_on(imap::connect(&account, &credentials))
        .expect_err("IMAP refused");
    let smtp_error = runtime
        .block_on(smtp::connect(&account, &credentials))
        .expect_err("SMTP refused");
    (imap_error, smtp_error)
}

fn assert_problem(error: &ConnectError, expected: CertificateProblem) {
    match error {
        ConnectError::Certificate { problem, .. } => assert_eq!(problem, &expected, "{error:?}"),
        other => panic!("expected a refused certificate ({expected:?}), got {other:?}"),
    }
}

#[test]
fn eco_1_1_5_an_expired_server_certificate_is_refused() {
    for (security, imap, smtp) in [
        (
            Security::Tls,
            "PLI_TEST_IMAPS_EXPIRED",
            "PLI_TEST_SMTP_SUBMISSIONS_EXPIRED",
        ),
        (
            Security::Starttls,
            "PLI_TEST_IMAP_STARTTLS_EXPIRED",
            "PLI_TEST_SMTP_SUBMISSION_EXPIRED",
        ),
    ] {
        let (imap_error, smtp_error) = certificate_problem(imap, smtp, security);
        assert_problem(&imap_error, CertificateProblem::Expired);
        assert_problem(&smtp_error, CertificateProblem::Expired);
    }
}

#[test]
fn eco_1_1_10_a_certificate_from_an_untrusted_authority_is_refused() {
    let (imap_error, smtp_error) = certificate_problem(
        "PLI_TEST_IMAPS_UNTRUSTED",
        "PLI_TEST_SMTP_SUBMISSIONS_UNTRUSTED",
        Security::Tls,
    );
    assert_problem(&imap_error, CertificateProblem::UntrustedAuthority);
    assert_problem(&smtp_error, CertificateProblem::UntrustedAuthority);
}

#[test]
fn a_certificate_for_another_host_is_refused() {
    let (imap_error, smtp_error) = certificate_problem(
        "PLI_TEST_IMAP_STARTTLS_WRONGHOST",
        "PLI_TEST_SMTP_SUBMISSION_WRONGHOST",
        Security::Starttls,
    );
    assert_problem(&imap_error, CertificateProblem::WrongHost);
    assert_problem(&smtp_error, CertificateProblem::WrongHost);
}

#[test]
fn eco_1_1_10_an_mssante_box_without_the_admin_ca_trusts_only_igc_sante() {
    // The test CA is in no store but the box's own file: without that file, a *.mssante.fr box
    // must refuse the server even though the certificate is otherwise perfect.
    let runtime = runtime();
    let mut account = account(&doctor(), Security::Tls);
    account.ca_file = None;
    let credentials = with_password(&account, password().expose());
    let error = runtime
        .block_on(imap::connect(&account, &credentials))
        .expect_err("refused");
    assert_problem(&error, CertificateProblem::UntrustedAuthority);
    let error = runtime
        .block_on(smtp::connect(&account, &credentials))
        .expect_err("refused");
    assert_problem(&error, CertificateProblem::UntrustedAuthority);
}

#[test]
fn an_unreachable_host_and_a_port_speaking_something_else_are_named() {
    let runtime = runtime();
    let mut account = account(&doctor(), Security::Starttls);
    let credentials = with_password(&account, password().expose());

    account.imap = Endpoint::new("127.0.0.1", 1);
    let error = runtime
        .block_on(imap::connect(&account, &credentials))
        .expect_err("unreachable");
    assert!(
        matches!(error, ConnectError::Unreachable { .. }),
        "{error:?}"
    );

    // IMAP spoken to an SMTP server, and SMTP spoken to an IMAP server.
    account.imap = endpoint("PLI_TEST_SMTP_INJECT");
    let error = runtime
        .block_on(imap::connect(&account, &credentials))
        .expect_err("not IMAP");
    assert!(
        matches!(
            error,
            ConnectError::NotTheProtocol {
                protocol: Protocol::Imap,
                ..
            }
        ),
        "{error:?}"
    );
    account.smtp = endpoint("PLI_TEST_IMAP_STARTTLS");
    let error = runtime
        .block_on(smtp::connect(&account, &credentials))
        .expect_err("not SMTP");
    assert!(
        matches!(
            error,
            ConnectError::NotTheProtocol {
                protocol: Protocol::Smtp,
                ..
            }
        ),
        "{error:?}"
    );

    // Implicit TLS against a plaintext port, on both protocols.
    let mut account = account.clone();
    account.security = Security::Tls;
    account.imap = endpoint("PLI_TEST_IMAP_STARTTLS");
    account.smtp = endpoint("PLI_TEST_SMTP_SUBMISSION");
    let error = runtime
        .block_on(imap::connect(&account, &credentials))
        .expect_err("not TLS");
    assert!(
        matches!(
            error,
            ConnectError::NotTheProtocol {
                protocol: Protocol::Imap,
                ..
            }
        ),
        "{error:?}"
    );
    let error = runtime
        .block_on(smtp::connect(&account, &credentials))
        .expect_err("not TLS");
    assert!(
        matches!(
            error,
            ConnectError::NotTheProtocol {
                protocol: Protocol::Smtp,
                ..
            }
        ),
        "{error:?}"
    );
}

#[test]
fn secrets_round_trip_through_the_real_secret_service() {
    let service = format!("pli:test-{}", std::process::id());
    let secrets = pli_core::mail::secrets::Secrets::os(&service)
        .expect("a Secret Service on the session bus");
    secrets
        .set(
            "cabinet",
            pli_core::mail::secrets::SecretKind::Password,
            &Secret::new("mot de passe é"),
        )
        .expect("stored");
    let back = secrets
        .get("cabinet", pli_core::mail::secrets::SecretKind::Password)
        .expect("read back");
    assert_eq!(back.expose(), "mot de passe é");
    secrets.delete_all("cabinet").expect("deleted");
    assert!(secrets
        .find("cabinet", pli_core::mail::secrets::SecretKind::Password)
        .expect("asked")
        .is_none());
}
