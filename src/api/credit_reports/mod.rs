//! Credit reports (§ 5.4, § 5.5, Infobox 1): each mentor's credits per project year for the NKI
//! final report, the staff overview of all mentors, and the programme dashboard. They read only
//! the `credits` ledger for what counts.

pub mod certificate;
pub mod dashboard;
pub mod nki_text;
pub mod overview;
pub mod overview_csv;
pub mod personal;
pub mod report_files;
pub mod views;

use chrono::Datelike;

use crate::domain::programme_time::programme_today;
use crate::error::AppError;

/// The `?year=` of the overview and the dashboard: 2000–2100, default this year (else 400).
pub(crate) fn calendar_year(param: Option<i32>) -> Result<i32, AppError> {
    let year = param.unwrap_or_else(|| programme_today().year());
    if (2000..=2100).contains(&year) {
        Ok(year)
    } else {
        Err(AppError::BadRequest(
            "year must be between 2000 and 2100".to_owned(),
        ))
    }
}
