//! Label language from `Accept-Language`: German by default, English on request. The language
//! itself is the domain's [`Lang`]; this module adds its negotiation and the response builders
//! that label a response with it (an inherent `impl` of the domain type, kept here because it is
//! HTTP).

use actix_web::http::header::{self, HeaderValue};
use actix_web::{FromRequest, HttpRequest, HttpResponse, HttpResponseBuilder, dev::Payload};
use serde::Serialize;

use crate::domain::lang::Lang;

/// Negotiation and labelled responses.
impl Lang {
    /// Picks `de` or `en` by the header's quality values; anything else falls back to German.
    pub fn negotiate(header: Option<&str>) -> Self {
        let Some(header) = header else {
            return Lang::De;
        };
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let range = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let quality = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = range.split('-').next().unwrap_or("");
            let lang = match primary {
                "de" => Lang::De,
                "en" => Lang::En,
                _ => continue,
            };
            if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, lang));
            }
        }
        best.map_or(Lang::De, |(_, lang)| lang)
    }

    /// 200 with a JSON body labelled in this language (`Content-Language`, `Vary`).
    pub fn json<T: Serialize>(self, body: &T) -> HttpResponse {
        self.respond(HttpResponse::Ok()).json(body)
    }

    /// 200 with a labelled JSON body that must not be cached (it holds account ids).
    pub fn private_json<T: Serialize>(self, body: &T) -> HttpResponse {
        self.respond(HttpResponse::Ok())
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .json(body)
    }

    /// 200 with a labelled JSON body and the `ETag` of the row version it shows.
    pub fn json_with_etag<T: Serialize>(self, version: i64, body: &T) -> HttpResponse {
        self.respond(HttpResponse::Ok())
            .insert_header((header::ETAG, crate::api::http::etag::etag(version)))
            .json(body)
    }

    /// 201 with `Location` and a labelled JSON body that must not be cached.
    pub fn created<T: Serialize>(self, location: &str, body: &T) -> HttpResponse {
        self.respond(HttpResponse::Created())
            .insert_header((header::LOCATION, location))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .json(body)
    }

    /// Adds `Content-Language` and `Vary: Accept-Language` to a response under construction.
    pub fn respond(self, mut builder: HttpResponseBuilder) -> HttpResponseBuilder {
        builder
            .insert_header((
                header::CONTENT_LANGUAGE,
                HeaderValue::from_static(self.tag()),
            ))
            .insert_header((header::VARY, "Accept-Language"));
        builder
    }
}

impl FromRequest for Lang {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Lang, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let header = req
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok());
        std::future::ready(Ok(Lang::negotiate(header)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_is_the_default_and_english_is_chosen_by_quality() {
        assert_eq!(Lang::negotiate(None), Lang::De);
        assert_eq!(Lang::negotiate(Some("fr")), Lang::De);
        assert_eq!(Lang::negotiate(Some("en-GB,en;q=0.9")), Lang::En);
        assert_eq!(Lang::negotiate(Some("de;q=0.5, en;q=0.8")), Lang::En);
        assert_eq!(Lang::negotiate(Some("en;q=0.3, de-DE")), Lang::De);
        assert_eq!(Lang::negotiate(Some("en;q=0")), Lang::De);
    }
}
