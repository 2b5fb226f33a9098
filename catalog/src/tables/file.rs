//! `file`: TODO.

use hostgres_collectors::CollectError;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct File;

static SCHEMA: Schema = Schema {
    name: "file",
    doc: "TODO",
    columns: &[
        col("path", Text, "TODO").index().required().optimized(),
        col("directory", Text, "TODO").required().optimized(),
        col("filename", Text, "TODO"),
        col("inode", BigInt, "TODO"),
        col("uid", BigInt, "TODO"),
        col("gid", BigInt, "TODO"),
        col("mode", Text, "TODO"),
        col("device", BigInt, "TODO"),
        col("size", BigInt, "TODO"),
        col("block_size", Integer, "TODO"),
        col("atime", BigInt, "TODO"),
        col("mtime", BigInt, "TODO"),
        col("ctime", BigInt, "TODO"),
        col("btime", BigInt, "TODO"),
        col("hard_links", Integer, "TODO"),
        col("symlink", Integer, "TODO"),
        col("type", Text, "TODO"),
        col("symlink_target_path", Text, "TODO"),
        col("pid_with_namespace", Integer, "TODO")
            .additional()
            .hidden(),
        col("mount_namespace_id", Text, "TODO").hidden(),
    ],
};

impl Table for File {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, _cx: &ScanContext<'_>, _out: &mut Rows) -> Result<(), CollectError> {
        Ok(()) // PLACEHOLDER: replaced by the real generator
    }
}
