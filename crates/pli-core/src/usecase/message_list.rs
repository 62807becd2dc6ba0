//! A folder's message list as the person arranged it: sorted by date, by the patient or by the
//! type of its health documents, filtered to one type, one patient, or the documents not filed
//! yet. Everything comes from the store (it works offline) a window at a time, so a folder of
//! 100,000 messages costs a screen's worth of rows per read (`store/arranged.rs`).

pub use crate::mail::store::{
    DocumentChoices, DocumentLabel, ListArrangement, ListOrder, PatientChoice, TypeChoice,
};
use crate::mail::store::{Envelope, Result, Store};

/// A message of the list with what its row says of its health documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedMessage {
    pub envelope: Envelope,
    pub document: Option<DocumentLabel>,
}

/// How many messages of `folder` the arranged list holds.
pub fn count(store: &Store, folder: i64, arrangement: &ListArrangement) -> Result<usize> {
    store.arranged_count(folder, arrangement)
}

/// The messages `offset..offset + limit` of the arranged list of `folder`.
pub fn page(
    store: &Store,
    folder: i64,
    arrangement: &ListArrangement,
    offset: usize,
    limit: usize,
) -> Result<Vec<ListedMessage>> {
    Ok(store
        .arranged_page(folder, arrangement, offset, limit)?
        .into_iter()
        .map(|(envelope, document)| ListedMessage { envelope, document })
        .collect())
}

/// What the row of one message says of its documents (a search's result, found anywhere).
pub fn label(store: &Store, folder: i64, uid: u32) -> Result<Option<DocumentLabel>> {
    store.document_label(folder, uid)
}

/// The document types and patients of the folder's messages, to choose a filter from. A filter
/// already chosen stays offered even when its last message left the folder, so that the person
/// sees what is active and can clear it.
pub fn choices(
    store: &Store,
    folder: i64,
    arrangement: &ListArrangement,
) -> Result<DocumentChoices> {
    let mut choices = store.document_choices(folder)?;
    if let Some(key) = &arrangement.document_type {
        if !choices.types.iter().any(|choice| &choice.key == key) {
            choices.types.push(TypeChoice {
                key: key.clone(),
                label: key.clone(),
            });
        }
    }
    if let Some(patient) = &arrangement.patient {
        let same = |choice: &&PatientChoice| match &patient.ins {
            Some(ins) => choice.ins.as_ref() == Some(ins),
            None => choice.ins.is_none() && choice.name == patient.name,
        };
        if !choices.patients.iter().any(|choice| same(&choice)) {
            choices.patients.push(patient.clone());
        }
    }
    Ok(choices)
}
