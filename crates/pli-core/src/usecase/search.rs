//! Find messages: the store's index over every copied body, attachment name, PDF text and
//! health document, and each server's own search for what is not on this computer, merged and
//! marked. The window's search field and `pli search` both come here, so they find the same.

use std::path::Path;

use crate::mail::account::Account;
use crate::mail::server_search::{self, SearchResults};
use crate::mail::store::{SearchFilter, Store};
use crate::mail::sync::SyncError;
use crate::usecase::credentials;

/// The store's matches and the servers' merged, newest first. With `keyring_service` `None`
/// no server is asked (`pli search --offline`). Blocks on the keyring when a server is asked.
pub async fn everywhere(
    store: &Store,
    accounts: &[Account],
    filter: &SearchFilter,
    keyring_service: Option<&str>,
) -> Result<SearchResults, SyncError> {
    let credentials_of = |account: &Account| {
        keyring_service.and_then(|service| credentials::load_blocking(account, service).ok())
    };
    server_search::search_everywhere(store, accounts, filter, &credentials_of).await
}

/// [`on_servers`] for a face that holds no store of its own (the window): opens the store on this
/// blocking thread and drives the servers' search on `runtime`, since the store's connection
/// cannot cross threads. Call it from a blocking thread of that runtime.
pub fn on_servers_apart(
    store_path: &Path,
    accounts: &[Account],
    filter: &SearchFilter,
    keyring_service: &str,
    runtime: &tokio::runtime::Handle,
) -> Result<SearchResults, SyncError> {
    let store = Store::open(store_path)?;
    runtime.block_on(on_servers(&store, accounts, filter, keyring_service))
}

/// Only the servers' matches among the messages whose body is not on this computer: the
/// window shows the store's matches at once ([`Store::search_filtered`]) and adds these when
/// the servers have answered. Blocks on the keyring.
pub async fn on_servers(
    store: &Store,
    accounts: &[Account],
    filter: &SearchFilter,
    keyring_service: &str,
) -> Result<SearchResults, SyncError> {
    let credentials_of =
        |account: &Account| credentials::load_blocking(account, keyring_service).ok();
    server_search::server_matches(store, accounts, filter, &credentials_of).await
}
