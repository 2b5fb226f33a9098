//! `/proc/mounts`: the mounted filesystems, and `statvfs` of each for its size.

use std::path::Path;

use crate::{CollectError, HostRoot, lossy, lossy_os};

/// One line of `/proc/mounts`, unescaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    pub device: String,
    pub path: String,
    pub fs_type: String,
    /// The mount options, such as `rw,relatime`.
    pub flags: String,
}

/// The size of a mounted filesystem, from `statvfs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FsStats {
    /// The preferred I/O block size in bytes (`f_bsize`, as osquery reports it).
    pub block_size: u64,
    pub blocks: u64,
    pub blocks_free: u64,
    /// Free blocks available to unprivileged users.
    pub blocks_available: u64,
    pub inodes: u64,
    pub inodes_free: u64,
}

pub fn read(root: &HostRoot) -> Result<Vec<Mount>, CollectError> {
    Ok(parse(&root.read("proc/mounts")?))
}

/// Parses `device path type options freq passno` lines; a line with fewer
/// than four fields is skipped, as `getmntent` skips it.
pub fn parse(bytes: &[u8]) -> Vec<Mount> {
    bytes
        .split(|&b| b == b'\n')
        .filter_map(|line| {
            let mut fields = line
                .split(|&b| b == b' ' || b == b'\t')
                .filter(|f| !f.is_empty())
                .map(unescape);
            Some(Mount {
                device: fields.next()?,
                path: fields.next()?,
                fs_type: fields.next()?,
                flags: fields.next()?,
            })
        })
        .collect()
}

/// Decodes the kernel's octal escapes (`\040` for a space, `\011`, `\012`, `\134`).
fn unescape(field: &[u8]) -> String {
    let mut out = Vec::with_capacity(field.len());
    let mut i = 0;
    while i < field.len() {
        let octal = field
            .get(i + 1..i + 4)
            .filter(|d| field[i] == b'\\' && d.iter().all(|c| (b'0'..=b'7').contains(c)))
            .map(|d| d.iter().fold(0u32, |n, c| n * 8 + u32::from(c - b'0')));
        match octal.and_then(|n| u8::try_from(n).ok()) {
            Some(byte) => {
                out.push(byte);
                i += 4;
            }
            None => {
                out.push(field[i]);
                i += 1;
            }
        }
    }
    lossy(&out)
}

/// The device's canonical path with every symbolic link resolved (osquery's
/// `realpath`), or the device unchanged when it is not a path that resolves
/// inside the root (`tmpfs`, `proc`, a missing node).
pub fn device_alias(root: &HostRoot, device: &str) -> String {
    if device.starts_with('/')
        && let Ok(real) = std::fs::canonicalize(root.path(device))
        && real.starts_with(root.dir())
    {
        return lossy_os(root.host_path(&real).as_os_str());
    }
    device.to_owned()
}

/// `statvfs` of the mount point; `None` for autofs (statting it would trigger
/// the automount), or when the call fails. On a fixture root the mount point
/// is looked up inside the root, so it describes whatever filesystem holds
/// that directory, and a missing one gives `None`.
pub fn stats(root: &HostRoot, mount: &Mount) -> Option<FsStats> {
    if mount.fs_type == "autofs" {
        return None;
    }
    statvfs(&root.path(&mount.path))
}

fn statvfs(path: &Path) -> Option<FsStats> {
    let s = rustix::fs::statvfs(path).ok()?;
    Some(FsStats {
        block_size: s.f_bsize,
        blocks: s.f_blocks,
        blocks_free: s.f_bfree,
        blocks_available: s.f_bavail,
        inodes: s.f_files,
        inodes_free: s.f_ffree,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_unescapes_mount_lines() {
        let m = parse(
            b"/dev/vda1 / ext4 rw,relatime,errors=remount-ro 0 0\n\
              /dev/sdb1 /media/My\\040Disk\\134x vfat rw 0 0\n\
              tmpfs /run tmpfs rw,nosuid,size=1G,mode=755\n\
              short line only\n\n",
        );
        assert_eq!(m.len(), 3);
        assert_eq!(m[0].device, "/dev/vda1");
        assert_eq!(m[0].flags, "rw,relatime,errors=remount-ro");
        assert_eq!(m[1].path, "/media/My Disk\\x");
        assert_eq!(m[2].fs_type, "tmpfs");
    }

    #[test]
    fn hostile_escapes_and_bytes() {
        assert_eq!(unescape(b"a\\04"), "a\\04");
        assert_eq!(unescape(b"\\999"), "\\999");
        assert_eq!(unescape(b"\\777"), "\\777");
        assert_eq!(unescape(b"\xff\\011"), "\u{fffd}\t");
    }

    #[test]
    fn device_alias_resolves_inside_the_root() {
        let dir = tempfile::tempdir().expect("tempdir");
        let by_uuid = dir.path().join("dev/disk/by-uuid");
        std::fs::create_dir_all(&by_uuid).expect("mkdir");
        std::fs::write(dir.path().join("dev/vda1"), "").expect("write");
        std::os::unix::fs::symlink("../../vda1", by_uuid.join("abcd")).expect("symlink");
        let root = HostRoot::new(dir.path());
        assert_eq!(device_alias(&root, "/dev/disk/by-uuid/abcd"), "/dev/vda1");
        assert_eq!(device_alias(&root, "/dev/missing"), "/dev/missing");
        assert_eq!(device_alias(&root, "tmpfs"), "tmpfs");
    }

    #[test]
    fn stats_of_the_live_root() {
        let root = HostRoot::live();
        let m = Mount {
            device: "x".into(),
            path: "/".into(),
            fs_type: "ext4".into(),
            flags: "rw".into(),
        };
        let s = stats(&root, &m).expect("statvfs /");
        assert!(s.block_size > 0 && s.blocks >= s.blocks_free);
        let autofs = Mount {
            fs_type: "autofs".into(),
            ..m
        };
        assert_eq!(stats(&root, &autofs), None);
    }
}
