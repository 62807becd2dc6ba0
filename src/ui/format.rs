//! Dates and sizes as a French reader expects them, in the workstation's time zone.

use chrono::{DateTime, Local, TimeZone};

use crate::args;
use crate::i18n::{I18n, Language};

/// The list's date column: the time for today's messages, the day for older ones.
pub fn list_date(timestamp: i64, now: DateTime<Local>) -> String {
    let Some(date) = local(timestamp) else {
        return String::new();
    };
    if date.date_naive() == now.date_naive() {
        date.format("%H:%M").to_string()
    } else {
        date.format("%d/%m/%Y").to_string()
    }
}

/// The reader's date: day and time.
pub fn full_date(timestamp: i64) -> String {
    local(timestamp)
        .map(|date| date.format("%d/%m/%Y %H:%M").to_string())
        .unwrap_or_default()
}

fn local(timestamp: i64) -> Option<DateTime<Local>> {
    (timestamp > 0)
        .then(|| Local.timestamp_opt(timestamp, 0).single())
        .flatten()
}

/// "12 Ko", "3,4 Mo": decimal units, as file managers show them.
pub fn size(bytes: u64, i18n: &I18n) -> String {
    const KILO: f64 = 1000.0;
    let bytes_f = bytes as f64;
    if bytes_f < KILO {
        i18n.t_args("size-bytes", args!["value" => bytes])
    } else if bytes_f < KILO * KILO {
        i18n.t_args("size-kilobytes", args!["value" => (bytes_f / KILO).round()])
    } else {
        // Fluent does not localise decimal separators: write the number ourselves.
        let megabytes = format!("{:.1}", bytes_f / KILO / KILO);
        let megabytes = match i18n.language() {
            Language::Fr => megabytes.replace('.', ","),
            Language::En => megabytes,
        };
        i18n.t_args("size-megabytes", args!["value" => megabytes])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_shows_the_time_and_older_days_the_date() {
        let now = Local.with_ymd_and_hms(2026, 11, 24, 15, 0, 0).unwrap();
        let this_morning = Local.with_ymd_and_hms(2026, 11, 24, 9, 5, 0).unwrap();
        let last_week = Local.with_ymd_and_hms(2026, 11, 17, 9, 5, 0).unwrap();
        assert_eq!(list_date(this_morning.timestamp(), now), "09:05");
        assert_eq!(list_date(last_week.timestamp(), now), "17/11/2026");
        assert_eq!(list_date(0, now), "");
    }

    #[test]
    fn sizes_read_naturally() {
        let i18n = I18n::new(Language::Fr);
        assert_eq!(size(512, &i18n), "512 o");
        assert_eq!(size(120_400, &i18n), "120 Ko");
        assert_eq!(size(3_400_000, &i18n), "3,4 Mo");
    }
}
