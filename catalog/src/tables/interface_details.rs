//! `interface_details`: TODO.

use hostgres_collectors::CollectError;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct InterfaceDetails;

static SCHEMA: Schema = Schema {
    name: "interface_details",
    doc: "TODO",
    columns: &[
        col("interface", Text, "TODO"),
        col("mac", Text, "TODO"),
        col("type", Integer, "TODO"),
        col("mtu", Integer, "TODO"),
        col("metric", Integer, "TODO"),
        col("flags", Integer, "TODO"),
        col("ipackets", BigInt, "TODO"),
        col("opackets", BigInt, "TODO"),
        col("ibytes", BigInt, "TODO"),
        col("obytes", BigInt, "TODO"),
        col("ierrors", BigInt, "TODO"),
        col("oerrors", BigInt, "TODO"),
        col("idrops", BigInt, "TODO"),
        col("odrops", BigInt, "TODO"),
        col("collisions", BigInt, "TODO"),
        col("last_change", BigInt, "TODO"),
        col("link_speed", BigInt, "TODO"),
        col("pci_slot", Text, "TODO"),
    ],
};

impl Table for InterfaceDetails {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, _cx: &ScanContext<'_>, _out: &mut Rows) -> Result<(), CollectError> {
        Ok(()) // PLACEHOLDER: replaced by the real generator
    }
}
