//! Telling a participant of the programme office's decision on their role-change request by
//! e-mail, in the decision's transaction.

use chrono::NaiveDate;

use crate::db::DbConnection;
use crate::db::models::roles::RoleChangeRequest;
use crate::domain::lang::Lang;
use crate::domain::participant::{RoleChangeStatus, Roles};
use crate::error::AppError;
use crate::mail::{self, Message, reader_date};

/// Queues the decision on `request` (as it is afterwards) to its participant: the roles asked
/// for, from when they apply and staff's note.
pub fn tell_participant(
    conn: &mut DbConnection,
    request: &RoleChangeRequest,
    effective_on: NaiveDate,
) -> Result<(), AppError> {
    let Some(to) = mail::recipient_of_participant(conn, request.participant_id)? else {
        return Ok(());
    };
    let wanted = Roles {
        mentee: request.wants_mentee,
        mentor: request.wants_mentor,
    };
    let and = match to.lang {
        Lang::De => " und ",
        Lang::En => " and ",
    };
    let roles = wanted
        .codes()
        .iter()
        .map(|code| code.label(to.lang))
        .collect::<Vec<_>>()
        .join(and);
    let message = Message::RoleChangeDecided {
        approved: request.status == RoleChangeStatus::Approved,
        roles,
        effective_on: reader_date(effective_on, to.lang),
        note: request.decision_note.clone().unwrap_or_default(),
    };
    mail::queue(conn, &to, &message, None)?;
    Ok(())
}
