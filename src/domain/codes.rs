//! Stable machine codes with German and English labels, stored as text.

/// Declares an enum of stable codes: serde and OpenAPI use the code, the database stores it,
/// and `label(lang)` gives the German or English name. The OpenAPI schema is written by hand
/// because utoipa's derive does not see `serde(rename)` values passed through a macro.
#[macro_export]
macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, $de:literal, $en:literal; )+
        }
    ) => {
        $(#[$meta])*
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
            pub fn label(self, lang: $crate::api::http::language::Lang) -> &'static str {
                match self { $($name::$variant => lang.pick($de, $en),)+ }
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                let labels: Vec<String> = vec![$(format!("`{}`: {}", $code, $en)),+];
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($code),+]))
                    .description(Some(labels.join("; ")))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}
