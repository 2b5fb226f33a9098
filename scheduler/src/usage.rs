//! CPU time and memory of the daemon and of one thread, read from
//! `/proc/self` (the daemon's own process, never the host root).

use std::path::Path;

/// Clock ticks per second of `/proc/*/stat` times (USER_HZ, 100 on Linux).
const TICKS_PER_SECOND: u64 = 100;

/// User and system CPU time, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CpuTime {
    pub user_ms: u64,
    pub system_ms: u64,
}

impl CpuTime {
    pub fn total_ms(self) -> u64 {
        self.user_ms + self.system_ms
    }

    pub fn since(self, earlier: CpuTime) -> CpuTime {
        CpuTime {
            user_ms: self.user_ms.saturating_sub(earlier.user_ms),
            system_ms: self.system_ms.saturating_sub(earlier.system_ms),
        }
    }
}

/// Parses utime and stime from a `stat` line (fields 14 and 15, after the
/// parenthesised command name, which may itself hold spaces and parentheses).
pub fn parse_stat(text: &str) -> Option<CpuTime> {
    let after = &text[text.rfind(')')? + 1..];
    let mut fields = after.split_whitespace();
    // Field 3 (state) is the first after the name; utime is field 14.
    let utime: u64 = fields.nth(11)?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    let ms = |t: u64| t * 1000 / TICKS_PER_SECOND;
    Some(CpuTime {
        user_ms: ms(utime),
        system_ms: ms(stime),
    })
}

fn read_stat(path: &Path) -> Option<CpuTime> {
    parse_stat(&std::fs::read_to_string(path).ok()?)
}

/// The calling thread's CPU time.
pub fn this_thread() -> CpuTime {
    read_stat(Path::new("/proc/thread-self/stat")).unwrap_or_default()
}

/// The calling thread's id, to read its CPU time from another thread.
pub fn this_thread_id() -> Option<u64> {
    let link = std::fs::read_link("/proc/thread-self").ok()?;
    link.file_name()?.to_str()?.parse().ok()
}

/// A thread of this process's CPU time.
pub fn thread(tid: u64) -> Option<CpuTime> {
    read_stat(
        &Path::new("/proc/self/task")
            .join(tid.to_string())
            .join("stat"),
    )
}

/// This process's CPU time.
pub fn process() -> CpuTime {
    read_stat(Path::new("/proc/self/stat")).unwrap_or_default()
}

/// This process's resident and peak resident memory, in bytes.
pub fn memory() -> (u64, u64) {
    let text = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| -> u64 {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
            .map_or(0, |kb| kb * 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_lines_parse_past_odd_names() {
        let line = "42 (a (b) c) S 1 42 42 0 -1 4194560 100 0 0 0 250 37 0 0 20 0 1 0 100 0 0";
        assert_eq!(
            parse_stat(line),
            Some(CpuTime {
                user_ms: 2500,
                system_ms: 370
            })
        );
        assert_eq!(parse_stat("garbage"), None);
    }

    #[test]
    fn the_live_process_reads() {
        assert!(this_thread_id().is_some());
        assert!(memory().0 > 0);
    }
}
