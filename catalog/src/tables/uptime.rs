//! `uptime`: TODO.

use hostgres_collectors::CollectError;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct Uptime;

static SCHEMA: Schema = Schema {
    name: "uptime",
    doc: "TODO",
    columns: &[
        col("days", Integer, "TODO"),
        col("hours", Integer, "TODO"),
        col("minutes", Integer, "TODO"),
        col("seconds", Integer, "TODO"),
        col("total_seconds", BigInt, "TODO"),
    ],
};

impl Table for Uptime {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, _cx: &ScanContext<'_>, _out: &mut Rows) -> Result<(), CollectError> {
        Ok(()) // PLACEHOLDER: replaced by the real generator
    }
}
