//! `GET /statistics.pdf`: the year's figures of `GET /statistics` as a printable one-page German
//! summary for the report to the ministry: participants, activities, the KSM2 minimum, sessions
//! and credits per format, participants per federal state and project kind, and the months.

use actix_web::{HttpResponse, get, web};

use super::{ParticipantFigures, Statistics, StatisticsParams, german_figures};
use crate::api::http::pdf_export;
use crate::auth::StaffCaller;
use crate::config::Settings;
use crate::db::DbPool;
use crate::domain::credit::days_de;
use crate::domain::programme::Programme;
use crate::error::AppError;
use crate::typeset::{Align, Column, Sheet, Weight};

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez",
];

fn days_of(hours: i64) -> String {
    days_de(i32::try_from(hours).unwrap_or(i32::MAX))
}

fn left(share: f32) -> Column {
    Column {
        share,
        align: Align::Left,
    }
}

fn right(share: f32) -> Column {
    Column {
        share,
        align: Align::Right,
    }
}

fn group_row(label: &str, f: &ParticipantFigures) -> Vec<String> {
    vec![
        label.to_owned(),
        f.active.to_string(),
        f.new.to_string(),
        f.ended.to_string(),
        f.active_mentors.to_string(),
        f.active_mentees.to_string(),
        days_of(f.credited_hours),
    ]
}

fn heading(sheet: &mut Sheet, text: &str) {
    sheet.space(8.0);
    sheet.paragraph(text, 10.5, Weight::Bold);
    sheet.space(2.0);
}

/// The summary as PDF.
fn render(s: &Statistics, programme: &Programme) -> Result<Vec<u8>, AppError> {
    let date = s.reference_date.format("%d.%m.%Y").to_string();
    let name = &programme.name;
    let mut sheet = Sheet::new(
        &format!("{name}: Kennzahlen {}", s.year),
        &format!("{name} · Kennzahlen {} · Stichtag {date}", s.year),
    );
    sheet.paragraph(
        &format!("{name} – Kennzahlen {}", s.year),
        16.0,
        Weight::Bold,
    );
    sheet.paragraph(
        &format!(
            "Kalenderjahr {}; Bestand zum Stichtag {date}. Angerechnet zählt jede nicht \
             widerrufene Gutschrift am Tag ihres Erwerbs.",
            s.year
        ),
        8.5,
        Weight::Regular,
    );
    let p = &s.participants;
    let a = &s.activities;
    let f = &s.follow_up_mentors;
    heading(&mut sheet, "Überblick");
    sheet.fields(
        &[
            (
                "Teilnehmende",
                format!(
                    "{} aktiv zum Stichtag ({} Mentorinnen und Mentoren, {} Mentees); {} neu, {} beendet",
                    p.active, p.active_mentors, p.active_mentees, p.new, p.ended
                ),
            ),
            (
                "Mentoring-Sessions",
                format!(
                    "{} durchgeführt, {} erreichte Personen",
                    a.sessions_held, a.people_reached
                ),
            ),
            (
                "Foren und Praxistipps",
                format!(
                    "{} Forenpatenschaften abgeschlossen, {} Praxistipps veröffentlicht",
                    a.forum_sponsorships_completed, a.practice_tips_published
                ),
            ),
            (
                "Angerechnet",
                format!(
                    "{} Arbeitstage ({} Stunden)",
                    days_of(a.credited_hours),
                    a.credited_hours
                ),
            ),
            (
                "Mindestumfang KSM2",
                format!(
                    "{} von {} Mentorinnen und Mentoren in Anschlussvorhaben erreichen ihn",
                    f.meeting_minimum, f.mentors
                ),
            ),
        ],
        8.5,
    );
    heading(&mut sheet, "Je Mentoring-Form");
    let formats: Vec<Vec<String>> = a
        .by_format
        .iter()
        .map(|x| {
            vec![
                x.label.clone(),
                x.sessions_held.to_string(),
                x.people_reached.to_string(),
                days_of(x.credited_hours),
            ]
        })
        .collect();
    sheet.table(
        &[left(5.0), right(1.2), right(1.6), right(1.4)],
        &["Mentoring-Form", "Sessions", "Erreichte", "Arbeitstage"],
        &formats,
        8.0,
    );
    heading(&mut sheet, "Teilnehmende je Bundesland und Projektart");
    let mut groups: Vec<Vec<String>> = s
        .by_federal_state
        .iter()
        .map(|r| group_row(&r.label, &r.figures))
        .collect();
    groups.extend(
        s.by_project_kind
            .iter()
            .map(|r| group_row(&r.label, &r.figures)),
    );
    groups.push(group_row("Gesamt", p));
    sheet.table(
        &[
            left(3.2),
            right(0.8),
            right(0.8),
            right(1.0),
            right(1.5),
            right(1.0),
            right(1.3),
        ],
        &[
            "Bundesland, Projektart",
            "Aktiv",
            "Neu",
            "Beendet",
            "Mentor*innen",
            "Mentees",
            "Arbeitstage",
        ],
        &groups,
        8.0,
    );
    heading(&mut sheet, "Verlauf nach Monaten");
    let mut head = vec![""];
    head.extend(MONTHS);
    let series = |name: &str, value: &dyn Fn(usize) -> String| -> Vec<String> {
        std::iter::once(name.to_owned())
            .chain((0..s.monthly.len()).map(value))
            .collect()
    };
    let rows = vec![
        series("Sessions", &|i| s.monthly[i].sessions_held.to_string()),
        series("Erreichte", &|i| s.monthly[i].people_reached.to_string()),
        series("Arbeitstage", &|i| days_of(s.monthly[i].credited_hours)),
    ];
    let mut columns = vec![left(2.2)];
    columns.extend([right(1.0); 12]);
    sheet.table(&columns, &head, &rows, 7.5);
    sheet.finish().map_err(AppError::internal)
}

/// The year's figures as a printable one-page PDF summary (staff only)
///
/// The figures of `GET /statistics` for the same calendar year on one A4 page, in German, for
/// the report to the ministry: participants active on the reference day, new and ended, mentors
/// and mentees; sessions held and people reached; sponsorships completed and tips published;
/// credited working days; KSM2 mentors meeting the minimum; sessions, people and days per format;
/// participants per federal state and project kind with a total; and the twelve months. The year
/// must lie in 2000–2100 (400 otherwise). Staff only; every other caller gets 403.
#[utoipa::path(
    tag = "statistics",
    operation_id = "export_statistics_pdf",
    params(StatisticsParams),
    responses((status = 200, description = "The summary (`statistik-<year>.pdf`).",
        content_type = "application/pdf", body = Vec<u8>,
        headers(("Content-Disposition" = String, description = "`attachment; filename=\"statistik-<year>.pdf\"`."))))
)]
#[get("/statistics.pdf")]
pub async fn export_statistics_pdf(
    _: StaffCaller,
    params: web::Query<StatisticsParams>,
    pool: web::Data<DbPool>,
    settings: web::Data<Settings>,
) -> Result<HttpResponse, AppError> {
    let (year, stats) = german_figures(&pool, &params).await?;
    let programme = settings.programme.clone();
    let pdf = pdf_export::typeset(move || render(&stats, &programme)).await?;
    Ok(pdf_export::attachment(
        &format!("statistik-{year}.pdf"),
        pdf,
        |_| {},
    ))
}
