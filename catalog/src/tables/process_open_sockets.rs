//! `process_open_sockets`: TODO.

use hostgres_collectors::CollectError;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct ProcessOpenSockets;

static SCHEMA: Schema = Schema {
    name: "process_open_sockets",
    doc: "TODO",
    columns: &[
        col("pid", Integer, "TODO").additional(),
        col("fd", BigInt, "TODO"),
        col("socket", BigInt, "TODO"),
        col("family", Integer, "TODO"),
        col("protocol", Integer, "TODO"),
        col("local_address", Text, "TODO"),
        col("remote_address", Text, "TODO"),
        col("local_port", Integer, "TODO"),
        col("remote_port", Integer, "TODO"),
        col("path", Text, "TODO"),
        col("state", Text, "TODO"),
        col("net_namespace", Text, "TODO"),
    ],
};

impl Table for ProcessOpenSockets {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, _cx: &ScanContext<'_>, _out: &mut Rows) -> Result<(), CollectError> {
        Ok(()) // PLACEHOLDER: replaced by the real generator
    }
}
