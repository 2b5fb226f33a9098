//! `kernel_modules`: TODO.

use hostgres_collectors::CollectError;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct KernelModules;

static SCHEMA: Schema = Schema {
    name: "kernel_modules",
    doc: "TODO",
    columns: &[
        col("name", Text, "TODO"),
        col("size", BigInt, "TODO"),
        col("used_by", Text, "TODO"),
        col("status", Text, "TODO"),
        col("address", Text, "TODO"),
    ],
};

impl Table for KernelModules {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, _cx: &ScanContext<'_>, _out: &mut Rows) -> Result<(), CollectError> {
        Ok(()) // PLACEHOLDER: replaced by the real generator
    }
}
