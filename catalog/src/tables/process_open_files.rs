//! `process_open_files`: the files each process holds open, from the links
//! under `/proc/<pid>/fd`; `WHERE pid = ...` reads only those processes.

use hostgres_collectors::CollectError;
use hostgres_collectors::process::{self, fd};

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct ProcessOpenFiles;

static SCHEMA: Schema = Schema {
    name: "process_open_files",
    doc: "File descriptors for each process; sockets, pipes and anonymous inodes are left out.",
    columns: &[
        col("pid", BigInt, "Process (or thread) ID.").index(),
        col("fd", BigInt, "Process-specific file descriptor number."),
        col(
            "path",
            Text,
            "Filesystem path of the descriptor, as its /proc/<pid>/fd link reads.",
        ),
    ],
};

impl Table for ProcessOpenFiles {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let pids = process::pids(cx.root(), cx.eq_ints("pid"))?;
        for pid in pids {
            cx.check_interrupt()?;
            let mut files = Vec::new();
            let listed = fd::for_each(cx.root(), pid, |fd, target| {
                let path = target.to_string_lossy();
                if fd::is_file(&path) {
                    files.push((fd, path.into_owned()));
                }
            });
            // A process that exited or whose descriptors may not be read has no rows.
            if listed.is_err() {
                continue;
            }
            files.sort_unstable_by_key(|&(fd, _)| fd);
            for (fd, path) in files {
                out.row().set("pid", pid).set("fd", fd).set("path", path);
            }
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
            "SELECT pid, fd, path FROM process_open_files ORDER BY pid, fd",
        );
        let got: Vec<String> = strings(&rows).iter().map(|r| r.join("|")).collect();
        assert_eq!(
            got,
            [
                "1|0|/dev/null",
                "1|1|/dev/null",
                "1|2|/dev/null",
                "1|3|/dev/kmsg",
                "1|7|/sys/fs/cgroup",
                "1|12|/dev/autofs",
                "733|0|/dev/null",
                "733|1|/dev/null",
                "733|2|/dev/null",
                "733|10|/var/log/redis/redis-server.log",
                "1207|0|/dev/null",
                "1207|4|/opt/app/queue.db",
                "1207|5|/tmp/worker.lock (deleted)",
                "2045|0|/dev/null",
            ]
        );
    }

    #[test]
    fn pid_constraint_reads_one_process() {
        let rows = fixture_query(
            "basic",
            "SELECT fd, path FROM process_open_files WHERE pid = 1207 ORDER BY fd",
        );
        assert_eq!(
            strings(&rows),
            vec![
                vec!["0", "/dev/null"],
                vec!["4", "/opt/app/queue.db"],
                vec!["5", "/tmp/worker.lock (deleted)"]
            ]
        );
        assert!(
            fixture_query("basic", "SELECT * FROM process_open_files WHERE pid = 2").is_empty()
        );
    }

    #[test]
    fn live_host_open_files() {
        let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("Cargo.toml")
            .canonicalize()
            .expect("manifest path");
        let held = std::fs::File::open(&manifest).expect("open manifest");
        let me = std::process::id();
        let rows = live_query(&format!(
            "SELECT pid, fd, path FROM process_open_files WHERE pid = {me}"
        ));
        let path = Value::Text(manifest.to_string_lossy().into_owned());
        assert!(rows.iter().any(|r| r[2] == path), "{rows:?}");
        for r in &rows {
            assert_eq!(r[0], Value::Int(i64::from(me)));
            assert!(r[1].as_i64().is_some_and(|fd| fd >= 0), "{r:?}");
            assert!(
                matches!(&r[2], Value::Text(p) if !p.starts_with("socket:") && !p.starts_with("pipe:")),
                "{r:?}"
            );
        }
        drop(held);
        let all = live_query("SELECT count(DISTINCT pid) FROM process_open_files");
        assert!(all[0][0].as_i64().is_some_and(|n| n >= 1), "{all:?}");
    }
}
