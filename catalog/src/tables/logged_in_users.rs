//! `logged_in_users`: TODO.

use hostgres_collectors::CollectError;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct LoggedInUsers;

static SCHEMA: Schema = Schema {
    name: "logged_in_users",
    doc: "TODO",
    columns: &[
        col("type", Text, "TODO"),
        col("user", Text, "TODO"),
        col("tty", Text, "TODO"),
        col("host", Text, "TODO"),
        col("time", BigInt, "TODO"),
        col("pid", Integer, "TODO"),
    ],
};

impl Table for LoggedInUsers {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, _cx: &ScanContext<'_>, _out: &mut Rows) -> Result<(), CollectError> {
        Ok(()) // PLACEHOLDER: replaced by the real generator
    }
}
