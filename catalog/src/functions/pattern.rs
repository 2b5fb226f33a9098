//! Pattern matching with PostgreSQL's semantics: `LIKE` (case-sensitive,
//! `\` escapes by default), `ILIKE`, the regular-expression operators and
//! functions (`~`, `regexp_replace`, `regexp_match`...) and `SIMILAR TO`.
//!
//! `like()` replaces SQLite's own, so `x LIKE p` keeps its operator form and
//! virtual tables still receive `LIKE` constraints for pushdown (SQLite
//! offers a two-argument `like` to `xBestIndex` whatever implements it); see
//! ARCHITECTURE.md. Regular expressions use the `regex` crate, compiled once
//! per statement for a constant pattern, with a size limit.

use std::sync::Arc;

use regex::{Regex, RegexBuilder};
use rusqlite::Connection;
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::ValueRef;

use crate::functions::array::json_array_text;
use crate::functions::text::text_of;
use crate::schema::ColumnType;

/// What each function of this module returns, for `Describe`.
pub(crate) const RETURN_TYPES: &[(&str, ColumnType)] = &[
    ("like", ColumnType::Bool),
    ("ilike", ColumnType::Bool),
    ("regexp", ColumnType::Bool),
    ("regexp_like", ColumnType::Bool),
    ("regexp_replace", ColumnType::Text),
    ("regexp_match", ColumnType::Array(&ColumnType::Text)),
    (
        "regexp_split_to_array",
        ColumnType::Array(&ColumnType::Text),
    ),
    ("regexp_count", ColumnType::Integer),
    ("regexp_substr", ColumnType::Text),
    ("textregexsubstr", ColumnType::Text),
    ("similar_to_escape", ColumnType::Text),
];

/// The largest compiled program a pattern may need.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

fn user_error(message: impl Into<String>) -> rusqlite::Error {
    rusqlite::Error::UserFunctionError(message.into().into())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    /// `%`
    Any,
    /// `_`
    One,
    Lit(char),
}

/// Compiles a `LIKE` pattern; `escape` is `None` for `ESCAPE ''`.
fn like_tokens(pattern: &str, escape: Option<char>, fold: bool) -> Result<Vec<Token>, String> {
    let mut out = Vec::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if Some(c) == escape {
            let lit = chars
                .next()
                .ok_or_else(|| "LIKE pattern must not end with escape character".to_owned())?;
            out.push(Token::Lit(lit));
        } else if c == '%' {
            if out.last() != Some(&Token::Any) {
                out.push(Token::Any);
            }
        } else if c == '_' {
            out.push(Token::One);
        } else {
            out.push(Token::Lit(c));
        }
    }
    if fold {
        for t in &mut out {
            if let Token::Lit(c) = t {
                *c = fold_char(*c);
            }
        }
    }
    Ok(out)
}

fn fold_char(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// Matches `text` against compiled `LIKE` tokens: the classic two-pointer
/// walk that backtracks only to the last `%`, so it is O(len × pattern).
fn like_match(tokens: &[Token], text: &str, fold: bool) -> bool {
    let text: Vec<char> = if fold {
        text.chars().map(fold_char).collect()
    } else {
        text.chars().collect()
    };
    let (mut t, mut p) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match tokens.get(p) {
            Some(Token::Any) => {
                star = Some((p, t));
                p += 1;
            }
            Some(Token::One) => {
                t += 1;
                p += 1;
            }
            Some(Token::Lit(c)) if *c == text[t] => {
                t += 1;
                p += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    tokens[p..].iter().all(|t| *t == Token::Any)
}

/// `value LIKE pattern [ESCAPE escape]` with PostgreSQL's rules.
pub(crate) fn like(
    value: &str,
    pattern: &str,
    escape: Option<char>,
    fold: bool,
) -> Result<bool, String> {
    Ok(like_match(
        &like_tokens(pattern, escape, fold)?,
        value,
        fold,
    ))
}

fn escape_arg(ctx: &Context<'_>, i: usize) -> rusqlite::Result<Option<char>> {
    if ctx.len() <= i {
        return Ok(Some('\\'));
    }
    let e = text_of(ctx.get_raw(i)).unwrap_or_default();
    let mut chars = e.chars();
    match (chars.next(), chars.next()) {
        (None, _) => Ok(None),
        (Some(c), None) => Ok(Some(c)),
        _ => Err(user_error(
            "invalid escape string: it must be empty or one character",
        )),
    }
}

/// Regular-expression flags of PostgreSQL's functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Flags {
    insensitive: bool,
    global: bool,
    newline: bool,
    extended: bool,
    literal: bool,
}

fn parse_flags(flags: &str) -> Result<Flags, String> {
    let mut f = Flags::default();
    for c in flags.chars() {
        match c {
            'i' => f.insensitive = true,
            'c' => f.insensitive = false,
            'g' => f.global = true,
            'n' | 'm' => f.newline = true,
            's' | 'p' | 'w' => {}
            'x' => f.extended = true,
            'q' => f.literal = true,
            other => return Err(format!("invalid regular expression option: \"{other}\"")),
        }
    }
    Ok(f)
}

/// Rewrites PostgreSQL's regex escapes that the `regex` crate spells differently.
fn translate_regex(pattern: &str) -> Result<String, String> {
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('y' | 'm' | 'M') => out.push_str("\\b"),
            Some('Y') => out.push_str("\\B"),
            Some('Z') => out.push_str("\\z"),
            Some(d @ '1'..='9') => {
                return Err(format!(
                    "invalid regular expression: back reference \\{d} is not supported"
                ));
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => return Err("invalid regular expression: invalid escape \\ sequence".to_owned()),
        }
    }
    Ok(out)
}

/// Compiles a PostgreSQL regular expression with `flags`.
fn compile(pattern: &str, flags: Flags) -> Result<Regex, String> {
    let body = if flags.literal {
        regex::escape(pattern)
    } else {
        translate_regex(pattern)?
    };
    RegexBuilder::new(&body)
        .case_insensitive(flags.insensitive)
        .dot_matches_new_line(!flags.newline)
        .multi_line(flags.newline)
        .ignore_whitespace(flags.extended)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(_) => {
                "invalid regular expression: the pattern is too large".to_owned()
            }
            other => format!(
                "invalid regular expression: {}",
                first_line(&other.to_string())
            ),
        })
}

fn first_line(s: &str) -> String {
    s.lines()
        .filter(|l| l.starts_with("error:"))
        .map(|l| l.trim_start_matches("error:").trim().to_owned())
        .next()
        .unwrap_or_else(|| s.lines().next().unwrap_or(s).to_owned())
}

/// The compiled pattern of argument `i`, cached for the statement when the
/// pattern is constant.
fn regex_arg(
    ctx: &Context<'_>,
    i: usize,
    flags: Flags,
) -> rusqlite::Result<Option<Arc<(Flags, Regex)>>> {
    if matches!(ctx.get_raw(i), ValueRef::Null) {
        return Ok(None);
    }
    let index = i32::try_from(i).map_err(|_| user_error("too many arguments"))?;
    let cached = ctx.get_or_create_aux(index, |v| -> Result<(Flags, Regex), String> {
        let p = text_of(v).unwrap_or_default();
        Ok((flags, compile(&p, flags)?))
    })?;
    if cached.0 == flags {
        return Ok(Some(cached));
    }
    let p = text_of(ctx.get_raw(i)).unwrap_or_default();
    Ok(Some(Arc::new((
        flags,
        compile(&p, flags).map_err(user_error)?,
    ))))
}

fn flags_arg(ctx: &Context<'_>, i: usize) -> rusqlite::Result<Option<Flags>> {
    if ctx.len() <= i {
        return Ok(Some(Flags::default()));
    }
    match text_of(ctx.get_raw(i)) {
        None => Ok(None),
        Some(f) => parse_flags(&f).map(Some).map_err(user_error),
    }
}

/// PostgreSQL's replacement syntax (`\1`, `\&`, `\\`) in the `regex` crate's (`${1}`).
fn replacement(r: &str) -> String {
    let mut out = String::with_capacity(r.len());
    let mut chars = r.chars();
    while let Some(c) = chars.next() {
        match c {
            '$' => out.push_str("$$"),
            '\\' => match chars.next() {
                Some(d @ '0'..='9') => out.push_str(&format!("${{{d}}}")),
                Some('&') => out.push_str("${0}"),
                Some(other) => out.push(other),
                None => out.push('\\'),
            },
            other => out.push(other),
        }
    }
    out
}

/// `SIMILAR TO` pattern to a regular expression, as PostgreSQL's `similar_to_escape`.
pub(crate) fn similar_to_regex(pattern: &str, escape: Option<char>) -> Result<String, String> {
    let mut out = String::from("^(?:");
    let mut chars = pattern.chars();
    let mut in_bracket = false;
    while let Some(c) = chars.next() {
        if Some(c) == escape {
            let next = chars.next().ok_or_else(|| {
                "invalid escape string: pattern must not end with the escape character".to_owned()
            })?;
            out.push_str(&regex::escape(&next.to_string()));
            continue;
        }
        if in_bracket {
            if c == ']' {
                in_bracket = false;
            }
            out.push(c);
            continue;
        }
        match c {
            '%' => out.push_str(".*"),
            '_' => out.push('.'),
            '[' => {
                in_bracket = true;
                out.push('[');
            }
            '.' | '^' | '$' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            other => out.push(other),
        }
    }
    out.push_str(")$");
    Ok(out)
}

pub(crate) fn register(conn: &Connection) -> rusqlite::Result<()> {
    let det = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    // SQLite calls like(pattern, value[, escape]) for `value LIKE pattern`.
    for n in [2, 3] {
        conn.create_scalar_function("like", n, det, |ctx| {
            let (Some(p), Some(v)) = (text_of(ctx.get_raw(0)), text_of(ctx.get_raw(1))) else {
                return Ok(None);
            };
            like(&v, &p, escape_arg(ctx, 2)?, false)
                .map(Some)
                .map_err(user_error)
        })?;
    }
    // ilike(value, pattern[, escape]), in PostgreSQL's argument order.
    for n in [2, 3] {
        conn.create_scalar_function("ilike", n, det, |ctx| {
            let (Some(v), Some(p)) = (text_of(ctx.get_raw(0)), text_of(ctx.get_raw(1))) else {
                return Ok(None);
            };
            like(&v, &p, escape_arg(ctx, 2)?, true)
                .map(Some)
                .map_err(user_error)
        })?;
    }
    // SQLite's `value REGEXP pattern` calls regexp(pattern, value).
    conn.create_scalar_function("regexp", 2, det, |ctx| {
        let Some(v) = text_of(ctx.get_raw(1)) else {
            return Ok(None);
        };
        Ok(regex_arg(ctx, 0, Flags::default())?.map(|re| re.1.is_match(&v)))
    })?;
    for n in [2, 3] {
        conn.create_scalar_function("regexp_like", n, det, |ctx| {
            let (Some(v), Some(flags)) = (text_of(ctx.get_raw(0)), flags_arg(ctx, 2)?) else {
                return Ok(None);
            };
            Ok(regex_arg(ctx, 1, flags)?.map(|re| re.1.is_match(&v)))
        })?;
    }
    for n in [3, 4] {
        conn.create_scalar_function("regexp_replace", n, det, |ctx| {
            let (Some(v), Some(r), Some(flags)) = (
                text_of(ctx.get_raw(0)),
                text_of(ctx.get_raw(2)),
                flags_arg(ctx, 3)?,
            ) else {
                return Ok(None);
            };
            let Some(re) = regex_arg(ctx, 1, flags)? else {
                return Ok(None);
            };
            let rep = replacement(&r);
            Ok(Some(if flags.global {
                re.1.replace_all(&v, rep.as_str()).into_owned()
            } else {
                re.1.replace(&v, rep.as_str()).into_owned()
            }))
        })?;
    }
    for n in [2, 3] {
        conn.create_scalar_function(
            "regexp_match",
            n,
            FunctionFlags::SQLITE_RESULT_SUBTYPE | det,
            |ctx| {
                let (Some(v), Some(flags)) = (text_of(ctx.get_raw(0)), flags_arg(ctx, 2)?) else {
                    return Ok((None, None));
                };
                if flags.global {
                    return Err(user_error(
                        "regexp_match() does not support the \"global\" option",
                    ));
                }
                let Some(re) = regex_arg(ctx, 1, flags)? else {
                    return Ok((None, None));
                };
                let Some(caps) = re.1.captures(&v) else {
                    return Ok((None, None));
                };
                let items: Vec<serde_json::Value> = if caps.len() > 1 {
                    caps.iter()
                        .skip(1)
                        .map(|m| m.map_or(serde_json::Value::Null, |m| m.as_str().into()))
                        .collect()
                } else {
                    vec![caps.get(0).map_or("", |m| m.as_str()).into()]
                };
                Ok((
                    Some(json_array_text(&items)),
                    crate::functions::array::JSON_SUBTYPE,
                ))
            },
        )?;
    }
    for n in [2, 3] {
        conn.create_scalar_function(
            "regexp_split_to_array",
            n,
            FunctionFlags::SQLITE_RESULT_SUBTYPE | det,
            |ctx| {
                let (Some(v), Some(flags)) = (text_of(ctx.get_raw(0)), flags_arg(ctx, 2)?) else {
                    return Ok((None, None));
                };
                let Some(re) = regex_arg(ctx, 1, flags)? else {
                    return Ok((None, None));
                };
                let items: Vec<serde_json::Value> = re.1.split(&v).map(Into::into).collect();
                Ok((
                    Some(json_array_text(&items)),
                    crate::functions::array::JSON_SUBTYPE,
                ))
            },
        )?;
    }
    conn.create_scalar_function("regexp_count", -1, det, |ctx| {
        if !(2..=4).contains(&ctx.len()) {
            return Err(user_error("regexp_count() takes 2 to 4 arguments"));
        }
        let Some(v) = text_of(ctx.get_raw(0)) else {
            return Ok(None);
        };
        let start = if ctx.len() > 2 {
            ctx.get::<Option<i64>>(2)?.unwrap_or(1)
        } else {
            1
        };
        if start < 1 {
            return Err(user_error(format!(
                "invalid value for parameter \"start\": {start}"
            )));
        }
        let Some(flags) = flags_arg(ctx, 3)? else {
            return Ok(None);
        };
        let Some(re) = regex_arg(ctx, 1, flags)? else {
            return Ok(None);
        };
        let skip: usize = v
            .chars()
            .take((start - 1) as usize)
            .map(char::len_utf8)
            .sum();
        Ok(Some(re.1.find_iter(&v[skip..]).count() as i64))
    })?;
    for name in ["regexp_substr", "textregexsubstr"] {
        let whole = name == "regexp_substr";
        conn.create_scalar_function(name, 2, det, move |ctx| {
            let Some(v) = text_of(ctx.get_raw(0)) else {
                return Ok(None);
            };
            let Some(re) = regex_arg(ctx, 1, Flags::default())? else {
                return Ok(None);
            };
            let Some(caps) = re.1.captures(&v) else {
                return Ok(None);
            };
            // `substring(s FROM pattern)` returns the first group when there is one.
            let m = if !whole && caps.len() > 1 {
                caps.get(1)
            } else {
                caps.get(0)
            };
            Ok(m.map(|m| m.as_str().to_owned()))
        })?;
    }
    for n in [1, 2] {
        conn.create_scalar_function("similar_to_escape", n, det, |ctx| {
            let Some(p) = text_of(ctx.get_raw(0)) else {
                return Ok(None);
            };
            let escape = if ctx.len() > 1 {
                escape_arg(ctx, 1)?
            } else {
                Some('\\')
            };
            similar_to_regex(&p, escape).map(Some).map_err(user_error)
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_is_case_sensitive_with_backslash_escapes() {
        let l = |v: &str, p: &str| like(v, p, Some('\\'), false).expect("like");
        assert!(l("openssl", "open%"));
        assert!(!l("OpenSSL", "open%"));
        assert!(l("a_b", "a\\_b"));
        assert!(!l("axb", "a\\_b"));
        assert!(l("axb", "a_b"));
        assert!(l("50%", "50\\%"));
        assert!(l("", "%"));
        assert!(!l("", "_"));
        assert!(l("/etc/cron.d/", "/etc/%"));
        assert!(l("abcabcabd", "%abc%abd"));
        assert!(!l(
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab",
            "%a%a%a%a%a%a%a%a%c"
        ));
        assert!(l("ünïcode", "_n_code"));
        assert!(like("x", "x\\", Some('\\'), false).is_err());
        assert!(like("a\\b", "a\\b", None, false).expect("no escape"));
        assert!(like("a!%b", "a!!%b", Some('!'), false).expect("bang"));
    }

    #[test]
    fn ilike_folds_case() {
        assert!(like("OpenSSL", "open%", Some('\\'), true).expect("ilike"));
        assert!(like("ÉTÉ", "été", Some('\\'), true).expect("ilike"));
    }

    #[test]
    fn regexes_translate_postgresql_syntax() {
        let re = compile("^pg_\\y", Flags::default()).expect("compile");
        assert!(re.is_match("pg_ x"));
        assert!(compile("(a)\\1", Flags::default()).is_err());
        let re = compile(
            "A.B",
            Flags {
                insensitive: true,
                ..Flags::default()
            },
        )
        .expect("i");
        assert!(re.is_match("a\nb"));
        assert_eq!(replacement("<\\1|\\&|$>"), "<${1}|${0}|$$>");
        assert!(
            compile("(", Flags::default())
                .expect_err("bad")
                .starts_with("invalid regular expression")
        );
        assert!(compile("a{1000}{1000}", Flags::default()).is_err());
    }

    #[test]
    fn similar_to_becomes_an_anchored_regex() {
        let re =
            |p: &str| Regex::new(&similar_to_regex(p, Some('\\')).expect("similar")).expect("re");
        assert!(re("%(b|d)%").is_match("abc"));
        assert!(!re("(b|c)%").is_match("abc"));
        assert!(re("a_c").is_match("abc"));
        assert!(!re("a.c").is_match("abc"));
        assert!(re("a.c").is_match("a.c"));
    }
}
