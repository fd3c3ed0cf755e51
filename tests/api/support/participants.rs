//! Building participants through the API, as a person and the programme office would.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::app::{PASSWORD, TestApp};

pub use super::pdf::PDF;

/// A registration body with sensible defaults.
pub fn registration(email: &str, kind: &str, roles: &[&str]) -> Value {
    json!({
        "salutation": "ms",
        "first_name": "Erika",
        "last_name": "Mustermann",
        "email": email,
        "phone": "+49 30 1234567",
        "password": PASSWORD,
        "experience": "some",
        "roles": roles,
        "consents": {"directory": true, "newsletter_welcome": true},
        "project": {
            "kind": kind,
            "employer": "Stadt Musterstadt",
            "municipality": "Musterstadt",
            "federal_state": "NW",
            "funding_reference": "67K12345",
            "start_date": "2025-01-01",
            "end_date": "2027-12-31"
        }
    })
}

impl TestApp {
    /// Registers and returns `(participant id, current project id, token)`. The registration
    /// answers 202 without the record; the new participant logs in and finds it through `/me`.
    pub async fn register(&self, body: &Value) -> (i64, i64, String) {
        let res = self.post("/api/v1/registrations", None, body).await;
        assert_eq!(res.status(), StatusCode::ACCEPTED, "registration failed");
        let token = self
            .login(
                body["email"].as_str().unwrap(),
                body["password"].as_str().unwrap(),
            )
            .await;
        let id = self.own_participant_id(&token).await;
        let record: Value = self
            .get(&format!("/api/v1/participants/{id}"), Some(&token))
            .await
            .json()
            .await
            .unwrap();
        (id, record["current_project"]["id"].as_i64().unwrap(), token)
    }

    /// The participant behind the token's account (`GET /me`).
    pub async fn own_participant_id(&self, token: &str) -> i64 {
        let me: Value = self
            .get("/api/v1/me", Some(token))
            .await
            .json()
            .await
            .unwrap();
        me["participant_id"]
            .as_i64()
            .expect("a participant behind the account")
    }

    /// How many participants the database holds (erased ones too).
    pub fn participant_rows(&self) -> i64 {
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut conn = self.pool.get().unwrap();
        diesel::RunQueryDsl::get_result::<Count>(
            diesel::sql_query("SELECT COUNT(*) AS n FROM participants"),
            &mut conn,
        )
        .unwrap()
        .n
    }

    /// Uploads raw bytes with a content type (PUT).
    pub async fn upload(
        &self,
        path: &str,
        token: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> reqwest::Response {
        self.send_file(Method::PUT, path, token, content_type, bytes)
            .await
    }

    /// Sends raw bytes with a content type.
    pub async fn send_file(
        &self,
        method: Method,
        path: &str,
        token: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> reqwest::Response {
        self.client
            .request(method, format!("{}{}", self.address, path))
            .bearer_auth(token)
            .header("content-type", content_type)
            .body(bytes)
            .send()
            .await
            .unwrap()
    }

    /// Uploads a sheet as the participant, confirms and activates as staff.
    pub async fn activate(&self, staff: &str, id: i64, project: i64, token: &str) {
        let sheet = format!("/api/v1/participants/{id}/projects/{project}/contact-sheet");
        let res = self
            .upload(&sheet, token, "application/pdf", PDF.to_vec())
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let res = self
            .post(&format!("{sheet}/confirmation"), Some(staff), &json!({}))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let res = self
            .post(
                &format!("/api/v1/participants/{id}/activation"),
                Some(staff),
                &json!({}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
    }

    /// Registers and activates; returns `(id, token)`.
    pub async fn active_participant(
        &self,
        staff: &str,
        email: &str,
        kind: &str,
        roles: &[&str],
    ) -> (i64, String) {
        let (id, project, token) = self.register(&registration(email, kind, roles)).await;
        self.activate(staff, id, project, &token).await;
        (id, token)
    }

    /// Registers, activates and ends a participant; returns their token.
    pub async fn ended_participant(&self, staff: &str, email: &str) -> String {
        let (id, token) = self
            .active_participant(staff, email, "first_project", &["mentee"])
            .await;
        let res = self
            .post(
                &format!("/api/v1/participants/{id}/ending"),
                Some(&token),
                &json!({"ended_on": "2026-11-01", "reason": "Ruhestand"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK, "ending failed");
        token
    }

    /// An integration client's token, created by `staff`.
    pub async fn integration_token(&self, staff: &str) -> String {
        let res = self
            .post(
                "/api/v1/integration-accounts",
                Some(staff),
                &json!({"display_name": "Community"}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED, "integration account");
        let created: Value = res.json().await.unwrap();
        let res = self
            .post(
                "/api/v1/auth/token",
                None,
                &json!({"client_id": created["client_id"], "client_secret": created["client_secret"]}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK, "integration login");
        let login: Value = res.json().await.unwrap();
        login["access_token"].as_str().unwrap().to_owned()
    }

    /// GET returning JSON, asserting 200.
    /// The audit entry `action` of one entity (staff read the audit log); fails without one.
    pub async fn audit_entry(&self, staff: &str, entity: (&str, i64), action: &str) -> Value {
        let (entity_type, id) = entity;
        let path = format!("/api/v1/audit-events?entity_type={entity_type}&entity_id={id}");
        let audit = self.get_json(&path, staff).await;
        audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["action"] == action)
            .unwrap_or_else(|| panic!("{action} is audited: {audit}"))
            .clone()
    }

    pub async fn get_json(&self, path: &str, token: &str) -> Value {
        let res = self.get(path, Some(token)).await;
        assert_eq!(res.status(), StatusCode::OK, "GET {path}");
        res.json().await.unwrap()
    }
}
