//! `cpu_info`: TODO.

use hostgres_collectors::CollectError;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct CpuInfo;

static SCHEMA: Schema = Schema {
    name: "cpu_info",
    doc: "TODO",
    columns: &[
        col("device_id", Text, "TODO"),
        col("model", Text, "TODO"),
        col("manufacturer", Text, "TODO"),
        col("processor_type", Text, "TODO"),
        col("cpu_status", Integer, "TODO"),
        col("number_of_cores", Text, "TODO"),
        col("logical_processors", Integer, "TODO"),
        col("address_width", Text, "TODO"),
        col("current_clock_speed", Integer, "TODO"),
        col("max_clock_speed", Integer, "TODO"),
        col("socket_designation", Text, "TODO"),
    ],
};

impl Table for CpuInfo {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, _cx: &ScanContext<'_>, _out: &mut Rows) -> Result<(), CollectError> {
        Ok(()) // PLACEHOLDER: replaced by the real generator
    }
}
