//! Processes and their open files and sockets: `/proc/<pid>/*` and `/proc/net/*`.
