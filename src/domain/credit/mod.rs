//! Mentoring credits (§ 5.4, § 5.5, Infobox 1): working days, the project years credits count in,
//! and whether a follow-up-project mentor met the yearly minimum.

pub mod project_year;
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
}
