//! System-wide state: memory, load, uptime, CPUs, kernel, modules, mounts, OS release, hardware.
//!
//! Layout:
//! - `loadavg`, `meminfo`, `uptime`: one `/proc` file each.
//! - `kernel`, `modules`: the running kernel and its loaded modules.
//! - `mounts`: mounted filesystems and their sizes.
//! - `os_release`: the distribution's name and version.
//! - `cpuinfo`, `cpus`: `/proc/cpuinfo` and `/sys/devices/system/cpu`.
//! - `smbios`, `dmi`: the firmware's tables and identification strings.
//! - `processors`: processor sockets, from SMBIOS or from the kernel.
//! - `host`: host names, machine type and host UUID.
//! - `system_info`: the host identity summary built from the above.
//! - `calendar`, `timezone`, `clock`: the system clock in UTC and the local zone.

pub mod calendar;
pub mod clock;
pub mod cpuinfo;
pub mod cpus;
pub mod dmi;
pub mod host;
pub mod kernel;
pub mod loadavg;
pub mod meminfo;
pub mod modules;
pub mod mounts;
pub mod os_release;
pub mod processors;
pub mod smbios;
pub mod system_info;
pub mod timezone;
pub mod uptime;
