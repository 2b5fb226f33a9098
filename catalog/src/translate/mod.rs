//! PostgreSQL-dialect SQL to the SQLite dialect, shared by the server and the scheduler.
//!
//! A statement is parsed with `sqlparser`'s PostgreSQL dialect, rewritten on
//! the AST (casts, operators, functions, schema-qualified names, arrays,
//! dates and times, result column names; see `rewrite` and `expr`) and
//! printed back. Queries written for osquery (SQLite dialect) pass through
//! unchanged when nothing in them needs rewriting, and a statement
//! `sqlparser` cannot parse is handed to SQLite as written, so SQLite-only
//! syntax keeps working and genuine errors get SQLite's message. A
//! PostgreSQL construct hostgres cannot translate is an error that names it.
//!
//! Layout:
//! - `split`: statements of a multi-statement query string.
//! - `session`: SET/SHOW/BEGIN and friends, and refused writes.
//! - `cursor`: DECLARE/FETCH/MOVE/CLOSE and COPY ... TO STDOUT.
//! - `rewrite`: the statement walk (queries, `FROM`, `ORDER BY`, `LIMIT`) and `$n` → `?n`.
//! - `expr`: expression rewrites, typed bottom-up.
//! - `srf`: set-returning functions in the select list, run in lockstep per row.
//! - `scope`: relations and columns visible to an expression.
//! - `infer`: PostgreSQL type names, expression types, function return types.
//! - `literal`: literals folded and coerced at translation time.
//! - `names`: result column names as PostgreSQL gives them.
//! - `build`: constructors for the SQLite-side AST.

mod build;
mod cursor;
mod expr;
mod infer;
mod literal;
mod names;
mod rewrite;
mod scope;
mod session;
mod split;
mod srf;

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
    /// The type of each result column, when it can be inferred; empty when
    /// the columns themselves are not all known (a `*` over a table hostgres
    /// does not describe).
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

/// The highest `$n` a statement may use: a Bind message counts its
/// parameters in 16 bits, so PostgreSQL stops at the same number.
pub const MAX_PARAMETERS: usize = 65_535;

/// Translates one statement (see [`split_statements`]) to what runs it.
pub fn translate(sql: &str, registry: &Registry) -> Result<Statement, CatalogError> {
    if let Some(cmd) = session::classify(sql)? {
        return Ok(Statement::Session(cmd));
    }
    let parsed = Parser::parse_sql(&PostgreSqlDialect {}, sql);
    let query = match parsed {
        Ok(mut statements) if statements.len() == 1 => {
            let mut rw = rewrite::Rewriter::new(registry);
            let columns = rw.statement(&mut statements[0])?;
            if rw.max_param > MAX_PARAMETERS {
                return Err(CatalogError::Limit(format!(
                    "there is no parameter ${}: a statement may use $1 to ${MAX_PARAMETERS}",
                    rw.max_param
                )));
            }
            let text = if rw.changed || has_limit_all(sql) {
                statements[0].to_string()
            } else {
                sql.to_owned()
            };
            let column_hints = match columns {
                Some(c) if c.complete => c.cols.iter().map(|c| c.ty.column_type()).collect(),
                _ => Vec::new(),
            };
            Query {
                sql: rewrite::number_placeholders(&text),
                param_types: (1..=rw.max_param)
                    .map(|n| rw.params.get(&n).copied())
                    .collect(),
                column_hints,
            }
        }
        // `TABLE name` is `SELECT * FROM name`; sqlparser reads it only inside a query.
        Err(_) if starts_with_word(sql, "table") => {
            let rest = sql.trim_start()[5..].trim_start();
            return translate(&format!("SELECT * FROM {rest}"), registry);
        }
        _ => Query {
            sql: rewrite::number_placeholders(sql),
            param_types: Vec::new(),
            column_hints: Vec::new(),
        },
    };
    Ok(Statement::Query(query))
}

fn starts_with_word(sql: &str, word: &str) -> bool {
    let s = sql.trim_start();
    s.get(..word.len())
        .is_some_and(|w| w.eq_ignore_ascii_case(word))
        && s.as_bytes()
            .get(word.len())
            .is_some_and(u8::is_ascii_whitespace)
}

/// `LIMIT ALL` leaves no trace in the AST, and SQLite does not know it.
fn has_limit_all(sql: &str) -> bool {
    use sqlparser::keywords::Keyword;
    use sqlparser::tokenizer::{Token, Tokenizer};
    let Ok(tokens) = Tokenizer::new(&PostgreSqlDialect {}, sql).tokenize() else {
        return false;
    };
    let mut words = tokens.iter().filter(|t| !matches!(t, Token::Whitespace(_)));
    let mut previous_limit = false;
    for t in &mut words {
        let keyword = match t {
            Token::Word(w) => w.keyword,
            _ => Keyword::NoKeyword,
        };
        if previous_limit && keyword == Keyword::ALL {
            return true;
        }
        previous_limit = keyword == Keyword::LIMIT;
    }
    false
}

#[cfg(test)]
mod tests;
