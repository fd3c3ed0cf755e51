//! The newsletter (staff only) and the Klimaschutz-Community integration: the event feed and the
//! membership lookup (integration accounts and staff).

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
            "GET /api/v1/newsletter/mailings",
            none,
            no_body,
            "401 403 403 403 403 403 403 200",
        ),
        row(
            "POST /api/v1/newsletter/mailings",
            none,
            |_| Payload::Json(json!({"sent_on": chrono::Utc::now().date_naive()})),
            "401 403 403 403 403 403 403 201",
        ),
        // The world's first (and only) mailing is the one recorded just above.
        row(
            "GET /api/v1/newsletter/mailings/{id}",
            |_| ids(&[1]),
            no_body,
            "401 403 403 403 403 403 403 200",
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
    ]
}
