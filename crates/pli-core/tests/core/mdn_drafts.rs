//! Read notifications and drafts against the real stack: a read receipt (RFC 8098) reaches the
//! box that asked for it and reads as a disposition notification of the original message; a
//! draft is copied once to the server's Drafts folder, replaced there by a newer save, and gone
//! once the message is sent.

use mail_parser::MessageParser;
use pli_core::mail::drafts;
use pli_core::mail::mime;
use pli_core::mail::send::{self, ReadReceipt};
use pli_core::mail::store::Store;
use pli_core::mail::sync::sync_account;
use pli_testkit::*;

async fn raw_of(user: &str, folder: &str, message_id: &str) -> Vec<u8> {
    let mut session = server_session(user).await;
    session.select(folder).await.expect("select");
    let id = message_id.trim_matches(|c| c == '<' || c == '>');
    let uid = session
        .uid_search(format!("HEADER Message-ID \"{id}\""))
        .await
        .expect("search")
        .into_iter()
        .next()
        .expect("the message is there");
    let raw = pli_core::mail::sync::fetch_raw(&mut session, uid)
        .await
        .expect("fetched")
        .expect("body");
    let _ = session.logout().await;
    raw
}

async fn messages_in(user: &str, folder: &str) -> u32 {
    let mut session = server_session(user).await;
    let mailbox = session.select(folder).await.expect("select");
    let _ = session.logout().await;
    mailbox.exists
}

#[test]
fn eco_3_1_6_a_read_receipt_reaches_the_requester_as_an_rfc_8098_notification() {
    let asker = dedicated_user("mdn-asker");
    let reader = dedicated_user("mdn-reader");
    empty_mailbox(&asker);
    empty_mailbox(&reader);
    let runtime = runtime();
    let trust_list = trust_list();
    let product = product();

    // The asker writes with a read notification requested.
    let (asker_account, asker_credentials) = box_of(&asker);
    let mut asker_store = Store::in_memory().expect("store");
    let mut message = draft(&asker, &reader, "Compte rendu de consultation");
    message.delivery_notification = false;
    let (_, original, _) = send::queue(
        &asker_store,
        &asker_account,
        &message,
        &policy(&trust_list, &product),
    )
    .expect("queued");
    runtime
        .block_on(send::flush_outbox(
            &asker_account,
            &asker_credentials,
            &mut asker_store,
        ))
        .expect("sent");
    assert_eq!(runtime.block_on(wait_for_copies(&reader, &original, 1)), 1);

    // The reader acknowledges it, twice: one receipt only.
    let (reader_account, reader_credentials) = box_of(&reader);
    let mut reader_store = Store::in_memory().expect("store");
    let to = vec![asker.clone()];
    let receipt = ReadReceipt {
        original: &original,
        original_message_id: Some(&original),
        original_subject: "Compte rendu de consultation",
        to: &to,
    };
    let (_, receipt_id) = send::read_receipt(
        &reader_store,
        &reader_account,
        &receipt,
        &policy(&trust_list, &product),
    )
    .expect("queued")
    .expect("a first receipt");
    assert_eq!(
        send::read_receipt(
            &reader_store,
            &reader_account,
            &receipt,
            &policy(&trust_list, &product)
        )
        .expect("checked"),
        None
    );
    let report = runtime
        .block_on(send::flush_outbox(
            &reader_account,
            &reader_credentials,
            &mut reader_store,
        ))
        .expect("receipt sent");
    assert_eq!(report.submitted, 1);
    assert_eq!(
        runtime.block_on(wait_for_copies(&asker, &receipt_id, 1)),
        1,
        "the receipt reached the asker once"
    );

    let raw = runtime.block_on(raw_of(&asker, "INBOX", &receipt_id));
    let read_back = mime::read_message(&raw);
    let Some(mime::Report::Disposition(fields)) = &read_back.report else {
        panic!("a disposition notification: {read_back:?}");
    };
    assert_eq!(
        fields
            .original_message_id
            .as_deref()
            .map(|id| format!("<{id}>")),
        Some(original.to_string())
    );
    assert_eq!(
        fields.disposition.as_deref(),
        Some("manual-action/MDN-sent-manually; displayed")
    );
    assert_eq!(fields.final_recipient.as_deref(), Some(reader.as_str()));
    let parsed = MessageParser::default().parse(&raw).expect("parsed");
    assert!(parsed.body_text(0).expect("a sentence").contains("affiché"));
    // The send is traced like any other, by Message-ID, without the text.
    let trace = reader_store.trace_since(None).expect("trace");
    assert!(trace
        .iter()
        .any(|line| line.action == "send" && line.request.contains(&receipt_id) && line.ok));
    assert!(trace
        .iter()
        .all(|line| !line.request.contains("Compte rendu")));
}

#[test]
fn a_draft_is_in_drafts_once_replaced_on_save_and_gone_after_send() {
    let user = dedicated_user("drafts");
    let colleague = dedicated_user("drafts-to");
    empty_mailbox(&user);
    empty_mailbox(&colleague);
    let runtime = runtime();
    let (account, credentials) = box_of(&user);
    let folder = tempfile::tempdir().expect("temp");
    let path = folder.path().join("store.sqlite");
    let sync = |store: &mut Store| {
        runtime
            .block_on(sync_account(&account, &credentials, store, &mut |_| {}))
            .expect("synced")
    };

    let mut message = draft(&user, &colleague, "Brouillon de courrier");
    message.to.clear();
    let (id, first) = {
        let mut store = Store::open(&path).expect("store");
        sync(&mut store);
        drafts::save(&store, &account, &message, None).expect("saved")
    };
    // A restart: the draft is still there, and the next pass copies it to the server.
    let mut store = Store::open(&path).expect("store reopened");
    assert_eq!(store.drafts(&account.name).expect("drafts").len(), 1);
    sync(&mut store);
    sync(&mut store);
    assert_eq!(runtime.block_on(copies_of(&user, "Drafts", &first)), 1);
    assert_eq!(runtime.block_on(messages_in(&user, "Drafts")), 1);

    // A newer save replaces the older copy.
    message.to = vec![colleague.clone()];
    message.body.push_str("\nPS : résultats joints.");
    let (same, second) = drafts::save(&store, &account, &message, Some(id)).expect("saved");
    assert_eq!(same, id);
    sync(&mut store);
    assert_eq!(runtime.block_on(copies_of(&user, "Drafts", &second)), 1);
    assert_eq!(runtime.block_on(copies_of(&user, "Drafts", &first)), 0);
    assert_eq!(runtime.block_on(messages_in(&user, "Drafts")), 1);
    let saved = runtime.block_on(raw_of(&user, "Drafts", &second));
    assert!(String::from_utf8_lossy(&saved).contains("Brouillon de courrier"));

    // Sent: it reaches the colleague and leaves Drafts.
    let (_, sent_id, _) = send::queue(
        &store,
        &account,
        &message,
        &policy(&trust_list(), &product()),
    )
    .expect("queued");
    store.remove_draft(id).expect("removed");
    runtime
        .block_on(send::flush_outbox(&account, &credentials, &mut store))
        .expect("sent");
    sync(&mut store);
    assert_eq!(
        runtime.block_on(wait_for_copies(&colleague, &sent_id, 1)),
        1
    );
    assert_eq!(runtime.block_on(messages_in(&user, "Drafts")), 0);
    assert!(store.draft(id).expect("store").is_none(), "forgotten");
    let trace = store.trace_since(None).expect("trace");
    assert!(
        trace.iter().filter(|line| line.action == "draft").count() >= 3,
        "append, replace, remove are traced"
    );
}
