//! The `participants` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::bound_list::in_codes;
use crate::db::schema::{participant_topics, participants, projects};
use crate::domain::participant::{Experience, FederalState, RoleCode, Salutation};
use crate::domain::participant::{ParticipantStatus, ProjectKind, Standing};
use crate::on_backend;

/// One row of `participants`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = participants)]
pub struct Participant {
    pub id: i64,
    pub account_id: i64,
    pub status: ParticipantStatus,
    pub salutation: Option<Salutation>,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    pub experience: Experience,
    pub is_mentee: bool,
    pub is_mentor: bool,
    pub consent_directory: bool,
    pub consent_newsletter_welcome: bool,
    pub community_account_ref: Option<String>,
    pub activated_at: Option<NaiveDateTime>,
    pub erased_at: Option<NaiveDateTime>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Participant {
    /// Their standing for the admission rules.
    fn standing(&self) -> Standing {
        Standing {
            status: self.status,
            erased: self.erased_at.is_some(),
            is_mentor: self.is_mentor,
        }
    }

    /// Active and not erased ([`Standing::is_active`]).
    pub fn is_active(&self) -> bool {
        self.standing().is_active()
    }

    /// Active, not erased and a mentor ([`Standing::is_active_mentor`]).
    pub fn is_active_mentor(&self) -> bool {
        self.standing().is_active_mentor()
    }
}

/// Insert form for `participants`.
#[derive(Debug, Insertable)]
#[diesel(table_name = participants)]
pub struct NewParticipant<'a> {
    pub account_id: i64,
    pub status: ParticipantStatus,
    pub salutation: Option<Salutation>,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    pub experience: Experience,
    pub is_mentee: bool,
    pub is_mentor: bool,
    pub consent_directory: bool,
    pub consent_newsletter_welcome: bool,
    pub community_account_ref: Option<&'a str>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Contact fields a participant or staff may change (`None` leaves a field as it is).
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = participants)]
pub struct ContactChanges {
    pub salutation: Option<Option<Salutation>>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub experience: Option<Experience>,
    pub consent_directory: Option<bool>,
    pub consent_newsletter_welcome: Option<bool>,
    pub community_account_ref: Option<Option<String>>,
}

/// Inserts a participant.
pub fn insert(conn: &mut DbConnection, new: &NewParticipant<'_>) -> QueryResult<Participant> {
    diesel::insert_into(participants::table)
        .values(new)
        .returning(participants::all_columns)
        .get_result(conn)
}

/// The participant with this id.
pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Participant>> {
    participants::table.find(id).first(conn).optional()
}

/// The participant behind an account.
pub fn find_by_account(
    conn: &mut DbConnection,
    account_id: i64,
) -> QueryResult<Option<Participant>> {
    on_backend!(conn, |c| {
        participants::table
            .filter(participants::account_id.eq(account_id))
            .first(c)
            .optional()
    })
}

/// Sets the participant's e-mail address (kept equal to the account's login); bumps the version.
pub fn set_email(
    conn: &mut DbConnection,
    id: i64,
    email: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(participants::table.find(id))
        .set((
            participants::email.eq(email),
            participants::version.eq(participants::version + 1),
            participants::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Applies contact changes if the row still has `expected_version`; `false` when it moved on.
pub fn update_contact(
    conn: &mut DbConnection,
    id: i64,
    expected_version: i64,
    changes: &ContactChanges,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let target = participants::table
        .filter(participants::id.eq(id))
        .filter(participants::version.eq(expected_version));
    let updated = diesel::update(target)
        .set((
            changes,
            participants::version.eq(participants::version + 1),
            participants::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(updated == 1)
}

/// Sets the status (and the activation time when activating); bumps the version.
pub fn set_status(
    conn: &mut DbConnection,
    id: i64,
    status: ParticipantStatus,
    activated_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(participants::table.find(id))
        .set((
            participants::status.eq(status),
            participants::version.eq(participants::version + 1),
            participants::updated_at.eq(now),
        ))
        .execute(conn)?;
    if let Some(at) = activated_at {
        diesel::update(participants::table.find(id))
            .set(participants::activated_at.eq(at))
            .execute(conn)?;
    }
    Ok(())
}

/// Sets when the participant was activated, for records brought in after the fact (the demo's
/// participants were activated when their projects began, not when the demo was seeded).
pub fn backdate_activation(
    conn: &mut DbConnection,
    id: i64,
    activated_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(participants::table.find(id))
        .set(participants::activated_at.eq(activated_at))
        .execute(conn)?;
    Ok(())
}

/// Sets the current roles; bumps the version.
pub fn set_roles(
    conn: &mut DbConnection,
    id: i64,
    mentee: bool,
    mentor: bool,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(participants::table.find(id))
        .set((
            participants::is_mentee.eq(mentee),
            participants::is_mentor.eq(mentor),
            participants::version.eq(participants::version + 1),
            participants::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Filters of the directory and the staff list.
#[derive(Debug, Default, Clone)]
pub struct ListFilter {
    /// Only these states (the directory passes `active`).
    pub status: Option<ParticipantStatus>,
    /// Only participants who consented to be listed.
    pub listed_only: bool,
    /// Only mentees or only mentors.
    pub role: Option<RoleCode>,
    /// Federal state of a project running on `today`.
    pub federal_state: Option<FederalState>,
    /// Kind of a project running on `today`.
    pub project_kind: Option<ProjectKind>,
    /// Words in the name (case-insensitive).
    pub name: Option<String>,
    /// A topic of expertise or interest.
    pub topic_id: Option<i64>,
    /// The day "running" refers to.
    pub today: chrono::NaiveDate,
}

pub(crate) fn escape_like(text: &str) -> String {
    text.chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect()
}

/// Participants matching the filter, in id order after `after_id`, at most `limit`.
pub fn list(
    conn: &mut DbConnection,
    filter: &ListFilter,
    after_id: i64,
    limit: i64,
) -> QueryResult<Vec<Participant>> {
    let mut query = participants::table
        .filter(participants::id.gt(after_id))
        .filter(participants::erased_at.is_null())
        .order(participants::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(status) = filter.status {
        query = query.filter(participants::status.eq(status));
    }
    if filter.listed_only {
        query = query.filter(participants::consent_directory.eq(true));
    }
    match filter.role {
        Some(RoleCode::Mentee) => query = query.filter(participants::is_mentee.eq(true)),
        Some(RoleCode::Mentor) => query = query.filter(participants::is_mentor.eq(true)),
        None => {}
    }
    if filter.federal_state.is_some() || filter.project_kind.is_some() {
        let today = filter.today;
        let states = match filter.federal_state {
            Some(state) => vec![state],
            None => FederalState::ALL.to_vec(),
        };
        let kinds = match filter.project_kind {
            Some(kind) => vec![kind],
            None => ProjectKind::ALL.to_vec(),
        };
        let running = projects::table
            .select(projects::participant_id)
            .filter(projects::start_date.le(today))
            .filter(
                projects::end_date
                    .is_null()
                    .or(projects::end_date.ge(today)),
            )
            .filter(in_codes(projects::federal_state, states))
            .filter(in_codes(projects::kind, kinds));
        query = query.filter(participants::id.eq_any(running));
    }
    if let Some(topic_id) = filter.topic_id {
        let with_topic = participant_topics::table
            .select(participant_topics::participant_id)
            .filter(participant_topics::topic_id.eq(topic_id));
        query = query.filter(participants::id.eq_any(with_topic));
    }
    if let Some(name) = &filter.name {
        let pattern = format!("%{}%", escape_like(&name.to_lowercase()));
        let full_name = diesel::dsl::sql::<diesel::sql_types::Text>(
            "lower(participants.first_name || ' ' || participants.last_name)",
        );
        query = query.filter(full_name.like(pattern).escape('\\'));
    }
    query.load(conn)
}

/// The not-erased participant with this (normalised) e-mail, community account id or id.
pub fn find_member(
    conn: &mut DbConnection,
    email: Option<&str>,
    community_account_ref: Option<&str>,
    id: Option<i64>,
) -> QueryResult<Option<Participant>> {
    let mut query = participants::table
        .filter(participants::erased_at.is_null())
        .order(participants::id.asc())
        .into_boxed();
    if let Some(email) = email {
        query = query.filter(participants::email.eq(email.to_owned()));
    }
    if let Some(reference) = community_account_ref {
        query = query.filter(participants::community_account_ref.eq(reference.to_owned()));
    }
    if let Some(id) = id {
        query = query.filter(participants::id.eq(id));
    }
    query.first(conn).optional()
}

/// Whether a not-erased participant other than `except` has this community account reference.
pub fn reference_taken(
    conn: &mut DbConnection,
    reference: &str,
    except: Option<i64>,
) -> QueryResult<bool> {
    let holders = participants::table
        .filter(participants::erased_at.is_null())
        .filter(participants::community_account_ref.eq(reference.to_owned()))
        .filter(participants::id.ne_all(except.into_iter().collect::<Vec<_>>()));
    diesel::select(diesel::dsl::exists(holders)).get_result(conn)
}

/// Moves a participant from one status to another (conditional on `from`), with its audit event;
/// used by the lifecycle endpoints and the demo seeding.
pub fn transition(
    conn: &mut DbConnection,
    id: i64,
    actor: &crate::db::models::audit_events::Actor,
    from: ParticipantStatus,
    to: ParticipantStatus,
    event: crate::domain::events::EventType,
) -> Result<(), crate::error::AppError> {
    let now = chrono::Utc::now().naive_utc();
    let activated_at = (to == ParticipantStatus::Active).then_some(now);
    set_status(conn, id, to, activated_at, now)?;
    crate::db::models::audit_events::record(
        conn,
        crate::db::models::audit_events::Change {
            actor,
            action: event.as_str(),
            entity_type: "participant",
            entity_id: id.to_string(),
            before: Some(serde_json::json!({ "status": from })),
            after: Some(serde_json::json!({ "status": to })),
        },
    )?;
    // Last, so the outbox lock is held briefly and always after the participant row.
    crate::db::models::outbox::emit(conn, event, id, now)
}

/// Takes the participant's row lock until the transaction ends: a second transaction doing the
/// same waits, so checks over the participant's projects (no overlapping periods) and the write
/// that follows them cannot interleave. (On SQLite `BEGIN IMMEDIATE` serialises writers anyway;
/// on PostgreSQL the updated row stays locked.) `false` when there is no such participant.
pub fn lock(conn: &mut DbConnection, id: i64) -> QueryResult<bool> {
    let updated = diesel::update(participants::table.find(id))
        .set(participants::id.eq(participants::id))
        .execute(conn)?;
    Ok(updated == 1)
}

/// Every active, not erased participant with the mentor role, by id (the candidates of
/// individual mentoring).
pub fn active_mentors(conn: &mut DbConnection) -> QueryResult<Vec<Participant>> {
    participants::table
        .filter(participants::status.eq(ParticipantStatus::Active))
        .filter(participants::is_mentor.eq(true))
        .filter(participants::erased_at.is_null())
        .order(participants::id.asc())
        .load(conn)
}
