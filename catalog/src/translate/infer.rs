//! Type inference for `Describe`: what a `$n` parameter should be and what an
//! expression column returns, read off the PostgreSQL-dialect AST.
//!
//! SQLite reports declared types only for plain table columns; PostgreSQL
//! clients want a type for every column and parameter before they run a
//! statement, so the common shapes are worked out here. What cannot be
//! inferred stays `None` and the wire layer falls back to text.

use std::collections::BTreeMap;
use std::ops::ControlFlow;

use sqlparser::ast::{
    BinaryOperator, CastKind, DataType, Expr, FunctionArg, FunctionArgExpr, FunctionArguments,
    InTarget, ObjectName, ObjectNamePart, SelectItem, SetExpr, Statement, Value, visit_expressions,
    visit_relations,
};

use crate::schema::ColumnType;
use crate::table::Registry;

/// The last identifier of a (possibly qualified) name, lower-cased.
fn last_part(name: &ObjectName) -> Option<String> {
    match name.0.last()? {
        ObjectNamePart::Identifier(i) => Some(i.value.to_ascii_lowercase()),
        ObjectNamePart::Function(_) => None,
    }
}

/// The parameter number of a `$n` placeholder.
fn placeholder(expr: &Expr) -> Option<usize> {
    match expr {
        Expr::Value(v) => match &v.value {
            Value::Placeholder(p) => p.strip_prefix('$')?.parse().ok(),
            _ => None,
        },
        Expr::Nested(e) => placeholder(e),
        _ => None,
    }
}

/// The column a bare or qualified identifier names.
fn column_name(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Identifier(i) => Some(i.value.to_ascii_lowercase()),
        Expr::CompoundIdentifier(parts) => parts.last().map(|i| i.value.to_ascii_lowercase()),
        Expr::Nested(e) => column_name(e),
        _ => None,
    }
}

/// The SQLite-side type a PostgreSQL type name maps to, if any.
pub(crate) fn data_type(dt: &DataType) -> Option<ColumnType> {
    use DataType as D;
    Some(match dt {
        D::Int(_) | D::Integer(_) | D::Int4(_) | D::SmallInt(_) | D::Int2(_) | D::TinyInt(_) => {
            ColumnType::Integer
        }
        D::BigInt(_) | D::Int8(_) | D::Int64 => ColumnType::BigInt,
        D::Float(_)
        | D::Real
        | D::Double(_)
        | D::DoublePrecision
        | D::Float4
        | D::Float8
        | D::Float64
        | D::Numeric(_)
        | D::Decimal(_) => ColumnType::Double,
        D::Text
        | D::Varchar(_)
        | D::Char(_)
        | D::Character(_)
        | D::CharacterVarying(_)
        | D::String(_) => ColumnType::Text,
        D::Custom(name, _) => match last_part(name)?.as_str() {
            "name" | "bpchar" | "citext" => ColumnType::Text,
            _ => return None,
        },
        _ => return None,
    })
}

/// The types of `$1..$n` implied by comparisons with table columns and by casts.
pub(super) fn param_types(statement: &Statement, registry: &Registry) -> Vec<Option<ColumnType>> {
    let mut tables = Vec::new();
    let _ = visit_relations(statement, |name| {
        if let Some(n) = last_part(name)
            && let Some(t) = registry.get(&n)
        {
            tables.push(t.schema());
        }
        ControlFlow::<()>::Continue(())
    });
    let column_type = |col: &str| -> Option<ColumnType> {
        let mut found = tables
            .iter()
            .filter_map(|s| s.columns.iter().find(|c| c.name == col).map(|c| c.ty));
        let first = found.next()?;
        found.all(|t| t == first).then_some(first)
    };

    let mut types: BTreeMap<usize, ColumnType> = BTreeMap::new();
    let mut max = 0usize;
    let _ = visit_expressions(statement, |expr| {
        if let Some(n) = placeholder(expr) {
            max = max.max(n);
        }
        let mut note = |p: &Expr, other: &Expr| {
            if let (Some(n), Some(col)) = (placeholder(p), column_name(other))
                && let Some(t) = column_type(&col)
            {
                types.entry(n).or_insert(t);
            }
        };
        match expr {
            Expr::BinaryOp {
                left,
                op:
                    BinaryOperator::Eq
                    | BinaryOperator::NotEq
                    | BinaryOperator::Lt
                    | BinaryOperator::LtEq
                    | BinaryOperator::Gt
                    | BinaryOperator::GtEq,
                right,
            } => {
                note(left, right);
                note(right, left);
            }
            Expr::In {
                expr: col,
                target: InTarget::List(list),
                ..
            } => {
                for item in list {
                    note(item, col);
                }
            }
            Expr::Like {
                expr: col, pattern, ..
            }
            | Expr::ILike {
                expr: col, pattern, ..
            } => {
                note(pattern, col);
            }
            Expr::Cast {
                expr: inner,
                data_type: dt,
                ..
            } => {
                if let (Some(n), Some(t)) = (placeholder(inner), data_type(dt)) {
                    types.insert(n, t);
                }
            }
            _ => {}
        }
        ControlFlow::<()>::Continue(())
    });
    (1..=max).map(|n| types.get(&n).copied()).collect()
}

/// The types of the top-level projection's expression columns.
pub(super) fn column_hints(statement: &Statement) -> Vec<Option<ColumnType>> {
    let Statement::Query(query) = statement else {
        return Vec::new();
    };
    let SetExpr::Select(select) = query.body.as_ref() else {
        return Vec::new();
    };
    let mut hints = Vec::with_capacity(select.projection.len());
    for item in &select.projection {
        match item {
            SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => {
                hints.push(expr_type(e));
            }
            _ => return Vec::new(),
        }
    }
    hints
}

fn first_arg(args: &FunctionArguments) -> Option<&Expr> {
    match args {
        FunctionArguments::List(list) => match list.args.first()? {
            FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Some(e),
            _ => None,
        },
        _ => None,
    }
}

/// The type an expression evaluates to, when its shape tells.
pub(crate) fn expr_type(expr: &Expr) -> Option<ColumnType> {
    match expr {
        Expr::Value(v) => match &v.value {
            Value::Number(n, _) => {
                if n.contains(['.', 'e', 'E']) {
                    Some(ColumnType::Double)
                } else if n.parse::<i32>().is_ok() {
                    Some(ColumnType::Integer)
                } else {
                    Some(ColumnType::BigInt)
                }
            }
            Value::SingleQuotedString(_)
            | Value::EscapedStringLiteral(_)
            | Value::DollarQuotedString(_) => Some(ColumnType::Text),
            _ => None,
        },
        Expr::Cast {
            kind: CastKind::Cast | CastKind::DoubleColon,
            data_type: dt,
            ..
        } => data_type(dt),
        Expr::Nested(e) => expr_type(e),
        Expr::UnaryOp { expr, .. } => expr_type(expr),
        Expr::BinaryOp { left, op, right } => match op {
            BinaryOperator::StringConcat => Some(ColumnType::Text),
            BinaryOperator::Plus
            | BinaryOperator::Minus
            | BinaryOperator::Multiply
            | BinaryOperator::Divide
            | BinaryOperator::Modulo => match (expr_type(left), expr_type(right)) {
                (Some(ColumnType::Double), _) | (_, Some(ColumnType::Double)) => {
                    Some(ColumnType::Double)
                }
                (Some(a), Some(b)) if a.is_integer() && b.is_integer() => Some(ColumnType::BigInt),
                _ => None,
            },
            _ => None,
        },
        Expr::Function(f) => {
            let name = last_part(&f.name)?;
            match name.as_str() {
                "count" | "length" | "octet_length" | "char_length" | "instr" | "unicode"
                | "random" | "changes" | "total_changes" | "pg_backend_pid" => {
                    Some(ColumnType::BigInt)
                }
                "avg" | "total" | "round" | "sqrt" | "power" | "pow" | "ln" | "log" | "exp" => {
                    Some(ColumnType::Double)
                }
                "lower" | "upper" | "substr" | "substring" | "replace" | "trim" | "ltrim"
                | "rtrim" | "printf" | "format" | "group_concat" | "string_agg" | "concat"
                | "concat_ws" | "hex" | "quote" | "typeof" | "version" | "current_database"
                | "current_schema" | "current_user" | "session_user" | "datetime" | "date"
                | "time" | "strftime" => Some(ColumnType::Text),
                "min" | "max" | "abs" | "coalesce" | "ifnull" | "sum" => {
                    first_arg(&f.args).and_then(expr_type)
                }
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::dialect::PostgreSqlDialect;
    use sqlparser::parser::Parser;

    fn parse(sql: &str) -> Statement {
        Parser::parse_sql(&PostgreSqlDialect {}, sql)
            .expect("parse")
            .remove(0)
    }

    #[test]
    fn params_take_the_type_of_the_column_they_meet() {
        let reg = Registry::builtin();
        let s = parse(
            "SELECT * FROM processes p WHERE p.pid = $1 AND $2 = name AND pid IN ($3, $1) OR $4::int8 > 0 OR $5",
        );
        assert_eq!(
            param_types(&s, &reg),
            vec![
                Some(ColumnType::BigInt),
                Some(ColumnType::Text),
                Some(ColumnType::BigInt),
                Some(ColumnType::BigInt),
                None
            ]
        );
    }

    #[test]
    fn expression_columns_get_types() {
        let s = parse(
            "SELECT 1, 1.5, 'a', count(*), pid, pid + 1, 3000000000, CAST(x AS text) FROM processes",
        );
        assert_eq!(
            column_hints(&s),
            vec![
                Some(ColumnType::Integer),
                Some(ColumnType::Double),
                Some(ColumnType::Text),
                Some(ColumnType::BigInt),
                None,
                None,
                Some(ColumnType::BigInt),
                Some(ColumnType::Text)
            ]
        );
        assert!(column_hints(&parse("SELECT *, 1 FROM processes")).is_empty());
    }
}
