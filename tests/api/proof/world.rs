//! One fixture world per backend: a caller of every kind, and resources owned by one mentor.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::app::{PASSWORD, TestApp};
use crate::support::participants::{PDF, registration};
use crate::support::sessions::{proposal, propose};
use crate::support::sponsorships::{application, apply, forum, months_end, today};

/// The kinds of caller, in the order the matrix sends them (the owner and staff last, since
/// their requests are the ones that change state).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    Anonymous,
    Pending,
    Mentee,
    Other,
    Ended,
    Integration,
    Owner,
    Staff,
}

pub const CALLERS: [Caller; 8] = [
    Caller::Anonymous,
    Caller::Pending,
    Caller::Mentee,
    Caller::Other,
    Caller::Ended,
    Caller::Integration,
    Caller::Owner,
    Caller::Staff,
];

/// Everybody and everything the matrix needs.
pub struct World {
    pub staff: String,
    pub spare_account: i64,
    pub pending: String,
    pub pending_id: i64,
    pub mentee: String,
    pub owner: String,
    pub owner_id: i64,
    pub owner_project: i64,
    pub other: String,
    pub ended: String,
    pub integration: String,
    pub topic: i64,
    pub proposed_topic: i64,
    pub forum: i64,
    pub session: i64,
    pub held_session: i64,
    pub attachment: i64,
    pub sponsorship: i64,
    pub tip: i64,
    pub role_change: i64,
    /// A KSM1 mentor (a deviation) whose notification of the funding agency is recorded.
    pub notified_id: i64,
    pub notification: i64,
    pub feed_token: String,
    /// Open mentoring requests of mentees outside the callers: one to accept, one to withdraw.
    pub mentoring_request: i64,
    pub withdrawable_request: i64,
    /// A mentoring pair of the owner (mentor) with its agreement.
    pub pair: i64,
    /// Unused refresh tokens of the spare staff account, one per login; each works once.
    refresh_tokens: Mutex<Vec<String>>,
    counter: AtomicUsize,
}

/// Refresh tokens the world holds: a row's body takes one per cell (and one to check its shape).
const REFRESH_TOKENS: usize = 12;

impl World {
    /// The token of `caller` (`None` for anonymous).
    pub fn token(&self, caller: Caller) -> Option<&str> {
        match caller {
            Caller::Anonymous => None,
            Caller::Pending => Some(&self.pending),
            Caller::Mentee => Some(&self.mentee),
            Caller::Other => Some(&self.other),
            Caller::Ended => Some(&self.ended),
            Caller::Integration => Some(&self.integration),
            Caller::Owner => Some(&self.owner),
            Caller::Staff => Some(&self.staff),
        }
    }

    /// A refresh token not used before (a placeholder, refused by the server, once all are
    /// taken).
    pub fn fresh_refresh_token(&self) -> String {
        let mut tokens = self.refresh_tokens.lock().unwrap();
        tokens
            .pop()
            .unwrap_or_else(|| "the-world-ran-out-of-refresh-tokens-1234567".to_owned())
    }

    /// A number never handed out before, for unique e-mails and codes.
    pub fn unique(&self) -> usize {
        self.counter.fetch_add(1, Ordering::Relaxed)
    }
}

async fn created_id(app: &TestApp, path: &str, token: &str, body: Value) -> i64 {
    let res = app.post(path, Some(token), &body).await;
    assert_eq!(res.status(), StatusCode::CREATED, "POST {path}");
    res.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

/// Builds the world through the API, as the programme office and participants would.
pub async fn build(app: &TestApp) -> World {
    let staff = app.staff_token().await;
    let spare_account = app.create_staff("spare@example.org").await;
    let mut refresh_tokens = Vec::with_capacity(REFRESH_TOKENS);
    for _ in 0..REFRESH_TOKENS {
        let login: Value = app
            .post(
                "/api/v1/auth/token",
                None,
                &json!({"email": "spare@example.org", "password": PASSWORD}),
            )
            .await
            .json()
            .await
            .unwrap();
        refresh_tokens.push(login["refresh_token"].as_str().unwrap().to_owned());
    }
    let (pending_id, _, pending) = app
        .register(&registration(
            "pending@example.org",
            "first_project",
            &["mentee"],
        ))
        .await;
    let (_, mentee) = app
        .active_participant(&staff, "mentee@example.org", "first_project", &["mentee"])
        .await;
    let (owner_id, owner) = app
        .active_participant(
            &staff,
            "owner@example.org",
            "follow_up_project",
            &["mentor"],
        )
        .await;
    let (_, other) = app
        .active_participant(
            &staff,
            "other@example.org",
            "follow_up_project",
            &["mentor"],
        )
        .await;
    let ended = app.ended_participant(&staff, "ended@example.org").await;
    let integration = app.integration_token(&staff).await;
    let projects = app
        .get_json(&format!("/api/v1/participants/{owner_id}/projects"), &owner)
        .await;
    let owner_project = projects["items"][0]["project"]["id"].as_i64().unwrap();
    let topics = app.get_json("/api/v1/topics?limit=200", &staff).await;
    let topic = topics["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["status"] == "accepted")
        .expect("a seeded accepted topic")["id"]
        .as_i64()
        .unwrap();
    let proposed_topic = created_id(
        app,
        "/api/v1/topics",
        &owner,
        json!({"group": "local_politics", "title_de": "Klimaschutz im Gemeinderat"}),
    )
    .await;
    let forum = forum(app, 0).await;
    let session = propose(app, &owner, &proposal("webinar", topic, 30, &[])).await;
    let held_session = held_webinar(app, &staff, &owner, topic).await;
    let res = app
        .post(
            &format!("/api/v1/sessions/{held_session}/documentation"),
            Some(&owner),
            &json!({"summary": "Impulse.", "results": "Checkliste.", "people_reached": 20}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "documentation");
    let res = app
        .send_file(
            Method::POST,
            &format!("/api/v1/sessions/{held_session}/attachments"),
            &owner,
            "application/pdf",
            PDF.to_vec(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED, "attachment");
    let attachment = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let start = today() + chrono::Duration::days(40);
    let sponsorship = apply(
        app,
        &owner,
        &application(forum, start, months_end(start, 6), 20),
    )
    .await;
    let tip = created_id(
        app,
        "/api/v1/practice-tips",
        &owner,
        crate::practice_tips::new_tip("Haushalt", "text", topic),
    )
    .await;
    let res = app
        .upload(
            &format!("/api/v1/practice-tips/{tip}/document"),
            &owner,
            "application/pdf",
            PDF.to_vec(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "tip document");
    let role_change = created_id(
        app,
        &format!("/api/v1/participants/{owner_id}/role-changes"),
        &owner,
        json!({"roles": ["mentee", "mentor"], "reason": "Vorerfahrung"}),
    )
    .await;
    let feed: Value = app
        .post("/api/v1/calendar-feed-tokens", Some(&owner), &json!({}))
        .await
        .json()
        .await
        .unwrap();
    let (notified_id, _) = app
        .active_participant(&staff, "notified@example.org", "first_project", &["mentor"])
        .await;
    let notification = created_id(
        app,
        &format!("/api/v1/participants/{notified_id}/funding-agency-notifications"),
        &staff,
        json!({"notified_on": today(), "channel": "email"}),
    )
    .await;
    let (mentoring_request, withdrawable_request, pair) =
        mentoring(app, &staff, &owner, topic).await;
    let url = feed["feed_url"].as_str().unwrap();
    let feed_token = url.rsplit('/').next().unwrap().to_owned();
    World {
        staff,
        spare_account,
        pending,
        pending_id,
        mentee,
        owner,
        owner_id,
        owner_project,
        other,
        ended,
        integration,
        topic,
        proposed_topic,
        forum,
        session,
        held_session,
        attachment,
        sponsorship,
        tip,
        role_change,
        notified_id,
        notification,
        feed_token,
        mentoring_request,
        withdrawable_request,
        pair,
        refresh_tokens: Mutex::new(refresh_tokens),
        counter: AtomicUsize::new(0),
    }
}

/// A webinar of `mentor` alone that took place two days ago, approved and held.
async fn held_webinar(app: &TestApp, staff: &str, mentor: &str, topic: i64) -> i64 {
    let id = propose(app, mentor, &proposal("webinar", topic, -2, &[])).await;
    let path = format!("/api/v1/sessions/{id}");
    let res = app
        .post(&format!("{path}/approval"), Some(staff), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK, "approval");
    let res = app
        .post(
            &format!("{path}/holding"),
            Some(mentor),
            &json!({"people_reached": 25}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "holding");
    id
}

/// Opens individual mentoring and returns two open requests and a pair of `owner` (with its
/// agreement), all with mentees who are not among the callers.
async fn mentoring(app: &TestApp, staff: &str, owner: &str, topic: i64) -> (i64, i64, i64) {
    use crate::support::mentoring::{agree, ask, open_format, person};
    open_format(app, staff, 2).await;
    let mut requests = Vec::new();
    for name in ["asker-one", "asker-two", "partner"] {
        let (_, token) = person(app, staff, name, &["mentee"], "NW", &[]).await;
        requests.push((
            ask(app, &token, &json!({"topic_ids": [topic]})).await,
            token,
        ));
    }
    let (to_pair, partner) = &requests[2];
    let res = crate::support::mentoring::accept(app, *to_pair, owner, &json!({})).await;
    assert_eq!(res.status(), StatusCode::CREATED, "pair");
    let pair = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    agree(app, pair, partner, today() + chrono::Duration::days(90)).await;
    (requests[0].0, requests[1].0, pair)
}
