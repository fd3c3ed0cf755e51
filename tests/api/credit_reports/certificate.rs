//! The participation certificate: a real PDF whose text (pdftotext) states the mentor, the
//! activities, the sum and the minimum, that renders to a page with ink on it (pdftoppm), and
//! whose verification code stays while the content does, changes with it, survives concurrent
//! requests, and is checked by staff only.

use chrono::Duration;
use mentoring_api::db::models::credits::CreditSource;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{grant, held_webinar, participant, registration_with, start_for_year_two, today};
use crate::on_both_backends;
use crate::support::app::{TestApp, assert_problem};
use crate::support::pdf::read_pdf;

on_both_backends!(
    the_certificate_states_the_year_and_its_code_follows_the_content,
    concurrent_requests_for_one_content_get_one_code,
    only_the_mentor_and_staff_get_it_and_only_staff_verify,
);

async fn certificate(app: &TestApp, id: i64, token: &str) -> (String, Vec<u8>) {
    let res = app
        .get(
            &format!("/api/v1/participants/{id}/certificate.pdf"),
            Some(token),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert_eq!(res.headers()["cache-control"], "no-store");
    let disposition = res.headers()["content-disposition"].to_str().unwrap();
    assert_eq!(
        disposition,
        "attachment; filename=\"teilnahmebescheinigung-projektjahr-2.pdf\""
    );
    let code = res.headers()["certificate-code"]
        .to_str()
        .unwrap()
        .to_owned();
    let pdf = res.bytes().await.unwrap().to_vec();
    assert!(pdf.starts_with(b"%PDF-"));
    (code, pdf)
}

async fn verify(app: &TestApp, code: &str, token: &str) -> Value {
    let res = app
        .get(&format!("/api/v1/certificates/{code}"), Some(token))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

async fn the_certificate_states_the_year_and_its_code_follows_the_content(app: TestApp) {
    let staff = app.staff_token().await;
    let start = start_for_year_two(60);
    let body = registration_with(
        "c@example.org",
        "follow_up_project",
        &["mentor"],
        start,
        "BY",
    );
    let (id, project, token) = participant(&app, &staff, &body).await;
    let (session, day) = held_webinar(&app, &staff, &token, 30).await;
    grant(
        &app,
        id,
        "webinar",
        CreditSource::Session,
        session,
        day,
        None,
    )
    .await;

    let (code, pdf) = certificate(&app, id, &token).await;
    assert_eq!(code.len(), 14, "{code}");
    if let Some((text, ink)) = read_pdf(&pdf) {
        for expected in [
            "Teilnahmebescheinigung",
            "Frau Erika Mustermann",
            "als Mentorin",
            "Projektjahr 2",
            "Stadt Musterstadt, Musterstadt",
            "Bayern",
            "67K12345",
            "„Wärmeplanung kompakt“",
            "Kassel",
            "Insgesamt angerechnet: 5 Arbeitstage (40 Stunden).",
            "Der Mindestumfang von 5 Arbeitstage (40 Stunden) ist erreicht.",
            &format!("Prüfcode: {code}"),
            "Seite 1 von 1",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
        }
        assert!(ink > 0.002 && ink < 0.2, "dark share {ink}");
    }

    // The same content keeps its code; typed in lower case without hyphens it still verifies.
    let (again, _) = certificate(&app, id, &staff).await;
    assert_eq!(again, code);
    let typed = code.replace('-', "").to_lowercase();
    let stated = verify(&app, &typed, &staff).await;
    assert_eq!(stated["code"], json!(code));
    assert_eq!(stated["participant_id"], json!(id));
    assert_eq!(stated["participant_name"], json!("Erika Mustermann"));
    assert_eq!(stated["project_id"], json!(project));
    assert_eq!(stated["project_year"], json!(2));
    assert_eq!(stated["activity_count"], json!(1));
    assert_eq!(stated["total_hours"], json!(40));
    assert_eq!(stated["total_days"], json!(5.0));
    assert_eq!(stated["status"], json!("met"));
    assert_eq!(stated["superseded"], json!(false));

    // Another credit is another certificate; the first now shows as superseded.
    let sponsorship = CreditSource::ForumSponsorship;
    let earlier = today() - Duration::days(3);
    grant(
        &app,
        id,
        "forum_sponsorship",
        sponsorship,
        9001,
        earlier,
        Some(20),
    )
    .await;
    let (second, _) = certificate(&app, id, &token).await;
    assert_ne!(second, code);
    let stated = verify(&app, &second, &staff).await;
    assert_eq!(stated["activity_count"], json!(2));
    assert_eq!(stated["total_hours"], json!(60));
    assert_eq!(stated["superseded"], json!(false));
    assert_eq!(verify(&app, &code, &staff).await["superseded"], json!(true));

    // What cannot be a code is 400, a code never issued 404.
    let res = app
        .get("/api/v1/certificates/not-a-code", Some(&staff))
        .await;
    assert_problem(res, StatusCode::BAD_REQUEST).await;
    let unknown = if code.starts_with('0') {
        "1111-1111-1111"
    } else {
        "0000-0000-0000"
    };
    let res = app
        .get(&format!("/api/v1/certificates/{unknown}"), Some(&staff))
        .await;
    assert_problem(res, StatusCode::NOT_FOUND).await;

    // After erasure the certificate names no one: none is issued, the issued ones verify
    // without a name.
    let res = app
        .post(
            &format!("/api/v1/participants/{id}/erasure"),
            Some(&staff),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = app
        .get(
            &format!("/api/v1/participants/{id}/certificate.pdf"),
            Some(&staff),
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT).await;
    let stated = verify(&app, &second, &staff).await;
    assert_eq!(stated["participant_name"], Value::Null);
    assert_eq!(stated["total_hours"], json!(60));
}

async fn concurrent_requests_for_one_content_get_one_code(app: TestApp) {
    let staff = app.staff_token().await;
    let start = start_for_year_two(30);
    let body = registration_with(
        "r@example.org",
        "follow_up_project",
        &["mentor"],
        start,
        "NW",
    );
    let (id, _, token) = participant(&app, &staff, &body).await;
    let (session, day) = held_webinar(&app, &staff, &token, 30).await;
    grant(
        &app,
        id,
        "webinar",
        CreditSource::Session,
        session,
        day,
        None,
    )
    .await;

    let url = format!("{}/api/v1/participants/{id}/certificate.pdf", app.address);
    let tasks: Vec<_> = (0..6)
        .map(|_| {
            let (client, url, token) = (app.client.clone(), url.clone(), token.clone());
            tokio::spawn(async move {
                let res = client.get(url).bearer_auth(token).send().await.unwrap();
                assert_eq!(res.status(), StatusCode::OK);
                res.headers()["certificate-code"]
                    .to_str()
                    .unwrap()
                    .to_owned()
            })
        })
        .collect();
    let mut codes = Vec::new();
    for task in tasks {
        codes.push(task.await.unwrap());
    }
    assert!(codes.iter().all(|c| *c == codes[0]), "{codes:?}");
    assert_eq!(
        verify(&app, &codes[0], &staff).await["superseded"],
        json!(false)
    );
}

async fn only_the_mentor_and_staff_get_it_and_only_staff_verify(app: TestApp) {
    let staff = app.staff_token().await;
    let start = start_for_year_two(30);
    let body = registration_with("o@example.org", "first_project", &["mentor"], start, "NW");
    let (id, _, token) = participant(&app, &staff, &body).await;
    let other = registration_with("x@example.org", "first_project", &["mentor"], start, "NW");
    let (_, _, other_token) = participant(&app, &staff, &other).await;

    let path = format!("/api/v1/participants/{id}/certificate.pdf");
    assert_problem(
        app.get(&path, Some(&other_token)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_problem(app.get(&path, None).await, StatusCode::UNAUTHORIZED).await;
    let res = app
        .get(&format!("{path}?project_year=9"), Some(&token))
        .await;
    assert_problem(res, StatusCode::NOT_FOUND).await;

    // A first project has no minimum and this one no activities: the certificate says both.
    let (code, pdf) = certificate(&app, id, &token).await;
    if let Some((text, _)) = read_pdf(&pdf) {
        assert!(
            text.contains("keine Mentoring-Aktivitäten angerechnet"),
            "{text}"
        );
        assert!(text.contains("kein Mindestumfang"), "{text}");
    }
    let res = app
        .get(&format!("/api/v1/certificates/{code}"), Some(&token))
        .await;
    assert_problem(res, StatusCode::FORBIDDEN).await;
    let stated = verify(&app, &code, &staff).await;
    assert_eq!(stated["status"], json!("no_obligation"));
    assert_eq!(stated["min_hours"], Value::Null);
}
