//! Printable documents (A4 PDF) on krilla: flowing paragraphs that wrap at word boundaries,
//! tables whose cells wrap within their column, rules, and page breaks that repeat a table's head
//! and put "Seite n von m" into every footer. It knows nothing of the programme: `api` composes
//! the certificate and the statistics summary from these pieces.

mod fonts;
mod wrap;

use krilla::Document;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::Stroke;
use krilla::text::TextDirection;

pub use fonts::Weight;
use fonts::{font, width};
use wrap::lines;

/// A4 in points.
const PAGE_WIDTH: f32 = 595.28;
const PAGE_HEIGHT: f32 = 841.89;
/// Margins: 20 mm at the sides, 25 mm at top and bottom (the footer sits in the bottom one).
const MARGIN_X: f32 = 56.7;
const MARGIN_TOP: f32 = 70.9;
const MARGIN_BOTTOM: f32 = 70.9;
/// Line height as a multiple of the font size.
const LEADING: f32 = 1.3;
/// Space between table columns.
const GUTTER: f32 = 8.0;

/// How a column aligns its cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Text.
    Left,
    /// Figures.
    Right,
}

/// One table column: its share of the text width and its alignment.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Relative width; the shares of a table are scaled to the text width.
    pub share: f32,
    /// Alignment of head and cells.
    pub align: Align,
}

#[derive(Debug, Clone)]
enum Mark {
    Text {
        x: f32,
        baseline: f32,
        size: f32,
        weight: Weight,
        text: String,
    },
    Rule {
        y: f32,
        thickness: f32,
    },
}

/// A document being set: the pages so far and where the next line goes.
#[derive(Debug)]
pub struct Sheet {
    title: String,
    footer: String,
    pages: Vec<Vec<Mark>>,
    /// Top of the next line on the last page.
    y: f32,
}

impl Sheet {
    /// A new document with `title` (PDF metadata) and `footer` on every page.
    pub fn new(title: &str, footer: &str) -> Self {
        Self {
            title: title.to_owned(),
            footer: footer.to_owned(),
            pages: vec![Vec::new()],
            y: MARGIN_TOP,
        }
    }

    fn text_width() -> f32 {
        PAGE_WIDTH - 2.0 * MARGIN_X
    }

    fn marks(&mut self) -> &mut Vec<Mark> {
        self.pages.last_mut().expect("a sheet has a page")
    }

    /// Starts a new page unless `height` more points fit on this one.
    fn make_room(&mut self, height: f32) -> bool {
        if self.y + height > PAGE_HEIGHT - MARGIN_BOTTOM && !self.marks().is_empty() {
            self.pages.push(Vec::new());
            self.y = MARGIN_TOP;
            return true;
        }
        false
    }

    fn put_line(&mut self, x: f32, size: f32, weight: Weight, text: &str) {
        let baseline = self.y + size;
        self.marks().push(Mark::Text {
            x,
            baseline,
            size,
            weight,
            text: text.to_owned(),
        });
    }

    /// A paragraph over the full width, wrapped at word boundaries.
    pub fn paragraph(&mut self, text: &str, size: f32, weight: Weight) {
        for line in lines(text, Self::text_width(), weight, size) {
            self.make_room(size * LEADING);
            self.put_line(MARGIN_X, size, weight, &line);
            self.y += size * LEADING;
        }
    }

    /// Empty space of `points`, not carried over a page break.
    pub fn space(&mut self, points: f32) {
        if !self.make_room(points) {
            self.y += points;
        }
    }

    /// A thin line over the full width.
    pub fn rule(&mut self) {
        self.make_room(4.0);
        let y = self.y + 2.0;
        self.marks().push(Mark::Rule { y, thickness: 0.5 });
        self.y += 4.0;
    }

    /// Label and value pairs in two columns, labels bold.
    pub fn fields(&mut self, pairs: &[(&str, String)], size: f32) {
        let label_width = Self::text_width() * 0.32;
        let value_width = Self::text_width() - label_width - GUTTER;
        for (label, value) in pairs {
            let label_lines = lines(label, label_width, Weight::Bold, size);
            let value_lines = lines(value, value_width, Weight::Regular, size);
            let rows = label_lines.len().max(value_lines.len());
            self.make_room(rows as f32 * size * LEADING);
            let top = self.y;
            for (i, line) in label_lines.iter().enumerate() {
                self.y = top + i as f32 * size * LEADING;
                self.put_line(MARGIN_X, size, Weight::Bold, line);
            }
            for (i, line) in value_lines.iter().enumerate() {
                self.y = top + i as f32 * size * LEADING;
                self.put_line(MARGIN_X + label_width + GUTTER, size, Weight::Regular, line);
            }
            self.y = top + rows as f32 * size * LEADING;
        }
    }

    /// A table: a bold head, a rule, then the rows; cells wrap within their column, a row never
    /// splits over pages, and a page break repeats the head.
    pub fn table(&mut self, columns: &[Column], head: &[&str], rows: &[Vec<String>], size: f32) {
        let total_share: f32 = columns.iter().map(|c| c.share).sum();
        let usable = Self::text_width() - GUTTER * (columns.len().saturating_sub(1)) as f32;
        let widths: Vec<f32> = columns
            .iter()
            .map(|c| usable * c.share / total_share)
            .collect();
        // Each cell is wrapped once: its lines give the row's height and are then set.
        let wrap = |cells: &[String], weight: Weight| -> Vec<Vec<String>> {
            cells
                .iter()
                .zip(&widths)
                .map(|(cell, w)| lines(cell, *w, weight, size))
                .collect()
        };
        let head: Vec<String> = head.iter().map(|h| (*h).to_owned()).collect();
        let head = wrap(&head, Weight::Bold);
        self.make_room(row_height(&head, size) + 4.0 + size * LEADING);
        self.table_row(columns, &widths, &head, Weight::Bold, size);
        self.rule();
        for row in rows {
            let row = wrap(row, Weight::Regular);
            if self.make_room(row_height(&row, size)) {
                self.table_row(columns, &widths, &head, Weight::Bold, size);
                self.rule();
            }
            self.table_row(columns, &widths, &row, Weight::Regular, size);
        }
    }

    /// Sets a row of wrapped cells and moves below its tallest cell.
    fn table_row(
        &mut self,
        columns: &[Column],
        widths: &[f32],
        cells: &[Vec<String>],
        weight: Weight,
        size: f32,
    ) {
        let top = self.y;
        let mut x = MARGIN_X;
        for ((cell, column), column_width) in cells.iter().zip(columns).zip(widths) {
            for (i, line) in cell.iter().enumerate() {
                self.y = top + i as f32 * size * LEADING;
                let indent = match column.align {
                    Align::Left => 0.0,
                    Align::Right => column_width - width(line, weight, size),
                };
                self.put_line(x + indent, size, weight, line);
            }
            x += column_width + GUTTER;
        }
        self.y = top + row_height(cells, size);
    }

    /// The PDF: every page with its marks and the footer "<footer> · Seite n von m".
    pub fn finish(self) -> Result<Vec<u8>, String> {
        let mut document = Document::new();
        document.set_metadata(
            Metadata::new()
                .title(self.title.clone())
                .language("de".to_owned())
                .creator("SK:KK Mentoring-Programm".to_owned()),
        );
        let count = self.pages.len();
        let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).ok_or("page size")?;
        for (number, marks) in self.pages.iter().enumerate() {
            let mut page = document.start_page_with(settings.clone());
            let mut surface = page.surface();
            let footer_size = 8.0;
            let footer_baseline = PAGE_HEIGHT - MARGIN_BOTTOM / 2.0;
            let page_label = format!("Seite {} von {count}", number + 1);
            let footer = [
                Mark::Text {
                    x: MARGIN_X,
                    baseline: footer_baseline,
                    size: footer_size,
                    weight: Weight::Regular,
                    text: self.footer.clone(),
                },
                Mark::Text {
                    x: PAGE_WIDTH - MARGIN_X - width(&page_label, Weight::Regular, footer_size),
                    baseline: footer_baseline,
                    size: footer_size,
                    weight: Weight::Regular,
                    text: page_label,
                },
            ];
            for mark in marks.iter().chain(&footer) {
                match mark {
                    Mark::Text {
                        x,
                        baseline,
                        size,
                        weight,
                        text,
                    } => surface.draw_text(
                        Point::from_xy(*x, *baseline),
                        font(*weight),
                        *size,
                        text,
                        false,
                        TextDirection::LeftToRight,
                    ),
                    Mark::Rule { y, thickness } => {
                        let mut path = PathBuilder::new();
                        path.move_to(MARGIN_X, *y);
                        path.line_to(PAGE_WIDTH - MARGIN_X, *y);
                        let path = path.finish().ok_or("rule path")?;
                        surface.set_fill(None);
                        surface.set_stroke(Some(Stroke {
                            width: *thickness,
                            ..Stroke::default()
                        }));
                        surface.draw_path(&path);
                        surface.set_stroke(None);
                    }
                }
            }
            surface.finish();
            page.finish();
        }
        document.finish().map_err(|e| format!("{e:?}"))
    }
}

/// Height of a row of wrapped cells: its tallest cell, at least one line.
fn row_height(cells: &[Vec<String>], size: f32) -> f32 {
    let most = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
    most as f32 * size * LEADING
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_table_breaks_pages_and_repeats_its_head() {
        let mut sheet = Sheet::new("Test", "Fußzeile");
        sheet.paragraph("Überschrift", 16.0, Weight::Bold);
        let columns = [
            Column {
                share: 3.0,
                align: Align::Left,
            },
            Column {
                share: 1.0,
                align: Align::Right,
            },
        ];
        let rows: Vec<Vec<String>> = (0..120)
            .map(|i| vec![format!("Zeile {i}"), format!("{i},5")])
            .collect();
        sheet.table(&columns, &["Aktivität", "Tage"], &rows, 9.0);
        assert!(sheet.pages.len() >= 3, "{} pages", sheet.pages.len());
        for page in &sheet.pages[1..] {
            let first_text = page.iter().find_map(|m| match m {
                Mark::Text { text, .. } => Some(text.as_str()),
                Mark::Rule { .. } => None,
            });
            assert_eq!(first_text, Some("Aktivität"));
        }
        let pdf = sheet.finish().unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
    }

    #[test]
    fn nothing_is_set_below_the_bottom_margin() {
        let mut sheet = Sheet::new("Test", "");
        for i in 0..200 {
            sheet.paragraph(&format!("Absatz {i} mit etwas Text"), 11.0, Weight::Regular);
        }
        for page in &sheet.pages {
            for mark in page {
                if let Mark::Text { baseline, .. } = mark {
                    assert!(
                        *baseline <= PAGE_HEIGHT - MARGIN_BOTTOM + 0.01,
                        "{baseline}"
                    );
                }
            }
        }
    }
}
