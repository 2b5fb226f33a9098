//! `mounts`: the mounted filesystems from /proc/mounts, with their sizes from statvfs.
//!
//! statvfs asks the running kernel, so it describes the host only on the
//! live root; on another root (a fixture, a container's root) the mount
//! point is looked up inside that root and the sizes are NULL where it does
//! not exist. Where osquery prints 0 for a size it could not read (autofs,
//! a failed statfs), hostgres returns NULL.

use hostgres_collectors::CollectError;
use hostgres_collectors::system::mounts;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct Mounts;

static SCHEMA: Schema = Schema {
    name: "mounts",
    doc: "System mounted devices and filesystems (not process specific).",
    columns: &[
        col("device", Text, "Mounted device, as the kernel names it."),
        col(
            "device_alias",
            Text,
            "Mounted device with symbolic links resolved (/dev/dm-0 for /dev/mapper/vg0-root).",
        ),
        col("path", Text, "Mount point."),
        col("type", Text, "Filesystem type, such as ext4 or tmpfs."),
        col("blocks_size", BigInt, "Block size in bytes."),
        col("blocks", BigInt, "Size of the filesystem in blocks."),
        col("blocks_free", BigInt, "Free blocks."),
        col(
            "blocks_available",
            BigInt,
            "Free blocks available to unprivileged users.",
        ),
        col("inodes", BigInt, "Total inodes."),
        col("inodes_free", BigInt, "Free inodes."),
        col("flags", Text, "Mount options, such as rw,relatime."),
    ],
};

/// The columns that need a statvfs call.
const STAT_COLUMNS: [&str; 6] = [
    "blocks_size",
    "blocks",
    "blocks_free",
    "blocks_available",
    "inodes",
    "inodes_free",
];

impl Table for Mounts {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let want_stats = STAT_COLUMNS.iter().any(|c| cx.is_used(c));
        let want_alias = cx.is_used("device_alias");
        for m in mounts::read(cx.root())? {
            // statvfs can block on an unresponsive network filesystem; let a cancel in between.
            cx.check_interrupt()?;
            let stats = if want_stats {
                mounts::stats(cx.root(), &m)
            } else {
                None
            };
            let alias = want_alias.then(|| mounts::device_alias(cx.root(), &m.device));
            out.row()
                .set("device", m.device)
                .set("device_alias", alias)
                .set("path", m.path)
                .set("type", m.fs_type)
                .set("blocks_size", stats.map(|s| s.block_size))
                .set("blocks", stats.map(|s| s.blocks))
                .set("blocks_free", stats.map(|s| s.blocks_free))
                .set("blocks_available", stats.map(|s| s.blocks_available))
                .set("inodes", stats.map(|s| s.inodes))
                .set("inodes_free", stats.map(|s| s.inodes_free))
                .set("flags", m.flags);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::Value;
    use crate::testing::{fixture_query, live_query, strings};

    #[test]
    fn reads_the_fixture_host() {
        let rows = fixture_query(
            "basic",
            "SELECT device, device_alias, path, type, flags FROM mounts WHERE type NOT IN ('sysfs', 'proc')",
        );
        assert_eq!(
            strings(&rows),
            vec![
                vec![
                    "udev",
                    "udev",
                    "/dev",
                    "devtmpfs",
                    "rw,nosuid,relatime,size=32900592k,nr_inodes=8225148,mode=755,inode64",
                ],
                vec![
                    "tmpfs",
                    "tmpfs",
                    "/run",
                    "tmpfs",
                    "rw,nosuid,nodev,noexec,relatime,size=6584384k,mode=755,inode64",
                ],
                vec![
                    "/dev/mapper/vg0-root",
                    "/dev/mapper/vg0-root",
                    "/",
                    "ext4",
                    "rw,relatime,errors=remount-ro",
                ],
                vec![
                    "/etc/auto.misc",
                    "/etc/auto.misc",
                    "/misc",
                    "autofs",
                    "rw,relatime,fd=7,pgrp=1204,timeout=300,minproto=5,maxproto=5,indirect,pipe_ino=22781",
                ],
                vec![
                    "/dev/sda1",
                    "/dev/sda1",
                    "/boot/efi",
                    "vfat",
                    "rw,relatime,fmask=0077,dmask=0077,codepage=437,iocharset=ascii,shortname=mixed,utf8,errors=remount-ro",
                ],
                vec![
                    "/dev/mapper/vg0-srv",
                    "/dev/mapper/vg0-srv",
                    "/srv/backup volume",
                    "xfs",
                    "rw,relatime,attr2,inode64,logbufs=8,logbsize=32k,noquota",
                ],
            ]
        );
    }

    #[test]
    fn fixture_sizes_exist_only_for_mount_points_inside_the_root() {
        let rows = fixture_query(
            "basic",
            "SELECT path, blocks_size IS NOT NULL, inodes IS NOT NULL FROM mounts \
             WHERE type IN ('ext4', 'autofs', 'vfat', 'xfs')",
        );
        assert_eq!(
            strings(&rows),
            vec![
                vec!["/", "1", "1"],
                vec!["/misc", "0", "0"],
                vec!["/boot/efi", "0", "0"],
                vec!["/srv/backup volume", "0", "0"],
            ]
        );
    }

    #[test]
    fn live_root_filesystem_has_a_size() {
        let rows = live_query(
            "SELECT device, device_alias, type, blocks_size, blocks, blocks_free, \
             blocks_available, inodes, inodes_free FROM mounts WHERE path = '/'",
        );
        assert!(!rows.is_empty());
        let r = &rows[rows.len() - 1];
        assert!(matches!(&r[0], Value::Text(d) if !d.is_empty()));
        assert!(matches!(&r[1], Value::Text(d) if !d.is_empty()));
        let n: Vec<i64> = r[3..]
            .iter()
            .map(|v| v.as_i64().expect("statvfs"))
            .collect();
        assert!(n[0] > 0 && n[1] > 0);
        assert!(n[2] <= n[1] && n[3] <= n[2]);
        assert!(n[5] <= n[4]);
        let all = live_query("SELECT count(*) FROM mounts WHERE type = 'proc'");
        assert!(all[0][0].as_i64().is_some_and(|n| n >= 1));
    }
}
