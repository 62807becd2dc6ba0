//! The reader, the right pane: the headers with the correspondents' names, the patient marker
//! (ECO.3.1.1, ECO.3.1.2), the subject without its `XDM/1.0/DDM+` prefix (ECO.3.1.3), the
//! attachments, and the body as plain text. Nothing here ever makes a network request: an HTML
//! body is turned into text, so a remote image cannot tell the sender the message was read.

use std::path::{Path, PathBuf};

use iced::widget::text_editor;
use iced::{Alignment, Element, Length, Theme};

use super::correspondent::{display_name, Correspondent};
use super::health_document::{self, DocumentRef};
use super::message_list::MessageRef;
use super::picture::{self, PictureViewer};
use super::{format, markers, theme};
use crate::args;
use crate::i18n::I18n;
use pli_core::mail::keywords::PrescriptionState;
use pli_core::mail::mime::{self, Attachment};
use pli_core::mail::picture::Picture;
use pli_core::mail::store::{Envelope, Flags, PatientKind};
use pli_core::mssante::conversation::Bounce;
use pli_core::mssante::headers::subject_for_display;
use pli_core::mssante::ins::Ins;
use pli_core::usecase::handling::{HandlingAction, SharedView};
use pli_core::usecase::patient_file::{DocumentHistory, KnownPatient};

mod view;

/// The id of the body, for focus and the tests.
pub const BODY: &str = "reader-body";

/// A correspondent as a header names them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub address: String,
}

impl Person {
    /// "Name <address>", or the address alone, as it goes back into a composer field.
    pub fn mailbox(&self) -> String {
        if self.name.trim().is_empty() {
            self.address.clone()
        } else {
            format!("{} <{}>", self.name.trim(), self.address)
        }
    }
}

/// What the reader shows of a message, made from the mail core's reading model
/// (`mail::mime::read_message`): the correspondents as the composer takes them back, the
/// identifiers in their angle brackets as they go into In-Reply-To and References.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReaderContent {
    pub subject: String,
    pub from: Vec<Person>,
    pub reply_to: Vec<Person>,
    pub to: Vec<Person>,
    pub cc: Vec<Person>,
    /// Seconds since 1970; 0 when the message has no readable date.
    pub date: i64,
    pub message_id: Option<String>,
    pub references: Option<String>,
    /// The text body; an HTML-only message is converted to text, never rendered.
    pub body: String,
    /// The documents; inline pictures of an HTML layout are left out.
    pub attachments: Vec<Attachment>,
    /// The health documents of each `IHE_XDM.ZIP` attachment, or why it was not opened.
    pub documents: Vec<pli_core::xdm::MessageDocuments>,
    /// The message had to be repaired to be read (a cut transfer, a wrong charset…).
    pub damaged: bool,
    /// The sender closed the patient conversation (`X-MSS-MES: FIN`).
    pub closes_conversation: bool,
    /// Where the sender asks the read receipt to go (`Disposition-Notification-To`, ECO.3.1.6).
    pub read_receipt_to: Vec<Person>,
    /// For a delivery status notification: the recipients it failed for, and why.
    pub bounces: Vec<Bounce>,
}

/// Reads a raw message into what the reader shows. Never fails: a damaged message still shows
/// what could be read.
pub fn read(raw: &[u8]) -> ReaderContent {
    let model = mime::read_message(raw);
    let people = |list: &[mime::Mailbox]| -> Vec<Person> {
        list.iter()
            .filter(|mailbox| !mailbox.address.is_empty())
            .map(|mailbox| Person {
                name: mailbox.name.clone().unwrap_or_default(),
                address: mailbox.address.clone(),
            })
            .collect()
    };
    let bracketed = |id: &String| format!("<{id}>");
    let references: Vec<String> = if model.references.is_empty() {
        model.in_reply_to.iter().map(bracketed).collect()
    } else {
        model.references.iter().map(bracketed).collect()
    };
    ReaderContent {
        subject: model.subject.clone(),
        from: people(&model.from),
        reply_to: people(&model.reply_to),
        to: people(&model.to),
        cc: people(&model.cc),
        date: model.date.map_or(0, |date| date.timestamp()),
        message_id: model.message_id.as_ref().map(bracketed),
        references: (!references.is_empty()).then(|| references.join(" ")),
        body: model.text,
        documents: model.documents,
        attachments: model
            .attachments
            .into_iter()
            .filter(|attachment| !attachment.is_inline)
            .collect(),
        damaged: !model.problems.is_empty(),
        closes_conversation: model.headers.closes_conversation,
        read_receipt_to: people(&model.headers.disposition_notification_to),
        bounces: model
            .report
            .as_ref()
            .map(mime::Report::bounces)
            .unwrap_or_default(),
    }
}

/// The decoded bytes of one attachment, sliced from the raw message: (file name, content type,
/// bytes).
pub fn attachment(raw: &[u8], index: usize) -> Option<(String, String, Vec<u8>)> {
    let model = mime::read_message(raw);
    let attachment = model.attachments.iter().find(|a| a.index == index)?;
    let bytes = mime::attachment_bytes(raw, attachment).ok()?;
    Some((
        attachment.suggested_file_name(),
        attachment.content_type.clone(),
        bytes,
    ))
}

/// Where the message being read stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// The body is being downloaded.
    Loading,
    Ready(Box<ReaderContent>),
    /// It could not be had; the sentence says why.
    Missing(String),
}

/// The message on screen.
pub struct Opened {
    pub reference: MessageRef,
    pub envelope: Envelope,
    pub correspondent: Correspondent,
    /// For a patient's message: a reply, unsolicited, or a prescription (set by the sync).
    pub patient_kind: Option<PatientKind>,
    pub body: Body,
    /// The read receipt asked for was sent or declined: its offer goes.
    pub receipt_answered: bool,
    /// Who handles it and, for a pharmacy's prescription, its step — on a shared
    /// (organisational) box only; `None` hides the bar.
    pub shared: Option<SharedView>,
    /// The names of the answers a pharmacy may send to this prescription's patient.
    pub templates: Vec<String>,
    /// Marked junk (`$Junk`), here or by another client.
    pub junk: bool,
    /// The body in a read-only editor, so that it can be selected and copied.
    text: text_editor::Content,
    /// The structured documents whose text is unfolded in their card.
    narratives_shown: Vec<DocumentRef>,
    /// What the store knows of each document beyond its archive (received before, replaced,
    /// filed), once read.
    pub histories: Vec<(DocumentRef, DocumentHistory)>,
    /// A document without a qualified INS being matched to a patient by sight before filing.
    pub matching: Option<Matching>,
}

/// Matching a document to a patient by sight: the INS typed, and who the store knows under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matching {
    pub document: DocumentRef,
    pub typed: String,
    /// The answer for the INS typed (none yet; nobody known; or why the store could not say).
    pub known: Option<Result<Option<KnownPatient>, String>>,
}

impl Opened {
    pub fn content(&self) -> Option<&ReaderContent> {
        match &self.body {
            Body::Ready(content) => Some(content),
            _ => None,
        }
    }

    /// The subject as the reader shows it (without the XDM prefix).
    pub fn subject(&self) -> String {
        let subject = self
            .content()
            .map_or(self.envelope.subject.as_str(), |content| {
                content.subject.as_str()
            });
        subject_for_display(subject).into_owned()
    }

    fn show(&mut self, content: ReaderContent) {
        self.text = text_editor::Content::with_text(&content.body);
        self.body = Body::Ready(Box::new(content));
    }

    /// What the store remembers this message's read receipt by: its Message-ID, or its place
    /// in the box when it has none.
    pub fn receipt_key(&self) -> String {
        self.envelope.message_id.clone().unwrap_or_else(|| {
            let folder = &self.reference.folder;
            format!(
                "{}/{}/{}",
                folder.name,
                folder.uidvalidity.unwrap_or_default(),
                self.reference.uid
            )
        })
    }

    /// A health document of the message, when its body is here.
    pub fn document(&self, document: DocumentRef) -> Option<&pli_core::xdm::HealthDocument> {
        self.content()?
            .documents
            .iter()
            .find(|archive| archive.attachment == document.attachment)?
            .documents
            .get(document.document)
    }

    /// The documents of the message that have a CDA `id`, for their history in the store.
    pub fn documents_with_ids(&self) -> Vec<(DocumentRef, String)> {
        let Some(content) = self.content() else {
            return Vec::new();
        };
        content
            .documents
            .iter()
            .flat_map(|archive| {
                archive
                    .documents
                    .iter()
                    .enumerate()
                    .filter_map(move |(rank, document)| {
                        let reference = DocumentRef {
                            attachment: archive.attachment,
                            document: rank,
                        };
                        Some((reference, health_document::cda_id(document)?))
                    })
            })
            .collect()
    }

    /// The body as shown, for tests and for quoting in a reply.
    pub fn body_text(&self) -> String {
        self.text.text()
    }
}

/// See [`Reader::surroundings_read`].
#[derive(Debug, Default)]
pub struct Surroundings {
    /// A read receipt was sent (here or from another workstation) or declined.
    pub receipt_answered: bool,
    /// Marked `$Junk` (here or by another client).
    pub junk: bool,
    /// A pharmacy's answers, offered on a prescription.
    pub templates: Vec<String>,
    /// Who handles the message, on a shared box.
    pub shared: Option<SharedView>,
}

#[derive(Default)]
pub struct Reader {
    opened: Option<Opened>,
    /// The last thing done with an attachment ("saved in …"), or why it failed.
    notice: Option<Result<String, String>>,
    /// A picture attachment shown in place of the body ("Voir").
    picture: Option<PictureViewer>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Body(text_editor::Action),
    Reply,
    ReplyAll,
    Forward,
    ToggleRead,
    /// Junk, or not junk after all.
    ToggleJunk,
    Delete,
    OpenAttachment(usize),
    SaveAttachment(usize),
    AttachmentDone(Result<String, String>),
    /// "Voir": a picture attachment shown in the reader.
    ShowPicture(usize),
    /// The picture decoded for the message it belongs to, or why it is not shown.
    PictureDecoded(MessageRef, String, Result<Picture, String>),
    Picture(picture::Message),
    /// The PDF a level 1 health document wraps, opened or saved like an attachment.
    OpenDocumentPdf(DocumentRef),
    SaveDocumentPdf(DocumentRef),
    /// Unfold or fold the text of a structured (level 3) health document.
    ToggleNarrative(DocumentRef),
    /// What the store knows of the documents of the message on screen.
    Histories(MessageRef, Vec<(DocumentRef, DocumentHistory)>),
    /// "Classer": file the document in the file of the patient it names.
    FileDocument(DocumentRef),
    /// The patient's file of this INS: every message and document about them.
    OpenPatientFile(String),
    /// "Rapprocher d'un patient": match a document without a qualified INS by sight.
    MatchDocument(DocumentRef),
    MatchIns(String),
    /// Who the store knows under the INS typed.
    MatchFound(String, Result<Option<KnownPatient>, String>),
    /// The person compared both identities and files the document with this patient.
    MatchConfirm,
    MatchCancel,
    Retry,
    /// The sender asked for a read receipt: send it, or not.
    SendReadReceipt,
    IgnoreReadReceipt,
    /// "Je m'en occupe", "Rendre", "Traité" on a shared box.
    Handle(HandlingAction),
    /// A pharmacy prescription's next step.
    PrescriptionStep(PrescriptionState),
    /// Answer the patient with the prepared text of this rank.
    Template(usize),
    /// What the server says now, or why the action did not happen.
    Handled(
        MessageRef,
        Result<crate::ui::app::handling::Handled, String>,
    ),
    /// "Je m'occupe de toute la conversation".
    HandleConversation(HandlingAction),
}

/// What the reader asks the root to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    None,
    /// Send the read receipt the sender asked for to these addresses.
    SendReadReceipt(Vec<String>),
    /// The person declined to send the read receipt: remember it, so it is not asked again.
    DeclineReadReceipt,
    Reply {
        all: bool,
    },
    Forward,
    ToggleRead,
    /// Junk, or not junk after all.
    ToggleJunk,
    Delete,
    OpenAttachment(usize),
    SaveAttachment(usize),
    /// Decode the picture attachment of this index off the UI thread, then send
    /// `PictureDecoded`.
    ShowPicture(usize),
    OpenDocumentPdf(DocumentRef),
    SaveDocumentPdf(DocumentRef),
    /// File the document with this CDA id in the file of the patient with this INS.
    FileDocument {
        cda_id: String,
        ins: String,
    },
    OpenPatientFile(String),
    /// Read who the store knows under this INS (for matching by sight).
    LookUpPatient(String),
    Retry,
    Handle(HandlingAction),
    HandleConversation(HandlingAction),
    PrescriptionStep(PrescriptionState),
    ReplyWithTemplate(usize),
}

impl Reader {
    /// Shows a message: its envelope at once, its body when the store has it.
    pub fn open(
        &mut self,
        reference: MessageRef,
        envelope: Envelope,
        patient_kind: Option<PatientKind>,
        raw: Option<&[u8]>,
    ) {
        let correspondent = Correspondent::of(&envelope.from_address);
        let mut opened = Opened {
            reference,
            envelope,
            correspondent,
            patient_kind,
            body: Body::Loading,
            receipt_answered: false,
            shared: None,
            junk: false,
            templates: Vec::new(),
            text: text_editor::Content::new(),
            narratives_shown: Vec::new(),
            histories: Vec::new(),
            matching: None,
        };
        if let Some(raw) = raw {
            opened.show(read(raw));
        }
        self.opened = Some(opened);
        self.notice = None;
        self.picture = None;
    }

    pub fn opened(&self) -> Option<&Opened> {
        self.opened.as_ref()
    }

    pub fn notice(&self) -> Option<&Result<String, String>> {
        self.notice.as_ref()
    }

    pub fn picture(&self) -> Option<&PictureViewer> {
        self.picture.as_ref()
    }

    /// What happened to something the person asked of the message on screen.
    pub fn say(&mut self, notice: Result<String, String>) {
        self.notice = Some(notice);
    }

    /// What the store and the box know beside the message itself, read once it is open.
    pub fn surroundings_read(&mut self, reference: &MessageRef, surroundings: Surroundings) {
        if let Some(opened) = self.opened.as_mut().filter(|o| &o.reference == reference) {
            opened.receipt_answered = surroundings.receipt_answered;
            opened.junk = surroundings.junk;
            opened.templates = surroundings.templates;
            opened.shared = surroundings.shared;
        }
    }

    /// Who handles the message changed (here or on another workstation).
    pub fn shared_changed(&mut self, reference: &MessageRef, shared: Option<SharedView>) {
        if let Some(opened) = self.opened.as_mut().filter(|o| &o.reference == reference) {
            opened.shared = shared;
        }
    }

    /// The message was marked junk, or not junk, here.
    pub fn junk_changed(&mut self, reference: &MessageRef, junk: bool) {
        if let Some(opened) = self.opened.as_mut().filter(|o| &o.reference == reference) {
            opened.junk = junk;
        }
    }

    /// The message's flags changed on the server or here.
    pub fn flags_changed(&mut self, reference: &MessageRef, flags: Flags) {
        if let Some(opened) = self.opened.as_mut().filter(|o| &o.reference == reference) {
            opened.envelope.flags = flags;
        }
    }

    pub fn close(&mut self) {
        self.opened = None;
        self.notice = None;
        self.picture = None;
    }

    /// The body arrived (or could not be had) for the message on screen.
    pub fn body_arrived(&mut self, reference: &MessageRef, result: Result<Vec<u8>, String>) {
        let Some(opened) = self.opened.as_mut().filter(|o| &o.reference == reference) else {
            return;
        };
        match result {
            Ok(raw) => opened.show(read(&raw)),
            Err(reason) => opened.body = Body::Missing(reason),
        }
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Body(action) => {
                // Read-only: selection and copy, never an edit.
                if let Some(opened) = self.opened.as_mut() {
                    if !action.is_edit() {
                        opened.text.perform(action);
                    }
                }
                Action::None
            }
            Message::SendReadReceipt | Message::IgnoreReadReceipt => {
                let send = matches!(message, Message::SendReadReceipt);
                let Some(opened) = self.opened.as_mut() else {
                    return Action::None;
                };
                opened.receipt_answered = true;
                let to: Vec<String> = opened
                    .content()
                    .map(|content| {
                        content
                            .read_receipt_to
                            .iter()
                            .map(|person| person.address.clone())
                            .collect()
                    })
                    .unwrap_or_default();
                if !send {
                    return Action::DeclineReadReceipt;
                }
                if !to.is_empty() {
                    return Action::SendReadReceipt(to);
                }
                Action::None
            }
            Message::Reply => Action::Reply { all: false },
            Message::ReplyAll => Action::Reply { all: true },
            Message::Forward => Action::Forward,
            Message::ToggleRead => Action::ToggleRead,
            Message::ToggleJunk => Action::ToggleJunk,
            Message::Delete => Action::Delete,
            Message::OpenAttachment(index) => Action::OpenAttachment(index),
            Message::ShowPicture(index) => {
                self.notice = None;
                Action::ShowPicture(index)
            }
            Message::PictureDecoded(reference, name, result) => {
                let current = self
                    .opened
                    .as_ref()
                    .is_some_and(|opened| opened.reference == reference);
                if current {
                    match result {
                        Ok(picture) => self.picture = Some(PictureViewer::new(name, picture)),
                        Err(problem) => self.notice = Some(Err(problem)),
                    }
                }
                Action::None
            }
            Message::Picture(picture::Message::Turn) => {
                if let Some(viewer) = self.picture.as_mut() {
                    viewer.turn();
                }
                Action::None
            }
            Message::Picture(picture::Message::Close) => {
                self.picture = None;
                Action::None
            }
            Message::SaveAttachment(index) => Action::SaveAttachment(index),
            Message::OpenDocumentPdf(document) => Action::OpenDocumentPdf(document),
            Message::SaveDocumentPdf(document) => Action::SaveDocumentPdf(document),
            Message::Histories(reference, histories) => {
                if let Some(opened) = self
                    .opened
                    .as_mut()
                    .filter(|opened| opened.reference == reference)
                {
                    opened.histories = histories;
                }
                Action::None
            }
            Message::FileDocument(document) => {
                let Some(found) = self
                    .opened
                    .as_ref()
                    .and_then(|opened| opened.document(document))
                else {
                    return Action::None;
                };
                match (health_document::cda_id(found), found.ins()) {
                    (Some(cda_id), Some(ins)) => Action::FileDocument {
                        cda_id,
                        ins: ins.id.clone(),
                    },
                    _ => Action::None,
                }
            }
            Message::OpenPatientFile(ins) => Action::OpenPatientFile(ins),
            Message::MatchDocument(document) => {
                if let Some(opened) = self.opened.as_mut() {
                    opened.matching = Some(Matching {
                        document,
                        typed: String::new(),
                        known: None,
                    });
                }
                Action::None
            }
            Message::MatchIns(typed) => {
                let Some(matching) = self.opened.as_mut().and_then(|o| o.matching.as_mut()) else {
                    return Action::None;
                };
                matching.typed = typed;
                matching.known = None;
                match Ins::parse(&matching.typed) {
                    Ok(ins) => Action::LookUpPatient(ins.as_str().to_owned()),
                    Err(_) => Action::None,
                }
            }
            Message::MatchFound(ins, known) => {
                let matching = self.opened.as_mut().and_then(|o| o.matching.as_mut());
                if let Some(matching) = matching.filter(|matching| {
                    Ins::parse(&matching.typed).is_ok_and(|typed| typed.as_str() == ins)
                }) {
                    matching.known = Some(known);
                }
                Action::None
            }
            Message::MatchConfirm => {
                let Some(opened) = self.opened.as_mut() else {
                    return Action::None;
                };
                let Some(matching) = opened.matching.take() else {
                    return Action::None;
                };
                let cda_id = opened
                    .document(matching.document)
                    .and_then(health_document::cda_id);
                match (cda_id, Ins::parse(&matching.typed), &matching.known) {
                    (Some(cda_id), Ok(ins), Some(Ok(_))) => Action::FileDocument {
                        cda_id,
                        ins: ins.as_str().to_owned(),
                    },
                    _ => {
                        opened.matching = Some(matching);
                        Action::None
                    }
                }
            }
            Message::MatchCancel => {
                if let Some(opened) = self.opened.as_mut() {
                    opened.matching = None;
                }
                Action::None
            }
            Message::ToggleNarrative(document) => {
                if let Some(opened) = self.opened.as_mut() {
                    match opened.narratives_shown.iter().position(|d| *d == document) {
                        Some(shown) => {
                            opened.narratives_shown.remove(shown);
                        }
                        None => opened.narratives_shown.push(document),
                    }
                }
                Action::None
            }
            Message::AttachmentDone(result) => {
                self.notice = Some(result);
                Action::None
            }
            Message::Retry => {
                if let Some(opened) = self.opened.as_mut() {
                    opened.body = Body::Loading;
                }
                Action::Retry
            }
            Message::Handle(action) => Action::Handle(action),
            Message::HandleConversation(action) => Action::HandleConversation(action),
            Message::PrescriptionStep(state) => Action::PrescriptionStep(state),
            Message::Template(index) => Action::ReplyWithTemplate(index),
            Message::Handled(reference, result) => {
                let Some(opened) = self.opened.as_mut().filter(|o| o.reference == reference) else {
                    return Action::None;
                };
                match result {
                    Ok(handled) => {
                        opened.shared = Some(handled.shared);
                        self.notice = handled.note.map(Ok);
                    }
                    Err(problem) => self.notice = Some(Err(problem)),
                }
                Action::None
            }
        }
    }
}

/// `name`, or `name (2)`, `name (3)`… so that nothing already there is overwritten.
fn free_path(folder: &Path, name: &str) -> PathBuf {
    let candidate = folder.join(name);
    if !candidate.exists() {
        return candidate;
    }
    let (stem, extension) = match name.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() => (stem, format!(".{extension}")),
        _ => (name, String::new()),
    };
    (2..)
        .map(|n| folder.join(format!("{stem} ({n}){extension}")))
        .find(|path| !path.exists())
        .unwrap_or(candidate)
}

/// Writes an attachment into `folder` under its own (cleaned) name; returns where.
pub async fn write_attachment(
    folder: PathBuf,
    name: String,
    bytes: Vec<u8>,
) -> Result<PathBuf, String> {
    tokio::task::spawn_blocking(move || {
        pli_core::profile::create_private_dir(&folder).map_err(|error| error.to_string())?;
        let path = free_path(&folder, &mime::safe_file_name(&name));
        std::fs::write(&path, bytes).map_err(|error| error.to_string())?;
        Ok(path)
    })
    .await
    .unwrap_or_else(|error| Err(error.to_string()))
}

/// Hands a file to the program the system opens it with, without waiting for it to close.
pub fn open_with_system(path: &Path) -> Result<(), String> {
    open::that_detached(path).map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATIENT_MESSAGE: &[u8] =
        b"From: =?utf-8?q?Jeanne_Lef=C3=A8vre?= <279035121518989@patient.mssante.fr>\r\n\
To: Dr Claire Martin <claire.martin@medecin.mssante.fr>\r\n\
Cc: secretariat@cabinet.mssante.fr\r\n\
Subject: XDM/1.0/DDM+Compte rendu LEFEVRE Jeanne 12/03/1979\r\n\
Date: Tue, 24 Nov 2026 09:12:00 +0100\r\n\
Message-ID: <m1@patient.mssante.fr>\r\n\
References: <a@b>\r\n\
Content-Type: multipart/mixed; boundary=\"b\"\r\n\
\r\n\
--b\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
\r\n\
Bonjour docteur,\r\n\
--b\r\n\
Content-Type: application/pdf; name=\"cr.pdf\"\r\n\
Content-Disposition: attachment; filename=\"cr.pdf\"\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
JVBERi0xLjQK\r\n\
--b--\r\n";

    #[test]
    fn the_adapter_reads_headers_body_and_attachments() {
        let content = read(PATIENT_MESSAGE);
        assert_eq!(content.from[0].name, "Jeanne Lefèvre");
        assert_eq!(content.to[0].address, "claire.martin@medecin.mssante.fr");
        assert_eq!(content.cc.len(), 1);
        assert_eq!(
            content.message_id.as_deref(),
            Some("<m1@patient.mssante.fr>")
        );
        assert_eq!(content.references.as_deref(), Some("<a@b>"));
        assert!(content.body.starts_with("Bonjour docteur,"));
        assert_eq!(content.attachments.len(), 1);
        assert_eq!(content.attachments[0].suggested_file_name(), "cr.pdf");
        assert_eq!(content.attachments[0].size, 9);
        let (name, content_type, bytes) = attachment(PATIENT_MESSAGE, 0).unwrap();
        assert_eq!(
            (name.as_str(), content_type.as_str()),
            ("cr.pdf", "application/pdf")
        );
        assert_eq!(bytes, b"%PDF-1.4\n");
    }

    #[test]
    fn an_html_only_message_is_read_as_text() {
        let raw = b"From: a@b.fr\r\nSubject: x\r\nContent-Type: text/html\r\n\r\n<p>Bonjour <img src=\"https://tracker.example/p.gif\"> docteur</p>";
        let content = read(raw);
        assert!(content.body.contains("Bonjour"));
        assert!(!content.body.contains("tracker"));
    }

    #[test]
    fn a_saved_attachment_never_replaces_a_file() {
        let folder = tempfile::tempdir().unwrap();
        std::fs::write(folder.path().join("cr.pdf"), b"x").unwrap();
        assert_eq!(
            free_path(folder.path(), "cr.pdf"),
            folder.path().join("cr (2).pdf")
        );
    }
}

#[cfg(test)]
mod bounce_tests {
    use super::*;

    #[test]
    fn a_delivery_status_notification_names_the_failed_recipient() {
        let raw = b"From: MAILER-DAEMON@mssante.fr\r\n\
To: claire.martin@medecin.mssante.fr\r\n\
Subject: Undelivered Mail\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\
\r\n\
--b\r\n\
Content-Type: text/plain\r\n\
\r\n\
Your message could not be delivered.\r\n\
--b\r\n\
Content-Type: message/delivery-status\r\n\
\r\n\
Reporting-MTA: dns; mx.mssante.fr\r\n\
\r\n\
Final-Recipient: rfc822; 279035121518989@patient.mssante.fr\r\n\
Action: failed\r\n\
Status: 5.1.1\r\n\
Diagnostic-Code: smtp; 550 5.1.1 conversation cloturee\r\n\
\r\n\
--b--\r\n";
        let bounces = read(raw).bounces;
        assert_eq!(bounces.len(), 1, "{bounces:?}");
        assert_eq!(
            bounces[0].recipient.as_deref(),
            Some("279035121518989@patient.mssante.fr")
        );
        assert!(read(b"From: a@b\r\nSubject: hi\r\n\r\nhello\r\n")
            .bounces
            .is_empty());
    }

    #[test]
    fn a_read_receipt_request_is_read_from_the_headers() {
        let asked = read(
            b"From: Dr Noel <helene.noel@ch-test.mssante.fr>\r\n\
Disposition-Notification-To: helene.noel@ch-test.mssante.fr\r\n\
Subject: Compte rendu\r\n\r\nBonjour\r\n",
        );
        assert_eq!(asked.read_receipt_to.len(), 1);
        assert_eq!(
            asked.read_receipt_to[0].address,
            "helene.noel@ch-test.mssante.fr"
        );
        let plain = read(b"From: a@b.fr\r\nSubject: hi\r\n\r\nhello\r\n");
        assert!(plain.read_receipt_to.is_empty());
    }
}
