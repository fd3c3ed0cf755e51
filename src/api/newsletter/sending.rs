//! Sending a mailing: what is new since the previous one (upcoming approved sessions as the
//! calendar lists them, practice tips published since, the welcome of new participants who
//! consented), queued as one message per active participant who did not turn the newsletter
//! off, each in the reader's language and with a personal one-click unsubscribe link.

use chrono::NaiveDateTime;

use crate::auth::unsubscribe;
use crate::db::DbConnection;
use crate::db::models::newsletter::{self, Mailing};
use crate::db::models::participants::Participant;
use crate::db::models::{practice_tips, sessions};
use crate::domain::lang::Lang;
use crate::domain::mail::{MailKind, is_wanted};
use crate::error::AppError;
use crate::mail::message::{NewsletterSession, NewsletterTip};
use crate::mail::{self, Links, Message, reader_time};

/// Most upcoming sessions one newsletter lists (the calendar has the rest).
const MAX_SESSIONS: i64 = 50;

/// The facts of a mailing, the same for every reader (times are formatted per reader).
struct Content {
    sessions: Vec<sessions::Session>,
    tips: Vec<NewsletterTip>,
    welcomed: Vec<String>,
}

impl Content {
    /// What is new at `now`: tips published since `previous` (the previous mailing's sending),
    /// sessions that have not ended, and the participants this mailing welcomes.
    fn load(
        conn: &mut DbConnection,
        previous: Option<NaiveDateTime>,
        now: NaiveDateTime,
        welcomed: &[Participant],
    ) -> Result<Self, AppError> {
        let tips = practice_tips::published_between(conn, previous, now)?
            .into_iter()
            .map(|tip| NewsletterTip {
                title: one_line(&tip.title),
                question: one_line(&tip.question),
            })
            .collect();
        Ok(Self {
            sessions: sessions::upcoming(conn, now, MAX_SESSIONS)?,
            tips,
            welcomed: welcomed
                .iter()
                .map(|p| one_line(&format!("{} {}", p.first_name, p.last_name)))
                .collect(),
        })
    }

    fn sessions_for(&self, lang: Lang) -> Vec<NewsletterSession> {
        let online = "online";
        self.sessions
            .iter()
            .map(|s| NewsletterSession {
                title: one_line(&s.title),
                starts: reader_time(s.starts_at, lang),
                place: match (&s.place, s.online) {
                    (Some(place), true) => format!("{} / {online}", one_line(place)),
                    (Some(place), false) => one_line(place),
                    (None, _) => online.to_owned(),
                },
            })
            .collect()
    }
}

/// A list entry on one line, whatever line breaks the text had.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Queues the mailing to every active participant who wants it; returns how many messages
/// were queued. Inside the transaction that records the mailing.
pub fn queue_mailing(
    conn: &mut DbConnection,
    mailing: &Mailing,
    previous: Option<NaiveDateTime>,
    welcomed: &[Participant],
    links: &Links,
    secret: &[u8],
) -> Result<i32, AppError> {
    let content = Content::load(conn, previous, mailing.recorded_at, welcomed)?;
    let mut queued = 0;
    for participant in newsletter::recipients(conn, 0, i64::MAX)? {
        let Some(to) = mail::recipient_of_account(conn, participant.account_id)? else {
            continue;
        };
        if !is_wanted(MailKind::Newsletter, &to.opt_outs) {
            continue;
        }
        let message = Message::Newsletter {
            subject: mailing.subject.clone(),
            intro: mailing.intro.clone(),
            sessions: content.sessions_for(to.lang),
            tips: content.tips.clone(),
            welcomed: content.welcomed.clone(),
            unsubscribe_link: links
                .unsubscribe(&unsubscribe::token_for(secret, participant.account_id)),
        };
        let key = format!("newsletter:{}:{}", mailing.id, participant.account_id);
        if mail::queue(conn, &to, &message, Some(key))? {
            queued += 1;
        }
    }
    Ok(queued)
}
