//! `hash`: MD5, SHA-1 and SHA-256 of the regular files a query names by `path` or `directory`.

use hostgres_collectors::fs::hash::{self, Algorithms, Hashes};
use hostgres_collectors::fs::targets;
use hostgres_collectors::{CollectError, CollectErrorKind};

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct Hash;

static SCHEMA: Schema = Schema {
    name: "hash",
    doc: "Filesystem hash data: digests of regular files (directories and special files have no row).",
    columns: &[
        col(
            "path",
            Text,
            "Must provide a path or directory; LIKE patterns glob (% within a component, %% recursively).",
        )
        .index()
        .required()
        .optimized(),
        col(
            "directory",
            Text,
            "Must provide a path or directory; constrained, hashes the directory's regular files.",
        )
        .required()
        .optimized(),
        col(
            "md5",
            Text,
            "MD5 hash of the content, lowercase hex; NULL if the file could not be read.",
        ),
        col(
            "sha1",
            Text,
            "SHA1 hash of the content, lowercase hex; NULL if the file could not be read.",
        ),
        col(
            "sha256",
            Text,
            "SHA256 hash of the content, lowercase hex; NULL if the file could not be read.",
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

impl Table for Hash {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let root = cx.root();
        let check = || cx.check_interrupt();
        // Reading only paths (`SELECT path FROM hash ...`) hashes nothing.
        let algorithms = Algorithms {
            md5: cx.is_used("md5"),
            sha1: cx.is_used("sha1"),
            sha256: cx.is_used("sha256"),
        };
        for t in targets::resolve(root, &super::file::constraints(cx), &check)? {
            check()?;
            if !hash::is_regular(root, &t.path) {
                continue;
            }
            let hashes = if algorithms.any() {
                match hash::hash_file(root, &t.path, algorithms, &check) {
                    Ok(Some(h)) => h,
                    // Replaced by something else since it was listed.
                    Ok(None) => continue,
                    Err(e) => match e.kind() {
                        CollectErrorKind::Interrupted => return Err(e),
                        CollectErrorKind::Vanished => continue,
                        // Unreadable content: the file is listed, its digests are NULL.
                        _ => Hashes::default(),
                    },
                }
            } else {
                Hashes::default()
            };
            out.row()
                .set("path", t.path)
                .set("directory", t.directory)
                .set("md5", hashes.md5)
                .set("sha1", hashes.sha1)
                .set("sha256", hashes.sha256);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{fixture_query, live_query, strings};

    const HELLO: [&str; 3] = [
        "b1946ac92492d2347c6235b4d2611184",
        "f572d396fae9206628714fb2ce00f72e94f2258f",
        "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03",
    ];
    const EMPTY: [&str; 3] = [
        "d41d8cd98f00b204e9800998ecf8427e",
        "da39a3ee5e6b4b0d3255bfef95601890afd80709",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    ];

    fn row(path: &str, directory: &str, h: [&str; 3]) -> Vec<String> {
        [path, directory, h[0], h[1], h[2]]
            .map(String::from)
            .to_vec()
    }

    #[test]
    fn hashes_one_path() {
        let rows = fixture_query(
            "basic",
            "SELECT path, directory, md5, sha1, sha256 FROM hash WHERE path = '/srv/files/hello.txt'",
        );
        assert_eq!(
            strings(&rows),
            vec![row("/srv/files/hello.txt", "/srv/files", HELLO)]
        );
    }

    #[test]
    fn hashes_the_regular_files_of_a_directory() {
        // Directories and dangling links have no row; a link to a file hashes the file.
        let rows = fixture_query(
            "basic",
            "SELECT path, directory, md5, sha1, sha256 FROM hash WHERE directory = '/srv/files'",
        );
        assert_eq!(
            strings(&rows),
            vec![
                row(
                    "/srv/files/.hidden",
                    "/srv/files",
                    [
                        "dd02c7c2232759874e1c205587017bed",
                        "fc683cd9ed1990ca2ea10b84e5e6fba048c24929",
                        "b37e50cedcd3e3f1ff64f4afc0422084ae694253cf399326868e07a35f4a45fb",
                    ]
                ),
                row("/srv/files/empty", "/srv/files", EMPTY),
                row("/srv/files/hello.txt", "/srv/files", HELLO),
                row("/srv/files/link-to-hello", "/srv/files", HELLO),
                row(
                    "/srv/files/run.sh",
                    "/srv/files",
                    [
                        "46bbbe8aa98cc0714426e948474eaaf4",
                        "b2b62c101a156f5f12dd7197cf7ae9424164b115",
                        "299001868fb8c02fd431c336c6d058f5558c5dff5b5af5e6fe04b870a6a9cbba",
                    ]
                ),
            ]
        );
    }

    #[test]
    fn like_patterns_and_joins() {
        let rows = fixture_query(
            "basic",
            "SELECT path, sha256 FROM hash WHERE path LIKE '/srv/files/sub/%%' ORDER BY path",
        );
        let paths: Vec<String> = strings(&rows).into_iter().map(|r| r[0].clone()).collect();
        assert_eq!(
            paths,
            vec![
                "/srv/files/sub/deeper/leaf.txt",
                "/srv/files/sub/nested.txt"
            ]
        );
        let joined = fixture_query(
            "basic",
            "WITH wanted(path) AS (VALUES ('/srv/files/empty'), ('/srv/files/sub')) \
             SELECT hash.path, hash.md5 FROM wanted JOIN hash USING (path)",
        );
        assert_eq!(strings(&joined), vec![vec!["/srv/files/empty", EMPTY[0]]]);
    }

    #[test]
    fn live_hashes_are_lowercase_hex() {
        let rows = strings(&live_query(
            "SELECT path, md5, sha1, sha256 FROM hash WHERE directory = '/etc' OR path = '/dev/null'",
        ));
        assert!(rows.iter().any(|r| r[0] == "/etc/passwd"), "{rows:?}");
        assert!(
            !rows.iter().any(|r| r[0] == "/dev/null"),
            "special files are not hashed"
        );
        for r in &rows {
            for (digest, len) in [(&r[1], 32), (&r[2], 40), (&r[3], 64)] {
                assert!(
                    digest.is_empty()
                        || (digest.len() == len
                            && digest
                                .bytes()
                                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))),
                    "{r:?}"
                );
            }
        }
    }
}
