//! `has_table_privilege` and the other `has_*_privilege` functions: what
//! a role may do with a relation, column, schema, database, function, type,
//! tablespace or language.
//!
//! hostgres is read-only and no one may grant: reading a table is granted
//! when the session's policy lets it read the table, using schemas and
//! types, calling functions and connecting are granted to everyone, and
//! nothing else is granted to anyone. Another role's policy is unknown to
//! the session, so it is granted only what everyone has.

use super::resolve::{self, oid_of, relation_arg};
use super::{
    DEFAULT_TABLESPACE_OID, GLOBAL_TABLESPACE_OID, database_oid, databases, proc, relation,
    role_oid, roles, types,
};
use crate::error::CatalogError;
use crate::session::SessionInfo;
use crate::value::Value;

/// Whose privileges a `has_*_privilege` call asks about.
pub(crate) enum Grantee {
    /// The session's own user: its policy answers.
    Session,
    /// Another role: hostgres knows its name but not its policy, so only
    /// what every role may do is granted.
    Other,
}

/// The role argument of a `has_*_privilege` call; `None` for an unknown OID.
pub(crate) fn grantee(session: &SessionInfo, v: &Value) -> Result<Option<Grantee>, CatalogError> {
    let known = roles(session);
    match v {
        Value::Null => Ok(None),
        Value::Text(name) if name.parse::<u32>().is_err() => {
            if *name == session.user {
                Ok(Some(Grantee::Session))
            } else if name == "public" || known.contains(name) {
                Ok(Some(Grantee::Other))
            } else {
                Err(CatalogError::UndefinedObject(format!(
                    "role \"{name}\" does not exist"
                )))
            }
        }
        other => Ok(oid_of(other).and_then(|oid| {
            if oid == role_oid(&session.user) {
                Some(Grantee::Session)
            } else {
                known
                    .iter()
                    .any(|r| role_oid(r) == oid)
                    .then_some(Grantee::Other)
            }
        })),
    }
}

/// The kinds of object `has_*_privilege` asks about.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum ObjectKind {
    Table,
    Column,
    AnyColumn,
    Schema,
    Database,
    Function,
    Type,
    Tablespace,
    Language,
}

impl ObjectKind {
    /// The privileges PostgreSQL accepts for this kind of object.
    fn privileges(self) -> &'static [&'static str] {
        match self {
            ObjectKind::Table => &[
                "SELECT",
                "INSERT",
                "UPDATE",
                "DELETE",
                "TRUNCATE",
                "REFERENCES",
                "TRIGGER",
            ],
            ObjectKind::Column | ObjectKind::AnyColumn => {
                &["SELECT", "INSERT", "UPDATE", "REFERENCES"]
            }
            ObjectKind::Schema => &["CREATE", "USAGE"],
            ObjectKind::Database => &["CREATE", "CONNECT", "TEMPORARY", "TEMP"],
            ObjectKind::Function => &["EXECUTE"],
            ObjectKind::Type | ObjectKind::Language => &["USAGE"],
            ObjectKind::Tablespace => &["CREATE"],
        }
    }

    /// How many arguments the call has without the role.
    pub(crate) fn base_arity(self) -> usize {
        if self == ObjectKind::Column { 3 } else { 2 }
    }
}

/// Parses a privilege list (`'SELECT, INSERT WITH GRANT OPTION'`) into
/// (privilege, with grant option) pairs.
fn parse_privileges(
    kind: ObjectKind,
    text: &str,
) -> Result<Vec<(&'static str, bool)>, CatalogError> {
    text.split(',')
        .map(|item| {
            let upper = item.trim().to_ascii_uppercase();
            let (name, grant) = match upper.strip_suffix("WITH GRANT OPTION") {
                Some(rest) => (rest.trim_end().to_owned(), true),
                None => (upper, false),
            };
            kind.privileges()
                .iter()
                .find(|p| **p == name)
                .map(|p| (*p, grant))
                .ok_or_else(|| {
                    CatalogError::Data(format!("unrecognized privilege type: \"{}\"", item.trim()))
                })
        })
        .collect()
}

/// The object of a privilege check, resolved; `None` when an OID names nothing.
fn privilege_object(
    session: &SessionInfo,
    kind: ObjectKind,
    object: &Value,
    column: Option<&Value>,
) -> Result<Option<u32>, CatalogError> {
    let by_name = |v: &Value| match v {
        Value::Text(t) if t.trim().parse::<u32>().is_err() => Some(t.clone()),
        _ => None,
    };
    match kind {
        ObjectKind::Table | ObjectKind::AnyColumn | ObjectKind::Column => {
            let Some(oid) =
                relation_arg(session, object)?.filter(|o| relation(session, *o).is_some())
            else {
                return Ok(None);
            };
            let Some(column) = column else {
                return Ok(Some(oid));
            };
            let Some(rel) = relation(session, oid) else {
                return Ok(None);
            };
            match column {
                Value::Text(name) if name.trim().parse::<i64>().is_err() => {
                    if rel.schema().column_index(name).is_some() {
                        Ok(Some(oid))
                    } else {
                        Err(CatalogError::UndefinedColumn(format!(
                            "{name}\" of relation \"{}",
                            rel.name()
                        )))
                    }
                }
                other => Ok(other
                    .as_i64()
                    .and_then(|n| usize::try_from(n).ok())
                    .filter(|n| (1..=rel.schema().columns.len()).contains(n))
                    .map(|_| oid)),
            }
        }
        ObjectKind::Schema => match by_name(object) {
            Some(name) => resolve::regnamespace_in(&name).map(Some),
            None => Ok(oid_of(object).filter(|o| resolve::namespace_by_oid(*o).is_some())),
        },
        ObjectKind::Database => {
            match by_name(object) {
                Some(name) => resolve::database_in(session, &name).map(Some),
                None => Ok(oid_of(object)
                    .filter(|o| databases(session).iter().any(|d| database_oid(d) == *o))),
            }
        }
        ObjectKind::Function => match by_name(object) {
            Some(name) => {
                let bare = name.split('(').next().unwrap_or_default();
                resolve::regproc_in(bare).map(Some)
            }
            None => Ok(oid_of(object).filter(|o| proc::by_oid(*o).is_some())),
        },
        ObjectKind::Type => match by_name(object) {
            Some(name) => resolve::regtype_in(&name).map(Some),
            None => Ok(oid_of(object).filter(|o| types::by_oid(*o).is_some())),
        },
        ObjectKind::Tablespace => {
            let spaces = [
                ("pg_default", DEFAULT_TABLESPACE_OID),
                ("pg_global", GLOBAL_TABLESPACE_OID),
            ];
            match by_name(object) {
                Some(name) => spaces
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, o)| Some(*o))
                    .ok_or_else(|| {
                        CatalogError::UndefinedObject(format!(
                            "tablespace \"{name}\" does not exist"
                        ))
                    }),
                None => Ok(oid_of(object).filter(|o| spaces.iter().any(|(_, s)| s == o))),
            }
        }
        ObjectKind::Language => match by_name(object) {
            Some(name) if name == "internal" => Ok(Some(12)),
            Some(name) => Err(CatalogError::UndefinedObject(format!(
                "language \"{name}\" does not exist"
            ))),
            None => Ok(oid_of(object).filter(|o| *o == 12)),
        },
    }
}

/// Whether `grantee` holds `privilege` on an existing object of `kind`.
/// hostgres is read-only and no one may grant: only reading (and using
/// schemas, types, functions and the database) is ever granted.
fn holds(
    session: &SessionInfo,
    grantee: &Grantee,
    kind: ObjectKind,
    oid: u32,
    privilege: &str,
) -> bool {
    match (kind, privilege) {
        (ObjectKind::Table | ObjectKind::Column | ObjectKind::AnyColumn, "SELECT") => {
            matches!(grantee, Grantee::Session)
                && relation(session, oid)
                    .is_some_and(|r| session.policy.may_read(&r.entry.sqlite_name))
        }
        (ObjectKind::Schema | ObjectKind::Type, "USAGE")
        | (ObjectKind::Database, "CONNECT")
        | (ObjectKind::Function, "EXECUTE") => true,
        _ => false,
    }
}

/// One `has_*_privilege` call: `([role,] object, [column,] privilege)`.
pub(crate) fn has_privilege(
    session: &SessionInfo,
    kind: ObjectKind,
    a: &[Value],
) -> Result<Option<bool>, CatalogError> {
    let (grantee, rest) = if a.len() > kind.base_arity() {
        (grantee(session, &a[0])?, &a[1..])
    } else {
        (Some(Grantee::Session), a)
    };
    let (object, column, privilege) = match rest {
        [object, column, privilege] => (object, Some(column), privilege),
        [object, privilege] => (object, None, privilege),
        _ => return Ok(None),
    };
    let Some(privilege) = privilege.as_text() else {
        return Ok(None);
    };
    let privileges = parse_privileges(kind, &privilege)?;
    let Some(oid) = privilege_object(session, kind, object, column)? else {
        return Ok(None);
    };
    let Some(grantee) = grantee else {
        return Ok(None);
    };
    Ok(Some(privileges.iter().any(|(p, grant_option)| {
        !grant_option && holds(session, &grantee, kind, oid, p)
    })))
}
