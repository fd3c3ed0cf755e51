//! `GET /participants/{id}/certificate.pdf`: the participation certificate
//! (Teilnahmebescheinigung) of a mentor's project year, for the NKI final report: who, which
//! project and year, every counted activity with its date, format and credited days, the sum and
//! the minimum's status, and a verification code staff look up with `GET /certificates/{code}`.

use actix_web::{HttpResponse, get, web};
use chrono::{NaiveDate, Utc};

use super::nki_text::{date_de, time_de};
use super::personal::{ReportParams, load};
use super::views::{CreditItem, CreditReport};
use crate::api::http::pdf_export;
use crate::auth::Caller;
use crate::auth::secret::sha256_hex;
use crate::config::Settings;
use crate::db::models::certificates::{self, Certificate};
use crate::db::models::participants::{self, Participant};
use crate::db::{self, DbPool};
use crate::domain::certificate::{Content, code_from};
use crate::domain::credit::days_de;
use crate::domain::lang::Lang;
use crate::domain::participant::Salutation;
use crate::domain::programme::Programme;
use crate::domain::programme_time::programme_date_of_utc;
use crate::error::AppError;
use crate::typeset::{Align, Column, Sheet, Weight};

/// Name of the response header carrying the verification code.
pub const CODE_HEADER: &str = "Certificate-Code";

fn content_of(report: &CreditReport) -> Content {
    Content {
        participant_id: report.participant_id,
        project_id: report.project.id,
        project_year: report.project_year.number,
        credits: counted(report)
            .map(|i| (i.credit_id, i.format_code.clone(), i.earned_on, i.hours))
            .collect(),
        min_hours: report.min_hours,
        status: report.status.as_str(),
    }
}

fn counted(report: &CreditReport) -> impl Iterator<Item = &CreditItem> {
    report.items.iter().filter(|i| !i.revoked)
}

fn candidate(report: &CreditReport) -> Certificate {
    let now = Utc::now().naive_utc();
    Certificate {
        code: String::new(),
        participant_id: report.participant_id,
        project_id: report.project.id,
        project_year: report.project_year.number as i32,
        content_sha256: sha256_hex(&content_of(report).canonical()),
        year_start: report.project_year.start_date,
        year_end: report.project_year.end_date,
        activity_count: counted(report).count() as i32,
        total_hours: report.total_hours,
        min_hours: report.min_hours,
        status: report.status.as_str().to_owned(),
        issued_at: now,
        last_issued_at: now,
    }
}

fn random_code() -> String {
    code_from(rand::random())
}

/// What an activity was, in one cell: title or forum, and where.
fn activity_cell(item: &CreditItem) -> String {
    let mut parts = Vec::new();
    if let Some(title) = &item.title {
        parts.push(format!("„{title}“"));
    }
    if let Some(forum) = &item.forum_title {
        parts.push(format!("Forum „{forum}“"));
    }
    match (&item.place, item.online) {
        (Some(place), true) => parts.push(format!("{place} und online")),
        (Some(place), false) => parts.push(place.clone()),
        (None, true) => parts.push("online".to_owned()),
        (None, false) => {}
    }
    if let Some(people) = item.people_reached {
        parts.push(format!("{people} erreichte Personen"));
    }
    if let Some(posts) = item.post_count {
        parts.push(format!("{posts} Beiträge"));
    }
    parts.join(", ")
}

fn date_cell(item: &CreditItem) -> String {
    match (item.from, item.until) {
        (Some(from), Some(until)) if from != until => {
            format!("{} – {}", date_de(from), date_de(until))
        }
        (Some(from), _) => date_de(from),
        _ => date_de(item.earned_on),
    }
}

fn minimum_line(report: &CreditReport) -> String {
    match report.min_hours {
        None => "Für diese Projektart ist kein Mindestumfang an Mentoring-Aktivitäten vorgegeben."
            .to_owned(),
        Some(min) if report.shortfall_hours == 0 => {
            format!("Der Mindestumfang von {} ist erreicht.", time_de(min))
        }
        Some(min) => format!(
            "Der Mindestumfang von {} ist nicht erreicht ({}); es fehlen {}.",
            time_de(min),
            report.status.label(Lang::De),
            time_de(report.shortfall_hours)
        ),
    }
}

/// What the certificate states besides the report: who, under which code, when, by whom.
struct Issue {
    person: Participant,
    code: String,
    /// The day this content was first issued: the same as the verification answers.
    issued_on: NaiveDate,
    programme: Programme,
}

/// The certificate as PDF pages.
fn render(report: &CreditReport, issue: &Issue) -> Result<Vec<u8>, AppError> {
    let (person, code, programme) = (&issue.person, issue.code.as_str(), &issue.programme);
    let project = &report.project;
    let year = &report.project_year;
    let name = format!("{} {}", person.first_name, person.last_name);
    let (addressed, role) = match person.salutation {
        Some(Salutation::Ms) => (format!("Frau {name}"), "Mentorin"),
        Some(Salutation::Mr) => (format!("Herr {name}"), "Mentor"),
        None => (name.clone(), "Mentor*in"),
    };
    let mut sheet = Sheet::new(
        &format!("Teilnahmebescheinigung {name}, Projektjahr {}", year.number),
        &format!("Teilnahmebescheinigung · Prüfcode {code}"),
    );
    sheet.paragraph("Teilnahmebescheinigung", 20.0, Weight::Bold);
    sheet.paragraph(&programme.title, 10.0, Weight::Regular);
    sheet.space(14.0);
    sheet.paragraph(
        &format!(
            "Hiermit wird bescheinigt, dass {addressed} im Projektjahr {} ({} bis {}) als {role} \
             am Mentoring-Programm teilgenommen hat. Angerechnet wurden die folgenden \
             Mentoring-Aktivitäten.",
            year.number,
            date_de(year.start_date),
            date_de(year.end_date)
        ),
        11.0,
        Weight::Regular,
    );
    sheet.space(10.0);
    let mut fields = vec![
        ("Name", name.clone()),
        (
            "Arbeitgeber, Kommune",
            format!("{}, {}", project.employer, project.municipality),
        ),
        (
            "Bundesland",
            project.federal_state.label(Lang::De).to_owned(),
        ),
        ("Projektart", project.kind.label(Lang::De).to_owned()),
    ];
    if let Some(reference) = &project.funding_reference {
        fields.push(("Förderkennzeichen", reference.clone()));
    }
    fields.push((
        "Projektjahr",
        format!(
            "{} ({} bis {})",
            year.number,
            date_de(year.start_date),
            date_de(year.end_date)
        ),
    ));
    sheet.fields(&fields, 10.0);
    sheet.space(14.0);
    sheet.paragraph("Angerechnete Mentoring-Aktivitäten", 12.0, Weight::Bold);
    sheet.space(4.0);
    let rows: Vec<Vec<String>> = counted(report)
        .map(|i| {
            vec![
                date_cell(i),
                i.format_label.clone(),
                activity_cell(i),
                days_de(i.hours),
            ]
        })
        .collect();
    if rows.is_empty() {
        sheet.paragraph(
            "Im Projektjahr wurden keine Mentoring-Aktivitäten angerechnet.",
            10.0,
            Weight::Regular,
        );
    } else {
        let columns = [
            Column {
                share: 1.5,
                align: Align::Left,
            },
            Column {
                share: 2.5,
                align: Align::Left,
            },
            Column {
                share: 3.2,
                align: Align::Left,
            },
            Column {
                share: 1.1,
                align: Align::Right,
            },
        ];
        sheet.table(
            &columns,
            &["Datum", "Mentoring-Form", "Aktivität", "Arbeitstage"],
            &rows,
            9.0,
        );
    }
    sheet.rule();
    sheet.space(3.0);
    sheet.paragraph(
        &format!("Insgesamt angerechnet: {}.", time_de(report.total_hours)),
        10.0,
        Weight::Bold,
    );
    sheet.paragraph(&minimum_line(report), 10.0, Weight::Regular);
    sheet.space(24.0);
    sheet.paragraph(
        &format!(
            "Ausgestellt am {} durch die Geschäftsstelle des {}.",
            date_de(issue.issued_on),
            programme.office
        ),
        10.0,
        Weight::Regular,
    );
    sheet.paragraph(&format!("Prüfcode: {code}"), 12.0, Weight::Bold);
    sheet.paragraph(
        &format!(
            "Die Geschäftsstelle des {} bestätigt auf Anfrage anhand des Prüfcodes, dass diese \
             Bescheinigung von ihr ausgestellt wurde und welche Angaben sie enthält.",
            programme.office
        ),
        9.0,
        Weight::Regular,
    );
    sheet.finish().map_err(AppError::internal)
}

/// A mentor's participation certificate for one project year as PDF (the mentor or staff)
///
/// The Teilnahmebescheinigung to attach to the NKI final report, in German: the mentor's name,
/// employer, municipality, federal state, project kind, funding reference and project year; every
/// counted activity of `GET /participants/{id}/credit-report` for the same year (date, format,
/// title or forum, place, people reached or posts, credited working days); the sum; whether the
/// minimum of follow-up projects is reached; and a verification code (also in the
/// `Certificate-Code` header). Asking again while the credits and the minimum's status are
/// unchanged gives the same code; any change gives a new certificate with a new code, and the
/// earlier one shows as superseded in `GET /certificates/{code}`. The mentor themself (in any
/// state) or staff; other participants and integration accounts get 403; an unknown participant,
/// project or project year 404; an erased participant 409 (a certificate names a person).
#[utoipa::path(
    tag = "credit-reports",
    operation_id = "get_participation_certificate",
    params(("id" = i64, Path, description = "Participant id."), ReportParams),
    responses(
        (status = 200, description = "The certificate (`teilnahmebescheinigung-projektjahr-<n>.pdf`).",
            content_type = "application/pdf", body = Vec<u8>,
            headers(
                ("Certificate-Code" = String, description = "The verification code printed on the certificate, e.g. `7KQ3-M2XD-9FTB`."),
                ("Content-Disposition" = String, description = "`attachment; filename=\"teilnahmebescheinigung-projektjahr-<n>.pdf\"`.")
            )),
        (status = 409, description = "The participant was erased: a certificate names a person.")
    )
)]
#[get("/participants/{id}/certificate.pdf")]
pub async fn get_certificate(
    caller: Caller,
    id: web::Path<i64>,
    params: web::Query<ReportParams>,
    pool: web::Data<DbPool>,
    settings: web::Data<Settings>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let report = load(&pool, caller, id, params.into_inner(), Lang::De).await?;
    let issued = candidate(&report);
    let (person, certificate) = db::write(&pool, move |conn| {
        let person = participants::find(conn, id)?.ok_or(AppError::NotFound)?;
        if person.erased_at.is_some() {
            return Err(AppError::Conflict(
                "the participant was erased; a certificate would name no one".to_owned(),
            ));
        }
        let certificate = certificates::issue(conn, issued, random_code)?;
        Ok((person, certificate))
    })
    .await?;
    let (year, code) = (certificate.project_year, certificate.code);
    let issue = Issue {
        person,
        code: code.clone(),
        issued_on: programme_date_of_utc(certificate.issued_at),
        programme: settings.programme.clone(),
    };
    let pdf = pdf_export::typeset(move || render(&report, &issue)).await?;
    Ok(pdf_export::attachment(
        &format!("teilnahmebescheinigung-projektjahr-{year}.pdf"),
        pdf,
        |response| {
            response.insert_header((CODE_HEADER, code));
        },
    ))
}
