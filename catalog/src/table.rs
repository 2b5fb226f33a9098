//! The `Table` trait every hostgres table implements, and the `Registry` of tables an engine serves.

use std::sync::Arc;

use hostgres_collectors::CollectError;

use crate::scan::{Rows, ScanContext};
use crate::schema::Schema;

/// A table: a declared schema and one function that reads the host.
///
/// `generate` receives the constraints SQLite pushed down (see
/// [`ScanContext`]) and appends rows to `out`. It may return more rows than
/// the constraints select, never fewer: SQLite re-checks every predicate.
/// An item that vanishes or may not be read while generating is skipped;
/// a field that may not be read is left NULL.
pub trait Table: Send + Sync + 'static {
    fn schema(&self) -> &'static Schema;
    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError>;
}

impl<T: Table + ?Sized> Table for &'static T {
    fn schema(&self) -> &'static Schema {
        (**self).schema()
    }
    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        (**self).generate(cx, out)
    }
}

/// The set of tables an engine serves, sorted by name.
#[derive(Clone)]
pub struct Registry {
    tables: Arc<[Arc<dyn Table>]>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.names()).finish()
    }
}

impl Default for Registry {
    fn default() -> Self {
        Registry::builtin()
    }
}

impl Registry {
    /// The tables that read the host (see [`crate::tables::ALL`]).
    pub fn builtin() -> Registry {
        Registry::from_tables(
            crate::tables::ALL
                .iter()
                .map(|t| Arc::new(*t) as Arc<dyn Table>)
                .collect(),
        )
    }

    /// The built-in tables plus `extra` ones (such as the daemon's own
    /// introspection tables); an extra table replaces a built-in one of the same name.
    pub fn with_extra(extra: Vec<Arc<dyn Table>>) -> Registry {
        let mut tables: Vec<Arc<dyn Table>> = Registry::builtin()
            .tables
            .iter()
            .filter(|t| !extra.iter().any(|e| e.schema().name == t.schema().name))
            .cloned()
            .collect();
        tables.extend(extra);
        Registry::from_tables(tables)
    }

    fn from_tables(mut tables: Vec<Arc<dyn Table>>) -> Registry {
        tables.sort_by_key(|t| t.schema().name);
        Registry {
            tables: tables.into(),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &Arc<dyn Table>> {
        self.tables.iter()
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.tables.iter().map(|t| t.schema().name).collect()
    }

    pub fn get(&self, name: &str) -> Option<&Arc<dyn Table>> {
        self.tables
            .binary_search_by(|t| t.schema().name.cmp(name))
            .ok()
            .map(|i| &self.tables[i])
    }

    pub fn schemas(&self) -> impl Iterator<Item = &'static Schema> + '_ {
        self.tables.iter().map(|t| t.schema())
    }
}
