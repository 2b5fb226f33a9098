//! `/proc/<pid>/status`: a process's name, user and group ids and memory sizes.

use crate::lossy;
use crate::process::stat::parse_int;

/// The fields of `/proc/<pid>/status` that the `processes` table reports.
/// A line missing from the file (kernel threads have no `VmRSS`) is `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Status {
    /// The command name (`comm`), at most 15 bytes, as the kernel escapes it.
    pub name: Option<String>,
    /// Real, effective and saved user ids.
    pub uids: Option<[i64; 3]>,
    /// Real, effective and saved group ids.
    pub gids: Option<[i64; 3]>,
    /// Resident set size in KiB.
    pub vm_rss_kib: Option<u64>,
    /// Virtual memory size in KiB.
    pub vm_size_kib: Option<u64>,
}

/// Parses `Key:\tvalue` lines, stopping once every wanted key is seen.
///
/// This is the hot path of `SELECT * FROM processes`, so it scans bytes and
/// allocates only the name, instead of building a map of every key.
pub fn parse(bytes: &[u8]) -> Status {
    let mut s = Status::default();
    for line in bytes.split(|&b| b == b'\n') {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let (key, value) = (&line[..colon], line[colon + 1..].trim_ascii());
        match key {
            b"Name" => s.name = Some(lossy(value)),
            b"Uid" => s.uids = ids(value),
            b"Gid" => s.gids = ids(value),
            b"VmSize" => s.vm_size_kib = kib(value),
            b"VmRSS" => {
                s.vm_rss_kib = kib(value);
                // VmRSS follows Name, Uid, Gid and VmSize in every kernel's layout.
                if s.name.is_some() && s.uids.is_some() && s.gids.is_some() {
                    break;
                }
            }
            _ => {}
        }
    }
    s
}

/// `0\t0\t0\t0`: real, effective, saved and filesystem ids; osquery requires all four.
fn ids(value: &[u8]) -> Option<[i64; 3]> {
    let mut fields = value
        .split(|b| b.is_ascii_whitespace())
        .filter(|f| !f.is_empty());
    let ids = [
        parse_int(fields.next()?)?,
        parse_int(fields.next()?)?,
        parse_int(fields.next()?)?,
    ];
    fields.next()?;
    Some(ids)
}

/// `   11720 kB`.
fn kib(value: &[u8]) -> Option<u64> {
    parse_int(value.strip_suffix(b"kB")?.trim_ascii())
}

#[cfg(test)]
mod tests {
    use super::*;

    const REDIS: &str = "Name:\tredis-server\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t733\nNgid:\t0\nPid:\t733\nPPid:\t1\nTracerPid:\t0\nUid:\t104\t104\t104\t104\nGid:\t109\t109\t109\t109\nFDSize:\t64\nGroups:\t109 \nVmPeak:\t   73432 kB\nVmSize:\t   67868 kB\nVmLck:\t       0 kB\nVmHWM:\t   10872 kB\nVmRSS:\t   10412 kB\nRssAnon:\t    3980 kB\nThreads:\t5\n";

    #[test]
    fn parses_name_ids_and_sizes() {
        let s = parse(REDIS.as_bytes());
        assert_eq!(
            s,
            Status {
                name: Some("redis-server".into()),
                uids: Some([104, 104, 104]),
                gids: Some([109, 109, 109]),
                vm_rss_kib: Some(10412),
                vm_size_kib: Some(67868),
            }
        );
    }

    #[test]
    fn kernel_threads_have_no_memory_lines() {
        let s = parse(b"Name:\tkthreadd\nUmask:\t0022\nState:\tS (sleeping)\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nThreads:\t1\n");
        assert_eq!(s.name.as_deref(), Some("kthreadd"));
        assert_eq!(s.uids, Some([0, 0, 0]));
        assert_eq!((s.vm_rss_kib, s.vm_size_kib), (None, None));
    }

    #[test]
    fn hostile_names_and_truncated_files() {
        let s = parse(b"Name:\tevil) (x: y\xff\nUid:\t1000\t1001\n");
        assert_eq!(s.name.as_deref(), Some("evil) (x: y\u{fffd}"));
        // Fewer than four ids is not a valid Uid line.
        assert_eq!(s.uids, None);
        assert_eq!(parse(b""), Status::default());
        assert_eq!(parse(b"VmRSS:\tlots kB\nVmSize:\t12\n").vm_rss_kib, None);
        assert_eq!(parse(b"VmSize:\t12\n").vm_size_kib, None);
    }
}
