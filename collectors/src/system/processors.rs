//! The processors (sockets) of the machine, as osquery's `cpu_info` describes them.
//!
//! osquery reads the SMBIOS Processor Information structures. hostgres does
//! the same when the firmware table is readable; without one (virtual
//! machines without DMI, ARM boards, unprivileged readers) it describes each
//! physical package from `/proc/cpuinfo`, the CPU topology and cpufreq.

use std::collections::{BTreeMap, HashMap};

use crate::system::cpuinfo::{self, CpuEntry};
use crate::system::{cpus, host, smbios};
use crate::{CollectError, HostRoot, OptionalExt};

/// One processor socket.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Processor {
    /// `CPU0`, `CPU1`, ... (`MATH`, `DSP` or `GPU` for other SMBIOS processor types).
    pub device_id: Option<String>,
    pub model: Option<String>,
    pub manufacturer: Option<String>,
    /// The SMBIOS processor type number: 3 is a central processor.
    pub processor_type: Option<u8>,
    /// The SMBIOS status byte: 0x41 (65) is "socket populated, CPU enabled".
    pub cpu_status: Option<u8>,
    pub number_of_cores: Option<u64>,
    pub logical_processors: Option<u64>,
    /// `64` or `32`.
    pub address_width: Option<&'static str>,
    /// MHz.
    pub current_clock_speed: Option<u64>,
    /// MHz.
    pub max_clock_speed: Option<u64>,
    pub socket_designation: Option<String>,
}

const CENTRAL_PROCESSOR: u8 = 3;
const POPULATED_AND_ENABLED: u8 = 0x41;

/// The processors from the firmware's SMBIOS table, else from the kernel (see [`read_packages`]).
pub fn read(root: &HostRoot) -> Result<Vec<Processor>, CollectError> {
    if let Some(table) = root.read("sys/firmware/dmi/tables/DMI").optional()? {
        let from_firmware = from_smbios(&table);
        if !from_firmware.is_empty() {
            return Ok(from_firmware);
        }
    }
    let entries = cpuinfo::read(root).optional()?.unwrap_or_default();
    read_packages(root, &entries)
}

/// One processor per physical package of the online CPUs in `entries` (the
/// host's `/proc/cpuinfo`), completed from sysfs (see [`from_cpuinfo`]).
pub fn read_packages(
    root: &HostRoot,
    entries: &[CpuEntry],
) -> Result<Vec<Processor>, CollectError> {
    let mut sysfs = HashMap::new();
    for cpu in cpuinfo::processors(entries).filter_map(CpuEntry::processor) {
        let (current_mhz, max_mhz) = cpus::frequencies_mhz(root, cpu)?;
        sysfs.insert(
            cpu,
            SysfsCpu {
                package_id: cpus::cpu_number(root, cpu, "topology/physical_package_id")?,
                core_id: cpus::cpu_number(root, cpu, "topology/core_id")?,
                current_mhz,
                max_mhz,
            },
        );
    }
    let machine = host::machine(root)?;
    Ok(from_cpuinfo(entries, &sysfs, machine.as_deref()))
}

/// The Processor Information structures of an SMBIOS table, with osquery's `device_id` numbering.
pub fn from_smbios(table: &[u8]) -> Vec<Processor> {
    let mut next_id = 0;
    smbios::structures(table)
        .iter()
        .filter(|s| s.kind == smbios::PROCESSOR)
        .map(|s| {
            let processor_type = s.byte(0x05);
            let device_id = match processor_type {
                Some(3) => Some("CPU"),
                Some(4) => Some("MATH"),
                Some(5) => Some("DSP"),
                Some(6) => Some("GPU"),
                _ => None,
            }
            .map(|kind| {
                next_id += 1;
                format!("{kind}{}", next_id - 1)
            });
            Processor {
                device_id,
                model: s.string(0x10),
                manufacturer: s.string(0x07),
                processor_type,
                cpu_status: s.byte(0x18),
                number_of_cores: s.byte(0x23).map(u64::from),
                logical_processors: s.byte(0x25).map(u64::from),
                address_width: s
                    .word(0x26)
                    .map(|c| if c & (1 << 2) != 0 { "64" } else { "32" }),
                current_clock_speed: s.word(0x16).map(u64::from),
                max_clock_speed: s.word(0x14).map(u64::from),
                socket_designation: s.string(0x04),
            }
        })
        .collect()
}

/// What sysfs says about one logical CPU.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SysfsCpu {
    pub package_id: Option<u64>,
    pub core_id: Option<u64>,
    pub current_mhz: Option<u64>,
    pub max_mhz: Option<u64>,
}

/// One row per physical package of the online CPUs in `/proc/cpuinfo`.
///
/// The package is `physical id` (or the topology's package id); the model and
/// vendor are those of its first CPU; the cores are `cpu cores` (or the count
/// of distinct core ids); the logical processors are its online CPUs; the
/// clock speeds come from cpufreq, else from `cpu MHz`; the address width is 64
/// when the CPU has long mode (`lm`) or the kernel's machine is a 64-bit one;
/// the socket is named `CPU <package>` as QEMU's firmware names it.
pub fn from_cpuinfo(
    entries: &[CpuEntry],
    sysfs: &HashMap<u64, SysfsCpu>,
    machine: Option<&str>,
) -> Vec<Processor> {
    let mut packages: BTreeMap<u64, Vec<(&CpuEntry, SysfsCpu)>> = BTreeMap::new();
    for entry in cpuinfo::processors(entries) {
        let s = entry
            .processor()
            .and_then(|cpu| sysfs.get(&cpu).copied())
            .unwrap_or_default();
        let package = entry.number("physical id").or(s.package_id).unwrap_or(0);
        packages.entry(package).or_default().push((entry, s));
    }
    packages
        .into_iter()
        .enumerate()
        .map(|(index, (package, cpus))| {
            let (first, first_sysfs) = cpus[0];
            let mut core_ids: Vec<u64> = cpus
                .iter()
                .filter_map(|(e, s)| e.number("core id").or(s.core_id))
                .collect();
            core_ids.sort_unstable();
            core_ids.dedup();
            let cores = first
                .number("cpu cores")
                .or((!core_ids.is_empty()).then_some(core_ids.len() as u64))
                .unwrap_or(cpus.len() as u64);
            let cpuinfo_mhz = first
                .get("cpu MHz")
                .and_then(|m| m.parse::<f64>().ok())
                .filter(|m| m.is_finite() && *m >= 0.0)
                .map(|m| m.round() as u64);
            let address_width = if first.get("flags").is_some() {
                if first.has_flag("lm") { "64" } else { "32" }
            } else if machine.is_some_and(is_64_bit_machine) {
                "64"
            } else {
                "32"
            };
            Processor {
                device_id: Some(format!("CPU{index}")),
                model: first.get("model name").map(str::to_owned),
                manufacturer: first.get("vendor_id").map(str::to_owned),
                processor_type: Some(CENTRAL_PROCESSOR),
                cpu_status: Some(POPULATED_AND_ENABLED),
                number_of_cores: Some(cores),
                logical_processors: Some(cpus.len() as u64),
                address_width: Some(address_width),
                current_clock_speed: first_sysfs.current_mhz.or(cpuinfo_mhz),
                max_clock_speed: first_sysfs.max_mhz.or(cpuinfo_mhz),
                socket_designation: Some(format!("CPU {package}")),
            }
        })
        .collect()
}

fn is_64_bit_machine(machine: &str) -> bool {
    machine.contains("64") || machine == "s390x"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::system::smbios::tests::processor;

    #[test]
    fn smbios_processors_as_osquery_reports_them() {
        let mut table = processor(
            "CPU 0",
            "Intel(R) Corporation",
            "Intel(R) Xeon(R) Gold 6130",
        );
        table.extend(processor(
            "CPU 1",
            "Intel(R) Corporation",
            "Intel(R) Xeon(R) Gold 6130",
        ));
        table.extend_from_slice(&[127, 4, 0, 0, 0, 0]);
        let p = from_smbios(&table);
        assert_eq!(p.len(), 2);
        assert_eq!(p[1].device_id.as_deref(), Some("CPU1"));
        assert_eq!(p[0].model.as_deref(), Some("Intel(R) Xeon(R) Gold 6130"));
        assert_eq!(p[0].manufacturer.as_deref(), Some("Intel(R) Corporation"));
        assert_eq!((p[0].processor_type, p[0].cpu_status), (Some(3), Some(65)));
        assert_eq!(
            (p[0].number_of_cores, p[0].logical_processors),
            (Some(4), Some(8))
        );
        assert_eq!(p[0].address_width, Some("64"));
        assert_eq!(
            (p[0].current_clock_speed, p[0].max_clock_speed),
            (Some(2600), Some(3700))
        );
        assert_eq!(p[1].socket_designation.as_deref(), Some("CPU 1"));
    }

    fn entry(text: &str) -> Vec<CpuEntry> {
        cpuinfo::parse(text)
    }

    #[test]
    fn packages_from_cpuinfo() {
        let e = entry(
            "processor: 0\nvendor_id: AuthenticAMD\nmodel name: AMD EPYC\ncpu MHz: 2994.374\n\
             physical id: 0\ncore id: 0\ncpu cores: 2\nflags: fpu lm\n\n\
             processor: 1\nphysical id: 0\ncore id: 1\n\n\
             processor: 2\nvendor_id: AuthenticAMD\nmodel name: AMD EPYC\ncpu MHz: 1500.0\n\
             physical id: 1\ncore id: 0\nflags: fpu\n\n",
        );
        let mut sysfs = HashMap::new();
        sysfs.insert(
            0,
            SysfsCpu {
                max_mhz: Some(3500),
                ..SysfsCpu::default()
            },
        );
        let p = from_cpuinfo(&e, &sysfs, Some("x86_64"));
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].device_id.as_deref(), Some("CPU0"));
        assert_eq!(p[0].model.as_deref(), Some("AMD EPYC"));
        assert_eq!(p[0].manufacturer.as_deref(), Some("AuthenticAMD"));
        assert_eq!(
            (p[0].number_of_cores, p[0].logical_processors),
            (Some(2), Some(2))
        );
        assert_eq!(
            (p[0].current_clock_speed, p[0].max_clock_speed),
            (Some(2994), Some(3500))
        );
        assert_eq!(p[0].address_width, Some("64"));
        assert_eq!(p[0].socket_designation.as_deref(), Some("CPU 0"));
        // The second package has one core id and no `cpu cores` line; no `lm`.
        assert_eq!(
            (p[1].number_of_cores, p[1].logical_processors),
            (Some(1), Some(1))
        );
        assert_eq!(p[1].address_width, Some("32"));
        assert_eq!(p[1].max_clock_speed, Some(1500));
        assert_eq!(p[1].socket_designation.as_deref(), Some("CPU 1"));
    }

    #[test]
    fn arm_packages_come_from_the_topology() {
        let e = entry("processor: 0\nBogoMIPS: 50.00\n\nprocessor: 1\nBogoMIPS: 50.00\n\n");
        let sysfs = HashMap::from([
            (
                0,
                SysfsCpu {
                    package_id: Some(0),
                    core_id: Some(0),
                    current_mhz: Some(1800),
                    max_mhz: Some(2000),
                },
            ),
            (
                1,
                SysfsCpu {
                    package_id: Some(0),
                    core_id: Some(1),
                    current_mhz: Some(600),
                    max_mhz: Some(2000),
                },
            ),
        ]);
        let p = from_cpuinfo(&e, &sysfs, Some("aarch64"));
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].model, None);
        assert_eq!(
            (p[0].number_of_cores, p[0].logical_processors),
            (Some(2), Some(2))
        );
        assert_eq!(p[0].address_width, Some("64"));
        assert_eq!(
            (p[0].current_clock_speed, p[0].max_clock_speed),
            (Some(1800), Some(2000))
        );
        assert!(from_cpuinfo(&[], &HashMap::new(), None).is_empty());
    }
}
