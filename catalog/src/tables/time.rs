//! `time`: TODO.

use hostgres_collectors::CollectError;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct Time;

static SCHEMA: Schema = Schema {
    name: "time",
    doc: "TODO",
    columns: &[
        col("weekday", Text, "TODO"),
        col("year", Integer, "TODO"),
        col("month", Integer, "TODO"),
        col("day", Integer, "TODO"),
        col("hour", Integer, "TODO"),
        col("minutes", Integer, "TODO"),
        col("seconds", Integer, "TODO"),
        col("timezone", Text, "TODO"),
        col("local_timezone", Text, "TODO"),
        col("unix_time", Integer, "TODO"),
        col("timestamp", Text, "TODO"),
        col("datetime", Text, "TODO"),
        col("iso_8601", Text, "TODO"),
    ],
};

impl Table for Time {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, _cx: &ScanContext<'_>, _out: &mut Rows) -> Result<(), CollectError> {
        Ok(()) // PLACEHOLDER: replaced by the real generator
    }
}
