//! `seed-demo`: fills an empty database with a plausible programme (German names in all 16
//! federal states, every project kind, participants in every status, sessions in every state,
//! forum sponsorships, practice tips and the credits they earned, this year and in past ones;
//! KSM2 mentors whose credit reports show every obligation status) so front-end teams can start
//! at once. Goes through the model functions, one write transaction per entity group, and is
//! deterministic (fixed RNG seed, dates relative to one anchor day).

mod activities;
mod contributions;
mod obligations;
mod people;
mod roster;

use chrono::NaiveDate;
use diesel::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::auth::staff::{NewStaffAccount, create_staff_account};
use crate::db::models::audit_events::Actor;
use crate::db::{self, DbPool, schema::accounts};
use crate::error::AppError;

/// The e-mail address of the staff account the demo creates.
pub const DEMO_STAFF_EMAIL: &str = "demo-staff@example.org";
/// The password every demo participant logs in with.
pub const DEMO_PARTICIPANT_PASSWORD: &str = "Demo-Passwort-2026";
/// How many participants the demo registers.
pub const PARTICIPANTS: usize = 40;
const SEED: u64 = 20_261_126;

/// What the demo created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub staff_account_id: i64,
    pub participants: usize,
    pub sessions: usize,
    pub sponsorships: usize,
    pub practice_tips: usize,
    pub credits: usize,
    pub credit_hours: i64,
}

/// Seeds the demo programme; refuses (409) when the database already holds an account.
/// `today` anchors every date, so a run is reproducible.
pub async fn seed(
    pool: &DbPool,
    staff_password: String,
    today: NaiveDate,
) -> Result<Summary, AppError> {
    let existing: i64 = db::run(pool, |conn| Ok(accounts::table.count().get_result(conn)?)).await?;
    if existing > 0 {
        return Err(AppError::Conflict(
            "the database is not empty; seed-demo only fills a fresh database".to_owned(),
        ));
    }
    let staff = create_staff_account(
        pool,
        NewStaffAccount {
            email: DEMO_STAFF_EMAIL.to_owned(),
            password: staff_password,
            display_name: "SK:KK Demo".to_owned(),
        },
        Actor::system(),
    )
    .await?;
    let mut rng = StdRng::seed_from_u64(SEED);
    let cast = people::register_all(pool, staff.id, today).await?;
    let created = activities::create_all(pool, staff.id, &cast, today, &mut rng).await?;
    Ok(Summary {
        staff_account_id: staff.id,
        participants: cast.all.len(),
        sessions: created.sessions,
        sponsorships: created.sponsorships,
        practice_tips: created.practice_tips,
        credits: created.credits,
        credit_hours: created.credit_hours,
    })
}
