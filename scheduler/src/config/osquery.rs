//! osquery's JSON configuration, accepted as is: `options`, `schedule`,
//! `packs` (inline or file paths, with globs left to the operator),
//! `decorators`, and the keys hostgres does not use (`file_paths`, `yara`...),
//! which are kept and reported rather than refused.
//!
//! Errors name the file, line and key at fault: syntax errors come with
//! serde_json's position, type errors are located by searching the text for
//! the key path.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::raw::{RawDecorators, RawPack, RawPackRef, RawQuery};
use crate::error::ScheduleError;

/// What an osquery config contributes.
#[derive(Debug, Clone, Default)]
pub struct OsqueryConfig {
    /// The file it came from, and every pack file it named (watched for changes).
    pub files: Vec<PathBuf>,
    pub options: BTreeMap<String, Value>,
    pub schedule: BTreeMap<String, RawQuery>,
    /// Packs, with file references already read.
    pub packs: BTreeMap<String, RawPack>,
    pub decorators: RawDecorators,
    /// Top-level keys hostgres accepts but does not use.
    pub ignored_keys: Vec<String>,
}

const USED_KEYS: &[&str] = &["options", "schedule", "packs", "decorators"];

impl OsqueryConfig {
    /// Reads an osquery config file; pack paths are relative to its directory.
    pub fn load(path: &Path) -> Result<OsqueryConfig, ScheduleError> {
        let text = std::fs::read_to_string(path).map_err(|e| ScheduleError::io(path, e))?;
        OsqueryConfig::parse(&text, path)
    }

    /// Parses the text of `path`.
    pub fn parse(text: &str, path: &Path) -> Result<OsqueryConfig, ScheduleError> {
        let location = path.display().to_string();
        let doc = parse_json(text, &location)?;
        let Value::Object(top) = doc else {
            return Err(ScheduleError::config(
                format!("{location}:1:1"),
                "(top level)",
                "an osquery config is a JSON object",
            ));
        };
        let mut config = OsqueryConfig {
            files: vec![path.to_path_buf()],
            ..OsqueryConfig::default()
        };
        let at = |keys: &[&str]| located(&location, text, keys);
        let src = Source {
            location: &location,
            text,
        };
        for (key, value) in &top {
            if !USED_KEYS.contains(&key.as_str()) {
                config.ignored_keys.push(key.clone());
                continue;
            }
            match key.as_str() {
                "options" => {
                    let Value::Object(map) = value else {
                        return Err(ScheduleError::config(
                            at(&["options"]),
                            "options",
                            "must be an object",
                        ));
                    };
                    config.options = map.clone().into_iter().collect();
                }
                "schedule" => {
                    config.schedule = typed(value.clone(), &src, &["schedule"])?;
                }
                "decorators" => {
                    config.decorators = typed(value.clone(), &src, &["decorators"])?;
                }
                "packs" => {
                    let Value::Object(packs) = value else {
                        return Err(ScheduleError::config(
                            at(&["packs"]),
                            "packs",
                            "must be an object",
                        ));
                    };
                    for (name, pack) in packs {
                        let pack: RawPackRef = typed(pack.clone(), &src, &["packs", name])?;
                        let pack = match pack {
                            RawPackRef::Inline(p) => p,
                            RawPackRef::Path(p) => {
                                let p = resolve(path, &p);
                                let pack = load_pack(&p)?;
                                config.files.push(p);
                                pack
                            }
                        };
                        config.packs.insert(name.clone(), pack);
                    }
                }
                _ => {}
            }
        }
        Ok(config)
    }
}

/// Reads an osquery pack file (a JSON object with `queries`).
pub fn load_pack(path: &Path) -> Result<RawPack, ScheduleError> {
    let text = std::fs::read_to_string(path).map_err(|e| ScheduleError::io(path, e))?;
    let location = path.display().to_string();
    let doc = parse_json(&text, &location)?;
    let src = Source {
        location: &location,
        text: &text,
    };
    typed(doc, &src, &[])
}

/// A file's name and text, to locate errors in.
struct Source<'a> {
    location: &'a str,
    text: &'a str,
}

/// A pack path relative to the config file that names it.
fn resolve(config: &Path, pack: &Path) -> PathBuf {
    if pack.is_absolute() {
        pack.to_path_buf()
    } else {
        config
            .parent()
            .map_or_else(|| pack.to_path_buf(), |d| d.join(pack))
    }
}

/// Parses JSON after blanking osquery's comment lines (`#` or `//` first),
/// keeping line numbers intact.
fn parse_json(text: &str, location: &str) -> Result<Value, ScheduleError> {
    let stripped: String = text
        .lines()
        .map(|l| {
            let t = l.trim_start();
            if t.starts_with('#') || t.starts_with("//") {
                ""
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    serde_json::from_str(&stripped).map_err(|e| {
        ScheduleError::config(
            format!("{location}:{}:{}", e.line(), e.column()),
            "(syntax)",
            e.to_string(),
        )
    })
}

/// Converts a JSON value to a typed section, locating the error.
fn typed<T: serde::de::DeserializeOwned>(
    value: Value,
    src: &Source<'_>,
    keys: &[&str],
) -> Result<T, ScheduleError> {
    serde_json::from_value::<T>(value.clone()).map_err(|e| {
        let message = e.to_string();
        let inner = innermost(&value, &message);
        let mut path: Vec<&str> = keys.to_vec();
        path.extend(inner.iter().map(String::as_str));
        let location = located(src.location, src.text, &path);
        let key = if path.is_empty() {
            "(top level)".to_owned()
        } else {
            path.join(".")
        };
        ScheduleError::config(location, key, strip_position(&message))
    })
}

/// The first member (recursively) whose value mentions what the error
/// complains about; a best effort to name the key at fault.
fn innermost(value: &Value, message: &str) -> Vec<String> {
    let mut path = Vec::new();
    let mut v = value;
    'descend: while let Value::Object(map) = v {
        for (k, child) in map {
            let shown = match child {
                Value::String(s) => format!("{s:?}"),
                other => other.to_string(),
            };
            if !matches!(child, Value::Object(_)) && message.contains(&shown) {
                path.push(k.clone());
                break 'descend;
            }
        }
        // Descend into the first object member that contains the culprit.
        let next = map.iter().find(|(_, c)| {
            matches!(c, Value::Object(_)) && {
                let t = c.to_string();
                message
                    .split(['"', '`'])
                    .any(|piece| piece.len() > 2 && t.contains(piece))
            }
        });
        match next {
            Some((k, c)) => {
                path.push(k.clone());
                v = c;
            }
            None => break,
        }
    }
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|r| r.split('`').next())
    {
        path.push(field.to_owned());
    }
    path
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// `location:line:column` of the last of `keys` found in order in `text`.
pub(crate) fn located(location: &str, text: &str, keys: &[&str]) -> String {
    match locate(text, keys) {
        Some((line, col)) => format!("{location}:{line}:{col}"),
        None => location.to_owned(),
    }
}

/// Finds each key (quoted, as in JSON, or bare, as in TOML) after the previous
/// one and returns the 1-based line and column of the last.
pub fn locate(text: &str, keys: &[&str]) -> Option<(usize, usize)> {
    let mut from = 0;
    let mut found = None;
    for key in keys {
        let quoted = format!("\"{key}\"");
        let at = text[from..]
            .find(&quoted)
            .or_else(|| find_bare(&text[from..], key))?;
        found = Some(from + at);
        from += at + 1;
    }
    let at = found?;
    let line = text[..at].matches('\n').count() + 1;
    let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1) + 1;
    Some((line, col))
}

fn find_bare(text: &str, key: &str) -> Option<usize> {
    text.match_indices(key).map(|(i, _)| i).find(|&i| {
        let before = text[..i].chars().next_back();
        let after = text[i + key.len()..].chars().next();
        let boundary =
            |c: Option<char>| c.is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '-'));
        boundary(before) && boundary(after)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_blanked_and_unknown_keys_kept() {
        let text = "{\n// a comment\n\"options\": {\"host_identifier\": \"uuid\"},\n\"file_paths\": {},\n\"schedule\": {\"q\": {\"query\": \"select 1\", \"interval\": \"60\"}}\n}";
        let c = OsqueryConfig::parse(text, Path::new("osquery.conf")).expect("parses");
        assert_eq!(c.schedule["q"].interval, Some(60));
        assert_eq!(c.ignored_keys, vec!["file_paths".to_owned()]);
        assert_eq!(c.options["host_identifier"], "uuid");
    }

    #[test]
    fn syntax_errors_give_line_and_column() {
        let text = "{\n\"schedule\": {\n\"q\": {\"query\": \"select 1\",,}\n}\n}";
        let e = OsqueryConfig::parse(text, Path::new("x.conf")).expect_err("bad json");
        assert!(e.to_string().starts_with("x.conf:3:"), "{e}");
    }

    #[test]
    fn type_errors_name_the_key_and_line() {
        let text = "{\n\"schedule\": {\n  \"q\": {\n    \"query\": \"select 1\",\n    \"interval\": \"soon\"\n  }\n}\n}";
        let e = OsqueryConfig::parse(text, Path::new("x.conf")).expect_err("bad interval");
        let s = e.to_string();
        assert!(s.starts_with("x.conf:5:"), "{s}");
        assert!(s.contains("schedule.q.interval"), "{s}");
    }

    #[test]
    fn locate_finds_nested_keys() {
        let text = "[schedule.queries.a]\nquery = 1\n[schedule.queries.b]\ninterval = 3\n";
        assert_eq!(locate(text, &["b", "interval"]), Some((4, 1)));
    }
}
