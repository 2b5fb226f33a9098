//! `file`: metadata of the files a query names by `path` (or a `LIKE` pattern) or `directory`.

use hostgres_collectors::fs::{stat, targets};
use hostgres_collectors::{CollectError, OptionalExt};

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct File;

static SCHEMA: Schema = Schema {
    name: "file",
    doc: "Interactive filesystem attributes and metadata: one row per path, or per entry of a directory.",
    columns: &[
        col(
            "path",
            Text,
            "Absolute file path; LIKE patterns glob (% within a component, %% recursively).",
        )
        .index()
        .required()
        .optimized(),
        col(
            "directory",
            Text,
            "Directory of the file(s); constrained, lists the directory's entries (not recursively).",
        )
        .required()
        .optimized(),
        col("filename", Text, "Name portion of the file path."),
        col("inode", BigInt, "Filesystem inode number."),
        col("uid", BigInt, "Owning user ID."),
        col("gid", BigInt, "Owning group ID."),
        col(
            "mode",
            Text,
            "Permission bits as four octal digits, with set-id and sticky bits (0644, 4755).",
        ),
        col(
            "device",
            BigInt,
            "Device ID a character or block special file stands for (st_rdev), else 0.",
        ),
        col("size", BigInt, "Size of the file in bytes."),
        col("block_size", Integer, "Block size of the filesystem for I/O."),
        col("atime", BigInt, "Last access time, in Unix seconds."),
        col("mtime", BigInt, "Last modification time, in Unix seconds."),
        col("ctime", BigInt, "Last status change time, in Unix seconds."),
        col(
            "btime",
            BigInt,
            "Birth (creation) time in Unix seconds, 0 when the filesystem does not record it.",
        ),
        col("hard_links", Integer, "Number of hard links."),
        col("symlink", Integer, "1 if the path itself is a symbolic link, otherwise 0."),
        col(
            "type",
            Text,
            "File type, following symbolic links: regular, directory, character, block, fifo, socket, unknown or error.",
        ),
        col(
            "symlink_target_path",
            Text,
            "Target of the symbolic link as stored in it; NULL for other files.",
        ),
        col(
            "pid_with_namespace",
            Integer,
            "Pid of a process whose mount namespace the paths are read in.",
        )
        .additional()
        .hidden(),
        col(
            "mount_namespace_id",
            Text,
            "Mount namespace id of the process given in pid_with_namespace.",
        )
        .hidden(),
    ],
};

/// The `path` and `directory` constraints of a scan, for `file` and `hash`.
pub(super) fn constraints(cx: &ScanContext<'_>) -> targets::Constraints {
    let likes = |c: &str| {
        cx.like_patterns(c)
            .map(<[String]>::to_vec)
            .unwrap_or_default()
    };
    targets::Constraints {
        paths: cx.eq_texts("path").unwrap_or_default(),
        path_patterns: likes("path"),
        directories: cx.eq_texts("directory").unwrap_or_default(),
        directory_patterns: likes("directory"),
    }
}

impl Table for File {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let root = cx.root();
        let check = || cx.check_interrupt();
        for t in targets::resolve(root, &constraints(cx), &check)? {
            check()?;
            // A path that does not exist, or may not be examined, has no row.
            let Some(info) = stat::stat(root, &t.path).optional()? else {
                continue;
            };
            out.row()
                .set("filename", targets::file_name(&t.path))
                .set("path", t.path)
                .set("directory", t.directory)
                .set("inode", info.inode)
                .set("uid", info.uid)
                .set("gid", info.gid)
                .set("mode", info.mode)
                .set("device", info.device)
                .set("size", info.size)
                .set("block_size", info.block_size)
                .set("atime", info.atime)
                .set("mtime", info.mtime)
                .set("ctime", info.ctime)
                .set("btime", info.btime)
                .set("hard_links", info.hard_links)
                .set("symlink", info.symlink)
                .set("type", info.kind)
                .set("symlink_target_path", info.symlink_target);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{fixture_query, live_query, strings};
    use crate::{Engine, EngineOptions};

    const COLUMNS: &str =
        "path, directory, filename, size, mode, type, symlink, symlink_target_path";

    fn query(sql_where: &str) -> Vec<Vec<String>> {
        strings(&fixture_query(
            "basic",
            &format!("SELECT {COLUMNS} FROM file WHERE {sql_where}"),
        ))
    }

    /// A row of `COLUMNS` written as `a|b|c`.
    fn row(joined: &str) -> Vec<String> {
        joined.split('|').map(String::from).collect()
    }

    #[test]
    fn one_path() {
        assert_eq!(
            query("path = '/srv/files/hello.txt'"),
            vec![row(
                "/srv/files/hello.txt|/srv/files|hello.txt|6|0644|regular|0|"
            )]
        );
        let rows = query("path IN ('/srv/files/run.sh', '/srv/files/absent', '/srv/files/sub')");
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!(
            rows[0],
            row("/srv/files/run.sh|/srv/files|run.sh|18|0755|regular|0|")
        );
        // A directory's size and mode depend on the checkout's file system and umask.
        assert_eq!(
            (
                rows[1][0].as_str(),
                rows[1][2].as_str(),
                rows[1][5].as_str()
            ),
            ("/srv/files/sub", "sub", "directory")
        );
    }

    #[test]
    fn symbolic_links_are_followed_and_reported() {
        assert_eq!(
            query("path IN ('/srv/files/link-to-hello', '/srv/files/dangling')"),
            vec![
                // A dangling link is described by the link itself (its size is the target's length).
                row("/srv/files/dangling|/srv/files|dangling|14|0777|unknown|1|missing-target"),
                row("/srv/files/link-to-hello|/srv/files|link-to-hello|6|0644|regular|1|hello.txt"),
            ]
        );
    }

    #[test]
    fn directory_lists_entries_and_keeps_the_given_spelling() {
        let rows = query("directory = '/srv/files/'");
        let names: Vec<(&str, &str, &str)> = rows
            .iter()
            .map(|r| (r[0].as_str(), r[1].as_str(), r[5].as_str()))
            .collect();
        assert_eq!(
            names,
            vec![
                ("/srv/files/.hidden", "/srv/files/", "regular"),
                ("/srv/files/dangling", "/srv/files/", "unknown"),
                ("/srv/files/empty", "/srv/files/", "regular"),
                ("/srv/files/hello.txt", "/srv/files/", "regular"),
                ("/srv/files/link-to-hello", "/srv/files/", "regular"),
                ("/srv/files/run.sh", "/srv/files/", "regular"),
                ("/srv/files/sub", "/srv/files/", "directory"),
            ]
        );
        assert_eq!(query("directory = '/srv/files'").len(), 7);
        assert!(query("directory = '/srv/files/hello.txt'").is_empty());
    }

    #[test]
    fn like_globs_one_level_or_recursively() {
        let paths =
            |w: &str| -> Vec<String> { query(w).into_iter().map(|r| r[0].clone()).collect() };
        // `%` stays within one component, skips hidden names and marks directories with `/`.
        assert_eq!(
            paths("path LIKE '/srv/files/%'"),
            vec![
                "/srv/files/dangling",
                "/srv/files/empty",
                "/srv/files/hello.txt",
                "/srv/files/link-to-hello",
                "/srv/files/run.sh",
                "/srv/files/sub/",
            ]
        );
        assert_eq!(
            paths("path LIKE '/srv/%/%.txt'"),
            vec!["/srv/files/hello.txt"]
        );
        assert_eq!(
            paths("path LIKE '/srv/files/sub/%%'"),
            vec![
                "/srv/files/sub/deeper/",
                "/srv/files/sub/deeper/leaf.txt",
                "/srv/files/sub/nested.txt"
            ]
        );
        let dirs = query("directory LIKE '/srv/files/s%'");
        assert_eq!(dirs.len(), 2, "{dirs:?}");
        assert_eq!(
            (dirs[0][0].as_str(), dirs[0][1].as_str()),
            ("/srv/files/sub/deeper", "/srv/files/sub/")
        );
    }

    #[test]
    fn a_join_can_supply_the_path() {
        let rows = strings(&fixture_query(
            "basic",
            "WITH wanted(path) AS (VALUES ('/srv/files/empty'), ('/srv/files/run.sh')) \
             SELECT file.path, file.size FROM wanted JOIN file USING (path) ORDER BY 1",
        ));
        assert_eq!(
            rows,
            vec![
                vec!["/srv/files/empty", "0"],
                vec!["/srv/files/run.sh", "18"]
            ]
        );
    }

    #[test]
    fn a_path_or_directory_is_required() {
        let engine = Engine::open(EngineOptions::default()).expect("engine");
        let err = engine
            .query_all("SELECT * FROM file", &[])
            .expect_err("unconstrained");
        assert!(
            err.to_string().contains("requires path or directory"),
            "{err}"
        );
    }

    #[test]
    fn live_pack_queries() {
        let rows = strings(&live_query(
            "SELECT file.path, uid, gid, mode, 0 AS atime, mtime, ctime, block_size, type \
             FROM file WHERE directory = '/dev/'",
        ));
        let null = rows
            .iter()
            .find(|r| r[0] == "/dev/null")
            .expect("/dev/null");
        assert_eq!((null[3].as_str(), null[8].as_str()), ("0666", "character"));
        for r in &rows {
            assert!(r[0].starts_with("/dev/"), "{r:?}");
            assert_eq!(r[3].len(), 4, "{r:?}");
        }
        let missing = live_query(
            "SELECT * FROM file WHERE path IN ('/dev/.shit/red.tgz', '/usr/bin/.sshd', '/etc/passwd')",
        );
        let missing = strings(&missing);
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0][0], "/etc/passwd");
        assert_eq!(missing[0][16], "regular");
    }
}
