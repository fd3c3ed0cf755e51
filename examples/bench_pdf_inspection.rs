//! How long the upload inspection of a PDF takes (`domain::pdf::inspect`: lopdf load, the walk for
//! JavaScript and embedded files, the page count) for typical 1–5 MB uploads: scans (a few pages,
//! each a large image stream) and text documents (many pages, compressed object streams). Run by
//! hand, in release mode for figures that match the server:
//!
//! ```sh
//! cargo run --release --example bench_pdf_inspection
//! ```
//! Prints the size, pages and the median and maximum of the inspection per file.

use std::time::{Duration, Instant};

use lopdf::{Document, Object, Stream, dictionary};
use mentoring_api::domain::pdf::inspect;

const ROUNDS: usize = 15;

/// Bytes that do not compress, like a scanned JPEG page.
fn noise(len: usize, seed: &mut u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            (*seed >> 24) as u8
        })
        .collect()
}

/// `pages` pages, each with an image of `image_bytes` and a text of `text_lines` lines; saved
/// with object streams and a cross-reference stream when `modern`.
fn document(pages: usize, image_bytes: usize, text_lines: usize, modern: bool) -> Vec<u8> {
    let mut seed = 0x9E37_79B9_7F4A_7C15;
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let mut kids = Vec::new();
    for page in 0..pages {
        let mut resources = lopdf::Dictionary::new();
        if image_bytes > 0 {
            let image = doc.add_object(Stream::new(
                dictionary! {
                    "Type" => "XObject", "Subtype" => "Image", "Width" => 1240, "Height" => 1754,
                    "ColorSpace" => "DeviceRGB", "BitsPerComponent" => 8, "Filter" => "DCTDecode",
                },
                noise(image_bytes, &mut seed),
            ));
            resources.set("XObject", dictionary! { "Im1" => image });
        }
        let mut text = String::from("BT /F1 10 Tf 50 800 Td\n");
        for line in 0..text_lines {
            text.push_str(&format!(
                "(Seite {page}, Zeile {line}: Kommunaler Klimaschutz und Waermeplanung) Tj T*\n"
            ));
        }
        text.push_str("ET\nq 595 0 0 842 0 0 cm /Im1 Do Q\n");
        let mut content = Stream::new(dictionary! {}, text.into_bytes());
        content.compress().expect("compressed");
        let content = doc.add_object(content);
        kids.push(Object::from(doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content,
            "Resources" => resources,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        })));
    }
    let count = i64::try_from(pages).expect("small");
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    if modern {
        doc.save_modern(&mut bytes).expect("saved");
    } else {
        doc.save_to(&mut bytes).expect("saved");
    }
    bytes
}

fn main() {
    let cases = [
        ("scan, 2 pages", document(2, 500_000, 0, false)),
        ("scan, 4 pages", document(4, 750_000, 0, false)),
        ("scan, 10 pages", document(10, 480_000, 0, true)),
        (
            "text, 40 pages, object streams",
            document(40, 25_000, 60, true),
        ),
        (
            "slides, 30 pages, object streams",
            document(30, 160_000, 20, true),
        ),
        (
            "text, 400 pages, object streams",
            document(400, 0, 60, true),
        ),
    ];
    println!("| file | size | pages | median | max |");
    println!("|---|---|---|---|---|");
    for (label, bytes) in cases {
        let mut times: Vec<Duration> = Vec::with_capacity(ROUNDS);
        let mut pages = 0;
        for _ in 0..ROUNDS {
            let start = Instant::now();
            pages = inspect(&bytes).expect("accepted").pages;
            times.push(start.elapsed());
        }
        times.sort();
        println!(
            "| {label} | {:.2} MB | {pages} | {:.2} ms | {:.2} ms |",
            bytes.len() as f64 / 1e6,
            times[ROUNDS / 2].as_secs_f64() * 1e3,
            times[ROUNDS - 1].as_secs_f64() * 1e3,
        );
    }
}
