//! System-wide state: memory, load, uptime, CPUs, kernel, modules, mounts, OS release, hardware.

pub mod loadavg;
