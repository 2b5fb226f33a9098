//! `pg_namespace`: the schemas, `pg_catalog`, `public`, `information_schema` and `hostgres`.

use hostgres_collectors::CollectError;

use super::OWNER_OID;
use crate::oid::namespace_oid;
use crate::scan::{Rows, ScanContext};
use crate::schema::ColumnType::*;
use crate::schema::{Schema, col};
use crate::table::{Namespace, Table};

pub(crate) struct PgNamespace;

static SCHEMA: Schema = Schema {
    name: "pg_namespace",
    doc: "Schemas: pg_catalog, public (the host's tables), information_schema and hostgres (the daemon's own).",
    columns: &[
        col("oid", Oid, "Schema OID.").index(),
        col("nspname", Name, "Schema name."),
        col("nspowner", Oid, "Owner (pg_roles.oid)."),
        col(
            "nspacl",
            Array(&Text),
            "Access privileges; NULL for the default.",
        ),
    ],
};

impl Table for PgNamespace {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn namespace(&self) -> Namespace {
        Namespace::PgCatalog
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let wanted = cx.eq_ints("oid");
        for ns in Namespace::ALL {
            let oid = namespace_oid(ns);
            if wanted
                .as_ref()
                .is_some_and(|w| !w.contains(&i64::from(oid)))
            {
                continue;
            }
            out.row()
                .set("oid", oid)
                .set("nspname", ns.name())
                .set("nspowner", OWNER_OID);
        }
        Ok(())
    }
}
