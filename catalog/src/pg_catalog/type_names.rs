//! Type names both ways, as PostgreSQL spells them: `format_type(oid, typmod)`
//! and `regtype` output, and parsing a type name (`integer`, `varchar(10)`,
//! `"char"`, `timestamp with time zone`, `pg_catalog.int4`, `text[]`) into
//! its OID for `regtype` input.

use super::keywords::quote_ident;
use super::types::{self, PgType};

const BOOL: u32 = 16;
const INT2: u32 = 21;
const INT4: u32 = 23;
const INT8: u32 = 20;
const FLOAT4: u32 = 700;
const FLOAT8: u32 = 701;
const BPCHAR: u32 = 1042;
const VARCHAR: u32 = 1043;
const TIME: u32 = 1083;
const TIMESTAMP: u32 = 1114;
const TIMESTAMPTZ: u32 = 1184;
const INTERVAL: u32 = 1186;
const TIMETZ: u32 = 1266;
const BIT: u32 = 1560;
const VARBIT: u32 = 1562;
const NUMERIC: u32 = 1700;

/// The length header PostgreSQL adds to the typmod of length-limited strings.
const VARHDRSZ: i32 = 4;

/// `format_type(oid, typmod)`: `None` for typmod means "no typmod given"
/// (`format_type(oid, NULL)`), which prints some types differently
/// (`character` rather than `bpchar`). An unknown OID prints `???`.
pub(crate) fn format_type(oid: u32, typmod: Option<i32>) -> Result<String, String> {
    if oid == 0 {
        return Ok("-".to_owned());
    }
    let Some(t) = types::by_oid(oid) else {
        return Ok("???".to_owned());
    };
    if t.is_array() {
        let element = format_type(t.elem, typmod)?;
        return Ok(format!("{element}[]"));
    }
    format_base(t, typmod)
}

/// `regtype` output: the type's SQL name without a typmod; an unknown OID as its number.
pub(crate) fn regtype_out(oid: u32) -> String {
    match types::by_oid(oid) {
        Some(_) => format_type(oid, None).unwrap_or_else(|_| oid.to_string()),
        None if oid == 0 => "-".to_owned(),
        None => oid.to_string(),
    }
}

fn format_base(t: &PgType, typmod: Option<i32>) -> Result<String, String> {
    let given = typmod.is_some();
    let with = typmod.filter(|m| *m >= 0);
    Ok(match t.oid {
        BIT => match with {
            Some(n) => format!("bit({n})"),
            None if given => "\"bit\"".to_owned(),
            None => "bit".to_owned(),
        },
        BPCHAR => match with {
            Some(n) => format!("character({})", n - VARHDRSZ),
            None if given => "bpchar".to_owned(),
            None => "character".to_owned(),
        },
        VARCHAR => match with {
            Some(n) => format!("character varying({})", n - VARHDRSZ),
            None => "character varying".to_owned(),
        },
        VARBIT => match with {
            Some(n) => format!("bit varying({n})"),
            None => "bit varying".to_owned(),
        },
        NUMERIC => match with {
            Some(m) => {
                let m = m - VARHDRSZ;
                let precision = (m >> 16) & 0xffff;
                let scale = ((m & 0x7ff) ^ 1024) - 1024;
                format!("numeric({precision},{scale})")
            }
            None => "numeric".to_owned(),
        },
        TIME | TIMETZ | TIMESTAMP | TIMESTAMPTZ => {
            let base = match t.oid {
                TIME | TIMETZ => "time",
                _ => "timestamp",
            };
            let zone = match t.oid {
                TIMETZ | TIMESTAMPTZ => "with time zone",
                _ => "without time zone",
            };
            match with {
                Some(p) => format!("{base}({p}) {zone}"),
                None => format!("{base} {zone}"),
            }
        }
        INTERVAL => match with {
            Some(m) => format!("interval{}", interval_typmod(m)?),
            None => "interval".to_owned(),
        },
        _ => t.display.to_owned(),
    })
}

/// The fields and precision an interval typmod encodes, as `intervaltypmodout` prints them.
fn interval_typmod(typmod: i32) -> Result<String, String> {
    const FULL_RANGE: i32 = 0x7fff;
    const FULL_PRECISION: i32 = 0xffff;
    let fields = (typmod >> 16) & 0x7fff;
    let precision = typmod & 0xffff;
    let (month, year, day, hour, minute, second) =
        (1 << 1, 1 << 2, 1 << 3, 1 << 10, 1 << 11, 1 << 12);
    let words = match fields {
        FULL_RANGE => "",
        f if f == year => " year",
        f if f == month => " month",
        f if f == day => " day",
        f if f == hour => " hour",
        f if f == minute => " minute",
        f if f == second => " second",
        f if f == year | month => " year to month",
        f if f == day | hour => " day to hour",
        f if f == day | hour | minute => " day to minute",
        f if f == day | hour | minute | second => " day to second",
        f if f == hour | minute => " hour to minute",
        f if f == hour | minute | second => " hour to second",
        f if f == minute | second => " minute to second",
        _ => return Err(format!("invalid INTERVAL typmod: {typmod:#x}")),
    };
    Ok(if precision == FULL_PRECISION {
        words.to_owned()
    } else {
        format!("({precision}){words}")
    })
}

/// A token of a type name.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    /// An identifier: unquoted ones are folded to lower case.
    Word {
        text: String,
        quoted: bool,
    },
    Number(i64),
    Punct(char),
}

fn tokenize(s: &str) -> Option<Vec<Token>> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' {
            chars.next();
            let mut text = String::new();
            loop {
                match chars.next()? {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        text.push('"');
                    }
                    '"' => break,
                    other => text.push(other),
                }
            }
            out.push(Token::Word { text, quoted: true });
        } else if c.is_ascii_digit() || c == '-' {
            let mut digits = String::from(c);
            chars.next();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                digits.push(d);
                chars.next();
            }
            out.push(Token::Number(digits.parse().ok()?));
        } else if c.is_alphanumeric() || c == '_' {
            let mut text = String::new();
            while let Some(&d) = chars
                .peek()
                .filter(|d| d.is_alphanumeric() || **d == '_' || **d == '$')
            {
                text.push(d.to_ascii_lowercase());
                chars.next();
            }
            out.push(Token::Word {
                text,
                quoted: false,
            });
        } else if "().,[]".contains(c) {
            out.push(Token::Punct(c));
            chars.next();
        } else {
            return None;
        }
    }
    Some(out)
}

/// Why a type name does not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TypeNameError {
    /// Not a type name at all.
    Syntax(String),
    /// A well-formed name no type has.
    Unknown(String),
}

/// Parses a type name as `regtype` input does and returns its OID. A
/// number is taken as an OID; `-` is OID 0.
pub(crate) fn parse_type_name(input: &str) -> Result<u32, TypeNameError> {
    let trimmed = input.trim();
    if trimmed == "-" {
        return Ok(0);
    }
    if !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit()) {
        return trimmed
            .parse()
            .map_err(|_| TypeNameError::Syntax(format!("invalid type OID \"{trimmed}\"")));
    }
    let syntax = || TypeNameError::Syntax(format!("invalid type name \"{trimmed}\""));
    let mut tokens = tokenize(trimmed).ok_or_else(syntax)?;

    // Array bounds: `[]` or `[n]`, any number of them, at the end.
    let mut array = false;
    while tokens.last() == Some(&Token::Punct(']')) {
        tokens.pop();
        if matches!(tokens.last(), Some(Token::Number(_))) {
            tokens.pop();
        }
        if tokens.pop() != Some(Token::Punct('[')) {
            return Err(syntax());
        }
        array = true;
    }
    // A typmod in parentheses: remembered (float(p) depends on it), then dropped.
    let mut typmod: Vec<i64> = Vec::new();
    let mut words: Vec<(String, bool)> = Vec::new();
    let mut iter = tokens.into_iter();
    while let Some(token) = iter.next() {
        match token {
            Token::Word { text, quoted } => words.push((text, quoted)),
            Token::Punct('.') => words.push((".".to_owned(), false)),
            Token::Punct('(') => loop {
                match iter.next() {
                    Some(Token::Number(n)) => typmod.push(n),
                    Some(Token::Punct(',')) => {}
                    Some(Token::Punct(')')) => break,
                    _ => return Err(syntax()),
                }
            },
            _ => return Err(syntax()),
        }
    }
    let oid = resolve_words(&words, &typmod).ok_or_else(|| {
        let name: Vec<&str> = words.iter().map(|(w, _)| w.as_str()).collect();
        TypeNameError::Unknown(format!(
            "type \"{}{}\" does not exist",
            name.join(" ").replace(" . ", "."),
            if array { "[]" } else { "" }
        ))
    })?;
    if !array {
        return Ok(oid);
    }
    match types::by_oid(oid) {
        Some(t) if t.array != 0 => Ok(t.array),
        Some(t) if t.is_array() => Ok(t.oid),
        _ => Err(TypeNameError::Unknown(format!(
            "could not find array type for data type {}",
            regtype_out(oid)
        ))),
    }
}

/// The OID of a type named by `words` (each with whether it was quoted).
fn resolve_words(words: &[(String, bool)], typmod: &[i64]) -> Option<u32> {
    let by_typname = |name: &str| types::by_name(name).map(|t| t.oid);
    match words {
        // `pg_catalog.name` names a type by its catalog name, without SQL aliases.
        [(schema, _), (dot, false), (name, _)] if dot == "." => {
            (schema == "pg_catalog").then(|| by_typname(name))?
        }
        [(name, true)] => by_typname(name),
        [(name, false)] => match name.as_str() {
            "int" | "integer" => Some(INT4),
            "smallint" => Some(INT2),
            "bigint" => Some(INT8),
            "real" => Some(FLOAT4),
            "float" => match typmod.first() {
                Some(p) if *p < 1 || *p > 53 => None,
                Some(p) if *p <= 24 => Some(FLOAT4),
                _ => Some(FLOAT8),
            },
            "decimal" | "dec" => Some(NUMERIC),
            "boolean" => Some(BOOL),
            "character" | "char" => Some(BPCHAR),
            "timestamp" => Some(TIMESTAMP),
            "time" => Some(TIME),
            other => by_typname(other),
        },
        [(first, false), rest @ ..] => {
            let rest: Vec<&str> = rest
                .iter()
                .map(|(w, q)| if *q { "" } else { w.as_str() })
                .collect();
            match (first.as_str(), rest.as_slice()) {
                ("double", ["precision"]) => Some(FLOAT8),
                ("character" | "char", ["varying"]) => Some(VARCHAR),
                ("national", ["character" | "char"]) => Some(BPCHAR),
                ("national", ["character" | "char", "varying"]) => Some(VARCHAR),
                ("bit", ["varying"]) => Some(VARBIT),
                ("time", ["without", "time", "zone"]) => Some(TIME),
                ("time", ["with", "time", "zone"]) => Some(TIMETZ),
                ("timestamp", ["without", "time", "zone"]) => Some(TIMESTAMP),
                ("timestamp", ["with", "time", "zone"]) => Some(TIMESTAMPTZ),
                ("interval", fields) if fields.iter().all(|f| is_interval_field(f)) => {
                    Some(INTERVAL)
                }
                _ => None,
            }
        }
        _ => None,
    }
}

fn is_interval_field(word: &str) -> bool {
    matches!(
        word,
        "year" | "month" | "day" | "hour" | "minute" | "second" | "to"
    )
}

/// A qualified name as PostgreSQL prints it, each part quoted when needed.
pub(crate) fn qualified(schema: &str, name: &str) -> String {
    format!("{}.{}", quote_ident(schema), quote_ident(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_type_matches_postgresql() {
        // Each expectation is what PostgreSQL 15 prints for the same call.
        let cases: &[(u32, Option<i32>, &str)] = &[
            (1043, Some(36), "character varying(32)"),
            (1043, Some(-1), "character varying"),
            (1043, None, "character varying"),
            (1042, Some(-1), "bpchar"),
            (1042, None, "character"),
            (1042, Some(12), "character(8)"),
            (1700, Some(655_366), "numeric(10,2)"),
            (1700, Some(131_075), "numeric(1,-1)"),
            (1700, Some(-1), "numeric"),
            (1184, Some(3), "timestamp(3) with time zone"),
            (1114, None, "timestamp without time zone"),
            (1186, Some(2_147_418_115), "interval(3)"),
            (1015, Some(36), "character varying(32)[]"),
            (18, Some(-1), "\"char\""),
            (99_999, Some(-1), "???"),
            (1560, Some(-1), "\"bit\""),
            (1560, Some(5), "bit(5)"),
            (1560, None, "bit"),
            (1083, Some(2), "time(2) without time zone"),
            (1266, None, "time with time zone"),
            (0, None, "-"),
            (2205, None, "regclass"),
            (1009, Some(-1), "text[]"),
            (22, Some(-1), "int2vector"),
            (701, Some(-1), "double precision"),
            (20, Some(-1), "bigint"),
            (16, Some(-1), "boolean"),
            (19, Some(-1), "name"),
        ];
        for (oid, typmod, expected) in cases {
            assert_eq!(
                format_type(*oid, *typmod).as_deref(),
                Ok(*expected),
                "format_type({oid}, {typmod:?})"
            );
        }
        assert!(format_type(1186, Some(3)).is_err());
        assert_eq!(regtype_out(1042), "character");
        assert_eq!(regtype_out(99_999), "99999");
        assert_eq!(regtype_out(0), "-");
    }

    #[test]
    fn type_names_parse_like_regtype() {
        let cases: &[(&str, u32)] = &[
            ("int4", 23),
            ("integer", 23),
            ("INT", 23),
            ("pg_catalog.int4", 23),
            ("text", 25),
            ("varchar", 1043),
            ("varchar(10)", 1043),
            ("character varying(10)", 1043),
            ("\"char\"", 18),
            ("char", 1042),
            ("char(3)", 1042),
            ("pg_catalog.\"char\"", 18),
            ("name", 19),
            ("oid", 26),
            ("bool", 16),
            ("boolean", 16),
            ("timestamptz", 1184),
            ("timestamp with time zone", 1184),
            ("timestamp(3) without time zone", 1114),
            ("timestamp", 1114),
            ("double precision", 701),
            ("float", 701),
            ("float(10)", 700),
            ("numeric(10,2)", 1700),
            ("decimal", 1700),
            ("int4[]", 1007),
            ("integer[]", 1007),
            ("text[][]", 1009),
            ("_int4", 1007),
            ("varchar(20)[]", 1015),
            ("interval day to second", 1186),
            ("regclass", 2205),
            ("23", 23),
            ("-", 0),
            ("  bigint  ", 20),
        ];
        for (name, oid) in cases {
            assert_eq!(parse_type_name(name), Ok(*oid), "{name}");
        }
        assert_eq!(
            parse_type_name("nosuch"),
            Err(TypeNameError::Unknown(
                "type \"nosuch\" does not exist".into()
            ))
        );
        assert_eq!(
            parse_type_name("public.int4"),
            Err(TypeNameError::Unknown(
                "type \"public.int4\" does not exist".into()
            ))
        );
        assert_eq!(
            parse_type_name("\"Int4\""),
            Err(TypeNameError::Unknown(
                "type \"Int4\" does not exist".into()
            ))
        );
        assert!(matches!(
            parse_type_name("int4)"),
            Err(TypeNameError::Syntax(_))
        ));
        assert!(matches!(
            parse_type_name("int4; drop"),
            Err(TypeNameError::Syntax(_))
        ));
    }
}
