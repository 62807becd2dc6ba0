//! Every secret goes through the operating system's keyring (Secret Service on Linux, Credential
//! Manager on Windows, Keychain on macOS): never a file, never a log line.
//!
//! The keyring calls block (D-Bus round trips), so async code calls them through
//! `tokio::task::spawn_blocking`.

use std::fmt;
use std::sync::Arc;

use keyring_core::{CredentialStore, Entry};

/// What a secret is for; each has its own keyring entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecretKind {
    Password,
    /// The passphrase of a PKCS#12 file or of an encrypted key.
    CertificatePassphrase,
    /// An OAuth 2 access token entered by hand or by a provisioning script.
    AccessToken,
    /// A Pro Santé Connect refresh token.
    RefreshToken,
}

impl SecretKind {
    pub const ALL: [SecretKind; 4] = [
        SecretKind::Password,
        SecretKind::CertificatePassphrase,
        SecretKind::AccessToken,
        SecretKind::RefreshToken,
    ];

    /// The secret a person types for a box that signs in with `auth`: what the keyring keeps
    /// for it, and what a connection reads back.
    pub fn typed_for(auth: super::account::AuthKind) -> Self {
        use super::account::AuthKind;
        match auth {
            AuthKind::Password => SecretKind::Password,
            AuthKind::Xoauth2 => SecretKind::AccessToken,
            AuthKind::Certificate => SecretKind::CertificatePassphrase,
        }
    }

    fn slug(self) -> &'static str {
        match self {
            SecretKind::Password => "password",
            SecretKind::CertificatePassphrase => "certificate-passphrase",
            SecretKind::AccessToken => "access-token",
            SecretKind::RefreshToken => "refresh-token",
        }
    }
}

/// A secret that belongs to the workstation rather than to one box.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WorkstationSecret {
    /// The PIN that unlocks the window after the idle time.
    LockPin,
    /// The user's own key for the Annuaire Santé FHIR API (`ESANTE-API-KEY`).
    DirectoryApiKey,
}

impl WorkstationSecret {
    fn slug(self) -> &'static str {
        match self {
            WorkstationSecret::LockPin => "lock-pin",
            WorkstationSecret::DirectoryApiKey => "directory-api-key",
        }
    }
}

/// The keyring account of the workstation's own secrets. `Account::validate` refuses `@` in a
/// box name, so no box can ever share these entries.
const WORKSTATION_ACCOUNT: &str = "@workstation";

/// Where the lock kept its PIN before it had an entry of its own: a valid box name, which a box
/// could have shared. Read once and moved, so an existing PIN keeps working.
const LEGACY_PIN_ACCOUNT: &str = "__pli_lock__";

/// A secret value that never prints itself.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("the system keyring is not available ({0}); on Linux, start a Secret Service such as GNOME Keyring or KeePassXC")]
    Unavailable(String),
    #[error("the system keyring is locked or refused access ({0}); unlock it and try again")]
    Locked(String),
    #[error("the keyring holds no {kind} for the box '{account}'")]
    Missing { account: String, kind: &'static str },
    #[error("the keyring failed: {0}")]
    Other(String),
}

/// The keyring of one profile.
#[derive(Clone)]
pub struct Secrets {
    store: Arc<CredentialStore>,
    service: String,
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Secrets")
            .field("service", &self.service)
            .finish()
    }
}

impl Secrets {
    /// The operating system's keyring.
    pub fn os(service: &str) -> Result<Self, SecretError> {
        Ok(Self {
            store: os_store()?,
            service: service.to_string(),
        })
    }

    /// Any keyring-core store; the tests use the mock store.
    #[cfg(any(test, feature = "testing"))]
    pub fn with_store(store: Arc<CredentialStore>, service: &str) -> Self {
        Self {
            store,
            service: service.to_string(),
        }
    }

    fn entry(&self, account: &str, kind: SecretKind) -> Result<Entry, SecretError> {
        Entry::new_in_store(
            &self.store,
            &self.service,
            &format!("{account}/{}", kind.slug()),
        )
        .map_err(map_error)
    }

    pub fn set(&self, account: &str, kind: SecretKind, secret: &Secret) -> Result<(), SecretError> {
        self.entry(account, kind)?
            .set_password(secret.expose())
            .map_err(map_error)
    }

    pub fn get(&self, account: &str, kind: SecretKind) -> Result<Secret, SecretError> {
        match self.entry(account, kind)?.get_password() {
            Ok(value) => Ok(Secret(value)),
            Err(keyring_core::Error::NoEntry) => Err(SecretError::Missing {
                account: account.to_string(),
                kind: kind.slug(),
            }),
            Err(error) => Err(map_error(error)),
        }
    }

    /// The secret if there is one.
    pub fn find(&self, account: &str, kind: SecretKind) -> Result<Option<Secret>, SecretError> {
        match self.get(account, kind) {
            Ok(secret) => Ok(Some(secret)),
            Err(SecretError::Missing { .. }) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Removes every secret of a box; entries that do not exist are fine.
    pub fn delete_all(&self, account: &str) -> Result<(), SecretError> {
        for kind in SecretKind::ALL {
            match self.entry(account, kind)?.delete_credential() {
                Ok(()) | Err(keyring_core::Error::NoEntry) => {}
                Err(error) => return Err(map_error(error)),
            }
        }
        Ok(())
    }
}

impl Secrets {
    fn workstation_entry(&self, which: WorkstationSecret) -> Result<Entry, SecretError> {
        Entry::new_in_store(
            &self.store,
            &self.service,
            &format!("{WORKSTATION_ACCOUNT}/{}", which.slug()),
        )
        .map_err(map_error)
    }

    pub fn set_workstation(
        &self,
        which: WorkstationSecret,
        secret: &Secret,
    ) -> Result<(), SecretError> {
        self.workstation_entry(which)?
            .set_password(secret.expose())
            .map_err(map_error)
    }

    /// The workstation's secret if there is one.
    pub fn find_workstation(
        &self,
        which: WorkstationSecret,
    ) -> Result<Option<Secret>, SecretError> {
        match self.workstation_entry(which)?.get_password() {
            Ok(value) => Ok(Some(Secret(value))),
            Err(keyring_core::Error::NoEntry) if which == WorkstationSecret::LockPin => {
                self.move_legacy_pin()
            }
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(error) => Err(map_error(error)),
        }
    }

    /// Removes the workstation's secret; a missing one is fine.
    pub fn delete_workstation(&self, which: WorkstationSecret) -> Result<(), SecretError> {
        match self.workstation_entry(which)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => {}
            Err(error) => return Err(map_error(error)),
        }
        if which == WorkstationSecret::LockPin {
            // Otherwise the next read would bring a forgotten PIN back from the old entry.
            self.delete_all(LEGACY_PIN_ACCOUNT)?;
        }
        Ok(())
    }

    fn move_legacy_pin(&self) -> Result<Option<Secret>, SecretError> {
        let Some(pin) = self.find(LEGACY_PIN_ACCOUNT, SecretKind::Password)? else {
            return Ok(None);
        };
        self.set_workstation(WorkstationSecret::LockPin, &pin)?;
        self.delete_all(LEGACY_PIN_ACCOUNT)?;
        Ok(Some(pin))
    }
}

fn map_error(error: keyring_core::Error) -> SecretError {
    match error {
        keyring_core::Error::NoStorageAccess(inner) => SecretError::Locked(inner.to_string()),
        keyring_core::Error::PlatformFailure(inner) => SecretError::Unavailable(inner.to_string()),
        other => SecretError::Other(other.to_string()),
    }
}

#[cfg(target_os = "linux")]
fn os_store() -> Result<Arc<CredentialStore>, SecretError> {
    let store = zbus_secret_service_keyring_store::Store::new().map_err(map_error)?;
    Ok(store)
}

#[cfg(target_os = "windows")]
fn os_store() -> Result<Arc<CredentialStore>, SecretError> {
    let store = windows_native_keyring_store::Store::new().map_err(map_error)?;
    Ok(store)
}

#[cfg(target_os = "macos")]
fn os_store() -> Result<Arc<CredentialStore>, SecretError> {
    let store = apple_native_keyring_store::keychain::Store::new().map_err(map_error)?;
    Ok(store)
}

#[cfg(not(any(target_os = "linux", target_os = "windows", target_os = "macos")))]
fn os_store() -> Result<Arc<CredentialStore>, SecretError> {
    Err(SecretError::Unavailable(
        "no keyring is known on this operating system".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mock() -> Secrets {
        let store: Arc<CredentialStore> = keyring_core::mock::Store::new().unwrap();
        Secrets::with_store(store, "pli:test")
    }

    #[test]
    fn a_secret_round_trips_and_is_deleted_with_its_box() {
        let secrets = mock();
        secrets
            .set("cabinet", SecretKind::Password, &Secret::new("s3cret"))
            .unwrap();
        assert_eq!(
            secrets
                .get("cabinet", SecretKind::Password)
                .unwrap()
                .expose(),
            "s3cret"
        );
        assert!(secrets
            .find("cabinet", SecretKind::AccessToken)
            .unwrap()
            .is_none());
        secrets.delete_all("cabinet").unwrap();
        assert!(matches!(
            secrets.get("cabinet", SecretKind::Password),
            Err(SecretError::Missing { .. })
        ));
    }

    #[test]
    fn workstation_secrets_live_apart_from_every_box() {
        let secrets = mock();
        let pin = Secret::new("4821");
        secrets
            .set_workstation(WorkstationSecret::LockPin, &pin)
            .unwrap();
        assert!(secrets
            .find_workstation(WorkstationSecret::DirectoryApiKey)
            .unwrap()
            .is_none());
        secrets.delete_all("workstation").unwrap();
        assert_eq!(
            secrets
                .find_workstation(WorkstationSecret::LockPin)
                .unwrap(),
            Some(pin)
        );
        secrets
            .delete_workstation(WorkstationSecret::LockPin)
            .unwrap();
        assert!(secrets
            .find_workstation(WorkstationSecret::LockPin)
            .unwrap()
            .is_none());
    }

    #[test]
    fn a_pin_kept_where_the_lock_used_to_keep_it_is_moved_and_still_unlocks() {
        let secrets = mock();
        secrets
            .set(
                LEGACY_PIN_ACCOUNT,
                SecretKind::Password,
                &Secret::new("0007"),
            )
            .unwrap();
        let found = secrets
            .find_workstation(WorkstationSecret::LockPin)
            .unwrap();
        assert_eq!(found, Some(Secret::new("0007")));
        assert!(secrets
            .find(LEGACY_PIN_ACCOUNT, SecretKind::Password)
            .unwrap()
            .is_none());
        assert_eq!(
            secrets
                .find_workstation(WorkstationSecret::LockPin)
                .unwrap(),
            Some(Secret::new("0007"))
        );
    }

    #[test]
    fn a_secret_never_prints_itself() {
        let secret = Secret::new("hunter2");
        assert!(!format!("{secret:?}").contains("hunter2"));
    }
}
