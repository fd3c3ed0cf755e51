//! THE authorization table: every operation of the OpenAPI document with the status each kind of
//! caller gets. Columns, in sending order: anonymous, pending participant, active mentee, other
//! mentor (someone else's resource), ended participant, integration account, owning mentor,
//! staff. `200|409` accepts either. Rows run top to bottom on one world, so reads come first and
//! the destructive steps (ending, erasure) last; a state-changing success makes later calls of
//! the same kind a 409, which the table states.

use serde_json::json;

mod integration;
mod participant_writes;
mod reads;
mod writes;

pub use integration::integration;
pub use participant_writes::participant_writes;
pub use reads::reads;
pub use writes::writes;

use super::Payload;
use super::world::World;
use crate::support::participants::PDF;

/// One operation and what each caller gets.
pub struct Row {
    pub op: &'static str,
    pub params: fn(&World) -> Vec<String>,
    pub body: fn(&World) -> Payload,
    pub expect: &'static str,
}

fn ids(values: &[i64]) -> Vec<String> {
    values.iter().map(i64::to_string).collect()
}

fn none(_: &World) -> Vec<String> {
    Vec::new()
}

fn no_body(_: &World) -> Payload {
    Payload::None
}

fn empty(_: &World) -> Payload {
    Payload::Json(json!({}))
}

fn reason(_: &World) -> Payload {
    Payload::Json(json!({"reason": "Terminkonflikt"}))
}

fn pdf(_: &World) -> Payload {
    Payload::File("application/pdf", PDF.to_vec())
}

const fn row(
    op: &'static str,
    params: fn(&World) -> Vec<String>,
    body: fn(&World) -> Payload,
    expect: &'static str,
) -> Row {
    Row {
        op,
        params,
        body,
        expect,
    }
}

/// Every row, in sending order.
pub fn all() -> Vec<Row> {
    let mut rows = reads();
    rows.extend(writes());
    rows.extend(integration());
    rows.extend(participant_writes());
    rows
}
