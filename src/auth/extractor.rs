//! The `Caller` extractor: the authenticated account behind a bearer token.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use crate::auth::Role;
use crate::auth::account_cache::{AccountCache, Lookup};
use crate::auth::jwt::TokenKeys;
use crate::db::models::{accounts, audit_events::Actor};
use crate::db::{self, DbPool};
use crate::error::AppError;

/// The authenticated caller of a request. Taking it as a handler argument makes the handler
/// require a valid token of an enabled account; `require` then checks the role in one line.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The account id.
    pub account_id: i64,
    /// The account's current role (from the database, not the token).
    pub role: Role,
    /// The id of the request it was extracted for, for the audit rows the request writes.
    pub request_id: Option<String>,
}

impl Caller {
    /// Passes when the caller holds one of `roles`, else 403.
    pub fn require(&self, roles: &[Role]) -> Result<(), AppError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Passes for staff only.
    pub fn require_staff(&self) -> Result<(), AppError> {
        self.require(&[Role::Staff])
    }

    /// Whether the caller is staff.
    pub fn is_staff(&self) -> bool {
        self.role == Role::Staff
    }

    /// The caller as the audit trail records it: the account and the request.
    pub fn actor(&self) -> Actor {
        Actor {
            account_id: Some(self.account_id),
            request_id: self.request_id.clone(),
        }
    }
}

fn bearer_token(req: &HttpRequest) -> Result<String, AppError> {
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(|| AppError::Unauthorized("a bearer token is required".to_owned()))?;
    let text = value
        .to_str()
        .map_err(|_| AppError::Unauthorized("malformed Authorization header".to_owned()))?;
    let (scheme, token) = text.split_once(' ').ok_or_else(|| {
        AppError::Unauthorized("expected `Authorization: Bearer <token>`".to_owned())
    })?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() || token.len() > 4096 {
        return Err(AppError::Unauthorized(
            "expected `Authorization: Bearer <token>`".to_owned(),
        ));
    }
    Ok(token.trim().to_owned())
}

async fn authenticate(req: HttpRequest) -> Result<Caller, AppError> {
    let token = bearer_token(&req)?;
    let keys = app_data::<TokenKeys>(&req)?;
    let invalid = || AppError::Unauthorized("the token is invalid or has expired".to_owned());
    let claims = keys.verify(&token).map_err(|_| invalid())?;
    let account_id: i64 = claims.sub.parse().map_err(|_| invalid())?;
    let cache = app_data::<AccountCache>(&req)?;
    let role = match cache.lookup(account_id) {
        Lookup::Enabled(role) => role,
        Lookup::Unknown(epoch) => {
            let pool = app_data::<DbPool>(&req)?;
            let account = db::run(&pool, move |conn| Ok(accounts::find(conn, account_id)?)).await?;
            let account = account
                .filter(|a| a.disabled_at.is_none())
                .ok_or_else(invalid)?;
            let role = account.role;
            cache.remember(epoch, account_id, role);
            role
        }
    };
    if role != claims.role {
        return Err(invalid());
    }
    Ok(Caller {
        account_id,
        role,
        request_id: crate::request_context::request_id(&req),
    })
}

fn app_data<T: 'static>(req: &HttpRequest) -> Result<web::Data<T>, AppError> {
    req.app_data::<web::Data<T>>().cloned().ok_or_else(|| {
        AppError::internal(format!(
            "{} missing from app data",
            std::any::type_name::<T>()
        ))
    })
}

impl FromRequest for Caller {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Caller, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(authenticate(req.clone()))
    }
}

/// Authenticates, then passes only callers holding one of `roles`.
fn authorize(
    req: &HttpRequest,
    roles: &'static [Role],
) -> Pin<Box<dyn Future<Output = Result<Caller, AppError>>>> {
    let req = req.clone();
    Box::pin(async move {
        let caller = authenticate(req).await?;
        caller.require(roles)?;
        Ok(caller)
    })
}

/// Declares callers that must hold one of the listed roles. As the first handler argument such
/// a caller answers 401 or 403 before any later argument (the JSON body, the query) is read, so
/// a refused caller never learns what a valid request would look like from validation errors.
macro_rules! role_callers {
    ($($(#[doc = $doc:literal])* $name:ident => [$($role:ident),+];)+) => {$(
        $(#[doc = $doc])*
        #[derive(Debug, Clone)]
        pub struct $name(pub Caller);

        impl FromRequest for $name {
            type Error = AppError;
            type Future = Pin<Box<dyn Future<Output = Result<$name, AppError>>>>;

            fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
                let caller = authorize(req, &[$(Role::$role),+]);
                Box::pin(async move { caller.await.map($name) })
            }
        }
    )+};
}

role_callers! {
    /// A caller who must be staff.
    StaffCaller => [Staff];
    /// A caller who must be an integration account or staff (the event feed and membership
    /// lookups).
    IntegrationCaller => [Integration, Staff];
    /// A caller who must be a person: a participant or staff, never an integration account.
    PersonCaller => [Participant, Staff];
}
