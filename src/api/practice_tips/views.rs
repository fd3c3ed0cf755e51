//! What a practice tip looks like on the wire.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use super::access::is_author_or_staff;
use crate::api::access::Viewer;
use crate::db::DbConnection;
use crate::db::models::credits::{self, CreditSource};
use crate::db::models::practice_tips::{self, DocumentInfo, PracticeTip};
use crate::domain::practice_tip::{
    PageCountWarning, TipKind, TipState, guidance_de, page_count_warning,
};
use crate::error::AppError;

/// A hint that the page count departs from the guidance of § 3.2.2 (never a refusal).
#[derive(Debug, Serialize, ToSchema)]
pub struct PageCountWarningResponse {
    /// Stable code.
    pub code: PageCountWarning,
    /// The hint in German, with the guidance.
    pub message: String,
}

/// The stored PDF (without its content).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "size_bytes": 1843200,
    "page_count": 14,
    "page_count_warning": {
        "code": "too_long",
        "message": "Länger als empfohlen (gelesen: 14; Orientierung: Textdokument: wenige DIN-A4-Seiten (bis 10))"
    },
    "uploaded_at": "2027-03-02T09:12:45Z"
}))]
pub struct DocumentResponse {
    /// Size of the PDF.
    pub size_bytes: i64,
    /// Pages read from the PDF; `null` when they could not be read.
    #[schema(required = true)]
    pub page_count: Option<i32>,
    /// Set when the page count is far from the guidance for the tip's kind.
    #[schema(required = true)]
    pub page_count_warning: Option<PageCountWarningResponse>,
    /// When it was uploaded.
    pub uploaded_at: DateTime<Utc>,
}

/// The author's credit for the published tip (shown to the author and staff).
#[derive(Debug, Serialize, ToSchema)]
pub struct TipCreditResponse {
    /// Credited hours, from the catalogue rule on the publication date.
    pub hours: i32,
    /// The publication date.
    pub earned_on: NaiveDate,
    /// When staff revoked it; `null` while it counts.
    #[schema(required = true)]
    pub revoked_at: Option<DateTime<Utc>>,
    /// Why staff revoked it.
    #[schema(required = true)]
    pub revoked_reason: Option<String>,
}

/// A practice tip as the caller may see it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = tip_example)]
pub struct PracticeTipResponse {
    /// Practice tip id.
    pub id: i64,
    /// The participant who wrote it (one author; no co-authors).
    pub author_id: i64,
    /// Title.
    pub title: String,
    /// The concrete question it answers.
    pub question: String,
    /// Accepted topics it is about.
    pub topic_ids: Vec<i64>,
    /// Text document or slide deck.
    pub kind: TipKind,
    /// Abstract.
    #[serde(rename = "abstract")]
    pub summary: String,
    /// Where it stands.
    pub state: TipState,
    /// Staff's note when they asked for changes (author and staff only).
    #[schema(required = true)]
    pub review_note: Option<String>,
    /// Why staff rejected or withdrew it.
    #[schema(required = true)]
    pub state_reason: Option<String>,
    /// The author asked that examples are anonymised (Infobox 2).
    pub anonymisation_requested: bool,
    /// Staff confirmed the anonymisation when publishing.
    pub anonymisation_confirmed: bool,
    /// The PDF; `null` until uploaded.
    #[schema(required = true)]
    pub document: Option<DocumentResponse>,
    /// The author's credit once published (author and staff only; `null` for others).
    #[schema(required = true)]
    pub credit: Option<TipCreditResponse>,
    /// When it was last submitted.
    #[schema(required = true)]
    pub submitted_at: Option<DateTime<Utc>>,
    /// When it was published.
    #[schema(required = true)]
    pub published_at: Option<DateTime<Utc>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// One page of practice tips.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [tip_example()], "next_cursor": null}))]
pub struct PracticeTipList {
    /// Tips in the order they were created.
    pub items: Vec<PracticeTipResponse>,
    /// Cursor of the next page; `null` on the last.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// A published tip as its author sees it, as the examples of the spec show it.
fn tip_example() -> serde_json::Value {
    json!({
        "id": 9,
        "author_id": 112,
        "title": "Klimaschutz im Haushalt verankern",
        "question": "Wie bringe ich Klimaschutzmaßnahmen in den kommunalen Doppelhaushalt?",
        "topic_ids": [1],
        "kind": "text",
        "abstract": "Ein Leitfaden in fünf Schritten: von der Maßnahmenliste zur Haushaltsstelle, mit Beispielen aus Landkreis und Gemeinde.",
        "state": "published",
        "review_note": null,
        "state_reason": null,
        "anonymisation_requested": false,
        "anonymisation_confirmed": false,
        "document": {
            "size_bytes": 482133,
            "page_count": 6,
            "page_count_warning": null,
            "uploaded_at": "2027-03-02T09:12:45Z"
        },
        "credit": {
            "hours": 40,
            "earned_on": "2027-03-15",
            "revoked_at": null,
            "revoked_reason": null
        },
        "submitted_at": "2027-03-03T16:20:00Z",
        "published_at": "2027-03-15T10:05:00Z",
        "created_at": "2027-02-20T11:30:00Z"
    })
}

/// The document's view for a tip of `kind`.
pub fn document_response(info: &DocumentInfo, kind: TipKind) -> DocumentResponse {
    DocumentResponse {
        size_bytes: info.size_bytes,
        page_count: info.page_count,
        page_count_warning: page_count_warning(kind, info.page_count).map(|code| {
            PageCountWarningResponse {
                code,
                message: format!(
                    "{} (gelesen: {}; Orientierung: {})",
                    code.label(crate::domain::lang::Lang::De),
                    info.page_count
                        .map_or_else(|| "unbekannt".to_owned(), |n| n.to_string()),
                    guidance_de(kind)
                ),
            }
        }),
        uploaded_at: info.uploaded_at.and_utc(),
    }
}

/// The tip as `viewer` may see it.
pub fn response(
    conn: &mut DbConnection,
    viewer: &Viewer,
    tip: PracticeTip,
) -> Result<PracticeTipResponse, AppError> {
    let kind = tip.kind;
    let privileged = is_author_or_staff(viewer, &tip);
    let credit = if privileged {
        credits::find(conn, CreditSource::PracticeTip, tip.id, tip.author_id)?.map(|c| {
            TipCreditResponse {
                hours: c.hours,
                earned_on: c.earned_on,
                revoked_at: c.revoked_at.map(|t| t.and_utc()),
                revoked_reason: c.revoked_reason,
            }
        })
    } else {
        None
    };
    Ok(PracticeTipResponse {
        topic_ids: practice_tips::topics_of(conn, tip.id)?,
        document: practice_tips::document_info(conn, tip.id)?
            .map(|info| document_response(&info, kind)),
        state: tip.state,
        credit,
        id: tip.id,
        author_id: tip.author_id,
        title: tip.title,
        question: tip.question,
        kind,
        summary: tip.abstract_text,
        review_note: tip.review_note.filter(|_| privileged),
        state_reason: tip.state_reason,
        anonymisation_requested: tip.anonymisation_requested,
        anonymisation_confirmed: tip.anonymisation_confirmed_at.is_some(),
        submitted_at: tip.submitted_at.map(|t| t.and_utc()),
        published_at: tip.published_at.map(|t| t.and_utc()),
        created_at: tip.created_at.and_utc(),
    })
}

/// Every tip `author_id` wrote, as `viewer` (the author or staff) sees it: the privacy export.
pub fn of_author(
    conn: &mut DbConnection,
    viewer: &Viewer,
    author_id: i64,
) -> Result<Vec<PracticeTipResponse>, AppError> {
    let filter = practice_tips::ListFilter {
        author_id: Some(author_id),
        ..practice_tips::ListFilter::default()
    };
    practice_tips::list(conn, &filter, i64::MAX)?
        .into_iter()
        .map(|tip| response(conn, viewer, tip))
        .collect()
}
