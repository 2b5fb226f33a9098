//! Literals folded at translation time: `'2024-01-01'::timestamptz`,
//! `'t'::bool`, `'1 hour'::interval`, `'{a,b}'::text[]` become the values
//! SQLite stores, with PostgreSQL's input rules and error messages; and an
//! untyped string compared with a typed expression takes that type, as in
//! PostgreSQL (`to_timestamp(t) > '2024-01-01T00:00:00Z'`).

use rusqlite::types::ValueRef;
use sqlparser::ast::{Expr, UnaryOperator, Value};

use crate::functions::array::{json_array_text, parse_pg_array};
use crate::functions::cast::{bytea_text, parse_bool, parse_bytea, to_float, to_int, to_numeric};
use crate::functions::time::{MomentKind, parse_interval, parse_moment};
use crate::schema::ColumnType;
use crate::translate::build;
use crate::translate::infer::{Conv, Target, Ty};

/// A constant the translator can convert.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Literal {
    Str(String),
    /// A number as written (possibly negative).
    Num(String),
    Bool(bool),
    Null,
}

/// The literal `e` is, if it is one (a negated number counts).
pub(crate) fn literal(e: &Expr) -> Option<Literal> {
    match e {
        Expr::Value(v) => match &v.value {
            Value::SingleQuotedString(s) => Some(Literal::Str(s.clone())),
            Value::Number(n, _) => Some(Literal::Num(n.clone())),
            Value::Boolean(b) => Some(Literal::Bool(*b)),
            Value::Null => Some(Literal::Null),
            _ => None,
        },
        Expr::Nested(inner) => literal(inner),
        Expr::UnaryOp {
            op: UnaryOperator::Minus,
            expr,
        } => match literal(expr)? {
            Literal::Num(n) if !n.starts_with('-') => Some(Literal::Num(format!("-{n}"))),
            _ => None,
        },
        _ => None,
    }
}

fn num_value(n: &str) -> ValueRef<'_> {
    ValueRef::Text(n.as_bytes())
}

/// The expression for a cast of `lit` to `target`, computed now; `Ok(None)`
/// when the cast must happen at run time.
pub(crate) fn fold_cast(lit: &Literal, target: &Target) -> Result<Option<Expr>, String> {
    if *lit == Literal::Null {
        return Ok(Some(build::null()));
    }
    let text = match lit {
        Literal::Str(s) | Literal::Num(s) => s.clone(),
        Literal::Bool(b) => (if *b { "true" } else { "false" }).to_owned(),
        Literal::Null => String::new(),
    };
    let is_num = matches!(lit, Literal::Num(_));
    let is_bool = matches!(lit, Literal::Bool(_));
    Ok(Some(match target.conv {
        Conv::Int(kind) => {
            let v = match lit {
                Literal::Bool(b) => i64::from(*b),
                Literal::Num(n) if n.contains(['.', 'e', 'E']) => {
                    let f = to_float(num_value(n), "numeric")?.unwrap_or(0.0);
                    to_int(ValueRef::Real(f), kind)?.unwrap_or(0)
                }
                _ => to_int(ValueRef::Text(text.as_bytes()), kind)?.unwrap_or(0),
            };
            build::number(v)
        }
        Conv::Float4 | Conv::Float8 => {
            if is_bool {
                return Err(format!("cannot cast type boolean to {}", target.name));
            }
            let type_name = if target.conv == Conv::Float4 {
                "real"
            } else {
                "double precision"
            };
            match to_float(ValueRef::Text(text.as_bytes()), type_name)? {
                Some(f) if f.is_finite() => {
                    let f = if target.conv == Conv::Float4 {
                        f64::from(f as f32)
                    } else {
                        f
                    };
                    build::real(f)
                }
                _ => return Ok(None),
            }
        }
        Conv::Numeric => {
            if is_bool {
                return Err("cannot cast type boolean to numeric".to_owned());
            }
            match to_numeric(ValueRef::Text(text.as_bytes()))? {
                rusqlite::types::Value::Integer(i) => build::number(i),
                rusqlite::types::Value::Real(f) if f.is_finite() => {
                    if is_num {
                        build::number(&text)
                    } else {
                        build::real(f)
                    }
                }
                _ => return Ok(None),
            }
        }
        Conv::Text(max) => {
            let s = match max {
                Some(n) => text
                    .chars()
                    .take(usize::try_from(n).unwrap_or(usize::MAX))
                    .collect(),
                None => text,
            };
            build::string(&s)
        }
        Conv::Bool => {
            let b = match lit {
                Literal::Bool(b) => *b,
                Literal::Num(n) => n
                    .parse::<f64>()
                    .map(|f| f != 0.0)
                    .map_err(|_| format!("invalid input syntax for type boolean: \"{n}\""))?,
                _ => parse_bool(&text)
                    .ok_or_else(|| format!("invalid input syntax for type boolean: \"{text}\""))?,
            };
            build::number(i64::from(b))
        }
        Conv::Moment(kind) => {
            if !matches!(lit, Literal::Str(_)) {
                return Err(format!(
                    "cannot cast type {} to {}",
                    literal_type(lit),
                    kind_name(kind)
                ));
            }
            build::string(&parse_moment(&text, kind)?.format())
        }
        Conv::Interval => {
            if !matches!(lit, Literal::Str(_)) {
                return Err(format!(
                    "cannot cast type {} to interval",
                    literal_type(lit)
                ));
            }
            build::string(&parse_interval(&text)?.format())
        }
        Conv::Json => {
            let v: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| format!("invalid input syntax for type json: {e}"))?;
            build::string(&if is_num || is_bool {
                v.to_string()
            } else {
                text
            })
        }
        Conv::Bytea => {
            let bytes = parse_bytea(&text)?;
            let _ = bytea_text(&bytes);
            build::blob(&bytes)
        }
        Conv::Reg(r) => {
            if is_num {
                build::number(&text)
            } else {
                build::call(&format!("{}_in", r.name()), vec![build::string(&text)])
            }
        }
        Conv::Array(elem) => {
            if !matches!(lit, Literal::Str(_)) {
                return Err(format!(
                    "cannot cast type {} to an array",
                    literal_type(lit)
                ));
            }
            build::string(&json_array_text(&parse_pg_array(&text, elem)?))
        }
        Conv::Keep => build::string(&text),
    }))
}

fn literal_type(lit: &Literal) -> &'static str {
    match lit {
        Literal::Num(n) if n.contains(['.', 'e', 'E']) => "numeric",
        Literal::Num(_) => "integer",
        Literal::Bool(_) => "boolean",
        _ => "text",
    }
}

fn kind_name(kind: MomentKind) -> &'static str {
    match kind {
        MomentKind::Date => "date",
        MomentKind::Timestamp => "timestamp without time zone",
        MomentKind::TimestampTz => "timestamp with time zone",
    }
}

/// The implicit target of an untyped string compared with a value of type `ty`.
fn implicit_target(ty: Ty) -> Option<Target> {
    use crate::functions::array::ElemKind;
    use crate::functions::cast::IntKind;
    let conv = match ty {
        Ty::Reg(r) => Conv::Reg(r),
        Ty::Known(t) => match t {
            ColumnType::SmallInt => Conv::Int(IntKind::Int2),
            ColumnType::Integer => Conv::Int(IntKind::Int4),
            ColumnType::BigInt | ColumnType::UnsignedBigInt => Conv::Int(IntKind::Int8),
            ColumnType::Oid => Conv::Int(IntKind::Oid),
            ColumnType::Double | ColumnType::Real => Conv::Float8,
            ColumnType::Numeric => Conv::Numeric,
            ColumnType::Bool => Conv::Bool,
            ColumnType::Date => Conv::Moment(MomentKind::Date),
            ColumnType::Timestamp => Conv::Moment(MomentKind::Timestamp),
            ColumnType::TimestampTz => Conv::Moment(MomentKind::TimestampTz),
            ColumnType::Interval => Conv::Interval,
            ColumnType::Array(e) => Conv::Array(match e {
                ColumnType::SmallInt
                | ColumnType::Integer
                | ColumnType::BigInt
                | ColumnType::Oid => ElemKind::Int,
                ColumnType::Double | ColumnType::Real | ColumnType::Numeric => ElemKind::Float,
                ColumnType::Bool => ElemKind::Bool,
                _ => ElemKind::Text,
            }),
            _ => return None,
        },
        Ty::Unknown => return None,
    };
    Some(Target {
        conv,
        ty,
        name: String::new(),
    })
}

/// Gives an untyped string literal `e` the type `ty` of what it is compared
/// with; leaves it alone when it does not convert (SQLite then compares as is).
pub(crate) fn coerce(e: &mut Expr, ty: Ty) -> bool {
    let Some(Literal::Str(s)) = literal(e) else {
        return false;
    };
    let Some(target) = implicit_target(ty) else {
        return false;
    };
    match fold_cast(&Literal::Str(s), &target) {
        Ok(Some(folded)) => {
            *e = folded;
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::infer::cast_target;
    use sqlparser::ast::DataType;

    fn fold(lit: Literal, dt: DataType) -> Result<Option<String>, String> {
        fold_cast(&lit, &cast_target(&dt).expect("target")).map(|e| e.map(|e| e.to_string()))
    }

    fn s(v: &str) -> Literal {
        Literal::Str(v.to_owned())
    }

    #[test]
    fn literal_casts_fold_with_postgresql_rules() {
        assert_eq!(
            fold(s("42"), DataType::Int8(None)),
            Ok(Some("42".to_owned()))
        );
        assert_eq!(
            fold(Literal::Num("2.5".into()), DataType::Int4(None)),
            Ok(Some("3".to_owned()))
        );
        assert_eq!(
            fold(s("abc"), DataType::Int4(None)),
            Err("invalid input syntax for type integer: \"abc\"".to_owned())
        );
        assert_eq!(fold(s("yes"), DataType::Boolean), Ok(Some("1".to_owned())));
        assert_eq!(
            fold(
                s("2026-11-28T00:00:00Z"),
                DataType::Timestamp(None, sqlparser::ast::TimezoneInfo::WithTimeZone)
            ),
            Ok(Some("'2026-11-28 00:00:00+00'".to_owned()))
        );
        assert_eq!(
            fold(
                s("90 minutes"),
                DataType::Interval {
                    fields: None,
                    precision: None
                }
            ),
            Ok(Some("'01:30:00'".to_owned()))
        );
        assert_eq!(
            fold(Literal::Num("1".into()), DataType::Text),
            Ok(Some("'1'".to_owned()))
        );
        assert_eq!(
            fold(Literal::Bool(true), DataType::Text),
            Ok(Some("'true'".to_owned()))
        );
        assert_eq!(
            fold(Literal::Null, DataType::Int4(None)),
            Ok(Some("NULL".to_owned()))
        );
        assert_eq!(
            fold(s("pg_class"), DataType::Regclass),
            Ok(Some("regclass_in('pg_class')".to_owned()))
        );
        assert_eq!(
            fold(s("\\x4142"), DataType::Bytea),
            Ok(Some("X'4142'".to_owned()))
        );
        assert!(fold(Literal::Num("1".into()), DataType::Date).is_err());
    }

    #[test]
    fn untyped_strings_take_the_type_they_meet() {
        let mut e = build::string("2026-11-28T06:00:00Z");
        assert!(coerce(&mut e, Ty::Known(ColumnType::TimestampTz)));
        assert_eq!(e.to_string(), "'2026-11-28 06:00:00+00'");
        let mut e = build::string("f");
        assert!(coerce(&mut e, Ty::Known(ColumnType::Bool)));
        assert_eq!(e.to_string(), "0");
        let mut e = build::string("public");
        assert!(!coerce(&mut e, Ty::Known(ColumnType::Oid)));
        assert_eq!(e.to_string(), "'public'");
        let mut e = build::string("x");
        assert!(!coerce(&mut e, Ty::Known(ColumnType::Text)));
    }
}
