//! The short documentation of a held session, its case examples and its attachments.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{
    participants, session_attachments, session_case_examples, session_documentation,
    session_questions,
};

/// One row of `session_documentation`.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = session_documentation)]
pub struct Documentation {
    pub session_id: i64,
    pub summary: String,
    pub results: String,
    pub filed_by: i64,
    pub filed_at: NaiveDateTime,
    pub version: i64,
}

/// A case example as the documentation shows it, with what decides whether its contributor
/// may be named.
#[derive(Debug, Clone, Queryable)]
pub struct CaseExample {
    pub question_id: i64,
    pub text: String,
    pub participant_id: i64,
    pub anonymise: bool,
    pub first_name: String,
    pub last_name: String,
    pub erased: bool,
}

/// Stores the documentation and its case examples (in the given order).
pub fn insert(
    conn: &mut DbConnection,
    documentation: &Documentation,
    case_examples: &[(i64, &str)],
) -> QueryResult<()> {
    diesel::insert_into(session_documentation::table)
        .values(documentation)
        .execute(conn)?;
    for (position, (question_id, text)) in case_examples.iter().enumerate() {
        diesel::insert_into(session_case_examples::table)
            .values((
                session_case_examples::session_id.eq(documentation.session_id),
                session_case_examples::question_id.eq(question_id),
                session_case_examples::position.eq(position as i32),
                session_case_examples::text.eq(text),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The documentation of a session, if filed.
pub fn find(conn: &mut DbConnection, session_id: i64) -> QueryResult<Option<Documentation>> {
    session_documentation::table
        .find(session_id)
        .first(conn)
        .optional()
}

/// Sets summary and results if the documentation is still at `version` (one conditional
/// write); `None` when it changed meanwhile.
pub fn correct(
    conn: &mut DbConnection,
    session_id: i64,
    version: i64,
    summary: &str,
    results: &str,
) -> QueryResult<Option<Documentation>> {
    diesel::update(
        session_documentation::table
            .filter(session_documentation::session_id.eq(session_id))
            .filter(session_documentation::version.eq(version)),
    )
    .set((
        session_documentation::summary.eq(summary),
        session_documentation::results.eq(results),
        session_documentation::version.eq(session_documentation::version + 1),
    ))
    .returning(session_documentation::all_columns)
    .get_result(conn)
    .optional()
}

/// The case examples of a session's documentation, in their order.
pub fn case_examples(conn: &mut DbConnection, session_id: i64) -> QueryResult<Vec<CaseExample>> {
    session_case_examples::table
        .inner_join(session_questions::table)
        .inner_join(participants::table.on(participants::id.eq(session_questions::participant_id)))
        .filter(session_case_examples::session_id.eq(session_id))
        .order(session_case_examples::position.asc())
        .select((
            session_case_examples::question_id,
            session_case_examples::text,
            session_questions::participant_id,
            session_questions::anonymise,
            participants::first_name,
            participants::last_name,
            participants::erased_at.is_not_null(),
        ))
        .load(conn)
}

/// An attachment without its content.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = session_attachments)]
pub struct AttachmentInfo {
    pub id: i64,
    pub session_id: i64,
    pub content_type: String,
    pub size_bytes: i64,
    pub uploaded_by: i64,
    pub uploaded_at: NaiveDateTime,
}

/// Stores an attachment.
pub fn insert_attachment(
    conn: &mut DbConnection,
    session_id: i64,
    content_type: &str,
    content: &[u8],
    uploaded_by: i64,
    now: NaiveDateTime,
) -> QueryResult<AttachmentInfo> {
    diesel::insert_into(session_attachments::table)
        .values((
            session_attachments::session_id.eq(session_id),
            session_attachments::content_type.eq(content_type),
            session_attachments::content.eq(content),
            session_attachments::size_bytes.eq(content.len() as i64),
            session_attachments::uploaded_by.eq(uploaded_by),
            session_attachments::uploaded_at.eq(now),
        ))
        .returning((
            session_attachments::id,
            session_attachments::session_id,
            session_attachments::content_type,
            session_attachments::size_bytes,
            session_attachments::uploaded_by,
            session_attachments::uploaded_at,
        ))
        .get_result(conn)
}

/// The attachments of a session, without content, in upload order.
pub fn attachments(conn: &mut DbConnection, session_id: i64) -> QueryResult<Vec<AttachmentInfo>> {
    session_attachments::table
        .filter(session_attachments::session_id.eq(session_id))
        .order(session_attachments::id.asc())
        .select(AttachmentInfo::as_select())
        .load(conn)
}

/// How many attachments a session has.
pub fn count_attachments(conn: &mut DbConnection, session_id: i64) -> QueryResult<i64> {
    session_attachments::table
        .filter(session_attachments::session_id.eq(session_id))
        .count()
        .get_result(conn)
}

/// One attachment's type and content.
pub fn attachment_content(
    conn: &mut DbConnection,
    session_id: i64,
    id: i64,
) -> QueryResult<Option<(String, Vec<u8>)>> {
    session_attachments::table
        .filter(session_attachments::session_id.eq(session_id))
        .filter(session_attachments::id.eq(id))
        .select((
            session_attachments::content_type,
            session_attachments::content,
        ))
        .first(conn)
        .optional()
}

/// Deletes one attachment; returns whether it existed.
pub fn delete_attachment(conn: &mut DbConnection, session_id: i64, id: i64) -> QueryResult<bool> {
    diesel::delete(
        session_attachments::table
            .filter(session_attachments::session_id.eq(session_id))
            .filter(session_attachments::id.eq(id)),
    )
    .execute(conn)
    .map(|n| n > 0)
}
