//! The report over credits earned through the real workflows: a documented session, a completed
//! forum sponsorship and a published practice tip, each credited through the ledger by its own
//! transition, and the NKI text naming each with its details.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{held_webinar, participant, registration_with, start_for_year_two, today};
use crate::on_both_backends;
use crate::practice_tips::{create, new_tip, step as tip_step, upload_pages};
use crate::support::app::TestApp;
use crate::support::sessions::accepted_topic;
use crate::support::sponsorships::{application, apply, forum, months_end, put_evidence, step};

on_both_backends!(credits_from_all_three_workflows_reach_the_report_and_the_nki_text);

async fn credits_from_all_three_workflows_reach_the_report_and_the_nki_text(app: TestApp) {
    let staff = app.staff_token().await;
    // Project year two began 200 days ago; everything below happens in it.
    let body = registration_with(
        "m@example.org",
        "follow_up_project",
        &["mentor"],
        start_for_year_two(200),
        "BY",
    );
    let (id, _, mentor) = participant(&app, &staff, &body).await;

    // A webinar, held and documented: 40 h on its date.
    let (session, _) = held_webinar(&app, &staff, &mentor, 30).await;
    let res = app
        .post(
            &format!("/api/v1/sessions/{session}/documentation"),
            Some(&mentor),
            &json!({"summary": "Impulse und Diskussion", "results": "Checkliste", "people_reached": 31}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    // A six-month sponsorship with the 20-hour option, evidenced and completed: 20 h on its end.
    let forum_id = forum(&app, 0).await;
    let starts = today() - Duration::days(199);
    let ends = months_end(starts, 6);
    let sponsorship = apply(&app, &mentor, &application(forum_id, starts, ends, 20)).await;
    assert_eq!(
        step(&app, sponsorship, "approval", &staff, json!({})).await,
        StatusCode::OK
    );
    let evidence = json!({"post_count": 37, "thread_titles": ["Förderung 2027"]});
    assert_eq!(
        put_evidence(&app, sponsorship, &mentor, &evidence).await,
        StatusCode::OK
    );
    assert_eq!(
        step(&app, sponsorship, "completion", &staff, json!({})).await,
        StatusCode::OK
    );

    // A practice tip, published: 40 h today.
    let topic = accepted_topic(&app, &staff).await;
    let tip = create(
        &app,
        &mentor,
        &new_tip("Klimaschutz im Haushalt", "text", topic),
    )
    .await;
    assert_eq!(upload_pages(&app, &mentor, tip, 3).await.0, StatusCode::OK);
    assert_eq!(
        tip_step(&app, &mentor, tip, "submission", json!({})).await,
        StatusCode::OK
    );
    assert_eq!(
        tip_step(&app, &staff, tip, "publication", json!({})).await,
        StatusCode::OK
    );

    let report = app
        .get_json(&format!("/api/v1/participants/{id}/credit-report"), &mentor)
        .await;
    assert_eq!(report["project_year"]["number"], 2);
    assert_eq!(report["total_hours"], 100);
    assert_eq!(report["total_days"], 12.5);
    assert_eq!(report["status"], "met");
    let items = report["items"].as_array().unwrap();
    let of = |kind: &str| -> &Value {
        items
            .iter()
            .find(|i| i["source_kind"] == kind)
            .unwrap_or_else(|| panic!("a {kind} item"))
    };
    assert_eq!(of("session")["title"], "Wärmeplanung kompakt");
    assert_eq!(of("session")["people_reached"], 31);
    let forum_item = of("forum_sponsorship");
    assert_eq!(forum_item["hours"], 20);
    assert_eq!(forum_item["earned_on"], json!(ends));
    assert_eq!(forum_item["post_count"], 37);
    assert!(forum_item["forum_title"].is_string());
    assert_eq!(forum_item["from"], json!(starts));
    assert_eq!(of("practice_tip")["title"], "Klimaschutz im Haushalt");
    assert_eq!(of("practice_tip")["hours"], 40);

    let path = format!("/api/v1/participants/{id}/credit-report/nki-text");
    let res = app.get(&path, Some(&mentor)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let text = res.text().await.unwrap();
    let forum_title = forum_item["forum_title"].as_str().unwrap();
    for expected in [
        "„Wärmeplanung kompakt“",
        "erreichte Personen: 31",
        &format!("Forum „{forum_title}“"),
        "Anzahl der Beiträge: 37",
        "2,5 Arbeitstage (20 Stunden)",
        "„Klimaschutz im Haushalt“",
        "12,5 Arbeitstage (100 Stunden)",
    ] {
        assert!(
            text.contains(expected),
            "the NKI text lacks {expected:?}:\n{text}"
        );
    }
}
