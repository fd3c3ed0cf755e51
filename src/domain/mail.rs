//! What the service writes to people by e-mail: the kinds of message, which of them a person may
//! turn off, how long an e-mailed link stays valid and how the sender retries.

use std::time::Duration;

use crate::code_enum;

code_enum! {
    /// What a message is about. Mandatory kinds always go; the others a person may turn off.
    pub enum MailKind {
        /// A link to set a new password (requested by the person).
        PasswordReset = "password_reset", "Passwort zurücksetzen", "Password reset";
        /// The password was changed (a warning in case it was not the owner).
        PasswordChanged = "password_changed", "Passwort geändert", "Password changed";
        /// Staff or an import created the account: a link to set the first password.
        Invitation = "invitation", "Einladung", "Invitation";
        /// The registration arrived and waits for the programme office.
        RegistrationReceived = "registration_received", "Registrierung eingegangen", "Registration received";
        /// Someone registered again with an address that already has an account.
        RegistrationDuplicate = "registration_duplicate", "Erneute Registrierung", "Repeated registration";
        /// The programme office activated the participant.
        ParticipantActivated = "participant_activated", "Teilnahme freigeschaltet", "Participation activated";
        /// A session the person mentors was approved.
        SessionApproved = "session_approved", "Veranstaltung freigegeben", "Session approved";
        /// A session the person proposed was declined.
        SessionDeclined = "session_declined", "Veranstaltung abgelehnt", "Session declined";
        /// A session the person mentors or signed up for was cancelled.
        SessionCancelled = "session_cancelled", "Veranstaltung abgesagt", "Session cancelled";
        /// An approved session the person mentors or signed up for moved to another time.
        SessionRescheduled = "session_rescheduled", "Veranstaltung verschoben", "Session rescheduled";
        /// A practice tip was published or sent back or rejected.
        TipDecided = "tip_decided", "Entscheidung zum Praxistipp", "Practice tip decision";
        /// A forum sponsorship was approved or declined.
        SponsorshipDecided = "sponsorship_decided", "Entscheidung zur Forenpatenschaft", "Forum sponsorship decision";
        /// A role-change request was approved or declined.
        RoleChangeDecided = "role_change_decided", "Entscheidung zum Rollenwechsel", "Role change decision";
        /// The day before a session the person signed up for.
        SessionReminder = "session_reminder", "Erinnerung an eine Veranstaltung", "Session reminder";
        /// A KSM2 mentor below the yearly minimum, weeks before the project year ends.
        CreditReminder = "credit_reminder", "Erinnerung an die Mindestanrechnung", "Credit minimum reminder";
        /// A mentoring pair has been silent for some weeks (individual mentoring, § 3.3).
        MentoringSilence = "mentoring_silence", "Erinnerung an das Tandem", "Mentoring pair reminder";
        /// The mentoring newsletter (§ 5.1).
        Newsletter = "newsletter", "Newsletter", "Newsletter";
        /// A link to confirm a new e-mail address (sent to the new address).
        EmailChange = "email_change", "E-Mail-Adresse bestätigen", "Confirm e-mail address";
        /// The account's e-mail address was changed (sent to the old address).
        EmailChanged = "email_changed", "E-Mail-Adresse geändert", "E-mail address changed";
    }
}

impl MailKind {
    /// Whether a person may turn this kind off. Account security and the answers to what the
    /// person asked for (registration, decisions on their own activities) always go, and so
    /// does the reminder of the funding obligation (the minimum of a follow-up project).
    pub fn is_optional(self) -> bool {
        matches!(
            self,
            MailKind::SessionApproved
                | MailKind::SessionCancelled
                | MailKind::SessionRescheduled
                | MailKind::SessionReminder
                | MailKind::MentoringSilence
                | MailKind::Newsletter
        )
    }
}

code_enum! {
    /// Where a message stands.
    pub enum MailStatus {
        /// Not yet sent; the sender tries (again) at `next_attempt_at`.
        Pending = "pending", "Ausstehend", "Pending";
        /// The mail server accepted it.
        Sent = "sent", "Versendet", "Sent";
        /// Every attempt failed or the server refused the address for good; staff may retry it.
        Failed = "failed", "Fehlgeschlagen", "Failed";
    }
}

code_enum! {
    /// What an e-mailed single-use link is for.
    pub enum TokenPurpose {
        /// Set a new password after forgetting it.
        PasswordReset = "password_reset", "Passwort zurücksetzen", "Password reset";
        /// Set the first password of an account created by staff or an import.
        Invitation = "invitation", "Einladung", "Invitation";
        /// Confirm a new e-mail address of the account (the address travels with the token).
        EmailChange = "email_change", "E-Mail-Adresse ändern", "E-mail address change";
    }
}

impl TokenPurpose {
    /// How long a link stays valid: 30 minutes for a reset (it is asked for and used at once),
    /// 14 days for an invitation (it waits in an inbox until the person finds time), a day for
    /// an address change (the person is at the new mailbox now, but perhaps not within minutes).
    pub fn lifetime(self) -> chrono::Duration {
        match self {
            TokenPurpose::PasswordReset => chrono::Duration::minutes(30),
            TokenPurpose::Invitation => chrono::Duration::days(14),
            TokenPurpose::EmailChange => chrono::Duration::hours(24),
        }
    }
}

/// Parses the stored opt-outs (comma-separated codes); unknown or mandatory codes are ignored.
pub fn parse_opt_outs(stored: &str) -> Vec<MailKind> {
    stored
        .split(',')
        .filter_map(|code| MailKind::parse(code.trim()))
        .filter(|kind| kind.is_optional())
        .collect()
}

/// The stored form of `kinds` (only optional ones, each once, in catalogue order).
pub fn store_opt_outs(kinds: &[MailKind]) -> String {
    MailKind::ALL
        .iter()
        .filter(|kind| kind.is_optional() && kinds.contains(kind))
        .map(|kind| kind.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// Whether a message of `kind` goes to a person with these opt-outs.
pub fn is_wanted(kind: MailKind, opt_outs: &str) -> bool {
    !kind.is_optional() || !parse_opt_outs(opt_outs).contains(&kind)
}

/// How the sender works through the outbox.
#[derive(Debug, Clone, Copy)]
pub struct SendPolicy {
    /// How often the sender looks for due messages.
    pub poll_interval: Duration,
    /// Timeout of one SMTP conversation.
    pub timeout: Duration,
    /// Wait after the first failed attempt; it doubles with every further one.
    pub retry_base: Duration,
    /// Longest wait between attempts.
    pub retry_max: Duration,
    /// Attempts before a message counts as failed.
    pub max_attempts: i32,
}

impl Default for SendPolicy {
    /// One-second polls, 30 s per conversation, retries after one minute doubling up to 6 h,
    /// 10 attempts (about a day and a half).
    fn default() -> Self {
        Self {
            poll_interval: Duration::from_secs(1),
            timeout: Duration::from_secs(30),
            retry_base: Duration::from_secs(60),
            retry_max: Duration::from_secs(6 * 3600),
            max_attempts: 10,
        }
    }
}

impl SendPolicy {
    /// The wait before the next attempt after `attempts` failed ones (exponential backoff).
    pub fn delay(&self, attempts: i32) -> Duration {
        let doublings = u32::try_from(attempts.saturating_sub(1))
            .unwrap_or(0)
            .min(30);
        self.retry_base
            .saturating_mul(1 << doublings)
            .min(self.retry_max)
    }

    /// How long a claimed message stays reserved for one attempt; after a crash it is due again
    /// (and is sent again with the same Message-ID: delivery is at least once).
    pub fn lease(&self) -> Duration {
        self.timeout * 2 + Duration::from_secs(5)
    }

    /// The status after a failed attempt: a permanent refusal fails at once, a temporary one
    /// is retried until the attempts are used up.
    pub fn after_failure(&self, attempts: i32, permanent: bool) -> MailStatus {
        if permanent || attempts >= self.max_attempts {
            MailStatus::Failed
        } else {
            MailStatus::Pending
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_optional_kinds_can_be_turned_off() {
        let stored = store_opt_outs(&[MailKind::PasswordReset, MailKind::SessionCancelled]);
        assert_eq!(stored, "session_cancelled");
        assert!(is_wanted(MailKind::PasswordReset, "password_reset"));
        assert!(!is_wanted(MailKind::SessionCancelled, &stored));
        assert!(is_wanted(MailKind::SessionApproved, &stored));
        assert!(!is_wanted(MailKind::Newsletter, "newsletter"));
        assert!(is_wanted(MailKind::EmailChanged, "email_changed"));
        assert_eq!(
            parse_opt_outs("nonsense, session_approved,password_reset"),
            vec![MailKind::SessionApproved]
        );
    }

    #[test]
    fn retries_back_off_up_to_the_maximum_then_fail() {
        let policy = SendPolicy::default();
        assert_eq!(policy.delay(1), Duration::from_secs(60));
        assert_eq!(policy.delay(3), Duration::from_secs(240));
        assert_eq!(policy.delay(40), policy.retry_max);
        assert_eq!(policy.after_failure(1, false), MailStatus::Pending);
        assert_eq!(policy.after_failure(1, true), MailStatus::Failed);
        assert_eq!(
            policy.after_failure(policy.max_attempts, false),
            MailStatus::Failed
        );
    }

    #[test]
    fn a_reset_link_lives_half_an_hour_an_invitation_two_weeks_a_change_a_day() {
        assert_eq!(
            TokenPurpose::PasswordReset.lifetime(),
            chrono::Duration::minutes(30)
        );
        assert_eq!(
            TokenPurpose::Invitation.lifetime(),
            chrono::Duration::days(14)
        );
        assert_eq!(
            TokenPurpose::EmailChange.lifetime(),
            chrono::Duration::hours(24)
        );
    }
}
