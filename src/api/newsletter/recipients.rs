//! The recipient list: every active participant (staff; JSON pages, or one CSV file).

use actix_web::{HttpResponse, get, web};
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
#[schema(example = json!({
    "items": [{
        "participant_id": 5,
        "salutation": "ms",
        "first_name": "Erika",
        "last_name": "Mustermann",
        "email": "erika.mustermann@example.org"
    }, {
        "participant_id": 41,
        "salutation": null,
        "first_name": "Ida",
        "last_name": "Beispiel",
        "email": "ida.beispiel@example.org"
    }],
    "next_cursor": "5a3c96e10f7bd261"
}))]
pub struct RecipientPage {
    /// The recipients on this page.
    pub items: Vec<NewsletterContact>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

const CSV_HEADER: [&str; 5] = ["ID", "Anrede", "Vorname", "Nachname", "E-Mail"];

/// Every active participant with what the newsletter needs.
///
/// Staff only: salutation, names and e-mail address of each active participant; ended and
/// pending participants are not on it (§ 5.2: who ends gets no newsletter). JSON pages with
/// `limit` and `cursor`. The whole list as one file (UTF-8 with BOM, `;`, for German Excel):
/// `GET /newsletter/recipients.csv`.
#[utoipa::path(
    tag = "newsletter",
    operation_id = "list_newsletter_recipients",
    params(PageParams),
    responses((status = 200, description = "One page of recipients.", body = RecipientPage))
)]
#[get("/newsletter/recipients")]
pub async fn list(
    _: StaffCaller,
    paging: web::Query<PageParams>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let page = paging.page()?;
    let (limit, after) = (page.fetch(), page.after.unwrap_or(0));
    let rows = db::run(&pool, move |conn| {
        Ok(newsletter::recipients(conn, after, limit)?)
    })
    .await?;
    let (rows, next_cursor) = page.finish(rows, |p| p.id);
    Ok(private_json(&RecipientPage {
        items: rows.into_iter().map(Into::into).collect(),
        next_cursor,
    }))
}

const CSV_EXAMPLE: &str = "ID;Anrede;Vorname;Nachname;E-Mail\n\
7;Frau;Greta;Sonnenschein;greta.sonnenschein@example.org\n";

/// Every newsletter recipient as one CSV file (staff only)
///
/// The recipients of `GET /newsletter/recipients`, all in one file (no paging): every active
/// participant (ended and pending participants are not on it) with participant id, salutation,
/// first and last name and e-mail address, for the mailing tool. German headings and labels;
/// UTF-8 with BOM, `;` as delimiter. Staff only; every other caller gets 403.
#[utoipa::path(
    tag = "newsletter",
    operation_id = "export_newsletter_recipients_csv",
    responses((status = 200, description = "The CSV file (`newsletter-empfaenger.csv`).",
        content_type = "text/csv", body = Vec<u8>,
        headers(("Content-Disposition" = String, description = "`attachment; filename=\"newsletter-empfaenger.csv\"`.")),
        example = json!(CSV_EXAMPLE)))
)]
#[get("/newsletter/recipients.csv")]
pub async fn export(_: StaffCaller, pool: web::Data<DbPool>) -> Result<HttpResponse, AppError> {
    let rows = db::run(&pool, move |conn| {
        Ok(newsletter::recipients(conn, 0, i64::MAX)?)
    })
    .await?;
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
    csv_export::attachment("newsletter-empfaenger.csv", &table)
}
