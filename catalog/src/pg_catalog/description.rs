//! `pg_description` and `pg_shdescription`: the documentation of schemas,
//! tables, columns, types and functions, from their declarations, and the
//! lookups behind `obj_description`, `col_description` and `shobj_description`.

use hostgres_collectors::CollectError;

use super::{
    column_description, database_oid, databases, namespace_description, proc, relation, relations,
    table_am_oid, types,
};
use crate::oid::{namespace_oid, table_oid};
use crate::scan::{Rows, ScanContext};
use crate::schema::ColumnType::*;
use crate::schema::{Schema, col};
use crate::session::SessionInfo;
use crate::table::{Namespace, Table};

/// `pg_class` OIDs of the catalogs descriptions refer to (`classoid`).
pub(crate) const PG_CLASS: u32 = 1259;
pub(crate) const PG_NAMESPACE: u32 = 2615;
pub(crate) const PG_TYPE: u32 = 1247;
pub(crate) const PG_PROC: u32 = 1255;
pub(crate) const PG_AM: u32 = 2601;
pub(crate) const PG_DATABASE: u32 = 1262;

/// The description of the host-table access method.
const TABLE_AM_DOC: &str = "hostgres tables: rows are read from the host when a query scans them";
/// The description of a database.
const DATABASE_DOC: &str = "the host this hostgres daemon runs on";

/// The catalog named in `obj_description(oid, 'pg_class')`, as a `classoid`.
pub(crate) fn catalog_oid(name: &str) -> u32 {
    let name = name.trim();
    table_oid(
        Namespace::PgCatalog,
        name.strip_prefix("pg_catalog.").unwrap_or(name),
    )
}

/// The description of object `objoid` of catalog `classoid` (`objsubid` is
/// a column number for relations, else 0).
pub(crate) fn describe(
    session: &SessionInfo,
    objoid: u32,
    classoid: u32,
    objsubid: i32,
) -> Option<String> {
    let nonempty = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    match classoid {
        PG_CLASS => {
            let rel = relation(session, objoid)?;
            if objsubid == 0 {
                nonempty(rel.schema().doc)
            } else {
                let attnum = usize::try_from(objsubid).ok()?;
                let (_, column) = rel.user_columns().find(|(n, _)| *n == attnum)?;
                column_description(column)
            }
        }
        _ if objsubid != 0 => None,
        PG_NAMESPACE => Namespace::ALL
            .into_iter()
            .find(|ns| namespace_oid(*ns) == objoid)
            .map(|ns| namespace_description(ns).to_owned()),
        PG_TYPE => types::by_oid(objoid).and_then(|t| nonempty(t.doc)),
        PG_PROC => proc::procs()
            .iter()
            .find(|p| p.oid == objoid)
            .and_then(|p| nonempty(p.doc)),
        PG_AM => (objoid == table_am_oid()).then(|| TABLE_AM_DOC.to_owned()),
        _ => None,
    }
}

/// The description of shared object `objoid` of catalog `classoid`.
pub(crate) fn describe_shared(session: &SessionInfo, objoid: u32, classoid: u32) -> Option<String> {
    (classoid == PG_DATABASE && databases(session).iter().any(|d| database_oid(d) == objoid))
        .then(|| DATABASE_DOC.to_owned())
}

pub(crate) struct PgDescription;

static SCHEMA: Schema = Schema {
    name: "pg_description",
    doc: "Descriptions of schemas, relations, columns, types and functions.",
    columns: &[
        col("objoid", Oid, "The object's OID.").index(),
        col(
            "classoid",
            Oid,
            "The catalog the object is in (pg_class.oid).",
        ),
        col("objsubid", Integer, "Column number for a column, else 0."),
        col("description", Text, "The description."),
    ],
};

impl Table for PgDescription {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn namespace(&self) -> Namespace {
        Namespace::PgCatalog
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let wanted = cx.eq_ints("objoid");
        let wanted = |oid: u32| wanted.as_ref().is_none_or(|w| w.contains(&i64::from(oid)));
        let mut emit = |objoid: u32, classoid: u32, objsubid: usize, text: &str| {
            if wanted(objoid) && !text.is_empty() {
                out.row()
                    .set("objoid", objoid)
                    .set("classoid", classoid)
                    .set("objsubid", objsubid)
                    .set("description", text);
            }
        };
        let session = cx.session();
        for ns in Namespace::ALL {
            emit(
                namespace_oid(ns),
                PG_NAMESPACE,
                0,
                namespace_description(ns),
            );
        }
        for rel in relations(session) {
            if !wanted(rel.oid) {
                continue;
            }
            emit(rel.oid, PG_CLASS, 0, rel.schema().doc);
            for (attnum, column) in rel.user_columns() {
                if let Some(text) = column_description(column) {
                    emit(rel.oid, PG_CLASS, attnum, &text);
                }
            }
        }
        for t in types::TYPES {
            emit(t.oid, PG_TYPE, 0, t.doc);
        }
        for p in proc::procs() {
            emit(p.oid, PG_PROC, 0, p.doc);
        }
        emit(table_am_oid(), PG_AM, 0, TABLE_AM_DOC);
        Ok(())
    }
}

pub(crate) struct PgShdescription;

static SHARED_SCHEMA: Schema = Schema {
    name: "pg_shdescription",
    doc: "Descriptions of shared objects: the databases.",
    columns: &[
        col("objoid", Oid, "The object's OID."),
        col(
            "classoid",
            Oid,
            "The catalog the object is in (pg_class.oid).",
        ),
        col("description", Text, "The description."),
    ],
};

impl Table for PgShdescription {
    fn schema(&self) -> &'static Schema {
        &SHARED_SCHEMA
    }

    fn namespace(&self) -> Namespace {
        Namespace::PgCatalog
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        for name in databases(cx.session()) {
            out.row()
                .set("objoid", database_oid(&name))
                .set("classoid", PG_DATABASE)
                .set("description", DATABASE_DOC);
        }
        Ok(())
    }
}
