//! The catalogues: formats with dated credit rules, topics with proposals, forums with a limit.
//! The seeded content is compared with the handbook's table and lists, value by value.

mod formats;
mod forums;
mod topics;

use reqwest::{Response, StatusCode};
use serde_json::Value;

use crate::support::app::TestApp;
use crate::support::app::patch;

/// GET with an optional token and an `Accept-Language` header.
async fn get_in(app: &TestApp, path: &str, token: Option<&str>, lang: &str) -> Response {
    let mut req = app
        .client
        .get(format!("{}{}", app.address, path))
        .header("accept-language", lang);
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    req.send().await.expect("request is answered")
}

/// A JSON body of a 200 answer.
async fn ok_json(res: Response) -> Value {
    assert_eq!(res.status(), StatusCode::OK, "unexpected status");
    res.json().await.unwrap()
}

/// Asserts the language headers of a labelled answer.
fn assert_language(res: &Response, lang: &str) {
    assert_eq!(res.headers()["content-language"], lang);
    assert!(
        res.headers()["vary"]
            .to_str()
            .unwrap()
            .contains("Accept-Language")
    );
}

/// The token of an active participant, registered and activated through the API.
async fn participant_token(app: &TestApp) -> String {
    let staff = app.staff_token().await;
    let (_, token) = app
        .active_participant(
            &staff,
            "participant@example.org",
            "first_project",
            &["mentee"],
        )
        .await;
    token
}

/// The audit events about one entity, newest first.
async fn audit_of(app: &TestApp, staff: &str, entity_type: &str, entity_id: &str) -> Vec<Value> {
    let trail = ok_json(
        app.get(
            &format!("/api/v1/audit-events?entity_type={entity_type}&entity_id={entity_id}"),
            Some(staff),
        )
        .await,
    )
    .await;
    trail["items"].as_array().unwrap().clone()
}
