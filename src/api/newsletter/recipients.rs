//! The recipient list: every active participant (staff; JSON pages or one CSV file).

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::NewsletterContact;
use crate::api::http::csv_export;
use crate::api::http::pagination::PageParams;
use crate::api::http::response::private_json;
use crate::auth::StaffCaller;
use crate::db::models::newsletter;
use crate::db::{self, DbPool};
use crate::domain::lang::Lang;
use crate::error::AppError;

/// One page of newsletter recipients.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecipientPage {
    /// The recipients on this page.
    pub items: Vec<NewsletterContact>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

const CSV_HEADER: [&str; 5] = ["ID", "Anrede", "Vorname", "Nachname", "E-Mail"];

/// Every active participant with what the newsletter needs (staff). Ended and pending
/// participants are not on it. `Accept: text/csv` exports the whole list as one file.
#[utoipa::path(
    tag = "newsletter",
    operation_id = "list_newsletter_recipients",
    params(PageParams),
    responses((status = 200, description = "One page of recipients.",
        content((RecipientPage = "application/json"), (String = "text/csv"))))
)]
#[get("/newsletter/recipients")]
pub async fn list(
    _: StaffCaller,
    req: HttpRequest,
    paging: web::Query<PageParams>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let page = paging.page()?;
    let csv = csv_export::wants_csv(&req);
    let (limit, after) = if csv {
        (i64::MAX, 0)
    } else {
        (page.fetch(), page.after.unwrap_or(0))
    };
    let rows = db::run(&pool, move |conn| {
        Ok(newsletter::recipients(conn, after, limit)?)
    })
    .await?;
    if csv {
        let mut table = vec![CSV_HEADER.iter().map(|h| (*h).to_owned()).collect()];
        table.extend(rows.into_iter().map(|row| {
            let c = NewsletterContact::from(row);
            vec![
                c.participant_id.to_string(),
                c.salutation
                    .map(|s| s.label(Lang::De).to_owned())
                    .unwrap_or_default(),
                c.first_name,
                c.last_name,
                c.email,
            ]
        }));
        return csv_export::attachment("newsletter-empfaenger.csv", &table);
    }
    let (rows, next_cursor) = page.finish(rows, |p| p.id);
    Ok(private_json(&RecipientPage {
        items: rows.into_iter().map(Into::into).collect(),
        next_cursor,
    }))
}
