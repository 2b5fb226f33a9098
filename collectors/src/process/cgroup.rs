//! `/proc/<pid>/cgroup`: the control group path osquery reports for a process.

/// The path of the first line, after its second colon: `0::/system.slice/ssh.service`
/// (cgroup v2) gives `/system.slice/ssh.service`, and `9:name=systemd:/` (v1,
/// whose first line is the highest hierarchy) gives `/`. A path may contain
/// colons. A file without such a line gives an empty path, as in osquery.
pub fn parse(bytes: &[u8]) -> String {
    let first = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let mut parts = first.splitn(3, |&b| b == b':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(_), Some(_), Some(path)) => crate::lossy(path),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_the_path_of_the_first_line() {
        assert_eq!(
            parse(b"0::/system.slice/ssh.service\n"),
            "/system.slice/ssh.service"
        );
        assert_eq!(parse(b"9:name=systemd:/\n8:pids:/user.slice\n0::/\n"), "/");
        assert_eq!(parse(b"0::/a:b\n"), "/a:b");
    }

    #[test]
    fn malformed_files_give_an_empty_path() {
        assert_eq!(parse(b""), "");
        assert_eq!(parse(b"0:/\n1:x:/y\n"), "");
        assert_eq!(parse(b"garbage"), "");
    }
}
