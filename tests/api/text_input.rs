//! Free text as clients send it: invisible characters are refused with the field named, and every
//! string is stored in Unicode Normalization Form C.

use reqwest::StatusCode;

use crate::on_both_backends;
use crate::support::app::{TestApp, assert_problem, pointers};
use crate::support::participants::registration;

on_both_backends!(
    invisible_characters_in_names_get_422_at_the_field,
    decomposed_names_are_stored_composed,
);

async fn invisible_characters_in_names_get_422_at_the_field(app: TestApp) {
    let cases = [
        ("/first_name", "first_name", "Er\u{200B}ika"),
        ("/last_name", "last_name", "Muster\u{FEFF}mann"),
        ("/last_name", "last_name", "Muster\u{00AD}mann"),
        ("/first_name", "first_name", "\u{3164}"),
        ("/first_name", "first_name", "Erika\u{2028}"),
    ];
    for (index, (pointer, field, value)) in cases.into_iter().enumerate() {
        let mut body = registration(
            &format!("hidden{index}@example.org"),
            "first_project",
            &["mentee"],
        );
        body[field] = value.into();
        let res = app.post("/api/v1/registrations", None, &body).await;
        let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(pointers(&problem), [pointer], "{value:?}");
    }
    // nothing was registered
    assert_eq!(app.participant_rows(), 0);
    let body = registration("hidden0@example.org", "first_project", &["mentee"]);
    let res = app.post("/api/v1/registrations", None, &body).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    assert_eq!(app.participant_rows(), 1);
}

async fn decomposed_names_are_stored_composed(app: TestApp) {
    let mut body = registration("joerg@example.org", "first_project", &["mentee"]);
    body["first_name"] = "Jo\u{0308}rg".into();
    body["last_name"] = "Mu\u{0308}ller-Lu\u{0308}densche\u{0301}idt".into();
    body["project"]["municipality"] = "Lo\u{0308}rrach".into();
    let (id, _, token) = app.register(&body).await;
    let stored = app
        .get_json(&format!("/api/v1/participants/{id}"), &token)
        .await;
    assert_eq!(stored["first_name"], "Jörg");
    assert_eq!(stored["last_name"], "Müller-Lüdenschéidt");
    assert_eq!(stored["current_project"]["municipality"], "Lörrach");
}
