//! `pg_class`: every relation the session may read, with the OIDs of `catalog::oid`.

use hostgres_collectors::CollectError;

use super::{GLOBAL_TABLESPACE_OID, OWNER_OID, relations_among, table_am_oid};
use crate::oid::namespace_oid;
use crate::scan::{Rows, ScanContext};
use crate::schema::ColumnType::*;
use crate::schema::{Schema, col};
use crate::table::{Namespace, Table};

pub(crate) struct PgClass;

static SCHEMA: Schema = Schema {
    name: "pg_class",
    doc: "Relations: the host's tables, the catalog's tables and views. Tables the session may not read are left out.",
    columns: &[
        col(
            "oid",
            Oid,
            "Relation OID, the same in every session and after restarts.",
        )
        .index(),
        col("relname", Name, "Relation name."),
        col("relnamespace", Oid, "Schema (pg_namespace.oid)."),
        col("reltype", Oid, "Row type; 0, relations have none."),
        col("reloftype", Oid, "Type of a typed table; 0."),
        col("relowner", Oid, "Owner (pg_roles.oid)."),
        col(
            "relam",
            Oid,
            "Access method (pg_am.oid): hostgres for tables, 0 for views.",
        ),
        col("relfilenode", Oid, "Storage file; 0, nothing is stored."),
        col(
            "reltablespace",
            Oid,
            "Tablespace; 0 for the default, pg_global for shared catalogs.",
        ),
        col("relpages", Integer, "Size in pages; 0, nothing is stored."),
        col("reltuples", Real, "Row estimate; -1, unknown until read."),
        col("relallvisible", Integer, "Pages marked all-visible; 0."),
        col("reltoastrelid", Oid, "TOAST table; 0."),
        col(
            "relhasindex",
            Bool,
            "Whether the relation has indexes; never.",
        ),
        col(
            "relisshared",
            Bool,
            "Whether PostgreSQL shares the catalog between databases.",
        ),
        col("relpersistence", Char, "p: permanent."),
        col("relkind", Char, "r: table, v: view."),
        col("relnatts", SmallInt, "Number of columns."),
        col("relchecks", SmallInt, "Number of check constraints; 0."),
        col(
            "relhasrules",
            Bool,
            "Whether the relation has rules; never.",
        ),
        col(
            "relhastriggers",
            Bool,
            "Whether the relation has triggers; never.",
        ),
        col(
            "relhassubclass",
            Bool,
            "Whether the relation has children; never.",
        ),
        col(
            "relrowsecurity",
            Bool,
            "Whether row security is enabled; never.",
        ),
        col(
            "relforcerowsecurity",
            Bool,
            "Whether row security is forced; never.",
        ),
        col(
            "relispopulated",
            Bool,
            "Whether a materialized view is populated; always true.",
        ),
        col(
            "relreplident",
            Char,
            "Replica identity: d (default) for tables, n (nothing) for catalogs and views.",
        ),
        col(
            "relispartition",
            Bool,
            "Whether the relation is a partition; never.",
        ),
        col("relrewrite", Oid, "0."),
        col("relfrozenxid", Integer, "0."),
        col("relminmxid", Integer, "0."),
        col(
            "relacl",
            Array(&Text),
            "Access privileges; NULL for the default.",
        ),
        col("reloptions", Array(&Text), "Storage options; NULL."),
        col("relpartbound", Text, "Partition bound; NULL."),
    ],
};

impl Table for PgClass {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn namespace(&self) -> Namespace {
        Namespace::PgCatalog
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let wanted = cx.eq_ints("oid");
        for rel in relations_among(cx.session(), wanted.as_deref()) {
            let kind = rel.kind();
            let replident = if kind == 'r' && rel.namespace() != Namespace::PgCatalog {
                "d"
            } else {
                "n"
            };
            out.row()
                .set("oid", rel.oid)
                .set("relname", rel.name())
                .set("relnamespace", namespace_oid(rel.namespace()))
                .set("reltype", 0)
                .set("reloftype", 0)
                .set("relowner", OWNER_OID)
                .set("relam", if kind == 'r' { table_am_oid() } else { 0 })
                .set("relfilenode", 0)
                .set(
                    "reltablespace",
                    if rel.is_shared() {
                        GLOBAL_TABLESPACE_OID
                    } else {
                        0
                    },
                )
                .set("relpages", 0)
                .set("reltuples", -1.0)
                .set("relallvisible", 0)
                .set("reltoastrelid", 0)
                .set("relhasindex", false)
                .set("relisshared", rel.is_shared())
                .set("relpersistence", "p")
                .set("relkind", kind.to_string())
                .set("relnatts", rel.user_columns().count())
                .set("relchecks", 0)
                .set("relhasrules", false)
                .set("relhastriggers", false)
                .set("relhassubclass", false)
                .set("relrowsecurity", false)
                .set("relforcerowsecurity", false)
                .set("relispopulated", true)
                .set("relreplident", replident)
                .set("relispartition", false)
                .set("relrewrite", 0)
                .set("relfrozenxid", 0)
                .set("relminmxid", 0);
        }
        Ok(())
    }
}
