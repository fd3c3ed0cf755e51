//! Staff work lists: the participants the programme office still has to act on. Today one list:
//! whose current project has no confirmed contact sheet (§ 5.3 asks for a new sheet on every job
//! or phase change, [`sheet_gap`]).

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::http::pagination::PageParams;
use crate::auth::StaffCaller;
use crate::db::models::participants::{self, ListFilter};
use crate::db::models::{contact_sheets, projects};
use crate::db::{self, DbPool};
use crate::domain::contact_sheet::{SheetGap, StoredSheet, sheet_gap};
use crate::domain::lang::Lang;
use crate::domain::participant::{ParticipantStatus, ProjectKind};
use crate::domain::programme_time::programme_today;
use crate::error::AppError;

/// A participant whose contact sheet staff still need.
#[derive(Debug, Serialize, ToSchema)]
pub struct SheetGapItem {
    /// Participant id.
    pub participant_id: i64,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// State of the participation (`pending` or `active`).
    pub status: ParticipantStatus,
    /// The project running today; `null` when none runs.
    #[schema(required = true)]
    pub project_id: Option<i64>,
    /// Its kind.
    #[schema(required = true)]
    pub project_kind: Option<ProjectKind>,
    /// Its first day.
    #[schema(required = true)]
    pub project_start: Option<NaiveDate>,
    /// What is missing.
    pub gap: SheetGap,
    /// Label of the gap (`Accept-Language`).
    pub gap_label: String,
    /// When the sheet waiting for confirmation was uploaded (gap `unconfirmed`).
    #[schema(required = true)]
    pub uploaded_at: Option<DateTime<Utc>>,
}

/// One page of the contact-sheet work list.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [{
        "participant_id": 41,
        "first_name": "Ida",
        "last_name": "Beispiel",
        "status": "pending",
        "project_id": 57,
        "project_kind": "first_project",
        "project_start": "2025-03-01",
        "gap": "unconfirmed",
        "gap_label": "Kontaktdatenblatt nicht bestätigt",
        "uploaded_at": "2025-03-04T10:15:00Z"
    }, {
        "participant_id": 44,
        "first_name": "Jonas",
        "last_name": "Probe",
        "status": "active",
        "project_id": null,
        "project_kind": null,
        "project_start": null,
        "gap": "no_current_project",
        "gap_label": "Kein laufendes Vorhaben",
        "uploaded_at": null
    }],
    "next_cursor": null
}))]
pub struct SheetGapPage {
    /// The participants, by id.
    pub items: Vec<SheetGapItem>,
    /// Pass as `cursor` for the next page; `null` on the last.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// The contact sheets staff still need.
///
/// Staff only. § 5.1 and § 5.3: every project needs its own signed contact sheet. Lists pending
/// and active participants whose current project (the one running today) has no confirmed
/// contact sheet: none uploaded (`missing`), one waiting for confirmation (`unconfirmed`, with
/// its upload time), or no project running at all (`no_current_project`: a new job or phase
/// needs a new project and sheet). Labels follow `Accept-Language`. Keyset paging with `limit`
/// and `cursor`, by participant id.
#[utoipa::path(
    tag = "participants",
    operation_id = "list_contact_sheet_gaps",
    params(PageParams),
    responses(
        (status = 200, description = "One page of the work list.", body = SheetGapPage,
            headers(("Content-Language" = String, description = "Language of the labels.")))
    )
)]
#[get("/work-lists/contact-sheets")]
pub async fn contact_sheet_gaps(
    _: StaffCaller,
    paging: web::Query<PageParams>,
    lang: Lang,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let page = paging.page()?;
    let today = programme_today();
    let (items, next_cursor) = db::run(&pool, move |conn| {
        let filter = ListFilter {
            today,
            ..ListFilter::default()
        };
        let rows: Vec<_> = participants::list(conn, &filter, page.after.unwrap_or(0), i64::MAX)?
            .into_iter()
            .filter(|p| p.status != ParticipantStatus::Ended)
            .collect();
        let ids: Vec<i64> = rows.iter().map(|p| p.id).collect();
        let currents = projects::current_of_participants(conn, &ids, today)?;
        let project_ids: Vec<i64> = currents.values().map(|p| p.id).collect();
        let sheets = contact_sheets::of_projects(conn, &project_ids)?;
        let mut items = Vec::new();
        for participant in rows {
            let current = currents.get(&participant.id);
            let sheet = current.and_then(|c| sheets.iter().find(|s| s.project_id == c.id));
            let stored = current.map(|_| match sheet {
                None => StoredSheet::None,
                Some(s) if s.confirmed_at.is_some() => StoredSheet::Confirmed,
                Some(_) => StoredSheet::Uploaded,
            });
            let Some(gap) = sheet_gap(participant.status, stored) else {
                continue;
            };
            items.push(SheetGapItem {
                participant_id: participant.id,
                first_name: participant.first_name.clone(),
                last_name: participant.last_name.clone(),
                status: participant.status,
                project_id: current.map(|c| c.id),
                project_kind: current.map(|c| c.kind),
                project_start: current.map(|c| c.start_date),
                gap,
                gap_label: gap.label(lang).to_owned(),
                uploaded_at: sheet
                    .filter(|s| s.confirmed_at.is_none())
                    .map(|s| s.uploaded_at.and_utc()),
            });
            if items.len() as i64 >= page.fetch() {
                break;
            }
        }
        Ok(page.finish(items, |i| i.participant_id))
    })
    .await?;
    Ok(lang.private_json(&SheetGapPage { items, next_cursor }))
}
