//! The messages the service sends, each with exactly the facts its template needs (the reader's
//! name comes from the recipient). Times are
//! already formatted for the reader (Germany's wall-clock time); names are as the person gave them.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use crate::domain::credit::{HOURS_PER_DAY, days, days_de};
use crate::domain::lang::Lang;
use crate::domain::mail::MailKind;
use crate::domain::programme_time::programme_wall_time;

/// One message and its facts; the variant decides the template.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Message {
    /// A link to set a new password.
    PasswordReset { link: String, minutes: i64 },
    /// The password was changed.
    PasswordChanged {},
    /// A link to set the first password.
    Invitation { link: String, days: i64 },
    /// The registration is waiting for the programme office.
    RegistrationReceived {},
    /// The address registered again; the owner may log in or reset the password.
    RegistrationDuplicate { reset_link: String },
    /// The participant was activated.
    ParticipantActivated {
        in_directory: bool,
        login_link: String,
    },
    /// A session the person mentors was approved.
    SessionApproved {
        title: String,
        starts: String,
        place: String,
    },
    /// A session the person proposed was declined.
    SessionDeclined { title: String, reason: String },
    /// A session was cancelled; `signed_up` when the reader is a mentee signed up for it.
    SessionCancelled {
        title: String,
        starts: String,
        signed_up: bool,
    },
    /// An approved session moved from `was` to `starts`; `signed_up` as for a cancellation.
    SessionRescheduled {
        title: String,
        was: String,
        starts: String,
        place: String,
        signed_up: bool,
    },
    /// A decision on the person's practice tip.
    TipDecided {
        title: String,
        decision: String,
        note: String,
    },
    /// A decision on the person's forum sponsorship.
    SponsorshipDecided {
        forum: String,
        decision: String,
        note: String,
    },
    /// A decision on the person's role-change request: the `roles` asked for (from
    /// `effective_on` when `approved`) and the note staff gave.
    RoleChangeDecided {
        approved: bool,
        roles: String,
        effective_on: String,
        note: String,
    },
    /// Tomorrow is a session the person signed up for.
    SessionReminder {
        title: String,
        starts: String,
        place: String,
    },
    /// A follow-up-project mentor is below the yearly minimum: what is credited and missing (in
    /// words with their unit), when the project year ends, and what can still be done.
    CreditReminder {
        project_year: u32,
        year_end: String,
        credited: String,
        missing: String,
        sessions: Vec<String>,
        formats: Vec<String>,
    },
    /// A mentoring pair has had no contact for `weeks` weeks, since `since`: the other person
    /// of the pair by name (never what they discussed).
    MentoringSilence {
        partner: String,
        weeks: u32,
        since: String,
    },
    /// The newsletter: staff's subject and intro, then what is new; `unsubscribe_link` is the
    /// reader's one-click link (also sent as the `List-Unsubscribe` header).
    Newsletter {
        subject: String,
        intro: String,
        sessions: Vec<NewsletterSession>,
        tips: Vec<NewsletterTip>,
        welcomed: Vec<String>,
        unsubscribe_link: String,
    },
    /// A link (to the new address) that confirms an e-mail address change.
    EmailChange { link: String, hours: i64 },
    /// The account's address was changed (to the old address).
    EmailChanged {},
}

/// An upcoming session in the newsletter.
#[derive(Debug, Clone, Serialize)]
pub struct NewsletterSession {
    pub title: String,
    pub starts: String,
    pub place: String,
}

/// A newly published practice tip in the newsletter.
#[derive(Debug, Clone, Serialize)]
pub struct NewsletterTip {
    pub title: String,
    pub question: String,
}

impl Message {
    /// The kind of message (its template, and whether the reader may turn it off).
    pub fn kind(&self) -> MailKind {
        match self {
            Message::PasswordReset { .. } => MailKind::PasswordReset,
            Message::PasswordChanged { .. } => MailKind::PasswordChanged,
            Message::Invitation { .. } => MailKind::Invitation,
            Message::RegistrationReceived { .. } => MailKind::RegistrationReceived,
            Message::RegistrationDuplicate { .. } => MailKind::RegistrationDuplicate,
            Message::ParticipantActivated { .. } => MailKind::ParticipantActivated,
            Message::SessionApproved { .. } => MailKind::SessionApproved,
            Message::SessionDeclined { .. } => MailKind::SessionDeclined,
            Message::SessionCancelled { .. } => MailKind::SessionCancelled,
            Message::SessionRescheduled { .. } => MailKind::SessionRescheduled,
            Message::TipDecided { .. } => MailKind::TipDecided,
            Message::SponsorshipDecided { .. } => MailKind::SponsorshipDecided,
            Message::RoleChangeDecided { .. } => MailKind::RoleChangeDecided,
            Message::SessionReminder { .. } => MailKind::SessionReminder,
            Message::CreditReminder { .. } => MailKind::CreditReminder,
            Message::MentoringSilence { .. } => MailKind::MentoringSilence,
            Message::Newsletter { .. } => MailKind::Newsletter,
            Message::EmailChange { .. } => MailKind::EmailChange,
            Message::EmailChanged { .. } => MailKind::EmailChanged,
        }
    }

    /// The one-click unsubscribe URL sent as `List-Unsubscribe` (RFC 8058), for lists only.
    pub fn list_unsubscribe(&self) -> Option<&str> {
        match self {
            Message::Newsletter {
                unsubscribe_link, ..
            } => Some(unsubscribe_link),
            _ => None,
        }
    }
}

/// A UTC instant as the reader in Germany reads it: `03.03.2027, 10:00 Uhr` or
/// `2027-03-03 10:00 (German time)`.
pub fn reader_time(instant: NaiveDateTime, lang: Lang) -> String {
    let local = programme_wall_time(instant);
    match lang {
        Lang::De => local.format("%d.%m.%Y, %H:%M Uhr").to_string(),
        Lang::En => local.format("%Y-%m-%d %H:%M (German time)").to_string(),
    }
}

/// A calendar date as the reader writes it: `31.12.2026` or `2026-12-31`.
pub fn reader_date(day: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::De => day.format("%d.%m.%Y").to_string(),
        Lang::En => day.format("%Y-%m-%d").to_string(),
    }
}

/// Credited hours as working days with their unit: `5 Arbeitstage (40 Stunden)`,
/// `1 Arbeitstag (8 Stunden)`, `2.5 working days (20 hours)`.
pub fn reader_days(hours: i32, lang: Lang) -> String {
    let one_day = hours == HOURS_PER_DAY;
    match lang {
        Lang::De => {
            let unit = if one_day { "Arbeitstag" } else { "Arbeitstage" };
            let hour_unit = if hours == 1 { "Stunde" } else { "Stunden" };
            format!("{} {unit} ({hours} {hour_unit})", days_de(hours))
        }
        Lang::En => {
            let unit = if one_day {
                "working day"
            } else {
                "working days"
            };
            let hour_unit = if hours == 1 { "hour" } else { "hours" };
            format!("{} {unit} ({hours} {hour_unit})", days(hours))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_written_with_their_unit() {
        assert_eq!(reader_days(40, Lang::De), "5 Arbeitstage (40 Stunden)");
        assert_eq!(reader_days(8, Lang::De), "1 Arbeitstag (8 Stunden)");
        assert_eq!(reader_days(20, Lang::De), "2,5 Arbeitstage (20 Stunden)");
        assert_eq!(reader_days(20, Lang::En), "2.5 working days (20 hours)");
        assert_eq!(
            reader_date("2026-12-31".parse().unwrap(), Lang::De),
            "31.12.2026"
        );
    }

    #[test]
    fn times_are_written_in_germany_s_clock() {
        let at: NaiveDateTime = "2027-03-03T09:00:00".parse().unwrap();
        assert_eq!(reader_time(at, Lang::De), "03.03.2027, 10:00 Uhr");
        assert_eq!(reader_time(at, Lang::En), "2027-03-03 10:00 (German time)");
    }
}
