//! Telling a sponsor of the programme office's decision by e-mail, in the decision's transaction.

use crate::db::DbConnection;
use crate::db::models::forum_sponsorships::Sponsorship;
use crate::db::models::forums;
use crate::domain::lang::Lang;
use crate::domain::sponsorship::SponsorshipState;
use crate::error::AppError;
use crate::mail::{self, Message};

/// Queues the decision `now` on `row` (as it was before) to its sponsor, with the staff `note`.
pub fn tell_sponsor(
    conn: &mut DbConnection,
    row: &Sponsorship,
    now: SponsorshipState,
    note: Option<String>,
) -> Result<(), AppError> {
    let Some(to) = mail::recipient_of_participant(conn, row.participant_id)? else {
        return Ok(());
    };
    let forum = forums::find(conn, row.forum_id)?
        .map(|f| match to.lang {
            Lang::De => f.name_de,
            Lang::En => f.name_en,
        })
        .unwrap_or_default();
    let message = Message::SponsorshipDecided {
        forum,
        decision: now.label(to.lang).to_owned(),
        note: note.unwrap_or_default(),
    };
    mail::queue(conn, &to, &message, None)?;
    Ok(())
}
