//! Reading a PDF's page count without a PDF library: good enough for guidance, never a refusal.
//!
//! Two signals, both from the uncompressed object syntax: the `/Count` of the page tree's
//! `/Type /Pages` nodes (the root's is the largest), and the number of `/Type /Page` leaf objects.
//! The page tree's count is preferred (incremental updates can leave replaced page objects behind);
//! the leaves are the fallback. Object streams compressed with Flate hide both: then `None`.

/// PDF white space (ISO 32000-1, 7.2.2).
fn is_white(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0C' | b'\0')
}

/// PDF delimiters (ISO 32000-1, 7.2.2): a name ends before one of these or white space.
fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn name_ends_at(content: &[u8], index: usize) -> bool {
    content
        .get(index)
        .is_none_or(|&b| is_white(b) || is_delimiter(b))
}

fn skip_white(content: &[u8], mut index: usize) -> usize {
    while content.get(index).is_some_and(|&b| is_white(b)) {
        index += 1;
    }
    index
}

/// Positions where the name `name` (with its slash) starts and ends as a whole name.
fn names(content: &[u8], name: &[u8]) -> Vec<usize> {
    content
        .windows(name.len())
        .enumerate()
        .filter(|(at, window)| *window == name && name_ends_at(content, at + name.len()))
        .map(|(at, _)| at)
        .collect()
}

/// Whether `/Type` followed by `value` (e.g. `/Page`) occurs in `content`.
fn type_values(content: &[u8], value: &[u8]) -> usize {
    names(content, b"/Type")
        .into_iter()
        .filter(|&at| {
            let start = skip_white(content, at + b"/Type".len());
            content[start..].starts_with(value) && name_ends_at(content, start + value.len())
        })
        .count()
}

/// The non-negative integer after `/Count` in `object`, if any.
fn count_in(object: &[u8]) -> Option<i32> {
    names(object, b"/Count").into_iter().find_map(|at| {
        let start = skip_white(object, at + b"/Count".len());
        let digits: Vec<u8> = object[start..]
            .iter()
            .copied()
            .take_while(u8::is_ascii_digit)
            .collect();
        std::str::from_utf8(&digits).ok()?.parse().ok()
    })
}

/// The objects of the file: the bytes between one `endobj` and the next.
fn objects(content: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = content;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = rest
            .windows(6)
            .position(|w| w == b"endobj")
            .map_or(rest.len(), |p| p + 6);
        let (object, tail) = rest.split_at(end);
        rest = tail;
        Some(object)
    })
}

/// The page count the page tree declares: the largest `/Count` of a `/Type /Pages` node.
fn page_tree_count(content: &[u8]) -> Option<i32> {
    objects(content)
        .filter(|object| type_values(object, b"/Pages") > 0)
        .filter_map(count_in)
        .max()
        .filter(|&n| n > 0)
}

/// How many pages the PDF has, or `None` when it cannot tell.
pub fn page_count(content: &[u8]) -> Option<i32> {
    if !content.starts_with(b"%PDF-") {
        return None;
    }
    page_tree_count(content).or_else(|| {
        i32::try_from(type_values(content, b"/Page"))
            .ok()
            .filter(|&n| n > 0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small PDF with `pages` page objects under one page tree declaring `count`.
    fn pdf(pages: usize, count: usize, separator: &str) -> Vec<u8> {
        let mut text = String::from("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n");
        text.push_str(&format!(
            "2 0 obj <</Type{separator}/Pages /Kids [] /Count {count}>> endobj\n"
        ));
        for n in 0..pages {
            text.push_str(&format!(
                "{} 0 obj <</Type{separator}/Page/Parent 2 0 R>> endobj\n",
                n + 3
            ));
        }
        text.push_str("trailer << /Root 1 0 R >>\n%%EOF\n");
        text.into_bytes()
    }

    #[test]
    fn the_page_tree_count_is_read() {
        assert_eq!(page_count(&pdf(3, 3, " ")), Some(3));
        assert_eq!(page_count(&pdf(0, 21, "\n")), Some(21));
    }

    #[test]
    fn the_page_tree_wins_over_leftover_page_objects() {
        // An incremental update replaced pages: five page objects, the tree says four.
        assert_eq!(page_count(&pdf(5, 4, " ")), Some(4));
    }

    #[test]
    fn page_objects_are_counted_when_the_tree_has_no_count() {
        let text = b"%PDF-1.7\n3 0 obj<</Type/Page>>endobj 4 0 obj<</Type /Page /X 1>>endobj\n\
                     5 0 obj<</Type\r\n/Page>>endobj 6 0 obj<</Type /Pages /Kids[]>>endobj";
        assert_eq!(page_count(text), Some(3));
    }

    #[test]
    fn names_that_only_start_like_page_are_not_pages() {
        let text = b"%PDF-1.7\n1 0 obj<</Type /PageLabel>>endobj 2 0 obj<</Type /Page>>endobj";
        assert_eq!(page_count(text), Some(1));
    }

    #[test]
    fn outline_counts_do_not_count_as_pages() {
        let text = b"%PDF-1.7\n1 0 obj<</Type /Outlines /Count 99>>endobj\n\
                     2 0 obj<</Type /Page>>endobj 3 0 obj<</Type /Page>>endobj";
        assert_eq!(page_count(text), Some(2));
    }

    #[test]
    fn unknown_when_it_cannot_tell() {
        assert_eq!(page_count(b"%PDF-1.5\n<compressed object streams>"), None);
        assert_eq!(page_count(b"not a pdf /Type /Page"), None);
        assert_eq!(page_count(b""), None);
        assert_eq!(
            page_count(b"%PDF-1.4\n1 0 obj <</Type /Pages /Count 0>> endobj"),
            None
        );
    }
}
