//! The hostgres SQL engine: every host table is a SQLite virtual table.
//!
//! A session opens an [`Engine`] (one in-memory SQLite connection with every
//! table of a [`Registry`] registered as an eponymous virtual table), has
//! [`translate`] turn PostgreSQL-dialect SQL into SQLite's, and runs it.
//! When SQLite scans a table, the generic module in `vtab` calls the table's
//! [`Table::generate`] with the constraints it can use, and the generator
//! reads the host through `hostgres_collectors`.
//!
//! Layout:
//! - `schema`: [`Schema`], [`Column`], [`ColumnType`]: declarative table specs.
//! - `table`: the [`Table`] trait and the [`Registry`].
//! - `scan`: [`ScanContext`] (constraints, used columns) and [`Rows`].
//! - `tables`: the built-in tables, one file each.
//! - `pg_catalog`: `pg_catalog` and `information_schema`, computed from the registry and the session.
//! - `vtab`: the one SQLite virtual-table module (the only `unsafe` code).
//! - `engine`: [`Engine`], the read-only SQLite connection of a session.
//! - `session`: state shared between an engine and its virtual tables, and [`SessionInfo`].
//! - `policy`: [`TablePolicy`], which tables, columns and paths a session may read.
//! - `sandbox`: tests of the read-only sandbox against SQLite's known escapes.
//! - `paths`: confinement of the file-reading tables to the policy's paths.
//! - `limits`: [`QueryLimits`] on results and scans, and the [`StatementObserver`] hook.
//! - `translate`: PostgreSQL dialect to SQLite, session commands, type inference.
//! - `functions`: SQL functions registered on every engine.
//! - `oid`: stable object identifiers for tables, types and schemas.
//! - `settings`: run-time parameters (GUCs) shared by SET/SHOW and SQL functions.
//! - `error`: [`CatalogError`] and its kinds.

mod engine;
mod error;
pub mod functions;
mod limits;
pub mod oid;
mod paths;
pub mod pg_catalog;
pub mod policy;
mod sandbox;
mod scan;
mod schema;
mod session;
pub mod settings;
mod table;
pub mod tables;
#[cfg(test)]
mod testing;
pub mod translate;
mod value;
mod vtab;

pub use engine::{
    Cell, ColumnMeta, ColumnOrigin, Described, Engine, EngineOptions, Interrupter, QueryResult,
    RowRef, RowSink,
};
pub use error::{CatalogError, CatalogErrorKind};
pub use limits::{QueryLimits, StatementObserver, StatementRecord};
pub use pg_catalog::{Activity, Directory, SingleSession};
pub use policy::{AllowAll, TablePolicy};
pub use scan::{ColumnConstraint, RowBuilder, Rows, ScanContext};
pub use schema::{Column, ColumnFlags, ColumnType, Schema, col};
pub use session::SessionInfo;
pub use table::{Entry, Namespace, Registry, Table};
pub use value::Value;
