//! The stable codes of the catalogues (format groups, topic groups and states, forum audiences)
//! with their German and English labels.

use crate::code_enum;
use crate::domain::{FieldBreak, Violation};

code_enum! {
    /// The three forms of mentoring (§ 3).
    pub enum FormatGroup {
        /// Team mentoring: sessions with a group of mentees (§ 3.1).
        Team = "team", "Team-Mentoring", "Team mentoring";
        /// Online mentoring in the Klimaschutz-Community (§ 3.2).
        Online = "online", "Online-Mentoring", "Online mentoring";
        /// One-to-one mentoring (§ 3.3).
        Individual = "individual", "Individuelles Mentoring", "Individual mentoring";
    }
}

code_enum! {
    /// The three groups of the topic list (§ 4).
    pub enum TopicGroup {
        /// Topics from municipal administration.
        MunicipalAdministration = "municipal_administration",
            "Themen aus der Kommunalverwaltung", "Topics from municipal administration";
        /// Topics from local politics.
        LocalPolitics = "local_politics",
            "Themen aus der Kommunalpolitik", "Topics from local politics";
        /// Topics involving further stakeholders (public, business, press).
        OtherStakeholders = "other_stakeholders",
            "Themen mit Bezug zu weiteren Interessengruppen (Bevölkerung, Wirtschaft, Presse et cetera)",
            "Topics involving other stakeholders (public, business, press and so on)";
    }
}

code_enum! {
    /// Where a topic stands: proposals become accepted (usable) or declined.
    pub enum TopicStatus {
        /// Proposed, waiting for a staff decision.
        Proposed = "proposed", "vorgeschlagen", "proposed";
        /// On the topic list; sessions and practice tips may use it.
        Accepted = "accepted", "angenommen", "accepted";
        /// Declined by staff.
        Declined = "declined", "abgelehnt", "declined";
    }
}

code_enum! {
    /// Who may read and post in a forum (§ 3.2.1).
    pub enum ForumAudience {
        /// The professional public: every registered community member.
        ProfessionalPublic = "professional_public", "Fachöffentlichkeit", "Professional public";
        /// Only climate-protection managers and climate-protection officers.
        KsmOnly = "ksm_only", "Nur KSM und Klimaschutzbeauftragte",
            "Climate-protection managers and officers only";
    }
}

/// Only accepted topics can be attached (to sessions, practice tips, a participant's expertise
/// and interests): one broken field per id in `ids` that is in `not_accepted`, at
/// `pointer/<index>` (e.g. `/topic_ids/2`), naming the id but nothing else about the topic.
pub fn require_accepted_topics(
    pointer: &str,
    ids: &[i64],
    not_accepted: &[i64],
) -> Result<(), Violation> {
    Violation::unless_any(
        ids.iter()
            .enumerate()
            .filter(|(_, id)| not_accepted.contains(id))
            .map(|(index, id)| FieldBreak {
                pointer: format!("{pointer}/{index}"),
                detail: format!("topic {id} does not exist, is not accepted or is retired"),
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    fn serialised<T: Serialize>(value: T) -> String {
        serde_json::to_value(value)
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned()
    }

    #[test]
    fn codes_round_trip_and_match_serde() {
        for g in FormatGroup::ALL {
            assert_eq!(FormatGroup::parse(g.as_str()), Some(*g));
            assert_eq!(serialised(*g), g.as_str());
        }
        for g in TopicGroup::ALL {
            assert_eq!(TopicGroup::parse(g.as_str()), Some(*g));
            assert_eq!(serialised(*g), g.as_str());
        }
        for s in TopicStatus::ALL {
            assert_eq!(TopicStatus::parse(s.as_str()), Some(*s));
            assert_eq!(serialised(*s), s.as_str());
        }
        for a in ForumAudience::ALL {
            assert_eq!(ForumAudience::parse(a.as_str()), Some(*a));
            assert_eq!(serialised(*a), a.as_str());
        }
        assert_eq!(TopicGroup::parse("politics"), None);
    }

    #[test]
    fn accepted_topics_can_be_attached() {
        assert_eq!(require_accepted_topics("/topic_ids", &[1, 2], &[]), Ok(()));
    }

    #[test]
    fn each_topic_that_is_not_accepted_is_named_at_its_index() {
        let Err(Violation::Invalid(fields)) =
            require_accepted_topics("/topic_ids", &[1, 7, 2, 7], &[7])
        else {
            panic!("expected invalid fields");
        };
        let pointers: Vec<&str> = fields.iter().map(|f| f.pointer.as_str()).collect();
        assert_eq!(pointers, ["/topic_ids/1", "/topic_ids/3"]);
        assert_eq!(
            fields[0].detail,
            "topic 7 does not exist, is not accepted or is retired"
        );
    }
}
