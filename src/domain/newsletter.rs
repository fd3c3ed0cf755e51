//! Whom a newsletter mailing welcomes (§ 5.1): the participants activated since the previous
//! mailing, up to the end of this mailing's day.
//!
//! The window starts at the beginning of the previous mailing's day (not at its end), so a
//! participant activated on that day after it went out is welcomed by the next one; the rule
//! "never welcomed before" keeps anyone from being welcomed twice.

use chrono::{Days, NaiveDate, NaiveDateTime};

/// Activation times `[from, until)` a mailing on `sent_on` welcomes; `from` is `None` for the
/// first mailing. `Err` when `sent_on` lies before the previous mailing's day.
pub fn welcome_window(
    previous: Option<NaiveDate>,
    sent_on: NaiveDate,
) -> Result<(Option<NaiveDateTime>, NaiveDateTime), &'static str> {
    if previous.is_some_and(|p| sent_on < p) {
        return Err("a mailing cannot be dated before the previous mailing");
    }
    let from = previous.map(|p| p.and_time(chrono::NaiveTime::MIN));
    let until = sent_on
        .checked_add_days(Days::new(1))
        .unwrap_or(NaiveDate::MAX)
        .and_time(chrono::NaiveTime::MIN);
    Ok((from, until))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: &str) -> NaiveDate {
        d.parse().unwrap()
    }

    #[test]
    fn first_mailing_welcomes_everyone_activated_until_the_end_of_its_day() {
        let (from, until) = welcome_window(None, day("2026-03-01")).unwrap();
        assert_eq!(from, None);
        assert_eq!(until, day("2026-03-02").and_hms_opt(0, 0, 0).unwrap());
    }

    #[test]
    fn later_mailing_starts_at_the_previous_mailing_day() {
        let (from, until) = welcome_window(Some(day("2026-03-01")), day("2026-04-15")).unwrap();
        assert_eq!(from, Some(day("2026-03-01").and_hms_opt(0, 0, 0).unwrap()));
        assert_eq!(until, day("2026-04-16").and_hms_opt(0, 0, 0).unwrap());
    }

    #[test]
    fn same_day_is_allowed_and_an_earlier_day_is_not() {
        assert!(welcome_window(Some(day("2026-03-01")), day("2026-03-01")).is_ok());
        assert!(welcome_window(Some(day("2026-03-01")), day("2026-02-28")).is_err());
    }
}
