//! Staff write a practice tip for a mentor (e.g. one sent in by e-mail) and record its real
//! publication date: the author's credit lands in the project year it belongs to. Every step
//! names the acting staff account and the mentor it was done for.

use chrono::{Duration, NaiveDate};
use mentoring_api::domain::programme_time::programme_today;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{Cast, cast, new_tip, step, upload_pages};
use crate::on_both_backends;
use crate::support::app::{TestApp, assert_problem};

on_both_backends!(
    staff_publish_a_tip_of_last_year_for_a_mentor_and_it_counts_there,
    only_staff_name_another_author_or_backdate_a_publication,
);

/// A new-tip body naming `author` as its author.
fn tip_for(author: i64, c: &Cast) -> Value {
    let mut body = new_tip("Vom Programmbüro nachgetragen", "text", c.topic);
    body["author_id"] = json!(author);
    body
}

fn report_path(participant: i64) -> String {
    format!("/api/v1/participants/{participant}/credit-report")
}

/// The practice-tip credits of a report: `(source_id, earned_on, hours)`.
fn tip_credits(report: &Value) -> Vec<(i64, String, i64)> {
    report["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["source_kind"] == "practice_tip")
        .map(|i| {
            (
                i["source_id"].as_i64().unwrap(),
                i["earned_on"].as_str().unwrap().to_owned(),
                i["hours"].as_i64().unwrap(),
            )
        })
        .collect()
}

async fn tip(app: &TestApp, token: &str, id: i64) -> Value {
    app.get_json(&format!("/api/v1/practice-tips/{id}"), token)
        .await
}

async fn tip_count(app: &TestApp, staff: &str) -> usize {
    app.get_json("/api/v1/practice-tips?limit=200", staff).await["items"]
        .as_array()
        .unwrap()
        .len()
}

async fn staff_publish_a_tip_of_last_year_for_a_mentor_and_it_counts_there(app: TestApp) {
    let c = cast(&app).await;
    let staff_account = app.get_json("/api/v1/me", &c.staff).await["account_id"].clone();
    let this_year = app.get_json(&report_path(c.author_id), &c.author).await;
    let number = this_year["project_year"]["number"].as_u64().unwrap();
    assert!(
        number >= 2,
        "the cast's project runs in its second year or later"
    );
    let year_start: NaiveDate = this_year["project_year"]["start_date"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let last_year_day = year_start - Duration::days(30);

    let res = app
        .post(
            "/api/v1/practice-tips",
            Some(&c.staff),
            &tip_for(c.author_id, &c),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.unwrap();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["author_id"], c.author_id);
    assert_eq!(created["state"], "draft");
    assert_eq!(upload_pages(&app, &c.staff, id, 3).await.0, StatusCode::OK);
    assert_eq!(
        step(&app, &c.staff, id, "submission", json!({})).await,
        StatusCode::OK
    );

    // A publication date in the future is refused and changes nothing.
    let tomorrow = (programme_today() + Duration::days(1)).to_string();
    let res = app
        .post(
            &format!("/api/v1/practice-tips/{id}/publication"),
            Some(&c.staff),
            &json!({"published_on": tomorrow}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"][0]["pointer"], "/published_on");
    let unchanged = tip(&app, &c.staff, id).await;
    assert_eq!(unchanged["state"], "submitted");
    assert!(unchanged["credit"].is_null(), "{unchanged:#}");

    assert_eq!(
        step(
            &app,
            &c.staff,
            id,
            "publication",
            json!({"published_on": last_year_day})
        )
        .await,
        StatusCode::OK
    );

    // The mentor's report: the credit counts in last project year, not in this one.
    let now = app.get_json(&report_path(c.author_id), &c.author).await;
    assert_eq!(now["project_year"]["number"], number);
    assert!(tip_credits(&now).is_empty(), "{now:#}");
    let last = app
        .get_json(
            &format!("{}?project_year={}", report_path(c.author_id), number - 1),
            &c.author,
        )
        .await;
    assert_eq!(
        tip_credits(&last),
        [(id, last_year_day.to_string(), 40)],
        "{last:#}"
    );

    // Every step names the acting staff account and the mentor it was done for.
    let events = app
        .get_json(
            &format!("/api/v1/audit-events?entity_type=practice_tip&entity_id={id}&limit=200"),
            &c.staff,
        )
        .await["items"]
        .as_array()
        .unwrap()
        .clone();
    let actions: Vec<&str> = events.iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(
        actions,
        [
            "practice_tip.published",
            "practice_tip.submitted",
            "practice_tip.document_uploaded",
            "practice_tip.created"
        ]
    );
    for event in &events {
        assert_eq!(event["actor_account_id"], staff_account, "{event:#}");
        assert_eq!(event["after"]["author_id"], c.author_id, "{event:#}");
        assert_eq!(event["after"]["by_staff"], true, "{event:#}");
    }
    assert_eq!(
        events[0]["after"]["published_on"],
        json!(last_year_day.to_string())
    );
}

async fn only_staff_name_another_author_or_backdate_a_publication(app: TestApp) {
    let c = cast(&app).await;
    let before = tip_count(&app, &c.staff).await;
    // A mentor cannot write for someone else; staff must name an active mentor.
    for (token, author) in [
        (&c.author, Some(c.other_mentor_id)),
        (&c.staff, None),
        (&c.staff, Some(c.mentee_id)),
        (&c.staff, Some(999_999)),
    ] {
        let mut body = tip_for(0, &c);
        match author {
            Some(id) => body["author_id"] = json!(id),
            None => {
                body.as_object_mut().unwrap().remove("author_id");
            }
        }
        let res = app.post("/api/v1/practice-tips", Some(token), &body).await;
        let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(problem["errors"][0]["pointer"], "/author_id", "{author:?}");
    }
    assert_eq!(tip_count(&app, &c.staff).await, before, "nothing stored");

    // Naming themself is fine, and the mentor's own step is audited as theirs, not staff's.
    let res = app
        .post(
            "/api/v1/practice-tips",
            Some(&c.author),
            &tip_for(c.author_id, &c),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    assert_eq!(upload_pages(&app, &c.author, id, 3).await.0, StatusCode::OK);
    assert_eq!(
        step(&app, &c.author, id, "submission", json!({})).await,
        StatusCode::OK
    );
    // The mentor cannot publish, with or without an earlier date.
    for body in [json!({"published_on": "2025-06-15"}), json!({})] {
        assert_eq!(
            step(&app, &c.author, id, "publication", body).await,
            StatusCode::FORBIDDEN
        );
    }
    let unchanged = tip(&app, &c.staff, id).await;
    assert_eq!(unchanged["state"], "submitted");
    assert!(unchanged["credit"].is_null());
    let events = app
        .get_json(
            &format!("/api/v1/audit-events?entity_type=practice_tip&entity_id={id}&limit=200"),
            &c.staff,
        )
        .await;
    let created = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "practice_tip.created")
        .unwrap()
        .clone();
    assert_eq!(created["action"], "practice_tip.created");
    assert_eq!(created["after"]["by_staff"], false);
    assert_eq!(created["after"]["author_id"], c.author_id);
}
