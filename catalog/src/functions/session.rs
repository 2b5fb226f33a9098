//! Session functions clients call on connect: `version()`,
//! `current_database()`, `current_user`, `current_setting()`, `set_config()`.

use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;

use crate::engine::EngineOptions;
use crate::schema::ColumnType;

/// The PostgreSQL version hostgres speaks, as reported by `version()`.
pub const POSTGRES_VERSION: &str = "15.0";

/// `version()`: shaped like PostgreSQL's, which clients such as SQLAlchemy parse.
pub fn version_string() -> String {
    format!(
        "PostgreSQL {POSTGRES_VERSION} (hostgres {}) on {}-pc-linux-gnu, compiled by rustc, 64-bit",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::ARCH
    )
}

/// What each function of this module returns, for `Describe`.
pub(crate) const RETURN_TYPES: &[(&str, ColumnType)] = &[
    ("version", ColumnType::Text),
    ("current_database", ColumnType::Name),
    ("current_schema", ColumnType::Name),
    ("current_user", ColumnType::Name),
    ("session_user", ColumnType::Name),
    ("user", ColumnType::Name),
    ("current_setting", ColumnType::Text),
    ("set_config", ColumnType::Text),
];

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
    let settings = options.settings.clone();
    conn.create_scalar_function(
        "current_setting",
        -1,
        FunctionFlags::SQLITE_UTF8,
        move |ctx| {
            let name: String = ctx.get(0)?;
            let missing_ok = ctx.len() > 1 && ctx.get::<bool>(1).unwrap_or(false);
            match settings.get(&name) {
                Ok(v) => Ok(Some(v)),
                Err(_) if missing_ok => Ok(None),
                Err(e) => Err(rusqlite::Error::UserFunctionError(Box::new(e))),
            }
        },
    )?;
    let settings = options.settings.clone();
    conn.create_scalar_function("set_config", 3, FunctionFlags::SQLITE_UTF8, move |ctx| {
        let name: String = ctx.get(0)?;
        let value: Option<String> = ctx.get(1)?;
        settings
            .set(&name, value.as_deref())
            .map_err(|e| rusqlite::Error::UserFunctionError(Box::new(e)))?;
        settings
            .get(&name)
            .map_err(|e| rusqlite::Error::UserFunctionError(Box::new(e)))
    })?;
    for name in ["current_user", "session_user", "user"] {
        let user = options.user.clone();
        conn.create_scalar_function(name, 0, deterministic, move |_| Ok(user.clone()))?;
    }
    Ok(())
}
