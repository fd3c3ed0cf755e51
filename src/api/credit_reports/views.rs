//! The personal credit report as one value, built from ledger rows and their activities'
//! details; the JSON, NKI-text and CSV renderings all read this value.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::participants::views::ProjectResponse;
use crate::db::models::credit_sources::{DetailsBySource, SourceDetails};
use crate::db::models::credits::{Credit, CreditSource};
use crate::db::models::formats::Format;
use crate::db::models::projects::Project;
use crate::domain::credit::days;
use crate::domain::credit::project_year::YearWindow;
use crate::domain::credit::status::{Obligation, ObligationStatus, shortfall, status};
use crate::domain::credit::totals::{Counted, totals};
use crate::domain::lang::Lang;

/// A project year's dates.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProjectYearResponse {
    /// 1 for the project's first year.
    pub number: u32,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day (clipped to the project's end).
    pub end_date: NaiveDate,
}

/// A credited webinar, as the examples of the spec show a credit.
fn credit_item_example() -> serde_json::Value {
    serde_json::json!({
        "credit_id": 305,
        "format_code": "webinar",
        "format_label": "Mentoring-Session per Telefon-/Videokonferenz oder Webinar",
        "source_kind": "session",
        "source_id": 41,
        "earned_on": "2027-04-14",
        "hours": 40,
        "days": 5.0,
        "revoked": false,
        "title": "Wärmeplanung kompakt",
        "from": "2027-04-14",
        "until": null,
        "place": null,
        "online": true,
        "topics": ["Kommunale Wärmeplanung"],
        "people_reached": 27,
        "forum_title": null,
        "post_count": null
    })
}

impl From<&YearWindow> for ProjectYearResponse {
    fn from(w: &YearWindow) -> Self {
        Self {
            number: w.number,
            start_date: w.start,
            end_date: w.last_day(),
        }
    }
}

/// One credited activity.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = credit_item_example)]
pub struct CreditItem {
    /// Ledger id of the credit.
    pub credit_id: i64,
    /// The mentoring format.
    pub format_code: String,
    /// The format's name (`Accept-Language`).
    pub format_label: String,
    /// What earned it.
    pub source_kind: CreditSource,
    /// Id of the session, forum sponsorship or practice tip.
    pub source_id: i64,
    /// The day the credit counts on.
    pub earned_on: NaiveDate,
    /// Credited hours.
    pub hours: i32,
    /// Credited working days (hours / 8).
    pub days: f64,
    /// Whether staff revoked it (listed, never counted).
    pub revoked: bool,
    /// Title of the session or practice tip.
    #[schema(required = true)]
    pub title: Option<String>,
    /// First day of the activity.
    #[schema(required = true)]
    pub from: Option<NaiveDate>,
    /// Last day, where it spans a period.
    #[schema(required = true)]
    pub until: Option<NaiveDate>,
    /// Where it took place.
    #[schema(required = true)]
    pub place: Option<String>,
    /// Whether it took place online.
    pub online: bool,
    /// Its topics (`Accept-Language`, German where untranslated).
    pub topics: Vec<String>,
    /// People reached.
    #[schema(required = true)]
    pub people_reached: Option<i32>,
    /// The sponsored forum's title.
    #[schema(required = true)]
    pub forum_title: Option<String>,
    /// Posts written during a sponsorship.
    #[schema(required = true)]
    pub post_count: Option<i32>,
}

/// Credits of one format.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FormatTotalResponse {
    /// The format.
    pub format_code: String,
    /// Its name (`Accept-Language`).
    pub format_label: String,
    /// Counted credits.
    pub count: u32,
    /// Counted hours.
    pub hours: i32,
    /// Counted working days.
    pub days: f64,
}

/// A mentor's credits in one project year, with the obligation's status (§ 5.4, § 5.5).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "participant_id": 112,
    "project": {
        "id": 57,
        "kind": "follow_up_project",
        "employer": "Stadt Musterstadt",
        "municipality": "Musterstadt",
        "federal_state": "NW",
        "funding_reference": "67K12345",
        "start_date": "2025-03-01",
        "end_date": "2028-02-29",
        "version": 2
    },
    "project_year": {"number": 3, "start_date": "2027-03-01", "end_date": "2028-02-29"},
    "items": [credit_item_example()],
    "totals": [{
        "format_code": "webinar",
        "format_label": "Mentoring-Session per Telefon-/Videokonferenz oder Webinar",
        "count": 1,
        "hours": 40,
        "days": 5.0
    }],
    "total_hours": 40,
    "total_days": 5.0,
    "min_hours": 40,
    "expected_max_hours": 80,
    "shortfall_hours": 0,
    "status": "met",
    "status_label": "Erfüllt",
    "outside_project_items": []
}))]
pub struct CreditReport {
    /// The mentor.
    pub participant_id: i64,
    /// The project whose year this is.
    pub project: ProjectResponse,
    /// The project year.
    pub project_year: ProjectYearResponse,
    /// Every credit of the year (revoked ones marked), by date.
    pub items: Vec<CreditItem>,
    /// Counted credits per format.
    pub totals: Vec<FormatTotalResponse>,
    /// Counted hours of the year.
    pub total_hours: i32,
    /// Counted working days of the year.
    pub total_days: f64,
    /// The yearly minimum in hours; `null` without obligation (not a follow-up project).
    #[schema(required = true)]
    pub min_hours: Option<i32>,
    /// The upper end of the expected range in hours; `null` without obligation.
    #[schema(required = true)]
    pub expected_max_hours: Option<i32>,
    /// Hours missing to the minimum (0 when met or without obligation).
    pub shortfall_hours: i32,
    /// Whether the minimum is met.
    pub status: ObligationStatus,
    /// The status in words (`Accept-Language`).
    pub status_label: String,
    /// Credits on days when no project of the mentor ran ("outside a funded project"), all years.
    pub outside_project_items: Vec<CreditItem>,
}

/// The year's obligation for a project, if its kind carries one.
pub fn obligation_of(project: &Project) -> Option<Obligation> {
    Obligation::of_kind(project.kind)
}

/// Format names by code, in the requested language.
pub fn format_labels(formats: &[Format], lang: Lang) -> HashMap<String, String> {
    formats
        .iter()
        .map(|f| (f.code.clone(), lang.pick(&f.name_de, &f.name_en).to_owned()))
        .collect()
}

fn label_of(labels: &HashMap<String, String>, code: &str) -> String {
    labels.get(code).cloned().unwrap_or_else(|| code.to_owned())
}

/// One ledger row with its activity's details.
pub fn item(
    credit: &Credit,
    details: &DetailsBySource,
    labels: &HashMap<String, String>,
    lang: Lang,
) -> CreditItem {
    let source = credit.source_kind;
    let d = details
        .get(&(source, credit.source_id))
        .cloned()
        .unwrap_or_else(|| SourceDetails {
            from: Some(credit.earned_on),
            ..SourceDetails::default()
        });
    CreditItem {
        credit_id: credit.id,
        format_code: credit.format_code.clone(),
        format_label: label_of(labels, &credit.format_code),
        source_kind: source,
        source_id: credit.source_id,
        earned_on: credit.earned_on,
        hours: credit.hours,
        days: days(credit.hours),
        revoked: credit.revoked_at.is_some(),
        title: d.title,
        from: d.from,
        until: d.until,
        place: d.place,
        online: d.online,
        topics: d
            .topics
            .into_iter()
            .map(|t| match (lang, t.en) {
                (Lang::En, Some(en)) => en,
                _ => t.de,
            })
            .collect(),
        people_reached: d.people_reached,
        forum_title: d.forum_title,
        post_count: d.post_count,
    }
}

/// What a report is built from.
pub struct ReportInput<'a> {
    /// The mentor.
    pub participant_id: i64,
    /// The project and its year.
    pub project: &'a Project,
    /// The year.
    pub year: YearWindow,
    /// Credits of the year, by date.
    pub credits: Vec<CreditItem>,
    /// Credits outside every project.
    pub outside: Vec<CreditItem>,
    /// Format names.
    pub labels: &'a HashMap<String, String>,
    /// The day the report is made.
    pub today: NaiveDate,
}

/// Sums the year and decides its status.
pub fn report(input: ReportInput<'_>, lang: Lang) -> CreditReport {
    let (per_format, total_hours) = totals(input.credits.iter().map(|c| Counted {
        format_code: &c.format_code,
        hours: c.hours,
        revoked: c.revoked,
    }));
    let obligation = obligation_of(input.project);
    let status = status(obligation, total_hours, &input.year, input.today);
    CreditReport {
        participant_id: input.participant_id,
        project: ProjectResponse::from(input.project),
        project_year: ProjectYearResponse::from(&input.year),
        totals: per_format
            .into_iter()
            .map(|t| FormatTotalResponse {
                format_label: label_of(input.labels, &t.format_code),
                format_code: t.format_code,
                count: t.count,
                hours: t.hours,
                days: days(t.hours),
            })
            .collect(),
        items: input.credits,
        total_hours,
        total_days: days(total_hours),
        min_hours: obligation.map(|o| o.min_hours),
        expected_max_hours: obligation.map(|o| o.expected_max_hours),
        shortfall_hours: obligation.map_or(0, |o| shortfall(o, total_hours)),
        status,
        status_label: status.label(lang).to_owned(),
        outside_project_items: input.outside,
    }
}
