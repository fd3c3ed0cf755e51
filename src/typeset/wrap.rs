//! Breaking text into lines that fit a width: greedily at spaces, inside a word only when the
//! word alone is wider than the line. Explicit line breaks are kept.

use super::fonts::{Weight, width};

/// The lines of `text` set in `weight` at `size` within `max_width` points (at least one line).
pub fn lines(text: &str, max_width: f32, weight: Weight, size: f32) -> Vec<String> {
    let mut out = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if width(&candidate, weight, size) <= max_width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                out.push(std::mem::take(&mut line));
            }
            line = split_word(word, max_width, weight, size, &mut out);
        }
        out.push(line);
    }
    out
}

/// Pushes the full-width pieces of an over-long `word` and returns its rest.
fn split_word(
    word: &str,
    max_width: f32,
    weight: Weight,
    size: f32,
    out: &mut Vec<String>,
) -> String {
    let mut piece = String::new();
    for c in word.chars() {
        piece.push(c);
        if width(&piece, weight, size) > max_width && piece.chars().count() > 1 {
            piece.pop();
            out.push(std::mem::take(&mut piece));
            piece.push(c);
        }
    }
    piece
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_fits_and_no_word_is_lost() {
        let text = "Mentoring-Session per Telefon-/Videokonferenz oder Webinar zur kommunalen \
                    Wärmeplanung mit Praxisbeispielen aus Nordrhein-Westfalen";
        let wrapped = lines(text, 120.0, Weight::Regular, 10.0);
        assert!(wrapped.len() > 2, "{wrapped:?}");
        for line in &wrapped {
            assert!(width(line, Weight::Regular, 10.0) <= 120.0, "{line}");
        }
        assert_eq!(
            wrapped.join(" ").split_whitespace().collect::<Vec<_>>(),
            text.split_whitespace().collect::<Vec<_>>()
        );
    }

    #[test]
    fn an_over_long_word_is_split_and_breaks_are_kept() {
        let word = "Donaudampfschifffahrtsgesellschaftskapitänsmütze";
        let wrapped = lines(word, 60.0, Weight::Bold, 10.0);
        assert!(wrapped.len() > 1);
        assert_eq!(wrapped.concat(), word);
        assert_eq!(lines("a\nb", 100.0, Weight::Regular, 10.0), ["a", "b"]);
        assert_eq!(lines("", 100.0, Weight::Regular, 10.0), [""]);
    }
}
