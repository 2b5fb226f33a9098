//! `kernel_modules`: the loaded kernel modules from /proc/modules (one row per module).

use hostgres_collectors::CollectError;
use hostgres_collectors::system::modules;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct KernelModules;

static SCHEMA: Schema = Schema {
    name: "kernel_modules",
    doc: "Linux kernel modules loaded in the running kernel.",
    columns: &[
        col("name", Text, "Module name."),
        col("size", BigInt, "Size of the module in memory, in bytes."),
        col(
            "used_by",
            Text,
            "Modules that depend on this one, comma-separated, or - for none.",
        ),
        col("status", Text, "Module state: Live, Loading or Unloading."),
        col(
            "address",
            Text,
            "Kernel address the module is loaded at (zeros unless the reader has CAP_SYSLOG).",
        ),
    ],
};

impl Table for KernelModules {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        for m in modules::read(cx.root())? {
            out.row()
                .set("name", m.name)
                .set("size", m.size)
                .set("used_by", m.used_by)
                .set("status", m.status)
                .set("address", m.address);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::Value;
    use crate::testing::{fixture_query, live_query, strings};

    #[test]
    fn reads_the_fixture_host() {
        let rows = fixture_query("basic", "SELECT count(*) FROM kernel_modules");
        assert_eq!(strings(&rows), vec![vec!["15"]]);
        let rows = fixture_query(
            "basic",
            "SELECT * FROM kernel_modules WHERE name IN ('libcrc32c', 'tls', 'ext4') ORDER BY name",
        );
        assert_eq!(
            strings(&rows),
            vec![
                vec!["ext4", "1003520", "-", "Live", "0xffffffffc0c6f000"],
                vec![
                    "libcrc32c",
                    "16384",
                    "nf_nat,nf_conntrack,nf_tables",
                    "Live",
                    "0xffffffffc0d72000"
                ],
                vec!["tls", "135168", "-", "Live", "0xffffffffc0e2b000"],
            ]
        );
    }

    #[test]
    fn live_modules_are_well_formed() {
        // A kernel built without module support has no /proc/modules and no rows.
        for row in live_query("SELECT name, size, used_by, status, address FROM kernel_modules") {
            assert!(matches!(&row[0], Value::Text(n) if !n.is_empty()));
            assert!(row[1].as_i64().is_some_and(|s| s > 0));
            assert!(matches!(&row[2], Value::Text(u) if !u.ends_with(',')));
            assert!(
                matches!(&row[3], Value::Text(s) if ["Live", "Loading", "Unloading"].contains(&s.as_str()))
            );
            assert!(matches!(&row[4], Value::Text(a) if a.starts_with("0x")));
        }
    }
}
