//! `CatalogError`: everything a query can fail with, classified once.
//!
//! SQLite reports syntax errors, unknown tables and unknown columns alike as
//! `SQLITE_ERROR` with a message; this module turns those messages into kinds
//! so the wire layer can pick a SQLSTATE without parsing text itself.

use hostgres_collectors::{CollectError, CollectErrorKind};
use rusqlite::ErrorCode;

/// A protocol-neutral category of [`CatalogError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogErrorKind {
    Syntax,
    UndefinedTable,
    UndefinedColumn,
    UndefinedFunction,
    /// An unknown type, schema, role or database named in a catalog lookup.
    UndefinedObject,
    /// A write or schema change on the read-only engine.
    ReadOnly,
    /// Refused by the access policy.
    Denied,
    /// Cancelled by the client or stopped by a timeout.
    Cancelled,
    /// The query lacks what a table needs (a constraint on a required column).
    MissingConstraint,
    /// A wrong value or parameter count.
    InvalidParameter,
    /// A data error during evaluation (overflow, bad conversion).
    Data,
    /// A feature hostgres does not offer.
    Unsupported,
    /// An unknown run-time parameter.
    UnknownSetting,
    /// A run-time parameter given a value it does not accept.
    InvalidSetting,
    /// A run-time parameter that cannot be changed.
    ReadOnlySetting,
    /// Too much output or too large a statement.
    Limit,
    Internal,
}

/// An error from preparing or running a query.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("{0}")]
    Syntax(String),
    #[error("relation \"{name}\" does not exist")]
    UndefinedTable {
        name: String,
        /// The closest known table, offered as a hint.
        suggestion: Option<String>,
    },
    #[error("column \"{0}\" does not exist")]
    UndefinedColumn(String),
    #[error("function {0} does not exist")]
    UndefinedFunction(String),
    /// The whole message, e.g. `type "foo" does not exist`.
    #[error("{0}")]
    UndefinedObject(String),
    #[error("cannot execute {0} in a read-only database")]
    ReadOnly(String),
    /// The message names what was refused: `permission denied for table shadow`.
    #[error("{0}")]
    Denied(String),
    #[error("canceling statement due to user request")]
    Cancelled,
    #[error("{0}")]
    MissingConstraint(String),
    #[error("{0}")]
    InvalidParameter(String),
    #[error("{0}")]
    Data(String),
    #[error("{0}")]
    Unsupported(String),
    #[error("{0}")]
    Limit(String),
    #[error("unrecognized configuration parameter \"{0}\"")]
    UnknownSetting(String),
    #[error("{0}")]
    InvalidSetting(String),
    #[error("parameter \"{0}\" cannot be changed")]
    ReadOnlySetting(String),
    #[error("reading table {table} failed: {source}")]
    Scan {
        table: &'static str,
        #[source]
        source: CollectError,
    },
    #[error("{0}")]
    Internal(String),
}

impl CatalogError {
    pub fn kind(&self) -> CatalogErrorKind {
        match self {
            CatalogError::Syntax(_) => CatalogErrorKind::Syntax,
            CatalogError::UndefinedTable { .. } => CatalogErrorKind::UndefinedTable,
            CatalogError::UndefinedColumn(_) => CatalogErrorKind::UndefinedColumn,
            CatalogError::UndefinedFunction(_) => CatalogErrorKind::UndefinedFunction,
            CatalogError::UndefinedObject(_) => CatalogErrorKind::UndefinedObject,
            CatalogError::ReadOnly(_) => CatalogErrorKind::ReadOnly,
            CatalogError::Denied(_) => CatalogErrorKind::Denied,
            CatalogError::Cancelled => CatalogErrorKind::Cancelled,
            CatalogError::MissingConstraint(_) => CatalogErrorKind::MissingConstraint,
            CatalogError::InvalidParameter(_) => CatalogErrorKind::InvalidParameter,
            CatalogError::Data(_) => CatalogErrorKind::Data,
            CatalogError::Unsupported(_) => CatalogErrorKind::Unsupported,
            CatalogError::Limit(_) => CatalogErrorKind::Limit,
            CatalogError::UnknownSetting(_) => CatalogErrorKind::UnknownSetting,
            CatalogError::InvalidSetting(_) => CatalogErrorKind::InvalidSetting,
            CatalogError::ReadOnlySetting(_) => CatalogErrorKind::ReadOnlySetting,
            CatalogError::Scan { source, .. } => match source.kind() {
                CollectErrorKind::Interrupted => CatalogErrorKind::Cancelled,
                CollectErrorKind::Usage => CatalogErrorKind::MissingConstraint,
                CollectErrorKind::Denied => CatalogErrorKind::Denied,
                _ => CatalogErrorKind::Internal,
            },
            CatalogError::Internal(_) => CatalogErrorKind::Internal,
        }
    }

    /// A hint for the user, when there is something useful to suggest.
    pub fn hint(&self) -> Option<String> {
        match self {
            CatalogError::UndefinedTable {
                suggestion: Some(s),
                ..
            } => Some(format!("Perhaps you meant the table \"{s}\". `\\dt` lists all tables.")),
            CatalogError::UndefinedTable { .. } => {
                Some("`\\dt` or `hostgres tables` lists the tables.".to_owned())
            }
            CatalogError::MissingConstraint(_) => Some(
                "Add an equality (=, IN) or LIKE condition on that column, e.g. WHERE path = '/etc/passwd'."
                    .to_owned(),
            ),
            CatalogError::UnknownSetting(_) => {
                Some("SHOW ALL lists the parameters hostgres knows.".to_owned())
            }
            CatalogError::ReadOnly(_) => {
                Some("hostgres tables describe the host and are read-only.".to_owned())
            }
            _ => None,
        }
    }

    /// Classifies an error from SQLite by its code and message.
    pub(crate) fn from_sqlite(e: rusqlite::Error, known_tables: &[&str]) -> CatalogError {
        let (code, message) = match &e {
            rusqlite::Error::SqliteFailure(err, msg) => (
                Some(err.code),
                msg.clone().unwrap_or_else(|| err.to_string()),
            ),
            // SQLite 3.38+ reports where in the statement an error is; the message alone names it.
            rusqlite::Error::SqlInputError { error, msg, .. } => (Some(error.code), msg.clone()),
            other => (None, other.to_string()),
        };
        if code == Some(ErrorCode::OperationInterrupted) || message == "interrupted" {
            return CatalogError::Cancelled;
        }
        // The authorizer's refusals, and SQLite's own for `load_extension`.
        if code == Some(ErrorCode::AuthorizationForStatementDenied) || message == "not authorized" {
            return CatalogError::Denied(format!("permission denied: {message}"));
        }
        if let Some(rest) = message.strip_prefix("no such table: ") {
            let name = rest.trim().to_owned();
            let bare = name.rsplit('.').next().unwrap_or(&name).to_owned();
            return CatalogError::UndefinedTable {
                suggestion: closest(&bare, known_tables),
                name,
            };
        }
        if let Some(rest) = message.strip_prefix("unrecognized configuration parameter ") {
            return CatalogError::UnknownSetting(rest.trim_matches('"').to_owned());
        }
        if message.ends_with("may not be modified")
            || message.ends_with("may not be indexed")
            || message.ends_with("may not be altered")
            || message.ends_with("may not be dropped")
            || message.contains("readonly database")
        {
            return CatalogError::ReadOnly("a write".to_owned());
        }
        if let Some(e) = from_catalog_message(&message, known_tables) {
            return e;
        }
        if let Some(rest) = message.strip_prefix("no such column: ") {
            return CatalogError::UndefinedColumn(rest.trim().to_owned());
        }
        if let Some(rest) = message.strip_prefix("no such function: ") {
            return CatalogError::UndefinedFunction(format!("{}()", rest.trim()));
        }
        if let Some(rest) = message
            .strip_prefix("wrong number of arguments to function ")
            .or_else(|| message.strip_prefix("wrong number of arguments to "))
        {
            return CatalogError::UndefinedFunction(rest.trim().to_owned());
        }
        if message.contains("syntax error")
            || message.starts_with("incomplete input")
            || message.starts_with("unrecognized token")
            || message.contains("is not a function")
        {
            return CatalogError::Syntax(message);
        }
        if matches!(e, rusqlite::Error::InvalidParameterCount(..))
            || code == Some(ErrorCode::ParameterOutOfRange)
        {
            return CatalogError::InvalidParameter(message);
        }
        if code == Some(ErrorCode::TooBig) {
            return CatalogError::Limit(message);
        }
        if message.contains("integer overflow") || message.starts_with("datatype mismatch") {
            return CatalogError::Data(message);
        }
        // Conversion and domain errors raised by hostgres' SQL functions (PostgreSQL's wording).
        const DATA_ERRORS: &[&str] = &[
            "invalid input syntax for type",
            "out of range",
            "invalid regular expression",
            "division by zero",
            "cannot take",
            "malformed array",
            "malformed JSON",
            "not an array",
            "needs a date or timestamp",
            "is not supported: hostgres keeps times in UTC",
            "LIKE pattern must not end with escape character",
        ];
        if DATA_ERRORS.iter().any(|p| message.contains(p)) {
            return CatalogError::Data(message);
        }
        if message.starts_with("ambiguous column name") {
            return CatalogError::Syntax(message);
        }
        CatalogError::Internal(message)
    }
}

/// Recognises the messages of catalog lookups that failed inside a SQL
/// function (`regclass_in('nosuch')`), which reach here as SQLite text.
fn from_catalog_message(message: &str, known_tables: &[&str]) -> Option<CatalogError> {
    const DATA: &[&str] = &[
        "unrecognized privilege type: ",
        "string is not a valid identifier: ",
        "more than one function named ",
        "invalid INTERVAL typmod: ",
        "could not find array type for data type ",
    ];
    if DATA.iter().any(|p| message.starts_with(p)) {
        return Some(CatalogError::Data(message.to_owned()));
    }
    if message.starts_with("invalid name syntax: ") || message.starts_with("invalid type name ") {
        return Some(CatalogError::Syntax(message.to_owned()));
    }
    let missing = message.strip_suffix(" does not exist")?;
    if let Some(name) = missing
        .strip_prefix("relation \"")
        .and_then(|r| r.strip_suffix('"'))
    {
        let bare = name.rsplit('.').next().unwrap_or(name);
        return Some(CatalogError::UndefinedTable {
            suggestion: closest(bare, known_tables),
            name: name.to_owned(),
        });
    }
    if let Some(name) = missing.strip_prefix("function ") {
        return Some(CatalogError::UndefinedFunction(name.to_owned()));
    }
    if let Some(rest) = missing
        .strip_prefix("column \"")
        .and_then(|r| r.strip_suffix('"'))
    {
        return Some(CatalogError::UndefinedColumn(rest.to_owned()));
    }
    [
        "type \"",
        "schema \"",
        "role \"",
        "database \"",
        "tablespace \"",
        "language \"",
    ]
    .iter()
    .any(|p| missing.starts_with(p))
    .then(|| CatalogError::UndefinedObject(message.to_owned()))
}

/// The candidate nearest to `name` by edit distance, if it is close enough to be a likely typo.
pub(crate) fn closest(name: &str, candidates: &[&str]) -> Option<String> {
    let name = name.to_ascii_lowercase();
    candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(&name, c), *c))
        .filter(|(d, c)| *d <= (c.len() / 3).max(2) || c.starts_with(&name) || name.starts_with(*c))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_lookup_messages_are_classified() {
        let known = ["processes"];
        let e = from_catalog_message("relation \"public.procesess\" does not exist", &known);
        assert!(
            matches!(&e, Some(CatalogError::UndefinedTable { name, suggestion: Some(s) })
                if name == "public.procesess" && s == "processes"),
            "{e:?}"
        );
        let e = from_catalog_message("type \"nosuch\" does not exist", &known).expect("type");
        assert_eq!(e.kind(), CatalogErrorKind::UndefinedObject);
        assert_eq!(e.to_string(), "type \"nosuch\" does not exist");
        let e = from_catalog_message("function \"nosuch\" does not exist", &known).expect("fn");
        assert_eq!(e.to_string(), "function \"nosuch\" does not exist");
        let e = from_catalog_message(
            "column \"x\" of relation \"processes\" does not exist",
            &known,
        )
        .expect("column");
        assert_eq!(
            e.to_string(),
            "column \"x\" of relation \"processes\" does not exist"
        );
        assert!(from_catalog_message("something else", &known).is_none());
        let e = from_catalog_message("unrecognized privilege type: \"foo\"", &known);
        assert_eq!(e.map(|e| e.kind()), Some(CatalogErrorKind::Data));
    }

    #[test]
    fn closest_table_for_typos() {
        let known = ["processes", "process_open_files", "users", "groups"];
        assert_eq!(closest("proceses", &known).as_deref(), Some("processes"));
        assert_eq!(closest("user", &known).as_deref(), Some("users"));
        assert_eq!(closest("zzzzzzzz", &known), None);
    }
}
