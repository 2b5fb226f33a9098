//! `cpu_info`: one row per processor socket, from SMBIOS or the kernel's CPU description.
//!
//! osquery reads only the SMBIOS Processor Information structures, so it has
//! no rows where the firmware table is missing or unreadable. hostgres reads
//! the same table when it can (as root, on machines with DMI); otherwise it
//! describes each physical package of the online CPUs from /proc/cpuinfo and
//! /sys/devices/system/cpu: type 3 (central processor), status 65 (populated
//! and enabled), the vendor_id as manufacturer, cpufreq or `cpu MHz` speeds
//! and a `CPU <package>` socket name.

use hostgres_collectors::CollectError;
use hostgres_collectors::system::processors;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct CpuInfo;

static SCHEMA: Schema = Schema {
    name: "cpu_info",
    doc: "Retrieve cpu hardware info of the machine, one row per processor socket.",
    columns: &[
        col(
            "device_id",
            Text,
            "The DeviceID of the CPU: CPU0, CPU1, ...",
        ),
        col("model", Text, "The model of the CPU."),
        col("manufacturer", Text, "The manufacturer of the CPU."),
        col(
            "processor_type",
            Text,
            "The SMBIOS processor type: 3 central, 4 math, 5 DSP, 6 video.",
        ),
        col(
            "cpu_status",
            Integer,
            "The SMBIOS status byte of the CPU: 65 is a populated socket with the CPU enabled.",
        ),
        col("number_of_cores", Text, "The number of cores of the CPU."),
        col(
            "logical_processors",
            Integer,
            "The number of logical processors of the CPU.",
        ),
        col(
            "address_width",
            Text,
            "The width of the CPU address bus: 64 or 32.",
        ),
        col(
            "current_clock_speed",
            Integer,
            "The current frequency of the CPU, in MHz.",
        ),
        col(
            "max_clock_speed",
            Integer,
            "The maximum possible frequency of the CPU, in MHz.",
        ),
        col(
            "socket_designation",
            Text,
            "The assigned socket on the board for the given CPU.",
        ),
    ],
};

impl Table for CpuInfo {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        for p in processors::read(cx.root())? {
            out.row()
                .set("device_id", p.device_id)
                .set("model", p.model)
                .set("manufacturer", p.manufacturer)
                .set("processor_type", p.processor_type)
                .set("cpu_status", p.cpu_status)
                .set("number_of_cores", p.number_of_cores)
                .set("logical_processors", p.logical_processors)
                .set("address_width", p.address_width)
                .set("current_clock_speed", p.current_clock_speed)
                .set("max_clock_speed", p.max_clock_speed)
                .set("socket_designation", p.socket_designation);
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
        let rows = fixture_query("basic", "SELECT * FROM cpu_info");
        let model = "Intel(R) Xeon(R) CPU E5-2637 v4 @ 3.50GHz";
        assert_eq!(
            strings(&rows),
            vec![
                vec![
                    "CPU0",
                    model,
                    "GenuineIntel",
                    "3",
                    "65",
                    "2",
                    "2",
                    "64",
                    "3499",
                    "3700",
                    "CPU 0"
                ],
                vec![
                    "CPU1",
                    model,
                    "GenuineIntel",
                    "3",
                    "65",
                    "2",
                    "2",
                    "64",
                    "1200",
                    "3700",
                    "CPU 1"
                ],
            ]
        );
    }

    #[test]
    fn live_processors_are_well_formed() {
        let rows = live_query(
            "SELECT device_id, processor_type, address_width, logical_processors FROM cpu_info",
        );
        assert!(!rows.is_empty());
        for r in &rows {
            let kinds = ["CPU", "MATH", "DSP", "GPU"];
            assert!(
                r[0].is_null()
                    || matches!(&r[0], Value::Text(d) if kinds.iter().any(|k| d.starts_with(k))),
                "{r:?}"
            );
            assert!(r[2].is_null() || matches!(&r[2], Value::Text(w) if w == "64" || w == "32"));
        }
        // Every machine has a central processor with at least one logical CPU.
        assert!(
            rows.iter().any(|r| {
                r[1] == Value::Text("3".into()) && r[3].as_i64().is_some_and(|n| n >= 1)
            })
        );
    }
}
