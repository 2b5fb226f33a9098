//! File metadata as osquery's `file` table reports it: `lstat`, then `stat` through a symbolic link.

use std::fs::Metadata;
use std::io;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::time::UNIX_EPOCH;

use crate::{CollectError, HostRoot, lossy_os};

/// The metadata of one path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileInfo {
    pub inode: u64,
    pub uid: u32,
    pub gid: u32,
    /// The permission bits as four octal digits (`0644`, `4755`).
    pub mode: String,
    /// The device a special file stands for (`st_rdev`), 0 for other files.
    pub device: u64,
    pub size: u64,
    pub block_size: u64,
    pub atime: i64,
    pub mtime: i64,
    pub ctime: i64,
    /// The birth time, 0 when the file system does not record it.
    pub btime: i64,
    pub hard_links: u64,
    /// True when the path itself is a symbolic link.
    pub symlink: bool,
    /// osquery's type name of what the path resolves to (see [`type_name`]).
    pub kind: &'static str,
    /// The target of the symbolic link, as stored in the link.
    pub symlink_target: Option<String>,
}

/// Describes `host_path`. A symbolic link is followed for every field but
/// `symlink` and `symlink_target`; a dangling one is described by the link itself.
/// Fails (vanished, denied) when the path itself cannot be examined.
pub fn stat(root: &HostRoot, host_path: &str) -> Result<FileInfo, CollectError> {
    let link = root.symlink_metadata(host_path)?;
    let is_link = link.file_type().is_symlink();
    let symlink_target = if is_link {
        root.read_link(host_path)
            .ok()
            .map(|t| lossy_os(t.as_os_str()))
    } else {
        None
    };
    let followed = if is_link {
        std::fs::metadata(root.path(host_path))
    } else {
        Ok(link.clone())
    };
    let kind = match &followed {
        Ok(m) => type_name(m),
        Err(e) => unresolved_type(e),
    };
    let m = followed.unwrap_or(link);
    Ok(FileInfo {
        inode: m.ino(),
        uid: m.uid(),
        gid: m.gid(),
        mode: mode_string(m.mode()),
        device: m.rdev(),
        size: m.size(),
        block_size: m.blksize(),
        atime: m.atime(),
        mtime: m.mtime(),
        ctime: m.ctime(),
        btime: birth_time(&m),
        hard_links: m.nlink(),
        symlink: is_link,
        kind,
        symlink_target,
    })
}

/// osquery's `lsperms`: the set-id, sticky and permission bits as four octal digits.
pub fn mode_string(mode: u32) -> String {
    format!(
        "{}{}{}{}",
        (mode >> 9) & 7,
        (mode >> 6) & 7,
        (mode >> 3) & 7,
        mode & 7
    )
}

/// osquery's names of file types.
pub fn type_name(m: &Metadata) -> &'static str {
    let t = m.file_type();
    if t.is_file() {
        "regular"
    } else if t.is_dir() {
        "directory"
    } else if t.is_symlink() {
        "symlink"
    } else if t.is_block_device() {
        "block"
    } else if t.is_char_device() {
        "character"
    } else if t.is_fifo() {
        "fifo"
    } else if t.is_socket() {
        "socket"
    } else {
        "unknown"
    }
}

/// The type osquery reports when a symbolic link cannot be followed: a missing
/// target is "unknown", any other failure (a loop, a denied directory) "error".
fn unresolved_type(e: &io::Error) -> &'static str {
    if e.kind() == io::ErrorKind::NotFound || e.raw_os_error() == Some(libc::ENOTDIR) {
        "unknown"
    } else {
        "error"
    }
}

/// The birth time from `statx`, or 0 where the kernel or file system has none.
fn birth_time(m: &Metadata) -> i64 {
    m.created()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .and_then(|d| i64::try_from(d.as_secs()).ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::{PermissionsExt, symlink};

    #[test]
    fn mode_has_four_octal_digits() {
        assert_eq!(mode_string(0o100644), "0644");
        assert_eq!(mode_string(0o104755), "4755");
        assert_eq!(mode_string(0o41777), "1777");
        assert_eq!(mode_string(0), "0000");
    }

    #[test]
    fn follows_links_but_reports_them() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        std::fs::write(d.join("file"), "hello").expect("write");
        std::fs::set_permissions(d.join("file"), std::fs::Permissions::from_mode(0o640))
            .expect("chmod");
        symlink("file", d.join("link")).expect("symlink");
        symlink("missing", d.join("dangling")).expect("symlink");
        symlink("loop", d.join("loop")).expect("symlink");
        let root = HostRoot::new(d);

        let f = stat(&root, "/file").expect("file");
        assert_eq!(
            (f.kind, f.mode.as_str(), f.size, f.symlink),
            ("regular", "0640", 5, false)
        );
        assert_eq!((f.hard_links, f.symlink_target), (1, None));

        let l = stat(&root, "/link").expect("link");
        assert_eq!(
            (l.kind, l.size, l.symlink, l.inode),
            ("regular", 5, true, f.inode)
        );
        assert_eq!(l.symlink_target.as_deref(), Some("file"));

        let dangling = stat(&root, "/dangling").expect("dangling");
        assert_eq!((dangling.kind, dangling.symlink), ("unknown", true));
        assert_eq!(dangling.size, 7); // The link's own size: the length of "missing".
        assert_eq!(stat(&root, "/loop").expect("loop").kind, "error");

        let d = stat(&root, "/").expect("dir");
        assert_eq!(d.kind, "directory");
        assert!(stat(&root, "/absent").expect_err("absent").is_skippable());
    }

    #[test]
    fn device_files_report_their_device() {
        let null = stat(&HostRoot::live(), "/dev/null").expect("/dev/null");
        assert_eq!(null.kind, "character");
        assert_eq!(null.device, libc::makedev(1, 3));
        assert_eq!(null.mode, "0666");
    }
}
