//! Readers of the operating system's state, one module per source.
//!
//! Collectors are synchronous and know nothing of SQL: they read the host
//! through a [`HostRoot`] and return typed structs. Parsers take readers or
//! strings and do no I/O, so they are tested on inline text and fixture trees.
//!
//! Layout:
//! - `root`: [`HostRoot`], the injectable root every path goes through.
//! - `error`: [`CollectError`], which tells "vanished" from "denied".
//! - `process`: processes, their open files and sockets.
//! - `etc`: accounts, hosts, resolvers, cron, logins and packages.
//! - `system`: memory, load, uptime, CPUs, kernel, mounts, OS release, hardware.
//! - `network`: interfaces, addresses, routes and the ARP cache.
//! - `fs`: file metadata and hashes.

mod error;
pub mod etc;
pub mod fs;
pub mod network;
pub mod process;
mod root;
pub mod system;

pub use error::{CollectError, CollectErrorKind, OptionalExt};
pub use root::{HostRoot, lossy, lossy_os};
