//! `kernel_info`: TODO.

use hostgres_collectors::CollectError;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct KernelInfo;

static SCHEMA: Schema = Schema {
    name: "kernel_info",
    doc: "TODO",
    columns: &[
        col("version", Text, "TODO"),
        col("arguments", Text, "TODO"),
        col("path", Text, "TODO"),
        col("device", Text, "TODO"),
    ],
};

impl Table for KernelInfo {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, _cx: &ScanContext<'_>, _out: &mut Rows) -> Result<(), CollectError> {
        Ok(()) // PLACEHOLDER: replaced by the real generator
    }
}
