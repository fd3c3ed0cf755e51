//! The programme's yearly statistics for SK:KK's reporting to the ministry: who took part in a
//! calendar year (Europe/Berlin), what was held, and what was credited, in totals, per group
//! (federal state, project kind) and per month. Pure counting over facts loaded elsewhere; what
//! counts as credited and whether a KSM2 mentor met the minimum stays in `credit`.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use crate::domain::credit::project_year::project_on;
use crate::domain::participant::ProjectDates;

/// One period of active participation: from `start` until the day `end` on which it ended
/// (`None`: still running). A participant is no longer active on the day the period ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// First active day.
    pub start: NaiveDate,
    /// The day it ended, if it has.
    pub end: Option<NaiveDate>,
}

/// The day a year's "at year end" figures are taken on: 31 December, or `today` while the year
/// runs (a year ahead is seen on its first day).
pub fn reference_day(year_start: NaiveDate, year_end: NaiveDate, today: NaiveDate) -> NaiveDate {
    today.min(year_end).max(year_start)
}

/// Whether one of `periods` makes the participant active on `day`.
pub fn active_on(periods: &[Period], day: NaiveDate) -> bool {
    periods
        .iter()
        .any(|p| p.start <= day && p.end.is_none_or(|end| end > day))
}

/// Whether one of `periods` ended in `[from, until)`.
pub fn ended_in(periods: &[Period], from: NaiveDate, until: NaiveDate) -> bool {
    periods
        .iter()
        .any(|p| p.end.is_some_and(|end| end >= from && end < until))
}

/// The project a participant is counted under in a year's groups: the one running on `day`
/// (the year's end), else the latest-starting one that began by then, else the first one
/// (a participant registered only for a later project); `None` without any project.
pub fn counted_project(projects: &[ProjectDates], day: NaiveDate) -> Option<i64> {
    project_on(projects, day)
        .or_else(|| {
            projects
                .iter()
                .filter(|p| p.start <= day)
                .max_by_key(|p| (p.start, p.id))
                .map(|p| p.id)
        })
        .or_else(|| {
            projects
                .iter()
                .min_by_key(|p| (p.start, p.id))
                .map(|p| p.id)
        })
}

/// One participant's year as the statistics see it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PersonYear {
    /// Active on the reference day.
    pub active_at_end: bool,
    /// Activated in the year.
    pub new_in_year: bool,
    /// A participation ended in the year.
    pub ended_in_year: bool,
    /// Holds the mentor role.
    pub mentor: bool,
    /// Holds the mentee role.
    pub mentee: bool,
    /// Hours credited in the year (not revoked).
    pub credited_hours: i64,
}

/// Participant counts and credited hours of a group (or of everyone).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Active on the reference day.
    pub active: i64,
    /// Activated in the year.
    pub new: i64,
    /// Ended in the year.
    pub ended: i64,
    /// Mentors among the active (a person with both roles counts as mentor and as mentee).
    pub active_mentors: i64,
    /// Mentees among the active.
    pub active_mentees: i64,
    /// Hours credited in the year.
    pub credited_hours: i64,
}

impl Tally {
    /// Counts one participant's year in.
    pub fn add(&mut self, p: &PersonYear) {
        let active = i64::from(p.active_at_end);
        self.active += active;
        self.new += i64::from(p.new_in_year);
        self.ended += i64::from(p.ended_in_year);
        self.active_mentors += active * i64::from(p.mentor);
        self.active_mentees += active * i64::from(p.mentee);
        self.credited_hours += p.credited_hours;
    }

    /// Whether nothing was counted (such a group is left out).
    pub fn is_empty(&self) -> bool {
        *self == Tally::default()
    }
}

/// Tallies per group key; groups where nothing counts are left out.
pub fn by_group<K: Ord>(people: impl IntoIterator<Item = (K, PersonYear)>) -> BTreeMap<K, Tally> {
    let mut groups: BTreeMap<K, Tally> = BTreeMap::new();
    for (key, person) in people {
        groups.entry(key).or_default().add(&person);
    }
    groups.retain(|_, t| !t.is_empty());
    groups
}

/// One month's figures in the chart series.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MonthFigures {
    /// 1–12.
    pub month: u32,
    /// Sessions held or documented.
    pub sessions_held: i64,
    /// People those sessions reached.
    pub people_reached: i64,
    /// Hours credited (not revoked).
    pub credited_hours: i64,
}

/// Twelve months of `year`, each with the sessions (day, people reached) and credits (day,
/// hours) falling into it; facts outside the year are ignored.
pub fn monthly(
    year: i32,
    sessions: &[(NaiveDate, Option<i32>)],
    credits: &[(NaiveDate, i32)],
) -> Vec<MonthFigures> {
    let mut months: Vec<MonthFigures> = (1..=12)
        .map(|month| MonthFigures {
            month,
            ..MonthFigures::default()
        })
        .collect();
    let index = |day: &NaiveDate| (day.year() == year).then(|| day.month0() as usize);
    for (day, reached) in sessions {
        if let Some(m) = index(day) {
            months[m].sessions_held += 1;
            months[m].people_reached += i64::from(reached.unwrap_or(0));
        }
    }
    for (day, hours) in credits {
        if let Some(m) = index(day) {
            months[m].credited_hours += i64::from(*hours);
        }
    }
    months
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_running_year_is_seen_today_and_a_past_one_on_new_years_eve() {
        let (start, end) = (d("2026-01-01"), d("2026-12-31"));
        assert_eq!(reference_day(start, end, d("2026-12-04")), d("2026-12-04"));
        assert_eq!(reference_day(start, end, d("2027-03-01")), d("2026-12-31"));
        assert_eq!(reference_day(start, end, d("2025-06-01")), d("2026-01-01"));
    }

    #[test]
    fn a_participant_is_no_longer_active_on_the_day_the_period_ended() {
        let periods = [Period {
            start: d("2025-03-01"),
            end: Some(d("2026-06-30")),
        }];
        assert!(!active_on(&periods, d("2025-02-28")));
        assert!(active_on(&periods, d("2025-03-01")));
        assert!(active_on(&periods, d("2026-06-29")));
        assert!(!active_on(&periods, d("2026-06-30")));
        assert!(ended_in(&periods, d("2026-01-01"), d("2027-01-01")));
        assert!(!ended_in(&periods, d("2025-01-01"), d("2026-01-01")));
    }

    #[test]
    fn re_joining_makes_active_again_while_the_earlier_ending_still_counts() {
        let periods = [
            Period {
                start: d("2024-01-01"),
                end: Some(d("2026-02-01")),
            },
            Period {
                start: d("2026-05-01"),
                end: None,
            },
        ];
        assert!(active_on(&periods, d("2026-12-31")));
        assert!(ended_in(&periods, d("2026-01-01"), d("2027-01-01")));
    }

    #[test]
    fn the_running_project_counts_else_the_latest_begun_else_the_first() {
        let p = |id, start: &str, end: Option<&str>| ProjectDates {
            id,
            start: d(start),
            end: end.map(d),
        };
        let projects = [
            p(1, "2022-01-01", Some("2024-12-31")),
            p(2, "2025-01-01", Some("2026-06-30")),
            p(3, "2028-01-01", None),
        ];
        assert_eq!(counted_project(&projects, d("2024-12-31")), Some(1));
        assert_eq!(counted_project(&projects, d("2026-12-31")), Some(2));
        assert_eq!(counted_project(&projects[2..], d("2026-12-31")), Some(3));
        assert_eq!(counted_project(&[], d("2026-12-31")), None);
    }

    #[test]
    fn both_roles_count_twice_only_among_the_active_and_empty_groups_go() {
        let both = PersonYear {
            active_at_end: true,
            new_in_year: true,
            mentor: true,
            mentee: true,
            credited_hours: 40,
            ..PersonYear::default()
        };
        let left = PersonYear {
            ended_in_year: true,
            mentor: true,
            credited_hours: 20,
            ..PersonYear::default()
        };
        let groups = by_group([("NW", both), ("NW", left), ("BY", PersonYear::default())]);
        assert_eq!(groups.len(), 1);
        assert_eq!(
            groups["NW"],
            Tally {
                active: 1,
                new: 1,
                ended: 1,
                active_mentors: 1,
                active_mentees: 1,
                credited_hours: 60,
            }
        );
    }

    #[test]
    fn the_series_has_twelve_months_and_ignores_other_years() {
        let series = monthly(
            2026,
            &[
                (d("2026-03-12"), Some(25)),
                (d("2026-03-20"), None),
                (d("2025-03-12"), Some(9)),
            ],
            &[
                (d("2026-03-12"), 40),
                (d("2026-12-31"), 20),
                (d("2027-01-01"), 40),
            ],
        );
        assert_eq!(series.len(), 12);
        assert_eq!(series[0].month, 1);
        assert_eq!(series[11].month, 12);
        assert_eq!(
            (
                series[2].sessions_held,
                series[2].people_reached,
                series[2].credited_hours
            ),
            (2, 25, 40)
        );
        assert_eq!(series[11].credited_hours, 20);
        assert_eq!(series.iter().map(|m| m.sessions_held).sum::<i64>(), 2);
    }
}
