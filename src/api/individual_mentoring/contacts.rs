//! The contacts of a pair, each credited to its mentor under the rule of its day.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use validator::Validate;

use super::{ContactResponse, contact_response, visible_pair};
use crate::api::access::Viewer;
use crate::api::http::idempotency::{self, Created, IdempotencyKeyHeader};
use crate::api::http::json_object::JsonObject;
use crate::api::http::response::private_json;
use crate::auth::Caller;
use crate::db::models::audit_events::{self, Change};
use crate::db::models::credits::{self, CreditSource, Earning};
use crate::db::models::mentoring_pairs::{self as rows, NewContact, Pair};
use crate::db::{self, DbConnection, DbPool};
use crate::domain::individual_mentoring::{
    ContactFacts, ContactKind, FORMAT, PairTerms, check_contact, split_codes,
};
use crate::domain::programme_time::programme_today;
use crate::domain::text;
use crate::error::AppError;

/// A contact of the pair.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewContactRequest {
    /// Its form: one the pair agreed on.
    pub kind: ContactKind,
    /// Its day: not before the pair started, not in the future, not after the agreed end or
    /// the end of the pair.
    #[schema(example = "2027-02-10")]
    pub contact_on: NaiveDate,
    /// Hours for a phone call, e-mail advice or a visit (1–24); leave out for job shadowing.
    #[schema(minimum = 1, maximum = 24, example = 1)]
    pub duration_hours: Option<i32>,
    /// Working days of job shadowing (1–10); leave out for the other forms.
    #[schema(minimum = 1, maximum = 10)]
    pub duration_days: Option<i32>,
    /// A short note for the pair (up to 500 characters). Confidential: only the pair and staff
    /// read it; it never appears in audit entries, events or logs.
    #[validate(length(min = 1, max = 500), custom(function = "text::multi_line"))]
    #[schema(
        format = "multi-line",
        min_length = 1,
        max_length = 500,
        example = "Fördermittelantrag besprochen"
    )]
    pub note: Option<String>,
}

/// The contacts of a pair with the hours credited for each.
pub(super) fn with_credits(
    conn: &mut DbConnection,
    pair: &Pair,
) -> Result<Vec<ContactResponse>, AppError> {
    rows::contacts_of(conn, pair.id)?
        .into_iter()
        .map(|c| {
            let credit =
                credits::find(conn, CreditSource::IndividualContact, c.id, pair.mentor_id)?;
            let hours = credit.filter(|c| c.revoked_at.is_none()).map(|c| c.hours);
            Ok(contact_response(c, hours))
        })
        .collect()
}

/// Records a contact of a mentoring pair and credits the mentor (§ 3.3, § 5.4).
///
/// Records a contact (the pair's mentor or mentee, or staff) and credits the mentor the hours of
/// the `individual` format's rule on the contact's day, in the same transaction: the credit counts
/// in the mentor's credit report in the project year of that day. Refused with 409 before the
/// agreement is recorded or when the format has no credit on that day. The note is not audited.
/// `Idempotency-Key` makes a retry replay the first answer. Other participants get 404; pending
/// and ended participants and integration clients 403.
#[utoipa::path(
    tag = "individual-mentoring",
    operation_id = "record_mentoring_contact",
    params(
        ("id" = i64, Path, description = "Pair id."),
        IdempotencyKeyHeader
    ),
    request_body = NewContactRequest,
    responses(
        (status = 201, description = "Recorded and credited.", body = ContactResponse,
            headers(("Location" = String, description = "URL of the pair's contacts."))),
        (status = 403, description = "Not staff and not an active participant."),
        (status = 409, description = "No agreement yet, or the format has no credit rule on that day."),
        (status = 422, description = "A form not agreed, a day outside the pair's period or in the future, a duration out of range, or the key was used with another body.")
    )
)]
#[post("/mentoring-pairs/{id}/contacts")]
pub async fn create(
    caller: Caller,
    req: HttpRequest,
    id: web::Path<i64>,
    body: JsonObject<NewContactRequest>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let key = idempotency::key_of(&req)?;
    let id = id.into_inner();
    let created = db::write(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        let pair = visible_pair(conn, &viewer, id)?;
        let body = body.into_inner()?;
        body.validate()?;
        let canonical = idempotency::canonical_body(Some(id), &body)?;
        let request = idempotency::Request {
            account_id: caller.account_id,
            operation: "record_mentoring_contact",
            key: key.as_deref(),
            body: &canonical,
        };
        let now = Utc::now().naive_utc();
        idempotency::once(conn, &request, now, |conn| {
            let kinds: Vec<ContactKind> = pair
                .agreement_contact_kinds
                .as_deref()
                .map(|k| split_codes(k, ContactKind::parse))
                .unwrap_or_default();
            let terms = PairTerms {
                started_on: pair.started_on,
                ended_on: pair.ended_on,
                agreement: pair.agreement_end_date.map(|end| (end, kinds.as_slice())),
            };
            let facts = ContactFacts {
                kind: body.kind,
                on: body.contact_on,
                hours: body.duration_hours,
                days: body.duration_days,
            };
            check_contact(terms, facts, programme_today())?;
            let contact = rows::insert_contact(
                conn,
                &NewContact {
                    pair_id: id,
                    kind: body.kind,
                    contact_on: body.contact_on,
                    duration_hours: body.duration_hours,
                    duration_days: body.duration_days,
                    note: body.note.as_deref(),
                    recorded_by: caller.account_id,
                    created_at: now,
                },
            )?;
            let credit = credits::grant(
                conn,
                &Earning {
                    participant_id: pair.mentor_id,
                    format_code: FORMAT,
                    source: CreditSource::IndividualContact,
                    source_id: contact.id,
                    earned_on: contact.contact_on,
                    chosen_hours: None,
                },
                now,
            )?;
            rows::note_contact(conn, id, contact.contact_on)?;
            audit_events::record(
                conn,
                Change {
                    actor: &caller.actor(),
                    action: "mentoring_pair.contact_recorded",
                    entity_type: "mentoring_pair",
                    entity_id: id.to_string(),
                    before: None,
                    after: Some(json!({
                        "contact_id": contact.id,
                        "kind": contact.kind,
                        "contact_on": contact.contact_on,
                        "credited_hours": credit.hours,
                        "mentor_id": pair.mentor_id,
                    })),
                },
            )?;
            Created::new(
                format!("/api/v1/mentoring-pairs/{id}/contacts"),
                &contact_response(contact, Some(credit.hours)),
            )
        })
    })
    .await?;
    Ok(created.respond())
}

/// All contacts of a pair.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactList {
    /// Contacts by day.
    pub items: Vec<ContactResponse>,
    /// Always `null`: the list is complete.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// Lists the contacts of a mentoring pair.
///
/// The contacts of a pair by day, with their notes and credits (the pair and staff only). Other
/// participants get 404 (the notes are confidential, Infobox 2); pending and ended participants
/// and integration clients 403.
#[utoipa::path(
    tag = "individual-mentoring",
    operation_id = "list_mentoring_contacts",
    params(("id" = i64, Path, description = "Pair id.")),
    responses(
        (status = 200, description = "The contacts.", body = ContactList),
        (status = 403, description = "Not staff and not an active participant.")
    )
)]
#[get("/mentoring-pairs/{id}/contacts")]
pub async fn list(
    caller: Caller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let items = db::run(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        let pair = visible_pair(conn, &viewer, id)?;
        with_credits(conn, &pair)
    })
    .await?;
    Ok(private_json(&ContactList {
        items,
        next_cursor: None,
    }))
}
