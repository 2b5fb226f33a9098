//! Recognises the statements a session answers itself (SET, SHOW, BEGIN, ...)
//! and the writes a read-only database refuses, by their leading keywords.
//!
//! These statements never reach SQLite; a small hand-written reader is more
//! forgiving of the PostgreSQL syntax clients really send than a full parser.

use crate::error::CatalogError;
use crate::translate::cursor::{self, Copy, Declare, Fetch};

/// A statement answered by the session rather than by SQLite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionCommand {
    /// `SET [SESSION|LOCAL] name {=|TO} value` and `SET TIME ZONE value`; `None` is `DEFAULT`.
    Set {
        name: String,
        value: Option<String>,
        local: bool,
    },
    /// `RESET name`, or `RESET ALL` when `name` is `None`.
    Reset { name: Option<String> },
    /// `SHOW name`, or `SHOW ALL` when `name` is `None`.
    Show { name: Option<String> },
    /// `BEGIN` / `START TRANSACTION`, with the isolation level it names
    /// (`repeatable read`, lower case), if any.
    Begin { isolation: Option<String> },
    /// `COMMIT` / `END`.
    Commit,
    /// `ROLLBACK` / `ABORT`.
    Rollback,
    /// `SAVEPOINT name`.
    Savepoint(String),
    /// `RELEASE [SAVEPOINT] name`.
    Release(String),
    /// `ROLLBACK TO [SAVEPOINT] name`.
    RollbackTo(String),
    /// `SET TRANSACTION ...` (`session: false`) or `SET SESSION
    /// CHARACTERISTICS AS TRANSACTION ...` (`session: true`), with the
    /// isolation level it names, if any.
    TransactionMode {
        session: bool,
        isolation: Option<String>,
    },
    /// `DISCARD ALL|PLANS|TEMP|SEQUENCES`.
    Discard,
    /// `DEALLOCATE [PREPARE] name|ALL`; `None` is ALL.
    Deallocate(Option<String>),
    /// `DECLARE name CURSOR FOR query`.
    Declare(Declare),
    /// `FETCH` or `MOVE`.
    Fetch(Fetch),
    /// `CLOSE name`, or `CLOSE ALL` when `None`.
    Close(Option<String>),
    /// `COPY ... TO STDOUT`.
    Copy(Copy),
}

/// The statements a read-only database refuses, by first keyword.
const WRITES: &[&str] = &[
    "INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "REPLACE", "CREATE", "DROP", "ALTER",
    "TRUNCATE", "GRANT", "REVOKE", "VACUUM", "ANALYZE", "ATTACH", "DETACH", "REINDEX", "COMMENT",
    "LOCK", "CLUSTER", "REFRESH", "SECURITY", "IMPORT", "CALL", "DO",
];

/// A tiny tokenizer: words, quoted strings, numbers and punctuation, with
/// the byte offset each starts at.
fn tokens_at(sql: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = sql.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|(_, c)| *c);
    let mut i = 0;
    while i < chars.len() {
        let (offset, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '-' && at(i + 1) == Some('-') {
            while i < chars.len() && chars[i].1 != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == Some('*') {
            let mut depth = 0;
            while i + 1 < chars.len() {
                if chars[i].1 == '/' && chars[i + 1].1 == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i].1 == '*' && chars[i + 1].1 == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            if depth != 0 {
                i = chars.len();
            }
        } else if c == '\'' || c == '"' {
            let mut s = String::new();
            s.push(c);
            i += 1;
            while i < chars.len() {
                if chars[i].1 == c {
                    if at(i + 1) == Some(c) {
                        s.push(c);
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                s.push(chars[i].1);
                i += 1;
            }
            s.push(c);
            out.push((s, offset));
        } else if c.is_alphanumeric() || c == '_' || c == '.' || c == '-' || c == '+' {
            let start = i;
            while i < chars.len()
                && (chars[i].1.is_alphanumeric()
                    || matches!(chars[i].1, '_' | '.' | '-' | '+' | '$'))
            {
                i += 1;
            }
            out.push((chars[start..i].iter().map(|(_, c)| c).collect(), offset));
        } else {
            out.push((c.to_string(), offset));
            i += 1;
        }
    }
    out
}

fn is_kw(token: Option<&String>, kw: &str) -> bool {
    token.is_some_and(|t| t.eq_ignore_ascii_case(kw))
}

/// The level after `ISOLATION LEVEL` in a transaction's modes, lower case
/// as SHOW prints it; `None` when the modes name none.
fn isolation_level(t: &[String]) -> Result<Option<String>, CatalogError> {
    let Some(at) = t
        .windows(2)
        .position(|w| is_kw(Some(&w[0]), "ISOLATION") && is_kw(Some(&w[1]), "LEVEL"))
    else {
        return Ok(None);
    };
    let word = |i: usize| t.get(at + 2 + i);
    let level = if is_kw(word(0), "SERIALIZABLE") {
        "serializable"
    } else if is_kw(word(0), "REPEATABLE") && is_kw(word(1), "READ") {
        "repeatable read"
    } else if is_kw(word(0), "READ") && is_kw(word(1), "COMMITTED") {
        "read committed"
    } else if is_kw(word(0), "READ") && is_kw(word(1), "UNCOMMITTED") {
        "read uncommitted"
    } else {
        return Err(CatalogError::Syntax(format!(
            "syntax error at or near \"{}\" (isolation levels: SERIALIZABLE, REPEATABLE READ, READ COMMITTED, READ UNCOMMITTED)",
            word(0).map_or("", String::as_str)
        )));
    };
    Ok(Some(level.to_owned()))
}

/// A SET value as text: quotes removed, words lower-cased as PostgreSQL does.
fn value_text(token: &str) -> String {
    if let Some(inner) = token.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')) {
        inner.replace("''", "'")
    } else if let Some(inner) = token.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        inner.to_owned()
    } else {
        token.to_ascii_lowercase()
    }
}

/// A (possibly quoted) setting name, lower-cased unless quoted.
fn name_text(token: &str) -> String {
    match token.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        Some(inner) => inner.to_owned(),
        None => token.to_ascii_lowercase(),
    }
}

/// Classifies `sql`: `Ok(Some)` for a session command, `Ok(None)` for a
/// statement SQLite should run, `Err` for a write or a malformed command.
pub fn classify(sql: &str) -> Result<Option<SessionCommand>, CatalogError> {
    let located = tokens_at(sql);
    let Some((first, _)) = located.first() else {
        return Ok(None);
    };
    let first = first.to_ascii_uppercase();
    match first.as_str() {
        "DECLARE" => {
            return Ok(Some(SessionCommand::Declare(cursor::declare(
                &located, sql,
            )?)));
        }
        "FETCH" | "MOVE" => {
            return Ok(Some(SessionCommand::Fetch(cursor::fetch(
                &located,
                sql,
                first == "MOVE",
            )?)));
        }
        "CLOSE" => return Ok(Some(SessionCommand::Close(cursor::close(&located, sql)?))),
        "COPY" => return Ok(Some(SessionCommand::Copy(cursor::copy(&located, sql)?))),
        _ => {}
    }
    let t: Vec<String> = located.into_iter().map(|(t, _)| t).collect();
    let isolation = || isolation_level(&t);
    let syntax = |what: &str| CatalogError::Syntax(format!("syntax error in {what}: {sql}"));
    let cmd = match first.as_str() {
        "SET" => {
            let mut i = 1;
            let mut local = false;
            if is_kw(t.get(i), "SESSION") {
                if is_kw(t.get(i + 1), "CHARACTERISTICS") {
                    return Ok(Some(SessionCommand::TransactionMode {
                        session: true,
                        isolation: isolation()?,
                    }));
                }
                if is_kw(t.get(i + 1), "AUTHORIZATION") {
                    return Ok(Some(SessionCommand::TransactionMode {
                        session: true,
                        isolation: None,
                    }));
                }
                i += 1;
            } else if is_kw(t.get(i), "LOCAL") {
                local = true;
                i += 1;
            }
            if is_kw(t.get(i), "TRANSACTION") {
                return Ok(Some(SessionCommand::TransactionMode {
                    session: false,
                    isolation: isolation()?,
                }));
            }
            let (name, value_at) = if is_kw(t.get(i), "TIME") && is_kw(t.get(i + 1), "ZONE") {
                ("timezone".to_owned(), i + 2)
            } else if is_kw(t.get(i), "NAMES") {
                ("client_encoding".to_owned(), i + 1)
            } else {
                let name = t.get(i).ok_or_else(|| syntax("SET"))?;
                let eq = t.get(i + 1);
                if !(is_kw(eq, "TO") || eq.is_some_and(|e| e == "=")) {
                    return Err(syntax("SET"));
                }
                (name_text(name), i + 2)
            };
            let values: Vec<&String> = t[value_at.min(t.len())..]
                .iter()
                .filter(|v| *v != ",")
                .collect();
            if values.is_empty() {
                return Err(syntax("SET"));
            }
            let value = if values.len() == 1
                && (values[0].eq_ignore_ascii_case("DEFAULT")
                    || (name == "timezone" && values[0].eq_ignore_ascii_case("LOCAL")))
            {
                None
            } else {
                Some(
                    values
                        .iter()
                        .map(|v| value_text(v))
                        .collect::<Vec<_>>()
                        .join(", "),
                )
            };
            SessionCommand::Set { name, value, local }
        }
        "RESET" => match t.get(1) {
            Some(n) if n.eq_ignore_ascii_case("ALL") => SessionCommand::Reset { name: None },
            Some(n) => SessionCommand::Reset {
                name: Some(name_text(n)),
            },
            None => return Err(syntax("RESET")),
        },
        "SHOW" => match t.get(1) {
            Some(n) if n.eq_ignore_ascii_case("ALL") => SessionCommand::Show { name: None },
            Some(n) if n.eq_ignore_ascii_case("TIME") && is_kw(t.get(2), "ZONE") => {
                SessionCommand::Show {
                    name: Some("timezone".to_owned()),
                }
            }
            Some(n) if n.eq_ignore_ascii_case("TRANSACTION") => SessionCommand::Show {
                name: Some("transaction_isolation".to_owned()),
            },
            Some(n) => SessionCommand::Show {
                name: Some(name_text(n)),
            },
            None => return Err(syntax("SHOW")),
        },
        "BEGIN" => SessionCommand::Begin {
            isolation: isolation()?,
        },
        "START" if is_kw(t.get(1), "TRANSACTION") => SessionCommand::Begin {
            isolation: isolation()?,
        },
        "COMMIT" | "END" => SessionCommand::Commit,
        "ABORT" => SessionCommand::Rollback,
        "ROLLBACK" => {
            let mut i = 1;
            if is_kw(t.get(i), "WORK") || is_kw(t.get(i), "TRANSACTION") {
                i += 1;
            }
            if is_kw(t.get(i), "TO") {
                i += 1;
                if is_kw(t.get(i), "SAVEPOINT") {
                    i += 1;
                }
                let name = t.get(i).ok_or_else(|| syntax("ROLLBACK TO"))?;
                SessionCommand::RollbackTo(name_text(name))
            } else if is_kw(t.get(i), "PREPARED") {
                return Err(CatalogError::Unsupported(
                    "prepared transactions are not supported".into(),
                ));
            } else {
                SessionCommand::Rollback
            }
        }
        "SAVEPOINT" => {
            SessionCommand::Savepoint(name_text(t.get(1).ok_or_else(|| syntax("SAVEPOINT"))?))
        }
        "RELEASE" => {
            let i = if is_kw(t.get(1), "SAVEPOINT") { 2 } else { 1 };
            SessionCommand::Release(name_text(t.get(i).ok_or_else(|| syntax("RELEASE"))?))
        }
        "DISCARD" => SessionCommand::Discard,
        "DEALLOCATE" => {
            let i = if is_kw(t.get(1), "PREPARE") { 2 } else { 1 };
            match t.get(i) {
                Some(n) if n.eq_ignore_ascii_case("ALL") => SessionCommand::Deallocate(None),
                Some(n) => SessionCommand::Deallocate(Some(name_text(n))),
                None => return Err(syntax("DEALLOCATE")),
            }
        }
        w if WRITES.contains(&w) => return Err(CatalogError::ReadOnly(w.to_owned())),
        _ => return Ok(None),
    };
    Ok(Some(cmd))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(name: &str, value: Option<&str>) -> SessionCommand {
        SessionCommand::Set {
            name: name.into(),
            value: value.map(Into::into),
            local: false,
        }
    }

    #[test]
    fn set_forms() {
        assert_eq!(
            classify("SET extra_float_digits = 3").unwrap(),
            Some(set("extra_float_digits", Some("3")))
        );
        assert_eq!(
            classify("set application_name to 'psql'").unwrap(),
            Some(set("application_name", Some("psql")))
        );
        assert_eq!(
            classify("SET TIME ZONE 'UTC'").unwrap(),
            Some(set("timezone", Some("UTC")))
        );
        assert_eq!(
            classify("SET search_path TO pg_catalog, public").unwrap(),
            Some(set("search_path", Some("pg_catalog, public")))
        );
        assert_eq!(
            classify("SET statement_timeout = DEFAULT").unwrap(),
            Some(set("statement_timeout", None))
        );
        assert_eq!(
            classify("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED")
                .unwrap(),
            Some(SessionCommand::TransactionMode {
                session: true,
                isolation: Some("read committed".into())
            })
        );
        assert_eq!(
            classify("SET TRANSACTION READ ONLY").unwrap(),
            Some(SessionCommand::TransactionMode {
                session: false,
                isolation: None
            })
        );
        assert!(classify("SET").is_err());
    }

    #[test]
    fn transactions_and_writes() {
        assert_eq!(
            classify("begin isolation level repeatable read").unwrap(),
            Some(SessionCommand::Begin {
                isolation: Some("repeatable read".into())
            })
        );
        assert_eq!(
            classify("START TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ ONLY").unwrap(),
            Some(SessionCommand::Begin {
                isolation: Some("serializable".into())
            })
        );
        assert_eq!(
            classify("START TRANSACTION").unwrap(),
            Some(SessionCommand::Begin { isolation: None })
        );
        assert!(classify("BEGIN ISOLATION LEVEL SOMETIMES").is_err());
        assert_eq!(
            classify("rollback to savepoint s1").unwrap(),
            Some(SessionCommand::RollbackTo("s1".into()))
        );
        assert_eq!(
            classify("SHOW TRANSACTION ISOLATION LEVEL").unwrap(),
            Some(SessionCommand::Show {
                name: Some("transaction_isolation".into())
            })
        );
        assert_eq!(classify("select 1").unwrap(), None);
        assert!(
            matches!(classify("insert into users values (1)"), Err(CatalogError::ReadOnly(w)) if w == "INSERT")
        );
        assert!(matches!(
            classify("/* x */ DROP TABLE users"),
            Err(CatalogError::ReadOnly(_))
        ));
    }
}
