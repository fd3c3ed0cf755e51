//! The programme's calendar: every date or year derived from an instant is the date in Germany
//! (Europe/Berlin, CET/CEST), not in UTC. Instants stay stored in UTC; only the day they fall on is
//! counted here, so a session at 00:30 local time on 1 March belongs to 1 March although it
//! starts at 23:30 UTC on the last day of February.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Berlin;

/// The programme's day on which `instant` falls (Europe/Berlin).
pub fn programme_date(instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&Berlin).date_naive()
}

/// [`programme_date`] of a UTC instant stored without its zone (as the database keeps them).
pub fn programme_date_of_utc(instant: NaiveDateTime) -> NaiveDate {
    programme_date(instant.and_utc())
}

/// The first instant of the programme's day `date` (local midnight in Berlin), as a UTC instant
/// without zone, the way the database stores instants. Midnight always exists in Berlin: the
/// clocks change at 02:00 and 03:00.
pub fn programme_day_start(date: NaiveDate) -> NaiveDateTime {
    Berlin
        .from_local_datetime(&date.and_time(NaiveTime::MIN))
        .earliest()
        .map_or_else(|| date.and_time(NaiveTime::MIN), |t| t.naive_utc())
}

/// The UTC instant (without zone, as stored) of the wall-clock time `time` on the programme's
/// day `date`; in the autumn hour that repeats, the earlier one. `None` for a time the spring
/// change skips (02:00–02:59 on the last Sunday of March).
pub fn programme_instant(date: NaiveDate, time: NaiveTime) -> Option<NaiveDateTime> {
    Berlin
        .from_local_datetime(&date.and_time(time))
        .earliest()
        .map(|t| t.naive_utc())
}

/// The wall-clock time in Germany of a UTC instant stored without its zone (for texts people read).
pub fn programme_wall_time(instant: NaiveDateTime) -> NaiveDateTime {
    instant.and_utc().with_timezone(&Berlin).naive_local()
}

/// Today in the programme's calendar.
pub fn programme_today() -> NaiveDate {
    programme_date(Utc::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn local_times_become_utc_instants_in_winter_and_summer() {
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        let ten = NaiveTime::from_hms_opt(10, 0, 0).unwrap();
        let utc = |s: &str| at(s).naive_utc();
        assert_eq!(
            programme_instant(day("2025-01-15"), ten),
            Some(utc("2025-01-15T09:00:00Z"))
        );
        assert_eq!(
            programme_instant(day("2025-07-15"), ten),
            Some(utc("2025-07-15T08:00:00Z"))
        );
        let skipped = NaiveTime::from_hms_opt(2, 30, 0).unwrap();
        assert_eq!(programme_instant(day("2025-03-30"), skipped), None);
    }

    #[test]
    fn wall_time_is_local_in_winter_and_summer() {
        let winter = at("2026-01-15T09:00:00Z").naive_utc();
        let summer = at("2026-07-15T09:00:00Z").naive_utc();
        assert_eq!(
            programme_wall_time(winter).to_string(),
            "2026-01-15 10:00:00"
        );
        assert_eq!(
            programme_wall_time(summer).to_string(),
            "2026-07-15 11:00:00"
        );
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn half_past_midnight_cet_on_1_march_is_1_march_although_utc_is_still_february() {
        assert_eq!(
            programme_date(at("2027-02-28T23:30:00Z")),
            day("2027-03-01")
        );
        assert_eq!(
            programme_date(at("2028-02-29T23:30:00Z")),
            day("2028-03-01")
        );
        // One hour earlier it is 23:30 CET: still February.
        assert_eq!(
            programme_date(at("2027-02-28T22:30:00Z")),
            day("2027-02-28")
        );
    }

    #[test]
    fn in_summer_time_the_day_starts_two_hours_before_utc_midnight() {
        assert_eq!(
            programme_date(at("2026-06-30T23:30:00Z")),
            day("2026-07-01")
        );
        assert_eq!(
            programme_date(at("2026-06-30T22:00:00Z")),
            day("2026-07-01")
        );
        assert_eq!(
            programme_date(at("2026-06-30T21:59:59Z")),
            day("2026-06-30")
        );
    }

    #[test]
    fn new_year_in_germany_comes_an_hour_before_new_year_in_utc() {
        assert_eq!(
            programme_date(at("2026-12-31T23:00:00Z")),
            day("2027-01-01")
        );
        assert_eq!(
            programme_date(at("2026-12-31T22:59:59Z")),
            day("2026-12-31")
        );
    }

    #[test]
    fn on_the_spring_switch_day_midnight_is_still_cet_and_evening_is_cest() {
        // 29 March 2026: clocks go from 02:00 CET to 03:00 CEST (01:00 UTC).
        assert_eq!(
            programme_date(at("2026-03-28T23:00:00Z")),
            day("2026-03-29")
        );
        assert_eq!(
            programme_date(at("2026-03-28T22:59:59Z")),
            day("2026-03-28")
        );
        // That evening the day already ends at 22:00 UTC.
        assert_eq!(
            programme_date(at("2026-03-29T22:00:00Z")),
            day("2026-03-30")
        );
        assert_eq!(
            programme_date(at("2026-03-29T21:59:59Z")),
            day("2026-03-29")
        );
    }

    #[test]
    fn on_the_autumn_switch_day_midnight_is_still_cest_and_evening_is_cet() {
        // 25 October 2026: clocks go from 03:00 CEST back to 02:00 CET (01:00 UTC).
        assert_eq!(
            programme_date(at("2026-10-24T22:00:00Z")),
            day("2026-10-25")
        );
        assert_eq!(
            programme_date(at("2026-10-24T21:59:59Z")),
            day("2026-10-24")
        );
        assert_eq!(
            programme_date(at("2026-10-25T23:00:00Z")),
            day("2026-10-26")
        );
        assert_eq!(
            programme_date(at("2026-10-25T22:59:59Z")),
            day("2026-10-25")
        );
    }

    #[test]
    fn a_stored_naive_utc_instant_is_read_as_utc() {
        let stored: NaiveDateTime = "2027-02-28T23:30:00".parse().unwrap();
        assert_eq!(programme_date_of_utc(stored), day("2027-03-01"));
    }

    #[test]
    fn a_programme_day_starts_at_berlin_midnight_in_utc() {
        let winter: NaiveDateTime = "2027-02-28T23:00:00".parse().unwrap();
        assert_eq!(programme_day_start(day("2027-03-01")), winter);
        let summer: NaiveDateTime = "2026-06-30T22:00:00".parse().unwrap();
        assert_eq!(programme_day_start(day("2026-07-01")), summer);
        // Both switch days start before the switch, at the old offset.
        let spring: NaiveDateTime = "2026-03-28T23:00:00".parse().unwrap();
        assert_eq!(programme_day_start(day("2026-03-29")), spring);
        let autumn: NaiveDateTime = "2026-10-24T22:00:00".parse().unwrap();
        assert_eq!(programme_day_start(day("2026-10-25")), autumn);
        for d in [day("2026-03-29"), day("2026-10-25"), day("2027-03-01")] {
            assert_eq!(programme_date_of_utc(programme_day_start(d)), d);
        }
    }

    #[test]
    fn today_is_the_berlin_date_of_now() {
        let before = programme_date(Utc::now());
        let today = programme_today();
        let after = programme_date(Utc::now());
        assert!(before <= today && today <= after);
    }
}
