//! Small constructors for the SQLite-side AST the rewriter produces:
//! function calls, literals, identifiers, and queries parsed from templates
//! whose `__hg_argN` slots are filled with already-translated expressions.

use std::ops::ControlFlow;

use sqlparser::ast::{
    BinaryOperator, CastKind, DataType, Expr, Function, FunctionArg, FunctionArgExpr,
    FunctionArgumentList, FunctionArguments, Ident, ObjectName, ObjectNamePart, Query, Statement,
    UnaryOperator, Value, visit_expressions_mut,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use crate::error::CatalogError;

pub(crate) fn ident(name: &str) -> Ident {
    Ident::new(name)
}

/// A double-quoted identifier: safe for any name, keyword or not.
pub(crate) fn quoted(name: &str) -> Ident {
    Ident::with_quote('"', name)
}

pub(crate) fn object_name(name: &str) -> ObjectName {
    ObjectName(vec![ObjectNamePart::Identifier(ident(name))])
}

pub(crate) fn arg(e: Expr) -> FunctionArg {
    FunctionArg::Unnamed(FunctionArgExpr::Expr(e))
}

/// `name(args...)`.
pub(crate) fn call(name: &str, args: Vec<Expr>) -> Expr {
    Expr::Function(Function {
        name: object_name(name),
        uses_odbc_syntax: false,
        parameters: FunctionArguments::None,
        args: FunctionArguments::List(FunctionArgumentList {
            duplicate_treatment: None,
            args: args.into_iter().map(arg).collect(),
            clauses: Vec::new(),
        }),
        within_group: Vec::new(),
        filter: None,
        null_treatment: None,
        over: None,
    })
}

pub(crate) fn string(s: &str) -> Expr {
    Expr::value(Value::SingleQuotedString(s.to_owned()))
}

pub(crate) fn number(n: impl ToString) -> Expr {
    Expr::value(Value::Number(n.to_string(), false))
}

/// A float literal SQLite reads as a REAL (always with a `.` or exponent).
pub(crate) fn real(f: f64) -> Expr {
    let s = format!("{f:?}");
    number(s)
}

pub(crate) fn null() -> Expr {
    Expr::value(Value::Null)
}

pub(crate) fn blob(bytes: &[u8]) -> Expr {
    let hex: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
    Expr::value(Value::HexStringLiteral(hex))
}

pub(crate) fn nested(e: Expr) -> Expr {
    match e {
        Expr::Nested(_)
        | Expr::Identifier(_)
        | Expr::CompoundIdentifier(_)
        | Expr::Value(_)
        | Expr::Function(_) => e,
        other => Expr::Nested(Box::new(other)),
    }
}

pub(crate) fn not(e: Expr) -> Expr {
    Expr::UnaryOp {
        op: UnaryOperator::Not,
        expr: Box::new(nested(e)),
    }
}

pub(crate) fn binary(left: Expr, op: BinaryOperator, right: Expr) -> Expr {
    Expr::BinaryOp {
        left: Box::new(left),
        op,
        right: Box::new(right),
    }
}

/// `CAST(e AS <sqlite type>)` with one of SQLite's own type names.
pub(crate) fn sqlite_cast(e: Expr, sqlite_type: &str) -> Expr {
    Expr::Cast {
        kind: CastKind::Cast,
        expr: Box::new(e),
        data_type: DataType::Custom(object_name(sqlite_type), Vec::new()),
        format: None,
    }
}

/// The text of a string literal, if `e` is one.
pub(crate) fn string_literal(e: &Expr) -> Option<&str> {
    match e {
        Expr::Value(v) => match &v.value {
            Value::SingleQuotedString(s) => Some(s),
            _ => None,
        },
        Expr::Nested(inner) => string_literal(inner),
        _ => None,
    }
}

/// The `n` of a `$n` placeholder.
pub(crate) fn placeholder(e: &Expr) -> Option<usize> {
    match e {
        Expr::Value(v) => match &v.value {
            Value::Placeholder(p) => p.strip_prefix('$')?.parse().ok(),
            _ => None,
        },
        Expr::Nested(inner) => placeholder(inner),
        _ => None,
    }
}

/// A query parsed from `sql`, with `__hg_arg0`, `__hg_arg1`... replaced by `args`.
pub(crate) fn template(sql: &str, args: &[Expr]) -> Result<Query, CatalogError> {
    let internal = |e: String| CatalogError::Internal(format!("translation template: {e}"));
    let mut statements =
        Parser::parse_sql(&PostgreSqlDialect {}, sql).map_err(|e| internal(e.to_string()))?;
    let Some(Statement::Query(mut query)) = statements.pop() else {
        return Err(internal(sql.to_owned()));
    };
    let _ = visit_expressions_mut(&mut *query, |e| {
        if let Expr::Identifier(id) = e
            && let Some(n) = id.value.strip_prefix("__hg_arg")
            && let Ok(i) = n.parse::<usize>()
            && let Some(a) = args.get(i)
        {
            *e = a.clone();
        }
        ControlFlow::<()>::Continue(())
    });
    Ok(*query)
}
