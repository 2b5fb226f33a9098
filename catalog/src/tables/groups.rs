//! `groups`: TODO.

use hostgres_collectors::CollectError;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct Groups;

static SCHEMA: Schema = Schema {
    name: "groups",
    doc: "TODO",
    columns: &[
        col("gid", BigInt, "TODO").index(),
        col("gid_signed", BigInt, "TODO"),
        col("groupname", Text, "TODO"),
        col("pid_with_namespace", Integer, "TODO")
            .additional()
            .hidden(),
    ],
};

impl Table for Groups {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, _cx: &ScanContext<'_>, _out: &mut Rows) -> Result<(), CollectError> {
        Ok(()) // PLACEHOLDER: replaced by the real generator
    }
}
