//! Participants: registration, contact sheets, lifecycle, projects, roles, the directory and
//! data protection (handbook § 2, § 5.1–5.3).

pub mod directory;
pub mod export;
pub mod input;
pub mod lifecycle;
pub mod list_csv;
pub mod privacy;
pub mod project_corrections;
pub mod projects;
pub mod records;
pub mod registration;
pub mod roles;
pub mod views;
pub mod work_list;
