//! `os_version`: TODO.

use hostgres_collectors::CollectError;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct OsVersion;

static SCHEMA: Schema = Schema {
    name: "os_version",
    doc: "TODO",
    columns: &[
        col("name", Text, "TODO"),
        col("version", Text, "TODO"),
        col("major", Integer, "TODO"),
        col("minor", Integer, "TODO"),
        col("patch", Integer, "TODO"),
        col("build", Text, "TODO"),
        col("platform", Text, "TODO"),
        col("platform_like", Text, "TODO"),
        col("codename", Text, "TODO"),
        col("arch", Text, "TODO"),
        col("pid_with_namespace", Integer, "TODO")
            .additional()
            .hidden(),
        col("mount_namespace_id", Text, "TODO").hidden(),
    ],
};

impl Table for OsVersion {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, _cx: &ScanContext<'_>, _out: &mut Rows) -> Result<(), CollectError> {
        Ok(()) // PLACEHOLDER: replaced by the real generator
    }
}
