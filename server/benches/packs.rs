//! The osquery packs benchmark: `hostgres serve` runs the 113 Linux queries
//! of osquery's example packs at their intervals for ten minutes (or
//! `HOSTGRES_BENCH_SECONDS`), and this reports the daemon's average CPU use
//! and peak resident memory (targets: under 1% of a core, under 40 MiB).
//! `HOSTGRES_BENCH_INTERVAL=N` runs every query every N seconds instead, a
//! stress variant. Run with `cargo bench -p hostgres-server --bench packs`.

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

fn ticks(pid: u32) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &text[text.rfind(')')? + 1..];
    let f: Vec<&str> = after.split_whitespace().collect();
    Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
}

fn status_kb(pid: u32, key: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let seconds: u64 = std::env::var("HOSTGRES_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(600);
    let interval: Option<u64> = std::env::var("HOSTGRES_BENCH_INTERVAL")
        .ok()
        .and_then(|s| s.parse().ok());
    let list: Vec<Value> = serde_json::from_str(include_str!(
        "../../scheduler/tests/fixtures/osquery-packs-linux.json"
    ))
    .expect("packs list");
    let mut packs: BTreeMap<String, serde_json::Map<String, Value>> = BTreeMap::new();
    for q in &list {
        let mut body = serde_json::Map::new();
        for key in [
            "query", "interval", "platform", "version", "removed", "snapshot", "shard",
        ] {
            if let Some(v) = q.get(key).filter(|v| !v.is_null()) {
                body.insert(key.to_owned(), v.clone());
            }
        }
        if let Some(i) = interval {
            body.insert("interval".to_owned(), json!(i));
        }
        packs
            .entry(q["pack"].as_str().expect("pack").to_owned())
            .or_default()
            .insert(
                q["name"].as_str().expect("name").to_owned(),
                Value::Object(body),
            );
    }
    let packs: serde_json::Map<String, Value> = packs
        .into_iter()
        .map(|(p, queries)| (p, json!({ "queries": queries })))
        .collect();
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("osquery.conf");
    std::fs::write(&config, json!({ "packs": packs }).to_string()).expect("config");

    let mut child = Command::new(env!("CARGO_BIN_EXE_hostgres"))
        .args(["serve", "--listen", "127.0.0.1:0", "--osquery-config"])
        .arg(&config)
        .arg("--state-dir")
        .arg(dir.path().join("state"))
        .env("HOSTGRES_PASSWORD", "bench")
        .env("HOSTGRES_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("hostgres starts");
    let pid = child.id();
    // Let start-up settle; the measurement is the steady state.
    std::thread::sleep(Duration::from_secs(5));
    let start = Instant::now();
    let t0 = ticks(pid).expect("the daemon runs");
    let mut peak_rss_kb = 0;
    while start.elapsed() < Duration::from_secs(seconds) {
        std::thread::sleep(Duration::from_secs(1));
        peak_rss_kb = peak_rss_kb.max(status_kb(pid, "VmRSS:"));
    }
    let t1 = ticks(pid).expect("the daemon still runs");
    let hwm_kb = status_kb(pid, "VmHWM:");
    let wall = start.elapsed().as_secs_f64();
    let _ = child.kill();
    let _ = child.wait();
    let results = std::fs::read_to_string(dir.path().join("state/log/osqueryd.results.log"))
        .unwrap_or_default();
    let status = std::fs::read_to_string(dir.path().join("state/log/osqueryd.status.log"))
        .unwrap_or_default();
    println!(
        "packs: {} queries, {} s{}",
        list.len(),
        seconds,
        interval.map_or_else(String::new, |i| format!(", every query every {i} s"))
    );
    println!("average CPU: {:.3}% of one core", (t1 - t0) as f64 / wall);
    println!(
        "peak RSS: {:.1} MiB (sampled), high-water mark {:.1} MiB",
        peak_rss_kb as f64 / 1024.0,
        hwm_kb as f64 / 1024.0
    );
    println!(
        "result lines: {}, status lines: {}",
        results.lines().count(),
        status.lines().count()
    );
}
