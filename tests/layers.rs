//! The layer rules of docs/ARCHITECTURE.md, checked on the source text: a module may name only
//! the crate modules and outside crates its layer may depend on. Fails with every offending line.

use std::fs;
use std::path::{Path, PathBuf};

/// One layer: the source files it covers and what they must not name.
struct Layer {
    /// Files or folders below `src/`.
    sources: &'static [&'static str],
    /// Crate modules it must not import (`crate::<name>`).
    forbidden_modules: &'static [&'static str],
    /// Outside crates it must not use.
    forbidden_crates: &'static [&'static str],
}

const LAYERS: &[Layer] = &[
    Layer {
        sources: &["domain"],
        forbidden_modules: &[
            "api",
            "auth",
            "cli",
            "config",
            "db",
            "demo",
            "error",
            "openapi",
            "request_context",
            "routes",
            "startup",
            "webhook_worker",
            "mail",
        ],
        forbidden_crates: &[
            "actix_web",
            "diesel",
            "reqwest",
            "tokio",
            "utoipa",
            "lettre",
            "minijinja",
        ],
    },
    Layer {
        sources: &["db"],
        forbidden_modules: &[
            "api",
            "auth",
            "cli",
            "demo",
            "openapi",
            "request_context",
            "routes",
            "startup",
            "webhook_worker",
            "mail",
        ],
        forbidden_crates: &["actix_web", "reqwest", "utoipa", "lettre", "minijinja"],
    },
    Layer {
        sources: &[
            "auth",
            "config.rs",
            "webhook_worker",
            "mail",
            "import",
            "demo",
            "cli.rs",
        ],
        forbidden_modules: &["api", "routes"],
        forbidden_crates: &[],
    },
    Layer {
        sources: &["observability"],
        forbidden_modules: &[
            "api",
            "auth",
            "config",
            "db",
            "domain",
            "error",
            "routes",
            "startup",
            "webhook_worker",
            "mail",
        ],
        forbidden_crates: &["diesel", "utoipa"],
    },
    Layer {
        sources: &["typeset"],
        forbidden_modules: &[
            "api",
            "auth",
            "cli",
            "config",
            "db",
            "demo",
            "domain",
            "error",
            "import",
            "mail",
            "openapi",
            "request_context",
            "routes",
            "startup",
            "webhook_worker",
        ],
        forbidden_crates: &["actix_web", "diesel", "reqwest", "tokio", "utoipa"],
    },
    Layer {
        sources: &["error.rs", "request_context.rs", "request_context"],
        forbidden_modules: &["api", "auth", "db", "routes", "startup"],
        forbidden_crates: &[],
    },
];

fn rust_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = fs::read_dir(path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
            .map(|entry| entry.expect("directory entry").path())
            .collect();
        entries.sort();
        for entry in entries {
            rust_files(&entry, out);
        }
    } else if path.extension().is_some_and(|ext| ext == "rs") {
        out.push(path.to_owned());
    }
}

/// The line without its comment (`//`, including doc comments).
fn code_of(line: &str) -> &str {
    line.find("//").map_or(line, |at| &line[..at])
}

/// Whether `code` names `name` as a path root (`name::`), not as part of a longer path or
/// identifier.
fn names_root(code: &str, name: &str) -> bool {
    let needle = format!("{name}::");
    code.match_indices(&needle).any(|(at, _)| {
        code[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == ':'))
    })
}

/// The crate modules a line names: `crate::x::…`, `$crate::x`, and each `x` of `crate::{x, y}`.
fn crate_modules_named(code: &str) -> Vec<String> {
    let ident = |text: &str| -> String {
        text.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut names = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = group.split('}').next().unwrap_or_default();
            names.extend(group.split(',').map(|part| ident(part.trim())));
        } else {
            names.push(ident(rest));
        }
    }
    names
}

/// Offending lines of one layer, as `file:line: text`.
fn violations(layer: &Layer) -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for source in layer.sources {
        let path = src.join(source);
        assert!(path.exists(), "{} does not exist", path.display());
        rust_files(&path, &mut files);
    }
    let mut found = Vec::new();
    for file in files {
        let text = fs::read_to_string(&file).expect("readable source");
        for (number, line) in text.lines().enumerate() {
            let code = code_of(line);
            let module = crate_modules_named(code)
                .iter()
                .any(|m| layer.forbidden_modules.contains(&m.as_str()));
            let outside = layer.forbidden_crates.iter().any(|c| names_root(code, c));
            if module || outside {
                let shown = file.strip_prefix(&src).unwrap_or(&file).display();
                found.push(format!("src/{shown}:{}: {}", number + 1, line.trim()));
            }
        }
    }
    found
}

#[test]
fn every_layer_imports_only_what_docs_architecture_allows() {
    let found: Vec<String> = LAYERS.iter().flat_map(violations).collect();
    assert!(
        found.is_empty(),
        "imports against docs/ARCHITECTURE.md:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_checker_sees_a_forbidden_import() {
    let code = code_of("use crate::api::access::Viewer; // a handler type");
    assert!(code.contains("crate::api::"));
    assert!(names_root("let x = diesel::insert_into(t);", "diesel"));
    assert!(!names_root(
        "use crate::db::models::diesel_helpers;",
        "diesel"
    ));
    assert!(!names_root("my_diesel::x", "diesel"));
    assert!(!names_root("use crate::db::diesel::x;", "diesel"));
    assert_eq!(code_of("// use crate::api::x;"), "");
    assert_eq!(
        crate_modules_named("use crate::{api, db::DbPool};"),
        ["api", "db"]
    );
    assert_eq!(
        crate_modules_named("$crate::domain::lang::Lang"),
        ["domain"]
    );
}
