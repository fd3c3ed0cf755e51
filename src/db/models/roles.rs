//! Role history, role-change requests and funding-agency notifications.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::bound_list::in_ids;
use crate::db::schema::{funding_agency_notifications, role_change_requests, role_periods};
use crate::domain::participant::{NotificationChannel, RoleChangeStatus};
use crate::on_backend;

/// One row of `role_periods`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = role_periods)]
pub struct RolePeriod {
    pub id: i64,
    pub participant_id: i64,
    pub is_mentee: bool,
    pub is_mentor: bool,
    pub valid_from: NaiveDate,
    pub source: String,
    pub recorded_by: Option<i64>,
    pub recorded_at: NaiveDateTime,
}

/// Appends a role period.
#[allow(clippy::too_many_arguments)]
pub fn add_period(
    conn: &mut DbConnection,
    participant_id: i64,
    mentee: bool,
    mentor: bool,
    valid_from: NaiveDate,
    source: &str,
    recorded_by: Option<i64>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(role_periods::table)
        .values((
            role_periods::participant_id.eq(participant_id),
            role_periods::is_mentee.eq(mentee),
            role_periods::is_mentor.eq(mentor),
            role_periods::valid_from.eq(valid_from),
            role_periods::source.eq(source),
            role_periods::recorded_by.eq(recorded_by),
            role_periods::recorded_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// A participant's role history, oldest first.
pub fn periods(conn: &mut DbConnection, participant_id: i64) -> QueryResult<Vec<RolePeriod>> {
    role_periods::table
        .filter(role_periods::participant_id.eq(participant_id))
        .order((role_periods::valid_from.asc(), role_periods::id.asc()))
        .load(conn)
}

/// One row of `role_change_requests`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = role_change_requests)]
pub struct RoleChangeRequest {
    pub id: i64,
    pub participant_id: i64,
    pub wants_mentee: bool,
    pub wants_mentor: bool,
    pub reason: String,
    pub status: RoleChangeStatus,
    pub requested_by: i64,
    pub requested_at: NaiveDateTime,
    pub decided_by: Option<i64>,
    pub decided_at: Option<NaiveDateTime>,
    pub decision_note: Option<String>,
}

/// Files a request.
pub fn request(
    conn: &mut DbConnection,
    participant_id: i64,
    mentee: bool,
    mentor: bool,
    reason: &str,
    by: i64,
    now: NaiveDateTime,
) -> QueryResult<RoleChangeRequest> {
    diesel::insert_into(role_change_requests::table)
        .values((
            role_change_requests::participant_id.eq(participant_id),
            role_change_requests::wants_mentee.eq(mentee),
            role_change_requests::wants_mentor.eq(mentor),
            role_change_requests::reason.eq(reason),
            role_change_requests::status.eq(RoleChangeStatus::Requested),
            role_change_requests::requested_by.eq(by),
            role_change_requests::requested_at.eq(now),
        ))
        .returning(role_change_requests::all_columns)
        .get_result(conn)
}

/// A participant's requests, newest first.
pub fn requests(
    conn: &mut DbConnection,
    participant_id: i64,
) -> QueryResult<Vec<RoleChangeRequest>> {
    role_change_requests::table
        .filter(role_change_requests::participant_id.eq(participant_id))
        .order(role_change_requests::id.desc())
        .load(conn)
}

/// Decides a request that is still open; `false` when it was already decided.
pub fn decide(
    conn: &mut DbConnection,
    request_id: i64,
    status: RoleChangeStatus,
    note: Option<&str>,
    by: i64,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let open = role_change_requests::table
        .filter(role_change_requests::id.eq(request_id))
        .filter(role_change_requests::status.eq(RoleChangeStatus::Requested));
    let updated = diesel::update(open)
        .set((
            role_change_requests::status.eq(status),
            role_change_requests::decision_note.eq(note),
            role_change_requests::decided_by.eq(by),
            role_change_requests::decided_at.eq(now),
        ))
        .execute(conn)?;
    Ok(updated == 1)
}

/// Blanks free-text reasons and notes (erasure).
pub fn anonymise(conn: &mut DbConnection, participant_id: i64) -> QueryResult<()> {
    diesel::update(
        role_change_requests::table.filter(role_change_requests::participant_id.eq(participant_id)),
    )
    .set((
        role_change_requests::reason.eq("—"),
        role_change_requests::decision_note.eq(None::<String>),
    ))
    .execute(conn)?;
    Ok(())
}

/// One row of `funding_agency_notifications`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = funding_agency_notifications)]
pub struct Notification {
    pub id: i64,
    pub participant_id: i64,
    pub project_id: i64,
    pub is_mentee: bool,
    pub is_mentor: bool,
    pub notified_on: NaiveDate,
    pub recorded_by: i64,
    pub recorded_at: NaiveDateTime,
    /// `None` on notifications recorded before the channel was kept.
    pub channel: Option<NotificationChannel>,
    pub note: Option<String>,
    pub version: i64,
}

/// How and when the agency was told: what a recording states and a correction may change.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = funding_agency_notifications, treat_none_as_null = true)]
pub struct NotificationFacts<'a> {
    pub notified_on: NaiveDate,
    pub channel: Option<NotificationChannel>,
    pub note: Option<&'a str>,
}

/// Records that the agency was told about this project and these roles.
#[allow(clippy::too_many_arguments)]
pub fn record_notification(
    conn: &mut DbConnection,
    participant_id: i64,
    project_id: i64,
    mentee: bool,
    mentor: bool,
    facts: &NotificationFacts<'_>,
    by: i64,
    now: NaiveDateTime,
) -> QueryResult<Notification> {
    diesel::insert_into(funding_agency_notifications::table)
        .values((
            funding_agency_notifications::participant_id.eq(participant_id),
            funding_agency_notifications::project_id.eq(project_id),
            funding_agency_notifications::is_mentee.eq(mentee),
            funding_agency_notifications::is_mentor.eq(mentor),
            funding_agency_notifications::notified_on.eq(facts.notified_on),
            funding_agency_notifications::channel.eq(facts.channel),
            funding_agency_notifications::note.eq(facts.note),
            funding_agency_notifications::recorded_by.eq(by),
            funding_agency_notifications::recorded_at.eq(now),
            funding_agency_notifications::version.eq(1_i64),
        ))
        .returning(funding_agency_notifications::all_columns)
        .get_result(conn)
}

/// The participant's notification with this id, if any.
pub fn find_notification(
    conn: &mut DbConnection,
    participant_id: i64,
    id: i64,
) -> QueryResult<Option<Notification>> {
    funding_agency_notifications::table
        .filter(funding_agency_notifications::id.eq(id))
        .filter(funding_agency_notifications::participant_id.eq(participant_id))
        .first(conn)
        .optional()
}

/// Corrects a notification if it is still at `version` (one conditional write); `None` when it
/// changed meanwhile.
pub fn correct_notification(
    conn: &mut DbConnection,
    id: i64,
    version: i64,
    facts: &NotificationFacts<'_>,
) -> QueryResult<Option<Notification>> {
    diesel::update(
        funding_agency_notifications::table
            .filter(funding_agency_notifications::id.eq(id))
            .filter(funding_agency_notifications::version.eq(version)),
    )
    .set((
        facts,
        funding_agency_notifications::version.eq(funding_agency_notifications::version + 1),
    ))
    .returning(funding_agency_notifications::all_columns)
    .get_result(conn)
    .optional()
}

/// Erasure: drops the office's notes on the participant's notifications (the facts stay, as
/// funding evidence).
pub fn erase_notification_notes(conn: &mut DbConnection, participant_id: i64) -> QueryResult<()> {
    diesel::update(
        funding_agency_notifications::table
            .filter(funding_agency_notifications::participant_id.eq(participant_id)),
    )
    .set(funding_agency_notifications::note.eq(None::<String>))
    .execute(conn)?;
    Ok(())
}

/// The notifications of many participants.
pub fn notifications(
    conn: &mut DbConnection,
    participant_ids: &[i64],
) -> QueryResult<Vec<Notification>> {
    on_backend!(conn, |c| {
        funding_agency_notifications::table
            .filter(in_ids(
                funding_agency_notifications::participant_id,
                participant_ids,
            ))
            .order(funding_agency_notifications::id.asc())
            .load(c)
    })
}
