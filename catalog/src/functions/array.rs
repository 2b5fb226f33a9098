//! Arrays as JSON text: `ARRAY[...]` is a JSON array in SQLite, and these
//! functions give it PostgreSQL's behaviour (`array_to_string`,
//! `string_to_array`, `array_length`, `array_lower`/`array_upper`,
//! `cardinality`, `array_position`, subscripts, slices, `@>`, `&&`...).
//!
//! Besides JSON arrays they read PostgreSQL's text form (`{a,b,"c d"}`) and
//! the space-separated `int2vector`/`oidvector` form the catalog stores,
//! whose subscripts start at 0 as in PostgreSQL. Results carry SQLite's JSON
//! subtype, so `json_group_array` and friends nest them as arrays.

use rusqlite::Connection;
use rusqlite::functions::{Context, FunctionFlags, SubType};
use rusqlite::types::{Value, ValueRef};
use serde_json::Value as Json;

use crate::functions::text::text_of;
use crate::schema::ColumnType;

/// SQLite's subtype for JSON text (`'J'`).
pub(crate) const JSON_SUBTYPE: SubType = Some(74);

/// What each function of this module returns, for `Describe`; the
/// element-typed ones (`array_append`, subscripts...) are typed by the translator.
pub(crate) const RETURN_TYPES: &[(&str, ColumnType)] = &[
    ("array_to_string", ColumnType::Text),
    ("string_to_array", ColumnType::Array(&ColumnType::Text)),
    ("array_length", ColumnType::Integer),
    ("array_lower", ColumnType::Integer),
    ("array_upper", ColumnType::Integer),
    ("array_ndims", ColumnType::Integer),
    ("array_dims", ColumnType::Text),
    ("cardinality", ColumnType::Integer),
    ("array_position", ColumnType::Integer),
    ("array_positions", ColumnType::Array(&ColumnType::Integer)),
    ("array_contains", ColumnType::Bool),
    ("array_overlap", ColumnType::Bool),
    ("array_out", ColumnType::Text),
    ("array_in", ColumnType::Array(&ColumnType::Text)),
];

fn user_error(message: impl Into<String>) -> rusqlite::Error {
    rusqlite::Error::UserFunctionError(message.into().into())
}

/// An array read from SQLite.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Array {
    pub items: Vec<Json>,
    /// `int2vector`/`oidvector` subscripts start at 0.
    pub lower: i64,
}

/// The element types a text-form array literal can be read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ElemKind {
    Text,
    Int,
    Float,
    Bool,
}

/// Compact JSON text of `items`.
pub(crate) fn json_array_text(items: &[Json]) -> String {
    Json::Array(items.to_vec()).to_string()
}

/// Reads PostgreSQL's array text form (`{a,"b c",NULL,{1,2}}`), typing
/// unquoted elements as `elem`.
pub(crate) fn parse_pg_array(text: &str, elem: ElemKind) -> Result<Vec<Json>, String> {
    let malformed = || format!("malformed array literal: \"{text}\"");
    let mut s = text.trim();
    // Optional dimension decoration: `[1:3]={...}`.
    if s.starts_with('[') {
        s = s
            .split_once('=')
            .map(|(_, r)| r.trim())
            .ok_or_else(malformed)?;
    }
    let chars: Vec<char> = s.chars().collect();
    let mut pos = 0;
    let out = parse_level(&chars, &mut pos, elem).ok_or_else(malformed)?;
    if chars[pos..].iter().any(|c| !c.is_whitespace()) {
        return Err(malformed());
    }
    Ok(out)
}

fn parse_level(chars: &[char], pos: &mut usize, elem: ElemKind) -> Option<Vec<Json>> {
    if chars.get(*pos) != Some(&'{') {
        return None;
    }
    *pos += 1;
    let mut items = Vec::new();
    loop {
        while chars.get(*pos).is_some_and(|c| c.is_whitespace()) {
            *pos += 1;
        }
        match chars.get(*pos)? {
            '}' if items.is_empty() => {
                *pos += 1;
                return Some(items);
            }
            '{' => items.push(Json::Array(parse_level(chars, pos, elem)?)),
            '"' => {
                *pos += 1;
                let mut s = String::new();
                loop {
                    match chars.get(*pos)? {
                        '\\' => {
                            s.push(*chars.get(*pos + 1)?);
                            *pos += 2;
                        }
                        '"' => {
                            *pos += 1;
                            break;
                        }
                        c => {
                            s.push(*c);
                            *pos += 1;
                        }
                    }
                }
                items.push(typed(&s, elem, true)?);
            }
            _ => {
                let mut s = String::new();
                while let Some(&c) = chars.get(*pos) {
                    if c == ',' || c == '}' {
                        break;
                    }
                    if c == '\\' {
                        s.push(*chars.get(*pos + 1)?);
                        *pos += 2;
                        continue;
                    }
                    s.push(c);
                    *pos += 1;
                }
                let s = s.trim();
                if s.is_empty() {
                    return None;
                }
                items.push(typed(s, elem, false)?);
            }
        }
        while chars.get(*pos).is_some_and(|c| c.is_whitespace()) {
            *pos += 1;
        }
        match chars.get(*pos)? {
            ',' => *pos += 1,
            '}' => {
                *pos += 1;
                return Some(items);
            }
            _ => return None,
        }
    }
}

fn typed(s: &str, elem: ElemKind, quoted: bool) -> Option<Json> {
    if !quoted && s.eq_ignore_ascii_case("null") {
        return Some(Json::Null);
    }
    Some(match elem {
        ElemKind::Text => Json::String(s.to_owned()),
        ElemKind::Int => Json::from(s.trim().parse::<i64>().ok()?),
        ElemKind::Float => Json::from(s.trim().parse::<f64>().ok().filter(|f| f.is_finite())?),
        ElemKind::Bool => Json::from(i64::from(crate::functions::cast::parse_bool(s)?)),
    })
}

/// PostgreSQL's text form of an array.
pub(crate) fn pg_array_text(items: &[Json]) -> String {
    let mut out = String::from("{");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match item {
            Json::Null => out.push_str("NULL"),
            Json::Array(inner) => out.push_str(&pg_array_text(inner)),
            Json::Number(n) => out.push_str(&n.to_string()),
            Json::Bool(b) => out.push(if *b { 't' } else { 'f' }),
            Json::String(s) => push_quoted(&mut out, s),
            Json::Object(_) => push_quoted(&mut out, &item.to_string()),
        }
    }
    out.push('}');
    out
}

fn push_quoted(out: &mut String, s: &str) {
    let needs = s.is_empty()
        || s.eq_ignore_ascii_case("null")
        || s.chars()
            .any(|c| matches!(c, '{' | '}' | ',' | '"' | '\\') || c.is_whitespace());
    if !needs {
        out.push_str(s);
        return;
    }
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
}

/// Reads an array from a JSON array, the text form or a space-separated vector.
pub(crate) fn read_array(value: ValueRef<'_>) -> Result<Option<Array>, String> {
    let text = match value {
        ValueRef::Null => return Ok(None),
        ValueRef::Text(t) => String::from_utf8_lossy(t),
        ValueRef::Integer(i) => return Err(format!("{i} is not an array")),
        ValueRef::Real(f) => return Err(format!("{f} is not an array")),
        ValueRef::Blob(_) => return Err("a bytea value is not an array".to_owned()),
    };
    let t = text.trim();
    if t.starts_with('[') {
        return match serde_json::from_str::<Json>(t) {
            Ok(Json::Array(items)) => Ok(Some(Array { items, lower: 1 })),
            _ => Err(format!("malformed array: \"{t}\"")),
        };
    }
    if t.starts_with('{') {
        return Ok(Some(Array {
            items: parse_pg_array(t, ElemKind::Text)?,
            lower: 1,
        }));
    }
    Ok(Some(Array {
        items: t
            .split_whitespace()
            .map(|w| w.parse::<i64>().map_or_else(|_| Json::from(w), Json::from))
            .collect(),
        lower: 0,
    }))
}

/// An SQL value as a JSON array element (JSON-subtyped text stays JSON).
pub(crate) fn element(value: ValueRef<'_>, subtype: u32) -> Json {
    match value {
        ValueRef::Null => Json::Null,
        ValueRef::Integer(i) => Json::from(i),
        ValueRef::Real(f) => serde_json::Number::from_f64(f).map_or(Json::Null, Json::Number),
        ValueRef::Text(t) => {
            let s = String::from_utf8_lossy(t);
            if Some(subtype) == JSON_SUBTYPE
                && let Ok(j) = serde_json::from_str::<Json>(&s)
            {
                return j;
            }
            Json::String(s.into_owned())
        }
        ValueRef::Blob(b) => Json::String(crate::functions::cast::bytea_text(b)),
    }
}

/// A JSON element as an SQL value: nested arrays and objects stay JSON text.
pub(crate) fn sql_value(j: &Json) -> (Value, SubType) {
    match j {
        Json::Null => (Value::Null, None),
        Json::Bool(b) => (Value::Integer(i64::from(*b)), None),
        Json::Number(n) => (
            n.as_i64()
                .map_or_else(|| Value::Real(n.as_f64().unwrap_or(0.0)), Value::Integer),
            None,
        ),
        Json::String(s) => (Value::Text(s.clone()), None),
        other => (Value::Text(other.to_string()), JSON_SUBTYPE),
    }
}

/// Element equality as SQL compares: numbers by value, everything else exactly.
fn same(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// The text PostgreSQL's `array_to_string` gives an element.
fn element_text(j: &Json) -> Option<String> {
    match j {
        Json::Null => None,
        Json::String(s) => Some(s.clone()),
        Json::Array(items) => Some(pg_array_text(items)),
        other => Some(other.to_string()),
    }
}

fn array_arg(ctx: &Context<'_>, i: usize) -> rusqlite::Result<Option<Array>> {
    read_array(ctx.get_raw(i)).map_err(user_error)
}

fn elem_arg(ctx: &Context<'_>, i: usize) -> Json {
    element(ctx.get_raw(i), ctx.get_subtype(i))
}

fn json_result(items: &[Json]) -> (Option<String>, SubType) {
    (Some(json_array_text(items)), JSON_SUBTYPE)
}

/// `string_to_array(s, sep[, null])`.
pub(crate) fn string_to_array(s: &str, sep: Option<&str>, null: Option<&str>) -> Vec<Json> {
    if s.is_empty() {
        return Vec::new();
    }
    let parts: Vec<String> = match sep {
        None => s.chars().map(String::from).collect(),
        Some("") => vec![s.to_owned()],
        Some(sep) => s.split(sep).map(str::to_owned).collect(),
    };
    parts
        .into_iter()
        .map(|p| {
            if null == Some(p.as_str()) {
                Json::Null
            } else {
                Json::String(p)
            }
        })
        .collect()
}

/// The `dim`-th dimension's length of a (possibly nested) array.
fn dim_len(items: &[Json], dim: i64) -> Option<i64> {
    if items.is_empty() || dim < 1 {
        return None;
    }
    if dim == 1 {
        return Some(items.len() as i64);
    }
    match items.first()? {
        Json::Array(inner) => dim_len(inner, dim - 1),
        _ => None,
    }
}

fn ndims(items: &[Json]) -> i64 {
    match items.first() {
        Some(Json::Array(inner)) if !inner.is_empty() => 1 + ndims(inner),
        _ => 1,
    }
}

pub(crate) fn register(conn: &Connection) -> rusqlite::Result<()> {
    let det = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    let json = det | FunctionFlags::SQLITE_RESULT_SUBTYPE | FunctionFlags::SQLITE_SUBTYPE;
    for n in [2, 3] {
        conn.create_scalar_function("array_to_string", n, det, |ctx| {
            let (Some(arr), Some(sep)) = (array_arg(ctx, 0)?, text_of(ctx.get_raw(1))) else {
                return Ok(None);
            };
            let null = if ctx.len() > 2 {
                text_of(ctx.get_raw(2))
            } else {
                None
            };
            let parts: Vec<String> = arr
                .items
                .iter()
                .filter_map(|j| element_text(j).or_else(|| null.clone()))
                .collect();
            Ok(Some(parts.join(&sep)))
        })?;
    }
    for n in [2, 3] {
        conn.create_scalar_function("string_to_array", n, json, |ctx| {
            let Some(s) = text_of(ctx.get_raw(0)) else {
                return Ok((None, None));
            };
            let sep = text_of(ctx.get_raw(1));
            let null = if ctx.len() > 2 {
                text_of(ctx.get_raw(2))
            } else {
                None
            };
            Ok(json_result(&string_to_array(
                &s,
                sep.as_deref(),
                null.as_deref(),
            )))
        })?;
    }
    conn.create_scalar_function("array_length", 2, json, |ctx| {
        let (Some(arr), Some(dim)) = (array_arg(ctx, 0)?, ctx.get::<Option<i64>>(1)?) else {
            return Ok(None);
        };
        Ok(dim_len(&arr.items, dim))
    })?;
    conn.create_scalar_function("array_lower", 2, json, |ctx| {
        let (Some(arr), Some(dim)) = (array_arg(ctx, 0)?, ctx.get::<Option<i64>>(1)?) else {
            return Ok(None);
        };
        Ok(dim_len(&arr.items, dim).map(|_| arr.lower))
    })?;
    conn.create_scalar_function("array_upper", 2, json, |ctx| {
        let (Some(arr), Some(dim)) = (array_arg(ctx, 0)?, ctx.get::<Option<i64>>(1)?) else {
            return Ok(None);
        };
        Ok(dim_len(&arr.items, dim).map(|n| n + arr.lower - 1))
    })?;
    conn.create_scalar_function("array_ndims", 1, json, |ctx| {
        Ok(array_arg(ctx, 0)?
            .filter(|a| !a.items.is_empty())
            .map(|a| ndims(&a.items)))
    })?;
    conn.create_scalar_function("array_dims", 1, json, |ctx| {
        Ok(array_arg(ctx, 0)?.filter(|a| !a.items.is_empty()).map(|a| {
            let mut s = String::new();
            for d in 1..=ndims(&a.items) {
                let n = dim_len(&a.items, d).unwrap_or(0);
                s.push_str(&format!("[{}:{}]", a.lower, n + a.lower - 1));
            }
            s
        }))
    })?;
    conn.create_scalar_function("cardinality", 1, json, |ctx| {
        fn count(items: &[Json]) -> i64 {
            items
                .iter()
                .map(|j| match j {
                    Json::Array(inner) => count(inner),
                    _ => 1,
                })
                .sum()
        }
        Ok(array_arg(ctx, 0)?.map(|a| count(&a.items)))
    })?;
    for n in [2, 3] {
        conn.create_scalar_function("array_position", n, json, |ctx| {
            let Some(arr) = array_arg(ctx, 0)? else {
                return Ok(None);
            };
            let target = elem_arg(ctx, 1);
            let start = if ctx.len() > 2 {
                ctx.get::<Option<i64>>(2)?.unwrap_or(arr.lower)
            } else {
                arr.lower
            };
            Ok(arr
                .items
                .iter()
                .enumerate()
                .map(|(i, j)| (i as i64 + arr.lower, j))
                .find(|(i, j)| *i >= start && !target.is_null() && same(j, &target))
                .map(|(i, _)| i))
        })?;
    }
    conn.create_scalar_function("array_positions", 2, json, |ctx| {
        let Some(arr) = array_arg(ctx, 0)? else {
            return Ok((None, None));
        };
        let target = elem_arg(ctx, 1);
        let found: Vec<Json> = arr
            .items
            .iter()
            .enumerate()
            .filter(|(_, j)| same(j, &target))
            .map(|(i, _)| Json::from(i as i64 + arr.lower))
            .collect();
        Ok(json_result(&found))
    })?;
    conn.create_scalar_function("array_append", 2, json, |ctx| {
        let mut items = array_arg(ctx, 0)?.map_or_else(Vec::new, |a| a.items);
        items.push(elem_arg(ctx, 1));
        Ok(json_result(&items))
    })?;
    conn.create_scalar_function("array_prepend", 2, json, |ctx| {
        let mut items = array_arg(ctx, 1)?.map_or_else(Vec::new, |a| a.items);
        items.insert(0, elem_arg(ctx, 0));
        Ok(json_result(&items))
    })?;
    conn.create_scalar_function("array_cat", 2, json, |ctx| {
        match (array_arg(ctx, 0)?, array_arg(ctx, 1)?) {
            (None, None) => Ok((None, None)),
            (a, b) => {
                let mut items = a.map_or_else(Vec::new, |a| a.items);
                items.extend(b.map_or_else(Vec::new, |b| b.items));
                Ok(json_result(&items))
            }
        }
    })?;
    conn.create_scalar_function("array_remove", 2, json, |ctx| {
        let Some(arr) = array_arg(ctx, 0)? else {
            return Ok((None, None));
        };
        let target = elem_arg(ctx, 1);
        let kept: Vec<Json> = arr
            .items
            .into_iter()
            .filter(|j| !same(j, &target))
            .collect();
        Ok(json_result(&kept))
    })?;
    conn.create_scalar_function("array_replace", 3, json, |ctx| {
        let Some(arr) = array_arg(ctx, 0)? else {
            return Ok((None, None));
        };
        let (from, to) = (elem_arg(ctx, 1), elem_arg(ctx, 2));
        let items: Vec<Json> = arr
            .items
            .into_iter()
            .map(|j| if same(&j, &from) { to.clone() } else { j })
            .collect();
        Ok(json_result(&items))
    })?;
    // `a @> b`: every element of b is in a.
    conn.create_scalar_function("array_contains", 2, json, |ctx| {
        let (Some(a), Some(b)) = (array_arg(ctx, 0)?, array_arg(ctx, 1)?) else {
            return Ok(None);
        };
        Ok(Some(
            b.items.iter().all(|x| a.items.iter().any(|y| same(x, y))),
        ))
    })?;
    // `a && b`: some element is in both.
    conn.create_scalar_function("array_overlap", 2, json, |ctx| {
        let (Some(a), Some(b)) = (array_arg(ctx, 0)?, array_arg(ctx, 1)?) else {
            return Ok(None);
        };
        Ok(Some(b.items.iter().any(|x| {
            !x.is_null() && a.items.iter().any(|y| same(x, y))
        })))
    })?;
    // `a[i]`: NULL outside the array, as in PostgreSQL.
    conn.create_scalar_function("array_subscript", 2, json, |ctx| {
        let (Some(arr), Some(i)) = (array_arg(ctx, 0)?, ctx.get::<Option<i64>>(1)?) else {
            return Ok((Value::Null, None));
        };
        let item = i
            .checked_sub(arr.lower)
            .and_then(|k| usize::try_from(k).ok())
            .and_then(|k| arr.items.get(k));
        Ok(item.map_or((Value::Null, None), sql_value))
    })?;
    // `a[lo:hi]`, either bound optional (NULL).
    conn.create_scalar_function("array_slice", 3, json, |ctx| {
        let Some(arr) = array_arg(ctx, 0)? else {
            return Ok((None, None));
        };
        let len = arr.items.len() as i64;
        let lo = ctx
            .get::<Option<i64>>(1)?
            .unwrap_or(arr.lower)
            .max(arr.lower)
            - arr.lower;
        let hi =
            (ctx.get::<Option<i64>>(2)?.unwrap_or(len + arr.lower - 1) - arr.lower + 1).min(len);
        let items: Vec<Json> = if lo < hi {
            arr.items[lo as usize..hi as usize].to_vec()
        } else {
            Vec::new()
        };
        Ok(json_result(&items))
    })?;
    conn.create_scalar_function("array_out", 1, json, |ctx| {
        Ok(array_arg(ctx, 0)?.map(|a| {
            if a.lower == 0 {
                a.items
                    .iter()
                    .filter_map(element_text)
                    .collect::<Vec<_>>()
                    .join(" ")
            } else {
                pg_array_text(&a.items)
            }
        }))
    })?;
    conn.create_scalar_function("array_in", 1, json, |ctx| {
        Ok(match array_arg(ctx, 0)? {
            Some(a) => json_result(&a.items),
            None => (None, None),
        })
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str) -> Array {
        read_array(ValueRef::Text(s.as_bytes()))
            .expect("read")
            .expect("some")
    }

    #[test]
    fn reads_json_text_form_and_vectors() {
        assert_eq!(
            read("[1,\"a\",null]").items,
            vec![Json::from(1), Json::from("a"), Json::Null]
        );
        assert_eq!(
            read("{a,\"b c\",NULL,\"NULL\",\"q\\\"\"}").items,
            vec![
                Json::from("a"),
                Json::from("b c"),
                Json::Null,
                Json::from("NULL"),
                Json::from("q\"")
            ]
        );
        let v = read("1 2 3");
        assert_eq!((v.items.len(), v.lower), (3, 0));
        assert_eq!(read("{}").items, Vec::<Json>::new());
        assert!(read_array(ValueRef::Text(b"{a,")).is_err());
        assert!(read_array(ValueRef::Text(b"[1,")).is_err());
        assert_eq!(
            parse_pg_array("{{1,2},{3,4}}", ElemKind::Int),
            Ok(vec![
                Json::Array(vec![1.into(), 2.into()]),
                Json::Array(vec![3.into(), 4.into()])
            ])
        );
        assert!(parse_pg_array("{1,x}", ElemKind::Int).is_err());
    }

    #[test]
    fn prints_postgresql_text_form() {
        let items = vec![
            Json::from("a"),
            Json::from("b c"),
            Json::Null,
            Json::from(""),
            Json::from(1),
            Json::from("x\"y"),
        ];
        assert_eq!(pg_array_text(&items), "{a,\"b c\",NULL,\"\",1,\"x\\\"y\"}");
        assert_eq!(
            string_to_array("a,b,,c", Some(","), Some("")),
            vec![
                Json::from("a"),
                Json::from("b"),
                Json::Null,
                Json::from("c")
            ]
        );
        assert_eq!(
            string_to_array("ab", None, None),
            vec![Json::from("a"), Json::from("b")]
        );
        assert_eq!(string_to_array("", Some(","), None), Vec::<Json>::new());
    }
}
