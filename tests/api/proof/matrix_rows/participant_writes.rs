//! Participant records, catalogue rules, accounts and, last, the destructive steps.

use serde_json::json;

use super::{Row, empty, ids, no_body, pdf, row};
use crate::proof::Payload;
use crate::support::sponsorships::today;

/// Participant records, the programme office's catalogue changes, and the destructive steps.
pub fn participant_writes() -> Vec<Row> {
    vec![
        row(
            "PATCH /api/v1/participants/{id}",
            |w| ids(&[w.owner_id]),
            |_| Payload::Json(json!({"phone": "+49 30 7654321"})),
            "401 404 404 404 404 403 200 200",
        ),
        row(
            "PUT /api/v1/participants/{id}/projects/{project_id}/contact-sheet",
            |w| ids(&[w.owner_id, w.owner_project]),
            pdf,
            "401 404 404 404 404 403 409 409",
        ),
        row(
            "POST /api/v1/participants/{id}/projects/{project_id}/contact-sheet/confirmation",
            |w| ids(&[w.owner_id, w.owner_project]),
            no_body,
            "401 403 403 403 403 403 403 409",
        ),
        row(
            "PATCH /api/v1/participants/{id}/projects/{project_id}",
            |w| ids(&[w.owner_id, w.owner_project]),
            |_| Payload::Json(json!({"employer": "Stadt Neustadt"})),
            "401 403 403 403 403 403 403 200",
        ),
        row(
            "POST /api/v1/participants/{id}/role-changes",
            |w| ids(&[w.owner_id]),
            |_| Payload::Json(json!({"roles": ["mentee", "mentor"], "reason": "Erfahrung"})),
            "401 404 404 404 404 403 409 409",
        ),
        row(
            "POST /api/v1/participants/{id}/role-changes/{request_id}/approval",
            |w| ids(&[w.owner_id, w.role_change]),
            empty,
            "401 403 403 403 403 403 403 200",
        ),
        row(
            "POST /api/v1/participants/{id}/role-changes/{request_id}/declination",
            |w| ids(&[w.owner_id, w.role_change]),
            empty,
            "401 403 403 403 403 403 403 409",
        ),
        row(
            "POST /api/v1/participants/{id}/role-assignments",
            |w| ids(&[w.owner_id]),
            |_| Payload::Json(json!({"roles": ["mentor"]})),
            "401 403 403 403 403 403 403 201",
        ),
        row(
            "POST /api/v1/participants/{id}/funding-agency-notifications",
            |w| ids(&[w.owner_id]),
            |_| Payload::Json(json!({"notified_on": today(), "channel": "letter"})),
            "401 403 403 403 403 403 403 409",
        ),
        row(
            "PATCH /api/v1/participants/{id}/funding-agency-notifications/{notification_id}",
            |w| ids(&[w.notified_id, w.notification]),
            |_| Payload::Json(json!({"channel": "phone", "note": "Anruf bei Frau Beispiel"})),
            "401 403 403 403 403 403 403 200",
        ),
        row(
            "POST /api/v1/participants/{id}/activation",
            |w| ids(&[w.pending_id]),
            no_body,
            "401 403 403 403 403 403 403 409",
        ),
        row(
            "POST /api/v1/participants/{id}/projects",
            |w| ids(&[w.owner_id]),
            |_| {
                Payload::Json(
                    json!({"kind": "follow_up_project", "employer": "Stadt Neustadt",
                    "municipality": "Neustadt", "federal_state": "BY", "funding_reference": "67K54321",
                    "start_date": "2040-01-01", "end_date": "2040-12-31"}),
                )
            },
            // The owner's project is recorded; the same period again overlaps it (422).
            "401 404 404 404 404 403 201 422",
        ),
        row(
            "PATCH /api/v1/formats/{code}",
            |_| vec!["webinar".into()],
            |_| {
                let from = today() + chrono::Duration::days(500);
                Payload::Json(json!({"valid_from": from, "credit_hours": 3}))
            },
            "401 403 403 403 403 403 403 200",
        ),
        row(
            "POST /api/v1/forums/{id}/retirement",
            |w| ids(&[w.forum]),
            no_body,
            "401 403 403 403 403 403 403 200",
        ),
        row(
            "POST /api/v1/accounts/{id}/deactivation",
            |w| ids(&[w.spare_account]),
            no_body,
            "401 403 403 403 403 403 403 200",
        ),
        row(
            "POST /api/v1/accounts/{id}/reactivation",
            |w| ids(&[w.spare_account]),
            no_body,
            "401 403 403 403 403 403 403 200",
        ),
        row(
            "POST /api/v1/participants/{id}/ending",
            |w| ids(&[w.owner_id]),
            |_| Payload::Json(json!({"ended_on": today(), "reason": "Ruhestand"})),
            "401 404 404 404 404 403 200 409",
        ),
        row(
            "POST /api/v1/participants/{id}/rejoining",
            |w| ids(&[w.owner_id]),
            no_body,
            "401 403 403 403 403 403 403 200",
        ),
        row(
            "POST /api/v1/participants/{id}/erasure",
            |w| ids(&[w.owner_id]),
            no_body,
            "401 403 403 403 403 403 403 204",
        ),
    ]
}
