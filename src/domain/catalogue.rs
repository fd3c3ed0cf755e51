//! The stable codes of the catalogues (format groups, topic groups and states, forum audiences)
//! with their German and English labels.

use crate::code_enum;

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
}
