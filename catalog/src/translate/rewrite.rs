//! AST rewrites from PostgreSQL constructs to SQLite ones, and `$n` numbering.

use std::ops::ControlFlow;

use sqlparser::ast::{CastKind, Expr, Statement, visit_expressions_mut};

/// Rewrites `statement` in place; returns whether anything changed.
pub(super) fn rewrite(statement: &mut Statement) -> bool {
    let mut changed = false;
    let _ = visit_expressions_mut(statement, |expr| {
        if let Expr::Cast { kind, .. } = expr
            && *kind == CastKind::DoubleColon
        {
            *kind = CastKind::Cast;
            changed = true;
        }
        ControlFlow::<()>::Continue(())
    });
    changed
}

/// Rewrites `$n` parameters to `?n`: SQLite numbers `$name` parameters by
/// first appearance, so `$2` before `$1` would bind the wrong values.
/// Quoted text and comments are left alone.
pub(super) fn number_placeholders(sql: &str) -> String {
    let bytes = sql.as_bytes();
    let mut out = String::with_capacity(sql.len());
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        match bytes[i] {
            q @ (b'\'' | b'"' | b'`') => {
                i += 1;
                while i < bytes.len() {
                    if bytes[i] == q {
                        if bytes.get(i + 1) == Some(&q) {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                i += 1;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            b'$' if bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
                && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_')) =>
            {
                out.push_str(&sql[copied..i]);
                out.push('?');
                i += 1;
                copied = i;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    out.push_str(&sql[copied.min(sql.len())..]);
    out
}

#[cfg(test)]
mod tests {
    use super::number_placeholders;

    #[test]
    fn numbers_parameters_outside_quotes_and_comments() {
        assert_eq!(
            number_placeholders("select $1, a$1, '$2', \"$3\" -- $4\n, $10 /* $5 */"),
            "select ?1, a$1, '$2', \"$3\" -- $4\n, ?10 /* $5 */"
        );
    }
}
