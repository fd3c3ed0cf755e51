//! Who may see and change a practice tip.

use crate::api::access::Viewer;
use crate::db::DbConnection;
use crate::db::models::practice_tips::{self, PracticeTip};
use crate::domain::practice_tip::{TipState, check_editable};
use crate::error::AppError;

/// Loads the tip if the viewer may see it: staff all; active participants published tips and
/// their own (others: 404); pending or ended participants 403.
pub fn visible(conn: &mut DbConnection, viewer: &Viewer, id: i64) -> Result<PracticeTip, AppError> {
    viewer.require_member()?;
    let tip = existing(conn, id)?;
    match viewer {
        Viewer::Staff { .. } => Ok(tip),
        Viewer::Participant(p) if tip.author_id == p.id || tip.state == TipState::Published => {
            Ok(tip)
        }
        Viewer::Participant(_) => Err(AppError::NotFound),
    }
}

fn existing(conn: &mut DbConnection, id: i64) -> Result<PracticeTip, AppError> {
    practice_tips::find(conn, id)?.ok_or(AppError::NotFound)
}

/// Whether the viewer wrote the tip or is staff (they see review notes and the credit).
pub fn is_author_or_staff(viewer: &Viewer, tip: &PracticeTip) -> bool {
    match viewer {
        Viewer::Staff { .. } => true,
        Viewer::Participant(p) => p.id == tip.author_id,
    }
}

/// Passes for the tip's author (active) and for staff acting on the author's behalf (e.g. a
/// tip a mentor sent in by e-mail); anyone else 403.
pub fn require_author_or_staff(viewer: &Viewer, tip: &PracticeTip) -> Result<(), AppError> {
    if viewer.is_staff() || viewer.active_participant()?.id == tip.author_id {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The visible tip, if the viewer is its author or staff acting for them (else 403) and it is
/// still editable (else 409).
pub fn editable_for_author(
    conn: &mut DbConnection,
    viewer: &Viewer,
    id: i64,
) -> Result<PracticeTip, AppError> {
    let tip = visible(conn, viewer, id)?;
    require_author_or_staff(viewer, &tip)?;
    check_editable(tip.state)?;
    Ok(tip)
}
