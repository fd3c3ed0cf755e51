//! `JsonObject<T>`: a JSON request body that must be an object, whose failures wait for the
//! handler.
//!
//! serde's derived `Deserialize` also accepts a struct written as an array of its field values
//! (`[null, null]` is a valid `{"note": null, "title_en": null}` to it). The OpenAPI document
//! promises an object, so this extractor refuses anything else with 422 before deserialising `T`.
//!
//! actix-web runs a handler's extractors concurrently, so a body error could answer before the
//! caller's 401 or 403. Extraction therefore never fails: `into_inner()` gives the body or its
//! problem (`error::json_problem`: 400, 413, 415 or 422), and the handler asks for it after it
//! has authorised the caller.
//!
//! Every string of the body (keys and values) is brought into Unicode Normalization Form C before
//! `T` sees it, so "Jörg" typed with a combining diaeresis is stored, compared and searched as the
//! same "Jörg" as the precomposed one.

use std::future::Future;
use std::pin::Pin;

use actix_web::error::JsonPayloadError;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web::JsonBody};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use unicode_normalization::{UnicodeNormalization, is_nfc};

use crate::error::{AppError, json_problem};

/// The most a JSON request body may hold.
pub const JSON_LIMIT_BYTES: usize = 64 * 1024;

/// A request body that is a JSON object deserialised as `T`, or why it is not.
#[derive(Debug)]
pub struct JsonObject<T>(Result<T, AppError>);

impl<T> JsonObject<T> {
    /// The body, or the problem it has; call it once the caller is authorised.
    pub fn into_inner(self) -> Result<T, AppError> {
        self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for JsonObject<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body =
            JsonBody::<serde_json::Value>::new(req, payload, None, true).limit(JSON_LIMIT_BYTES);
        Box::pin(async move {
            let parsed = body.await.map_err(json_problem).and_then(|mut value| {
                if !value.is_object() {
                    return Err(AppError::invalid_field(
                        "",
                        "the request body must be a JSON object",
                    ));
                }
                compose(&mut value);
                serde_json::from_value(value)
                    .map_err(|e| json_problem(JsonPayloadError::Deserialize(e)))
            });
            Ok(JsonObject(parsed))
        })
    }
}

/// Brings every string in `value` into Normalization Form C, in place.
fn compose(value: &mut Value) {
    match value {
        Value::String(text) => compose_text(text),
        Value::Array(items) => items.iter_mut().for_each(compose),
        Value::Object(object) => {
            if object.keys().any(|key| !is_nfc(key)) {
                let entries = std::mem::take(object);
                object.extend(entries.into_iter().map(|(mut key, value)| {
                    compose_text(&mut key);
                    (key, value)
                }));
            }
            object.values_mut().for_each(compose);
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

fn compose_text(text: &mut String) {
    if !is_nfc(text) {
        *text = text.nfc().collect();
    }
}

/// For `#[serde(default, deserialize_with = "present")]` on an `Option<Option<T>>` field: tells an
/// explicit `null` (`Some(None)`) from an omitted field (`None`, via `default`).
pub fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_at_any_depth_are_composed() {
        let mut value = json!({"name": "Jo\u{0308}rg", "list": [{"a": "e\u{0301}"}], "n": 1});
        compose(&mut value);
        assert_eq!(value, json!({"name": "Jörg", "list": [{"a": "é"}], "n": 1}));
    }

    #[test]
    fn decomposed_keys_are_composed_too() {
        let mut value = json!({"Gru\u{0308}n": true});
        compose(&mut value);
        assert_eq!(value, json!({"Grün": true}));
    }
}
