//! The reminder of the yearly minimum (§ 5.4): some weeks before a follow-up-project mentor's
//! project year ends, a mentor still below the minimum is told what is missing and what can
//! still be done in time.

use chrono::{Days, Months, NaiveDate};

use super::project_year::YearWindow;
use super::status::{Obligation, shortfall};
use crate::domain::sponsorship::MIN_MONTHS;

/// The format code of forum sponsorships, the one format that takes months to earn its credit.
pub const FORUM_SPONSORSHIP: &str = "forum_sponsorship";

/// Whether the mentor is due a reminder on `today`: the project carries a minimum, `hours` are
/// below it, and `today` lies in the last `weeks` weeks of the running `year`.
pub fn credit_reminder_due(
    obligation: Option<Obligation>,
    hours: i32,
    year: &YearWindow,
    today: NaiveDate,
    weeks: u32,
) -> bool {
    let Some(obligation) = obligation else {
        return false;
    };
    if shortfall(obligation, hours) == 0 || !year.contains(today) {
        return false;
    }
    let from = year
        .end
        .checked_sub_days(Days::new(7 * u64::from(weeks)))
        .unwrap_or(year.start);
    today >= from
}

/// Whether an activity of `format_code` begun on `today` can still be credited in `year`: a
/// forum sponsorship runs at least [`MIN_MONTHS`] and counts on its last day; the other formats
/// count on the day they take place or are published.
pub fn fits_in_year(format_code: &str, today: NaiveDate, year: &YearWindow) -> bool {
    if format_code != FORUM_SPONSORSHIP {
        return year.contains(today);
    }
    today
        .checked_add_months(Months::new(MIN_MONTHS))
        .and_then(|d| d.pred_opt())
        .is_some_and(|last| year.contains(today) && year.contains(last))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn year() -> YearWindow {
        YearWindow {
            number: 2,
            start: day("2026-01-01"),
            end: day("2027-01-01"),
        }
    }

    const KSM2: Option<Obligation> = Some(Obligation::HANDBOOK);

    #[test]
    fn a_mentor_below_the_minimum_is_reminded_in_the_last_weeks_only() {
        // Eight weeks before 2027-01-01 is 2026-11-06.
        assert!(!credit_reminder_due(KSM2, 0, &year(), day("2026-11-05"), 8));
        assert!(credit_reminder_due(KSM2, 0, &year(), day("2026-11-06"), 8));
        assert!(credit_reminder_due(KSM2, 39, &year(), day("2026-12-31"), 8));
        assert!(!credit_reminder_due(KSM2, 0, &year(), day("2027-01-01"), 8));
    }

    #[test]
    fn no_reminder_at_the_minimum_or_without_obligation() {
        assert!(!credit_reminder_due(
            KSM2,
            40,
            &year(),
            day("2026-12-01"),
            8
        ));
        assert!(!credit_reminder_due(None, 0, &year(), day("2026-12-01"), 8));
    }

    #[test]
    fn a_sponsorship_fits_only_when_six_months_remain() {
        assert!(fits_in_year("webinar", day("2026-12-20"), &year()));
        assert!(fits_in_year(FORUM_SPONSORSHIP, day("2026-07-01"), &year()));
        assert!(!fits_in_year(FORUM_SPONSORSHIP, day("2026-07-02"), &year()));
        assert!(!fits_in_year("practice_tip", day("2027-01-01"), &year()));
    }
}
