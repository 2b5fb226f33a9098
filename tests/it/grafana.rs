//! The Grafana dashboard in `examples/grafana/`: every panel's SQL, with
//! Grafana's `$__` macros expanded as Grafana's PostgreSQL datasource
//! expands them, runs against a server whose scheduler fills the history
//! the panels graph. Panels that need PostgreSQL-dialect translation
//! hostgres does not do yet are listed exactly, so the list only shrinks.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use hostgres_tests::{Options, TestServer};

/// Panels whose SQL fails today, and why.
/// A Grafana interval (`5m`, `'1h'`, `30s`, `250ms`) in seconds.
fn interval_seconds(text: &str) -> Option<u64> {
    let t = text.trim().trim_matches('\'');
    let (num, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit())?);
    let n: u64 = num.parse().ok()?;
    Some(match unit {
        "ms" => (n / 1000).max(1),
        "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        _ => return None,
    })
}

/// Expands Grafana's macros and global variables as the PostgreSQL
/// datasource does (pkg/tsdb/grafana-postgresql-datasource/macros.go).
fn expand(sql: &str, from: DateTime<Utc>, to: DateTime<Utc>, interval: &str) -> String {
    let secs = interval_seconds(interval).unwrap_or(60);
    let rfc = |t: DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let mut s = sql
        .replace("$__interval_ms", &(secs * 1000).to_string())
        .replace("$__interval", interval);
    while let Some(start) = s.find("$__") {
        let name_end = start
            + 3
            + s[start + 3..]
                .find(|c: char| !c.is_ascii_alphanumeric())
                .unwrap_or(s.len() - start - 3);
        let name = &s[start + 3..name_end];
        let (args, end): (Vec<String>, usize) = if s[name_end..].starts_with('(') {
            let close = name_end + s[name_end..].find(')').expect("closing parenthesis");
            let inner = &s[name_end + 1..close];
            let args = if inner.trim().is_empty() {
                Vec::new()
            } else {
                inner.split(',').map(|a| a.trim().to_owned()).collect()
            };
            (args, close + 1)
        } else {
            (Vec::new(), name_end)
        };
        let arg = |i: usize| args.get(i).cloned().unwrap_or_default();
        let n = |i: usize| interval_seconds(&arg(i)).unwrap_or(secs);
        let replacement = match name {
            "time" => format!("{} AS \"time\"", arg(0)),
            "timeEpoch" => format!("extract(epoch from {}) as \"time\"", arg(0)),
            "timeFilter" => format!("{} BETWEEN '{}' AND '{}'", arg(0), rfc(from), rfc(to)),
            "timeFrom" => format!("'{}'", rfc(from)),
            "timeTo" => format!("'{}'", rfc(to)),
            "timeGroup" => format!("floor(extract(epoch from {})/{})*{}", arg(0), n(1), n(1)),
            "timeGroupAlias" => format!(
                "floor(extract(epoch from {})/{})*{} AS \"time\"",
                arg(0),
                n(1),
                n(1)
            ),
            "unixEpochFilter" => format!(
                "{} >= {} AND {} <= {}",
                arg(0),
                from.timestamp(),
                arg(0),
                to.timestamp()
            ),
            "unixEpochFrom" => from.timestamp().to_string(),
            "unixEpochTo" => to.timestamp().to_string(),
            "unixEpochGroup" => format!("floor(({})/{})*{}", arg(0), n(1), n(1)),
            "unixEpochGroupAlias" => format!("floor(({})/{})*{} AS \"time\"", arg(0), n(1), n(1)),
            other => panic!("macro $__{other} is not expanded by this test"),
        };
        s.replace_range(start..end, &replacement);
    }
    s
}

#[test]
fn macros_expand_as_grafana_expands_them() {
    let from = DateTime::parse_from_rfc3339("2026-11-28T00:00:00Z")
        .expect("from")
        .to_utc();
    let to = DateTime::parse_from_rfc3339("2026-11-28T06:00:00Z")
        .expect("to")
        .to_utc();
    let e = |s: &str| expand(s, from, to, "5m");
    assert_eq!(e("$__time(start_time)"), "start_time AS \"time\"");
    assert_eq!(
        e("$__timeFilter(start_time)"),
        "start_time BETWEEN '2026-11-28T00:00:00Z' AND '2026-11-28T06:00:00Z'"
    );
    assert_eq!(
        e("$__timeGroup(start_time,'5m')"),
        "floor(extract(epoch from start_time)/300)*300"
    );
    assert_eq!(
        e("$__timeGroupAlias(start_time, $__interval)"),
        "floor(extract(epoch from start_time)/300)*300 AS \"time\""
    );
    assert_eq!(
        e("$__unixEpochFilter(ts)"),
        "ts >= 1795824000 AND ts <= 1795845600"
    );
    assert_eq!(
        e("$__unixEpochGroupAlias(ts,'5m')"),
        "floor((ts)/300)*300 AS \"time\""
    );
    assert_eq!(e("$__interval_ms $__unixEpochFrom()"), "300000 1795824000");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_dashboard_panel_runs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("hostgres.toml");
    std::fs::write(
        &config,
        format!(
            r#"
[schedule]
splay_percent = 0
[schedule.queries.load_average]
query = "SELECT period, average FROM load_average"
interval = 1
[schedule.queries.memory]
query = "SELECT memory_total, memory_free, memory_available FROM memory_info"
interval = 1
snapshot = true
[logging.file]
path = "{}"
"#,
            dir.path().join("log").display()
        ),
    )
    .expect("config");
    let server = TestServer::start_with(Options {
        config_file: Some(config),
        ..Options::default()
    });
    let client = server.client().await;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let rows = client
            .query(
                "SELECT DISTINCT name FROM hostgres_results ORDER BY name",
                &[],
            )
            .await
            .expect("history");
        let names: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
        if names == ["load_average", "memory"] {
            break;
        }
        assert!(Instant::now() < deadline, "no history yet: {names:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    let dashboard: serde_json::Value =
        serde_json::from_str(include_str!("../../examples/grafana/host-overview.json"))
            .expect("dashboard JSON");
    let now = Utc::now();
    let (from, to) = (
        now - chrono::Duration::hours(6),
        now + chrono::Duration::minutes(5),
    );
    let mut failing = BTreeSet::new();
    let mut ran = 0;
    for panel in dashboard["panels"].as_array().expect("panels") {
        let title = panel["title"].as_str().expect("title");
        for target in panel["targets"].as_array().expect("targets") {
            let sql = expand(target["rawSql"].as_str().expect("rawSql"), from, to, "5m");
            match client.simple_query(&sql).await {
                Ok(_) => ran += 1,
                Err(e) => {
                    let message = e
                        .as_db_error()
                        .map_or_else(|| e.to_string(), |d| d.message().to_owned());
                    eprintln!("panel {title:?}: {sql}\n  -> {message}");
                    failing.insert(title.to_owned());
                }
            }
        }
    }
    assert!(
        failing.is_empty(),
        "panels that fail: {failing:?} ({ran} ran)"
    );
    assert!(ran >= 10, "only {ran} panel queries ran");
}
