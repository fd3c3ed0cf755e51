//! Who is asking, in programme terms, and what they may see.

use crate::auth::{Caller, Role};
use crate::db::DbConnection;
use crate::db::models::participants::{self, Participant};
use crate::domain::participant::ParticipantStatus;
use crate::error::AppError;

/// The caller of a participant endpoint.
#[derive(Debug)]
pub enum Viewer {
    /// Programme office.
    Staff {
        /// Staff account id.
        account_id: i64,
    },
    /// A participant, with their own record.
    Participant(Box<Participant>),
}

impl Viewer {
    /// Loads the caller's participant record; integrations get 403.
    pub fn load(conn: &mut DbConnection, caller: &Caller) -> Result<Self, AppError> {
        match caller.role {
            Role::Staff => Ok(Viewer::Staff {
                account_id: caller.account_id,
            }),
            Role::Participant => participants::find_by_account(conn, caller.account_id)?
                .map(|p| Viewer::Participant(Box::new(p)))
                .ok_or(AppError::Forbidden),
            Role::Integration => Err(AppError::Forbidden),
        }
    }

    /// The caller's account id.
    pub fn account_id(&self) -> i64 {
        match self {
            Viewer::Staff { account_id } => *account_id,
            Viewer::Participant(p) => p.account_id,
        }
    }

    /// Whether the caller is staff.
    pub fn is_staff(&self) -> bool {
        matches!(self, Viewer::Staff { .. })
    }

    /// Staff, or the participant themself in any state; anyone else gets 404 (not visible).
    pub fn require_self_or_staff(&self, participant_id: i64) -> Result<(), AppError> {
        match self {
            Viewer::Staff { .. } => Ok(()),
            Viewer::Participant(p) if p.id == participant_id => Ok(()),
            Viewer::Participant(_) => Err(AppError::NotFound),
        }
    }

    /// Staff, or an active participant (member resources such as the directory); else 403.
    pub fn require_member(&self) -> Result<(), AppError> {
        match self {
            Viewer::Staff { .. } => Ok(()),
            Viewer::Participant(p) if p.is_active() => Ok(()),
            Viewer::Participant(_) => Err(AppError::Forbidden),
        }
    }

    /// The calling active participant; 403 for anyone else (pending, ended or erased
    /// participants, staff).
    pub fn active_participant(&self) -> Result<&Participant, AppError> {
        match self {
            Viewer::Participant(p) if p.is_active() => Ok(p),
            _ => Err(AppError::Forbidden),
        }
    }

    /// The calling active participant with the mentor role; 403 for anyone else.
    pub fn active_mentor(&self) -> Result<&Participant, AppError> {
        match self {
            Viewer::Participant(p) if p.is_active_mentor() => Ok(p),
            _ => Err(AppError::Forbidden),
        }
    }

    /// Staff only; else 403.
    pub fn require_staff(&self) -> Result<(), AppError> {
        if self.is_staff() {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// Loads a participant that exists and was not erased, else 404.
pub fn existing(conn: &mut DbConnection, participant_id: i64) -> Result<Participant, AppError> {
    participants::find(conn, participant_id)?
        .filter(|p| p.erased_at.is_none())
        .ok_or(AppError::NotFound)
}

/// A participant's record as the caller may see it: staff, or the participant themself (else 404).
pub fn own_record(
    conn: &mut DbConnection,
    caller: &Caller,
    participant_id: i64,
) -> Result<(Viewer, Participant), AppError> {
    let viewer = Viewer::load(conn, caller)?;
    viewer.require_self_or_staff(participant_id)?;
    let row = match &viewer {
        // Their own record, just read: no second query for the same row.
        Viewer::Participant(own) if own.erased_at.is_none() => (**own).clone(),
        _ => existing(conn, participant_id)?,
    };
    Ok((viewer, row))
}

/// Like [`own_record`], for a change: after the participation ended only staff may change it (409).
pub fn own_record_for_change(
    conn: &mut DbConnection,
    caller: &Caller,
    participant_id: i64,
) -> Result<(Viewer, Participant), AppError> {
    let (viewer, row) = own_record(conn, caller, participant_id)?;
    if !viewer.is_staff() && row.status == ParticipantStatus::Ended {
        return Err(AppError::Conflict(
            "the participation has ended; contact the programme office".to_owned(),
        ));
    }
    Ok((viewer, row))
}
