//! `kernel_info`: the running kernel's release and boot arguments (one row).

use hostgres_collectors::CollectError;
use hostgres_collectors::system::kernel;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct KernelInfo;

static SCHEMA: Schema = Schema {
    name: "kernel_info",
    doc: "Basic active kernel information.",
    columns: &[
        col(
            "version",
            Text,
            "Kernel release, such as 6.1.0-18-amd64 (from /proc/version).",
        ),
        col(
            "arguments",
            Text,
            "Kernel command line arguments, without BOOT_IMAGE= and root=.",
        ),
        col(
            "path",
            Text,
            "Kernel image path (the BOOT_IMAGE= argument).",
        ),
        col(
            "device",
            Text,
            "Root device identifier (the root= argument).",
        ),
    ],
};

impl Table for KernelInfo {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let k = kernel::read(cx.root())?;
        out.row()
            .set("version", k.version)
            .set("arguments", k.arguments)
            .set("path", k.path)
            .set("device", k.device);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::Value;
    use crate::testing::{fixture_query, live_query, strings};

    #[test]
    fn reads_the_fixture_host() {
        let rows = fixture_query("basic", "SELECT * FROM kernel_info");
        assert_eq!(
            strings(&rows),
            vec![vec![
                "6.1.0-18-amd64",
                "ro quiet intel_iommu=on",
                "/boot/vmlinuz-6.1.0-18-amd64",
                "/dev/mapper/vg0-root",
            ]]
        );
    }

    #[test]
    fn live_kernel_version_is_the_release() {
        let rows = live_query("SELECT version, arguments FROM kernel_info");
        assert_eq!(rows.len(), 1);
        let release = hostgres_collectors::HostRoot::live()
            .read_trimmed("proc/sys/kernel/osrelease")
            .expect("osrelease");
        assert_eq!(rows[0][0], Value::Text(release));
        assert!(matches!(rows[0][1], Value::Text(_)));
    }
}
