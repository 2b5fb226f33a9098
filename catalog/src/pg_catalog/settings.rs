//! `pg_settings`: the session's run-time parameters, as `SHOW ALL` lists them.

use hostgres_collectors::CollectError;

use crate::scan::{Rows, ScanContext};
use crate::schema::ColumnType::*;
use crate::schema::{Schema, col};
use crate::settings::is_read_only;
use crate::table::{Namespace, Table};

pub(crate) struct PgSettings;

static SCHEMA: Schema = Schema {
    name: "pg_settings",
    doc: "The session's run-time parameters, as SET and SHOW see them.",
    columns: &[
        col("name", Text, "Parameter name."),
        col("setting", Text, "Current value."),
        col("unit", Text, "Unit of the value; NULL."),
        col("category", Text, "NULL."),
        col("short_desc", Text, "What the parameter does."),
        col("extra_desc", Text, "NULL."),
        col(
            "context",
            Text,
            "user: SET may change it; internal: it cannot be changed.",
        ),
        col("vartype", Text, "bool, integer or string."),
        col("source", Text, "NULL."),
        col("min_val", Text, "NULL."),
        col("max_val", Text, "NULL."),
        col("enumvals", Array(&Text), "NULL."),
        col("boot_val", Text, "NULL."),
        col("reset_val", Text, "NULL."),
        col("sourcefile", Text, "NULL."),
        col("sourceline", Integer, "NULL."),
        col("pending_restart", Bool, "false."),
    ],
};

impl Table for PgSettings {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn namespace(&self) -> Namespace {
        Namespace::PgCatalog
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        for (name, value, description) in cx.session().settings.show_all() {
            let vartype = if value == "on" || value == "off" {
                "bool"
            } else if !value.is_empty() && value.parse::<i64>().is_ok() {
                "integer"
            } else {
                "string"
            };
            let context = if is_read_only(&name) {
                "internal"
            } else {
                "user"
            };
            out.row()
                .set("name", name.as_str())
                .set("setting", value.as_str())
                .set(
                    "short_desc",
                    (!description.is_empty()).then_some(description),
                )
                .set("context", context)
                .set("vartype", vartype)
                .set("pending_restart", false);
        }
        Ok(())
    }
}
