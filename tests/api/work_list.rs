//! The staff work list of contact sheets (§ 5.3): pending and active participants whose current
//! project has no confirmed sheet, by id, paginated; nobody else reads it.

use reqwest::StatusCode;
use serde_json::Value;

use crate::on_both_backends;
use crate::support::app::TestApp;
use crate::support::participants::{PDF, registration};

on_both_backends!(staff_see_who_still_owes_a_confirmed_contact_sheet);

fn gaps(page: &Value) -> Vec<(i64, String)> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["participant_id"].as_i64().unwrap(),
                i["gap"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn staff_see_who_still_owes_a_confirmed_contact_sheet(app: TestApp) {
    let staff = app.staff_token().await;
    let list = "/api/v1/work-lists/contact-sheets";
    let (missing, _, _) = app
        .register(&registration(
            "missing@example.org",
            "first_project",
            &["mentee"],
        ))
        .await;
    let (waiting, waiting_project, waiting_token) = app
        .register(&registration(
            "waiting@example.org",
            "first_project",
            &["mentee"],
        ))
        .await;
    let sheet = format!("/api/v1/participants/{waiting}/projects/{waiting_project}/contact-sheet");
    let res = app
        .upload(&sheet, &waiting_token, "application/pdf", PDF.to_vec())
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let (_, active) = app
        .active_participant(&staff, "done@example.org", "follow_up_project", &["mentor"])
        .await;
    app.ended_participant(&staff, "ended@example.org").await;

    let page = app.get_json(list, &staff).await;
    assert_eq!(
        gaps(&page),
        [
            (missing, "missing".to_owned()),
            (waiting, "unconfirmed".to_owned())
        ]
    );
    assert_eq!(page["items"][0]["gap_label"], "Kontaktdatenblatt fehlt");
    assert!(page["items"][0]["uploaded_at"].is_null());
    assert!(page["items"][1]["uploaded_at"].is_string());
    assert_eq!(page["items"][1]["project_id"], waiting_project);
    assert_eq!(page["items"][1]["status"], "pending");
    assert!(page["next_cursor"].is_null());

    // One per page, the cursor leads to the next.
    let first = app.get_json(&format!("{list}?limit=1"), &staff).await;
    assert_eq!(gaps(&first), [(missing, "missing".to_owned())]);
    let cursor = first["next_cursor"].as_str().expect("a next page");
    let second = app
        .get_json(&format!("{list}?limit=1&cursor={cursor}"), &staff)
        .await;
    assert_eq!(gaps(&second), [(waiting, "unconfirmed".to_owned())]);

    // Confirming the sheet takes the participant off the list.
    let res = app
        .post(
            &format!("{sheet}/confirmation"),
            Some(&staff),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = app.get_json(list, &staff).await;
    assert_eq!(gaps(&page), [(missing, "missing".to_owned())]);

    // Staff only.
    assert_eq!(app.get(list, None).await.status(), StatusCode::UNAUTHORIZED);
    for token in [&active, &waiting_token] {
        assert_eq!(
            app.get(list, Some(token)).await.status(),
            StatusCode::FORBIDDEN
        );
    }
}
