//! Result column names as PostgreSQL gives them (its `FigureColname`):
//! `count(*)` is `count`, a cast of a column keeps the column's name, a cast
//! of a constant takes the type's name, `CASE` is `case`, and any other
//! expression is `?column?`. SQLite would name them by their text.

use sqlparser::ast::{
    AccessExpr, Expr, Ident, ObjectNamePart, Query, SelectItem, SetExpr, TrimWhereField,
};

use crate::translate::infer::cast_target;

/// An identifier as PostgreSQL folds it: unquoted names are lower case.
pub(crate) fn fold(id: &Ident) -> String {
    if id.quote_style.is_some() {
        id.value.clone()
    } else {
        id.value.to_lowercase()
    }
}

/// The name PostgreSQL gives a result column computed by `e`.
pub(crate) fn column_name(e: &Expr) -> String {
    figure(e).map_or_else(|| "?column?".to_owned(), |(n, _)| n)
}

/// A name and its strength: 2 for names taken from columns and functions,
/// 1 for the weak names of `CASE`, `ARRAY[...]` and cast types.
fn figure(e: &Expr) -> Option<(String, u8)> {
    Some(match e {
        Expr::Identifier(id) => (fold(id), 2),
        Expr::CompoundIdentifier(parts) => (fold(parts.last()?), 2),
        Expr::CompoundFieldAccess { root, access_chain } => match access_chain.last()? {
            AccessExpr::Dot(Expr::Identifier(id)) => (fold(id), 2),
            _ => figure(root)?,
        },
        Expr::Function(f) => match f.name.0.last()? {
            ObjectNamePart::Identifier(id) => (fold(id), 2),
            ObjectNamePart::Function(_) => return None,
        },
        Expr::Cast {
            expr, data_type, ..
        } => match figure(expr) {
            Some((n, 2)) => (n, 2),
            _ => (cast_target(data_type).ok()?.name, 1),
        },
        Expr::TypedString(t) => (cast_target(&t.data_type).ok()?.name, 1),
        Expr::Interval(_) => ("interval".to_owned(), 1),
        Expr::Collate { expr, .. } | Expr::Nested(expr) => figure(expr)?,
        Expr::Case { .. } => ("case".to_owned(), 1),
        Expr::Array(_) => ("array".to_owned(), 1),
        Expr::Tuple(_) => ("row".to_owned(), 1),
        Expr::Exists { .. } => ("exists".to_owned(), 2),
        Expr::Subquery(q) => (first_output_name(q)?, 2),
        Expr::Extract { .. } => ("extract".to_owned(), 2),
        Expr::Position { .. } => ("position".to_owned(), 2),
        Expr::Substring { .. } => ("substring".to_owned(), 2),
        Expr::Overlay { .. } => ("overlay".to_owned(), 2),
        Expr::Ceil { .. } => ("ceil".to_owned(), 2),
        Expr::Floor { .. } => ("floor".to_owned(), 2),
        Expr::AtTimeZone { .. } => ("timezone".to_owned(), 2),
        Expr::Trim { trim_where, .. } => (
            match trim_where {
                Some(TrimWhereField::Leading) => "ltrim",
                Some(TrimWhereField::Trailing) => "rtrim",
                _ => "btrim",
            }
            .to_owned(),
            2,
        ),
        _ => return None,
    })
}

/// The name of a subquery's first result column, for `(SELECT x ...)`.
fn first_output_name(q: &Query) -> Option<String> {
    let mut body = q.body.as_ref();
    loop {
        match body {
            SetExpr::Select(s) => {
                return match s.projection.first()? {
                    SelectItem::UnnamedExpr(e) => Some(column_name(e)),
                    SelectItem::ExprWithAlias { alias, .. } => Some(fold(alias)),
                    _ => None,
                };
            }
            SetExpr::Query(q) => body = q.body.as_ref(),
            SetExpr::SetOperation { left, .. } => body = left.as_ref(),
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::dialect::PostgreSqlDialect;
    use sqlparser::parser::Parser;

    fn names(sql: &str) -> Vec<String> {
        let stmt = Parser::parse_sql(&PostgreSqlDialect {}, sql)
            .expect("parse")
            .remove(0);
        let sqlparser::ast::Statement::Query(q) = stmt else {
            panic!("not a query")
        };
        let SetExpr::Select(s) = *q.body else {
            panic!("not a select")
        };
        s.projection
            .iter()
            .map(|i| match i {
                SelectItem::UnnamedExpr(e) => column_name(e),
                _ => String::new(),
            })
            .collect()
    }

    #[test]
    fn names_follow_postgresql() {
        // Checked against PostgreSQL 15.
        assert_eq!(
            names(
                "SELECT count(*), 1, 'a', 1::int, 'x'::text, now(), current_user, user, \
                 CASE WHEN true THEN 1 END, EXISTS (SELECT 1), ARRAY[1], (SELECT 1 AS z), \
                 trim(' a '), position('a' in 'b'), substring('abc' from 2), \
                 extract(epoch from now()), coalesce(1, 2), 1 + 1, -1, true, NULL, \
                 (ARRAY[1,2])[1], interval '1 day', timestamp '2024-01-01', \
                 max(x.relname)::varchar(10), x.relname::varchar(10), CAST(1 AS bigint), \
                 pg_catalog.version(), P.Name, s[i], \"Quoted\""
            ),
            [
                "count",
                "?column?",
                "?column?",
                "int4",
                "text",
                "now",
                "current_user",
                "user",
                "case",
                "exists",
                "array",
                "z",
                "btrim",
                "position",
                "substring",
                "extract",
                "coalesce",
                "?column?",
                "?column?",
                "?column?",
                "?column?",
                "array",
                "interval",
                "timestamp",
                "max",
                "relname",
                "int8",
                "version",
                "name",
                "s",
                "Quoted"
            ]
        );
    }
}
