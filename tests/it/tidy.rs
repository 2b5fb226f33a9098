//! Architecture invariants checked on the source tree (see ARCHITECTURE.md).

use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            if p.file_name()
                .is_some_and(|n| n == "target" || n == "fixtures")
            {
                continue;
            }
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn sources(crate_dir: &str) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    rust_files(&workspace().join(crate_dir), &mut files);
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("read source");
            (p, text)
        })
        .collect()
}

#[test]
fn every_module_opens_with_a_doc_comment() {
    for krate in [
        "server",
        "catalog",
        "collectors",
        "auth",
        "scheduler",
        "tests",
    ] {
        for (path, text) in sources(krate) {
            let first = text
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or_default();
            assert!(
                first.starts_with("//!"),
                "{} must open with //!",
                path.display()
            );
        }
    }
}

#[test]
fn collectors_build_no_proc_paths_by_hand_and_know_no_sql() {
    for (path, text) in sources("collectors/src") {
        assert!(
            !text.contains("\"/proc"),
            "{}: paths come from HostRoot",
            path.display()
        );
        for forbidden in ["rusqlite", "tokio", "pgwire"] {
            assert!(
                !text.contains(forbidden),
                "{} uses {forbidden}",
                path.display()
            );
        }
    }
}

#[test]
fn the_virtual_table_module_is_the_only_unsafe_code() {
    for krate in ["server", "catalog", "collectors", "auth", "scheduler"] {
        for (path, text) in sources(krate) {
            let is_vtab = path.ends_with("catalog/src/vtab.rs");
            let has_unsafe = text.lines().any(|l| {
                let l = l.trim_start();
                !l.starts_with("//")
                    && (l.contains("unsafe {")
                        || l.contains("unsafe impl")
                        || l.contains("unsafe fn"))
            });
            assert!(is_vtab || !has_unsafe, "{} has unsafe code", path.display());
        }
    }
}

#[test]
fn only_the_error_module_knows_sqlstates() {
    for (path, text) in sources("server/src") {
        if path.ends_with("pg/error.rs") {
            continue;
        }
        for (n, line) in text.lines().enumerate() {
            let quoted_code = line.match_indices('"').any(|(i, _)| {
                let rest = &line[i + 1..];
                rest.len() > 5
                    && rest.as_bytes()[5] == b'"'
                    && rest[..5]
                        .bytes()
                        .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
                    && rest[..2].bytes().all(|b| b.is_ascii_digit())
            });
            assert!(
                !quoted_code,
                "{}:{} spells a SQLSTATE; use pg::error",
                path.display(),
                n + 1
            );
        }
    }
}

#[test]
fn auth_knows_nothing_of_the_wire_protocol() {
    for (path, text) in sources("auth") {
        assert!(
            !text.contains("pgwire"),
            "{} mentions pgwire",
            path.display()
        );
    }
    let manifest = std::fs::read_to_string(workspace().join("auth/Cargo.toml")).expect("manifest");
    assert!(!manifest.contains("pgwire"));
}
