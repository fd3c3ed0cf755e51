//! `JsonObject<T>`: a JSON request body that must be an object.
//!
//! serde's derived `Deserialize` also accepts a struct written as an array of its field values
//! (`[null, null]` is a valid `{"note": null, "title_en": null}` to it). The OpenAPI document
//! promises an object, so this extractor refuses anything else with 422 before deserialising `T`.
//! Limits and the mapping of failures to problems are those of `web::Json` (`error::json_error`).

use std::future::Future;
use std::pin::Pin;

use actix_web::error::JsonPayloadError;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use serde::de::DeserializeOwned;

use crate::error::{AppError, json_error};

/// A request body that is a JSON object deserialised into `T`.
#[derive(Debug)]
pub struct JsonObject<T>(pub T);

impl<T> JsonObject<T> {
    /// The deserialised body.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for JsonObject<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, actix_web::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = web::Json::<serde_json::Value>::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let value = body.await?.into_inner();
            if !value.is_object() {
                return Err(
                    AppError::invalid_field("", "the request body must be a JSON object").into(),
                );
            }
            serde_json::from_value(value)
                .map(JsonObject)
                .map_err(|e| json_error(JsonPayloadError::Deserialize(e), &req))
        })
    }
}
