//! Decoding `Bind` parameters into engine values, in text and binary format.

use bytes::Bytes;
use hostgres_catalog::Value;
use pgwire::api::Type;
use pgwire::api::portal::Format;
use pgwire::error::ErrorInfo;

use crate::pg::error::{
    FEATURE_NOT_SUPPORTED, INVALID_TEXT_REPRESENTATION, PROTOCOL_VIOLATION, error_info,
};

/// Decodes every parameter of a portal; `types` are the statement's parameter types.
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

fn decode_text(bytes: &[u8], ty: &Type, n: usize) -> Result<Value, ErrorInfo> {
    let text =
        std::str::from_utf8(bytes).map_err(|_| bad_value(n, ty, "the value is not valid UTF-8"))?;
    Ok(match *ty {
        Type::INT2 | Type::INT4 | Type::INT8 | Type::OID => Value::Int(
            text.trim()
                .parse()
                .map_err(|_| bad_value(n, ty, &format!("\"{text}\"")))?,
        ),
        Type::FLOAT4 | Type::FLOAT8 | Type::NUMERIC => Value::Real(
            text.trim()
                .parse()
                .map_err(|_| bad_value(n, ty, &format!("\"{text}\"")))?,
        ),
        Type::BOOL => Value::Int(match text.trim().to_ascii_lowercase().as_str() {
            "t" | "true" | "yes" | "on" | "1" | "y" => 1,
            "f" | "false" | "no" | "off" | "0" | "n" => 0,
            _ => return Err(bad_value(n, ty, &format!("\"{text}\""))),
        }),
        Type::BYTEA => match text.strip_prefix("\\x") {
            Some(hex) => Value::Blob(decode_hex(hex).ok_or_else(|| bad_value(n, ty, "bad hex"))?),
            None => Value::Blob(bytes.to_vec()),
        },
        _ => Value::Text(text.to_owned()),
    })
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

fn decode_binary(bytes: &[u8], ty: &Type, n: usize) -> Result<Value, ErrorInfo> {
    let wrong_size = || bad_value(n, ty, &format!("{} bytes", bytes.len()));
    Ok(match *ty {
        Type::INT2 => Value::Int(i64::from(i16::from_be_bytes(
            bytes.try_into().map_err(|_| wrong_size())?,
        ))),
        Type::INT4 => Value::Int(i64::from(i32::from_be_bytes(
            bytes.try_into().map_err(|_| wrong_size())?,
        ))),
        Type::OID => Value::Int(i64::from(u32::from_be_bytes(
            bytes.try_into().map_err(|_| wrong_size())?,
        ))),
        Type::INT8 => Value::Int(i64::from_be_bytes(
            bytes.try_into().map_err(|_| wrong_size())?,
        )),
        Type::FLOAT4 => Value::Real(f64::from(f32::from_be_bytes(
            bytes.try_into().map_err(|_| wrong_size())?,
        ))),
        Type::FLOAT8 => Value::Real(f64::from_be_bytes(
            bytes.try_into().map_err(|_| wrong_size())?,
        )),
        Type::BOOL => match bytes {
            [b] => Value::Int(i64::from(*b != 0)),
            _ => return Err(wrong_size()),
        },
        Type::BYTEA => Value::Blob(bytes.to_vec()),
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN | Type::JSON => {
            Value::Text(
                std::str::from_utf8(bytes)
                    .map_err(|_| bad_value(n, ty, "the value is not valid UTF-8"))?
                    .to_owned(),
            )
        }
        _ => {
            return Err(error_info(
                FEATURE_NOT_SUPPORTED,
                format!(
                    "binary format for parameter ${n} of type {} is not supported; send it as text",
                    ty.name()
                ),
                None,
            ));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
