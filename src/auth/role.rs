//! Account roles.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What kind of account a caller holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// SK:KK programme office.
    Staff,
    /// A climate-protection manager taking part as mentee and/or mentor.
    Participant,
    /// A machine client such as the Klimaschutz-Community platform.
    Integration,
}

impl Role {
    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Staff => "staff",
            Role::Participant => "participant",
            Role::Integration => "integration",
        }
    }

    /// Parses a stored code.
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "staff" => Some(Role::Staff),
            "participant" => Some(Role::Participant),
            "integration" => Some(Role::Integration),
            _ => None,
        }
    }
}
