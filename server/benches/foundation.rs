//! The foundation benchmarks, as ratios against baselines measured in the
//! same run (the machine is shared and noisy, so absolute times mislead):
//!
//! - `SELECT * FROM processes` against a plain read of the same /proc files,
//!   with at least 2,000 processes on the host (target: ≤ 1.5×);
//! - `WHERE pid = 1` against the full scan, in-process (target: < 1 ms);
//! - `SELECT 1` round trips per second over the wire, against a loopback
//!   TCP echo round trip (the floor of any request/response);
//! - the idle daemon's resident memory (target: < 20 MiB).
//!
//! Run with `cargo bench -p hostgres-server --bench foundation`.

#[path = "common/mod.rs"]
mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use hostgres_catalog::{CatalogError, ColumnMeta, Engine, EngineOptions, RowRef, RowSink};
use hostgres_collectors::HostRoot;
use hostgres_collectors::process::ProcessReader;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const TARGET_PROCESSES: usize = 2000;

/// Children spawned to bring the host to the target process count; killed on drop.
struct Sleepers(Vec<Child>);

impl Drop for Sleepers {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
        }
        for c in &mut self.0 {
            let _ = c.wait();
        }
    }
}

fn spawn_sleepers(root: &HostRoot) -> Sleepers {
    let existing = root.pids().map(|p| p.len()).unwrap_or(0);
    let mut children = Vec::new();
    for _ in existing..TARGET_PROCESSES {
        match Command::new("sleep")
            .arg("600")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
        {
            Ok(c) => children.push(c),
            Err(e) => {
                eprintln!("could only spawn {} processes: {e}", children.len());
                break;
            }
        }
    }
    Sleepers(children)
}

/// Median wall time of `runs` calls of `f`, after two warm-up calls.
fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    f();
    f();
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

/// Touches every cell, as encoding for the wire would, without keeping rows.
#[derive(Default)]
struct Touch {
    rows: usize,
    bytes: usize,
}

impl RowSink for Touch {
    fn columns(&mut self, _: &[ColumnMeta]) -> Result<(), CatalogError> {
        Ok(())
    }
    fn row(&mut self, row: &RowRef<'_>) -> Result<(), CatalogError> {
        self.rows += 1;
        for i in 0..row.len() {
            self.bytes += match row.get(i) {
                hostgres_catalog::Cell::Text(t) | hostgres_catalog::Cell::Blob(t) => t.len(),
                _ => 8,
            };
        }
        Ok(())
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn bench_scans() {
    let root = HostRoot::live();
    let sleepers = spawn_sleepers(&root);
    let engine = Engine::open(EngineOptions::default()).expect("engine");
    let pids = root.pids().expect("pids").len();
    println!(
        "processes on the host: {pids} ({} spawned for the benchmark)",
        sleepers.0.len()
    );

    let mut reader = ProcessReader::new(&root);
    let floor = median(15, || {
        let mut bytes = 0;
        for pid in root.pids().expect("pids") {
            bytes += reader.read_unparsed(pid);
        }
        std::hint::black_box(bytes);
    });
    let scan = median(15, || {
        let mut sink = Touch::default();
        engine
            .query("SELECT * FROM processes", &[], &mut sink)
            .expect("scan");
        std::hint::black_box((sink.rows, sink.bytes));
    });
    let lookup = median(201, || {
        let mut sink = Touch::default();
        engine
            .query("SELECT * FROM processes WHERE pid = 1", &[], &mut sink)
            .expect("lookup");
        std::hint::black_box(sink.rows);
    });
    println!(
        "full scan: {:.1} ms, plain read of the same files: {:.1} ms, ratio {:.2}x (target <= 1.5x)",
        ms(scan),
        ms(floor),
        scan.as_secs_f64() / floor.as_secs_f64()
    );
    println!(
        "pid lookup: {:.3} ms (target < 1 ms), {:.4}x the full scan",
        ms(lookup),
        lookup.as_secs_f64() / scan.as_secs_f64()
    );
    drop(sleepers);
}

async fn round_trips_per_second(mut f: impl AsyncFnMut()) -> f64 {
    for _ in 0..200 {
        f().await;
    }
    let window = Duration::from_secs(2);
    let started = Instant::now();
    let mut n = 0u64;
    while started.elapsed() < window {
        f().await;
        n += 1;
    }
    n as f64 / started.elapsed().as_secs_f64()
}

fn bench_wire() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        // Baseline: a loopback TCP echo of a message the size of `SELECT 1`'s.
        let echo = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let echo_addr = echo.local_addr().expect("addr");
        tokio::spawn(async move {
            let (mut s, _) = echo.accept().await.expect("accept");
            s.set_nodelay(true).expect("nodelay");
            let mut buf = [0u8; 64];
            while let Ok(n) = s.read(&mut buf).await {
                if n == 0 || s.write_all(&buf[..n]).await.is_err() {
                    break;
                }
            }
        });
        let mut client = tokio::net::TcpStream::connect(echo_addr)
            .await
            .expect("connect");
        client.set_nodelay(true).expect("nodelay");
        let echo_rate = round_trips_per_second(async || {
            let mut buf = [0u8; 14];
            client
                .write_all(b"Q\0\0\0\rSELECT 1\0")
                .await
                .expect("write");
            client.read_exact(&mut buf).await.expect("read");
        })
        .await;

        let server = common::BenchServer::start().await;
        let pg = &server.client;
        let simple = round_trips_per_second(async || {
            pg.simple_query("SELECT 1").await.expect("select 1");
        })
        .await;
        let stmt = pg.prepare("SELECT 1").await.expect("prepare");
        let prepared = round_trips_per_second(async || {
            pg.query(&stmt, &[]).await.expect("select 1");
        })
        .await;
        println!(
            "SELECT 1 over the wire: {simple:.0}/s simple, {prepared:.0}/s prepared; loopback echo {echo_rate:.0}/s; ratios {:.2}x and {:.2}x of the echo floor",
            simple / echo_rate,
            prepared / echo_rate
        );
        server.stop().await;
    });
}

fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn bench_idle_rss() {
    let state = tempfile::tempdir().expect("tempdir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_hostgres"))
        .args(["serve", "--listen", "127.0.0.1:0", "--state-dir"])
        .arg(state.path())
        .env("HOSTGRES_PASSWORD", "bench")
        .env("HOSTGRES_LOG", "error")
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the daemon");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let port = lines
        .next()
        .and_then(Result::ok)
        .and_then(|l| l.rsplit(':').next().map(str::to_owned))
        .expect("banner");
    let started = rss_kib(child.id());
    // One client session, then idle again.
    let out = Command::new("psql")
        .arg(format!(
            "host=127.0.0.1 port={port} user=hostgres dbname=hostgres"
        ))
        .args(["-XAtc", "SELECT count(*) FROM processes"])
        .env("PGPASSWORD", "bench")
        .output();
    std::thread::sleep(Duration::from_millis(300));
    let after = rss_kib(child.id());
    let _ = child.kill();
    let _ = child.wait();
    let mib =
        |k: Option<u64>| k.map_or("?".to_owned(), |k| format!("{:.1} MiB", k as f64 / 1024.0));
    println!(
        "idle daemon RSS: {} at start, {} after one session{} (target < 20 MiB)",
        mib(started),
        mib(after),
        if out.is_ok_and(|o| o.status.success()) {
            ""
        } else {
            " (psql unavailable)"
        }
    );
}

fn main() {
    // `cargo test --benches` runs bench targets without `--bench`; stay quick then.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    bench_scans();
    bench_wire();
    bench_idle_rss();
}
