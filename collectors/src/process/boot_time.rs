//! The boot time from `/proc/stat`, from which process start times are computed.

use crate::process::stat::parse_int;
use crate::{CollectError, HostRoot};

/// The boot time in seconds since the epoch (`btime`), or `None` when the
/// file has no such line.
pub fn read(root: &HostRoot) -> Result<Option<i64>, CollectError> {
    Ok(parse(&root.read("proc/stat")?))
}

/// Finds the `btime 1795976188` line of `/proc/stat`.
pub fn parse(bytes: &[u8]) -> Option<i64> {
    bytes
        .split(|&b| b == b'\n')
        .find_map(|line| line.strip_prefix(b"btime "))
        .and_then(|value| parse_int(value.trim_ascii()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_btime() {
        let text = "cpu  72043 0 10400 185697 569 0 75 33 0 0\nintr 526849 0 0\nctxt 491011\nbtime 1795976188\nprocesses 20082\n";
        assert_eq!(parse(text.as_bytes()), Some(1795976188));
    }

    #[test]
    fn missing_or_garbled_btime_is_none() {
        assert_eq!(parse(b"cpu 1 2 3\n"), None);
        assert_eq!(parse(b"btime soon\n"), None);
        assert_eq!(parse(b""), None);
    }
}
