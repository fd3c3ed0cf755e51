//! Individual mentoring (§ 3.3, phase 2): a mentee asks for a mentor, a pair is formed, it
//! agrees on expectations, scope, contact forms and an end (Infobox 2), records its contacts
//! (phone, e-mail, visits, job shadowing) and is reminded when it has gone silent.
//!
//! Each contact is one instance of the catalogue format `individual`: it credits the mentor the
//! `credit_hours` of the format's rule on the contact's date (the same ledger and rule as every
//! other format, [`crate::domain::format_rules`]). The duration is recorded as evidence (§ 5.5
//! asks for the time spent) but does not change the credit, so the one rule stays the one rule.

pub mod matching;
pub mod neighbours;

use chrono::{Duration, Months, NaiveDate};

use crate::code_enum;
use crate::domain::Violation;

/// The catalogue format of individual mentoring.
pub const FORMAT: &str = "individual";
/// Weeks without a contact after which both sides are reminded, unless configured otherwise.
pub const DEFAULT_SILENCE_WEEKS: u32 = 6;
/// Longest agreed duration of a pair, from its start.
pub const MAX_AGREEMENT_MONTHS: u32 = 24;
/// Longest phone call, e-mail exchange or visit, in hours.
pub const MAX_CONTACT_HOURS: i32 = 24;
/// Longest job shadowing, in working days.
pub const MAX_SHADOWING_DAYS: i32 = 10;

code_enum! {
    /// Where a mentee's request for a mentor stands.
    pub enum RequestState {
        /// Waiting for a mentor.
        Open = "open", "offen", "open";
        /// A mentor accepted (or staff assigned one): a pair exists.
        Matched = "matched", "vermittelt", "matched";
        /// Withdrawn by the mentee or staff.
        Withdrawn = "withdrawn", "zurückgezogen", "withdrawn";
    }
}

code_enum! {
    /// Where a mentoring pair stands.
    pub enum PairState {
        /// Mentoring runs.
        Active = "active", "aktiv", "active";
        /// Ended by one of the pair or staff.
        Ended = "ended", "beendet", "ended";
    }
}

code_enum! {
    /// The form of a contact (§ 3.3).
    pub enum ContactKind {
        /// Advice by phone (or video call).
        Phone = "phone", "Telefonische Beratung", "Phone advice";
        /// Advice by e-mail.
        Email = "email", "Beratung per E-Mail", "E-mail advice";
        /// A personal meeting or visit.
        Visit = "visit", "Persönliches Gespräch / Besuch", "Personal meeting or visit";
        /// Job shadowing (Hospitanz) of one or more days.
        JobShadowing = "job_shadowing", "Hospitanz", "Job shadowing";
    }
}

/// The request can be withdrawn only while it is open.
pub fn check_withdrawable(state: RequestState) -> Result<(), Violation> {
    match state {
        RequestState::Open => Ok(()),
        other => Err(Violation::conflict(format!(
            "the request is `{}`; only an open request can be withdrawn",
            other.as_str()
        ))),
    }
}

/// A pair can be formed from an open request, by a mentor who is not the mentee and has room.
pub fn check_acceptance(
    state: RequestState,
    mentee_id: i64,
    mentor_id: i64,
    mentor_active_pairs: i64,
) -> Result<(), Violation> {
    if state != RequestState::Open {
        return Err(Violation::conflict(format!(
            "the request is `{}`; only an open request can be accepted",
            state.as_str()
        )));
    }
    if mentee_id == mentor_id {
        return Err(Violation::conflict("a mentee cannot be their own mentor"));
    }
    if mentor_active_pairs >= matching::MAX_ACTIVE_PAIRS {
        return Err(Violation::conflict(format!(
            "the mentor already has {} active pairs, the most at once",
            matching::MAX_ACTIVE_PAIRS
        )));
    }
    Ok(())
}

/// The agreed end: after the start and no more than [`MAX_AGREEMENT_MONTHS`] after it, and not
/// before a contact already recorded. At least one contact form is agreed, each once.
pub fn check_agreement(
    started_on: NaiveDate,
    end_date: NaiveDate,
    latest_contact: Option<NaiveDate>,
    kinds: &[ContactKind],
) -> Result<(), Violation> {
    let latest_end = started_on
        .checked_add_months(Months::new(MAX_AGREEMENT_MONTHS))
        .unwrap_or(NaiveDate::MAX);
    if end_date <= started_on || end_date > latest_end {
        return Err(Violation::field(
            "/end_date",
            format!(
                "must be after the pair's start and at most {MAX_AGREEMENT_MONTHS} months after it"
            ),
        ));
    }
    if latest_contact.is_some_and(|c| c > end_date) {
        return Err(Violation::field(
            "/end_date",
            "must not be before a contact already recorded",
        ));
    }
    if kinds.is_empty() {
        return Err(Violation::field(
            "/contact_kinds",
            "agree on at least one form of contact",
        ));
    }
    if kinds
        .iter()
        .enumerate()
        .any(|(i, k)| kinds[..i].contains(k))
    {
        return Err(Violation::field(
            "/contact_kinds",
            "each form of contact once",
        ));
    }
    Ok(())
}

/// What a contact's check needs to know about its pair.
#[derive(Debug, Clone, Copy)]
pub struct PairTerms<'a> {
    /// The pair's first day.
    pub started_on: NaiveDate,
    /// The day the pair ended, if it did.
    pub ended_on: Option<NaiveDate>,
    /// The agreed end and contact forms; `None` before the agreement.
    pub agreement: Option<(NaiveDate, &'a [ContactKind])>,
}

/// A contact as recorded.
#[derive(Debug, Clone, Copy)]
pub struct ContactFacts {
    /// Its form.
    pub kind: ContactKind,
    /// Its day.
    pub on: NaiveDate,
    /// Hours (phone, e-mail, visit).
    pub hours: Option<i32>,
    /// Days (job shadowing).
    pub days: Option<i32>,
}

/// Whether a contact may be recorded: an agreement exists (409 otherwise), the form is agreed,
/// the day lies between the start and today, and not after the agreed or actual end; the
/// duration is in hours, for job shadowing in days.
pub fn check_contact(
    pair: PairTerms<'_>,
    contact: ContactFacts,
    today: NaiveDate,
) -> Result<(), Violation> {
    let Some((end_date, kinds)) = pair.agreement else {
        return Err(Violation::conflict(
            "record the agreement (expectations, scope, end date) before the first contact",
        ));
    };
    if !kinds.contains(&contact.kind) {
        return Err(Violation::field(
            "/kind",
            "not a form of contact the pair agreed on",
        ));
    }
    if contact.on > today {
        return Err(Violation::field("/contact_on", "must not be in the future"));
    }
    if contact.on < pair.started_on {
        return Err(Violation::field(
            "/contact_on",
            "must not be before the pair started",
        ));
    }
    let last = pair.ended_on.map_or(end_date, |ended| ended.min(end_date));
    if contact.on > last {
        return Err(Violation::field(
            "/contact_on",
            "must not be after the agreed end or the end of the pair",
        ));
    }
    match (contact.kind, contact.hours, contact.days) {
        (ContactKind::JobShadowing, None, Some(d)) if (1..=MAX_SHADOWING_DAYS).contains(&d) => {
            Ok(())
        }
        (ContactKind::JobShadowing, _, _) => Err(Violation::field(
            "/duration_days",
            format!("job shadowing takes 1 to {MAX_SHADOWING_DAYS} days (and no hours)"),
        )),
        (_, Some(h), None) if (1..=MAX_CONTACT_HOURS).contains(&h) => Ok(()),
        _ => Err(Violation::field(
            "/duration_hours",
            format!(
                "a phone call, e-mail or visit takes 1 to {MAX_CONTACT_HOURS} hours (and no days)"
            ),
        )),
    }
}

/// A pair can end while it is active, on a day between its start and today.
pub fn check_ending(
    state: PairState,
    started_on: NaiveDate,
    ended_on: NaiveDate,
    today: NaiveDate,
) -> Result<(), Violation> {
    if state != PairState::Active {
        return Err(Violation::conflict("the pair has already ended"));
    }
    if ended_on < started_on || ended_on > today {
        return Err(Violation::field(
            "/ended_on",
            "must lie between the pair's start and today",
        ));
    }
    Ok(())
}

/// Whether a silent pair is due a reminder: it is silent since `silent_since` (its latest
/// contact, or its start), `weeks` have passed, and it was not reminded in this silence (a
/// later contact starts a new one).
pub fn silence_due(
    silent_since: NaiveDate,
    today: NaiveDate,
    weeks: u32,
    reminded_in_this_silence: bool,
) -> bool {
    !reminded_in_this_silence && today >= silent_since + Duration::weeks(i64::from(weeks))
}

/// Codes as stored in one text column, separated by commas.
pub fn join_codes<'a>(codes: impl IntoIterator<Item = &'a str>) -> String {
    codes.into_iter().collect::<Vec<_>>().join(",")
}

/// The codes of a column written by [`join_codes`]; unknown ones are skipped.
pub fn split_codes<T>(stored: &str, parse: impl Fn(&str) -> Option<T>) -> Vec<T> {
    stored.split(',').filter_map(parse).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    const ALL: &[ContactKind] = ContactKind::ALL;

    fn agreed(end: &str) -> PairTerms<'static> {
        PairTerms {
            started_on: day("2026-03-01"),
            ended_on: None,
            agreement: Some((day(end), ALL)),
        }
    }

    fn phone(on: &str) -> ContactFacts {
        ContactFacts {
            kind: ContactKind::Phone,
            on: day(on),
            hours: Some(1),
            days: None,
        }
    }

    fn pointer(result: Result<(), Violation>) -> String {
        match result {
            Err(Violation::Invalid(f)) => f[0].pointer.clone(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn no_contact_before_the_agreement() {
        let pair = PairTerms {
            agreement: None,
            ..agreed("2026-12-31")
        };
        let today = day("2026-06-01");
        assert!(matches!(
            check_contact(pair, phone("2026-05-01"), today),
            Err(Violation::Conflict(_))
        ));
    }

    #[test]
    fn contacts_lie_between_start_today_and_the_end() {
        let today = day("2026-06-01");
        let pair = agreed("2026-12-31");
        assert_eq!(check_contact(pair, phone("2026-03-01"), today), Ok(()));
        assert_eq!(check_contact(pair, phone("2026-06-01"), today), Ok(()));
        assert_eq!(
            pointer(check_contact(pair, phone("2026-06-02"), today)),
            "/contact_on"
        );
        assert_eq!(
            pointer(check_contact(pair, phone("2026-02-28"), today)),
            "/contact_on"
        );
        let short = agreed("2026-04-30");
        assert_eq!(
            pointer(check_contact(short, phone("2026-05-01"), today)),
            "/contact_on"
        );
        let ended = PairTerms {
            ended_on: Some(day("2026-04-15")),
            ..pair
        };
        assert_eq!(check_contact(ended, phone("2026-04-15"), today), Ok(()));
        assert_eq!(
            pointer(check_contact(ended, phone("2026-04-16"), today)),
            "/contact_on"
        );
    }

    #[test]
    fn job_shadowing_counts_days_the_others_hours() {
        let today = day("2026-06-01");
        let pair = agreed("2026-12-31");
        let shadowing = ContactFacts {
            kind: ContactKind::JobShadowing,
            on: day("2026-05-01"),
            hours: None,
            days: Some(2),
        };
        assert_eq!(check_contact(pair, shadowing, today), Ok(()));
        let in_hours = ContactFacts {
            hours: Some(8),
            days: None,
            ..shadowing
        };
        assert_eq!(
            pointer(check_contact(pair, in_hours, today)),
            "/duration_days"
        );
        let long_call = ContactFacts {
            hours: Some(25),
            ..phone("2026-05-01")
        };
        assert_eq!(
            pointer(check_contact(pair, long_call, today)),
            "/duration_hours"
        );
    }

    #[test]
    fn only_agreed_forms_of_contact() {
        let pair = PairTerms {
            agreement: Some((day("2026-12-31"), &[ContactKind::Email])),
            ..agreed("2026-12-31")
        };
        assert_eq!(
            pointer(check_contact(pair, phone("2026-05-01"), day("2026-06-01"))),
            "/kind"
        );
    }

    #[test]
    fn the_agreed_end_follows_the_start_within_two_years() {
        let start = day("2026-03-01");
        let kinds = [ContactKind::Phone];
        assert_eq!(
            check_agreement(start, day("2026-12-31"), None, &kinds),
            Ok(())
        );
        assert_eq!(
            check_agreement(start, day("2028-03-01"), None, &kinds),
            Ok(())
        );
        assert_eq!(
            pointer(check_agreement(start, day("2028-03-02"), None, &kinds)),
            "/end_date"
        );
        assert_eq!(
            pointer(check_agreement(start, start, None, &kinds)),
            "/end_date"
        );
        let contact = Some(day("2026-09-01"));
        assert_eq!(
            pointer(check_agreement(start, day("2026-08-31"), contact, &kinds)),
            "/end_date"
        );
        assert_eq!(
            pointer(check_agreement(start, day("2026-12-31"), None, &[])),
            "/contact_kinds"
        );
        let twice = [ContactKind::Phone, ContactKind::Phone];
        assert_eq!(
            pointer(check_agreement(start, day("2026-12-31"), None, &twice)),
            "/contact_kinds"
        );
    }

    #[test]
    fn acceptance_needs_an_open_request_another_person_and_room() {
        assert_eq!(check_acceptance(RequestState::Open, 1, 2, 0), Ok(()));
        let conflict = |r: Result<(), Violation>| matches!(r, Err(Violation::Conflict(_)));
        assert!(conflict(check_acceptance(RequestState::Matched, 1, 2, 0)));
        assert!(conflict(check_acceptance(RequestState::Withdrawn, 1, 2, 0)));
        assert!(conflict(check_acceptance(RequestState::Open, 1, 1, 0)));
        assert!(conflict(check_acceptance(
            RequestState::Open,
            1,
            2,
            matching::MAX_ACTIVE_PAIRS
        )));
        assert!(check_withdrawable(RequestState::Open).is_ok());
        assert!(check_withdrawable(RequestState::Matched).is_err());
    }

    #[test]
    fn a_pair_ends_once_between_start_and_today() {
        let (start, today) = (day("2026-03-01"), day("2026-06-01"));
        assert_eq!(check_ending(PairState::Active, start, today, today), Ok(()));
        assert!(check_ending(PairState::Ended, start, today, today).is_err());
        assert_eq!(
            pointer(check_ending(
                PairState::Active,
                start,
                day("2026-02-01"),
                today
            )),
            "/ended_on"
        );
        assert_eq!(
            pointer(check_ending(
                PairState::Active,
                start,
                day("2026-06-02"),
                today
            )),
            "/ended_on"
        );
    }

    #[test]
    fn silence_is_reminded_once_after_the_weeks_pass() {
        let since = day("2026-03-01");
        assert!(!silence_due(since, day("2026-04-11"), 6, false));
        assert!(silence_due(since, day("2026-04-12"), 6, false));
        assert!(!silence_due(since, day("2026-04-12"), 6, true));
    }

    #[test]
    fn codes_survive_their_column() {
        let stored = join_codes([ContactKind::Phone.as_str(), ContactKind::Visit.as_str()]);
        assert_eq!(stored, "phone,visit");
        assert_eq!(
            split_codes(&stored, ContactKind::parse),
            [ContactKind::Phone, ContactKind::Visit]
        );
        assert!(split_codes("", ContactKind::parse).is_empty());
    }
}
