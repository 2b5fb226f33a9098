//! A process's open descriptors: the links under `/proc/<pid>/fd`.

use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use crate::process::stat::parse_int;
use crate::{CollectError, HostRoot};

/// Calls `visit(fd, target)` for every descriptor of `pid` whose link can be
/// read, in directory order. A descriptor closed while it is read is skipped.
///
/// One path buffer is reused for every link, since a busy host has tens of
/// thousands of descriptors.
pub fn for_each(
    root: &HostRoot,
    pid: i64,
    mut visit: impl FnMut(i64, &Path),
) -> Result<(), CollectError> {
    let mut path = root.path(format!("proc/{pid}/fd"));
    let entries = fs::read_dir(&path).map_err(|e| CollectError::io(&path, e))?;
    for entry in entries {
        // An error while listing means the process is exiting: keep what was read.
        let Ok(entry) = entry else { break };
        let name = entry.file_name();
        let Some(fd) = parse_int::<i64>(name.as_bytes()) else {
            continue;
        };
        path.push(&name);
        if let Ok(target) = fs::read_link(&path) {
            visit(fd, &target);
        }
        path.pop();
    }
    Ok(())
}

/// The inode of a socket descriptor's target, `socket:[21001]`.
pub fn socket_inode(target: &Path) -> Option<u64> {
    let inner = target
        .as_os_str()
        .as_bytes()
        .strip_prefix(b"socket:[")?
        .strip_suffix(b"]")?;
    parse_int(inner)
}

/// True for the descriptors osquery's `process_open_files` leaves out
/// because they are not files: sockets, pipes and anonymous inodes
/// (`eventfd`, `eventpoll`, `timerfd`, ...).
pub fn is_file(target: &str) -> bool {
    !["socket:", "anon_inode:", "pipe:"]
        .iter()
        .any(|kind| target.contains(kind))
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::symlink;

    use super::*;

    #[test]
    fn lists_descriptors_and_their_targets() {
        let dir = tempfile::tempdir().expect("tempdir");
        let fd_dir = dir.path().join("proc/7/fd");
        fs::create_dir_all(&fd_dir).expect("mkdir");
        symlink("/dev/null", fd_dir.join("0")).expect("link");
        symlink("socket:[21001]", fd_dir.join("3")).expect("link");
        fs::write(fd_dir.join("not-a-fd"), b"").expect("write");
        let root = HostRoot::new(dir.path());
        let mut seen = Vec::new();
        for_each(&root, 7, |fd, target| seen.push((fd, target.to_path_buf()))).expect("list");
        seen.sort();
        assert_eq!(
            seen,
            vec![(0, "/dev/null".into()), (3, "socket:[21001]".into())]
        );
        assert!(
            for_each(&root, 8, |_, _| {})
                .expect_err("gone")
                .is_skippable()
        );
    }

    #[test]
    fn socket_inodes_and_file_kinds() {
        assert_eq!(socket_inode(Path::new("socket:[21001]")), Some(21001));
        assert_eq!(socket_inode(Path::new("socket:[]")), None);
        assert_eq!(socket_inode(Path::new("pipe:[21001]")), None);
        assert!(is_file("/var/log/redis/redis-server.log"));
        assert!(is_file("/dev/null"));
        assert!(is_file("/tmp/x (deleted)"));
        assert!(!is_file("socket:[21001]"));
        assert!(!is_file("pipe:[4242]"));
        assert!(!is_file("anon_inode:[eventpoll]"));
    }
}
