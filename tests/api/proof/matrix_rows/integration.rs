//! The newsletter (staff only) and the Klimaschutz-Community integration: the event feed and the
//! membership lookup (integration accounts and staff), webhook endpoints (staff only).

use serde_json::json;

use super::{Row, ids, no_body, none, row};
use crate::proof::Payload;

pub fn integration() -> Vec<Row> {
    vec![
        row(
            "GET /api/v1/newsletter/recipients",
            none,
            no_body,
            "401 403 403 403 403 403 403 200",
        ),
        row(
            "GET /api/v1/newsletter/recipients.csv",
            none,
            no_body,
            "401 403 403 403 403 403 403 200",
        ),
        row(
            "GET /api/v1/newsletter/mailings",
            none,
            no_body,
            "401 403 403 403 403 403 403 200",
        ),
        row(
            "POST /api/v1/newsletter/mailings",
            none,
            |_| {
                Payload::Json(json!({
                    "subject": "Mentoring-Newsletter",
                    "intro": "Neues aus dem Programm."
                }))
            },
            "401 403 403 403 403 403 403 201",
        ),
        // The world's first (and only) mailing is the one recorded just above.
        row(
            "GET /api/v1/newsletter/mailings/{id}",
            |_| ids(&[1]),
            no_body,
            "401 403 403 403 403 403 403 200",
        ),
        // Public: the signed token of the link is the credential; without one, 400 for all.
        row(
            "POST /api/v1/newsletter/unsubscribe",
            none,
            |_| {
                Payload::File(
                    "application/x-www-form-urlencoded",
                    b"List-Unsubscribe=One-Click".to_vec(),
                )
            },
            "400 400 400 400 400 400 400 400",
        ),
        row(
            "GET /api/v1/events",
            none,
            no_body,
            "401 403 403 403 403 200 403 200",
        ),
        row(
            "POST /api/v1/membership-lookups",
            none,
            |_| Payload::Json(json!({"email": "owner@example.org"})),
            "401 403 403 403 403 200 403 200",
        ),
        row(
            "POST /api/v1/webhooks",
            none,
            |_| {
                Payload::Json(json!({
                    "url": "https://community.example/hooks/mentoring",
                    "event_types": ["participant.activated"]
                }))
            },
            "401 403 403 403 403 403 403 201",
        ),
        // The world's first endpoint is the one registered just above.
        row(
            "GET /api/v1/webhooks",
            none,
            no_body,
            "401 403 403 403 403 403 403 200",
        ),
        row(
            "GET /api/v1/webhooks/{id}",
            |_| ids(&[1]),
            no_body,
            "401 403 403 403 403 403 403 200",
        ),
        row(
            "PATCH /api/v1/webhooks/{id}",
            |_| ids(&[1]),
            |_| Payload::Json(json!({"enabled": false})),
            "401 403 403 403 403 403 403 200",
        ),
        row(
            "GET /api/v1/webhooks/{id}/deliveries",
            |_| ids(&[1]),
            no_body,
            "401 403 403 403 403 403 403 200",
        ),
        // No delivery failed in the world: staff get 404 (or 409 if one exists but did not fail).
        row(
            "POST /api/v1/webhooks/{id}/deliveries/{delivery_id}/replay",
            |_| ids(&[1, 1]),
            no_body,
            "401 403 403 403 403 403 403 404|409",
        ),
        // The endpoint was disabled by the PATCH row above: 409 for staff.
        row(
            "POST /api/v1/webhooks/{id}/deliveries/replay",
            |_| ids(&[1]),
            no_body,
            "401 403 403 403 403 403 403 409",
        ),
        row(
            "POST /api/v1/webhooks/{id}/secret-rotation",
            |_| ids(&[1]),
            no_body,
            "401 403 403 403 403 403 403 200",
        ),
        row(
            "DELETE /api/v1/webhooks/{id}",
            |_| ids(&[1]),
            no_body,
            "401 403 403 403 403 403 403 204",
        ),
    ]
}
