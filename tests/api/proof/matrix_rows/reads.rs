//! The reads of the table, in the order of the route table.

use super::{Row, ids, no_body, none, row};

pub fn reads() -> Vec<Row> {
    vec![
        row(
            "GET /health/live",
            none,
            no_body,
            "200 200 200 200 200 200 200 200",
        ),
        row(
            "GET /health/ready",
            none,
            no_body,
            "200 200 200 200 200 200 200 200",
        ),
        // The scrape takes only METRICS_TOKEN (set on every test server): no JWT of any role
        // opens it, and the refusal looks like an unknown path.
        row(
            "GET /metrics",
            none,
            no_body,
            "404 404 404 404 404 404 404 404",
        ),
        row(
            "GET /api/v1/me",
            none,
            no_body,
            "401 200 200 200 200 200 200 200",
        ),
        // People choose their messages; integration clients get none.
        row(
            "GET /api/v1/me/mail-preferences",
            none,
            no_body,
            "401 200 200 200 200 403 200 200",
        ),
        row(
            "GET /api/v1/mail-messages",
            none,
            no_body,
            "401 403 403 403 403 403 403 200",
        ),
        row(
            "GET /api/v1/credit-reminders",
            none,
            no_body,
            "401 403 403 403 403 403 403 200",
        ),
        row(
            "GET /api/v1/accounts",
            none,
            no_body,
            "401 403 403 403 403 403 403 200",
        ),
        row(
            "GET /api/v1/accounts/{id}",
            |w| ids(&[w.spare_account]),
            no_body,
            "401 403 403 403 403 403 403 200",
        ),
        row(
            "GET /api/v1/audit-events",
            none,
            no_body,
            "401 403 403 403 403 403 403 200",
        ),
        row(
            "GET /api/v1/formats",
            none,
            no_body,
            "200 200 200 200 200 200 200 200",
        ),
        row(
            "GET /api/v1/formats/{code}",
            |_| vec!["webinar".into()],
            no_body,
            "200 200 200 200 200 200 200 200",
        ),
        row(
            "GET /api/v1/topics",
            none,
            no_body,
            "401 403 200 200 403 403 200 200",
        ),
        row(
            "GET /api/v1/topics/{id}",
            |w| ids(&[w.proposed_topic]),
            no_body,
            "401 403 404 404 403 403 404 200",
        ),
        row(
            "GET /api/v1/forums",
            none,
            no_body,
            "200 200 200 200 200 200 200 200",
        ),
        row(
            "GET /api/v1/forums/{id}",
            |w| ids(&[w.forum]),
            no_body,
            "200 200 200 200 200 200 200 200",
        ),
        row(
            "GET /api/v1/forums/{id}/sponsorships",
            |w| ids(&[w.forum]),
            no_body,
            "401 403 200 200 403 403 200 200",
        ),
        row(
            "GET /api/v1/sessions",
            none,
            no_body,
            "401 403 200 200 403 403 200 200",
        ),
        row(
            "GET /api/v1/sessions/{id}",
            |w| ids(&[w.session]),
            no_body,
            "401 403 404 404 403 403 200 200",
        ),
        row(
            "GET /api/v1/sessions/{id}/documentation",
            |w| ids(&[w.held_session]),
            no_body,
            "401 403 200 200 403 403 200 200",
        ),
        row(
            "GET /api/v1/sessions/{id}/attachments",
            |w| ids(&[w.held_session]),
            no_body,
            "401 403 200 200 403 403 200 200",
        ),
        row(
            "GET /api/v1/sessions/{id}/attachments/{attachment_id}",
            |w| ids(&[w.held_session, w.attachment]),
            no_body,
            "401 403 200 200 403 403 200 200",
        ),
        row(
            "GET /api/v1/sessions/{id}/signups",
            |w| ids(&[w.held_session]),
            no_body,
            "401 403 403 403 403 403 200 200",
        ),
        row(
            "GET /api/v1/sessions/{id}/attendance",
            |w| ids(&[w.held_session]),
            no_body,
            "401 403 403 403 403 403 200 200",
        ),
        row(
            "GET /api/v1/sessions/{id}/questions",
            |w| ids(&[w.session]),
            no_body,
            "401 403 404 404 403 403 200 200",
        ),
        row(
            "GET /api/v1/calendar-feeds/{token}",
            |w| vec![w.feed_token.clone()],
            no_body,
            "200 200 200 200 200 200 200 200",
        ),
        row(
            "GET /api/v1/directory",
            none,
            no_body,
            "401 403 200 200 403 403 200 200",
        ),
        row(
            "GET /api/v1/participants",
            none,
            no_body,
            "401 403 403 403 403 403 403 200",
        ),
        row(
            "GET /api/v1/work-lists/contact-sheets",
            none,
            no_body,
            "401 403 403 403 403 403 403 200",
        ),
        row(
            "GET /api/v1/participants/{id}",
            |w| ids(&[w.owner_id]),
            no_body,
            "401 404 404 404 404 403 200 200",
        ),
        row(
            "GET /api/v1/participants/{id}/projects",
            |w| ids(&[w.owner_id]),
            no_body,
            "401 404 404 404 404 403 200 200",
        ),
        row(
            "GET /api/v1/participants/{id}/projects/{project_id}/contact-sheet",
            |w| ids(&[w.owner_id, w.owner_project]),
            no_body,
            "401 404 404 404 404 403 200 200",
        ),
        row(
            "GET /api/v1/participants/{id}/role-changes",
            |w| ids(&[w.owner_id]),
            no_body,
            "401 404 404 404 404 403 200 200",
        ),
        row(
            "GET /api/v1/participants/{id}/role-history",
            |w| ids(&[w.owner_id]),
            no_body,
            "401 404 404 404 404 403 200 200",
        ),
        row(
            "GET /api/v1/funding-agency-notifications/open",
            none,
            no_body,
            "401 403 403 403 403 403 403 200",
        ),
        row(
            "GET /api/v1/participants/{id}/export",
            |w| ids(&[w.owner_id]),
            no_body,
            "401 404 404 404 404 403 200 200",
        ),
        row(
            "GET /api/v1/participants/{id}/export.zip",
            |w| ids(&[w.owner_id]),
            no_body,
            "401 404 404 404 404 403 200 200",
        ),
        row(
            "GET /api/v1/forum-sponsorships",
            none,
            no_body,
            "401 403 200 200 403 403 200 200",
        ),
        row(
            "GET /api/v1/forum-sponsorships/{id}",
            |w| ids(&[w.sponsorship]),
            no_body,
            "401 403 404 404 403 403 200 200",
        ),
        row(
            "GET /api/v1/practice-tips",
            none,
            no_body,
            "401 403 200 200 403 403 200 200",
        ),
        row(
            "GET /api/v1/practice-tips/{id}",
            |w| ids(&[w.tip]),
            no_body,
            "401 403 404 404 403 403 200 200",
        ),
        row(
            "GET /api/v1/practice-tips/{id}/document",
            |w| ids(&[w.tip]),
            no_body,
            "401 403 404 404 403 403 200 200",
        ),
        row(
            "GET /api/v1/participants/{id}/credit-report",
            |w| ids(&[w.owner_id]),
            no_body,
            "401 403 403 403 403 403 200 200",
        ),
        row(
            "GET /api/v1/credit-reports",
            none,
            no_body,
            "401 403 403 403 403 403 403 200",
        ),
        row(
            "GET /api/v1/programme-dashboard",
            none,
            no_body,
            "401 403 403 403 403 403 403 200",
        ),
        row(
            "GET /api/v1/statistics",
            none,
            no_body,
            "401 403 403 403 403 403 403 200",
        ),
    ]
}
