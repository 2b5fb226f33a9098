//! `/proc/meminfo`: system memory counters, converted from kB to bytes.

use crate::{CollectError, HostRoot};

/// The counters osquery's `memory_info` reports, in bytes; a counter this kernel does not print is `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemInfo {
    pub memory_total: Option<u64>,
    pub memory_free: Option<u64>,
    pub memory_available: Option<u64>,
    pub buffers: Option<u64>,
    pub cached: Option<u64>,
    pub swap_cached: Option<u64>,
    pub active: Option<u64>,
    pub inactive: Option<u64>,
    pub swap_total: Option<u64>,
    pub swap_free: Option<u64>,
}

pub fn read(root: &HostRoot) -> Result<MemInfo, CollectError> {
    Ok(parse(&root.read_string("proc/meminfo")?))
}

/// Parses lines such as `MemTotal:       24683652 kB`; unknown keys and
/// unparsable values are ignored, so a truncated file yields what it has.
pub fn parse(text: &str) -> MemInfo {
    let mut m = MemInfo::default();
    for line in text.lines() {
        let Some((key, rest)) = line.split_once(':') else {
            continue;
        };
        let Some(kib) = rest
            .split_ascii_whitespace()
            .next()
            .and_then(|v| v.parse::<u64>().ok())
        else {
            continue;
        };
        let slot = match key.trim() {
            "MemTotal" => &mut m.memory_total,
            "MemFree" => &mut m.memory_free,
            "MemAvailable" => &mut m.memory_available,
            "Buffers" => &mut m.buffers,
            "Cached" => &mut m.cached,
            "SwapCached" => &mut m.swap_cached,
            "Active" => &mut m.active,
            "Inactive" => &mut m.inactive,
            "SwapTotal" => &mut m.swap_total,
            "SwapFree" => &mut m.swap_free,
            _ => continue,
        };
        *slot = Some(kib.saturating_mul(1024));
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_kilobytes_to_bytes() {
        let m = parse(
            "MemTotal:       24683652 kB\nMemFree:        23432856 kB\n\
             Active(anon):       4440 kB\nActive:           475836 kB\nSwapFree:              0 kB\n",
        );
        assert_eq!(m.memory_total, Some(24_683_652 * 1024));
        assert_eq!(m.memory_free, Some(23_432_856 * 1024));
        // `Active(anon)` must not be taken for `Active`.
        assert_eq!(m.active, Some(475_836 * 1024));
        assert_eq!(m.swap_free, Some(0));
        assert_eq!(m.memory_available, None);
    }

    #[test]
    fn garbage_and_truncation_are_ignored() {
        let m = parse("MemTotal: lots\nMemFree\nCached:  12");
        assert_eq!(m.memory_total, None);
        assert_eq!(m.memory_free, None);
        assert_eq!(m.cached, Some(12 * 1024));
    }
}
