//! `processes`: every process of the host, one row each, from `/proc/<pid>/*`.
//!
//! `WHERE pid = 1` reads only `/proc/1`, and only the files of the columns
//! the query uses: `SELECT pid, name FROM processes` reads `status` alone.

use hostgres_collectors::CollectError;
use hostgres_collectors::process::{self, Fields, ProcessReader, boot_time, stat};

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct Processes;

static SCHEMA: Schema = Schema {
    name: "processes",
    doc: "All running processes on the host system.",
    columns: &[
        col("pid", BigInt, "Process (or thread) ID.")
            .index()
            .optimized(),
        col(
            "name",
            Text,
            "The process name (comm), as in /proc/<pid>/status.",
        ),
        col(
            "path",
            Text,
            "Path to the executed binary, empty when unreadable.",
        ),
        col(
            "cmdline",
            Text,
            "Complete argv, NUL separators replaced by spaces.",
        ),
        col("state", Text, "Process state letter: R, S, D, Z, T, I, ..."),
        col(
            "cwd",
            Text,
            "Process current working directory, empty when unreadable.",
        ),
        col(
            "root",
            Text,
            "Process virtual root directory, empty when unreadable.",
        ),
        col("uid", BigInt, "Unsigned user ID."),
        col("gid", BigInt, "Unsigned group ID."),
        col("euid", BigInt, "Unsigned effective user ID."),
        col("egid", BigInt, "Unsigned effective group ID."),
        col("suid", BigInt, "Unsigned saved user ID."),
        col("sgid", BigInt, "Unsigned saved group ID."),
        col(
            "on_disk",
            Integer,
            "The process path exists yes=1, no=0, unknown=-1.",
        ),
        col(
            "wired_size",
            BigInt,
            "Bytes of unpageable memory used by process; always 0 on Linux.",
        ),
        col(
            "resident_size",
            BigInt,
            "Bytes of private memory used by process (VmRSS).",
        ),
        col(
            "total_size",
            BigInt,
            "Total virtual memory size in bytes (VmSize).",
        ),
        col(
            "user_time",
            BigInt,
            "CPU time in milliseconds spent in user space.",
        ),
        col(
            "system_time",
            BigInt,
            "CPU time in milliseconds spent in kernel space.",
        ),
        col(
            "disk_bytes_read",
            BigInt,
            "Bytes read from disk; NULL when /proc/<pid>/io is unreadable.",
        ),
        col(
            "disk_bytes_written",
            BigInt,
            "Bytes written to disk, minus cancelled writes; NULL when unreadable.",
        ),
        col(
            "start_time",
            BigInt,
            "Process start time in seconds since the Unix epoch, -1 if unknown.",
        ),
        col("parent", BigInt, "Process parent's PID."),
        col("pgroup", BigInt, "Process group."),
        col("threads", Integer, "Number of threads used by process."),
        col(
            "nice",
            Integer,
            "Process nice level (-20 to 20, default 0).",
        ),
        col(
            "cgroup_path",
            Text,
            "The full hierarchical path of the process's control group.",
        ),
    ],
};

/// The parts of a process each column needs.
fn fields(cx: &ScanContext<'_>) -> Fields {
    let any = |columns: &[&str]| columns.iter().any(|c| cx.is_used(c));
    Fields {
        stat: any(&[
            "state",
            "parent",
            "pgroup",
            "user_time",
            "system_time",
            "nice",
            "threads",
            "start_time",
        ]),
        status: any(&[
            "name",
            "uid",
            "gid",
            "euid",
            "egid",
            "suid",
            "sgid",
            "resident_size",
            "total_size",
        ]),
        io: any(&["disk_bytes_read", "disk_bytes_written"]),
        cmdline: cx.is_used("cmdline"),
        cgroup: cx.is_used("cgroup_path"),
        exe: any(&["path", "on_disk"]),
        cwd: cx.is_used("cwd"),
        root: cx.is_used("root"),
    }
}

impl Table for Processes {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let root = cx.root();
        let pids = process::pids(root, cx.eq_ints("pid"))?;
        let fields = fields(cx);
        let boot = if cx.is_used("start_time") {
            // Without a boot time, start times are -1 as in osquery.
            boot_time::read(root).ok().flatten()
        } else {
            None
        };
        let tck = stat::ticks_per_second();
        let mut reader = ProcessReader::new(root);
        for pid in pids {
            cx.check_interrupt()?;
            // A process that exited since the listing has no row.
            let Some(p) = reader.read(pid, fields) else {
                continue;
            };
            let mut row = out.row();
            row.set("pid", pid)
                .set("path", p.path)
                .set("cmdline", p.cmdline)
                .set("cwd", p.cwd)
                .set("root", p.root)
                .set("on_disk", p.on_disk)
                .set("wired_size", 0)
                .set("cgroup_path", p.cgroup_path);
            if let Some(s) = p.status {
                let uids = s.uids.map_or([None; 3], |u| u.map(Some));
                let gids = s.gids.map_or([None; 3], |g| g.map(Some));
                row.set("name", s.name.unwrap_or_default())
                    .set("uid", uids[0])
                    .set("euid", uids[1])
                    .set("suid", uids[2])
                    .set("gid", gids[0])
                    .set("egid", gids[1])
                    .set("sgid", gids[2])
                    .set(
                        "resident_size",
                        s.vm_rss_kib.map(|k| k.saturating_mul(1024)),
                    )
                    .set("total_size", s.vm_size_kib.map(|k| k.saturating_mul(1024)));
            }
            if let Some(s) = p.stat {
                row.set("state", s.state.to_string())
                    .set("parent", s.ppid)
                    .set("pgroup", s.pgrp)
                    .set("user_time", s.user_time_ms(tck))
                    .set("system_time", s.system_time_ms(tck))
                    .set("nice", s.nice)
                    .set("threads", s.num_threads)
                    .set("start_time", s.start_time(boot, tck));
            }
            if let Some(io) = p.io {
                row.set("disk_bytes_read", io.read_bytes)
                    .set("disk_bytes_written", io.disk_bytes_written());
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use hostgres_collectors::HostRoot;

    use super::{Processes, SCHEMA};
    use crate::testing::{fixture, fixture_query, live_query, strings};
    use crate::{Engine, EngineOptions, Rows, ScanContext, Table, Value};

    #[test]
    fn reads_the_fixture_host() {
        let rows = fixture_query("basic", "SELECT * FROM processes ORDER BY pid");
        let expected = [
            "1|systemd|/usr/lib/systemd/systemd|/sbin/init|S|/|/|0|0|0|0|0|0|1|0|13025280|24350720|3120|4180|412557312|1523265536|1732867200|0|1|1|0|/init.scope",
            // A kernel thread: no executable, no command line, no memory lines.
            "2|kthreadd|||S|/|/|0|0|0|0|0|0|-1|0|||0|30|0|0|1732867200|0|0|1|0|/",
            "733|redis-server|/usr/bin/redis-server|/usr/bin/redis-server 0.0.0.0:6379|S|/var/lib/redis|/|104|109|104|109|104|109|1|0|10661888|69496832|15200|28750|1314816|40960|1732867212|1|733|5|0|/system.slice/redis-server.service",
            // Its interpreter was replaced by a package upgrade: ` (deleted)` is stripped.
            "1207|python3|/usr/bin/python3.11|/usr/bin/python3 /opt/app/worker.py --queue default|S|/opt/app|/|1000|1000|1000|1000|1000|1000|0|0|20971520|41504768|47110|3770|8675328|0|1732867250|1|1207|2|5|/system.slice/app-worker.service",
            "2045|nginx|/usr/sbin/nginx|nginx: master process nginx -g daemon off;|S|/|/|0|0|0|0|0|0|1|0|5869568|11276288|120|90|2801664|0|1732867290|2020|2045|1|0|/system.slice/docker-3f2a9c1e7b4d.scope",
        ];
        let got: Vec<String> = strings(&rows).iter().map(|r| r.join("|")).collect();
        assert_eq!(got, expected);
        // The kernel thread's sizes are NULL, not 0; its path is empty, not NULL.
        let kthread = &rows[1];
        assert_eq!((&kthread[15], &kthread[16]), (&Value::Null, &Value::Null));
        assert_eq!(kthread[2], Value::Text(String::new()));
    }

    #[test]
    fn pid_constraints_read_only_those_processes() {
        let rows = fixture_query(
            "basic",
            "SELECT pid, name, parent FROM processes WHERE pid IN (733, 1207, 99999, -1)",
        );
        assert_eq!(
            strings(&rows),
            vec![
                vec!["733", "redis-server", "1"],
                vec!["1207", "python3", "1"]
            ]
        );
        let rows = fixture_query("basic", "SELECT pid FROM processes WHERE pid = 2");
        assert_eq!(strings(&rows), vec![vec!["2"]]);
        assert!(fixture_query("basic", "SELECT pid FROM processes WHERE pid = 3").is_empty());
    }

    #[test]
    fn the_generator_reads_only_the_constrained_pid() {
        // Called without SQLite, which would otherwise re-check the constraint.
        let cx =
            ScanContext::full_scan(fixture("basic"), &SCHEMA).with_eq("pid", [Value::Int(733)]);
        let mut rows = Rows::new(&SCHEMA);
        Processes.generate(&cx, &mut rows).expect("generate");
        assert_eq!(rows.len(), 1);
        assert_eq!(
            rows.value(0, "name"),
            Some(&Value::Text("redis-server".into()))
        );
    }

    #[test]
    fn unused_columns_are_not_read() {
        // A process with only a `status` file: reading `stat` would find it gone.
        let dir = tempfile::tempdir().expect("tempdir");
        let pid_dir = dir.path().join("proc/42");
        std::fs::create_dir_all(&pid_dir).expect("mkdir");
        std::fs::write(pid_dir.join("status"), "Name:\tworker\nUid:\t7\t7\t7\t7\n").expect("write");
        let engine = Engine::open(EngineOptions {
            root: HostRoot::new(dir.path()),
            ..EngineOptions::default()
        })
        .expect("engine");
        let query = |sql: &str| strings(&engine.query_all(sql, &[]).expect(sql).rows);
        assert_eq!(
            query("SELECT pid, name, uid FROM processes"),
            vec![vec!["42", "worker", "7"]]
        );
        assert_eq!(query("SELECT count(*) FROM processes"), vec![vec!["1"]]);
        assert!(query("SELECT pid, state FROM processes").is_empty());
    }

    #[test]
    fn live_host_processes() {
        let rows = live_query(
            "SELECT pid, name, path, cmdline, state, cwd, on_disk, parent, threads, start_time, \
             resident_size, uid, user_time FROM processes",
        );
        assert!(rows.len() >= 2, "{} processes", rows.len());
        let by_pid: HashMap<i64, &Vec<Value>> = rows
            .iter()
            .map(|r| (r[0].as_i64().expect("pid"), r))
            .collect();
        assert!(by_pid.contains_key(&1), "pid 1 is listed");
        for r in &rows {
            assert!(r[0].as_i64().is_some_and(|p| p > 0), "{r:?}");
            assert!(matches!(&r[4], Value::Text(s) if s.len() == 1), "{r:?}");
            assert!(matches!(r[6].as_i64(), Some(-1..=1)), "{r:?}");
            assert!(r[8].as_i64().is_some_and(|t| t >= 0), "{r:?}");
        }

        // This test process, seen from the inside.
        let me = i64::from(std::process::id());
        let row = by_pid.get(&me).expect("own process listed");
        let exe = std::env::current_exe().expect("current exe");
        assert_eq!(row[2], Value::Text(exe.to_string_lossy().into_owned()));
        assert!(
            matches!(&row[3], Value::Text(c) if c.contains("hostgres_catalog")),
            "{row:?}"
        );
        let cwd = std::env::current_dir().expect("cwd");
        assert_eq!(row[5], Value::Text(cwd.to_string_lossy().into_owned()));
        assert_eq!(row[6], Value::Int(1));
        assert_eq!(
            row[7],
            Value::Int(i64::from(std::os::unix::process::parent_id()))
        );
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs();
        let started = row[9].as_i64().expect("start_time");
        assert!(
            started > 1_000_000_000 && started <= i64::try_from(now).expect("now") + 1,
            "{row:?}"
        );
        assert!(row[10].as_i64().is_some_and(|r| r > 0), "{row:?}");
        assert!(row[11].as_i64().is_some_and(|u| u >= 0), "{row:?}");

        // Pushdown: exactly one row for our pid.
        let one = live_query(&format!("SELECT pid, name FROM processes WHERE pid = {me}"));
        assert_eq!(one.len(), 1);
        assert_eq!(one[0][0], Value::Int(me));
    }
}
