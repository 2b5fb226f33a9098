//! Decoding `Bind` parameters into engine values, in text and binary format.
//!
//! Values take the form SQLite holds for their type, so they compare equal to
//! table values: integers and booleans (0/1) as integers, floats as reals,
//! `numeric` as an integer when it is one, dates and timestamps as ISO text
//! (`timestamptz` in UTC), arrays as JSON text, vectors as space-separated text.

use bytes::Bytes;
use hostgres_catalog::Value;
use pgwire::api::Type;
use pgwire::api::portal::Format;
use pgwire::error::ErrorInfo;

use crate::pg::codec::datetime::{self, Interval};
use crate::pg::codec::numeric::Numeric;
use crate::pg::codec::{self, Kind, Scalar};
use crate::pg::error::{
    FEATURE_NOT_SUPPORTED, INVALID_TEXT_REPRESENTATION, PROTOCOL_VIOLATION, error_info,
};

/// Decodes every parameter of a `Bind`; `types` are the statement's parameter types.
pub fn decode_all(
    params: &[Option<Bytes>],
    formats: &Format,
    types: &[Type],
) -> Result<Vec<Value>, ErrorInfo> {
    if params.len() != types.len() {
        return Err(error_info(
            PROTOCOL_VIOLATION,
            format!(
                "bind message supplies {} parameters, but prepared statement requires {}",
                params.len(),
                types.len()
            ),
            None,
        ));
    }
    if let Format::Individual(codes) = formats
        && codes.len() != params.len()
    {
        return Err(error_info(
            PROTOCOL_VIOLATION,
            format!(
                "bind message has {} parameter formats but {} parameters",
                codes.len(),
                params.len()
            ),
            None,
        ));
    }
    params
        .iter()
        .zip(types)
        .enumerate()
        .map(|(i, (p, ty))| match p {
            None => Ok(Value::Null),
            Some(bytes) if formats.is_binary(i) => decode_binary(bytes, ty, i + 1),
            Some(bytes) => decode_text(bytes, ty, i + 1),
        })
        .collect()
}

fn bad_value(n: usize, ty: &Type, what: &str) -> ErrorInfo {
    error_info(
        INVALID_TEXT_REPRESENTATION,
        format!(
            "invalid input syntax for type {} in parameter ${n}: {what}",
            ty.name()
        ),
        None,
    )
}

fn utf8<'a>(bytes: &'a [u8], ty: &Type, n: usize) -> Result<&'a str, ErrorInfo> {
    std::str::from_utf8(bytes).map_err(|_| bad_value(n, ty, "the value is not valid UTF-8"))
}

/// A timestamp as SQLite holds it: `YYYY-MM-DD HH:MM:SS[.ffffff]`
/// (`timestamptz` in UTC).
fn timestamp_text(micros: i64) -> String {
    datetime::format_timestamp(micros, None)
}

fn numeric_value(num: &Numeric) -> Value {
    let text = num.to_text();
    if let Ok(i) = text.parse::<i64>() {
        return Value::Int(i);
    }
    match codec::parse_float(&text) {
        Some(f) => Value::Real(f),
        None => Value::Text(text),
    }
}

/// A scalar parameter from its text form.
fn scalar_from_text(text: &str, scalar: Scalar, ty: &Type, n: usize) -> Result<Value, ErrorInfo> {
    let bad = || bad_value(n, ty, &format!("\"{text}\""));
    Ok(match scalar {
        Scalar::Int2 | Scalar::Int4 | Scalar::Int8 | Scalar::Oid => {
            Value::Int(text.trim().parse().map_err(|_| bad())?)
        }
        Scalar::Float4 | Scalar::Float8 => {
            Value::Real(codec::parse_float(text.trim()).ok_or_else(bad)?)
        }
        Scalar::Numeric => numeric_value(&Numeric::parse(text).ok_or_else(bad)?),
        Scalar::Bool => Value::Int(i64::from(codec::parse_bool(text).ok_or_else(bad)?)),
        Scalar::Bytea => match text.strip_prefix("\\x") {
            Some(hex) => Value::Blob(decode_hex(hex).ok_or_else(|| bad_value(n, ty, "bad hex"))?),
            None => Value::Blob(text.as_bytes().to_vec()),
        },
        Scalar::Date => Value::Text(datetime::format_date(
            datetime::parse_date(text).ok_or_else(bad)?,
        )),
        Scalar::Timestamp => Value::Text(timestamp_text(
            datetime::parse_timestamp(text).ok_or_else(bad)?.micros,
        )),
        Scalar::TimestampTz => {
            let t = datetime::parse_timestamp(text).ok_or_else(bad)?;
            let utc = match t.offset {
                Some(off) if !matches!(t.micros, i64::MIN | i64::MAX) => t
                    .micros
                    .checked_sub(i64::from(off) * datetime::USECS_PER_SEC)
                    .ok_or_else(bad)?,
                _ => t.micros,
            };
            // Stored timestamptz values are UTC with an explicit `+00`, as `::timestamptz` makes them.
            Value::Text(datetime::format_timestamp(utc, Some(0)))
        }
        Scalar::Interval => Value::Text(datetime::format_interval(
            datetime::parse_interval(text).ok_or_else(bad)?,
        )),
        Scalar::Uuid => Value::Text(codec::format_uuid(
            &codec::parse_uuid(text).ok_or_else(bad)?,
        )),
        Scalar::Text | Scalar::Char | Scalar::Json | Scalar::Jsonb => Value::Text(text.to_owned()),
    })
}

/// A JSON array element for an array parameter's value.
fn json_element(v: &Value) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::Int(i) => i.to_string(),
        Value::Real(f) if f.is_finite() => crate::pg::codec::format_float8(*f),
        Value::Real(f) => {
            let mut s = String::new();
            codec::json::write_string(&mut s, &crate::pg::codec::format_float8(*f));
            s
        }
        Value::Text(t) => {
            let mut s = String::new();
            codec::json::write_string(&mut s, t);
            s
        }
        Value::Blob(b) => {
            let mut s = String::from("\\x");
            for byte in b {
                s.push_str(&format!("{byte:02x}"));
            }
            let mut out = String::new();
            codec::json::write_string(&mut out, &s);
            out
        }
    }
}

fn json_array(items: &[Value], elem: Scalar) -> String {
    let parts: Vec<String> = items
        .iter()
        .map(|v| match (v, elem) {
            (Value::Int(i), Scalar::Bool) => (if *i != 0 { "true" } else { "false" }).to_owned(),
            _ => json_element(v),
        })
        .collect();
    format!("[{}]", parts.join(","))
}

fn decode_text(bytes: &[u8], ty: &Type, n: usize) -> Result<Value, ErrorInfo> {
    let text = utf8(bytes, ty, n)?;
    match Kind::of(ty) {
        Kind::Scalar(s) => scalar_from_text(text, s, ty, n),
        Kind::Array { elem, .. } => {
            let items = codec::array::elements(text, elem)
                .map_err(|_| bad_value(n, ty, &format!("\"{text}\"")))?;
            let values = items
                .iter()
                .map(|e| match e {
                    codec::array::Element::Null => Ok(Value::Null),
                    codec::array::Element::Int(i) => Ok(Value::Int(*i)),
                    codec::array::Element::Text(t) => scalar_from_text(t, elem, ty, n),
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Value::Text(json_array(&values, elem)))
        }
        Kind::Vector { .. } => {
            let parts: Vec<&str> = text.split_ascii_whitespace().collect();
            if parts.iter().any(|p| p.parse::<i64>().is_err()) {
                return Err(bad_value(n, ty, &format!("\"{text}\"")));
            }
            Ok(Value::Text(parts.join(" ")))
        }
    }
}

fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

/// A scalar parameter from its binary form.
fn scalar_from_binary(
    bytes: &[u8],
    scalar: Scalar,
    ty: &Type,
    n: usize,
) -> Result<Value, ErrorInfo> {
    let wrong_size = || bad_value(n, ty, &format!("{} bytes", bytes.len()));
    let fixed = |len: usize| -> Result<&[u8], ErrorInfo> {
        if bytes.len() == len {
            Ok(bytes)
        } else {
            Err(wrong_size())
        }
    };
    let be8 = || -> Result<[u8; 8], ErrorInfo> { fixed(8)?.try_into().map_err(|_| wrong_size()) };
    let be4 = || -> Result<[u8; 4], ErrorInfo> { fixed(4)?.try_into().map_err(|_| wrong_size()) };
    Ok(match scalar {
        Scalar::Int2 => Value::Int(i64::from(i16::from_be_bytes(
            fixed(2)?.try_into().map_err(|_| wrong_size())?,
        ))),
        Scalar::Int4 => Value::Int(i64::from(i32::from_be_bytes(be4()?))),
        Scalar::Oid => Value::Int(i64::from(u32::from_be_bytes(be4()?))),
        Scalar::Int8 => Value::Int(i64::from_be_bytes(be8()?)),
        Scalar::Float4 => Value::Real(f64::from(f32::from_be_bytes(be4()?))),
        Scalar::Float8 => Value::Real(f64::from_be_bytes(be8()?)),
        Scalar::Bool => Value::Int(i64::from(fixed(1)?[0] != 0)),
        Scalar::Char => Value::Text(String::from_utf8_lossy(fixed(1)?).into_owned()),
        Scalar::Bytea => Value::Blob(bytes.to_vec()),
        Scalar::Numeric => numeric_value(
            &Numeric::read_binary(bytes).ok_or_else(|| bad_value(n, ty, "malformed numeric"))?,
        ),
        Scalar::Date => Value::Text(datetime::format_date(i32::from_be_bytes(be4()?))),
        Scalar::Timestamp | Scalar::TimestampTz => {
            Value::Text(timestamp_text(i64::from_be_bytes(be8()?)))
        }
        Scalar::Interval => {
            let b = fixed(16)?;
            let word = |at: usize| -> [u8; 4] { [b[at], b[at + 1], b[at + 2], b[at + 3]] };
            let (hi, lo) = (word(0), word(4));
            let iv = Interval {
                micros: i64::from_be_bytes([
                    hi[0], hi[1], hi[2], hi[3], lo[0], lo[1], lo[2], lo[3],
                ]),
                days: i32::from_be_bytes(word(8)),
                months: i32::from_be_bytes(word(12)),
            };
            Value::Text(datetime::format_interval(iv))
        }
        Scalar::Uuid => {
            let b: [u8; 16] = fixed(16)?.try_into().map_err(|_| wrong_size())?;
            Value::Text(codec::format_uuid(&b))
        }
        Scalar::Jsonb => match bytes.split_first() {
            Some((1, rest)) => Value::Text(utf8(rest, ty, n)?.to_owned()),
            _ => return Err(bad_value(n, ty, "unsupported jsonb version")),
        },
        Scalar::Text | Scalar::Json => Value::Text(utf8(bytes, ty, n)?.to_owned()),
    })
}

fn decode_binary(bytes: &[u8], ty: &Type, n: usize) -> Result<Value, ErrorInfo> {
    match Kind::of(ty) {
        Kind::Scalar(Scalar::Text) if !is_text_like(ty) => Err(error_info(
            FEATURE_NOT_SUPPORTED,
            format!(
                "binary format for parameter ${n} of type {} is not supported; send it as text",
                ty.name()
            ),
            None,
        )),
        Kind::Scalar(s) => scalar_from_binary(bytes, s, ty, n),
        Kind::Array { elem, oid } | Kind::Vector { elem, oid } => {
            let (sent_oid, items) = codec::array::read_binary(bytes)
                .ok_or_else(|| bad_value(n, ty, "malformed array"))?;
            if sent_oid != oid {
                return Err(bad_value(
                    n,
                    ty,
                    &format!("elements of type {sent_oid}, expected {oid}"),
                ));
            }
            let elem_ty = Type::from_oid(oid).unwrap_or(Type::TEXT);
            let values = items
                .iter()
                .map(|item| match item {
                    None => Ok(Value::Null),
                    Some(b) => scalar_from_binary(b, elem, &elem_ty, n),
                })
                .collect::<Result<Vec<_>, _>>()?;
            if matches!(Kind::of(ty), Kind::Vector { .. }) {
                let parts: Vec<String> = values.iter().map(|v| v.to_string()).collect();
                Ok(Value::Text(parts.join(" ")))
            } else {
                Ok(Value::Text(json_array(&values, elem)))
            }
        }
    }
}

/// Types whose binary form is their UTF-8 text.
fn is_text_like(ty: &Type) -> bool {
    matches!(
        *ty,
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN | Type::JSON
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(bytes: &[u8], format: i16, ty: Type) -> Result<Value, ErrorInfo> {
        let formats = Format::Individual(vec![format]);
        decode_all(&[Some(Bytes::copy_from_slice(bytes))], &formats, &[ty]).map(|mut v| v.remove(0))
    }

    #[test]
    fn text_and_binary_integers() {
        let params = vec![
            Some(Bytes::from_static(b"42")),
            Some(Bytes::from_static(&[0, 0, 0, 7])),
            None,
        ];
        let formats = Format::Individual(vec![0, 1, 0]);
        let values =
            decode_all(&params, &formats, &[Type::INT8, Type::INT4, Type::TEXT]).expect("decode");
        assert_eq!(values, vec![Value::Int(42), Value::Int(7), Value::Null]);
    }

    #[test]
    fn binary_parameters_of_every_type() {
        // Binary forms as tokio-postgres and PostgreSQL send them.
        let cases: Vec<(&[u8], Type, Value)> = vec![
            (&[1], Type::BOOL, Value::Int(1)),
            (&[0, 1], Type::INT2, Value::Int(1)),
            (&[0xff, 0xff, 0xff, 0xfe], Type::INT4, Value::Int(-2)),
            (&[0x3f, 0xc0, 0, 0], Type::FLOAT4, Value::Real(1.5)),
            (
                &[0, 2, 0, 0, 0, 0, 0, 3, 0, 0x7b, 0x11, 0xd0],
                Type::NUMERIC,
                Value::Real(123.456),
            ),
            (
                &[0, 1, 0, 1, 0, 0, 0, 0, 0, 1],
                Type::NUMERIC,
                Value::Int(10_000),
            ),
            (
                &[0, 0, 0x22, 0x3f],
                Type::DATE,
                Value::Text("2024-01-02".into()),
            ),
            (
                &[0, 2, 0xb0, 0xec, 0x85, 0x17, 0xd5, 0x80],
                Type::TIMESTAMP,
                Value::Text("2024-01-02 03:04:05.123456".into()),
            ),
            (
                &[0, 2, 0xb0, 0xec, 0x85, 0x15, 0xf3, 0x40],
                Type::TIMESTAMPTZ,
                Value::Text("2024-01-02 03:04:05".into()),
            ),
            (
                &[
                    0, 0, 0, 3, 0x6c, 0x93, 0x61, 0xa0, 0, 0, 0, 3, 0, 0, 0, 0x0e,
                ],
                Type::INTERVAL,
                Value::Text("1 year 2 mons 3 days 04:05:06.5".into()),
            ),
            (
                &[
                    0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8, 0xbb, 0x6d, 0x6b, 0xb9, 0xbd,
                    0x38, 0x0a, 0x11,
                ],
                Type::UUID,
                Value::Text("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11".into()),
            ),
            (
                b"\x01{\"a\": 1}",
                Type::JSONB,
                Value::Text("{\"a\": 1}".into()),
            ),
            (b"x", Type::CHAR, Value::Text("x".into())),
            (
                &[
                    0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0x17, 0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0, 4, 0,
                    0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xff,
                ],
                Type::INT4_ARRAY,
                Value::Text("[1,2,null]".into()),
            ),
            (
                &[
                    0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0x1a, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 4, 0,
                    0, 0, 0x17, 0, 0, 0, 4, 0, 0, 0, 0x19,
                ],
                Type::OID_VECTOR,
                Value::Text("23 25".into()),
            ),
        ];
        for (bytes, ty, value) in cases {
            let got = one(bytes, 1, ty.clone()).unwrap_or_else(|e| panic!("{ty}: {e:?}"));
            assert_eq!(got, value, "{ty}");
        }
    }

    #[test]
    fn text_parameters_take_sqlite_forms() {
        let cases: Vec<(&str, Type, Value)> = vec![
            ("t", Type::BOOL, Value::Int(1)),
            ("off", Type::BOOL, Value::Int(0)),
            ("12", Type::NUMERIC, Value::Int(12)),
            ("1.5", Type::NUMERIC, Value::Real(1.5)),
            ("NaN", Type::FLOAT8, Value::Real(f64::NAN)),
            (
                "2024-01-02T03:04:05+02:00",
                Type::TIMESTAMPTZ,
                Value::Text("2024-01-02 01:04:05+00".into()),
            ),
            ("2024-01-02", Type::DATE, Value::Text("2024-01-02".into())),
            ("1 day", Type::INTERVAL, Value::Text("1 day".into())),
            (
                "{1,2,NULL}",
                Type::INT8_ARRAY,
                Value::Text("[1,2,null]".into()),
            ),
            (
                "{a,\"b c\"}",
                Type::TEXT_ARRAY,
                Value::Text("[\"a\",\"b c\"]".into()),
            ),
            (
                "{t,f}",
                Type::BOOL_ARRAY,
                Value::Text("[true,false]".into()),
            ),
            ("1 2", Type::INT2_VECTOR, Value::Text("1 2".into())),
            ("\\x0102", Type::BYTEA, Value::Blob(vec![1, 2])),
        ];
        for (text, ty, value) in cases {
            let got =
                one(text.as_bytes(), 0, ty.clone()).unwrap_or_else(|e| panic!("{text}: {e:?}"));
            match (&got, &value) {
                (Value::Real(a), Value::Real(b)) if a.is_nan() && b.is_nan() => {}
                _ => assert_eq!(got, value, "{text} as {ty}"),
            }
        }
    }

    #[test]
    fn hostile_parameters_get_clear_errors() {
        let wrong_len = decode_all(
            &[Some(Bytes::from_static(&[1, 2, 3]))],
            &Format::UnifiedBinary,
            &[Type::INT8],
        );
        assert!(wrong_len.is_err());
        let count = decode_all(&[], &Format::UnifiedText, &[Type::INT8]).expect_err("count");
        assert_eq!(count.code, PROTOCOL_VIOLATION);
        let formats = decode_all(&[None], &Format::Individual(vec![0, 0]), &[Type::TEXT])
            .expect_err("formats");
        assert_eq!(formats.code, PROTOCOL_VIOLATION);
        let utf8 = decode_all(
            &[Some(Bytes::from_static(b"\xff"))],
            &Format::UnifiedText,
            &[Type::TEXT],
        );
        assert!(utf8.is_err());
        for (bytes, ty) in [
            (&[0u8, 1, 0, 0][..], Type::NUMERIC),
            (&[0, 0, 0, 2][..], Type::INT4_ARRAY),
            (&[2, b'{', b'}'][..], Type::JSONB),
            (&[0, 0][..], Type::DATE),
        ] {
            assert!(one(bytes, 1, ty.clone()).is_err(), "{ty}");
        }
        assert_eq!(
            one(b"yesterday", 0, Type::DATE).expect_err("date").code,
            INVALID_TEXT_REPRESENTATION
        );
    }
}
