//! From draft to publication (with the author's credit), changes requested, rejection,
//! withdrawal with and without revoking the credit, and wrong-state steps.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{Cast, audit_actions, cast, create, new_tip, patch, published, step, upload_pages};
use crate::on_both_backends;
use crate::support::app::{TestApp, assert_problem};

on_both_backends!(
    whole_workflow_from_draft_to_publication_credits_the_author_once,
    withdrawal_keeps_the_credit_unless_staff_revoke_it_with_a_reason,
    wrong_state_steps_are_409_and_a_submitted_tip_is_frozen,
    twenty_concurrent_publications_credit_the_author_once,
    staff_record_an_earlier_publication_and_the_credit_is_dated_then,
);

async fn tip(app: &TestApp, token: &str, id: i64) -> Value {
    app.get_json(&format!("/api/v1/practice-tips/{id}"), token)
        .await
}

async fn whole_workflow_from_draft_to_publication_credits_the_author_once(app: TestApp) {
    let c: Cast = cast(&app).await;
    let mut body = new_tip("Klimaschutz im Haushalt", "text", c.topic);
    body["anonymisation_requested"] = json!(true);
    let id = create(&app, &c.author, &body).await;
    let draft = tip(&app, &c.author, id).await;
    assert_eq!(draft["state"], "draft");
    assert_eq!(draft["author_id"], c.author_id);
    assert_eq!(draft["abstract"], body["abstract"]);
    assert!(draft["document"].is_null() && draft["credit"].is_null());

    let (status, doc) = upload_pages(&app, &c.author, id, 4).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["page_count"], 4);
    assert!(doc["page_count_warning"].is_null());

    // Edits need the current ETag.
    let res = app
        .get(&format!("/api/v1/practice-tips/{id}"), Some(&c.author))
        .await;
    let tag = res.headers()["etag"].to_str().unwrap().to_owned();
    let edit = json!({"title": "Klimaschutz im Haushalt verankern"});
    assert_problem(
        patch(&app, &c.author, id, None, &edit).await,
        StatusCode::PRECONDITION_REQUIRED,
    )
    .await;
    assert_problem(
        patch(&app, &c.author, id, Some("\"999\""), &edit).await,
        StatusCode::PRECONDITION_FAILED,
    )
    .await;
    let res = patch(&app, &c.author, id, Some(&tag), &edit).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_ne!(res.headers()["etag"].to_str().unwrap(), tag);
    assert_eq!(res.json::<Value>().await.unwrap()["title"], edit["title"]);

    // Submitted, sent back with a note, edited, submitted again.
    assert_eq!(
        step(&app, &c.author, id, "submission", json!({})).await,
        StatusCode::OK
    );
    let note = json!({"review_note": "Bitte die Gemeindenamen im Beispiel entfernen."});
    assert_eq!(
        step(&app, &c.staff, id, "change-request", note.clone()).await,
        StatusCode::OK
    );
    let back = tip(&app, &c.author, id).await;
    assert_eq!(back["state"], "changes_requested");
    assert_eq!(back["review_note"], note["review_note"]);
    assert_eq!(upload_pages(&app, &c.author, id, 5).await.0, StatusCode::OK);
    assert_eq!(
        step(&app, &c.author, id, "submission", json!({})).await,
        StatusCode::OK
    );

    // Anonymisation was requested: publishing needs staff's explicit confirmation.
    let problem = assert_problem(
        app.post(
            &format!("/api/v1/practice-tips/{id}/publication"),
            Some(&c.staff),
            &json!({}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(problem["errors"][0]["pointer"], "/anonymisation_confirmed");
    let confirm = json!({"anonymisation_confirmed": true});
    assert_eq!(
        step(&app, &c.staff, id, "publication", confirm).await,
        StatusCode::OK
    );

    let done = tip(&app, &c.author, id).await;
    assert_eq!(done["state"], "published");
    assert_eq!(done["anonymisation_confirmed"], true);
    assert_eq!(done["document"]["page_count"], 5);
    assert_eq!(done["credit"]["hours"], 40, "the catalogue rule's hours");
    let today = mentoring_api::domain::programme_time::programme_today().to_string();
    assert_eq!(done["credit"]["earned_on"], today);
    assert!(done["credit"]["revoked_at"].is_null());
    // Other participants read it, without the author's credit or the review note.
    let seen = tip(&app, &c.mentee, id).await;
    assert_eq!(seen["state"], "published");
    assert!(seen["credit"].is_null() && seen["review_note"].is_null());
    let res = app
        .get(
            &format!("/api/v1/practice-tips/{id}/document"),
            Some(&c.mentee),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert_eq!(
        res.headers()["content-disposition"],
        format!("attachment; filename=\"praxistipp-{id}-klimaschutz-im-haushalt-verankern.pdf\"")
            .as_str()
    );
    assert_eq!(
        res.bytes().await.unwrap().as_ref(),
        super::pdf_with_pages(5).as_slice()
    );

    let actions = audit_actions(&app, &c.staff, id).await;
    for action in [
        "practice_tip.created",
        "practice_tip.document_uploaded",
        "practice_tip.updated",
        "practice_tip.submitted",
        "practice_tip.changes_requested",
        "practice_tip.published",
    ] {
        assert!(actions.iter().any(|a| a == action), "{action} audited");
    }
    let events = app
        .get_json(
            &format!("/api/v1/audit-events?entity_type=practice_tip&entity_id={id}"),
            &c.staff,
        )
        .await
        .to_string();
    assert!(
        !events.contains("Gemeindenamen") && !events.contains("Haushalt"),
        "no free text in the audit"
    );
}

async fn withdrawal_keeps_the_credit_unless_staff_revoke_it_with_a_reason(app: TestApp) {
    let c = cast(&app).await;
    let kept = published(&app, &c, "Beschlussvorlagen schreiben").await;
    let revoked = published(&app, &c, "Pressearbeit").await;

    let reason = json!({"reason": "Veraltet nach Gesetzesänderung"});
    assert_eq!(
        step(&app, &c.staff, kept, "withdrawal", reason).await,
        StatusCode::OK
    );
    let withdrawn = tip(&app, &c.author, kept).await;
    assert_eq!(withdrawn["state"], "withdrawn");
    assert_eq!(withdrawn["credit"]["hours"], 40);
    assert!(
        withdrawn["credit"]["revoked_at"].is_null(),
        "the credit stays"
    );
    // Out of the knowledge store: others no longer see or download it.
    for path in [
        format!("/api/v1/practice-tips/{kept}"),
        format!("/api/v1/practice-tips/{kept}/document"),
    ] {
        assert_problem(app.get(&path, Some(&c.mentee)).await, StatusCode::NOT_FOUND).await;
    }

    let without_reason = json!({"reason": "Fehlerhaft", "revoke_credit": true});
    let problem = assert_problem(
        app.post(
            &format!("/api/v1/practice-tips/{revoked}/withdrawal"),
            Some(&c.staff),
            &without_reason,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(problem["errors"][0]["pointer"], "/credit_revocation_reason");
    assert_eq!(tip(&app, &c.staff, revoked).await["state"], "published");
    let with_reason = json!({
        "reason": "Fehlerhaft",
        "revoke_credit": true,
        "credit_revocation_reason": "Inhalt übernommen, nicht selbst erstellt",
    });
    assert_eq!(
        step(&app, &c.staff, revoked, "withdrawal", with_reason).await,
        StatusCode::OK
    );
    let credit = &tip(&app, &c.author, revoked).await["credit"];
    assert!(credit["revoked_at"].is_string());
    assert_eq!(
        credit["revoked_reason"],
        "Inhalt übernommen, nicht selbst erstellt"
    );
    assert!(
        audit_actions(&app, &c.staff, revoked)
            .await
            .contains(&"practice_tip.withdrawn".to_owned())
    );
}

async fn wrong_state_steps_are_409_and_a_submitted_tip_is_frozen(app: TestApp) {
    let c = cast(&app).await;
    let id = create(
        &app,
        &c.author,
        &new_tip("Bündnisse leiten", "slides", c.topic),
    )
    .await;
    // No PDF yet: cannot be submitted; a draft cannot be published, rejected or withdrawn.
    assert_eq!(
        step(&app, &c.author, id, "submission", json!({})).await,
        StatusCode::CONFLICT
    );
    assert_eq!(
        step(&app, &c.staff, id, "publication", json!({})).await,
        StatusCode::CONFLICT
    );
    assert_eq!(
        step(&app, &c.staff, id, "rejection", json!({"reason": "x"})).await,
        StatusCode::CONFLICT
    );
    assert_eq!(
        step(&app, &c.staff, id, "withdrawal", json!({"reason": "x"})).await,
        StatusCode::CONFLICT
    );
    assert_eq!(
        upload_pages(&app, &c.author, id, 20).await.0,
        StatusCode::OK
    );
    assert_eq!(
        step(&app, &c.author, id, "submission", json!({})).await,
        StatusCode::OK
    );
    assert_eq!(
        step(&app, &c.author, id, "submission", json!({})).await,
        StatusCode::CONFLICT
    );
    // Frozen after submission: no edits, no new document.
    let res = patch(&app, &c.author, id, Some("*"), &json!({"title": "Neu"})).await;
    assert_problem(res, StatusCode::CONFLICT).await;
    assert_eq!(
        upload_pages(&app, &c.author, id, 20).await.0,
        StatusCode::CONFLICT
    );
    assert_eq!(
        step(
            &app,
            &c.staff,
            id,
            "rejection",
            json!({"reason": "Kein Bezug zu § 4"})
        )
        .await,
        StatusCode::OK
    );
    let rejected = tip(&app, &c.author, id).await;
    assert_eq!(rejected["state"], "rejected");
    assert_eq!(rejected["state_reason"], "Kein Bezug zu § 4");
    assert!(
        rejected["credit"].is_null(),
        "no credit without publication"
    );
    assert_eq!(
        step(&app, &c.staff, id, "publication", json!({})).await,
        StatusCode::CONFLICT
    );
    assert_eq!(
        step(&app, &c.author, id, "submission", json!({})).await,
        StatusCode::CONFLICT
    );
    // Publishing twice does not credit twice.
    let other = published(&app, &c, "Wärmeplanung").await;
    assert_eq!(
        step(&app, &c.staff, other, "publication", json!({})).await,
        StatusCode::CONFLICT
    );
    assert_eq!(
        step(&app, &c.staff, other, "rejection", json!({"reason": "x"})).await,
        StatusCode::CONFLICT
    );
}

async fn twenty_concurrent_publications_credit_the_author_once(app: TestApp) {
    let c = cast(&app).await;
    let id = create(&app, &c.author, &new_tip("Gleichzeitig", "text", c.topic)).await;
    assert_eq!(upload_pages(&app, &c.author, id, 3).await.0, StatusCode::OK);
    assert_eq!(
        step(&app, &c.author, id, "submission", json!({})).await,
        StatusCode::OK
    );
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let client = app.client.clone();
            let url = format!("{}/api/v1/practice-tips/{id}/publication", app.address);
            let token = c.staff.clone();
            tokio::spawn(async move {
                let res = client.post(url).bearer_auth(token).json(&json!({})).send();
                res.await.unwrap().status()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    let published = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((published, refused), (1, 19), "{statuses:?}");
    assert_eq!(tip(&app, &c.author, id).await["credit"]["hours"], 40);
    let actions = audit_actions(&app, &c.staff, id).await;
    let publications = actions.iter().filter(|a| *a == "practice_tip.published");
    assert_eq!(publications.count(), 1);
}

/// A tip published last year, recorded now: the credit lands on its publication day.
async fn staff_record_an_earlier_publication_and_the_credit_is_dated_then(app: TestApp) {
    let c = cast(&app).await;
    let id = create(&app, &c.author, &new_tip("Nachgetragen", "text", c.topic)).await;
    assert_eq!(upload_pages(&app, &c.author, id, 3).await.0, StatusCode::OK);
    assert_eq!(
        step(&app, &c.author, id, "submission", json!({})).await,
        StatusCode::OK
    );
    let tomorrow = (mentoring_api::domain::programme_time::programme_today()
        + chrono::Duration::days(1))
    .to_string();
    for (published_on, pointer) in [
        (tomorrow.as_str(), "/published_on"),
        ("1989-12-31", "/published_on"),
    ] {
        let res = app
            .post(
                &format!("/api/v1/practice-tips/{id}/publication"),
                Some(&c.staff),
                &json!({"published_on": published_on}),
            )
            .await;
        let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(problem["errors"][0]["pointer"], pointer, "{problem:#}");
        assert_eq!(
            tip(&app, &c.staff, id).await["state"],
            "submitted",
            "unchanged"
        );
    }
    // The author cannot backdate their own tip: publishing is for staff.
    assert_eq!(
        step(
            &app,
            &c.author,
            id,
            "publication",
            json!({"published_on": "2025-06-15"})
        )
        .await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        step(
            &app,
            &c.staff,
            id,
            "publication",
            json!({"published_on": "2025-06-15"})
        )
        .await,
        StatusCode::OK
    );
    let done = tip(&app, &c.staff, id).await;
    assert_eq!(done["state"], "published");
    assert_eq!(done["credit"]["earned_on"], "2025-06-15");
    assert_eq!(done["credit"]["hours"], 40);
    assert!(
        done["published_at"]
            .as_str()
            .unwrap()
            .starts_with("2025-06-15"),
        "{done:#}"
    );
    let audit = app
        .get_json(
            &format!("/api/v1/audit-events?entity_type=practice_tip&entity_id={id}"),
            &c.staff,
        )
        .await;
    assert_eq!(audit["items"][0]["action"], "practice_tip.published");
    assert_eq!(audit["items"][0]["after"]["published_on"], "2025-06-15");
}
