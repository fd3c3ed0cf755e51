//! `GET /metrics`: requests counted under their route pattern (never the concrete path), the
//! pool and the queues as gauges, and only the configured token opens it.

use diesel::RunQueryDsl;
use reqwest::StatusCode;

use crate::on_both_backends;
use crate::support::app::{TEST_METRICS_TOKEN, TestApp, assert_problem};
use crate::support::participants::registration;

on_both_backends!(
    requests_are_counted_under_their_route_pattern,
    pool_and_queue_depths_are_reported,
    only_the_metrics_token_opens_the_scrape
);

/// The scrape's text, with the token.
async fn scrape(app: &TestApp) -> String {
    let res = app.get("/metrics", Some(TEST_METRICS_TOKEN)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text"),
    );
    res.text().await.unwrap()
}

/// The value of the sample `name{labels}`, 0 when the series does not exist yet.
fn sample(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .map_or(0.0, |v| v.parse().unwrap())
}

async fn requests_are_counted_under_their_route_pattern(app: TestApp) {
    let staff = app.staff_token().await;
    let (id, _, _) = app
        .register(&registration(
            "metrics@example.org",
            "first_project",
            &["mentee"],
        ))
        .await;
    let labels = r#"{method="GET",route="/api/v1/participants/{id}",status="200"}"#;
    let before = scrape(&app).await;

    let res = app
        .get(&format!("/api/v1/participants/{id}"), Some(&staff))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app.get("/api/v1/no-such-thing/7", None).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    let after = scrape(&app).await;
    let counter = format!("mentoring_http_requests_total{labels}");
    assert_eq!(
        sample(&after, &counter),
        sample(&before, &counter) + 1.0,
        "{after}"
    );
    let count = format!("mentoring_http_request_duration_seconds_count{labels}");
    assert_eq!(sample(&after, &count), sample(&before, &count) + 1.0);
    let unmatched = r#"mentoring_http_requests_total{method="GET",route="unmatched",status="404"}"#;
    assert_eq!(sample(&after, unmatched), sample(&before, unmatched) + 1.0);
    // Concrete paths (personal ids, unbounded) never become labels.
    assert!(!after.contains(&format!("/api/v1/participants/{id}\"")));
    assert!(!after.contains("no-such-thing"));
    // The scrape before this one was counted too, under its own pattern.
    assert!(
        sample(
            &after,
            r#"mentoring_http_requests_total{method="GET",route="/metrics",status="200"}"#
        ) >= 1.0
    );
}

async fn pool_and_queue_depths_are_reported(app: TestApp) {
    let before = scrape(&app).await;
    assert_eq!(
        sample(
            &before,
            r#"mentoring_db_pool_connections{programme="ksm",state="max"}"#
        ),
        8.0
    );
    assert!(
        sample(
            &before,
            r#"mentoring_db_pool_connections{programme="ksm",state="open"}"#
        ) >= 1.0
    );
    let pending = r#"mentoring_queue_messages{programme="ksm",queue="mail",status="pending"}"#;
    assert!(before.contains(pending), "{before}");
    assert!(
        before.contains(
            r#"mentoring_queue_messages{programme="ksm",queue="webhook",status="pending"}"#
        )
    );

    // A message due only next century waits in the queue: the depth counts it.
    let mut conn = app.pool.get().unwrap();
    diesel::sql_query(
        "INSERT INTO mail_messages (to_address, kind, lang, subject, body_text, body_html, \
         message_id, status, attempts, next_attempt_at, created_at) VALUES ('queue@example.org', \
         'password_reset', 'de', 'Betreff', 'Text', '<p>Text</p>', '<queue@example.org>', \
         'pending', 0, '2999-01-01 00:00:00', '2026-01-01 00:00:00')",
    )
    .execute(&mut conn)
    .unwrap();
    drop(conn);
    let after = scrape(&app).await;
    assert_eq!(
        sample(&after, pending),
        sample(&before, pending) + 1.0,
        "{after}"
    );
}

async fn only_the_metrics_token_opens_the_scrape(mut app: TestApp) {
    // Staff, participant and integration JWTs are covered by the authorization matrix.
    for token in [None, Some("wrong-token"), Some(&TEST_METRICS_TOKEN[1..])] {
        let res = app.get("/metrics", token).await;
        assert_eq!(res.headers()["www-authenticate"], "Bearer");
        assert_problem(res, StatusCode::UNAUTHORIZED).await;
    }
    let res = app
        .client
        .get(format!("{}/metrics", app.address))
        .header("authorization", format!("bearer {TEST_METRICS_TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "the scheme is case-insensitive"
    );

    // Without METRICS_TOKEN there is no scrape at all: any credentials get 404, none 401.
    app.restart_with(|settings| settings.metrics_token = None)
        .await;
    let res = app.get("/metrics", Some(TEST_METRICS_TOKEN)).await;
    assert_problem(res, StatusCode::NOT_FOUND).await;
    let res = app.get("/metrics", None).await;
    assert_problem(res, StatusCode::UNAUTHORIZED).await;
}
