//! `deb_packages`: TODO.

use hostgres_collectors::CollectError;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct DebPackages;

static SCHEMA: Schema = Schema {
    name: "deb_packages",
    doc: "TODO",
    columns: &[
        col("name", Text, "TODO"),
        col("version", Text, "TODO"),
        col("source", Text, "TODO"),
        col("size", BigInt, "TODO"),
        col("arch", Text, "TODO"),
        col("revision", Text, "TODO"),
        col("status", Text, "TODO"),
        col("maintainer", Text, "TODO"),
        col("section", Text, "TODO"),
        col("priority", Text, "TODO"),
        col("admindir", Text, "TODO").optimized().additional(),
        col("pid_with_namespace", Integer, "TODO")
            .additional()
            .hidden(),
        col("mount_namespace_id", Text, "TODO").hidden(),
    ],
};

impl Table for DebPackages {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, _cx: &ScanContext<'_>, _out: &mut Rows) -> Result<(), CollectError> {
        Ok(()) // PLACEHOLDER: replaced by the real generator
    }
}
