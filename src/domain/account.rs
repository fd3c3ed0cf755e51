//! Accounts: what kind of account a caller holds.

use crate::code_enum;

code_enum! {
    /// What kind of account a caller holds.
    pub enum Role {
        /// SK:KK programme office.
        Staff = "staff", "SK:KK-Geschäftsstelle", "SK:KK programme office";
        /// A climate-protection manager taking part as mentee and/or mentor.
        Participant = "participant", "Teilnehmende Person", "Participant";
        /// A machine client such as the Klimaschutz-Community platform.
        Integration = "integration", "Integration", "Integration";
    }
}
