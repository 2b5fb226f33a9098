//! PostgreSQL's string functions that SQLite lacks or spells differently:
//! `left`, `right`, `strpos`, `split_part`, `btrim`, `lpad`, `rpad`,
//! `initcap`, `repeat`, `reverse`, `md5`, `format`, `to_char` on numbers,
//! `quote_literal`, `encode`/`decode`...
//!
//! Lengths and positions count characters, as PostgreSQL's do with UTF-8.

use base64::Engine as _;
use md5::{Digest, Md5};
use rusqlite::Connection;
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::{Value, ValueRef};

use crate::schema::ColumnType;

/// What each function of this module returns, for `Describe`.
pub(crate) const RETURN_TYPES: &[(&str, ColumnType)] = &[
    ("left", ColumnType::Text),
    ("right", ColumnType::Text),
    ("strpos", ColumnType::Integer),
    ("split_part", ColumnType::Text),
    ("btrim", ColumnType::Text),
    ("lpad", ColumnType::Text),
    ("rpad", ColumnType::Text),
    ("initcap", ColumnType::Text),
    ("repeat", ColumnType::Text),
    ("reverse", ColumnType::Text),
    ("md5", ColumnType::Text),
    ("format", ColumnType::Text),
    ("char_length", ColumnType::Integer),
    ("character_length", ColumnType::Integer),
    ("chr", ColumnType::Text),
    ("ascii", ColumnType::Integer),
    ("to_hex", ColumnType::Text),
    ("quote_literal", ColumnType::Text),
    ("quote_nullable", ColumnType::Text),
    ("starts_with", ColumnType::Bool),
    ("translate", ColumnType::Text),
    ("encode", ColumnType::Text),
    ("decode", ColumnType::Bytea),
    ("concat", ColumnType::Text),
    ("concat_ws", ColumnType::Text),
    ("string_agg", ColumnType::Text),
    ("lower", ColumnType::Text),
    ("upper", ColumnType::Text),
    ("length", ColumnType::Integer),
    ("octet_length", ColumnType::Integer),
    ("substr", ColumnType::Text),
    ("substring", ColumnType::Text),
    ("replace", ColumnType::Text),
    ("trim", ColumnType::Text),
    ("ltrim", ColumnType::Text),
    ("rtrim", ColumnType::Text),
    ("instr", ColumnType::Integer),
    ("printf", ColumnType::Text),
    ("hex", ColumnType::Text),
    ("quote", ColumnType::Text),
    ("typeof", ColumnType::Text),
    ("group_concat", ColumnType::Text),
];

/// The longest string a function may build, as the engine's value limit.
const MAX_BUILT: usize = 64 << 20;

fn user_error(message: impl Into<String>) -> rusqlite::Error {
    rusqlite::Error::UserFunctionError(message.into().into())
}

/// An argument as text, as PostgreSQL would implicitly cast it.
pub(crate) fn text_of(value: ValueRef<'_>) -> Option<String> {
    match value {
        ValueRef::Null => None,
        ValueRef::Text(t) | ValueRef::Blob(t) => Some(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Integer(i) => Some(i.to_string()),
        ValueRef::Real(f) => Some(f.to_string()),
    }
}

fn arg(ctx: &Context<'_>, i: usize) -> Option<String> {
    text_of(ctx.get_raw(i))
}

fn int_arg(ctx: &Context<'_>, i: usize) -> rusqlite::Result<Option<i64>> {
    crate::functions::cast::to_int(ctx.get_raw(i), crate::functions::cast::IntKind::Int8)
        .map_err(user_error)
}

/// `left(s, n)`: the first `n` characters; a negative `n` drops the last `-n`.
pub(crate) fn left(s: &str, n: i64) -> String {
    let len = s.chars().count() as i64;
    let keep = if n >= 0 { n.min(len) } else { (len + n).max(0) };
    s.chars().take(keep as usize).collect()
}

/// `right(s, n)`: the last `n` characters; a negative `n` drops the first `-n`.
pub(crate) fn right(s: &str, n: i64) -> String {
    let len = s.chars().count() as i64;
    let keep = if n >= 0 { n.min(len) } else { (len + n).max(0) };
    s.chars().skip((len - keep) as usize).collect()
}

/// `split_part(s, delimiter, n)`: field `n` (from the end when negative).
pub(crate) fn split_part(s: &str, delim: &str, n: i64) -> Result<String, String> {
    if n == 0 {
        return Err("field position must not be zero".to_owned());
    }
    let parts: Vec<&str> = if delim.is_empty() {
        vec![s]
    } else {
        s.split(delim).collect()
    };
    let idx = if n > 0 {
        usize::try_from(n - 1).ok()
    } else {
        usize::try_from(parts.len() as i64 + n).ok()
    };
    Ok(idx
        .and_then(|i| parts.get(i))
        .map_or(String::new(), |p| (*p).to_owned()))
}

/// `lpad`/`rpad`: pads with `fill` (repeated) or truncates to `len` characters.
pub(crate) fn pad(s: &str, len: i64, fill: &str, left_side: bool) -> Result<String, String> {
    let len = usize::try_from(len.max(0)).unwrap_or(0);
    if len.saturating_mul(4) > MAX_BUILT {
        return Err("requested length too large".to_owned());
    }
    let chars: Vec<char> = s.chars().collect();
    if chars.len() >= len {
        return Ok(chars[..len].iter().collect());
    }
    let fill: Vec<char> = fill.chars().collect();
    if fill.is_empty() {
        return Ok(s.to_owned());
    }
    let padding: String = fill.iter().cycle().take(len - chars.len()).collect();
    Ok(if left_side {
        padding + s
    } else {
        s.to_owned() + &padding
    })
}

/// `initcap`: the first letter of each word upper case, the rest lower case.
pub(crate) fn initcap(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_word = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if in_word {
                out.extend(c.to_lowercase());
            } else {
                out.extend(c.to_uppercase());
            }
            in_word = true;
        } else {
            out.push(c);
            in_word = false;
        }
    }
    out
}

/// `btrim(s, chars)`: strips any of `chars` from both ends.
pub(crate) fn btrim(s: &str, chars: &str) -> String {
    s.trim_matches(|c| chars.contains(c)).to_owned()
}

/// `quote_literal`: a string literal, `E''` when it holds backslashes.
pub(crate) fn quote_literal(s: &str) -> String {
    let escaped = s.replace('\'', "''");
    if s.contains('\\') {
        format!("E'{}'", escaped.replace('\\', "\\\\"))
    } else {
        format!("'{escaped}'")
    }
}

/// `quote_ident`'s rule: quote unless the name is a plain lower-case identifier.
fn quote_ident(s: &str) -> String {
    let plain = s
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$');
    if plain {
        s.to_owned()
    } else {
        format!("\"{}\"", s.replace('"', "\"\""))
    }
}

/// PostgreSQL's `format()`: `%s`, `%I` (identifier), `%L` (literal), `%%`,
/// with optional `n$` positions and widths (`%-10s`, `%*s`).
pub(crate) fn format(template: &str, args: &[Option<String>]) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = template.chars().peekable();
    let mut next_arg = 0usize;
    let take = |i: usize| -> Result<Option<String>, String> {
        args.get(i)
            .cloned()
            .ok_or_else(|| "too few arguments for format()".to_owned())
    };
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&'%') {
            chars.next();
            out.push('%');
            continue;
        }
        // Optional "n$" position.
        let mut spec = String::new();
        while let Some(&d) = chars.peek() {
            if d.is_ascii_digit() || d == '-' || d == '$' || d == '*' {
                spec.push(d);
                chars.next();
            } else {
                break;
            }
        }
        let (position, width_spec) = match spec.split_once('$') {
            Some((p, w)) => (
                Some(
                    p.parse::<usize>().ok().filter(|p| *p > 0).ok_or_else(|| {
                        "format specifies argument 0, but arguments are numbered from 1".to_owned()
                    })? - 1,
                ),
                w.to_owned(),
            ),
            None => (None, spec),
        };
        let left_align = width_spec.starts_with('-');
        let width_digits = width_spec.trim_start_matches('-');
        let width = if width_digits == "*" {
            let w = take(next_arg)?;
            next_arg += 1;
            w.and_then(|w| w.parse::<i64>().ok()).unwrap_or(0)
        } else if width_digits.is_empty() {
            0
        } else {
            width_digits
                .parse::<i64>()
                .map_err(|_| "invalid width in format()".to_owned())?
        };
        let idx = position.unwrap_or(next_arg);
        next_arg = idx + 1;
        let kind = chars
            .next()
            .ok_or_else(|| "unterminated format() type specifier".to_owned())?;
        let value = take(idx)?;
        let piece = match kind {
            's' => value.unwrap_or_default(),
            'I' => quote_ident(&value.ok_or_else(|| {
                "null values cannot be formatted as an SQL identifier".to_owned()
            })?),
            'L' => value.map_or_else(|| "NULL".to_owned(), |v| quote_literal(&v)),
            other => return Err(format!("unrecognized format() type specifier \"{other}\"")),
        };
        // A negative width from `*` aligns left, as `-` does.
        let left_align = left_align || width < 0;
        let width = usize::try_from(width.unsigned_abs())
            .ok()
            .filter(|w| *w <= MAX_BUILT)
            .ok_or_else(|| "format() result is too large".to_owned())?;
        let n = piece.chars().count();
        if n < width {
            let fill = " ".repeat(width - n);
            if left_align {
                out.push_str(&piece);
                out.push_str(&fill);
            } else {
                out.push_str(&fill);
                out.push_str(&piece);
            }
        } else {
            out.push_str(&piece);
        }
        if out.len() > MAX_BUILT {
            return Err("format() result is too large".to_owned());
        }
    }
    Ok(out)
}

/// `to_char(number, template)` for the digit patterns `9`, `0`, `.`/`D`,
/// `,`/`G`, the `FM` prefix and `S`/`MI` signs.
pub(crate) fn number_to_char(value: f64, template: &str) -> String {
    let fm = template.contains("FM") || template.contains("fm");
    let body: String = template.replace("FM", "").replace("fm", "");
    let explicit_sign = body.contains('S') || body.contains("MI");
    let (int_tpl, frac_tpl) = match body.find(['.', 'D']) {
        Some(i) => (&body[..i], &body[i + 1..]),
        None => (body.as_str(), ""),
    };
    let frac_digits = frac_tpl.chars().filter(|c| matches!(c, '9' | '0')).count();
    let int_digits = int_tpl.chars().filter(|c| matches!(c, '9' | '0')).count();
    let scaled = (value.abs() * 10f64.powi(frac_digits as i32)).round();
    let text = format!("{scaled:.0}");
    let (int_part, frac_part) = if text.len() > frac_digits {
        text.split_at(text.len() - frac_digits)
    } else {
        ("", text.as_str())
    };
    let frac_part = format!("{frac_part:0>frac_digits$}");
    let int_part = int_part.trim_start_matches('0');
    if int_part.len() > int_digits {
        // PostgreSQL fills with '#' when the number does not fit.
        let hashes: String = body
            .chars()
            .map(|c| if matches!(c, '9' | '0') { '#' } else { c })
            .collect();
        return format!(" {hashes}");
    }
    // Integer part, right-aligned on the template.
    let mut digits = int_part.chars().rev();
    let mut int_out: Vec<char> = Vec::new();
    let first_zero = int_tpl.find('0').unwrap_or(usize::MAX);
    for (i, c) in int_tpl.char_indices().rev() {
        match c {
            '9' | '0' => match digits.next() {
                Some(d) => int_out.push(d),
                None if c == '0' || i >= first_zero => int_out.push('0'),
                None => int_out.push(' '),
            },
            ',' | 'G' => int_out.push(if int_out.last().is_some_and(|c| c.is_ascii_digit()) {
                ','
            } else {
                ' '
            }),
            _ => {}
        }
    }
    int_out.reverse();
    let mut int_str: String = int_out.into_iter().collect();
    if int_str.trim().is_empty() && frac_digits == 0 {
        int_str = int_str.trim_end().to_owned() + "0";
    }
    let mut frac_str = String::new();
    if body.contains(['.', 'D']) {
        let mut f: Vec<char> = frac_part.chars().collect();
        if fm {
            // Trailing `9` positions drop their zeros in fill mode.
            let tpl: Vec<char> = frac_tpl
                .chars()
                .filter(|c| matches!(c, '9' | '0'))
                .collect();
            while let (Some('0'), Some('9')) = (f.last(), tpl.get(f.len().wrapping_sub(1))) {
                f.pop();
            }
        }
        frac_str = format!(".{}", f.into_iter().collect::<String>());
    }
    let negative = value < 0.0 && scaled != 0.0;
    let trimmed = int_str.trim_start();
    let pad = &int_str[..int_str.len() - trimmed.len()];
    let sign = if negative {
        "-"
    } else if explicit_sign && body.contains('S') {
        "+"
    } else if explicit_sign {
        ""
    } else {
        " "
    };
    let number = format!("{trimmed}{frac_str}");
    if fm {
        let sign = if negative {
            "-"
        } else if body.contains('S') {
            "+"
        } else {
            ""
        };
        format!("{sign}{number}")
    } else if body.ends_with("MI") {
        format!("{pad}{number}{}", if negative { "-" } else { " " })
    } else {
        format!("{pad}{sign}{number}")
    }
}

pub(crate) fn register(conn: &Connection) -> rusqlite::Result<()> {
    let det = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("left", 2, det, |ctx| {
        Ok(match (arg(ctx, 0), int_arg(ctx, 1)?) {
            (Some(s), Some(n)) => Some(left(&s, n)),
            _ => None,
        })
    })?;
    conn.create_scalar_function("right", 2, det, |ctx| {
        Ok(match (arg(ctx, 0), int_arg(ctx, 1)?) {
            (Some(s), Some(n)) => Some(right(&s, n)),
            _ => None,
        })
    })?;
    conn.create_scalar_function("strpos", 2, det, |ctx| {
        Ok(match (arg(ctx, 0), arg(ctx, 1)) {
            (Some(s), Some(sub)) => Some(
                s.find(&sub)
                    .map_or(0, |i| s[..i].chars().count() as i64 + 1),
            ),
            _ => None,
        })
    })?;
    conn.create_scalar_function("split_part", 3, det, |ctx| {
        match (arg(ctx, 0), arg(ctx, 1), int_arg(ctx, 2)?) {
            (Some(s), Some(d), Some(n)) => split_part(&s, &d, n).map(Some).map_err(user_error),
            _ => Ok(None),
        }
    })?;
    conn.create_scalar_function("btrim", 1, det, |ctx| {
        Ok(arg(ctx, 0).map(|s| btrim(&s, " ")))
    })?;
    conn.create_scalar_function("btrim", 2, det, |ctx| {
        Ok(match (arg(ctx, 0), arg(ctx, 1)) {
            (Some(s), Some(c)) => Some(btrim(&s, &c)),
            _ => None,
        })
    })?;
    for (name, left_side) in [("lpad", true), ("rpad", false)] {
        conn.create_scalar_function(name, -1, det, move |ctx| {
            if !(2..=3).contains(&ctx.len()) {
                return Err(user_error(format!("{name}() takes 2 or 3 arguments")));
            }
            let fill = if ctx.len() == 3 {
                arg(ctx, 2)
            } else {
                Some(" ".to_owned())
            };
            match (arg(ctx, 0), int_arg(ctx, 1)?, fill) {
                (Some(s), Some(n), Some(f)) => {
                    pad(&s, n, &f, left_side).map(Some).map_err(user_error)
                }
                _ => Ok(None),
            }
        })?;
    }
    conn.create_scalar_function(
        "initcap",
        1,
        det,
        |ctx| Ok(arg(ctx, 0).map(|s| initcap(&s))),
    )?;
    conn.create_scalar_function("repeat", 2, det, |ctx| {
        let (Some(s), Some(n)) = (arg(ctx, 0), int_arg(ctx, 1)?) else {
            return Ok(None);
        };
        let n = usize::try_from(n.max(0)).unwrap_or(0);
        if s.len().saturating_mul(n) > MAX_BUILT {
            return Err(user_error("requested length too large"));
        }
        Ok(Some(s.repeat(n)))
    })?;
    conn.create_scalar_function("reverse", 1, det, |ctx| {
        Ok(arg(ctx, 0).map(|s| s.chars().rev().collect::<String>()))
    })?;
    conn.create_scalar_function("md5", 1, det, |ctx| {
        Ok(match ctx.get_raw(0) {
            ValueRef::Null => None,
            ValueRef::Text(b) | ValueRef::Blob(b) => Some(hex(&Md5::digest(b))),
            other => text_of(other).map(|s| hex(&Md5::digest(s.as_bytes()))),
        })
    })?;
    conn.create_scalar_function("format", -1, det, |ctx| {
        if ctx.is_empty() {
            return Err(user_error("format() needs a format string"));
        }
        let Some(template) = arg(ctx, 0) else {
            return Ok(None);
        };
        let args: Vec<Option<String>> = (1..ctx.len()).map(|i| arg(ctx, i)).collect();
        format(&template, &args).map(Some).map_err(user_error)
    })?;
    for name in ["char_length", "character_length"] {
        conn.create_scalar_function(name, 1, det, |ctx| {
            Ok(arg(ctx, 0).map(|s| s.chars().count() as i64))
        })?;
    }
    conn.create_scalar_function("chr", 1, det, |ctx| {
        let Some(n) = int_arg(ctx, 0)? else {
            return Ok(None);
        };
        u32::try_from(n)
            .ok()
            .filter(|n| *n != 0)
            .and_then(char::from_u32)
            .map(|c| Some(c.to_string()))
            .ok_or_else(|| user_error(format!("requested character not valid for encoding: {n}")))
    })?;
    conn.create_scalar_function("ascii", 1, det, |ctx| {
        Ok(arg(ctx, 0).map(|s| s.chars().next().map_or(0, |c| i64::from(u32::from(c)))))
    })?;
    conn.create_scalar_function("to_hex", 1, det, |ctx| {
        Ok(int_arg(ctx, 0)?.map(|n| {
            if n >= 0 || i32::try_from(n).is_err() {
                format!("{:x}", n as u64)
            } else {
                format!("{:x}", n as i32 as u32)
            }
        }))
    })?;
    conn.create_scalar_function("quote_literal", 1, det, |ctx| {
        Ok(arg(ctx, 0).map(|s| quote_literal(&s)))
    })?;
    conn.create_scalar_function("quote_nullable", 1, det, |ctx| {
        Ok(arg(ctx, 0).map_or_else(|| "NULL".to_owned(), |s| quote_literal(&s)))
    })?;
    conn.create_scalar_function("starts_with", 2, det, |ctx| {
        Ok(match (arg(ctx, 0), arg(ctx, 1)) {
            (Some(s), Some(p)) => Some(s.starts_with(&p)),
            _ => None,
        })
    })?;
    conn.create_scalar_function("translate", 3, det, |ctx| {
        let (Some(s), Some(from), Some(to)) = (arg(ctx, 0), arg(ctx, 1), arg(ctx, 2)) else {
            return Ok(None);
        };
        let from: Vec<char> = from.chars().collect();
        let to: Vec<char> = to.chars().collect();
        Ok(Some(
            s.chars()
                .filter_map(|c| match from.iter().position(|f| *f == c) {
                    Some(i) => to.get(i).copied(),
                    None => Some(c),
                })
                .collect::<String>(),
        ))
    })?;
    conn.create_scalar_function("encode", 2, det, |ctx| {
        let Some(format) = arg(ctx, 1) else {
            return Ok(None);
        };
        let bytes = match ctx.get_raw(0) {
            ValueRef::Null => return Ok(None),
            ValueRef::Text(b) | ValueRef::Blob(b) => b.to_vec(),
            other => text_of(other).unwrap_or_default().into_bytes(),
        };
        match format.to_ascii_lowercase().as_str() {
            "hex" => Ok(Some(hex(&bytes))),
            "base64" => Ok(Some(
                base64::engine::general_purpose::STANDARD.encode(&bytes),
            )),
            "escape" => Ok(Some(
                bytes
                    .iter()
                    .map(|&b| match b {
                        b'\\' => "\\\\".to_owned(),
                        0 | 0x80..=0xff => format!("\\{b:03o}"),
                        _ => char::from(b).to_string(),
                    })
                    .collect(),
            )),
            other => Err(user_error(format!("unrecognized encoding: \"{other}\""))),
        }
    })?;
    conn.create_scalar_function("decode", 2, det, |ctx| {
        let (Some(s), Some(format)) = (arg(ctx, 0), arg(ctx, 1)) else {
            return Ok(None);
        };
        let bytes = match format.to_ascii_lowercase().as_str() {
            "hex" => crate::functions::cast::parse_bytea(&format!("\\x{s}")).map_err(user_error)?,
            "base64" => base64::engine::general_purpose::STANDARD
                .decode(s.split_whitespace().collect::<String>())
                .map_err(|e| user_error(format!("invalid base64 input: {e}")))?,
            "escape" => crate::functions::cast::parse_bytea(&s).map_err(user_error)?,
            other => return Err(user_error(format!("unrecognized encoding: \"{other}\""))),
        };
        Ok(Some(Value::Blob(bytes)))
    })?;
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_functions_match_postgresql() {
        assert_eq!(left("héllo", 2), "hé");
        assert_eq!(left("hello", -2), "hel");
        assert_eq!(right("hello", 2), "lo");
        assert_eq!(right("hello", -2), "llo");
        assert_eq!(split_part("a,b,c", ",", 2), Ok("b".to_owned()));
        assert_eq!(split_part("a,b,c", ",", -1), Ok("c".to_owned()));
        assert_eq!(split_part("a,b,c", ",", 5), Ok(String::new()));
        assert!(split_part("a", ",", 0).is_err());
        assert_eq!(pad("hi", 5, "xy", true), Ok("xyxhi".to_owned()));
        assert_eq!(pad("hello", 3, " ", false), Ok("hel".to_owned()));
        assert!(pad("x", i64::MAX, " ", true).is_err());
        assert_eq!(initcap("hi THOMAS o'neil"), "Hi Thomas O'Neil");
        assert_eq!(btrim("xxhixx", "x"), "hi");
        assert_eq!(quote_literal("it's"), "'it''s'");
        assert_eq!(quote_literal("a\\b"), "E'a\\\\b'");
    }

    #[test]
    fn format_supports_s_i_l_positions_and_widths() {
        let args = |v: &[Option<&str>]| v.iter().map(|s| s.map(str::to_owned)).collect::<Vec<_>>();
        assert_eq!(
            format("%s-%s", &args(&[Some("a"), None])),
            Ok("a-".to_owned())
        );
        assert_eq!(
            format(
                "SELECT %I FROM %I WHERE x = %L",
                &args(&[Some("Col"), Some("t"), Some("it's")])
            ),
            Ok("SELECT \"Col\" FROM t WHERE x = 'it''s'".to_owned())
        );
        assert_eq!(
            format("%2$s %1$s", &args(&[Some("a"), Some("b")])),
            Ok("b a".to_owned())
        );
        assert_eq!(
            format("[%5s|%-5s]", &args(&[Some("a"), Some("b")])),
            Ok("[    a|b    ]".to_owned())
        );
        assert_eq!(format("%L", &args(&[None])), Ok("NULL".to_owned()));
        assert_eq!(format("100%%", &args(&[])), Ok("100%".to_owned()));
        assert!(format("%s %s", &args(&[Some("a")])).is_err());
        assert!(format("%d", &args(&[Some("1")])).is_err());
        assert_eq!(
            format("%2000000000s", &args(&[Some("x")])),
            Err("format() result is too large".to_owned()),
            "a width past the value limit is refused, not cut short"
        );
        assert_eq!(
            format("%*s", &args(&[Some("-3"), Some("x")])),
            Ok("x  ".to_owned())
        );
    }

    #[test]
    fn numbers_format_with_templates() {
        assert_eq!(number_to_char(123.0, "999"), " 123");
        assert_eq!(number_to_char(-5.0, "999"), "  -5");
        assert_eq!(number_to_char(1234.5, "FM9999.00"), "1234.50");
        assert_eq!(number_to_char(1234.5, "FM9999.99"), "1234.5");
        assert_eq!(number_to_char(7.0, "000"), " 007");
        assert_eq!(number_to_char(1_234_567.0, "9,999,999"), " 1,234,567");
        assert_eq!(number_to_char(12345.0, "999"), " ###");
        assert_eq!(number_to_char(0.5, "9.9"), "  .5");
    }
}
