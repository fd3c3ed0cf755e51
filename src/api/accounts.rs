//! Staff and integration accounts, managed by staff.

use crate::api::http::json_object::JsonObject;
use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::api::http::pagination::PageParams;
use crate::api::http::response::{created_json, private_json};
use crate::auth::secret::random_hex;
use crate::auth::staff::{NewStaffAccount, create_staff_account};
use crate::auth::{AccountCache, Role, StaffCaller, password};
use crate::db::models::accounts::{self, Account, NewAccount};
use crate::db::models::audit_events::{self, Change};
use crate::db::models::refresh_tokens;
use crate::db::{self, DbPool};
use crate::domain::text;
use crate::error::AppError;

/// The document's example of a staff account.
fn staff_account_example() -> serde_json::Value {
    serde_json::json!({
        "id": 7,
        "login": "jana.beispiel@example.org",
        "role": "staff",
        "display_name": "Jana Beispiel (SK:KK)",
        "disabled_at": null,
        "created_at": "2025-02-03T09:15:00Z"
    })
}

/// The document's example of an integration account.
fn integration_account_example() -> serde_json::Value {
    serde_json::json!({
        "id": 8,
        "login": "int-3f9a0c1b7d2e4a6f8b0c1d2e",
        "role": "integration",
        "display_name": "Klimaschutz-Community",
        "disabled_at": null,
        "created_at": "2025-02-04T10:00:00Z"
    })
}

/// An account as staff see it (never the password hash).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = staff_account_example)]
pub struct AccountResponse {
    /// Account id.
    pub id: i64,
    /// E-mail address (people) or client id (integrations).
    pub login: String,
    /// Role.
    pub role: Role,
    /// Name shown to others.
    pub display_name: String,
    /// When the account was disabled; `null` while it may log in.
    #[schema(required = true)]
    pub disabled_at: Option<DateTime<Utc>>,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
}

impl From<Account> for AccountResponse {
    fn from(a: Account) -> Self {
        Self {
            id: a.id,
            role: a.role,
            login: a.login,
            display_name: a.display_name,
            disabled_at: a.disabled_at.map(|t| t.and_utc()),
            created_at: a.created_at.and_utc(),
        }
    }
}

/// One page of accounts.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [staff_account_example(), integration_account_example()],
    "next_cursor": "5a3c96e10f7bd240"
}))]
pub struct AccountPage {
    /// The accounts on this page.
    pub items: Vec<AccountResponse>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// A new integration client.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({"display_name": "Klimaschutz-Community"}))]
#[serde(deny_unknown_fields)]
pub struct NewIntegrationAccount {
    /// What the client is, e.g. `Klimaschutz-Community`.
    #[validate(length(min = 1, max = 200), custom(function = "text::single_line"))]
    #[schema(min_length = 1, max_length = 200, format = "single-line")]
    pub display_name: String,
}

/// A created integration account with its credentials; the secret is shown only here.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "account": integration_account_example(),
    "client_id": "int-3f9a0c1b7d2e4a6f8b0c1d2e",
    "client_secret": "9c2f4e6a8b0d1f3e5a7c9b1d3f5e7a9c0b2d4f6e8a1c3e5b7d9f0a2c4e6b8d1f"
}))]
pub struct IntegrationCredentials {
    /// The account.
    pub account: AccountResponse,
    /// Send as `client_id` to `POST /api/v1/auth/token`.
    pub client_id: String,
    /// Send as `client_secret`; it cannot be shown again.
    pub client_secret: String,
}

/// Filters for the account list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccountFilter {
    /// Only accounts of this role.
    pub role: Option<Role>,
}

/// Creates a further staff account.
///
/// Staff only. The e-mail address becomes the login; the password must be 12–1024 characters,
/// hard to guess (zxcvbn score 3 or more) and contain neither the address nor the display name
/// (422 at `/password`). An address that already has an account is 409 and creates nothing.
/// Answers 201 with `Location`. Audited (`account.created`, without the password).
#[utoipa::path(
    tag = "accounts",
    operation_id = "create_staff_account",
    request_body = NewStaffAccount,
    responses(
        (status = 201, description = "Created.", body = AccountResponse,
            headers(("Location" = String, description = "URL of the new account."))),
        (status = 409, description = "The e-mail address is taken.")
    )
)]
#[post("/staff-accounts")]
pub async fn create_staff(
    StaffCaller(caller): StaffCaller,
    body: JsonObject<NewStaffAccount>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let account = create_staff_account(&pool, body.into_inner()?, caller.actor()).await?;
    Ok(created_json(
        &format!("/api/v1/accounts/{}", account.id),
        &AccountResponse::from(account),
    ))
}

/// Creates an integration client; its secret is returned once.
///
/// Staff only. For a platform such as the Klimaschutz-Community: the service generates the
/// `client_id` (`int-` and 24 hex digits) and a random `client_secret`, stores only the secret's
/// hash and shows the secret in this answer only, so store it now. The client logs in at
/// `POST /api/v1/auth/token` with both and gets the `integration` role (the event feed,
/// membership lookups). Answers 201 with `Location`. Audited (`account.created`).
#[utoipa::path(
    tag = "accounts",
    operation_id = "create_integration_account",
    request_body = NewIntegrationAccount,
    responses((status = 201, description = "Created; store the secret now.", body = IntegrationCredentials,
        headers(("Location" = String, description = "URL of the new account."))))
)]
#[post("/integration-accounts")]
pub async fn create_integration(
    StaffCaller(caller): StaffCaller,
    body: JsonObject<NewIntegrationAccount>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner()?;
    body.validate()?;
    let client_id = format!("int-{}", random_hex(12));
    let client_secret = random_hex(32);
    let secret = client_secret.clone();
    let hash = web::block(move || password::hash(&secret))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    let login = client_id.clone();
    let actor = caller.actor();
    let account = db::write(&pool, move |conn| {
        let now = Utc::now().naive_utc();
        accounts::create(
            conn,
            &NewAccount {
                login: &login,
                password_hash: &hash,
                role: Role::Integration,
                display_name: body.display_name.trim(),
                created_at: now,
                updated_at: now,
            },
            &actor,
        )
    })
    .await?;
    Ok(created_json(
        &format!("/api/v1/accounts/{}", account.id),
        &IntegrationCredentials {
            account: account.into(),
            client_id,
            client_secret,
        },
    ))
}

/// Lists accounts in creation order.
///
/// Staff only: staff, participant and integration accounts, optionally of one `role`, with
/// whether each is disabled. Keyset paging: `limit` (1–200, default 50) and the `next_cursor` of
/// the previous page as `cursor`.
#[utoipa::path(
    tag = "accounts",
    operation_id = "list_accounts",
    params(AccountFilter, PageParams),
    responses((status = 200, description = "One page of accounts.", body = AccountPage))
)]
#[get("/accounts")]
pub async fn list(
    _: StaffCaller,
    filter: web::Query<AccountFilter>,
    paging: web::Query<PageParams>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let page = paging.page()?;
    let role = filter.role.map(Role::as_str);
    let rows = db::run(&pool, move |conn| {
        Ok(accounts::list(
            conn,
            role,
            page.after.unwrap_or(0),
            page.fetch(),
        )?)
    })
    .await?;
    let (rows, next_cursor) = page.finish(rows, |a| a.id);
    Ok(private_json(&AccountPage {
        items: rows.into_iter().map(Into::into).collect(),
        next_cursor,
    }))
}

/// One account.
///
/// Staff only. An unknown id is 404.
#[utoipa::path(
    tag = "accounts",
    operation_id = "get_account",
    params(("id" = i64, Path, description = "Account id.")),
    responses((status = 200, description = "The account.", body = AccountResponse))
)]
#[get("/accounts/{id}")]
pub async fn get(
    _: StaffCaller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let account = db::run(&pool, move |conn| {
        accounts::find(conn, id)?.ok_or(AppError::NotFound)
    })
    .await?;
    Ok(private_json(&AccountResponse::from(account)))
}

async fn set_disabled(
    StaffCaller(caller): StaffCaller,
    id: i64,
    disable: bool,
    pool: &DbPool,
    accounts_seen: &AccountCache,
) -> Result<HttpResponse, AppError> {
    if disable && id == caller.account_id {
        return Err(AppError::Conflict(
            "staff cannot disable their own account".to_owned(),
        ));
    }
    let actor = caller.actor();
    let account = db::write(pool, move |conn| {
        let before = accounts::find(conn, id)?.ok_or(AppError::NotFound)?;
        if before.disabled_at.is_some() == disable {
            return Ok(before);
        }
        let now = Utc::now().naive_utc();
        let after = accounts::set_disabled(conn, id, disable.then_some(now), now)?;
        if disable {
            refresh_tokens::revoke_all_of(conn, id)?;
        }
        audit_events::record(
            conn,
            Change {
                actor: &actor,
                action: if disable {
                    "account.disabled"
                } else {
                    "account.enabled"
                },
                entity_type: "account",
                entity_id: id.to_string(),
                before: Some(serde_json::json!({ "disabled": !disable })),
                after: Some(serde_json::json!({ "disabled": disable })),
            },
        )?;
        Ok(after)
    })
    .await?;
    accounts_seen.forget(id);
    Ok(private_json(&AccountResponse::from(account)))
}

/// Disables an account.
///
/// Staff only. The account's access tokens stop working at once (on other instances sharing the
/// database within a second), its refresh tokens are revoked and it can no longer log in. Its
/// records (a participant's history, audit entries) stay. Idempotent: an account that is
/// already disabled is answered unchanged. Staff cannot disable their own account (409), so
/// the last staff member cannot lock everyone out. Audited (`account.disabled`).
#[utoipa::path(
    tag = "accounts",
    operation_id = "deactivate_account",
    params(("id" = i64, Path, description = "Account id.")),
    responses(
        (status = 200, description = "Disabled (or already was).", body = AccountResponse),
        (status = 409, description = "Staff cannot disable themselves.")
    )
)]
#[post("/accounts/{id}/deactivation")]
pub async fn deactivate(
    caller: StaffCaller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
    accounts_seen: web::Data<AccountCache>,
) -> Result<HttpResponse, AppError> {
    set_disabled(caller, id.into_inner(), true, &pool, &accounts_seen).await
}

/// Enables a disabled account again.
///
/// Staff only. The account may log in again; tokens revoked when it was disabled stay revoked.
/// Idempotent: an enabled account is answered unchanged. Audited (`account.enabled`).
#[utoipa::path(
    tag = "accounts",
    operation_id = "reactivate_account",
    params(("id" = i64, Path, description = "Account id.")),
    responses((status = 200, description = "Enabled (or already was).", body = AccountResponse))
)]
#[post("/accounts/{id}/reactivation")]
pub async fn reactivate(
    caller: StaffCaller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
    accounts_seen: web::Data<AccountCache>,
) -> Result<HttpResponse, AppError> {
    set_disabled(caller, id.into_inner(), false, &pool, &accounts_seen).await
}
