//! Search by topic, kind and words (LIKE wildcards literal), keyset pages, and what each caller
//! sees: staff all, participants published tips and their own.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{cast, create, new_tip, published, step, upload_pages};
use crate::on_both_backends;
use crate::support::app::{TestApp, assert_problem};

on_both_backends!(search_by_topic_kind_and_words_shows_participants_published_and_own_tips);

fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect()
}

async fn search_by_topic_kind_and_words_shows_participants_published_and_own_tips(app: TestApp) {
    let c = cast(&app).await;
    let text = published(&app, &c, "Wärmeplanung in 100% kleinen Gemeinden").await;
    let slides = create(
        &app,
        &c.author,
        &new_tip("Energiesparmodelle an Schulen", "slides", c.topic),
    )
    .await;
    assert_eq!(
        upload_pages(&app, &c.author, slides, 20).await.0,
        StatusCode::OK
    );
    assert_eq!(
        step(&app, &c.author, slides, "submission", json!({})).await,
        StatusCode::OK
    );
    assert_eq!(
        step(&app, &c.staff, slides, "publication", json!({})).await,
        StatusCode::OK
    );
    let draft = create(
        &app,
        &c.author,
        &new_tip("Entwurf Wärmeplanung", "text", c.topic),
    )
    .await;
    let others_draft = create(
        &app,
        &c.other_mentor,
        &new_tip("Fremder Entwurf", "text", c.topic),
    )
    .await;

    let all = "/api/v1/practice-tips";
    assert_eq!(
        ids(&app.get_json(all, &c.staff).await),
        vec![text, slides, draft, others_draft]
    );
    assert_eq!(
        ids(&app.get_json(all, &c.author).await),
        vec![text, slides, draft]
    );
    assert_eq!(ids(&app.get_json(all, &c.mentee).await), vec![text, slides]);
    let q = |query: &str| format!("{all}?{query}");
    assert_eq!(
        ids(&app.get_json(&q("kind=slides"), &c.mentee).await),
        vec![slides]
    );
    assert_eq!(
        ids(&app.get_json(&q("q=W%C3%84RMEPLANUNG"), &c.author).await).len(),
        2
    );
    assert_eq!(
        ids(&app
            .get_json(&q("q=wärmeplanung%20gemeinden"), &c.mentee)
            .await),
        vec![text]
    );
    assert_eq!(
        ids(&app.get_json(&q("q=Haushaltsstelle"), &c.mentee).await),
        vec![text, slides],
        "abstract"
    );
    // Case folding covers umlauts on both backends (SQLite's lower() folds ASCII only), and an
    // edited title is searched at once.
    let umlauts = create(
        &app,
        &c.author,
        &new_tip("Öffentlichkeitsarbeit", "text", c.topic),
    )
    .await;
    assert_eq!(
        ids(&app
            .get_json(&q("q=%C3%B6ffentlichkeitsarbeit"), &c.author)
            .await),
        vec![umlauts]
    );
    let res = super::patch(
        &app,
        &c.author,
        umlauts,
        Some("*"),
        &json!({"title": "ÜBER ÄMTER"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        ids(&app
            .get_json(&q("q=%C3%B6ffentlichkeitsarbeit"), &c.author)
            .await)
        .is_empty()
    );
    assert_eq!(
        ids(&app
            .get_json(&q("q=%C3%BCber%20%C3%A4mter"), &c.author)
            .await),
        vec![umlauts]
    );
    // LIKE wildcards are literal.
    assert_eq!(
        ids(&app.get_json(&q("q=100%25"), &c.mentee).await),
        vec![text]
    );
    assert!(ids(&app.get_json(&q("q=_%25_"), &c.mentee).await).is_empty());
    assert_eq!(
        ids(&app.get_json(&q("state=draft"), &c.staff).await),
        vec![draft, others_draft, umlauts]
    );
    assert_eq!(
        ids(&app
            .get_json(&q(&format!("topic_id={}", c.topic)), &c.mentee)
            .await),
        vec![text, slides]
    );
    assert!(ids(&app.get_json(&q("topic_id=999999"), &c.mentee).await).is_empty());
    // Paginated.
    let first = app.get_json(&q("limit=1"), &c.mentee).await;
    assert_eq!(ids(&first), vec![text]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = app
        .get_json(&q(&format!("limit=1&cursor={cursor}")), &c.mentee)
        .await;
    assert_eq!(ids(&second), vec![slides]);
    assert!(second["next_cursor"].is_null());
    // Control characters in the text filter: 400 before any query.
    assert_problem(
        app.get(&q("q=a%00b"), Some(&c.mentee)).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_problem(
        app.get(&q("kind=video"), Some(&c.mentee)).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
}
