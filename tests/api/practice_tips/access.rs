//! Who may do what with practice tips: anonymous, pending, integration, active mentee and mentor,
//! another mentor, an ended participant, staff; and the tips in a person's export and erasure.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{cast, create, new_tip, patch, published, step, upload_pages};
use crate::on_both_backends;
use crate::support::app::{TestApp, assert_problem};
use crate::support::participants::registration;

on_both_backends!(
    roles_see_and_do_exactly_what_they_may,
    an_ended_participant_can_no_longer_read_download_or_edit,
    export_lists_own_tips_and_erasure_keeps_only_published_ones,
);

async fn roles_see_and_do_exactly_what_they_may(app: TestApp) {
    let c = cast(&app).await;
    let (_, _, pending) = app
        .register(&registration(
            "pending@example.org",
            "follow_up_project",
            &["mentor"],
        ))
        .await;
    let integration = app.integration_token(&c.staff).await;
    let public = published(&app, &c, "Veröffentlicht").await;
    let draft = create(&app, &c.author, &new_tip("Entwurf", "text", c.topic)).await;
    assert_eq!(
        upload_pages(&app, &c.author, draft, 3).await.0,
        StatusCode::OK
    );
    let body = new_tip("Neu", "text", c.topic);
    let tip = |id: i64| format!("/api/v1/practice-tips/{id}");
    let doc = |id: i64| format!("/api/v1/practice-tips/{id}/document");

    // Anonymous: 401 everywhere.
    for path in ["/api/v1/practice-tips".to_owned(), tip(public), doc(public)] {
        assert_problem(app.get(&path, None).await, StatusCode::UNAUTHORIZED).await;
    }
    assert_problem(
        app.post("/api/v1/practice-tips", None, &body).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    // Pending participants and integrations: 403 for reading, downloading and creating.
    for token in [&pending, &integration] {
        for path in ["/api/v1/practice-tips".to_owned(), tip(public), doc(public)] {
            assert_problem(app.get(&path, Some(token)).await, StatusCode::FORBIDDEN).await;
        }
        assert_problem(
            app.post("/api/v1/practice-tips", Some(token), &body).await,
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    // Active mentees and staff read and download published tips; mentees do not write tips,
    // staff only for a mentor they name (see `on_behalf`).
    for (token, refused) in [
        (&c.mentee, StatusCode::FORBIDDEN),
        (&c.staff, StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        assert_eq!(
            app.get(&doc(public), Some(token)).await.status(),
            StatusCode::OK
        );
        assert_problem(
            app.post("/api/v1/practice-tips", Some(token), &body).await,
            refused,
        )
        .await;
    }
    // Someone else's draft is invisible to other participants (404), visible to staff.
    for token in [&c.mentee, &c.other_mentor] {
        assert_problem(
            app.get(&tip(draft), Some(token)).await,
            StatusCode::NOT_FOUND,
        )
        .await;
        assert_problem(
            app.get(&doc(draft), Some(token)).await,
            StatusCode::NOT_FOUND,
        )
        .await;
        assert_eq!(
            step(&app, token, draft, "submission", json!({})).await,
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(
        app.get(&doc(draft), Some(&c.staff)).await.status(),
        StatusCode::OK
    );
    // Only the author (or staff on their behalf) edits, uploads and submits: not another mentor
    // who sees the tip.
    let (token, id) = (&c.other_mentor, public);
    let res = app
        .post(&format!("{}/submission", tip(id)), Some(token), &json!({}))
        .await;
    assert_problem(res, StatusCode::FORBIDDEN).await;
    let res = patch(&app, token, id, Some("*"), &json!({"title": "x"})).await;
    assert_problem(res, StatusCode::FORBIDDEN).await;
    assert_eq!(
        upload_pages(&app, token, id, 3).await.0,
        StatusCode::FORBIDDEN
    );
    // Only staff review, publish, reject and withdraw.
    assert_eq!(
        step(&app, &c.author, draft, "submission", json!({})).await,
        StatusCode::OK
    );
    for token in [
        &c.author,
        &c.other_mentor,
        &c.mentee,
        &pending,
        &integration,
    ] {
        for (name, body) in [
            ("change-request", json!({"review_note": "x"})),
            ("publication", json!({})),
            ("rejection", json!({"reason": "x"})),
        ] {
            assert_eq!(
                step(&app, token, draft, name, body).await,
                StatusCode::FORBIDDEN,
                "{name}"
            );
        }
        assert_eq!(
            step(&app, token, public, "withdrawal", json!({"reason": "x"})).await,
            StatusCode::FORBIDDEN
        );
    }
    assert_eq!(
        app.get_json(&tip(draft), &c.staff).await["state"],
        "submitted"
    );
    // Unknown tips: 404.
    assert_problem(
        app.get(&tip(999_999), Some(&c.staff)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(
        step(&app, &c.staff, 999_999, "publication", json!({})).await,
        StatusCode::NOT_FOUND
    );
}

async fn an_ended_participant_can_no_longer_read_download_or_edit(app: TestApp) {
    let c = cast(&app).await;
    let public = published(&app, &c, "Öffentlich").await;
    let draft = create(
        &app,
        &c.author,
        &new_tip("Eigener Entwurf", "text", c.topic),
    )
    .await;
    for (id, token) in [(c.mentee_id, &c.mentee), (c.author_id, &c.author)] {
        let res = app
            .post(
                &format!("/api/v1/participants/{id}/ending"),
                Some(token),
                &json!({"ended_on": "2026-11-01", "reason": "Stellenwechsel"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    for token in [&c.mentee, &c.author] {
        for path in [
            "/api/v1/practice-tips".to_owned(),
            format!("/api/v1/practice-tips/{public}"),
            format!("/api/v1/practice-tips/{public}/document"),
        ] {
            assert_problem(app.get(&path, Some(token)).await, StatusCode::FORBIDDEN).await;
        }
    }
    // The ended author cannot touch the own draft either.
    assert_problem(
        patch(&app, &c.author, draft, Some("*"), &json!({"title": "x"})).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(
        upload_pages(&app, &c.author, draft, 3).await.0,
        StatusCode::FORBIDDEN
    );
    // The published tip stays in the knowledge store, with the author's credit.
    let seen = app
        .get_json(&format!("/api/v1/practice-tips/{public}"), &c.staff)
        .await;
    assert_eq!(seen["state"], "published");
    assert_eq!(seen["credit"]["hours"], 40);
    assert_eq!(
        app.get_json(&format!("/api/v1/practice-tips/{public}"), &c.other_mentor)
            .await["state"],
        "published"
    );
}

async fn export_lists_own_tips_and_erasure_keeps_only_published_ones(app: TestApp) {
    let c = cast(&app).await;
    let public = published(&app, &c, "Bleibt im Wissensspeicher").await;
    let draft = create(
        &app,
        &c.author,
        &new_tip("Privater Entwurf", "text", c.topic),
    )
    .await;
    assert_eq!(
        upload_pages(&app, &c.author, draft, 2).await.0,
        StatusCode::OK
    );
    let export = app
        .get_json(
            &format!("/api/v1/participants/{}/export", c.author_id),
            &c.author,
        )
        .await;
    let tips = export["practice_tips"].as_array().unwrap();
    let ids: Vec<i64> = tips.iter().map(|t| t["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![public, draft]);
    assert_eq!(tips[0]["credit"]["hours"], 40);
    let other = app
        .get_json(
            &format!("/api/v1/participants/{}/export", c.mentee_id),
            &c.mentee,
        )
        .await;
    assert!(other["practice_tips"].as_array().unwrap().is_empty());

    let res = app
        .request(
            Method::POST,
            &format!("/api/v1/participants/{}/erasure", c.author_id),
            Some(&c.staff),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_problem(
        app.get(&format!("/api/v1/practice-tips/{draft}"), Some(&c.staff))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let kept = app
        .get_json(&format!("/api/v1/practice-tips/{public}"), &c.mentee)
        .await;
    assert_eq!(kept["title"], "Bleibt im Wissensspeicher");
    assert_eq!(
        app.get(
            &format!("/api/v1/practice-tips/{public}/document"),
            Some(&c.mentee)
        )
        .await
        .status(),
        StatusCode::OK
    );
}
