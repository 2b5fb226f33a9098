//! `/proc/<pid>/io`: the bytes a process caused to be read from and written to storage.

use crate::process::stat::parse_int;

/// The storage counters of `/proc/<pid>/io`; a missing line is `None`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Io {
    pub read_bytes: Option<i64>,
    pub write_bytes: Option<i64>,
    /// Bytes written to the page cache then truncated before reaching storage.
    pub cancelled_write_bytes: Option<i64>,
}

impl Io {
    /// Bytes actually written to storage, as osquery counts them: written
    /// minus cancelled, a missing counter counting as zero.
    pub fn disk_bytes_written(&self) -> i64 {
        self.write_bytes
            .unwrap_or(0)
            .saturating_sub(self.cancelled_write_bytes.unwrap_or(0))
    }
}

/// Parses `read_bytes: 3624960` lines.
pub fn parse(bytes: &[u8]) -> Io {
    let mut io = Io::default();
    for line in bytes.split(|&b| b == b'\n') {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let value = parse_int(line[colon + 1..].trim_ascii());
        match &line[..colon] {
            b"read_bytes" => io.read_bytes = value,
            b"write_bytes" => io.write_bytes = value,
            b"cancelled_write_bytes" => io.cancelled_write_bytes = value,
            _ => {}
        }
    }
    io
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_storage_counters() {
        let io = parse(b"rchar: 7016224\nwchar: 319845\nsyscr: 26821\nsyscw: 1828\nread_bytes: 3624960\nwrite_bytes: 860160\ncancelled_write_bytes: 417792\n");
        assert_eq!(io.read_bytes, Some(3624960));
        assert_eq!(io.disk_bytes_written(), 860160 - 417792);
    }

    #[test]
    fn missing_and_garbled_counters() {
        let io = parse(b"read_bytes: x\nwrite_bytes: 10\n");
        assert_eq!(io.read_bytes, None);
        assert_eq!(io.disk_bytes_written(), 10);
        assert_eq!(parse(b""), Io::default());
        assert_eq!(parse(b"").disk_bytes_written(), 0);
    }
}
