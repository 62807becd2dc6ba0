//! `pli patient-file INS [--json]`: every message and health document about one patient across
//! the boxes of the profile, newest first, from the local store (no server is asked), as the
//! window's "Dossier du patient" shows it.

use serde::Serialize;

use super::Failure;
use crate::args;
use crate::documents::display_time;
use crate::i18n::I18n;
use crate::messages::Localize;
use pli_core::mssante::ins::Ins;
use pli_core::profile::Profile;
use pli_core::usecase::patient_file::{self, FileEntry};

#[derive(Serialize)]
struct Entry {
    /// `document` or `message`.
    kind: &'static str,
    account: String,
    folder: String,
    uid: u32,
    /// The message's date, seconds since 1970.
    date: i64,
    subject: Option<String>,
    title: Option<String>,
    type_code: Option<String>,
    type_name: Option<String>,
    cda_id: Option<String>,
    /// The CDA ids of the stored documents that replace this one.
    replaced_by: Vec<String>,
    filed: bool,
}

pub(super) fn run(profile: &Profile, ins: &str, json: bool, i18n: &I18n) -> Result<(), Failure> {
    let ins = ins
        .parse::<Ins>()
        .map_err(|error| Failure(crate::messages::ins_error(&error, i18n)))?;
    let file = patient_file::open(&profile.store_file(), &ins)
        .map_err(|error| Failure(error.localize(i18n)))?;
    let entries: Vec<Entry> = file.entries.iter().map(entry).collect();
    if json {
        let text =
            serde_json::to_string_pretty(&entries).map_err(|error| Failure(error.to_string()))?;
        println!("{text}");
        return Ok(());
    }
    println!(
        "{}",
        i18n.t_args("patient-file-title", args!["ins" => ins.grouped()])
    );
    if entries.is_empty() {
        println!("{}", i18n.t("patient-file-empty"));
    }
    for (entry, line) in file.entries.iter().zip(&entries) {
        let when = crate::ui::format::full_date(line.date);
        match entry {
            FileEntry::Document { document, .. } => {
                let kind = line
                    .type_name
                    .clone()
                    .or_else(|| line.type_code.clone())
                    .unwrap_or_default();
                let written = document
                    .written
                    .as_deref()
                    .map(display_time)
                    .unwrap_or_default();
                let filed = i18n.t(if line.filed {
                    "patient-file-filed"
                } else {
                    "patient-file-not-filed"
                });
                println!(
                    "{when}  [{}] {kind} — {} ({written}) · {} · {filed}",
                    i18n.t("document-card-badge"),
                    line.title.clone().unwrap_or_default(),
                    line.account
                );
                if !line.replaced_by.is_empty() {
                    println!("    {}", i18n.t("patient-file-replaced-short"));
                }
            }
            FileEntry::Message { .. } => println!(
                "{when}  {} · {}",
                line.subject.clone().unwrap_or_default(),
                line.account
            ),
        }
    }
    Ok(())
}

fn entry(entry: &FileEntry) -> Entry {
    match entry {
        FileEntry::Document {
            document,
            replaced_by,
        } => Entry {
            kind: "document",
            account: document.folder.account.clone(),
            folder: document.folder.name.clone(),
            uid: document.uid,
            date: document.received,
            subject: None,
            title: document.title.clone(),
            type_code: document.type_code.clone(),
            type_name: document.type_name.clone(),
            cda_id: document.cda_id.clone(),
            replaced_by: replaced_by
                .iter()
                .filter_map(|newer| newer.cda_id.clone())
                .collect(),
            filed: document.filed_in.is_some(),
        },
        FileEntry::Message { folder, envelope } => Entry {
            kind: "message",
            account: folder.account.clone(),
            folder: folder.name.clone(),
            uid: envelope.uid,
            date: envelope.date,
            subject: Some(envelope.subject.clone()),
            title: None,
            type_code: None,
            type_name: None,
            cda_id: None,
            replaced_by: Vec::new(),
            filed: false,
        },
    }
}
