//! Individual mentoring (§ 3.3, phase 2), once staff open the format `individual`: a mentee asks
//! for a mentor, the service ranks mentors with an explained score, a mentor accepts (or staff
//! assign one), the pair records its agreement (Infobox 2) and its contacts, each credited to the
//! mentor under the format's rule on the contact's date, and either side or staff end it.
//!
//! Pairs, agreements and contacts belong to both people of the pair: they and staff see them,
//! nobody else (404). Contact notes are confidential: never audited, in events or in logs.

pub mod acceptance;
pub mod contacts;
pub mod pairs;
pub mod requests;
pub mod suggestions;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::access::Viewer;
use crate::db::DbConnection;
use crate::db::models::formats;
use crate::db::models::mentoring_pairs::{self as pairs_rows, Contact, Pair};
use crate::db::models::mentoring_requests::{self as request_rows, MentoringRequest};
use crate::domain::individual_mentoring::{
    ContactKind, FORMAT, PairState, RequestState, split_codes,
};
use crate::domain::participant::FederalState;
use crate::error::AppError;

/// A mentee's request for a mentor.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestResponse {
    /// Request id.
    pub id: i64,
    /// The asking mentee.
    pub mentee_id: i64,
    /// The topics the mentee wants advice on.
    pub topic_ids: Vec<i64>,
    /// Wished-for federal states of the mentor; empty: the mentee's own.
    pub preferred_states: Vec<FederalState>,
    /// What the mentee hopes for.
    #[schema(required = true)]
    pub note: Option<String>,
    /// Where it stands.
    pub state: RequestState,
    /// The pair made from it, once matched.
    #[schema(required = true)]
    pub pair_id: Option<i64>,
    /// When it was asked.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// Builds the response of a request.
fn request_response(
    conn: &mut DbConnection,
    r: MentoringRequest,
) -> Result<RequestResponse, AppError> {
    let topic_ids = request_rows::topics_of(conn, &[r.id])?
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    let pair_id = pairs_rows::of_request(conn, r.id)?.map(|p| p.id);
    Ok(RequestResponse {
        id: r.id,
        mentee_id: r.mentee_id,
        topic_ids,
        preferred_states: split_codes(&r.preferred_states, FederalState::parse),
        note: r.note,
        state: r.state,
        pair_id,
        created_at: r.created_at.and_utc(),
        updated_at: r.updated_at.and_utc(),
    })
}

/// The agreement of a pair (Infobox 2: expectations, roles and scope, form of the contacts, the
/// period).
#[derive(Debug, Serialize, ToSchema)]
pub struct AgreementResponse {
    /// What both expect of the mentoring.
    pub expectations: String,
    /// Scope and goal: what the mentoring covers, how often they meet.
    pub scope: String,
    /// The agreed forms of contact.
    pub contact_kinds: Vec<ContactKind>,
    /// The agreed last day.
    pub end_date: NaiveDate,
    /// When it was recorded or last changed.
    pub recorded_at: DateTime<Utc>,
}

/// A mentoring pair.
#[derive(Debug, Serialize, ToSchema)]
pub struct PairResponse {
    /// Pair id.
    pub id: i64,
    /// The request it was made from.
    pub request_id: i64,
    /// The mentor (credited for its contacts).
    pub mentor_id: i64,
    /// The mentee.
    pub mentee_id: i64,
    /// Where it stands.
    pub state: PairState,
    /// First day.
    pub started_on: NaiveDate,
    /// The day it ended.
    #[schema(required = true)]
    pub ended_on: Option<NaiveDate>,
    /// The agreement; `null` until recorded (no contact can be recorded before it).
    #[schema(required = true)]
    pub agreement: Option<AgreementResponse>,
    /// The day of the latest contact.
    #[schema(required = true)]
    pub last_contact_on: Option<NaiveDate>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}

/// Builds the response of a pair.
fn pair_response(p: Pair) -> PairResponse {
    let agreement = match (
        p.agreement_expectations,
        p.agreement_scope,
        p.agreement_contact_kinds,
        p.agreement_end_date,
        p.agreement_recorded_at,
    ) {
        (Some(expectations), Some(scope), Some(kinds), Some(end_date), Some(at)) => {
            Some(AgreementResponse {
                expectations,
                scope,
                contact_kinds: split_codes(&kinds, ContactKind::parse),
                end_date,
                recorded_at: at.and_utc(),
            })
        }
        _ => None,
    };
    PairResponse {
        id: p.id,
        request_id: p.request_id,
        mentor_id: p.mentor_id,
        mentee_id: p.mentee_id,
        state: p.state,
        started_on: p.started_on,
        ended_on: p.ended_on,
        agreement,
        last_contact_on: p.last_contact_on,
        created_at: p.created_at.and_utc(),
    }
}

/// A contact of a pair.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactResponse {
    /// Contact id.
    pub id: i64,
    /// The pair.
    pub pair_id: i64,
    /// Its form.
    pub kind: ContactKind,
    /// Its day.
    pub contact_on: NaiveDate,
    /// Hours (phone, e-mail, visit).
    #[schema(required = true)]
    pub duration_hours: Option<i32>,
    /// Working days (job shadowing).
    #[schema(required = true)]
    pub duration_days: Option<i32>,
    /// A short, confidential note (the pair and staff only).
    #[schema(required = true)]
    pub note: Option<String>,
    /// The hours credited to the mentor under the rule of its day; `null` if revoked.
    #[schema(required = true)]
    pub credited_hours: Option<i32>,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
}

/// Builds the response of a contact with its credit.
fn contact_response(c: Contact, credited_hours: Option<i32>) -> ContactResponse {
    ContactResponse {
        id: c.id,
        pair_id: c.pair_id,
        kind: c.kind,
        contact_on: c.contact_on,
        duration_hours: c.duration_hours,
        duration_days: c.duration_days,
        note: c.note,
        credited_hours,
        created_at: c.created_at.and_utc(),
    }
}

/// The request if the viewer may see it: staff all; the mentee their own; active mentors the
/// open ones (to accept them); anyone else 404. Pending or ended participants get 403.
fn visible_request(
    conn: &mut DbConnection,
    viewer: &Viewer,
    id: i64,
) -> Result<MentoringRequest, AppError> {
    viewer.require_member()?;
    let row = request_rows::find(conn, id)?.ok_or(AppError::NotFound)?;
    match viewer {
        Viewer::Staff { .. } => Ok(row),
        Viewer::Participant(p) if p.id == row.mentee_id => Ok(row),
        Viewer::Participant(p) if p.is_active_mentor() && row.state == RequestState::Open => {
            Ok(row)
        }
        Viewer::Participant(_) => Err(AppError::NotFound),
    }
}

/// The pair if the viewer is staff or one of the pair (else 404; pending or ended callers 403).
fn visible_pair(conn: &mut DbConnection, viewer: &Viewer, id: i64) -> Result<Pair, AppError> {
    viewer.require_member()?;
    let row = pairs_rows::find(conn, id)?.ok_or(AppError::NotFound)?;
    match viewer {
        Viewer::Staff { .. } => Ok(row),
        Viewer::Participant(p) if row.has_member(p.id) => Ok(row),
        Viewer::Participant(_) => Err(AppError::NotFound),
    }
}

/// 409 unless staff opened individual mentoring today (a rule with a credit, bookable).
fn require_open_format(conn: &mut DbConnection, today: NaiveDate) -> Result<(), AppError> {
    let open = formats::rule_on(conn, FORMAT, today)?.is_some_and(|r| r.bookable);
    if open {
        Ok(())
    } else {
        Err(AppError::Conflict(
            "individual mentoring is not open yet (phase 2): staff open the format `individual` first"
                .to_owned(),
        ))
    }
}

/// A person's requests, pairs and the contacts of those pairs.
pub type PersonalMentoring = (
    Vec<RequestResponse>,
    Vec<PairResponse>,
    Vec<ContactResponse>,
);

/// Used by the personal data export: the person's requests, pairs and the contacts of those
/// pairs (they belong to both people of a pair).
pub fn of_participant(
    conn: &mut DbConnection,
    participant_id: i64,
) -> Result<PersonalMentoring, AppError> {
    let requests = request_rows::of_mentee(conn, participant_id)?
        .into_iter()
        .map(|r| request_response(conn, r))
        .collect::<Result<Vec<_>, _>>()?;
    let pairs = pairs_rows::of_member(conn, participant_id)?;
    let mut contacts = Vec::new();
    for pair in &pairs {
        contacts.extend(contacts::with_credits(conn, pair)?);
    }
    Ok((
        requests,
        pairs.into_iter().map(pair_response).collect(),
        contacts,
    ))
}
