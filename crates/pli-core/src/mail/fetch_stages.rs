//! Batches of a large `UID FETCH` read on one thread and handed on to the threads that parse
//! and write them, each stage working on its own batch: the envelopes' sync and the offline
//! copy both fetch tens of thousands of messages this way. The server answers the next batch
//! while this one is handed on, so that it never waits for the store.

use std::sync::mpsc::SyncSender;

use async_imap::types::Fetch;
use futures::TryStreamExt;

use super::imap::{uid_set, ImapSession};
use super::sync::SyncError;

/// The runtime's handle when it is multi-threaded: only there may a task block its thread
/// (`tokio::task::block_in_place`) for the stages' threads.
pub(crate) fn multi_threaded() -> Option<tokio::runtime::Handle> {
    tokio::runtime::Handle::try_current()
        .ok()
        .filter(|handle| handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread)
}

/// Runs CPU-bound work (parsing, PDFs) without stalling the other tasks of a multi-threaded
/// runtime; on a single-threaded one it simply runs.
pub(crate) fn blocking<T>(work: impl FnOnce() -> T) -> T {
    match multi_threaded() {
        Some(_) => tokio::task::block_in_place(work),
        None => work(),
    }
}

/// The whole answer to one `UID FETCH` of `query` for `uids`.
pub(crate) async fn fetch_whole(
    session: &mut ImapSession,
    uids: &[u32],
    query: &str,
) -> Result<Vec<Fetch>, SyncError> {
    Ok(session
        .uid_fetch(uid_set(uids), query)
        .await?
        .try_collect()
        .await?)
}

/// Fetches `query` for each batch of UIDs, in order, and sends each answer, `digest`ed, to
/// the next stage. Blocks this thread (call it from `block_in_place`, with the runtime's
/// handle). Each batch is asked for before the one before is digested and handed on. Returns
/// when every batch was sent, at the first failed fetch (what was read before it has been
/// sent), or when the next stage stopped taking batches (its own error is the one to report).
pub(crate) fn read_and_hand_on<B, T>(
    handle: &tokio::runtime::Handle,
    session: &mut ImapSession,
    batches: impl IntoIterator<Item = B>,
    query: &str,
    digest: impl Fn(Vec<Fetch>) -> T,
    next: SyncSender<T>,
) -> Result<(), SyncError>
where
    B: AsRef<[u32]>,
{
    handle.block_on(async {
        let mut fetched: Option<Vec<Fetch>> = None;
        for batch in batches {
            let asked = session.uid_fetch(uid_set(batch.as_ref()), query).await;
            if let Some(fetches) = fetched.take() {
                if next.send(digest(fetches)).is_err() {
                    return Ok(());
                }
            }
            fetched = Some(asked?.try_collect().await?);
        }
        if let Some(fetches) = fetched {
            let _ = next.send(digest(fetches));
        }
        Ok(())
    })
}
