//! The community platform end to end: a receiver built on the `standardwebhooks` package (not on
//! the service's code) verifies each push with the endpoint's secret and, on an activation, calls
//! the API back with the integration's client credentials to look the new member up; a forged
//! push and pushes checked with the wrong secret are refused and not acted on.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::python_receiver::PythonReceiver;
use super::{ACTIVATED, forge, register, statuses, wait_for_deliveries};
use crate::on_both_backends;
use crate::support::app::{TestApp, venv_python};
use crate::support::participants::registration;

on_both_backends!(the_community_verifies_pushes_and_looks_up_the_new_member);

async fn the_community_verifies_pushes_and_looks_up_the_new_member(app: TestApp) {
    let Some(python) = venv_python("standardwebhooks") else {
        return;
    };
    let staff = app.staff_token().await;
    let res = app
        .post(
            "/api/v1/integration-accounts",
            Some(&staff),
            &json!({"display_name": "Klimaschutz-Community"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let client: Value = res.json().await.unwrap();
    let api = format!("{}/api/v1", app.address);
    let credentials = [
        api.as_str(),
        client["client_id"].as_str().unwrap(),
        client["client_secret"].as_str().unwrap(),
    ];
    let mut community = PythonReceiver::start(&python, "204", true).await;
    let mut misconfigured = PythonReceiver::start(&python, "204", true).await;
    let (endpoint, secret) = register(&app, &staff, &community.url, &[ACTIVATED]).await;
    let (other_endpoint, other_secret) =
        register(&app, &staff, &misconfigured.url, &[ACTIVATED]).await;
    assert_ne!(secret, other_secret);
    community
        .configure(&[&[secret.as_str()][..], &credentials].concat())
        .await;
    // The second receiver checks its pushes with the first endpoint's secret.
    misconfigured
        .configure(&[&[secret.as_str()][..], &credentials].concat())
        .await;

    let mut body = registration("Ada.Lovelace@Example.org", "first_project", &["mentee"]);
    body["community_account_ref"] = json!("ksc-4711");
    let (id, project, token) = app.register(&body).await;
    app.activate(&staff, id, project, &token).await;

    let push = community.next_push().await;
    assert_eq!(push["verified"], true, "{push}");
    assert_eq!(push["type"], ACTIVATED);
    assert_eq!(push["status"], 204);
    assert_eq!(
        push["participant"],
        json!({"participant_id": id, "community_account_ref": "ksc-4711",
               "email": "ada.lovelace@example.org"})
    );
    let member = json!({"participant_id": id, "status": "active", "roles": ["mentee"]});
    let lookups = push["lookups"]
        .as_array()
        .expect("the receiver called back");
    let requests: Vec<&str> = lookups
        .iter()
        .map(|l| l["request"].as_str().unwrap())
        .collect();
    assert_eq!(
        requests,
        ["participant_id", "email", "community_account_id"],
        "{push}"
    );
    for lookup in lookups {
        assert_eq!(lookup["status"], 200, "{lookup}");
        assert_eq!(lookup["body"], member, "{lookup}");
    }
    let items = wait_for_deliveries(&app, &staff, endpoint, |d| statuses(d) == ["succeeded"]).await;
    assert_eq!(items[0]["attempts"], 1);

    // A forged push is refused (401) and not acted on.
    let webhook_id = push["webhook_id"].as_str().unwrap();
    assert_eq!(
        forge(&community.url, webhook_id).await,
        StatusCode::UNAUTHORIZED
    );
    let forged = community.next_push().await;
    assert_eq!(forged["verified"], false, "{forged}");
    assert!(forged.get("lookups").is_none(), "{forged}");

    // The genuine push, checked with the wrong secret, is refused as well and never delivered.
    let refused = misconfigured.next_push().await;
    assert_eq!(refused["webhook_id"], webhook_id);
    assert_eq!(refused["verified"], false, "{refused}");
    assert_eq!(refused["status"], 401);
    assert!(refused.get("lookups").is_none(), "{refused}");
    let items = wait_for_deliveries(&app, &staff, other_endpoint, |d| {
        d.first().is_some_and(|d| d["last_status_code"] == 401)
    })
    .await;
    assert_ne!(items[0]["status"], "succeeded");
    assert_eq!(
        community.stop().await,
        None,
        "nothing else reached the community"
    );
    misconfigured.stop().await;
}
