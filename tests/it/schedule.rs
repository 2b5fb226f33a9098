//! The scheduler inside a running server: results logged exactly as osquery
//! logs them for a table whose content the test changes (a fixture host's
//! /etc/hosts), the introspection tables over the wire, the watchdog, and
//! configuration reloads (a bad one refused with its key and line).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use hostgres_scheduler::format::calendar_time;
use hostgres_tests::{Options, TestServer};

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("root/etc")).expect("etc");
        std::fs::create_dir_all(dir.path().join("root/proc/sys/kernel")).expect("proc");
        std::fs::write(
            dir.path().join("root/proc/sys/kernel/hostname"),
            "fixture-host\n",
        )
        .expect("hostname");
        Fixture { dir }
    }

    fn root(&self) -> PathBuf {
        self.dir.path().join("root")
    }

    fn hosts(&self, text: &str) {
        let tmp = self.dir.path().join("hosts.tmp");
        std::fs::write(&tmp, text).expect("write hosts");
        std::fs::rename(&tmp, self.root().join("etc/hosts")).expect("replace hosts");
    }

    fn config_path(&self) -> PathBuf {
        self.dir.path().join("hostgres.toml")
    }

    fn config(&self, extra: &str) {
        let text = format!(
            r#"
[schedule]
splay_percent = 0
config_refresh_s = 1

[schedule.watchdog]
query_wall_ms = 5000

[schedule.queries.hosts]
query = "SELECT address, hostnames FROM etc_hosts"
interval = 1

[schedule.queries.spin]
query = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
interval = 1

{extra}

[packs.present.queries.one]
query = "SELECT 1 AS one"
interval = 1
[packs.present]
discovery = ["SELECT 1"]

[packs.absent]
discovery = ["SELECT 1 WHERE 0"]
[packs.absent.queries.one]
query = "SELECT 1 AS one"
interval = 1

[decorators]
load = ["SELECT 'lab' AS site"]

[logging.file]
path = "{log}"
"#,
            log = self.log_dir().display()
        );
        let tmp = self.dir.path().join("config.tmp");
        std::fs::write(&tmp, text).expect("write config");
        std::fs::rename(&tmp, self.config_path()).expect("replace config");
    }

    fn log_dir(&self) -> PathBuf {
        self.dir.path().join("log")
    }

    fn lines(&self, file: &str) -> Vec<String> {
        std::fs::read_to_string(self.log_dir().join(file))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

fn wait_until<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The event line osquery writes for one row of `hosts`.
fn event(unix_time: i64, counter: u64, address: &str, names: &str, action: &str) -> String {
    format!(
        r#"{{"name":"hosts","hostIdentifier":"fixture-host","calendarTime":"{}","unixTime":{unix_time},"epoch":0,"counter":{counter},"numerics":false,"decorations":{{"site":"lab"}},"columns":{{"address":"{address}","hostnames":"{names}"}},"action":"{action}"}}"#,
        calendar_time(unix_time)
    )
}

fn unix_time(line: &str) -> i64 {
    let v: serde_json::Value = serde_json::from_str(line).expect("json line");
    v["unixTime"].as_i64().expect("unixTime")
}

/// The lines of the `hosts` query's run number `counter`.
fn results_of(fx: &Fixture, counter: u64) -> Option<Vec<String>> {
    let lines: Vec<String> = fx
        .lines("osqueryd.results.log")
        .into_iter()
        .filter(|l| l.starts_with(r#"{"name":"hosts","#))
        .filter(|l| l.contains(&format!("\"counter\":{counter},")))
        .collect();
    (!lines.is_empty()).then_some(lines)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduled_results_are_logged_as_osquery_logs_them() {
    let fx = Fixture::new();
    fx.hosts("127.0.0.1 localhost\n10.0.0.1 db\n");
    fx.config("");
    let server = TestServer::start_with(Options {
        host_root: Some(fx.root()),
        config_file: Some(fx.config_path()),
        ..Options::default()
    });

    // The first run logs the whole set as added, counter 0. The load decorator
    // may not have run before the very first run, so wait for its decoration.
    let first = wait_until("the first run", || {
        results_of(&fx, 0).filter(|l| l.len() == 2 && l.iter().all(|x| x.contains("\"site\"")))
    });
    let t = unix_time(&first[0]);
    assert_eq!(
        first,
        vec![
            event(t, 0, "127.0.0.1", "localhost", "added"),
            event(t, 0, "10.0.0.1", "db", "added")
        ]
    );

    // A change: one row removed, one added, removed first, counter 1.
    fx.hosts("127.0.0.1 localhost\n10.0.0.2 cache\n");
    let second = wait_until("the second run", || results_of(&fx, 1));
    let t = unix_time(&second[0]);
    assert_eq!(
        second,
        vec![
            event(t, 1, "10.0.0.1", "db", "removed"),
            event(t, 1, "10.0.0.2", "cache", "added")
        ]
    );

    // The watchdog stopped the endless query and denylisted it.
    let status = wait_until("the watchdog", || {
        fx.lines("osqueryd.status.log")
            .into_iter()
            .find(|l| l.contains("the watchdog stopped scheduled query spin"))
    });
    let status: serde_json::Value = serde_json::from_str(&status).expect("status json");
    assert_eq!(status["severity"], 2);
    assert_eq!(status["hostIdentifier"], "fixture-host");

    // Discovery: only the pack whose discovery query returns a row runs.
    wait_until("the present pack's query", || {
        fx.lines("osqueryd.results.log")
            .into_iter()
            .find(|l| l.contains("\"name\":\"pack_present_one\""))
    });
    let client = server.client().await;
    let rows = client
        .query("SELECT name, active FROM osquery_packs ORDER BY name", &[])
        .await
        .expect("osquery_packs");
    let packs: Vec<(String, i32)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(
        packs,
        vec![("absent".to_owned(), 0), ("present".to_owned(), 1)]
    );
    let rows = client
        .query(
            "SELECT name, interval, executions, denylisted FROM osquery_schedule ORDER BY name",
            &[],
        )
        .await
        .expect("osquery_schedule");
    let got: Vec<(String, i32, bool, i32)> = rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get::<_, i64>(2) >= 1, r.get(3)))
        .collect();
    assert_eq!(
        got,
        vec![
            ("hosts".to_owned(), 1, true, 0),
            ("pack_absent_one".to_owned(), 1, false, 0),
            ("pack_present_one".to_owned(), 1, true, 0),
            ("spin".to_owned(), 1, true, 1)
        ]
    );

    let rows = client
        .query(
            "SELECT action, columns::text FROM hostgres_results WHERE name = 'hosts' ORDER BY unix_time, action DESC",
            &[],
        )
        .await
        .expect("hostgres_results");
    let mut history: Vec<(String, String)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    // Rows of one run share their time; compare them in a fixed order.
    history[..2].sort();
    history[2..].sort();
    let row = |a: &str, addr: &str, names: &str| {
        (
            a.to_owned(),
            format!(r#"{{"address":"{addr}","hostnames":"{names}"}}"#),
        )
    };
    assert_eq!(
        history,
        vec![
            row("added", "10.0.0.1", "db"),
            row("added", "127.0.0.1", "localhost"),
            row("added", "10.0.0.2", "cache"),
            row("removed", "10.0.0.1", "db"),
        ]
    );

    let row = client
        .query_one(
            "SELECT config_valid, version, extensions FROM osquery_info",
            &[],
        )
        .await
        .expect("osquery_info");
    assert_eq!(row.get::<_, i32>(0), 1);
    assert_eq!(row.get::<_, String>(2), "inactive");
    let row = client
        .query_one(
            "SELECT value FROM osquery_flags WHERE name = 'logger_event_type'",
            &[],
        )
        .await
        .expect("osquery_flags");
    assert_eq!(row.get::<_, String>(0), "true");

    // A bad new configuration is refused, naming the key and the line; the old one runs on.
    std::fs::write(
        fx.config_path(),
        std::fs::read_to_string(fx.config_path())
            .expect("config")
            .replace(
                "interval = 1\n\n[schedule.queries.spin]",
                "interval = \"soon\"\n\n[schedule.queries.spin]",
            ),
    )
    .expect("bad config");
    let refused = wait_until("the refusal", || {
        fx.lines("osqueryd.status.log")
            .into_iter()
            .find(|l| l.contains("the new configuration is invalid"))
    });
    assert!(
        refused.contains("schedule.queries.hosts.interval"),
        "{refused}"
    );
    assert!(refused.contains("hostgres.toml:11"), "{refused}");
    let rows = client
        .query("SELECT config_valid FROM osquery_info", &[])
        .await
        .expect("osquery_info");
    assert_eq!(rows[0].get::<_, i32>(0), 0);

    // A good one applies: a new query appears.
    fx.config("[schedule.queries.more]\nquery = \"SELECT 1 AS one\"\ninterval = 5\n");
    wait_until("the reload", || {
        fx.lines("osqueryd.status.log")
            .into_iter()
            .find(|l| l.contains("configuration reloaded"))
    });
    let rows = client
        .query("SELECT name FROM osquery_schedule ORDER BY name", &[])
        .await
        .expect("osquery_schedule");
    let names: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
    assert_eq!(
        names,
        vec![
            "hosts",
            "more",
            "pack_absent_one",
            "pack_present_one",
            "spin"
        ]
    );
    drop(client);
    drop(server);
}
