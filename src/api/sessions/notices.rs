//! Who hears about a session's state change by e-mail, queued in the transition's transaction:
//! its mentors when it is approved, the proposer when it is declined, its mentors and everyone
//! signed up when it is cancelled or rescheduled.

use crate::db::DbConnection;
use crate::db::models::session_attendance;
use crate::db::models::sessions::{self, Session};
use crate::domain::session::{SessionState, Transition};
use crate::error::AppError;
use crate::mail::{self, Message, reader_time};

/// Tells the mentors and everyone signed up that the approved session `before` moved to the time
/// of `after`.
pub fn tell_rescheduled(
    conn: &mut DbConnection,
    before: &Session,
    after: &Session,
) -> Result<(), AppError> {
    for (participant, is_mentee) in readers(conn, after.id, true)? {
        if let Some(to) = mail::recipient_of_participant(conn, participant)? {
            let message = Message::SessionRescheduled {
                title: after.title.clone(),
                was: reader_time(before.starts_at, to.lang),
                starts: reader_time(after.starts_at, to.lang),
                place: place_of(after),
                signed_up: is_mentee,
            };
            mail::queue(conn, &to, &message, None)?;
        }
    }
    Ok(())
}

/// The mentors (`false`) and, with `with_sign_ups`, the mentees signed up (`true`).
fn readers(
    conn: &mut DbConnection,
    session_id: i64,
    with_sign_ups: bool,
) -> Result<Vec<(i64, bool)>, AppError> {
    let mut readers: Vec<(i64, bool)> = sessions::mentors_of(conn, session_id)?
        .into_iter()
        .map(|id| (id, false))
        .collect();
    if with_sign_ups {
        readers.extend(
            session_attendance::signed_up(conn, session_id)?
                .into_iter()
                .map(|id| (id, true)),
        );
    }
    Ok(readers)
}

fn place_of(session: &Session) -> String {
    if session.online {
        "Online".to_owned()
    } else {
        session.place.clone().unwrap_or_default()
    }
}

/// Queues the messages `transition` from `from` causes for `session` (as it is afterwards).
pub fn tell(
    conn: &mut DbConnection,
    session: &Session,
    from: SessionState,
    transition: Transition,
) -> Result<(), AppError> {
    match transition {
        Transition::Approve => {
            for mentor in sessions::mentors_of(conn, session.id)? {
                if let Some(to) = mail::recipient_of_participant(conn, mentor)? {
                    let message = Message::SessionApproved {
                        title: session.title.clone(),
                        starts: reader_time(session.starts_at, to.lang),
                        place: place_of(session),
                    };
                    mail::queue(conn, &to, &message, None)?;
                }
            }
        }
        Transition::Decline => {
            if let Some(to) = mail::recipient_of_participant(conn, session.proposed_by)? {
                let message = Message::SessionDeclined {
                    title: session.title.clone(),
                    reason: session.state_reason.clone().unwrap_or_default(),
                };
                mail::queue(conn, &to, &message, None)?;
            }
        }
        Transition::Cancel => {
            // Only an approved session was open for sign-ups.
            for (participant, is_mentee) in
                readers(conn, session.id, from == SessionState::Approved)?
            {
                if let Some(to) = mail::recipient_of_participant(conn, participant)? {
                    let message = Message::SessionCancelled {
                        title: session.title.clone(),
                        starts: reader_time(session.starts_at, to.lang),
                        signed_up: is_mentee,
                    };
                    mail::queue(conn, &to, &message, None)?;
                }
            }
        }
        Transition::Hold | Transition::Document => {}
    }
    Ok(())
}
