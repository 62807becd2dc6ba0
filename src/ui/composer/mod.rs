//! Writing a message: from any configured box, to and cc with completion from the correspondents
//! already known, a subject, a plain-text body with the box's signature, and the two receipts
//! MSSanté users ask for (delivery and read). Reply, reply-all and forward fill the fields the
//! way RFC 5322 asks (In-Reply-To, References).
//!
//! Sending is the core's use case (`pli_core::usecase::outbox::send`, the same as `pli send`): the
//! message is put in the outbox first, then handed to the server (`outbox::deliver`) in a `Task`.
//! Once queued, a message is never lost: if the server is away it waits in the outbox and leaves
//! at the next attempt.

use crate::messages::Localize;
use std::path::PathBuf;
use std::sync::Arc;

use iced::keyboard::{self, key};
use iced::widget::text_editor;
use iced::{Alignment, Element, Length, Task};
use unicode_normalization::UnicodeNormalization;

use super::correspondent::Correspondent;
use super::document_form::{self, DocumentForm};
use super::message_list::MessageRef;
use super::reader::{Opened, Person};
use super::trust::{self, TrustDialog};
use super::{markers, theme};
use crate::args;
use crate::i18n::I18n;
use pli_core::mail::account::Account;
use pli_core::mail::send::{Draft, ReadReceipt, SendError};
use pli_core::mail::store::read_apart;
use pli_core::mssante::address::SendCheck;
use pli_core::mssante::headers::subject_for_display;
use pli_core::mssante::ins::Ins;
use pli_core::profile::Profile;
use pli_core::usecase::health_document::{self, HealthDocument, HealthDocumentError};
use pli_core::usecase::outbox::{self, SendChoices};

/// Ids of the fields, for focus and the tests.
mod addresses;
mod patients;
mod sending;
mod view;
pub use addresses::*;
use addresses::{complete, signature_block};
pub use sending::*;

pub mod field {
    pub const TO: &str = "composer-to";
    pub const CC: &str = "composer-cc";
    pub const SUBJECT: &str = "composer-subject";
    pub const BODY: &str = "composer-body";
}

/// Where the fields start: the labels' width and the gap after them.
const FIELD_INDENT: f32 = LABEL_WIDTH + 8.0;
const LABEL_WIDTH: f32 = 80.0;

/// How many suggestions show under an address field.
const SUGGESTIONS: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressField {
    To,
    Cc,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Editing,
    /// The draft was saved.
    Saved,
    Sending,
    NoRecipient,
    /// Not sent and not queued: something to fix in the form.
    Problem(String),
    /// The health document's rules stop the message (see `NotQueued::Blocked`).
    Blocked {
        issues: Vec<String>,
    },
}

/// A box in the "from" list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    pub name: String,
    label: String,
    /// The name the box's messages carry (ECO.2.2.7), with its address.
    signs_as: Option<String>,
}

impl std::fmt::Display for Sender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label)
    }
}

impl Sender {
    /// The box as the From list shows it, and the name its messages carry (ECO.2.2.7, see
    /// `usecase::outbox::sender_name`) when known, so the person sees what the recipient will.
    pub fn of(account: &Account, signs_as: Option<&str>) -> Self {
        Self {
            name: account.name.clone(),
            label: format!("{} — {}", account.name, account.address),
            signs_as: signs_as.map(|name| format!("{name} <{}>", account.address)),
        }
    }
}

pub struct Composer {
    id: u64,
    /// The short name of the box the message leaves from.
    from: String,
    to: String,
    cc: String,
    subject: String,
    body: text_editor::Content,
    delivery_notification: bool,
    read_notification: bool,
    in_reply_to: Option<String>,
    references: Option<String>,
    /// (file name, content type, bytes), e.g. the attachments of a forwarded message.
    attachments: Vec<(String, String, Vec<u8>)>,
    /// The message answered, flagged \Answered once the reply has left.
    answers: Option<MessageRef>,
    /// The message forwarded, marked `$Forwarded` once the forward has left.
    forwards: Option<MessageRef>,
    status: Status,
    /// The address field typed in last: its suggestions show.
    completing: Option<AddressField>,
    /// The signature block in the body, swapped when the sender changes.
    signature: String,
    /// Close the patient conversation with this message (`X-MSS-MES: FIN`).
    closes_conversation: bool,
    /// The draft in the store this message was saved as (Ctrl+S, or on leaving with content).
    draft_id: Option<i64>,
    /// "Joindre un document de santé": the PDFs, their types and their one patient.
    document: Option<DocumentForm>,
    /// What the rules of the trust space say of the message, on screen until the person sends
    /// or goes back to the message.
    review: Option<TrustDialog>,
    /// The patients whose identity the professional confirmed (ECO.2.2.6).
    confirmed_patients: Vec<Ins>,
}

#[derive(Debug, Clone)]
pub enum Message {
    From(Sender),
    To(String),
    Cc(String),
    Subject(String),
    Body(text_editor::Action),
    DeliveryNotification(bool),
    ReadNotification(bool),
    Complete(AddressField, String),
    AcceptSuggestion(AddressField),
    RemoveAttachment(usize),
    /// "Joindre un fichier": the root opens the system's file dialog.
    Attach,
    /// "Joindre un document de santé": the root asks for a PDF.
    AttachDocument,
    /// The PDF chosen (file name, bytes), none, or why it could not be read.
    DocumentPicked(Result<Option<(String, Vec<u8>)>, String>),
    Document(document_form::Message),
    /// The files chosen, read: (file name, content type, bytes), or why they could not be.
    Attached(Result<Vec<(String, String, Vec<u8>)>, String>),
    Send,
    /// The person's answer in the trust-space dialog.
    Trust(trust::Message),
    /// "J'ai vérifié l'identité" of the patients among the recipients.
    ConfirmPatients(bool),
    /// "Vérifier l'identité" of the patient at this place among the recipients: the identity
    /// form of "Écrire à un patient", checked against the matricule.
    CheckIdentity(usize),
    CloseConversation(bool),
    Discard,
    Back,
    /// Ctrl+S: keep the draft in the store and the server's Drafts folder.
    Save,
    Sent(Result<SendOutcome, NotQueued>),
}

/// What the composer asks the root to do.
#[derive(Debug)]
pub enum Action {
    None,
    Send(Box<Outgoing>),
    /// Ask the person for files to attach (a dialog, off the UI thread).
    PickAttachments,
    /// Ask the person for the PDF of a health document.
    PickDocument,
    /// Throw the draft away.
    Discard,
    /// Back to the mail, the draft kept.
    Back,
    /// Save the draft (the root owns the store).
    Save,
    /// Check this patient's identity in the "Écrire à un patient" form, then come back.
    CheckIdentity(Ins),
    /// The message left or waits in the outbox: close the composer.
    Done(SendOutcome),
}

impl std::fmt::Debug for Composer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the text: it is health data.
        f.debug_struct("Composer")
            .field("id", &self.id)
            .field("from", &self.from)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

/// What the composer hands over to be sent.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub draft: Draft,
    pub outside_confirmed: bool,
    /// The notices about the recipients were shown and the person sent.
    pub notices_seen: bool,
    /// The professional confirmed the identity of every patient among the recipients.
    pub patients_confirmed: bool,
    pub closes_conversation: bool,
    /// A health document goes with it (checked by the root, which has the words for it).
    pub document: Option<DocumentForm>,
}

/// A message being answered or forwarded, as the reader has it.
pub struct Original<'a> {
    pub opened: &'a Opened,
    pub content: &'a super::reader::ReaderContent,
}

impl<'a> Original<'a> {
    pub fn of(opened: &'a Opened) -> Option<Self> {
        Some(Self {
            content: opened.content()?,
            opened,
        })
    }

    fn sender(&self) -> Person {
        self.content
            .from
            .first()
            .cloned()
            .unwrap_or_else(|| Person {
                name: self.opened.envelope.from_name.clone(),
                address: self.opened.envelope.from_address.clone(),
            })
    }

    fn date(&self) -> i64 {
        if self.content.date > 0 {
            self.content.date
        } else {
            self.opened.envelope.date
        }
    }
}

impl Composer {
    /// A new message from `account`, signed.
    pub fn new(id: u64, account: &Account, signature: &str) -> Self {
        let signature = signature_block(signature);
        Self {
            id,
            from: account.name.clone(),
            to: String::new(),
            cc: String::new(),
            subject: String::new(),
            body: text_editor::Content::with_text(&signature),
            delivery_notification: false,
            read_notification: false,
            in_reply_to: None,
            references: None,
            attachments: Vec::new(),
            answers: None,
            forwards: None,
            status: Status::Editing,
            completing: None,
            signature,
            closes_conversation: false,
            draft_id: None,
            document: None,
            review: None,
            confirmed_patients: Vec::new(),
        }
    }

    /// A draft read back from its message (the server's Drafts folder or the store): the
    /// fields, the text as it was (signature included), the attachments.
    pub fn from_draft(id: u64, account: &Account, raw: &[u8], draft_id: Option<i64>) -> Self {
        let content = super::reader::read(raw);
        let join = |people: &[Person]| {
            people
                .iter()
                .map(Person::mailbox)
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut composer = Self::new(id, account, "");
        composer.to = join(&content.to);
        composer.cc = join(&content.cc);
        composer.subject = content.subject.clone();
        composer.body = text_editor::Content::with_text(&content.body);
        composer.read_notification = !content.read_receipt_to.is_empty();
        composer.delivery_notification = pli_core::mail::drafts::asks_delivery_notification(raw);
        composer.in_reply_to = pli_core::mail::mime::read_message(raw)
            .in_reply_to
            .first()
            .map(|id| format!("<{id}>"));
        composer.references = content.references.clone();
        composer.attachments = content
            .attachments
            .iter()
            .filter_map(|attachment| super::reader::attachment(raw, attachment.index))
            .collect();
        composer.draft_id = draft_id;
        composer
    }

    /// The same new message, addressed to `to` (a directory hit, a contact, a patient).
    pub fn addressed_to(mut self, to: &str) -> Self {
        self.to = format!("{to}, ");
        self
    }

    /// The draft is kept in the store under `draft_id`.
    pub fn draft_saved(&mut self, draft_id: i64) {
        self.draft_id = Some(draft_id);
        self.status = Status::Saved;
    }

    /// The draft could not be kept: the sentence that says why.
    pub fn draft_not_saved(&mut self, sentence: String) {
        self.status = Status::Problem(sentence);
    }

    pub fn id(&self) -> u64 {
        self.id
    }

    /// The name of the box the message leaves from.
    pub fn from(&self) -> &str {
        &self.from
    }

    pub fn to(&self) -> &str {
        &self.to
    }

    pub fn cc(&self) -> &str {
        &self.cc
    }

    pub fn subject(&self) -> &str {
        &self.subject
    }

    pub fn status(&self) -> &Status {
        &self.status
    }

    /// (file name, content type, bytes) of each attachment.
    pub fn attachments(&self) -> &[(String, String, Vec<u8>)] {
        &self.attachments
    }

    /// The draft in the store this message is kept as, once saved.
    pub fn draft_id(&self) -> Option<i64> {
        self.draft_id
    }

    pub fn in_reply_to(&self) -> Option<&str> {
        self.in_reply_to.as_deref()
    }

    pub fn references(&self) -> Option<&str> {
        self.references.as_deref()
    }

    /// Whether the message closes the patient conversation (`X-MSS-MES: FIN`).
    pub fn closes_conversation(&self) -> bool {
        self.closes_conversation
    }

    /// The message this one answers, if it answers one.
    pub fn answers(&self) -> Option<&MessageRef> {
        self.answers.as_ref()
    }

    /// Puts a prepared answer (a pharmacy's template) at the top of the body, above the
    /// signature and the quoted message.
    pub fn start_body_with(&mut self, text: &str) {
        self.body = text_editor::Content::with_text(&format!("{text}\n{}", self.body.text()));
    }

    /// The message this one forwards, if it forwards one.
    pub fn forwards(&self) -> Option<&MessageRef> {
        self.forwards.as_ref()
    }

    /// A reply to the sender (or to everyone, less our own boxes), quoting the original.
    pub fn reply(
        id: u64,
        original: &Original<'_>,
        all: bool,
        account: &Account,
        own_addresses: &[String],
        signature: &str,
        i18n: &I18n,
    ) -> Self {
        let content = original.content;
        let to: Vec<Person> = if content.reply_to.is_empty() {
            vec![original.sender()]
        } else {
            content.reply_to.clone()
        };
        let is_own = |address: &str| {
            own_addresses
                .iter()
                .any(|own| own.eq_ignore_ascii_case(address))
        };
        let mut cc: Vec<Person> = Vec::new();
        if all {
            for person in content.to.iter().chain(&content.cc) {
                let taken = is_own(&person.address)
                    || to
                        .iter()
                        .chain(&cc)
                        .any(|p| p.address.eq_ignore_ascii_case(&person.address));
                if !taken {
                    cc.push(person.clone());
                }
            }
        }
        let join = |people: &[Person]| {
            people
                .iter()
                .map(Person::mailbox)
                .collect::<Vec<_>>()
                .join(", ")
        };
        let references = match (&content.references, &original.opened.envelope.in_reply_to) {
            (Some(references), _) => Some(references.clone()),
            (None, Some(in_reply_to)) => Some(in_reply_to.clone()),
            (None, None) => None,
        };
        let references = match (&references, &content.message_id) {
            (Some(references), Some(id)) => Some(format!("{references} {id}")),
            (None, Some(id)) => Some(id.clone()),
            (references, None) => references.clone(),
        };
        let sender = original.sender();
        let attribution = i18n.t_args(
            "composer-quote-attribution",
            args![
                "date" => super::format::full_date(original.date()),
                "name" => super::correspondent::display_name(&sender.name, &sender.address).to_string()
            ],
        );
        let quoted: String = original
            .opened
            .body_text()
            .lines()
            .map(|line| {
                if line.is_empty() {
                    ">\n".to_string()
                } else {
                    format!("> {line}\n")
                }
            })
            .collect();
        let mut composer = Self::new(id, account, signature);
        composer.to = join(&to);
        composer.cc = join(&cc);
        composer.subject = reply_subject(&content.subject);
        composer.in_reply_to = content.message_id.clone();
        composer.references = references;
        composer.answers = Some(original.opened.reference.clone());
        composer.body = text_editor::Content::with_text(&format!(
            "{}\n\n{attribution}\n{quoted}",
            composer.signature
        ));
        composer
    }

    /// A forward: the original's headers and text below, its attachments along.
    pub fn forward(
        id: u64,
        original: &Original<'_>,
        attachments: Vec<(String, String, Vec<u8>)>,
        account: &Account,
        signature: &str,
        i18n: &I18n,
    ) -> Self {
        let content = original.content;
        let people = |people: &[Person]| {
            people
                .iter()
                .map(Person::mailbox)
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut header = vec![
            i18n.t("composer-forwarded"),
            format!("{} {}", i18n.t("reader-from"), original.sender().mailbox()),
            format!(
                "{} {}",
                i18n.t("reader-date"),
                super::format::full_date(original.date())
            ),
            format!(
                "{} {}",
                i18n.t("composer-subject"),
                subject_for_display(&content.subject)
            ),
            format!("{} {}", i18n.t("reader-to"), people(&content.to)),
        ];
        if !content.cc.is_empty() {
            header.push(format!("{} {}", i18n.t("reader-cc"), people(&content.cc)));
        }
        let mut composer = Self::new(id, account, signature);
        composer.subject = forward_subject(&content.subject);
        composer.attachments = attachments;
        composer.forwards = Some(original.opened.reference.clone());
        composer.body = text_editor::Content::with_text(&format!(
            "{}\n\n{}\n\n{}",
            composer.signature,
            header.join("\n"),
            original.opened.body_text()
        ));
        composer
    }

    pub fn body_text(&self) -> String {
        self.body.text()
    }

    /// Whether closing it would lose something the user typed.
    pub fn has_content(&self) -> bool {
        !self.to.trim().is_empty()
            || !self.cc.trim().is_empty()
            || !self.subject.trim().is_empty()
            || self.body.text().trim() != self.signature.trim()
    }

    /// A short name for the list of drafts in progress.
    pub fn title(&self, i18n: &I18n) -> String {
        if self.subject.trim().is_empty() {
            i18n.t("composer-untitled")
        } else {
            self.subject.clone()
        }
    }

    /// The message as the mail core takes it.
    pub fn draft(&self, account: &Account) -> Draft {
        Draft {
            to: addresses(&self.to),
            cc: addresses(&self.cc),
            subject: self.subject.trim().to_string(),
            body: self.body.text(),
            attachments: self.attachments.clone(),
            in_reply_to: self.in_reply_to.clone(),
            references: self.references.clone(),
            delivery_notification: self.delivery_notification,
            read_notification: self.read_notification,
            ..Draft::from_box(account)
        }
    }

    pub fn update(
        &mut self,
        message: Message,
        accounts: &[Account],
        signatures: &dyn Fn(&str) -> String,
        known: &[Known],
    ) -> Action {
        let edits = match &message {
            Message::Body(action) => action.is_edit(),
            Message::From(_)
            | Message::To(_)
            | Message::Cc(_)
            | Message::Subject(_)
            | Message::DeliveryNotification(_)
            | Message::ReadNotification(_)
            | Message::Complete(..)
            | Message::RemoveAttachment(_)
            | Message::Attached(_)
            | Message::DocumentPicked(_)
            | Message::Document(_)
            | Message::CloseConversation(_) => true,
            _ => false,
        };
        if edits && self.status == Status::Saved {
            // Changed since the save: "saved" no longer holds.
            self.status = Status::Editing;
        }
        match message {
            Message::From(sender) => {
                // The new box signs instead of the old one, unless the user edited the block.
                let new_signature = signature_block(&signatures(&sender.name));
                let body = self.body.text();
                if !self.signature.is_empty() && body.contains(&self.signature) {
                    self.body = text_editor::Content::with_text(&body.replacen(
                        &self.signature,
                        &new_signature,
                        1,
                    ));
                } else if self.signature.is_empty()
                    && !new_signature.is_empty()
                    && !self.has_content()
                {
                    self.body = text_editor::Content::with_text(&new_signature);
                }
                self.signature = new_signature;
                self.from = sender.name;
            }
            Message::To(value) => {
                self.to = value;
                self.completing = Some(AddressField::To);
            }
            Message::Cc(value) => {
                self.cc = value;
                self.completing = Some(AddressField::Cc);
            }
            Message::Subject(value) => self.subject = value,
            Message::Body(action) => self.body.perform(action),
            Message::DeliveryNotification(on) => self.delivery_notification = on,
            Message::ReadNotification(on) => self.read_notification = on,
            Message::Complete(which, mailbox) => {
                let field = self.field_mut(which);
                *field = complete(field, &mailbox);
                self.completing = None;
            }
            Message::AcceptSuggestion(which) => {
                let first = suggestions(partial(self.field(which)), known)
                    .first()
                    .map(|known| known.mailbox());
                if let Some(mailbox) = first {
                    let field = self.field_mut(which);
                    *field = complete(field, &mailbox);
                }
                self.completing = None;
            }
            Message::RemoveAttachment(index) => {
                if index < self.attachments.len() {
                    self.attachments.remove(index);
                }
            }
            Message::Attach => return Action::PickAttachments,
            Message::AttachDocument => return Action::PickDocument,
            Message::DocumentPicked(Ok(Some((file_name, pdf)))) => {
                let matricule = addresses(&self.to)
                    .iter()
                    .find_map(|address| Ins::from_patient_address(address).ok())
                    .map(|ins| ins.as_str().to_owned());
                match self.document.as_mut() {
                    // Another document about the same patient: one patient per message.
                    Some(form) => form.add(file_name, pdf),
                    None => self.document = Some(DocumentForm::new(file_name, pdf, matricule)),
                }
            }
            Message::DocumentPicked(Ok(None)) => {}
            Message::DocumentPicked(Err(sentence)) => self.status = Status::Problem(sentence),
            Message::Document(message) => {
                if let Some(form) = self.document.as_mut() {
                    match form.update(message) {
                        document_form::Outcome::Edited => {}
                        document_form::Outcome::Emptied => self.document = None,
                        document_form::Outcome::PickAnother => return Action::PickDocument,
                    }
                }
            }
            Message::Attached(Ok(files)) => self.attachments.extend(files),
            Message::Attached(Err(sentence)) => self.status = Status::Problem(sentence),
            Message::CloseConversation(on) => self.closes_conversation = on,
            Message::ConfirmPatients(confirmed) => self.confirm_patients(confirmed),
            Message::CheckIdentity(index) => {
                if let Some(patient) = self.patients().into_iter().nth(index) {
                    return Action::CheckIdentity(patient);
                }
            }
            Message::Send => return self.send(accounts, false, false),
            Message::Trust(answer) => {
                let Some(dialog) = self.review.as_mut() else {
                    return Action::None;
                };
                match dialog.update(answer) {
                    trust::Action::None => {}
                    trust::Action::Cancelled => self.review = None,
                    trust::Action::Send => {
                        self.review = None;
                        return self.send(accounts, false, true);
                    }
                    trust::Action::SendConfirmed => {
                        self.review = None;
                        return self.send(accounts, true, true);
                    }
                }
            }
            Message::Discard => return Action::Discard,
            Message::Back => return Action::Back,
            Message::Save => return Action::Save,
            Message::Sent(Ok(outcome)) => return Action::Done(outcome),
            Message::Sent(Err(NotQueued::Problem(problem))) => {
                self.status = Status::Problem(problem)
            }
            Message::Sent(Err(NotQueued::Blocked { issues })) => {
                self.status = Status::Blocked { issues }
            }
            // The root opens the dialog (`review`), which needs the words; this is a fallback.
            Message::Sent(Err(NotQueued::Checked(_))) => self.status = Status::Editing,
        }
        Action::None
    }

    /// Hands the message over to be sent, with what the person said in the trust dialog.
    fn send(
        &mut self,
        accounts: &[Account],
        outside_confirmed: bool,
        notices_seen: bool,
    ) -> Action {
        if self.status == Status::Sending {
            return Action::None;
        }
        let Some(account) = accounts.iter().find(|a| a.name == self.from) else {
            return Action::None;
        };
        let draft = self.draft(account);
        if draft.to.is_empty() && draft.cc.is_empty() {
            self.status = Status::NoRecipient;
            return Action::None;
        }
        self.status = Status::Sending;
        Action::Send(Box::new(Outgoing {
            draft,
            outside_confirmed,
            notices_seen,
            patients_confirmed: self.patients_confirmed(),
            closes_conversation: self.closes_conversation && self.writes_to_a_patient(),
            document: self.document.clone(),
        }))
    }

    /// Shows what the rules of the trust space say of the message (`NotQueued::Checked`): the
    /// person sends from there, or goes back to the message.
    pub fn review(&mut self, dialog: TrustDialog) {
        self.review = Some(dialog);
        self.status = Status::Editing;
    }

    /// Whether a recipient is a patient: the conversation may then be closed.
    /// The health documents being attached, when there are.
    pub fn document(&self) -> Option<&DocumentForm> {
        self.document.as_ref()
    }

    pub fn writes_to_a_patient(&self) -> bool {
        addresses(&self.to)
            .iter()
            .chain(&addresses(&self.cc))
            .any(|address| Correspondent::of(address).is_patient())
    }

    fn field(&self, which: AddressField) -> &str {
        match which {
            AddressField::To => &self.to,
            AddressField::Cc => &self.cc,
        }
    }

    fn field_mut(&mut self, which: AddressField) -> &mut String {
        match which {
            AddressField::To => &mut self.to,
            AddressField::Cc => &mut self.cc,
        }
    }
}

#[cfg(test)]
mod tests;
