//! Stable machine codes with German and English labels, stored as text.
//!
//! The codes' place in the OpenAPI document is written in `api::codes`, their place in the
//! database in `db`: this module knows neither.

use crate::domain::lang::Lang;

/// What every code enum offers, for code that works over any of them (the OpenAPI schema, the
/// database text mapping).
pub trait Code: Copy + Sized + 'static {
    /// Every value, in declaration order.
    const ALL: &'static [Self];
    /// The enum's doc comment, one line per doc line.
    const DOC: &'static str;
    /// The stored and transmitted code.
    fn code(self) -> &'static str;
    /// Human label in the requested language.
    fn label_in(self, lang: Lang) -> &'static str;
}

/// Declares an enum of stable codes: serde uses the code, the database stores it, and
/// `label(lang)` gives the German or English name.
#[macro_export]
macro_rules! code_enum {
    (
        $(#[doc = $doc:literal])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, $de:literal, $en:literal; )+
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $code)] $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored and transmitted code.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }

            /// Parses a stored code.
            pub fn parse(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }

            /// Human label in the requested language.
            pub fn label(self, lang: $crate::domain::lang::Lang) -> &'static str {
                match self { $($name::$variant => lang.pick($de, $en),)+ }
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl $crate::domain::codes::Code for $name {
            const ALL: &'static [$name] = $name::ALL;
            const DOC: &'static str = concat!($($doc, "\n"),*);
            fn code(self) -> &'static str {
                self.as_str()
            }
            fn label_in(self, lang: $crate::domain::lang::Lang) -> &'static str {
                self.label(lang)
            }
        }
    };
}

/// Reads a code from what a person typed into a spreadsheet: the code itself or its German or
/// English label, ignoring case and surrounding spaces.
pub fn parse_label<T: Code>(cell: &str) -> Option<T> {
    let wanted = cell.trim().to_lowercase();
    T::ALL.iter().copied().find(|value| {
        [
            value.code(),
            value.label_in(Lang::De),
            value.label_in(Lang::En),
        ]
        .iter()
        .any(|name| name.to_lowercase() == wanted)
    })
}
