//! The one way a box's credentials are read from the keyring: the window's worker, the window's
//! sends and the command line all come here, so a Pro Santé Connect box gets its refreshed
//! session token wherever it connects.

use crate::mail::account::Account;
use crate::mail::connect::{ConnectError, Credentials};
use crate::mail::secrets::Secrets;

/// The credentials of a saved box, from the keyring the profile files its secrets under
/// (`Profile::keyring_service`). Blocks: the keyring, and a Pro Santé Connect refresh, wait on
/// other processes and the network.
pub fn load_blocking(
    account: &Account,
    keyring_service: &str,
) -> Result<Credentials, ConnectError> {
    let secrets = Secrets::os(keyring_service)?;
    Credentials::load(account, &secrets)
}

/// [`load_blocking`] on a blocking thread, for async callers.
pub async fn load(account: &Account, keyring_service: &str) -> Result<Credentials, ConnectError> {
    let account = account.clone();
    let keyring_service = keyring_service.to_string();
    tokio::task::spawn_blocking(move || load_blocking(&account, &keyring_service))
        .await
        .unwrap_or_else(|error| Err(ConnectError::Config(error.to_string())))
}
