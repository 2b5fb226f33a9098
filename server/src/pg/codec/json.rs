//! A small JSON reader for what the wire layer needs: `jsonb`'s normalised
//! text (keys ordered and unique, `", "` and `": "` separators, numbers as
//! `numeric`) and the elements of arrays SQLite holds as JSON text.
//!
//! Numbers keep their text, so nothing is lost to a float; nesting is
//! limited so hostile input cannot exhaust the stack.

use std::borrow::Cow;

use crate::pg::codec::numeric::Numeric;

/// Deeper nesting than this is refused.
const MAX_DEPTH: usize = 256;

/// A parsed JSON value borrowing from its text.
#[derive(Debug, Clone, PartialEq)]
pub enum Json<'a> {
    Null,
    Bool(bool),
    /// A number as written.
    Number(&'a str),
    String(Cow<'a, str>),
    /// Elements with the text each was written as.
    Array(Vec<(Json<'a>, &'a str)>),
    Object(Vec<(Cow<'a, str>, Json<'a>)>),
}

/// Why a text is not JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError;

struct Reader<'a> {
    text: &'a str,
    b: &'a [u8],
    i: usize,
}

impl<'a> Reader<'a> {
    fn ws(&mut self) {
        while self
            .b
            .get(self.i)
            .is_some_and(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.i += 1;
        }
    }

    fn expect(&mut self, c: u8) -> Result<(), JsonError> {
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            Ok(())
        } else {
            Err(JsonError)
        }
    }

    fn literal(&mut self, word: &str, value: Json<'a>) -> Result<Json<'a>, JsonError> {
        if self.b[self.i..].starts_with(word.as_bytes()) {
            self.i += word.len();
            Ok(value)
        } else {
            Err(JsonError)
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json<'a>, JsonError> {
        if depth > MAX_DEPTH {
            return Err(JsonError);
        }
        self.ws();
        match self.b.get(self.i).ok_or(JsonError)? {
            b'n' => self.literal("null", Json::Null),
            b't' => self.literal("true", Json::Bool(true)),
            b'f' => self.literal("false", Json::Bool(false)),
            b'"' => Ok(Json::String(self.string()?)),
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.b.get(self.i) == Some(&b']') {
                    self.i += 1;
                    return Ok(Json::Array(items));
                }
                loop {
                    self.ws();
                    let start = self.i;
                    let v = self.value(depth + 1)?;
                    items.push((v, &self.text[start..self.i]));
                    self.ws();
                    match self.b.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Ok(Json::Array(items));
                        }
                        _ => return Err(JsonError),
                    }
                }
            }
            b'{' => {
                self.i += 1;
                let mut fields = Vec::new();
                self.ws();
                if self.b.get(self.i) == Some(&b'}') {
                    self.i += 1;
                    return Ok(Json::Object(fields));
                }
                loop {
                    self.ws();
                    let key = self.string()?;
                    self.ws();
                    self.expect(b':')?;
                    let v = self.value(depth + 1)?;
                    fields.push((key, v));
                    self.ws();
                    match self.b.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(Json::Object(fields));
                        }
                        _ => return Err(JsonError),
                    }
                }
            }
            _ => self.number(),
        }
    }

    fn number(&mut self) -> Result<Json<'a>, JsonError> {
        let start = self.i;
        if self.b.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        let digits = |r: &mut Self| {
            let s = r.i;
            while r.b.get(r.i).is_some_and(u8::is_ascii_digit) {
                r.i += 1;
            }
            r.i > s
        };
        if !digits(self) {
            return Err(JsonError);
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if !digits(self) {
                return Err(JsonError);
            }
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if !digits(self) {
                return Err(JsonError);
            }
        }
        Ok(Json::Number(&self.text[start..self.i]))
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let s = self.text.get(self.i..self.i + 4).ok_or(JsonError)?;
        self.i += 4;
        u32::from_str_radix(s, 16).map_err(|_| JsonError)
    }

    fn string(&mut self) -> Result<Cow<'a, str>, JsonError> {
        self.expect(b'"')?;
        let start = self.i;
        // Fast path: no escapes.
        while let Some(&c) = self.b.get(self.i) {
            match c {
                b'"' => {
                    self.i += 1;
                    return Ok(Cow::Borrowed(&self.text[start..self.i - 1]));
                }
                b'\\' => break,
                0..=0x1f => return Err(JsonError),
                _ => self.i += 1,
            }
        }
        let mut out = String::from(&self.text[start..self.i]);
        loop {
            let c = *self.b.get(self.i).ok_or(JsonError)?;
            match c {
                b'"' => {
                    self.i += 1;
                    return Ok(Cow::Owned(out));
                }
                b'\\' => {
                    self.i += 1;
                    let e = *self.b.get(self.i).ok_or(JsonError)?;
                    self.i += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xd800..0xdc00).contains(&hi) {
                                if !self.b[self.i..].starts_with(b"\\u") {
                                    return Err(JsonError);
                                }
                                self.i += 2;
                                let lo = self.hex4()?;
                                if !(0xdc00..0xe000).contains(&lo) {
                                    return Err(JsonError);
                                }
                                0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00)
                            } else {
                                hi
                            };
                            // PostgreSQL's jsonb cannot hold NUL.
                            match char::from_u32(code).filter(|c| *c != '\0') {
                                Some(ch) => out.push(ch),
                                None => return Err(JsonError),
                            }
                        }
                        _ => return Err(JsonError),
                    }
                }
                0..=0x1f => return Err(JsonError),
                _ => {
                    // Copy one UTF-8 character.
                    let ch = self.text[self.i..].chars().next().ok_or(JsonError)?;
                    out.push(ch);
                    self.i += ch.len_utf8();
                }
            }
        }
    }
}

/// Parses one JSON document.
pub fn parse(text: &str) -> Result<Json<'_>, JsonError> {
    let mut r = Reader {
        text,
        b: text.as_bytes(),
        i: 0,
    };
    let v = r.value(0)?;
    r.ws();
    if r.i == r.b.len() {
        Ok(v)
    } else {
        Err(JsonError)
    }
}

/// Appends `s` as a JSON string, escaped as PostgreSQL does.
pub fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Appends `v` as `jsonb` prints it.
fn write_jsonb(out: &mut String, v: &Json<'_>) {
    match v {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => match Numeric::parse(n) {
            Some(num) => out.push_str(&num.to_text()),
            None => out.push_str(n),
        },
        Json::String(s) => write_string(out, s),
        Json::Array(items) => {
            out.push('[');
            for (i, (item, _)) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_jsonb(out, item);
            }
            out.push(']');
        }
        Json::Object(fields) => {
            // jsonb keeps the last of duplicate keys, ordered by length, then bytes.
            let mut sorted: Vec<&(Cow<'_, str>, Json<'_>)> = Vec::with_capacity(fields.len());
            for f in fields.iter().rev() {
                if !sorted.iter().any(|s| s.0 == f.0) {
                    sorted.push(f);
                }
            }
            sorted.sort_by(|a, b| {
                a.0.len()
                    .cmp(&b.0.len())
                    .then_with(|| a.0.as_bytes().cmp(b.0.as_bytes()))
            });
            out.push('{');
            for (i, (k, v)) in sorted.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_string(out, k);
                out.push_str(": ");
                write_jsonb(out, v);
            }
            out.push('}');
        }
    }
}

/// JSON text as PostgreSQL's `jsonb` output prints it.
pub fn jsonb_text(text: &str) -> Result<String, JsonError> {
    let v = parse(text)?;
    let mut out = String::with_capacity(text.len() + 8);
    write_jsonb(&mut out, &v);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonb_prints_like_postgresql() {
        // Outputs from PostgreSQL 15's jsonb_out.
        let cases = [
            (r#"{"a":1}"#, r#"{"a": 1}"#),
            (
                r#"{"b":1,"aa":2,"a":[1,2,{"x":null}]}"#,
                r#"{"a": [1, 2, {"x": null}], "b": 1, "aa": 2}"#,
            ),
            (r#""\u0041\n""#, r#""A\n""#),
            ("1e2", "100"),
            (r#"{"a":1,"a":2}"#, r#"{"a": 2}"#),
            (" [ true , false , null ] ", "[true, false, null]"),
            (r#""\ud83d\ude00""#, "\"\u{1f600}\""),
        ];
        for (input, printed) in cases {
            assert_eq!(jsonb_text(input).as_deref(), Ok(printed), "{input}");
        }
    }

    #[test]
    fn hostile_json_is_refused() {
        for bad in [
            "",
            "{",
            "[1,]",
            "{\"a\"}",
            "tru",
            "\"\\u0000\"",
            "01x",
            "\"\u{1}\"",
            "[1] 2",
        ] {
            assert_eq!(parse(bad), Err(JsonError), "{bad:?}");
        }
        let deep = "[".repeat(100_000);
        assert_eq!(parse(&deep), Err(JsonError));
    }

    #[test]
    fn array_elements_keep_their_text() {
        let Ok(Json::Array(items)) = parse(r#"[1, "a", {"k": [2]}]"#) else {
            panic!("array");
        };
        let raw: Vec<&str> = items.iter().map(|(_, r)| *r).collect();
        assert_eq!(raw, ["1", "\"a\"", r#"{"k": [2]}"#]);
    }
}
