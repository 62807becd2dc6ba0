//! The body of a message the reader opens before the background fetched it: asked of the box's
//! worker, whose connection fetches it into the store (the window never opens its own).

use tokio::sync::mpsc;

use crate::mail::store::Folder;
use crate::mail::worker::{BodyError, BodyRequest, Command};

/// Asks the worker of the box for the whole message `uid` of `folder` and waits for its answer;
/// on `Ok` the store holds it. A worker that is offline answers at once
/// ([`BodyError::NotConnected`]) rather than when it reconnects.
pub async fn fetch(
    worker: &mpsc::Sender<Command>,
    folder: Folder,
    uid: u32,
) -> Result<(), BodyError> {
    let (request, answer) = BodyRequest::new(folder, uid);
    worker
        .send(Command::FetchBody(request))
        .await
        .map_err(|_| BodyError::Stopped)?;
    answer.await.unwrap_or(Err(BodyError::Stopped))
}
