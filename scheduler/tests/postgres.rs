//! The PostgreSQL sink against a real PostgreSQL the test starts: `initdb`
//! in a temporary directory as the `postgres` user (`runuser`), a free
//! loopback port, removed afterwards. Lines arrive as rows with the line as
//! jsonb; a batch sent again (as after a crash) adds nothing.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use hostgres_scheduler::ScheduleConfig;
use hostgres_scheduler::config::{RawFileSink, RawLogging, RawPostgresSink, RawSections};
use hostgres_scheduler::sink::{self, SinkSet};
use hostgres_scheduler::status::StatusLog;
use hostgres_scheduler::store::{Kind, Store};

/// The newest installed PostgreSQL's binaries.
fn bin_dir() -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is installed (apt-get install postgresql)")
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|p| p.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop().expect("an initdb")
}

/// A PostgreSQL cluster in a temporary directory, stopped and removed on drop.
struct Postgres {
    dir: tempfile::TempDir,
    child: Child,
    port: u16,
}

fn as_postgres(cmd: &Path) -> Command {
    let mut c = Command::new("runuser");
    c.args(["-u", "postgres", "--"]).arg(cmd);
    c
}

impl Postgres {
    fn start() -> Postgres {
        let dir = tempfile::tempdir().expect("tempdir");
        let owner = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(dir.path())
            .status()
            .expect("chown");
        assert!(owner.success());
        let data = dir.path().join("data");
        let bin = bin_dir();
        let init = as_postgres(&bin.join("initdb"))
            .args(["-A", "trust", "-U", "postgres", "-D"])
            .arg(&data)
            .stdout(Stdio::null())
            .status()
            .expect("initdb runs");
        assert!(init.success(), "initdb failed");
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
            l.local_addr().expect("addr").port()
        };
        let child = as_postgres(&bin.join("postgres"))
            .arg("-D")
            .arg(&data)
            .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-k"])
            .arg(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("postgres starts");
        Postgres { dir, child, port }
    }

    fn conninfo(&self) -> String {
        format!(
            "host=127.0.0.1 port={} user=postgres dbname=postgres",
            self.port
        )
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        // SIGINT: PostgreSQL's fast shutdown; runuser passes it on.
        let _ = Command::new("kill")
            .arg("-INT")
            .arg(self.child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = self.dir.path();
    }
}

async fn query(pg: &Postgres, sql: &str) -> Vec<tokio_postgres::Row> {
    let deadline = Instant::now() + Duration::from_secs(30);
    let client = loop {
        match tokio_postgres::connect(&pg.conninfo(), tokio_postgres::NoTls).await {
            Ok((client, conn)) => {
                tokio::spawn(async move {
                    let _ = conn.await;
                });
                break client;
            }
            Err(e) => {
                assert!(Instant::now() < deadline, "PostgreSQL never came up: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    };
    client.query(sql, &[]).await.expect("query")
}

fn count(rt: &tokio::runtime::Runtime, pg: &Postgres) -> i64 {
    let rows = rt.block_on(query(
        pg,
        "SELECT count(*) FROM pg_tables WHERE tablename = 'fleet_logs'",
    ));
    if rows[0].get::<_, i64>(0) == 0 {
        return 0;
    }
    rt.block_on(query(
        pg,
        "SELECT count(*) FROM fleet_logs WHERE log_type = 'result'",
    ))[0]
        .get(0)
}

#[test]
fn lines_become_jsonb_rows_once() {
    let pg = Postgres::start();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    // Wait for the server before the sink's first attempt, to keep the run short.
    rt.block_on(query(&pg, "SELECT 1"));
    let state = tempfile::tempdir().expect("state");
    let sections = RawSections {
        logging: RawLogging {
            file: Some(RawFileSink {
                enabled: Some(false),
                ..Default::default()
            }),
            postgres: Some(RawPostgresSink {
                connection: pg.conninfo(),
                table: Some("fleet_logs".to_owned()),
                batch_lines: Some(3),
                max_backoff_s: Some(1),
            }),
            ..RawLogging::default()
        },
        ..RawSections::default()
    };
    let config = ScheduleConfig::build(sections, None, state.path()).expect("valid");
    let store = Store::open(state.path()).expect("store");
    let status = StatusLog::new(store.clone(), "web1".to_owned());
    let lines: Vec<(Kind, String)> = (0..5)
        .map(|i| {
            (
                Kind::Result,
                format!(r#"{{"name":"procs","hostIdentifier":"web1","unixTime":{},"columns":{{"pid":"{i}"}},"action":"added"}}"#, 1000 + i),
            )
        })
        .collect();
    let store_id = store.store_id().expect("id");
    let mut set = SinkSet::start(
        sink::build(&config.sinks, &store_id).expect("sinks"),
        &store,
        &status,
    );
    store.append(&lines).expect("append");
    let deadline = Instant::now() + Duration::from_secs(60);
    while count(&rt, &pg) < 5 {
        assert!(Instant::now() < deadline, "lines never arrived");
        std::thread::sleep(Duration::from_millis(100));
    }
    set.stop();

    let rows = rt.block_on(query(
        &pg,
        "SELECT seq, log_type, name, host_identifier, unix_time, action, line->'columns'->>'pid' FROM fleet_logs WHERE log_type = 'result' ORDER BY seq",
    ));
    let got: Vec<(String, String, String, i64, String, String)> = rows
        .iter()
        .map(|r| (r.get(1), r.get(2), r.get(3), r.get(4), r.get(5), r.get(6)))
        .collect();
    let want: Vec<_> = (0..5)
        .map(|i| {
            (
                "result".to_owned(),
                "procs".to_owned(),
                "web1".to_owned(),
                1000 + i as i64,
                "added".to_owned(),
                i.to_string(),
            )
        })
        .collect();
    assert_eq!(got, want);

    // As after a crash between the insert and the cursor update: the same
    // lines again add no row.
    store
        .advance("postgres", 0, None)
        .expect("rewind the cursor");
    let mut set = SinkSet::start(
        sink::build(&config.sinks, &store_id).expect("sinks"),
        &store,
        &status,
    );
    set.stop();
    let rows = rt.block_on(query(
        &pg,
        "SELECT count(*) FROM fleet_logs WHERE log_type = 'result'",
    ));
    assert_eq!(rows[0].get::<_, i64>(0), 5);
}
