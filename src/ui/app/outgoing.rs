//! What the window does with the messages that leave a box other than by "Envoyer": the read
//! receipts the reader sends (RFC 8098) and the drafts (saved in the store, copied to the
//! server's Drafts folder, reopened from there, back after a restart). Kept apart from `app.rs`
//! so that the root stays a dispatcher.

use iced::Task;

use super::{composer, reader, Banner, Composer, Message, MessageRef, Pli, Screen};
use crate::args;
use crate::messages::Localize;
use pli_core::mail::drafts;

impl Pli {
    /// The drafts saved before the window closed come back as messages in progress.
    pub(super) fn restore_drafts(&mut self) {
        let Some(store) = self.store.as_ref() else {
            return;
        };
        let saved: Vec<_> = self
            .accounts
            .iter()
            .flat_map(|account| {
                let drafts = store.drafts(&account.name).unwrap_or_default();
                drafts
                    .into_iter()
                    .map(move |draft| (account.clone(), draft))
            })
            .collect();
        for (account, draft) in saved {
            let id = self.next_id();
            self.composers.push(Composer::from_draft(
                id,
                &account,
                &draft.raw,
                Some(draft.id),
            ));
        }
    }

    /// Saves the composer's draft in the store and queues its copy for the server's Drafts
    /// folder (issue 4).
    pub(super) fn save_draft(&mut self, id: u64) -> Task<Message> {
        let (Some(composer), Some(store)) = (
            self.composers.iter_mut().find(|c| c.id() == id),
            self.store.as_ref(),
        ) else {
            return Task::none();
        };
        let Some(account) = self.accounts.iter().find(|a| a.name == composer.from()) else {
            return Task::none();
        };
        match drafts::save(
            store,
            account,
            &composer.draft(account),
            composer.draft_id(),
        ) {
            Ok((draft_id, _)) => composer.draft_saved(draft_id),
            Err(error) => {
                composer.draft_not_saved(
                    self.i18n
                        .t_args("draft-save-failed", args!["detail" => error.to_string()]),
                );
                return Task::none();
            }
        }
        let account = account.name.clone();
        self.replay_later(&account)
    }

    /// The composer's draft, if saved, leaves the store and the server (sent or thrown away).
    pub(super) fn remove_draft(&mut self, id: u64) -> Task<Message> {
        let Some((draft_id, account)) = self
            .composer(id)
            .and_then(|c| c.draft_id().map(|draft| (draft, c.from().to_string())))
        else {
            return Task::none();
        };
        if let Some(Err(error)) = self.store.as_ref().map(|s| s.remove_draft(draft_id)) {
            self.banner = Some(Banner::Problem(error.localize(&self.i18n)));
        }
        self.replay_later(&account)
    }

    /// A message of the Drafts folder opens in the composer, tied to its local draft so a new
    /// save replaces the server's copy.
    pub(super) fn resume_server_draft(
        &mut self,
        reference: &MessageRef,
        raw: &[u8],
    ) -> Task<Message> {
        let (Some(store), Some(account)) = (
            self.store.as_ref(),
            self.accounts.iter().find(|a| a.name == reference.account),
        ) else {
            return Task::none();
        };
        let message_id = store
            .envelope(reference.folder.id, reference.uid)
            .ok()
            .flatten()
            .and_then(|envelope| envelope.message_id);
        let draft_id = message_id.as_deref().and_then(|message_id| {
            match store.draft_by_message_id(&account.name, message_id) {
                Ok(Some(draft)) => Some(draft.id),
                _ => store
                    .save_draft(&account.name, None, message_id, raw, Some(message_id))
                    .ok(),
            }
        });
        if let Some(open) = self
            .composers
            .iter()
            .find(|c| draft_id.is_some() && c.draft_id() == draft_id)
        {
            self.screen = Screen::Composer(open.id());
            return Task::none();
        }
        let account = account.clone();
        let id = self.next_id();
        let composer = Composer::from_draft(id, &account, raw, draft_id);
        self.reader.close();
        self.show_composer(composer, composer::field::BODY)
    }

    /// Queues the read receipt for the message in the reader and sends it (RFC 8098); the
    /// reader says how it went.
    pub(super) fn send_read_receipt(&mut self, to: Vec<String>) -> Task<Message> {
        let Some(opened) = self.reader.opened() else {
            return Task::none();
        };
        let Some(account) = self
            .accounts
            .iter()
            .find(|a| a.name == opened.reference.account)
        else {
            return Task::none();
        };
        let request = composer::ReceiptRequest {
            account: account.clone(),
            profile: self.profile.clone(),
            original: opened.receipt_key(),
            original_message_id: opened.content().and_then(|c| c.message_id.clone()),
            original_subject: opened.subject(),
            to,
            folder: opened.reference.folder.name.clone(),
            uid: opened.reference.uid,
            demo: self.demo,
        };
        Task::perform(
            composer::send_read_receipt(request, self.i18n.clone()),
            |result| Message::Reader(reader::Message::AttachmentDone(result)),
        )
    }

    /// Remembers that the read receipt was declined for the message in the reader. Kept in the
    /// store like a sent one, so the question does not come back at each reading; a failure
    /// only means it will be asked again.
    pub(super) fn decline_read_receipt(&mut self) -> Task<Message> {
        let (Some(opened), Some(store)) = (self.reader.opened(), self.store.as_ref()) else {
            return Task::none();
        };
        if let Err(error) =
            store.decline_read_receipt(&opened.reference.account, &opened.receipt_key())
        {
            tracing::warn!(%error, "a declined read receipt could not be remembered");
        }
        Task::none()
    }
}
