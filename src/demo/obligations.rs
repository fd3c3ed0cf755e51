//! The KSM2 mentors whose credit reports show each obligation status (§ 5.4): met, on track, at
//! risk and not met. Each gets the activities that lead there, dated inside their own project
//! years (the last year too), through the same helpers as the general activities.

use chrono::{Duration, Months, NaiveDate};

use crate::db::{self, DbPool};
use crate::domain::credit::project_year::{YearWindow, default_year, window};
use crate::domain::practice_tip::{TipKind, TipState};
use crate::domain::session::SessionState;
use crate::domain::sponsorship::SponsorshipState;
use crate::error::AppError;

use super::activities::{Created, session};
use super::contributions::{DemoSponsorship, DemoTip, sponsorship, tip};
use super::people::Planned;
use super::roster::Plan;

/// The day halfway between the year's start and `until` (at most its end).
fn halfway(year: &YearWindow, until: NaiveDate) -> NaiveDate {
    year.start + (until.min(year.end) - year.start) / 2
}

/// What one planned mentor does.
enum Step {
    Session(SessionState, NaiveDate),
    /// A tip published on that day.
    Tip(NaiveDate),
    /// A completed sponsorship of six months ending on that day.
    Sponsorship(NaiveDate),
}

/// The steps that bring a mentor with `plan` to it, seen on `today`.
fn steps(plan: Plan, year: &YearWindow, last: Option<&YearWindow>, today: NaiveDate) -> Vec<Step> {
    let last_year_tip = last.map(|w| Step::Tip(halfway(w, w.end)));
    let mut steps = match plan {
        Plan::Free => Vec::new(),
        // 40 h this year.
        Plan::Met => vec![Step::Session(
            SessionState::Documented,
            halfway(year, today),
        )],
        // Nothing yet this year, a session booked.
        Plan::OnTrack => vec![Step::Session(
            SessionState::Approved,
            today + Duration::days(30),
        )],
        // 20 h this year, weeks before its end.
        Plan::AtRisk => vec![Step::Sponsorship(today - Duration::days(14))],
        // 20 h in the project's last year, which is over.
        Plan::NotMet => vec![Step::Sponsorship(year.last_day() - Duration::days(30))],
    };
    if plan != Plan::NotMet {
        steps.extend(last_year_tip);
    }
    steps
}

/// Creates each planned mentor's activities, one transaction each, counting into `created`.
pub async fn create(
    pool: &DbPool,
    staff: i64,
    planned: &[Planned],
    topic_ids: &[i64],
    forum_ids: &[i64],
    today: NaiveDate,
    created: &mut Created,
) -> Result<(), AppError> {
    for (k, mentor) in planned.iter().enumerate() {
        let year = default_year(&mentor.project, today)
            .ok_or_else(|| AppError::internal("a demo project has a project year"))?;
        let last = year
            .number
            .checked_sub(1)
            .and_then(|n| window(&mentor.project, n));
        let topic = topic_ids[k % topic_ids.len()];
        let id = mentor.id;
        for step in steps(mentor.plan, &year, last.as_ref(), today) {
            match step {
                Step::Session(state, day) => {
                    let credits = db::write(pool, move |conn| {
                        session(
                            conn,
                            staff,
                            state,
                            "regional_meeting",
                            day,
                            "Regionaltreffen: Erfahrungen aus der Praxis",
                            &[id],
                            topic,
                        )
                    })
                    .await?;
                    created.sessions += 1;
                    credits.iter().for_each(|c| created.credit(c));
                }
                Step::Tip(day) => {
                    let demo = DemoTip {
                        state: TipState::Published,
                        kind: TipKind::Text,
                        title: "Aus dem Projektalltag: Klimaschutz im Gemeinderat",
                        author_id: id,
                        topic,
                        published_on: Some(day),
                    };
                    let credit =
                        db::write(pool, move |conn| tip(conn, staff, &demo, today)).await?;
                    created.practice_tips += 1;
                    credit.iter().for_each(|c| created.credit(c));
                }
                Step::Sponsorship(ends_on) => {
                    let starts_on = ends_on
                        .succ_opt()
                        .and_then(|d| d.checked_sub_months(Months::new(6)))
                        .ok_or_else(|| AppError::internal("a sponsorship start"))?;
                    let demo = DemoSponsorship {
                        state: SponsorshipState::Completed,
                        participant_id: id,
                        starts_on,
                        months: 6,
                    };
                    let forums = forum_ids.to_vec();
                    let credit = db::write(pool, move |conn| {
                        sponsorship(conn, staff, &demo, &forums, k)
                    })
                    .await?;
                    created.sponsorships += 1;
                    credit.iter().for_each(|c| created.credit(c));
                }
            }
        }
    }
    Ok(())
}
