//! The yearly obligation (§ 5.4, Infobox 1): a mentor in a follow-up project (KSM2) should spend
//! at least 5 working days (40 h) per project year, 5–10 days being the expected range. Other
//! project kinds have no minimum.

use chrono::NaiveDate;

use super::project_year::YearWindow;
use crate::code_enum;
use crate::domain::participant::ProjectKind;

/// The minimum and the expected upper range of credited hours per project year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Obligation {
    /// Least hours per project year (5 days).
    pub min_hours: i32,
    /// Upper end of the expected range (10 days); more is fine, just beyond expectations.
    pub expected_max_hours: i32,
}

impl Obligation {
    /// The handbook's numbers: "mindestens fünf Tage (40 Stunden)", "fünf bis zehn Tagen".
    pub const HANDBOOK: Obligation = Obligation {
        min_hours: 40,
        expected_max_hours: 80,
    };

    /// Whether a project of this kind carries the obligation (only KSM2).
    pub fn applies_to(kind: ProjectKind) -> bool {
        kind == ProjectKind::FollowUpProject
    }

    /// The obligation of a project of this kind: the handbook's for KSM2, none otherwise.
    pub fn of_kind(kind: ProjectKind) -> Option<Obligation> {
        Self::applies_to(kind).then_some(Self::HANDBOOK)
    }
}

/// Hours one typical activity credits (a session or practice tip: 5 days).
pub const ACTIVITY_HOURS: i32 = 40;

/// Days a mentor plausibly needs to arrange one more activity (propose, get approval, hold,
/// document): a quarter of a year.
pub const DAYS_PER_MISSING_ACTIVITY: i64 = 91;

code_enum! {
    /// Whether the minimum of a year is met.
    pub enum ObligationStatus {
        /// The minimum is reached.
        Met = "met", "Erfüllt", "Met";
        /// The year is over below the minimum.
        NotMet = "not_met", "Nicht erfüllt", "Not met";
        /// The year is running (or ahead) and the rest can still be earned at a plausible pace.
        OnTrack = "on_track", "Im Plan", "On track";
        /// The year is running and the gap cannot be closed at a plausible pace any more.
        AtRisk = "at_risk", "Gefährdet", "At risk";
        /// The project kind carries no minimum.
        NoObligation = "no_obligation", "Keine Verpflichtung", "No obligation";
    }
}

/// The status of a year with `hours` credited, seen on `today`.
///
/// `met` once the minimum is reached; `not_met` after the year's last day below it. While the
/// year runs, the gap counts in missing activities of 40 h (rounded up), and each one needs
/// [`DAYS_PER_MISSING_ACTIVITY`] days: the year is `at_risk` when fewer days remain (today
/// included) than the missing activities need, else `on_track`. With the handbook's minimum a
/// mentor who has credited less than 40 h is at risk in the last 90 days of the year. A year that
/// has not begun is `on_track`.
pub fn status(
    obligation: Option<Obligation>,
    hours: i32,
    year: &YearWindow,
    today: NaiveDate,
) -> ObligationStatus {
    let Some(obligation) = obligation else {
        return ObligationStatus::NoObligation;
    };
    let gap = shortfall(obligation, hours);
    if gap == 0 {
        return ObligationStatus::Met;
    }
    if today >= year.end {
        return ObligationStatus::NotMet;
    }
    let remaining_days = (year.end - today.max(year.start)).num_days();
    let missing_activities = i64::from((gap + ACTIVITY_HOURS - 1) / ACTIVITY_HOURS);
    if today >= year.start && remaining_days < missing_activities * DAYS_PER_MISSING_ACTIVITY {
        ObligationStatus::AtRisk
    } else {
        ObligationStatus::OnTrack
    }
}

/// Hours still missing to the minimum (0 when met).
pub fn shortfall(obligation: Obligation, hours: i32) -> i32 {
    (obligation.min_hours - hours).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn year() -> YearWindow {
        YearWindow {
            number: 1,
            start: day("2025-04-01"),
            end: day("2026-04-01"),
        }
    }

    const KSM2: Option<Obligation> = Some(Obligation::HANDBOOK);

    #[test]
    fn only_follow_up_projects_carry_the_minimum() {
        assert!(Obligation::applies_to(ProjectKind::FollowUpProject));
        for kind in ProjectKind::ALL {
            if *kind != ProjectKind::FollowUpProject {
                assert!(!Obligation::applies_to(*kind));
            }
        }
        assert_eq!(
            status(None, 0, &year(), day("2027-01-01")),
            ObligationStatus::NoObligation
        );
    }

    #[test]
    fn a_finished_year_is_met_or_not_met() {
        let after = day("2026-04-01");
        assert_eq!(status(KSM2, 40, &year(), after), ObligationStatus::Met);
        assert_eq!(status(KSM2, 39, &year(), after), ObligationStatus::NotMet);
        assert_eq!(status(KSM2, 20 + 20, &year(), after), ObligationStatus::Met);
        assert_eq!(shortfall(Obligation::HANDBOOK, 20), 20);
        assert_eq!(shortfall(Obligation::HANDBOOK, 80), 0);
    }

    #[test]
    fn a_running_year_is_at_risk_when_fewer_days_remain_than_the_gap_needs() {
        // 2026-01-01 .. 2026-03-31: 90 days left; 2025-12-31: 91 days left.
        assert_eq!(
            status(KSM2, 0, &year(), day("2025-12-31")),
            ObligationStatus::OnTrack
        );
        assert_eq!(
            status(KSM2, 0, &year(), day("2026-01-01")),
            ObligationStatus::AtRisk
        );
        assert_eq!(
            status(KSM2, 20, &year(), day("2026-01-01")),
            ObligationStatus::AtRisk
        );
        assert_eq!(
            status(KSM2, 40, &year(), day("2026-03-31")),
            ObligationStatus::Met
        );
        assert_eq!(
            status(KSM2, 0, &year(), day("2025-04-01")),
            ObligationStatus::OnTrack
        );
        assert_eq!(
            status(KSM2, 0, &year(), day("2024-01-01")),
            ObligationStatus::OnTrack
        );
    }

    #[test]
    fn a_larger_minimum_needs_time_for_each_missing_activity() {
        let strict = Some(Obligation {
            min_hours: 80,
            expected_max_hours: 120,
        });
        // 41..80 h missing: two activities, 182 days. 2025-10-01 leaves 182 days, 2025-10-02 181.
        assert_eq!(
            status(strict, 0, &year(), day("2025-10-01")),
            ObligationStatus::OnTrack
        );
        assert_eq!(
            status(strict, 0, &year(), day("2025-10-02")),
            ObligationStatus::AtRisk
        );
        assert_eq!(
            status(strict, 40, &year(), day("2025-10-02")),
            ObligationStatus::OnTrack
        );
    }
}
