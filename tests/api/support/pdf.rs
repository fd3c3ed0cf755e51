//! Real PDFs for upload tests, made with lopdf: plain ones with a page count and text, ones saved
//! with compressed object streams, and the kinds the service refuses (JavaScript, embedded files);
//! and reading the PDFs the service makes back with poppler ([`read_pdf`]).

use std::process::Command;
use std::sync::LazyLock;

use lopdf::{Dictionary, Document, Object, Stream, dictionary};

/// How a test PDF is written and what it carries beyond its pages.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Extra {
    /// Nothing.
    None,
    /// A JavaScript action run when the document opens (`/OpenAction`).
    OpenActionScript,
    /// An embedded file in the `/EmbeddedFiles` name tree.
    EmbeddedFile,
}

/// A PDF of `pages` pages, each showing `text` in an uncompressed content stream; saved with
/// compressed object streams and a cross-reference stream when `compressed`.
pub fn build(pages: usize, text: &str, compressed: bool, extra: Extra) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let content = format!("BT /F1 12 Tf 72 720 Td ({text}) Tj ET");
    let content_id = doc.add_object(Stream::new(dictionary! {}, content.into_bytes()));
    let kids: Vec<Object> = (0..pages)
        .map(|_| {
            doc.add_object(dictionary! {
                "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
                "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            })
            .into()
        })
        .collect();
    let count = i64::try_from(pages).expect("a small count");
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let mut catalog: Dictionary = dictionary! { "Type" => "Catalog", "Pages" => pages_id };
    match extra {
        Extra::None => {}
        Extra::OpenActionScript => {
            let action = doc.add_object(dictionary! {
                "Type" => "Action", "S" => "JavaScript",
                "JS" => Object::string_literal("app.alert('hello')"),
            });
            catalog.set("OpenAction", action);
        }
        Extra::EmbeddedFile => {
            let file = doc.add_object(Stream::new(
                dictionary! { "Type" => "EmbeddedFile" },
                b"MZ\x90\x00".to_vec(),
            ));
            let spec = doc.add_object(dictionary! {
                "Type" => "Filespec", "F" => Object::string_literal("tool.exe"),
                "EF" => dictionary! { "F" => file },
            });
            let names = vec![Object::string_literal("tool.exe"), spec.into()];
            catalog.set(
                "Names",
                dictionary! { "EmbeddedFiles" => dictionary! { "Names" => names } },
            );
        }
    }
    let catalog_id = doc.add_object(catalog);
    doc.trailer.set("Root", catalog_id);
    let mut bytes = Vec::new();
    if compressed {
        doc.save_modern(&mut bytes).expect("saved");
    } else {
        doc.save_to(&mut bytes).expect("saved");
    }
    bytes
}

/// A one-page PDF that shows `text` (readable in the file's bytes).
pub fn with_text(text: &str) -> Vec<u8> {
    build(1, text, false, Extra::None)
}

/// A plain one-page PDF, the same bytes every time.
pub static PDF: LazyLock<Vec<u8>> = LazyLock::new(|| with_text("Kontaktdatenblatt"));

/// The first bytes of a JPEG (JFIF).
pub const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00";

/// PDFs the service refuses, each with a label and the code its problem detail starts with.
pub fn refused() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let whole = build(3, "Seite", true, Extra::None);
    vec![
        (
            "PDF header followed by HTML",
            b"%PDF-1.7\n<html><body><script>alert(1)</script></body></html>\n%%EOF\n".to_vec(),
            "pdf_unreadable",
        ),
        (
            "truncated PDF",
            whole[..whole.len() * 2 / 3].to_vec(),
            "pdf_unreadable",
        ),
        (
            "JavaScript /OpenAction",
            build(1, "Seite", false, Extra::OpenActionScript),
            "pdf_javascript",
        ),
        (
            "JavaScript /OpenAction in an object stream",
            build(1, "Seite", true, Extra::OpenActionScript),
            "pdf_javascript",
        ),
        (
            "embedded file",
            build(1, "Seite", true, Extra::EmbeddedFile),
            "pdf_embedded_file",
        ),
    ]
}

/// Asserts that `res` is the 422 of a refused upload whose detail starts with `code`.
pub async fn assert_refused(res: reqwest::Response, code: &str, label: &str) {
    let problem =
        crate::support::app::assert_problem(res, reqwest::StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"][0]["pointer"], "", "{label}");
    let detail = problem["errors"][0]["detail"].as_str().unwrap_or_default();
    assert!(
        detail.starts_with(&format!("{code}: ")),
        "{label}: {detail}"
    );
}

/// `Some(output)` of a poppler tool, `None` when poppler-utils is missing and
/// `REQUIRE_PDF_TOOLS` is not set (CI sets it and installs them).
fn poppler(tool: &str, args: &[&str]) -> Option<Vec<u8>> {
    match Command::new(tool).args(args).output() {
        Ok(out) => {
            assert!(
                out.status.success(),
                "{tool} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            Some(out.stdout)
        }
        Err(e) => {
            assert!(
                std::env::var("REQUIRE_PDF_TOOLS").is_err(),
                "REQUIRE_PDF_TOOLS is set but {tool} does not run: {e}"
            );
            eprintln!("note: {tool} is missing (poppler-utils); the rendering check was skipped");
            None
        }
    }
}

/// The PDF's words as pdftotext reads them (one space between), and the share of dark pixels on its first page as
/// pdftoppm renders it (grey PGM at 50 dpi).
pub fn read_pdf(pdf: &[u8]) -> Option<(String, f64)> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("certificate.pdf");
    std::fs::write(&file, pdf).unwrap();
    let path = file.to_str().unwrap();
    let text = poppler("pdftotext", &["-layout", path, "-"])?;
    let image = poppler(
        "pdftoppm",
        &["-gray", "-r", "50", "-f", "1", "-l", "1", path],
    )?;
    // PGM: "P5\n<w> <h>\n255\n" then one byte per pixel.
    let header_end = image
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(2)
        .map(|(i, _)| i + 1)
        .expect("a PGM header");
    assert!(image.starts_with(b"P5"), "pdftoppm -gray writes PGM");
    let pixels = &image[header_end..];
    let dark = pixels.iter().filter(|p| **p < 128).count();
    // `-layout` keeps a table row on one line; lines wrap where the layout chose, so the
    // checks read the words in order.
    let words: Vec<&str> = std::str::from_utf8(&text)
        .unwrap()
        .split_whitespace()
        .collect();
    Some((words.join(" "), dark as f64 / pixels.len() as f64))
}
