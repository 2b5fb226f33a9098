//! `system_info`: TODO.

use hostgres_collectors::CollectError;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct SystemInfo;

static SCHEMA: Schema = Schema {
    name: "system_info",
    doc: "TODO",
    columns: &[
        col("hostname", Text, "TODO"),
        col("uuid", Text, "TODO"),
        col("cpu_type", Text, "TODO"),
        col("cpu_subtype", Text, "TODO"),
        col("cpu_brand", Text, "TODO"),
        col("cpu_physical_cores", Integer, "TODO"),
        col("cpu_logical_cores", Integer, "TODO"),
        col("cpu_sockets", Integer, "TODO"),
        col("cpu_microcode", Text, "TODO"),
        col("physical_memory", BigInt, "TODO"),
        col("hardware_vendor", Text, "TODO"),
        col("hardware_model", Text, "TODO"),
        col("hardware_version", Text, "TODO"),
        col("hardware_serial", Text, "TODO"),
        col("board_vendor", Text, "TODO"),
        col("board_model", Text, "TODO"),
        col("board_version", Text, "TODO"),
        col("board_serial", Text, "TODO"),
        col("computer_name", Text, "TODO"),
        col("local_hostname", Text, "TODO"),
    ],
};

impl Table for SystemInfo {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, _cx: &ScanContext<'_>, _out: &mut Rows) -> Result<(), CollectError> {
        Ok(()) // PLACEHOLDER: replaced by the real generator
    }
}
