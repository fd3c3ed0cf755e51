//! Several programmes in one deployment: a sister programme (climate-adaptation managers) runs
//! beside the default one under `/programmes/{code}/api/v1`, over its own database, with its own
//! staff, catalogue, tokens, texts, events and webhooks; nothing crosses in either direction.

use mentoring_api::domain::programme::Programme;
use mentoring_api::startup::{Application, StartupError};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::app::{PASSWORD, TEST_METRICS_TOKEN, TestApp, test_settings};
use crate::webhooks::receiver::{Receiver, status};

on_both_backends!(
    a_sister_programme_shares_no_people_tokens_lists_or_events,
    a_sister_programme_keeps_its_catalogue_routes_and_texts,
    a_database_serves_only_the_programme_that_claimed_it,
    the_binary_reads_sister_programmes_from_the_environment,
);

/// The sister programme of the tests.
fn adaptation() -> Programme {
    Programme {
        code: "kam".to_owned(),
        name: "KAM-Mentoring-Programm".to_owned(),
        title: "Mentoring-Programm für Klimaanpassungsmanagerinnen und Klimaanpassungsmanager \
                des Zentrums KlimaAnpassung (ZKA)"
            .to_owned(),
        office: "ZKA".to_owned(),
    }
}

/// The e-mail addresses in a list of participants.
fn emails(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["email"].as_str().unwrap().to_owned())
        .collect()
}

/// The types of the events in a feed page.
fn event_types(feed: &Value) -> Vec<String> {
    feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect()
}

async fn a_sister_programme_shares_no_people_tokens_lists_or_events(mut app: TestApp) {
    let kam = app.with_sister(adaptation()).await;
    let ksm_staff = app.staff_token().await;
    let kam_staff = kam.staff_token().await;

    // A token is good in its own programme only, in both directions.
    assert_eq!(
        kam.get("/api/v1/me", Some(&kam_staff)).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        kam.get("/api/v1/me", Some(&ksm_staff)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get("/api/v1/me", Some(&kam_staff)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    // Staff accounts are the programme's own: a login of one programme is unknown in the other.
    kam.create_staff("office@zka.example").await;
    let crossing_login = json!({"email": "office@zka.example", "password": PASSWORD});
    assert_eq!(
        app.post("/api/v1/auth/token", None, &crossing_login)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );

    // The sister's webhook hears the sister's events only.
    let receiver = Receiver::start(&[status(204)]);
    let res = kam
        .post(
            "/api/v1/webhooks",
            Some(&kam_staff),
            &json!({"url": receiver.url, "event_types": ["participant.activated"]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert!(
        res.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/programmes/kam/api/v1/webhooks/"),
        "a sister's Location stays in the sister programme"
    );

    // The same person may take part in both programmes: two records, nothing shared.
    let (ksm_id, _) = app
        .active_participant(&ksm_staff, "anna@example.org", "first_project", &["mentee"])
        .await;
    let (kam_id, kam_token) = kam
        .active_participant(
            &kam_staff,
            "berta@example.org",
            "first_project",
            &["mentee"],
        )
        .await;
    kam.active_participant(&kam_staff, "anna@example.org", "first_project", &["mentee"])
        .await;

    let calls = receiver.wait_for(2).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        receiver.calls().len(),
        2,
        "only the sister's two activations"
    );
    assert!(
        calls
            .iter()
            .all(|c| c.json()["type"] == "participant.activated")
    );
    // Its events are numbered in its own database: their webhook-id names the programme, so a
    // receiver hearing both programmes never drops one as a repeat of the other's `evt_1`.
    assert!(
        calls.iter().all(|c| c.webhook_id.starts_with("evt_kam_")),
        "{:?}",
        calls.iter().map(|c| &c.webhook_id).collect::<Vec<_>>()
    );

    // Lists, records and exports show each programme's own people.
    assert_eq!(
        emails(&app.get_json("/api/v1/participants", &ksm_staff).await),
        ["anna@example.org"]
    );
    let mut kam_people = emails(&kam.get_json("/api/v1/participants", &kam_staff).await);
    kam_people.sort();
    assert_eq!(kam_people, ["anna@example.org", "berta@example.org"]);
    // Ids are per programme: the default's id names another record (or none) in the sister.
    let res = kam
        .get(&format!("/api/v1/participants/{ksm_id}"), Some(&kam_staff))
        .await;
    if res.status() == StatusCode::OK {
        let record: Value = res.json().await.unwrap();
        assert_ne!(record["email"], "anna@example.org");
        assert_eq!(record["id"], ksm_id);
    } else {
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }
    let res = app
        .get(&format!("/api/v1/participants/{kam_id}"), Some(&kam_token))
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let csv = app
        .get("/api/v1/participants.csv", Some(&ksm_staff))
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.contains("anna@example.org") && !csv.contains("berta@example.org"));
    let csv = kam
        .get("/api/v1/participants.csv", Some(&kam_staff))
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.contains("berta@example.org"));

    // Event feeds: one activation in the default programme, two in the sister.
    let count = |types: Vec<String>| {
        types
            .iter()
            .filter(|t| *t == "participant.activated")
            .count()
    };
    assert_eq!(
        count(event_types(
            &app.get_json("/api/v1/events", &ksm_staff).await
        )),
        1
    );
    assert_eq!(
        count(event_types(
            &kam.get_json("/api/v1/events", &kam_staff).await
        )),
        2
    );

    // Each programme writes to its people in its own name, from its own sender.
    app.mail_settled().await;
    kam.mail_settled().await;
    let welcome = |mail: &crate::support::smtp::Mail| mail.subject.starts_with("Willkommen im");
    let to_anna: Vec<_> = app.mail.received_by("anna@example.org");
    let ksm_welcome = to_anna
        .iter()
        .find(|m| welcome(m) && m.subject.contains("KSM"))
        .expect("the default programme's welcome");
    assert_eq!(ksm_welcome.subject, "Willkommen im KSM-Mentoring-Programm");
    assert!(ksm_welcome.text.contains("Geschäftsstelle des SK:KK"));
    assert!(!ksm_welcome.header_from.ends_with("@kam.example"));
    let kam_welcome = to_anna
        .iter()
        .find(|m| welcome(m) && m.subject.contains("KAM"))
        .expect("the sister's welcome");
    assert_eq!(kam_welcome.subject, "Willkommen im KAM-Mentoring-Programm");
    assert!(kam_welcome.text.contains("Geschäftsstelle des ZKA"));
    assert!(!kam_welcome.text.contains("SK:KK"), "{}", kam_welcome.text);
    assert_eq!(kam_welcome.header_from, "mentoring@kam.example");
}

async fn a_sister_programme_keeps_its_catalogue_routes_and_texts(mut app: TestApp) {
    let kam = app.with_sister(adaptation()).await;
    let ksm_staff = app.staff_token().await;
    let kam_staff = kam.staff_token().await;

    // A topic proposed in the sister's catalogue is not in the default's.
    let res = kam
        .post(
            "/api/v1/topics",
            Some(&kam_staff),
            &json!({"group": "local_politics", "title_de": "Hitzeaktionsplan"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let topic: Value = res.json().await.unwrap();
    let titles = |list: Value| -> Vec<String> {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["title_de"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    assert!(
        titles(
            kam.get_json("/api/v1/topics?status=proposed", &kam_staff)
                .await
        )
        .contains(&"Hitzeaktionsplan".to_owned())
    );
    assert!(
        !titles(
            app.get_json("/api/v1/topics?status=proposed", &ksm_staff)
                .await
        )
        .contains(&"Hitzeaktionsplan".to_owned())
    );
    let res = app
        .get(&format!("/api/v1/topics/{}", topic["id"]), Some(&ksm_staff))
        .await;
    if res.status() == StatusCode::OK {
        assert_ne!(
            res.json::<Value>().await.unwrap()["title_de"],
            "Hitzeaktionsplan"
        );
    }

    // The route table holds under the mount point: 405 with Allow, and unknown paths are 404.
    let res = kam
        .request(Method::DELETE, "/api/v1/topics", Some(&kam_staff), None)
        .await;
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(res.headers()["allow"].to_str().unwrap().contains("GET"));
    let unknown = app
        .get("/programmes/nope/api/v1/topics", Some(&ksm_staff))
        .await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        kam.get("/health/ready", None).await.status(),
        StatusCode::OK,
        "each programme answers for its own database"
    );
    // One scrape for the process, with each programme's pool and queues labelled.
    let metrics = |app: &TestApp| {
        app.client
            .get(format!("{}/metrics", app.address))
            .bearer_auth(TEST_METRICS_TOKEN)
            .send()
    };
    let scrape = metrics(&app).await.unwrap().text().await.unwrap();
    for programme in ["ksm", "kam"] {
        let gauge = format!(r#"mentoring_queue_messages{{programme="{programme}",queue="mail","#);
        assert!(scrape.contains(&gauge), "{scrape}");
    }
    assert_eq!(metrics(&kam).await.unwrap().status(), StatusCode::NOT_FOUND);

    // A calendar feed made in the sister is served by the sister, under its mount point.
    let res = kam
        .post("/api/v1/calendar-feed-tokens", Some(&kam_staff), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let feed: Value = res.json().await.unwrap();
    let url = feed["feed_url"].as_str().unwrap();
    assert!(
        url.contains("/programmes/kam/api/v1/calendar-feeds/"),
        "{url}"
    );
    let path = &url[url.find("/api/v1/").unwrap()..];
    let calendar = kam.get(path, None).await.text().await.unwrap();
    assert!(
        calendar.contains("X-WR-CALNAME:KAM-Mentoring-Programm"),
        "{calendar}"
    );
    assert_eq!(app.get(path, None).await.status(), StatusCode::NOT_FOUND);

    // Its one-page statistics name the sister programme.
    let res = kam
        .get("/api/v1/statistics.pdf?year=2026", Some(&kam_staff))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let pdf = res.bytes().await.unwrap();
    if let Some((text, _ink)) = crate::support::pdf::read_pdf(&pdf) {
        assert!(text.contains("KAM-Mentoring-Programm"), "{text}");
        assert!(!text.contains("KSM-Mentoring-Programm"));
    }
}

async fn a_database_serves_only_the_programme_that_claimed_it(app: TestApp) {
    // The default programme's database (claimed by `ksm` when the test server started) cannot
    // be a sister's: two programmes would share their people.
    let mut settings = test_settings(app.database_url());
    let mut sister = settings.clone();
    sister.programme = adaptation();
    settings.sisters = vec![sister];
    app.stop().await;
    match Application::build(settings) {
        Err(StartupError::Claim { code, reason }) => {
            assert_eq!(code, "kam");
            assert!(reason.contains("`ksm`"), "{reason}");
        }
        Err(other) => panic!("refused for another reason: {other}"),
        Ok(_) => panic!("a second programme started on the default's database"),
    }
    // A database from before programmes were claimed (people in it, no claim) is adopted by the
    // default programme only.
    app.create_staff("before@example.org").await;
    {
        use diesel::RunQueryDsl;
        let mut conn = app.pool.get().unwrap();
        diesel::sql_query("DELETE FROM programme")
            .execute(&mut conn)
            .unwrap();
    }
    let mut settings = test_settings(app.database_url());
    settings.programme = adaptation();
    match Application::build(settings) {
        Err(StartupError::Claim { reason, .. }) => {
            assert!(
                reason.contains("from before programmes were claimed"),
                "{reason}"
            );
        }
        Err(other) => panic!("refused for another reason: {other}"),
        Ok(_) => panic!("a sister adopted the default programme's people"),
    }
    // Nor may the default programme start on a claimed database under another code.
    {
        use diesel::RunQueryDsl;
        let mut conn = app.pool.get().unwrap();
        diesel::sql_query(
            "INSERT INTO programme (singleton, code, name, title, office, claimed_at) \
             VALUES (1, 'ksm', 'KSM', 'KSM', 'SK:KK', CURRENT_TIMESTAMP)",
        )
        .execute(&mut conn)
        .unwrap();
    }
    let mut settings = test_settings(app.database_url());
    settings.programme = adaptation();
    assert!(matches!(
        Application::build(settings),
        Err(StartupError::Claim { .. })
    ));
}

/// Runs the binary's `args` with the sister `kam` configured in the environment, and `extra`.
async fn run_binary(
    app: &TestApp,
    kam: &TestApp,
    args: &[&str],
    extra: &[(&str, &str)],
) -> std::process::Output {
    let programme = adaptation();
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_mentoring-api"));
    command
        .args(args)
        .env("DATABASE_URL", app.database_url())
        .env("JWT_SECRET", "cli-test-secret-cli-test-secret-cli-0123")
        .env("PROGRAMMES", "kam")
        .env("PROGRAMME_KAM_DATABASE_URL", kam.database_url())
        .env(
            "PROGRAMME_KAM_JWT_SECRET",
            "cli-kam-secret-cli-kam-secret-cli-0123",
        )
        .env("PROGRAMME_KAM_NAME", &programme.name)
        .env("PROGRAMME_KAM_TITLE", &programme.title)
        .env("PROGRAMME_KAM_OFFICE", &programme.office)
        .env("PROGRAMME_KAM_PUBLIC_URL", "https://kam.example.org")
        .env("STAFF_PASSWORD", "Kranich Notizblock Gewitter 7")
        .env("RUST_LOG", "off");
    for (name, value) in extra {
        command.env(name, value);
    }
    command.output().await.expect("the binary runs")
}

async fn the_binary_reads_sister_programmes_from_the_environment(mut app: TestApp) {
    let kam = app.with_sister(adaptation()).await;
    let create = [
        "--programme",
        "kam",
        "create-staff",
        "--email",
        "cli@zka.example",
    ];
    let done = run_binary(&app, &kam, &create, &[]).await;
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    // The account is the sister's: it logs in there, and is unknown to the default programme.
    kam.login("cli@zka.example", "Kranich Notizblock Gewitter 7")
        .await;
    let login = json!({"email": "cli@zka.example", "password": "Kranich Notizblock Gewitter 7"});
    assert_eq!(
        app.post("/api/v1/auth/token", None, &login).await.status(),
        StatusCode::UNAUTHORIZED
    );
    // What an operator gets wrong is named, and nothing starts.
    let cases: [(&[(&str, &str)], &str); 5] = [
        (
            &[("PROGRAMME_KAM_PUBLIC_URL", "")],
            "PROGRAMME_KAM_PUBLIC_URL must be set",
        ),
        (
            &[(
                "PROGRAMME_KAM_JWT_SECRET",
                "cli-test-secret-cli-test-secret-cli-0123",
            )],
            "PROGRAMME_KAM_JWT_SECRET is another programme's secret",
        ),
        (
            &[("PROGRAMME_KAM_DATABASE_URL", app.database_url())],
            "PROGRAMME_KAM_DATABASE_URL is another programme's database",
        ),
        (
            &[("PROGRAMMES", "kam,ksm")],
            "the programme code `ksm` is used twice",
        ),
        (
            &[("PROGRAMME_KAM_PUBLIC_URL", "http://localhost:8080")],
            "PROGRAMME_KAM_PUBLIC_URL is another programme's front end",
        ),
    ];
    for (extra, message) in cases {
        let refused = run_binary(&app, &kam, &["migrate"], extra).await;
        assert!(!refused.status.success(), "{message}");
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(stderr.contains(message), "{stderr}");
    }
    let unknown = run_binary(&app, &kam, &["--programme", "xyz", "migrate"], &[]).await;
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("`xyz`: no such programme is configured")
    );
}
