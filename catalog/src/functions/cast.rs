//! Casts with PostgreSQL's semantics: `x::int4`, `x::bool`, `x::float8`,
//! `x::bytea`... as SQL functions (`cast_int4(x)`), and the same conversions
//! for the translator, which folds casts of literals before SQLite sees them.
//!
//! SQLite's `CAST` never fails (`CAST('abc' AS INTEGER)` is 0) and truncates
//! reals; PostgreSQL rejects bad input and rounds. Casts written for
//! PostgreSQL get PostgreSQL's answers, with its error messages.

use rusqlite::Connection;
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::{Value, ValueRef};

use crate::schema::ColumnType;

/// What each function of this module returns, for `Describe`.
pub(crate) const RETURN_TYPES: &[(&str, ColumnType)] = &[
    ("cast_int2", ColumnType::SmallInt),
    ("cast_int4", ColumnType::Integer),
    ("cast_int8", ColumnType::BigInt),
    ("cast_oid", ColumnType::Oid),
    ("cast_float4", ColumnType::Real),
    ("cast_float8", ColumnType::Double),
    ("cast_numeric", ColumnType::Numeric),
    ("cast_bool", ColumnType::Bool),
    ("cast_bytea", ColumnType::Bytea),
    ("bool_out", ColumnType::Text),
    ("bytea_out", ColumnType::Text),
];

/// The integer types a cast can target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IntKind {
    Int2,
    Int4,
    Int8,
    Oid,
}

impl IntKind {
    fn type_name(self) -> &'static str {
        match self {
            IntKind::Int2 => "smallint",
            IntKind::Int4 => "integer",
            IntKind::Int8 => "bigint",
            IntKind::Oid => "oid",
        }
    }

    fn range(self) -> (i64, i64) {
        match self {
            IntKind::Int2 => (i16::MIN.into(), i16::MAX.into()),
            IntKind::Int4 => (i32::MIN.into(), i32::MAX.into()),
            IntKind::Int8 => (i64::MIN, i64::MAX),
            // PostgreSQL reads negative OIDs as their unsigned 32-bit twins.
            IntKind::Oid => (i32::MIN.into(), u32::MAX.into()),
        }
    }

    fn check(self, v: i64) -> Result<i64, String> {
        let (lo, hi) = self.range();
        if v < lo || v > hi {
            return Err(format!("{} out of range", self.type_name()));
        }
        Ok(if self == IntKind::Oid && v < 0 {
            v + (1 << 32)
        } else {
            v
        })
    }
}

fn invalid(type_name: &str, text: &str) -> String {
    format!("invalid input syntax for type {type_name}: \"{text}\"")
}

/// Rounds half away from zero, as PostgreSQL's numeric-to-integer casts do.
fn round_half_away(f: f64) -> f64 {
    f.round()
}

/// An integer of `kind` from any SQLite value; `None` for NULL.
pub(crate) fn to_int(value: ValueRef<'_>, kind: IntKind) -> Result<Option<i64>, String> {
    match value {
        ValueRef::Null => Ok(None),
        ValueRef::Integer(i) => kind.check(i).map(Some),
        ValueRef::Real(f) => {
            let r = round_half_away(f);
            if !(-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&r) {
                return Err(format!("{} out of range", kind.type_name()));
            }
            kind.check(r as i64).map(Some)
        }
        ValueRef::Text(t) => {
            let s = String::from_utf8_lossy(t);
            let trimmed = s.trim();
            match trimmed.strip_prefix('+').unwrap_or(trimmed).parse::<i64>() {
                Ok(v) => kind.check(v).map(Some),
                Err(e)
                    if matches!(
                        e.kind(),
                        std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow
                    ) =>
                {
                    Err(format!(
                        "value \"{s}\" is out of range for type {}",
                        kind.type_name()
                    ))
                }
                _ => Err(invalid(kind.type_name(), &s)),
            }
        }
        ValueRef::Blob(_) => Err(format!("cannot cast type bytea to {}", kind.type_name())),
    }
}

/// A float from any SQLite value; `None` for NULL.
pub(crate) fn to_float(value: ValueRef<'_>, type_name: &str) -> Result<Option<f64>, String> {
    match value {
        ValueRef::Null => Ok(None),
        ValueRef::Integer(i) => Ok(Some(i as f64)),
        ValueRef::Real(f) => Ok(Some(f)),
        ValueRef::Text(t) => {
            let s = String::from_utf8_lossy(t);
            let trimmed = s.trim();
            let special = match trimmed.to_ascii_lowercase().as_str() {
                "nan" => Some(f64::NAN),
                "infinity" | "+infinity" | "inf" | "+inf" => Some(f64::INFINITY),
                "-infinity" | "-inf" => Some(f64::NEG_INFINITY),
                _ => None,
            };
            if let Some(f) = special {
                return Ok(Some(f));
            }
            let looks_numeric = !trimmed.is_empty()
                && trimmed
                    .chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
            match trimmed.parse::<f64>() {
                Ok(f) if looks_numeric && f.is_finite() => Ok(Some(f)),
                Ok(_) if looks_numeric => Err(format!(
                    "\"{trimmed}\" is out of range for type {type_name}"
                )),
                _ => Err(invalid(type_name, &s)),
            }
        }
        ValueRef::Blob(_) => Err(format!("cannot cast type bytea to {type_name}")),
    }
}

/// A number for `numeric`: integers stay integers, everything else is a float.
pub(crate) fn to_numeric(value: ValueRef<'_>) -> Result<Value, String> {
    match value {
        ValueRef::Null => Ok(Value::Null),
        ValueRef::Integer(i) => Ok(Value::Integer(i)),
        ValueRef::Text(t) => {
            let s = String::from_utf8_lossy(t);
            if let Ok(i) = s.trim().parse::<i64>() {
                return Ok(Value::Integer(i));
            }
            Ok(to_float(value, "numeric")?.map_or(Value::Null, Value::Real))
        }
        other => Ok(to_float(other, "numeric")?.map_or(Value::Null, Value::Real)),
    }
}

/// PostgreSQL's boolean input: `t`, `true`, `yes`, `on`, `1` and their
/// opposites, in any case, or any unique prefix of them.
pub(crate) fn parse_bool(text: &str) -> Option<bool> {
    let s = text.trim().to_ascii_lowercase();
    if s.is_empty() {
        return None;
    }
    match s.as_str() {
        "1" | "on" => return Some(true),
        "0" | "off" | "of" => return Some(false),
        _ => {}
    }
    if "true".starts_with(&s) || "yes".starts_with(&s) {
        Some(true)
    } else if "false".starts_with(&s) || "no".starts_with(&s) {
        Some(false)
    } else {
        None
    }
}

/// A boolean from any SQLite value; `None` for NULL.
pub(crate) fn to_bool(value: ValueRef<'_>) -> Result<Option<bool>, String> {
    match value {
        ValueRef::Null => Ok(None),
        ValueRef::Integer(i) => Ok(Some(i != 0)),
        ValueRef::Real(f) => Ok(Some(f != 0.0)),
        ValueRef::Text(t) => {
            let s = String::from_utf8_lossy(t);
            parse_bool(&s)
                .map(Some)
                .ok_or_else(|| invalid("boolean", &s))
        }
        ValueRef::Blob(_) => Err("cannot cast type bytea to boolean".to_owned()),
    }
}

/// `bytea` input: `\x` followed by hex digits, or the escape format
/// (backslash-octal escapes, `\\` for a backslash).
pub(crate) fn parse_bytea(text: &str) -> Result<Vec<u8>, String> {
    if let Some(hex) = text
        .strip_prefix("\\x")
        .or_else(|| text.strip_prefix("\\X"))
    {
        let digits: Vec<u8> = hex.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
        if !digits.len().is_multiple_of(2) {
            return Err("invalid hexadecimal data: odd number of digits".to_owned());
        }
        return digits
            .chunks(2)
            .map(|pair| {
                let s = std::str::from_utf8(pair).unwrap_or("zz");
                u8::from_str_radix(s, 16)
                    .map_err(|_| format!("invalid hexadecimal digit: \"{}\"", s))
            })
            .collect();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            out.push(bytes[i]);
            i += 1;
        } else if bytes.get(i + 1) == Some(&b'\\') {
            out.push(b'\\');
            i += 2;
        } else if i + 3 < bytes.len()
            && bytes[i + 1..i + 4]
                .iter()
                .all(|b| (b'0'..=b'7').contains(b))
            && bytes[i + 1] <= b'3'
        {
            let v = (bytes[i + 1] - b'0') * 64 + (bytes[i + 2] - b'0') * 8 + (bytes[i + 3] - b'0');
            out.push(v);
            i += 4;
        } else {
            return Err("invalid input syntax for type bytea".to_owned());
        }
    }
    Ok(out)
}

/// `bytea` output in PostgreSQL's default hex format.
pub(crate) fn bytea_text(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(2 + bytes.len() * 2);
    s.push_str("\\x");
    for b in bytes {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

fn user_error(message: String) -> rusqlite::Error {
    rusqlite::Error::UserFunctionError(message.into())
}

fn int_cast(ctx: &Context<'_>, kind: IntKind) -> rusqlite::Result<Option<i64>> {
    to_int(ctx.get_raw(0), kind).map_err(user_error)
}

pub(crate) fn register(conn: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("cast_int2", 1, flags, |ctx| int_cast(ctx, IntKind::Int2))?;
    conn.create_scalar_function("cast_int4", 1, flags, |ctx| int_cast(ctx, IntKind::Int4))?;
    conn.create_scalar_function("cast_int8", 1, flags, |ctx| int_cast(ctx, IntKind::Int8))?;
    conn.create_scalar_function("cast_oid", 1, flags, |ctx| int_cast(ctx, IntKind::Oid))?;
    conn.create_scalar_function("cast_float4", 1, flags, |ctx| {
        to_float(ctx.get_raw(0), "real")
            .map(|v| v.map(|f| f64::from(f as f32)))
            .map_err(user_error)
    })?;
    conn.create_scalar_function("cast_float8", 1, flags, |ctx| {
        to_float(ctx.get_raw(0), "double precision").map_err(user_error)
    })?;
    conn.create_scalar_function("cast_numeric", 1, flags, |ctx| {
        to_numeric(ctx.get_raw(0)).map_err(user_error)
    })?;
    conn.create_scalar_function("cast_bool", 1, flags, |ctx| {
        to_bool(ctx.get_raw(0)).map_err(user_error)
    })?;
    conn.create_scalar_function("cast_bytea", 1, flags, |ctx| {
        Ok(match ctx.get_raw(0) {
            ValueRef::Null => None,
            ValueRef::Blob(b) => Some(b.to_vec()),
            ValueRef::Text(t) => {
                Some(parse_bytea(&String::from_utf8_lossy(t)).map_err(user_error)?)
            }
            ValueRef::Integer(i) => Some(i.to_string().into_bytes()),
            ValueRef::Real(f) => Some(f.to_string().into_bytes()),
        })
    })?;
    // `true::text` is 'true' in PostgreSQL, not SQLite's '1'.
    conn.create_scalar_function("bool_out", 1, flags, |ctx| {
        Ok(to_bool(ctx.get_raw(0))
            .map_err(user_error)?
            .map(|b| if b { "true" } else { "false" }))
    })?;
    conn.create_scalar_function("bytea_out", 1, flags, |ctx| {
        Ok(match ctx.get_raw(0) {
            ValueRef::Null => None,
            ValueRef::Blob(b) | ValueRef::Text(b) => Some(bytea_text(b)),
            ValueRef::Integer(i) => Some(bytea_text(i.to_string().as_bytes())),
            ValueRef::Real(f) => Some(bytea_text(f.to_string().as_bytes())),
        })
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> ValueRef<'_> {
        ValueRef::Text(s.as_bytes())
    }

    #[test]
    fn integers_round_and_check_range_like_postgresql() {
        assert_eq!(to_int(text(" 42 "), IntKind::Int4), Ok(Some(42)));
        assert_eq!(to_int(ValueRef::Real(2.5), IntKind::Int4), Ok(Some(3)));
        assert_eq!(to_int(ValueRef::Real(-2.5), IntKind::Int4), Ok(Some(-3)));
        assert_eq!(
            to_int(text("abc"), IntKind::Int4),
            Err("invalid input syntax for type integer: \"abc\"".to_owned())
        );
        assert_eq!(
            to_int(text("1.5"), IntKind::Int8),
            Err("invalid input syntax for type bigint: \"1.5\"".to_owned())
        );
        assert_eq!(
            to_int(ValueRef::Integer(70000), IntKind::Int2),
            Err("smallint out of range".to_owned())
        );
        assert_eq!(
            to_int(ValueRef::Integer(-1), IntKind::Oid),
            Ok(Some(4_294_967_295))
        );
        assert_eq!(to_int(ValueRef::Null, IntKind::Int4), Ok(None));
        assert!(to_int(ValueRef::Real(f64::NAN), IntKind::Int8).is_err());
        assert!(to_int(text("99999999999999999999"), IntKind::Int8).is_err());
    }

    #[test]
    fn booleans_accept_postgresql_spellings() {
        for t in ["t", "TRUE", "yes", "on", "1", "y", " tr "] {
            assert_eq!(parse_bool(t), Some(true), "{t}");
        }
        for f in ["f", "false", "NO", "off", "0", "n"] {
            assert_eq!(parse_bool(f), Some(false), "{f}");
        }
        for bad in ["", "o", "maybe", "2"] {
            assert_eq!(parse_bool(bad), None, "{bad}");
        }
    }

    #[test]
    fn floats_and_bytea() {
        assert_eq!(to_float(text("1e3"), "double precision"), Ok(Some(1000.0)));
        assert!(to_float(text("1e400"), "double precision").is_err());
        assert!(to_float(text("x"), "double precision").is_err());
        assert_eq!(
            to_float(text("-Infinity"), "real"),
            Ok(Some(f64::NEG_INFINITY))
        );
        assert_eq!(parse_bytea("\\x4142"), Ok(b"AB".to_vec()));
        assert_eq!(parse_bytea("a\\101\\\\"), Ok(b"aA\\".to_vec()));
        assert!(parse_bytea("\\x414").is_err());
        assert_eq!(bytea_text(b"AB"), "\\x4142");
    }
}
