//! Configuration and state files under `/etc`, `/var`: accounts, hosts, resolvers, cron, logins, packages.
//!
//! Each reader parses a file the way the C library or tool that osquery
//! relies on parses it (glibc's NSS `files` backend, `res_init`,
//! `getutxent`, libdpkg), so a fixture tree gives the rows osquery would
//! give on that host.
//!
//! Layout:
//! - `fields`: line and field splitting shared by the readers.
//! - `passwd`, `group`: accounts and group membership.
//! - `utmp`: login records.
//! - `hosts`, `resolv_conf`: name resolution files.
//! - `crontab`: scheduled jobs.
//! - `dpkg`: the Debian package database.

pub mod crontab;
pub mod dpkg;
mod fields;
pub mod group;
pub mod hosts;
pub mod passwd;
pub mod resolv_conf;
pub mod utmp;
