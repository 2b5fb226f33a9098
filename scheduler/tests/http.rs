//! The HTTP sink against a local HTTP server run by the test: batches in
//! osquery's TLS logger body, an outage (HTTP 503, then a refused
//! connection) while lines keep coming, and recovery with every line delivered once.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hostgres_scheduler::ScheduleConfig;
use hostgres_scheduler::config::{RawHttpSink, RawLogging, RawSections};
use hostgres_scheduler::sink::{self, SinkSet};
use hostgres_scheduler::status::StatusLog;
use hostgres_scheduler::store::{Kind, Store};
use serde_json::Value;

/// A one-thread HTTP server that records JSON bodies, or answers 503 while `down`.
struct Server {
    port: u16,
    bodies: Arc<Mutex<Vec<Value>>>,
    down: Arc<AtomicBool>,
    refused: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let down = Arc::new(AtomicBool::new(false));
        let refused = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (b, d, r, s) = (
            Arc::clone(&bodies),
            Arc::clone(&down),
            Arc::clone(&refused),
            Arc::clone(&stop),
        );
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                serve(conn, &b, &d, &r);
            }
        });
        Server {
            port,
            bodies,
            down,
            refused,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(conn: TcpStream, bodies: &Mutex<Vec<Value>>, down: &AtomicBool, refused: &AtomicUsize) {
    conn.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut reader = BufReader::new(conn.try_clone().expect("clone"));
    let mut length = 0usize;
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() || request_line.is_empty() {
        return;
    }
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).is_err() || h == "\r\n" || h.is_empty() {
            break;
        }
        if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let mut conn = conn;
    let answer: &[u8] = if down.load(Ordering::Relaxed) {
        refused.fetch_add(1, Ordering::Relaxed);
        b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    } else {
        assert!(request_line.starts_with("POST /log "), "{request_line}");
        bodies
            .lock()
            .expect("lock")
            .push(serde_json::from_slice(&body).expect("the body is JSON"));
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"
    };
    let _ = conn.write_all(answer);
}

fn line(i: usize) -> String {
    format!(
        r#"{{"name":"q","hostIdentifier":"h","unixTime":{i},"columns":{{"i":"{i}"}},"action":"added"}}"#
    )
}

fn received(server: &Server, log_type: &str) -> Vec<Value> {
    server
        .bodies
        .lock()
        .expect("lock")
        .iter()
        .filter(|b| b["log_type"] == log_type)
        .flat_map(|b| b["data"].as_array().cloned().unwrap_or_default())
        .collect()
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn an_outage_delays_lines_and_loses_none() {
    let server = Server::start();
    let state = tempfile::tempdir().expect("state");
    let sections = RawSections {
        logging: RawLogging {
            file: Some(hostgres_scheduler::config::RawFileSink {
                enabled: Some(false),
                ..Default::default()
            }),
            http: Some(RawHttpSink {
                url: format!("http://127.0.0.1:{}/log", server.port),
                node_key: Some("k-123".to_owned()),
                batch_lines: Some(7),
                period_s: Some(1),
                max_backoff_s: Some(1),
                timeout_s: Some(5),
                ..Default::default()
            }),
            ..RawLogging::default()
        },
        ..RawSections::default()
    };
    let config = ScheduleConfig::build(sections, None, state.path()).expect("valid");
    let store = Store::open(state.path()).expect("store");
    let status = StatusLog::new(store.clone(), "h".to_owned());
    let sinks = sink::build(&config.sinks, &store.store_id().expect("id")).expect("sinks");
    let mut set = SinkSet::start(sinks, &store, &status);
    assert_eq!(set.ids, vec!["http:result", "http:status"]);

    let lines: Vec<String> = (0..20).map(line).collect();
    store
        .append(
            &lines[..5]
                .iter()
                .map(|l| (Kind::Result, l.clone()))
                .collect::<Vec<_>>(),
        )
        .expect("append");
    wait_for("the first lines", || received(&server, "result").len() == 5);

    // Outage: the server answers 503 while more lines come.
    server.down.store(true, Ordering::Relaxed);
    store
        .append(
            &lines[5..15]
                .iter()
                .map(|l| (Kind::Result, l.clone()))
                .collect::<Vec<_>>(),
        )
        .expect("append");
    wait_for("failed attempts", || {
        server.refused.load(Ordering::Relaxed) >= 2
    });
    assert_eq!(received(&server, "result").len(), 5);
    store
        .append(
            &lines[15..]
                .iter()
                .map(|l| (Kind::Result, l.clone()))
                .collect::<Vec<_>>(),
        )
        .expect("append");

    // Recovery: everything arrives, in order, once.
    server.down.store(false, Ordering::Relaxed);
    wait_for("every line", || received(&server, "result").len() >= 20);
    wait_for("the recovery in the status stream", || {
        received(&server, "status").iter().any(|s| {
            s["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("log sink http:result recovered"))
        })
    });
    set.stop();
    let got: Vec<String> = received(&server, "result")
        .iter()
        .map(|v| v.to_string())
        .collect();
    let want: Vec<String> = lines
        .iter()
        .map(|l| serde_json::from_str::<Value>(l).expect("json").to_string())
        .collect();
    assert_eq!(got, want);
    let bodies = server.bodies.lock().expect("lock").clone();
    for b in bodies.iter().filter(|b| b["log_type"] == "result") {
        assert_eq!(b["node_key"], "k-123");
        assert!(
            b["data"]
                .as_array()
                .is_some_and(|d| !d.is_empty() && d.len() <= 7)
        );
    }
    // The outage and the recovery are in the status stream, which went out too.
    let status_lines = received(&server, "status");
    let messages: Vec<&str> = status_lines
        .iter()
        .filter_map(|s| s["message"].as_str())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("log sink http:result failed, retrying")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("log sink http:result recovered")),
        "{messages:?}"
    );
    assert!(
        status_lines
            .iter()
            .all(|s| s["hostIdentifier"] == "h" && s["severity"].is_u64())
    );
}
