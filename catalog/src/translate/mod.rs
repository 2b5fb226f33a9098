//! PostgreSQL-dialect SQL to the SQLite dialect, shared by the server and the scheduler.
//!
//! Queries written for osquery (SQLite dialect) pass through unchanged
//! unless they use a construct that needs rewriting. PostgreSQL constructs
//! are rewritten on the `sqlparser` AST and printed back; a statement
//! `sqlparser` cannot parse is handed to SQLite as written, so SQLite-only
//! syntax keeps working and genuine errors get SQLite's message.
//!
//! Layout:
//! - `split`: statements of a multi-statement query string.
//! - `session`: SET/SHOW/BEGIN and friends, and refused writes.
//! - `cursor`: DECLARE/FETCH/MOVE/CLOSE and COPY ... TO STDOUT.
//! - `rewrite`: AST rewrites (`::` casts) and `$n` → `?n`.
//! - `infer`: parameter and result column types for `Describe`.

mod cursor;
mod infer;
mod rewrite;
mod session;
mod split;

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

pub use cursor::{Copy, CopyFormat, CopySource, Count, Declare, Direction, Fetch, ForceQuote};
pub use session::SessionCommand;
pub use split::split_statements;

use crate::error::CatalogError;
use crate::schema::ColumnType;
use crate::table::Registry;

/// A statement for SQLite, with what could be inferred about its types.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// The statement in SQLite's dialect.
    pub sql: String,
    /// The type of each `$n` parameter (index `n - 1`) when the query implies one.
    pub param_types: Vec<Option<ColumnType>>,
    /// The type of each result column computed by an expression, when it can
    /// be inferred; empty when the projection has a wildcard.
    pub column_hints: Vec<Option<ColumnType>>,
}

/// One translated statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Statement {
    /// Run by SQLite.
    Query(Query),
    /// Answered by the session.
    Session(SessionCommand),
}

/// Translates one statement (see [`split_statements`]) to what runs it.
pub fn translate(sql: &str, registry: &Registry) -> Result<Statement, CatalogError> {
    if let Some(cmd) = session::classify(sql)? {
        return Ok(Statement::Session(cmd));
    }
    let parsed = Parser::parse_sql(&PostgreSqlDialect {}, sql);
    let query = match parsed {
        Ok(mut statements) if statements.len() == 1 => {
            let param_types = infer::param_types(&statements[0], registry);
            let column_hints = infer::column_hints(&statements[0]);
            let changed = rewrite::rewrite(&mut statements[0]);
            let text = if changed {
                statements[0].to_string()
            } else {
                sql.to_owned()
            };
            Query {
                sql: rewrite::number_placeholders(&text),
                param_types,
                column_hints,
            }
        }
        _ => Query {
            sql: rewrite::number_placeholders(sql),
            param_types: Vec::new(),
            column_hints: Vec::new(),
        },
    };
    Ok(Statement::Query(query))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sql_of(s: &str) -> String {
        match translate(s, &Registry::builtin()).expect("translate") {
            Statement::Query(q) => q.sql,
            Statement::Session(c) => panic!("unexpected session command {c:?}"),
        }
    }

    #[test]
    fn sqlite_dialect_passes_unchanged() {
        let q = "select address, mac, count(mac) as mac_count from arp_cache group by mac having count(mac) > 1";
        assert_eq!(sql_of(q), q);
        let q = "SELECT * FROM users WHERE username = \"root\" AND uid GLOB '1*'";
        assert_eq!(sql_of(q), q);
    }

    #[test]
    fn placeholders_are_numbered_explicitly() {
        assert_eq!(sql_of("SELECT $2, $1, '$3'"), "SELECT ?2, ?1, '$3'");
    }

    #[test]
    fn double_colon_casts_become_cast() {
        assert_eq!(
            sql_of("SELECT '1'::int8 + 1"),
            "SELECT CAST('1' AS INT8) + 1"
        );
    }
}
