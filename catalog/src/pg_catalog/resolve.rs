//! Names to OIDs and back, as PostgreSQL's `regclass`, `regtype`,
//! `regproc`, `regnamespace` and `regrole` types convert them: what the
//! dialect translator calls for `'processes'::regclass` and
//! `oid::regclass::text`, and what `has_table_privilege('processes', ...)`
//! uses to find its table.
//!
//! A relation the session's policy hides does not exist here either.

use super::keywords::quote_ident;
use super::type_names::{self, TypeNameError};
use super::{
    Relation, database_oid, databases, find_on_path, is_visible, proc, relation, relation_named,
    role_named_by, role_oid, roles, types,
};
use crate::error::CatalogError;
use crate::oid::namespace_oid;
use crate::session::SessionInfo;
use crate::table::Namespace;
use crate::value::Value;

/// The longest name input accepted, well above PostgreSQL's 63-byte identifiers.
const MAX_NAME_INPUT: usize = 1024;

/// Splits a possibly qualified name (`public."My Table"`) into its parts:
/// unquoted parts are folded to lower case, quoted ones kept as written.
pub(crate) fn split_name(input: &str) -> Result<Vec<String>, CatalogError> {
    let invalid = || CatalogError::Syntax(format!("invalid name syntax: \"{input}\""));
    if input.len() > MAX_NAME_INPUT {
        return Err(invalid());
    }
    let mut parts = Vec::new();
    let mut chars = input.trim().chars().peekable();
    loop {
        let mut part = String::new();
        match chars.peek() {
            Some('"') => {
                chars.next();
                loop {
                    match chars.next() {
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            part.push('"');
                        }
                        Some('"') => break,
                        Some(c) => part.push(c),
                        None => return Err(invalid()),
                    }
                }
                if part.is_empty() {
                    return Err(invalid());
                }
            }
            _ => {
                while let Some(&c) = chars.peek().filter(|c| **c != '.' && !c.is_whitespace()) {
                    if c == '"' {
                        return Err(invalid());
                    }
                    part.extend(c.to_lowercase());
                    chars.next();
                }
                if part.is_empty() {
                    return Err(invalid());
                }
            }
        }
        parts.push(part);
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        match chars.next() {
            None => return Ok(parts),
            Some('.') => {
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
            }
            Some(_) => return Err(invalid()),
        }
    }
}

/// A number given where an OID is expected (`'1259'::regclass`).
fn as_oid(input: &str) -> Option<u32> {
    let t = input.trim();
    (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
        .then(|| t.parse().ok())
        .flatten()
}

fn namespace_named(name: &str) -> Option<Namespace> {
    Namespace::ALL.into_iter().find(|n| n.name() == name)
}

/// An OID argument: an integer, or text holding one. `None` for NULL or
/// anything that is not an OID.
pub(crate) fn oid_of(v: &Value) -> Option<u32> {
    match v {
        Value::Int(i) => u32::try_from(*i).ok(),
        Value::Text(t) => t.trim().parse().ok(),
        Value::Real(f) if f.fract() == 0.0 => u32::try_from(*f as i64).ok(),
        _ => None,
    }
}

/// A relation argument as PostgreSQL's `regclass` takes it: an OID, or a
/// name that must exist. `None` for NULL.
pub(crate) fn relation_arg(session: &SessionInfo, v: &Value) -> Result<Option<u32>, CatalogError> {
    match v {
        Value::Null => Ok(None),
        Value::Text(t) => regclass_in(session, t).map(Some),
        other => Ok(oid_of(other)),
    }
}

/// `regclass` input: a relation by name (searched on the search path
/// unless qualified) or by OID.
pub(crate) fn regclass_in(session: &SessionInfo, input: &str) -> Result<u32, CatalogError> {
    if let Some(oid) = as_oid(input) {
        return Ok(oid);
    }
    let parts = split_name(input)?;
    lookup_relation(session, &parts)
        .map(|r| r.oid)
        .ok_or_else(|| CatalogError::UndefinedTable {
            name: parts.join("."),
            suggestion: None,
        })
}

/// The relation a split name designates, if the session may see it.
pub(crate) fn lookup_relation<'a>(
    session: &'a SessionInfo,
    parts: &[String],
) -> Option<Relation<'a>> {
    match parts {
        [name] => find_on_path(session, name),
        [schema, name] => relation_named(session, namespace_named(schema)?, name),
        [database, schema, name] if databases(session).contains(database) => {
            relation_named(session, namespace_named(schema)?, name)
        }
        _ => None,
    }
}

/// `regclass` output: the relation's name, qualified when the search path
/// would not find it unqualified; the number for an unknown OID.
pub(crate) fn regclass_out(session: &SessionInfo, oid: u32) -> String {
    match relation(session, oid) {
        Some(rel) if is_visible(session, &rel) => quote_ident(rel.name()),
        Some(rel) => type_names::qualified(rel.namespace().name(), rel.name()),
        None => oid.to_string(),
    }
}

/// `regtype` input: a type name as SQL spells it, or an OID.
pub(crate) fn regtype_in(input: &str) -> Result<u32, CatalogError> {
    type_names::parse_type_name(input).map_err(|e| match e {
        TypeNameError::Syntax(m) => CatalogError::Syntax(m),
        TypeNameError::Unknown(m) => CatalogError::UndefinedObject(m),
    })
}

/// `regproc` input: a function by name (hostgres' functions and those
/// `pg_type` names, such as `array_in`) or by OID.
pub(crate) fn regproc_in(input: &str) -> Result<u32, CatalogError> {
    if let Some(oid) = as_oid(input) {
        return Ok(oid);
    }
    if input.trim() == "-" {
        return Ok(0);
    }
    let parts = split_name(input)?;
    let name = match parts.as_slice() {
        [name] => name,
        [schema, name] if schema == Namespace::PgCatalog.name() => name,
        _ => {
            return Err(CatalogError::UndefinedFunction(format!(
                "\"{}\"",
                parts.join(".")
            )));
        }
    };
    let matches: Vec<u32> = proc::procs()
        .iter()
        .filter(|p| p.name == name)
        .map(|p| p.oid)
        .collect();
    match matches.as_slice() {
        [oid] => Ok(*oid),
        [] => types::proc_oid(name)
            .ok_or_else(|| CatalogError::UndefinedFunction(format!("\"{name}\""))),
        _ => Err(CatalogError::Data(format!(
            "more than one function named \"{name}\""
        ))),
    }
}

/// `regproc` output: the function's name; `-` for 0, the number for an unknown OID.
pub(crate) fn regproc_out(oid: u32) -> String {
    if oid == 0 {
        return "-".to_owned();
    }
    proc::by_oid(oid)
        .map(|p| p.name)
        .or_else(|| types::proc_name(oid))
        .map_or_else(|| oid.to_string(), quote_ident)
}

/// `regnamespace` input: a schema by name or OID.
pub(crate) fn regnamespace_in(input: &str) -> Result<u32, CatalogError> {
    if let Some(oid) = as_oid(input) {
        return Ok(oid);
    }
    let parts = split_name(input)?;
    match parts.as_slice() {
        [name] => namespace_named(name).map(namespace_oid).ok_or_else(|| {
            CatalogError::UndefinedObject(format!("schema \"{name}\" does not exist"))
        }),
        _ => Err(CatalogError::Syntax(format!(
            "invalid name syntax: \"{input}\""
        ))),
    }
}

/// The schema with OID `oid`.
pub(crate) fn namespace_by_oid(oid: u32) -> Option<Namespace> {
    Namespace::ALL
        .into_iter()
        .find(|n| namespace_oid(*n) == oid)
}

/// `regnamespace` output: the schema's name, or the number for an unknown OID.
pub(crate) fn regnamespace_out(oid: u32) -> String {
    namespace_by_oid(oid).map_or_else(|| oid.to_string(), |n| quote_ident(n.name()))
}

/// `regrole` input: a role by name or OID.
pub(crate) fn regrole_in(session: &SessionInfo, input: &str) -> Result<u32, CatalogError> {
    if let Some(oid) = as_oid(input) {
        return Ok(oid);
    }
    let parts = split_name(input)?;
    match parts.as_slice() {
        [name] if roles(session).contains(name) => Ok(role_oid(name)),
        [name] => Err(CatalogError::UndefinedObject(format!(
            "role \"{name}\" does not exist"
        ))),
        _ => Err(CatalogError::Syntax(format!(
            "invalid name syntax: \"{input}\""
        ))),
    }
}

/// `regrole` output: the role's name, or the number for an unknown OID.
pub(crate) fn regrole_out(session: &SessionInfo, oid: u32) -> String {
    role_named_by(session, oid).map_or_else(|| oid.to_string(), |r| quote_ident(&r))
}

/// A database by name, as `has_database_privilege('hostgres', ...)` names it.
pub(crate) fn database_in(session: &SessionInfo, input: &str) -> Result<u32, CatalogError> {
    databases(session)
        .into_iter()
        .find(|d| d == input)
        .map(|d| database_oid(&d))
        .ok_or_else(|| {
            CatalogError::UndefinedObject(format!("database \"{input}\" does not exist"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_like_postgresql() {
        assert_eq!(split_name("Processes").expect("ok"), ["processes"]);
        assert_eq!(
            split_name(" public . \"My \"\"T\"\"\" ").expect("ok"),
            ["public", "My \"T\""]
        );
        assert_eq!(
            split_name("hostgres.public.users").expect("ok"),
            ["hostgres", "public", "users"]
        );
        for bad in ["", "a.", ".a", "\"\"", "\"open", "a b", "a\"b\""] {
            assert!(split_name(bad).is_err(), "{bad:?}");
        }
        assert!(split_name(&"x".repeat(5000)).is_err());
    }
}
