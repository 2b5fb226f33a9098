//! `pg_proc`: the SQL functions hostgres defines. Functions whose family
//! declares signatures are listed with their argument types; the others
//! with `VARIADIC "any"`, which is what PostgreSQL shows for a function
//! that takes any arguments.

use std::sync::LazyLock;

use hostgres_collectors::CollectError;

use super::OWNER_OID;
use super::access::INTERNAL_LANGUAGE_OID;
use super::type_names::format_type;
use super::types;
use crate::functions;
use crate::oid::{hashed_oid, namespace_oid, type_oid};
use crate::scan::{Rows, ScanContext};
use crate::schema::ColumnType::*;
use crate::schema::{Schema, col};
use crate::table::{Namespace, Table};

/// PostgreSQL's `"any"` pseudo-type.
const ANY: u32 = 2276;
/// PostgreSQL's `record` pseudo-type.
const RECORD: u32 = 2249;

/// A function's declaration for the catalog: PostgreSQL type names
/// (`typname`, e.g. `int4`, `text`, `any`) for its arguments and result.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Signature {
    pub name: &'static str,
    pub args: &'static [&'static str],
    pub result: &'static str,
    pub doc: &'static str,
}

/// A function as `pg_proc` lists it.
#[derive(Debug, Clone)]
pub(crate) struct Proc {
    pub oid: u32,
    pub name: &'static str,
    pub args: Vec<u32>,
    /// The last argument takes any number of values (`VARIADIC "any"`).
    pub variadic: bool,
    pub result: u32,
    /// Output columns of a set-returning function, by name and type.
    pub columns: Vec<(&'static str, u32)>,
    pub doc: &'static str,
}

impl Proc {
    /// `pg_get_function_arguments`: `oid, integer` or `VARIADIC "any"`.
    pub(crate) fn arguments(&self) -> String {
        let mut parts: Vec<String> = self
            .args
            .iter()
            .map(|t| format_type(*t, None).unwrap_or_default())
            .collect();
        if self.variadic
            && let Some(last) = parts.last_mut()
        {
            *last = format!("VARIADIC {last}");
        }
        parts.extend(
            self.columns.iter().map(|(name, t)| {
                format!("OUT {name} {}", format_type(*t, None).unwrap_or_default())
            }),
        );
        parts.join(", ")
    }

    /// `pg_get_function_result`: the result type, or `SETOF record` /
    /// `TABLE(...)` for a set-returning function.
    pub(crate) fn result(&self) -> String {
        if self.columns.is_empty() {
            return format_type(self.result, None).unwrap_or_default();
        }
        let columns: Vec<String> = self
            .columns
            .iter()
            .map(|(name, t)| format!("{name} {}", format_type(*t, None).unwrap_or_default()))
            .collect();
        format!("TABLE({})", columns.join(", "))
    }

    /// `pg_get_functiondef`: the `CREATE FUNCTION` statement PostgreSQL
    /// prints for a built-in function.
    pub(crate) fn definition(&self) -> String {
        let returns = if self.columns.is_empty() {
            self.result()
        } else {
            "SETOF record".to_owned()
        };
        format!(
            "CREATE OR REPLACE FUNCTION pg_catalog.{}({})\n RETURNS {returns}\n LANGUAGE internal\n STABLE PARALLEL SAFE\nAS $function${}$function$\n",
            self.name,
            self.arguments(),
            self.name
        )
    }

    /// `pg_get_function_identity_arguments`: the input arguments.
    pub(crate) fn identity_arguments(&self) -> String {
        let without_out = Proc {
            columns: Vec::new(),
            ..self.clone()
        };
        without_out.arguments()
    }
}

fn type_named(name: &str) -> u32 {
    types::by_name(name).map_or(0, |t| t.oid)
}

fn build() -> Vec<Proc> {
    let mut procs: Vec<Proc> = Vec::new();
    for s in functions::catalog::SIGNATURES {
        let args: Vec<u32> = s.args.iter().map(|a| type_named(a)).collect();
        let mut key = vec!["pg_proc", s.name];
        key.extend(s.args.iter().copied());
        procs.push(Proc {
            oid: hashed_oid(&key),
            name: s.name,
            variadic: args.last() == Some(&ANY),
            args,
            result: type_named(s.result),
            columns: Vec::new(),
            doc: s.doc,
        });
    }
    for (name, ty) in functions::RETURN_TYPES.iter().flat_map(|m| m.iter()) {
        if procs.iter().any(|p| p.name == *name) {
            continue;
        }
        procs.push(Proc {
            oid: hashed_oid(&["pg_proc", name, "any"]),
            name,
            args: vec![ANY],
            variadic: true,
            result: type_oid(*ty),
            columns: Vec::new(),
            doc: "",
        });
    }
    procs.push(Proc {
        oid: hashed_oid(&["pg_proc", "pg_get_keywords"]),
        name: "pg_get_keywords",
        args: Vec::new(),
        variadic: false,
        result: RECORD,
        columns: vec![
            ("word", type_named("text")),
            ("catcode", type_named("char")),
            ("barelabel", type_named("bool")),
            ("catdesc", type_named("text")),
            ("baredesc", type_named("text")),
        ],
        doc: "list of SQL keywords",
    });
    procs.sort_by(|a, b| a.name.cmp(b.name).then(a.oid.cmp(&b.oid)));
    procs
}

static PROCS: LazyLock<Vec<Proc>> = LazyLock::new(build);

/// Every function hostgres lists, by name.
pub(crate) fn procs() -> &'static [Proc] {
    &PROCS
}

/// The function with OID `oid`.
pub(crate) fn by_oid(oid: u32) -> Option<&'static Proc> {
    PROCS.iter().find(|p| p.oid == oid)
}

pub(crate) struct PgProc;

static SCHEMA: Schema = Schema {
    name: "pg_proc",
    doc: "Functions hostgres defines, besides SQLite's built-in ones.",
    columns: &[
        col("oid", Oid, "Function OID.").index(),
        col("proname", Name, "Function name."),
        col(
            "pronamespace",
            Oid,
            "Schema (pg_namespace.oid): pg_catalog.",
        ),
        col("proowner", Oid, "Owner (pg_roles.oid)."),
        col("prolang", Oid, "Language (pg_language.oid): internal."),
        col("procost", Real, "Estimated cost: 1."),
        col(
            "prorows",
            Real,
            "Estimated rows of a set-returning function, else 0.",
        ),
        col(
            "provariadic",
            Oid,
            "Element type of the variadic argument, else 0.",
        ),
        col("prosupport", Oid, "0."),
        col("prokind", Char, "f: function."),
        col("prosecdef", Bool, "false."),
        col("proleakproof", Bool, "false."),
        col("proisstrict", Bool, "false."),
        col(
            "proretset",
            Bool,
            "Whether the function returns a set of rows.",
        ),
        col("provolatile", Char, "s: stable."),
        col("proparallel", Char, "s: safe."),
        col("pronargs", SmallInt, "Number of input arguments."),
        col("pronargdefaults", SmallInt, "0."),
        col("prorettype", Oid, "Result type (pg_type.oid)."),
        col("proargtypes", OidVector, "Input argument types."),
        col(
            "proallargtypes",
            Array(&Oid),
            "All argument types, with output columns; NULL if only inputs.",
        ),
        col(
            "proargmodes",
            Array(&Char),
            "Argument modes (i, o, v); NULL if all are inputs.",
        ),
        col("proargnames", Array(&Text), "Argument names; NULL if none."),
        col("proargdefaults", Text, "NULL."),
        col("protrftypes", Array(&Oid), "NULL."),
        col("prosrc", Text, "The function's name in hostgres."),
        col("probin", Text, "NULL."),
        col("prosqlbody", Text, "NULL."),
        col("proconfig", Array(&Text), "NULL."),
        col("proacl", Array(&Text), "NULL: anyone may call it."),
    ],
};

impl Table for PgProc {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn namespace(&self) -> Namespace {
        Namespace::PgCatalog
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let wanted = cx.eq_ints("oid");
        let json = |items: Vec<String>| serde_json::Value::from(items).to_string();
        for p in procs() {
            if wanted
                .as_ref()
                .is_some_and(|w| !w.contains(&i64::from(p.oid)))
            {
                continue;
            }
            let argtypes: Vec<String> = p.args.iter().map(u32::to_string).collect();
            let retset = !p.columns.is_empty();
            let mut row = out.row();
            row.set("oid", p.oid)
                .set("proname", p.name)
                .set("pronamespace", namespace_oid(Namespace::PgCatalog))
                .set("proowner", OWNER_OID)
                .set("prolang", INTERNAL_LANGUAGE_OID)
                .set("procost", 1.0)
                .set("prorows", if retset { 1000.0 } else { 0.0 })
                .set("provariadic", if p.variadic { ANY } else { 0 })
                .set("prosupport", 0)
                .set("prokind", "f")
                .set("prosecdef", false)
                .set("proleakproof", false)
                .set("proisstrict", false)
                .set("proretset", retset)
                .set("provolatile", "s")
                .set("proparallel", "s")
                .set("pronargs", p.args.len())
                .set("pronargdefaults", 0)
                .set("prorettype", p.result)
                .set("proargtypes", argtypes.join(" "))
                .set("prosrc", p.name);
            if p.variadic {
                let mut modes = vec!["i".to_owned(); p.args.len()];
                if let Some(last) = modes.last_mut() {
                    *last = "v".to_owned();
                }
                row.set("proargmodes", json(modes));
            }
            if retset {
                let all: Vec<u32> = p
                    .args
                    .iter()
                    .copied()
                    .chain(p.columns.iter().map(|c| c.1))
                    .collect();
                let modes: Vec<String> = p
                    .args
                    .iter()
                    .map(|_| "i".to_owned())
                    .chain(p.columns.iter().map(|_| "o".to_owned()))
                    .collect();
                let names: Vec<String> = p
                    .args
                    .iter()
                    .map(|_| String::new())
                    .chain(p.columns.iter().map(|c| c.0.to_owned()))
                    .collect();
                row.set("proallargtypes", serde_json::Value::from(all).to_string())
                    .set("proargmodes", json(modes))
                    .set("proargnames", json(names));
            }
        }
        Ok(())
    }
}
