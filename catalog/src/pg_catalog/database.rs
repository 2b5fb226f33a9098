//! `pg_database`: the `hostgres` database, and the one the session asked
//! for when it named another (hostgres serves the same tables under any name).

use hostgres_collectors::CollectError;

use super::{DEFAULT_TABLESPACE_OID, OWNER_OID, UTF8_ENCODING, database_oid, databases};
use crate::scan::{Rows, ScanContext};
use crate::schema::ColumnType::*;
use crate::schema::{Schema, col};
use crate::table::{Namespace, Table};

pub(crate) struct PgDatabase;

static SCHEMA: Schema = Schema {
    name: "pg_database",
    doc: "Databases: hostgres, and the session's database if it connected under another name.",
    columns: &[
        col("oid", Oid, "Database OID."),
        col("datname", Name, "Database name."),
        col("datdba", Oid, "Owner (pg_roles.oid)."),
        col(
            "encoding",
            Integer,
            "Encoding number (pg_encoding_to_char): 6, UTF8.",
        ),
        col("datlocprovider", Char, "c: libc."),
        col("datistemplate", Bool, "false."),
        col("datallowconn", Bool, "true."),
        col("datconnlimit", Integer, "-1: no limit of its own."),
        col("datfrozenxid", Integer, "0."),
        col("datminmxid", Integer, "0."),
        col(
            "dattablespace",
            Oid,
            "Default tablespace (pg_tablespace.oid).",
        ),
        col("datcollate", Text, "LC_COLLATE."),
        col("datctype", Text, "LC_CTYPE."),
        col("daticulocale", Text, "NULL."),
        col("datcollversion", Text, "NULL."),
        col("datacl", Array(&Text), "NULL: the default privileges."),
    ],
};

impl Table for PgDatabase {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn namespace(&self) -> Namespace {
        Namespace::PgCatalog
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let settings = &cx.session().settings;
        let collate = settings.get("lc_collate").ok();
        let ctype = settings.get("lc_ctype").ok();
        for name in databases(cx.session()) {
            out.row()
                .set("oid", database_oid(&name))
                .set("datname", name.as_str())
                .set("datdba", OWNER_OID)
                .set("encoding", UTF8_ENCODING)
                .set("datlocprovider", "c")
                .set("datistemplate", false)
                .set("datallowconn", true)
                .set("datconnlimit", -1)
                .set("datfrozenxid", 0)
                .set("datminmxid", 0)
                .set("dattablespace", DEFAULT_TABLESPACE_OID)
                .set("datcollate", collate.clone())
                .set("datctype", ctype.clone());
        }
        Ok(())
    }
}
