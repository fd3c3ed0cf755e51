//! Demo forum sponsorships (applied, approved, completed with credit, declined) and practice
//! tips (draft, submitted, changes requested, published with credit).

use crate::domain::programme_time::programme_date_of_utc;
use chrono::{Duration, NaiveDate, Utc};
use serde_json::json;

use crate::db::models::credits::{self, CreditSource, Earning};
use crate::db::models::forum_sponsorships::{self, Changes, NewSponsorship};
use crate::db::models::forums;
use crate::db::models::practice_tips::{self, NewPracticeTip, TransitionChanges};
use crate::db::{self, DbConnection, DbPool};
use crate::domain::practice_tip::{TipKind, TipState, search_text};
use crate::domain::sponsorship::SponsorshipState;
use crate::error::AppError;

use super::activities::{Created, audit};
use super::people::Cast;

/// (target state, days from today to the start, months, credit hours option)
const SPONSORSHIPS: &[(SponsorshipState, i64, i64, i32)] = &[
    (SponsorshipState::Completed, -400, 6, 40),
    (SponsorshipState::Completed, -300, 6, 20),
    (SponsorshipState::Completed, -520, 12, 40),
    (SponsorshipState::Approved, -60, 6, 40),
    (SponsorshipState::Approved, -20, 12, 20),
    (SponsorshipState::Applied, 30, 6, 40),
    (SponsorshipState::Applied, 45, 6, 20),
    (SponsorshipState::Declined, 60, 6, 40),
];

/// (target state, kind, title)
const TIPS: &[(TipState, TipKind, &str)] = &[
    (
        TipState::Published,
        TipKind::Text,
        "Klimaschutz in den Haushaltsplan bringen",
    ),
    (
        TipState::Published,
        TipKind::Slides,
        "Bürgerbeteiligung zur Wärmeplanung",
    ),
    (
        TipState::Published,
        TipKind::Text,
        "Energiecontrolling mit Bordmitteln",
    ),
    (
        TipState::Submitted,
        TipKind::Text,
        "Förderanträge ohne Stress",
    ),
    (
        TipState::ChangesRequested,
        TipKind::Slides,
        "Radverkehrskonzept in 90 Tagen",
    ),
    (
        TipState::Draft,
        TipKind::Text,
        "Klimafolgenanpassung im Bauamt",
    ),
];

/// Creates the sponsorships and tips, one transaction each, counting into `created`.
pub async fn create(
    pool: &DbPool,
    staff: i64,
    cast: &Cast,
    topic_ids: &[i64],
    today: NaiveDate,
    created: &mut Created,
) -> Result<(), AppError> {
    let forum_ids: Vec<i64> = db::run(pool, |conn| {
        Ok(forums::list(conn, false)?
            .into_iter()
            .map(|f| f.id)
            .collect())
    })
    .await?;
    for (k, &(state, days, months, hours)) in SPONSORSHIPS.iter().enumerate() {
        let forum = forum_ids[k % forum_ids.len()];
        let mentor = cast.mentors[(k + 3) % cast.mentors.len()];
        let starts_on = today + Duration::days(days);
        let ends_on = starts_on + Duration::days(months * 30);
        let credit = db::write(pool, move |conn| {
            sponsorship(conn, staff, state, forum, mentor, starts_on, ends_on, hours)
        })
        .await?;
        created.sponsorships += 1;
        if let Some(credit) = credit {
            created.credit(&credit);
        }
    }
    for (k, &(state, kind, title)) in TIPS.iter().enumerate() {
        let author = cast.mentors[(k + 5) % cast.mentors.len()];
        let topic = topic_ids[k % topic_ids.len()];
        let credit = db::write(pool, move |conn| {
            tip(conn, staff, state, kind, title, author, topic)
        })
        .await?;
        created.practice_tips += 1;
        if let Some(credit) = credit {
            created.credit(&credit);
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn sponsorship(
    conn: &mut DbConnection,
    staff: i64,
    target: SponsorshipState,
    forum_id: i64,
    participant_id: i64,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    credit_hours: i32,
) -> Result<Option<credits::Credit>, AppError> {
    let now = Utc::now().naive_utc();
    let row = forum_sponsorships::insert(
        conn,
        &NewSponsorship {
            forum_id,
            participant_id,
            starts_on,
            ends_on,
            effective_ends_on: ends_on,
            credit_hours,
            state: SponsorshipState::Applied,
            applied_by: staff,
            version: 1,
            created_at: now,
            updated_at: now,
        },
    )?;
    let id = row.id;
    let entity = "forum_sponsorship";
    audit(
        conn,
        staff,
        "forum_sponsorship.applied",
        entity,
        id,
        json!({"state": "applied"}),
    )?;
    if target == SponsorshipState::Applied {
        return Ok(None);
    }
    let decided = Changes {
        decided_by: Some(Some(staff)),
        decided_at: Some(Some(now)),
        state_reason: (target == SponsorshipState::Declined)
            .then(|| Some("Forum bereits betreut".to_owned())),
        ..Changes::default()
    };
    let first = if target == SponsorshipState::Declined {
        SponsorshipState::Declined
    } else {
        SponsorshipState::Approved
    };
    let moved =
        forum_sponsorships::update(conn, id, SponsorshipState::Applied, first, &decided, now)?;
    moved.ok_or(AppError::NotFound)?;
    let action = format!("forum_sponsorship.{}", first.as_str());
    audit(
        conn,
        staff,
        &action,
        entity,
        id,
        json!({"state": first.as_str()}),
    )?;
    if target != SponsorshipState::Completed {
        return Ok(None);
    }
    let credit = credits::grant(
        conn,
        &Earning {
            participant_id,
            format_code: "forum_sponsorship",
            source: CreditSource::ForumSponsorship,
            source_id: id,
            earned_on: ends_on,
            chosen_hours: Some(credit_hours),
        },
        now,
    )?;
    let completed = Changes {
        post_count: Some(Some(8 + (id as i32 % 10))),
        evidence_recorded_at: Some(Some(now)),
        completed_at: Some(Some(now)),
        ..Changes::default()
    };
    let (approved, done) = (SponsorshipState::Approved, SponsorshipState::Completed);
    forum_sponsorships::update(conn, id, approved, done, &completed, now)?
        .ok_or(AppError::NotFound)?;
    let after = json!({"state": "completed", "credit_hours": credit.hours});
    audit(
        conn,
        staff,
        "forum_sponsorship.completed",
        entity,
        id,
        after,
    )?;
    Ok(Some(credit))
}

fn tip(
    conn: &mut DbConnection,
    staff: i64,
    target: TipState,
    kind: TipKind,
    title: &str,
    author_id: i64,
    topic: i64,
) -> Result<Option<credits::Credit>, AppError> {
    let now = Utc::now().naive_utc();
    let summary = "Erfahrungen aus der eigenen Kommune, Schritt für Schritt.";
    let row = practice_tips::insert(
        conn,
        &NewPracticeTip {
            author_id,
            title,
            question: "Wie gelingt der Einstieg mit wenig Personal?",
            kind,
            abstract_text: summary,
            search_text: &search_text(title, summary),
            state: TipState::Draft,
            anonymisation_requested: false,
            version: 1,
            created_at: now,
            updated_at: now,
        },
        &[topic],
    )?;
    let id = row.id;
    audit(
        conn,
        staff,
        "practice_tip.created",
        "practice_tip",
        id,
        json!({"state": "draft"}),
    )?;
    if target == TipState::Draft {
        return Ok(None);
    }
    let submitted = TransitionChanges {
        submitted_at: Some(Some(now)),
        ..TransitionChanges::default()
    };
    move_tip(
        conn,
        staff,
        id,
        TipState::Draft,
        TipState::Submitted,
        &submitted,
    )?;
    let decided = TransitionChanges {
        decided_by: Some(Some(staff)),
        published_at: (target == TipState::Published).then_some(Some(now)),
        review_note: (target == TipState::ChangesRequested)
            .then(|| Some("Bitte ein Praxisbeispiel ergänzen.".to_owned())),
        ..TransitionChanges::default()
    };
    match target {
        TipState::Published | TipState::ChangesRequested => {
            move_tip(conn, staff, id, TipState::Submitted, target, &decided)?
        }
        _ => return Ok(None),
    }
    if target != TipState::Published {
        return Ok(None);
    }
    let credit = credits::grant(
        conn,
        &Earning {
            participant_id: author_id,
            format_code: "practice_tip",
            source: CreditSource::PracticeTip,
            source_id: id,
            earned_on: programme_date_of_utc(now),
            chosen_hours: None,
        },
        now,
    )?;
    Ok(Some(credit))
}

fn move_tip(
    conn: &mut DbConnection,
    staff: i64,
    id: i64,
    from: TipState,
    to: TipState,
    changes: &TransitionChanges,
) -> Result<(), AppError> {
    let now = Utc::now().naive_utc();
    practice_tips::transition(conn, id, from, to, changes, now)?.ok_or(AppError::NotFound)?;
    let action = format!("practice_tip.{}", to.as_str());
    audit(
        conn,
        staff,
        &action,
        "practice_tip",
        id,
        json!({"from": from.as_str(), "state": to.as_str()}),
    )
}
