//! Topics: the seeded list of § 4, who reads what, and the proposal → decision flow.

use mentoring_api::db::models::topics;
use mentoring_api::error::AppError;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::{assert_language, audit_of, get_in, ok_json, participant_token};
use crate::on_both_backends;
use crate::support::app::{TestApp, assert_problem};

on_both_backends!(
    seeded_topics_match_the_handbook_list,
    topic_list_pages_and_filters,
    participants_read_accepted_topics_only,
    proposals_are_accepted_or_declined_once,
    require_accepted_names_the_offending_ids,
    only_staff_write_topics,
);

/// § 4 verbatim, in its three groups, with the English translations served for `en`.
const HANDBOOK: [(&str, &str, &str); 11] = [
    (
        "municipal_administration",
        "Kommunale Haushaltsplanung und die Integration von Klimaschutzprojekten",
        "Municipal budget planning and the integration of climate-protection projects",
    ),
    (
        "municipal_administration",
        "Etablierung verwaltungsinterner Arbeitsstrukturen und Allianzen",
        "Establishing working structures and alliances within the administration",
    ),
    (
        "municipal_administration",
        "Klimaschutz-Controlling: Bilanzierung von Energieverbräuchen und Treibhausgasen, quantitative und qualitative Erfolgskontrolle von Maßnahmenplänen",
        "Climate-protection controlling: accounting for energy consumption and greenhouse gases, quantitative and qualitative evaluation of action plans",
    ),
    (
        "local_politics",
        "Erfolgreiches Einbringen von Klimaschutzprojekten in die Politik, zum Beispiel Verfassen von Beschlussvorlagen, Vorstellen von Vorhaben in Ausschüssen und Kommunalparlament",
        "Successfully bringing climate-protection projects into politics, for example drafting council resolutions, presenting projects in committees and the municipal council",
    ),
    (
        "local_politics",
        "Austausch und Kommunikation zwischen Verwaltung und Politik",
        "Exchange and communication between administration and politics",
    ),
    (
        "local_politics",
        "Eigenmarketing: Stärkung des Ansehens in der Politik, Herausarbeitung und Kommunikation der Rentabilität der eigenen Personalstelle",
        "Self-marketing: raising your standing with politicians, working out and communicating the return on your own position",
    ),
    (
        "other_stakeholders",
        "Organisation und Leitung von Arbeitsgruppen und Bündnissen (Identifikation von Synergien, zielgruppengerechte Ansprache, Erfolgskontrolle in Projekten, Ergebnis-Publikation)",
        "Organising and leading working groups and alliances (identifying synergies, addressing target groups appropriately, evaluating project success, publishing results)",
    ),
    (
        "other_stakeholders",
        "Ansprache und Anwerbung neuer Klimaschutzakteure",
        "Approaching and recruiting new climate-protection actors",
    ),
    (
        "other_stakeholders",
        "Durchführung von Beteiligungsprozessen",
        "Running participation processes",
    ),
    (
        "other_stakeholders",
        "Zielgruppengerechte Presse- und Öffentlichkeitsarbeit (gelungene Pressemitteilungen, Websitebetreuung, Nutzung sozialer Netzwerke und ähnliches)",
        "Press and public relations suited to the target group (effective press releases, website maintenance, use of social networks and the like)",
    ),
    (
        "other_stakeholders",
        "Organisation von publikumswirksamen Klimaschutzveranstaltungen (zum Beispiel Kostenplanung, Drittmittelinwerbung, Öffentlichkeitsarbeit)",
        "Organising climate-protection events that draw the public (for example cost planning, raising third-party funds, public relations)",
    ),
];

fn items(page: &Value) -> Vec<Value> {
    page["items"].as_array().unwrap().clone()
}

async fn seeded_topics_match_the_handbook_list(app: TestApp) {
    let staff = app.staff_token().await;
    let res = app.get("/api/v1/topics", Some(&staff)).await;
    assert_language(&res, "de");
    assert_eq!(res.headers()["cache-control"], "no-store");
    let page = ok_json(res).await;
    assert!(page["next_cursor"].is_null());
    let topics = items(&page);
    assert_eq!(topics.len(), HANDBOOK.len(), "exactly the topics of § 4");
    for (topic, (group, de, en)) in topics.iter().zip(HANDBOOK) {
        assert_eq!(topic["group"], group);
        assert_eq!(topic["title"], de);
        assert_eq!(topic["title_de"], de);
        assert_eq!(topic["title_en"], en);
        assert_eq!(topic["status"], "accepted");
        assert!(topic["proposed_by_account_id"].is_null());
    }
    assert_eq!(
        topics[0]["group_label"],
        "Themen aus der Kommunalverwaltung"
    );

    let res = get_in(&app, "/api/v1/topics", Some(&staff), "en").await;
    assert_language(&res, "en");
    let english = items(&ok_json(res).await);
    for (topic, (_, _, en)) in english.iter().zip(HANDBOOK) {
        assert_eq!(topic["title"], en);
    }
    assert_eq!(english[3]["group_label"], "Topics from local politics");
}

async fn topic_list_pages_and_filters(app: TestApp) {
    let staff = app.staff_token().await;
    let mut titles = Vec::new();
    let mut path = "/api/v1/topics?limit=4".to_owned();
    loop {
        let page = ok_json(app.get(&path, Some(&staff)).await).await;
        let topics = items(&page);
        assert!(topics.len() <= 4);
        titles.extend(
            topics
                .iter()
                .map(|t| t["title_de"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/topics?limit=4&cursor={cursor}"),
            None => break,
        }
    }
    let expected: Vec<String> = HANDBOOK.iter().map(|(_, de, _)| de.to_string()).collect();
    assert_eq!(titles, expected);

    let politics = items(
        &ok_json(
            app.get("/api/v1/topics?group=local_politics", Some(&staff))
                .await,
        )
        .await,
    );
    assert_eq!(politics.len(), 3);
    let proposed = items(
        &ok_json(
            app.get("/api/v1/topics?status=proposed", Some(&staff))
                .await,
        )
        .await,
    );
    assert!(proposed.is_empty());
    let res = app.get("/api/v1/topics?status=maybe", Some(&staff)).await;
    assert_problem(res, StatusCode::BAD_REQUEST).await;
}

async fn participants_read_accepted_topics_only(app: TestApp) {
    let staff = app.staff_token().await;
    let participant = participant_token(&app).await;
    let proposal = ok_created(
        app.post(
            "/api/v1/topics",
            Some(&staff),
            &json!({"group": "local_politics", "title_de": "Klimaschutz im Wahlkampf"}),
        )
        .await,
    )
    .await;
    let accepted = ok_json(app.get("/api/v1/topics", Some(&participant)).await).await;
    let accepted = items(&accepted);
    assert_eq!(accepted.len(), 11, "the proposal is not shown");
    assert!(accepted.iter().all(|t| t["status"] == "accepted"));
    let res = app
        .get("/api/v1/topics?status=proposed", Some(&participant))
        .await;
    assert_problem(res, StatusCode::FORBIDDEN).await;
    let res = app
        .get(
            &format!("/api/v1/topics/{}", proposal["id"]),
            Some(&participant),
        )
        .await;
    assert_problem(res, StatusCode::NOT_FOUND).await;
    let first = &accepted[0];
    let res = app
        .get(
            &format!("/api/v1/topics/{}", first["id"]),
            Some(&participant),
        )
        .await;
    assert_eq!(ok_json(res).await["title_de"], HANDBOOK[0].1);
}

async fn ok_created(res: reqwest::Response) -> Value {
    assert_eq!(res.status(), StatusCode::CREATED, "unexpected status");
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let body: Value = res.json().await.unwrap();
    assert_eq!(location, format!("/api/v1/topics/{}", body["id"]));
    body
}

async fn proposals_are_accepted_or_declined_once(app: TestApp) {
    let staff = app.staff_token().await;
    let proposal = ok_created(
        app.post(
            "/api/v1/topics",
            Some(&staff),
            &json!({"group": "municipal_administration", "title_de": "Kommunale Wärmeplanung"}),
        )
        .await,
    )
    .await;
    assert_eq!(proposal["status"], "proposed");
    assert!(proposal["title_en"].is_null());
    assert_eq!(proposal["title"], "Kommunale Wärmeplanung");
    assert!(proposal["decided_at"].is_null());
    assert!(proposal["proposed_by_account_id"].is_i64());
    let id = proposal["id"].clone();

    let listed = items(
        &ok_json(
            app.get("/api/v1/topics?status=proposed", Some(&staff))
                .await,
        )
        .await,
    );
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], id);

    let res = app
        .post(
            &format!("/api/v1/topics/{id}/acceptance"),
            Some(&staff),
            &json!({"title_en": "Municipal heat planning", "note": "Passt zu § 4."}),
        )
        .await;
    let accepted = ok_json(res).await;
    assert_eq!(accepted["status"], "accepted");
    assert_eq!(accepted["title_en"], "Municipal heat planning");
    assert_eq!(accepted["decision_note"], "Passt zu § 4.");
    assert!(accepted["decided_at"].is_string());

    // serde would read a struct from an array of its fields; the API takes objects only.
    let res = app
        .post(
            "/api/v1/topics",
            Some(&staff),
            &json!(["local_politics", "Als Liste"]),
        )
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;

    for transition in ["acceptance", "declination"] {
        let res = app
            .post(
                &format!("/api/v1/topics/{id}/{transition}"),
                Some(&staff),
                &json!({}),
            )
            .await;
        assert_problem(res, StatusCode::CONFLICT).await;
    }

    let second = ok_created(
        app.post(
            "/api/v1/topics",
            Some(&staff),
            &json!({"group": "other_stakeholders", "title_de": "Klimaschutz im Sportverein", "title_en": "Climate protection in sports clubs"}),
        )
        .await,
    )
    .await;
    let sid = second["id"].clone();
    let res = app
        .post(
            &format!("/api/v1/topics/{sid}/declination"),
            Some(&staff),
            &json!({"note": "Zu speziell."}),
        )
        .await;
    assert_eq!(ok_json(res).await["status"], "declined");
    let res = app
        .post(
            &format!("/api/v1/topics/{sid}/acceptance"),
            Some(&staff),
            &json!({}),
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT).await;
    let third = ok_created(
        app.post(
            "/api/v1/topics",
            Some(&staff),
            &json!({"group": "other_stakeholders", "title_de": "Dritter Vorschlag"}),
        )
        .await,
    )
    .await;
    let res = app
        .post(
            &format!("/api/v1/topics/{}/acceptance", third["id"]),
            Some(&staff),
            &json!([null, null]),
        )
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    let still = ok_json(
        app.get(&format!("/api/v1/topics/{}", third["id"]), Some(&staff))
            .await,
    )
    .await;
    assert_eq!(still["status"], "proposed");
    let res = app
        .post("/api/v1/topics/999999/acceptance", Some(&staff), &json!({}))
        .await;
    assert_problem(res, StatusCode::NOT_FOUND).await;

    let direct = ok_created(
        app.post(
            "/api/v1/topics",
            Some(&staff),
            &json!({"group": "local_politics", "title_de": "Klimaschutz im Haushaltsausschuss", "status": "accepted"}),
        )
        .await,
    )
    .await;
    assert_eq!(direct["status"], "accepted");

    let all = items(
        &ok_json(
            app.get("/api/v1/topics?status=accepted", Some(&staff))
                .await,
        )
        .await,
    );
    assert_eq!(all.len(), 13);

    let events = audit_of(&app, &staff, "topic", &id.to_string()).await;
    let actions: Vec<&str> = events
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["topic.accepted", "topic.proposed"]);
    assert_eq!(events[0]["before"]["status"], "proposed");
    assert_eq!(events[0]["after"]["status"], "accepted");
    let declined = audit_of(&app, &staff, "topic", &sid.to_string()).await;
    assert_eq!(declined[0]["action"], "topic.declined");
    let trail = format!("{events:?}{declined:?}");
    assert!(
        !trail.contains("Wärmeplanung") && !trail.contains("Zu speziell"),
        "audit rows hold no free text"
    );
    let direct_events = audit_of(&app, &staff, "topic", &direct["id"].to_string()).await;
    assert_eq!(direct_events[0]["action"], "topic.created");
}

async fn require_accepted_names_the_offending_ids(app: TestApp) {
    let staff = app.staff_token().await;
    let proposal = ok_created(
        app.post(
            "/api/v1/topics",
            Some(&staff),
            &json!({"group": "local_politics", "title_de": "Noch offen"}),
        )
        .await,
    )
    .await;
    let proposed = proposal["id"].as_i64().unwrap();
    let accepted: Vec<i64> = items(
        &ok_json(
            app.get("/api/v1/topics?status=accepted", Some(&staff))
                .await,
        )
        .await,
    )
    .iter()
    .map(|t| t["id"].as_i64().unwrap())
    .collect();
    let pool = app.pool.clone();
    let (ok, refused) = tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().unwrap();
        let ok = topics::require_accepted(&mut conn, "/topic_ids", &accepted[..3]);
        let refused =
            topics::require_accepted(&mut conn, "/topic_ids", &[accepted[0], proposed, 999_999]);
        (ok, refused)
    })
    .await
    .unwrap();
    assert!(ok.is_ok());
    let Err(AppError::Validation(problems)) = refused else {
        panic!("expected a validation error, got {refused:?}");
    };
    assert_eq!(problems.len(), 2);
    assert_eq!(problems[0].pointer, "/topic_ids/1");
    assert!(problems[0].detail.contains(&proposed.to_string()));
    assert_eq!(problems[1].pointer, "/topic_ids/2");
    assert!(problems[1].detail.contains("999999"));
}

async fn only_staff_write_topics(app: TestApp) {
    let staff = app.staff_token().await;
    let integration = app.integration_token(&staff).await;
    let participant = participant_token(&app).await;
    let proposal = ok_created(
        app.post(
            "/api/v1/topics",
            Some(&staff),
            &json!({"group": "local_politics", "title_de": "Offen"}),
        )
        .await,
    )
    .await;
    let id = &proposal["id"];
    let writes: Vec<(String, Value)> = vec![
        (
            "/api/v1/topics".into(),
            json!({"group": "local_politics", "title_de": "X"}),
        ),
        (format!("/api/v1/topics/{id}/acceptance"), json!({})),
        (format!("/api/v1/topics/{id}/declination"), json!({})),
    ];
    for (path, body) in &writes {
        let res = app.post(path, None, body).await;
        assert_problem(res, StatusCode::UNAUTHORIZED).await;
        let res = app.post(path, Some(&integration), body).await;
        assert_problem(res, StatusCode::FORBIDDEN).await;
        // participants may propose (Infobox 3), but never accept, decline or create accepted topics
        let mut participant_body = body.clone();
        if path == "/api/v1/topics" {
            participant_body["status"] = json!("accepted");
        }
        let res = app.post(path, Some(&participant), &participant_body).await;
        assert_problem(res, StatusCode::FORBIDDEN).await;
    }
    for path in ["/api/v1/topics".to_owned(), format!("/api/v1/topics/{id}")] {
        let res = app.get(&path, None).await;
        assert_problem(res, StatusCode::UNAUTHORIZED).await;
        let res = app.get(&path, Some(&integration)).await;
        assert_problem(res, StatusCode::FORBIDDEN).await;
    }
    let res = app
        .request(
            Method::DELETE,
            &format!("/api/v1/topics/{id}"),
            Some(&staff),
            None,
        )
        .await;
    assert_problem(res, StatusCode::METHOD_NOT_ALLOWED).await;
    let all = items(&ok_json(app.get("/api/v1/topics", Some(&staff)).await).await);
    assert_eq!(all.len(), 12, "the refused calls changed nothing");
    assert_eq!(all[11]["status"], "proposed");
}
