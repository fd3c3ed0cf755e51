//! Creating staff accounts: shared by the API, the `create-staff` subcommand and the demo seed.

use chrono::Utc;
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::{Role, password};
use crate::db::models::accounts::{self, Account, NewAccount};
use crate::db::models::audit_events::Actor;
use crate::db::{self, DbPool};
use crate::domain::text::{self, normalize_login};
use crate::error::AppError;

/// A new staff account.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({
    "email": "jana.beispiel@example.org",
    "password": "Kranich-Notizblock-Gewitter-42",
    "display_name": "Jana Beispiel (SK:KK)"
}))]
#[serde(deny_unknown_fields)]
pub struct NewStaffAccount {
    /// E-mail address used to log in.
    #[validate(email(message = "must be an e-mail address"), length(max = 254))]
    #[schema(format = Email, max_length = 254, example = "office@example.org")]
    pub email: String,
    /// Initial password: 12–1024 characters, hard to guess (zxcvbn score 3 or more) and without
    /// the e-mail address or the display name.
    #[validate(custom(function = "text::password"))]
    #[schema(
        min_length = 12,
        max_length = 1024,
        format = Password,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub password: String,
    /// Name shown to others.
    #[validate(length(min = 1, max = 200), custom(function = "text::single_line"))]
    #[schema(min_length = 1, max_length = 200, format = "single-line")]
    pub display_name: String,
}

/// Creates a staff account after checking the fields and then the password's strength, hashing
/// the password off the actix workers.
pub async fn create_staff_account(
    pool: &DbPool,
    body: NewStaffAccount,
    actor: Actor,
) -> Result<Account, AppError> {
    body.validate()?;
    let personal = vec![body.email.clone(), body.display_name.clone()];
    let hash = password::hash_if_strong(body.password, personal).await?;
    let login = normalize_login(&body.email);
    let display_name = body.display_name.trim().to_owned();
    db::write(pool, move |conn| {
        if accounts::find_by_login(conn, &login)?.is_some() {
            return Err(AppError::Conflict(
                "an account with this e-mail address already exists".to_owned(),
            ));
        }
        let now = Utc::now().naive_utc();
        accounts::create(
            conn,
            &NewAccount {
                login: &login,
                password_hash: &hash,
                role: Role::Staff,
                display_name: &display_name,
                created_at: now,
                updated_at: now,
            },
            &actor,
        )
    })
    .await
}
