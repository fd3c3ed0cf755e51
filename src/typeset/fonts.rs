//! The two faces every document uses (DejaVu Sans regular and bold, shipped in `assets/fonts`,
//! Bitstream Vera licence): krilla embeds a subset of each, rustybuzz measures the text.

use std::sync::LazyLock;

use krilla::text::Font;

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Regular or bold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    /// Body text.
    Regular,
    /// Headings, labels, table heads.
    Bold,
}

struct Face {
    font: Font,
    shaper: rustybuzz::Face<'static>,
}

impl Face {
    fn load(bytes: &'static [u8]) -> Self {
        Self {
            font: Font::new(bytes.into(), 0).expect("the shipped font loads"),
            shaper: rustybuzz::Face::from_slice(bytes, 0).expect("the shipped font parses"),
        }
    }
}

static FACES: LazyLock<[Face; 2]> = LazyLock::new(|| [Face::load(REGULAR), Face::load(BOLD)]);

fn face(weight: Weight) -> &'static Face {
    &FACES[match weight {
        Weight::Regular => 0,
        Weight::Bold => 1,
    }]
}

/// The krilla font of `weight`.
pub fn font(weight: Weight) -> Font {
    face(weight).font.clone()
}

/// Width of `text` set in `weight` at `size` points, as the shaper advances it.
pub fn width(text: &str, weight: Weight, size: f32) -> f32 {
    let face = &face(weight).shaper;
    let mut buffer = rustybuzz::UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.guess_segment_properties();
    let shaped = rustybuzz::shape(face, &[], buffer);
    let units: i32 = shaped.glyph_positions().iter().map(|p| p.x_advance).sum();
    units as f32 * size / face.units_per_em() as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bold_is_wider_and_width_scales_with_size() {
        let regular = width("Teilnahmebescheinigung", Weight::Regular, 10.0);
        assert!(regular > 50.0 && regular < 200.0, "{regular}");
        assert!(width("Teilnahmebescheinigung", Weight::Bold, 10.0) > regular);
        let doubled = width("Teilnahmebescheinigung", Weight::Regular, 20.0);
        assert!((doubled - 2.0 * regular).abs() < 0.01);
        assert_eq!(width("", Weight::Regular, 10.0), 0.0);
    }
}
