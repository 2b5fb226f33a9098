//! One-dimensional arrays and `int2vector`/`oidvector`: SQLite holds arrays
//! as JSON text (`["a",null]`) and vectors as space-separated text (`1 2`);
//! PostgreSQL's text form is `{a,NULL}` with its quoting rules, its binary
//! form a header (dimensions, null flag, element type) then the elements.

use std::borrow::Cow;

use bytes::{BufMut, BytesMut};
use hostgres_catalog::Cell;

use crate::pg::codec::json::{self, Json};
use crate::pg::codec::{Context, Mismatch, Scalar, write_scalar};

/// The largest number of elements hostgres reads from one array value.
const MAX_ELEMENTS: usize = 1 << 20;

/// One element of an array, as a cell the scalar codecs understand.
#[derive(Debug, Clone, PartialEq)]
pub enum Element<'a> {
    Null,
    Text(Cow<'a, str>),
    Int(i64),
}

impl Element<'_> {
    fn cell(&self) -> Cell<'_> {
        match self {
            Element::Null => Cell::Null,
            Element::Text(t) => Cell::Text(t.as_bytes()),
            Element::Int(i) => Cell::Int(*i),
        }
    }
}

fn invalid(text: &str, type_name: &'static str) -> Mismatch {
    Mismatch::invalid(text, type_name)
}

/// The elements of an array value: JSON text, or PostgreSQL's `{...}` literal.
pub fn elements<'a>(text: &'a str, elem: Scalar) -> Result<Vec<Element<'a>>, Mismatch> {
    let t = text.trim_start();
    if t.starts_with('{') {
        return parse_literal(t).ok_or_else(|| invalid(text, "array"));
    }
    let Ok(Json::Array(items)) = json::parse(text) else {
        return Err(invalid(text, "array"));
    };
    if items.len() > MAX_ELEMENTS {
        return Err(invalid("a very long array", "array"));
    }
    Ok(items
        .into_iter()
        .map(|(v, raw)| match v {
            Json::Null => Element::Null,
            Json::Bool(b) if elem == Scalar::Bool => Element::Int(i64::from(b)),
            Json::Bool(b) => Element::Text(Cow::Borrowed(if b { "true" } else { "false" })),
            Json::Number(n) => Element::Text(Cow::Borrowed(n)),
            Json::String(s) if !matches!(elem, Scalar::Json | Scalar::Jsonb) => Element::Text(s),
            // json elements keep their JSON text, strings included.
            Json::String(_) | Json::Array(_) | Json::Object(_) => Element::Text(Cow::Borrowed(raw)),
        })
        .collect())
}

/// Parses a one-dimensional `{a,"b c",NULL}` literal.
fn parse_literal(t: &str) -> Option<Vec<Element<'_>>> {
    let inner = t.trim_end().strip_prefix('{')?.strip_suffix('}')?;
    let mut out = Vec::new();
    if inner.trim().is_empty() {
        return Some(out);
    }
    let mut chars = inner.char_indices().peekable();
    loop {
        while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
            chars.next();
        }
        let element = if chars.peek().map(|(_, c)| *c) == Some('"') {
            chars.next();
            let mut s = String::new();
            loop {
                match chars.next()? {
                    (_, '"') => break,
                    (_, '\\') => s.push(chars.next()?.1),
                    (_, c) => s.push(c),
                }
            }
            while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
                chars.next();
            }
            Element::Text(Cow::Owned(s))
        } else {
            let mut s = String::new();
            let mut escaped = false;
            while let Some(&(_, c)) = chars.peek() {
                match c {
                    ',' => break,
                    '{' | '}' | '"' => return None,
                    '\\' => {
                        chars.next();
                        s.push(chars.next()?.1);
                        escaped = true;
                        continue;
                    }
                    c => s.push(c),
                }
                chars.next();
            }
            let trimmed = s.trim_end();
            if !escaped && trimmed.eq_ignore_ascii_case("null") {
                Element::Null
            } else if trimmed.is_empty() {
                return None;
            } else {
                Element::Text(Cow::Owned(trimmed.to_owned()))
            }
        };
        out.push(element);
        if out.len() > MAX_ELEMENTS {
            return None;
        }
        match chars.next() {
            None => return Some(out),
            Some((_, ',')) => {}
            Some(_) => return None,
        }
    }
}

/// The elements of a vector value: space-separated numbers (or a JSON array).
pub fn vector_elements(cell: Cell<'_>) -> Result<Vec<Element<'_>>, Mismatch> {
    match cell {
        Cell::Int(i) => Ok(vec![Element::Int(i)]),
        Cell::Text(t) => {
            let s = std::str::from_utf8(t).map_err(|_| invalid("non-UTF-8 text", "vector"))?;
            if s.trim_start().starts_with('[') {
                return elements(s, Scalar::Int8);
            }
            Ok(s.split_ascii_whitespace()
                .take(MAX_ELEMENTS)
                .map(|p| Element::Text(Cow::Borrowed(p)))
                .collect())
        }
        other => Err(Mismatch::of(other, "vector")),
    }
}

/// Whether an element's text must be quoted in an array literal.
fn needs_quotes(s: &[u8]) -> bool {
    s.is_empty()
        || s.eq_ignore_ascii_case(b"null")
        || s.iter().any(|b| {
            matches!(
                b,
                b'{' | b'}' | b'"' | b',' | b'\\' | b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c
            )
        })
}

/// Appends PostgreSQL's text form of a one-dimensional array.
pub fn write_text(
    out: &mut BytesMut,
    items: &[Element<'_>],
    elem: Scalar,
    cx: &Context,
) -> Result<(), Mismatch> {
    out.put_u8(b'{');
    let mut scratch = BytesMut::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.put_u8(b',');
        }
        if *item == Element::Null {
            out.put_slice(b"NULL");
            continue;
        }
        scratch.clear();
        write_scalar(&mut scratch, elem, item.cell(), false, cx)?;
        if needs_quotes(&scratch) {
            out.put_u8(b'"');
            for b in scratch.iter() {
                if matches!(b, b'"' | b'\\') {
                    out.put_u8(b'\\');
                }
                out.put_u8(*b);
            }
            out.put_u8(b'"');
        } else {
            out.put_slice(&scratch);
        }
    }
    out.put_u8(b'}');
    Ok(())
}

/// Appends PostgreSQL's text form of a vector: elements separated by spaces.
pub fn write_vector_text(
    out: &mut BytesMut,
    items: &[Element<'_>],
    elem: Scalar,
    cx: &Context,
) -> Result<(), Mismatch> {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.put_u8(b' ');
        }
        write_scalar(out, elem, item.cell(), false, cx)?;
    }
    Ok(())
}

/// Appends PostgreSQL's binary form of a one-dimensional array; vectors
/// count from 0 and always have one dimension, arrays from 1 and have none
/// when empty.
pub fn write_binary(
    out: &mut BytesMut,
    items: &[Element<'_>],
    elem: Scalar,
    elem_oid: u32,
    vector: bool,
    cx: &Context,
) -> Result<(), Mismatch> {
    let len = i32::try_from(items.len()).map_err(|_| invalid("a very long array", "array"))?;
    let has_null = items.contains(&Element::Null);
    let ndim = i32::from(vector || !items.is_empty());
    out.put_i32(ndim);
    out.put_i32(i32::from(has_null));
    out.put_u32(elem_oid);
    if ndim == 1 {
        out.put_i32(len);
        out.put_i32(i32::from(!vector));
    }
    for item in items {
        if *item == Element::Null {
            out.put_i32(-1);
            continue;
        }
        let start = out.len();
        out.put_i32(0);
        write_scalar(out, elem, item.cell(), true, cx)?;
        let n = i32::try_from(out.len() - start - 4)
            .map_err(|_| invalid("a very long element", "array"))?;
        out[start..start + 4].copy_from_slice(&n.to_be_bytes());
    }
    Ok(())
}

/// Reads PostgreSQL's binary array form: the element type and the elements' bytes.
pub fn read_binary(bytes: &[u8]) -> Option<(u32, Vec<Option<&[u8]>>)> {
    let int = |i: usize| -> Option<i32> {
        Some(i32::from_be_bytes(bytes.get(i..i + 4)?.try_into().ok()?))
    };
    let ndim = int(0)?;
    let elem_oid = int(8)? as u32;
    match ndim {
        0 => return Some((elem_oid, Vec::new())),
        1 => {}
        _ => return None,
    }
    let count = usize::try_from(int(12)?).ok()?;
    if count > MAX_ELEMENTS {
        return None;
    }
    let mut at = 20;
    let mut items = Vec::with_capacity(count.min(1024));
    for _ in 0..count {
        let n = int(at)?;
        at += 4;
        if n < 0 {
            items.push(None);
        } else {
            let n = n as usize;
            items.push(Some(bytes.get(at..at + n)?));
            at += n;
        }
    }
    (at == bytes.len()).then_some((elem_oid, items))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: &str, elem: Scalar) -> String {
        let mut out = BytesMut::new();
        let items = elements(value, elem).expect("elements");
        write_text(&mut out, &items, elem, &Context::default()).expect("text");
        String::from_utf8(out.to_vec()).expect("utf-8")
    }

    #[test]
    fn text_form_quotes_like_postgresql() {
        assert_eq!(text("[1,2,null]", Scalar::Int4), "{1,2,NULL}");
        assert_eq!(
            text(r#"["a","b c",null,"\"q\""]"#, Scalar::Text),
            r#"{a,"b c",NULL,"\"q\""}"#
        );
        assert_eq!(text(r#"[""]"#, Scalar::Text), r#"{""}"#);
        assert_eq!(
            text(r#"["NULL","null"," a"]"#, Scalar::Text),
            r#"{"NULL","null"," a"}"#
        );
        assert_eq!(
            text(r#"["a\"b","c\\d","e,f","{}"]"#, Scalar::Text),
            r#"{"a\"b","c\\d","e,f","{}"}"#
        );
        assert_eq!(text("[true,false]", Scalar::Bool), "{t,f}");
        assert_eq!(text("[1,0]", Scalar::Bool), "{t,f}");
        assert_eq!(text("[1.5,2]", Scalar::Float8), "{1.5,2}");
        assert_eq!(text("[]", Scalar::Int8), "{}");
        assert_eq!(text(r#"[{"a":1}]"#, Scalar::Json), r#"{"{\"a\":1}"}"#);
        assert_eq!(text(r#"{a,"b c",NULL}"#, Scalar::Text), r#"{a,"b c",NULL}"#);
    }

    #[test]
    fn binary_form_matches_postgresql() {
        // ARRAY[1,2,NULL]::int4[] from PostgreSQL 15.
        let mut out = BytesMut::new();
        let items = elements("[1,2,null]", Scalar::Int4).expect("elements");
        write_binary(
            &mut out,
            &items,
            Scalar::Int4,
            23,
            false,
            &Context::default(),
        )
        .expect("binary");
        assert_eq!(
            out.to_vec(),
            [
                0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0x17, 0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0,
                1, 0, 0, 0, 4, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xff
            ]
        );
        let (oid, back) = read_binary(&out).expect("read back");
        assert_eq!((oid, back.len(), back[2]), (23, 3, None));
        // ARRAY[]::int8[]: no dimensions.
        out.clear();
        write_binary(&mut out, &[], Scalar::Int8, 20, false, &Context::default()).expect("empty");
        assert_eq!(out.to_vec(), [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x14]);
        // '1 2'::int2vector and ''::int2vector: one dimension counted from 0.
        out.clear();
        let items = vector_elements(Cell::Text(b"1 2")).expect("vector");
        write_binary(
            &mut out,
            &items,
            Scalar::Int2,
            21,
            true,
            &Context::default(),
        )
        .expect("vector");
        assert_eq!(
            out.to_vec(),
            [
                0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0x15, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 2, 0, 1, 0,
                0, 0, 2, 0, 2
            ]
        );
        out.clear();
        let items = vector_elements(Cell::Text(b"")).expect("empty vector");
        write_binary(
            &mut out,
            &items,
            Scalar::Int2,
            21,
            true,
            &Context::default(),
        )
        .expect("vector");
        assert_eq!(
            out.to_vec(),
            [
                0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0x15, 0, 0, 0, 0, 0, 0, 0, 0
            ]
        );
    }

    #[test]
    fn hostile_arrays_are_refused() {
        for bad in ["[1,", "{a,{b}}", "{\"a}", "{a,,b}", "not an array"] {
            assert!(elements(bad, Scalar::Text).is_err(), "{bad}");
        }
        assert_eq!(read_binary(&[0, 0, 0, 2]), None);
        assert_eq!(
            read_binary(&[
                0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 23, 0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 1
            ]),
            None
        );
    }
}
