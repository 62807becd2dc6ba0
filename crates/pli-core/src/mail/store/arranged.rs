//! The message list of a folder sorted by its health documents' patient or type, and filtered
//! to one type, one patient, or the documents not filed yet; and the types and patients present
//! in a folder to choose from. All of it reads the `health_document` rows of `documents.rs`,
//! never an archive, so it works offline and does not grow with the size of the bodies.
//!
//! A message is described by its first document (the one its row names); it matches a filter
//! when one of its documents does.
//!
//! Sorting a folder of 100,000 messages by patient must not sort 100,000 rows for each screen:
//! the messages with a document (a few thousand at most) are sorted and come first, then the
//! others follow newest first, read through the date index like the plain list.

use rusqlite::{params, params_from_iter, types::Value, OptionalExtension};

use super::{envelope_from_row_at, Envelope, Result, Store};

/// How the list is sorted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum ListOrder {
    /// Newest first: the plain list.
    #[default]
    Date,
    /// By the patient the first document names, then newest first.
    Patient,
    /// By the type of the first document, then newest first.
    DocumentType,
}

/// A patient as the documents of a folder name them: by INS when a document carries one (or
/// was filed in a patient's file), else by the name the document gives.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PatientChoice {
    pub ins: Option<String>,
    /// The patient as a document names them ("LEFEVRE Jeanne Marie").
    pub name: String,
}

/// A document type present in a folder: its code (else its name) as the filter's key, and
/// what the list says of it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TypeChoice {
    pub key: String,
    pub label: String,
}

/// The sort and filters of the list. The default is the plain list, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListArrangement {
    pub order: ListOrder,
    /// Only the messages with a document of this type (its [`TypeChoice::key`]).
    pub document_type: Option<String>,
    /// Only the messages with a document about this patient.
    pub patient: Option<PatientChoice>,
    /// Only the messages with a document not filed in a patient's file yet.
    pub unfiled_only: bool,
}

impl ListArrangement {
    pub fn filters(&self) -> bool {
        self.document_type.is_some() || self.patient.is_some() || self.unfiled_only
    }

    pub fn is_plain(&self) -> bool {
        self.order == ListOrder::Date && !self.filters()
    }
}

/// What a row says of its message's health documents: the first one's type and patient, and
/// whether every document with an id was filed in a patient's file (`None`: none has an id, so
/// none can be filed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentLabel {
    pub document_type: String,
    pub patient: String,
    pub filed: Option<bool>,
}

/// The document types and patients of a folder's messages, to filter on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentChoices {
    pub types: Vec<TypeChoice>,
    pub patients: Vec<PatientChoice>,
}

const ENVELOPE: &str = "m.uid, m.modseq, m.flags, m.date, m.size, m.subject, m.from_name,
    m.from_address, m.recipients, m.message_id, m.in_reply_to, m.refs, m.has_attachment";

/// The first document of each message of the folder `?1`: the one its row names. SQLite takes
/// the bare columns from the row `min()` picked. The documents drive every join (`CROSS JOIN`
/// keeps SQLite from walking the folder's messages instead): there are far fewer of them.
const FIRST_DOCUMENTS: &str = "SELECT d.message_id, coalesce(d.type_name, d.type_code, '') AS kind,
        d.patient AS patient, min(d.attachment * 65536 + d.rank)
     FROM health_document d CROSS JOIN message m ON m.id = d.message_id
     WHERE m.folder_id = ?1 GROUP BY d.message_id";

/// Whether every document of message `m` that has an id (only those can be filed) was filed;
/// NULL when none has one.
const ALL_FILED: &str = "CASE WHEN EXISTS (SELECT 1 FROM health_document x
        WHERE x.message_id = m.id AND x.cda_id IS NOT NULL)
     THEN NOT EXISTS (SELECT 1 FROM health_document x
        LEFT JOIN filed_document f ON f.cda_id = x.cda_id
        WHERE x.message_id = m.id AND x.cda_id IS NOT NULL AND f.cda_id IS NULL) END";

/// The condition a document `x` (with its filing `f`) meets for the filters, and its values.
fn document_condition(arrangement: &ListArrangement) -> (String, Vec<Value>) {
    let mut condition = String::from("1");
    let mut values = Vec::new();
    if let Some(key) = &arrangement.document_type {
        condition.push_str(" AND coalesce(x.type_code, x.type_name, '') = ?");
        values.push(Value::Text(key.clone()));
    }
    match &arrangement.patient {
        Some(PatientChoice { ins: Some(ins), .. }) => {
            condition.push_str(" AND coalesce(x.ins, f.ins) = ?");
            values.push(Value::Text(ins.clone()));
        }
        Some(PatientChoice { ins: None, name }) => {
            condition.push_str(" AND coalesce(x.ins, f.ins) IS NULL AND x.patient = ?");
            values.push(Value::Text(name.clone()));
        }
        None => {}
    }
    if arrangement.unfiled_only {
        condition.push_str(" AND x.cda_id IS NOT NULL AND f.cda_id IS NULL");
    }
    (condition, values)
}

fn order_by(order: ListOrder) -> &'static str {
    match order {
        ListOrder::Patient => {
            "first.patient = '', first.patient COLLATE NOCASE, m.date DESC, m.uid DESC"
        }
        ListOrder::DocumentType => {
            "first.kind = '', first.kind COLLATE NOCASE, m.date DESC, m.uid DESC"
        }
        ListOrder::Date => "m.date DESC, m.uid DESC",
    }
}

fn arranged_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<(Envelope, Option<DocumentLabel>)> {
    let envelope = envelope_from_row_at(row, 0)?;
    let kind: Option<String> = row.get(13)?;
    let label = match kind {
        Some(document_type) => Some(DocumentLabel {
            document_type,
            patient: row.get(14)?,
            filed: row.get(15)?,
        }),
        None => None,
    };
    Ok((envelope, label))
}

impl Store {
    /// How many messages of the folder the arranged list holds.
    pub fn arranged_count(&self, folder: i64, arrangement: &ListArrangement) -> Result<usize> {
        if !arrangement.filters() {
            return self.count(folder);
        }
        let (condition, values) = document_condition(arrangement);
        let sql = format!(
            "SELECT count(DISTINCT x.message_id) FROM health_document x
             CROSS JOIN message m ON m.id = x.message_id
             LEFT JOIN filed_document f ON f.cda_id = x.cda_id
             WHERE m.folder_id = ? AND {condition}"
        );
        let mut all = vec![Value::Integer(folder)];
        all.extend(values);
        let count: i64 = self
            .connection
            .prepare_cached(&sql)?
            .query_row(params_from_iter(all), |row| row.get(0))?;
        Ok(count as usize)
    }

    /// A window of the arranged list, each message with what its row says of its documents.
    pub fn arranged_page(
        &self,
        folder: i64,
        arrangement: &ListArrangement,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<(Envelope, Option<DocumentLabel>)>> {
        if arrangement.filters() {
            return self.filtered_page(folder, arrangement, offset, limit);
        }
        if arrangement.order == ListOrder::Date {
            return self.labelled_page(folder, offset, limit);
        }
        // The messages with a document, sorted, then the others newest first.
        let with_documents = self.messages_with_documents(folder)?;
        let mut rows = Vec::new();
        if offset < with_documents {
            let sql = format!(
                "WITH first AS ({FIRST_DOCUMENTS})
                 SELECT {ENVELOPE}, first.kind, first.patient, {ALL_FILED}
                 FROM first JOIN message m ON m.id = first.message_id
                 ORDER BY {} LIMIT ?2 OFFSET ?3",
                order_by(arrangement.order)
            );
            let mut statement = self.connection.prepare_cached(&sql)?;
            rows = statement
                .query_map(params![folder, limit as i64, offset as i64], arranged_row)?
                .collect::<rusqlite::Result<_>>()?;
        }
        let left = limit - rows.len().min(limit);
        if left > 0 {
            let mut statement = self.connection.prepare_cached(&format!(
                "SELECT {ENVELOPE}, NULL, NULL, NULL FROM message m
                 WHERE m.folder_id = ?1
                   AND NOT EXISTS (SELECT 1 FROM health_document x WHERE x.message_id = m.id)
                 ORDER BY m.date DESC, m.uid DESC LIMIT ?2 OFFSET ?3"
            ))?;
            let skip = offset.saturating_sub(with_documents);
            let rest = statement
                .query_map(params![folder, left as i64, skip as i64], arranged_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows.extend(rest);
        }
        Ok(rows)
    }

    /// The plain list, newest first, with each row's documents.
    fn labelled_page(
        &self,
        folder: i64,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<(Envelope, Option<DocumentLabel>)>> {
        let page = self.page(folder, offset, limit)?;
        page.into_iter()
            .map(|envelope| {
                let label = if envelope.has_attachment {
                    self.document_label(folder, envelope.uid)?
                } else {
                    None
                };
                Ok((envelope, label))
            })
            .collect()
    }

    fn filtered_page(
        &self,
        folder: i64,
        arrangement: &ListArrangement,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<(Envelope, Option<DocumentLabel>)>> {
        let (condition, values) = document_condition(arrangement);
        let sql = format!(
            "WITH first AS ({FIRST_DOCUMENTS}),
                  matching AS (SELECT DISTINCT x.message_id FROM health_document x
                      CROSS JOIN message m ON m.id = x.message_id
                      LEFT JOIN filed_document f ON f.cda_id = x.cda_id
                      WHERE m.folder_id = ?1 AND {condition})
             SELECT {ENVELOPE}, first.kind, first.patient, {ALL_FILED}
             FROM matching JOIN message m ON m.id = matching.message_id
             JOIN first ON first.message_id = m.id
             ORDER BY {} LIMIT ? OFFSET ?",
            order_by(arrangement.order)
        );
        let mut all = vec![Value::Integer(folder)];
        all.extend(values);
        all.push(Value::Integer(limit as i64));
        all.push(Value::Integer(offset as i64));
        let mut statement = self.connection.prepare_cached(&sql)?;
        let rows = statement
            .query_map(params_from_iter(all), arranged_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn messages_with_documents(&self, folder: i64) -> Result<usize> {
        let count: i64 = self.connection.query_row(
            "SELECT count(DISTINCT d.message_id) FROM health_document d
             CROSS JOIN message m ON m.id = d.message_id WHERE m.folder_id = ?1",
            params![folder],
            |row| row.get(0),
        )?;
        Ok(count as usize)
    }

    /// What one message's row says of its documents.
    pub fn document_label(&self, folder: i64, uid: u32) -> Result<Option<DocumentLabel>> {
        Ok(self
            .connection
            .prepare_cached(&format!(
                "SELECT coalesce(d.type_name, d.type_code, ''), d.patient, {ALL_FILED}
                 FROM health_document d JOIN message m ON m.id = d.message_id
                 WHERE m.folder_id = ?1 AND m.uid = ?2
                 ORDER BY d.attachment, d.rank LIMIT 1"
            ))?
            .query_row(params![folder, uid], |row| {
                Ok(DocumentLabel {
                    document_type: row.get(0)?,
                    patient: row.get(1)?,
                    filed: row.get(2)?,
                })
            })
            .optional()?)
    }

    /// The document types and the patients the documents of the folder's messages name, each
    /// once, in alphabetical order.
    pub fn document_choices(&self, folder: i64) -> Result<DocumentChoices> {
        let mut statement = self.connection.prepare_cached(
            "SELECT coalesce(d.type_code, d.type_name, '') AS key,
                    max(coalesce(d.type_name, d.type_code, '')) AS label
             FROM health_document d CROSS JOIN message m ON m.id = d.message_id
             WHERE m.folder_id = ?1 GROUP BY key HAVING key <> ''
             ORDER BY label COLLATE NOCASE",
        )?;
        let types = statement
            .query_map(params![folder], |row| {
                Ok(TypeChoice {
                    key: row.get(0)?,
                    label: row.get(1)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        // One patient per INS (the name of their latest document), and by name for the
        // documents that name no INS.
        let mut statement = self.connection.prepare_cached(
            "SELECT coalesce(d.ins, f.ins) AS ins, d.patient, max(m.date)
             FROM health_document d CROSS JOIN message m ON m.id = d.message_id
             LEFT JOIN filed_document f ON f.cda_id = d.cda_id
             WHERE m.folder_id = ?1 AND (coalesce(d.ins, f.ins) IS NOT NULL OR d.patient <> '')
             GROUP BY coalesce(coalesce(d.ins, f.ins), '#' || d.patient)
             ORDER BY d.patient COLLATE NOCASE",
        )?;
        let patients = statement
            .query_map(params![folder], |row| {
                Ok(PatientChoice {
                    ins: row.get(0)?,
                    name: row.get(1)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(DocumentChoices { types, patients })
    }
}
