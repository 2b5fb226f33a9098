//! Processes and their open files and sockets: `/proc/<pid>/*` and the socket
//! tables of each network namespace under `/proc/<pid>/net/`.
//!
//! The parsers are hand-written rather than the `procfs` crate's. Its status
//! parser builds a `HashMap` of owned strings for every process, its stat
//! parser allocates the command name and decodes fifty fields we do not use,
//! and its socket tables cover neither `raw`, `icmp` nor `packet` sockets and
//! print addresses as Rust does, which differs from osquery's `inet_ntop`
//! (`::10.0.0.1`). The `processes` table reads about ten files per process,
//! so these parsers borrow from one reused buffer and stop at the last field
//! they need.
//!
//! Layout:
//! - `reader`: [`ProcessReader`], which reads the files of one process a
//!   query needs into reused buffers, and the unparsed read used as the
//!   benchmark floor.
//! - `stat`, `status`, `io`, `cmdline`, `cgroup`: parsers of those per-process files.
//! - `boot_time`: the boot time from `/proc/stat`, for process start times.
//! - `on_disk`: whether a process's executable still exists, as osquery decides it.
//! - `fd`: a process's descriptors and their link targets.
//! - `namespace`: namespace inodes from `/proc/<pid>/ns/<name>` links.
//! - `inet`: the hex addresses of the socket tables, printed as `inet_ntop` prints them.
//! - `net`: the socket tables of one network namespace (`tcp`, `udp6`, `unix`, ...).
//! - `sockets`: the sockets of every namespace joined to the processes holding them.

use crate::{CollectError, HostRoot};

pub mod boot_time;
pub mod cgroup;
pub mod cmdline;
pub mod fd;
pub mod inet;
pub mod io;
pub mod namespace;
pub mod net;
pub mod on_disk;
pub mod reader;
pub mod sockets;
pub mod stat;
pub mod status;

pub use reader::{Fields, Process, ProcessReader};

/// The processes a scan reads: the `wanted` pids (positive, sorted, without
/// duplicates) when the query names some, else every process of the host.
pub fn pids(root: &HostRoot, wanted: Option<Vec<i64>>) -> Result<Vec<i64>, CollectError> {
    match wanted {
        Some(mut pids) => {
            pids.retain(|&pid| pid > 0);
            pids.sort_unstable();
            pids.dedup();
            Ok(pids)
        }
        None => root.pids(),
    }
}
