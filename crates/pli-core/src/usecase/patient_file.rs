//! A patient's file: every message and health document about one INS, across all the boxes of
//! the profile, newest first, from the store alone (it works offline). Documents are read from
//! the stored messages the first time they are asked for, then kept (`store/documents.rs`).
//!
//! Also what a document's card needs to know beyond its own archive: whether the same document
//! (same CDA `id`) arrived before, which stored document it replaces and which replace it, and
//! in which patient's file the person filed it.

use std::path::Path;

use crate::mail::keywords;
use crate::mail::store::{Envelope, Folder, Result, Store, StoredDocument};
use crate::mssante::ins::Ins;

/// At most this many passes of [`Store::read_pending_documents`] before a file is shown: the
/// rest is read on the next opening (a first opening on a large store stays bounded).
const READING_PASSES: usize = 50;

/// One line of a patient's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileEntry {
    /// A health document, with the newer versions that replace it (it stays listed, as
    /// replaced).
    Document {
        document: StoredDocument,
        replaced_by: Vec<StoredDocument>,
    },
    /// A message from or to the patient that carries no document.
    Message { folder: Folder, envelope: Envelope },
}

impl FileEntry {
    fn date(&self) -> i64 {
        match self {
            FileEntry::Document { document, .. } => document.received,
            FileEntry::Message { envelope, .. } => envelope.date,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientFile {
    pub ins: Ins,
    pub entries: Vec<FileEntry>,
}

/// What the store knows about one document beyond its archive, for its card.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentHistory {
    /// The same document (same CDA `id`) in an earlier message: when it was first received.
    pub first_received: Option<i64>,
    /// The stored document this one replaces (`relatedDocument RPLC`), when it is here.
    pub replaces: Option<StoredDocument>,
    /// The stored documents that replace this one.
    pub replaced_by: Vec<StoredDocument>,
    /// The INS of the patient's file it was filed in.
    pub filed_in: Option<String>,
}

/// Reads what is pending, then gathers the file of the patient with this INS.
pub fn open(store_path: &Path, ins: &Ins) -> Result<PatientFile> {
    let mut store = Store::open(store_path)?;
    catch_up(&mut store)?;
    gather(&store, ins)
}

/// Reads the documents of the messages not read yet, a bounded number of passes.
pub fn catch_up(store: &mut Store) -> Result<()> {
    for _ in 0..READING_PASSES {
        if store.read_pending_documents()? == 0 {
            break;
        }
    }
    store.file_from_keywords()?;
    Ok(())
}

fn gather(store: &Store, ins: &Ins) -> Result<PatientFile> {
    let mut entries = Vec::new();
    let mut seen_ids: Vec<String> = Vec::new();
    let mut messages_with_documents: Vec<(i64, u32)> = Vec::new();
    // Oldest first, so that a document kept twice is listed at its first arrival.
    for document in store.documents_about(ins.as_str())?.into_iter().rev() {
        messages_with_documents.push((document.folder.id, document.uid));
        // The same document kept twice (a copy in Archives, a second sending) is listed once,
        // at its first arrival; the card of each message says "déjà reçu".
        if let Some(id) = &document.cda_id {
            if seen_ids.contains(id) {
                continue;
            }
            seen_ids.push(id.clone());
        }
        let replaced_by = match &document.cda_id {
            Some(id) => store.documents_replacing(id)?,
            None => Vec::new(),
        };
        entries.push(FileEntry::Document {
            document,
            replaced_by,
        });
    }
    for (folder, envelope) in store.messages_with(&ins.patient_address())? {
        if !messages_with_documents.contains(&(folder.id, envelope.uid)) {
            entries.push(FileEntry::Message { folder, envelope });
        }
    }
    entries.sort_by_key(|entry| std::cmp::Reverse(entry.date()));
    Ok(PatientFile {
        ins: ins.clone(),
        entries,
    })
}

/// What the store knows of the document with this CDA `id`, as the message `(folder, uid)`
/// carries it.
pub fn history(store_path: &Path, cda_id: &str, folder: i64, uid: u32) -> Result<DocumentHistory> {
    let mut store = Store::open(store_path)?;
    catch_up(&mut store)?;
    let copies = store.documents_with_id(cda_id)?;
    let this = copies
        .iter()
        .find(|copy| copy.folder.id == folder && copy.uid == uid);
    // A copy of the same message (same Message-ID, e.g. in Archives) is not a second receipt.
    let first_received = copies
        .iter()
        .filter(|copy| !(copy.folder.id == folder && copy.uid == uid))
        .filter(|copy| {
            this.is_none_or(|this| this.message_id.is_none() || copy.message_id != this.message_id)
        })
        .filter(|copy| this.is_none_or(|this| copy.received <= this.received))
        .map(|copy| copy.received)
        .min();
    let replaces = match this.and_then(|this| this.replaces.as_deref()) {
        Some(replaced) => store.documents_with_id(replaced)?.into_iter().next(),
        None => None,
    };
    Ok(DocumentHistory {
        first_received,
        replaces,
        replaced_by: store.documents_replacing(cda_id)?,
        filed_in: store.filed_in(cda_id)?,
    })
}

/// A patient as the documents of the store name them, for matching a document without a
/// qualified INS by sight before filing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownPatient {
    /// "LEFEVRE Jeanne Marie", as the most recent document about them writes it.
    pub name: String,
    /// HL7 date (YYYYMMDD).
    pub birth_date: Option<String>,
}

/// Who the stored documents say the patient with this INS is, when any document names them.
pub fn known_patient(store_path: &Path, ins: &Ins) -> Result<Option<KnownPatient>> {
    let mut store = Store::open(store_path)?;
    catch_up(&mut store)?;
    Ok(store
        .documents_about(ins.as_str())?
        .into_iter()
        .find(|document| {
            !document.patient.is_empty() && document.ins.as_deref() == Some(ins.as_str())
        })
        .map(|document| KnownPatient {
            name: document.patient,
            birth_date: document.birth_date,
        }))
}

/// Files a document in a patient's file ("Classer"). A document that replaces another is filed
/// over it: the older version stays in the file, shown as replaced.
///
/// The filing is also written on the server, as a keyword of every message carrying the
/// document (`$PliFiled_<INS>`, queued like a flag: replayed by the box's worker, offline too),
/// so that the colleagues of a shared box and the person's other workstations see it filed.
/// Returns the boxes whose server has something to be told.
pub fn file(store_path: &Path, cda_id: &str, ins: &Ins) -> Result<Vec<String>> {
    let mut store = Store::open(store_path)?;
    // Every message carrying the document gets the keyword, including one read since.
    catch_up(&mut store)?;
    store.file_document(cda_id, ins.as_str(), chrono::Utc::now().timestamp())?;
    let Some(filing) = keywords::filed_keyword(ins.as_str()) else {
        return Ok(Vec::new());
    };
    let mut boxes = Vec::new();
    for copy in store.documents_with_id(cda_id)? {
        let current = store.keywords(copy.folder.id, copy.uid)?;
        if keywords::has_keyword(&current, &filing) {
            continue;
        }
        // Filed elsewhere before: the message moves to this file, on every workstation.
        for previous in current
            .iter()
            .filter(|keyword| keywords::is_filing(keyword))
        {
            store.queue_keyword(
                &copy.folder.account,
                &copy.folder,
                copy.uid,
                previous,
                false,
            )?;
        }
        store.queue_keyword(&copy.folder.account, &copy.folder, copy.uid, &filing, true)?;
        if !boxes.contains(&copy.folder.account) {
            boxes.push(copy.folder.account.clone());
        }
    }
    Ok(boxes)
}
