//! Value codecs: a SQLite cell as each PostgreSQL type hostgres sends, in
//! text and binary format, and the binary forms clients bind back.
//!
//! SQLite holds booleans as 0/1, dates and timestamps as ISO text, arrays as
//! JSON text and vectors as space-separated text; these codecs turn them into
//! exactly the bytes PostgreSQL 15 sends for the same value (captured from a
//! real server in the tests).
//!
//! Layout:
//! - this file: [`Kind`] (how a column is encoded) and the scalar codecs.
//! - `datetime`: dates, timestamps, intervals.
//! - `numeric`: PostgreSQL's base-10000 `numeric`.
//! - `json`: a JSON reader and `jsonb`'s normalised text.
//! - `array`: arrays and `int2vector`/`oidvector`.

pub mod array;
pub mod datetime;
pub mod json;
pub mod numeric;

use std::fmt::Write;

use bytes::{BufMut, BytesMut};
use hostgres_catalog::Cell;
use pgwire::api::Type;

use self::datetime::Interval;
use self::numeric::Numeric;

/// A value that cannot be sent as its column's type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The value, described for the error message.
    pub value: String,
    pub type_name: &'static str,
    pub out_of_range: bool,
}

impl Mismatch {
    fn invalid(value: &str, type_name: &'static str) -> Mismatch {
        let mut shown: String = value.chars().take(60).collect();
        if shown.len() < value.len() {
            shown.push('…');
        }
        Mismatch {
            value: format!("'{shown}'"),
            type_name,
            out_of_range: false,
        }
    }

    fn of(cell: Cell<'_>, type_name: &'static str) -> Mismatch {
        let value = match cell {
            Cell::Null => "NULL".to_owned(),
            Cell::Int(i) => i.to_string(),
            Cell::Real(f) => format_float8(f),
            Cell::Text(t) => return Mismatch::invalid(&String::from_utf8_lossy(t), type_name),
            Cell::Blob(_) => "a blob".to_owned(),
        };
        Mismatch {
            value,
            type_name,
            out_of_range: false,
        }
    }

    fn range(value: impl ToString, type_name: &'static str) -> Mismatch {
        Mismatch {
            value: value.to_string(),
            type_name,
            out_of_range: true,
        }
    }
}

/// Session settings that change how values print.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The session's `TimeZone` as seconds east of UTC (UTC when it names a
    /// zone without fixed offset).
    pub zone_offset: i32,
}

/// A scalar PostgreSQL type, as far as encoding goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalar {
    Bool,
    Int2,
    Int4,
    Int8,
    Oid,
    Float4,
    Float8,
    Numeric,
    /// text, varchar, name, bpchar and anything else sent as its text.
    Text,
    /// The one-byte `"char"`.
    Char,
    Bytea,
    Date,
    Timestamp,
    TimestampTz,
    Interval,
    Json,
    Jsonb,
    Uuid,
}

impl Scalar {
    fn of_oid(oid: u32) -> Scalar {
        match oid {
            16 => Scalar::Bool,
            17 => Scalar::Bytea,
            18 => Scalar::Char,
            20 => Scalar::Int8,
            21 => Scalar::Int2,
            23 => Scalar::Int4,
            // oid and the reg* aliases (regproc, regclass, regtype, ...)
            24 | 26 | 2202 | 2203 | 2204 | 2205 | 2206 | 3734 | 3769 | 4089 | 4096 => Scalar::Oid,
            114 => Scalar::Json,
            700 => Scalar::Float4,
            701 => Scalar::Float8,
            1082 => Scalar::Date,
            1114 => Scalar::Timestamp,
            1184 => Scalar::TimestampTz,
            1186 => Scalar::Interval,
            1700 => Scalar::Numeric,
            2950 => Scalar::Uuid,
            3802 => Scalar::Jsonb,
            _ => Scalar::Text,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Scalar::Bool => "boolean",
            Scalar::Int2 => "smallint",
            Scalar::Int4 => "integer",
            Scalar::Int8 => "bigint",
            Scalar::Oid => "oid",
            Scalar::Float4 => "real",
            Scalar::Float8 => "double precision",
            Scalar::Numeric => "numeric",
            Scalar::Text => "text",
            Scalar::Char => "\"char\"",
            Scalar::Bytea => "bytea",
            Scalar::Date => "date",
            Scalar::Timestamp => "timestamp without time zone",
            Scalar::TimestampTz => "timestamp with time zone",
            Scalar::Interval => "interval",
            Scalar::Json => "json",
            Scalar::Jsonb => "jsonb",
            Scalar::Uuid => "uuid",
        }
    }
}

/// How a column's values are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Scalar(Scalar),
    /// A one-dimensional array of elements of PostgreSQL type `oid`.
    Array {
        elem: Scalar,
        oid: u32,
    },
    /// `int2vector` (elements int2) or `oidvector` (elements oid).
    Vector {
        elem: Scalar,
        oid: u32,
    },
}

impl Kind {
    /// The encoding of a PostgreSQL type.
    pub fn of(ty: &Type) -> Kind {
        match ty.oid() {
            22 => Kind::Vector {
                elem: Scalar::Int2,
                oid: 21,
            },
            30 => Kind::Vector {
                elem: Scalar::Oid,
                oid: 26,
            },
            oid => match array_element(oid) {
                Some(elem) => Kind::Array {
                    elem: Scalar::of_oid(elem),
                    oid: elem,
                },
                None => Kind::Scalar(Scalar::of_oid(oid)),
            },
        }
    }
}

/// The element type of PostgreSQL's built-in array types.
fn array_element(array_oid: u32) -> Option<u32> {
    Some(match array_oid {
        199 => 114,
        1000 => 16,
        1001 => 17,
        1002 => 18,
        1003 => 19,
        1005 => 21,
        1007 => 23,
        1008 => 24,
        1009 => 25,
        1014 => 1042,
        1015 => 1043,
        1016 => 20,
        1021 => 700,
        1022 => 701,
        1028 => 26,
        1115 => 1114,
        1182 => 1082,
        1185 => 1184,
        1187 => 1186,
        1231 => 1700,
        2210 => 2205,
        2211 => 2206,
        2951 => 2950,
        3807 => 3802,
        _ => return None,
    })
}

/// `pg_type.typlen` of a type: its fixed width, or -1.
pub fn type_size(ty: &Type) -> i16 {
    match ty.oid() {
        16 | 18 => 1,
        21 => 2,
        23 | 24 | 26 | 700 | 1082 | 2202..=2206 | 3734 | 3769 | 4089 | 4096 => 4,
        20 | 701 | 1083 | 1114 | 1184 => 8,
        2950 | 1186 => 16,
        19 => 64,
        _ => -1,
    }
}

/// Appends `cell` as a value of `kind`, in binary or text format, without a length prefix.
pub fn write(
    out: &mut BytesMut,
    kind: Kind,
    cell: Cell<'_>,
    binary: bool,
    cx: &Context,
) -> Result<(), Mismatch> {
    match kind {
        Kind::Scalar(s) => write_scalar(out, s, cell, binary, cx),
        Kind::Array { elem, oid } => {
            let text = match cell {
                Cell::Text(t) => std::str::from_utf8(t).map_err(|_| Mismatch::of(cell, "array"))?,
                other => return Err(Mismatch::of(other, "array")),
            };
            let items = array::elements(text, elem)?;
            if binary {
                array::write_binary(out, &items, elem, oid, false, cx)
            } else {
                array::write_text(out, &items, elem, cx)
            }
        }
        Kind::Vector { elem, oid } => {
            let items = array::vector_elements(cell)?;
            if binary {
                array::write_binary(out, &items, elem, oid, true, cx)
            } else {
                array::write_vector_text(out, &items, elem, cx)
            }
        }
    }
}

fn text_of<'a>(cell: Cell<'a>, ty: Scalar) -> Result<&'a str, Mismatch> {
    match cell {
        Cell::Text(t) => std::str::from_utf8(t).map_err(|_| Mismatch::of(cell, ty.name())),
        other => Err(Mismatch::of(other, ty.name())),
    }
}

fn as_int(cell: Cell<'_>, ty: Scalar) -> Result<i64, Mismatch> {
    match cell {
        Cell::Int(i) => Ok(i),
        Cell::Real(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Ok(f as i64),
        Cell::Text(t) => std::str::from_utf8(t)
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .ok_or_else(|| Mismatch::of(cell, ty.name())),
        other => Err(Mismatch::of(other, ty.name())),
    }
}

fn as_float(cell: Cell<'_>, ty: Scalar) -> Result<f64, Mismatch> {
    match cell {
        Cell::Int(i) => Ok(i as f64),
        Cell::Real(f) => Ok(f),
        Cell::Text(t) => std::str::from_utf8(t)
            .ok()
            .and_then(|s| parse_float(s.trim()))
            .ok_or_else(|| Mismatch::of(cell, ty.name())),
        other => Err(Mismatch::of(other, ty.name())),
    }
}

/// A float as PostgreSQL reads it (`NaN`, `Infinity`, `-Infinity` included).
pub fn parse_float(s: &str) -> Option<f64> {
    match s.to_ascii_lowercase().as_str() {
        "nan" => Some(f64::NAN),
        "infinity" | "+infinity" | "inf" | "+inf" => Some(f64::INFINITY),
        "-infinity" | "-inf" => Some(f64::NEG_INFINITY),
        other => other.parse().ok(),
    }
}

/// A boolean as PostgreSQL's `boolin` reads it, or as SQLite's 0/1.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "t" | "tr" | "tru" | "true" | "y" | "ye" | "yes" | "on" | "1" => Some(true),
        "f" | "fa" | "fal" | "fals" | "false" | "n" | "no" | "of" | "off" | "0" => Some(false),
        _ => None,
    }
}

fn as_bool(cell: Cell<'_>) -> Result<bool, Mismatch> {
    match cell {
        Cell::Int(i) => Ok(i != 0),
        Cell::Real(f) => Ok(f != 0.0),
        Cell::Text(t) => std::str::from_utf8(t)
            .ok()
            .and_then(parse_bool)
            .ok_or_else(|| Mismatch::of(cell, "boolean")),
        other => Err(Mismatch::of(other, "boolean")),
    }
}

/// Microseconds since 2000-01-01 (UTC for `timestamptz`) of a timestamp cell:
/// ISO text, or Unix seconds.
fn as_timestamp(cell: Cell<'_>, ty: Scalar) -> Result<i64, Mismatch> {
    match cell {
        Cell::Int(_) | Cell::Real(_) => datetime::from_unix_seconds(as_float(cell, ty)?)
            .ok_or_else(|| Mismatch::of(cell, ty.name())),
        _ => {
            let text = text_of(cell, ty)?;
            let parsed = datetime::parse_timestamp(text)
                .ok_or_else(|| Mismatch::invalid(text, ty.name()))?;
            if ty == Scalar::TimestampTz
                && let Some(off) = parsed.offset
                && !matches!(parsed.micros, i64::MIN | i64::MAX)
            {
                return parsed
                    .micros
                    .checked_sub(i64::from(off) * datetime::USECS_PER_SEC)
                    .ok_or_else(|| Mismatch::range(text, ty.name()));
            }
            Ok(parsed.micros)
        }
    }
}

fn as_date(cell: Cell<'_>) -> Result<i32, Mismatch> {
    match cell {
        Cell::Int(_) | Cell::Real(_) => {
            let micros = as_timestamp(cell, Scalar::Date)?;
            i32::try_from(micros.div_euclid(datetime::USECS_PER_DAY))
                .map_err(|_| Mismatch::range(micros, "date"))
        }
        _ => {
            let text = text_of(cell, Scalar::Date)?;
            datetime::parse_date(text).ok_or_else(|| Mismatch::invalid(text, "date"))
        }
    }
}

fn as_interval(cell: Cell<'_>) -> Result<Interval, Mismatch> {
    match cell {
        Cell::Int(_) | Cell::Real(_) => Interval::from_seconds(as_float(cell, Scalar::Interval)?)
            .ok_or_else(|| Mismatch::of(cell, "interval")),
        _ => {
            let text = text_of(cell, Scalar::Interval)?;
            datetime::parse_interval(text).ok_or_else(|| Mismatch::invalid(text, "interval"))
        }
    }
}

fn as_numeric(cell: Cell<'_>) -> Result<Numeric, Mismatch> {
    match cell {
        Cell::Int(i) => Numeric::parse(itoa::Buffer::new().format(i))
            .ok_or_else(|| Mismatch::of(cell, "numeric")),
        Cell::Real(f) => Ok(Numeric::from_f64(f)),
        _ => {
            let text = text_of(cell, Scalar::Numeric)?;
            Numeric::parse(text).ok_or_else(|| Mismatch::invalid(text, "numeric"))
        }
    }
}

/// The 16 bytes of a UUID written as 32 hex digits, hyphens and braces allowed.
pub fn parse_uuid(text: &str) -> Option<[u8; 16]> {
    let t = text.trim();
    let t = t
        .strip_prefix('{')
        .and_then(|t| t.strip_suffix('}'))
        .unwrap_or(t);
    let mut out = [0u8; 16];
    let mut n = 0;
    let mut hi: Option<u8> = None;
    for c in t.chars() {
        if c == '-' {
            continue;
        }
        let v = c.to_digit(16)? as u8;
        match hi.take() {
            None => hi = Some(v),
            Some(h) => {
                *out.get_mut(n)? = h << 4 | v;
                n += 1;
            }
        }
    }
    (n == 16 && hi.is_none()).then_some(out)
}

/// A UUID in PostgreSQL's canonical text form.
pub fn format_uuid(b: &[u8; 16]) -> String {
    let mut s = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        let _ = write!(s, "{byte:02x}");
    }
    s
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends `bytes` as bytea's hex text form, `\x0102...`.
pub fn write_bytea_hex(out: &mut BytesMut, bytes: &[u8]) {
    out.reserve(2 + 2 * bytes.len());
    out.put_slice(b"\\x");
    for b in bytes {
        out.put_u8(HEX[usize::from(b >> 4)]);
        out.put_u8(HEX[usize::from(b & 0xf)]);
    }
}

/// Writes a float in shortest round-trip digits, switching to exponent form
/// outside `[1e-4, 1e{max_exp})` as PostgreSQL does (15 for float8, 6 for float4).
fn write_float(
    out: &mut impl Write,
    shortest_exp: &str,
    plain: impl std::fmt::Display,
    exp_limit: i32,
) {
    let (mantissa, exp) = shortest_exp.split_once('e').unwrap_or((shortest_exp, "0"));
    let e: i32 = exp.parse().unwrap_or(0);
    if (-4..exp_limit).contains(&e) {
        let _ = write!(out, "{plain}");
    } else {
        let sign = if e < 0 { '-' } else { '+' };
        let _ = write!(out, "{mantissa}e{sign}{:02}", e.unsigned_abs());
    }
}

fn write_special(out: &mut impl Write, f: f64) -> bool {
    let s = if f.is_nan() {
        "NaN"
    } else if f == f64::INFINITY {
        "Infinity"
    } else if f == f64::NEG_INFINITY {
        "-Infinity"
    } else {
        return false;
    };
    let _ = out.write_str(s);
    true
}

/// A float8 as PostgreSQL prints it (extra_float_digits 1, the default).
pub fn format_float8(f: f64) -> String {
    let mut s = String::new();
    write_float8(&mut s, f);
    s
}

fn write_float8(out: &mut impl Write, f: f64) {
    if !write_special(out, f) {
        write_float(out, &format!("{f:e}"), f, 15);
    }
}

fn write_float4(out: &mut impl Write, f: f32) {
    if !write_special(out, f64::from(f)) {
        write_float(out, &format!("{f:e}"), f, 6);
    }
}

/// Appends one scalar value.
pub fn write_scalar(
    out: &mut BytesMut,
    ty: Scalar,
    cell: Cell<'_>,
    binary: bool,
    cx: &Context,
) -> Result<(), Mismatch> {
    match ty {
        Scalar::Int2 | Scalar::Int4 | Scalar::Int8 | Scalar::Oid => {
            let v = as_int(cell, ty)?;
            let range = || Mismatch::range(v, ty.name());
            match (ty, binary) {
                (Scalar::Int2, true) => out.put_i16(i16::try_from(v).map_err(|_| range())?),
                (Scalar::Int4, true) => out.put_i32(i32::try_from(v).map_err(|_| range())?),
                (Scalar::Oid, true) => out.put_u32(oid_value(v).ok_or_else(range)?),
                (Scalar::Int8, true) => out.put_i64(v),
                (Scalar::Oid, false) => out.put_slice(
                    itoa::Buffer::new()
                        .format(oid_value(v).ok_or_else(range)?)
                        .as_bytes(),
                ),
                (_, false) => {
                    let fits = match ty {
                        Scalar::Int2 => i16::try_from(v).is_ok(),
                        Scalar::Int4 => i32::try_from(v).is_ok(),
                        _ => true,
                    };
                    if !fits {
                        return Err(range());
                    }
                    out.put_slice(itoa::Buffer::new().format(v).as_bytes());
                }
                _ => unreachable!("integer types are matched above"),
            }
        }
        Scalar::Float4 => {
            let v = as_float(cell, ty)? as f32;
            if binary {
                out.put_f32(v);
            } else {
                write_float4(out, v);
            }
        }
        Scalar::Float8 => {
            let v = as_float(cell, ty)?;
            if binary {
                out.put_f64(v);
            } else {
                write_float8(out, v);
            }
        }
        Scalar::Bool => {
            let v = as_bool(cell)?;
            out.put_u8(if binary {
                u8::from(v)
            } else if v {
                b't'
            } else {
                b'f'
            });
        }
        Scalar::Numeric => match (cell, binary) {
            (Cell::Int(i), false) => out.put_slice(itoa::Buffer::new().format(i).as_bytes()),
            (_, false) => out.put_slice(as_numeric(cell)?.to_text().as_bytes()),
            (_, true) => as_numeric(cell)?.write_binary(out),
        },
        Scalar::Text => match cell {
            Cell::Text(t) | Cell::Blob(t) => match std::str::from_utf8(t) {
                Ok(s) => out.put_slice(s.as_bytes()),
                Err(_) => out.put_slice(String::from_utf8_lossy(t).as_bytes()),
            },
            Cell::Int(i) => out.put_slice(itoa::Buffer::new().format(i).as_bytes()),
            Cell::Real(f) => write_float8(out, f),
            Cell::Null => {}
        },
        Scalar::Char => {
            let byte = match cell {
                Cell::Text(t) | Cell::Blob(t) => t.first().copied().unwrap_or(0),
                Cell::Int(i) => u8::try_from(i).map_err(|_| Mismatch::range(i, "\"char\""))?,
                other => return Err(Mismatch::of(other, "\"char\"")),
            };
            match (binary, byte) {
                (true, b) => out.put_u8(b),
                (false, 0) => {}
                (false, b) if b.is_ascii() => out.put_u8(b),
                // PostgreSQL prints a non-ASCII "char" byte in octal.
                (false, b) => {
                    let _ = write!(out, "\\{b:03o}");
                }
            }
        }
        Scalar::Bytea => {
            let bytes: &[u8] = match cell {
                Cell::Blob(b) | Cell::Text(b) => b,
                Cell::Int(_) | Cell::Real(_) => {
                    let mut tmp = BytesMut::new();
                    write_scalar(&mut tmp, Scalar::Text, cell, false, cx)?;
                    return write_scalar(out, ty, Cell::Blob(&tmp), binary, cx);
                }
                Cell::Null => &[],
            };
            if binary {
                out.put_slice(bytes);
            } else {
                write_bytea_hex(out, bytes);
            }
        }
        Scalar::Date => {
            let days = as_date(cell)?;
            if binary {
                out.put_i32(days);
            } else {
                out.put_slice(datetime::format_date(days).as_bytes());
            }
        }
        Scalar::Timestamp | Scalar::TimestampTz => {
            let micros = as_timestamp(cell, ty)?;
            if binary {
                out.put_i64(micros);
            } else {
                let zone = (ty == Scalar::TimestampTz).then_some(cx.zone_offset);
                out.put_slice(datetime::format_timestamp(micros, zone).as_bytes());
            }
        }
        Scalar::Interval => {
            let iv = as_interval(cell)?;
            if binary {
                datetime::interval_to_binary(iv, out);
            } else {
                out.put_slice(datetime::format_interval(iv).as_bytes());
            }
        }
        Scalar::Json => write_scalar(out, Scalar::Text, cell, binary, cx)?,
        Scalar::Jsonb => {
            let text = match cell {
                Cell::Text(_) => text_of(cell, ty)?.to_owned(),
                Cell::Int(_) | Cell::Real(_) => {
                    let mut tmp = BytesMut::new();
                    write_scalar(&mut tmp, Scalar::Text, cell, false, cx)?;
                    String::from_utf8_lossy(&tmp).into_owned()
                }
                other => return Err(Mismatch::of(other, "jsonb")),
            };
            let normal = json::jsonb_text(&text).map_err(|_| Mismatch::invalid(&text, "jsonb"))?;
            if binary {
                out.put_u8(1);
            }
            out.put_slice(normal.as_bytes());
        }
        Scalar::Uuid => {
            let text = text_of(cell, ty)?;
            let bytes = parse_uuid(text).ok_or_else(|| Mismatch::invalid(text, "uuid"))?;
            if binary {
                out.put_slice(&bytes);
            } else {
                out.put_slice(format_uuid(&bytes).as_bytes());
            }
        }
    }
    Ok(())
}

/// An OID from an integer: PostgreSQL also reads negative 32-bit values as OIDs.
fn oid_value(v: i64) -> Option<u32> {
    u32::try_from(v)
        .ok()
        .or_else(|| i32::try_from(v).ok().map(|i| i as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(ty: Type, cell: Cell<'_>, binary: bool) -> Result<Vec<u8>, Mismatch> {
        let mut out = BytesMut::new();
        write(&mut out, Kind::of(&ty), cell, binary, &Context::default())?;
        Ok(out.to_vec())
    }

    fn text(ty: Type, cell: Cell<'_>) -> String {
        String::from_utf8(enc(ty, cell, false).expect("encodes")).expect("utf-8")
    }

    #[test]
    fn binary_forms_match_postgresql() {
        // Each expected value is what PostgreSQL 15 sends for the same value
        // (COPY (SELECT ...) TO STDOUT WITH (FORMAT binary)).
        let cases: Vec<(Type, Cell<'_>, Vec<u8>)> = vec![
            (Type::BOOL, Cell::Int(1), vec![1]),
            (Type::INT2, Cell::Int(1), vec![0, 1]),
            (Type::INT4, Cell::Int(-2), vec![0xff, 0xff, 0xff, 0xfe]),
            (Type::INT8, Cell::Int(3), vec![0, 0, 0, 0, 0, 0, 0, 3]),
            (Type::FLOAT4, Cell::Real(1.5), vec![0x3f, 0xc0, 0, 0]),
            (
                Type::FLOAT8,
                Cell::Real(0.1),
                vec![0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a],
            ),
            (
                Type::NUMERIC,
                Cell::Text(b"123.456"),
                vec![0, 2, 0, 0, 0, 0, 0, 3, 0, 0x7b, 0x11, 0xd0],
            ),
            (
                Type::NUMERIC,
                Cell::Int(10000),
                vec![0, 1, 0, 1, 0, 0, 0, 0, 0, 1],
            ),
            (Type::TEXT, Cell::Text(b"abc"), b"abc".to_vec()),
            (Type::NAME, Cell::Text(b"abc"), b"abc".to_vec()),
            (Type::CHAR, Cell::Text(b"a"), vec![b'a']),
            (
                Type::BYTEA,
                Cell::Blob(&[0xde, 0xad, 0xbe, 0xef]),
                vec![0xde, 0xad, 0xbe, 0xef],
            ),
            (Type::OID, Cell::Int(26), vec![0, 0, 0, 0x1a]),
            (
                Type::DATE,
                Cell::Text(b"2024-01-02"),
                vec![0, 0, 0x22, 0x3f],
            ),
            (
                Type::TIMESTAMP,
                Cell::Text(b"2024-01-02 03:04:05.123456"),
                vec![0, 2, 0xb0, 0xec, 0x85, 0x17, 0xd5, 0x80],
            ),
            (
                Type::TIMESTAMPTZ,
                Cell::Text(b"2024-01-02 03:04:05+00"),
                vec![0, 2, 0xb0, 0xec, 0x85, 0x15, 0xf3, 0x40],
            ),
            (
                Type::TIMESTAMPTZ,
                Cell::Int(1_704_164_645),
                vec![0, 2, 0xb0, 0xec, 0x85, 0x15, 0xf3, 0x40],
            ),
            (
                Type::INTERVAL,
                Cell::Text(b"1 year 2 mons 3 days 04:05:06.5"),
                vec![
                    0, 0, 0, 3, 0x6c, 0x93, 0x61, 0xa0, 0, 0, 0, 3, 0, 0, 0, 0x0e,
                ],
            ),
            (
                Type::JSON,
                Cell::Text(br#"{"a":1}"#),
                br#"{"a":1}"#.to_vec(),
            ),
            (
                Type::JSONB,
                Cell::Text(br#"{"a":1}"#),
                b"\x01{\"a\": 1}".to_vec(),
            ),
            (
                Type::UUID,
                Cell::Text(b"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
                vec![
                    0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8, 0xbb, 0x6d, 0x6b, 0xb9, 0xbd,
                    0x38, 0x0a, 0x11,
                ],
            ),
            (
                Type::TEXT_ARRAY,
                Cell::Text(br#"["a","b c",null,"\"q\""]"#),
                vec![
                    0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0x19, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 1,
                    b'a', 0, 0, 0, 3, b'b', b' ', b'c', 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 3, b'"',
                    b'q', b'"',
                ],
            ),
            (
                Type::OID_VECTOR,
                Cell::Text(b"23 25"),
                vec![
                    0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0x1a, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 4, 0,
                    0, 0, 0x17, 0, 0, 0, 4, 0, 0, 0, 0x19,
                ],
            ),
        ];
        for (ty, cell, bytes) in cases {
            assert_eq!(enc(ty.clone(), cell, true), Ok(bytes), "{ty} {cell:?}");
        }
    }

    #[test]
    fn text_forms_match_postgresql() {
        let cases: Vec<(Type, Cell<'_>, &str)> = vec![
            (Type::BOOL, Cell::Int(0), "f"),
            (Type::BOOL, Cell::Text(b"true"), "t"),
            (Type::FLOAT4, Cell::Real(1e6), "1e+06"),
            (Type::FLOAT4, Cell::Real(123_456.0), "123456"),
            (Type::FLOAT4, Cell::Real(1_234_567.0), "1.234567e+06"),
            (Type::FLOAT4, Cell::Real(0.1f32 as f64), "0.1"),
            (Type::FLOAT4, Cell::Real(1e-5), "1e-05"),
            (Type::FLOAT8, Cell::Real(1e15), "1e+15"),
            (
                Type::FLOAT8,
                Cell::Real(123_456_789_012_345.0),
                "123456789012345",
            ),
            (Type::FLOAT8, Cell::Real(-0.0), "-0"),
            (Type::FLOAT8, Cell::Real(f64::NAN), "NaN"),
            (Type::FLOAT8, Cell::Real(1.5e-7), "1.5e-07"),
            (Type::NUMERIC, Cell::Real(1e20), "100000000000000000000"),
            (Type::NUMERIC, Cell::Text(b"1.50"), "1.50"),
            (Type::NUMERIC, Cell::Text(b"1e2"), "100"),
            (
                Type::BYTEA,
                Cell::Blob(&[0xde, 0xad, 0xbe, 0xef]),
                "\\xdeadbeef",
            ),
            (Type::CHAR, Cell::Text(b"r"), "r"),
            (Type::OID, Cell::Int(4_294_967_295), "4294967295"),
            (Type::DATE, Cell::Text(b"2024-01-02"), "2024-01-02"),
            (
                Type::TIMESTAMP,
                Cell::Text(b"2024-01-02T03:04:05.5"),
                "2024-01-02 03:04:05.5",
            ),
            (
                Type::TIMESTAMPTZ,
                Cell::Text(b"2024-01-02 03:04:05.5Z"),
                "2024-01-02 03:04:05.5+00",
            ),
            (Type::TIMESTAMPTZ, Cell::Int(0), "1970-01-01 00:00:00+00"),
            (Type::INTERVAL, Cell::Int(90), "00:01:30"),
            (
                Type::JSONB,
                Cell::Text(br#"{"b":1,"aa":2,"a":[1,2,{"x":null}]}"#),
                r#"{"a": [1, 2, {"x": null}], "b": 1, "aa": 2}"#,
            ),
            (
                Type::UUID,
                Cell::Text(b"A0EEBC999C0B4EF8BB6D6BB9BD380A11"),
                "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
            ),
            (Type::INT4_ARRAY, Cell::Text(b"[1,2,null]"), "{1,2,NULL}"),
            (Type::BOOL_ARRAY, Cell::Text(b"[1,0]"), "{t,f}"),
            (
                Type::TIMESTAMPTZ_ARRAY,
                Cell::Text(br#"["2024-01-02 03:04:05+00"]"#),
                r#"{"2024-01-02 03:04:05+00"}"#,
            ),
            (Type::INT2_VECTOR, Cell::Text(b"1  2"), "1 2"),
            (Type::INT2_VECTOR, Cell::Int(3), "3"),
        ];
        for (ty, cell, printed) in cases {
            assert_eq!(text(ty.clone(), cell), printed, "{ty} {cell:?}");
        }
        let cx = Context { zone_offset: 3600 };
        let mut out = BytesMut::new();
        write(
            &mut out,
            Kind::of(&Type::TIMESTAMPTZ),
            Cell::Text(b"2024-01-02 03:04:05+00"),
            false,
            &cx,
        )
        .expect("tz");
        assert_eq!(&out[..], b"2024-01-02 04:04:05+01");
    }

    #[test]
    fn values_that_do_not_fit_are_errors() {
        assert!(enc(Type::INT4, Cell::Int(1 << 40), true).is_err());
        assert!(enc(Type::INT2, Cell::Int(40_000), false).is_err());
        assert!(enc(Type::INT8, Cell::Text(b"seven"), false).is_err());
        assert!(enc(Type::DATE, Cell::Text(b"yesterday"), true).is_err());
        assert!(enc(Type::UUID, Cell::Text(b"abc"), true).is_err());
        assert!(enc(Type::JSONB, Cell::Text(b"{"), false).is_err());
        assert!(enc(Type::INT4_ARRAY, Cell::Text(b"[1,"), false).is_err());
        assert!(enc(Type::INT4_ARRAY, Cell::Text(b"[1,\"x\"]"), true).is_err());
        let invalid = enc(Type::TEXT, Cell::Text(b"a\xffb"), false).expect("lossy");
        assert!(std::str::from_utf8(&invalid).is_ok());
    }
}
