//! `mounts`: TODO.

use hostgres_collectors::CollectError;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct Mounts;

static SCHEMA: Schema = Schema {
    name: "mounts",
    doc: "TODO",
    columns: &[
        col("device", Text, "TODO"),
        col("device_alias", Text, "TODO"),
        col("path", Text, "TODO"),
        col("type", Text, "TODO"),
        col("blocks_size", BigInt, "TODO"),
        col("blocks", BigInt, "TODO"),
        col("blocks_free", BigInt, "TODO"),
        col("blocks_available", BigInt, "TODO"),
        col("inodes", BigInt, "TODO"),
        col("inodes_free", BigInt, "TODO"),
        col("flags", Text, "TODO"),
    ],
};

impl Table for Mounts {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, _cx: &ScanContext<'_>, _out: &mut Rows) -> Result<(), CollectError> {
        Ok(()) // PLACEHOLDER: replaced by the real generator
    }
}
