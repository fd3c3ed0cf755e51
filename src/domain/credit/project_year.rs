//! Project years: credits count in the year of the project that ran on the credit's date.
//!
//! Project year `n` covers `[start + (n−1) years, start + n years)`, clipped to the project's end.
//! A project that starts on 29 February has its anniversary on 1 March in common years, so every
//! project year of it is a full year (the first one of a project started 2024-02-29 runs up to and
//! including 2025-02-28, the German reading of § 188 (3) BGB), and the 29th returns in leap years.

use chrono::{Datelike, Days, Months, NaiveDate};

use crate::domain::participant::{ProjectDates, current_project};

/// One project year: its number and its days `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearWindow {
    /// 1 for the first year of the project.
    pub number: u32,
    /// First day.
    pub start: NaiveDate,
    /// The day after the last day (exclusive end).
    pub end: NaiveDate,
}

impl YearWindow {
    /// The last day of the year (inclusive).
    pub fn last_day(&self) -> NaiveDate {
        self.end.pred_opt().unwrap_or(self.end)
    }

    /// Whether `day` lies in the year.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.start <= day && day < self.end
    }
}

/// The `k`-th anniversary of `start` (`k = 0`: `start` itself); 29 February → 1 March in
/// common years.
pub fn anniversary(start: NaiveDate, k: u32) -> Option<NaiveDate> {
    let shifted = start.checked_add_months(Months::new(12 * k))?;
    if start.month() == 2 && start.day() == 29 && shifted.day() == 28 {
        shifted.checked_add_days(Days::new(1))
    } else {
        Some(shifted)
    }
}

/// Project year `number` (from 1) of `project`, clipped to its end; `None` when the project
/// ended before that year would begin.
pub fn window(project: &ProjectDates, number: u32) -> Option<YearWindow> {
    if number == 0 {
        return None;
    }
    let start = anniversary(project.start, number - 1)?;
    let mut end = anniversary(project.start, number)?;
    if let Some(last) = project.end {
        if last < start {
            return None;
        }
        end = end.min(last.succ_opt()?);
    }
    Some(YearWindow { number, start, end })
}

/// The project year of `project` that contains `day`, if the project runs on that day.
pub fn year_containing(project: &ProjectDates, day: NaiveDate) -> Option<YearWindow> {
    if !project.runs_on(day) {
        return None;
    }
    let years = u32::try_from(day.year() - project.start.year()).ok()?;
    // The anniversary in `day`'s calendar year may still lie ahead.
    let completed = match anniversary(project.start, years) {
        Some(a) if a <= day => years,
        _ => years.checked_sub(1)?,
    };
    window(project, completed + 1)
}

/// The project running on `day`: among those running, the latest-starting one (as for the
/// current project); `None` when no project runs that day ("outside a funded project").
pub fn project_on(projects: &[ProjectDates], day: NaiveDate) -> Option<i64> {
    let running: Vec<ProjectDates> = projects
        .iter()
        .copied()
        .filter(|p| p.runs_on(day))
        .collect();
    current_project(&running, day)
}

/// The project year of `project` that begins in `calendar_year`, if any (at most one does).
pub fn year_starting_in(project: &ProjectDates, calendar_year: i32) -> Option<YearWindow> {
    let k = u32::try_from(calendar_year - project.start.year()).ok()?;
    window(project, k + 1).filter(|w| w.start.year() == calendar_year)
}

/// The year a report shows by default: the one containing `today`; after the project ended its
/// last year; before it started its first year.
pub fn default_year(project: &ProjectDates, today: NaiveDate) -> Option<YearWindow> {
    if today < project.start {
        return window(project, 1);
    }
    match project.end {
        Some(last) if last < today => year_containing(project, last),
        _ => year_containing(project, today),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn project(id: i64, start: &str, end: Option<&str>) -> ProjectDates {
        ProjectDates {
            id,
            start: day(start),
            end: end.map(day),
        }
    }

    fn win(number: u32, start: &str, end: &str) -> YearWindow {
        YearWindow {
            number,
            start: day(start),
            end: day(end),
        }
    }

    #[test]
    fn years_are_anniversaries_clipped_to_the_project_end() {
        let p = project(1, "2024-04-15", Some("2026-10-31"));
        assert_eq!(window(&p, 1), Some(win(1, "2024-04-15", "2025-04-15")));
        assert_eq!(window(&p, 2), Some(win(2, "2025-04-15", "2026-04-15")));
        assert_eq!(window(&p, 3), Some(win(3, "2026-04-15", "2026-11-01")));
        assert_eq!(window(&p, 4), None);
        assert_eq!(window(&p, 0), None);
        assert_eq!(window(&p, 3).unwrap().last_day(), day("2026-10-31"));
        let open = project(2, "2020-01-01", None);
        assert_eq!(window(&open, 7), Some(win(7, "2026-01-01", "2027-01-01")));
    }

    #[test]
    fn a_credit_exactly_on_the_anniversary_belongs_to_the_new_year() {
        let p = project(1, "2024-04-15", None);
        assert_eq!(year_containing(&p, day("2025-04-14")).unwrap().number, 1);
        assert_eq!(year_containing(&p, day("2025-04-15")).unwrap().number, 2);
        assert_eq!(year_containing(&p, day("2024-04-15")).unwrap().number, 1);
        assert_eq!(year_containing(&p, day("2024-04-14")), None);
        let ended = project(2, "2024-04-15", Some("2025-06-30"));
        assert_eq!(
            year_containing(&ended, day("2025-06-30")).unwrap().number,
            2
        );
        assert_eq!(year_containing(&ended, day("2025-07-01")), None);
    }

    #[test]
    fn a_leap_day_start_has_its_anniversary_on_the_first_of_march() {
        let p = project(1, "2024-02-29", None);
        assert_eq!(window(&p, 1), Some(win(1, "2024-02-29", "2025-03-01")));
        assert_eq!(window(&p, 2), Some(win(2, "2025-03-01", "2026-03-01")));
        assert_eq!(window(&p, 4), Some(win(4, "2027-03-01", "2028-02-29")));
        assert_eq!(window(&p, 5), Some(win(5, "2028-02-29", "2029-03-01")));
        assert_eq!(year_containing(&p, day("2025-02-28")).unwrap().number, 1);
        assert_eq!(year_containing(&p, day("2025-03-01")).unwrap().number, 2);
        assert_eq!(year_containing(&p, day("2028-02-28")).unwrap().number, 4);
        assert_eq!(year_containing(&p, day("2028-02-29")).unwrap().number, 5);
        // A leap day inside an ordinary project year is just a day of it.
        let q = project(2, "2023-06-01", None);
        assert_eq!(year_containing(&q, day("2024-02-29")).unwrap().number, 1);
    }

    #[test]
    fn a_change_from_ksm1_to_ksm2_mid_year_starts_new_project_years() {
        let ksm1 = project(1, "2022-07-01", Some("2025-03-31"));
        let ksm2 = project(2, "2025-04-01", None);
        let both = [ksm1, ksm2];
        assert_eq!(project_on(&both, day("2025-03-31")), Some(1));
        assert_eq!(project_on(&both, day("2025-04-01")), Some(2));
        assert_eq!(project_on(&both, day("2022-06-30")), None);
        // KSM1's third year is cut short by its end; KSM2 counts from its own start.
        assert_eq!(
            year_containing(&ksm1, day("2025-01-10")),
            Some(win(3, "2024-07-01", "2025-04-01"))
        );
        assert_eq!(
            year_containing(&ksm2, day("2025-07-01")),
            Some(win(1, "2025-04-01", "2026-04-01"))
        );
    }

    #[test]
    fn overlapping_projects_credit_the_latest_started_and_gaps_credit_none() {
        let old = project(1, "2020-01-01", Some("2023-12-31"));
        let new = project(2, "2023-10-01", None);
        assert_eq!(project_on(&[old, new], day("2023-11-01")), Some(2));
        let gap = [
            project(1, "2020-01-01", Some("2021-12-31")),
            project(2, "2022-03-01", None),
        ];
        assert_eq!(project_on(&gap, day("2022-02-01")), None);
    }

    #[test]
    fn the_year_starting_in_a_calendar_year_is_found_or_none() {
        let p = project(1, "2024-02-29", Some("2026-06-30"));
        assert_eq!(year_starting_in(&p, 2024).unwrap().number, 1);
        assert_eq!(
            year_starting_in(&p, 2025),
            Some(win(2, "2025-03-01", "2026-03-01"))
        );
        assert_eq!(year_starting_in(&p, 2026).unwrap().end, day("2026-07-01"));
        assert_eq!(year_starting_in(&p, 2027), None);
        assert_eq!(year_starting_in(&p, 2023), None);
    }

    #[test]
    fn default_year_is_todays_else_the_last_or_the_first() {
        let p = project(1, "2024-04-15", Some("2026-10-31"));
        assert_eq!(default_year(&p, day("2025-05-01")).unwrap().number, 2);
        assert_eq!(default_year(&p, day("2030-01-01")).unwrap().number, 3);
        assert_eq!(default_year(&p, day("2023-01-01")).unwrap().number, 1);
    }
}
