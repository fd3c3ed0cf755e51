//! What an uploaded PDF must be: a document that loads as a PDF (cross-reference tables or
//! streams, compressed object streams) and carries no active content, i.e. no JavaScript and no
//! embedded files. Pure functions over bytes; parsing is CPU-bound, so callers run [`inspect`] off
//! the async workers.
//!
//! The checks walk every object the document holds (those inside object streams too) and the
//! trailer, and look at the names a PDF reader acts on:
//! - JavaScript: a `/JS` entry (the script of an action), an action of subtype `/S /JavaScript`
//!   (whether reached by `/OpenAction`, `/AA` or a link), a `/JavaScript` name tree in `/Names`;
//! - embedded files: an `/EmbeddedFiles` name tree, a stream of `/Type /EmbeddedFile`, a file
//!   specification with `/EF`, a `/FileAttachment` annotation.

use lopdf::xref::XrefRecovery;
use lopdf::{Dictionary, Document, LoadOptions, Object};

use super::violation::Violation;

/// Why a PDF is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PdfViolation {
    /// The bytes do not load as a PDF document: not one, truncated, damaged, encrypted with a
    /// password, or without pages.
    Unreadable,
    /// The document contains JavaScript.
    JavaScript,
    /// The document contains an embedded file or a file attachment.
    EmbeddedFile,
}

impl PdfViolation {
    /// A stable code for the refusal.
    pub fn code(self) -> &'static str {
        match self {
            PdfViolation::Unreadable => "pdf_unreadable",
            PdfViolation::JavaScript => "pdf_javascript",
            PdfViolation::EmbeddedFile => "pdf_embedded_file",
        }
    }

    /// What is wrong, for the problem's detail (never any content of the file).
    pub fn detail(self) -> &'static str {
        match self {
            PdfViolation::Unreadable => {
                "the content is not a readable PDF document (damaged, truncated, \
                 password-protected or without pages)"
            }
            PdfViolation::JavaScript => {
                "the PDF contains JavaScript; save or print it as a PDF without scripts"
            }
            PdfViolation::EmbeddedFile => {
                "the PDF contains embedded files or file attachments; remove them"
            }
        }
    }
}

impl From<PdfViolation> for Violation {
    /// The whole body is the offending field (pointer ``), the code leads the detail.
    fn from(violation: PdfViolation) -> Self {
        Violation::field("", format!("{}: {}", violation.code(), violation.detail()))
    }
}

/// What an accepted PDF is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PdfFacts {
    /// Its number of pages (at least one).
    pub pages: i32,
}

/// Whether the file ends with `%%EOF` (ISO 32000-1, 7.5.5), followed by white space at most.
/// A truncated upload lacks it, and so does a PDF with other content appended.
fn ends_with_eof_marker(content: &[u8]) -> bool {
    let trimmed = content
        .iter()
        .rposition(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0C' | b'\0'))
        .map_or(&content[..0], |last| &content[..=last]);
    trimmed.ends_with(b"%%EOF")
}

/// The active content a dictionary is or holds directly, if any.
fn active_content(dict: &Dictionary) -> Option<PdfViolation> {
    let name_is = |key: &[u8], value: &[u8]| {
        dict.get(key)
            .and_then(Object::as_name)
            .is_ok_and(|name| name == value)
    };
    if dict.has(b"JS") || dict.has(b"JavaScript") || name_is(b"S", b"JavaScript") {
        return Some(PdfViolation::JavaScript);
    }
    if dict.has(b"EmbeddedFiles")
        || dict.has(b"EF")
        || name_is(b"Type", b"EmbeddedFile")
        || name_is(b"Subtype", b"FileAttachment")
    {
        return Some(PdfViolation::EmbeddedFile);
    }
    None
}

/// The first active content found in `root` or anything nested in it (references are not
/// followed: every indirect object is walked on its own).
fn active_content_in(root: &Object) -> Option<PdfViolation> {
    let mut pending = vec![root];
    while let Some(object) = pending.pop() {
        let dict = match object {
            Object::Dictionary(dict) => dict,
            Object::Stream(stream) => &stream.dict,
            Object::Array(items) => {
                pending.extend(items.iter());
                continue;
            }
            _ => continue,
        };
        if let Some(found) = active_content(dict) {
            return Some(found);
        }
        pending.extend(dict.iter().map(|(_, value)| value));
    }
    None
}

/// The first active content anywhere in the document.
fn active_content_of(document: &Document) -> Option<PdfViolation> {
    let trailer = Object::Dictionary(document.trailer.clone());
    std::iter::once(&trailer)
        .chain(document.objects.values())
        .find_map(active_content_in)
}

/// Loads and checks an uploaded PDF: its facts, or why it is refused.
pub fn inspect(content: &[u8]) -> Result<PdfFacts, PdfViolation> {
    if !content.starts_with(b"%PDF-") || !ends_with_eof_marker(content) {
        return Err(PdfViolation::Unreadable);
    }
    let document = Document::load_mem_with_options(content, LoadOptions::default())
        .map_err(|_| PdfViolation::Unreadable)?;
    // A table rebuilt by scanning means the file's own structure did not read.
    if document.xref_recovery == Some(XrefRecovery::Reconstructed) || document.catalog().is_err() {
        return Err(PdfViolation::Unreadable);
    }
    if let Some(found) = active_content_of(&document) {
        return Err(found);
    }
    let pages = i32::try_from(document.get_pages().len()).map_err(|_| PdfViolation::Unreadable)?;
    if pages == 0 {
        return Err(PdfViolation::Unreadable);
    }
    Ok(PdfFacts { pages })
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{Stream, dictionary};

    /// A PDF with `pages` pages; `extra` changes the catalog and may add objects. Saved with
    /// compressed object streams and a cross-reference stream when `modern`.
    fn pdf(
        pages: u32,
        modern: bool,
        extra: impl FnOnce(&mut Document, &mut Dictionary),
    ) -> Vec<u8> {
        let mut doc = Document::with_version("1.7");
        let pages_id = doc.new_object_id();
        let content = doc.add_object(Stream::new(dictionary! {}, b"BT ET".to_vec()));
        let kids: Vec<Object> = (0..pages)
            .map(|_| {
                doc.add_object(dictionary! {
                    "Type" => "Page", "Parent" => pages_id, "Contents" => content,
                    "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
                })
                .into()
            })
            .collect();
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages", "Kids" => kids, "Count" => i64::from(pages),
            }),
        );
        let mut catalog = dictionary! { "Type" => "Catalog", "Pages" => pages_id };
        extra(&mut doc, &mut catalog);
        let catalog_id = doc.add_object(catalog);
        doc.trailer.set("Root", catalog_id);
        let mut bytes = Vec::new();
        if modern {
            doc.save_modern(&mut bytes).expect("saved");
        } else {
            doc.save_to(&mut bytes).expect("saved");
        }
        bytes
    }

    #[test]
    fn a_plain_pdf_is_accepted_with_its_page_count() {
        assert_eq!(
            inspect(&pdf(3, false, |_, _| {})),
            Ok(PdfFacts { pages: 3 })
        );
    }

    #[test]
    fn compressed_object_streams_are_read() {
        let bytes = pdf(12, true, |_, _| {});
        assert!(bytes.windows(6).any(|w| w == b"ObjStm"));
        assert_eq!(inspect(&bytes), Ok(PdfFacts { pages: 12 }));
    }

    #[test]
    fn javascript_in_an_open_action_is_refused_even_when_compressed() {
        for modern in [false, true] {
            let bytes = pdf(1, modern, |doc, catalog| {
                let action = doc.add_object(dictionary! {
                    "Type" => "Action", "S" => "JavaScript",
                    "JS" => Object::string_literal("app.alert(1)"),
                });
                catalog.set("OpenAction", action);
            });
            assert_eq!(inspect(&bytes), Err(PdfViolation::JavaScript));
        }
    }

    #[test]
    fn a_javascript_name_tree_or_additional_action_is_refused() {
        let tree = pdf(1, true, |_, catalog| {
            catalog.set(
                "Names",
                dictionary! { "JavaScript" => dictionary! { "Names" => Vec::<Object>::new() } },
            );
        });
        assert_eq!(inspect(&tree), Err(PdfViolation::JavaScript));
        let aa = pdf(1, false, |doc, catalog| {
            let script = doc.add_object(Stream::new(dictionary! {}, b"this.print()".to_vec()));
            catalog.set(
                "AA",
                dictionary! { "WC" => dictionary! { "S" => "JavaScript", "JS" => script } },
            );
        });
        assert_eq!(inspect(&aa), Err(PdfViolation::JavaScript));
    }

    #[test]
    fn embedded_files_and_attachments_are_refused() {
        let embedded = pdf(1, true, |doc, catalog| {
            let file = doc.add_object(Stream::new(
                dictionary! { "Type" => "EmbeddedFile" },
                b"MZ".to_vec(),
            ));
            let spec = doc.add_object(dictionary! {
                "Type" => "Filespec", "F" => Object::string_literal("a.exe"),
                "EF" => dictionary! { "F" => file },
            });
            let names = vec![Object::string_literal("a.exe"), spec.into()];
            catalog.set(
                "Names",
                dictionary! { "EmbeddedFiles" => dictionary! { "Names" => names } },
            );
        });
        assert_eq!(inspect(&embedded), Err(PdfViolation::EmbeddedFile));
        let annotation = pdf(1, false, |doc, _| {
            doc.add_object(dictionary! { "Type" => "Annot", "Subtype" => "FileAttachment" });
        });
        assert_eq!(inspect(&annotation), Err(PdfViolation::EmbeddedFile));
    }

    #[test]
    fn what_does_not_load_as_a_pdf_is_refused() {
        let whole = pdf(2, true, |_, _| {});
        assert_eq!(
            inspect(&whole[..whole.len() / 2]),
            Err(PdfViolation::Unreadable)
        );
        assert_eq!(
            inspect(&whole[..whole.len() - 8]),
            Err(PdfViolation::Unreadable)
        );
        let html = b"%PDF-1.7\n<html><script>alert(1)</script></html>\n%%EOF\n";
        assert_eq!(inspect(html), Err(PdfViolation::Unreadable));
        let mut appended = pdf(1, false, |_, _| {});
        appended.extend_from_slice(b"<html><script>alert(1)</script></html>");
        assert_eq!(inspect(&appended), Err(PdfViolation::Unreadable));
        assert_eq!(inspect(b""), Err(PdfViolation::Unreadable));
        assert_eq!(inspect(b"MZ\x90\0"), Err(PdfViolation::Unreadable));
        assert_eq!(
            inspect(&pdf(0, false, |_, _| {})),
            Err(PdfViolation::Unreadable)
        );
    }

    #[test]
    fn the_refusal_names_its_code_on_the_body() {
        let Violation::Invalid(fields) = Violation::from(PdfViolation::JavaScript) else {
            panic!("an invalid field");
        };
        assert_eq!(fields[0].pointer, "");
        assert!(fields[0].detail.starts_with("pdf_javascript: "));
    }
}
