//! Password strength at every place an account gets one: participant registration, the staff
//! accounts API and the `create-staff` subcommand. A weak password is a 422 at `/password` (the
//! subcommand fails) and creates nothing.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::app::{TestApp, assert_problem};
use crate::support::participants::registration;

on_both_backends!(
    registration_refuses_weak_and_personal_passwords,
    staff_accounts_api_refuses_weak_and_personal_passwords,
    create_staff_command_refuses_a_weak_password,
);

const STRONG: &str = "Gletscher Tulpe Mikrowelle 42";

/// Weak passwords for Erika Mustermann with the e-mail `email`, each of a valid length.
fn weak_passwords(email: &str) -> Vec<String> {
    vec![
        " ".repeat(12),
        email.to_owned(),
        "Passwort12345".to_owned(),
        "Kennwort2026!".to_owned(),
        "123456789012".to_owned(),
        "Erika-Kiebitz-Zwetschge-9".to_owned(),
        "zwetschge MUSTERMANN kiebitz".to_owned(),
    ]
}

async fn assert_refused_at_password(res: reqwest::Response, what: &str) {
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    let errors = problem["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{what}: {problem}");
    assert_eq!(errors[0]["pointer"], "/password", "{what}");
    let detail = errors[0]["detail"].as_str().unwrap();
    assert!(!detail.is_empty(), "{what}");
    assert!(what.trim().is_empty() || !detail.contains(what), "{what}");
}

async fn registration_refuses_weak_and_personal_passwords(app: TestApp) {
    let email = "erika.mustermann@example.org";
    for weak in weak_passwords(email) {
        let mut body = registration(email, "first_project", &["mentee"]);
        body["password"] = json!(weak);
        let res = app.post("/api/v1/registrations", None, &body).await;
        assert_refused_at_password(res, &weak).await;
    }
    let mut body = registration(email, "first_project", &["mentee"]);
    body["password"] = json!(STRONG);
    let (_, _, token) = app.register(&body).await;
    assert!(!token.is_empty(), "the strong password logs in");
}

async fn staff_accounts_api_refuses_weak_and_personal_passwords(app: TestApp) {
    let token = app.staff_token().await;
    let email = "mustermann.office@example.org";
    let mut weak = weak_passwords(email);
    weak.push("Erika Büro Mustermann".to_owned());
    weak.push("mustermann.office".to_owned());
    for password in weak {
        let body =
            json!({"email": email, "password": password, "display_name": "Erika Mustermann"});
        let res = app
            .post("/api/v1/staff-accounts", Some(&token), &body)
            .await;
        assert_refused_at_password(res, &password).await;
    }
    let accounts: Value = app.get_json("/api/v1/accounts", &token).await;
    assert!(!accounts.to_string().contains(email), "nothing was created");
    let body = json!({"email": email, "password": STRONG, "display_name": "Erika Mustermann"});
    let res = app
        .post("/api/v1/staff-accounts", Some(&token), &body)
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    app.login(email, STRONG).await;
}

/// Runs `create-staff` against the test database with `password` in `STAFF_PASSWORD`.
async fn create_staff(app: &TestApp, email: &str, password: &str) -> std::process::Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_mentoring-api"))
        .args([
            "create-staff",
            "--email",
            email,
            "--display-name",
            "Erika Mustermann",
        ])
        .env("DATABASE_URL", app.database_url())
        .env("JWT_SECRET", "cli-test-secret-cli-test-secret-cli-0123")
        .env("STAFF_PASSWORD", password)
        .env("RUST_LOG", "off")
        .output()
        .await
        .expect("the binary runs")
}

async fn create_staff_command_refuses_a_weak_password(app: TestApp) {
    let email = "cli-office@example.org";
    let weak = create_staff(&app, email, "Passwort12345").await;
    assert!(!weak.status.success());
    let stderr = String::from_utf8_lossy(&weak.stderr);
    assert!(
        stderr.contains("password: ist zu leicht zu erraten"),
        "{stderr}"
    );
    let personal = create_staff(&app, email, "Mustermann Gletscher Tulpe").await;
    assert!(!personal.status.success());
    let strong = create_staff(&app, email, STRONG).await;
    assert!(
        strong.status.success(),
        "{}",
        String::from_utf8_lossy(&strong.stderr)
    );
    app.login(email, STRONG).await;
}
