//! The trace as CSV (RFC 4180): what `pli trace export` prints and what the settings screen
//! writes to a file. The retention is applied first, so an export never shows lines the
//! profile should no longer keep (ECO.4.1.x).

use std::io::Write;

use chrono::{DateTime, Utc};

use super::store::{open_profile_store, Store, StoreError};
use crate::profile::Profile;
use crate::settings::ProfileSettings;

/// The columns, in order.
pub const HEADER: [&str; 7] = [
    "date",
    "workstation_user",
    "box",
    "action",
    "request",
    "answer",
    "ok",
];

#[derive(Debug, thiserror::Error)]
pub enum TraceExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the trace cannot be written: {0}")]
    Write(#[from] csv::Error),
    #[error("the trace cannot be written: {0}")]
    Io(#[from] std::io::Error),
}

/// Forgets the lines older than the retention, then writes the trace since `since` (all of it
/// when `None`); returns how many lines were written, the header aside.
pub fn export_csv(
    store: &Store,
    since: Option<DateTime<Utc>>,
    retention_months: u32,
    out: impl Write,
) -> Result<usize, TraceExportError> {
    let retention = Utc::now() - chrono::Months::new(retention_months);
    store.prune_trace(retention)?;
    let lines = store.trace_since(since)?;
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(HEADER)?;
    let count = lines.len();
    for line in lines {
        writer.write_record([
            line.at.to_rfc3339(),
            line.workstation_user,
            line.account,
            line.action,
            line.request,
            line.answer,
            line.ok.to_string(),
        ])?;
    }
    writer.flush()?;
    Ok(count)
}

/// The trace of a profile's store since `since`, under the retention its settings set.
pub fn export_profile(
    profile: &Profile,
    since: Option<DateTime<Utc>>,
    out: impl Write,
) -> Result<usize, TraceExportError> {
    let store = open_profile_store(profile)?;
    let (settings, _) = ProfileSettings::load(&profile.settings_file());
    export_csv(&store, since, settings.trace_retention_months, out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::store::TraceAction;
    use chrono::TimeZone;

    #[test]
    fn eco_4_1_1_the_export_keeps_the_retention_and_quotes_the_fields() {
        let store = Store::in_memory().unwrap();
        let old = Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap();
        store
            .trace_at(
                old,
                "a",
                "cabinet",
                TraceAction::Read,
                "UID STORE 1",
                "OK",
                true,
            )
            .unwrap();
        store
            .trace(
                "cabinet",
                TraceAction::Send,
                "MAIL FROM:<a@b>, 1 recipient",
                "250 OK",
                true,
            )
            .unwrap();
        let mut out = Vec::new();
        assert_eq!(export_csv(&store, None, 6, &mut out).unwrap(), 1);
        let text = String::from_utf8(out).unwrap();
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some("date,workstation_user,box,action,request,answer,ok")
        );
        let row = lines.next().unwrap();
        assert!(
            row.contains(",send,\"MAIL FROM:<a@b>, 1 recipient\",250 OK,true"),
            "{row}"
        );
        assert_eq!(lines.next(), None);
    }
}
