//! Who attended a team-mentoring session (§ 3.1) and how that becomes the session's
//! "people reached", the number every mentor's credit report and NKI text shows (§ 5.5).
//!
//! # The rule for `people_reached`
//!
//! - When a session is **held**, its mentors report a head count (`people_reached`); filing the
//!   documentation confirms or corrects it. As long as no attendance was recorded, that reported
//!   number is what the session shows (the behaviour before attendance existed).
//! - Once the session has been held (state `held` or `documented`), its mentors or staff may
//!   **record attendance**: which signed-up mentees came, plus how many people came without
//!   signing up (walk-ins). From then on the recorded attendance is the source:
//!   `people_reached = attended sign-ups + walk-ins`, and recording it again replaces it.
//! - Documentation filed after attendance was recorded must state the same number; a different
//!   one is refused (correct the attendance instead), so the two never disagree silently.
//! - The number is stored on the session when attendance is recorded. Erasing a mentee deletes
//!   their sign-up with its attendance flag, but not the stored count: funding evidence stays
//!   countable.

use crate::domain::Violation;
use crate::domain::session::SessionState;

/// The recorded attendance of a session, as counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttendanceCount {
    /// Signed-up mentees who attended.
    pub attended_signups: i32,
    /// People who attended without signing up.
    pub walk_ins: i32,
}

impl AttendanceCount {
    /// The people the session reached by this attendance.
    pub fn total(self) -> i32 {
        self.attended_signups.saturating_add(self.walk_ins)
    }
}

/// The session's people reached: the recorded attendance when there is one, else the number
/// its mentors reported when holding or documenting it (`None` before it was held).
pub fn people_reached(reported: Option<i32>, attendance: Option<AttendanceCount>) -> Option<i32> {
    attendance.map(AttendanceCount::total).or(reported)
}

/// Attendance is recorded only once the session has taken place.
pub fn check_recordable(state: SessionState) -> Result<(), Violation> {
    match state {
        SessionState::Held | SessionState::Documented => Ok(()),
        other => Err(Violation::conflict(format!(
            "the session is `{}`; attendance is recorded once it is held",
            other.as_str()
        ))),
    }
}

/// Every attendee must be signed up for the session and listed once; one broken field per
/// offending entry (`/attended_participant_ids/{index}`).
pub fn check_attendees(attended: &[i64], signed_up: &[i64]) -> Result<(), Violation> {
    Violation::unless_each_known_once(
        attended,
        signed_up,
        |index| format!("/attended_participant_ids/{index}"),
        "not signed up for this session; count them as a walk-in",
        "this participant is listed twice",
    )
}

/// The people reached a documentation states, checked against recorded attendance
/// (`attendance_total`: the people reached it gave, `None` when none was recorded): without
/// attendance the stated number is taken; with it, it must equal that total.
pub fn check_documented_people_reached(
    stated: i32,
    attendance_total: Option<i32>,
) -> Result<i32, Violation> {
    match attendance_total {
        Some(total) if total != stated => Err(Violation::field(
            "/people_reached",
            format!(
                "attendance was recorded with {total} people; send that number or correct the \
                 attendance"
            ),
        )),
        _ => Ok(stated),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const THREE_AND_TWO: AttendanceCount = AttendanceCount {
        attended_signups: 3,
        walk_ins: 2,
    };

    #[test]
    fn recorded_attendance_wins_over_the_reported_number() {
        assert_eq!(people_reached(Some(25), Some(THREE_AND_TWO)), Some(5));
        assert_eq!(people_reached(None, Some(THREE_AND_TWO)), Some(5));
    }

    #[test]
    fn without_attendance_the_reported_number_stays() {
        assert_eq!(people_reached(Some(25), None), Some(25));
        assert_eq!(people_reached(None, None), None);
    }

    #[test]
    fn attendance_of_nobody_is_zero_people_not_the_reported_number() {
        let nobody = AttendanceCount {
            attended_signups: 0,
            walk_ins: 0,
        };
        assert_eq!(people_reached(Some(25), Some(nobody)), Some(0));
    }

    #[test]
    fn attendance_needs_a_session_that_took_place() {
        assert_eq!(check_recordable(SessionState::Held), Ok(()));
        assert_eq!(check_recordable(SessionState::Documented), Ok(()));
        for state in [
            SessionState::Proposed,
            SessionState::Approved,
            SessionState::Declined,
            SessionState::Cancelled,
        ] {
            assert!(matches!(
                check_recordable(state),
                Err(Violation::Conflict(_))
            ));
        }
        assert_eq!(
            check_recordable(SessionState::Approved),
            Err(Violation::Conflict(
                "the session is `approved`; attendance is recorded once it is held".into()
            ))
        );
    }

    #[test]
    fn each_attendee_is_signed_up_and_listed_once() {
        assert_eq!(check_attendees(&[4, 7], &[4, 5, 7]), Ok(()));
        assert_eq!(check_attendees(&[], &[]), Ok(()));
        let Err(Violation::Invalid(fields)) = check_attendees(&[4, 9, 4], &[4, 5]) else {
            panic!("expected invalid fields");
        };
        let found: Vec<(&str, &str)> = fields
            .iter()
            .map(|f| (f.pointer.as_str(), f.detail.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "/attended_participant_ids/1",
                    "not signed up for this session; count them as a walk-in"
                ),
                (
                    "/attended_participant_ids/2",
                    "this participant is listed twice"
                ),
            ]
        );
    }

    #[test]
    fn documentation_after_attendance_must_state_its_total() {
        assert_eq!(check_documented_people_reached(31, None), Ok(31));
        assert_eq!(
            check_documented_people_reached(5, Some(THREE_AND_TWO.total())),
            Ok(5)
        );
        assert_eq!(
            check_documented_people_reached(31, Some(THREE_AND_TWO.total())),
            Err(Violation::field(
                "/people_reached",
                "attendance was recorded with 5 people; send that number or correct the \
                 attendance"
            ))
        );
    }
}
