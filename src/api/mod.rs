//! HTTP handlers with their request and response types, one module per resource.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod credit_reports;
pub mod csv_export;
pub mod etag;
pub mod formats;
pub mod forum_sponsorships;
pub mod forums;
pub mod health;
pub mod json_object;
pub mod language;
pub mod pagination;
pub mod participants;
pub mod query_text;
pub mod sessions;
pub mod topics;
pub mod upload;
pub mod webhooks;

use actix_web::HttpResponse;
use actix_web::http::header;
use serde::Serialize;

/// 200 with a JSON body that must not be cached (it holds personal or secret data).
pub fn private_json<T: Serialize>(body: &T) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body)
}

/// 201 with `Location` and a JSON body that must not be cached.
pub fn created_json<T: Serialize>(location: &str, body: &T) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body)
}
pub mod events;
pub mod idempotency;
pub mod memberships;
pub mod newsletter;
pub mod practice_tips;
