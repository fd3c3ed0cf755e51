//! Forums: the nine of § 3.2.1, the limit of 12 active forums (also under concurrent requests),
//! and retirement that frees a slot but keeps the forum readable.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{assert_language, audit_of, get_in, ok_json, participant_token};
use crate::on_both_backends;
use crate::support::app::{TestApp, assert_problem};

on_both_backends!(
    seeded_forums_match_the_handbook_list,
    forum_limit_holds_and_retirement_frees_a_slot,
    forum_limit_holds_under_concurrent_creates,
    only_staff_add_and_retire_forums,
);

/// § 3.2.1 in the handbook's order: code, German name, English name, audience. The subject
/// forums are open to the professional public; the two about the KSM role are KSM only.
const HANDBOOK: [(&str, &str, &str, &str); 9] = [
    (
        "climate_impacts_adaptation",
        "Klimafolgen & Anpassung",
        "Climate impacts & adaptation",
        "professional_public",
    ),
    (
        "renewable_energy",
        "Erneuerbare Energien",
        "Renewable energy",
        "professional_public",
    ),
    (
        "environmental_education_energy_saving",
        "Umweltbildung & Energiesparprojekte",
        "Environmental education & energy-saving projects",
        "professional_public",
    ),
    ("mobility", "Mobilität", "Mobility", "professional_public"),
    (
        "public_relations_communication",
        "Öffentlichkeitsarbeit & Kommunikation",
        "Public relations & communication",
        "professional_public",
    ),
    (
        "funding_finance",
        "Fördermittel & Finanzierung",
        "Funding & finance",
        "professional_public",
    ),
    (
        "training_qualification",
        "Fortbildung & Qualifizierung",
        "Training & qualification",
        "professional_public",
    ),
    (
        "climate_management_administration",
        "Klimaschutzmanagement & Verwaltung",
        "Climate-protection management & administration",
        "ksm_only",
    ),
    (
        "climate_management_local_politics",
        "Klimaschutzmanagement & Lokalpolitik",
        "Climate-protection management & local politics",
        "ksm_only",
    ),
];

fn new_forum(code: &str) -> Value {
    json!({
        "code": code,
        "name_de": format!("Forum {code}"),
        "name_en": format!("Forum {code}"),
        "audience": "ksm_only",
    })
}

async fn active_forums(app: &TestApp) -> Vec<Value> {
    let list = ok_json(app.get("/api/v1/forums", None).await).await;
    list["items"].as_array().unwrap().clone()
}

async fn seeded_forums_match_the_handbook_list(app: TestApp) {
    let res = app.get("/api/v1/forums", None).await;
    assert_language(&res, "de");
    let list = ok_json(res).await;
    assert!(list["next_cursor"].is_null());
    let forums = list["items"].as_array().unwrap();
    assert_eq!(
        forums.len(),
        HANDBOOK.len(),
        "exactly the nine forums of § 3.2.1"
    );
    for (forum, (code, de, en, audience)) in forums.iter().zip(HANDBOOK) {
        assert_eq!(forum["code"], code);
        assert_eq!(forum["label"], de);
        assert_eq!(forum["name_de"], de);
        assert_eq!(forum["name_en"], en);
        assert_eq!(forum["audience"], audience);
        assert!(forum["retired_at"].is_null());
    }
    assert_eq!(forums[0]["audience_label"], "Fachöffentlichkeit");

    let res = get_in(&app, "/api/v1/forums", None, "en").await;
    assert_language(&res, "en");
    let english = ok_json(res).await;
    for (forum, (_, _, en, _)) in english["items"].as_array().unwrap().iter().zip(HANDBOOK) {
        assert_eq!(forum["label"], en);
    }
    let id = &forums[3]["id"];
    let res = get_in(&app, &format!("/api/v1/forums/{id}"), None, "en").await;
    assert_eq!(res.headers()["etag"], "\"1\"");
    assert_eq!(ok_json(res).await["label"], "Mobility");
}

async fn forum_limit_holds_and_retirement_frees_a_slot(app: TestApp) {
    let staff = app.staff_token().await;
    for code in ["heat_planning", "climate_adaptation_law", "sufficiency"] {
        let res = app
            .post("/api/v1/forums", Some(&staff), &new_forum(code))
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let location = res.headers()["location"].to_str().unwrap().to_owned();
        let forum: Value = res.json().await.unwrap();
        assert_eq!(location, format!("/api/v1/forums/{}", forum["id"]));
        assert_eq!(forum["code"], code);
    }
    assert_eq!(active_forums(&app).await.len(), 12);
    let res = app
        .post("/api/v1/forums", Some(&staff), &new_forum("one_too_many"))
        .await;
    assert_problem(res, StatusCode::CONFLICT).await;

    let mobility = active_forums(&app).await[3].clone();
    let id = &mobility["id"];
    let path = format!("/api/v1/forums/{id}/retirement");
    let retired = ok_json(app.post(&path, Some(&staff), &json!({})).await).await;
    assert!(retired["retired_at"].is_string());
    let res = app.post(&path, Some(&staff), &json!({})).await;
    assert_problem(res, StatusCode::CONFLICT).await;

    let res = app.get(&format!("/api/v1/forums/{id}"), None).await;
    assert_eq!(res.headers()["etag"], "\"2\"");
    let still_there = ok_json(res).await;
    assert_eq!(still_there["code"], "mobility");
    assert!(still_there["retired_at"].is_string());
    assert_eq!(active_forums(&app).await.len(), 11);
    let all = ok_json(app.get("/api/v1/forums?include_retired=true", None).await).await;
    assert_eq!(all["items"].as_array().unwrap().len(), 12);

    let res = app
        .post("/api/v1/forums", Some(&staff), &new_forum("mobility"))
        .await;
    assert_problem(res, StatusCode::CONFLICT).await;
    let res = app
        .post("/api/v1/forums", Some(&staff), &new_forum("one_too_many"))
        .await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "the retired forum freed a slot"
    );
    assert_eq!(active_forums(&app).await.len(), 12);

    let events = audit_of(&app, &staff, "forum", &id.to_string()).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["action"], "forum.retired");
    let created = ok_json(
        app.get("/api/v1/audit-events?entity_type=forum", Some(&staff))
            .await,
    )
    .await;
    let created: Vec<&Value> = created["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "forum.created")
        .collect();
    assert_eq!(created.len(), 4);
    assert_eq!(created[0]["after"]["code"], "one_too_many");
    let res = app
        .post("/api/v1/forums/999999/retirement", Some(&staff), &json!({}))
        .await;
    assert_problem(res, StatusCode::NOT_FOUND).await;
}

async fn forum_limit_holds_under_concurrent_creates(app: TestApp) {
    let staff = app.staff_token().await;
    for code in ["first_extra", "second_extra"] {
        let res = app
            .post("/api/v1/forums", Some(&staff), &new_forum(code))
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    assert_eq!(active_forums(&app).await.len(), 11);
    let mut tasks = Vec::new();
    for n in 0..20 {
        let client = app.client.clone();
        let url = format!("{}/api/v1/forums", app.address);
        let token = staff.clone();
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&new_forum(&format!("racer_{n}")))
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    let created = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((created, refused), (1, 19), "{statuses:?}");
    assert_eq!(active_forums(&app).await.len(), 12);
}

async fn only_staff_add_and_retire_forums(app: TestApp) {
    let staff = app.staff_token().await;
    let integration = app.integration_token(&staff).await;
    let participant = participant_token(&app).await;
    let id = &active_forums(&app).await[0]["id"];
    let writes = [
        ("/api/v1/forums".to_owned(), new_forum("sneaky")),
        (format!("/api/v1/forums/{id}/retirement"), json!({})),
    ];
    for (path, body) in &writes {
        let res = app.post(path, None, body).await;
        assert_problem(res, StatusCode::UNAUTHORIZED).await;
        for token in [&integration, &participant] {
            let res = app.post(path, Some(token), body).await;
            assert_problem(res, StatusCode::FORBIDDEN).await;
        }
    }
    assert_eq!(active_forums(&app).await.len(), 9, "nothing changed");
    let res = app
        .post(
            "/api/v1/forums",
            Some(&staff),
            &json!({"code": "Bad Code", "name_de": "x", "name_en": "x", "audience": "ksm_only"}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"][0]["pointer"], "/code");
    let res = app
        .post(
            "/api/v1/forums",
            Some(&staff),
            &json!(["array_forum", "A", "A", "ksm_only"]),
        )
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(active_forums(&app).await.len(), 9);
}
