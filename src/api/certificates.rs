//! `GET /certificates/{code}`: staff check a participation certificate someone shows them by the
//! verification code printed on it: whether the programme issued it, what it stated, and whether
//! a later certificate of the same year superseded it.

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::StaffCaller;
use crate::db::models::{certificates, participants};
use crate::db::{self, DbPool};
use crate::domain::certificate::normalise;
use crate::domain::credit::days;
use crate::domain::credit::status::ObligationStatus;
use crate::domain::lang::Lang;
use crate::error::AppError;

/// What a certificate stated when it was issued.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "code": "7KQ3-M2XD-9FTB",
    "participant_id": 112,
    "participant_name": "Jana Beispiel",
    "project_id": 57,
    "project_year": 3,
    "year_start": "2027-03-01",
    "year_end": "2028-02-29",
    "activity_count": 2,
    "total_hours": 48,
    "total_days": 6.0,
    "min_hours": 40,
    "status": "met",
    "status_label": "Erfüllt",
    "issued_at": "2028-03-04T09:12:00Z",
    "superseded": false
}))]
pub struct CertificateResponse {
    /// The verification code, canonical form.
    pub code: String,
    /// The mentor.
    pub participant_id: i64,
    /// The mentor's current name; `null` once the person is erased.
    #[schema(required = true)]
    pub participant_name: Option<String>,
    /// The project.
    pub project_id: i64,
    /// The project year.
    pub project_year: i32,
    /// First day of the year.
    pub year_start: NaiveDate,
    /// Last day of the year.
    pub year_end: NaiveDate,
    /// Counted activities listed.
    pub activity_count: i32,
    /// Counted hours.
    pub total_hours: i32,
    /// Counted working days.
    pub total_days: f64,
    /// The minimum in hours; `null` without obligation.
    #[schema(required = true)]
    pub min_hours: Option<i32>,
    /// The minimum's status as stated.
    pub status: ObligationStatus,
    /// The status in words (`Accept-Language`).
    pub status_label: String,
    /// When the certificate was first issued.
    pub issued_at: DateTime<Utc>,
    /// Whether a certificate with other content was issued later for the same year: this one
    /// no longer states the current credits.
    pub superseded: bool,
}

/// Checks a participation certificate by its verification code (staff only)
///
/// The code printed on a certificate of `GET /participants/{id}/certificate.pdf`; case, hyphens
/// and spaces do not matter, and `O`, `I` and `L` read as `0`, `1` and `1`. Answers what the
/// certificate stated (mentor, project year, activities, hours, the minimum's status), when it
/// was issued, and whether a later certificate of the same year with other content superseded
/// it. The name is the participant's current one and `null` once the person is erased. A string
/// that cannot be a code is 400, a code never issued 404. Staff only; every other caller gets
/// 403.
#[utoipa::path(
    tag = "credit-reports",
    operation_id = "verify_certificate",
    params(("code" = String, Path, description = "The verification code, e.g. `7KQ3-M2XD-9FTB`.",
        pattern = r"^-*([0-9A-TV-Za-tv-z]-*){12}$")),
    responses(
        (status = 200, description = "The certificate was issued by this programme.", body = CertificateResponse),
        (status = 400, description = "Not a verification code."),
        (status = 404, description = "No certificate has this code.")
    )
)]
#[get("/certificates/{code}")]
pub async fn verify_certificate(
    _: StaffCaller,
    code: web::Path<String>,
    lang: Lang,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let code = normalise(&code).ok_or_else(|| {
        AppError::BadRequest("not a verification code (12 characters, e.g. 7KQ3-M2XD-9FTB)".into())
    })?;
    let response = db::run(&pool, move |conn| {
        let found = certificates::find(conn, &code)?.ok_or(AppError::NotFound)?;
        let superseded = certificates::superseded(conn, &found)?;
        let person = participants::find(conn, found.participant_id)?;
        let participant_name = person
            .filter(|p| p.erased_at.is_none())
            .map(|p| format!("{} {}", p.first_name, p.last_name));
        let status = ObligationStatus::parse(&found.status)
            .ok_or_else(|| AppError::internal(format!("stored status {}", found.status)))?;
        Ok(CertificateResponse {
            code: found.code,
            participant_id: found.participant_id,
            participant_name,
            project_id: found.project_id,
            project_year: found.project_year,
            year_start: found.year_start,
            year_end: found.year_end,
            activity_count: found.activity_count,
            total_hours: found.total_hours,
            total_days: days(found.total_hours),
            min_hours: found.min_hours,
            status,
            status_label: status.label(lang).to_owned(),
            issued_at: found.issued_at.and_utc(),
            superseded,
        })
    })
    .await?;
    Ok(lang.private_json(&response))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `pattern` the document states for `{code}`: twelve digits or letters other than U,
    /// hyphens anywhere (the service also ignores spaces).
    fn documented_pattern() -> regex::Regex {
        use utoipa::Path;
        let operation = serde_json::to_value(__path_verify_certificate::operation()).unwrap();
        let pattern = operation["parameters"][0]["schema"]["pattern"]
            .as_str()
            .unwrap();
        regex::Regex::new(pattern).unwrap()
    }

    #[test]
    fn what_the_pattern_admits_is_a_code_and_the_rest_is_not() {
        let pattern = documented_pattern();
        for typed in [
            "7KQ3-M2XD-9FTB",
            "7kq3m2xd9ftb",
            "--oooo-iiii-llll-",
            "0123456789AB",
        ] {
            assert!(pattern.is_match(typed), "{typed}");
            assert!(normalise(typed).is_some(), "{typed}");
        }
        for typed in [
            "7KQ3-M2XD-9FTU",
            "7KQ3-M2XD-9FT",
            "7KQ3-M2XD-9FTBA",
            "ÄKQ3-M2XD-9FTB",
        ] {
            assert!(!pattern.is_match(typed), "{typed}");
            assert!(normalise(typed).is_none(), "{typed}");
        }
    }
}
