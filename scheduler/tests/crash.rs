//! Crash safety: a daemon killed with SIGKILL at random moments while it
//! logs loses no line and duplicates none.
//!
//! The test runs the daemon as a child process (this test binary again, with
//! `HOSTGRES_CRASH_CHILD` set, running `child_daemon`), schedules a query on
//! a fixture table that reads a file the test rewrites, walks the file
//! through a sequence of states while killing and restarting the child, and
//! finally replays the results log: applying each run's removed and added
//! rows in order must step through states of the sequence, in order, and end
//! on the last one.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hostgres_catalog::{ColumnType::*, Registry, Rows, ScanContext, Schema, Table, col};
use hostgres_collectors::{CollectError, HostRoot};
use hostgres_scheduler::config::{RawFileSink, RawLogging, RawQuery, RawSections};
use hostgres_scheduler::{ScheduleConfig, Scheduler};

/// `fixture_lines`: one row per line `n value` of a file the test writes.
struct FixtureLines(PathBuf);

static SCHEMA: Schema = Schema {
    name: "fixture_lines",
    doc: "Lines of a test file.",
    columns: &[
        col("n", BigInt, "Line key"),
        col("value", Text, "Line text"),
    ],
};

impl Table for FixtureLines {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, _cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let text = std::fs::read_to_string(&self.0).unwrap_or_default();
        for line in text.lines() {
            if let Some((n, v)) = line.split_once(' ') {
                out.row().set("n", n).set("value", v);
            }
        }
        Ok(())
    }
}

/// The rows of state `i`: keys in a sliding window, values that change with `i`.
fn state(i: usize) -> BTreeSet<(i64, String)> {
    let start = (i * 37) % 150;
    (start..start + 120)
        .map(|n| (n as i64, format!("v{}-{}", n, (n + i) % 3)))
        .collect()
}

fn write_state(path: &Path, rows: &BTreeSet<(i64, String)>) {
    let text: String = rows.iter().map(|(n, v)| format!("{n} {v}\n")).collect();
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text).expect("write state");
    std::fs::rename(&tmp, path).expect("replace state");
}

fn config(dir: &Path) -> ScheduleConfig {
    let mut sections = RawSections::default();
    sections.schedule.splay_percent = Some(0);
    sections.schedule.queries.insert(
        "lines".to_owned(),
        RawQuery {
            query: "SELECT n, value FROM fixture_lines".to_owned(),
            interval: Some(1),
            ..RawQuery::default()
        },
    );
    sections.logging = RawLogging {
        file: Some(RawFileSink {
            path: Some(dir.join("log")),
            ..RawFileSink::default()
        }),
        ..RawLogging::default()
    };
    ScheduleConfig::build(sections, None, &dir.join("state")).expect("valid config")
}

/// The daemon the parent test kills; does nothing unless started by it.
#[test]
fn child_daemon() {
    let Some(dir) = std::env::var_os("HOSTGRES_CRASH_CHILD") else {
        return;
    };
    let dir = PathBuf::from(dir);
    let scheduler =
        Scheduler::open(config(&dir), &dir.join("state"), HostRoot::live()).expect("open");
    let mut tables = scheduler.tables();
    tables.push(Arc::new(FixtureLines(dir.join("data.txt"))));
    let registry = Registry::with_extra(tables);
    let _handle = scheduler.start(registry, None, Vec::new()).expect("start");
    // Runs until the parent kills it; the parent's deadline bounds this.
    std::thread::sleep(Duration::from_secs(120));
}

fn spawn_child(dir: &Path) -> Child {
    Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", "child_daemon", "--nocapture", "--test-threads=1"])
        .env("HOSTGRES_CRASH_CHILD", dir)
        .spawn()
        .expect("child starts")
}

/// Replays the results log; returns the index in `states` of each state the
/// log passes through, or why a line does not fit.
fn replay(log: &str, states: &[BTreeSet<(i64, String)>]) -> Result<Vec<usize>, String> {
    let mut current: BTreeSet<(i64, String)> = BTreeSet::new();
    let mut seen: Vec<usize> = Vec::new();
    let mut groups: Vec<Vec<serde_json::Value>> = Vec::new();
    let mut key = None;
    for line in log.lines() {
        let v: serde_json::Value =
            serde_json::from_str(line).map_err(|e| format!("a torn line {line:?}: {e}"))?;
        let k = (v["counter"].as_u64(), v["unixTime"].as_i64());
        if key != Some(k) {
            groups.push(Vec::new());
            key = Some(k);
        }
        if let Some(g) = groups.last_mut() {
            g.push(v);
        }
    }
    if let Some(first) = groups.first()
        && first[0]["counter"].as_u64() != Some(0)
    {
        return Err("the first run is not logged with counter 0".to_owned());
    }
    for group in groups {
        for l in group {
            let cols = &l["columns"];
            let n = cols["n"].as_str().and_then(|n| n.parse::<i64>().ok());
            let v = cols["value"].as_str();
            let (Some(n), Some(v)) = (n, v) else {
                return Err(format!("a line without n and value: {l}"));
            };
            let row = (n, v.to_owned());
            match l["action"].as_str() {
                Some("added") if current.insert(row.clone()) => {}
                Some("added") => return Err(format!("{row:?} added twice: a duplicated line")),
                Some("removed") if current.remove(&row) => {}
                Some("removed") => {
                    return Err(format!(
                        "{row:?} removed but absent: a lost or duplicated line"
                    ));
                }
                other => return Err(format!("unexpected action {other:?}")),
            }
        }
        let from = seen.last().copied().unwrap_or(0);
        let Some(at) = (from..states.len()).find(|i| states[*i] == current) else {
            return Err(format!(
                "after {} runs the logged rows match no later state",
                seen.len() + 1
            ));
        };
        seen.push(at);
    }
    Ok(seen)
}

#[test]
fn kill_9_while_logging_loses_and_duplicates_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data.txt");
    let log = dir.path().join("log/osqueryd.results.log");
    let states: Vec<_> = (0..12).map(state).collect();
    let mut child: Option<Child> = None;
    let mut rng = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let mut kills = 0;
    for (i, s) in states.iter().enumerate() {
        write_state(&data, s);
        if child.is_none() {
            child = Some(spawn_child(dir.path()));
        }
        // Random fault injection: let it run for 0.2 to 2.2 s, then usually kill it.
        std::thread::sleep(Duration::from_millis(200 + next() % 2000));
        if (next() % 4 != 0 || i == states.len() - 1)
            && let Some(mut c) = child.take()
        {
            c.kill().expect("SIGKILL");
            c.wait().expect("reaped");
            kills += 1;
        }
    }
    // Let a last daemon catch up with the final state, then check the whole log.
    let mut c = spawn_child(dir.path());
    let deadline = Instant::now() + Duration::from_secs(60);
    let last = states.len() - 1;
    loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        let complete = text.ends_with('\n') || text.is_empty();
        if complete && replay(&text, &states).is_ok_and(|seen| seen.last() == Some(&last)) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the log never reached the final state"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    c.kill().expect("SIGKILL");
    c.wait().expect("reaped");
    let text = std::fs::read_to_string(&log).expect("log");
    let seen = replay(&text, &states).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        seen.windows(2).all(|w| w[0] < w[1]),
        "states step forward: {seen:?}"
    );
    assert!(kills >= 5, "the daemon was killed {kills} times");
}
