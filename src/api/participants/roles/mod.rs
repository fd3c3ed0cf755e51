//! Roles over time: requests by participants and decisions by staff ([`requests`]), direct
//! changes and the role history ([`history`]), the decision mail ([`notices`]), and the funding agency's notification about
//! deviations ([`notifications`]) (§ 2, footnotes 1–2).

pub mod history;
pub mod notices;
pub mod notifications;
pub mod requests;

use chrono::{NaiveDate, Utc};

use crate::api::access::existing;
use crate::api::participants::views::roles_of;
use crate::auth::Caller;
use crate::db::DbConnection;
use crate::db::models::audit_events::{self, Change};
use crate::db::models::outbox;
use crate::db::models::participants::{self};
use crate::db::models::roles::{self};
use crate::domain::events::EventType;
use crate::domain::participant::Roles;
use crate::error::AppError;

/// Changes the current roles, appends the history and audits it.
pub(super) fn apply_roles(
    conn: &mut DbConnection,
    id: i64,
    roles: Roles,
    effective_on: NaiveDate,
    source: &str,
    caller: &Caller,
) -> Result<(), AppError> {
    let row = existing(conn, id)?;
    let now = Utc::now().naive_utc();
    participants::set_roles(conn, id, roles.mentee, roles.mentor, now)?;
    outbox::emit(conn, EventType::ParticipantRolesChanged, id, now)?;
    roles::add_period(
        conn,
        id,
        roles.mentee,
        roles.mentor,
        effective_on,
        source,
        Some(caller.account_id),
        now,
    )?;
    audit_events::record(
        conn,
        Change {
            actor: &caller.actor(),
            action: "participant.roles_changed",
            entity_type: "participant",
            entity_id: id.to_string(),
            before: Some(serde_json::json!({ "roles": roles_of(&row).codes() })),
            after: Some(
                serde_json::json!({ "roles": roles.codes(), "effective_on": effective_on, "source": source }),
            ),
        },
    )?;
    Ok(())
}
