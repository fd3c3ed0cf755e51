//! The reminder sweeps: the day-before reminder to everyone signed up for a session on the next
//! programme day, and the reminder of the yearly minimum to follow-up-project (KSM2) mentors
//! below it in the last weeks of their project year. Each reminder is recorded in its own table
//! (a unique key per session and participant, per project year) in the transaction that queues
//! the message, so repeated sweeps and several instances send it once. [`ReminderTask`] runs both
//! in the background; staff run them at once with `POST /api/v1/reminder-runs`. The reminder of
//! silent mentoring pairs lives in [`super::silence`].

use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime, Utc};

use super::message::{Message, reader_date, reader_days, reader_time};
use super::queue::{self, Recipient, recipient_of_participant};
use crate::db::models::projects::{self, Project};
use crate::db::models::reminders::{self, NewCreditReminder};
use crate::db::models::sessions::{self, Session};
use crate::db::models::{credit_reports, formats};
use crate::db::{self, DbConnection, DbPool};
use crate::domain::credit::project_year::{YearWindow, year_containing};
use crate::domain::credit::reminder::{credit_reminder_due, fits_in_year};
use crate::domain::credit::status::{Obligation, shortfall};
use crate::domain::credit::totals::year_hours;
use crate::domain::lang::Lang;
use crate::domain::mail::{MailKind, is_wanted};
use crate::domain::participant::ProjectDates;
use crate::domain::programme_time::{programme_date_of_utc, programme_day_start, programme_today};
use crate::domain::session::SessionState;
use crate::error::AppError;

/// Sessions with a free mentor place a minimum reminder names at most.
const OPEN_SESSIONS_NAMED: usize = 3;
/// Upcoming sessions looked at for free mentor places.
const UPCOMING_LOOKED_AT: i64 = 50;

/// What one run of the sweeps queued.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReminderCounts {
    /// Day-before reminders queued.
    pub session_reminders: usize,
    /// Minimum reminders queued.
    pub credit_reminders: usize,
    /// Messages queued to the people of silent mentoring pairs.
    pub silence_reminders: usize,
}

/// The background task: both sweeps every `interval` (the first one `interval` after the start).
#[derive(Debug, Clone)]
pub struct ReminderTask {
    pub pool: DbPool,
    pub interval: Duration,
    /// Weeks before the end of a project year the minimum reminder goes out.
    pub credit_weeks: u32,
    /// Weeks without a contact after which a mentoring pair is reminded.
    pub silence_weeks: u32,
}

impl ReminderTask {
    /// Sweeps until the task is dropped; errors are logged (never personal data) and the next
    /// round tries again.
    pub async fn run(self) {
        loop {
            tokio::time::sleep(self.interval).await;
            if let Err(error) = sweep(&self.pool, self.credit_weeks, self.silence_weeks).await {
                log::warn!("reminders: {error}");
            }
        }
    }
}

/// Runs every sweep now.
pub async fn sweep(
    pool: &DbPool,
    credit_weeks: u32,
    silence_weeks: u32,
) -> Result<ReminderCounts, AppError> {
    let now = Utc::now().naive_utc();
    let today = programme_today();
    Ok(ReminderCounts {
        session_reminders: sweep_sessions(pool, now).await?,
        credit_reminders: sweep_credits(pool, today, credit_weeks, now).await?,
        silence_reminders: super::silence::sweep(pool, today, silence_weeks, now).await?,
    })
}

/// Where a session takes place as a reader reads it: the place, or "Online" (with the link or
/// room the session stores, if any).
fn place_of(session: &Session, lang: Lang) -> String {
    match (session.online, session.place.as_deref()) {
        (true, Some(place)) => format!("Online: {place}"),
        (true, None) => "Online".to_owned(),
        (false, place) => place
            .unwrap_or(lang.pick("Ort folgt", "place to follow"))
            .to_owned(),
    }
}

/// The day-before reminders for the approved sessions starting on the programme day after `now`'s.
async fn sweep_sessions(pool: &DbPool, now: NaiveDateTime) -> Result<usize, AppError> {
    let Some(tomorrow) = programme_date_of_utc(now).succ_opt() else {
        return Ok(0);
    };
    let Some(day_after) = tomorrow.succ_opt() else {
        return Ok(0);
    };
    let (from, until) = (
        programme_day_start(tomorrow),
        programme_day_start(day_after),
    );
    let due = db::run(pool, move |c| {
        Ok(reminders::approved_starting(c, from, until)?)
    })
    .await?;
    let mut queued = 0;
    for session in due {
        queued += db::write(pool, move |c| {
            // Still approved and tomorrow, now that the transaction holds the write lock.
            match sessions::find(c, session.id)? {
                Some(s)
                    if s.state == SessionState::Approved
                        && from <= s.starts_at
                        && s.starts_at < until =>
                {
                    remind_sign_ups(c, &s, now)
                }
                _ => Ok(0),
            }
        })
        .await?;
    }
    Ok(queued)
}

fn remind_sign_ups(
    conn: &mut DbConnection,
    session: &Session,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    let mut queued = 0;
    for participant in reminders::active_sign_ups(conn, session.id)? {
        let Some(to) = recipient_of_participant(conn, participant)? else {
            continue;
        };
        // Someone who turned reminders off is not recorded: turning them on again before the
        // session still brings this one.
        if !is_wanted(MailKind::SessionReminder, &to.opt_outs)
            || !reminders::record_session_reminder(conn, session.id, participant, now)?
        {
            continue;
        }
        let message = Message::SessionReminder {
            title: session.title.clone(),
            starts: reader_time(session.starts_at, to.lang),
            place: place_of(session, to.lang),
        };
        if queue::queue(conn, &to, &message, None)? {
            queued += 1;
        }
    }
    Ok(queued)
}

/// A KSM2 mentor's running project year below the minimum, inside the reminder window.
#[derive(Debug, Clone, Copy)]
struct Due {
    participant_id: i64,
    project_id: i64,
    year: YearWindow,
    hours: i32,
}

/// Whether `mentor_id` is due a minimum reminder on `today`, and the facts of it. The hours are
/// counted as in the credit report: the project year's credits of the current project.
fn due_for(
    conn: &mut DbConnection,
    mentor_id: i64,
    today: NaiveDate,
    weeks: u32,
) -> Result<Option<Due>, AppError> {
    let all = projects::of_participant(conn, mentor_id)?;
    let Some(project) = projects::current(&all, today) else {
        return Ok(None);
    };
    let obligation = Obligation::of_kind(project.kind);
    let Some(year) = year_containing(&project.dates(), today) else {
        return Ok(None);
    };
    // With no hours at all a reminder is due soonest: outside that, nothing to count.
    if !credit_reminder_due(obligation, 0, &year, today, weeks)
        || reminders::credit_reminded(conn, mentor_id, project.id, year_number(&year))?
    {
        return Ok(None);
    }
    let dates: Vec<ProjectDates> = all.iter().map(Project::dates).collect();
    let history = credit_reports::history(conn, mentor_id)?;
    let hours = year_hours(
        history.iter().map(|c| (c.earned_on, c.counted())),
        &dates,
        project.id,
        &year,
    );
    Ok(
        credit_reminder_due(obligation, hours, &year, today, weeks).then_some(Due {
            participant_id: mentor_id,
            project_id: project.id,
            year,
            hours,
        }),
    )
}

fn year_number(year: &YearWindow) -> i32 {
    i32::try_from(year.number).unwrap_or(i32::MAX)
}

/// The minimum reminders due on `today`.
async fn sweep_credits(
    pool: &DbPool,
    today: NaiveDate,
    weeks: u32,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    let candidates = db::run(pool, move |c| {
        let mut due = Vec::new();
        for mentor in reminders::active_mentors(c)? {
            if due_for(c, mentor.id, today, weeks)?.is_some() {
                due.push(mentor.id);
            }
        }
        Ok(due)
    })
    .await?;
    let mut queued = 0;
    for mentor_id in candidates {
        queued += db::write(pool, move |c| {
            // Counted again inside the transaction: a credit may have arrived meanwhile.
            match due_for(c, mentor_id, today, weeks)? {
                Some(due) => remind_mentor(c, &due, today, now),
                None => Ok(0),
            }
        })
        .await?;
    }
    Ok(queued)
}

fn remind_mentor(
    conn: &mut DbConnection,
    due: &Due,
    today: NaiveDate,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    let Some(to) = recipient_of_participant(conn, due.participant_id)? else {
        return Ok(0);
    };
    let missing = shortfall(Obligation::HANDBOOK, due.hours);
    let recorded = reminders::record_credit_reminder(
        conn,
        &NewCreditReminder {
            participant_id: due.participant_id,
            project_id: due.project_id,
            project_year: year_number(&due.year),
            year_start: due.year.start,
            year_end: due.year.last_day(),
            credited_hours: due.hours,
            missing_hours: missing,
            sent_at: now,
        },
    )?;
    if !recorded {
        return Ok(0);
    }
    let message = Message::CreditReminder {
        project_year: due.year.number,
        year_end: reader_date(due.year.last_day(), to.lang),
        credited: reader_days(due.hours, to.lang),
        missing: reader_days(missing, to.lang),
        sessions: open_sessions(conn, due, &to, now)?,
        formats: formats_in_reach(conn, &due.year, today, to.lang)?,
    };
    Ok(usize::from(queue::queue(conn, &to, &message, None)?))
}

/// Up to [`OPEN_SESSIONS_NAMED`] approved sessions before the year ends that the mentor does not
/// mentor yet and whose format's rule leaves a mentor place free.
fn open_sessions(
    conn: &mut DbConnection,
    due: &Due,
    to: &Recipient,
    now: NaiveDateTime,
) -> Result<Vec<String>, AppError> {
    let mut named = Vec::new();
    for session in sessions::upcoming(conn, now, UPCOMING_LOOKED_AT)? {
        let day = programme_date_of_utc(session.starts_at);
        if named.len() == OPEN_SESSIONS_NAMED || !due.year.contains(day) {
            break;
        }
        let mentors = sessions::mentors_of(conn, session.id)?;
        if mentors.contains(&due.participant_id) {
            continue;
        }
        let limit =
            formats::rule_on(conn, &session.format_code, day)?.and_then(|r| r.mentors_per_instance);
        if limit.is_some_and(|l| usize::try_from(l).unwrap_or(0) <= mentors.len()) {
            continue;
        }
        named.push(format!(
            "{}, {}, {}",
            session.title,
            reader_time(session.starts_at, to.lang),
            place_of(&session, to.lang)
        ));
    }
    Ok(named)
}

/// The bookable formats with a credit that can still be credited in the year, with their credit.
fn formats_in_reach(
    conn: &mut DbConnection,
    year: &YearWindow,
    today: NaiveDate,
    lang: Lang,
) -> Result<Vec<String>, AppError> {
    let mut offered = Vec::new();
    for format in formats::list(conn)? {
        let Some(rule) = formats::rule_on(conn, &format.code, today)? else {
            continue;
        };
        let Some(hours) = rule.credit_hours.filter(|_| rule.bookable) else {
            continue;
        };
        if fits_in_year(&format.code, today, year) {
            let name = lang.pick(&format.name_de, &format.name_en);
            offered.push(format!("{name}: {}", reader_days(hours, lang)));
        }
    }
    Ok(offered)
}
