//! `listening_ports`: TODO.

use hostgres_collectors::CollectError;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct ListeningPorts;

static SCHEMA: Schema = Schema {
    name: "listening_ports",
    doc: "TODO",
    columns: &[
        col("pid", Integer, "TODO"),
        col("port", Integer, "TODO"),
        col("protocol", Integer, "TODO"),
        col("family", Integer, "TODO"),
        col("address", Text, "TODO"),
        col("fd", BigInt, "TODO"),
        col("socket", BigInt, "TODO"),
        col("path", Text, "TODO"),
        col("net_namespace", Text, "TODO"),
    ],
};

impl Table for ListeningPorts {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, _cx: &ScanContext<'_>, _out: &mut Rows) -> Result<(), CollectError> {
        Ok(()) // PLACEHOLDER: replaced by the real generator
    }
}
