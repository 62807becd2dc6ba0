//! `pli xdm inspect`: what an `IHE_XDM.ZIP` holds, read by the core as the reader reads a
//! received archive (`pli_core::xdm::read_archive`), for administrators and the systems that
//! check what a laboratory or a hospital sends. The text form is also what `pli show` prints
//! under a message carrying documents.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use serde_json::{json, Value};

use super::Failure;
use crate::args;
use crate::documents;
use crate::i18n::I18n;
use crate::messages::Localize;
use pli_core::xdm::{
    self, CdaBody, HealthDocument, Integrity, MessageDocuments, XdmError, XdmProblem,
};

#[derive(Debug, Subcommand)]
pub enum XdmCommand {
    /// The health documents of an IHE_XDM.ZIP archive: patient, type, title, dates, author,
    /// the checks of each file against the metadata, and the problems found (exit status 1
    /// when the archive cannot be read).
    Inspect {
        file: PathBuf,
        #[arg(long)]
        json: bool,
        /// Save the PDF of each level 1 document into this folder (`document-N.pdf`; an
        /// existing file is never replaced).
        #[arg(long, value_name = "DIR")]
        save_pdf: Option<PathBuf>,
    },
}

pub(super) fn run(command: XdmCommand, i18n: &I18n) -> Result<(), Failure> {
    match command {
        XdmCommand::Inspect {
            file,
            json,
            save_pdf,
        } => inspect(&file, json, save_pdf.as_deref(), i18n),
    }
}

fn inspect(file: &Path, json: bool, save_pdf: Option<&Path>, i18n: &I18n) -> Result<(), Failure> {
    let bytes = std::fs::read(file).map_err(|error| {
        Failure(i18n.t_args(
            "xdm-cannot-read-file",
            args!["path" => file.display().to_string(), "detail" => error.to_string()],
        ))
    })?;
    let reading = xdm::read_archive(&bytes);
    let archive = MessageDocuments::new(0, reading);
    if json {
        let mut out = json!({
            "file": file.display().to_string(),
            "refused": archive.refused.map(|error| refusal_json(error, i18n)),
            "documents": archive.documents,
            "problems": problems_json(&archive.problems, i18n),
        });
        if archive.refused.is_none() {
            if let Some(object) = out.as_object_mut() {
                object.remove("refused");
            }
        }
        println!(
            "{}",
            serde_json::to_string_pretty(&out).map_err(|error| Failure(error.to_string()))?
        );
    } else if archive.refused.is_none() {
        print!("{}", documents_as_text(&archive, i18n));
    }
    if let Some(error) = archive.refused {
        return Err(Failure(error.localize(i18n)));
    }
    if let Some(folder) = save_pdf {
        save_pdfs(&bytes, &archive.documents, folder, i18n)?;
    }
    if archive.documents.is_empty() {
        return Err(Failure(i18n.t_args("xdm-documents", args!["count" => 0])));
    }
    Ok(())
}

fn save_pdfs(
    bytes: &[u8],
    documents: &[HealthDocument],
    folder: &Path,
    i18n: &I18n,
) -> Result<(), Failure> {
    for (index, _) in documents.iter().enumerate() {
        let pdf = xdm::document_pdf(bytes, index).map_err(|error| Failure(error.localize(i18n)))?;
        let Some(pdf) = pdf else { continue };
        let path = folder.join(format!("document-{}.pdf", index + 1));
        let written = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut out| std::io::Write::write_all(&mut out, &pdf));
        written.map_err(|error| {
            Failure(i18n.t_args(
                "xdm-cannot-read-file",
                args!["path" => path.display().to_string(), "detail" => error.to_string()],
            ))
        })?;
        println!(
            "{}",
            i18n.t_args("xdm-pdf-saved", args!["path" => path.display().to_string()])
        );
    }
    Ok(())
}

/// A refusal as scripts read it: its kind and its sentence.
pub(super) fn refusal_json(error: XdmError, i18n: &I18n) -> Value {
    let mut value = serde_json::to_value(error).unwrap_or(Value::Null);
    if let Some(object) = value.as_object_mut() {
        object.insert("message".into(), Value::String(error.localize(i18n)));
    }
    value
}

/// Problems as scripts read them: each its kind, its fields and its sentence.
pub(super) fn problems_json(problems: &[XdmProblem], i18n: &I18n) -> Vec<Value> {
    problems
        .iter()
        .map(|problem| {
            let mut value = serde_json::to_value(problem).unwrap_or(Value::Null);
            if let Some(object) = value.as_object_mut() {
                object.insert("message".into(), Value::String(problem.localize(i18n)));
            }
            value
        })
        .collect()
}

/// The documents of an archive as a terminal shows them, problems last.
pub(super) fn documents_as_text(archive: &MessageDocuments, i18n: &I18n) -> String {
    let mut out = String::new();
    if let Some(error) = archive.refused {
        out.push_str(&format!("⚠ {}\n", error.localize(i18n)));
        return out;
    }
    out.push_str(&format!(
        "{}\n",
        i18n.t_args("xdm-documents", args!["count" => archive.documents.len()])
    ));
    if archive.unqualified_identity {
        // ECO.2.4.2: the message says the patient is named by no qualified INS.
        out.push_str(&format!("⚠ {}\n", i18n.t("document-card-unqualified")));
    }
    for (index, document) in archive.documents.iter().enumerate() {
        out.push_str(&format!("\n[{}]\n", index + 1));
        document_as_text(document, i18n, &mut out);
    }
    for problem in &archive.problems {
        out.push_str(&format!("⚠ {}\n", problem.localize(i18n)));
    }
    out
}

fn document_as_text(document: &HealthDocument, i18n: &I18n, out: &mut String) {
    let mut line = |label: &str, value: Option<String>| {
        if let Some(value) = value.filter(|value| !value.is_empty()) {
            out.push_str(&format!("  {}: {value}\n", i18n.t(label)));
        }
    };
    let cda = document.cda.as_ref();
    line("xdm-document-type", documents::type_line(document));
    line("xdm-document-title", document.title().map(str::to_owned));
    line("xdm-document-date", documents::date_line(document));
    line(
        "xdm-document-patient",
        Some(documents::patient_line(document, i18n)),
    );
    for author in documents::authors(document) {
        line("xdm-document-author", Some(documents::author_line(author)));
    }
    line(
        "xdm-document-custodian",
        cda.and_then(|cda| cda.header.custodian.clone()),
    );
    line(
        "xdm-document-replaces",
        cda.and_then(|cda| cda.header.replaces.as_ref())
            .map(|id| id.display()),
    );
    line(
        "xdm-document-id",
        cda.and_then(|cda| cda.header.id.as_ref())
            .map(|id| id.display()),
    );
    let integrity = match document.integrity {
        Integrity::Verified => "xdm-document-integrity-verified",
        Integrity::Mismatch => "xdm-document-integrity-mismatch",
        Integrity::NotVerifiable => "xdm-document-integrity-not-verifiable",
        Integrity::Missing => "xdm-document-integrity-missing",
    };
    line(
        "xdm-document-file",
        Some(format!(
            "{} ({})",
            document
                .path
                .as_deref()
                .or(document.metadata.uri.as_deref())
                .unwrap_or("?"),
            i18n.t(integrity)
        )),
    );
    match cda.map(|cda| &cda.body) {
        Some(CdaBody::Level1 {
            size: Some(size), ..
        }) => {
            out.push_str(&format!(
                "  {}\n",
                i18n.t_args("xdm-document-pdf", args!["size" => format!("{size} o")])
            ));
        }
        Some(CdaBody::Level3 { sections }) => {
            for section in sections {
                let indent = "  ".repeat(section.depth);
                if let Some(title) = &section.title {
                    out.push_str(&format!("\n{indent}## {title}\n"));
                }
                for text_line in section.text.lines() {
                    out.push_str(&format!("{indent}{text_line}\n"));
                }
            }
        }
        _ => {}
    }
}
