//! `/proc/<pid>/cmdline`: a process's arguments, joined as osquery joins them.

/// Joins NUL-separated arguments with spaces and trims the ends, as osquery
/// does: `/usr/bin/redis-server\00.0.0.0:6379\0` becomes
/// `/usr/bin/redis-server 0.0.0.0:6379`. Kernel threads have an empty
/// command line. Invalid UTF-8 is replaced.
pub fn parse(bytes: &[u8]) -> String {
    let start = bytes
        .iter()
        .position(|&b| !is_blank(b))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| !is_blank(b))
        .map_or(start, |i| i + 1);
    let mut joined = bytes[start..end].to_vec();
    for b in &mut joined {
        if *b == 0 {
            *b = b' ';
        }
    }
    match String::from_utf8(joined) {
        Ok(s) => s,
        Err(e) => crate::lossy(e.as_bytes()),
    }
}

/// A NUL separator or what C's `isspace` calls whitespace, which osquery trims.
fn is_blank(b: u8) -> bool {
    b == 0 || b == b' ' || (b'\t'..=b'\r').contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_arguments_with_spaces() {
        assert_eq!(
            parse(b"/usr/bin/redis-server\x000.0.0.0:6379\x00"),
            "/usr/bin/redis-server 0.0.0.0:6379"
        );
        assert_eq!(parse(b"/sbin/init\x00"), "/sbin/init");
    }

    #[test]
    fn kernel_threads_and_blank_command_lines_are_empty() {
        assert_eq!(parse(b""), "");
        assert_eq!(parse(b"\x00\x00 \n"), "");
    }

    #[test]
    fn keeps_inner_blanks_and_replaces_invalid_utf8() {
        // A process that rewrote its argv keeps its inner spaces; empty arguments stay.
        assert_eq!(
            parse(b"sshd: alice [priv]\x00\x00x\x00"),
            "sshd: alice [priv]  x"
        );
        assert_eq!(parse(b"\x00ab\xffc\x00"), "ab\u{fffd}c");
    }
}
