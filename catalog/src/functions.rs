//! SQL functions registered on every engine: PostgreSQL's session functions
//! that clients call on connect.

use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;

use crate::engine::EngineOptions;

/// The PostgreSQL version hostgres speaks, as reported by `version()` and `server_version`.
pub const POSTGRES_VERSION: &str = "15.0";

/// `version()`: shaped like PostgreSQL's, which clients such as SQLAlchemy parse.
pub fn version_string() -> String {
    format!(
        "PostgreSQL {POSTGRES_VERSION} (hostgres {}) on {}-pc-linux-gnu, compiled by rustc, 64-bit",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::ARCH
    )
}

pub(crate) fn register(conn: &Connection, options: &EngineOptions) -> rusqlite::Result<()> {
    let deterministic = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    let version = version_string();
    conn.create_scalar_function("version", 0, deterministic, move |_| Ok(version.clone()))?;

    let database = if options.database.is_empty() {
        "hostgres".to_owned()
    } else {
        options.database.clone()
    };
    conn.create_scalar_function("current_database", 0, deterministic, move |_| {
        Ok(database.clone())
    })?;
    conn.create_scalar_function("current_schema", 0, deterministic, |_| Ok("public"))?;
    for name in ["current_user", "session_user", "user"] {
        let user = options.user.clone();
        conn.create_scalar_function(name, 0, deterministic, move |_| Ok(user.clone()))?;
    }
    Ok(())
}
