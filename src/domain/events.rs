//! The events the Klimaschutz-Community acts on (granting and revoking access to the mentoring
//! area, announcing sessions and tips). Payloads are thin: type, subject and time only.

use crate::code_enum;

code_enum! {
    /// What happened; the platform fetches the details it may see.
    pub enum EventType {
        /// A participant was activated: grant access to the mentoring area.
        ParticipantActivated = "participant.activated", "Teilnahme aktiviert", "Participant activated";
        /// A participation ended (§ 5.2): revoke access.
        ParticipantEnded = "participant.ended", "Teilnahme beendet", "Participation ended";
        /// An ended participant re-joined: grant access again.
        ParticipantRejoined = "participant.rejoined", "Teilnahme wieder aufgenommen", "Participant re-joined";
        /// A participant's roles (mentee, mentor) changed.
        ParticipantRolesChanged = "participant.roles_changed", "Rollen geändert", "Roles changed";
        /// Staff approved a mentoring session: it is in the calendar.
        SessionApproved = "session.approved", "Mentoring-Session freigegeben", "Session approved";
        /// Staff moved an approved session to another time (the audit entry has the old and new times).
        SessionRescheduled = "session.rescheduled", "Mentoring-Session verschoben", "Session rescheduled";
        /// An approved session was cancelled: it is no longer in the calendar.
        SessionCancelled = "session.cancelled", "Mentoring-Session abgesagt", "Session cancelled";
        /// Staff published a practice tip into the knowledge store.
        PracticeTipPublished = "practice_tip.published", "Praxistipp veröffentlicht", "Practice tip published";
    }
}

impl EventType {
    /// The kind of record the event is about (its `subject_id` is that record's id).
    pub fn subject_type(self) -> &'static str {
        match self {
            EventType::ParticipantActivated
            | EventType::ParticipantEnded
            | EventType::ParticipantRejoined
            | EventType::ParticipantRolesChanged => "participant",
            EventType::SessionApproved
            | EventType::SessionRescheduled
            | EventType::SessionCancelled => "session",
            EventType::PracticeTipPublished => "practice_tip",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_names_its_subject_as_the_prefix_of_its_code() {
        for event in EventType::ALL {
            let prefix = event.as_str().split('.').next().unwrap();
            assert_eq!(prefix, event.subject_type());
            assert_eq!(EventType::parse(event.as_str()), Some(*event));
        }
    }
}
