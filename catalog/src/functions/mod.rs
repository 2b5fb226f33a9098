//! SQL functions registered on every engine, one module per family. Each
//! module lists what its functions return, so `Describe` can type
//! expression columns before a statement runs.
//!
//! Layout:
//! - `session`: `version()`, `current_user`, `current_setting()`, `set_config()`...
//! - `catalog`: `format_type()`, `pg_table_is_visible()`, `has_table_privilege()`,
//!   `regclass_in()`... what clients call while browsing the catalog.

pub(crate) mod catalog;
mod session;

use rusqlite::Connection;

pub use session::{POSTGRES_VERSION, version_string};

use crate::engine::EngineOptions;
use crate::schema::ColumnType;

/// Every module's return types, searched by [`return_type`].
pub(crate) const RETURN_TYPES: &[&[(&str, ColumnType)]] =
    &[session::RETURN_TYPES, catalog::RETURN_TYPES];

/// What the SQL function `name` returns, if hostgres defines it with a fixed type.
pub fn return_type(name: &str) -> Option<ColumnType> {
    RETURN_TYPES
        .iter()
        .flat_map(|m| m.iter())
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, t)| *t)
}

pub(crate) fn register(conn: &Connection, options: &EngineOptions) -> rusqlite::Result<()> {
    session::register(conn, options)?;
    catalog::register(conn, options)
}
