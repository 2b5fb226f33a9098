//! `pg_type`: PostgreSQL's built-in base and pseudo-types and their arrays,
//! which include every type a hostgres column or expression can have.

use hostgres_collectors::CollectError;

use super::OWNER_OID;
use super::types::TYPES;
use crate::oid::namespace_oid;
use crate::scan::{Rows, ScanContext};
use crate::schema::ColumnType::*;
use crate::schema::{Schema, col};
use crate::table::{Namespace, Table};

pub(crate) struct PgType;

static SCHEMA: Schema = Schema {
    name: "pg_type",
    doc: "Data types: PostgreSQL 15's built-in base and pseudo-types and their array types.",
    columns: &[
        col("oid", Oid, "Type OID, PostgreSQL's own.").index(),
        col("typname", Name, "Type name."),
        col(
            "typnamespace",
            Oid,
            "Schema (pg_namespace.oid): pg_catalog.",
        ),
        col("typowner", Oid, "Owner (pg_roles.oid)."),
        col(
            "typlen",
            SmallInt,
            "Size in bytes; -1 for variable length, -2 for C strings.",
        ),
        col("typbyval", Bool, "Whether values are passed by value."),
        col("typtype", Char, "b: base type, p: pseudo-type."),
        col(
            "typcategory",
            Char,
            "Category code (N numeric, S string, A array...).",
        ),
        col(
            "typispreferred",
            Bool,
            "Whether the type is preferred in its category.",
        ),
        col("typisdefined", Bool, "true."),
        col("typdelim", Char, "Array element delimiter."),
        col("typrelid", Oid, "Relation of a composite type; 0."),
        col("typsubscript", Oid, "Subscripting handler (regproc)."),
        col("typelem", Oid, "Element type of an array type, else 0."),
        col("typarray", Oid, "The array type of this type, else 0."),
        col("typinput", Oid, "Input function (regproc)."),
        col("typoutput", Oid, "Output function (regproc)."),
        col("typreceive", Oid, "Binary input function (regproc)."),
        col("typsend", Oid, "Binary output function (regproc)."),
        col("typmodin", Oid, "Type modifier input function (regproc)."),
        col("typmodout", Oid, "Type modifier output function (regproc)."),
        col("typanalyze", Oid, "Statistics function (regproc)."),
        col("typalign", Char, "Alignment: c, s, i or d."),
        col("typstorage", Char, "Storage: p, e, m or x."),
        col("typnotnull", Bool, "false."),
        col("typbasetype", Oid, "Base type of a domain; 0."),
        col("typtypmod", Integer, "-1."),
        col("typndims", Integer, "0."),
        col(
            "typcollation",
            Oid,
            "Default collation (pg_collation.oid), 0 if not collatable.",
        ),
        col("typdefaultbin", Text, "NULL."),
        col("typdefault", Text, "NULL."),
        col("typacl", Array(&Text), "NULL."),
    ],
};

impl Table for PgType {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn namespace(&self) -> Namespace {
        Namespace::PgCatalog
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let wanted = cx.eq_ints("oid");
        let char_of = |c: u8| char::from(c).to_string();
        for t in TYPES {
            if wanted
                .as_ref()
                .is_some_and(|w| !w.contains(&i64::from(t.oid)))
            {
                continue;
            }
            out.row()
                .set("oid", t.oid)
                .set("typname", t.name)
                .set("typnamespace", namespace_oid(Namespace::PgCatalog))
                .set("typowner", OWNER_OID)
                .set("typlen", t.len)
                .set("typbyval", t.byval)
                .set("typtype", char_of(t.kind))
                .set("typcategory", char_of(t.category))
                .set("typispreferred", t.preferred)
                .set("typisdefined", true)
                .set("typdelim", char_of(t.delim))
                .set("typrelid", 0)
                .set("typsubscript", t.subscript.0)
                .set("typelem", t.elem)
                .set("typarray", t.array)
                .set("typinput", t.input.0)
                .set("typoutput", t.output.0)
                .set("typreceive", t.receive.0)
                .set("typsend", t.send.0)
                .set("typmodin", t.modin.0)
                .set("typmodout", t.modout.0)
                .set("typanalyze", t.analyze.0)
                .set("typalign", char_of(t.align))
                .set("typstorage", char_of(t.storage))
                .set("typnotnull", false)
                .set("typbasetype", 0)
                .set("typtypmod", -1)
                .set("typndims", 0)
                .set("typcollation", t.collation);
        }
        Ok(())
    }
}
