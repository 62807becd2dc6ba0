//! The `IHE_XDM.ZIP` media (IHE ITI TF vol. 1 ch. 16, vol. 2 ITI-32): `INDEX.HTM` and
//! `README.TXT` at the root, the submission set in `IHE_XDM/SUBSET01/` with its `METADATA.XML`
//! and one `DOCnnnn.XML` per CDA, names upper-case 8.3 (RULES.md).
//!
//! `README.TXT` follows the French template of `ans-drimbox-xdm/KA202401/README.TXT` (sender,
//! sending application, instructions, tree); `INDEX.HTM` the XHTML page beside it, which only
//! points at the README.

use std::io::Write;

use chrono::{DateTime, FixedOffset};
use sha1::{Digest, Sha1};
use zip::write::SimpleFileOptions;

use super::cda::{self, CdaIds};
use super::metadata::{self, EntryFile, SubmissionIds};
use super::{escape, fresh_oid, Author, DocumentInput, Patient};

/// The attachment's name in the message (ECO.2.1.1).
pub const ARCHIVE_NAME: &str = "IHE_XDM.ZIP";
/// The subset folder, relative to the media's root.
pub const SUBSET: &str = "IHE_XDM/SUBSET01";

/// A built media: the archive's bytes and what the message's headers say about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Archive {
    pub zip: Vec<u8>,
    /// The CDA `code` of each document, in archive order (`X-MSS-CODECDA`, ECO.2.4.1).
    pub cda_codes: Vec<String>,
    /// The CDA `id/@root` of each document.
    pub document_ids: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("the archive cannot be written: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("the archive cannot be written: {0}")]
    Io(#[from] std::io::Error),
}

/// Builds the CDA of each document, its metadata, and the media holding them.
pub fn build(
    patient: &Patient,
    author: &Author,
    documents: &[DocumentInput],
    created: &DateTime<FixedOffset>,
    application: &str,
) -> Result<Archive, ArchiveError> {
    let mut files = Vec::with_capacity(documents.len());
    for (index, document) in documents.iter().enumerate() {
        let ids = CdaIds {
            document: fresh_oid(&document.pdf),
            set: fresh_oid(&document.pdf),
        };
        let xml = cda::level_one(patient, author, document, &ids, created).into_bytes();
        let sha1 = hex::encode_upper(Sha1::digest(&xml));
        files.push((format!("DOC{:04}.XML", index + 1), ids.document, xml, sha1));
    }
    let entries: Vec<EntryFile<'_>> = files
        .iter()
        .zip(documents)
        .map(|((uri, id, xml, sha1), document)| EntryFile {
            document,
            unique_id: id,
            uri,
            sha1,
            size: xml.len(),
        })
        .collect();
    let set_id = fresh_oid(b"submission set");
    let submission = SubmissionIds {
        unique_id: &set_id,
        // The sending system: a box is not a registered XDS source, so its own fresh OID.
        source_id: &set_id,
    };
    let metadata =
        metadata::submit_objects_request(patient, author, &entries, &submission, created);
    let names: Vec<&str> = files.iter().map(|(name, ..)| name.as_str()).collect();

    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o644);
    if let Some(time) = zip_time(created) {
        options = options.last_modified_time(time);
    }
    zip.start_file("INDEX.HTM", options)?;
    zip.write_all(index_htm(author).as_bytes())?;
    zip.start_file("README.TXT", options)?;
    zip.write_all(readme_txt(author, application, &names).as_bytes())?;
    // The folders have entries of their own, as in the IHE samples, for tools that extract
    // them one by one.
    zip.add_directory("IHE_XDM/", options.unix_permissions(0o755))?;
    zip.add_directory(format!("{SUBSET}/"), options.unix_permissions(0o755))?;
    zip.start_file(format!("{SUBSET}/METADATA.XML"), options)?;
    zip.write_all(metadata.as_bytes())?;
    for (name, _, xml, _) in &files {
        zip.start_file(format!("{SUBSET}/{name}"), options)?;
        zip.write_all(xml)?;
    }
    let zip = zip.finish()?.into_inner();
    Ok(Archive {
        zip,
        cda_codes: documents
            .iter()
            .map(|document| document.document_type.code.clone())
            .collect(),
        document_ids: files.into_iter().map(|(_, id, ..)| id).collect(),
    })
}

/// The local time the media was made, as a ZIP entry stores it; `None` outside what the
/// format can hold (before 1980), when the entries keep the format's default.
fn zip_time(created: &DateTime<FixedOffset>) -> Option<zip::DateTime> {
    use chrono::{Datelike, Timelike};
    zip::DateTime::from_date_and_time(
        u16::try_from(created.year()).ok()?,
        u8::try_from(created.month()).ok()?,
        u8::try_from(created.day()).ok()?,
        u8::try_from(created.hour()).ok()?,
        u8::try_from(created.minute()).ok()?,
        u8::try_from(created.second()).ok()?,
    )
    .ok()
}

fn sender(author: &Author) -> String {
    let person = [
        author.title.trim(),
        author.given_name.trim(),
        author.family_name.trim(),
    ]
    .into_iter()
    .filter(|part| !part.is_empty())
    .collect::<Vec<_>>()
    .join(" ");
    match (person.is_empty(), author.organisation.trim()) {
        (true, "") => author.address.trim().to_owned(),
        (true, organisation) => organisation.to_owned(),
        (false, _) => person,
    }
}

fn index_htm(author: &Author) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">\n\
         <html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"fr\">\n\
         <head><title>Documents de santé</title></head>\n\
         <body>\n\
         <p>Emetteur : {}</p>\n\
         <p>Voir le fichier <a href=\"README.TXT\">README.TXT</a>.</p>\n\
         </body>\n\
         </html>\n",
        escape(&sender(author))
    )
}

fn readme_txt(author: &Author, application: &str, documents: &[&str]) -> String {
    let organisation = match author.organisation.trim() {
        "" => "-",
        name => name,
    };
    let mut text = format!(
        "Emetteur :\n=============\n    . Nom : {}\n    . Organisme : {organisation}\n    . Messagerie : {}\n\n\
         Application de l'emetteur :\n=========================\n    . Nom : Pli\n    . Version : {application}\n    . Editeur : Pli\n\n\
         Instructions :\n=============\n. Consultez les fichiers reçus par messagerie sécurisée de santé dans votre logiciel de professionnel de santé.\n\n\
         Arborescence :\n============\n     README.TXT\n     INDEX.HTM\n     IHE_XDM\n          SUBSET01\n               METADATA.XML\n",
        sender(author),
        author.address.trim()
    );
    for name in documents {
        text.push_str(&format!("               {name}\n"));
    }
    text
}
