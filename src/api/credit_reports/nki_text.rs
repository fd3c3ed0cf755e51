//! The report as German plain text for the free-text field of the NKI monitoring tool (§ 5.5):
//! per activity the mentoring format, the project year, the time credited, date and place, topics
//! and people reached, forum title and post count; then the totals and the minimum.

use std::fmt::Write;

use chrono::NaiveDate;

use super::views::{CreditItem, CreditReport};
use crate::domain::credit::days_de;
use crate::domain::lang::Lang;

pub(super) fn date_de(day: NaiveDate) -> String {
    day.format("%d.%m.%Y").to_string()
}

/// "5 Arbeitstage (40 Stunden)", "1 Arbeitstag (8 Stunden)".
pub(super) fn time_de(hours: i32) -> String {
    let unit = if hours == 8 {
        "Arbeitstag"
    } else {
        "Arbeitstage"
    };
    let hour_unit = if hours == 1 { "Stunde" } else { "Stunden" };
    format!("{} {unit} ({hours} {hour_unit})", days_de(hours))
}

fn item_line(item: &CreditItem, year: u32) -> String {
    let mut line = format!(
        "- {} (Projektjahr {year}): {} angerechnet",
        item.format_label,
        time_de(item.hours)
    );
    if let Some(title) = &item.title {
        let _ = write!(line, "; „{title}“");
    }
    if let Some(forum) = &item.forum_title {
        let _ = write!(line, "; Forum „{forum}“");
    }
    match (item.from, item.until) {
        (Some(from), Some(until)) => {
            let _ = write!(line, "; {} bis {}", date_de(from), date_de(until));
        }
        (Some(from), None) => {
            let _ = write!(line, "; am {}", date_de(from));
        }
        _ => {
            let _ = write!(line, "; am {}", date_de(item.earned_on));
        }
    }
    match (&item.place, item.online) {
        (Some(place), true) => {
            let _ = write!(line, " in {place} und online");
        }
        (Some(place), false) => {
            let _ = write!(line, " in {place}");
        }
        (None, true) => line.push_str(", online"),
        (None, false) => {}
    }
    if !item.topics.is_empty() {
        let _ = write!(line, "; Themen: {}", item.topics.join(", "));
    }
    if let Some(people) = item.people_reached {
        let _ = write!(line, "; erreichte Personen: {people}");
    }
    if let Some(posts) = item.post_count {
        let _ = write!(line, "; Anzahl der Beiträge: {posts}");
    }
    line.push('.');
    line
}

/// The text, in German whatever `Accept-Language` says (the NKI tool is German); `office`
/// names the programme ("SK:KK-Mentoring-Programm").
pub fn render(report: &CreditReport, office: &str) -> String {
    let year = &report.project_year;
    let mut text = String::new();
    let _ = writeln!(
        text,
        "Mentoring-Aktivitäten im {office}-Mentoring-Programm, {}, Projektjahr {} ({} bis {})",
        report.project.kind.label(Lang::De),
        year.number,
        date_de(year.start_date),
        date_de(year.end_date)
    );
    text.push('\n');
    let counted: Vec<&CreditItem> = report.items.iter().filter(|i| !i.revoked).collect();
    if counted.is_empty() {
        text.push_str("Im Projektjahr wurden keine Mentoring-Aktivitäten angerechnet.\n");
    }
    for item in &counted {
        text.push_str(&item_line(item, year.number));
        text.push('\n');
    }
    if !report.totals.is_empty() {
        text.push_str("\nSumme je Mentoring-Form:\n");
        for total in &report.totals {
            let _ = writeln!(
                text,
                "- {}: {} {}, zusammen {}",
                total.format_label,
                total.count,
                if total.count == 1 {
                    "Aktivität"
                } else {
                    "Aktivitäten"
                },
                time_de(total.hours)
            );
        }
    }
    let _ = write!(
        text,
        "\nInsgesamt im Projektjahr {}: {}.",
        year.number,
        time_de(report.total_hours)
    );
    if let Some(min) = report.min_hours {
        let verdict = if report.shortfall_hours == 0 {
            "erreicht".to_owned()
        } else {
            format!(
                "noch nicht erreicht, es fehlen {}",
                time_de(report.shortfall_hours)
            )
        };
        let _ = write!(text, " Mindestumfang {}: {verdict}.", time_de(min));
    }
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::credit_reports::views::{FormatTotalResponse, ProjectYearResponse};
    use crate::api::participants::views::ProjectResponse;
    use crate::db::models::credits::CreditSource;
    use crate::domain::credit::status::ObligationStatus;
    use crate::domain::participant::{FederalState, ProjectKind};

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn item(source_kind: CreditSource, format_label: &str, hours: i32, on: &str) -> CreditItem {
        CreditItem {
            credit_id: 1,
            format_code: String::new(),
            format_label: format_label.to_owned(),
            source_kind,
            source_id: 1,
            earned_on: day(on),
            hours,
            days: crate::domain::credit::days(hours),
            revoked: false,
            title: None,
            from: None,
            until: None,
            place: None,
            online: false,
            topics: Vec::new(),
            people_reached: None,
            forum_title: None,
            post_count: None,
        }
    }

    #[test]
    fn the_text_names_format_year_time_date_place_topics_people_and_posts() {
        let session = CreditItem {
            title: Some("Wärmeplanung kompakt".to_owned()),
            from: Some(day("2026-03-12")),
            place: Some("Kassel".to_owned()),
            topics: vec!["Kommunale Wärmeplanung".to_owned()],
            people_reached: Some(25),
            ..item(CreditSource::Session, "Webinar", 40, "2026-03-12")
        };
        let sponsorship = CreditItem {
            forum_title: Some("Mobilität".to_owned()),
            from: Some(day("2026-01-01")),
            until: Some(day("2026-06-30")),
            post_count: Some(14),
            ..item(
                CreditSource::ForumSponsorship,
                "Forenpatenschaft",
                20,
                "2026-06-30",
            )
        };
        let revoked = CreditItem {
            revoked: true,
            ..item(CreditSource::PracticeTip, "Praxistipp", 40, "2026-05-05")
        };
        let total = |label: &str, hours| FormatTotalResponse {
            format_code: String::new(),
            format_label: label.to_owned(),
            count: 1,
            hours,
            days: crate::domain::credit::days(hours),
        };
        let report = CreditReport {
            participant_id: 1,
            project: ProjectResponse {
                id: 1,
                kind: ProjectKind::FollowUpProject,
                employer: "Stadt".to_owned(),
                municipality: "Stadt".to_owned(),
                federal_state: FederalState::HE,
                funding_reference: None,
                start_date: day("2025-01-01"),
                end_date: None,
                version: 1,
            },
            project_year: ProjectYearResponse {
                number: 2,
                start_date: day("2026-01-01"),
                end_date: day("2026-12-31"),
            },
            items: vec![session, sponsorship, revoked],
            totals: vec![total("Webinar", 40), total("Forenpatenschaft", 20)],
            total_hours: 60,
            total_days: 7.5,
            min_hours: Some(40),
            expected_max_hours: Some(80),
            shortfall_hours: 0,
            status: ObligationStatus::Met,
            status_label: String::new(),
            outside_project_items: Vec::new(),
        };
        assert_eq!(
            render(&report, "SK:KK"),
            "Mentoring-Aktivitäten im SK:KK-Mentoring-Programm, Anschlussvorhaben (KSM2), \
             Projektjahr 2 (01.01.2026 bis 31.12.2026)\n\n\
             - Webinar (Projektjahr 2): 5 Arbeitstage (40 Stunden) angerechnet; \
             „Wärmeplanung kompakt“; am 12.03.2026 in Kassel; Themen: Kommunale Wärmeplanung; \
             erreichte Personen: 25.\n\
             - Forenpatenschaft (Projektjahr 2): 2,5 Arbeitstage (20 Stunden) angerechnet; \
             Forum „Mobilität“; 01.01.2026 bis 30.06.2026; Anzahl der Beiträge: 14.\n\
             \nSumme je Mentoring-Form:\n\
             - Webinar: 1 Aktivität, zusammen 5 Arbeitstage (40 Stunden)\n\
             - Forenpatenschaft: 1 Aktivität, zusammen 2,5 Arbeitstage (20 Stunden)\n\
             \nInsgesamt im Projektjahr 2: 7,5 Arbeitstage (60 Stunden). \
             Mindestumfang 5 Arbeitstage (40 Stunden): erreicht.\n"
        );
        let short = CreditReport {
            items: Vec::new(),
            totals: Vec::new(),
            total_hours: 0,
            shortfall_hours: 40,
            ..report
        };
        let text = render(&short, "SK:KK");
        assert!(text.contains("keine Mentoring-Aktivitäten angerechnet"));
        assert!(text.ends_with(
            "Mindestumfang 5 Arbeitstage (40 Stunden): noch nicht erreicht, es fehlen \
             5 Arbeitstage (40 Stunden).\n"
        ));
    }

    #[test]
    fn time_is_given_in_days_and_hours() {
        assert_eq!(time_de(40), "5 Arbeitstage (40 Stunden)");
        assert_eq!(time_de(20), "2,5 Arbeitstage (20 Stunden)");
        assert_eq!(time_de(8), "1 Arbeitstag (8 Stunden)");
        assert_eq!(date_de("2026-03-05".parse().unwrap()), "05.03.2026");
    }
}
