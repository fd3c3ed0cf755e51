//! What a credit report says about each credited activity (title, dates, place, topics, people
//! reached, forum and posts), loaded per source kind in one batch for a whole report, so a report
//! costs a fixed number of queries however many credits it lists.

use crate::domain::programme_time::programme_date_of_utc;
use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::bound_list::in_ids;
use crate::db::models::credits::{Credit, CreditSource};
use crate::db::schema::{
    forum_sponsorships, forums, mentoring_contacts, practice_tip_topics, practice_tips,
    session_topics, sessions, topics,
};

/// A topic's titles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicTitle {
    /// German title.
    pub de: String,
    /// English title, where translated.
    pub en: Option<String>,
}

/// The details of one credited activity; what a source does not know stays empty.
#[derive(Debug, Clone, Default)]
pub struct SourceDetails {
    /// Title of the session or practice tip.
    pub title: Option<String>,
    /// First day (a session's date, a sponsorship's start).
    pub from: Option<NaiveDate>,
    /// Last day, where the activity spans a period.
    pub until: Option<NaiveDate>,
    /// Where it took place.
    pub place: Option<String>,
    /// Whether it took place online.
    pub online: bool,
    /// Its topics.
    pub topics: Vec<TopicTitle>,
    /// People reached.
    pub people_reached: Option<i32>,
    /// The sponsored forum's title.
    pub forum_title: Option<String>,
    /// Posts written during a sponsorship.
    pub post_count: Option<i32>,
}

/// Details keyed by (source kind, source id).
pub type DetailsBySource = HashMap<(CreditSource, i64), SourceDetails>;

/// The details of every credit's activity: one batch per source kind.
pub fn load(conn: &mut DbConnection, credits: &[Credit]) -> QueryResult<DetailsBySource> {
    let ids_of = |kind: CreditSource| -> Vec<i64> {
        let mut ids: Vec<i64> = credits
            .iter()
            .filter(|c| c.source_kind == kind)
            .map(|c| c.source_id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    let mut all = DetailsBySource::new();
    let batches = [
        (
            CreditSource::Session,
            session_details(conn, &ids_of(CreditSource::Session))?,
        ),
        (
            CreditSource::ForumSponsorship,
            forum_sponsorship_details(conn, &ids_of(CreditSource::ForumSponsorship))?,
        ),
        (
            CreditSource::PracticeTip,
            practice_tip_details(conn, &ids_of(CreditSource::PracticeTip))?,
        ),
        (
            CreditSource::IndividualContact,
            individual_contact_details(conn, &ids_of(CreditSource::IndividualContact))?,
        ),
    ];
    for (kind, details) in batches {
        all.extend(details.into_iter().map(|(id, d)| ((kind, id), d)));
    }
    Ok(all)
}

/// Sessions: title, date(s), place, topics and people reached.
pub fn session_details(
    conn: &mut DbConnection,
    ids: &[i64],
) -> QueryResult<HashMap<i64, SourceDetails>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    type Row = (
        i64,
        String,
        chrono::NaiveDateTime,
        chrono::NaiveDateTime,
        bool,
        Option<String>,
        Option<i32>,
    );
    let rows: Vec<Row> = sessions::table
        .filter(in_ids(sessions::id, ids))
        .select((
            sessions::id,
            sessions::title,
            sessions::starts_at,
            sessions::ends_at,
            sessions::online,
            sessions::place,
            sessions::people_reached,
        ))
        .load(conn)?;
    let topic_rows: Vec<(i64, String, Option<String>)> = session_topics::table
        .inner_join(topics::table.on(topics::id.eq(session_topics::topic_id)))
        .filter(in_ids(session_topics::session_id, ids))
        .order((session_topics::session_id.asc(), topics::title_de.asc()))
        .select((
            session_topics::session_id,
            topics::title_de,
            topics::title_en,
        ))
        .load(conn)?;
    let mut details: HashMap<i64, SourceDetails> = rows
        .into_iter()
        .map(|(id, title, starts, ends, online, place, people)| {
            let (from, until) = (programme_date_of_utc(starts), programme_date_of_utc(ends));
            let details = SourceDetails {
                title: Some(title),
                from: Some(from),
                until: (until != from).then_some(until),
                place,
                online,
                people_reached: people,
                ..SourceDetails::default()
            };
            (id, details)
        })
        .collect();
    attach_topics(&mut details, topic_rows);
    Ok(details)
}

/// Forum sponsorships: forum title, period (up to the effective end, e.g. a withdrawal) and post
/// count.
pub fn forum_sponsorship_details(
    conn: &mut DbConnection,
    ids: &[i64],
) -> QueryResult<HashMap<i64, SourceDetails>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, NaiveDate, NaiveDate, Option<i32>, String)> = forum_sponsorships::table
        .inner_join(forums::table)
        .filter(in_ids(forum_sponsorships::id, ids))
        .select((
            forum_sponsorships::id,
            forum_sponsorships::starts_on,
            forum_sponsorships::effective_ends_on,
            forum_sponsorships::post_count,
            forums::name_de,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, from, until, posts, forum)| {
            let details = SourceDetails {
                from: Some(from),
                until: Some(until),
                online: true,
                forum_title: Some(forum),
                post_count: posts,
                ..SourceDetails::default()
            };
            (id, details)
        })
        .collect())
}

/// Practice tips: title and topics.
pub fn practice_tip_details(
    conn: &mut DbConnection,
    ids: &[i64],
) -> QueryResult<HashMap<i64, SourceDetails>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String)> = practice_tips::table
        .filter(in_ids(practice_tips::id, ids))
        .select((practice_tips::id, practice_tips::title))
        .load(conn)?;
    let topic_rows: Vec<(i64, String, Option<String>)> = practice_tip_topics::table
        .inner_join(topics::table.on(topics::id.eq(practice_tip_topics::topic_id)))
        .filter(in_ids(practice_tip_topics::practice_tip_id, ids))
        .order((
            practice_tip_topics::practice_tip_id.asc(),
            topics::title_de.asc(),
        ))
        .select((
            practice_tip_topics::practice_tip_id,
            topics::title_de,
            topics::title_en,
        ))
        .load(conn)?;
    let mut details: HashMap<i64, SourceDetails> = rows
        .into_iter()
        .map(|(id, title)| {
            let details = SourceDetails {
                title: Some(title),
                ..SourceDetails::default()
            };
            (id, details)
        })
        .collect();
    attach_topics(&mut details, topic_rows);
    Ok(details)
}

/// Adds `(owner id, German title, English title)` rows to their owners' details.
fn attach_topics(
    details: &mut HashMap<i64, SourceDetails>,
    rows: Vec<(i64, String, Option<String>)>,
) {
    for (owner, de, en) in rows {
        if let Some(d) = details.get_mut(&owner) {
            d.topics.push(TopicTitle { de, en });
        }
    }
}

/// Contacts of individual mentoring: the form and its duration as the title, the day; never
/// the mentee or the confidential note (the report is pasted into the NKI tool).
pub fn individual_contact_details(
    conn: &mut DbConnection,
    ids: &[i64],
) -> QueryResult<HashMap<i64, SourceDetails>> {
    use crate::domain::individual_mentoring::ContactKind;
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    type Row = (i64, ContactKind, NaiveDate, Option<i32>, Option<i32>);
    let rows: Vec<Row> = mentoring_contacts::table
        .filter(in_ids(mentoring_contacts::id, ids))
        .select((
            mentoring_contacts::id,
            mentoring_contacts::kind,
            mentoring_contacts::contact_on,
            mentoring_contacts::duration_hours,
            mentoring_contacts::duration_days,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, kind, on, hours, days)| {
            let label = kind.label(crate::domain::lang::Lang::De);
            let duration = match (hours, days) {
                (_, Some(d)) => format!("{d} Tag(e)"),
                (Some(h), None) => format!("{h} Std."),
                (None, None) => String::new(),
            };
            let details = SourceDetails {
                title: Some(format!("{label} ({duration})")),
                from: Some(on),
                online: matches!(kind, ContactKind::Phone | ContactKind::Email),
                ..SourceDetails::default()
            };
            (id, details)
        })
        .collect())
}
