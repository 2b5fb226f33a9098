//! The host tables, one file each: schema, generator and fixture test together.
//!
//! Adding a table: write `tables/<name>.rs`, add it to [`ALL`] (a test keeps
//! the list sorted and checks every schema against osquery's spec), and
//! extend a fixture host under `tests/fixtures/hosts/`.

use crate::Table;

mod load_average;

/// Every built-in table, sorted by name.
pub static ALL: &[&dyn Table] = &[&load_average::LoadAverage];
