//! When a mailbox is about to be deleted for inactivity.
//!
//! A box left unused for a year is deleted, and its user is warned two months before (SEED).
//! How an operator measures use is not published, so Pli counts every authenticated use it makes
//! of a box (login, send, read, move), shows the user the date of the last one, and warns on its
//! own, ahead of the operator. Operators that are known to count differently get their own
//! [`Thresholds`].
//!
//! Durations are calendar months, as people count them: a box last used on 31 January is
//! deleted after a month at the end of February, not on 3 March. The clock is always passed
//! in, so the warning is tested at any date.

use chrono::{DateTime, Months, Utc};
use serde::{Deserialize, Serialize};

/// How long an operator keeps an unused box, and how early Pli warns before it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Thresholds {
    pub deletion_after_months: u32,
    pub warning_before_months: u32,
}

/// What the inactivity of a box means today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Activity {
    Active,
    /// The box will be deleted on `deletion_date` unless it is used before.
    WarningDue {
        deletion_date: DateTime<Utc>,
    },
    /// The deletion date has passed: the operator has probably deleted the box.
    ProbablyDeleted {
        since: DateTime<Utc>,
    },
}

impl Default for Thresholds {
    /// Deleted after 12 months, warned 2 months before (SEED).
    fn default() -> Self {
        Self {
            deletion_after_months: 12,
            warning_before_months: 2,
        }
    }
}

impl Thresholds {
    /// When a box last used at `last_use` is deleted; `None` only past the end of the calendar.
    pub fn deletion_date(&self, last_use: DateTime<Utc>) -> Option<DateTime<Utc>> {
        last_use.checked_add_months(Months::new(self.deletion_after_months))
    }

    /// Counted from the last use like the deletion itself (10 months with the defaults), so
    /// that both dates fall on the same day of the month. A warning longer than the retention
    /// means a warning as soon as the box is idle.
    fn warning_date(&self, last_use: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let months = self
            .deletion_after_months
            .saturating_sub(self.warning_before_months);
        last_use.checked_add_months(Months::new(months))
    }
}

/// What the inactivity of a box last used at `last_use` means at `now`.
pub fn assess(last_use: DateTime<Utc>, now: DateTime<Utc>, thresholds: &Thresholds) -> Activity {
    let (Some(warning_date), Some(deletion_date)) = (
        thresholds.warning_date(last_use),
        thresholds.deletion_date(last_use),
    ) else {
        return Activity::Active;
    };
    if now >= deletion_date {
        Activity::ProbablyDeleted {
            since: deletion_date,
        }
    } else if now >= warning_date {
        Activity::WarningDue { deletion_date }
    } else {
        Activity::Active
    }
}

/// The latest use of a box and who made it. An organisational box is used by several people on
/// the workstation, and any of them keeps it alive, so its last use is the latest of theirs; a
/// personal box has one person. `None` when the box was never used from this workstation.
pub fn last_use<P>(
    uses: impl IntoIterator<Item = (P, DateTime<Utc>)>,
) -> Option<(P, DateTime<Utc>)> {
    uses.into_iter().max_by_key(|(_, at)| *at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(year: i32, month: u32, day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(year, month, day, hour, 0, 0)
            .single()
            .unwrap_or_else(|| panic!("invalid test date {year}-{month}-{day}"))
    }

    #[test]
    fn seed_recently_used_box_is_active() {
        let last_use = at(2025, 1, 15, 9);
        assert_eq!(
            assess(last_use, at(2025, 11, 15, 8), &Thresholds::default()),
            Activity::Active
        );
    }

    #[test]
    fn seed_warning_two_months_before_deletion() {
        let last_use = at(2025, 1, 15, 9);
        assert_eq!(
            assess(last_use, at(2025, 11, 15, 9), &Thresholds::default()),
            Activity::WarningDue {
                deletion_date: at(2026, 1, 15, 9)
            }
        );
        assert_eq!(
            assess(last_use, at(2026, 1, 15, 8), &Thresholds::default()),
            Activity::WarningDue {
                deletion_date: at(2026, 1, 15, 9)
            }
        );
    }

    #[test]
    fn seed_box_idle_for_a_year_is_probably_deleted() {
        let last_use = at(2025, 1, 15, 9);
        for now in [at(2026, 1, 15, 9), at(2027, 6, 1, 0)] {
            assert_eq!(
                assess(last_use, now, &Thresholds::default()),
                Activity::ProbablyDeleted {
                    since: at(2026, 1, 15, 9)
                }
            );
        }
    }

    #[test]
    fn calendar_months_end_of_month_clamps() {
        let one_month = Thresholds {
            deletion_after_months: 1,
            warning_before_months: 0,
        };
        assert_eq!(
            one_month.deletion_date(at(2025, 1, 31, 12)),
            Some(at(2025, 2, 28, 12))
        );
        assert_eq!(
            one_month.deletion_date(at(2024, 1, 31, 12)),
            Some(at(2024, 2, 29, 12))
        );
    }

    #[test]
    fn seed_warning_date_on_a_short_month() {
        // Last used on 30 April: ten months later is 30 February, which is 28 February.
        let last_use = at(2024, 4, 30, 12);
        let thresholds = Thresholds::default();
        assert_eq!(
            assess(last_use, at(2025, 2, 28, 11), &thresholds),
            Activity::Active
        );
        assert_eq!(
            assess(last_use, at(2025, 2, 28, 12), &thresholds),
            Activity::WarningDue {
                deletion_date: at(2025, 4, 30, 12)
            }
        );
    }

    #[test]
    fn operator_thresholds_replace_the_defaults() {
        let operator = Thresholds {
            deletion_after_months: 6,
            warning_before_months: 1,
        };
        let last_use = at(2025, 3, 1, 0);
        assert_eq!(
            assess(last_use, at(2025, 7, 31, 0), &operator),
            Activity::Active
        );
        assert_eq!(
            assess(last_use, at(2025, 8, 1, 0), &operator),
            Activity::WarningDue {
                deletion_date: at(2025, 9, 1, 0)
            }
        );
        assert_eq!(
            assess(last_use, at(2025, 9, 1, 0), &operator),
            Activity::ProbablyDeleted {
                since: at(2025, 9, 1, 0)
            }
        );
    }

    #[test]
    fn warning_longer_than_retention_warns_at_once() {
        let odd = Thresholds {
            deletion_after_months: 1,
            warning_before_months: 3,
        };
        let last_use = at(2025, 3, 1, 0);
        assert_eq!(
            assess(last_use, last_use, &odd),
            Activity::WarningDue {
                deletion_date: at(2025, 4, 1, 0)
            }
        );
    }

    #[test]
    fn last_use_in_the_future_is_active() {
        // A workstation clock set back must not report a deletion.
        assert_eq!(
            assess(at(2030, 1, 1, 0), at(2025, 1, 1, 0), &Thresholds::default()),
            Activity::Active
        );
    }

    #[test]
    fn seed_organisational_box_last_use_is_the_latest_of_its_users() {
        let uses = [
            ("secretariat.a", at(2025, 2, 1, 8)),
            ("secretariat.b", at(2025, 9, 12, 17)),
            ("infirmiere.c", at(2025, 5, 3, 10)),
        ];
        assert_eq!(last_use(uses), Some(("secretariat.b", at(2025, 9, 12, 17))));
        assert_eq!(last_use(Vec::<(&str, DateTime<Utc>)>::new()), None);
    }

    #[test]
    fn seed_organisational_box_stays_active_while_anyone_uses_it() {
        let uses = [
            ("secretariat.a", at(2024, 1, 10, 8)),
            ("secretariat.b", at(2025, 6, 1, 8)),
        ];
        let latest = last_use(uses).map(|(_, at)| at);
        assert_eq!(
            latest.map(|last| assess(last, at(2025, 12, 1, 0), &Thresholds::default())),
            Some(Activity::Active)
        );
    }
}
