//! Response builders shared by the handlers.

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
