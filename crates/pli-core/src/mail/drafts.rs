//! Drafts: saved in the store at once (they survive a restart), then copied to the server's
//! Drafts folder (SPECIAL-USE `\Drafts`) through the offline-action queue. Each save gets a
//! fresh Message-ID; the replay appends the newest copy once (looked for by Message-ID first, so
//! a replay cut short never leaves two) and deletes and expunges the copy it replaces. Sending or
//! throwing a draft away removes its copy the same way.

use futures::TryStreamExt;

use super::account::Account;
use super::imap::ImapSession;
use super::send::{self, Draft, SendError};
use super::store::{Role, Store, StoreError, TraceAction};

/// The name of the Drafts folder when the server did not mark one.
pub const DEFAULT_DRAFTS: &str = "Drafts";

/// The delivery notification is asked of the SMTP server (DSN), not written in the message: a
/// saved draft carries the choice in this header of its own, which sending never writes.
pub const DELIVERY_NOTIFICATION_HEADER: &str = "X-Pli-Delivery-Notification";

/// Whether a saved draft asked for a delivery notification.
pub fn asks_delivery_notification(raw: &[u8]) -> bool {
    mail_parser::MessageParser::default()
        .parse_headers(raw)
        .and_then(|message| {
            message
                .header(DELIVERY_NOTIFICATION_HEADER)
                .and_then(|value| value.as_text().map(|text| text.trim() == "yes"))
        })
        .unwrap_or(false)
}

/// Saves a draft (a new one when `id` is `None`) and queues its copy for the server; returns
/// its id and the Message-ID of this save.
pub fn save(
    store: &Store,
    account: &Account,
    draft: &Draft,
    id: Option<i64>,
) -> Result<(i64, String), SendError> {
    let mut kept = draft.clone();
    if draft.delivery_notification {
        kept.extra_headers
            .push((DELIVERY_NOTIFICATION_HEADER.to_string(), "yes".to_string()));
    }
    let (message_id, raw) = send::build_unchecked(&kept)?;
    // Written from another box now: the old box's copy goes, the new box gets its own draft.
    let id = match id {
        Some(id) => match store.draft(id)? {
            Some(saved) if saved.account != account.name => {
                store.remove_draft(id)?;
                None
            }
            _ => Some(id),
        },
        None => None,
    };
    let id = store.save_draft(&account.name, id, &message_id, &raw, None)?;
    Ok((id, message_id))
}

#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    #[error("the server refused a draft action: {0}")]
    Imap(#[from] async_imap::error::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Brings the server's Drafts folder in line with the local draft `id`: its last save there
/// once, the copies it replaced gone; when the draft was sent or thrown away, every copy gone
/// and the draft forgotten. Each step is traced; running it twice changes nothing.
pub async fn replay(
    session: &mut ImapSession,
    store: &mut Store,
    account: &str,
    id: i64,
) -> Result<(), DraftError> {
    let Some(draft) = store.draft(id)? else {
        return Ok(());
    };
    let folder = store
        .folder_with_role(account, Role::Drafts)?
        .map(|folder| folder.name)
        .unwrap_or_else(|| DEFAULT_DRAFTS.to_string());
    session.select(&folder).await?;
    if !draft.removed && find(session, &draft.message_id).await?.is_empty() {
        session
            .append(&folder, Some("(\\Draft \\Seen)"), None, &draft.raw)
            .await?;
        store.trace(
            account,
            TraceAction::Draft,
            &format!("APPEND {folder} {}", draft.message_id),
            "OK",
            true,
        )?;
    }
    let mut stale: Vec<&str> = draft.on_server.iter().map(String::as_str).collect();
    if draft.removed {
        stale.push(&draft.message_id);
    }
    stale.retain(|old| draft.removed || *old != draft.message_id);
    stale.dedup();
    for old in stale {
        let uids = find(session, old).await?;
        if uids.is_empty() {
            continue;
        }
        let set = super::imap::uid_set(&uids);
        session
            .uid_store(&set, "+FLAGS.SILENT (\\Deleted)")
            .await?
            .try_collect::<Vec<_>>()
            .await?;
        session
            .uid_expunge(&set)
            .await?
            .try_collect::<Vec<_>>()
            .await?;
        store.trace(
            account,
            TraceAction::Draft,
            &format!("UID STORE {set} +FLAGS (\\Deleted) + UID EXPUNGE in {folder} {old}"),
            "OK",
            true,
        )?;
    }
    if draft.removed {
        store.forget_draft(id)?;
    } else {
        store.draft_on_server(id, &draft.message_id)?;
    }
    Ok(())
}

async fn find(session: &mut ImapSession, message_id: &str) -> Result<Vec<u32>, DraftError> {
    let id = message_id.trim_matches(|c| c == '<' || c == '>');
    let mut uids: Vec<u32> = session
        .uid_search(format!("HEADER Message-ID \"{id}\""))
        .await?
        .into_iter()
        .collect();
    uids.sort_unstable();
    Ok(uids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_moved_to_another_box_leaves_the_first_one() {
        let store = Store::in_memory().unwrap();
        let doctor = crate::mail::account::example_doctor();
        let mut ehpad = doctor.clone();
        ehpad.name = "ehpad".into();
        ehpad.address = "accueil@ehpad-test.mssante.fr".into();
        let mut draft = Draft {
            from: doctor.address.clone(),
            subject: "Transmission".into(),
            ..Draft::default()
        };
        let (first, _) = save(&store, &doctor, &draft, None).unwrap();
        assert_eq!(save(&store, &doctor, &draft, Some(first)).unwrap().0, first);
        draft.from = ehpad.address.clone();
        let (second, _) = save(&store, &ehpad, &draft, Some(first)).unwrap();
        assert_ne!(second, first);
        assert!(store.draft(first).unwrap().unwrap().removed);
        assert_eq!(store.drafts("ehpad").unwrap().len(), 1);
        assert!(store.drafts("cabinet").unwrap().is_empty());
    }

    #[test]
    fn a_saved_draft_keeps_the_delivery_notification_and_sending_never_writes_it() {
        let store = Store::in_memory().unwrap();
        let doctor = crate::mail::account::example_doctor();
        let draft = Draft {
            from: doctor.address.clone(),
            to: vec!["helene.noel@ch-test.mssante.fr".into()],
            subject: "Compte rendu".into(),
            delivery_notification: true,
            ..Draft::default()
        };
        let (id, _) = save(&store, &doctor, &draft, None).unwrap();
        let saved = store.draft(id).unwrap().unwrap();
        assert!(asks_delivery_notification(&saved.raw));

        let (_, sent) = send::build_unchecked(&draft).unwrap();
        assert!(!String::from_utf8_lossy(&sent).contains(DELIVERY_NOTIFICATION_HEADER));
        let plain = Draft {
            delivery_notification: false,
            ..draft
        };
        let (id, _) = save(&store, &doctor, &plain, None).unwrap();
        assert!(!asks_delivery_notification(
            &store.draft(id).unwrap().unwrap().raw
        ));
    }
}
