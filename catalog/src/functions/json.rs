//! JSON functions with PostgreSQL's names and answers that SQLite's JSON1
//! does not already give: `to_json`, `json_typeof`, `json_extract_path[_text]`
//! (and their `jsonb` twins). `json_build_object`, `json_agg` and friends are
//! renamed to SQLite's builtins by the translator.

use rusqlite::Connection;
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::{Value, ValueRef};
use serde_json::Value as Json;

use crate::functions::array::{JSON_SUBTYPE, element};
use crate::functions::text::text_of;
use crate::schema::ColumnType;

/// What each function of this module returns, for `Describe`.
pub(crate) const RETURN_TYPES: &[(&str, ColumnType)] = &[
    ("to_json", ColumnType::Json),
    ("to_jsonb", ColumnType::Jsonb),
    ("json_typeof", ColumnType::Text),
    ("jsonb_typeof", ColumnType::Text),
    ("json_extract_path", ColumnType::Json),
    ("jsonb_extract_path", ColumnType::Jsonb),
    ("json_extract_path_text", ColumnType::Text),
    ("jsonb_extract_path_text", ColumnType::Text),
    ("json_object", ColumnType::Json),
    ("json_array", ColumnType::Json),
    ("json_group_array", ColumnType::Json),
    ("json_group_object", ColumnType::Json),
    ("json_array_length", ColumnType::Integer),
    ("json_extract", ColumnType::Text),
    ("json", ColumnType::Json),
];

fn user_error(message: impl Into<String>) -> rusqlite::Error {
    rusqlite::Error::UserFunctionError(message.into().into())
}

fn json_arg(ctx: &Context<'_>, i: usize) -> rusqlite::Result<Option<Json>> {
    match ctx.get_raw(i) {
        ValueRef::Null => Ok(None),
        ValueRef::Text(t) => serde_json::from_slice(t)
            .map(Some)
            .map_err(|e| user_error(format!("invalid input syntax for type json: {e}"))),
        ValueRef::Integer(v) => Ok(Some(Json::from(v))),
        ValueRef::Real(v) => Ok(serde_json::Number::from_f64(v).map(Json::Number)),
        ValueRef::Blob(_) => Err(user_error("a bytea value is not JSON")),
    }
}

fn typeof_name(j: &Json) -> &'static str {
    match j {
        Json::Null => "null",
        Json::Bool(_) => "boolean",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}

/// Follows a path of object keys and array indexes (0-based, negative from the end).
fn walk<'a>(mut j: &'a Json, path: &[Option<String>]) -> Option<&'a Json> {
    for step in path {
        let step = step.as_deref()?;
        j = match j {
            Json::Object(map) => map.get(step)?,
            Json::Array(items) => {
                let i: i64 = step.parse().ok()?;
                let idx = if i < 0 { items.len() as i64 + i } else { i };
                items.get(usize::try_from(idx).ok()?)?
            }
            _ => return None,
        };
    }
    Some(j)
}

pub(crate) fn register(conn: &Connection) -> rusqlite::Result<()> {
    let det = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    let json = det | FunctionFlags::SQLITE_RESULT_SUBTYPE | FunctionFlags::SQLITE_SUBTYPE;
    for name in ["to_json", "to_jsonb"] {
        conn.create_scalar_function(name, 1, json, |ctx| {
            let v = ctx.get_raw(0);
            if matches!(v, ValueRef::Null) {
                return Ok((None, None));
            }
            Ok((
                Some(element(v, ctx.get_subtype(0)).to_string()),
                JSON_SUBTYPE,
            ))
        })?;
    }
    for name in ["json_typeof", "jsonb_typeof"] {
        conn.create_scalar_function(name, 1, json, |ctx| {
            Ok(json_arg(ctx, 0)?.map(|j| typeof_name(&j)))
        })?;
    }
    for (name, as_text) in [
        ("json_extract_path", false),
        ("jsonb_extract_path", false),
        ("json_extract_path_text", true),
        ("jsonb_extract_path_text", true),
    ] {
        conn.create_scalar_function(name, -1, json, move |ctx| {
            if ctx.is_empty() {
                return Err(user_error(format!("{name}() needs a JSON value")));
            }
            let Some(doc) = json_arg(ctx, 0)? else {
                return Ok((Value::Null, None));
            };
            let path: Vec<Option<String>> =
                (1..ctx.len()).map(|i| text_of(ctx.get_raw(i))).collect();
            Ok(match walk(&doc, &path) {
                None => (Value::Null, None),
                Some(Json::Null) if as_text => (Value::Null, None),
                Some(found) if as_text => match found {
                    Json::String(s) => (Value::Text(s.clone()), None),
                    other => (Value::Text(other.to_string()), None),
                },
                Some(found) => (Value::Text(found.to_string()), JSON_SUBTYPE),
            })
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_walk_objects_and_arrays() {
        let doc: Json = serde_json::from_str(r#"{"a":{"b":[10,20,{"c":"x"}]}}"#).expect("json");
        let p = |v: &[&str]| v.iter().map(|s| Some((*s).to_owned())).collect::<Vec<_>>();
        assert_eq!(walk(&doc, &p(&["a", "b", "1"])), Some(&Json::from(20)));
        assert_eq!(
            walk(&doc, &p(&["a", "b", "-1", "c"])),
            Some(&Json::from("x"))
        );
        assert_eq!(walk(&doc, &p(&["a", "z"])), None);
        assert_eq!(typeof_name(&doc), "object");
    }
}
