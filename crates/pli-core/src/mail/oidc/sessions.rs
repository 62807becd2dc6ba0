//! The Pro Santé Connect sessions of the boxes: access tokens in memory only, refreshed before a
//! connection when they are about to expire, refresh tokens in the keyring (or in memory when the
//! box asks), and a session that ends for one box without touching the others.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use super::flow::{Identity, Provider, Tokens};
use super::loopback::{Browser, SignInOptions};
use super::settings::{OidcConfig, RefreshTokenStore};
use super::OidcError;
use crate::mail::account::{Account, AuthKind};
use crate::mail::connect::Credentials;
use crate::mail::secrets::{Secret, SecretKind, Secrets};

/// A token is refreshed when less than this is left of it, and never later than a quarter of its
/// life before the end: a connection that starts with the token must finish signing in with it.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// The sessions of all the boxes of the process, keyed by box name.
pub struct PscSessions {
    boxes: Mutex<HashMap<String, Arc<Mutex<BoxSession>>>>,
}

/// One box's session. Its mutex is held across a refresh, so the IMAP and SMTP connections of a
/// box starting together refresh once: with rotating refresh tokens a second refresh with the
/// same token looks like a theft and the provider would end the session.
#[derive(Default)]
struct BoxSession {
    /// The settings the session was opened with; other settings start another session.
    config: Option<OidcConfig>,
    provider: Option<Arc<Provider>>,
    access: Option<AccessToken>,
    /// The refresh token when the box keeps it in memory only.
    refresh: Option<Secret>,
    identity: Option<Identity>,
}

struct AccessToken {
    token: Secret,
    expires_at: Option<Instant>,
    lifetime: Option<Duration>,
}

impl AccessToken {
    fn from(tokens: &Tokens) -> Self {
        Self {
            token: tokens.access.clone(),
            expires_at: tokens.lifetime.map(|lifetime| tokens.issued + lifetime),
            lifetime: tokens.lifetime,
        }
    }

    /// Good for a whole connection: not expired, nor within the margin. A token whose lifetime
    /// the provider did not say is used once and refreshed for the next connection.
    fn fresh_at(&self, now: Instant) -> bool {
        match (self.expires_at, self.lifetime) {
            (Some(expires_at), Some(lifetime)) => {
                let margin = REFRESH_MARGIN.min(lifetime / 4);
                now + margin < expires_at
            }
            _ => false,
        }
    }

    fn expired_at(&self, now: Instant) -> bool {
        self.expires_at.is_some_and(|expires_at| now >= expires_at)
    }
}

/// The outcome of a sign-in, for the window to show.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub identity: Identity,
    /// How long the access token lasts, when the provider said.
    pub access_lifetime: Option<Duration>,
    /// Whether the session can outlive the access token (the provider gave a refresh token).
    pub refreshable: bool,
}

/// Where a box stands, without asking the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    /// An access token good for a connection is in memory.
    Active,
    /// A refresh token is kept: the next connection refreshes silently.
    Refreshable,
    /// The professional must sign in.
    SignedOut,
}

impl fmt::Debug for PscSessions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let boxes: Vec<String> = lock(&self.boxes).keys().cloned().collect();
        f.debug_struct("PscSessions")
            .field("boxes", &boxes)
            .finish()
    }
}

impl Default for PscSessions {
    fn default() -> Self {
        Self::new()
    }
}

impl PscSessions {
    pub fn new() -> Self {
        Self {
            boxes: Mutex::new(HashMap::new()),
        }
    }

    /// The sessions of this process; `Credentials::load` uses them, so the window, the sync
    /// workers and the CLI share one token per box.
    pub fn shared() -> &'static PscSessions {
        static SHARED: OnceLock<PscSessions> = OnceLock::new();
        SHARED.get_or_init(PscSessions::new)
    }

    fn session(&self, account: &Account) -> Arc<Mutex<BoxSession>> {
        let mut boxes = lock(&self.boxes);
        boxes.entry(account.name.clone()).or_default().clone()
    }

    /// Signs a box in through the browser (blocking up to `options.timeout`: call it from a
    /// blocking thread). On success the access token is in memory and the refresh token where
    /// the box keeps it.
    pub fn sign_in(
        &self,
        account: &Account,
        secrets: &Secrets,
        browser: &dyn Browser,
        options: &SignInOptions,
    ) -> Result<SignedIn, OidcError> {
        let config = config_of(account)?;
        let started = Instant::now();
        // Discovered afresh: the sign-in verifies an ID token with the provider's current keys.
        let provider = Arc::new(Provider::discover(
            &config,
            client_secret(secrets, &config)?,
        )?);
        // The box's lock is not held while the professional types: its connections go on with
        // the old session meanwhile, if there is one.
        let (tokens, identity) = provider.sign_in(browser, options)?;

        let session = self.session(account);
        let mut session = lock(&session);
        *session = BoxSession {
            config: Some(config.clone()),
            provider: Some(provider),
            access: Some(AccessToken::from(&tokens)),
            refresh: None,
            identity: Some(identity.clone()),
        };
        match tokens.refresh.clone() {
            Some(refresh) => {
                self.keep_refresh_token(&mut session, account, secrets, &config, Some(refresh))?
            }
            // A session without a refresh token replaces the old one, whose refresh token must
            // not outlive it: it would bring back the previous sign-in.
            None if config.refresh_token == RefreshTokenStore::Keyring => {
                secrets.delete_all(&account.name)?
            }
            None => {}
        }
        tracing::info!(
            account = %account.name,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "signed in with Pro Santé Connect"
        );
        Ok(SignedIn {
            identity,
            access_lifetime: tokens.lifetime,
            refreshable: tokens.refresh.is_some(),
        })
    }

    /// The credentials for one IMAP or SMTP connection of a PSC box: the access token in memory
    /// when it lasts long enough, else a new one from the refresh token. Blocking (keyring, HTTP).
    pub fn fresh_credentials(
        &self,
        account: &Account,
        secrets: &Secrets,
    ) -> Result<Credentials, OidcError> {
        let token = self.fresh_token(account, secrets)?;
        Ok(Credentials::Token {
            login: account.login_name().to_string(),
            token,
        })
    }

    fn fresh_token(&self, account: &Account, secrets: &Secrets) -> Result<Secret, OidcError> {
        let config = config_of(account)?;
        let session = self.session(account);
        let mut session = lock(&session);
        if session.config.as_ref() != Some(&config) {
            // New or edited settings: what was obtained with the old ones is not used.
            *session = BoxSession {
                config: Some(config.clone()),
                ..BoxSession::default()
            };
        }
        let now = Instant::now();
        if let Some(access) = session.access.as_ref().filter(|a| a.fresh_at(now)) {
            return Ok(access.token.clone());
        }

        let refresh_token = match config.refresh_token {
            RefreshTokenStore::Memory => session.refresh.clone(),
            RefreshTokenStore::Keyring => secrets.find(&account.name, SecretKind::RefreshToken)?,
        };
        let Some(refresh_token) = refresh_token else {
            return match session.access.as_ref() {
                // No way to renew, but the token still holds: the connection may use it.
                Some(access) if !access.expired_at(now) => Ok(access.token.clone()),
                _ => Err(OidcError::NotSignedIn {
                    account: account.name.clone(),
                }),
            };
        };

        let provider = match &session.provider {
            Some(provider) => provider.clone(),
            None => {
                let provider = Arc::new(Provider::discover(
                    &config,
                    client_secret(secrets, &config)?,
                )?);
                session.provider = Some(provider.clone());
                provider
            }
        };
        let started = Instant::now();
        match provider.refresh(&refresh_token) {
            Ok(tokens) => {
                tracing::debug!(
                    account = %account.name,
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    "Pro Santé Connect token refreshed"
                );
                session.access = Some(AccessToken::from(&tokens));
                self.keep_refresh_token(&mut session, account, secrets, &config, tokens.refresh)?;
                Ok(tokens.access)
            }
            Err(OidcError::RefreshRefused) => {
                if let Err(error) = self.end(&mut session, account, secrets, &config) {
                    // The provider refuses the token anyway: the next try ends here again.
                    let account = &account.name;
                    tracing::warn!(%account, %error, "ended session left in the keyring");
                }
                let account = account.name.clone();
                tracing::info!(%account, "Pro Santé Connect session ended by the provider");
                Err(OidcError::SessionEnded { account })
            }
            Err(error) => match session.access.as_ref() {
                // The provider is unreachable for now, but the token has not expired yet: the
                // connection can still sign in with it; the next one tries the refresh again.
                Some(access) if error.is_transient() && !access.expired_at(Instant::now()) => {
                    Ok(access.token.clone())
                }
                _ => Err(error),
            },
        }
    }

    /// The mail server refused the token (revoked upstream, or its clock disagrees): forget it,
    /// so the next connection refreshes instead of presenting it again.
    pub fn token_refused(&self, account: &Account) {
        let session = self.session(account);
        lock(&session).access = None;
    }

    /// Signs a box out: tokens forgotten and refresh token deleted on this computer, then the
    /// provider asked to revoke the session (RFC 7009). The sign-out on this computer holds even
    /// when the provider cannot be told: its error is returned after, for the window to say.
    pub fn sign_out(&self, account: &Account, secrets: &Secrets) -> Result<(), OidcError> {
        let config = config_of(account)?;
        let session = self.session(account);
        let mut session = lock(&session);
        let refresh_token = match config.refresh_token {
            RefreshTokenStore::Memory => session.refresh.clone(),
            RefreshTokenStore::Keyring => secrets.find(&account.name, SecretKind::RefreshToken)?,
        };
        let provider = session.provider.clone();
        self.end(&mut session, account, secrets, &config)?;
        drop(session);
        let Some(refresh_token) = refresh_token else {
            return Ok(());
        };
        let provider = match provider {
            Some(provider) => provider,
            None => Arc::new(Provider::discover(
                &config,
                client_secret(secrets, &config)?,
            )?),
        };
        provider.revoke(&refresh_token)
    }

    /// Where the box stands, without a network call (the keyring may be asked).
    pub fn state(&self, account: &Account, secrets: &Secrets) -> Result<SessionState, OidcError> {
        let config = config_of(account)?;
        let session = self.session(account);
        let session = lock(&session);
        let same_settings = session.config.as_ref() == Some(&config);
        if same_settings
            && session
                .access
                .as_ref()
                .is_some_and(|access| access.fresh_at(Instant::now()))
        {
            return Ok(SessionState::Active);
        }
        let refreshable = match config.refresh_token {
            RefreshTokenStore::Memory => same_settings && session.refresh.is_some(),
            RefreshTokenStore::Keyring => secrets
                .find(&account.name, SecretKind::RefreshToken)?
                .is_some(),
        };
        Ok(if refreshable {
            SessionState::Refreshable
        } else {
            SessionState::SignedOut
        })
    }

    /// Who is signed in on the box, as the last sign-in of this process verified.
    pub fn identity(&self, account: &Account) -> Option<Identity> {
        let session = self.session(account);
        let session = lock(&session);
        session.identity.clone()
    }

    fn keep_refresh_token(
        &self,
        session: &mut BoxSession,
        account: &Account,
        secrets: &Secrets,
        config: &OidcConfig,
        refresh: Option<Secret>,
    ) -> Result<(), OidcError> {
        // No new refresh token in a refresh answer means the old one stays valid.
        let Some(refresh) = refresh else {
            return Ok(());
        };
        match config.refresh_token {
            RefreshTokenStore::Memory => session.refresh = Some(refresh),
            RefreshTokenStore::Keyring => {
                secrets.set(&account.name, SecretKind::RefreshToken, &refresh)?
            }
        }
        Ok(())
    }

    fn end(
        &self,
        session: &mut BoxSession,
        account: &Account,
        secrets: &Secrets,
        config: &OidcConfig,
    ) -> Result<(), OidcError> {
        *session = BoxSession {
            config: Some(config.clone()),
            ..BoxSession::default()
        };
        // `Secrets` deletes a box's entries together. A PSC box keeps only its refresh token
        // there (the client secret belongs to the registration, under its own name), so this
        // deletes the session and, at most, what an earlier sign-in method left behind.
        match (secrets.delete_all(&account.name), config.refresh_token) {
            (Ok(()), _) => Ok(()),
            (Err(error), RefreshTokenStore::Keyring) => Err(error.into()),
            // A box kept in memory may run without a keyring at all; a refresh token left by
            // an earlier keyring setting is then out of reach anyway.
            (Err(_), RefreshTokenStore::Memory) => Ok(()),
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while a session was held leaves tokens that are still consistent (each field is
    // replaced whole), so the poison is cleared rather than spread to every later connection.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn config_of(account: &Account) -> Result<OidcConfig, OidcError> {
    match (&account.oidc, account.auth) {
        (Some(settings), AuthKind::Xoauth2) => Ok(OidcConfig {
            extra_ca: account.ca_file.clone(),
            ..settings.resolve()?
        }),
        _ => Err(OidcError::NotConfigured {
            account: account.name.clone(),
        }),
    }
}

/// The keyring name of a registration's client secret: by issuer and client id, since every box
/// signing in with the same registration shares it, and with a `#` that no box name may hold.
fn client_secret_entry(config: &OidcConfig) -> String {
    format!(
        "#oidc-client {} {}",
        config.issuer.as_str(),
        config.client_id.as_str()
    )
}

/// The client secret of a registration that has one; public clients (PKCE alone) have none.
pub(crate) fn client_secret(
    secrets: &Secrets,
    config: &OidcConfig,
) -> Result<Option<Secret>, OidcError> {
    // A client secret is the client's password (RFC 6749 §2.3.1), hence the Password kind.
    Ok(secrets.find(&client_secret_entry(config), SecretKind::Password)?)
}

/// Keeps the client secret of the registration a box signs in with, in the keyring.
pub fn store_client_secret(
    secrets: &Secrets,
    account: &Account,
    secret: &Secret,
) -> Result<(), OidcError> {
    let config = config_of(account)?;
    secrets.set(&client_secret_entry(&config), SecretKind::Password, secret)?;
    Ok(())
}

/// Removes the client secret of a box's registration from the keyring.
pub fn forget_client_secret(secrets: &Secrets, account: &Account) -> Result<(), OidcError> {
    let config = config_of(account)?;
    secrets.delete_all(&client_secret_entry(&config))?;
    Ok(())
}
