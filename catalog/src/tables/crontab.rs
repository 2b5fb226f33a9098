//! `crontab`: TODO.

use hostgres_collectors::CollectError;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct Crontab;

static SCHEMA: Schema = Schema {
    name: "crontab",
    doc: "TODO",
    columns: &[
        col("event", Text, "TODO"),
        col("minute", Text, "TODO"),
        col("hour", Text, "TODO"),
        col("day_of_month", Text, "TODO"),
        col("month", Text, "TODO"),
        col("day_of_week", Text, "TODO"),
        col("command", Text, "TODO"),
        col("path", Text, "TODO"),
        col("pid_with_namespace", Integer, "TODO")
            .additional()
            .hidden(),
    ],
};

impl Table for Crontab {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, _cx: &ScanContext<'_>, _out: &mut Rows) -> Result<(), CollectError> {
        Ok(()) // PLACEHOLDER: replaced by the real generator
    }
}
