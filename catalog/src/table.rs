//! The `Table` trait every hostgres table implements, and the `Registry` of tables an engine serves.

use std::sync::Arc;

use hostgres_collectors::CollectError;

use crate::scan::{Rows, ScanContext};
use crate::schema::Schema;

/// The PostgreSQL schema a table belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Namespace {
    /// The host's tables.
    Public,
    /// PostgreSQL's system catalog, as clients expect to read it.
    PgCatalog,
    /// The SQL-standard catalog views.
    InformationSchema,
    /// hostgres' own state (scheduled results, the daemon itself).
    Hostgres,
}

impl Namespace {
    pub const ALL: [Namespace; 4] = [
        Namespace::PgCatalog,
        Namespace::Public,
        Namespace::InformationSchema,
        Namespace::Hostgres,
    ];

    /// The schema name clients see.
    pub const fn name(self) -> &'static str {
        match self {
            Namespace::Public => "public",
            Namespace::PgCatalog => "pg_catalog",
            Namespace::InformationSchema => "information_schema",
            Namespace::Hostgres => "hostgres",
        }
    }

    pub fn from_name(name: &str) -> Option<Namespace> {
        Namespace::ALL
            .into_iter()
            .find(|n| n.name().eq_ignore_ascii_case(name))
    }

    /// The name a table of this schema is registered under in SQLite, which
    /// has no schemas: information_schema's tables are prefixed so that
    /// `information_schema.tables` and friends cannot collide with others.
    pub fn sqlite_name(self, table: &str) -> String {
        match self {
            Namespace::InformationSchema => format!("information_schema_{table}"),
            _ => table.to_owned(),
        }
    }
}

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
    /// The schema the table belongs to; host tables are in `public`.
    fn namespace(&self) -> Namespace {
        Namespace::Public
    }
}

impl<T: Table + ?Sized> Table for &'static T {
    fn schema(&self) -> &'static Schema {
        (**self).schema()
    }
    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        (**self).generate(cx, out)
    }
    fn namespace(&self) -> Namespace {
        (**self).namespace()
    }
}

/// A registered table with the name SQLite knows it by.
#[derive(Clone)]
pub struct Entry {
    pub sqlite_name: Arc<str>,
    pub table: Arc<dyn Table>,
}

impl Entry {
    pub fn namespace(&self) -> Namespace {
        self.table.namespace()
    }

    pub fn schema(&self) -> &'static Schema {
        self.table.schema()
    }
}

/// The set of tables an engine serves, sorted by SQLite name.
#[derive(Clone)]
pub struct Registry {
    tables: Arc<[Entry]>,
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
    /// The tables that read the host (see [`crate::tables::ALL`]) and the
    /// catalog (see [`crate::pg_catalog::ALL`]).
    pub fn builtin() -> Registry {
        Registry::from_tables(
            crate::tables::ALL
                .iter()
                .chain(crate::pg_catalog::ALL)
                .map(|t| Arc::new(*t) as Arc<dyn Table>)
                .collect(),
        )
    }

    /// The built-in tables plus `extra` ones (such as the daemon's own
    /// introspection tables); an extra table replaces a built-in one of the same name.
    pub fn with_extra(extra: Vec<Arc<dyn Table>>) -> Registry {
        let key = |t: &Arc<dyn Table>| t.namespace().sqlite_name(t.schema().name);
        let mut tables: Vec<Arc<dyn Table>> = Registry::builtin()
            .tables
            .iter()
            .map(|e| Arc::clone(&e.table))
            .filter(|t| !extra.iter().any(|e| key(e) == key(t)))
            .collect();
        tables.extend(extra);
        Registry::from_tables(tables)
    }

    fn from_tables(tables: Vec<Arc<dyn Table>>) -> Registry {
        let mut entries: Vec<Entry> = tables
            .into_iter()
            .map(|table| Entry {
                sqlite_name: table.namespace().sqlite_name(table.schema().name).into(),
                table,
            })
            .collect();
        entries.sort_by(|a, b| a.sqlite_name.cmp(&b.sqlite_name));
        Registry {
            tables: entries.into(),
        }
    }

    /// Every table, by SQLite name.
    pub fn iter(&self) -> impl Iterator<Item = &Entry> {
        self.tables.iter()
    }

    /// The SQLite names of every table.
    pub fn names(&self) -> Vec<&str> {
        self.tables.iter().map(|e| &*e.sqlite_name).collect()
    }

    /// A table by its SQLite name.
    pub fn get(&self, sqlite_name: &str) -> Option<&Arc<dyn Table>> {
        self.entry(sqlite_name).map(|e| &e.table)
    }

    /// A table's entry by its SQLite name.
    pub fn entry(&self, sqlite_name: &str) -> Option<&Entry> {
        self.tables
            .binary_search_by(|e| (*e.sqlite_name).cmp(sqlite_name))
            .ok()
            .map(|i| &self.tables[i])
    }

    /// A table by schema and name, as a client names it (`pg_catalog.pg_class`).
    pub fn lookup(&self, namespace: Namespace, name: &str) -> Option<&Entry> {
        self.entry(&namespace.sqlite_name(name))
            .filter(|e| e.namespace() == namespace)
    }

    /// The schemas of the tables in `namespace`, by name.
    pub fn schemas_in(&self, namespace: Namespace) -> impl Iterator<Item = &'static Schema> + '_ {
        self.tables
            .iter()
            .filter(move |e| e.namespace() == namespace)
            .map(Entry::schema)
    }

    /// The schemas of the host tables (`public`).
    pub fn schemas(&self) -> impl Iterator<Item = &'static Schema> + '_ {
        self.schemas_in(Namespace::Public)
    }
}
