//! The reminder of silent mentoring pairs (§ 3.3, Infobox 2 "Verbindlichkeit"): an active pair
//! without a contact for the configured weeks (since its latest contact, or its start) gets one
//! message to each side, once per silence. The pair is marked in the transaction that queues
//! both messages; a later contact clears the mark, so the next silence is reminded again.

use chrono::{NaiveDate, NaiveDateTime};

use super::message::{Message, reader_date};
use super::queue::{self, recipient_of_participant};
use crate::db::models::mentoring_pairs::{self as rows, Pair};
use crate::db::models::participants;
use crate::db::{self, DbConnection, DbPool};
use crate::domain::individual_mentoring::{PairState, silence_due};
use crate::domain::mail::{MailKind, is_wanted};
use crate::error::AppError;

/// The day a pair's silence began: its latest contact, or its start.
fn silent_since(pair: &Pair) -> NaiveDate {
    pair.last_contact_on.unwrap_or(pair.started_on)
}

fn due(pair: &Pair, today: NaiveDate, weeks: u32) -> bool {
    pair.state == PairState::Active
        && silence_due(
            silent_since(pair),
            today,
            weeks,
            pair.silence_reminded_at.is_some(),
        )
}

/// Reminds every pair due on `today`; returns the messages queued.
pub async fn sweep(
    pool: &DbPool,
    today: NaiveDate,
    weeks: u32,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    let candidates: Vec<i64> = db::run(pool, move |c| {
        Ok(rows::unreminded_active(c)?
            .into_iter()
            .filter(|p| due(p, today, weeks))
            .map(|p| p.id)
            .collect())
    })
    .await?;
    let mut queued = 0;
    for id in candidates {
        queued += db::write(pool, move |c| {
            // Looked at again inside the transaction: a contact may have arrived meanwhile, or
            // another instance reminded it.
            match rows::find(c, id)? {
                Some(pair) if due(&pair, today, weeks) => remind(c, &pair, weeks, now),
                _ => Ok(0),
            }
        })
        .await?;
    }
    Ok(queued)
}

fn remind(
    conn: &mut DbConnection,
    pair: &Pair,
    weeks: u32,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    if rows::mark_reminded(conn, pair.id, now)? == 0 {
        return Ok(0);
    }
    let mut queued = 0;
    for (me, other) in [
        (pair.mentor_id, pair.mentee_id),
        (pair.mentee_id, pair.mentor_id),
    ] {
        let Some(to) = recipient_of_participant(conn, me)? else {
            continue;
        };
        let Some(partner) = participants::find(conn, other)?.filter(|p| p.erased_at.is_none())
        else {
            continue;
        };
        if !is_wanted(MailKind::MentoringSilence, &to.opt_outs) {
            continue;
        }
        let message = Message::MentoringSilence {
            partner: format!("{} {}", partner.first_name, partner.last_name),
            weeks,
            since: reader_date(silent_since(pair), to.lang),
        };
        if queue::queue(conn, &to, &message, None)? {
            queued += 1;
        }
    }
    Ok(queued)
}
