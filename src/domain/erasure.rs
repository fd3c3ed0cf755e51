//! Erasure of a person (Art. 17 GDPR): which of the texts they left behind stay because they are
//! programme content or funding evidence, and how stored answers are scrubbed of them.
//!
//! The erasure section of docs/data-protection.md lists every field with its decision; these
//! functions are the parts of it that depend on facts (a session's state, a topic's status, a stored body).

use serde_json::Value;

use crate::domain::catalogue::TopicStatus;
use crate::domain::session::SessionState;

/// What an erased free text reads afterwards where the column must keep a value.
pub const ERASED_TEXT: &str = "(gelöscht)";

/// The name an erased person appears under where a report must keep their row countable (the
/// staff credit overview): no name, e-mail or employer, only the participant id.
pub fn anonymous_name(participant_id: i64) -> String {
    format!("Gelöschte Person #{participant_id}")
}

/// Whether the title, guiding question, place and event name an erased person proposed stay on
/// a session: yes once it was held or documented (they are in every mentor's credit evidence and
/// NKI text), or while another mentor still carries it (joint programme content); a session only
/// the erased person stood for that never took place loses them.
pub fn keeps_session_texts(state: SessionState, other_mentors: usize) -> bool {
    matches!(state, SessionState::Held | SessionState::Documented) || other_mentors > 0
}

/// Whether the title of a topic an erased person proposed stays: an accepted topic is part of
/// the catalogue that sessions, tips and interests refer to; a pending or declined proposal is
/// the person's own text.
pub fn keeps_topic_title(status: TopicStatus) -> bool {
    status == TopicStatus::Accepted
}

/// Who is erased, as stored answers may name them.
#[derive(Debug, Clone)]
pub struct ErasedPerson<'a> {
    /// Participant id.
    pub participant_id: i64,
    /// The e-mail address before erasure.
    pub email: &'a str,
}

/// What becomes of a stored answer (an `Idempotency-Key` replay body) of another caller.
#[derive(Debug, Clone, PartialEq)]
pub enum StoredAnswerScrub {
    /// It does not mention the person.
    Unchanged,
    /// The person's entries were taken out of its lists; store this body instead.
    Rewritten(String),
    /// It names the person outside a list entry (or is no JSON): delete it.
    Drop,
}

/// Scrubs a stored answer of the person.
///
/// Rule: an object names the person when it carries their `participant_id` or their `email`
/// (case-insensitive). Such objects are removed from the lists they stand in (a mailing's
/// `welcomed` list), so a replay still answers the same resource without the person, as
/// `GET /newsletter/mailings/{id}` does, and a retry cannot create a second mailing. If the body
/// still mentions the e-mail address anywhere afterwards, or the whole answer is about the
/// person, or it is no JSON but mentions the address, it is dropped: a retry then runs anew.
pub fn scrub_stored_answer(body: &str, person: &ErasedPerson<'_>) -> StoredAnswerScrub {
    let email = person.email.to_lowercase();
    let mentions_email = |text: &str| !email.is_empty() && text.to_lowercase().contains(&email);
    let Ok(mut value) = serde_json::from_str::<Value>(body) else {
        return if mentions_email(body) {
            StoredAnswerScrub::Drop
        } else {
            StoredAnswerScrub::Unchanged
        };
    };
    if names_person(&value, person) {
        return StoredAnswerScrub::Drop;
    }
    let removed = remove_entries(&mut value, person);
    let rewritten = value.to_string();
    if mentions_email(&rewritten) {
        StoredAnswerScrub::Drop
    } else if removed {
        StoredAnswerScrub::Rewritten(rewritten)
    } else {
        StoredAnswerScrub::Unchanged
    }
}

fn names_person(value: &Value, person: &ErasedPerson<'_>) -> bool {
    let Value::Object(map) = value else {
        return false;
    };
    let same_id = map
        .get("participant_id")
        .and_then(Value::as_i64)
        .is_some_and(|id| id == person.participant_id);
    let same_email = map
        .get("email")
        .and_then(Value::as_str)
        .is_some_and(|e| !person.email.is_empty() && e.eq_ignore_ascii_case(person.email));
    same_id || same_email
}

/// Removes every list entry naming the person, at any depth; whether one was removed.
fn remove_entries(value: &mut Value, person: &ErasedPerson<'_>) -> bool {
    match value {
        Value::Array(items) => {
            let before = items.len();
            items.retain(|item| !names_person(item, person));
            let mut removed = items.len() != before;
            for item in items.iter_mut() {
                removed |= remove_entries(item, person);
            }
            removed
        }
        Value::Object(map) => {
            let mut removed = false;
            for item in map.values_mut() {
                removed |= remove_entries(item, person);
            }
            removed
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const PERSON: ErasedPerson<'static> = ErasedPerson {
        participant_id: 7,
        email: "Erika@Example.org",
    };

    fn mailing(welcomed: Value) -> String {
        json!({"id": 3, "sent_on": "2026-11-26", "welcomed": welcomed}).to_string()
    }

    #[test]
    fn the_person_leaves_a_mailing_answer_and_the_others_stay() {
        let body = mailing(json!([
            {"participant_id": 7, "first_name": "Erika", "email": "erika@example.org"},
            {"participant_id": 8, "first_name": "Max", "email": "max@example.org"},
        ]));
        let expected = mailing(json!([
            {"participant_id": 8, "first_name": "Max", "email": "max@example.org"},
        ]));
        assert_eq!(
            scrub_stored_answer(&body, &PERSON),
            StoredAnswerScrub::Rewritten(
                serde_json::from_str::<Value>(&expected)
                    .unwrap()
                    .to_string()
            )
        );
    }

    #[test]
    fn an_entry_is_found_by_email_alone_regardless_of_case() {
        let body = mailing(json!([{"participant_id": 99, "email": "ERIKA@example.ORG"}]));
        assert!(matches!(
            scrub_stored_answer(&body, &PERSON),
            StoredAnswerScrub::Rewritten(b) if !b.to_lowercase().contains("erika")
        ));
    }

    #[test]
    fn an_answer_about_the_person_or_naming_them_elsewhere_is_dropped() {
        let own = json!({"participant_id": 7, "first_name": "Erika"}).to_string();
        assert_eq!(scrub_stored_answer(&own, &PERSON), StoredAnswerScrub::Drop);
        let note = json!({"id": 1, "note": "an erika@example.org geschickt"}).to_string();
        assert_eq!(scrub_stored_answer(&note, &PERSON), StoredAnswerScrub::Drop);
        assert_eq!(
            scrub_stored_answer("kein JSON: erika@example.org", &PERSON),
            StoredAnswerScrub::Drop
        );
    }

    #[test]
    fn an_answer_without_the_person_is_unchanged() {
        let body = mailing(json!([{"participant_id": 8, "email": "max@example.org"}]));
        assert_eq!(
            scrub_stored_answer(&body, &PERSON),
            StoredAnswerScrub::Unchanged
        );
        // The mailing's own id equal to the participant id is no personal position.
        let body = json!({"id": 7, "welcomed": []}).to_string();
        assert_eq!(
            scrub_stored_answer(&body, &PERSON),
            StoredAnswerScrub::Unchanged
        );
        assert_eq!(
            scrub_stored_answer("plain", &PERSON),
            StoredAnswerScrub::Unchanged
        );
    }

    #[test]
    fn held_sessions_and_shared_ones_keep_their_texts() {
        assert!(keeps_session_texts(SessionState::Held, 0));
        assert!(keeps_session_texts(SessionState::Documented, 0));
        assert!(keeps_session_texts(SessionState::Approved, 1));
        assert!(!keeps_session_texts(SessionState::Approved, 0));
        assert!(!keeps_session_texts(SessionState::Proposed, 0));
        assert!(!keeps_session_texts(SessionState::Cancelled, 0));
        assert!(!keeps_session_texts(SessionState::Declined, 0));
    }

    #[test]
    fn only_accepted_topics_keep_the_proposed_title() {
        assert!(keeps_topic_title(TopicStatus::Accepted));
        assert!(!keeps_topic_title(TopicStatus::Proposed));
        assert!(!keeps_topic_title(TopicStatus::Declined));
    }

    #[test]
    fn the_anonymous_name_holds_only_the_id() {
        assert_eq!(anonymous_name(12), "Gelöschte Person #12");
    }
}
