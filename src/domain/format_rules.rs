//! The credit rules of the mentoring formats (§ 5.4) over time: which rule applies on a date,
//! and which changes are allowed.
//!
//! A format's rules form an append-only timeline. Each rule is valid from its `valid_from` until
//! the day before the next rule's. A change never rewrites the past: it takes effect today at the
//! earliest and only after every existing rule, so a credit earned on a date always keeps the rule
//! that applied on that date.

use chrono::NaiveDate;

/// Hours per working day: § 5.4 counts 5 working days as 40 hours.
pub const HOURS_PER_WORKING_DAY: i32 = 8;
/// Largest credit per instance, in hours (50 working days).
pub const MAX_CREDIT_HOURS: i32 = 400;
/// Largest yearly limit of instances.
pub const MAX_YEARLY_LIMIT: i32 = 1000;
/// Largest number of mentors per instance.
pub const MAX_MENTORS_PER_INSTANCE: i32 = 100;

/// What a rule says. Credits are whole hours, never fractions of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleTerms {
    /// Credit per instance in hours; `None` while the handbook leaves it undefined
    /// (individual mentoring, "not yet defined" until phase 2).
    pub credit_hours: Option<i32>,
    /// A second credit the mentor may choose instead (forum sponsorship: 20 h against 40 h).
    pub alt_credit_hours: Option<i32>,
    /// Instances per year; `None` for no limit.
    pub yearly_limit: Option<i32>,
    /// Mentors per instance; `None` when variable (regional meetings).
    pub mentors_per_instance: Option<i32>,
    /// Whether the format can be booked.
    pub bookable: bool,
}

/// A requested change of terms. For nullable terms: `None` keeps the value, `Some(None)` clears
/// it, `Some(Some(v))` sets it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TermsChange {
    /// New credit.
    pub credit_hours: Option<Option<i32>>,
    /// New alternative credit.
    pub alt_credit_hours: Option<Option<i32>>,
    /// New yearly limit.
    pub yearly_limit: Option<Option<i32>>,
    /// New number of mentors per instance.
    pub mentors_per_instance: Option<Option<i32>>,
    /// New availability.
    pub bookable: Option<bool>,
}

/// One offending field: JSON pointer and what is wrong.
pub type Problem = (&'static str, &'static str);

impl TermsChange {
    /// Values out of range, checked before anything is looked up (the limits the OpenAPI
    /// document states for each field).
    pub fn range_problems(&self) -> Vec<Problem> {
        let set = |value: Option<Option<i32>>| value.flatten();
        RuleTerms {
            credit_hours: set(self.credit_hours),
            alt_credit_hours: set(self.alt_credit_hours),
            yearly_limit: set(self.yearly_limit),
            mentors_per_instance: set(self.mentors_per_instance),
            bookable: false,
        }
        .range_problems()
    }
}

impl RuleTerms {
    /// The terms after `change`.
    pub fn apply(self, change: &TermsChange) -> RuleTerms {
        RuleTerms {
            credit_hours: change.credit_hours.unwrap_or(self.credit_hours),
            alt_credit_hours: change.alt_credit_hours.unwrap_or(self.alt_credit_hours),
            yearly_limit: change.yearly_limit.unwrap_or(self.yearly_limit),
            mentors_per_instance: change
                .mentors_per_instance
                .unwrap_or(self.mentors_per_instance),
            bookable: change.bookable.unwrap_or(self.bookable),
        }
    }

    /// Values outside the allowed ranges.
    fn range_problems(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        let out_of = |value: Option<i32>, max: i32| value.is_some_and(|v| !(1..=max).contains(&v));
        if out_of(self.credit_hours, MAX_CREDIT_HOURS) {
            problems.push(("/credit_hours", "must be between 1 and 400 hours"));
        }
        if out_of(self.alt_credit_hours, MAX_CREDIT_HOURS) {
            problems.push(("/alt_credit_hours", "must be between 1 and 400 hours"));
        }
        if out_of(self.yearly_limit, MAX_YEARLY_LIMIT) {
            problems.push(("/yearly_limit", "must be between 1 and 1000"));
        }
        if out_of(self.mentors_per_instance, MAX_MENTORS_PER_INSTANCE) {
            problems.push(("/mentors_per_instance", "must be between 1 and 100"));
        }
        problems
    }

    /// Everything that makes these terms inconsistent; empty when they are valid.
    pub fn problems(&self) -> Vec<Problem> {
        let mut problems = self.range_problems();
        match (self.credit_hours, self.alt_credit_hours) {
            (None, Some(_)) => problems.push((
                "/alt_credit_hours",
                "an alternative credit needs a credit (credit_hours)",
            )),
            (Some(credit), Some(alt)) if credit == alt => problems.push((
                "/alt_credit_hours",
                "must differ from credit_hours (or be null)",
            )),
            _ => {}
        }
        if self.bookable && self.credit_hours.is_none() {
            problems.push((
                "/bookable",
                "a format can only be bookable once its credit (credit_hours) is defined",
            ));
        }
        problems
    }

    /// The credits a mentor may earn per instance, ascending; empty while undefined.
    pub fn credit_options(&self) -> Vec<i32> {
        let mut options: Vec<i32> = self
            .credit_hours
            .into_iter()
            .chain(self.alt_credit_hours)
            .collect();
        options.sort_unstable();
        options.dedup();
        options
    }

    /// Whether `hours` is one of the credits this rule grants.
    pub fn allows_credit(&self, hours: i32) -> bool {
        self.credit_options().contains(&hours)
    }
}

/// The index of the rule that applies on `date`, given the rules' `valid_from` dates in
/// ascending order: the last one not after `date`. `None` before the first rule.
pub fn applicable_index(valid_froms: &[NaiveDate], date: NaiveDate) -> Option<usize> {
    valid_froms
        .partition_point(|from| *from <= date)
        .checked_sub(1)
}

/// The last day the rule at `index` applies (the day before the next rule), `None` while open.
pub fn valid_until(valid_froms: &[NaiveDate], index: usize) -> Option<NaiveDate> {
    valid_froms.get(index + 1).and_then(|next| next.pred_opt())
}

/// Checks the start date of a new rule: not in the past (`today`), and after the latest
/// existing rule, so the timeline stays append-only and history is never rewritten.
pub fn check_valid_from(
    new: NaiveDate,
    today: NaiveDate,
    latest: Option<NaiveDate>,
) -> Result<(), &'static str> {
    if new < today {
        return Err(
            "must not be in the past: credits already earned keep the rule that applied then",
        );
    }
    if latest.is_some_and(|latest| new <= latest) {
        return Err("must be after the start of the latest rule (rules are only appended)");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    const FORUM: RuleTerms = RuleTerms {
        credit_hours: Some(40),
        alt_credit_hours: Some(20),
        yearly_limit: Some(12),
        mentors_per_instance: Some(2),
        bookable: true,
    };

    #[test]
    fn the_rule_in_force_is_the_last_one_started() {
        let froms = [date("2020-01-01"), date("2026-01-01"), date("2027-07-01")];
        assert_eq!(applicable_index(&froms, date("2019-12-31")), None);
        assert_eq!(applicable_index(&froms, date("2020-01-01")), Some(0));
        assert_eq!(applicable_index(&froms, date("2025-12-31")), Some(0));
        assert_eq!(applicable_index(&froms, date("2026-01-01")), Some(1));
        assert_eq!(applicable_index(&froms, date("2030-01-01")), Some(2));
        assert_eq!(valid_until(&froms, 0), Some(date("2025-12-31")));
        assert_eq!(valid_until(&froms, 2), None);
        assert_eq!(applicable_index(&[], date("2026-01-01")), None);
    }

    #[test]
    fn new_rules_start_today_or_later_and_after_the_latest() {
        let today = date("2026-11-25");
        let latest = Some(date("2020-01-01"));
        assert!(check_valid_from(today, today, latest).is_ok());
        assert!(check_valid_from(date("2027-01-01"), today, latest).is_ok());
        assert!(check_valid_from(date("2026-11-24"), today, latest).is_err());
        let future = Some(date("2027-01-01"));
        assert!(check_valid_from(date("2027-01-01"), today, future).is_err());
        assert!(check_valid_from(date("2026-12-01"), today, future).is_err());
        assert!(check_valid_from(date("2027-01-02"), today, future).is_ok());
    }

    #[test]
    fn changes_keep_clear_or_set_each_term() {
        let change = TermsChange {
            alt_credit_hours: Some(None),
            yearly_limit: Some(Some(10)),
            ..TermsChange::default()
        };
        assert!(change.range_problems().is_empty());
        let after = FORUM.apply(&change);
        assert_eq!(after.credit_hours, Some(40));
        assert_eq!(after.alt_credit_hours, None);
        assert_eq!(after.yearly_limit, Some(10));
        assert_eq!(FORUM.apply(&TermsChange::default()), FORUM);
    }

    #[test]
    fn inconsistent_terms_are_named_by_field() {
        assert!(FORUM.problems().is_empty());
        let undefined = RuleTerms {
            credit_hours: None,
            alt_credit_hours: None,
            yearly_limit: None,
            mentors_per_instance: Some(1),
            bookable: false,
        };
        assert!(undefined.problems().is_empty());
        let bookable_without_credit = RuleTerms {
            bookable: true,
            ..undefined
        };
        assert_eq!(bookable_without_credit.problems()[0].0, "/bookable");
        let alt_only = RuleTerms {
            alt_credit_hours: Some(20),
            ..undefined
        };
        assert_eq!(alt_only.problems()[0].0, "/alt_credit_hours");
        let same = RuleTerms {
            alt_credit_hours: Some(40),
            ..FORUM
        };
        assert_eq!(same.problems()[0].0, "/alt_credit_hours");
        let zero = RuleTerms {
            credit_hours: Some(0),
            ..FORUM
        };
        assert_eq!(zero.problems()[0].0, "/credit_hours");
        let out_of_range = TermsChange {
            yearly_limit: Some(Some(0)),
            mentors_per_instance: Some(Some(101)),
            credit_hours: Some(None),
            ..TermsChange::default()
        };
        let pointers: Vec<&str> = out_of_range.range_problems().iter().map(|p| p.0).collect();
        assert_eq!(pointers, ["/yearly_limit", "/mentors_per_instance"]);
    }

    #[test]
    fn credit_options_are_exact_hours() {
        assert_eq!(FORUM.credit_options(), vec![20, 40]);
        assert!(FORUM.allows_credit(20) && FORUM.allows_credit(40) && !FORUM.allows_credit(30));
        assert_eq!(5 * HOURS_PER_WORKING_DAY, 40);
    }
}
