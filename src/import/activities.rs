//! Applies a checked list of past activities: each row becomes a documented session, a
//! completed forum sponsorship or a published practice tip, with its mentors credited on the
//! activity's day under the catalogue rule valid then (so last years' credits land in the right
//! project years). A row already brought over is left as it is, so importing a file twice
//! changes nothing. Rows that break a rule are all reported and nothing is written; a dry run
//! writes every row and rolls back, so it finds exactly what the import would.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Utc};
use diesel::Connection;
use serde_json::json;

use crate::db::DbConnection;
use crate::db::models::audit_events::{self, Actor, Change};
use crate::db::models::credits::{self, CreditSource, Earning};
use crate::db::models::forum_sponsorships::{self, Changes, NewSponsorship};
use crate::db::models::participants::{self, Participant};
use crate::db::models::practice_tips::{self, NewPracticeTip};
use crate::db::models::session_documentation::{self, Documentation};
use crate::db::models::sessions::{self, NewSession, TransitionChanges};
use crate::db::models::{accounts, formats, forums, topics};
use crate::domain::Violation;
use crate::domain::catalogue::TopicStatus;
use crate::domain::import::activities::{
    Activity, ActivityKind, ActivityRecord, NOT_RECORDED, SessionRecord, SponsorshipRecord,
    TipRecord, problems_of,
};
use crate::domain::import::{CellProblem, RowOutcome};
use crate::domain::practice_tip::{TipState, search_text};
use crate::domain::programme_time::programme_instant;
use crate::domain::session::{self, CoMentor, Proposal, ProposedFormat, SessionRule, SessionState};
use crate::domain::sponsorship::{
    SponsorshipState, best_credit_option, check_free_slot, check_option, max_concurrent,
};
use crate::error::AppError;

use super::refusal;

/// What happened to one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedActivity {
    /// The line in the file.
    pub line: usize,
    pub kind: ActivityKind,
    pub outcome: RowOutcome,
    /// The session, sponsorship or tip created or found; `None` in a dry run.
    pub activity_id: Option<i64>,
    /// The hours credited for it, all mentors together (what a dry run would credit).
    pub credited_hours: i64,
}

/// The result of one import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityReport {
    pub dry_run: bool,
    pub rows: Vec<ImportedActivity>,
}

impl ActivityReport {
    /// How many rows had `outcome`.
    pub fn count(&self, outcome: RowOutcome) -> usize {
        self.rows.iter().filter(|r| r.outcome == outcome).count()
    }
}

/// Why the savepoint is rolled back: a dry run done, or a failure.
enum Rollback {
    DryRun(Vec<ImportedActivity>),
    Failed(AppError),
}

impl From<diesel::result::Error> for Rollback {
    fn from(error: diesel::result::Error) -> Self {
        Rollback::Failed(error.into())
    }
}

impl From<AppError> for Rollback {
    fn from(error: AppError) -> Self {
        Rollback::Failed(error)
    }
}

/// A row's result: the activity, or the problems of its cells.
type RowResult = Result<ImportedActivity, Vec<CellProblem>>;

/// Applies `records` in the caller's transaction; any row's problem refuses the whole file
/// (422 naming every problem by line and column).
pub fn import_activities(
    conn: &mut DbConnection,
    records: &[ActivityRecord],
    dry_run: bool,
    actor: &Actor,
) -> Result<ActivityReport, AppError> {
    let now = Utc::now().naive_utc();
    let applied = conn.transaction::<_, Rollback, _>(|conn| {
        let catalogue = Catalogue::load(conn)?;
        let mut rows = Vec::with_capacity(records.len());
        let mut problems = Vec::new();
        for record in records {
            match apply(conn, &catalogue, record, actor, now)? {
                Ok(row) => rows.push(row),
                Err(mut found) => problems.append(&mut found),
            }
        }
        if !problems.is_empty() {
            return Err(Rollback::Failed(refusal(problems)));
        }
        if dry_run {
            Err(Rollback::DryRun(rows))
        } else {
            Ok(rows)
        }
    });
    let rows = match applied {
        Ok(rows) => rows,
        Err(Rollback::DryRun(rows)) => rows
            .into_iter()
            .map(|row| ImportedActivity {
                outcome: match row.outcome {
                    RowOutcome::Created => RowOutcome::WouldCreate,
                    other => other,
                },
                activity_id: None,
                ..row
            })
            .collect(),
        Err(Rollback::Failed(error)) => return Err(error),
    };
    Ok(ActivityReport { dry_run, rows })
}

/// Resolves the row's mentors and applies its activity.
fn apply(
    conn: &mut DbConnection,
    catalogue: &Catalogue,
    record: &ActivityRecord,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<RowResult, AppError> {
    let line = record.line;
    let mentors = match mentors_of(conn, record)? {
        Ok(mentors) => mentors,
        Err(problems) => return Ok(Err(problems)),
    };
    let mut row = Row {
        line,
        catalogue,
        actor,
        now,
        mentors,
    };
    match &record.activity {
        Activity::Session(s) => row.session(conn, s),
        Activity::ForumSponsorship(s) => row.sponsorship(conn, s),
        Activity::PracticeTip(t) => row.tip(conn, t),
    }
}

/// The participants the addresses belong to; each must hold the mentor role (their status
/// today does not matter: an imported list is `pending`, a mentor of 2024 may have ended).
fn mentors_of(
    conn: &mut DbConnection,
    record: &ActivityRecord,
) -> Result<Result<Vec<Participant>, Vec<CellProblem>>, AppError> {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for (index, address) in record.mentors.iter().enumerate() {
        let participant = match accounts::find_by_login(conn, address)? {
            Some(account) => participants::find_by_account(conn, account.id)?,
            None => None,
        };
        // The address itself stays out of the answer (personal data).
        match participant {
            Some(p) if p.is_mentor && p.erased_at.is_none() => {
                if found.iter().any(|f: &Participant| f.id == p.id) {
                    problems.push(problem(
                        record,
                        format!("address {} is named twice", index + 1),
                    ));
                } else {
                    found.push(p);
                }
            }
            Some(_) => problems.push(problem(
                record,
                format!(
                    "address {} belongs to a participant without the mentor role",
                    index + 1
                ),
            )),
            None => problems.push(problem(
                record,
                format!(
                    "address {} is no participant's; import the participant list first",
                    index + 1
                ),
            )),
        }
    }
    Ok(if problems.is_empty() {
        Ok(found)
    } else {
        Err(problems)
    })
}

fn problem(record: &ActivityRecord, reason: String) -> CellProblem {
    CellProblem::new(record.line, "Mentoren", reason)
}

/// One row being applied.
struct Row<'a> {
    line: usize,
    catalogue: &'a Catalogue,
    actor: &'a Actor,
    now: NaiveDateTime,
    mentors: Vec<Participant>,
}

impl Row<'_> {
    fn fail(&self, column: &str, reason: impl Into<String>) -> Result<RowResult, AppError> {
        Ok(Err(vec![CellProblem::new(self.line, column, reason)]))
    }

    fn broken(&self, violation: Violation, conflict_column: &str) -> Result<RowResult, AppError> {
        Ok(Err(problems_of(self.line, violation, conflict_column)))
    }

    fn done(
        &self,
        kind: ActivityKind,
        outcome: RowOutcome,
        id: i64,
        credited_hours: i64,
    ) -> Result<RowResult, AppError> {
        Ok(Ok(ImportedActivity {
            line: self.line,
            kind,
            outcome,
            activity_id: Some(id),
            credited_hours,
        }))
    }

    /// Audits the import of `entity` `id` with the row's line and mentors.
    fn audit(
        &self,
        conn: &mut DbConnection,
        entity_type: &str,
        id: i64,
        after: serde_json::Value,
    ) -> Result<(), AppError> {
        let mentor_ids: Vec<i64> = self.mentors.iter().map(|m| m.id).collect();
        let mut after = after;
        after["line"] = json!(self.line);
        after["mentor_ids"] = json!(mentor_ids);
        audit_events::record(
            conn,
            Change {
                actor: self.actor,
                action: &format!("{entity_type}.imported"),
                entity_type,
                entity_id: id.to_string(),
                before: None,
                after: Some(after),
            },
        )?;
        Ok(())
    }

    /// Credits each mentor for the activity on `earned_on`; the hours credited in all.
    fn credit(
        &self,
        conn: &mut DbConnection,
        format_code: &str,
        source: CreditSource,
        source_id: i64,
        earned_on: NaiveDate,
        chosen_hours: Option<i32>,
    ) -> Result<i64, AppError> {
        let mut hours = 0;
        for mentor in &self.mentors {
            let credit = credits::grant(
                conn,
                &Earning {
                    participant_id: mentor.id,
                    format_code,
                    source,
                    source_id,
                    earned_on,
                    chosen_hours,
                },
                self.now,
            )?;
            hours += i64::from(credit.hours);
        }
        Ok(hours)
    }

    /// The hours already credited for an activity (a row imported before).
    fn credited(conn: &mut DbConnection, source: CreditSource, id: i64) -> Result<i64, AppError> {
        Ok(credits::of_source(conn, source, id)?
            .iter()
            .filter(|c| c.revoked_at.is_none())
            .map(|c| i64::from(c.hours))
            .sum())
    }

    fn session(
        &mut self,
        conn: &mut DbConnection,
        s: &SessionRecord,
    ) -> Result<RowResult, AppError> {
        let kind = ActivityKind::Session;
        let Some(format) = self.catalogue.format(&s.format) else {
            return self.fail(
                "Format",
                "unknown format; give its code or name as in the catalogue",
            );
        };
        let topic_ids = match self.catalogue.topic_ids(&s.topics) {
            Ok(ids) => ids,
            Err(unknown) => return self.fail("Themen", unknown),
        };
        let (Some(starts_at), Some(ends_at)) = (
            programme_instant(s.day, s.starts),
            programme_instant(s.day, s.ends),
        ) else {
            return self.fail(
                "Beginn",
                "the time does not exist on that day (clock change)",
            );
        };
        if ends_at > self.now {
            return self.fail(
                "Ende",
                "must lie in the past: the import records held sessions",
            );
        }
        if let Some(id) = sessions::find_twin(conn, &format.code, starts_at, &s.title)? {
            let hours = Self::credited(conn, CreditSource::Session, id)?;
            return self.done(kind, RowOutcome::Existing, id, hours);
        }
        let rule = formats::rule_on(conn, &format.code, s.day)?;
        let co_mentors: Vec<CoMentor> = self
            .mentors
            .iter()
            .map(|m| CoMentor {
                id: m.id,
                is_active_mentor: true,
            })
            .collect();
        let checked = session::check_proposal(&Proposal {
            starts_at: starts_at.and_utc(),
            ends_at: ends_at.and_utc(),
            online: s.online,
            has_place: s.place.is_some(),
            has_event_name: s.event_name.is_some(),
            format: Some(ProposedFormat {
                code: &format.code,
                group: format.group_code,
                rule: rule.as_ref().map(|r| SessionRule {
                    bookable: r.bookable,
                    mentors_per_instance: r.mentors_per_instance,
                }),
            }),
            topic_ids: &topic_ids,
            not_accepted_topic_ids: &[],
            proposer_id: None,
            co_mentors: &co_mentors,
            mentors_pointer: "/mentor_ids",
        });
        let mentor_ids = match checked {
            Ok(ids) => ids,
            Err(violation) => return self.broken(violation, "Format"),
        };
        let reporter = self.mentors[0].account_id;
        let row = sessions::insert(
            conn,
            &NewSession {
                format_code: &format.code,
                title: &s.title,
                guiding_question: s.guiding_question.as_deref().unwrap_or(NOT_RECORDED),
                starts_at,
                ends_at,
                calendar_year: chrono::Datelike::year(&s.day),
                online: s.online,
                place: s.place.as_deref(),
                event_name: s.event_name.as_deref(),
                expected_audience: None,
                state: SessionState::Held,
                capacity_override: false,
                proposed_by: self.mentors[0].id,
                version: 1,
                created_at: self.now,
                updated_at: self.now,
            },
            &mentor_ids,
            &topic_ids,
        )?;
        session_documentation::insert(
            conn,
            &Documentation {
                session_id: row.id,
                summary: s.summary.clone().unwrap_or_else(|| NOT_RECORDED.to_owned()),
                results: NOT_RECORDED.to_owned(),
                filed_by: self.actor.account_id.unwrap_or(reporter),
                filed_at: self.now,
                version: 1,
            },
            &[],
        )?;
        let documented = TransitionChanges {
            people_reached: Some(s.people_reached),
            decided_by: Some(self.actor.account_id),
            decided_at: Some(Some(self.now)),
            ..TransitionChanges::default()
        };
        let (held, done) = (SessionState::Held, SessionState::Documented);
        sessions::transition(conn, row.id, held, done, &documented, self.now)?
            .ok_or_else(|| AppError::internal("an imported session is held"))?;
        let hours = self.credit(
            conn,
            &format.code,
            CreditSource::Session,
            row.id,
            s.day,
            None,
        )?;
        self.audit(
            conn,
            "session",
            row.id,
            json!({"state": done.as_str(), "format_code": format.code, "credited_hours": hours}),
        )?;
        self.done(kind, RowOutcome::Created, row.id, hours)
    }

    fn sponsorship(
        &mut self,
        conn: &mut DbConnection,
        s: &SponsorshipRecord,
    ) -> Result<RowResult, AppError> {
        const FORMAT: &str = "forum_sponsorship";
        let kind = ActivityKind::ForumSponsorship;
        let Some(forum) = self.catalogue.forum(&s.forum) else {
            return self.fail(
                "Forum",
                "unknown forum; give its code or name as in the catalogue",
            );
        };
        let mentor = self.mentors[0].clone();
        if let Some(id) = forum_sponsorships::find_twin(conn, forum.id, mentor.id, s.starts_on)? {
            let hours = Self::credited(conn, CreditSource::ForumSponsorship, id)?;
            return self.done(kind, RowOutcome::Existing, id, hours);
        }
        let Some(rule) = formats::rule_on(conn, FORMAT, s.starts_on)? else {
            return self.fail(
                "Datum",
                "forum sponsorships have no catalogue rule on that day",
            );
        };
        let period = (s.starts_on, s.ends_on);
        let hours = match s.hours {
            Some(h) => {
                match check_option(rule.credit_hours, rule.alt_credit_hours, h, Some(period)) {
                    Ok(()) => h,
                    Err(violation) => return self.broken(violation, "Stunden"),
                }
            }
            None => match best_credit_option(
                rule.credit_hours,
                rule.alt_credit_hours,
                s.starts_on,
                s.ends_on,
            ) {
                Some(h) => h,
                None => {
                    return self.fail("Bis", "the period has too few weeks for any credit option");
                }
            },
        };
        if forum_sponsorships::overlaps_own(conn, forum.id, mentor.id, s.starts_on, s.ends_on)? {
            return self.fail(
                "Datum",
                "the mentor sponsors this forum already during that period",
            );
        }
        let periods: Vec<_> =
            forum_sponsorships::occupying(conn, forum.id, s.starts_on, s.ends_on)?
                .into_iter()
                .map(|o| (o.starts_on, o.effective_ends_on))
                .collect();
        let taken = max_concurrent(&periods, s.starts_on, s.ends_on);
        if let Err(violation) = check_free_slot(rule.mentors_per_instance, taken) {
            return self.broken(violation, "Forum");
        }
        let row = forum_sponsorships::insert(
            conn,
            &NewSponsorship {
                forum_id: forum.id,
                participant_id: mentor.id,
                starts_on: s.starts_on,
                ends_on: s.ends_on,
                effective_ends_on: s.ends_on,
                credit_hours: hours,
                state: SponsorshipState::Approved,
                applied_by: self.actor.account_id.unwrap_or(mentor.account_id),
                version: 1,
                created_at: self.now,
                updated_at: self.now,
            },
        )?;
        let completed = Changes {
            decided_by: Some(self.actor.account_id),
            decided_at: Some(Some(self.now)),
            completed_at: Some(Some(self.now)),
            ..Changes::default()
        };
        let (approved, done) = (SponsorshipState::Approved, SponsorshipState::Completed);
        forum_sponsorships::update(conn, row.id, approved, done, &completed, self.now)?
            .ok_or_else(|| AppError::internal("an imported sponsorship is approved"))?;
        let credited = self.credit(
            conn,
            FORMAT,
            CreditSource::ForumSponsorship,
            row.id,
            s.ends_on,
            Some(hours),
        )?;
        self.audit(
            conn,
            "forum_sponsorship",
            row.id,
            json!({"state": done.as_str(), "forum_id": forum.id, "credited_hours": credited}),
        )?;
        self.done(kind, RowOutcome::Created, row.id, credited)
    }

    fn tip(&mut self, conn: &mut DbConnection, t: &TipRecord) -> Result<RowResult, AppError> {
        const FORMAT: &str = "practice_tip";
        let kind = ActivityKind::PracticeTip;
        let topic_ids = match self.catalogue.topic_ids(&t.topics) {
            Ok(ids) => ids,
            Err(unknown) => return self.fail("Themen", unknown),
        };
        let author = self.mentors[0].clone();
        if let Some(id) = practice_tips::find_twin(conn, author.id, &t.title)? {
            let hours = Self::credited(conn, CreditSource::PracticeTip, id)?;
            return self.done(kind, RowOutcome::Existing, id, hours);
        }
        let summary = t.summary.as_deref().unwrap_or(NOT_RECORDED);
        let row = practice_tips::insert(
            conn,
            &NewPracticeTip {
                author_id: author.id,
                title: &t.title,
                question: t.question.as_deref().unwrap_or(NOT_RECORDED),
                kind: t.kind,
                abstract_text: summary,
                search_text: &search_text(&t.title, summary),
                state: TipState::Submitted,
                anonymisation_requested: false,
                version: 1,
                created_at: self.now,
                updated_at: self.now,
            },
            &topic_ids,
        )?;
        let noon = NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default();
        let published = practice_tips::TransitionChanges {
            submitted_at: Some(Some(self.now)),
            published_at: Some(programme_instant(t.published_on, noon)),
            decided_by: Some(self.actor.account_id),
            ..practice_tips::TransitionChanges::default()
        };
        let (submitted, done) = (TipState::Submitted, TipState::Published);
        practice_tips::transition(conn, row.id, submitted, done, &published, self.now)?
            .ok_or_else(|| AppError::internal("an imported tip is submitted"))?;
        let credited = self.credit(
            conn,
            FORMAT,
            CreditSource::PracticeTip,
            row.id,
            t.published_on,
            None,
        )?;
        self.audit(
            conn,
            "practice_tip",
            row.id,
            json!({"state": done.as_str(), "credited_hours": credited}),
        )?;
        self.done(kind, RowOutcome::Created, row.id, credited)
    }
}

/// Compares a cell with a code or name ignoring case and surrounding spaces.
fn same(cell: &str, name: &str) -> bool {
    cell.trim().to_lowercase() == name.trim().to_lowercase()
}

/// The formats, forums (retired ones too: the activities are history) and accepted topics
/// (retired ones too), read once per import.
struct Catalogue {
    formats: Vec<formats::Format>,
    forums: Vec<forums::Forum>,
    topics: Vec<topics::Topic>,
}

impl Catalogue {
    fn load(conn: &mut DbConnection) -> Result<Self, AppError> {
        Ok(Catalogue {
            formats: formats::list(conn)?,
            forums: forums::list(conn, true)?,
            topics: topics::list(
                conn,
                Some(TopicStatus::Accepted),
                None,
                0,
                i64::from(u16::MAX),
            )?,
        })
    }

    /// A format by code or name.
    fn format(&self, cell: &str) -> Option<formats::Format> {
        self.formats
            .iter()
            .find(|f| same(cell, &f.code) || same(cell, &f.name_de) || same(cell, &f.name_en))
            .cloned()
    }

    /// A forum by code or name.
    fn forum(&self, cell: &str) -> Option<forums::Forum> {
        self.forums
            .iter()
            .find(|f| same(cell, &f.code) || same(cell, &f.name_de) || same(cell, &f.name_en))
            .cloned()
    }

    /// The ids of the topics named by id or German or English title; the first unknown one as
    /// the problem.
    fn topic_ids(&self, titles: &[String]) -> Result<Vec<i64>, String> {
        let mut ids = Vec::new();
        for title in titles {
            let id = title.trim().parse::<i64>().ok();
            let Some(topic) = self.topics.iter().find(|t| {
                id == Some(t.id)
                    || same(title, &t.title_de)
                    || t.title_en.as_deref().is_some_and(|en| same(title, en))
            }) else {
                return Err(format!(
                    "\"{title}\" is not an accepted topic of the catalogue"
                ));
            };
            if !ids.contains(&topic.id) {
                ids.push(topic.id);
            }
        }
        ids.sort_unstable();
        Ok(ids)
    }
}
