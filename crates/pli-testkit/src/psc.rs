//! The OpenID Connect provider standing in for Pro Santé Connect (`tests/oidc/`), test boxes
//! that sign in with it, and the professional's browser the tests play: shared by the sign-in
//! tests of the core (`tests/oidc.rs`) and of the window (`tests/ui_psc.rs`), which include it
//! with `#[path]`.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::*;
use pli_core::mail::account::{Account, AuthKind, Security};
use pli_core::mail::connect::Credentials;
use pli_core::mail::oidc::{
    Browser, BrowserError, OidcError, OidcSettings, PscSessions, RefreshTokenStore, SignInOptions,
};
use pli_core::mail::secrets::{Secret, Secrets};

// ------------------------------------------------------------------ the provider

/// The issuer of the test provider, started by `provider.sh` when no one did.
pub fn issuer() -> String {
    static ISSUER: OnceLock<String> = OnceLock::new();
    ISSUER
        .get_or_init(|| {
            if let Ok(issuer) = std::env::var("PLI_TEST_OIDC_ISSUER") {
                return issuer;
            }
            // The script installs the provider's key where the stack's Dovecot looks for it.
            env("PLI_TEST_DIR");
            let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/oidc/provider.sh");
            let output = std::process::Command::new(script)
                .arg("start")
                // Nobody stops a provider a test started: it stops itself once unused.
                .env("PLI_OIDC_IDLE_EXIT", "300")
                .output()
                .expect("provider.sh runs");
            assert!(
                output.status.success(),
                "provider.sh start failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            String::from_utf8_lossy(&output.stdout)
                .lines()
                .find_map(|line| line.strip_prefix("export PLI_TEST_OIDC_ISSUER="))
                .expect("provider.sh prints the issuer")
                .trim()
                .to_string()
        })
        .clone()
}

/// An HTTP client for the test's own requests to the provider, which serves https with the
/// stack's certificate (provider.sh): it trusts the stack's CA, like the test boxes do.
pub fn test_agent(follow_redirects: bool) -> ureq::Agent {
    let trust =
        pli_core::mail::tls::Trust::for_domain("test.invalid", Some(&ca())).expect("the CA");
    let roots: Vec<_> = trust
        .anchors()
        .iter()
        .map(|der| ureq::tls::Certificate::from_der(der.as_ref()).to_owned())
        .collect();
    let tls = ureq::tls::TlsConfig::builder()
        .provider(ureq::tls::TlsProvider::Rustls)
        .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .root_certs(ureq::tls::RootCerts::new_with_certs(&roots))
        .build();
    ureq::Agent::config_builder()
        .tls_config(tls)
        .max_redirects(if follow_redirects { 10 } else { 0 })
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into()
}

pub fn discovery() -> serde_json::Value {
    let url = format!("{}/.well-known/openid-configuration", issuer());
    read_json(&url)
}

pub fn read_json(url: &str) -> serde_json::Value {
    let body = test_agent(true)
        .get(url)
        .call()
        .expect("the provider answers")
        .into_body()
        .read_to_string()
        .expect("a body");
    serde_json::from_str(&body).expect("JSON")
}

/// RFC 7009: the professional signs out elsewhere, or an administrator revokes the session.
pub fn revoke(refresh_token: &Secret) {
    let endpoint = discovery()["revocation_endpoint"]
        .as_str()
        .expect("a revocation endpoint")
        .to_string();
    let response = test_agent(true)
        .post(&endpoint)
        .send_form([
            ("token", refresh_token.expose()),
            ("token_type_hint", "refresh_token"),
            ("client_id", "pli-test"),
        ])
        .expect("revocation answered");
    assert_eq!(response.status(), 200);
}

// ------------------------------------------------------------------ boxes, keyring, sessions

pub fn psc_box(name: &str, address: &str, security: Security, store: RefreshTokenStore) -> Account {
    let mut account = account(address, security);
    account.name = name.to_string();
    account.auth = AuthKind::Xoauth2;
    account.oidc = Some(Box::new(OidcSettings {
        preset: None,
        issuer: Some(issuer()),
        client_id: Some("pli-test".into()),
        scopes: Some(vec!["openid".into(), "scope_all".into()]),
        acr_values: Some(vec!["eidas1".into()]),
        refresh_token: store,
    }));
    account
}

pub fn keyring() -> Secrets {
    let store: Arc<keyring_core::CredentialStore> =
        keyring_core::mock::Store::new().expect("a mock keyring");
    Secrets::with_store(store, "pli:test-oidc")
}

pub fn nurse() -> String {
    env("PLI_TEST_USER_NURSE")
}

pub fn token_of(credentials: &Credentials) -> Secret {
    match credentials {
        Credentials::Token { token, .. } => token.clone(),
        other => panic!("expected a token, got {other:?}"),
    }
}

// ------------------------------------------------------------------ the browser the test plays

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Play {
    /// Signs in and consents, as the professional would.
    SignIn,
    /// Presses "Refuser" on the provider's page.
    Refuse,
    /// Comes back to Pli with another `state` (a forged redirect).
    ForgeState,
    /// An attacker's code, obtained with a PKCE challenge of its own, brought to Pli with Pli's
    /// state: only PKCE can tell.
    InjectCode,
    /// Never comes back.
    Vanish,
}

/// What the browser saw last: Pli's page after the redirect.
#[derive(Debug, Default)]
pub struct Seen {
    pub status: u16,
    pub page: String,
}

pub struct TestBrowser {
    login: String,
    play: Play,
    run: Mutex<Option<JoinHandle<Seen>>>,
}

impl TestBrowser {
    pub fn new(login: &str, play: Play) -> Self {
        Self {
            login: login.to_string(),
            play,
            run: Mutex::new(None),
        }
    }

    /// What the browser showed at the end of its run.
    pub fn seen(&self) -> Seen {
        self.run
            .lock()
            .unwrap()
            .take()
            .map(|run| run.join().expect("the browser thread"))
            .unwrap_or_default()
    }
}

impl Browser for TestBrowser {
    fn open(&self, url: &str) -> Result<(), BrowserError> {
        let (url, login, play) = (url.to_string(), self.login.clone(), self.play);
        *self.run.lock().unwrap() = Some(std::thread::spawn(move || browse(&url, &login, play)));
        Ok(())
    }
}

/// A cookie jar and no automatic redirects: the test sees every step, like a browser's network
/// panel.
pub struct Tab {
    agent: ureq::Agent,
    cookies: BTreeMap<String, String>,
}

pub struct Page {
    status: u16,
    location: Option<String>,
    body: String,
}

impl Default for Tab {
    fn default() -> Self {
        Self::new()
    }
}

impl Tab {
    pub fn new() -> Self {
        Self {
            agent: test_agent(false),
            cookies: BTreeMap::new(),
        }
    }

    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn read(
        &mut self,
        base: &str,
        response: openidconnect::http::Response<ureq::Body>,
    ) -> Page {
        for cookie in response.headers().get_all("set-cookie") {
            let pair = cookie
                .to_str()
                .unwrap_or("")
                .split(';')
                .next()
                .unwrap_or("");
            if let Some((name, value)) = pair.split_once('=') {
                self.cookies.insert(name.trim().into(), value.trim().into());
            }
        }
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .and_then(|value| value.to_str().ok())
            .map(|location| join(base, location));
        let body = response.into_body().read_to_string().unwrap_or_default();
        Page {
            status,
            location,
            body,
        }
    }

    pub fn get(&mut self, url: &str) -> Page {
        let response = self
            .agent
            .get(url)
            .header("Cookie", self.cookie_header())
            .call()
            .unwrap_or_else(|error| panic!("GET {url}: {error}"));
        self.read(url, response)
    }

    pub fn post(&mut self, url: &str, form: &[(&str, &str)]) -> Page {
        let response = self
            .agent
            .post(url)
            .header("Cookie", self.cookie_header())
            .send_form(form.iter().copied())
            .unwrap_or_else(|error| panic!("POST {url}: {error}"));
        self.read(url, response)
    }
}

pub fn join(base: &str, location: &str) -> String {
    openidconnect::url::Url::parse(base)
        .and_then(|base| base.join(location))
        .map(String::from)
        .unwrap_or_else(|_| location.to_string())
}

pub fn query(url: &str, name: &str) -> Option<String> {
    openidconnect::url::Url::parse(url)
        .ok()?
        .query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

pub fn with_query(url: &str, name: &str, value: &str) -> String {
    let mut url = openidconnect::url::Url::parse(url).expect("a URL");
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(key, old)| {
            let new = if key == name {
                value.to_string()
            } else {
                old.into_owned()
            };
            (key.into_owned(), new)
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    url.into()
}

/// Goes through the provider's pages up to the redirect to `redirect_uri`, which it returns.
pub fn authorize(tab: &mut Tab, url: &str, login: &str, play: Play, redirect_uri: &str) -> String {
    let mut page = tab.get(url);
    for _ in 0..10 {
        if let Some(location) = page.location.take() {
            if location.starts_with(redirect_uri) {
                return location;
            }
            page = tab.get(&location);
            continue;
        }
        assert_eq!(page.status, 200, "provider page: {}", page.body);
        let action = page
            .body
            .split("action=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("a form on the provider's page: {}", page.body))
            .to_string();
        let action = join(&issuer(), &action);
        page = if action.ends_with("/login") {
            let button = if play == Play::Refuse {
                "refuse"
            } else {
                "login"
            };
            tab.post(
                &action,
                &[
                    ("login", login),
                    ("password", "cps-1234"),
                    ("button", button),
                ],
            )
        } else {
            tab.post(&action, &[("button", "confirm")])
        };
    }
    panic!("the provider never sent the browser back");
}

pub fn browse(url: &str, login: &str, play: Play) -> Seen {
    if play == Play::Vanish {
        return Seen::default();
    }
    let redirect_uri = query(url, "redirect_uri").expect("a redirect_uri");
    let mut tab = Tab::new();
    let back = match play {
        Play::InjectCode => {
            // The attacker runs its own authorization with Pli's redirect and state but its own
            // PKCE challenge, then hands the code to Pli's listener.
            let attacker = with_query(
                url,
                "code_challenge",
                "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            );
            authorize(
                &mut Tab::new(),
                &attacker,
                login,
                Play::SignIn,
                &redirect_uri,
            )
        }
        Play::ForgeState => with_query(
            &authorize(&mut tab, url, login, play, &redirect_uri),
            "state",
            "forged-by-someone-else",
        ),
        _ => authorize(&mut tab, url, login, play, &redirect_uri),
    };
    let page = tab.get(&back);
    Seen {
        status: page.status,
        page: page.body,
    }
}

pub fn sign_in(
    sessions: &PscSessions,
    account: &Account,
    secrets: &Secrets,
    login: &str,
    play: Play,
) -> (Result<pli_core::mail::oidc::SignedIn, OidcError>, Seen) {
    let browser = TestBrowser::new(login, play);
    let outcome = sessions.sign_in(account, secrets, &browser, &SignInOptions::default());
    (outcome, browser.seen())
}

/// A web server that answers every request with a page, as a portal or a wrong address does.
pub fn html_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten().take(8) {
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let page = "<!doctype html><html><body><h1>Bienvenue</h1></body></html>";
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
                page.len()
            );
        }
    });
    format!("http://{address}")
}
