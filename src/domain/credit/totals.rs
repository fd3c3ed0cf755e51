//! Summing a year's credits: revoked credits are listed but never counted.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::project_year::{YearWindow, project_on};
use crate::domain::participant::ProjectDates;

/// What a sum needs to know of one ledger row.
#[derive(Debug, Clone, Copy)]
pub struct Counted<'a> {
    /// The format the credit was earned in.
    pub format_code: &'a str,
    /// Credited hours.
    pub hours: i32,
    /// Whether staff revoked it.
    pub revoked: bool,
}

/// Credits and hours of one format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatTotal {
    /// Format code.
    pub format_code: String,
    /// Credited activities.
    pub count: u32,
    /// Credited hours.
    pub hours: i32,
}

/// Totals per format (by format code) and the overall hours, without revoked credits.
pub fn totals<'a>(credits: impl IntoIterator<Item = Counted<'a>>) -> (Vec<FormatTotal>, i32) {
    let mut per_format: BTreeMap<&str, (u32, i32)> = BTreeMap::new();
    for credit in credits.into_iter().filter(|c| !c.revoked) {
        let entry = per_format.entry(credit.format_code).or_default();
        entry.0 += 1;
        entry.1 += credit.hours;
    }
    let sum = per_format.values().map(|(_, hours)| hours).sum();
    let list = per_format
        .into_iter()
        .map(|(code, (count, hours))| FormatTotal {
            format_code: code.to_owned(),
            count,
            hours,
        })
        .collect();
    (list, sum)
}

/// Whether a credit earned on `day` counts in `year` of project `project_id`: the day lies in
/// the year and that project ran then (see [`project_on`]). Reports, the overview and the
/// reminders all count by this.
pub fn counts_in_year(
    projects: &[ProjectDates],
    project_id: i64,
    year: &YearWindow,
    day: NaiveDate,
) -> bool {
    year.contains(day) && project_on(projects, day) == Some(project_id)
}

/// The hours counted in `year` of project `project_id`: credits (each with the day it was
/// earned) for which [`counts_in_year`] holds, revoked ones left out.
pub fn year_hours<'a>(
    credits: impl IntoIterator<Item = (NaiveDate, Counted<'a>)>,
    projects: &[ProjectDates],
    project_id: i64,
    year: &YearWindow,
) -> i32 {
    let in_year = credits
        .into_iter()
        .filter(|(day, _)| counts_in_year(projects, project_id, year, *day))
        .map(|(_, credit)| credit);
    totals(in_year).1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credit(format_code: &str, hours: i32, revoked: bool) -> Counted<'_> {
        Counted {
            format_code,
            hours,
            revoked,
        }
    }

    #[test]
    fn revoked_credits_do_not_count_and_formats_are_summed_apart() {
        let (list, sum) = totals([
            credit("webinar", 40, false),
            credit("forum_sponsorship", 20, false),
            credit("forum_sponsorship", 20, false),
            credit("practice_tip", 40, true),
        ]);
        assert_eq!(sum, 80);
        assert_eq!(
            list,
            vec![
                FormatTotal {
                    format_code: "forum_sponsorship".to_owned(),
                    count: 2,
                    hours: 40
                },
                FormatTotal {
                    format_code: "webinar".to_owned(),
                    count: 1,
                    hours: 40
                },
            ]
        );
        assert_eq!(totals([]).1, 0);
    }

    #[test]
    fn a_year_counts_its_own_project_s_credits_only() {
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        let ksm1 = ProjectDates {
            id: 1,
            start: day("2023-01-01"),
            end: Some(day("2025-03-31")),
        };
        let ksm2 = ProjectDates {
            id: 2,
            start: day("2025-04-01"),
            end: None,
        };
        let year = YearWindow {
            number: 1,
            start: day("2025-04-01"),
            end: day("2026-04-01"),
        };
        let hours = year_hours(
            [
                (day("2025-03-31"), credit("webinar", 40, false)),
                (day("2025-04-01"), credit("webinar", 40, false)),
                (day("2025-06-01"), credit("practice_tip", 40, true)),
                (day("2026-02-01"), credit("forum_sponsorship", 20, false)),
                (day("2026-04-01"), credit("webinar", 40, false)),
            ],
            &[ksm1, ksm2],
            2,
            &year,
        );
        assert_eq!(hours, 60);
    }
}
