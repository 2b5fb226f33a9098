//! `pg_attribute`: the columns of every relation the session may read.
//!
//! `attnum` is the column's position in its schema plus one, as in the
//! wire protocol's `RowDescription`. Hidden columns (osquery's `HIDDEN`:
//! left out of `SELECT *` but readable by name) are listed like the others,
//! so that `\d file` shows every column a query may name; their
//! description says they are hidden.

use hostgres_collectors::CollectError;

use super::types;
use super::{TABLEOID_ATTNUM, is_system_column, relations_among};
use crate::scan::{Rows, ScanContext};
use crate::schema::ColumnType::*;
use crate::schema::{Schema, col};
use crate::table::{Namespace, Table};

pub(crate) struct PgAttribute;

static SCHEMA: Schema = Schema {
    name: "pg_attribute",
    doc: "Columns of every relation the session may read.",
    columns: &[
        col("attrelid", Oid, "Relation (pg_class.oid).").index(),
        col("attname", Name, "Column name."),
        col("atttypid", Oid, "Type (pg_type.oid)."),
        col(
            "attstattarget",
            Integer,
            "Statistics target; -1, the default.",
        ),
        col("attlen", SmallInt, "The type's typlen."),
        col(
            "attnum",
            SmallInt,
            "Column number, from 1; -6 for the tableoid system column.",
        ),
        col(
            "attndims",
            Integer,
            "Array dimensions: 1 for arrays, else 0.",
        ),
        col("attcacheoff", Integer, "-1."),
        col("atttypmod", Integer, "Type modifier; -1, none."),
        col("attbyval", Bool, "The type's typbyval."),
        col("attalign", Char, "The type's typalign."),
        col("attstorage", Char, "The type's typstorage."),
        col(
            "attcompression",
            Char,
            "Compression method; empty, the default.",
        ),
        col(
            "attnotnull",
            Bool,
            "Whether the column is NOT NULL; never, any value may be missing.",
        ),
        col(
            "atthasdef",
            Bool,
            "Whether the column has a default; never.",
        ),
        col("atthasmissing", Bool, "false."),
        col("attidentity", Char, "Identity column kind; empty, none."),
        col("attgenerated", Char, "Generated column kind; empty, none."),
        col(
            "attisdropped",
            Bool,
            "Whether the column was dropped; never.",
        ),
        col("attislocal", Bool, "true."),
        col("attinhcount", Integer, "0."),
        col(
            "attcollation",
            Oid,
            "Collation (pg_collation.oid): the type's.",
        ),
        col("attacl", Array(&Text), "Column privileges; NULL."),
        col("attoptions", Array(&Text), "Column options; NULL."),
        col(
            "attfdwoptions",
            Array(&Text),
            "Foreign-data wrapper options; NULL.",
        ),
        col("attmissingval", Text, "NULL."),
    ],
};

impl Table for PgAttribute {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn namespace(&self) -> Namespace {
        Namespace::PgCatalog
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let wanted = cx.eq_ints("attrelid");
        for rel in relations_among(cx.session(), wanted.as_deref()) {
            for (i, column) in rel.schema().columns.iter().enumerate() {
                let Some(ty) = types::of_column(column.ty) else {
                    continue;
                };
                out.row()
                    .set("attrelid", rel.oid)
                    .set("attname", column.name)
                    .set("atttypid", ty.oid)
                    .set("attstattarget", -1)
                    .set("attlen", ty.len)
                    .set(
                        "attnum",
                        if is_system_column(column) {
                            TABLEOID_ATTNUM
                        } else {
                            i32::try_from(i + 1).unwrap_or(i32::MAX)
                        },
                    )
                    .set("attndims", i32::from(ty.is_array()))
                    .set("attcacheoff", -1)
                    .set("atttypmod", -1)
                    .set("attbyval", ty.byval)
                    .set("attalign", char::from(ty.align).to_string())
                    .set("attstorage", char::from(ty.storage).to_string())
                    .set("attcompression", "")
                    .set("attnotnull", false)
                    .set("atthasdef", false)
                    .set("atthasmissing", false)
                    .set("attidentity", "")
                    .set("attgenerated", "")
                    .set("attisdropped", false)
                    .set("attislocal", true)
                    .set("attinhcount", 0)
                    .set("attcollation", ty.collation);
            }
        }
        Ok(())
    }
}
