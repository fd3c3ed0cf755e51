//! Demo forum sponsorships (applied, approved, completed with credit, declined) and practice
//! tips (draft, submitted, changes requested, published with credit, some in past years). A
//! sponsorship's end and credit follow the domain rules (6–12 months; the largest credit option
//! the period has weeks for; a forum with a free slot); a tip's credit is dated on its
//! publication day.

use chrono::{Duration, NaiveDate, NaiveTime, Utc};
use serde_json::json;

use crate::db::models::credits::{self, CreditSource, Earning};
use crate::db::models::forum_sponsorships::{self, Changes, NewSponsorship};
use crate::db::models::practice_tips::{self, NewPracticeTip, TransitionChanges};
use crate::db::models::{formats, forums};
use crate::db::{self, DbConnection, DbPool};
use crate::domain::Violation;
use crate::domain::practice_tip::{TipKind, TipState, publication_date, search_text};
use crate::domain::sponsorship::{
    SponsorshipState, best_credit_option, check_free_slot, check_period, max_concurrent, period_end,
};
use crate::error::AppError;

use super::activities::{Created, audit};
use super::obligations;
use super::people::Cast;

/// (target state, days from today to the start, months)
const SPONSORSHIPS: &[(SponsorshipState, i64, u32)] = &[
    (SponsorshipState::Completed, -400, 6),
    (SponsorshipState::Completed, -300, 6),
    (SponsorshipState::Completed, -520, 12),
    (SponsorshipState::Approved, -60, 6),
    (SponsorshipState::Approved, -20, 12),
    (SponsorshipState::Applied, 30, 6),
    (SponsorshipState::Applied, 45, 12),
    (SponsorshipState::Declined, 60, 6),
];

/// (target state, kind, title, published how many days ago)
const TIPS: &[(TipState, TipKind, &str, Option<i64>)] = &[
    (
        TipState::Published,
        TipKind::Text,
        "Klimaschutz in den Haushaltsplan bringen",
        Some(30),
    ),
    (
        TipState::Published,
        TipKind::Slides,
        "Bürgerbeteiligung zur Wärmeplanung",
        Some(200),
    ),
    (
        TipState::Published,
        TipKind::Text,
        "Energiecontrolling mit Bordmitteln",
        Some(420),
    ),
    (
        TipState::Submitted,
        TipKind::Text,
        "Förderanträge ohne Stress",
        None,
    ),
    (
        TipState::ChangesRequested,
        TipKind::Slides,
        "Radverkehrskonzept in 90 Tagen",
        None,
    ),
    (
        TipState::Draft,
        TipKind::Text,
        "Klimafolgenanpassung im Bauamt",
        None,
    ),
];

/// A demo sponsorship: where it is to end up, whose, when it starts and how long it runs.
pub struct DemoSponsorship {
    pub state: SponsorshipState,
    pub participant_id: i64,
    pub starts_on: NaiveDate,
    pub months: u32,
}

/// A demo tip: where it is to end up, what and whose it is, and (published) on which day.
pub struct DemoTip {
    pub state: TipState,
    pub kind: TipKind,
    pub title: &'static str,
    pub author_id: i64,
    pub topic: i64,
    pub published_on: Option<NaiveDate>,
}

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
    for (k, &(state, days, months)) in SPONSORSHIPS.iter().enumerate() {
        let demo = DemoSponsorship {
            state,
            participant_id: cast.mentors[(k + 3) % cast.mentors.len()],
            starts_on: today + Duration::days(days),
            months,
        };
        let forums = forum_ids.clone();
        let credit = db::write(pool, move |conn| {
            sponsorship(conn, staff, &demo, &forums, k)
        })
        .await?;
        created.sponsorships += 1;
        if let Some(credit) = credit {
            created.credit(&credit);
        }
    }
    for (k, &(state, kind, title, days_ago)) in TIPS.iter().enumerate() {
        let demo = DemoTip {
            state,
            kind,
            title,
            author_id: cast.mentors[(k + 5) % cast.mentors.len()],
            topic: topic_ids[k % topic_ids.len()],
            published_on: days_ago.map(|d| today - Duration::days(d)),
        };
        let credit = db::write(pool, move |conn| tip(conn, staff, &demo, today)).await?;
        created.practice_tips += 1;
        if let Some(credit) = credit {
            created.credit(&credit);
        }
    }
    obligations::create(
        pool,
        staff,
        &cast.planned,
        topic_ids,
        &forum_ids,
        today,
        created,
    )
    .await
}

/// The first forum from `preferred` on (round the list) with a free slot during the period in
/// which the mentor does not sponsor already (the API's checks at application and approval).
fn free_forum(
    conn: &mut DbConnection,
    forum_ids: &[i64],
    preferred: usize,
    demo: &DemoSponsorship,
    ends_on: NaiveDate,
    limit: Option<i32>,
) -> Result<i64, AppError> {
    for k in 0..forum_ids.len() {
        let forum = forum_ids[(preferred + k) % forum_ids.len()];
        let periods: Vec<_> = forum_sponsorships::occupying(conn, forum, demo.starts_on, ends_on)?
            .into_iter()
            .map(|s| (s.starts_on, s.effective_ends_on))
            .collect();
        let taken = max_concurrent(&periods, demo.starts_on, ends_on);
        let own = forum_sponsorships::overlaps_own(
            conn,
            forum,
            demo.participant_id,
            demo.starts_on,
            ends_on,
        )?;
        if !own && check_free_slot(limit, taken).is_ok() {
            return Ok(forum);
        }
    }
    Err(AppError::Conflict(
        "every demo forum is fully sponsored in that period".to_owned(),
    ))
}

/// Writes one sponsorship and moves it to its state; its end, forum and credit option follow
/// the rules on its start date. Returns the credit of a completed one.
pub fn sponsorship(
    conn: &mut DbConnection,
    staff: i64,
    demo: &DemoSponsorship,
    forum_ids: &[i64],
    preferred: usize,
) -> Result<Option<credits::Credit>, AppError> {
    let now = Utc::now().naive_utc();
    let (target, participant_id, starts_on) = (demo.state, demo.participant_id, demo.starts_on);
    let ends_on = period_end(starts_on, demo.months)
        .ok_or_else(|| AppError::internal("a demo sponsorship has an end"))?;
    check_period(starts_on, ends_on).map_err(Violation::from)?;
    let rule = formats::rule_on(conn, "forum_sponsorship", starts_on)?
        .ok_or_else(|| AppError::internal("forum sponsorships have a rule"))?;
    let credit_hours =
        best_credit_option(rule.credit_hours, rule.alt_credit_hours, starts_on, ends_on)
            .ok_or_else(|| AppError::internal("a demo period has weeks for a credit option"))?;
    let forum_id = free_forum(
        conn,
        forum_ids,
        preferred,
        demo,
        ends_on,
        rule.mentors_per_instance,
    )?;
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

/// Writes one tip as staff for its author and moves it to its state; a published one is dated
/// and credited on its publication day (today unless given; never in the future).
pub fn tip(
    conn: &mut DbConnection,
    staff: i64,
    demo: &DemoTip,
    today: NaiveDate,
) -> Result<Option<credits::Credit>, AppError> {
    let now = Utc::now().naive_utc();
    let (target, title, author_id) = (demo.state, demo.title, demo.author_id);
    let summary = "Erfahrungen aus der eigenen Kommune, Schritt für Schritt.";
    let row = practice_tips::insert(
        conn,
        &NewPracticeTip {
            author_id,
            title,
            question: "Wie gelingt der Einstieg mit wenig Personal?",
            kind: demo.kind,
            abstract_text: summary,
            search_text: &search_text(title, summary),
            state: TipState::Draft,
            anonymisation_requested: false,
            version: 1,
            created_at: now,
            updated_at: now,
        },
        &[demo.topic],
    )?;
    let id = row.id;
    audit(
        conn,
        staff,
        "practice_tip.created",
        "practice_tip",
        id,
        json!({"state": "draft", "author_id": author_id, "by_staff": true}),
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
        (id, author_id),
        TipState::Draft,
        TipState::Submitted,
        &submitted,
    )?;
    let published_on = publication_date(demo.published_on, today)?;
    let noon = NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default();
    let decided = TransitionChanges {
        decided_by: Some(Some(staff)),
        published_at: (target == TipState::Published).then_some(Some(published_on.and_time(noon))),
        review_note: (target == TipState::ChangesRequested)
            .then(|| Some("Bitte ein Praxisbeispiel ergänzen.".to_owned())),
        ..TransitionChanges::default()
    };
    match target {
        TipState::Published | TipState::ChangesRequested => move_tip(
            conn,
            staff,
            (id, author_id),
            TipState::Submitted,
            target,
            &decided,
        )?,
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
            earned_on: published_on,
            chosen_hours: None,
        },
        now,
    )?;
    Ok(Some(credit))
}

/// Moves tip `(id, author)` and audits it as staff acting for the author.
fn move_tip(
    conn: &mut DbConnection,
    staff: i64,
    (id, author_id): (i64, i64),
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
        json!({"from": from.as_str(), "state": to.as_str(), "author_id": author_id, "by_staff": true}),
    )
}
