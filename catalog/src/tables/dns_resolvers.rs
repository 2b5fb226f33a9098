//! `dns_resolvers`: TODO.

use hostgres_collectors::CollectError;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct DnsResolvers;

static SCHEMA: Schema = Schema {
    name: "dns_resolvers",
    doc: "TODO",
    columns: &[
        col("id", Integer, "TODO"),
        col("type", Text, "TODO"),
        col("address", Text, "TODO"),
        col("netmask", Text, "TODO"),
        col("options", BigInt, "TODO"),
        col("pid_with_namespace", Integer, "TODO")
            .additional()
            .hidden(),
    ],
};

impl Table for DnsResolvers {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, _cx: &ScanContext<'_>, _out: &mut Rows) -> Result<(), CollectError> {
        Ok(()) // PLACEHOLDER: replaced by the real generator
    }
}
