//! The `topics` table: the topic list of § 4 and proposals for new topics.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::bound_list::in_ids;
use crate::db::schema::topics;
use crate::domain::catalogue::TopicStatus;

/// One row of `topics`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = topics)]
pub struct Topic {
    pub id: i64,
    pub group_code: String,
    pub title_de: String,
    pub title_en: Option<String>,
    pub status: TopicStatus,
    pub proposed_by_account_id: Option<i64>,
    pub decided_by_account_id: Option<i64>,
    pub decided_at: Option<NaiveDateTime>,
    pub decision_note: Option<String>,
    pub created_at: NaiveDateTime,
    /// When staff retired it; `None` while it can be chosen (if accepted).
    pub retired_at: Option<NaiveDateTime>,
    pub version: i64,
}

/// Insert form for `topics`.
#[derive(Debug, Insertable)]
#[diesel(table_name = topics)]
pub struct NewTopic<'a> {
    pub group_code: &'a str,
    pub title_de: &'a str,
    pub title_en: Option<&'a str>,
    pub status: TopicStatus,
    pub proposed_by_account_id: Option<i64>,
    pub decided_by_account_id: Option<i64>,
    pub decided_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// A staff decision on a proposal; `None` fields are left as they are.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = topics)]
pub struct Decision<'a> {
    pub status: TopicStatus,
    pub decided_by_account_id: Option<i64>,
    pub decided_at: Option<NaiveDateTime>,
    pub decision_note: Option<&'a str>,
    pub title_en: Option<&'a str>,
}

/// Inserts a topic and returns the stored row.
pub fn insert(conn: &mut DbConnection, new: &NewTopic<'_>) -> QueryResult<Topic> {
    diesel::insert_into(topics::table)
        .values(new)
        .returning(topics::all_columns)
        .get_result(conn)
}

/// The topic with this id, if any.
pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Topic>> {
    topics::table.find(id).first(conn).optional()
}

/// Topics in id order after `after_id`, optionally of one status and group; at most `limit`.
pub fn list(
    conn: &mut DbConnection,
    status: Option<TopicStatus>,
    group: Option<&str>,
    after_id: i64,
    limit: i64,
) -> QueryResult<Vec<Topic>> {
    let mut query = topics::table
        .filter(topics::id.gt(after_id))
        .order(topics::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(status) = status {
        query = query.filter(topics::status.eq(status));
    }
    if let Some(group) = group {
        query = query.filter(topics::group_code.eq(group.to_owned()));
    }
    query.load(conn)
}

/// Applies a decision if the topic is still `proposed` (one conditional write, so two staff
/// deciding at once cannot both succeed); `None` when it was not (unknown or already decided).
pub fn decide(
    conn: &mut DbConnection,
    id: i64,
    decision: &Decision<'_>,
) -> QueryResult<Option<Topic>> {
    diesel::update(
        topics::table
            .filter(topics::id.eq(id))
            .filter(topics::status.eq(TopicStatus::Proposed)),
    )
    .set(decision)
    .returning(topics::all_columns)
    .get_result(conn)
    .optional()
}

/// Which of `ids` do not name an accepted topic (unknown, proposed, declined or retired), each once,
/// ascending; the API turns them into its 422 (`domain::catalogue::require_accepted_topics`).
pub fn not_accepted(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<i64>> {
    let accepted: Vec<i64> = topics::table
        .filter(in_ids(topics::id, ids))
        .filter(topics::status.eq(TopicStatus::Accepted))
        .filter(topics::retired_at.is_null())
        .select(topics::id)
        .load(conn)?;
    let mut missing: Vec<i64> = ids
        .iter()
        .copied()
        .filter(|id| !accepted.contains(id))
        .collect();
    missing.sort_unstable();
    missing.dedup();
    Ok(missing)
}

/// Sets the titles if the topic is still at `version` (one conditional write); `None` when it
/// changed meanwhile.
pub fn retitle(
    conn: &mut DbConnection,
    id: i64,
    version: i64,
    title_de: &str,
    title_en: Option<&str>,
) -> QueryResult<Option<Topic>> {
    diesel::update(
        topics::table
            .filter(topics::id.eq(id))
            .filter(topics::version.eq(version)),
    )
    .set((
        topics::title_de.eq(title_de),
        topics::title_en.eq(title_en),
        topics::version.eq(topics::version + 1),
    ))
    .returning(topics::all_columns)
    .get_result(conn)
    .optional()
}

/// Retires an accepted topic that is not retired yet (one conditional write); `None` when it
/// is not such a topic.
pub fn retire(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<Option<Topic>> {
    diesel::update(
        topics::table
            .filter(topics::id.eq(id))
            .filter(topics::status.eq(TopicStatus::Accepted))
            .filter(topics::retired_at.is_null()),
    )
    .set((
        topics::retired_at.eq(now),
        topics::version.eq(topics::version + 1),
    ))
    .returning(topics::all_columns)
    .get_result(conn)
    .optional()
}
