//! Cells of the CSV files the office opens in Excel or LibreOffice: a cell starting like a
//! formula gets a leading apostrophe on export (CSV injection), and an import takes exactly that
//! apostrophe off again, so an exported list can be edited and imported back unchanged.

use std::borrow::Cow;

/// What a spreadsheet would run as a formula, or what starts a formula-like cell.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The cell as exported: `'` put before a formula-looking start (`+49 30 …` becomes `'+49 30 …`).
pub fn guarded(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(FORMULA_STARTS) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// The cell as imported: the apostrophe [`guarded`] added is taken off; any other text stays.
pub fn unguarded(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_guarded_and_the_guard_comes_off_again() {
        for cell in ["+49 30 1234567", "=SUMME(A1)", "-5", "@home", "\tx"] {
            let exported = guarded(cell);
            assert_eq!(exported, format!("'{cell}"));
            assert_eq!(unguarded(&exported), cell);
        }
    }

    #[test]
    fn other_cells_pass_both_ways_untouched() {
        for cell in ["Köln", "030 1234567", "'quoted'", "'", ""] {
            assert_eq!(guarded(cell), cell);
            assert_eq!(unguarded(cell), cell);
        }
    }
}
