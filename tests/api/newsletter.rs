//! The newsletter (§ 5.1): the recipient list, mailings that welcome each consenting new
//! participant exactly once (also under concurrency and retries), and staff-only access.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::app::{TestApp, assert_problem};
use crate::support::participants::registration;

on_both_backends!(
    mailings_welcome_consenting_new_participants_once_and_stay_queryable,
    idempotency_key_replays_the_answer_and_refuses_another_body,
    concurrent_mailings_and_retries_welcome_each_participant_exactly_once,
    recipient_list_has_active_participants_only_as_json_and_csv,
    newsletter_is_for_staff_only,
);

fn today() -> String {
    mentoring_api::domain::programme_time::programme_today().to_string()
}

/// A mailing body dated `sent_on`.
fn mailing_on(sent_on: &str) -> Value {
    json!({"subject": "Mentoring-Newsletter", "intro": "Neues aus dem Programm.", "sent_on": sent_on})
}

async fn record(app: &TestApp, staff: &str, key: Option<&str>) -> (StatusCode, Value) {
    let mut req = app
        .client
        .post(format!("{}/api/v1/newsletter/mailings", app.address))
        .bearer_auth(staff)
        .json(&mailing_on(&today()));
    if let Some(key) = key {
        req = req.header("Idempotency-Key", key);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap())
}

fn welcomed_ids(mailing: &Value) -> Vec<i64> {
    mailing["welcomed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["participant_id"].as_i64().unwrap())
        .collect()
}

/// Registers and activates a participant who did not consent to be welcomed.
async fn unconsenting(app: &TestApp, staff: &str, email: &str) -> i64 {
    let mut body = registration(email, "first_project", &["mentee"]);
    body["consents"]["newsletter_welcome"] = json!(false);
    let (id, project, token) = app.register(&body).await;
    app.activate(staff, id, project, &token).await;
    id
}

async fn mailings_welcome_consenting_new_participants_once_and_stay_queryable(app: TestApp) {
    let staff = app.staff_token().await;
    let (first, _) = app
        .active_participant(&staff, "a@example.org", "first_project", &["mentee"])
        .await;
    let quiet = unconsenting(&app, &staff, "quiet@example.org").await;
    app.ended_participant(&staff, "ended@example.org").await;
    let (_, pending, _) = app
        .register(&registration("p@example.org", "first_project", &["mentee"]))
        .await;
    assert!(pending > 0);

    let (status, one) = record(&app, &staff, None).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        welcomed_ids(&one),
        vec![first],
        "quiet {quiet} not welcomed"
    );
    assert_eq!(one["welcomed"][0]["email"], "a@example.org");
    assert_eq!(one["welcomed"][0]["salutation"], "ms");

    let (_, two) = record(&app, &staff, None).await;
    assert!(welcomed_ids(&two).is_empty(), "nobody is welcomed twice");

    let (second, _) = app
        .active_participant(&staff, "b@example.org", "follow_up_project", &["mentor"])
        .await;
    let (_, three) = record(&app, &staff, None).await;
    assert_eq!(welcomed_ids(&three), vec![second]);

    let list = app.get_json("/api/v1/newsletter/mailings", &staff).await;
    let counts: Vec<i64> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["welcomed_count"].as_i64().unwrap())
        .collect();
    assert_eq!(counts, vec![1, 0, 1]);
    let past = app
        .get_json(
            &format!("/api/v1/newsletter/mailings/{}", one["id"]),
            &staff,
        )
        .await;
    assert_eq!(past, one, "a past mailing answers as when it was recorded");
    let res = app
        .get("/api/v1/newsletter/mailings/999999", Some(&staff))
        .await;
    assert_problem(res, StatusCode::NOT_FOUND).await;

    let earlier = app
        .post(
            "/api/v1/newsletter/mailings",
            Some(&staff),
            &mailing_on("2020-01-01"),
        )
        .await;
    let problem = assert_problem(earlier, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"][0]["pointer"], "/sent_on");
}

async fn idempotency_key_replays_the_answer_and_refuses_another_body(app: TestApp) {
    let staff = app.staff_token().await;
    let (first, _) = app
        .active_participant(&staff, "a@example.org", "first_project", &["mentee"])
        .await;
    let (status, original) = record(&app, &staff, Some("mailing-2026-11")).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(welcomed_ids(&original), vec![first]);
    let (status, replay) = record(&app, &staff, Some("mailing-2026-11")).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(replay, original, "the retry replays the first answer");

    let other = app
        .client
        .post(format!("{}/api/v1/newsletter/mailings", app.address))
        .bearer_auth(&staff)
        .header("Idempotency-Key", "mailing-2026-11")
        .json(&mailing_on("2100-01-01"))
        .send()
        .await
        .unwrap();
    assert_problem(other, StatusCode::UNPROCESSABLE_ENTITY).await;
    let list = app.get_json("/api/v1/newsletter/mailings", &staff).await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        1,
        "one mailing only"
    );
}

async fn concurrent_mailings_and_retries_welcome_each_participant_exactly_once(app: TestApp) {
    let staff = app.staff_token().await;
    let mut expected = Vec::new();
    for n in 0..6 {
        let email = format!("new{n}@example.org");
        let (id, _) = app
            .active_participant(&staff, &email, "first_project", &["mentee"])
            .await;
        expected.push(id);
    }
    let mut tasks = Vec::new();
    for n in 0..12 {
        let client = app.client.clone();
        let url = format!("{}/api/v1/newsletter/mailings", app.address);
        let token = staff.clone();
        tasks.push(tokio::spawn(async move {
            let mut req = client
                .post(url)
                .bearer_auth(token)
                .json(&mailing_on(&today()));
            if n % 2 == 0 {
                req = req.header("Idempotency-Key", "retried");
            }
            let res = req.send().await.unwrap();
            assert_eq!(res.status(), StatusCode::CREATED);
            res.json::<Value>().await.unwrap()
        }));
    }
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    let mut by_mailing = std::collections::BTreeMap::new();
    for answer in &answers {
        let previous = by_mailing.insert(answer["id"].as_i64().unwrap(), answer.clone());
        if let Some(previous) = previous {
            assert_eq!(&previous, answer, "replays of one mailing are identical");
        }
    }
    assert_eq!(by_mailing.len(), 7, "six plain mailings and one keyed one");
    let mut welcomed: Vec<i64> = by_mailing.values().flat_map(welcomed_ids).collect();
    welcomed.sort_unstable();
    assert_eq!(
        welcomed, expected,
        "every participant welcomed exactly once"
    );
}

async fn recipient_list_has_active_participants_only_as_json_and_csv(app: TestApp) {
    let staff = app.staff_token().await;
    let (active, _) = app
        .active_participant(&staff, "a@example.org", "first_project", &["mentee"])
        .await;
    let quiet = unconsenting(&app, &staff, "quiet@example.org").await;
    app.ended_participant(&staff, "ended@example.org").await;
    app.register(&registration("p@example.org", "first_project", &["mentee"]))
        .await;
    let page = app
        .get_json("/api/v1/newsletter/recipients?limit=1", &staff)
        .await;
    assert_eq!(page["items"][0]["participant_id"], active);
    let rest = app
        .get_json(
            &format!(
                "/api/v1/newsletter/recipients?cursor={}",
                page["next_cursor"].as_str().unwrap()
            ),
            &staff,
        )
        .await;
    let ids: Vec<i64> = rest["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["participant_id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        ids,
        vec![quiet],
        "ended and pending participants are not recipients"
    );
    assert!(rest["next_cursor"].is_null());

    let csv = app
        .client
        .get(format!("{}/api/v1/newsletter/recipients.csv", app.address))
        .bearer_auth(&staff)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    assert_eq!(csv.headers()["cache-control"], "no-store");
    let text = csv.text().await.unwrap();
    assert!(text.starts_with("\u{feff}ID;Anrede;Vorname;Nachname;E-Mail"));
    assert!(text.contains("Frau;Erika;Mustermann;a@example.org"));
    assert!(text.contains("quiet@example.org"));
    assert!(!text.contains("ended@example.org") && !text.contains("p@example.org"));
}

async fn newsletter_is_for_staff_only(app: TestApp) {
    let staff = app.staff_token().await;
    let mut outsiders = app.participant_tokens(&staff).await;
    outsiders.push(app.integration_token(&staff).await);
    let body = mailing_on(&today());
    for path in [
        "/api/v1/newsletter/recipients",
        "/api/v1/newsletter/recipients.csv",
        "/api/v1/newsletter/mailings",
    ] {
        assert_problem(app.get(path, None).await, StatusCode::UNAUTHORIZED).await;
        for token in &outsiders {
            assert_problem(app.get(path, Some(token)).await, StatusCode::FORBIDDEN).await;
        }
    }
    assert_problem(
        app.post("/api/v1/newsletter/mailings", None, &body).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    for token in &outsiders {
        let res = app
            .post("/api/v1/newsletter/mailings", Some(token), &body)
            .await;
        assert_problem(res, StatusCode::FORBIDDEN).await;
    }
    let list = app.get_json("/api/v1/newsletter/mailings", &staff).await;
    assert!(
        list["items"].as_array().unwrap().is_empty(),
        "nothing recorded"
    );
}
