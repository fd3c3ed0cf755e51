//! Whom a newsletter mailing welcomes (§ 5.1): the participants activated since the previous
//! mailing, up to the end of this mailing's day (days in the programme's calendar, Europe/Berlin).
//!
//! The window starts at the beginning of the previous mailing's day (not at its end), so a
//! participant activated on that day after it went out is welcomed by the next one; the rule
//! "never welcomed before" keeps anyone from being welcomed twice.

use chrono::{Days, NaiveDate, NaiveDateTime};

use crate::domain::programme_time::programme_day_start;

/// Activation times `[from, until)` a mailing on `sent_on` welcomes; `from` is `None` for the
/// first mailing. `Err` when `sent_on` lies before the previous mailing's day.
pub fn welcome_window(
    previous: Option<NaiveDate>,
    sent_on: NaiveDate,
) -> Result<(Option<NaiveDateTime>, NaiveDateTime), &'static str> {
    if previous.is_some_and(|p| sent_on < p) {
        return Err("a mailing cannot be dated before the previous mailing");
    }
    let from = previous.map(programme_day_start);
    let until = programme_day_start(
        sent_on
            .checked_add_days(Days::new(1))
            .unwrap_or(NaiveDate::MAX),
    );
    Ok((from, until))
}

/// The content types a one-click unsubscribe may be posted as (RFC 8058 § 3.1).
pub const ONE_CLICK_MEDIA_TYPES: [&str; 2] =
    ["application/x-www-form-urlencoded", "multipart/form-data"];

/// Whether `body` (of the media type `media_type`, without parameters) carries the RFC 8058
/// key/value pair `List-Unsubscribe=One-Click`.
pub fn is_one_click(media_type: &str, body: &str) -> bool {
    match media_type {
        "application/x-www-form-urlencoded" => body
            .trim()
            .split('&')
            .any(|pair| pair == "List-Unsubscribe=One-Click"),
        "multipart/form-data" => body
            .split("\r\n\r\n")
            .zip(body.split("\r\n\r\n").skip(1))
            .any(|(head, value)| {
                head.contains("name=\"List-Unsubscribe\"")
                    && value.lines().next().map(str::trim) == Some("One-Click")
            }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_click_is_the_rfc_8058_pair_in_either_form_encoding() {
        let form = "application/x-www-form-urlencoded";
        assert!(is_one_click(form, "List-Unsubscribe=One-Click"));
        assert!(is_one_click(form, "a=b&List-Unsubscribe=One-Click\r\n"));
        assert!(!is_one_click(form, "List-Unsubscribe=Yes"));
        assert!(!is_one_click(form, ""));
        let multipart = "--x\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--x--\r\n";
        assert!(is_one_click("multipart/form-data", multipart));
        assert!(!is_one_click("multipart/form-data", "One-Click"));
        assert!(!is_one_click("text/plain", "List-Unsubscribe=One-Click"));
    }

    fn day(d: &str) -> NaiveDate {
        d.parse().unwrap()
    }

    #[test]
    fn first_mailing_welcomes_everyone_activated_until_the_end_of_its_day() {
        let (from, until) = welcome_window(None, day("2026-03-01")).unwrap();
        assert_eq!(from, None);
        // Midnight in Berlin (CET) is 23:00 UTC the evening before.
        assert_eq!(until, day("2026-03-01").and_hms_opt(23, 0, 0).unwrap());
    }

    #[test]
    fn later_mailing_starts_at_the_previous_mailing_day() {
        let (from, until) = welcome_window(Some(day("2026-03-01")), day("2026-04-15")).unwrap();
        assert_eq!(from, Some(day("2026-02-28").and_hms_opt(23, 0, 0).unwrap()));
        // In summer time (CEST) the day starts at 22:00 UTC.
        assert_eq!(until, day("2026-04-15").and_hms_opt(22, 0, 0).unwrap());
    }

    #[test]
    fn same_day_is_allowed_and_an_earlier_day_is_not() {
        assert!(welcome_window(Some(day("2026-03-01")), day("2026-03-01")).is_ok());
        assert!(welcome_window(Some(day("2026-03-01")), day("2026-02-28")).is_err());
    }
}
