//! Health documents: the `IHE_XDM.ZIP` archive of an MSSanté message and the CDA R2 documents
//! it carries (RULES.md §4, Référentiel #2 ECO.2.1.x and ECO.2.4.x; IHE ITI TF vol. 1 ch. 16,
//! ITI-32).
//!
//! Reading goes archive → `METADATA.XML` of every submission set → each document entry, its file
//! checked against the declared size and SHA-1 → the CDA header and body. What cannot be read
//! in a readable archive is a [`XdmProblem`] beside the documents; an archive that cannot be
//! opened at all is a [`XdmError`]. Neither carries a sentence: the faces put them in words.
//!
//! - `archive`: the zip opened in memory under hard limits;
//! - `xml`: a bounded XML tree that refuses DOCTYPEs and entities;
//! - `metadata`: the ebRIM `SubmitObjectsRequest` (3.0 and 2.1);
//! - `cda`: the CDA header, the level 1 PDF, the level 3 narrative as text;
//! - `patient`: the patient of the documents against the message's.
//!
//! Nothing here logs: names, INS and document content are health data.

mod archive;
pub mod build;
mod cda;
mod metadata;
mod patient;
mod xml;

pub use cda::MAX_PDF_BYTES;
pub use patient::check_against_message;

use serde::Serialize;
use thiserror::Error;

/// INS OIDs (RULES.md §3 and §4): the matricule is an NIR, an NIA, or one of the two kinds of
/// INS that exist only for testing and demonstration.
pub const OID_INS_NIR: &str = "1.2.250.1.213.1.4.8";
pub const OID_INS_NIA: &str = "1.2.250.1.213.1.4.9";
pub const OID_INS_TEST: &str = "1.2.250.1.213.1.4.10";
pub const OID_INS_DEMO: &str = "1.2.250.1.213.1.4.11";
/// The RPPS number of a health professional (CDA `assignedAuthor/id/@root`, XCN assigning
/// authority).
pub const OID_RPPS: &str = "1.2.250.1.71.4.2.1";

/// Why an archive could not be read at all. The message around it stays readable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum XdmError {
    #[error("not a zip archive, or a damaged or truncated one")]
    Damaged,
    #[error("the archive is larger than {limit_mb} MB")]
    ArchiveTooLarge { limit_mb: u64 },
    #[error("the archive has more than {limit} files")]
    TooManyEntries { limit: usize },
    #[error("a file of the archive is larger than {limit_mb} MB once decompressed")]
    EntryTooLarge { limit_mb: u64 },
    #[error("the archive is larger than {limit_mb} MB once decompressed")]
    TooLarge { limit_mb: u64 },
    #[error("a file of the archive decompresses far beyond its size (a zip bomb)")]
    Bomb,
    #[error("a file name of the archive could leave its folder or names a device")]
    UnsafeName,
    #[error("the archive's folders are nested too deeply")]
    TooDeep,
    #[error("the archive is encrypted or compressed in a way Pli does not read")]
    Unsupported,
    #[error("the archive has no IHE_XDM/…/METADATA.XML")]
    NotXdm,
}

/// Why a piece of an XML file was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum XmlProblem {
    /// A DOCTYPE: refused so that no entity is expanded and no external file is read.
    DocType,
    /// An entity other than the five of XML itself.
    Entity,
    /// Nested or repeated beyond any real document.
    TooLarge,
    Malformed,
}

impl From<xml::XmlError> for XmlProblem {
    fn from(error: xml::XmlError) -> Self {
        match error {
            xml::XmlError::DocType => XmlProblem::DocType,
            xml::XmlError::Entity => XmlProblem::Entity,
            xml::XmlError::TooDeep | xml::XmlError::TooManyNodes => XmlProblem::TooLarge,
            xml::XmlError::Malformed => XmlProblem::Malformed,
        }
    }
}

/// Something wrong in an archive that was read: said beside the documents, never fatal. File
/// names are the archive's own (`DOC0001.XML`), not the patient's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum XdmProblem {
    /// A METADATA.XML that is not readable XML, or holds no `SubmitObjectsRequest`.
    MetadataUnreadable { file: String, reason: XmlProblem },
    /// More document entries than a message carries; the first `limit` were read.
    TooManyDocuments { limit: usize },
    /// A submission set that lists no document.
    NoDocumentEntry { file: String },
    /// A document entry without a `URI` slot whose file could not be guessed.
    NoUri { file: String },
    /// The file a document entry names is not in the archive.
    MissingFile { uri: String },
    /// The file is not the size the metadata declare.
    SizeMismatch {
        uri: String,
        declared: u64,
        actual: u64,
    },
    /// The file's SHA-1 is not the one the metadata declare: it may have been altered.
    HashMismatch { uri: String },
    /// The metadata give no hash, so the file cannot be checked.
    NotVerifiable { uri: String },
    /// The document is meant to be a CDA but cannot be read as one.
    CdaUnreadable { uri: String, reason: XmlProblem },
    /// The level 1 PDF is not valid base64.
    PdfDamaged { uri: String },
    /// The level 1 PDF is larger than [`MAX_PDF_BYTES`].
    PdfTooLarge { uri: String, limit_mb: u64 },
    /// The metadata and the CDA of one document name two different patients.
    PatientDiffers { uri: String },
    /// Documents of the message name different patients (a message is about one: ECO.2.1.1).
    SeveralPatients,
    /// The documents' INS is not the one of the patient the message is addressed to or from.
    NotTheMessagesPatient,
    /// The message says `X-MSS-INS: O` but no document carries an INS (ECO.2.4.2).
    InsHeaderWithoutIns,
    /// The message says `X-MSS-INS: N` but a document carries an INS (ECO.2.4.2).
    InsHeaderDeniesIns,
    /// The message's `X-MSS-CODECDA` does not list the codes of its CDA documents (ECO.2.4.1):
    /// the sender's system describes the documents as something else than they are.
    CodeCdaDiffers { header: String, documents: String },
}

/// An identifier as HL7 writes it: an `extension` within the namespace named by the `root` OID
/// (a CDA root alone, with no extension, is its own identifier).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Identifier {
    pub root: String,
    pub extension: Option<String>,
}

impl Identifier {
    /// `root^extension` as one string, to compare and to show.
    pub fn display(&self) -> String {
        match &self.extension {
            Some(extension) => format!("{}^{extension}", self.root),
            None => self.root.clone(),
        }
    }
}

/// What kind of patient identifier a document uses, from its OID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PatientIdKind {
    InsNir,
    InsNia,
    /// A test INS: a real document never carries one.
    InsTest,
    /// A demonstration INS.
    InsDemo,
    /// A local identifier (an IPP) or a foreign one.
    Other,
}

impl PatientIdKind {
    pub fn from_oid(oid: &str) -> Self {
        match oid.trim() {
            OID_INS_NIR => PatientIdKind::InsNir,
            OID_INS_NIA => PatientIdKind::InsNia,
            OID_INS_TEST => PatientIdKind::InsTest,
            OID_INS_DEMO => PatientIdKind::InsDemo,
            _ => PatientIdKind::Other,
        }
    }

    pub fn is_ins(self) -> bool {
        self != PatientIdKind::Other
    }
}

/// A patient identifier as a document gives it: the matricule and the OID of its namespace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PatientId {
    pub id: String,
    pub oid: String,
    pub kind: PatientIdKind,
}

impl PatientId {
    pub fn new(id: &str, oid: &str) -> Self {
        PatientId {
            id: id.trim().to_owned(),
            oid: oid.trim().to_owned(),
            kind: PatientIdKind::from_oid(oid),
        }
    }

    /// An HL7 v2 CX value as XDS writes a patient: `279035121518989^^^&1.2.250.1.213.1.4.10&ISO^NH`.
    pub fn from_cx(value: &str) -> Option<Self> {
        let mut components = value.trim().split('^');
        let id = components.next()?.trim();
        let authority = components.nth(2)?;
        let oid = authority.split('&').nth(1)?.trim();
        (!id.is_empty() && !oid.is_empty()).then(|| PatientId::new(id, oid))
    }
}

/// The patient as the document names them: never taken from the subject (RULES.md §4).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Patient {
    /// Every identifier given, INS first when there is one.
    pub ids: Vec<PatientId>,
    /// `family[@qualifier='BR']`, or the first family name.
    pub birth_name: Option<String>,
    /// The birth given names as written (`given` without a qualifier), e.g. "DOMINIQUE
    /// MARIE-LOUISE"; the first one otherwise.
    pub given_names: Option<String>,
    /// `given[@qualifier='BR']`: the first birth given name.
    pub first_given_name: Option<String>,
    /// `administrativeGenderCode/@code`: F, M or U.
    pub sex: Option<String>,
    /// `birthTime`, as written (YYYYMMDD).
    pub birth_date: Option<String>,
    /// `birthplace/place/addr/county`: the INSEE code of the commune (COG).
    pub birth_place: Option<String>,
}

impl Patient {
    /// The INS among the identifiers, when there is one.
    pub fn ins(&self) -> Option<&PatientId> {
        self.ids.iter().find(|id| id.kind.is_ins())
    }
}

/// A code with its system and the name the sender gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Code {
    pub code: String,
    pub system: Option<String>,
    pub display_name: Option<String>,
}

/// Who wrote a document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Author {
    /// Given names then family name, as a person reads them.
    pub person: Option<String>,
    /// The RPPS number when the identifier is one.
    pub rpps: Option<String>,
    /// The identifier as given, RPPS or other.
    pub id: Option<Identifier>,
    pub organisation: Option<String>,
}

/// A document entry of METADATA.XML (an ebRIM `ExtrinsicObject`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MetadataEntry {
    /// `XDSDocumentEntry.uniqueId`.
    pub unique_id: Option<String>,
    /// `XDSDocumentEntry.patientId`, the patient the receiver files the document under
    /// (ECO.2.1.2).
    pub patient_id: Option<PatientId>,
    pub title: Option<String>,
    pub type_code: Option<Code>,
    pub creation_time: Option<String>,
    pub mime_type: Option<String>,
    pub authors: Vec<Author>,
    pub uri: Option<String>,
    pub size: Option<u64>,
    /// SHA-1, lower-case hex.
    pub hash: Option<String>,
}

/// Whether a document's file matches what the metadata declare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Integrity {
    /// Size (when given) and SHA-1 match.
    Verified,
    /// The size or the SHA-1 differ: see the problems.
    Mismatch,
    /// No hash to check against.
    NotVerifiable,
    /// The file is not in the archive.
    Missing,
}

/// The CDA header: what the document says it is, about whom, by whom.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CdaHeader {
    pub id: Option<Identifier>,
    pub set_id: Option<Identifier>,
    pub version: Option<String>,
    /// `ClinicalDocument/code`: the document type (mostly LOINC), for `X-MSS-CODECDA`.
    pub code: Option<Code>,
    pub title: Option<String>,
    /// `effectiveTime`, as written (YYYYMMDDhhmmss±zzzz).
    pub effective_time: Option<String>,
    pub confidentiality: Option<Code>,
    pub patient: Patient,
    pub authors: Vec<Author>,
    /// The organisation that keeps the original.
    pub custodian: Option<String>,
    /// `relatedDocument[@typeCode='RPLC']/parentDocument/id`: the document this one replaces.
    pub replaces: Option<Identifier>,
}

/// The body of a CDA: level 1 wraps a file, level 3 has sections.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "level", rename_all = "kebab-case")]
pub enum CdaBody {
    /// `nonXMLBody`: the wrapped file, decoded only on demand ([`document_pdf`]).
    Level1 {
        media_type: Option<String>,
        /// Decoded size, when the base64 is sound and within [`MAX_PDF_BYTES`].
        size: Option<u64>,
    },
    /// `structuredBody`: each section's narrative as text.
    Level3 { sections: Vec<Section> },
    /// No body the reader knows.
    None,
}

/// A section of a level 3 CDA, its narrative rendered as plain text (paragraphs, lists and
/// tables laid out with line breaks and tabs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    pub title: Option<String>,
    /// Nesting: 1 for a top section, 2 for a section in it…
    pub depth: usize,
    pub text: String,
}

/// A CDA document read from the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CdaDocument {
    pub header: CdaHeader,
    pub body: CdaBody,
}

/// One document of an archive: what METADATA.XML says of it and, when it is a CDA, what the
/// document itself says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HealthDocument {
    /// The submission set's folder, e.g. `IHE_XDM/SUBSET01`.
    pub subset: String,
    /// The file in the archive, when found.
    pub path: Option<String>,
    pub metadata: MetadataEntry,
    pub integrity: Integrity,
    pub cda: Option<CdaDocument>,
}

impl HealthDocument {
    /// The patient's INS, from the CDA header first (the document itself), else the metadata.
    pub fn ins(&self) -> Option<&PatientId> {
        self.cda
            .as_ref()
            .and_then(|cda| cda.header.patient.ins())
            .or_else(|| {
                self.metadata
                    .patient_id
                    .as_ref()
                    .filter(|id| id.kind.is_ins())
            })
    }

    /// The document type: the CDA `code`, else the metadata's `typeCode`.
    pub fn type_code(&self) -> Option<&Code> {
        self.cda
            .as_ref()
            .and_then(|cda| cda.header.code.as_ref())
            .or(self.metadata.type_code.as_ref())
    }

    pub fn title(&self) -> Option<&str> {
        self.cda
            .as_ref()
            .and_then(|cda| cda.header.title.as_deref())
            .or(self.metadata.title.as_deref())
    }
}

/// What an archive holds, with what was wrong in it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct XdmReading {
    pub documents: Vec<HealthDocument>,
    pub problems: Vec<XdmProblem>,
}

/// The health documents of one `IHE_XDM.ZIP` attachment of a message: read, or refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MessageDocuments {
    /// The attachment's index in the reading model's `attachments`.
    pub attachment: usize,
    /// Why the archive could not be read; the documents are then empty.
    pub refused: Option<XdmError>,
    pub documents: Vec<HealthDocument>,
    pub problems: Vec<XdmProblem>,
    /// The message says (`X-MSS-INS: N`, ECO.2.4.2) that the archive names its patient by no
    /// qualified INS — a local identifier of the sender's structure — and no document names
    /// one: the reader says the identity is not qualified.
    pub unqualified_identity: bool,
}

impl MessageDocuments {
    pub fn new(attachment: usize, reading: Result<XdmReading, XdmError>) -> Self {
        match reading {
            Ok(reading) => MessageDocuments {
                attachment,
                refused: None,
                documents: reading.documents,
                problems: reading.problems,
                unqualified_identity: false,
            },
            Err(error) => MessageDocuments {
                attachment,
                refused: Some(error),
                documents: Vec::new(),
                problems: Vec::new(),
                unqualified_identity: false,
            },
        }
    }
}

/// Whether an attachment is the `IHE_XDM.ZIP` of a message carrying health documents: by its
/// name in any case, sent as a zip or as bytes.
pub fn is_xdm_attachment(file_name: Option<&str>, content_type: &str) -> bool {
    file_name.is_some_and(|name| name.trim().eq_ignore_ascii_case("IHE_XDM.ZIP"))
        && matches!(
            content_type.trim().to_ascii_lowercase().as_str(),
            "application/zip"
                | "application/x-zip-compressed"
                | "application/x-zip"
                | "application/octet-stream"
        )
}

/// Reads an `IHE_XDM.ZIP` in memory: its documents, each checked against its metadata, with
/// the problems found. Never writes to disk, never panics; refuses a hostile archive.
pub fn read_archive(bytes: &[u8]) -> Result<XdmReading, XdmError> {
    let entries = archive::open(bytes)?;
    let reading = metadata::read_documents(&entries)?;
    Ok(patient::check_documents(reading))
}

/// The PDF of a level 1 document of an archive (`document` indexes [`XdmReading::documents`]),
/// decoded for "open" and "save". `None` when that document has no PDF.
pub fn document_pdf(bytes: &[u8], document: usize) -> Result<Option<Vec<u8>>, XdmError> {
    let entries = archive::open(bytes)?;
    let reading = metadata::read_documents(&entries)?;
    let Some(path) = reading
        .documents
        .get(document)
        .and_then(|document| document.path.as_deref())
    else {
        return Ok(None);
    };
    Ok(entries
        .iter()
        .find(|entry| entry.name == path)
        .and_then(|entry| cda::pdf_of(&entry.bytes)))
}
