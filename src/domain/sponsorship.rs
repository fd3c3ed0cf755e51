//! Forum sponsorships (§ 3.2.1, § 5.4): states, the period rule, the credit-option rule and how
//! many sponsors a forum has at once.
//!
//! Periods are calendar dates with both ends inclusive. "n months from `starts_on`" is
//! `starts_on.checked_add_months(n)`, which clamps to the last day of a shorter month
//! (31 August + 6 months = 28/29 February); a period of n months ends on the day before that.
//! So a period starting on 31 August may end on 27/28 February at the earliest (6 months) and on
//! 30 August of the next year at the latest (12 months).

use chrono::{Days, Months, NaiveDate};

use crate::code_enum;
use crate::domain::Violation;

/// Shortest sponsorship in months (§ 3.2.1 "sechs bis zwölf Monate").
pub const MIN_MONTHS: u32 = 6;
/// Longest sponsorship in months.
pub const MAX_MONTHS: u32 = 12;
/// Hours of sponsoring work per week the credit options assume (§ 5.4: "20 / 40 Wochen x 1 Stunde").
pub const HOURS_PER_WEEK: u32 = 1;

code_enum! {
    /// Where a forum sponsorship stands.
    pub enum SponsorshipState {
        /// A mentor applied; waiting for staff.
        Applied = "applied", "Beantragt", "Applied";
        /// Approved by staff within the forum's limit.
        Approved = "approved", "Genehmigt", "Approved";
        /// Declined by staff.
        Declined = "declined", "Abgelehnt", "Declined";
        /// Withdrawn early by the mentor or staff.
        Withdrawn = "withdrawn", "Zurückgezogen", "Withdrawn";
        /// Confirmed by staff after the end date; the credit counts on the end date.
        Completed = "completed", "Abgeschlossen", "Completed";
    }
}

/// The explicit transitions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// Staff approve an application.
    Approve,
    /// Staff decline an application.
    Decline,
    /// The mentor or staff withdraw it before its end.
    Withdraw,
    /// Staff confirm it after its end.
    Complete,
}

impl Transition {
    /// The state the transition leads to from `from`, or `None` when not allowed from there.
    pub fn target(self, from: SponsorshipState) -> Option<SponsorshipState> {
        use SponsorshipState as S;
        match (self, from) {
            (Transition::Approve, S::Applied) => Some(S::Approved),
            (Transition::Decline, S::Applied) => Some(S::Declined),
            (Transition::Withdraw, S::Applied | S::Approved) => Some(S::Withdrawn),
            (Transition::Complete, S::Approved) => Some(S::Completed),
            _ => None,
        }
    }
}

/// States whose sponsorships occupy a slot of the forum (until their effective end).
pub const OCCUPYING: [SponsorshipState; 3] = [
    SponsorshipState::Approved,
    SponsorshipState::Completed,
    SponsorshipState::Withdrawn,
];

/// Why a period or credit option is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodProblem {
    /// The end is not after the start.
    EndNotAfterStart,
    /// Shorter than [`MIN_MONTHS`].
    TooShort,
    /// Longer than [`MAX_MONTHS`].
    TooLong,
    /// The chosen hours need more weeks than the period has.
    TooFewWeeksForHours {
        /// Complete weeks the option needs.
        needed: i64,
    },
}

impl From<PeriodProblem> for Violation {
    fn from(problem: PeriodProblem) -> Self {
        match problem {
            PeriodProblem::EndNotAfterStart => {
                Violation::field("/ends_on", "the end must lie after the start")
            }
            PeriodProblem::TooShort | PeriodProblem::TooLong => Violation::field(
                "/ends_on",
                "a sponsorship lasts 6 to 12 months: ends_on lies between the day before \
                 starts_on + 6 months and the day before starts_on + 12 months",
            ),
            PeriodProblem::TooFewWeeksForHours { needed } => Violation::field(
                "/credit_hours",
                format!("this credit option needs a period of at least {needed} weeks"),
            ),
        }
    }
}

/// The last day of a period of `months` months starting on `starts_on`.
fn last_day_of(starts_on: NaiveDate, months: u32) -> Option<NaiveDate> {
    starts_on
        .checked_add_months(Months::new(months))?
        .checked_sub_days(Days::new(1))
}

/// Checks that `[starts_on, ends_on]` lasts 6 to 12 months.
pub fn check_period(starts_on: NaiveDate, ends_on: NaiveDate) -> Result<(), PeriodProblem> {
    if ends_on <= starts_on {
        return Err(PeriodProblem::EndNotAfterStart);
    }
    let shortest = last_day_of(starts_on, MIN_MONTHS).ok_or(PeriodProblem::TooLong)?;
    let longest = last_day_of(starts_on, MAX_MONTHS).ok_or(PeriodProblem::TooLong)?;
    if ends_on < shortest {
        Err(PeriodProblem::TooShort)
    } else if ends_on > longest {
        Err(PeriodProblem::TooLong)
    } else {
        Ok(())
    }
}

/// Complete weeks in the inclusive period.
pub fn complete_weeks(starts_on: NaiveDate, ends_on: NaiveDate) -> i64 {
    ((ends_on - starts_on).num_days() + 1).max(0) / 7
}

/// Checks that the period has enough weeks for `hours` at [`HOURS_PER_WEEK`]
/// (§ 5.4: 40 hours need 40 weeks; 20 hours need 20).
pub fn check_credit_option(
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    hours: i32,
) -> Result<(), PeriodProblem> {
    let needed = i64::from(hours.unsigned_abs().div_ceil(HOURS_PER_WEEK));
    if complete_weeks(starts_on, ends_on) >= needed {
        Ok(())
    } else {
        Err(PeriodProblem::TooFewWeeksForHours { needed })
    }
}

/// The last day of a sponsorship of `months` months starting on `starts_on` (the day before the
/// same date `months` later).
pub fn period_end(starts_on: NaiveDate, months: u32) -> Option<NaiveDate> {
    last_day_of(starts_on, months)
}

/// The largest of the rule's credit options (`credit_hours`, `alt_credit_hours`) the period has
/// weeks for (§ 5.4: 40 h need 40 weeks, 20 h need 20); `None` when none fits.
pub fn best_credit_option(
    credit_hours: Option<i32>,
    alt_credit_hours: Option<i32>,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
) -> Option<i32> {
    [credit_hours, alt_credit_hours]
        .into_iter()
        .flatten()
        .filter(|h| check_credit_option(starts_on, ends_on, *h).is_ok())
        .max()
}

/// Checks `hours` against the options of the rule (`credit_hours`, `alt_credit_hours`) and,
/// where the period is given, against the weeks it has ([`check_credit_option`]).
pub fn check_option(
    credit_hours: Option<i32>,
    alt_credit_hours: Option<i32>,
    hours: i32,
    period: Option<(NaiveDate, NaiveDate)>,
) -> Result<(), Violation> {
    let options: Vec<i32> = [credit_hours, alt_credit_hours]
        .into_iter()
        .flatten()
        .collect();
    if !options.contains(&hours) {
        return Err(Violation::field(
            "/credit_hours",
            format!("the credit options are {options:?} hours"),
        ));
    }
    if let Some((starts_on, ends_on)) = period {
        check_credit_option(starts_on, ends_on, hours)?;
    }
    Ok(())
}

/// The last day a sponsorship withdrawn on `withdrawn_on` occupies its slot: the day before the
/// withdrawal (so the slot is free from the withdrawal date on), never after its planned end.
/// Before approval it never occupied one: the day before its start.
pub fn effective_end_after_withdrawal(
    was_approved: bool,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    withdrawn_on: NaiveDate,
) -> NaiveDate {
    let day_before = |d: NaiveDate| d.pred_opt().unwrap_or(d);
    if was_approved {
        day_before(withdrawn_on).min(ends_on)
    } else {
        day_before(starts_on)
    }
}

/// The most sponsorships that run on one day of `[from, until]` (inclusive), given the
/// `(starts_on, effective_ends_on)` periods of a forum's sponsorships.
pub fn max_concurrent(
    periods: &[(NaiveDate, NaiveDate)],
    from: NaiveDate,
    until: NaiveDate,
) -> i64 {
    // The count only rises on a start, so the maximum is on `from` or on a start inside.
    let running_on = |day: NaiveDate| {
        periods
            .iter()
            .filter(|(start, end)| *start <= day && day <= *end)
            .count() as i64
    };
    std::iter::once(from)
        .chain(
            periods
                .iter()
                .map(|(start, _)| *start)
                .filter(|d| from < *d && *d <= until),
        )
        .map(running_on)
        .max()
        .unwrap_or(0)
}

/// Slots still free when `taken` sponsors run at once (`None`: the rule sets no limit).
pub fn free_slots(limit: Option<i32>, taken: i64) -> Option<i64> {
    limit.map(|l| (i64::from(l) - taken).max(0))
}

/// Refuses a sponsorship when `taken` sponsors already run at once and the rule's `limit`
/// (`mentors_per_instance`; `None`: no limit) leaves no slot free.
pub fn check_free_slot(limit: Option<i32>, taken: i64) -> Result<(), Violation> {
    if free_slots(limit, taken) == Some(0) {
        Err(Violation::conflict(format!(
            "the forum already has {taken} sponsors during this period, the most allowed"
        )))
    } else {
        Ok(())
    }
}

/// Evidence (posts, threads) is recorded only for a sponsorship that ran: approved by staff
/// (`decided`) and now approved, completed or withdrawn, and begun by `today`.
pub fn check_evidence(
    state: SponsorshipState,
    decided: bool,
    starts_on: NaiveDate,
    today: NaiveDate,
) -> Result<(), Violation> {
    let ran = decided
        && matches!(
            state,
            SponsorshipState::Approved | SponsorshipState::Completed | SponsorshipState::Withdrawn
        );
    if !ran {
        return Err(Violation::conflict(format!(
            "the sponsorship is `{}` and never ran; evidence needs an approved one",
            state.as_str()
        )));
    }
    if starts_on > today {
        return Err(Violation::conflict("the sponsorship has not begun yet"));
    }
    Ok(())
}

/// Staff complete a sponsorship only after its end (`ends_on` before `today`) and with its
/// evidence recorded; returns the number of posts.
pub fn check_completion(
    ends_on: NaiveDate,
    today: NaiveDate,
    post_count: Option<i32>,
) -> Result<i32, Violation> {
    if ends_on >= today {
        return Err(Violation::conflict("the sponsorship has not ended yet"));
    }
    post_count.ok_or_else(|| Violation::conflict("record the evidence (number of posts) first"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn transitions_are_allowed_only_from_the_right_state() {
        use SponsorshipState as S;
        assert_eq!(Transition::Approve.target(S::Applied), Some(S::Approved));
        assert_eq!(Transition::Approve.target(S::Approved), None);
        assert_eq!(Transition::Decline.target(S::Approved), None);
        assert_eq!(Transition::Withdraw.target(S::Applied), Some(S::Withdrawn));
        assert_eq!(Transition::Withdraw.target(S::Approved), Some(S::Withdrawn));
        assert_eq!(Transition::Withdraw.target(S::Completed), None);
        assert_eq!(Transition::Complete.target(S::Approved), Some(S::Completed));
        assert_eq!(Transition::Complete.target(S::Withdrawn), None);
    }

    #[test]
    fn periods_last_six_to_twelve_months() {
        assert_eq!(check_period(d(2027, 1, 1), d(2027, 6, 30)), Ok(()));
        assert_eq!(
            check_period(d(2027, 1, 1), d(2027, 6, 29)),
            Err(PeriodProblem::TooShort)
        );
        assert_eq!(check_period(d(2027, 1, 1), d(2027, 12, 31)), Ok(()));
        assert_eq!(
            check_period(d(2027, 1, 1), d(2028, 1, 1)),
            Err(PeriodProblem::TooLong)
        );
        assert_eq!(
            check_period(d(2027, 1, 1), d(2027, 1, 1)),
            Err(PeriodProblem::EndNotAfterStart)
        );
    }

    #[test]
    fn month_ends_clamp_to_the_shorter_month() {
        // 31 August + 6 months = 28 February (2027 is no leap year): may end on 27 February.
        assert_eq!(check_period(d(2026, 8, 31), d(2027, 2, 27)), Ok(()));
        assert_eq!(
            check_period(d(2026, 8, 31), d(2027, 2, 26)),
            Err(PeriodProblem::TooShort)
        );
        // In a leap year the clamp lands on 29 February.
        assert_eq!(
            check_period(d(2027, 8, 31), d(2028, 2, 27)),
            Err(PeriodProblem::TooShort)
        );
        assert_eq!(check_period(d(2027, 8, 31), d(2028, 2, 28)), Ok(()));
    }

    #[test]
    fn forty_hours_need_forty_weeks() {
        // Six months: about 26 weeks, enough for 20 hours only.
        assert_eq!(
            check_credit_option(d(2027, 1, 1), d(2027, 6, 30), 20),
            Ok(())
        );
        assert_eq!(
            check_credit_option(d(2027, 1, 1), d(2027, 6, 30), 40),
            Err(PeriodProblem::TooFewWeeksForHours { needed: 40 })
        );
        // 280 days are exactly 40 weeks.
        let start = d(2027, 1, 1);
        let end = start + chrono::Duration::days(279);
        assert_eq!(complete_weeks(start, end), 40);
        assert_eq!(check_credit_option(start, end, 40), Ok(()));
        assert!(check_credit_option(start, end - chrono::Duration::days(1), 40).is_err());
    }

    #[test]
    fn withdrawal_frees_the_slot_from_the_withdrawal_date() {
        let (start, end) = (d(2027, 1, 1), d(2027, 6, 30));
        assert_eq!(
            effective_end_after_withdrawal(true, start, end, d(2027, 3, 15)),
            d(2027, 3, 14)
        );
        assert_eq!(
            effective_end_after_withdrawal(true, start, end, d(2027, 9, 1)),
            end
        );
        assert!(effective_end_after_withdrawal(false, start, end, d(2027, 3, 15)) < start);
    }

    #[test]
    fn concurrency_counts_sponsors_on_the_same_day() {
        let a = (d(2027, 1, 1), d(2027, 6, 30));
        let b = (d(2027, 7, 1), d(2027, 12, 31));
        let c = (d(2027, 3, 1), d(2027, 9, 30));
        // a and b never overlap each other: a whole-year window sees at most one of them.
        assert_eq!(max_concurrent(&[a, b], d(2027, 1, 1), d(2027, 12, 31)), 1);
        assert_eq!(
            max_concurrent(&[a, b, c], d(2027, 1, 1), d(2027, 12, 31)),
            2
        );
        assert_eq!(
            max_concurrent(&[a, b, c], d(2027, 10, 1), d(2027, 10, 31)),
            1
        );
        assert_eq!(max_concurrent(&[], d(2027, 1, 1), d(2027, 1, 31)), 0);
        assert_eq!(free_slots(Some(2), 2), Some(0));
        assert_eq!(free_slots(Some(2), 3), Some(0));
        assert_eq!(free_slots(Some(2), 1), Some(1));
        assert_eq!(free_slots(None, 5), None);
    }

    fn only_field(result: Result<(), Violation>) -> (String, String) {
        match result {
            Err(Violation::Invalid(fields)) if fields.len() == 1 => {
                (fields[0].pointer.clone(), fields[0].detail.clone())
            }
            other => panic!("expected one invalid field, got {other:?}"),
        }
    }

    #[test]
    fn a_credit_option_the_rule_does_not_offer_is_invalid() {
        assert_eq!(check_option(Some(40), Some(20), 20, None), Ok(()));
        assert_eq!(
            only_field(check_option(Some(40), Some(20), 30, None)),
            (
                "/credit_hours".into(),
                "the credit options are [40, 20] hours".into()
            )
        );
        assert_eq!(
            only_field(check_option(None, None, 40, None)).1,
            "the credit options are [] hours"
        );
    }

    #[test]
    fn a_credit_option_needs_a_period_long_enough_for_its_weeks() {
        let short = Some((d(2027, 1, 1), d(2027, 6, 30)));
        assert_eq!(check_option(Some(40), Some(20), 20, short), Ok(()));
        assert_eq!(
            only_field(check_option(Some(40), Some(20), 40, short)),
            (
                "/credit_hours".into(),
                "this credit option needs a period of at least 40 weeks".into()
            )
        );
    }

    #[test]
    fn a_period_problem_points_at_ends_on() {
        assert_eq!(
            only_field(Err(PeriodProblem::EndNotAfterStart.into())),
            ("/ends_on".into(), "the end must lie after the start".into())
        );
        let (pointer, detail) = only_field(Err(PeriodProblem::TooLong.into()));
        assert_eq!(pointer, "/ends_on");
        assert!(detail.starts_with("a sponsorship lasts 6 to 12 months"));
        assert_eq!(
            Violation::from(PeriodProblem::TooShort),
            Violation::from(PeriodProblem::TooLong)
        );
    }

    #[test]
    fn a_forum_full_during_the_period_is_a_conflict() {
        assert_eq!(check_free_slot(Some(2), 1), Ok(()));
        assert_eq!(check_free_slot(None, 50), Ok(()));
        assert_eq!(
            check_free_slot(Some(2), 2),
            Err(Violation::Conflict(
                "the forum already has 2 sponsors during this period, the most allowed".into()
            ))
        );
    }

    #[test]
    fn evidence_needs_a_sponsorship_that_ran_and_has_begun() {
        use SponsorshipState as S;
        let (start, today) = (d(2027, 1, 1), d(2027, 2, 1));
        assert_eq!(check_evidence(S::Approved, true, start, today), Ok(()));
        assert_eq!(check_evidence(S::Withdrawn, true, start, today), Ok(()));
        assert_eq!(
            check_evidence(S::Withdrawn, false, start, today),
            Err(Violation::Conflict(
                "the sponsorship is `withdrawn` and never ran; evidence needs an approved one"
                    .into()
            ))
        );
        assert!(check_evidence(S::Applied, true, start, today).is_err());
        assert_eq!(
            check_evidence(S::Approved, true, today, start),
            Err(Violation::Conflict(
                "the sponsorship has not begun yet".into()
            ))
        );
    }

    #[test]
    fn completion_needs_the_end_passed_and_the_evidence_recorded() {
        let (end, after) = (d(2027, 12, 31), d(2028, 1, 1));
        assert_eq!(check_completion(end, after, Some(12)), Ok(12));
        assert_eq!(
            check_completion(end, end, Some(12)),
            Err(Violation::Conflict(
                "the sponsorship has not ended yet".into()
            ))
        );
        assert_eq!(
            check_completion(end, after, None),
            Err(Violation::Conflict(
                "record the evidence (number of posts) first".into()
            ))
        );
    }

    #[test]
    fn six_months_earn_the_20_hour_option_and_a_year_the_40_hour_one() {
        let start: NaiveDate = "2026-01-01".parse().unwrap();
        let half = period_end(start, 6).unwrap();
        let year = period_end(start, 12).unwrap();
        assert_eq!(half, "2026-06-30".parse::<NaiveDate>().unwrap());
        assert_eq!(
            best_credit_option(Some(40), Some(20), start, half),
            Some(20)
        );
        assert_eq!(
            best_credit_option(Some(40), Some(20), start, year),
            Some(40)
        );
        let short = start + chrono::Duration::days(30);
        assert_eq!(best_credit_option(Some(40), Some(20), start, short), None);
    }
}
