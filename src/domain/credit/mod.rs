//! Mentoring credits (§ 5.4, § 5.5, Infobox 1): working days, the project years credits count in,
//! and whether a follow-up-project mentor met the yearly minimum.

pub mod project_year;
pub mod reminder;
pub mod status;
pub mod totals;

/// A working day (Arbeitstag) is 8 hours (§ 5.4: "fünf Tage (40 Stunden)").
pub const HOURS_PER_DAY: i32 = 8;

/// Credited hours as working days, rounded to one decimal (20 h → 2.5).
pub fn days(hours: i32) -> f64 {
    (f64::from(hours) / f64::from(HOURS_PER_DAY) * 10.0).round() / 10.0
}

/// Working days as German text: whole days without decimals ("5"), others with one decimal
/// and a decimal comma ("2,5").
pub fn days_de(hours: i32) -> String {
    if hours % HOURS_PER_DAY == 0 {
        (hours / HOURS_PER_DAY).to_string()
    } else {
        format!("{:.1}", days(hours)).replace('.', ",")
    }
}

/// The hours a credit is granted with under a rule that credits `credit_hours` and may offer
/// `alt_credit_hours` instead: the `chosen` option if it is one of the two, `credit_hours` when
/// nothing was chosen; `None` when the chosen hours are not an option of the rule.
pub fn granted_hours(
    credit_hours: i32,
    alt_credit_hours: Option<i32>,
    chosen: Option<i32>,
) -> Option<i32> {
    match chosen {
        None => Some(credit_hours),
        Some(h) if h == credit_hours || Some(h) == alt_credit_hours => Some(h),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_have_one_decimal_only_where_needed() {
        assert_eq!(days(40), 5.0);
        assert_eq!(days(20), 2.5);
        assert_eq!(days(0), 0.0);
        assert_eq!(days(3), 0.4);
        assert_eq!(days_de(40), "5");
        assert_eq!(days_de(20), "2,5");
        assert_eq!(days_de(60), "7,5");
        assert_eq!(days_de(80), "10");
        assert_eq!(days_de(0), "0");
    }

    #[test]
    fn two_half_sponsorships_make_the_five_day_minimum() {
        let sum = 20 + 20;
        assert_eq!(days(sum), 5.0);
        assert_eq!(days_de(sum), "5");
        assert!(sum >= status::Obligation::HANDBOOK.min_hours);
    }

    #[test]
    fn nothing_chosen_is_granted_the_rules_credit() {
        assert_eq!(granted_hours(40, Some(20), None), Some(40));
        assert_eq!(granted_hours(40, None, None), Some(40));
    }

    #[test]
    fn either_option_of_the_rule_can_be_chosen() {
        assert_eq!(granted_hours(40, Some(20), Some(40)), Some(40));
        assert_eq!(granted_hours(40, Some(20), Some(20)), Some(20));
    }

    #[test]
    fn hours_that_are_no_option_of_the_rule_are_not_granted() {
        assert_eq!(granted_hours(40, Some(20), Some(30)), None);
        assert_eq!(granted_hours(40, None, Some(20)), None);
    }
}
