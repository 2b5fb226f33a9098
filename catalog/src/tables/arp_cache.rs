//! `arp_cache`: TODO.

use hostgres_collectors::CollectError;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct ArpCache;

static SCHEMA: Schema = Schema {
    name: "arp_cache",
    doc: "TODO",
    columns: &[
        col("address", Text, "TODO"),
        col("mac", Text, "TODO"),
        col("interface", Text, "TODO"),
        col("permanent", Text, "TODO"),
    ],
};

impl Table for ArpCache {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, _cx: &ScanContext<'_>, _out: &mut Rows) -> Result<(), CollectError> {
        Ok(()) // PLACEHOLDER: replaced by the real generator
    }
}
