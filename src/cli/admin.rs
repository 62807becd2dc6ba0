//! `pli ins check`, `pli whitelist import|refresh`, `pli trace export`: what administrators and
//! scripts need around the MSSanté rules.

use std::path::Path;

use chrono::{NaiveDate, TimeZone, Utc};

use super::Failure;
use crate::args;
use crate::i18n::I18n;
use crate::messages::{ins_error, ins_reading, ins_warning};
use pli_core::mail::trace_export::TraceExportError;
use pli_core::mail::trust_list;
use pli_core::mssante::ins::Ins;
use pli_core::profile::Profile;
use pli_core::settings::ProfileSettings;

#[derive(serde::Serialize)]
struct InsVerdict {
    valid: bool,
    matricule: Option<String>,
    patient_address: Option<String>,
    sex: Option<String>,
    birth_year: Option<String>,
    birth_month: Option<String>,
    warnings: Vec<String>,
    error: Option<String>,
}

pub(super) fn ins_check(matricule: &str, json: bool, i18n: &I18n) -> Result<(), Failure> {
    match matricule.parse::<Ins>() {
        Ok(ins) => {
            let warnings: Vec<String> = ins
                .warnings()
                .iter()
                .map(|warning| ins_warning(warning, i18n))
                .collect();
            if json {
                let verdict = InsVerdict {
                    valid: true,
                    matricule: Some(ins.as_str().to_string()),
                    patient_address: Some(ins.patient_address()),
                    sex: ins.sex().map(|sex| format!("{sex:?}").to_lowercase()),
                    birth_year: Some(format!("{:02}", ins.birth_year_two_digits())),
                    birth_month: ins.birth_month().map(|month| format!("{month:02}")),
                    warnings,
                    error: None,
                };
                println!(
                    "{}",
                    serde_json::to_string_pretty(&verdict)
                        .map_err(|error| Failure(error.to_string()))?
                );
            } else {
                println!("{}", i18n.t("ins-valid"));
                for (label, value) in ins_reading(&ins, i18n) {
                    println!("{label} : {value}");
                }
                for warning in warnings {
                    println!("⚠ {warning}");
                }
            }
            Ok(())
        }
        Err(error) => {
            let reason = ins_error(&error, i18n);
            if json {
                let verdict = InsVerdict {
                    valid: false,
                    matricule: None,
                    patient_address: None,
                    sex: None,
                    birth_year: None,
                    birth_month: None,
                    warnings: Vec::new(),
                    error: Some(reason.clone()),
                };
                println!(
                    "{}",
                    serde_json::to_string_pretty(&verdict)
                        .map_err(|error| Failure(error.to_string()))?
                );
            }
            Err(Failure(
                i18n.t_args("ins-invalid", args!["reason" => reason]),
            ))
        }
    }
}

pub(super) fn whitelist_import(profile: &Profile, file: &Path, i18n: &I18n) -> Result<(), Failure> {
    let list = trust_list::import_file(profile, file).map_err(|error| {
        Failure(i18n.t_args("whitelist-refused", args!["detail" => error.to_string()]))
    })?;
    println!(
        "{}",
        i18n.t_args("whitelist-installed", args!["count" => list.len()])
    );
    Ok(())
}

pub(super) fn whitelist_refresh(profile: &Profile, i18n: &I18n) -> Result<(), Failure> {
    let (settings, _) = ProfileSettings::load(&profile.settings_file());
    let list = trust_list::refresh(profile, &settings.trust_list_url).map_err(|error| {
        Failure(i18n.t_args("whitelist-refused", args!["detail" => error.to_string()]))
    })?;
    println!(
        "{}",
        i18n.t_args("whitelist-installed", args!["count" => list.len()])
    );
    Ok(())
}

#[derive(serde::Serialize)]
struct WhitelistStatus {
    /// `bundled` (the seed shipped with Pli) or `profile` (fetched or imported).
    origin: &'static str,
    domains: usize,
    generated_at: Option<String>,
    fetched_at: Option<String>,
    tried_at: Option<String>,
    imported_at: Option<String>,
    last_failure: Option<String>,
}

/// The list in use and how fresh it is, as the settings show it (`trust_list::status`).
pub(super) fn whitelist_show(profile: &Profile, json: bool, i18n: &I18n) -> Result<(), Failure> {
    let status = trust_list::status(profile);
    let record = &status.freshness;
    let rfc3339 = |at: Option<chrono::DateTime<Utc>>| at.map(|at| at.to_rfc3339());
    if json {
        let shown = WhitelistStatus {
            origin: match status.origin {
                trust_list::Origin::Bundled => "bundled",
                trust_list::Origin::Profile(_) => "profile",
            },
            domains: status.domains,
            generated_at: status
                .generated_at
                .map(|at| at.format("%Y-%m-%dT%H:%M:%S").to_string()),
            fetched_at: rfc3339(record.fetched_at),
            tried_at: rfc3339(record.tried_at),
            imported_at: rfc3339(record.imported_at),
            last_failure: record.last_failure.clone(),
        };
        println!(
            "{}",
            serde_json::to_string_pretty(&shown).map_err(|error| Failure(error.to_string()))?
        );
        return Ok(());
    }
    let never = i18n.t("whitelist-never");
    let local = |at: Option<chrono::DateTime<Utc>>| {
        at.map(|at| {
            at.with_timezone(&chrono::Local)
                .format("%d/%m/%Y %H:%M")
                .to_string()
        })
        .unwrap_or_else(|| never.clone())
    };
    println!(
        "{}",
        i18n.t(match status.origin {
            trust_list::Origin::Bundled => "whitelist-origin-bundled",
            trust_list::Origin::Profile(_) => "whitelist-origin-profile",
        })
    );
    println!(
        "{}",
        i18n.t_args("whitelist-domains", args!["count" => status.domains])
    );
    if let Some(generated) = status.generated_at {
        println!(
            "{}",
            i18n.t_args(
                "whitelist-generated",
                args!["date" => generated.format("%d/%m/%Y").to_string()]
            )
        );
    }
    println!(
        "{}",
        i18n.t_args(
            "whitelist-fetched",
            args!["date" => local(record.fetched_at)]
        )
    );
    if record.imported_at.is_some() {
        println!(
            "{}",
            i18n.t_args(
                "whitelist-imported",
                args!["date" => local(record.imported_at)]
            )
        );
    }
    if let Some(failure) = &record.last_failure {
        println!(
            "{}",
            i18n.t_args(
                "whitelist-last-failure",
                args!["date" => local(record.tried_at), "detail" => failure.clone()]
            )
        );
    }
    Ok(())
}

/// Writes the trace as CSV (RFC 4180) on standard output.
pub(super) fn trace_export(
    profile: &Profile,
    since: Option<&str>,
    i18n: &I18n,
) -> Result<(), Failure> {
    let since = match since {
        None => None,
        Some(text) => {
            let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
                Failure(i18n.t_args("trace-bad-date", args!["date" => text.to_string()]))
            })?;
            date.and_hms_opt(0, 0, 0)
                .and_then(|start| Utc.from_local_datetime(&start).single())
        }
    };
    pli_core::mail::trace_export::export_profile(profile, since, std::io::stdout()).map_err(
        |error| match error {
            TraceExportError::Store(error) => {
                Failure(i18n.t_args("error-store", args!["detail" => error.to_string()]))
            }
            other => Failure(other.to_string()),
        },
    )?;
    Ok(())
}
