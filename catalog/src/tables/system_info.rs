//! `system_info`: the host's identity: names, UUID, CPU summary, memory and firmware IDs (one row).

use hostgres_collectors::CollectError;
use hostgres_collectors::system::system_info;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct SystemInfo;

static SCHEMA: Schema = Schema {
    name: "system_info",
    doc: "System information for identification.",
    columns: &[
        col(
            "hostname",
            Text,
            "Network hostname including domain (the canonical name /etc/hosts gives the host name).",
        ),
        col(
            "uuid",
            Text,
            "Unique ID of the host: the firmware's product UUID, else the machine ID as a UUID.",
        ),
        col(
            "cpu_type",
            Text,
            "CPU type: the kernel's machine type, such as x86_64.",
        ),
        col(
            "cpu_subtype",
            Text,
            "CPU subtype: the model number of the first CPU, 0 if none.",
        ),
        col(
            "cpu_brand",
            Text,
            "CPU brand string, contains vendor and model.",
        ),
        col(
            "cpu_physical_cores",
            Integer,
            "Number of physical CPU cores in the system.",
        ),
        col(
            "cpu_logical_cores",
            Integer,
            "Number of logical CPU cores available to the system (online CPUs).",
        ),
        col(
            "cpu_sockets",
            Integer,
            "Number of processor sockets (physical packages) in use.",
        ),
        col("cpu_microcode", Text, "Microcode version of the first CPU."),
        col("physical_memory", BigInt, "Total physical memory in bytes."),
        col("hardware_vendor", Text, "Hardware vendor (DMI sys_vendor)."),
        col("hardware_model", Text, "Hardware model (DMI product_name)."),
        col(
            "hardware_version",
            Text,
            "Hardware version (DMI product_version).",
        ),
        col(
            "hardware_serial",
            Text,
            "Device serial number (DMI product_serial).",
        ),
        col("board_vendor", Text, "Board vendor (DMI board_vendor)."),
        col("board_model", Text, "Board model (DMI board_name)."),
        col("board_version", Text, "Board version (DMI board_version)."),
        col(
            "board_serial",
            Text,
            "Board serial number (DMI board_serial).",
        ),
        col(
            "computer_name",
            Text,
            "Friendly computer name: the kernel's host name.",
        ),
        col(
            "local_hostname",
            Text,
            "Local hostname, the same as hostname.",
        ),
    ],
};

impl Table for SystemInfo {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let s = system_info::read(cx.root())?;
        out.row()
            .set("hostname", s.hostname.clone())
            .set("uuid", s.uuid)
            .set("cpu_type", s.cpu_type)
            .set("cpu_subtype", s.cpu_subtype)
            .set("cpu_brand", s.cpu_brand)
            .set("cpu_physical_cores", s.cpu_physical_cores)
            .set("cpu_logical_cores", s.cpu_logical_cores)
            .set("cpu_sockets", s.cpu_sockets)
            .set("cpu_microcode", s.cpu_microcode)
            .set("physical_memory", s.physical_memory)
            .set("hardware_vendor", s.dmi.sys_vendor)
            .set("hardware_model", s.dmi.product_name)
            .set("hardware_version", s.dmi.product_version)
            .set("hardware_serial", s.dmi.product_serial)
            .set("board_vendor", s.dmi.board_vendor)
            .set("board_model", s.dmi.board_name)
            .set("board_version", s.dmi.board_version)
            .set("board_serial", s.dmi.board_serial)
            .set("computer_name", s.computer_name)
            .set("local_hostname", s.hostname);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::Value;
    use crate::testing::{fixture_query, live_query, strings};

    #[test]
    fn reads_the_fixture_host() {
        let rows = fixture_query("basic", "SELECT * FROM system_info");
        assert_eq!(
            strings(&rows),
            vec![vec![
                "db-primary",
                "00000000-0000-0000-0000-ac1f6b8c52e4",
                "x86_64",
                "79",
                "Intel(R) Xeon(R) CPU E5-2637 v4 @ 3.50GHz",
                "4",
                "4",
                "2",
                "0xb000040",
                &(65_843_824u64 * 1024).to_string(),
                "Supermicro",
                "SYS-6019P-WTR",
                "0123456789",
                "S349281X9C04211",
                "Supermicro",
                "X11DDW-L",
                "1.10",
                "ZM194S012345",
                "db-primary",
                "db-primary",
            ]]
        );
    }

    #[test]
    fn live_system_info_identifies_the_host() {
        let rows = live_query(
            "SELECT hostname, uuid, cpu_type, cpu_physical_cores, cpu_logical_cores, \
             cpu_sockets, physical_memory, computer_name, local_hostname FROM system_info",
        );
        assert_eq!(rows.len(), 1);
        let r = &rows[0];
        assert!(matches!(&r[0], Value::Text(h) if !h.is_empty()));
        let Value::Text(uuid) = &r[1] else {
            panic!("uuid {:?}", r[1]);
        };
        assert!(hostgres_collectors::system::host::is_uuid(uuid), "{uuid}");
        assert_eq!(r[2], Value::Text(std::env::consts::ARCH.to_owned()));
        let physical = r[3].as_i64().expect("physical cores");
        let logical = r[4].as_i64().expect("logical cores");
        let sockets = r[5].as_i64().expect("sockets");
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get() as i64);
        assert!(logical >= threads, "{logical} < {threads}");
        assert!(1 <= sockets && sockets <= physical && physical <= logical);
        assert!(r[6].as_i64().is_some_and(|m| m > 0));
        assert!(matches!(&r[7], Value::Text(h) if !h.is_empty()));
        assert_eq!(r[8], r[0]);
    }
}
