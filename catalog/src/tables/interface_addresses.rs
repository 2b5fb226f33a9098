//! `interface_addresses`: TODO.

use hostgres_collectors::CollectError;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct InterfaceAddresses;

static SCHEMA: Schema = Schema {
    name: "interface_addresses",
    doc: "TODO",
    columns: &[
        col("interface", Text, "TODO"),
        col("address", Text, "TODO"),
        col("mask", Text, "TODO"),
        col("broadcast", Text, "TODO"),
        col("point_to_point", Text, "TODO"),
        col("type", Text, "TODO"),
    ],
};

impl Table for InterfaceAddresses {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, _cx: &ScanContext<'_>, _out: &mut Rows) -> Result<(), CollectError> {
        Ok(()) // PLACEHOLDER: replaced by the real generator
    }
}
