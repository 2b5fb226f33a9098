//! `memory_info`: TODO.

use hostgres_collectors::CollectError;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct MemoryInfo;

static SCHEMA: Schema = Schema {
    name: "memory_info",
    doc: "TODO",
    columns: &[
        col("memory_total", BigInt, "TODO"),
        col("memory_free", BigInt, "TODO"),
        col("memory_available", BigInt, "TODO"),
        col("buffers", BigInt, "TODO"),
        col("cached", BigInt, "TODO"),
        col("swap_cached", BigInt, "TODO"),
        col("active", BigInt, "TODO"),
        col("inactive", BigInt, "TODO"),
        col("swap_total", BigInt, "TODO"),
        col("swap_free", BigInt, "TODO"),
    ],
};

impl Table for MemoryInfo {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, _cx: &ScanContext<'_>, _out: &mut Rows) -> Result<(), CollectError> {
        Ok(()) // PLACEHOLDER: replaced by the real generator
    }
}
