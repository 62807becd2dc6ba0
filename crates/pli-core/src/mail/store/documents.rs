//! The health documents of the stored messages, so that a patient's file is a query and not a
//! reading of every archive: one row per document of each `IHE_XDM.ZIP` (its patient, type,
//! CDA identifiers and the one it replaces), and which documents the person filed in a
//! patient's file. The rows are derived from the raw messages (`read_pending_documents`), so a
//! store that lost them rebuilds them; the filings are the person's own.

use rusqlite::{params, OptionalExtension};

use super::{envelope_from_row_at, folder_from_row, Envelope, Folder, Result, Store};
use crate::mail::mime;
use crate::xdm::{HealthDocument, PatientIdKind};

/// How many messages one call of [`Store::read_pending_documents`] reads: a pass stays short,
/// the next one goes on where it stopped.
const DOCUMENTS_PER_PASS: i64 = 200;

/// A document of a stored message, as the patient's file lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDocument {
    pub folder: Folder,
    pub uid: u32,
    /// The message's date (seconds since 1970).
    pub received: i64,
    /// The message's `Message-ID`, which tells a copy of the same message in another folder
    /// from a second sending.
    pub message_id: Option<String>,
    /// The part index of the `IHE_XDM.ZIP` in the message, and the document's rank in it.
    pub attachment: usize,
    pub rank: usize,
    /// The patient's INS and its kind, when the document names one.
    pub ins: Option<String>,
    pub ins_kind: Option<PatientIdKind>,
    /// The patient as the document names them ("LEFEVRE Jeanne Marie").
    pub patient: String,
    pub birth_date: Option<String>,
    pub type_code: Option<String>,
    pub type_name: Option<String>,
    pub title: Option<String>,
    /// When the document was written (HL7 time, as the CDA gives it).
    pub written: Option<String>,
    /// The CDA `id` (root^extension), its `setId`, and the `id` of the document it replaces.
    pub cda_id: Option<String>,
    pub set_id: Option<String>,
    pub replaces: Option<String>,
    /// The INS of the patient's file the person filed it in.
    pub filed_in: Option<String>,
}

fn kind_name(kind: PatientIdKind) -> &'static str {
    match kind {
        PatientIdKind::InsNir => "nir",
        PatientIdKind::InsNia => "nia",
        PatientIdKind::InsTest => "test",
        PatientIdKind::InsDemo => "demo",
        PatientIdKind::Other => "other",
    }
}

fn kind_of(name: &str) -> PatientIdKind {
    match name {
        "nir" => PatientIdKind::InsNir,
        "nia" => PatientIdKind::InsNia,
        "test" => PatientIdKind::InsTest,
        "demo" => PatientIdKind::InsDemo,
        _ => PatientIdKind::Other,
    }
}

/// The patient's name as the document gives it.
fn patient_name(document: &HealthDocument) -> String {
    document
        .cda
        .as_ref()
        .map(|cda| {
            let patient = &cda.header.patient;
            [patient.birth_name.clone(), patient.given_names.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}

const SELECT_DOCUMENTS: &str = "SELECT f.id, f.account, f.name, f.role, f.uidvalidity, f.uidnext,
        f.highestmodseq, m.uid, m.date, m.message_id, d.attachment, d.rank, d.ins, d.ins_kind,
        d.patient, d.birth_date, d.type_code, d.type_name, d.title, d.written, d.cda_id,
        d.set_id, d.replaces, fd.ins
     FROM health_document d
     JOIN message m ON m.id = d.message_id
     JOIN folder f ON f.id = m.folder_id
     LEFT JOIN filed_document fd ON fd.cda_id = d.cda_id";

fn stored_document(row: &rusqlite::Row<'_>) -> rusqlite::Result<StoredDocument> {
    let ins_kind: Option<String> = row.get(13)?;
    Ok(StoredDocument {
        folder: folder_from_row(row)?,
        uid: row.get(7)?,
        received: row.get(8)?,
        message_id: row.get(9)?,
        attachment: row.get::<_, i64>(10)? as usize,
        rank: row.get::<_, i64>(11)? as usize,
        ins: row.get(12)?,
        ins_kind: ins_kind.as_deref().map(kind_of),
        patient: row.get(14)?,
        birth_date: row.get(15)?,
        type_code: row.get(16)?,
        type_name: row.get(17)?,
        title: row.get(18)?,
        written: row.get(19)?,
        cda_id: row.get(20)?,
        set_id: row.get(21)?,
        replaces: row.get(22)?,
        filed_in: row.get(23)?,
    })
}

impl Store {
    /// Reads the health documents of the stored messages not read yet (at most a pass's worth,
    /// newest first) and keeps one row per document. Returns how many messages were read; 0
    /// when none is left. A message whose archive cannot be read is marked read with no row.
    pub fn read_pending_documents(&mut self) -> Result<usize> {
        let pending: Vec<(i64, Vec<u8>)> = {
            let mut statement = self.connection.prepare_cached(
                "SELECT id, raw, raw_packing FROM message
                 WHERE documents_read = 0 AND raw IS NOT NULL AND has_attachment = 1
                 ORDER BY date DESC LIMIT ?1",
            )?;
            let rows: Vec<(i64, Option<Vec<u8>>)> = statement
                .query_map(params![DOCUMENTS_PER_PASS], |row| {
                    Ok((row.get(0)?, super::raw_bytes::read(row, 1)?))
                })?
                .collect::<rusqlite::Result<_>>()?;
            // A body too damaged to inflate is read as one without documents.
            rows.into_iter()
                .map(|(id, raw)| (id, raw.unwrap_or_default()))
                .collect()
        };
        let readings: Vec<(i64, Vec<crate::xdm::MessageDocuments>)> = pending
            .into_iter()
            .map(|(id, raw)| (id, mime::read_message(&raw).documents))
            .collect();
        let transaction = self.connection.transaction()?;
        for (id, archives) in &readings {
            transaction.execute(
                "DELETE FROM health_document WHERE message_id = ?1",
                params![id],
            )?;
            for archive in archives {
                for (rank, document) in archive.documents.iter().enumerate() {
                    let header = document.cda.as_ref().map(|cda| &cda.header);
                    let ins = document.ins();
                    transaction.execute(
                        "INSERT INTO health_document (message_id, attachment, rank, ins, ins_kind,
                            patient, birth_date, type_code, type_name, title, written, cda_id,
                            set_id, replaces)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                        params![
                            id,
                            archive.attachment as i64,
                            rank as i64,
                            ins.map(|ins| ins.id.clone()),
                            ins.map(|ins| kind_name(ins.kind)),
                            patient_name(document),
                            header.and_then(|header| header.patient.birth_date.clone()),
                            document.type_code().map(|code| code.code.clone()),
                            document
                                .type_code()
                                .and_then(|code| code.display_name.clone()),
                            document.title(),
                            header
                                .and_then(|header| header.effective_time.clone())
                                .or_else(|| document.metadata.creation_time.clone()),
                            header
                                .and_then(|header| header.id.as_ref())
                                .map(|id| id.display()),
                            header
                                .and_then(|header| header.set_id.as_ref())
                                .map(|id| id.display()),
                            header
                                .and_then(|header| header.replaces.as_ref())
                                .map(|id| id.display()),
                        ],
                    )?;
                }
            }
            transaction.execute(
                "UPDATE message SET documents_read = 1 WHERE id = ?1",
                params![id],
            )?;
        }
        transaction.commit()?;
        Ok(readings.len())
    }

    /// Every stored document about the patient with this INS, in every box, newest first.
    pub fn documents_about(&self, ins: &str) -> Result<Vec<StoredDocument>> {
        let mut statement = self.connection.prepare_cached(&format!(
            "{SELECT_DOCUMENTS} WHERE d.ins = ?1 OR fd.ins = ?1 ORDER BY m.date DESC, d.rank"
        ))?;
        let rows = statement
            .query_map(params![ins], stored_document)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The stored documents with this CDA `id` (the same document received more than once, or
    /// kept in two folders), oldest first.
    pub fn documents_with_id(&self, cda_id: &str) -> Result<Vec<StoredDocument>> {
        let mut statement = self.connection.prepare_cached(&format!(
            "{SELECT_DOCUMENTS} WHERE d.cda_id = ?1 ORDER BY m.date, m.id"
        ))?;
        let rows = statement
            .query_map(params![cda_id], stored_document)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The stored documents that say they replace the document with this CDA `id`.
    pub fn documents_replacing(&self, cda_id: &str) -> Result<Vec<StoredDocument>> {
        let mut statement = self.connection.prepare_cached(&format!(
            "{SELECT_DOCUMENTS} WHERE d.replaces = ?1 ORDER BY m.date, m.id"
        ))?;
        let rows = statement
            .query_map(params![cda_id], stored_document)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Every stored message from or to this patient address (`<INS>@patient.mssante.fr`), in
    /// every box, newest first.
    pub fn messages_with(&self, patient_address: &str) -> Result<Vec<(Folder, Envelope)>> {
        let address = patient_address.to_ascii_lowercase();
        let mut statement = self.connection.prepare_cached(
            "SELECT f.id, f.account, f.name, f.role, f.uidvalidity, f.uidnext, f.highestmodseq,
                    m.uid, m.modseq, m.flags, m.date, m.size, m.subject, m.from_name,
                    m.from_address, m.recipients, m.message_id, m.in_reply_to, m.refs,
                    m.has_attachment
             FROM message m JOIN folder f ON f.id = m.folder_id
             WHERE lower(m.from_address) = ?1 OR instr(lower(m.recipients), ?1) > 0
             ORDER BY m.date DESC, m.uid DESC",
        )?;
        let rows = statement
            .query_map(params![address], |row| {
                Ok((folder_from_row(row)?, envelope_from_row_at(row, 7)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Files the document with this CDA `id` in the file of the patient with this INS (again:
    /// the last filing holds).
    pub fn file_document(&self, cda_id: &str, ins: &str, at: i64) -> Result<()> {
        self.connection.execute(
            "INSERT INTO filed_document (cda_id, ins, filed_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (cda_id) DO UPDATE SET ins = excluded.ins, filed_at = excluded.filed_at",
            params![cda_id, ins, at],
        )?;
        Ok(())
    }

    /// Files the documents of every message whose keywords say where (`$PliFiled_<INS>`, written
    /// by another workstation of the box, or by this one before its store was rebuilt): the
    /// server is the truth, so its filing replaces a local one that differs. Returns how many
    /// documents were filed or moved.
    pub fn file_from_keywords(&self) -> Result<usize> {
        let rows: Vec<(String, String, Option<String>)> = {
            let mut statement = self.connection.prepare_cached(
                r"SELECT d.cda_id, m.keywords, fd.ins
                 FROM health_document d
                 JOIN message m ON m.id = d.message_id
                 LEFT JOIN filed_document fd ON fd.cda_id = d.cda_id
                 WHERE d.cda_id IS NOT NULL AND m.keywords LIKE '%$PliFiled\_%' ESCAPE '\'",
            )?;
            let rows = statement
                .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
                .collect::<rusqlite::Result<_>>()?;
            rows
        };
        let now = chrono::Utc::now().timestamp();
        let mut filed = 0;
        for (cda_id, stored, local) in rows {
            let Some(ins) =
                crate::mail::keywords::filed_under(&crate::mail::keywords::split(&stored))
            else {
                continue;
            };
            if local.as_deref() != Some(ins.as_str()) {
                self.file_document(&cda_id, &ins, now)?;
                filed += 1;
            }
        }
        Ok(filed)
    }

    /// The INS of the file the document with this CDA `id` was filed in.
    pub fn filed_in(&self, cda_id: &str) -> Result<Option<String>> {
        Ok(self
            .connection
            .query_row(
                "SELECT ins FROM filed_document WHERE cda_id = ?1",
                params![cda_id],
                |row| row.get(0),
            )
            .optional()?)
    }
}
