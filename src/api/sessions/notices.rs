//! Who hears about a session's state change by e-mail, queued in the transition's transaction:
//! its mentors when it is approved, the proposer when it is declined, its mentors and everyone
//! signed up when it is cancelled.

use crate::db::DbConnection;
use crate::db::models::session_attendance;
use crate::db::models::sessions::{self, Session};
use crate::domain::session::{SessionState, Transition};
use crate::error::AppError;
use crate::mail::{self, Message, reader_time};

/// Queues the messages `transition` from `from` causes for `session` (as it is afterwards).
pub fn tell(
    conn: &mut DbConnection,
    session: &Session,
    from: SessionState,
    transition: Transition,
) -> Result<(), AppError> {
    let place = || {
        if session.online {
            "Online".to_owned()
        } else {
            session.place.clone().unwrap_or_default()
        }
    };
    match transition {
        Transition::Approve => {
            for mentor in sessions::mentors_of(conn, session.id)? {
                if let Some(to) = mail::recipient_of_participant(conn, mentor)? {
                    let message = Message::SessionApproved {
                        title: session.title.clone(),
                        starts: reader_time(session.starts_at, to.lang),
                        place: place(),
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
            let mentors = sessions::mentors_of(conn, session.id)?;
            // Only an approved session was open for sign-ups.
            let signed_up = if from == SessionState::Approved {
                session_attendance::signed_up(conn, session.id)?
            } else {
                Vec::new()
            };
            let readers = mentors
                .into_iter()
                .map(|id| (id, false))
                .chain(signed_up.into_iter().map(|id| (id, true)));
            for (participant, is_mentee) in readers {
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
