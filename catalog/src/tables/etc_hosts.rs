//! `etc_hosts`: TODO.

use hostgres_collectors::CollectError;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct EtcHosts;

static SCHEMA: Schema = Schema {
    name: "etc_hosts",
    doc: "TODO",
    columns: &[
        col("address", Text, "TODO"),
        col("hostnames", Text, "TODO"),
        col("pid_with_namespace", Integer, "TODO")
            .additional()
            .hidden(),
    ],
};

impl Table for EtcHosts {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, _cx: &ScanContext<'_>, _out: &mut Rows) -> Result<(), CollectError> {
        Ok(()) // PLACEHOLDER: replaced by the real generator
    }
}
