//! How the faces reach the store without knowing where it lives or how it is opened: the
//! profile's store, and reads on a connection of their own, off the async threads, so a window
//! never waits for SQLite (or for a worker's transaction) while it draws.

use std::path::PathBuf;

use rusqlite::params;

use super::{Result, Store, StoreError};
use crate::profile::Profile;

/// Someone a message of the store came from, for completing an address being typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownCorrespondent {
    pub name: String,
    pub address: String,
}

impl Store {
    /// The senders of the stored messages, the most recently heard from first, one per address
    /// (whatever its case), at most `limit` of them.
    pub fn recent_correspondents(&self, limit: usize) -> Result<Vec<KnownCorrespondent>> {
        let mut statement = self.connection.prepare_cached(
            "SELECT from_name, from_address FROM message
             WHERE from_address != ''
             GROUP BY lower(from_address)
             ORDER BY max(date) DESC
             LIMIT ?1",
        )?;
        let rows = statement
            .query_map(params![limit as i64], |row| {
                Ok(KnownCorrespondent {
                    name: row.get(0)?,
                    address: row.get(1)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}

/// The store of a profile, created or migrated on the way.
pub fn open_profile_store(profile: &Profile) -> Result<Store> {
    Store::open(&profile.store_file())
}

/// Runs `read` on a connection of its own to the store at `path`, on a thread where blocking is
/// allowed. A reader that panics gives [`StoreError::Interrupted`], never a panic of the caller.
pub async fn read_apart<T, F>(path: PathBuf, read: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce(&Store) -> Result<T> + Send + 'static,
{
    tokio::task::spawn_blocking(move || read(&Store::open(&path)?))
        .await
        .unwrap_or_else(|error| Err(StoreError::Interrupted(error.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::store::Envelope;

    fn from(name: &str, address: &str, date: i64, uid: u32) -> Envelope {
        Envelope {
            uid,
            date,
            from_name: name.into(),
            from_address: address.into(),
            ..Default::default()
        }
    }

    #[test]
    fn correspondents_come_newest_first_once_per_address_whatever_its_case() {
        let mut store = Store::in_memory().unwrap();
        let inbox = store.upsert_folder("cabinet", "INBOX", None).unwrap();
        store
            .insert_envelopes(
                inbox.id,
                &[
                    from("Dr Hélène Noël", "helene.noel@ch-test.mssante.fr", 100, 1),
                    from("Laboratoire", "resultats@labo.mssante.fr", 200, 2),
                    from("Hélène Noël", "Helene.Noel@ch-test.mssante.fr", 300, 3),
                    from("", "", 400, 4),
                ],
            )
            .unwrap();
        let known = store.recent_correspondents(10).unwrap();
        let addresses: Vec<String> = known
            .iter()
            .map(|known| known.address.to_lowercase())
            .collect();
        assert_eq!(
            addresses,
            [
                "helene.noel@ch-test.mssante.fr",
                "resultats@labo.mssante.fr"
            ]
        );
        assert_eq!(store.recent_correspondents(1).unwrap().len(), 1);
    }

    #[test]
    fn a_read_apart_sees_what_another_connection_wrote() {
        let folder = tempfile::tempdir().unwrap();
        let profile = Profile::at(folder.path());
        let store = open_profile_store(&profile).unwrap();
        store.upsert_folder("cabinet", "INBOX", None).unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let folders = runtime
            .block_on(read_apart(profile.store_file(), |store| {
                store.folders("cabinet")
            }))
            .unwrap();
        assert_eq!(folders.len(), 1);
        let interrupted = runtime.block_on(read_apart(profile.store_file(), |_| -> Result<()> {
            panic!("a reader that fails hard")
        }));
        assert!(matches!(interrupted, Err(StoreError::Interrupted(_))));
    }
}
