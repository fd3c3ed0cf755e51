//! The signed contact sheet (§ 5.3): every project needs its own, confirmed by staff, because a
//! new job or a phase change (KSM1 → KSM2) is a new project. Staff work through the participants
//! whose current project lacks one.

use crate::code_enum;
use crate::domain::participant::ParticipantStatus;

code_enum! {
    /// What is missing for a participant's contact sheet.
    pub enum SheetGap {
        /// No project runs today: the participant needs a new project (and its sheet).
        NoCurrentProject = "no_current_project", "Kein laufendes Vorhaben", "No current project";
        /// The current project has no sheet yet.
        Missing = "missing", "Kontaktdatenblatt fehlt", "Contact sheet missing";
        /// A sheet was uploaded and waits for staff to check and confirm it.
        Unconfirmed = "unconfirmed", "Kontaktdatenblatt nicht bestätigt", "Contact sheet not confirmed";
    }
}

/// The sheet of the current project as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoredSheet {
    /// None uploaded.
    None,
    /// Uploaded, not confirmed.
    Uploaded,
    /// Confirmed by staff.
    Confirmed,
}

/// What a participant still needs, or `None` when nothing is missing. Ended participations need
/// no sheet; pending and active ones need a confirmed sheet for the project running today
/// (`current`: `None` when no project runs today).
pub fn sheet_gap(status: ParticipantStatus, current: Option<StoredSheet>) -> Option<SheetGap> {
    if status == ParticipantStatus::Ended {
        return None;
    }
    match current {
        None => Some(SheetGap::NoCurrentProject),
        Some(StoredSheet::None) => Some(SheetGap::Missing),
        Some(StoredSheet::Uploaded) => Some(SheetGap::Unconfirmed),
        Some(StoredSheet::Confirmed) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ParticipantStatus as P;

    #[test]
    fn only_a_confirmed_sheet_of_the_current_project_is_enough() {
        assert_eq!(sheet_gap(P::Active, Some(StoredSheet::Confirmed)), None);
        assert_eq!(
            sheet_gap(P::Active, Some(StoredSheet::Uploaded)),
            Some(SheetGap::Unconfirmed)
        );
        assert_eq!(
            sheet_gap(P::Pending, Some(StoredSheet::None)),
            Some(SheetGap::Missing)
        );
        assert_eq!(sheet_gap(P::Active, None), Some(SheetGap::NoCurrentProject));
    }

    #[test]
    fn ended_participations_need_no_sheet() {
        assert_eq!(sheet_gap(P::Ended, None), None);
        assert_eq!(sheet_gap(P::Ended, Some(StoredSheet::None)), None);
    }
}
