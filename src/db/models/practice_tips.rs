//! The `practice_tips` table with its topics and its document (kept apart so lists never load it).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::bound_list::{in_codes, in_ids};
use crate::db::models::participants::escape_like;
use crate::db::schema::{practice_tip_documents, practice_tip_topics, practice_tips};
use crate::domain::practice_tip::{TipKind, TipState};

/// One row of `practice_tips`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = practice_tips)]
pub struct PracticeTip {
    pub id: i64,
    pub author_id: i64,
    pub title: String,
    pub question: String,
    pub kind: TipKind,
    pub abstract_text: String,
    pub search_text: String,
    pub state: TipState,
    pub review_note: Option<String>,
    pub state_reason: Option<String>,
    pub anonymisation_requested: bool,
    pub anonymisation_confirmed_by: Option<i64>,
    pub anonymisation_confirmed_at: Option<NaiveDateTime>,
    pub submitted_at: Option<NaiveDateTime>,
    pub published_at: Option<NaiveDateTime>,
    pub decided_by: Option<i64>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Insert form for `practice_tips`.
#[derive(Debug, Insertable)]
#[diesel(table_name = practice_tips)]
pub struct NewPracticeTip<'a> {
    pub author_id: i64,
    pub title: &'a str,
    pub question: &'a str,
    pub kind: TipKind,
    pub abstract_text: &'a str,
    pub search_text: &'a str,
    pub state: TipState,
    pub anonymisation_requested: bool,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The author's edits (`None`: unchanged).
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = practice_tips)]
pub struct ContentChanges {
    pub title: Option<String>,
    pub question: Option<String>,
    pub kind: Option<TipKind>,
    pub abstract_text: Option<String>,
    pub search_text: Option<String>,
    pub anonymisation_requested: Option<bool>,
}

/// The fields a transition sets besides the state.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = practice_tips)]
pub struct TransitionChanges {
    pub review_note: Option<Option<String>>,
    pub state_reason: Option<Option<String>>,
    pub anonymisation_confirmed_by: Option<Option<i64>>,
    pub anonymisation_confirmed_at: Option<Option<NaiveDateTime>>,
    pub submitted_at: Option<Option<NaiveDateTime>>,
    pub published_at: Option<Option<NaiveDateTime>>,
    pub decided_by: Option<Option<i64>>,
}

/// A document without its content.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = practice_tip_documents)]
pub struct DocumentInfo {
    pub practice_tip_id: i64,
    pub size_bytes: i64,
    pub page_count: Option<i32>,
    pub uploaded_at: NaiveDateTime,
}

/// Published tips whose `published_at` lies in `[from, until)` (from the start when `from` is
/// `None`), oldest first (the newsletter's new tips).
pub fn published_between(
    conn: &mut DbConnection,
    from: Option<NaiveDateTime>,
    until: NaiveDateTime,
) -> QueryResult<Vec<PracticeTip>> {
    let mut query = practice_tips::table
        .filter(practice_tips::state.eq(TipState::Published))
        .filter(practice_tips::published_at.lt(until))
        .order((practice_tips::published_at.asc(), practice_tips::id.asc()))
        .select(PracticeTip::as_select())
        .into_boxed();
    if let Some(from) = from {
        query = query.filter(practice_tips::published_at.ge(from));
    }
    query.load(conn)
}

/// Inserts a tip with its topics; returns the stored row.
pub fn insert(
    conn: &mut DbConnection,
    new: &NewPracticeTip<'_>,
    topic_ids: &[i64],
) -> QueryResult<PracticeTip> {
    let tip: PracticeTip = diesel::insert_into(practice_tips::table)
        .values(new)
        .returning(practice_tips::all_columns)
        .get_result(conn)?;
    replace_topics(conn, tip.id, topic_ids)?;
    Ok(tip)
}

/// Replaces the topics of a tip.
pub fn replace_topics(conn: &mut DbConnection, id: i64, topic_ids: &[i64]) -> QueryResult<()> {
    diesel::delete(practice_tip_topics::table.filter(practice_tip_topics::practice_tip_id.eq(id)))
        .execute(conn)?;
    for topic_id in topic_ids {
        diesel::insert_into(practice_tip_topics::table)
            .values((
                practice_tip_topics::practice_tip_id.eq(id),
                practice_tip_topics::topic_id.eq(topic_id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The tip with this id, if any.
pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<PracticeTip>> {
    practice_tips::table.find(id).first(conn).optional()
}

/// The topic ids of a tip, ascending.
pub fn topics_of(conn: &mut DbConnection, id: i64) -> QueryResult<Vec<i64>> {
    practice_tip_topics::table
        .filter(practice_tip_topics::practice_tip_id.eq(id))
        .select(practice_tip_topics::topic_id)
        .order(practice_tip_topics::topic_id.asc())
        .load(conn)
}

/// Filters for the tip list.
#[derive(Debug, Default)]
pub struct ListFilter {
    pub topic_id: Option<i64>,
    pub kind: Option<TipKind>,
    pub state: Option<TipState>,
    /// Words that must all occur in the title or abstract, case-insensitively.
    pub words: Option<String>,
    /// Participants: only published tips, plus this author's own.
    pub published_or_author: Option<i64>,
    /// Only this author's tips (the privacy export).
    pub author_id: Option<i64>,
    /// Keyset cursor: the id of the last row of the previous page.
    pub after: Option<i64>,
}

/// Tips in id order, at most `limit`.
pub fn list(
    conn: &mut DbConnection,
    filter: &ListFilter,
    limit: i64,
) -> QueryResult<Vec<PracticeTip>> {
    let mut query = practice_tips::table
        .order(practice_tips::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(topic) = filter.topic_id {
        query = query.filter(
            practice_tips::id.eq_any(
                practice_tip_topics::table
                    .filter(practice_tip_topics::topic_id.eq(topic))
                    .select(practice_tip_topics::practice_tip_id),
            ),
        );
    }
    if let Some(kind) = filter.kind {
        query = query.filter(practice_tips::kind.eq(kind));
    }
    if let Some(state) = filter.state {
        query = query.filter(practice_tips::state.eq(state));
    }
    for word in filter.words.iter().flat_map(|w| w.split_whitespace()) {
        let pattern = format!("%{}%", escape_like(&word.to_lowercase()));
        query = query.filter(practice_tips::search_text.like(pattern).escape('\\'));
    }
    if let Some(author) = filter.published_or_author {
        query = query.filter(
            practice_tips::state
                .eq(TipState::Published)
                .or(practice_tips::author_id.eq(author)),
        );
    }
    if let Some(author) = filter.author_id {
        query = query.filter(practice_tips::author_id.eq(author));
    }
    if let Some(id) = filter.after {
        query = query.filter(practice_tips::id.gt(id));
    }
    query.load(conn)
}

/// Applies the author's edits if the tip is still at `version` and editable; `None` when not.
pub fn update_content(
    conn: &mut DbConnection,
    id: i64,
    version: i64,
    changes: &ContentChanges,
    now: NaiveDateTime,
) -> QueryResult<Option<PracticeTip>> {
    let editable = [TipState::Draft, TipState::ChangesRequested];
    let target = practice_tips::table
        .filter(practice_tips::id.eq(id))
        .filter(practice_tips::version.eq(version))
        .filter(in_codes(practice_tips::state, editable));
    let bump = (
        practice_tips::version.eq(practice_tips::version + 1),
        practice_tips::updated_at.eq(now),
    );
    // An empty changeset is an error in diesel: then only the version moves.
    let result = if changes.is_empty() {
        diesel::update(target)
            .set(bump)
            .returning(practice_tips::all_columns)
            .get_result(conn)
    } else {
        diesel::update(target)
            .set((bump, changes))
            .returning(practice_tips::all_columns)
            .get_result(conn)
    };
    result.optional()
}

impl ContentChanges {
    /// Whether nothing changes.
    pub fn is_empty(&self) -> bool {
        self.title.is_none()
            && self.question.is_none()
            && self.kind.is_none()
            && self.abstract_text.is_none()
            && self.search_text.is_none()
            && self.anonymisation_requested.is_none()
    }
}

/// Moves the tip from `from` to `to` if it still is in `from` (one conditional write, so
/// concurrent transitions cannot both win); `None` when it was not.
pub fn transition(
    conn: &mut DbConnection,
    id: i64,
    from: TipState,
    to: TipState,
    changes: &TransitionChanges,
    now: NaiveDateTime,
) -> QueryResult<Option<PracticeTip>> {
    diesel::update(
        practice_tips::table
            .filter(practice_tips::id.eq(id))
            .filter(practice_tips::state.eq(from)),
    )
    .set((
        practice_tips::state.eq(to),
        practice_tips::version.eq(practice_tips::version + 1),
        practice_tips::updated_at.eq(now),
        changes,
    ))
    .returning(practice_tips::all_columns)
    .get_result(conn)
    .optional()
}

/// Stores (or replaces) the document of a tip and bumps the tip's version.
pub fn put_document(
    conn: &mut DbConnection,
    id: i64,
    content: &[u8],
    page_count: Option<i32>,
    now: NaiveDateTime,
) -> QueryResult<DocumentInfo> {
    diesel::delete(
        practice_tip_documents::table.filter(practice_tip_documents::practice_tip_id.eq(id)),
    )
    .execute(conn)?;
    diesel::insert_into(practice_tip_documents::table)
        .values((
            practice_tip_documents::practice_tip_id.eq(id),
            practice_tip_documents::content.eq(content),
            practice_tip_documents::size_bytes.eq(content.len() as i64),
            practice_tip_documents::page_count.eq(page_count),
            practice_tip_documents::uploaded_at.eq(now),
        ))
        .execute(conn)?;
    diesel::update(practice_tips::table.find(id))
        .set((
            practice_tips::version.eq(practice_tips::version + 1),
            practice_tips::updated_at.eq(now),
        ))
        .execute(conn)?;
    document_info(conn, id)?.ok_or(diesel::result::Error::NotFound)
}

/// The document of a tip, without content.
pub fn document_info(conn: &mut DbConnection, id: i64) -> QueryResult<Option<DocumentInfo>> {
    practice_tip_documents::table
        .find(id)
        .select(DocumentInfo::as_select())
        .first(conn)
        .optional()
}

/// The PDF bytes of a tip.
pub fn document_content(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Vec<u8>>> {
    practice_tip_documents::table
        .find(id)
        .select(practice_tip_documents::content)
        .first(conn)
        .optional()
}

/// Deletes an author's tips that never reached the knowledge store (erasure); published and
/// withdrawn tips stay (the programme's knowledge and the evidence of a credit). Returns how many.
pub fn delete_unpublished_of(conn: &mut DbConnection, author_id: i64) -> QueryResult<usize> {
    let kept = [TipState::Published, TipState::Withdrawn];
    let ids: Vec<i64> = practice_tips::table
        .filter(practice_tips::author_id.eq(author_id))
        .filter(diesel::dsl::not(in_codes(practice_tips::state, kept)))
        .select(practice_tips::id)
        .load(conn)?;
    diesel::delete(
        practice_tip_documents::table.filter(in_ids(practice_tip_documents::practice_tip_id, &ids)),
    )
    .execute(conn)?;
    diesel::delete(
        practice_tip_topics::table.filter(in_ids(practice_tip_topics::practice_tip_id, &ids)),
    )
    .execute(conn)?;
    diesel::delete(practice_tips::table.filter(in_ids(practice_tips::id, &ids))).execute(conn)
}

/// The id of the author's tip titled `title`, if any (how an import recognises a tip it brought
/// over before).
pub fn find_twin(conn: &mut DbConnection, author_id: i64, title: &str) -> QueryResult<Option<i64>> {
    practice_tips::table
        .filter(practice_tips::author_id.eq(author_id))
        .filter(practice_tips::title.eq(title))
        .select(practice_tips::id)
        .first(conn)
        .optional()
}
