//! What the HTTP layer adds to every operation, written into the document in one place so
//! generators see it: raw uploads and downloads as binary strings (not the byte arrays utoipa
//! derives from `Vec<u8>`), and the `304 Not Modified` that conditional reads give
//! (`api::http::conditional`).

use utoipa::openapi::RefOr;
use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::{Content, HeaderBuilder, ResponseBuilder};

/// Whether a body of `media_type` declared as bytes (`Vec<u8>`) is a file: anything but JSON and
/// forms. Files of a text type (the CSV downloads) are files too: sent as they are, with a BOM,
/// which generators then read as bytes (`Blob`, `File`), not as decoded text.
fn is_binary(media_type: &str) -> bool {
    !(media_type.contains("json") || media_type == "application/x-www-form-urlencoded")
}

/// A raw body of `media_type`: a binary string (`format: binary` for OpenAPI 3.0 generators,
/// `contentMediaType` as OpenAPI 3.1 says it).
fn binary_schema(media_type: &str) -> RefOr<Schema> {
    RefOr::T(Schema::Object(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .content_media_type(media_type)
            .build(),
    ))
}

/// Describes each byte-array body of a file type as a binary string.
fn describe_binary<'a>(content: impl Iterator<Item = (&'a String, &'a mut RefOr<Content>)>) {
    for (media_type, body) in content {
        let RefOr::T(body) = body else {
            continue;
        };
        let bytes = matches!(&body.schema, Some(RefOr::T(Schema::Array(_))));
        if bytes && is_binary(media_type) {
            body.schema = Some(binary_schema(media_type));
        }
    }
}

/// Uploads and downloads of files as binary strings.
pub fn describe_binary_bodies(operation: &mut Operation) {
    if let Some(RefOr::T(body)) = operation.request_body.as_mut() {
        describe_binary(body.content.iter_mut());
    }
    for response in operation.responses.responses.values_mut() {
        if let RefOr::T(response) = response {
            describe_binary(response.content.iter_mut());
        }
    }
}

/// A read whose 200 carries an `ETag` answers 304 when `If-None-Match` names it.
pub fn add_not_modified(operation: &mut Operation) {
    let tagged = operation.responses.responses.get("200").is_some_and(|r| {
        matches!(r, RefOr::T(response) if response.headers.keys().any(|h| h.eq_ignore_ascii_case("etag")))
    });
    if !tagged {
        return;
    }
    let response = ResponseBuilder::new()
        .description(
            "Not modified: `If-None-Match` names the current `ETag`, so the copy the client holds \
             is current (no body).",
        )
        .header(
            "ETag",
            HeaderBuilder::new()
                .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                .description(Some("The current version."))
                .build(),
        )
        .build();
    operation
        .responses
        .responses
        .entry("304".to_owned())
        .or_insert_with(|| response.into());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_binary_and_json_and_forms_are_not() {
        assert!(is_binary("application/pdf"));
        assert!(is_binary("image/png"));
        assert!(!is_binary("application/json"));
        assert!(!is_binary("application/problem+json"));
        assert!(is_binary("text/csv"));
        assert!(!is_binary("application/x-www-form-urlencoded"));
    }
}
