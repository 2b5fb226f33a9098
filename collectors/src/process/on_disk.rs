//! Whether a process's executable is still on disk, decided as osquery decides it.

use std::os::unix::fs::MetadataExt;

use crate::HostRoot;
use crate::process::stat::parse_int;

/// What the kernel appends to `/proc/<pid>/exe` when the executable was deleted.
const DELETED: &str = " (deleted)";

/// Returns 1 when the executable `path` exists, 0 when it was deleted and -1
/// when it is unknown (no path, or the special case below cannot be settled).
///
/// A deleted executable's link reads `/usr/bin/python3.11 (deleted)`; the
/// suffix is removed from `path`. If a file named with the suffix does exist,
/// it is the executable only if its inode is the one mapped in
/// `/proc/<pid>/maps` (osquery issue #1607). Paths are checked in the host's
/// mount namespace, as osquery checks them.
pub fn check(root: &HostRoot, pid: i64, path: &mut String) -> i32 {
    if path.is_empty() {
        return -1;
    }
    if !path.ends_with(DELETED) {
        return i32::from(root.metadata(path.as_str()).is_ok());
    }
    let strip = |path: &mut String| path.truncate(path.len() - DELETED.len());
    let Ok(meta) = root.metadata(path.as_str()) else {
        strip(path);
        return 0;
    };
    let Ok(maps) = root.read(format!("proc/{pid}/maps")) else {
        return -1;
    };
    match mapped_inode(&maps, path) {
        None => -1,
        Some(inode) if inode == meta.ino() => 1,
        Some(_) => {
            strip(path);
            0
        }
    }
}

/// The inode of the first mapping of `/proc/<pid>/maps` whose path starts with `path`.
///
/// A line is `address perms offset dev inode   pathname`; the pathname may contain spaces.
pub fn mapped_inode(maps: &[u8], path: &str) -> Option<u64> {
    maps.split(|&b| b == b'\n').find_map(|line| {
        let mut rest = line;
        let mut inode: &[u8] = &[];
        for _ in 0..5 {
            rest = rest.trim_ascii_start();
            let end = rest
                .iter()
                .position(u8::is_ascii_whitespace)
                .unwrap_or(rest.len());
            inode = &rest[..end];
            rest = &rest[end..];
        }
        let pathname = rest.trim_ascii_start();
        if pathname.starts_with(path.as_bytes()) {
            parse_int(inode)
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    #[test]
    fn existing_missing_and_unknown_paths() {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::create_dir_all(dir.path().join("usr/bin")).expect("mkdir");
        fs::write(dir.path().join("usr/bin/redis-server"), b"").expect("write");
        let root = HostRoot::new(dir.path());

        let mut path = "/usr/bin/redis-server".to_owned();
        assert_eq!(check(&root, 1, &mut path), 1);
        let mut path = "/usr/bin/gone".to_owned();
        assert_eq!(check(&root, 1, &mut path), 0);
        assert_eq!(path, "/usr/bin/gone");
        let mut path = String::new();
        assert_eq!(check(&root, 1, &mut path), -1);
    }

    #[test]
    fn deleted_suffix_is_stripped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = HostRoot::new(dir.path());
        let mut path = "/usr/bin/python3.11 (deleted)".to_owned();
        assert_eq!(check(&root, 1207, &mut path), 0);
        assert_eq!(path, "/usr/bin/python3.11");
    }

    #[test]
    fn a_file_really_named_deleted_is_compared_by_inode() {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::create_dir_all(dir.path().join("opt")).expect("mkdir");
        fs::create_dir_all(dir.path().join("proc/9")).expect("mkdir");
        fs::write(dir.path().join("opt/tool (deleted)"), b"").expect("write");
        let inode = fs::metadata(dir.path().join("opt/tool (deleted)"))
            .expect("stat")
            .ino();
        let root = HostRoot::new(dir.path());
        let maps = |ino: u64| {
            format!(
                "55d0c2a00000-55d0c2a02000 r--p 00000000 fe:01 {ino}                    /opt/tool (deleted)\n"
            )
        };

        fs::write(dir.path().join("proc/9/maps"), maps(inode)).expect("write");
        let mut path = "/opt/tool (deleted)".to_owned();
        assert_eq!(check(&root, 9, &mut path), 1);
        assert_eq!(path, "/opt/tool (deleted)");

        fs::write(dir.path().join("proc/9/maps"), maps(inode + 1)).expect("write");
        assert_eq!(check(&root, 9, &mut path), 0);
        assert_eq!(path, "/opt/tool");

        let mut path = "/opt/tool (deleted)".to_owned();
        assert_eq!(check(&root, 10, &mut path), -1, "maps unreadable");
    }

    #[test]
    fn mapped_inode_reads_the_fifth_field() {
        let maps = b"7f1c-7f2c r-xp 00001000 08:01 393224   /usr/lib/x86_64-linux-gnu/libc.so.6\n7ffd-7ffe rw-p 00000000 00:00 0                          [stack]\n";
        assert_eq!(
            mapped_inode(maps, "/usr/lib/x86_64-linux-gnu/libc.so.6"),
            Some(393224)
        );
        assert_eq!(mapped_inode(maps, "/nope"), None);
        assert_eq!(mapped_inode(b"garbage", "/x"), None);
        assert_eq!(mapped_inode(b"", "/x"), None);
    }
}
