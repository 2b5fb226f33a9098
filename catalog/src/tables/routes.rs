//! `routes`: TODO.

use hostgres_collectors::CollectError;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct Routes;

static SCHEMA: Schema = Schema {
    name: "routes",
    doc: "TODO",
    columns: &[
        col("destination", Text, "TODO"),
        col("netmask", Integer, "TODO"),
        col("gateway", Text, "TODO"),
        col("source", Text, "TODO"),
        col("flags", Integer, "TODO"),
        col("interface", Text, "TODO"),
        col("mtu", Integer, "TODO"),
        col("metric", Integer, "TODO"),
        col("type", Text, "TODO").additional(),
        col("hopcount", Integer, "TODO"),
    ],
};

impl Table for Routes {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, _cx: &ScanContext<'_>, _out: &mut Rows) -> Result<(), CollectError> {
        Ok(()) // PLACEHOLDER: replaced by the real generator
    }
}
