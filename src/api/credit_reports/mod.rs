//! Credit reports (§ 5.4, § 5.5, Infobox 1): each mentor's credits per project year for the NKI
//! final report, the staff overview of all mentors, and the programme dashboard. They read only
//! the `credits` ledger for what counts.

pub mod dashboard;
pub mod nki_text;
pub mod overview;
pub mod personal;
pub mod views;
