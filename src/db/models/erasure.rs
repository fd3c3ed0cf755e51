//! What erasing a person (Art. 17 GDPR) changes beyond their own record: the free texts they
//! left in sessions, documentation, topics, tips, sponsorships and credits, the files they
//! uploaded, their topic profile, stored `Idempotency-Key` answers naming them, the e-mail
//! written to them, and how their events named them for the community platform. Each function
//! runs inside the erasure's one write transaction; which texts stay is decided in
//! [`crate::domain::erasure`] and listed in docs/data-protection.md.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{
    credits, forum_sponsorships, idempotency_keys, participant_topics, practice_tips,
    session_attachments, session_case_examples, session_mentors, session_questions, sessions,
    topics,
};
use crate::domain::catalogue::TopicStatus;
use crate::domain::erasure::{
    ERASED_TEXT, ErasedPerson, StoredAnswerScrub, keeps_session_texts, keeps_topic_title,
    scrub_stored_answer,
};
use crate::domain::session::SessionState;

/// The erased person as the tables refer to them.
#[derive(Debug, Clone, Copy)]
pub struct Erased<'a> {
    /// Participant id (sessions, questions, tips, sponsorships, credits).
    pub participant_id: i64,
    /// Account id (documentation, attachments, topic proposals, stored answers).
    pub account_id: i64,
    /// E-mail address before erasure (to find stored answers naming them).
    pub email: &'a str,
}

/// How many rows each step changed (for tests and the audit event; no personal data).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Scrubbed {
    pub sessions_blanked: usize,
    pub case_examples_blanked: usize,
    pub attachments_deleted: usize,
    pub topics_blanked: usize,
    pub stored_answers_deleted: usize,
    pub stored_answers_rewritten: usize,
}

/// Every step below, in one go.
pub fn scrub(
    conn: &mut DbConnection,
    who: Erased<'_>,
    now: NaiveDateTime,
) -> QueryResult<Scrubbed> {
    let sessions_blanked = session_texts(conn, who.participant_id, now)?;
    let case_examples_blanked = case_examples(conn, who.participant_id)?;
    let attachments_deleted = attachments(conn, who.account_id)?;
    let topics_blanked = topic_proposals(conn, who.account_id)?;
    notes(conn, who.participant_id)?;
    diesel::delete(
        participant_topics::table.filter(participant_topics::participant_id.eq(who.participant_id)),
    )
    .execute(conn)?;
    let (stored_answers_deleted, stored_answers_rewritten) = stored_answers(conn, who)?;
    // Messages to the person (sent or still pending) and their e-mailed links go entirely.
    crate::db::models::mail_messages::delete_of(conn, who.account_id, who.email)?;
    crate::db::models::account_tokens::delete_of(conn, who.account_id)?;
    // Their events (and the pending pushes, which read them) keep only the participant id.
    crate::db::models::outbox::forget_member(conn, who.participant_id)?;
    Ok(Scrubbed {
        sessions_blanked,
        case_examples_blanked,
        attachments_deleted,
        topics_blanked,
        stored_answers_deleted,
        stored_answers_rewritten,
    })
}

/// Sessions the person proposed: the planning note (`expected_audience`) and the state reason
/// always go; title, guiding question, place and event name go unless
/// [`keeps_session_texts`] keeps them. Returns how many sessions lost their texts.
fn session_texts(
    conn: &mut DbConnection,
    participant_id: i64,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let proposed: Vec<(i64, SessionState)> = sessions::table
        .filter(sessions::proposed_by.eq(participant_id))
        .select((sessions::id, sessions::state))
        .load(conn)?;
    let mut blanked = 0;
    for (id, state) in proposed {
        let others: i64 = session_mentors::table
            .filter(session_mentors::session_id.eq(id))
            .filter(session_mentors::participant_id.ne(participant_id))
            .count()
            .get_result(conn)?;
        let session = sessions::table.find(id);
        diesel::update(session)
            .set((
                sessions::expected_audience.eq(None::<String>),
                sessions::updated_at.eq(now),
                sessions::version.eq(sessions::version + 1),
            ))
            .execute(conn)?;
        diesel::update(session.filter(sessions::state_reason.is_not_null()))
            .set(sessions::state_reason.eq(ERASED_TEXT))
            .execute(conn)?;
        if keeps_session_texts(state, usize::try_from(others).unwrap_or(usize::MAX)) {
            continue;
        }
        diesel::update(session)
            .set((
                sessions::title.eq(ERASED_TEXT),
                sessions::guiding_question.eq(ERASED_TEXT),
            ))
            .execute(conn)?;
        // `place` is required for sessions on site, so it is overwritten, never nulled.
        diesel::update(session.filter(sessions::place.is_not_null()))
            .set(sessions::place.eq(ERASED_TEXT))
            .execute(conn)?;
        diesel::update(session.filter(sessions::event_name.is_not_null()))
            .set(sessions::event_name.eq(ERASED_TEXT))
            .execute(conn)?;
        blanked += 1;
    }
    Ok(blanked)
}

/// Case-example texts the mentors made from the person's own questions (their case, their
/// municipality); the question bodies themselves are blanked by `sessions::anonymise_participant`.
fn case_examples(conn: &mut DbConnection, participant_id: i64) -> QueryResult<usize> {
    let questions = session_questions::table
        .filter(session_questions::participant_id.eq(participant_id))
        .select(session_questions::id);
    diesel::update(
        session_case_examples::table.filter(session_case_examples::question_id.eq_any(questions)),
    )
    .set(session_case_examples::text.eq(ERASED_TEXT))
    .execute(conn)
}

/// Photos and slides the person uploaded: deleted with their content.
fn attachments(conn: &mut DbConnection, account_id: i64) -> QueryResult<usize> {
    diesel::delete(
        session_attachments::table.filter(session_attachments::uploaded_by.eq(account_id)),
    )
    .execute(conn)
}

/// Topics the person proposed: the staff note goes; the title goes unless the topic was
/// accepted ([`keeps_topic_title`]).
fn topic_proposals(conn: &mut DbConnection, account_id: i64) -> QueryResult<usize> {
    let mine = topics::table.filter(topics::proposed_by_account_id.eq(account_id));
    diesel::update(mine)
        .set(topics::decision_note.eq(None::<String>))
        .execute(conn)?;
    let statuses: Vec<(i64, TopicStatus)> = mine.select((topics::id, topics::status)).load(conn)?;
    let mut blanked = 0;
    for (id, status) in statuses {
        if keeps_topic_title(status) {
            continue;
        }
        diesel::update(topics::table.find(id))
            .set((
                topics::title_de.eq(ERASED_TEXT),
                topics::title_en.eq(None::<String>),
            ))
            .execute(conn)?;
        blanked += 1;
    }
    Ok(blanked)
}

/// Notes about the person on what stays as evidence: review notes and reasons of their kept
/// practice tips, reasons of their sponsorships and credit decisions, reasons of revoked
/// credits, the office's notes on funding-agency notifications. A reason that must be present with
/// its decision is overwritten, never nulled.
fn notes(conn: &mut DbConnection, participant_id: i64) -> QueryResult<()> {
    let tips = practice_tips::table.filter(practice_tips::author_id.eq(participant_id));
    diesel::update(tips)
        .set(practice_tips::review_note.eq(None::<String>))
        .execute(conn)?;
    diesel::update(tips.filter(practice_tips::state_reason.is_not_null()))
        .set(practice_tips::state_reason.eq(ERASED_TEXT))
        .execute(conn)?;
    let sponsorships =
        forum_sponsorships::table.filter(forum_sponsorships::participant_id.eq(participant_id));
    diesel::update(sponsorships.filter(forum_sponsorships::state_reason.is_not_null()))
        .set(forum_sponsorships::state_reason.eq(ERASED_TEXT))
        .execute(conn)?;
    diesel::update(sponsorships.filter(forum_sponsorships::credit_decision_reason.is_not_null()))
        .set(forum_sponsorships::credit_decision_reason.eq(ERASED_TEXT))
        .execute(conn)?;
    diesel::update(
        credits::table
            .filter(credits::participant_id.eq(participant_id))
            .filter(credits::revoked_reason.is_not_null()),
    )
    .set(credits::revoked_reason.eq(ERASED_TEXT))
    .execute(conn)?;
    crate::db::models::roles::erase_notification_notes(conn, participant_id)?;
    Ok(())
}

/// Stored `Idempotency-Key` answers: the person's own are deleted; another caller's answer that
/// names them is rewritten without them or deleted ([`scrub_stored_answer`]). Every other
/// caller's answer is read, since the rule looks for the participant id as well as the address;
/// the table holds only answers of creates sent with a key. Returns (deleted, rewritten).
fn stored_answers(conn: &mut DbConnection, who: Erased<'_>) -> QueryResult<(usize, usize)> {
    let mut deleted = diesel::delete(
        idempotency_keys::table.filter(idempotency_keys::account_id.eq(who.account_id)),
    )
    .execute(conn)?;
    let person = ErasedPerson {
        participant_id: who.participant_id,
        email: who.email,
    };
    let stored: Vec<(i64, String, String, String)> = idempotency_keys::table
        .select((
            idempotency_keys::account_id,
            idempotency_keys::operation,
            idempotency_keys::idempotency_key,
            idempotency_keys::response_body,
        ))
        .load(conn)?;
    let mut rewritten = 0;
    for (account_id, operation, key, body) in stored {
        let row = idempotency_keys::table.find((account_id, operation, key));
        match scrub_stored_answer(&body, &person) {
            StoredAnswerScrub::Unchanged => {}
            StoredAnswerScrub::Rewritten(body) => {
                rewritten += diesel::update(row)
                    .set(idempotency_keys::response_body.eq(body))
                    .execute(conn)?;
            }
            StoredAnswerScrub::Drop => deleted += diesel::delete(row).execute(conn)?,
        }
    }
    Ok((deleted, rewritten))
}

/// SQLite only: copies the write-ahead log into the database file and truncates the log, so
/// pages that held erased values (overwritten thanks to `secure_delete`) leave no older copy in
/// the `-wal` file. Call after the erasure committed; a no-op on PostgreSQL.
pub fn checkpoint(conn: &mut DbConnection) -> QueryResult<()> {
    if let DbConnection::Sqlite(_) = conn {
        #[derive(QueryableByName)]
        struct Checkpoint {
            #[diesel(sql_type = diesel::sql_types::Integer)]
            busy: i32,
        }
        let result: Checkpoint =
            diesel::sql_query("PRAGMA wal_checkpoint(TRUNCATE)").get_result(conn)?;
        if result.busy != 0 {
            return Err(diesel::result::Error::QueryBuilderError(
                "the WAL checkpoint was blocked by another connection".into(),
            ));
        }
    }
    Ok(())
}
