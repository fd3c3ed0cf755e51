//! Team-mentoring sessions (§ 3.1): their states, who may move them, and the capacity rule.

use crate::code_enum;

code_enum! {
    /// Where a session stands.
    pub enum SessionState {
        /// Proposed by a mentor; waiting for staff.
        Proposed = "proposed", "Vorgeschlagen", "Proposed";
        /// Approved by staff; in the calendar.
        Approved = "approved", "Freigegeben", "Approved";
        /// Took place; people reached recorded.
        Held = "held", "Durchgeführt", "Held";
        /// Short documentation filed.
        Documented = "documented", "Dokumentiert", "Documented";
        /// Declined by staff.
        Declined = "declined", "Abgelehnt", "Declined";
        /// Cancelled by a mentor or staff.
        Cancelled = "cancelled", "Abgesagt", "Cancelled";
    }
}

/// The explicit transitions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// Staff approve a proposal.
    Approve,
    /// Staff decline a proposal.
    Decline,
    /// A mentor or staff cancel before it is held.
    Cancel,
    /// A mentor or staff record that it took place (after its end).
    Hold,
    /// A mentor or staff file the documentation.
    Document,
}

impl Transition {
    /// The state the transition leads to from `from`, or `None` when not allowed from there.
    pub fn target(self, from: SessionState) -> Option<SessionState> {
        use SessionState as S;
        match (self, from) {
            (Transition::Approve, S::Proposed) => Some(S::Approved),
            (Transition::Decline, S::Proposed) => Some(S::Declined),
            (Transition::Cancel, S::Proposed | S::Approved) => Some(S::Cancelled),
            (Transition::Hold, S::Approved) => Some(S::Held),
            (Transition::Document, S::Held) => Some(S::Documented),
            _ => None,
        }
    }
}

/// States that count against a format's yearly limit and are shown in the calendar.
pub const SCHEDULED: [SessionState; 3] = [
    SessionState::Approved,
    SessionState::Held,
    SessionState::Documented,
];

/// Whether one more approved session fits the yearly limit (`None`: no limit).
pub fn fits_yearly_limit(scheduled_this_year: i64, yearly_limit: Option<i32>) -> bool {
    yearly_limit.is_none_or(|limit| scheduled_this_year < i64::from(limit))
}

/// Whether `mentors` fit the per-session limit (`None`: variable, no limit).
pub fn fits_mentor_limit(mentors: usize, mentors_per_instance: Option<i32>) -> bool {
    mentors_per_instance.is_none_or(|limit| mentors <= usize::try_from(limit).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transitions_are_allowed_only_from_the_right_state() {
        use SessionState as S;
        assert_eq!(Transition::Approve.target(S::Proposed), Some(S::Approved));
        assert_eq!(Transition::Approve.target(S::Approved), None);
        assert_eq!(Transition::Hold.target(S::Proposed), None);
        assert_eq!(Transition::Hold.target(S::Approved), Some(S::Held));
        assert_eq!(Transition::Document.target(S::Held), Some(S::Documented));
        assert_eq!(Transition::Document.target(S::Approved), None);
        assert_eq!(Transition::Cancel.target(S::Held), None);
        assert_eq!(Transition::Decline.target(S::Cancelled), None);
    }

    #[test]
    fn capacity_limits() {
        assert!(fits_yearly_limit(5, Some(6)));
        assert!(!fits_yearly_limit(6, Some(6)));
        assert!(fits_yearly_limit(1000, None));
        assert!(fits_mentor_limit(2, Some(2)));
        assert!(!fits_mentor_limit(3, Some(2)));
        assert!(fits_mentor_limit(9, None));
    }
}
