//! `user_groups`: TODO.

use hostgres_collectors::CollectError;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct UserGroups;

static SCHEMA: Schema = Schema {
    name: "user_groups",
    doc: "TODO",
    columns: &[
        col("uid", BigInt, "TODO").index().optimized(),
        col("gid", BigInt, "TODO").index(),
    ],
};

impl Table for UserGroups {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, _cx: &ScanContext<'_>, _out: &mut Rows) -> Result<(), CollectError> {
        Ok(()) // PLACEHOLDER: replaced by the real generator
    }
}
