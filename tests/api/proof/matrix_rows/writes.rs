//! Creates and state changes of catalogues, sessions, sponsorships and practice tips.

use serde_json::json;

use super::{Row, empty, ids, no_body, none, pdf, reason, row};
use crate::proof::Payload;
use crate::support::app::PASSWORD;
use crate::support::participants::registration;
use crate::support::sessions::proposal;
use crate::support::sponsorships::{application, months_end, today};

/// Creates and state changes, ordered so each finds the state the table expects.
pub fn writes() -> Vec<Row> {
    vec![
        row(
            "POST /api/v1/auth/token",
            none,
            |_| Payload::Json(json!({"email": "spare@example.org", "password": PASSWORD})),
            "200 200 200 200 200 200 200 200",
        ),
        // The refresh token is the credential: whoever sends a valid one (with whatever bearer
        // token) gets its successor; logging out with an unknown one reveals nothing.
        row(
            "POST /api/v1/auth/refresh",
            none,
            |w| Payload::Json(json!({"refresh_token": w.fresh_refresh_token()})),
            "200 200 200 200 200 200 200 200",
        ),
        row(
            "POST /api/v1/auth/logout",
            none,
            |_| {
                Payload::Json(
                    json!({"refresh_token": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}),
                )
            },
            "204 204 204 204 204 204 204 204",
        ),
        // Every person changes their own password (each caller once, from the shared one).
        row(
            "POST /api/v1/me/password",
            none,
            |_| {
                Payload::Json(json!({"current_password": PASSWORD,
                    "new_password": "Gletscher Tulpe Mikrowelle 42"}))
            },
            "401 200 200 200 200 403 200 200",
        ),
        // Every person may ask (with the password the row above set); the link goes to the new
        // address, so nothing changes until it is confirmed.
        row(
            "POST /api/v1/me/email-change",
            none,
            |w| {
                Payload::Json(json!({
                    "new_email": format!("moved{}@example.org", w.unique()),
                    "current_password": "Gletscher Tulpe Mikrowelle 42"
                }))
            },
            "401 202 202 202 202 403 202 202",
        ),
        // Anyone may try a token; an unknown one is refused at `/token` for everybody.
        row(
            "POST /api/v1/email-changes/confirm",
            none,
            |_| Payload::Json(json!({"token": "no-such-token"})),
            "422 422 422 422 422 422 422 422",
        ),
        row(
            "POST /api/v1/registrations",
            none,
            |w| {
                let email = format!("new{}@example.org", w.unique());
                Payload::Json(registration(&email, "first_project", &["mentee"]))
            },
            "202 202 202 202 202 202 202 202",
        ),
        // Anyone may ask; the answer never says whether the address has an account.
        row(
            "POST /api/v1/password-resets",
            none,
            |_| Payload::Json(json!({"email": "spare@example.org"})),
            "202 202 202 202 202 202 202 202",
        ),
        // Anyone may try a token; an unknown one is refused at `/token` for everybody.
        row(
            "POST /api/v1/password-resets/confirm",
            none,
            |_| Payload::Json(json!({"token": "no-such-token", "password": PASSWORD})),
            "422 422 422 422 422 422 422 422",
        ),
        row(
            "PUT /api/v1/me/mail-preferences",
            none,
            |_| Payload::Json(json!({"lang": "de", "opted_out": ["session_approved"]})),
            "401 200 200 200 200 403 200 200",
        ),
        // Nothing failed in the world: staff get 404 for an unknown message (409 if it did not fail).
        row(
            "POST /api/v1/mail-messages/{id}/retry",
            |_| ids(&[1]),
            no_body,
            "401 403 403 403 403 403 403 409",
        ),
        row(
            "POST /api/v1/reminder-runs",
            none,
            no_body,
            "401 403 403 403 403 403 403 200",
        ),
        row(
            "POST /api/v1/staff-accounts",
            none,
            |w| {
                Payload::Json(json!({"email": format!("staff{}@example.org", w.unique()),
                    "password": PASSWORD, "display_name": "SK:KK"}))
            },
            "401 403 403 403 403 403 403 201",
        ),
        row(
            "POST /api/v1/integration-accounts",
            none,
            |_| Payload::Json(json!({"display_name": "Community"})),
            "401 403 403 403 403 403 403 201",
        ),
        row(
            "POST /api/v1/imports/participants",
            none,
            |w| {
                let line = format!(
                    "Vorname;Nachname;E-Mail;Telefon;Rollen;Projektart;Arbeitgeber;Kommune;\
                     Bundesland;Förderkennzeichen;Projektbeginn\nIda;Import;import{}@example.org;\
                     030 1234567;Mentee;Verstetigte Stelle;Stadt A;A;NW;;01.01.2024\n",
                    w.unique()
                );
                Payload::File("text/csv", line.into_bytes())
            },
            "401 403 403 403 403 403 403 200",
        ),
        row(
            "POST /api/v1/imports/activities",
            none,
            |w| {
                let line = format!(
                    "Art;Mentoren;Datum;Titel\nPraxistipp;owner@example.org;01.06.2025;\
                     Importierter Tipp {}\n",
                    w.unique()
                );
                Payload::File("text/csv", line.into_bytes())
            },
            "401 403 403 403 403 403 403 200",
        ),
        row(
            "POST /api/v1/topics",
            none,
            |_| Payload::Json(json!({"group": "local_politics", "title_de": "Neues Thema"})),
            "401 403 201 201 403 403 201 201",
        ),
        row(
            "POST /api/v1/topics/{id}/acceptance",
            |w| ids(&[w.proposed_topic]),
            empty,
            "401 403 403 403 403 403 403 200",
        ),
        row(
            "POST /api/v1/topics/{id}/declination",
            |w| ids(&[w.proposed_topic]),
            empty,
            "401 403 403 403 403 403 403 409",
        ),
        row(
            "PATCH /api/v1/topics/{id}",
            |w| ids(&[w.proposed_topic]),
            |_| Payload::Json(json!({"title_en": "Climate action in the council"})),
            "401 403 403 403 403 403 403 200",
        ),
        row(
            // Accepted by the row above; nothing later chooses it.
            "POST /api/v1/topics/{id}/retirement",
            |w| ids(&[w.proposed_topic]),
            no_body,
            "401 403 403 403 403 403 403 200",
        ),
        row(
            "POST /api/v1/forums",
            none,
            |w| {
                Payload::Json(
                    json!({"code": format!("forum_{}", w.unique()), "name_de": "Forum",
                    "name_en": "Forum", "audience": "ksm_only"}),
                )
            },
            "401 403 403 403 403 403 403 201",
        ),
        row(
            "POST /api/v1/sessions",
            none,
            |w| Payload::Json(proposal("webinar", w.topic, 60, &[])),
            // Staff may propose, but name the mentors (`mentor_ids`): tests/api/sessions_on_behalf.rs.
            "401 403 403 201 403 403 201 422",
        ),
        row(
            // Still proposed here: invisible to participants who do not mentor it (404).
            "PATCH /api/v1/sessions/{id}",
            |w| ids(&[w.session]),
            |_| Payload::Json(json!({"title": "Wärmeplanung für Einsteiger"})),
            "401 403 404 404 403 403 200 200",
        ),
        row(
            "POST /api/v1/sessions/{id}/approval",
            |w| ids(&[w.session]),
            empty,
            "401 403 403 403 403 403 403 200",
        ),
        row(
            "POST /api/v1/sessions/{id}/signup",
            |w| ids(&[w.session]),
            no_body,
            "401 403 204 403 403 403 403 403",
        ),
        row(
            "DELETE /api/v1/sessions/{id}/signup",
            |w| ids(&[w.session]),
            no_body,
            "401 403 204 403 403 403 403 403",
        ),
        row(
            "POST /api/v1/sessions/{id}/questions",
            |w| ids(&[w.session]),
            |_| Payload::Json(json!({"body": "Wie fange ich an?"})),
            "401 403 201 403 403 403 403 403",
        ),
        row(
            "POST /api/v1/sessions/{id}/holding",
            |w| ids(&[w.session]),
            |_| Payload::Json(json!({"people_reached": 12})),
            "401 403 403 403 403 403 409 409",
        ),
        row(
            "POST /api/v1/sessions/{id}/documentation",
            |w| ids(&[w.held_session]),
            |_| {
                Payload::Json(json!({"summary": "Impulse und Diskussion.",
                    "results": "Checkliste.", "people_reached": 20}))
            },
            "401 403 403 403 403 403 409 409",
        ),
        row(
            "PATCH /api/v1/sessions/{id}/documentation",
            |w| ids(&[w.held_session]),
            |_| Payload::Json(json!({"summary": "Impulse und Diskussion in Kleingruppen."})),
            "401 403 403 403 403 403 403 200",
        ),
        row(
            "PUT /api/v1/sessions/{id}/attendance",
            |w| ids(&[w.held_session]),
            |_| Payload::Json(json!({"attended_participant_ids": [], "walk_in_count": 3})),
            "401 403 403 403 403 403 200 200",
        ),
        row(
            "POST /api/v1/sessions/{id}/attachments",
            |w| ids(&[w.held_session]),
            pdf,
            "401 403 403 403 403 403 201 201",
        ),
        row(
            "DELETE /api/v1/sessions/{id}/attachments/{attachment_id}",
            |w| ids(&[w.held_session, w.attachment]),
            no_body,
            "401 403 403 403 403 403 204 404",
        ),
        row(
            "POST /api/v1/sessions/{id}/cancellation",
            |w| ids(&[w.session]),
            reason,
            "401 403 403 403 403 403 200 409",
        ),
        row(
            "POST /api/v1/sessions/{id}/declination",
            |w| ids(&[w.session]),
            reason,
            "401 403 403 403 403 403 403 409",
        ),
        row(
            "POST /api/v1/calendar-feed-tokens",
            none,
            no_body,
            "401 403 201 201 403 403 201 201",
        ),
        row(
            "DELETE /api/v1/calendar-feed-tokens/current",
            none,
            no_body,
            "401 403 204 204 403 403 204 204",
        ),
        row(
            "POST /api/v1/forum-sponsorships",
            none,
            |w| {
                let start = today() + chrono::Duration::days(400);
                let mut body = application(w.forum, start, months_end(start, 6), 20);
                body["participant_id"] = json!(w.owner_id);
                Payload::Json(body)
            },
            "401 403 403 403 403 403 201 409",
        ),
        row(
            "POST /api/v1/forum-sponsorships/{id}/approval",
            |w| ids(&[w.sponsorship]),
            no_body,
            "401 403 403 403 403 403 403 200",
        ),
        row(
            "POST /api/v1/mentoring-requests",
            none,
            |w| Payload::Json(json!({"topic_ids": [w.topic]})),
            "401 403 201 403 403 403 403 403",
        ),
        row(
            "POST /api/v1/mentoring-requests/{id}/acceptance",
            |w| ids(&[w.mentoring_request]),
            empty,
            "401 403 403 201 403 403 409 422",
        ),
        row(
            "POST /api/v1/mentoring-requests/{id}/withdrawal",
            |w| ids(&[w.withdrawable_request]),
            no_body,
            "401 403 404 403 403 403 403 200",
        ),
        row(
            "PUT /api/v1/mentoring-pairs/{id}/agreement",
            |w| ids(&[w.pair]),
            |_| {
                Payload::Json(crate::support::mentoring::agreement(
                    today() + chrono::Duration::days(60),
                ))
            },
            "401 403 404 404 403 403 200 200",
        ),
        row(
            "POST /api/v1/mentoring-pairs/{id}/contacts",
            |w| ids(&[w.pair]),
            |_| Payload::Json(crate::support::mentoring::phone_call(today())),
            "401 403 404 404 403 403 201 201",
        ),
        row(
            "POST /api/v1/mentoring-pairs/{id}/ending",
            |w| ids(&[w.pair]),
            empty,
            "401 403 404 404 403 403 200 409",
        ),
        row(
            "PUT /api/v1/forum-sponsorships/{id}/evidence",
            |w| ids(&[w.sponsorship]),
            |_| Payload::Json(json!({"post_count": 4, "thread_titles": ["Wärmeplanung"]})),
            "401 403 404 404 403 403 409 409",
        ),
        row(
            "POST /api/v1/forum-sponsorships/{id}/completion",
            |w| ids(&[w.sponsorship]),
            no_body,
            "401 403 403 403 403 403 403 409",
        ),
        row(
            "POST /api/v1/forum-sponsorships/{id}/credit-decision",
            |w| ids(&[w.sponsorship]),
            |_| Payload::Json(json!({"credit_hours": 5, "reason": "Teilweise"})),
            "401 403 403 403 403 403 403 409",
        ),
        row(
            "POST /api/v1/forum-sponsorships/{id}/declination",
            |w| ids(&[w.sponsorship]),
            reason,
            "401 403 403 403 403 403 403 409",
        ),
        row(
            "POST /api/v1/forum-sponsorships/{id}/withdrawal",
            |w| ids(&[w.sponsorship]),
            reason,
            "401 403 404 404 403 403 200 409",
        ),
        // The tip names the owner as its author: the owner may, staff write it on the owner's
        // behalf, another mentor may not write for someone else (422).
        row(
            "POST /api/v1/practice-tips",
            none,
            |w| {
                let mut tip = crate::practice_tips::new_tip("Neu", "text", w.topic);
                tip["author_id"] = json!(w.owner_id);
                Payload::Json(tip)
            },
            "401 403 403 422 403 403 201 201",
        ),
        // Staff act on the author's behalf; the owner has submitted by the time staff try (409).
        row(
            "PATCH /api/v1/practice-tips/{id}",
            |w| ids(&[w.tip]),
            |_| Payload::Json(json!({"title": "Klimaschutz im Haushalt"})),
            "401 403 404 404 403 403 200 200",
        ),
        row(
            "PUT /api/v1/practice-tips/{id}/document",
            |w| ids(&[w.tip]),
            pdf,
            "401 403 404 404 403 403 200 200",
        ),
        row(
            "POST /api/v1/practice-tips/{id}/submission",
            |w| ids(&[w.tip]),
            no_body,
            "401 403 404 404 403 403 200 409",
        ),
        row(
            "POST /api/v1/practice-tips/{id}/publication",
            |w| ids(&[w.tip]),
            empty,
            "401 403 403 403 403 403 403 200",
        ),
        row(
            "POST /api/v1/practice-tips/{id}/change-request",
            |w| ids(&[w.tip]),
            |_| Payload::Json(json!({"review_note": "Bitte kürzen."})),
            "401 403 403 403 403 403 403 409",
        ),
        row(
            "POST /api/v1/practice-tips/{id}/rejection",
            |w| ids(&[w.tip]),
            reason,
            "401 403 403 403 403 403 403 409",
        ),
        row(
            "POST /api/v1/practice-tips/{id}/withdrawal",
            |w| ids(&[w.tip]),
            reason,
            "401 403 403 403 403 403 403 200",
        ),
    ]
}
