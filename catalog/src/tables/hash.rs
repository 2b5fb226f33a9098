//! `hash`: TODO.

use hostgres_collectors::CollectError;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct Hash;

static SCHEMA: Schema = Schema {
    name: "hash",
    doc: "TODO",
    columns: &[
        col("path", Text, "TODO").index().required().optimized(),
        col("directory", Text, "TODO").required().optimized(),
        col("md5", Text, "TODO"),
        col("sha1", Text, "TODO"),
        col("sha256", Text, "TODO"),
        col("pid_with_namespace", Integer, "TODO")
            .additional()
            .hidden(),
        col("mount_namespace_id", Text, "TODO").hidden(),
    ],
};

impl Table for Hash {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, _cx: &ScanContext<'_>, _out: &mut Rows) -> Result<(), CollectError> {
        Ok(()) // PLACEHOLDER: replaced by the real generator
    }
}
