//! New messages, replies and forwards: the composers the root holds, their completion from the directory, and what they ask for.

use super::*;
use crate::ui::trust::TrustDialog;

impl Pli {
    pub(super) fn update_composer(&mut self, id: u64, message: composer::Message) -> Task<Message> {
        let preferences = &self.preferences;
        let signatures = |account: &str| preferences.signature(account).to_string();
        let Some(composer) = self.composers.iter_mut().find(|c| c.id() == id) else {
            return Task::none();
        };
        if let composer::Message::Sent(Err(composer::NotQueued::Checked(check))) = message {
            // Held by the rules of the trust space, or notices to see before it leaves.
            composer.review(TrustDialog::new(self.i18n.clone(), check));
            return Task::none();
        }
        let typed = match &message {
            composer::Message::To(value) | composer::Message::Cc(value) => Some(value.clone()),
            _ => None,
        };
        let action = composer.update(
            message,
            &self.accounts,
            &signatures,
            self.candidates.merged(),
        );
        if let (Some(typed), composer::Action::None) = (typed, &action) {
            // The directory is asked once the typing rests, off the UI thread.
            let ticket = self.candidates.lookups.take();
            let partial = composer::partial(&typed).to_string();
            if partial.trim().chars().count() >= 2 {
                return after(
                    DIRECTORY_DELAY,
                    Message::Completion(Completion::Lookup(ticket, partial)),
                );
            }
        }
        match action {
            composer::Action::None => Task::none(),
            composer::Action::Send(outgoing) => {
                let Some(account) = self.accounts.iter().find(|a| a.name == composer.from()) else {
                    return Task::none();
                };
                let unqualified_identity_confirmed = outgoing
                    .document
                    .as_ref()
                    .is_some_and(|form| form.unqualified_identity_confirmed());
                let documents = match outgoing.document.map(|form| form.documents(&self.i18n)) {
                    None => Vec::new(),
                    Some(Ok(documents)) => documents,
                    Some(Err(issues)) => {
                        let refused = composer::NotQueued::Blocked { issues };
                        return Task::done(Message::Composer(
                            id,
                            composer::Message::Sent(Err(refused)),
                        ));
                    }
                };
                let request = SendRequest {
                    account: account.clone(),
                    draft: outgoing.draft,
                    profile: self.profile.clone(),
                    outside_confirmed: outgoing.outside_confirmed,
                    notices_seen: outgoing.notices_seen,
                    patients_confirmed: outgoing.patients_confirmed,
                    closes_conversation: outgoing.closes_conversation,
                    unqualified_identity_confirmed,
                    demo: self.demo,
                    documents,
                };
                composer::send_task(request, self.i18n.clone())
                    .map(move |result| Message::Composer(id, composer::Message::Sent(result)))
            }
            composer::Action::PickDocument => {
                let i18n = self.i18n.clone();
                Task::perform(composer::pick_document(), move |result| {
                    let result = result.map_err(|detail| {
                        i18n.t_args("composer-attach-failed", args!["detail" => detail])
                    });
                    Message::Composer(id, composer::Message::DocumentPicked(result))
                })
            }
            composer::Action::PickAttachments => {
                let i18n = self.i18n.clone();
                Task::perform(composer::pick_attachments(), move |result| {
                    let result = result.map_err(|detail| {
                        i18n.t_args("composer-attach-failed", args!["detail" => detail])
                    });
                    Message::Composer(id, composer::Message::Attached(result))
                })
            }
            composer::Action::Discard => {
                let removed = self.remove_draft(id);
                self.composers.retain(|c| c.id() != id);
                self.screen = Screen::Mail;
                removed
            }
            composer::Action::Back => {
                self.screen = Screen::Mail;
                if composer.has_content() {
                    return self.save_draft(id);
                }
                Task::none()
            }
            composer::Action::Save => self.save_draft(id),
            composer::Action::CheckIdentity(ins) => {
                self.identity_for = Some(id);
                let _ = self
                    .patient
                    .update(patient::Message::Matricule(ins.grouped()));
                self.open_patient()
            }
            composer::Action::Done(outcome) => {
                let answers = composer.answers().cloned();
                let forwards = composer.forwards().cloned();
                let from = composer.from().to_string();
                // Marked before the pass below, which carries the mark to the server.
                if let (Some(reference), Some(store)) = (forwards, self.store.as_mut()) {
                    if let Err(error) = pli_core::usecase::handling::mark_forwarded(
                        store,
                        &reference.account,
                        &reference.folder,
                        reference.uid,
                    ) {
                        tracing::warn!(%error, "a forward could not be marked $Forwarded");
                    }
                }
                // Sent: its draft leaves the Drafts folder with the worker's next pass.
                let _ = self.remove_draft(id);
                self.composers.retain(|c| c.id() != id);
                // The copy in Sent shows after the box's next pass.
                if let Some(worker) = self.workers.get(&from) {
                    worker.sync_now();
                }
                if self.screen == Screen::Composer(id) {
                    self.screen = Screen::Mail;
                }
                let answered = match answers {
                    Some(reference) => self.set_flag(&reference, Flags::ANSWERED, true),
                    None => Task::none(),
                };
                self.banner = Some(match outcome {
                    SendOutcome::Sent => Banner::Done(self.i18n.t("send-done")),
                    SendOutcome::Waiting(reason) => {
                        Banner::Problem(self.i18n.t_args("send-waiting", args!["reason" => reason]))
                    }
                });
                answered
            }
        }
    }

    pub(super) fn next_id(&mut self) -> u64 {
        let id = self.next_composer;
        self.next_composer += 1;
        id
    }

    /// Opens a composer on screen.
    pub(super) fn show_composer(
        &mut self,
        composer: Composer,
        focus: &'static str,
    ) -> Task<Message> {
        let id = composer.id();
        self.composers.push(composer);
        self.screen = Screen::Composer(id);
        iced::widget::operation::focus(focus)
    }

    pub(super) fn new_message(&mut self) -> Task<Message> {
        self.new_message_to(String::new())
    }

    /// A new message from the box in view (or the first), addressed to `to` when it is set.
    pub(super) fn new_message_to(&mut self, to: String) -> Task<Message> {
        // In a pharmacy's "Ordonnances" the pharmacy writes, not the box listed before.
        let in_prescriptions = self.prescriptions.as_ref().and_then(|found| {
            self.accounts
                .iter()
                .find(|account| account.name == found.account())
        });
        let Some(account) = in_prescriptions
            .or(self.message_list.current_account())
            .or(self.accounts.first())
            .cloned()
        else {
            return Task::none();
        };
        let id = self.next_id();
        let signature = self.preferences.signature(&account.name).to_string();
        let composer = Composer::new(id, &account, &signature);
        if to.is_empty() {
            return self.show_composer(composer, composer::field::TO);
        }
        self.show_composer(composer.addressed_to(&to), composer::field::SUBJECT)
    }

    /// The message being read, as the original of an answer, and the box it belongs to.
    pub(super) fn answering(&self) -> Option<(&reader::Opened, Original<'_>, &Account)> {
        let opened = self.reader.opened()?;
        let original = Original::of(opened)?;
        let account = self
            .accounts
            .iter()
            .find(|a| a.name == opened.reference.account)?;
        Some((opened, original, account))
    }

    pub(super) fn reply(&mut self, all: bool) -> Task<Message> {
        let Some((_, original, account)) = self.answering() else {
            return Task::none();
        };
        let id = self.next_composer;
        let composer = Composer::reply(
            id,
            &original,
            all,
            account,
            // Only the replying box leaves the copies: another box of this workstation is
            // another person (the nursing home's secretariat beside the doctor).
            std::slice::from_ref(&account.address),
            self.preferences.signature(&account.name),
            &self.i18n,
        );
        self.next_composer += 1;
        self.show_composer(composer, composer::field::BODY)
    }

    pub(super) fn forward(&mut self) -> Task<Message> {
        let Some((opened, original, account)) = self.answering() else {
            return Task::none();
        };
        let raw = self
            .store
            .as_ref()
            .and_then(|store| {
                store
                    .raw(opened.reference.folder.id, opened.reference.uid)
                    .ok()
            })
            .flatten()
            .unwrap_or_default();
        let attachments = original
            .content
            .attachments
            .iter()
            .filter_map(|info| reader::attachment(&raw, info.index))
            .collect();
        let id = self.next_composer;
        let composer = Composer::forward(
            id,
            &original,
            attachments,
            account,
            self.preferences.signature(&account.name),
            &self.i18n,
        );
        self.next_composer += 1;
        self.show_composer(composer, composer::field::TO)
    }
}
