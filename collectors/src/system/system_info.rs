//! The host's identity for osquery's `system_info`: names, UUID, CPU summary, memory and firmware IDs.

use crate::system::dmi::{self, DmiIds};
use crate::system::{cpuinfo, cpus, host, meminfo, processors};
use crate::{CollectError, HostRoot, OptionalExt};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemInfo {
    /// The fully qualified host name (see [`host::fqdn`]).
    pub hostname: Option<String>,
    /// The kernel's host name.
    pub computer_name: Option<String>,
    pub uuid: String,
    /// The machine hardware name, such as `x86_64`.
    pub cpu_type: Option<String>,
    /// The CPU model number (`model` of the first CPU), `0` when the CPU has none.
    pub cpu_subtype: String,
    pub cpu_brand: Option<String>,
    pub cpu_physical_cores: Option<u64>,
    pub cpu_logical_cores: Option<u64>,
    pub cpu_sockets: Option<u64>,
    pub cpu_microcode: Option<String>,
    /// Bytes.
    pub physical_memory: Option<u64>,
    pub dmi: DmiIds,
}

pub fn read(root: &HostRoot) -> Result<SystemInfo, CollectError> {
    let computer_name = host::hostname(root)?;
    let hostname = match &computer_name {
        Some(name) => Some(host::fqdn(root, name)?),
        None => None,
    };
    let uuid = host::read_uuid(root, computer_name.as_deref().unwrap_or(""))?;
    let entries = cpuinfo::read(root).optional()?.unwrap_or_default();
    let first = cpuinfo::processors(&entries).next();
    let online = cpus::online(root)?.map(|c| c.len() as u64);
    let logical = online.or_else(|| {
        let n = cpuinfo::processors(&entries).count() as u64;
        (n > 0).then_some(n)
    });
    let physical = cpuinfo::physical_cores(&entries)
        .map(|n| n as u64)
        .or(logical);
    let sockets = processors::read_packages(root, &entries)?.len() as u64;
    let memory = meminfo::read(root).optional()?.unwrap_or_default();
    Ok(SystemInfo {
        hostname,
        computer_name,
        uuid,
        cpu_type: host::machine(root)?,
        cpu_subtype: first.and_then(|e| e.get("model")).unwrap_or("0").to_owned(),
        cpu_brand: first.and_then(|e| e.get("model name")).map(str::to_owned),
        cpu_physical_cores: physical,
        cpu_logical_cores: logical,
        cpu_sockets: (sockets > 0).then_some(sockets),
        cpu_microcode: first.and_then(|e| e.get("microcode")).map(str::to_owned),
        physical_memory: memory.memory_total,
        dmi: dmi::read(root)?,
    })
}
