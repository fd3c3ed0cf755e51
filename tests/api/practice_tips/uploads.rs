//! Uploads: only PDFs (by content), at most 10 MiB, nothing stored when refused; the page count is
//! read and a count far from the guidance is a warning, never a refusal.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{cast, create, new_tip, patch, upload_pages};
use crate::on_both_backends;
use crate::support::app::{TestApp, assert_problem};
use crate::support::participants::PDF;
use crate::support::pdf::{Extra, assert_refused, build, refused};

on_both_backends!(
    non_pdf_or_oversized_uploads_are_refused_with_a_problem_and_nothing_is_stored,
    page_counts_far_from_the_guidance_give_a_warning_not_a_refusal,
);

async fn non_pdf_or_oversized_uploads_are_refused_with_a_problem_and_nothing_is_stored(
    app: TestApp,
) {
    let c = cast(&app).await;
    let id = create(&app, &c.author, &new_tip("Beteiligung", "text", c.topic)).await;
    let path = format!("/api/v1/practice-tips/{id}/document");
    // Declared as something else: 415.
    let res = app
        .upload(&path, &c.author, "image/png", vec![0x89, b'P', b'N', b'G'])
        .await;
    let problem = assert_problem(res, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("application/pdf")
    );
    // Declared as PDF, but the bytes are not: 422.
    let res = app
        .upload(
            &path,
            &c.author,
            "application/pdf",
            b"MZ\x90\x00 not a pdf".to_vec(),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(
        problem["errors"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("not a PDF")
    );
    // A PDF that does not read, or carries scripts or files: 422 with the reason.
    for (label, bytes, code) in refused() {
        let res = app.upload(&path, &c.author, "application/pdf", bytes).await;
        assert_refused(res, code, label).await;
    }
    // Larger than 10 MiB: 413.
    let mut big = PDF.to_vec();
    big.resize(10 * 1024 * 1024 + 1, b' ');
    let res = app.upload(&path, &c.author, "application/pdf", big).await;
    assert_problem(res, StatusCode::PAYLOAD_TOO_LARGE).await;
    // Nothing was stored.
    let tip = app
        .get_json(&format!("/api/v1/practice-tips/{id}"), &c.author)
        .await;
    assert!(tip["document"].is_null());
    assert_problem(app.get(&path, Some(&c.author)).await, StatusCode::NOT_FOUND).await;
    let actions = super::audit_actions(&app, &c.staff, id).await;
    assert!(
        !actions
            .iter()
            .any(|a| a == "practice_tip.document_uploaded")
    );
    // Exactly 10 MiB is fine, and replaces nothing but itself.
    let mut limit = super::pdf_with_pages(2);
    limit.resize(10 * 1024 * 1024, b' ');
    let res = app.upload(&path, &c.author, "application/pdf", limit).await;
    assert_eq!(res.status(), StatusCode::OK);
    let doc: Value = res.json().await.unwrap();
    assert_eq!(doc["size_bytes"], 10 * 1024 * 1024);
    assert_eq!(doc["page_count"], 2);
}

async fn page_counts_far_from_the_guidance_give_a_warning_not_a_refusal(app: TestApp) {
    let c = cast(&app).await;
    let text = create(&app, &c.author, &new_tip("Langer Text", "text", c.topic)).await;
    let (status, doc) = upload_pages(&app, &c.author, text, 12).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["page_count"], 12);
    assert_eq!(doc["page_count_warning"]["code"], "too_long");
    assert!(
        doc["page_count_warning"]["message"]
            .as_str()
            .unwrap()
            .contains("DIN-A4")
    );

    let slides = create(&app, &c.author, &new_tip("Kurze Folien", "slides", c.topic)).await;
    let (status, doc) = upload_pages(&app, &c.author, slides, 5).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["page_count_warning"]["code"], "too_short");
    let (_, doc) = upload_pages(&app, &c.author, slides, 20).await;
    assert!(doc["page_count_warning"].is_null(), "about 20 slides fit");
    // Changing the kind re-judges the same document.
    let res = patch(&app, &c.author, text, Some("*"), &json!({"kind": "slides"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let tip: Value = res.json().await.unwrap();
    assert!(tip["document"]["page_count_warning"].is_null());
    // Compressed object streams and a cross-reference stream hide nothing: 23 slides are read.
    let compressed = build(23, "Folie", true, Extra::None);
    assert!(compressed.windows(6).any(|w| w == b"ObjStm"));
    let res = app
        .upload(
            &format!("/api/v1/practice-tips/{slides}/document"),
            &c.author,
            "application/pdf",
            compressed.clone(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let doc: Value = res.json().await.unwrap();
    assert_eq!(doc["page_count"], 23);
    assert!(doc["page_count_warning"].is_null());
    let stored = app
        .get(
            &format!("/api/v1/practice-tips/{slides}/document"),
            Some(&c.author),
        )
        .await;
    assert_eq!(
        stored.bytes().await.unwrap().as_ref(),
        compressed.as_slice()
    );
    // Still submittable: the guidance never refuses.
    assert_eq!(
        super::step(&app, &c.author, slides, "submission", json!({})).await,
        StatusCode::OK
    );
}
