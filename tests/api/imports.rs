//! `POST /imports/participants`: the office's participant list as Excel writes it, checked whole,
//! applied all or nothing, idempotent on the e-mail address, with invitations to set a password.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::app::{TestApp, assert_problem, pointers};
use crate::support::participants::registration;

const HEADER: &str = "ID;Status;Anrede;Vorname;Nachname;E-Mail;Telefon;Rollen;Projektart;\
                      Arbeitgeber;Kommune;Bundesland;Förderkennzeichen;Projektbeginn;Projektende;\
                      Einwilligung Verzeichnis";
const INVITATION: &str = "Einladung zum KSM-Mentoring-Programm";
const NEW_PASSWORD: &str = "Hochwasser-Deich 2031 Auen";

/// Two participants as German Excel saves them: BOM, `;`, CRLF, German dates and labels.
fn excel_file() -> Vec<u8> {
    let lines = [
        HEADER,
        ";;Frau;Ida;Imhof;Ida.Imhof@Example.org;+49 251 1234567;Mentee, Mentorin/Mentor;\
         Anschlussvorhaben (KSM2);Kreis Steinfurt;Steinfurt;Nordrhein-Westfalen;67K31415;\
         01.03.2024;28.02.2027;ja",
        ";;Herr;Jan;Jansen;jan.jansen@example.org;0421 765432;Mentee;Verstetigte Stelle;\
         Stadt Bremen;Bremen;HB;;15.09.2021;;",
    ];
    format!("\u{feff}{}\r\n", lines.join("\r\n")).into_bytes()
}

async fn import(app: &TestApp, staff: &str, query: &str, file: Vec<u8>) -> reqwest::Response {
    app.send_file(
        Method::POST,
        &format!("/api/v1/imports/participants{query}"),
        staff,
        "text/csv; charset=utf-8",
        file,
    )
    .await
}

async fn imported(app: &TestApp, staff: &str, query: &str, file: Vec<u8>) -> Value {
    let res = import(app, staff, query, file).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

async fn dry_run_reports_and_writes_nothing(app: TestApp) {
    let staff = app.staff_token().await;
    let before = app.participant_rows();
    let report = imported(&app, &staff, "?dry_run=true", excel_file()).await;
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["would_create"], 2);
    assert_eq!(report["created"], 0);
    assert_eq!(
        report["rows"],
        json!([
            {"line": 2, "outcome": "would_create", "participant_id": null},
            {"line": 3, "outcome": "would_create", "participant_id": null}
        ])
    );
    app.mail_settled().await;
    assert_eq!(app.participant_rows(), before);
    assert!(app.mail.received_by("ida.imhof@example.org").is_empty());
}

async fn import_creates_pending_participants_and_invites_them(app: TestApp) {
    let staff = app.staff_token().await;
    let report = imported(&app, &staff, "", excel_file()).await;
    assert_eq!(
        (report["created"].as_i64(), report["dry_run"].as_bool()),
        (Some(2), Some(false))
    );
    let ida = report["rows"][0]["participant_id"].as_i64().unwrap();
    let record = app
        .get_json(&format!("/api/v1/participants/{ida}"), &staff)
        .await;
    assert_eq!(record["status"], "pending");
    assert_eq!(record["email"], "ida.imhof@example.org");
    assert_eq!(record["roles"], json!(["mentee", "mentor"]));
    assert_eq!(record["consent_directory"], true);
    assert_eq!(record["current_project"]["kind"], "follow_up_project");
    assert_eq!(record["current_project"]["start_date"], "2024-03-01");
    assert_eq!(record["current_project"]["funding_reference"], "67K31415");

    // No password yet: nobody can log in until the invitation is used.
    let login = json!({"email": "ida.imhof@example.org", "password": NEW_PASSWORD});
    let res = app.post("/api/v1/auth/token", None, &login).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let invitation = app.mail.message("ida.imhof@example.org", INVITATION).await;
    assert!(invitation.text.contains("Guten Tag Ida Imhof"));
    assert!(invitation.text.contains("14 Tage"));
    let confirm = json!({"token": invitation.token(), "password": NEW_PASSWORD});
    let res = app
        .post("/api/v1/password-resets/confirm", None, &confirm)
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    let token = app.login("ida.imhof@example.org", NEW_PASSWORD).await;
    assert_eq!(app.own_participant_id(&token).await, ida);
    let res = app
        .post("/api/v1/password-resets/confirm", None, &confirm)
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;

    let entry = app
        .audit_entry(&staff, ("participant", ida), "participant.imported")
        .await;
    assert!(entry["actor_account_id"].is_i64(), "{entry}");
    assert_eq!(entry["after"]["line"], 2);
}

async fn importing_again_changes_nothing(app: TestApp) {
    let staff = app.staff_token().await;
    let (known, _, _) = app
        .register(&registration(
            "jan.jansen@example.org",
            "permanent_position",
            &["mentee"],
        ))
        .await;
    let first = imported(&app, &staff, "", excel_file()).await;
    assert_eq!(
        (first["created"].as_i64(), first["existing"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(first["rows"][1]["participant_id"], known);
    let rows = app.participant_rows();
    let again = imported(&app, &staff, "", excel_file()).await;
    assert_eq!(
        (again["created"].as_i64(), again["existing"].as_i64()),
        (Some(0), Some(2))
    );
    assert_eq!(
        again["rows"][0]["participant_id"],
        first["rows"][0]["participant_id"]
    );
    app.mail_settled().await;
    assert_eq!(app.participant_rows(), rows);
    assert_eq!(
        app.mail
            .wait_for("ida.imhof@example.org", INVITATION, 1)
            .await
            .len(),
        1
    );
    assert!(
        app.mail
            .received_by("jan.jansen@example.org")
            .iter()
            .all(|m| m.subject != INVITATION),
        "a registered person is not invited"
    );
}

/// The office exports the list, edits it in Excel and imports it again: the apostrophe the export
/// put before `+49 …` (so Excel does not read a formula) does not make the phone invalid.
async fn an_exported_list_imports_back_as_it_is(app: TestApp) {
    let staff = app.staff_token().await;
    let (id, _, _) = app
        .register(&registration(
            "export@example.org",
            "first_project",
            &["mentor"],
        ))
        .await;
    let res = app.get("/api/v1/participants.csv", Some(&staff)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let exported = res.bytes().await.unwrap().to_vec();
    let text = String::from_utf8(exported.clone()).unwrap();
    assert!(text.contains(";'+49 30 1234567;"), "{text}");
    let rows = app.participant_rows();
    let report = imported(&app, &staff, "", exported).await;
    assert_eq!(
        (report["created"].as_i64(), report["existing"].as_i64()),
        (Some(0), Some(1)),
        "{report}"
    );
    assert_eq!(report["rows"][0]["participant_id"], id);
    assert_eq!(app.participant_rows(), rows);
}

async fn a_bad_row_refuses_the_whole_file(app: TestApp) {
    let staff = app.staff_token().await;
    let before = app.participant_rows();
    let mut file = String::from_utf8(excel_file()).unwrap();
    file.push_str(
        ";;;Kai;Kurz;kein-mail;030 1234567;Mentee;Verstetigte Stelle;Stadt K;K;Atlantis;;\
         1.1.2024;;vielleicht\r\n;;;Lea;Lang;ida.imhof@example.org;030 1234567;Mentee;\
         Verstetigte Stelle;Stadt L;L;BY;;2024-01-01;;\r\n",
    );
    for query in ["", "?dry_run=true"] {
        let res = import(&app, &staff, query, file.clone().into_bytes()).await;
        let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(
            pointers(&problem),
            vec![
                "/lines/4/E-Mail",
                "/lines/4/Bundesland",
                "/lines/4/Einwilligung Verzeichnis",
                "/lines/5/E-Mail"
            ]
        );
    }
    app.mail_settled().await;
    assert_eq!(
        app.participant_rows(),
        before,
        "nothing of the good rows was written"
    );
    assert!(app.mail.received_by("ida.imhof@example.org").is_empty());
}

async fn comma_files_and_wrong_files(app: TestApp) {
    let staff = app.staff_token().await;
    let comma = "Vorname,Nachname,E-Mail,Telefon,Rollen,Projektart,Arbeitgeber,Kommune,Bundesland,\
                 Förderkennzeichen,Projektbeginn\nMia,Maus,mia@example.org,030 1234567,\"Mentee, Mentor\",\
                 first_project,\"Stadt Köln, Klimaschutz\",Köln,NW,67K2,2025-02-01\n";
    let report = imported(&app, &staff, "", comma.as_bytes().to_vec()).await;
    assert_eq!(report["created"], 1);
    let mia = report["rows"][0]["participant_id"].as_i64().unwrap();
    let record = app
        .get_json(&format!("/api/v1/participants/{mia}"), &staff)
        .await;
    assert_eq!(
        record["current_project"]["employer"],
        "Stadt Köln, Klimaschutz"
    );

    let latin1 = b"Vorname;Nachname\nJ\xf6rg;M\xfcller\n".to_vec();
    let problem = assert_problem(
        import(&app, &staff, "", latin1).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(pointers(&problem), vec![""]);
    assert!(
        problem["errors"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("UTF-8")
    );

    let unknown = b"Vorname;Nachname;Fax\n".to_vec();
    let problem = assert_problem(
        import(&app, &staff, "", unknown).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(pointers(&problem).contains(&"/lines/1/Fax"));
    assert!(
        pointers(&problem).contains(&"/lines/1/E-Mail"),
        "missing columns are named"
    );

    let res = app
        .send_file(
            Method::POST,
            "/api/v1/imports/participants",
            &staff,
            "application/json",
            b"{}".to_vec(),
        )
        .await;
    assert_problem(res, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
}

on_both_backends!(
    an_exported_list_imports_back_as_it_is,
    dry_run_reports_and_writes_nothing,
    import_creates_pending_participants_and_invites_them,
    importing_again_changes_nothing,
    a_bad_row_refuses_the_whole_file,
    comma_files_and_wrong_files,
);
