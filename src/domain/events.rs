//! The events the Klimaschutz-Community acts on (granting and revoking access to the mentoring
//! area, announcing sessions and tips). Payloads are thin: type, subject and time; the three
//! access events ([`EventType::names_member`]) also name the participant the way the platform
//! knows them (id, community account reference, e-mail) and nothing more (data minimisation).

use crate::code_enum;

code_enum! {
    /// What happened; the access events name the participant, for the rest the platform
    /// fetches the details it may see.
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
        /// A held session's documentation was filed (§ 3.1.1): its results can go into the community.
        SessionDocumented = "session.documented", "Mentoring-Session dokumentiert", "Session documented";
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
            | EventType::SessionCancelled
            | EventType::SessionDocumented => "session",
            EventType::PracticeTipPublished => "practice_tip",
        }
    }

    /// Whether the event names the participant (id, community account reference, e-mail): the
    /// platform grants or revokes access from these alone. Every other event stays thin.
    pub fn names_member(self) -> bool {
        matches!(
            self,
            EventType::ParticipantActivated
                | EventType::ParticipantRejoined
                | EventType::ParticipantEnded
        )
    }
}

/// How an access event names the participant, as stored with the event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberNaming {
    /// The account reference on the community platform, if known.
    pub community_account_ref: Option<String>,
    /// The e-mail address.
    pub email: Option<String>,
}

impl MemberNaming {
    /// What an event about `event` stores of a participant with this reference and e-mail: both
    /// for the access events of a person not erased, nothing otherwise (an erased person's
    /// events keep only the participant id, their subject).
    pub fn for_event(
        event: EventType,
        erased: bool,
        community_account_ref: Option<&str>,
        email: &str,
    ) -> Self {
        if !event.names_member() || erased {
            return Self::default();
        }
        Self {
            community_account_ref: community_account_ref.map(str::to_owned),
            email: Some(email.to_owned()),
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

    #[test]
    fn only_access_events_name_the_member_and_never_after_erasure() {
        let named = MemberNaming::for_event(
            EventType::ParticipantEnded,
            false,
            Some("ksc-1"),
            "a@example.org",
        );
        assert_eq!(named.community_account_ref.as_deref(), Some("ksc-1"));
        assert_eq!(named.email.as_deref(), Some("a@example.org"));
        let access: Vec<_> = EventType::ALL
            .iter()
            .filter(|e| e.names_member())
            .map(|e| e.as_str())
            .collect();
        assert_eq!(
            access,
            [
                "participant.activated",
                "participant.ended",
                "participant.rejoined"
            ]
        );
        for event in EventType::ALL {
            let erased = MemberNaming::for_event(*event, true, Some("ksc-1"), "a@example.org");
            assert_eq!(erased, MemberNaming::default());
            if !event.names_member() {
                let thin = MemberNaming::for_event(*event, false, None, "a@example.org");
                assert_eq!(thin, MemberNaming::default(), "{}", event.as_str());
            }
        }
    }
}
