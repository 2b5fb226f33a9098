//! Helpers for the table tests: fixture hosts and one-line queries against them.

use std::path::PathBuf;

use hostgres_collectors::HostRoot;

use crate::engine::{Engine, EngineOptions};
use crate::value::Value;

/// The fixture host `tests/fixtures/hosts/<name>`: a trimmed capture of a real
/// machine's `/proc`, `/sys` and `/etc`.
pub(crate) fn fixture(name: &str) -> HostRoot {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/hosts")
        .join(name);
    HostRoot::new(dir)
}

/// Runs `sql` on an engine reading the fixture host `name`; panics on error.
pub(crate) fn fixture_query(name: &str, sql: &str) -> Vec<Vec<Value>> {
    let engine = Engine::open(EngineOptions {
        root: fixture(name),
        ..EngineOptions::default()
    })
    .expect("open engine");
    engine
        .query_all(sql, &[])
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .rows
}

/// Runs `sql` on an engine reading the live host; panics on error.
pub(crate) fn live_query(sql: &str) -> Vec<Vec<Value>> {
    let engine = Engine::open(EngineOptions::default()).expect("open engine");
    engine
        .query_all(sql, &[])
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .rows
}

/// Rows as strings (NULL as an empty string), for compact assertions.
pub(crate) fn strings(rows: &[Vec<Value>]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| r.iter().map(ToString::to_string).collect())
        .collect()
}
