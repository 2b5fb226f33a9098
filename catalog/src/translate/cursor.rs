//! Cursor and COPY statements: `DECLARE`, `FETCH`, `MOVE`, `CLOSE` and
//! `COPY ... TO STDOUT`, read into commands the wire layer runs.
//!
//! The query inside `DECLARE ... FOR query` and `COPY (query)` is kept as
//! written; the caller translates it like any other statement.

use crate::error::CatalogError;

/// `DECLARE name [BINARY] [ASENSITIVE|INSENSITIVE] [[NO] SCROLL] CURSOR [{WITH|WITHOUT} HOLD] FOR query`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declare {
    pub name: String,
    /// Rows are fetched in binary format.
    pub binary: bool,
    /// `NO SCROLL` was given: the cursor only moves forward.
    pub no_scroll: bool,
    /// `WITH HOLD`: the cursor outlives the transaction that declared it.
    pub hold: bool,
    /// The query, as written.
    pub query: String,
}

/// How many rows a `FETCH` or `MOVE` covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    All,
    Rows(u64),
}

/// Where a `FETCH` or `MOVE` goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// `NEXT`, `FORWARD [n|ALL]`, `n`, `ALL`.
    Forward(Count),
    /// `PRIOR`, `BACKWARD [n|ALL]`, `-n`.
    Backward(Count),
    /// `FIRST` (1), `LAST` (-1), `ABSOLUTE n`.
    Absolute(i64),
    /// `RELATIVE n`.
    Relative(i64),
}

/// `FETCH [direction] [FROM|IN] name` or `MOVE ...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetch {
    pub name: String,
    pub direction: Direction,
    /// `MOVE`: reposition without returning rows.
    pub move_only: bool,
}

/// What `COPY ... TO STDOUT` reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CopySource {
    /// `COPY (query)`, the query as written.
    Query(String),
    /// `COPY table [(columns)]`, names as written.
    Table { name: String, columns: Vec<String> },
}

/// `COPY`'s output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CopyFormat {
    #[default]
    Text,
    Csv,
    Binary,
}

/// Which columns CSV output always quotes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ForceQuote {
    #[default]
    None,
    All,
    Columns(Vec<String>),
}

/// `COPY ... TO STDOUT [WITH] (options)`, or the pre-9.0 option syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copy {
    pub source: CopySource,
    pub format: CopyFormat,
    pub header: bool,
    /// One byte: tab for text, comma for CSV unless given.
    pub delimiter: u8,
    /// What a NULL prints as: `\N` for text, nothing for CSV unless given.
    pub null: String,
    pub quote: u8,
    pub escape: u8,
    pub force_quote: ForceQuote,
}

fn syntax(what: &str, sql: &str) -> CatalogError {
    CatalogError::Syntax(format!("syntax error in {what}: {sql}"))
}

fn is_kw(token: Option<&(String, usize)>, kw: &str) -> bool {
    token.is_some_and(|(t, _)| t.eq_ignore_ascii_case(kw))
}

/// A cursor name as written: quoted names keep their case.
fn ident(token: &str) -> String {
    match token.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => token.to_ascii_lowercase(),
    }
}

/// A string literal's value.
fn string_value(token: &str) -> Option<String> {
    let inner = token.strip_prefix('\'')?.strip_suffix('\'')?;
    Some(inner.replace("''", "'"))
}

/// Reads a `DECLARE` statement.
pub(super) fn declare(t: &[(String, usize)], sql: &str) -> Result<Declare, CatalogError> {
    let name = t
        .get(1)
        .map(|(n, _)| ident(n))
        .ok_or_else(|| syntax("DECLARE", sql))?;
    let mut d = Declare {
        name,
        binary: false,
        no_scroll: false,
        hold: false,
        query: String::new(),
    };
    let mut i = 2;
    loop {
        let Some((word, _)) = t.get(i) else {
            return Err(syntax("DECLARE", sql));
        };
        match word.to_ascii_uppercase().as_str() {
            "BINARY" => d.binary = true,
            "ASENSITIVE" | "INSENSITIVE" | "SCROLL" => {}
            "NO" if is_kw(t.get(i + 1), "SCROLL") => {
                d.no_scroll = true;
                i += 1;
            }
            "CURSOR" => break,
            _ => return Err(syntax("DECLARE", sql)),
        }
        i += 1;
    }
    i += 1;
    if is_kw(t.get(i), "WITH") || is_kw(t.get(i), "WITHOUT") {
        if !is_kw(t.get(i + 1), "HOLD") {
            return Err(syntax("DECLARE", sql));
        }
        d.hold = is_kw(t.get(i), "WITH");
        i += 2;
    }
    if !is_kw(t.get(i), "FOR") {
        return Err(syntax("DECLARE", sql));
    }
    let start = t
        .get(i + 1)
        .map(|(_, at)| *at)
        .ok_or_else(|| syntax("DECLARE", sql))?;
    d.query = sql[start..].trim_end().trim_end_matches(';').to_owned();
    Ok(d)
}

fn count(token: &str) -> Option<i64> {
    token.parse().ok()
}

/// Reads a `FETCH` or `MOVE` statement.
pub(super) fn fetch(
    t: &[(String, usize)],
    sql: &str,
    move_only: bool,
) -> Result<Fetch, CatalogError> {
    let what = if move_only { "MOVE" } else { "FETCH" };
    let err = || syntax(what, sql);
    let words: Vec<&str> = t[1..]
        .iter()
        .map(|(w, _)| w.as_str())
        .filter(|w| *w != ";")
        .collect();
    let (name, rest) = words.split_last().ok_or_else(err)?;
    let mut rest: &[&str] = rest;
    if rest
        .last()
        .is_some_and(|w| w.eq_ignore_ascii_case("FROM") || w.eq_ignore_ascii_case("IN"))
    {
        rest = &rest[..rest.len() - 1];
    }
    let signed = |n: i64| {
        if n < 0 {
            Direction::Backward(Count::Rows(n.unsigned_abs()))
        } else {
            Direction::Forward(Count::Rows(n as u64))
        }
    };
    let upper: Vec<String> = rest.iter().map(|w| w.to_ascii_uppercase()).collect();
    let words: Vec<&str> = upper.iter().map(String::as_str).collect();
    let direction = match words.as_slice() {
        [] | ["NEXT"] | ["FORWARD"] => Direction::Forward(Count::Rows(1)),
        ["PRIOR"] | ["BACKWARD"] => Direction::Backward(Count::Rows(1)),
        ["FIRST"] => Direction::Absolute(1),
        ["LAST"] => Direction::Absolute(-1),
        ["ALL"] | ["FORWARD", "ALL"] => Direction::Forward(Count::All),
        ["BACKWARD", "ALL"] => Direction::Backward(Count::All),
        ["ABSOLUTE", n] => Direction::Absolute(count(n).ok_or_else(err)?),
        ["RELATIVE", n] => Direction::Relative(count(n).ok_or_else(err)?),
        ["FORWARD", n] => signed(count(n).ok_or_else(err)?),
        ["BACKWARD", n] => match signed(count(n).ok_or_else(err)?) {
            Direction::Forward(c) => Direction::Backward(c),
            Direction::Backward(c) => Direction::Forward(c),
            other => other,
        },
        [n] => signed(count(n).ok_or_else(err)?),
        _ => return Err(err()),
    };
    if name.starts_with('\'') || name.chars().all(|c| c.is_ascii_punctuation()) {
        return Err(err());
    }
    Ok(Fetch {
        name: ident(name),
        direction,
        move_only,
    })
}

/// Reads `CLOSE name` or `CLOSE ALL` (`None`).
pub(super) fn close(t: &[(String, usize)], sql: &str) -> Result<Option<String>, CatalogError> {
    match t.get(1) {
        Some((n, _)) if n.eq_ignore_ascii_case("ALL") => Ok(None),
        Some((n, _)) if n != ";" => Ok(Some(ident(n))),
        _ => Err(syntax("CLOSE", sql)),
    }
}

/// The index of the token closing the parenthesis opened at `open`.
fn closing_paren(t: &[(String, usize)], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, (tok, _)) in t.iter().enumerate().skip(open) {
        match tok.as_str() {
            "(" => depth += 1,
            ")" => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// A list of identifiers in parentheses starting at `open`: the names and the index after `)`.
fn ident_list(t: &[(String, usize)], open: usize) -> Option<(Vec<String>, usize)> {
    let close = closing_paren(t, open)?;
    let names = t[open + 1..close]
        .iter()
        .map(|(w, _)| w.clone())
        .filter(|w| w != ",")
        .collect();
    Some((names, close + 1))
}

/// Splits option tokens at commas outside parentheses.
fn top_level_items(t: &[(String, usize)]) -> Vec<&[(String, usize)]> {
    let mut items = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, (w, _)) in t.iter().enumerate() {
        match w.as_str() {
            "(" => depth += 1,
            ")" => depth = depth.saturating_sub(1),
            "," if depth == 0 => {
                items.push(&t[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&t[start..]);
    items
}

/// One option character: a one-byte string literal.
fn one_byte(token: Option<&(String, usize)>, option: &str) -> Result<u8, CatalogError> {
    let v = token
        .and_then(|(t, _)| string_value(t))
        .ok_or_else(|| CatalogError::Syntax(format!("COPY {option} needs a quoted character")))?;
    match v.as_bytes() {
        [b] if b.is_ascii() => Ok(*b),
        _ => Err(CatalogError::InvalidParameter(format!(
            "COPY {option} must be a single one-byte character"
        ))),
    }
}

fn bool_value(token: Option<&String>) -> Option<bool> {
    let v = token?.trim_matches('\'').to_ascii_lowercase();
    match v.as_str() {
        "true" | "on" | "1" | "yes" => Some(true),
        "false" | "off" | "0" | "no" => Some(false),
        _ => None,
    }
}

/// Reads a `COPY` statement; only `TO STDOUT` is served, `FROM` is a write.
pub(super) fn copy(t: &[(String, usize)], sql: &str) -> Result<Copy, CatalogError> {
    let err = || syntax("COPY", sql);
    let mut i = 1;
    let source = if t.get(1).is_some_and(|(w, _)| w == "(") {
        let close = closing_paren(t, 1).ok_or_else(err)?;
        let start = t.get(2).map(|(_, at)| *at).ok_or_else(err)?;
        let end = t[close].1;
        i = close + 1;
        CopySource::Query(sql[start..end].trim().to_owned())
    } else {
        let name = t.get(1).map(|(w, _)| w.clone()).ok_or_else(err)?;
        i += 1;
        let mut columns = Vec::new();
        if t.get(i).is_some_and(|(w, _)| w == "(") {
            let (names, next) = ident_list(t, i).ok_or_else(err)?;
            columns = names;
            i = next;
        }
        CopySource::Table { name, columns }
    };
    if is_kw(t.get(i), "FROM") {
        return Err(CatalogError::ReadOnly("COPY FROM".to_owned()));
    }
    if !is_kw(t.get(i), "TO") {
        return Err(err());
    }
    i += 1;
    if !is_kw(t.get(i), "STDOUT") {
        return Err(CatalogError::Unsupported(
            "COPY to a file or program is not supported; use COPY ... TO STDOUT (psql's \\copy)"
                .to_owned(),
        ));
    }
    i += 1;
    let mut c = Copy {
        source,
        format: CopyFormat::Text,
        header: false,
        delimiter: 0,
        null: String::new(),
        quote: b'"',
        escape: 0,
        force_quote: ForceQuote::None,
    };
    let mut null: Option<String> = None;
    if is_kw(t.get(i), "WITH") {
        i += 1;
    }
    if t.get(i).is_some_and(|(w, _)| w == "(") {
        // The option list: `(FORMAT csv, HEADER, DELIMITER ';', ...)`.
        let close = closing_paren(t, i).ok_or_else(err)?;
        for item in top_level_items(&t[i + 1..close]) {
            let Some((name, _)) = item.first() else {
                return Err(err());
            };
            let value = item.get(1);
            match name.to_ascii_lowercase().as_str() {
                "format" => {
                    c.format = match value
                        .map(|(v, _)| v.trim_matches('\'').to_ascii_lowercase())
                        .as_deref()
                    {
                        Some("text") => CopyFormat::Text,
                        Some("csv") => CopyFormat::Csv,
                        Some("binary") => CopyFormat::Binary,
                        _ => {
                            return Err(CatalogError::InvalidParameter(format!(
                                "COPY format \"{}\" not recognized",
                                value.map_or("", |(v, _)| v.as_str())
                            )));
                        }
                    }
                }
                "header" => {
                    c.header = match value {
                        None => true,
                        Some((v, _)) => bool_value(Some(v)).ok_or_else(|| {
                            CatalogError::InvalidParameter(format!(
                                "header requires a Boolean value, not {v}"
                            ))
                        })?,
                    }
                }
                "delimiter" => c.delimiter = one_byte(value, "delimiter")?,
                "null" => {
                    null = Some(value.and_then(|(v, _)| string_value(v)).ok_or_else(err)?);
                }
                "quote" => c.quote = one_byte(value, "quote")?,
                "escape" => c.escape = one_byte(value, "escape")?,
                "force_quote" => {
                    c.force_quote = match value {
                        Some((v, _)) if v == "*" => ForceQuote::All,
                        Some((v, _)) if v == "(" => {
                            let (names, _) = ident_list(item, 1).ok_or_else(err)?;
                            ForceQuote::Columns(names)
                        }
                        _ => return Err(err()),
                    }
                }
                "encoding" => {
                    let e = value.and_then(|(v, _)| string_value(v)).unwrap_or_default();
                    let e = e.to_ascii_uppercase().replace(['-', '_'], "");
                    if e != "UTF8" && e != "UNICODE" {
                        return Err(CatalogError::Unsupported(
                            "COPY only writes UTF8".to_owned(),
                        ));
                    }
                }
                "freeze" | "force_not_null" | "force_null" => {
                    return Err(CatalogError::InvalidParameter(format!(
                        "COPY {name} is only available with COPY FROM"
                    )));
                }
                other => {
                    return Err(CatalogError::InvalidParameter(format!(
                        "option \"{other}\" not recognized"
                    )));
                }
            }
        }
        i = close + 1;
    } else {
        // The pre-9.0 syntax: `BINARY`, `DELIMITER [AS] 'x'`, `NULL [AS] 'x'`,
        // `CSV [HEADER] [QUOTE [AS] 'x'] [ESCAPE [AS] 'x'] [FORCE QUOTE cols|*]`.
        while let Some((word, _)) = t.get(i) {
            let value_at = |i: usize| {
                if is_kw(t.get(i + 1), "AS") {
                    i + 2
                } else {
                    i + 1
                }
            };
            match word.to_ascii_uppercase().as_str() {
                "BINARY" => c.format = CopyFormat::Binary,
                "CSV" => c.format = CopyFormat::Csv,
                "HEADER" => c.header = true,
                "DELIMITER" => {
                    i = value_at(i);
                    c.delimiter = one_byte(t.get(i), "delimiter")?;
                }
                "NULL" => {
                    i = value_at(i);
                    null = Some(
                        t.get(i)
                            .and_then(|(v, _)| string_value(v))
                            .ok_or_else(err)?,
                    );
                }
                "QUOTE" => {
                    i = value_at(i);
                    c.quote = one_byte(t.get(i), "quote")?;
                }
                "ESCAPE" => {
                    i = value_at(i);
                    c.escape = one_byte(t.get(i), "escape")?;
                }
                "FORCE" if is_kw(t.get(i + 1), "QUOTE") => {
                    i += 2;
                    if t.get(i).is_some_and(|(w, _)| w == "*") {
                        c.force_quote = ForceQuote::All;
                    } else {
                        let mut names = vec![t.get(i).map(|(w, _)| w.clone()).ok_or_else(err)?];
                        while t.get(i + 1).is_some_and(|(w, _)| w == ",") {
                            i += 2;
                            names.push(t.get(i).map(|(w, _)| w.clone()).ok_or_else(err)?);
                        }
                        c.force_quote = ForceQuote::Columns(names);
                    }
                }
                ";" => {}
                _ => return Err(err()),
            }
            i += 1;
        }
    }
    if t.get(i).is_some_and(|(w, _)| w != ";") {
        return Err(err());
    }
    let csv = c.format == CopyFormat::Csv;
    if c.delimiter == 0 {
        c.delimiter = if csv { b',' } else { b'\t' };
    }
    if c.escape == 0 {
        c.escape = c.quote;
    }
    c.null = null.unwrap_or_else(|| if csv { String::new() } else { "\\N".to_owned() });
    if c.format == CopyFormat::Binary && c.header {
        return Err(CatalogError::Unsupported(
            "cannot specify HEADER in BINARY mode".to_owned(),
        ));
    }
    if !csv && c.force_quote != ForceQuote::None {
        return Err(CatalogError::Unsupported(
            "COPY force quote available only in CSV mode".to_owned(),
        ));
    }
    if c.null.contains(char::from(c.delimiter)) {
        return Err(CatalogError::InvalidParameter(
            "COPY delimiter must not appear in the NULL specification".to_owned(),
        ));
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::super::session::{SessionCommand, classify};
    use super::*;

    fn cmd(sql: &str) -> SessionCommand {
        classify(sql)
            .expect("classifies")
            .expect("a session command")
    }

    #[test]
    fn declare_forms() {
        assert_eq!(
            cmd("DECLARE c1 CURSOR FOR SELECT * FROM processes WHERE pid = $1;"),
            SessionCommand::Declare(Declare {
                name: "c1".into(),
                binary: false,
                no_scroll: false,
                hold: false,
                query: "SELECT * FROM processes WHERE pid = $1".into(),
            })
        );
        assert_eq!(
            cmd("declare \"Named\" binary no scroll cursor with hold for\n  select 1"),
            SessionCommand::Declare(Declare {
                name: "Named".into(),
                binary: true,
                no_scroll: true,
                hold: true,
                query: "select 1".into(),
            })
        );
        assert!(classify("DECLARE c CURSOR SELECT 1").is_err());
        assert!(classify("DECLARE").is_err());
    }

    #[test]
    fn fetch_and_move_forms() {
        let fetch = |sql: &str| match cmd(sql) {
            SessionCommand::Fetch(f) => (f.name, f.direction, f.move_only),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            fetch("FETCH c"),
            ("c".into(), Direction::Forward(Count::Rows(1)), false)
        );
        assert_eq!(
            fetch("FETCH FORWARD 2000 FROM \"C\""),
            ("C".into(), Direction::Forward(Count::Rows(2000)), false)
        );
        assert_eq!(
            fetch("fetch all in c"),
            ("c".into(), Direction::Forward(Count::All), false)
        );
        assert_eq!(
            fetch("FETCH -2 c"),
            ("c".into(), Direction::Backward(Count::Rows(2)), false)
        );
        assert_eq!(
            fetch("FETCH BACKWARD -1 c"),
            ("c".into(), Direction::Forward(Count::Rows(1)), false)
        );
        assert_eq!(
            fetch("FETCH LAST FROM c"),
            ("c".into(), Direction::Absolute(-1), false)
        );
        assert_eq!(
            fetch("MOVE RELATIVE -3 IN c"),
            ("c".into(), Direction::Relative(-3), true)
        );
        assert_eq!(
            fetch("FETCH 100 FROM c1"),
            ("c1".into(), Direction::Forward(Count::Rows(100)), false)
        );
        assert!(classify("FETCH").is_err());
        assert!(classify("FETCH ABSOLUTE x c").is_err());
        assert_eq!(cmd("CLOSE c"), SessionCommand::Close(Some("c".into())));
        assert_eq!(cmd("CLOSE ALL"), SessionCommand::Close(None));
    }

    #[test]
    fn copy_forms() {
        let copy = |sql: &str| match cmd(sql) {
            SessionCommand::Copy(c) => c,
            other => panic!("{other:?}"),
        };
        let c = copy("COPY ( SELECT name, 'a,b' FROM users ) TO STDOUT");
        assert_eq!(
            c.source,
            CopySource::Query("SELECT name, 'a,b' FROM users".into())
        );
        assert_eq!(
            (c.format, c.delimiter, c.null.as_str(), c.header),
            (CopyFormat::Text, b'\t', "\\N", false)
        );
        let c = copy(
            "COPY (SELECT 1) TO STDOUT WITH (FORMAT csv, HEADER, DELIMITER ';', FORCE_QUOTE *)",
        );
        assert_eq!(
            (c.format, c.delimiter, c.null.as_str(), c.header),
            (CopyFormat::Csv, b';', "", true)
        );
        assert_eq!(c.force_quote, ForceQuote::All);
        let c = copy(
            "copy processes (pid, name) to stdout with csv header quote as '''' force quote name",
        );
        assert_eq!(
            c.source,
            CopySource::Table {
                name: "processes".into(),
                columns: vec!["pid".into(), "name".into()]
            }
        );
        assert_eq!(
            (c.format, c.quote, c.escape),
            (CopyFormat::Csv, b'\'', b'\'')
        );
        assert_eq!(c.force_quote, ForceQuote::Columns(vec!["name".into()]));
        let c = copy("COPY users TO STDOUT (FORMAT csv, FORCE_QUOTE (a, b), NULL 'x')");
        assert_eq!(
            c.force_quote,
            ForceQuote::Columns(vec!["a".into(), "b".into()])
        );
        assert_eq!(c.null, "x");
        assert_eq!(
            copy("COPY users TO STDOUT (FORMAT binary)").format,
            CopyFormat::Binary
        );
        assert_eq!(
            copy("COPY users TO STDOUT BINARY").format,
            CopyFormat::Binary
        );
        assert!(matches!(
            classify("COPY users FROM STDIN"),
            Err(CatalogError::ReadOnly(_))
        ));
        assert!(matches!(
            classify("COPY users TO '/tmp/x'"),
            Err(CatalogError::Unsupported(_))
        ));
        assert!(classify("COPY users TO STDOUT (FORMAT xml)").is_err());
        assert!(classify("COPY users TO STDOUT (DELIMITER ',,')").is_err());
        assert!(classify("COPY (SELECT 1 TO STDOUT").is_err());
    }
}
