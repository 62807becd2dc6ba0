//! Sending health documents, the same from the window and from the command line: one or more
//! PDFs about one patient leave as MSSanté asks (ECO.2.1): each wrapped in its own CDA R2 level 1,
//! all inside one `IHE_XDM.ZIP`, with the same PDFs beside it, the `XDM/1.0/DDM+` subject, and the
//! `X-MSS-CODECDA` / `X-MSS-INS` headers; then through [`outbox::send`] and every rule a message
//! goes through.

use chrono::Local;

use super::outbox::{self, Queued, SendChoices};
use crate::mail::account::Account;
use crate::mail::send::{Draft, SendError};
use crate::mssante::headers::{xdm_subject, XdmContent};
use crate::mssante::ins::{check_identity, IdentityError, Ins};
use crate::profile::Profile;
use crate::xdm::build::media::{self, ArchiveError, ARCHIVE_NAME};
use crate::xdm::build::{
    document_type, Author, DocumentInput, Patient, PatientId, CONFIDENTIALITY_NORMAL,
    FACILITY_PRACTICE, PRACTICE_SETTING_AMBULATORY,
};

/// A PDF to send as a health document about one patient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthDocument {
    /// The PDF's file name, kept for the copy attached beside the archive.
    pub file_name: String,
    pub pdf: Vec<u8>,
    /// A code of the CI-SIS document types Pli ships (`11490-0`…).
    pub type_code: String,
    /// The CDA title; the type's name when `None`.
    pub title: Option<String>,
    pub patient: Patient,
}

/// Why a health document was not queued; nothing is then.
#[derive(Debug, thiserror::Error)]
pub enum HealthDocumentError {
    #[error("{code} is not a document type Pli knows")]
    UnknownType { code: String },
    #[error("the document is not a PDF")]
    NotAPdf,
    /// Nothing to send: a health document message carries at least one (ECO.2.1.1).
    #[error("no health document to send")]
    NoDocument,
    /// A document is about another patient than the first one: one patient per message
    /// (ECO.2.1.1). `position` counts from 1, in the order the documents were given.
    #[error("document {position} ({file_name}) is about another patient than the first")]
    SeveralPatients { position: usize, file_name: String },
    /// The patient's identity may not be used (not qualified, or not the matricule's).
    #[error(transparent)]
    Identity(#[from] IdentityError),
    /// The patient is named by a local identifier (identity not qualified) and the person did
    /// not confirm sending it so (ECO.2.4.2: it leaves with `X-MSS-INS: N`).
    #[error(
        "the patient's identity is not qualified and sending the document so was not confirmed"
    )]
    UnqualifiedIdentityUnconfirmed,
    /// A patient without a qualified identity has no patient address: such a document cannot
    /// go to a patient's messaging.
    #[error("a document about a patient without a qualified INS cannot go to a patient's address")]
    UnqualifiedToPatient,
    /// The identity of a patient named by a local identifier lacks a birth name or first names.
    #[error("the patient's birth name and first names are needed")]
    IncompleteIdentity,
    /// The message already carries health documents: one patient per message (ECO.2.1.1).
    #[error("the message already carries an IHE_XDM.ZIP archive")]
    SecondArchive,
    /// The message goes to another patient's address than the document's (ECO.2.1.1).
    #[error("the message is addressed to another patient than the document's")]
    AnotherPatient,
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    #[error(transparent)]
    Send(#[from] SendError),
}

/// Builds one archive holding a CDA for each of `documents` (all about one patient), attaches
/// it and every PDF to `draft`, names the message as ECO.2.1.3 asks after the first document
/// (the person's subject after it) and queues it through [`outbox::send`].
pub fn send(
    profile: &Profile,
    account: &Account,
    draft: &Draft,
    documents: &[HealthDocument],
    choices: SendChoices,
) -> Result<Queued, HealthDocumentError> {
    let draft = with_health_documents(profile, account, draft, documents, choices)?;
    // The only patient it may go to is the documents', whose qualified identity was just
    // checked against the matricule: that is the confirmation ECO.2.2.6 asks.
    let choices = SendChoices {
        patients_confirmed: true,
        ..choices
    };
    Ok(outbox::send(profile, account, &draft, choices)?)
}

/// The draft as it leaves: the archive and the PDFs attached, the subject and the XDM content
/// set. Checks everything that does not need the store.
fn with_health_documents(
    profile: &Profile,
    account: &Account,
    draft: &Draft,
    documents: &[HealthDocument],
    choices: SendChoices,
) -> Result<Draft, HealthDocumentError> {
    let Some(first) = documents.first() else {
        return Err(HealthDocumentError::NoDocument);
    };
    let patient = &first.patient;
    // ECO.2.4.2: `O` only when the archive names the patient by a qualified INS.
    let qualified_ins = match &patient.id {
        PatientId::Ins { ins, .. } => {
            check_identity(ins, &patient.identity)?;
            true
        }
        PatientId::Local(_) => {
            let identity = &patient.identity;
            if identity.birth_name.trim().is_empty() || identity.first_names.trim().is_empty() {
                return Err(HealthDocumentError::IncompleteIdentity);
            }
            if !choices.unqualified_identity_confirmed {
                return Err(HealthDocumentError::UnqualifiedIdentityUnconfirmed);
            }
            false
        }
    };
    if let Some((index, other)) = documents
        .iter()
        .enumerate()
        .find(|(_, document)| document.patient != *patient)
    {
        return Err(HealthDocumentError::SeveralPatients {
            position: index + 1,
            file_name: other.file_name.trim().to_owned(),
        });
    }
    one_patient(draft, patient.ins())?;
    let inputs = documents
        .iter()
        .map(document_input)
        .collect::<Result<Vec<_>, _>>()?;

    let author = author_of(profile, account);
    let created = Local::now().fixed_offset();
    let archive = media::build(
        patient,
        &author,
        &inputs,
        &created,
        env!("CARGO_PKG_VERSION"),
    )?;
    let content = XdmContent::new(&archive.cda_codes, qualified_ins)
        .map_err(|error| SendError::Build(error.to_string()))?;

    let mut prepared = draft.clone();
    // ECO.2.1.3 has room for one label: the first document's type, the one the person put
    // first (the letter before the results it comments), as the ANS MDM sample titles its
    // message by its main document.
    prepared.subject = xdm_subject(
        &inputs[0].document_type.display_name,
        &patient.identity.birth_name,
        patient.first_given_name(),
        patient.identity.birth_date,
        &draft.subject,
    );
    prepared.attachments.push((
        ARCHIVE_NAME.to_owned(),
        "application/zip".to_owned(),
        archive.zip,
    ));
    let mut names: Vec<String> = Vec::with_capacity(documents.len());
    for document in documents {
        let name = distinct_name(&pdf_name(&document.file_name), &names);
        names.push(name.clone());
        prepared
            .attachments
            .push((name, "application/pdf".to_owned(), document.pdf.clone()));
    }
    prepared.health_documents = Some(content);
    Ok(prepared)
}

/// What the archive builder needs of one document, once its type and its bytes are checked.
fn document_input(document: &HealthDocument) -> Result<DocumentInput, HealthDocumentError> {
    let kind =
        document_type(&document.type_code).ok_or_else(|| HealthDocumentError::UnknownType {
            code: document.type_code.trim().to_owned(),
        })?;
    if !document.pdf.starts_with(b"%PDF-") {
        return Err(HealthDocumentError::NotAPdf);
    }
    Ok(DocumentInput {
        pdf: document.pdf.clone(),
        title: document
            .title
            .as_deref()
            .map(str::trim)
            .filter(|title| !title.is_empty())
            .unwrap_or(&kind.display_name)
            .to_owned(),
        document_type: kind.clone(),
        confidentiality: CONFIDENTIALITY_NORMAL,
        facility: FACILITY_PRACTICE,
        practice_setting: PRACTICE_SETTING_AMBULATORY,
    })
}

/// ECO.2.1.1: a message with health documents is about one patient. A second archive would be
/// a second set of documents, possibly about someone else; a patient recipient must be the
/// document's patient, whom only an INS names.
fn one_patient(draft: &Draft, ins: Option<&Ins>) -> Result<(), HealthDocumentError> {
    let has_archive = draft
        .attachments
        .iter()
        .any(|(name, _, _)| name.eq_ignore_ascii_case(ARCHIVE_NAME));
    if has_archive || draft.health_documents.is_some() {
        return Err(HealthDocumentError::SecondArchive);
    }
    let mut patients = draft
        .to
        .iter()
        .chain(&draft.cc)
        .filter_map(|address| Ins::from_patient_address(address.trim()).ok());
    match ins {
        Some(ins) => {
            if patients.any(|recipient| recipient != *ins) {
                return Err(HealthDocumentError::AnotherPatient);
            }
        }
        None => {
            if patients.next().is_some() {
                return Err(HealthDocumentError::UnqualifiedToPatient);
            }
        }
    }
    Ok(())
}

/// The author from the box: the national directory's entry for its address when this
/// workstation holds it (name, civility, structure, and the RPPS-based national identifier of a
/// person's box), else the box's own name as its structure.
fn author_of(profile: &Profile, account: &Account) -> Author {
    match outbox::directory_entry(profile, account) {
        Some(entry) => Author {
            national_id: Some(entry.national_id.trim().to_owned())
                .filter(|id| !id.is_empty() && entry.names_a_person()),
            title: entry.civility.clone(),
            given_name: entry.first_name.clone(),
            family_name: entry.last_name.clone(),
            organisation: entry.structure.clone(),
            address: account.address.clone(),
        },
        None => Author {
            organisation: account.display_name.clone().unwrap_or_default(),
            address: account.address.clone(),
            ..Author::default()
        },
    }
}

/// The PDF's name as attached: its own, with a `.pdf` ending so every reader opens it.
fn pdf_name(file_name: &str) -> String {
    let name = file_name.trim();
    if name.is_empty() {
        "document.pdf".to_owned()
    } else if name.to_ascii_lowercase().ends_with(".pdf") {
        name.to_owned()
    } else {
        format!("{name}.pdf")
    }
}

/// Two PDFs of the same name would overwrite each other when saved side by side: the second
/// becomes `name-2.pdf`, and so on.
fn distinct_name(name: &str, taken: &[String]) -> String {
    let is_taken = |candidate: &str| taken.iter().any(|t| t.eq_ignore_ascii_case(candidate));
    if !is_taken(name) {
        return name.to_owned();
    }
    let (stem, extension) = name.rsplit_once('.').unwrap_or((name, "pdf"));
    (2..)
        .map(|n| format!("{stem}-{n}.{extension}"))
        .find(|candidate| !is_taken(candidate))
        .unwrap_or_else(|| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_pdf_of_the_same_name_is_numbered() {
        let taken = vec!["CR.pdf".to_owned(), "cr-2.pdf".to_owned()];
        assert_eq!(distinct_name("lettre.pdf", &taken), "lettre.pdf");
        assert_eq!(distinct_name("CR.pdf", &taken), "CR-3.pdf");
    }
}
