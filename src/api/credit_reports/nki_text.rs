//! The report as German plain text for the free-text field of the NKI monitoring tool (§ 5.5):
//! per activity the mentoring format, the project year, the time credited, date and place, topics
//! and people reached, forum title and post count; then the totals and the minimum.

use std::fmt::Write;

use chrono::NaiveDate;

use super::views::{CreditItem, CreditReport};
use crate::api::language::Lang;
use crate::domain::credit::days_de;

fn date_de(day: NaiveDate) -> String {
    day.format("%d.%m.%Y").to_string()
}

/// "5 Arbeitstage (40 Stunden)", "1 Arbeitstag (8 Stunden)".
fn time_de(hours: i32) -> String {
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

/// The text, in German whatever `Accept-Language` says (the NKI tool is German).
pub fn render(report: &CreditReport) -> String {
    let year = &report.project_year;
    let mut text = String::new();
    let _ = writeln!(
        text,
        "Mentoring-Aktivitäten im SK:KK-Mentoring-Programm, {}, Projektjahr {} ({} bis {})",
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

    #[test]
    fn time_is_given_in_days_and_hours() {
        assert_eq!(time_de(40), "5 Arbeitstage (40 Stunden)");
        assert_eq!(time_de(20), "2,5 Arbeitstage (20 Stunden)");
        assert_eq!(time_de(8), "1 Arbeitstag (8 Stunden)");
        assert_eq!(date_de("2026-03-05".parse().unwrap()), "05.03.2026");
    }
}
