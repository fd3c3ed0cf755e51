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

/// An account as staff see it (never the password hash).
#[derive(Debug, Serialize, ToSchema)]
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
pub struct AccountPage {
    /// The accounts on this page.
    pub items: Vec<AccountResponse>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// A new integration client.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewIntegrationAccount {
    /// What the client is, e.g. `Klimaschutz-Community`.
    #[validate(length(min = 1, max = 200), custom(function = "text::single_line"))]
    #[schema(min_length = 1, max_length = 200, format = "single-line")]
    pub display_name: String,
}

/// A created integration account with its credentials; the secret is shown only here.
#[derive(Debug, Serialize, ToSchema)]
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

/// Disables an account: its tokens stop working at once (on other instances sharing the database
/// within a second), its refresh tokens are revoked and it can no longer log in.
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
