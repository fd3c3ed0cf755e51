//! Who signed up for a session and who attended it: its mentors and staff read the sign-ups
//! (contact data for staff only) and, once the session was held, record the attendance, which
//! then is the source of the session's people reached (`domain::attendance`).

use actix_web::{HttpResponse, get, put, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use validator::Validate;

use super::{require_mentor_or_staff, utc, visible};
use crate::api::access::Viewer;
use crate::api::http::json_object::JsonObject;
use crate::api::http::pagination::PageParams;
use crate::api::http::response::private_json;
use crate::auth::Caller;
use crate::db::models::audit_events::{self, Change};
use crate::db::models::projects;
use crate::db::models::session_attendance::{self as attendance, Recording, SignupRow};
use crate::db::models::sessions::Session;
use crate::db::{self, DbConnection, DbPool};
use crate::domain::attendance::{
    AttendanceCount, check_attendees, check_recordable, people_reached,
};
use crate::domain::programme_time::programme_today;
use crate::error::AppError;

/// Most attendees one recording lists.
const MAX_ATTENDEES: usize = 1000;
/// Most walk-ins one session records.
const MAX_WALK_INS: i32 = 100_000;

/// One sign-up as the session's mentors and staff see it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = signup_example)]
pub struct SignupResponse {
    /// The signed-up participant.
    pub participant_id: i64,
    /// First and last name.
    pub name: String,
    /// Employer of the participant's current project; `null` without a current project.
    #[schema(required = true)]
    pub employer: Option<String>,
    /// Municipality of the participant's current project; `null` without a current project.
    #[schema(required = true)]
    pub municipality: Option<String>,
    /// E-mail address; only staff get this key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone number; only staff get this key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// When they signed up.
    pub signed_up_at: DateTime<Utc>,
    /// Whether they attended; `null` until attendance is recorded.
    #[schema(required = true)]
    pub attended: Option<bool>,
}

/// One page of a session's sign-ups.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [signup_example()], "next_cursor": null}))]
pub struct SignupList {
    /// Sign-ups by ascending participant id.
    pub items: Vec<SignupResponse>,
    /// Cursor of the next page; `null` on the last.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// The attendance of a held session; replaces what was recorded before.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"attended_participant_ids": [131, 145, 150], "walk_in_count": 4}))]
pub struct AttendanceRequest {
    /// Participant ids of the signed-up mentees who attended (each signed up, listed once);
    /// every other sign-up is recorded as not attended.
    #[validate(length(max = 1000))]
    #[schema(max_items = 1000)]
    pub attended_participant_ids: Vec<i64>,
    /// People who attended without signing up.
    #[validate(range(min = 0, max = 100_000))]
    #[schema(minimum = 0, maximum = 100_000)]
    pub walk_in_count: i32,
}

/// A session's attendance.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "session_id": 41,
    "attended_participant_ids": [131, 145, 150],
    "walk_in_count": 4,
    "signed_up_count": 5,
    "people_reached": 7,
    "recorded_at": "2027-04-14T10:05:00Z"
}))]
pub struct AttendanceResponse {
    /// Session id.
    pub session_id: i64,
    /// Signed-up participants recorded as attended, ascending (empty until recorded).
    pub attended_participant_ids: Vec<i64>,
    /// People who attended without signing up; `null` until recorded.
    #[schema(required = true)]
    pub walk_in_count: Option<i32>,
    /// How many are signed up.
    pub signed_up_count: i64,
    /// The session's people reached: attended sign-ups plus walk-ins once attendance is
    /// recorded, else the number reported when it was held (`null` before).
    #[schema(required = true)]
    pub people_reached: Option<i32>,
    /// When attendance was last recorded; `null`: never.
    #[schema(required = true)]
    pub recorded_at: Option<DateTime<Utc>>,
}

/// A sign-up as staff see it (mentors get no `email` and `phone`).
fn signup_example() -> serde_json::Value {
    json!({
        "participant_id": 131,
        "name": "Jana Beispiel",
        "employer": "Stadt Musterstadt",
        "municipality": "Musterstadt",
        "email": "jana.beispiel@example.org",
        "phone": "+49 30 1234567",
        "signed_up_at": "2027-03-22T07:41:10Z",
        "attended": true
    })
}

fn signup_response(
    row: SignupRow,
    project: Option<&projects::Project>,
    contact: bool,
) -> SignupResponse {
    SignupResponse {
        participant_id: row.participant_id,
        name: format!("{} {}", row.first_name, row.last_name),
        employer: project.map(|p| p.employer.clone()),
        municipality: project.map(|p| p.municipality.clone()),
        email: contact.then_some(row.email),
        phone: contact.then_some(row.phone),
        signed_up_at: utc(row.signed_up_at),
        attended: row.attended,
    }
}

/// The session's mentors or staff, with the session; else 403 (404 when not visible).
fn load_for_mentors(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i64,
) -> Result<(Viewer, Session), AppError> {
    let viewer = Viewer::load(conn, caller)?;
    let session = visible(conn, &viewer, id)?;
    require_mentor_or_staff(conn, &viewer, &session)?;
    Ok((viewer, session))
}

/// Lists who signed up for the session: its mentors (names, employer, municipality) and staff
/// (also e-mail and phone). Paginated by participant id.
///
/// The session's mentors and staff (another active participant gets 403, or 404 when the session is
/// hidden from them). Employer and municipality come from each participant's current project
/// (`null` without one); `email` and `phone` appear for staff only. `attended` is `null` until
/// attendance is recorded. Paginated with `limit` and `cursor`.
#[utoipa::path(
    tag = "sessions",
    operation_id = "list_session_signups",
    params(("id" = i64, Path, description = "Session id."), PageParams),
    responses(
        (status = 200, description = "One page of sign-ups.", body = SignupList),
        (status = 403, description = "Neither staff nor one of the session's mentors.")
    )
)]
#[get("/sessions/{id}/signups")]
pub async fn list_signups(
    caller: Caller,
    id: web::Path<i64>,
    paging: web::Query<PageParams>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let page = paging.page()?;
    let id = id.into_inner();
    let (items, next_cursor) = db::run(&pool, move |conn| {
        let (viewer, _) = load_for_mentors(conn, &caller, id)?;
        let rows = attendance::page(conn, id, page.after, page.fetch())?;
        let (rows, next) = page.finish(rows, |r| r.participant_id);
        let ids: Vec<i64> = rows.iter().map(|r| r.participant_id).collect();
        let current = projects::current_of_participants(conn, &ids, programme_today())?;
        let contact = viewer.is_staff();
        let items = rows
            .into_iter()
            .map(|row| {
                let project = current.get(&row.participant_id);
                signup_response(row, project, contact)
            })
            .collect::<Vec<_>>();
        Ok((items, next))
    })
    .await?;
    Ok(private_json(&SignupList { items, next_cursor }))
}

fn attendance_response(
    conn: &mut DbConnection,
    session: &Session,
) -> Result<AttendanceResponse, AppError> {
    Ok(AttendanceResponse {
        session_id: session.id,
        attended_participant_ids: attendance::attended(conn, session.id)?,
        walk_in_count: session.walk_in_count,
        signed_up_count: attendance::signed_up(conn, session.id)?.len() as i64,
        people_reached: session.people_reached,
        recorded_at: session.attendance_recorded_at.map(utc),
    })
}

/// The session's attendance: its mentors and staff.
///
/// The session's mentors and staff (another active participant gets 403, or 404 when the session is
/// hidden from them). Before attendance is recorded, `recorded_at` and `walk_in_count` are `null`
/// and `people_reached` is the number reported when the session was held.
#[utoipa::path(
    tag = "sessions",
    operation_id = "get_session_attendance",
    params(("id" = i64, Path, description = "Session id.")),
    responses(
        (status = 200, description = "The attendance (`recorded_at` `null` until recorded).", body = AttendanceResponse),
        (status = 403, description = "Neither staff nor one of the session's mentors.")
    )
)]
#[get("/sessions/{id}/attendance")]
pub async fn get_attendance(
    caller: Caller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let body = db::run(&pool, move |conn| {
        let (_, session) = load_for_mentors(conn, &caller, id)?;
        attendance_response(conn, &session)
    })
    .await?;
    Ok(private_json(&body))
}

/// Records who attended a held or documented session (its mentors, or staff): the signed-up
/// mentees who came and the walk-ins. Replaces any earlier recording (sending the same again
/// changes nothing); the session's people reached becomes attended sign-ups plus walk-ins.
/// One transaction, audited with ids and counts.
///
/// The session's mentors and staff (another active participant gets 403). 409 unless the session
/// is `held` or `documented`. Every listed participant must be signed up and listed once (422 at
/// the offending index); every other sign-up is recorded as not attended. For a documented session
/// this also corrects the people reached its documentation shows (§ 5.5). Audited as
/// `session.attendance_recorded`.
#[utoipa::path(
    tag = "sessions",
    operation_id = "record_session_attendance",
    params(("id" = i64, Path, description = "Session id.")),
    request_body = AttendanceRequest,
    responses(
        (status = 200, description = "Recorded.", body = AttendanceResponse),
        (status = 403, description = "Neither staff nor one of the session's mentors."),
        (status = 409, description = "The session is not `held` or `documented`."),
        (status = 422, description = "A listed participant is not signed up, or listed twice.")
    )
)]
#[put("/sessions/{id}/attendance")]
pub async fn record_attendance(
    caller: Caller,
    id: web::Path<i64>,
    body: JsonObject<AttendanceRequest>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let body = db::write(&pool, move |conn| {
        let (_, session) = load_for_mentors(conn, &caller, id)?;
        check_recordable(session.state)?;
        // The body is read once the caller is known to be a mentor of the session or staff.
        let body = body.into_inner()?;
        body.validate()?;
        debug_assert!(body.attended_participant_ids.len() <= MAX_ATTENDEES);
        debug_assert!(body.walk_in_count <= MAX_WALK_INS);
        check_attendees(
            &body.attended_participant_ids,
            &attendance::signed_up(conn, id)?,
        )?;
        let mut attended = body.attended_participant_ids;
        attended.sort_unstable();
        let before = attendance_response(conn, &session)?;
        let unchanged = before.recorded_at.is_some()
            && before.attended_participant_ids == attended
            && before.walk_in_count == Some(body.walk_in_count);
        if unchanged {
            return Ok(before);
        }
        let count = AttendanceCount {
            attended_signups: i32::try_from(attended.len()).unwrap_or(i32::MAX),
            walk_ins: body.walk_in_count,
        };
        let reached = people_reached(session.people_reached, Some(count)).unwrap_or_default();
        let updated = attendance::record(
            conn,
            id,
            &Recording {
                attended: &attended,
                walk_in_count: body.walk_in_count,
                people_reached: reached,
                now: Utc::now().naive_utc(),
            },
        )?;
        audit_events::record(
            conn,
            Change {
                actor: &caller.actor(),
                action: "session.attendance_recorded",
                entity_type: "session",
                entity_id: id.to_string(),
                before: Some(json!({
                    "attended_participant_ids": before.attended_participant_ids,
                    "walk_in_count": before.walk_in_count,
                    "people_reached": before.people_reached,
                })),
                after: Some(json!({
                    "attended_participant_ids": attended,
                    "walk_in_count": body.walk_in_count,
                    "people_reached": reached,
                })),
            },
        )?;
        attendance_response(conn, &updated)
    })
    .await?;
    Ok(private_json(&body))
}
