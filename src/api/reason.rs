//! The one request body of the refusing transitions: declining or cancelling a session,
//! declining or withdrawing a forum sponsorship. One type, because the OpenAPI document names
//! schemas by type name: two types called `ReasonRequest` left one of them described as the other.

use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::domain::text;

/// Why a session or a forum sponsorship is declined, cancelled or withdrawn.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Die Referentin ist erkrankt; ein neuer Termin folgt."}))]
pub struct ReasonRequest {
    /// The reason, shown with the session or sponsorship and sent to the people it concerns.
    #[validate(length(min = 1, max = 2000), custom(function = "text::multi_line"))]
    #[schema(format = "multi-line", min_length = 1, max_length = 2000)]
    pub reason: String,
}
