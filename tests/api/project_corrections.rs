//! Staff correct a participant's project (`PATCH` with `If-Match`, audited), and no two project
//! periods of a participant overlap, on creation and on correction, also under concurrency.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::app::{TestApp, assert_problem, concurrent_posts, patch};
use crate::support::participants::registration;

on_both_backends!(
    staff_correct_a_project_with_if_match_and_the_audit_keeps_both_versions,
    a_correction_obeys_the_project_rules_and_changes_nothing_when_refused,
    an_overlapping_new_project_is_refused_until_the_earlier_one_is_closed,
    only_one_of_two_concurrent_overlapping_projects_is_recorded,
    only_staff_correct_a_project,
);

fn next_project(start: &str, end: Option<&str>) -> Value {
    json!({"kind": "follow_up_project", "employer": "Stadt Musterstadt", "municipality": "Musterstadt",
           "federal_state": "NW", "funding_reference": "67K99999", "start_date": start, "end_date": end})
}

async fn projects(app: &TestApp, id: i64, token: &str) -> Vec<Value> {
    app.get_json(&format!("/api/v1/participants/{id}/projects"), token)
        .await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["project"].clone())
        .collect()
}

/// A registered participant: `(id, project id, token)`; the project runs 2025-01-01 to 2027-12-31.
async fn participant(app: &TestApp, email: &str) -> (i64, i64, String) {
    app.register(&registration(email, "first_project", &["mentee"]))
        .await
}

async fn staff_correct_a_project_with_if_match_and_the_audit_keeps_both_versions(app: TestApp) {
    let staff = app.staff_token().await;
    let (id, project, _) = participant(&app, "ksm@example.org").await;
    let path = format!("/api/v1/participants/{id}/projects/{project}");
    let before = projects(&app, id, &staff).await;
    assert_eq!(before[0]["version"], 1);
    let fix =
        json!({"funding_reference": "67K12346", "kind": "masterplan", "end_date": "2027-06-30"});

    let res = patch(&app, &path, Some(&staff), None, &fix).await;
    assert_problem(res, StatusCode::PRECONDITION_REQUIRED).await;
    let res = patch(&app, &path, Some(&staff), Some("\"7\""), &fix).await;
    assert_problem(res, StatusCode::PRECONDITION_FAILED).await;
    assert_eq!(
        projects(&app, id, &staff).await,
        before,
        "refused: unchanged"
    );

    let res = patch(&app, &path, Some(&staff), Some("\"1\""), &fix).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["etag"], "\"2\"");
    let corrected: Value = res.json().await.unwrap();
    assert_eq!(corrected["funding_reference"], "67K12346");
    assert_eq!(corrected["kind"], "masterplan");
    assert_eq!(corrected["end_date"], "2027-06-30");
    assert_eq!(corrected["start_date"], "2025-01-01", "omitted: kept");
    assert_eq!(corrected["employer"], "Stadt Musterstadt");
    assert_eq!(corrected["version"], 2);
    assert_eq!(projects(&app, id, &staff).await[0], corrected);
    // The version read before the correction is stale now.
    let res = patch(
        &app,
        &path,
        Some(&staff),
        Some("\"1\""),
        &json!({"employer": "Kreis X"}),
    )
    .await;
    assert_problem(res, StatusCode::PRECONDITION_FAILED).await;
    // `null` reopens the end; an unfunded kind may drop the reference.
    let reopen = json!({"end_date": null, "kind": "unfunded_officer", "funding_reference": null});
    let res = patch(&app, &path, Some(&staff), Some("*"), &reopen).await;
    assert_eq!(res.status(), StatusCode::OK);
    let reopened: Value = res.json().await.unwrap();
    assert!(reopened["end_date"].is_null() && reopened["funding_reference"].is_null());

    let audit = app
        .get_json(
            &format!("/api/v1/audit-events?entity_type=participant&entity_id={id}"),
            &staff,
        )
        .await;
    let corrections: Vec<&Value> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "project.corrected")
        .collect();
    assert_eq!(corrections.len(), 2, "{audit}");
    let first = corrections
        .iter()
        .find(|e| e["after"]["version"] == 2)
        .unwrap();
    assert_eq!(first["before"]["funding_reference"], "67K12345");
    assert_eq!(first["before"]["kind"], "first_project");
    assert_eq!(first["before"]["end_date"], "2027-12-31");
    assert_eq!(first["after"]["funding_reference"], "67K12346");
    assert_eq!(first["after"]["project_id"], project);
}

async fn a_correction_obeys_the_project_rules_and_changes_nothing_when_refused(app: TestApp) {
    let staff = app.staff_token().await;
    let (id, project, _) = participant(&app, "rules@example.org").await;
    let path = format!("/api/v1/participants/{id}/projects/{project}");
    let res = app
        .post(
            &format!("/api/v1/participants/{id}/projects"),
            Some(&staff),
            &next_project("2028-01-01", Some("2030-12-31")),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let before = projects(&app, id, &staff).await;
    for (body, pointer) in [
        (json!({"funding_reference": null}), "/funding_reference"),
        (json!({"end_date": "2024-12-31"}), "/end_date"),
        (json!({"start_date": "1980-01-01"}), "/start_date"),
        (json!({"employer": ""}), "/employer"),
        (json!({"funding_reference": "x"}), "/funding_reference"),
        // Into the next project's period (it starts 2028-01-01).
        (json!({"end_date": "2028-01-01"}), "/end_date"),
        (json!({"end_date": null}), "/end_date"),
    ] {
        let res = patch(&app, &path, Some(&staff), Some("*"), &body).await;
        let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(
            problem["errors"][0]["pointer"], pointer,
            "{body}: {problem}"
        );
    }
    let res = patch(
        &app,
        &path,
        Some(&staff),
        Some("*"),
        &json!({"region": "x"}),
    )
    .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    let res = patch(
        &app,
        &format!("{path}0"),
        Some(&staff),
        Some("*"),
        &json!({}),
    )
    .await;
    assert_problem(res, StatusCode::NOT_FOUND).await;
    assert_eq!(projects(&app, id, &staff).await, before, "nothing changed");
    // Closing exactly the day before the next start is fine.
    let res = patch(
        &app,
        &path,
        Some(&staff),
        Some("*"),
        &json!({"end_date": "2027-12-31"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
}

async fn an_overlapping_new_project_is_refused_until_the_earlier_one_is_closed(app: TestApp) {
    let staff = app.staff_token().await;
    let (id, project, token) = participant(&app, "phase@example.org").await;
    let create = format!("/api/v1/participants/{id}/projects");
    let ksm2 = next_project("2026-01-01", None);
    for who in [&token, &staff] {
        let res = app.post(&create, Some(who), &ksm2).await;
        let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(problem["errors"][0]["pointer"], "/start_date", "{problem}");
    }
    // Ending before the earlier one starts would not overlap; ending inside it does.
    let earlier = next_project("2023-01-01", Some("2025-01-01"));
    let res = app.post(&create, Some(&staff), &earlier).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"][0]["pointer"], "/end_date");
    assert_eq!(projects(&app, id, &staff).await.len(), 1, "nothing stored");

    // Staff close the first project the day before; then the phase change is recorded.
    let path = format!("{create}/{project}");
    let res = patch(
        &app,
        &path,
        Some(&staff),
        Some("\"1\""),
        &json!({"end_date": "2025-12-31"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app.post(&create, Some(&token), &ksm2).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let all = projects(&app, id, &staff).await;
    assert_eq!(all.len(), 2);
    assert_eq!(all[1]["start_date"], "2026-01-01");
}

async fn only_one_of_two_concurrent_overlapping_projects_is_recorded(app: TestApp) {
    let staff = app.staff_token().await;
    let (id, project, _) = participant(&app, "race@example.org").await;
    let path = format!("/api/v1/participants/{id}/projects/{project}");
    let res = patch(
        &app,
        &path,
        Some(&staff),
        Some("*"),
        &json!({"end_date": "2025-12-31"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let create = format!("/api/v1/participants/{id}/projects");
    for round in 0..3 {
        let start = format!("{}-01-01", 2030 + 10 * round);
        let body = next_project(&start, None);
        let statuses = concurrent_posts(&app, &create, &staff, &body, 8).await;
        let created = statuses
            .iter()
            .filter(|s| **s == StatusCode::CREATED)
            .count();
        let refused = statuses
            .iter()
            .filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY)
            .count();
        assert_eq!((created, refused), (1, 7), "round {round}: {statuses:?}");
        // Close the one just recorded so the next round can start after it.
        let all = projects(&app, id, &staff).await;
        let last = all.last().unwrap();
        let end = format!("{}-12-31", 2030 + 10 * round + 5);
        let res = patch(
            &app,
            &format!("{create}/{}", last["id"]),
            Some(&staff),
            Some("*"),
            &json!({"end_date": end}),
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    assert_eq!(projects(&app, id, &staff).await.len(), 4);
}

async fn only_staff_correct_a_project(app: TestApp) {
    let staff = app.staff_token().await;
    let (id, project, token) = participant(&app, "own@example.org").await;
    let (_, _, other) = participant(&app, "other@example.org").await;
    let integration = app.integration_token(&staff).await;
    let path = format!("/api/v1/participants/{id}/projects/{project}");
    let body = json!({"employer": "Stadt Anderswo"});
    let res = app
        .client
        .request(Method::PATCH, format!("{}{}", app.address, path))
        .header("if-match", "*")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::UNAUTHORIZED).await;
    for who in [&token, &other, &integration] {
        // Refused by role before the body or the precondition is looked at.
        let res = patch(&app, &path, Some(who), None, &json!({"nonsense": 1})).await;
        assert_problem(res, StatusCode::FORBIDDEN).await;
        let res = patch(&app, &path, Some(who), Some("*"), &body).await;
        assert_problem(res, StatusCode::FORBIDDEN).await;
    }
    assert_eq!(
        projects(&app, id, &staff).await[0]["employer"],
        "Stadt Musterstadt"
    );
    let res = patch(&app, &path, Some(&staff), Some("*"), &body).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        projects(&app, id, &token).await[0]["employer"],
        "Stadt Anderswo"
    );
}
