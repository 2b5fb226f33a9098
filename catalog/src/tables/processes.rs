//! `processes`: TODO.

use hostgres_collectors::CollectError;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct Processes;

static SCHEMA: Schema = Schema {
    name: "processes",
    doc: "TODO",
    columns: &[
        col("pid", BigInt, "TODO").index().optimized(),
        col("name", Text, "TODO"),
        col("path", Text, "TODO"),
        col("cmdline", Text, "TODO"),
        col("state", Text, "TODO"),
        col("cwd", Text, "TODO"),
        col("root", Text, "TODO"),
        col("uid", BigInt, "TODO"),
        col("gid", BigInt, "TODO"),
        col("euid", BigInt, "TODO"),
        col("egid", BigInt, "TODO"),
        col("suid", BigInt, "TODO"),
        col("sgid", BigInt, "TODO"),
        col("on_disk", Integer, "TODO"),
        col("wired_size", BigInt, "TODO"),
        col("resident_size", BigInt, "TODO"),
        col("total_size", BigInt, "TODO"),
        col("user_time", BigInt, "TODO"),
        col("system_time", BigInt, "TODO"),
        col("disk_bytes_read", BigInt, "TODO"),
        col("disk_bytes_written", BigInt, "TODO"),
        col("start_time", BigInt, "TODO"),
        col("parent", BigInt, "TODO"),
        col("pgroup", BigInt, "TODO"),
        col("threads", Integer, "TODO"),
        col("nice", Integer, "TODO"),
        col("cgroup_path", Text, "TODO"),
    ],
};

impl Table for Processes {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, _cx: &ScanContext<'_>, _out: &mut Rows) -> Result<(), CollectError> {
        Ok(()) // PLACEHOLDER: replaced by the real generator
    }
}
