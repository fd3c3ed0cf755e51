//! Participants: the registration lifecycle, validation, the directory and concurrency.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::app::{TestApp, assert_problem, pointers};
use crate::support::participants::{PDF, registration};

on_both_backends!(
    registration_lifecycle_end_to_end,
    invalid_registration_is_422_with_field_pointers_and_stores_nothing,
    a_known_address_gets_the_same_answer_and_its_owner_an_email,
    wrong_or_oversized_contact_sheet_is_refused_and_nothing_stored,
    activation_needs_a_confirmed_sheet,
    directory_lists_only_active_consenting_participants_with_filters,
    concurrent_patches_with_the_same_etag_get_one_412,
    patch_needs_if_match,
    ksm1_mentor_is_flagged_until_the_agency_is_notified,
    staff_export_participants_as_csv_for_excel,
    topics_of_expertise_and_interest_must_be_accepted_and_filter_the_directory,
    active_participants_read_and_propose_topics_and_pending_ones_do_not,
);

async fn registration_lifecycle_end_to_end(app: TestApp) {
    let staff = app.staff_token().await;
    let body = registration("erika@example.org", "first_project", &["mentee"]);
    let res = app.post("/api/v1/registrations", None, &body).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    assert!(
        !res.headers().contains_key("etag"),
        "nothing tells a new from a known address"
    );
    let token = app
        .login("erika@example.org", "correct horse battery staple")
        .await;
    let id = app.own_participant_id(&token).await;
    let res = app
        .get(&format!("/api/v1/participants/{id}"), Some(&token))
        .await;
    assert!(res.headers().contains_key("etag"));
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["status"], "pending");
    assert_eq!(created["roles"], json!(["mentee"]));
    assert_eq!(created["current_project"]["kind"], "first_project");
    let project = created["current_project"]["id"].as_i64().unwrap();

    // pending: own record yes, member resources no
    let own = app
        .get_json(&format!("/api/v1/participants/{id}"), &token)
        .await;
    assert_eq!(own["email"], "erika@example.org");
    assert_problem(
        app.get("/api/v1/directory", Some(&token)).await,
        StatusCode::FORBIDDEN,
    )
    .await;

    // sheet → confirmation → activation
    app.activate(&staff, id, project, &token).await;
    let own = app
        .get_json(&format!("/api/v1/participants/{id}"), &token)
        .await;
    assert_eq!(own["status"], "active");
    assert!(own["activated_at"].is_string());
    let sheet = app
        .get(
            &format!("/api/v1/participants/{id}/projects/{project}/contact-sheet"),
            Some(&token),
        )
        .await;
    assert_eq!(sheet.headers()["content-type"], "application/pdf");
    assert!(
        sheet.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(sheet.bytes().await.unwrap().as_ref(), PDF.as_slice());

    // role change requested by the participant, approved by staff
    let res = app
        .post(
            &format!("/api/v1/participants/{id}/role-changes"),
            Some(&token),
            &json!({"roles": ["mentee", "mentor"], "reason": "Vorerfahrung aus früherer Stelle"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let request: Value = res.json().await.unwrap();
    assert_eq!(request["status"], "requested");
    let approve = format!(
        "/api/v1/participants/{id}/role-changes/{}/approval",
        request["id"]
    );
    let res = app.post(&approve, Some(&token), &json!({})).await;
    assert_problem(res, StatusCode::FORBIDDEN).await;
    let res = app
        .post(&approve, Some(&staff), &json!({"note": "passt"}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_problem(
        app.post(&approve, Some(&staff), &json!({})).await,
        StatusCode::CONFLICT,
    )
    .await;
    let own = app
        .get_json(&format!("/api/v1/participants/{id}"), &token)
        .await;
    assert_eq!(own["roles"], json!(["mentee", "mentor"]));

    // phase change KSM1 → KSM2 as a new project; the old one stays, closed by staff the day
    // before (periods never overlap)
    let res = app
        .client
        .patch(format!(
            "{}/api/v1/participants/{id}/projects/{project}",
            app.address
        ))
        .bearer_auth(&staff)
        .header("if-match", "\"1\"")
        .json(&json!({"end_date": "2025-12-31"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .post(
            &format!("/api/v1/participants/{id}/projects"),
            Some(&token),
            &json!({"kind": "follow_up_project", "employer": "Stadt Musterstadt", "municipality": "Musterstadt",
                    "federal_state": "NW", "funding_reference": "67K99999", "start_date": "2026-01-01"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let projects = app
        .get_json(&format!("/api/v1/participants/{id}/projects"), &token)
        .await;
    let items = projects["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["project"]["kind"], "first_project");
    assert_eq!(items[0]["project"]["funding_reference"], "67K12345");
    assert_eq!(
        items[1]["current"], true,
        "the newer running project is current"
    );
    assert!(
        items[1]["contact_sheet"].is_null(),
        "a new project needs a new sheet"
    );

    // ending by the participant, re-joining by staff; history kept
    let res = app
        .post(
            &format!("/api/v1/participants/{id}/ending"),
            Some(&token),
            &json!({"ended_on": "2026-11-30", "reason": "Stellenwechsel"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_problem(
        app.get("/api/v1/directory", Some(&token)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let res = app
        .post(
            &format!("/api/v1/participants/{id}/rejoining"),
            Some(&staff),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let history = app
        .get_json(&format!("/api/v1/participants/{id}/role-history"), &staff)
        .await;
    assert_eq!(history["items"].as_array().unwrap().len(), 2);
    let export = app
        .get_json(&format!("/api/v1/participants/{id}/export"), &token)
        .await;
    let periods = export["participations"].as_array().unwrap();
    assert_eq!(periods.len(), 2);
    assert_eq!(periods[0]["end_reason"], "Stellenwechsel");

    let trail = app
        .get_json(
            &format!("/api/v1/audit-events?entity_type=participant&entity_id={id}&limit=200"),
            &staff,
        )
        .await;
    let actions: Vec<&str> = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for expected in [
        "participant.registered",
        "contact_sheet.uploaded",
        "contact_sheet.confirmed",
        "participant.activated",
        "role_change.requested",
        "role_change.approved",
        "participant.roles_changed",
        "project.created",
        "participant.ended",
        "participant.rejoined",
    ] {
        assert!(
            actions.contains(&expected),
            "audit trail lacks {expected}: {actions:?}"
        );
    }
}

async fn count_participants(app: &TestApp, staff: &str) -> usize {
    app.get_json("/api/v1/participants?limit=200", staff).await["items"]
        .as_array()
        .unwrap()
        .len()
}

async fn invalid_registration_is_422_with_field_pointers_and_stores_nothing(app: TestApp) {
    let staff = app.staff_token().await;
    let mut body = registration("bad@example.org", "follow_up_project", &["mentor"]);
    body["project"]["funding_reference"] = Value::Null;
    body["project"]["end_date"] = json!("2024-12-31");
    body["email"] = json!("not-an-email");
    body["first_name"] = json!("   ");
    body["phone"] = json!("no phone");
    body["roles"] = json!([]);
    let res = app.post("/api/v1/registrations", None, &body).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    let pointers = pointers(&problem);
    for expected in [
        "/email",
        "/first_name",
        "/phone",
        "/project/end_date",
        "/project/funding_reference",
        "/roles",
    ] {
        assert!(
            pointers.contains(&expected),
            "{expected} missing in {pointers:?}"
        );
    }
    let mut body = registration("state@example.org", "first_project", &["mentee"]);
    body["project"]["federal_state"] = json!("XX");
    assert_problem(
        app.post("/api/v1/registrations", None, &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(count_participants(&app, &staff).await, 0);
}

async fn a_known_address_gets_the_same_answer_and_its_owner_an_email(app: TestApp) {
    let body = registration("twice@example.org", "first_project", &["mentee"]);
    let first = app.post("/api/v1/registrations", None, &body).await;
    assert_eq!(first.status(), StatusCode::ACCEPTED);
    let first: Value = first.json().await.unwrap();
    let mut again = body.clone();
    again["email"] = json!("TWICE@example.org");
    again["first_name"] = json!("Someone");
    for _ in 0..2 {
        let res = app.post("/api/v1/registrations", None, &again).await;
        assert_eq!(res.status(), StatusCode::ACCEPTED);
        assert_eq!(res.json::<Value>().await.unwrap(), first, "the same answer");
    }
    assert_eq!(app.participant_rows(), 1, "nothing was created or changed");
    let note = app
        .mail
        .message("twice@example.org", "Erneute Registrierung")
        .await;
    assert!(
        note.text.starts_with("Guten Tag Erika Mustermann,"),
        "{}",
        note.text
    );
    assert!(
        note.text
            .contains("https://mentoring.example/passwort-vergessen")
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let notes = app
        .mail
        .received_by("twice@example.org")
        .into_iter()
        .filter(|m| m.subject.contains("Erneute Registrierung"))
        .count();
    assert_eq!(notes, 1, "one note a day, however often the form is sent");

    // A staff address is answered alike and creates no participant.
    app.create_staff("office.person@example.org").await;
    let staff_address = registration("office.person@example.org", "first_project", &["mentee"]);
    let res = app
        .post("/api/v1/registrations", None, &staff_address)
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    assert_eq!(app.participant_rows(), 1);
    app.mail
        .message("office.person@example.org", "Erneute Registrierung")
        .await;
}

async fn wrong_or_oversized_contact_sheet_is_refused_and_nothing_stored(app: TestApp) {
    let (id, project, token) = app
        .register(&registration(
            "scan@example.org",
            "first_project",
            &["mentee"],
        ))
        .await;
    let path = format!("/api/v1/participants/{id}/projects/{project}/contact-sheet");
    let res = app
        .upload(&path, &token, "text/plain", b"hello".to_vec())
        .await;
    assert_problem(res, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    let png_bytes = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0];
    let res = app
        .upload(&path, &token, "application/pdf", png_bytes)
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    for (label, bytes, code) in crate::support::pdf::refused() {
        let res = app.upload(&path, &token, "application/pdf", bytes).await;
        crate::support::pdf::assert_refused(res, code, label).await;
    }
    // An image is what its content is: JPEG bytes are no PNG, a GIF is not accepted at all.
    let jpeg = crate::support::pdf::JPEG.to_vec();
    let res = app.upload(&path, &token, "image/png", jpeg).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec();
    let res = app.upload(&path, &token, "image/jpeg", gif).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    let mut huge = PDF.to_vec();
    huge.resize(6 * 1024 * 1024, b' ');
    let res = app.upload(&path, &token, "application/pdf", huge).await;
    assert_problem(res, StatusCode::PAYLOAD_TOO_LARGE).await;
    let projects = app
        .get_json(&format!("/api/v1/participants/{id}/projects"), &token)
        .await;
    assert!(projects["items"][0]["contact_sheet"].is_null());
    assert_problem(app.get(&path, Some(&token)).await, StatusCode::NOT_FOUND).await;
}

async fn activation_needs_a_confirmed_sheet(app: TestApp) {
    let staff = app.staff_token().await;
    let (id, project, token) = app
        .register(&registration(
            "wait@example.org",
            "first_project",
            &["mentee"],
        ))
        .await;
    let activation = format!("/api/v1/participants/{id}/activation");
    assert_problem(
        app.post(&activation, Some(&staff), &json!({})).await,
        StatusCode::CONFLICT,
    )
    .await;
    let sheet = format!("/api/v1/participants/{id}/projects/{project}/contact-sheet");
    app.upload(&sheet, &token, "application/pdf", PDF.to_vec())
        .await;
    assert_problem(
        app.post(&activation, Some(&staff), &json!({})).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_problem(
        app.post(&activation, Some(&token), &json!({})).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_problem(
        app.post(&format!("{sheet}/confirmation"), Some(&token), &json!({}))
            .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    app.post(&format!("{sheet}/confirmation"), Some(&staff), &json!({}))
        .await;
    assert_eq!(
        app.post(&activation, Some(&staff), &json!({}))
            .await
            .status(),
        StatusCode::OK
    );
    assert_problem(
        app.post(&activation, Some(&staff), &json!({})).await,
        StatusCode::CONFLICT,
    )
    .await;
    // a confirmed sheet is final
    let res = app
        .upload(&sheet, &token, "application/pdf", PDF.to_vec())
        .await;
    assert_problem(res, StatusCode::CONFLICT).await;
}

async fn directory_lists_only_active_consenting_participants_with_filters(app: TestApp) {
    let staff = app.staff_token().await;
    let (viewer, viewer_token) = app
        .active_participant(&staff, "viewer@example.org", "first_project", &["mentee"])
        .await;
    let mut mentor = registration("mentor@example.org", "follow_up_project", &["mentor"]);
    mentor["first_name"] = json!("Jürgen");
    mentor["project"]["federal_state"] = json!("BY");
    let (mentor_id, mentor_project, mentor_token) = app.register(&mentor).await;
    app.activate(&staff, mentor_id, mentor_project, &mentor_token)
        .await;
    let mut hidden = registration("hidden@example.org", "first_project", &["mentee"]);
    hidden["consents"]["directory"] = json!(false);
    let (hidden_id, hidden_project, hidden_token) = app.register(&hidden).await;
    app.activate(&staff, hidden_id, hidden_project, &hidden_token)
        .await;
    let (pending_id, _, _) = app
        .register(&registration(
            "pending@example.org",
            "first_project",
            &["mentee"],
        ))
        .await;
    let (ended_id, ended_token) = app
        .active_participant(&staff, "ended@example.org", "first_project", &["mentee"])
        .await;
    app.post(
        &format!("/api/v1/participants/{ended_id}/ending"),
        Some(&ended_token),
        &json!({"ended_on": "2026-11-01", "reason": "Ruhestand"}),
    )
    .await;

    let ids = |page: &Value| -> Vec<i64> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_i64().unwrap())
            .collect()
    };
    let all = app.get_json("/api/v1/directory", &viewer_token).await;
    assert_eq!(ids(&all), vec![viewer, mentor_id]);
    for id in [hidden_id, pending_id, ended_id] {
        assert!(!ids(&all).contains(&id));
    }
    let entry = &all["items"][1];
    assert_eq!(entry["email"], "mentor@example.org");
    assert_eq!(entry["project_kind_label"], "Anschlussvorhaben (KSM2)");
    assert!(entry.get("consent_directory").is_none() && entry.get("status").is_none());

    assert_eq!(
        ids(&app
            .get_json("/api/v1/directory?role=mentor", &viewer_token)
            .await),
        vec![mentor_id]
    );
    assert_eq!(
        ids(&app
            .get_json("/api/v1/directory?federal_state=BY", &viewer_token)
            .await),
        vec![mentor_id]
    );
    assert_eq!(
        ids(&app
            .get_json(
                "/api/v1/directory?project_kind=first_project",
                &viewer_token
            )
            .await),
        vec![viewer]
    );
    assert_eq!(
        ids(&app
            .get_json("/api/v1/directory?name=j%C3%BCrgen%20muster", &viewer_token)
            .await),
        vec![mentor_id]
    );
    assert_eq!(
        ids(&app
            .get_json("/api/v1/directory?name=100%25", &viewer_token)
            .await),
        Vec::<i64>::new()
    );
    for bad in ["ab%00cd", "", "%20%20"] {
        let res = app
            .get(
                &format!("/api/v1/directory?name={bad}"),
                Some(&viewer_token),
            )
            .await;
        assert_problem(res, StatusCode::BAD_REQUEST).await;
    }
    let english = app
        .client
        .get(format!("{}/api/v1/directory?role=mentor", app.address))
        .bearer_auth(&viewer_token)
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(english.headers()["content-language"], "en");
    let english: Value = english.json().await.unwrap();
    assert_eq!(
        english["items"][0]["project_kind_label"],
        "Follow-up project (KSM2)"
    );

    // staff see every state, filterable by state
    let staff_all = app.get_json("/api/v1/participants", &staff).await;
    assert_eq!(staff_all["items"].as_array().unwrap().len(), 5);
    assert_eq!(
        ids(&app
            .get_json("/api/v1/participants?status=pending", &staff)
            .await),
        vec![pending_id]
    );
    // nobody else
    assert_problem(
        app.get("/api/v1/participants", Some(&viewer_token)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_problem(
        app.get("/api/v1/directory", None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    // another participant's record is not visible
    assert_problem(
        app.get(
            &format!("/api/v1/participants/{mentor_id}"),
            Some(&viewer_token),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

async fn concurrent_patches_with_the_same_etag_get_one_412(app: TestApp) {
    let (id, _, token) = app
        .register(&registration(
            "race@example.org",
            "first_project",
            &["mentee"],
        ))
        .await;
    let path = format!("{}/api/v1/participants/{id}", app.address);
    let res = app
        .client
        .get(&path)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let mut tasks = Vec::new();
    for i in 0..8 {
        let (client, path, token, etag) = (
            app.client.clone(),
            path.clone(),
            token.clone(),
            etag.clone(),
        );
        tasks.push(tokio::spawn(async move {
            client
                .patch(&path)
                .bearer_auth(&token)
                .header("if-match", etag)
                .json(&json!({"phone": format!("+49 30 100{i}")}))
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
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::PRECONDITION_FAILED)
            .count(),
        7,
        "{statuses:?}"
    );
    let res = app
        .client
        .get(&path)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_ne!(res.headers()["etag"].to_str().unwrap(), etag);
}

async fn patch_needs_if_match(app: TestApp) {
    let (id, _, token) = app
        .register(&registration(
            "etag@example.org",
            "first_project",
            &["mentee"],
        ))
        .await;
    let path = format!("/api/v1/participants/{id}");
    let res = app
        .request(
            Method::PATCH,
            &path,
            Some(&token),
            Some(&json!({"phone": "0301234567"})),
        )
        .await;
    assert_problem(res, StatusCode::PRECONDITION_REQUIRED).await;
    let res = app
        .client
        .patch(format!("{}{path}", app.address))
        .bearer_auth(&token)
        .header("if-match", "\"1\"")
        .json(&json!({"phone": "0301234567", "consent_directory": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["etag"], "\"2\"");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["phone"], "0301234567");
    assert_eq!(body["consent_directory"], false);
    let res = app
        .client
        .patch(format!("{}{path}", app.address))
        .bearer_auth(&token)
        .header("if-match", "\"1\"")
        .json(&json!({"phone": "0307654321"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::PRECONDITION_FAILED).await;
}

async fn ksm1_mentor_is_flagged_until_the_agency_is_notified(app: TestApp) {
    let staff = app.staff_token().await;
    let (id, token) = app
        .active_participant(
            &staff,
            "ksm1mentor@example.org",
            "first_project",
            &["mentor"],
        )
        .await;
    let own = app
        .get_json(&format!("/api/v1/participants/{id}"), &token)
        .await;
    assert_eq!(own["funding_agency_notification_required"], true);
    let open = app
        .get_json("/api/v1/funding-agency-notifications/open", &staff)
        .await;
    assert_eq!(open["funding_agency"], "Projektträger Jülich (PtJ)");
    assert_eq!(open["items"][0]["participant_id"], id);
    let notify = format!("/api/v1/participants/{id}/funding-agency-notifications");
    assert_problem(
        app.post(
            &notify,
            Some(&token),
            &json!({"notified_on": "2026-11-20", "channel": "email"}),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(
        app.post(
            &notify,
            Some(&staff),
            &json!({"notified_on": "2026-11-20", "channel": "email"})
        )
        .await
        .status(),
        StatusCode::CREATED
    );
    let own = app
        .get_json(&format!("/api/v1/participants/{id}"), &token)
        .await;
    assert_eq!(own["funding_agency_notification_required"], false);
    assert!(
        app.get_json("/api/v1/funding-agency-notifications/open", &staff)
            .await["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_problem(
        app.post(
            &notify,
            Some(&staff),
            &json!({"notified_on": "2026-11-21", "channel": "email"}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    // a KSM2 mentor is what the funding body expects: no flag
    let (ksm2, ksm2_token) = app
        .active_participant(&staff, "ksm2@example.org", "follow_up_project", &["mentor"])
        .await;
    let own = app
        .get_json(&format!("/api/v1/participants/{ksm2}"), &ksm2_token)
        .await;
    assert_eq!(own["funding_agency_notification_required"], false);
}

async fn staff_export_participants_as_csv_for_excel(app: TestApp) {
    let staff = app.staff_token().await;
    let mut body = registration("csv@example.org", "first_project", &["mentee"]);
    body["last_name"] = json!("=SUMME(A1)");
    app.register(&body).await;
    let res = app
        .client
        .get(format!("{}/api/v1/participants.csv", app.address))
        .bearer_auth(&staff)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let bytes = res.bytes().await.unwrap();
    assert!(
        bytes.starts_with("\u{feff}".as_bytes()),
        "UTF-8 BOM for Excel"
    );
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let mut lines = text.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("ID;Status;Anrede;Vorname;Nachname;E-Mail")
    );
    let row = lines.next().unwrap();
    assert!(row.contains(";Erika;'=SUMME(A1);csv@example.org;"), "{row}");
    assert!(row.contains("Erstvorhaben (KSM1)"));
}

async fn accepted_topic_ids(app: &TestApp, staff: &str) -> Vec<i64> {
    app.get_json("/api/v1/topics?status=accepted&limit=200", staff)
        .await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect()
}

async fn topics_of_expertise_and_interest_must_be_accepted_and_filter_the_directory(app: TestApp) {
    let staff = app.staff_token().await;
    let topics = accepted_topic_ids(&app, &staff).await;
    let proposed: Value = app
        .post(
            "/api/v1/topics",
            Some(&staff),
            &json!({"group": "local_politics", "title_de": "Neues Thema"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let mut body = registration("topics@example.org", "follow_up_project", &["mentor"]);
    body["expertise_topic_ids"] = json!([topics[0], proposed["id"], 999_999]);
    let problem = assert_problem(
        app.post("/api/v1/registrations", None, &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let pointers = pointers(&problem);
    assert_eq!(
        pointers,
        vec!["/expertise_topic_ids/1", "/expertise_topic_ids/2"]
    );

    body["expertise_topic_ids"] = json!([topics[0], topics[1], topics[0]]);
    body["interest_topic_ids"] = json!([topics[2]]);
    let (expert, expert_project, expert_token) = app.register(&body).await;
    app.activate(&staff, expert, expert_project, &expert_token)
        .await;
    let own = app
        .get_json(&format!("/api/v1/participants/{expert}"), &expert_token)
        .await;
    assert_eq!(own["expertise_topic_ids"], json!([topics[0], topics[1]]));
    assert_eq!(own["interest_topic_ids"], json!([topics[2]]));
    let (_, viewer_token) = app
        .active_participant(&staff, "plain@example.org", "first_project", &["mentee"])
        .await;

    let found = app
        .get_json(
            &format!("/api/v1/directory?topic={}", topics[1]),
            &viewer_token,
        )
        .await;
    let ids: Vec<i64> = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![expert]);
    assert_eq!(
        found["items"][0]["expertise_topic_ids"],
        json!([topics[0], topics[1]])
    );
    let none = app
        .get_json(
            &format!("/api/v1/directory?topic={}", topics[5]),
            &viewer_token,
        )
        .await;
    assert!(none["items"].as_array().unwrap().is_empty());

    // replacing the topics through PATCH
    let res = app
        .client
        .patch(format!("{}/api/v1/participants/{expert}", app.address))
        .bearer_auth(&expert_token)
        .header("if-match", "*")
        .json(&json!({"interest_topic_ids": [topics[5]]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let own: Value = res.json().await.unwrap();
    assert_eq!(own["interest_topic_ids"], json!([topics[5]]));
    assert_eq!(own["expertise_topic_ids"], json!([topics[0], topics[1]]));
}

async fn active_participants_read_and_propose_topics_and_pending_ones_do_not(app: TestApp) {
    let staff = app.staff_token().await;
    let (_, active) = app
        .active_participant(&staff, "active@example.org", "first_project", &["mentee"])
        .await;
    let (_, _, pending) = app
        .register(&registration(
            "pending@example.org",
            "first_project",
            &["mentee"],
        ))
        .await;
    let list = app.get_json("/api/v1/topics", &active).await;
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["status"] == "accepted")
    );
    let res = app
        .post(
            "/api/v1/topics",
            Some(&active),
            &json!({"group": "other_stakeholders", "title_de": "Bürgerenergie"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let topic: Value = res.json().await.unwrap();
    assert_eq!(topic["status"], "proposed");
    let res = app
        .post(
            "/api/v1/topics",
            Some(&active),
            &json!({"group": "other_stakeholders", "title_de": "Direkt", "status": "accepted"}),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN).await;
    assert_problem(
        app.get("/api/v1/topics", Some(&pending)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let res = app
        .post(
            "/api/v1/topics",
            Some(&pending),
            &json!({"group": "local_politics", "title_de": "X"}),
        )
        .await;
    assert_problem(res, StatusCode::FORBIDDEN).await;
    let accept = format!("/api/v1/topics/{}/acceptance", topic["id"]);
    assert_problem(
        app.post(&accept, Some(&active), &json!({})).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(
        app.post(
            &accept,
            Some(&staff),
            &json!({"title_en": "Community energy"})
        )
        .await
        .status(),
        StatusCode::OK
    );
}
