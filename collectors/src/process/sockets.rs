//! The sockets of each network namespace joined to the processes holding
//! them, as osquery's `process_open_sockets` joins them.
//!
//! Three sources are correlated: the `socket:[inode]` links under each
//! process's `fd` directory, the network namespace of each process
//! (`ns/net`), and the socket tables of each namespace, read once through
//! the first process found in it.

use crate::process::net::{self, Socket};
use crate::process::{fd, namespace};
use crate::{CollectError, HostRoot};

/// A socket and the process descriptor holding it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenSocket {
    /// The holding process, or -1 for a socket that no readable process
    /// holds (a connection not yet accepted, a kernel socket).
    pub pid: i64,
    /// The descriptor number in that process, or -1.
    pub fd: i64,
    /// The inode of the network namespace, 0 when it could not be read.
    pub net_namespace: u64,
    pub socket: Socket,
}

/// Reads the sockets of the namespaces of `pids` (every process when `None`
/// or when the list holds -1, as in osquery).
///
/// Without a filter, sockets no process holds are reported with pid -1;
/// with one, only the sockets those processes hold. A socket held by several
/// processes (a forked server's listening socket) or descriptors is reported
/// once per holder, where osquery keeps one arbitrary holder. `interrupt` is
/// called between processes so a cancelled query stops promptly.
pub fn read(
    root: &HostRoot,
    pids: Option<&[i64]>,
    interrupt: &dyn Fn() -> Result<(), CollectError>,
) -> Result<Vec<OpenSocket>, CollectError> {
    let filtered = pids.is_some_and(|p| !p.contains(&-1));
    let pids = crate::process::pids(root, pids.filter(|_| filtered).map(<[i64]>::to_vec))?;

    // (socket inode, pid, fd) for every socket descriptor.
    let mut holders: Vec<(u64, i64, i64)> = Vec::new();
    let mut namespaces: Vec<u64> = Vec::new();
    let mut sockets: Vec<(u64, Socket)> = Vec::new();
    for pid in pids {
        interrupt()?;
        // A process that exited or whose descriptors may not be read holds nothing we can see.
        let _ = fd::for_each(root, pid, |fd, target| {
            if let Some(inode) = fd::socket_inode(target) {
                holders.push((inode, pid, fd));
            }
        });
        let ns = namespace::read_inode(root, pid, "net").unwrap_or(0);
        if !namespaces.contains(&ns) {
            // If the tables cannot be read through this process, the next
            // process of the namespace is tried.
            if let Some(tables) = net::read(root, pid) {
                namespaces.push(ns);
                sockets.extend(tables.into_iter().map(|s| (ns, s)));
            }
        }
    }
    holders.sort_unstable();

    let mut out = Vec::with_capacity(sockets.len());
    for (net_namespace, socket) in sockets {
        let start = holders.partition_point(|h| h.0 < socket.inode);
        let held: Vec<(i64, i64)> = holders[start..]
            .iter()
            .take_while(|h| h.0 == socket.inode)
            .map(|&(_, pid, fd)| (pid, fd))
            .collect();
        if held.is_empty() {
            if !filtered {
                out.push(OpenSocket {
                    pid: -1,
                    fd: -1,
                    net_namespace,
                    socket,
                });
            }
            continue;
        }
        for (pid, fd) in held {
            out.push(OpenSocket {
                pid,
                fd,
                net_namespace,
                socket: socket.clone(),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn fixture() -> HostRoot {
        HostRoot::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/hosts/basic"))
    }

    fn never() -> Result<(), CollectError> {
        Ok(())
    }

    #[test]
    fn every_socket_of_every_namespace() {
        let all = read(&fixture(), None, &never).expect("read");
        assert_eq!(all.len(), 20);
        let unheld = all.iter().filter(|s| s.pid == -1 && s.fd == -1).count();
        assert_eq!(unheld, 9);
        // The stdout/stderr socket of the worker is held by two descriptors.
        let shared: Vec<(i64, i64)> = all
            .iter()
            .filter(|s| s.socket.inode == 24010)
            .map(|s| (s.pid, s.fd))
            .collect();
        assert_eq!(shared, vec![(1207, 1), (1207, 2)]);
        let container: Vec<u64> = all
            .iter()
            .filter(|s| s.net_namespace == 4026532301)
            .map(|s| s.socket.inode)
            .collect();
        assert_eq!(container, vec![30001, 30002]);
    }

    #[test]
    fn a_pid_filter_keeps_only_held_sockets() {
        let mine = read(&fixture(), Some(&[733, 733, 0]), &never).expect("read");
        let inodes: Vec<u64> = mine.iter().map(|s| s.socket.inode).collect();
        assert_eq!(inodes, vec![21001, 21005, 21002, 21003]);
        assert!(mine.iter().all(|s| s.pid == 733));
        // -1 lifts the filter, as in osquery.
        assert_eq!(
            read(&fixture(), Some(&[-1]), &never).expect("read").len(),
            20
        );
        assert!(
            read(&fixture(), Some(&[424242]), &never)
                .expect("read")
                .is_empty()
        );
    }

    #[test]
    fn interruption_stops_the_scan() {
        let err = read(&fixture(), None, &|| Err(CollectError::Interrupted)).expect_err("stop");
        assert!(matches!(err, CollectError::Interrupted));
    }
}
