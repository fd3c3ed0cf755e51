//! The committed OpenAPI document is what the code generates, and it keeps the conventions.

use std::path::Path;

use serde_json::Value;

fn generated() -> Value {
    serde_json::from_str(&mentoring_api::openapi::document_json()).unwrap()
}

#[test]
fn committed_spec_matches_the_code() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi/openapi.json");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let fresh = mentoring_api::openapi::document_json();
    assert!(
        committed == fresh,
        "openapi/openapi.json is stale: run `cargo run -- openapi > openapi/openapi.json`"
    );
}

#[test]
fn every_operation_has_one_tag_an_id_and_described_problem_responses() {
    let doc = generated();
    let mut ids = std::collections::HashSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let name = format!("{method} {path}");
            assert_eq!(
                op["tags"].as_array().map(Vec::len),
                Some(1),
                "{name}: one tag"
            );
            let id = op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{name}: operationId"));
            assert!(
                ids.insert(id.to_owned()),
                "{name}: duplicate operationId {id}"
            );
            for (status, response) in op["responses"].as_object().unwrap() {
                assert!(
                    response["description"].is_string(),
                    "{name} {status}: description"
                );
                if status.starts_with('4') || status.starts_with('5') {
                    assert!(
                        response["content"]["application/problem+json"].is_object(),
                        "{name} {status}: problem+json body"
                    );
                }
            }
            assert!(op["responses"]["500"].is_object(), "{name}: documents 500");
        }
    }
    assert!(ids.len() >= 10);
}

#[test]
fn spec_declares_license_server_and_bearer_scheme() {
    let doc = generated();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["info"]["license"]["identifier"], "EUPL-1.2");
    assert_eq!(doc["servers"][0]["url"], "/");
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    assert_eq!(
        doc["paths"]["/health/live"]["get"]["security"],
        serde_json::json!([{}])
    );
}
