//! Mathematical functions PostgreSQL has and this SQLite build lacks
//! (`floor`, `ceil`, `trunc`, `power`, `sqrt`, `ln`, `log`, `mod`...), and
//! `greatest`/`least`, which ignore NULLs as PostgreSQL's do.
//!
//! Integer arguments keep integer results where PostgreSQL's would
//! (`floor(7)` is 7, not 7.0); errors use PostgreSQL's messages.

use std::cmp::Ordering;

use rusqlite::Connection;
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::{Value, ValueRef};

use crate::schema::ColumnType;

/// What each function of this module returns, for `Describe`; `floor`,
/// `ceil`, `trunc`, `mod`, `abs`, `greatest` and `least` follow their
/// arguments and are typed by the translator.
pub(crate) const RETURN_TYPES: &[(&str, ColumnType)] = &[
    ("power", ColumnType::Double),
    ("pow", ColumnType::Double),
    ("sqrt", ColumnType::Double),
    ("cbrt", ColumnType::Double),
    ("exp", ColumnType::Double),
    ("ln", ColumnType::Double),
    ("log", ColumnType::Double),
    ("log10", ColumnType::Double),
    ("pi", ColumnType::Double),
    ("degrees", ColumnType::Double),
    ("radians", ColumnType::Double),
    ("sin", ColumnType::Double),
    ("cos", ColumnType::Double),
    ("tan", ColumnType::Double),
    ("asin", ColumnType::Double),
    ("acos", ColumnType::Double),
    ("atan", ColumnType::Double),
    ("atan2", ColumnType::Double),
    ("sign", ColumnType::Double),
    ("div", ColumnType::BigInt),
    ("random", ColumnType::BigInt),
    ("avg", ColumnType::Double),
    ("total", ColumnType::Double),
    ("round", ColumnType::Double),
    ("count", ColumnType::BigInt),
];

fn user_error(message: impl Into<String>) -> rusqlite::Error {
    rusqlite::Error::UserFunctionError(message.into().into())
}

/// A numeric argument: an integer stays one; text is read as PostgreSQL would cast it.
fn number(ctx: &Context<'_>, i: usize) -> rusqlite::Result<Option<Value>> {
    match ctx.get_raw(i) {
        ValueRef::Null => Ok(None),
        ValueRef::Integer(v) => Ok(Some(Value::Integer(v))),
        ValueRef::Real(v) => Ok(Some(Value::Real(v))),
        other => crate::functions::cast::to_numeric(other)
            .map(|v| match v {
                Value::Null => None,
                v => Some(v),
            })
            .map_err(user_error),
    }
}

fn float(ctx: &Context<'_>, i: usize) -> rusqlite::Result<Option<f64>> {
    Ok(number(ctx, i)?.map(|v| match v {
        Value::Integer(i) => i as f64,
        Value::Real(f) => f,
        _ => 0.0,
    }))
}

/// Applies `f` to a real argument; an integer passes through unchanged.
fn rounding(ctx: &Context<'_>, f: fn(f64) -> f64) -> rusqlite::Result<Value> {
    Ok(match number(ctx, 0)? {
        None => Value::Null,
        Some(Value::Real(v)) => Value::Real(f(v)),
        Some(other) => other,
    })
}

fn checked(v: f64) -> rusqlite::Result<Option<f64>> {
    if v.is_infinite() {
        Err(user_error("value out of range: overflow"))
    } else {
        Ok(Some(v))
    }
}

/// SQLite's ordering of values of different storage classes: numbers, then text, then blobs.
fn compare(a: &ValueRef<'_>, b: &ValueRef<'_>) -> Ordering {
    fn class(v: &ValueRef<'_>) -> u8 {
        match v {
            ValueRef::Null => 0,
            ValueRef::Integer(_) | ValueRef::Real(_) => 1,
            ValueRef::Text(_) => 2,
            ValueRef::Blob(_) => 3,
        }
    }
    match (a, b) {
        (ValueRef::Integer(x), ValueRef::Integer(y)) => x.cmp(y),
        (ValueRef::Integer(x), ValueRef::Real(y)) => (*x as f64).total_cmp(y),
        (ValueRef::Real(x), ValueRef::Integer(y)) => x.total_cmp(&(*y as f64)),
        (ValueRef::Real(x), ValueRef::Real(y)) => x.total_cmp(y),
        (ValueRef::Text(x), ValueRef::Text(y)) | (ValueRef::Blob(x), ValueRef::Blob(y)) => x.cmp(y),
        _ => class(a).cmp(&class(b)),
    }
}

fn extreme(ctx: &Context<'_>, want: Ordering) -> rusqlite::Result<Value> {
    let mut best: Option<ValueRef<'_>> = None;
    for i in 0..ctx.len() {
        let v = ctx.get_raw(i);
        if matches!(v, ValueRef::Null) {
            continue;
        }
        if best.is_none_or(|b| compare(&v, &b) == want) {
            best = Some(v);
        }
    }
    Ok(match best {
        None => Value::Null,
        Some(v) => Value::try_from(v).map_err(|e| user_error(e.to_string()))?,
    })
}

pub(crate) fn register(conn: &Connection) -> rusqlite::Result<()> {
    let det = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("floor", 1, det, |ctx| rounding(ctx, f64::floor))?;
    for name in ["ceil", "ceiling"] {
        conn.create_scalar_function(name, 1, det, |ctx| rounding(ctx, f64::ceil))?;
    }
    conn.create_scalar_function("trunc", 1, det, |ctx| rounding(ctx, f64::trunc))?;
    conn.create_scalar_function("trunc", 2, det, |ctx| {
        let (Some(v), Some(places)) = (float(ctx, 0)?, ctx.get::<Option<i64>>(1)?) else {
            return Ok(None);
        };
        let scale = 10f64.powi(places.clamp(-300, 300) as i32);
        Ok(Some((v * scale).trunc() / scale))
    })?;
    conn.create_scalar_function("sign", 1, det, |ctx| {
        Ok(number(ctx, 0)?.map(|v| match v {
            Value::Integer(i) => Value::Integer(i.signum()),
            Value::Real(0.0) => Value::Real(0.0),
            Value::Real(f) => Value::Real(f.signum()),
            other => other,
        }))
    })?;
    for name in ["power", "pow"] {
        conn.create_scalar_function(name, 2, det, |ctx| {
            let (Some(a), Some(b)) = (float(ctx, 0)?, float(ctx, 1)?) else {
                return Ok(None);
            };
            if a == 0.0 && b < 0.0 {
                return Err(user_error("zero raised to a negative power is undefined"));
            }
            if a < 0.0 && b.fract() != 0.0 {
                return Err(user_error(
                    "a negative number raised to a non-integer power yields a complex result",
                ));
            }
            checked(a.powf(b))
        })?;
    }
    conn.create_scalar_function("sqrt", 1, det, |ctx| {
        let Some(v) = float(ctx, 0)? else {
            return Ok(None);
        };
        if v < 0.0 {
            return Err(user_error("cannot take square root of a negative number"));
        }
        Ok(Some(v.sqrt()))
    })?;
    conn.create_scalar_function("cbrt", 1, det, |ctx| Ok(float(ctx, 0)?.map(f64::cbrt)))?;
    conn.create_scalar_function("exp", 1, det, |ctx| match float(ctx, 0)? {
        None => Ok(None),
        Some(v) => checked(v.exp()),
    })?;
    let log = |v: f64, base: fn(f64) -> f64| -> rusqlite::Result<Option<f64>> {
        if v == 0.0 {
            Err(user_error("cannot take logarithm of zero"))
        } else if v < 0.0 {
            Err(user_error("cannot take logarithm of a negative number"))
        } else {
            Ok(Some(base(v)))
        }
    };
    conn.create_scalar_function("ln", 1, det, move |ctx| match float(ctx, 0)? {
        None => Ok(None),
        Some(v) => log(v, f64::ln),
    })?;
    // PostgreSQL's one-argument log() is base 10.
    for name in ["log", "log10"] {
        conn.create_scalar_function(name, 1, det, move |ctx| match float(ctx, 0)? {
            None => Ok(None),
            Some(v) => log(v, f64::log10),
        })?;
    }
    conn.create_scalar_function("log", 2, det, move |ctx| {
        let (Some(b), Some(v)) = (float(ctx, 0)?, float(ctx, 1)?) else {
            return Ok(None);
        };
        let (Some(lb), Some(lv)) = (log(b, f64::ln)?, log(v, f64::ln)?) else {
            return Ok(None);
        };
        if lb == 0.0 {
            return Err(user_error("division by zero"));
        }
        Ok(Some(lv / lb))
    })?;
    conn.create_scalar_function("pi", 0, det, |_| Ok(std::f64::consts::PI))?;
    type Unary = (&'static str, fn(f64) -> f64);
    let unary: [Unary; 8] = [
        ("degrees", f64::to_degrees),
        ("radians", f64::to_radians),
        ("sin", f64::sin),
        ("cos", f64::cos),
        ("tan", f64::tan),
        ("asin", f64::asin),
        ("acos", f64::acos),
        ("atan", f64::atan),
    ];
    for (name, f) in unary {
        conn.create_scalar_function(name, 1, det, move |ctx| Ok(float(ctx, 0)?.map(f)))?;
    }
    conn.create_scalar_function("atan2", 2, det, |ctx| {
        Ok(match (float(ctx, 0)?, float(ctx, 1)?) {
            (Some(y), Some(x)) => Some(y.atan2(x)),
            _ => None,
        })
    })?;
    conn.create_scalar_function("mod", 2, det, |ctx| {
        match (number(ctx, 0)?, number(ctx, 1)?) {
            (Some(Value::Integer(a)), Some(Value::Integer(b))) => {
                if b == 0 {
                    return Err(user_error("division by zero"));
                }
                Ok(Value::Integer(a.checked_rem(b).unwrap_or(0)))
            }
            (Some(a), Some(b)) => {
                let f = |v: Value| match v {
                    Value::Integer(i) => i as f64,
                    Value::Real(f) => f,
                    _ => 0.0,
                };
                let (a, b) = (f(a), f(b));
                if b == 0.0 {
                    return Err(user_error("division by zero"));
                }
                Ok(Value::Real(a % b))
            }
            _ => Ok(Value::Null),
        }
    })?;
    conn.create_scalar_function("div", 2, det, |ctx| {
        let (Some(a), Some(b)) = (float(ctx, 0)?, float(ctx, 1)?) else {
            return Ok(None);
        };
        if b == 0.0 {
            return Err(user_error("division by zero"));
        }
        Ok(Some((a / b).trunc() as i64))
    })?;
    conn.create_scalar_function("greatest", -1, det, |ctx| extreme(ctx, Ordering::Greater))?;
    conn.create_scalar_function("least", -1, det, |ctx| extreme(ctx, Ordering::Less))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(sql: &str) -> rusqlite::Result<Value> {
        let conn = Connection::open_in_memory().expect("open");
        register(&conn).expect("register");
        conn.query_row(sql, [], |r| r.get(0))
    }

    #[test]
    fn math_matches_postgresql() {
        assert_eq!(one("SELECT floor(7)").expect("ok"), Value::Integer(7));
        assert_eq!(one("SELECT floor(-7.5)").expect("ok"), Value::Real(-8.0));
        assert_eq!(one("SELECT ceil('2.1')").expect("ok"), Value::Real(3.0));
        assert_eq!(one("SELECT log(100)").expect("ok"), Value::Real(2.0));
        assert_eq!(one("SELECT mod(7, 3)").expect("ok"), Value::Integer(1));
        assert_eq!(
            one("SELECT greatest(1, NULL, 3.5, 2)").expect("ok"),
            Value::Real(3.5)
        );
        assert_eq!(
            one("SELECT least('b', NULL, 'a')").expect("ok"),
            Value::Text("a".into())
        );
        assert_eq!(one("SELECT greatest(NULL, NULL)").expect("ok"), Value::Null);
        assert_eq!(
            one("SELECT trunc(1.789, 2)").expect("ok"),
            Value::Real(1.78)
        );
        for bad in [
            "SELECT sqrt(-1)",
            "SELECT ln(0)",
            "SELECT mod(1, 0)",
            "SELECT power(0, -1)",
            "SELECT floor('x')",
        ] {
            assert!(one(bad).is_err(), "{bad}");
        }
    }
}
