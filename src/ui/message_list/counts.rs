//! The counts the box list shows (each folder's unread and total, a shared box's handling
//! views), read on the spot or on a connection of their own off the UI thread.

use super::FolderEntry;
use pli_core::mail::store::{read_apart, Store, StoreError};
use pli_core::usecase::handling::HandlingCounts;

/// The folders of each box with their unread counts, as the box list shows them.
pub fn count_folders(
    store: &Store,
    accounts: &[String],
) -> Result<Vec<(String, Vec<FolderEntry>)>, StoreError> {
    accounts
        .iter()
        .map(|account| {
            let folders = store
                .folders(account)?
                .into_iter()
                .map(|folder| {
                    let unread = store.unread_count(folder.id)?;
                    let total = store.count(folder.id)?;
                    Ok(FolderEntry {
                        folder,
                        unread,
                        total,
                    })
                })
                .collect::<Result<_, StoreError>>()?;
            Ok((account.clone(), folders))
        })
        .collect()
}

/// The handling counts of the shared boxes (organisational ones) for `person`, on a
/// connection of its own, off the UI thread.
pub async fn count_handling_apart(
    store_path: std::path::PathBuf,
    shared_boxes: Vec<String>,
    person: String,
) -> Result<Vec<(String, HandlingCounts)>, String> {
    read_apart(store_path, move |store| {
        shared_boxes
            .iter()
            .map(|account| {
                Ok((
                    account.clone(),
                    pli_core::usecase::handling::handling_counts(store, account, &person)?,
                ))
            })
            .collect::<Result<Vec<_>, StoreError>>()
    })
    .await
    .map_err(|error| error.to_string())
}

/// `count_folders` on a connection of its own, off the UI thread.
pub async fn count_folders_apart(
    store_path: std::path::PathBuf,
    accounts: Vec<String>,
) -> Result<Vec<(String, Vec<FolderEntry>)>, String> {
    read_apart(store_path, move |store| count_folders(store, &accounts))
        .await
        .map_err(|error| error.to_string())
}
