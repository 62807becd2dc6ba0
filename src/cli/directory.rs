//! `pli directory import FILE`, `pli directory refresh`, `pli directory search QUERY [--online]`,
//! `pli directory key set|remove|status`: the national directory from the command line.

use crate::messages::Localize;
use std::io::Write;
use std::ops::ControlFlow;
use std::path::Path;

use super::{DirectoryKeyCommand, Failure};
use crate::args;
use crate::i18n::I18n;
use pli_core::directory::fhir::FhirClient;
use pli_core::directory::online::look_up;
use pli_core::directory::refresh::{directory_file, refresh, Refresh, ANS_EXTRACTION_URL};
use pli_core::directory::{BoxType, Directory, Entry, Origin, Progress, Query, Row};
use pli_core::mail::connect::ConnectError;
use pli_core::mail::secrets::{Secret, WorkstationSecret};
use pli_core::profile::Profile;
use pli_core::settings::ProfileSettings;

fn open(profile: &Profile, i18n: &I18n) -> Result<Directory, Failure> {
    profile.ensure_folders().map_err(|error| {
        Failure(i18n.t_args("error-profile", args!["detail" => error.to_string()]))
    })?;
    Directory::open(directory_file(profile.data_dir())).map_err(|error| {
        Failure(i18n.t_args("directory-error", args!["detail" => error.to_string()]))
    })
}

/// Prints progress on standard error, once per percent at most.
fn progress_printer(quiet: bool) -> impl FnMut(&Progress) -> ControlFlow<()> {
    let mut last = u32::MAX;
    move |progress: &Progress| {
        if !quiet {
            if let Some(fraction) = progress.fraction() {
                let percent = (fraction * 100.0) as u32;
                if percent != last {
                    last = percent;
                    eprint!("\r{percent:3} %  {} rows", progress.rows);
                    let _ = std::io::stderr().flush();
                }
            }
        }
        ControlFlow::Continue(())
    }
}

pub(super) fn import(
    profile: &Profile,
    file: &Path,
    json: bool,
    i18n: &I18n,
) -> Result<(), Failure> {
    let directory = open(profile, i18n)?;
    let report = directory
        .import_file(file, progress_printer(json))
        .map_err(|error| {
            Failure(i18n.t_args(
                "directory-import-failed",
                args!["detail" => error.to_string()],
            ))
        })?;
    if !json {
        eprintln!();
    }
    print_report(&report, json, i18n)
}

fn print_report(
    report: &pli_core::directory::ImportReport,
    json: bool,
    i18n: &I18n,
) -> Result<(), Failure> {
    if json {
        let value = serde_json::json!({
            "rows": report.rows,
            "entries": report.entries,
            "merged_rows": report.merged_rows,
            "skipped_rows": report.skipped_rows,
            "seconds": report.elapsed.as_secs_f64(),
        });
        println!("{value}");
    } else {
        println!(
            "{}",
            i18n.t_args(
                "directory-imported",
                args![
                    "rows" => report.rows,
                    "entries" => report.entries,
                    "skipped" => report.skipped_rows,
                    "seconds" => format!("{:.1}", report.elapsed.as_secs_f64())
                ]
            )
        );
        for issue in report.issues.iter().take(20) {
            eprintln!("  {issue}");
        }
    }
    Ok(())
}

pub(super) fn refresh_from(
    profile: &Profile,
    url: Option<&str>,
    force: bool,
    json: bool,
    i18n: &I18n,
) -> Result<(), Failure> {
    let directory = open(profile, i18n)?;
    let url = url.unwrap_or(ANS_EXTRACTION_URL);
    let state = profile.data_dir().join("directory-source.toml");
    let work = profile.data_dir().join("downloads");
    match refresh(
        &directory,
        url,
        &state,
        &work,
        force,
        progress_printer(json),
    )
    .map_err(|error| {
        Failure(i18n.t_args(
            "directory-import-failed",
            args!["detail" => error.to_string()],
        ))
    })? {
        Refresh::NotDue => println!("{}", i18n.t("directory-not-due")),
        Refresh::Unchanged => println!("{}", i18n.t("directory-unchanged")),
        Refresh::Imported(report) => {
            if !json {
                eprintln!();
            }
            print_report(&report, json, i18n)?;
        }
    }
    Ok(())
}

#[derive(serde::Serialize)]
struct Found<'a> {
    address: &'a str,
    name: String,
    box_type: &'a str,
    profession: &'a str,
    specialty: &'a str,
    structure: &'a str,
    service: &'a str,
    postcode: &'a str,
    town: &'a str,
    /// `file`, `confirmed` (in the file and online) or `online` (only online).
    origin: Origin,
}

fn found(row: &Row) -> Found<'_> {
    let entry = &row.entry;
    Found {
        address: &entry.address,
        name: entry.display_name(),
        box_type: entry.box_type.code(),
        profession: &entry.profession,
        specialty: &entry.specialty,
        structure: &entry.structure,
        service: &entry.service,
        postcode: &entry.postcode,
        town: &entry.town,
        origin: row.origin,
    }
}

/// The options of `pli directory search`.
pub(super) struct Filters<'a> {
    pub profession: Option<&'a str>,
    pub box_type: Option<&'a str>,
    pub department: Option<&'a str>,
    pub limit: usize,
    /// Also ask the online Annuaire Santé and merge its answer.
    pub online: bool,
}

pub(super) fn search(
    profile: &Profile,
    text: &str,
    filters: Filters<'_>,
    json: bool,
    i18n: &I18n,
) -> Result<(), Failure> {
    let directory = open(profile, i18n)?;
    let imported = directory.status().is_some();
    if !imported && !filters.online {
        return Err(Failure(i18n.t("directory-empty")));
    }
    let mut query = Query::parse(text).limit(filters.limit);
    if let Some(profession) = filters.profession {
        query = query.profession(profession);
    }
    let wanted_type = filters
        .box_type
        .map(|code| BoxType::from_code(&code.to_ascii_uppercase()));
    if let Some(box_type) = &wanted_type {
        query = query.box_type(box_type.clone());
    }
    if let Some(department) = filters.department {
        query = query.department(department);
    }
    let hits = if imported {
        directory.search(&query).map_err(|error| {
            Failure(i18n.t_args("directory-error", args!["detail" => error.to_string()]))
        })?
    } else {
        Vec::new()
    };
    let local: Vec<Entry> = hits.into_iter().map(|hit| hit.entry).collect();
    let mut rows = if filters.online {
        online(profile, &directory, local, text, filters.limit, i18n)?
    } else {
        local.into_iter().map(Row::from_file).collect()
    };
    // The API says neither the profession nor the department of what it adds: with those
    // filters, only the boxes the file describes are kept.
    rows.retain(|row| {
        row.origin != Origin::Online
            || (filters.profession.is_none()
                && filters.department.is_none()
                && wanted_type
                    .as_ref()
                    .is_none_or(|wanted| *wanted == row.entry.box_type))
    });
    if json {
        let list: Vec<Found<'_>> = rows.iter().map(found).collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&list).map_err(|error| Failure(error.to_string()))?
        );
        return Ok(());
    }
    for row in &rows {
        let shown = found(row);
        let mark = match row.origin {
            Origin::File => String::new(),
            Origin::Confirmed => format!("  [{}]", i18n.t("directory-origin-confirmed")),
            Origin::Online => format!("  [{}]", i18n.t("directory-origin-online")),
        };
        println!(
            "{:<3} {:<40} {:<28} {:<24} {} {}{mark}",
            shown.box_type,
            shown.address,
            shown.name,
            if shown.specialty.is_empty() {
                shown.profession
            } else {
                shown.specialty
            },
            shown.postcode,
            shown.town
        );
    }
    Ok(())
}

/// The online lookup, when this profile allows it and a key is stored.
fn online(
    profile: &Profile,
    directory: &Directory,
    local: Vec<Entry>,
    text: &str,
    limit: usize,
    i18n: &I18n,
) -> Result<Vec<Row>, Failure> {
    let (settings, _) = ProfileSettings::load(&profile.settings_file());
    if !settings.directory_online {
        return Err(Failure(i18n.t("directory-online-off-cli")));
    }
    let Some(key) = super::secrets(profile, i18n)?
        .find_workstation(WorkstationSecret::DirectoryApiKey)
        .map_err(|error| Failure(ConnectError::from(error).localize(i18n)))?
    else {
        return Err(Failure(i18n.t("directory-online-no-key")));
    };
    let mut client = FhirClient::new(&settings.directory_fhir_url, key.expose());
    let imported = directory.status().is_some().then_some(directory);
    look_up(&mut client, imported, local, text, limit)
        .map_err(|error| Failure(error.localize(i18n)))
}

/// `pli directory key set|remove|status`: the key goes to the keyring only, read from standard
/// input, and is never printed.
pub(super) fn key(
    profile: &Profile,
    command: DirectoryKeyCommand,
    i18n: &I18n,
) -> Result<(), Failure> {
    let secrets = super::secrets(profile, i18n)?;
    let keyring = |error| Failure(ConnectError::from(error).localize(i18n));
    let which = WorkstationSecret::DirectoryApiKey;
    match command {
        DirectoryKeyCommand::Set => {
            let key = super::read_hidden(&i18n.t("directory-key-prompt"))?
                .map(|key| Secret::new(key.expose().trim()))
                .filter(|key| !key.expose().is_empty())
                .ok_or_else(|| Failure(i18n.t("directory-key-empty")))?;
            secrets.set_workstation(which, &key).map_err(keyring)?;
            println!("{}", i18n.t("directory-key-set"));
        }
        DirectoryKeyCommand::Remove => {
            secrets.delete_workstation(which).map_err(keyring)?;
            println!("{}", i18n.t("directory-key-removed"));
        }
        DirectoryKeyCommand::Status => {
            let stored = secrets.find_workstation(which).map_err(keyring)?.is_some();
            println!(
                "{}",
                i18n.t(if stored {
                    "directory-key-status-stored"
                } else {
                    "directory-key-status-none"
                })
            );
        }
    }
    Ok(())
}
