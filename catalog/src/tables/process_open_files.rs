//! `process_open_files`: TODO.

use hostgres_collectors::CollectError;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct ProcessOpenFiles;

static SCHEMA: Schema = Schema {
    name: "process_open_files",
    doc: "TODO",
    columns: &[
        col("pid", BigInt, "TODO").index(),
        col("fd", BigInt, "TODO"),
        col("path", Text, "TODO"),
    ],
};

impl Table for ProcessOpenFiles {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, _cx: &ScanContext<'_>, _out: &mut Rows) -> Result<(), CollectError> {
        Ok(()) // PLACEHOLDER: replaced by the real generator
    }
}
