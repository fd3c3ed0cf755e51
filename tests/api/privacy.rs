//! Data protection: export of everything about a person, erasure that leaves no personal value
//! anywhere, and who may reach which participant endpoint.

use mentoring_api::db::DbConnection;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::app::{PASSWORD, TestApp, assert_problem};
use crate::support::participants::registration;
use crate::support::schema;

on_both_backends!(
    export_has_everything_and_erasure_leaves_no_marker_in_any_table,
    participant_endpoints_refuse_every_caller_who_must_not_reach_them,
);

const MARKER: &str = "Zqxmarker";
const PHONE_MARKER: &str = "0309876543219";

/// Every `table.column` holding `needle`.
fn occurrences(conn: &mut DbConnection, needle: &str) -> Vec<String> {
    schema::columns_holding(conn, needle).into_keys().collect()
}

async fn export_has_everything_and_erasure_leaves_no_marker_in_any_table(app: TestApp) {
    let staff = app.staff_token().await;
    let mut body = registration(
        &format!("{MARKER}@example.org"),
        "follow_up_project",
        &["mentee"],
    );
    body["first_name"] = json!(format!("Vor{MARKER}"));
    body["last_name"] = json!(format!("Nach{MARKER}"));
    body["phone"] = json!(PHONE_MARKER);
    body["community_account_ref"] = json!(format!("community-{MARKER}"));
    body["project"]["employer"] = json!(format!("Arbeitgeber {MARKER}"));
    body["project"]["municipality"] = json!(format!("Kommune {MARKER}"));
    body["project"]["funding_reference"] = json!(format!("FKZ{MARKER}"));
    let (id, project, token) = app.register(&body).await;
    let scan = crate::support::pdf::with_text(&format!("Unterschrift {MARKER}"));
    let sheet = format!("/api/v1/participants/{id}/projects/{project}/contact-sheet");
    assert_eq!(
        app.upload(&sheet, &token, "application/pdf", scan)
            .await
            .status(),
        StatusCode::OK
    );
    app.post(&format!("{sheet}/confirmation"), Some(&staff), &json!({}))
        .await;
    app.post(
        &format!("/api/v1/participants/{id}/activation"),
        Some(&staff),
        &json!({}),
    )
    .await;
    app.post(
        &format!("/api/v1/participants/{id}/role-changes"),
        Some(&token),
        &json!({"roles": ["mentor"], "reason": format!("Grund {MARKER}")}),
    )
    .await;
    app.post(
        &format!("/api/v1/participants/{id}/ending"),
        Some(&token),
        &json!({"ended_on": "2026-11-25", "reason": format!("Ende {MARKER}")}),
    )
    .await;

    let export = app
        .get_json(&format!("/api/v1/participants/{id}/export"), &token)
        .await;
    let text = export.to_string();
    for part in ["first_name", "last_name", "email", "community_account_ref"] {
        let value = export["participant"][part].as_str().unwrap().to_lowercase();
        assert!(value.contains(&MARKER.to_lowercase()), "{part}: {value}");
    }
    assert_eq!(export["participant"]["phone"], PHONE_MARKER);
    assert!(text.contains(PHONE_MARKER));
    assert_eq!(
        export["projects"][0]["employer"],
        format!("Arbeitgeber {MARKER}")
    );
    assert_eq!(export["contact_sheets"].as_array().unwrap().len(), 1);
    assert_eq!(
        export["role_change_requests"][0]["reason"],
        format!("Grund {MARKER}")
    );
    assert_eq!(
        export["participations"][0]["end_reason"],
        format!("Ende {MARKER}")
    );
    assert!(export["audit_events"].as_array().unwrap().len() >= 5);

    let pool = app.pool.clone();
    let before = tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().unwrap();
        (
            occurrences(&mut conn, MARKER),
            occurrences(&mut conn, PHONE_MARKER),
        )
    })
    .await
    .unwrap();
    assert!(
        before.0.len() >= 8,
        "the scan finds the marker before erasure: {:?}",
        before.0
    );

    assert_problem(
        app.post(
            &format!("/api/v1/participants/{id}/erasure"),
            Some(&token),
            &json!({}),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let res = app
        .post(
            &format!("/api/v1/participants/{id}/erasure"),
            Some(&staff),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);

    let pool = app.pool.clone();
    let after = tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().unwrap();
        (
            occurrences(&mut conn, MARKER),
            occurrences(&mut conn, PHONE_MARKER),
        )
    })
    .await
    .unwrap();
    assert!(after.0.is_empty(), "marker left in {:?}", after.0);
    assert!(after.1.is_empty(), "phone left in {:?}", after.1);
    assert_problem(
        app.get(&format!("/api/v1/participants/{id}"), Some(&staff))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let login = app
        .post(
            "/api/v1/auth/token",
            None,
            &json!({"email": format!("{MARKER}@example.org"), "password": PASSWORD}),
        )
        .await;
    assert_problem(login, StatusCode::UNAUTHORIZED).await;
    assert_problem(
        app.get("/api/v1/me", Some(&token)).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let trail = app
        .get_json(
            &format!("/api/v1/audit-events?entity_type=participant&entity_id={id}"),
            &staff,
        )
        .await;
    assert_eq!(
        trail["items"][0]["action"], "participant.erased",
        "the trail keeps the evidence"
    );
}

async fn participant_endpoints_refuse_every_caller_who_must_not_reach_them(app: TestApp) {
    let staff = app.staff_token().await;
    let (me, my_token) = app
        .active_participant(&staff, "me@example.org", "first_project", &["mentee"])
        .await;
    let (other, other_project, _) = app
        .register(&registration(
            "other@example.org",
            "first_project",
            &["mentee"],
        ))
        .await;
    let integration: Value = app
        .post(
            "/api/v1/integration-accounts",
            Some(&staff),
            &json!({"display_name": "Community"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let integration_token: Value = app
        .post("/api/v1/auth/token", None, &json!({"client_id": integration["client_id"], "client_secret": integration["client_secret"]}))
        .await.json().await.unwrap();
    let integration_token = integration_token["access_token"]
        .as_str()
        .unwrap()
        .to_owned();

    let p = |suffix: &str| format!("/api/v1/participants/{other}{suffix}");
    let sheet = p(&format!("/projects/{other_project}/contact-sheet"));
    let notified = json!({"notified_on": "2026-11-01", "channel": "email"});
    let project = registration("x@example.org", "first_project", &["mentee"])["project"].clone();
    // (method, path, body, status for another participant)
    let other_record: Vec<(Method, String, Option<Value>, StatusCode)> = vec![
        (Method::GET, p(""), None, StatusCode::NOT_FOUND),
        (Method::GET, p("/projects"), None, StatusCode::NOT_FOUND),
        (
            Method::POST,
            p("/projects"),
            Some(project),
            StatusCode::NOT_FOUND,
        ),
        (Method::GET, sheet.clone(), None, StatusCode::NOT_FOUND),
        (Method::GET, p("/role-changes"), None, StatusCode::NOT_FOUND),
        (
            Method::POST,
            p("/role-changes"),
            Some(json!({"roles": ["mentor"], "reason": "x"})),
            StatusCode::NOT_FOUND,
        ),
        (Method::GET, p("/role-history"), None, StatusCode::NOT_FOUND),
        (Method::GET, p("/export"), None, StatusCode::NOT_FOUND),
        (
            Method::POST,
            p("/ending"),
            Some(json!({"ended_on": "2026-11-01", "reason": "x"})),
            StatusCode::NOT_FOUND,
        ),
        (Method::POST, p("/activation"), None, StatusCode::FORBIDDEN),
        (Method::POST, p("/rejoining"), None, StatusCode::FORBIDDEN),
        (Method::POST, p("/erasure"), None, StatusCode::FORBIDDEN),
        (
            Method::POST,
            p("/role-assignments"),
            Some(json!({"roles": ["mentor"]})),
            StatusCode::FORBIDDEN,
        ),
        (
            Method::POST,
            p("/funding-agency-notifications"),
            Some(notified),
            StatusCode::FORBIDDEN,
        ),
        (
            Method::POST,
            format!("{sheet}/confirmation"),
            None,
            StatusCode::FORBIDDEN,
        ),
        (
            Method::GET,
            "/api/v1/participants".to_owned(),
            None,
            StatusCode::FORBIDDEN,
        ),
        (
            Method::GET,
            "/api/v1/funding-agency-notifications/open".to_owned(),
            None,
            StatusCode::FORBIDDEN,
        ),
    ];
    for (method, path, body, expected) in &other_record {
        let body = body.clone().or(Some(json!({})));
        let res = app
            .request(method.clone(), path, Some(&my_token), body.as_ref())
            .await;
        assert_eq!(res.status(), *expected, "participant {method} {path}");
        let res = app
            .request(
                method.clone(),
                path,
                Some(&integration_token),
                body.as_ref(),
            )
            .await;
        assert_eq!(
            res.status(),
            StatusCode::FORBIDDEN,
            "integration {method} {path}"
        );
        let res = app.request(method.clone(), path, None, body.as_ref()).await;
        assert_eq!(
            res.status(),
            StatusCode::UNAUTHORIZED,
            "anonymous {method} {path}"
        );
    }
    let res = app
        .upload(&sheet, &my_token, "application/pdf", b"%PDF-1.4".to_vec())
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.get(&format!("/api/v1/participants/{me}"), Some(&my_token))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        app.get_json(&format!("/api/v1/participants/{other}"), &staff)
            .await["status"],
        "pending",
        "nothing changed"
    );
}
