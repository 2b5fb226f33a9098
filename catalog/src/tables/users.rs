//! `users`: TODO.

use hostgres_collectors::CollectError;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct Users;

static SCHEMA: Schema = Schema {
    name: "users",
    doc: "TODO",
    columns: &[
        col("uid", BigInt, "TODO").index(),
        col("gid", BigInt, "TODO"),
        col("uid_signed", BigInt, "TODO"),
        col("gid_signed", BigInt, "TODO"),
        col("username", Text, "TODO").additional(),
        col("description", Text, "TODO"),
        col("directory", Text, "TODO"),
        col("shell", Text, "TODO"),
        col("uuid", Text, "TODO").index(),
        col("pid_with_namespace", Integer, "TODO")
            .additional()
            .hidden(),
        col("include_remote", Integer, "TODO").additional().hidden(),
    ],
};

impl Table for Users {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, _cx: &ScanContext<'_>, _out: &mut Rows) -> Result<(), CollectError> {
        Ok(()) // PLACEHOLDER: replaced by the real generator
    }
}
