//! Sign-in with Pro Santé Connect, end to end: a real OpenID Connect provider on loopback
//! (`tests/oidc/`: oidc-provider, configured like PSC), the test playing the professional's
//! browser, and the real Dovecot and Postfix of the mail stack validating the tokens it issues.
//!
//! The provider is found through `PLI_TEST_OIDC_ISSUER` (set by `tests/oidc/provider.sh start`);
//! without it the first test that needs it starts one with that script, so nothing is skipped.

use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use pli_core::mail::account::{Account, Security};
use pli_core::mail::connect::{ConnectError, Credentials};
use pli_core::mail::oidc::{
    OAuthBearer, OidcError, PscSessions, RefreshTokenStore, SessionState, SignInOptions,
    TokenMechanism,
};
use pli_core::mail::secrets::{Secret, SecretKind, Secrets};
use pli_core::mail::{imap, smtp, worker};
use pli_testkit::psc::*;
use pli_testkit::*;

// ------------------------------------------------------------------ the tests

#[test]
fn eco_1_2_1_first_sign_in_then_imap_and_smtp_with_the_token() {
    let runtime = runtime();
    // The real Secret Service of tests/run.sh's session: the refresh token really goes to the
    // operating system's keyring (the other tests use the mock store).
    let service = format!("pli:test-oidc-{}", std::process::id());
    let secrets = Secrets::os(&service).expect("a Secret Service on the session bus");
    for security in [Security::Tls, Security::Starttls] {
        let account = psc_box("cabinet", &doctor(), security, RefreshTokenStore::Keyring);
        let started = Instant::now();
        // Credentials::load goes through the process's sessions: sign in there.
        let sessions = PscSessions::shared();
        let (signed_in, seen) = sign_in(sessions, &account, &secrets, &doctor(), Play::SignIn);
        let signed_in = signed_in.expect("signed in");
        let sign_in_time = started.elapsed();
        assert_eq!(seen.status, 200);
        assert!(
            seen.page.contains("Vous pouvez fermer cette fenêtre"),
            "{}",
            seen.page
        );
        assert_eq!(signed_in.identity.email.as_deref(), Some(doctor().as_str()));
        assert_eq!(signed_in.identity.acr.as_deref(), Some("eidas1"));
        assert_eq!(signed_in.access_lifetime, Some(Duration::from_secs(20)));
        assert!(signed_in.refreshable);
        assert_eq!(
            sessions.state(&account, &secrets).unwrap(),
            SessionState::Active
        );

        let credentials = Credentials::load(&account, &secrets).expect("a token for the box");
        assert!(matches!(&credentials, Credentials::Token { login, .. } if *login == doctor()));
        runtime.block_on(async {
            let mut connection = imap::connect(&account, &credentials)
                .await
                .expect("Dovecot accepts the provider's token");
            connection.session.logout().await.expect("logout");
            smtp::connect(&account, &credentials)
                .await
                .expect("Postfix accepts the provider's token")
                .quit()
                .await;
        });

        // ECO.1.2.4: the access token is in memory only; the keyring holds the refresh token.
        let token = token_of(&credentials);
        assert!(secrets
            .find("cabinet", SecretKind::AccessToken)
            .unwrap()
            .is_none());
        let refresh = secrets
            .find("cabinet", SecretKind::RefreshToken)
            .unwrap()
            .expect("the refresh token is in the keyring");
        let folder = tempfile::tempdir().unwrap();
        let file = folder.path().join("accounts.toml");
        pli_core::mail::account::save_accounts(&file, std::slice::from_ref(&account)).unwrap();
        let written = std::fs::read_to_string(&file).unwrap();
        assert!(written.contains("[account.oidc]"), "{written}");
        for printed in [
            written,
            format!("{credentials:?}"),
            format!("{sessions:?}"),
            format!("{signed_in:?}"),
        ] {
            assert!(
                !printed.contains(token.expose()),
                "a token leaked: {printed}"
            );
            assert!(
                !printed.contains(refresh.expose()),
                "a token leaked: {printed}"
            );
        }
        eprintln!("sign-in ({security:?}), end to end with the test browser: {sign_in_time:?}");
    }
    PscSessions::shared()
        .sign_out(
            &psc_box(
                "cabinet",
                &doctor(),
                Security::Tls,
                RefreshTokenStore::Keyring,
            ),
            &secrets,
        )
        .expect("signed out");
    assert!(secrets
        .find("cabinet", SecretKind::RefreshToken)
        .unwrap()
        .is_none());
}

#[test]
fn eco_1_2_an_expired_token_is_refreshed_silently_before_connecting() {
    let runtime = runtime();
    let secrets = keyring();
    let sessions = PscSessions::new();
    let account = psc_box(
        "cabinet",
        &doctor(),
        Security::Tls,
        RefreshTokenStore::Keyring,
    );
    let (signed_in, _) = sign_in(&sessions, &account, &secrets, &doctor(), Play::SignIn);
    let lifetime = signed_in
        .expect("signed in")
        .access_lifetime
        .expect("a lifetime");
    let first = sessions.fresh_credentials(&account, &secrets).unwrap();
    let again = sessions.fresh_credentials(&account, &secrets).unwrap();
    assert_eq!(
        token_of(&first),
        token_of(&again),
        "a token that lasts is used again, not refreshed"
    );
    let refresh_before = secrets.get("cabinet", SecretKind::RefreshToken).unwrap();

    std::thread::sleep(lifetime + Duration::from_secs(1));
    // The mail server checks expiry itself: the old token no longer opens the box.
    let error = runtime
        .block_on(imap::connect(&account, &first))
        .expect_err("an expired token is refused");
    assert!(
        matches!(error, ConnectError::TokenRefused { .. }),
        "{error:?}"
    );
    assert_eq!(
        sessions.state(&account, &secrets).unwrap(),
        SessionState::Refreshable
    );

    let started = Instant::now();
    let renewed = sessions
        .fresh_credentials(&account, &secrets)
        .expect("refreshed");
    let refresh_time = started.elapsed();
    assert_ne!(token_of(&renewed), token_of(&first));
    runtime.block_on(async {
        let mut connection = imap::connect(&account, &renewed)
            .await
            .expect("the refreshed token opens the box");
        connection.session.logout().await.expect("logout");
    });
    // The provider rotates refresh tokens: the new one replaced the old in the keyring.
    let refresh_after = secrets.get("cabinet", SecretKind::RefreshToken).unwrap();
    assert_ne!(refresh_before, refresh_after);

    // Pli restarted (or the CLI, another process): the session comes back from the keyring,
    // after a discovery of the provider.
    let restarted = PscSessions::new();
    assert_eq!(
        restarted.state(&account, &secrets).unwrap(),
        SessionState::Refreshable
    );
    let started = Instant::now();
    let after_restart = restarted
        .fresh_credentials(&account, &secrets)
        .expect("the keyring's refresh token still works");
    let cold_refresh_time = started.elapsed();
    runtime.block_on(async {
        smtp::connect(&account, &after_restart)
            .await
            .expect("the token after a restart opens the box")
            .quit()
            .await;
    });
    eprintln!(
        "silent refresh before a connection: {refresh_time:?} \
         (after a restart, with discovery: {cold_refresh_time:?})"
    );
}

#[test]
fn eco_1_2_6_refresh_refused_ends_the_session_of_that_box_only() {
    let runtime = runtime();
    let secrets = keyring();
    let sessions = PscSessions::new();
    let cabinet = psc_box(
        "cabinet",
        &doctor(),
        Security::Tls,
        RefreshTokenStore::Keyring,
    );
    let service = psc_box(
        "service",
        &nurse(),
        Security::Tls,
        RefreshTokenStore::Memory,
    );
    for (account, login) in [(&cabinet, doctor()), (&service, nurse())] {
        sign_in(&sessions, account, &secrets, &login, Play::SignIn)
            .0
            .expect("signed in");
    }
    // The box in memory only left nothing in the keyring.
    assert!(secrets
        .find("service", SecretKind::RefreshToken)
        .unwrap()
        .is_none());

    // The session of the cabinet is revoked at the provider; its server refuses the token.
    revoke(&secrets.get("cabinet", SecretKind::RefreshToken).unwrap());
    sessions.token_refused(&cabinet);
    let error = sessions
        .fresh_credentials(&cabinet, &secrets)
        .expect_err("the refresh is refused");
    assert!(matches!(error, OidcError::SessionEnded { .. }), "{error:?}");
    assert!(
        secrets
            .find("cabinet", SecretKind::RefreshToken)
            .unwrap()
            .is_none(),
        "the refused refresh token is deleted"
    );
    assert_eq!(
        sessions.state(&cabinet, &secrets).unwrap(),
        SessionState::SignedOut
    );
    let connect_error = ConnectError::from(error);
    assert!(connect_error.is_authentication() && !connect_error.is_transient());
    assert!(
        matches!(&connect_error, ConnectError::Psc(OidcError::SessionEnded { account }) if account == "cabinet"),
        "{connect_error:?}"
    );
    // Asked again, the box says it is signed out, without calling the provider.
    let again = sessions.fresh_credentials(&cabinet, &secrets).unwrap_err();
    assert!(matches!(again, OidcError::NotSignedIn { .. }) && again.needs_sign_in());

    // The box kept in memory only does not survive a restart of Pli.
    let restarted = PscSessions::new().fresh_credentials(&service, &secrets);
    assert!(
        matches!(restarted, Err(OidcError::NotSignedIn { .. })),
        "{restarted:?}"
    );

    // The other box goes on: its own refresh works and its server lets it in.
    sessions.token_refused(&service);
    let credentials = sessions
        .fresh_credentials(&service, &secrets)
        .expect("the other box refreshes");
    runtime.block_on(async {
        let mut connection = imap::connect(&service, &credentials)
            .await
            .expect("the other box connects");
        connection.session.logout().await.expect("logout");
    });
}

#[test]
fn signing_out_revokes_the_session_at_the_provider() {
    let secrets = keyring();
    let sessions = PscSessions::new();
    let account = psc_box(
        "cabinet",
        &doctor(),
        Security::Tls,
        RefreshTokenStore::Keyring,
    );
    assert!(
        issuer().starts_with("https://"),
        "the provider serves https: {}",
        issuer()
    );
    sign_in(&sessions, &account, &secrets, &doctor(), Play::SignIn)
        .0
        .expect("signed in");
    let refresh_token = secrets.get("cabinet", SecretKind::RefreshToken).unwrap();
    sessions.sign_out(&account, &secrets).expect("signed out");
    assert!(secrets
        .find("cabinet", SecretKind::RefreshToken)
        .unwrap()
        .is_none());
    assert_eq!(
        sessions.state(&account, &secrets).unwrap(),
        SessionState::SignedOut
    );
    // A copy of the refresh token taken from this computer opens nothing any more.
    let token_endpoint = discovery()["token_endpoint"].as_str().unwrap().to_string();
    let response = test_agent(true)
        .post(&token_endpoint)
        .send_form([
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose()),
            ("client_id", "pli-test"),
        ])
        .expect("the provider answers");
    assert_eq!(response.status(), 400);
    let body = response.into_body().read_to_string().unwrap();
    assert!(body.contains("invalid_grant"), "{body}");
}

#[test]
fn a_forged_state_is_refused() {
    let secrets = keyring();
    let sessions = PscSessions::new();
    let account = psc_box(
        "cabinet",
        &doctor(),
        Security::Tls,
        RefreshTokenStore::Keyring,
    );
    let (outcome, seen) = sign_in(&sessions, &account, &secrets, &doctor(), Play::ForgeState);
    let error = outcome.expect_err("refused");
    assert!(matches!(error, OidcError::StateMismatch), "{error:?}");
    assert_eq!(seen.status, 400);
    assert!(seen.page.contains("La connexion a échoué"), "{}", seen.page);
    assert!(secrets
        .find("cabinet", SecretKind::RefreshToken)
        .unwrap()
        .is_none());
    assert_eq!(
        sessions.state(&account, &secrets).unwrap(),
        SessionState::SignedOut
    );
}

#[test]
fn pkce_refuses_a_code_obtained_with_another_verifier() {
    let secrets = keyring();
    let sessions = PscSessions::new();
    let account = psc_box(
        "cabinet",
        &doctor(),
        Security::Tls,
        RefreshTokenStore::Keyring,
    );
    let (outcome, _) = sign_in(&sessions, &account, &secrets, &doctor(), Play::InjectCode);
    let error = outcome.expect_err("the provider refuses the exchange");
    assert!(matches!(error, OidcError::CodeRefused { .. }), "{error:?}");
    assert!(secrets
        .find("cabinet", SecretKind::RefreshToken)
        .unwrap()
        .is_none());
}

#[test]
fn the_professional_refusing_gives_a_clear_error() {
    let secrets = keyring();
    let sessions = PscSessions::new();
    let account = psc_box(
        "cabinet",
        &doctor(),
        Security::Tls,
        RefreshTokenStore::Keyring,
    );
    let (outcome, _) = sign_in(&sessions, &account, &secrets, &doctor(), Play::Refuse);
    let error = outcome.expect_err("refused");
    assert!(
        matches!(&error, OidcError::Denied { error, .. } if error == "access_denied"),
        "{error:?}"
    );
}

#[test]
fn a_browser_that_never_comes_back_ends_the_wait() {
    let secrets = keyring();
    let account = psc_box(
        "cabinet",
        &doctor(),
        Security::Tls,
        RefreshTokenStore::Keyring,
    );
    let browser = TestBrowser::new(&doctor(), Play::Vanish);
    let options = SignInOptions {
        timeout: Duration::from_secs(1),
        cancel: None,
    };
    let error = PscSessions::new()
        .sign_in(&account, &secrets, &browser, &options)
        .expect_err("timed out");
    assert!(matches!(error, OidcError::TimedOut { .. }), "{error:?}");
}

fn dovecot_log() -> String {
    stack_log("dovecot.log")
}

fn stack_log(name: &str) -> String {
    std::fs::read_to_string(format!("{}/{name}", env("PLI_TEST_LOG_DIR"))).unwrap_or_default()
}

/// A JWT like the provider's access tokens, signed with another key under the provider's kid.
fn forged_token(email: &str) -> Secret {
    let folder = tempfile::tempdir().unwrap();
    let key = folder.path().join("foreign.pem");
    let made = std::process::Command::new("openssl")
        .args([
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
        ])
        .arg(&key)
        .output()
        .expect("openssl runs");
    assert!(made.status.success());
    let jwks = read_json(discovery()["jwks_uri"].as_str().expect("jwks_uri"));
    let kid = jwks["keys"][0]["kid"].as_str().expect("a kid").to_string();
    let now = chrono::Utc::now().timestamp();
    let claims = serde_json::json!({
        "iss": issuer(), "sub": email, "email": email, "aud": "urn:pli:mssante",
        "client_id": "pli-test", "scope": "scope_all", "iat": now, "exp": now + 300,
    });
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = Some(kid);
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(&std::fs::read(key).unwrap()).unwrap();
    Secret::new(jsonwebtoken::encode(&header, &claims, &key).unwrap())
}

#[test]
fn dovecot_refuses_a_token_for_another_user_and_a_forged_one() {
    let runtime = runtime();
    let secrets = keyring();
    let sessions = PscSessions::new();
    let cabinet = psc_box(
        "cabinet",
        &doctor(),
        Security::Tls,
        RefreshTokenStore::Keyring,
    );
    sign_in(&sessions, &cabinet, &secrets, &doctor(), Play::SignIn)
        .0
        .expect("signed in");
    let doctors_token = token_of(&sessions.fresh_credentials(&cabinet, &secrets).unwrap());
    let nurses_box = psc_box(
        "service",
        &nurse(),
        Security::Tls,
        RefreshTokenStore::Keyring,
    );
    let attempts = [
        (&nurses_box, nurse(), doctors_token.clone()),
        (&cabinet, doctor(), forged_token(&doctor())),
    ];
    for (account, login, token) in attempts {
        let credentials = Credentials::Token { login, token };
        let error = runtime
            .block_on(imap::connect(account, &credentials))
            .expect_err("Dovecot refuses");
        assert!(
            matches!(error, ConnectError::TokenRefused { .. }),
            "{error:?}"
        );
        let error = runtime
            .block_on(smtp::connect(account, &credentials))
            .expect_err("Postfix refuses");
        assert!(
            matches!(error, ConnectError::TokenRefused { .. }),
            "{error:?}"
        );
    }
    let log = dovecot_log();
    assert!(
        log.contains("did not match"),
        "Dovecot names the user mismatch"
    );
    assert!(
        log.contains("Bad signature"),
        "Dovecot names the forged signature"
    );
}

#[test]
fn dovecot_accepts_the_token_with_oauthbearer_and_refuses_another_users() {
    let runtime = runtime();
    let secrets = keyring();
    let sessions = PscSessions::new();
    let account = psc_box(
        "cabinet",
        &doctor(),
        Security::Tls,
        RefreshTokenStore::Keyring,
    );
    sign_in(&sessions, &account, &secrets, &doctor(), Play::SignIn)
        .0
        .expect("signed in");
    let token = token_of(&sessions.fresh_credentials(&account, &secrets).unwrap());
    runtime.block_on(async {
        for (login, accepted) in [(doctor(), true), (nurse(), false)] {
            let endpoint = &account.imap;
            let trust = pli_core::mail::connect::trust_for(&account).unwrap();
            let (config, _) = pli_core::mail::tls::client_config(&trust, None).unwrap();
            let tcp = tokio::net::TcpStream::connect((endpoint.host.as_str(), endpoint.port))
                .await
                .unwrap();
            let name = rustls_pki_types::ServerName::try_from(endpoint.host.clone()).unwrap();
            let tls = tokio_rustls::TlsConnector::from(config)
                .connect(name, tcp)
                .await
                .unwrap();
            let mut client = async_imap::Client::new(tls);
            client.read_response().await.unwrap().expect("a greeting");
            let bearer = OAuthBearer::new(&login, &endpoint.host, endpoint.port, token.expose());
            let outcome = tokio::time::timeout(
                Duration::from_secs(10),
                client.authenticate("OAUTHBEARER", bearer),
            )
            .await
            .expect("an answer, not a hang: the refusal challenge was answered");
            match outcome {
                Ok(mut session) => {
                    assert!(accepted, "{login} must be refused");
                    session.logout().await.unwrap();
                }
                Err((error, _)) => {
                    assert!(!accepted, "{login}: {error}");
                    assert!(
                        matches!(error, async_imap::error::Error::No(_)),
                        "{error:?}"
                    );
                }
            }
        }
    });
}

#[test]
fn a_confidential_client_takes_its_secret_from_the_keyring() {
    let secrets = keyring();
    let sessions = PscSessions::new();
    let mut account = psc_box(
        "cabinet",
        &doctor(),
        Security::Tls,
        RefreshTokenStore::Keyring,
    );
    if let Some(oidc) = account.oidc.as_mut() {
        oidc.client_id = Some("pli-test-confidential".into());
    }
    let (outcome, _) = sign_in(&sessions, &account, &secrets, &doctor(), Play::SignIn);
    let error = outcome.expect_err("no secret, no token");
    assert!(
        matches!(error, OidcError::ClientRefused { .. }),
        "{error:?}"
    );

    pli_core::mail::oidc::store_client_secret(&secrets, &account, &Secret::new("pli-test-secret"))
        .unwrap();
    sign_in(&sessions, &account, &secrets, &doctor(), Play::SignIn)
        .0
        .expect("signed in with the secret");
    sessions.token_refused(&account);
    sessions
        .fresh_credentials(&account, &secrets)
        .expect("the refresh authenticates the client too");
    // Ending the box's session keeps the registration's secret.
    sessions.sign_out(&account, &secrets).unwrap();
    assert_eq!(
        sessions.state(&account, &secrets).unwrap(),
        SessionState::SignedOut
    );
    sign_in(&sessions, &account, &secrets, &doctor(), Play::SignIn)
        .0
        .expect("the secret is still there");
}

// ------------------------------------------------------------------ bad providers

fn box_at(issuer: &str) -> Account {
    let mut account = psc_box(
        "cabinet",
        &doctor(),
        Security::Tls,
        RefreshTokenStore::Keyring,
    );
    if let Some(oidc) = account.oidc.as_mut() {
        oidc.issuer = Some(issuer.to_string());
    }
    account
}

/// The errors of a sign-in and of a refresh with that issuer, for a box that has a session.
fn both_errors(account: &Account) -> [OidcError; 2] {
    let secrets = keyring();
    secrets
        .set(
            &account.name,
            SecretKind::RefreshToken,
            &Secret::new("a-refresh-token"),
        )
        .unwrap();
    let sessions = PscSessions::new();
    let sign_in_error = sessions
        .sign_in(
            account,
            &secrets,
            &TestBrowser::new("x", Play::Vanish),
            &SignInOptions::default(),
        )
        .expect_err("no sign-in");
    let refresh_error = sessions
        .fresh_credentials(account, &secrets)
        .expect_err("no refresh");
    // A provider that is wrong or away ends nothing: the refresh token is kept.
    assert!(secrets
        .find(&account.name, SecretKind::RefreshToken)
        .unwrap()
        .is_some());
    [sign_in_error, refresh_error]
}

#[test]
fn a_wrong_issuer_url_gives_a_clear_error() {
    let account = box_at(&format!("{}/auth/realms/no-such-realm", issuer()));
    for error in both_errors(&account) {
        assert!(
            matches!(error, OidcError::NoConfiguration { status: 404, .. }),
            "{error:?}"
        );
        assert!(!ConnectError::from(error).is_transient());
    }
}

#[test]
fn an_unreachable_provider_gives_a_clear_error() {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .unwrap()
        .port();
    let account = box_at(&format!("http://127.0.0.1:{port}"));
    for error in both_errors(&account) {
        assert!(matches!(error, OidcError::Unreachable { .. }), "{error:?}");
        let error = ConnectError::from(error);
        assert!(error.is_transient() && !error.is_authentication());
    }
}

#[test]
fn a_provider_answering_html_gives_a_clear_error() {
    let account = box_at(&html_server());
    for error in both_errors(&account) {
        assert!(matches!(error, OidcError::NotAProvider { .. }), "{error:?}");
    }
}

#[test]
fn an_unsafe_issuer_is_refused_before_any_request() {
    let account = box_at("http://auth.example.fr/realms/test");
    let error = PscSessions::new()
        .fresh_credentials(&account, &keyring())
        .unwrap_err();
    assert!(matches!(error, OidcError::BadIssuer { .. }), "{error:?}");
}

// ------------------------------------------------------------------ the worker (ECO.1.2.6–1.2.7)

/// What a box's worker reported until it settled (up to date, or stopped by a problem), and how
/// many times it asked for credentials.
fn worker_states<F>(account: &Account, load: F) -> (Vec<worker::Connectivity>, usize)
where
    F: Fn(&Account) -> Result<Credentials, ConnectError> + Send + Sync + Clone + 'static,
{
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = {
        let calls = calls.clone();
        move |account: &Account| {
            calls.fetch_add(1, Ordering::SeqCst);
            load(account)
        }
    };
    let folder = tempfile::tempdir().expect("a folder");
    let store = folder.path().join("store.sqlite");
    let states = runtime().block_on(async {
        let (events, mut received) = tokio::sync::mpsc::channel(64);
        let (commands, orders) = tokio::sync::mpsc::channel(8);
        let running = tokio::spawn(worker::run(account.clone(), store, counted, events, orders));
        let mut states = Vec::new();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        while let Ok(Some(event)) = tokio::time::timeout_at(deadline, received.recv()).await {
            if let worker::Event::Connectivity { state, .. } = event {
                let settled = !matches!(
                    state,
                    worker::Connectivity::Connecting | worker::Connectivity::Syncing { .. }
                );
                states.push(state);
                if settled {
                    break;
                }
            }
        }
        let _ = commands.send(worker::Command::Stop).await;
        running.abort();
        states
    });
    (states, calls.load(Ordering::SeqCst))
}

/// Credentials the mail server refuses, as it refuses a token revoked upstream or read with a
/// clock that disagrees: the token expired five minutes ago.
fn refused_token(account: &Account) -> Credentials {
    Credentials::Token {
        login: account.address.clone(),
        token: token(&account.address, -300, None),
    }
}

/// A box of `user` signed in through the process's sessions, whose worker's credentials come
/// from there as in the window.
fn signed_in_box(name: &str, user: &str) -> (Account, Secrets) {
    let secrets = keyring();
    let account = psc_box(name, user, Security::Tls, RefreshTokenStore::Keyring);
    sign_in(
        PscSessions::shared(),
        &account,
        &secrets,
        user,
        Play::SignIn,
    )
    .0
    .expect("signed in");
    (account, secrets)
}

/// The worker's credentials: refused the first time, then the session's.
fn refused_first(
    secrets: &Secrets,
) -> impl Fn(&Account) -> Result<Credentials, ConnectError> + Send + Sync + Clone + 'static {
    let first = Arc::new(AtomicBool::new(true));
    let secrets = secrets.clone();
    move |account: &Account| {
        if first.swap(false, Ordering::SeqCst) {
            return Ok(refused_token(account));
        }
        Ok(PscSessions::shared().fresh_credentials(account, &secrets)?)
    }
}

fn refused(state: &worker::Connectivity) -> bool {
    matches!(state, worker::Connectivity::AuthenticationRefused { .. })
}

#[test]
fn eco_1_2_7_a_refused_token_is_refreshed_and_the_box_connects_on_its_own() {
    let (account, secrets) = signed_in_box("psc-retry", &dedicated_user("psc-retry"));
    let refresh_before = secrets.get("psc-retry", SecretKind::RefreshToken).unwrap();
    let (states, calls) = worker_states(&account, refused_first(&secrets));
    assert_eq!(
        states.last(),
        Some(&worker::Connectivity::UpToDate),
        "{states:?}"
    );
    assert!(
        !states.iter().any(refused),
        "the window never heard of the refusal: {states:?}"
    );
    assert_eq!(calls, 2, "one retry");
    // The session forgot the refused token, so the retry's token came from a refresh.
    let refresh_after = secrets.get("psc-retry", SecretKind::RefreshToken).unwrap();
    assert_ne!(
        refresh_before, refresh_after,
        "the retry refreshed the token"
    );
}

#[test]
fn eco_1_2_7_a_token_refused_again_after_the_refresh_is_reported_not_retried_forever() {
    let (account, _secrets) = signed_in_box("psc-retry-twice", &dedicated_user("psc-retry-twice"));
    let (states, calls) = worker_states(&account, |account: &Account| Ok(refused_token(account)));
    assert!(states.last().is_some_and(refused), "{states:?}");
    assert_eq!(calls, 2, "one retry, then the window is told");
}

#[test]
fn eco_1_2_6_a_refused_token_whose_refresh_is_refused_ends_the_session() {
    let (account, secrets) = signed_in_box("psc-ended", &dedicated_user("psc-ended"));
    // Signed out elsewhere: the provider no longer renews the session.
    revoke(&secrets.get("psc-ended", SecretKind::RefreshToken).unwrap());
    let (states, calls) = worker_states(&account, refused_first(&secrets));
    assert_eq!(calls, 2);
    match states.last() {
        Some(worker::Connectivity::AuthenticationRefused { reason }) => assert!(
            reason.contains("sign in again with Pro Santé Connect"),
            "{reason}"
        ),
        other => panic!("the box waits for a new sign-in: {other:?} in {states:?}"),
    }
    assert_eq!(
        PscSessions::shared().state(&account, &secrets).unwrap(),
        SessionState::SignedOut
    );
}

// ------------------------------------------------------------------ SMTP with OAUTHBEARER

#[test]
fn smtp_presents_the_psc_token_with_oauthbearer_and_a_refusal_reads_expired() {
    let runtime = runtime();
    let secrets = keyring();
    let sessions = PscSessions::new();
    let user = dedicated_user("psc-smtp");
    let address: lettre::Address = user.parse().expect("an address");
    let envelope =
        lettre::address::Envelope::new(Some(address.clone()), vec![address]).expect("an envelope");
    for security in [Security::Tls, Security::Starttls] {
        let account = psc_box("psc-smtp", &user, security, RefreshTokenStore::Keyring);
        sign_in(&sessions, &account, &secrets, &user, Play::SignIn)
            .0
            .expect("signed in");
        let credentials = sessions.fresh_credentials(&account, &secrets).unwrap();
        runtime.block_on(async {
            let mut connection =
                smtp::connect_using(&account, &credentials, Some(TokenMechanism::OAuthBearer))
                    .await
                    .expect("Postfix accepts the token with OAUTHBEARER");
            // A message makes Postfix log how its sender signed in.
            let message =
                format!("From: <{user}>\r\nTo: <{user}>\r\nSubject: OAUTHBEARER\r\n\r\nTest\r\n");
            connection
                .connection
                .send(&envelope, message.as_bytes())
                .await
                .expect("the message is accepted");
            connection.quit().await;
            let error = tokio::time::timeout(
                Duration::from_secs(20),
                smtp::connect_using(
                    &account,
                    &refused_token(&account),
                    Some(TokenMechanism::OAuthBearer),
                ),
            )
            .await
            .expect("an answer, not a hang: the refusal's challenge was answered")
            .expect_err("an expired token is refused");
            assert!(
                matches!(error, ConnectError::TokenRefused { .. }),
                "{error:?}"
            );
        });
    }
    // Postfix writes its log lines a moment after it answers: on a busy machine the last
    // refusal is not in the file yet when the client has its answer.
    let lines = |what: &str| {
        stack_log("postfix.log")
            .lines()
            .filter(|line| line.contains(what) && line.contains(&format!("sasl_username={user}")))
            .count()
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while (lines("sasl_method=OAUTHBEARER") < 2
        || lines("SASL OAUTHBEARER authentication failed") < 2)
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(
        lines("sasl_method=OAUTHBEARER"),
        2,
        "signed in with OAUTHBEARER"
    );
    assert_eq!(
        lines("SASL OAUTHBEARER authentication failed"),
        2,
        "refused with OAUTHBEARER"
    );
}
