//! The directory active participants see (§ 5.1) and the staff list with CSV export.

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::views::{ParticipantResponse, assemble, roles_of};
use crate::api::access::Viewer;
use crate::api::http::pagination::PageParams;
use crate::api::http::query_text::require_plain;
use crate::api::http::response::private_json;
use crate::auth::{Caller, StaffCaller};
use crate::db::models::participants::{self, ListFilter};
use crate::db::{self, DbPool};
use crate::domain::lang::Lang;
use crate::domain::participant::{
    FederalState, ParticipantStatus, ProjectKind, RoleCode, Salutation,
};
use crate::domain::programme_time::programme_today;
use crate::error::AppError;

/// Filters shared by the directory and the staff list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DirectoryFilter {
    /// Only mentees or only mentors.
    pub role: Option<RoleCode>,
    /// Federal state of the project running today.
    pub federal_state: Option<FederalState>,
    /// Kind of the project running today.
    pub project_kind: Option<ProjectKind>,
    /// Words in the name (case-insensitive, 2–100 characters, at least two of them not blank).
    #[param(
        min_length = 2,
        max_length = 100,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub name: Option<String>,
    /// A topic of expertise or interest (id from `GET /topics`).
    pub topic: Option<i64>,
}

impl DirectoryFilter {
    pub(super) fn to_filter(
        &self,
        status: Option<ParticipantStatus>,
        listed_only: bool,
    ) -> Result<ListFilter, AppError> {
        // Control characters are refused before trimming (which would drop a trailing form
        // feed); a blank `name=` is refused like any name under 2 characters, as its schema says.
        require_plain("name", self.name.as_deref(), 100)?;
        let name = self.name.as_deref().map(str::trim);
        if name.is_some_and(|n| !(2..=100).contains(&n.chars().count())) {
            return Err(AppError::BadRequest(
                "name must have 2 to 100 characters".to_owned(),
            ));
        }
        Ok(ListFilter {
            status,
            listed_only,
            role: self.role,
            federal_state: self.federal_state,
            project_kind: self.project_kind,
            name: name.map(str::to_owned),
            topic_id: self.topic,
            today: programme_today(),
        })
    }
}

/// A directory entry: what active participants see of each other.
#[derive(Debug, Serialize, ToSchema)]
pub struct DirectoryEntry {
    /// Participant id.
    pub id: i64,
    /// Salutation.
    #[schema(required = true)]
    pub salutation: Option<Salutation>,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// E-mail address.
    pub email: String,
    /// Phone number.
    pub phone: String,
    /// Roles.
    pub roles: Vec<RoleCode>,
    /// Employer of the current project.
    #[schema(required = true)]
    pub employer: Option<String>,
    /// Federal state of the current project.
    #[schema(required = true)]
    pub federal_state: Option<FederalState>,
    /// Kind of the current project.
    #[schema(required = true)]
    pub project_kind: Option<ProjectKind>,
    /// Label of the project kind (`Accept-Language`).
    #[schema(required = true)]
    pub project_kind_label: Option<String>,
    /// Topics the participant offers expertise in.
    pub expertise_topic_ids: Vec<i64>,
    /// Topics the participant is interested in.
    pub interest_topic_ids: Vec<i64>,
}

/// One page of the directory.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [{
        "id": 5,
        "salutation": "ms",
        "first_name": "Erika",
        "last_name": "Mustermann",
        "email": "erika.mustermann@example.org",
        "phone": "+49 211 1234567",
        "roles": ["mentor"],
        "employer": "Stadt Musterstadt",
        "federal_state": "NW",
        "project_kind": "follow_up_project",
        "project_kind_label": "Anschlussvorhaben (KSM2)",
        "expertise_topic_ids": [3, 8],
        "interest_topic_ids": [12]
    }],
    "next_cursor": null
}))]
pub struct DirectoryPage {
    /// The entries.
    pub items: Vec<DirectoryEntry>,
    /// Pass as `cursor` for the next page; `null` on the last.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// The directory: active participants who consented to be listed.
///
/// Active participants and staff (§ 5.1: once activated, participants see the others and can
/// contact them directly); pending and ended participants and integration clients get 403.
/// Lists only active participants who consented (`consent_directory`), with contact details,
/// roles, the current project's employer, federal state and kind, and their topics. Filter by
/// `role`, `federal_state` and `project_kind` (of the project running today), `name` (words in
/// the name, 2–100 characters) and `topic`. Labels follow `Accept-Language`. Keyset paging with
/// `limit` and `cursor`.
#[utoipa::path(
    tag = "participants",
    operation_id = "list_directory",
    params(DirectoryFilter, PageParams),
    responses((status = 200, description = "One page of the directory.", body = DirectoryPage,
        headers(("Content-Language" = String, description = "Language of the labels."))))
)]
#[get("/directory")]
pub async fn list_directory(
    caller: Caller,
    filter: web::Query<DirectoryFilter>,
    paging: web::Query<PageParams>,
    lang: Lang,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let page = paging.page()?;
    let filter = filter.to_filter(Some(ParticipantStatus::Active), true)?;
    let today = filter.today;
    let (rows, next_cursor) = db::run(&pool, move |conn| {
        Viewer::load(conn, &caller)?.require_member()?;
        let rows = participants::list(conn, &filter, page.after.unwrap_or(0), page.fetch())?;
        let (rows, next) = page.finish(rows, |p| p.id);
        Ok((assemble(conn, rows, today)?, next))
    })
    .await?;
    let items = rows
        .iter()
        .map(|a| {
            let p = &a.participant;
            let project = a.current_project(today);
            let kind = project.map(|pr| pr.kind);
            DirectoryEntry {
                id: p.id,
                salutation: p.salutation,
                first_name: p.first_name.clone(),
                last_name: p.last_name.clone(),
                email: p.email.clone(),
                phone: p.phone.clone(),
                roles: roles_of(p).codes(),
                employer: project.map(|pr| pr.employer.clone()),
                federal_state: project.map(|pr| pr.federal_state),
                project_kind: kind,
                project_kind_label: kind.map(|k| k.label(lang).to_owned()),
                expertise_topic_ids: a.expertise_topic_ids.clone(),
                interest_topic_ids: a.interest_topic_ids.clone(),
            }
        })
        .collect();
    Ok(lang
        .respond(HttpResponse::Ok())
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(DirectoryPage { items, next_cursor }))
}

/// Staff filters: the directory's plus the state.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StaffFilter {
    /// Only participants in this state.
    pub status: Option<ParticipantStatus>,
}

/// One page of participants.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [super::views::participant_example()],
    "next_cursor": "5a3c96e10f7bd24d"
}))]
pub struct ParticipantPage {
    /// The participants.
    pub items: Vec<ParticipantResponse>,
    /// Pass as `cursor` for the next page; `null` on the last.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// Every participant in every state (staff), with the directory's filters. The same list as one
/// CSV file: `GET /participants.csv`.
///
/// Staff only: full records of pending, active and ended participants (erased ones are left
/// out), optionally of one `status`, with the directory's filters. JSON pages with `limit` and
/// `cursor`; `GET /participants.csv` exports every matching participant (not one page) as one
/// CSV file for German Excel (UTF-8 with BOM, `;`), whose columns the participant import reads
/// back.
#[utoipa::path(
    tag = "participants",
    operation_id = "list_participants",
    params(StaffFilter, DirectoryFilter, PageParams),
    responses((status = 200, description = "One page of participants.",
        body = ParticipantPage))
)]
#[get("/participants")]
pub async fn list_participants(
    _: StaffCaller,
    status: web::Query<StaffFilter>,
    filter: web::Query<DirectoryFilter>,
    paging: web::Query<PageParams>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let page = paging.page()?;
    let filter = filter.to_filter(status.status, false)?;
    let today = filter.today;
    let (rows, next_cursor) = db::run(&pool, move |conn| {
        let rows = participants::list(conn, &filter, page.after.unwrap_or(0), page.fetch())?;
        let (rows, next) = page.finish(rows, |p| p.id);
        Ok((assemble(conn, rows, today)?, next))
    })
    .await?;
    Ok(private_json(&ParticipantPage {
        items: rows.iter().map(|a| a.response(today)).collect(),
        next_cursor,
    }))
}
