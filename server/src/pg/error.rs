//! The one place that knows SQLSTATE codes: every error becomes a PostgreSQL
//! `ErrorResponse` here, with a message that says what to do.

use hostgres_catalog::{CatalogError, CatalogErrorKind};
use pgwire::error::{ErrorInfo, PgWireError};

pub const WARNING: &str = "01000";
pub const SYNTAX_ERROR: &str = "42601";
pub const UNDEFINED_TABLE: &str = "42P01";
pub const UNDEFINED_COLUMN: &str = "42703";
pub const UNDEFINED_FUNCTION: &str = "42883";
pub const UNDEFINED_OBJECT: &str = "42704";
pub const INSUFFICIENT_PRIVILEGE: &str = "42501";
pub const READ_ONLY_TRANSACTION: &str = "25006";
pub const IN_FAILED_TRANSACTION: &str = "25P02";
pub const NO_ACTIVE_TRANSACTION: &str = "25P01";
pub const QUERY_CANCELED: &str = "57014";
pub const ADMIN_SHUTDOWN: &str = "57P01";
pub const IDLE_SESSION_TIMEOUT: &str = "57P05";
pub const INVALID_PASSWORD: &str = "28P01";
pub const INVALID_AUTHORIZATION: &str = "28000";
pub const TOO_MANY_CONNECTIONS: &str = "53300";
pub const PROGRAM_LIMIT_EXCEEDED: &str = "54000";
pub const FEATURE_NOT_SUPPORTED: &str = "0A000";
pub const PROTOCOL_VIOLATION: &str = "08P01";
pub const INVALID_PARAMETER_VALUE: &str = "22023";
pub const DATA_EXCEPTION: &str = "22000";
pub const INVALID_TEXT_REPRESENTATION: &str = "22P02";
pub const INVALID_SQL_STATEMENT_NAME: &str = "26000";
pub const UNDEFINED_PARAMETER: &str = "42704";
pub const INVALID_SAVEPOINT: &str = "3B001";
pub const INVALID_CURSOR_NAME: &str = "34000";
pub const DUPLICATE_CURSOR: &str = "42P03";
pub const DUPLICATE_PREPARED_STATEMENT: &str = "42P05";
pub const OBJECT_NOT_IN_PREREQUISITE_STATE: &str = "55000";
pub const CANT_CHANGE_RUNTIME_PARAM: &str = "55P02";
pub const INTERNAL_ERROR: &str = "XX000";

/// An `ERROR` with a code, a message and an optional hint.
pub fn error_info(code: &str, message: impl Into<String>, hint: Option<String>) -> ErrorInfo {
    let mut info = ErrorInfo::new("ERROR".to_owned(), code.to_owned(), message.into());
    info.hint = hint;
    info
}

/// The same, as a pgwire error ready to return from a handler.
pub fn user_error(code: &str, message: impl Into<String>, hint: Option<String>) -> PgWireError {
    PgWireError::UserError(Box::new(error_info(code, message, hint)))
}

/// The SQLSTATE of a catalog error kind.
pub fn sqlstate(kind: CatalogErrorKind) -> &'static str {
    match kind {
        CatalogErrorKind::Syntax => SYNTAX_ERROR,
        CatalogErrorKind::UndefinedTable => UNDEFINED_TABLE,
        CatalogErrorKind::UndefinedColumn => UNDEFINED_COLUMN,
        CatalogErrorKind::UndefinedFunction => UNDEFINED_FUNCTION,
        CatalogErrorKind::UndefinedObject => UNDEFINED_OBJECT,
        CatalogErrorKind::ReadOnly => READ_ONLY_TRANSACTION,
        CatalogErrorKind::Denied => INSUFFICIENT_PRIVILEGE,
        CatalogErrorKind::Cancelled => QUERY_CANCELED,
        CatalogErrorKind::MissingConstraint => FEATURE_NOT_SUPPORTED,
        CatalogErrorKind::InvalidParameter => PROTOCOL_VIOLATION,
        CatalogErrorKind::Data => DATA_EXCEPTION,
        CatalogErrorKind::Unsupported => FEATURE_NOT_SUPPORTED,
        CatalogErrorKind::UnknownSetting => UNDEFINED_PARAMETER,
        CatalogErrorKind::InvalidSetting => INVALID_PARAMETER_VALUE,
        CatalogErrorKind::ReadOnlySetting => CANT_CHANGE_RUNTIME_PARAM,
        CatalogErrorKind::Limit => PROGRAM_LIMIT_EXCEEDED,
        CatalogErrorKind::Internal => INTERNAL_ERROR,
    }
}

/// An `ErrorResponse` for a catalog error.
pub fn catalog_error_info(e: &CatalogError) -> ErrorInfo {
    let message = match e {
        CatalogError::ReadOnly(what) => format!("cannot execute {what} in a read-only transaction"),
        other => other.to_string(),
    };
    error_info(sqlstate(e.kind()), message, e.hint())
}

/// Converts a catalog error for returning from a pgwire handler.
pub fn pg_error(e: CatalogError) -> PgWireError {
    PgWireError::UserError(Box::new(catalog_error_info(&e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_table_names_it_and_suggests() {
        let info = catalog_error_info(&CatalogError::UndefinedTable {
            name: "proceses".into(),
            suggestion: Some("processes".into()),
        });
        assert_eq!(info.code, "42P01");
        assert_eq!(info.message, "relation \"proceses\" does not exist");
        assert!(
            info.hint
                .as_deref()
                .is_some_and(|h| h.contains("\"processes\""))
        );
    }

    #[test]
    fn writes_are_read_only_errors() {
        let info = catalog_error_info(&CatalogError::ReadOnly("INSERT".into()));
        assert_eq!(info.code, "25006");
        assert_eq!(
            info.message,
            "cannot execute INSERT in a read-only transaction"
        );
    }
}
