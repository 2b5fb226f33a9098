//! Path confinement for the tables that read files a query names (`file`, `hash`).
//!
//! When the session's policy confines a table to some directories, a scan
//! first refuses a `path` or `directory` the query names outside them (the
//! statement fails with "permission denied for path"), then drops every
//! generated row whose path, with symlinks resolved, lies outside — so a
//! symlink or a `LIKE '/%%'` pattern cannot reach beyond the allowed trees.

use std::path::{Path, PathBuf};

use hostgres_collectors::HostRoot;

use crate::scan::ColumnConstraint;
use crate::schema::Schema;
use crate::session::ScanState;
use crate::value::Value;

/// The columns whose values name paths.
const PATH_COLUMNS: &[&str] = &["path", "directory"];

/// The host path `path` designates: symlinks resolved when it exists, `..`
/// applied lexically when it does not.
pub(crate) fn resolve(root: &HostRoot, path: &str) -> Option<PathBuf> {
    let p = Path::new(path);
    if !p.is_absolute() {
        return None;
    }
    match std::fs::canonicalize(root.path(p)) {
        Ok(real) => Some(root.host_path(&real)),
        Err(_) => lexical(p),
    }
}

fn lexical(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::from("/");
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::Normal(s) => out.push(s),
            _ => {}
        }
    }
    Some(out)
}

fn readable(state: &ScanState, path: &str) -> bool {
    resolve(&state.root, path).is_some_and(|p| state.info.policy.may_read_path(&p))
}

/// The refusal message when the query names a path the session may not read.
pub(crate) fn denied_request(
    state: &ScanState,
    schema: &Schema,
    constraints: &[ColumnConstraint],
) -> Option<String> {
    let table = schema.name;
    if !state.info.policy.restricts_paths(table) {
        return None;
    }
    PATH_COLUMNS
        .iter()
        .filter_map(|c| constraints.get(schema.column_index(c)?))
        .flat_map(|c| c.eq.iter().filter_map(Value::as_text))
        .find(|p| !readable(state, p))
        .map(|p| format!("permission denied for path {p:?} in table {table}"))
}

/// Drops the rows whose `path` the session may not read.
pub(crate) fn keep_row(state: &ScanState, schema: &Schema, row: &[Value]) -> bool {
    if !state.info.policy.restricts_paths(schema.name) {
        return true;
    }
    match schema.column_index("path").and_then(|i| row.get(i)) {
        Some(Value::Text(p)) => readable(state, p),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::{CatalogError, Engine, EngineOptions, TablePolicy, Value};
    use hostgres_collectors::HostRoot;

    /// Confines `file` and `hash` to /srv.
    #[derive(Debug)]
    struct OnlySrv;

    impl TablePolicy for OnlySrv {
        fn may_read(&self, _: &str) -> bool {
            true
        }
        fn restricts_paths(&self, table: &str) -> bool {
            matches!(table, "file" | "hash")
        }
        fn may_read_path(&self, path: &std::path::Path) -> bool {
            path.starts_with("/srv")
        }
    }

    fn host() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("srv/sub")).expect("mkdir");
        std::fs::create_dir_all(root.join("etc")).expect("mkdir");
        std::fs::write(root.join("srv/ok.txt"), "ok").expect("write");
        std::fs::write(root.join("srv/sub/deep.txt"), "deep").expect("write");
        std::fs::write(root.join("etc/secret"), "secret").expect("write");
        std::os::unix::fs::symlink("../etc/secret", root.join("srv/escape")).expect("symlink");
        std::os::unix::fs::symlink("../etc", root.join("srv/etc-dir")).expect("symlink");
        dir
    }

    fn engine(root: &std::path::Path) -> Engine {
        Engine::open(EngineOptions {
            root: HostRoot::new(root),
            policy: Arc::new(OnlySrv),
            ..EngineOptions::default()
        })
        .expect("engine")
    }

    fn paths(e: &Engine, sql: &str) -> Vec<String> {
        e.query_all(sql, &[])
            .unwrap_or_else(|err| panic!("{sql}: {err}"))
            .rows
            .into_iter()
            .map(|r| r[0].to_string())
            .collect()
    }

    #[test]
    fn named_paths_outside_are_refused() {
        let dir = host();
        let e = engine(dir.path());
        for sql in [
            "SELECT path FROM file WHERE path = '/etc/secret'",
            "SELECT sha256 FROM hash WHERE path = '/etc/secret'",
            "SELECT path FROM file WHERE directory = '/etc'",
            "SELECT path FROM file WHERE path = '/srv/../etc/secret'",
            "SELECT path FROM file WHERE path = '/srv/escape'",
            "SELECT path FROM file WHERE directory = '/srv/etc-dir'",
        ] {
            match e.query_all(sql, &[]) {
                Err(CatalogError::Denied(m)) => {
                    assert!(m.starts_with("permission denied for path"), "{m}")
                }
                other => panic!("{sql}: {other:?}"),
            }
        }
    }

    #[test]
    fn patterns_and_symlinks_cannot_reach_outside() {
        let dir = host();
        let e = engine(dir.path());
        assert_eq!(
            paths(
                &e,
                "SELECT path FROM file WHERE path LIKE '/srv/%%' ORDER BY path"
            ),
            ["/srv/ok.txt", "/srv/sub/", "/srv/sub/deep.txt"]
        );
        assert_eq!(
            paths(
                &e,
                "SELECT path FROM file WHERE path LIKE '/%%' AND type = 'regular' ORDER BY path"
            ),
            ["/srv/ok.txt", "/srv/sub/deep.txt"]
        );
        assert_eq!(
            paths(
                &e,
                "SELECT path FROM hash WHERE directory = '/srv' ORDER BY path"
            ),
            ["/srv/ok.txt"]
        );
        let hashed = e
            .query_all("SELECT md5 FROM hash WHERE path = '/srv/ok.txt'", &[])
            .expect("allowed");
        assert_eq!(hashed.rows.len(), 1);
        assert_ne!(hashed.rows[0][0], Value::Null);
    }
}
