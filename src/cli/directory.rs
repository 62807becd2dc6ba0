//! `pli directory import FILE`, `pli directory refresh`, `pli directory search QUERY`: the
//! national directory from the command line.

use std::io::Write;
use std::ops::ControlFlow;
use std::path::Path;

use super::Failure;
use crate::args;
use crate::directory::refresh::{directory_file, refresh, Refresh, ANS_EXTRACTION_URL};
use crate::directory::{BoxType, Directory, Hit, Progress, Query};
use crate::i18n::I18n;
use crate::profile::Profile;

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
    report: &crate::directory::ImportReport,
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
}

fn found(hit: &Hit) -> Found<'_> {
    let entry = &hit.entry;
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
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn search(
    profile: &Profile,
    text: &str,
    profession: Option<&str>,
    box_type: Option<&str>,
    department: Option<&str>,
    limit: usize,
    json: bool,
    i18n: &I18n,
) -> Result<(), Failure> {
    let directory = open(profile, i18n)?;
    if directory.status().is_none() {
        return Err(Failure(i18n.t("directory-empty")));
    }
    let mut query = Query::parse(text).limit(limit);
    if let Some(profession) = profession {
        query = query.profession(profession);
    }
    if let Some(box_type) = box_type {
        query = query.box_type(BoxType::from_code(&box_type.to_ascii_uppercase()));
    }
    if let Some(department) = department {
        query = query.department(department);
    }
    let hits = directory.search(&query).map_err(|error| {
        Failure(i18n.t_args("directory-error", args!["detail" => error.to_string()]))
    })?;
    if json {
        let list: Vec<Found<'_>> = hits.iter().map(found).collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&list).map_err(|error| Failure(error.to_string()))?
        );
        return Ok(());
    }
    for hit in &hits {
        let row = found(hit);
        println!(
            "{:<3} {:<40} {:<28} {:<24} {} {}",
            row.box_type,
            row.address,
            row.name,
            if row.specialty.is_empty() {
                row.profession
            } else {
                row.specialty
            },
            row.postcode,
            row.town
        );
    }
    Ok(())
}
