//! SQL functions registered on every engine, one module per family. Each
//! module lists what its functions return, so `Describe` can type
//! expression columns before a statement runs.
//!
//! Layout:
//! - `session`: `version()`, `current_user`, `current_setting()`, `set_config()`...
//! - `catalog`: `format_type()`, `pg_table_is_visible()`, `has_table_privilege()`,
//!   `regclass_in()`... what clients call while browsing the catalog.
//! - `cast`: PostgreSQL casts (`cast_int4`, `cast_bool`...) and their conversions.
//! - `time`: timestamps, dates and intervals (`now()`, `date_trunc`, interval arithmetic).
//! - `text`: string functions (`left`, `split_part`, `lpad`, `format`, `md5`...).
//! - `pattern`: `LIKE` with PostgreSQL's semantics, `ILIKE`, regular expressions, `SIMILAR TO`.
//! - `array`: arrays as JSON text (`array_to_string`, `string_to_array`, subscripts...).
//! - `json`: `to_json`, `json_typeof`, `json_extract_path[_text]`.
//! - `math`: `floor`, `ceil`, `power`, `ln`, `log`, `mod`, `greatest`, `least`...

pub(crate) mod array;
pub(crate) mod cast;
pub(crate) mod catalog;
mod json;
mod math;
pub(crate) mod pattern;
mod session;
pub(crate) mod text;
pub(crate) mod time;

use rusqlite::Connection;

pub use session::{POSTGRES_VERSION, version_string};

use crate::engine::EngineOptions;
use crate::schema::ColumnType;

/// Every module's return types, searched by [`return_type`].
pub(crate) const RETURN_TYPES: &[&[(&str, ColumnType)]] = &[
    session::RETURN_TYPES,
    catalog::RETURN_TYPES,
    cast::RETURN_TYPES,
    time::RETURN_TYPES,
    text::RETURN_TYPES,
    pattern::RETURN_TYPES,
    array::RETURN_TYPES,
    json::RETURN_TYPES,
    math::RETURN_TYPES,
];

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
    catalog::register(conn, options)?;
    cast::register(conn)?;
    time::register(conn)?;
    text::register(conn)?;
    pattern::register(conn)?;
    array::register(conn)?;
    json::register(conn)?;
    math::register(conn)?;
    // The index series of set-returning functions in the select list (`translate::srf`).
    rusqlite::vtab::series::load_module(conn)?;
    Ok(())
}
