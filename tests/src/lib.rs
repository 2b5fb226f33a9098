//! The testkit: a real hostgres server on an ephemeral loopback port, run on
//! its own thread and runtime, with helpers to connect real clients to it.
//!
//! Layout:
//! - [`TestServer`]: start, connect (tokio-postgres, psql), stop.
//! - [`fixture_root`]: the fixture hosts under `tests/fixtures/hosts/`.
//! - [`clients`]: scripts of other languages' client libraries run against a server.
//! - [`postgres::Postgres`]: a real PostgreSQL cluster started for a test.

pub mod clients;
pub mod postgres;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;
use std::time::Duration;

use hostgres_server::config::RawConfig;
use tokio::sync::oneshot;

/// The password every test server gives the `hostgres` user.
pub const PASSWORD: &str = "test-password-Zq9";

/// A fixture host directory by name, e.g. `basic`.
pub fn fixture_root(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/hosts")
        .join(name)
}

/// How a test wants its server.
#[derive(Clone, Default)]
pub struct Options {
    /// Read this directory as the host instead of `/`.
    pub host_root: Option<PathBuf>,
    pub max_connections: Option<usize>,
    pub statement_timeout_ms: Option<u64>,
    /// A configuration file to load (and reload on change), as `--config`.
    pub config_file: Option<PathBuf>,
    /// Tables served besides the built-in ones.
    pub extra_tables: Vec<Arc<dyn hostgres_catalog::Table>>,
    /// More configuration, as TOML (users, roles, hba, tls, limits...); the
    /// listen address, state directory and socket directory are the test's.
    pub toml: Option<String>,
}

/// A running server; dropping it shuts it down and removes its state directory.
pub struct TestServer {
    pub addr: SocketAddr,
    /// The directory of the Unix socket (`psql -h <dir> -p <port>`).
    pub socket_dir: PathBuf,
    /// The state directory (the self-signed certificate is in `tls/`).
    pub state_dir: PathBuf,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    _state: tempfile::TempDir,
}

impl TestServer {
    /// A server reading the live host.
    pub fn start() -> TestServer {
        TestServer::start_with(Options::default())
    }

    /// A server configured by `options`.
    pub fn start_with(options: Options) -> TestServer {
        let state = tempfile::tempdir().expect("state dir");
        let mut raw = match (&options.config_file, &options.toml) {
            (Some(f), _) => {
                RawConfig::load(Some(f), std::iter::empty()).expect("test config loads")
            }
            (None, Some(text)) => RawConfig::from_toml(text).expect("test configuration parses"),
            (None, None) => RawConfig::default(),
        };
        let state_dir = state.path().join("state");
        let socket_dir = state.path().join("run");
        raw.listen = Some("127.0.0.1:0".to_owned());
        raw.state_dir = Some(state_dir.clone());
        raw.unix_socket.directory = Some(socket_dir.clone());
        if options.host_root.is_some() {
            raw.host_root = options.host_root;
        }
        if options.max_connections.is_some() {
            raw.limits.max_connections = options.max_connections;
        }
        if options.statement_timeout_ms.is_some() {
            raw.limits.statement_timeout_ms = options.statement_timeout_ms;
        }
        // The audit trail of a test server is its own business.
        if raw.audit.destination.is_none() {
            raw.audit.destination = Some("off".to_owned());
        }
        let mut config = raw.validate().expect("valid test config");
        config.sources.file = options.config_file;
        let extra_tables = options.extra_tables;
        let (addr_tx, addr_rx) = mpsc::channel();
        let (shutdown_tx, shutdown_rx) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("hostgres-test-server".to_owned())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("runtime");
                runtime.block_on(async move {
                    let (server, _) =
                        hostgres_server::prepare_with(config, Some(PASSWORD), extra_tables)
                            .await
                            .expect("server starts");
                    addr_tx.send(server.local_addr()).expect("report address");
                    server
                        .serve(async {
                            let _ = shutdown_rx.await;
                        })
                        .await;
                });
            })
            .expect("server thread");
        let addr = addr_rx
            .recv_timeout(Duration::from_secs(30))
            .expect("server reports its address");
        TestServer {
            addr,
            socket_dir,
            state_dir,
            shutdown: Some(shutdown_tx),
            thread: Some(thread),
            _state: state,
        }
    }

    /// A libpq connection string for user `hostgres`.
    pub fn conninfo(&self) -> String {
        format!(
            "host={} port={} user=hostgres password={PASSWORD} dbname=hostgres",
            self.addr.ip(),
            self.addr.port()
        )
    }

    /// A connected tokio-postgres client; its connection task runs on the caller's runtime.
    pub async fn client(&self) -> tokio_postgres::Client {
        let (client, connection) = tokio_postgres::connect(&self.conninfo(), tokio_postgres::NoTls)
            .await
            .expect("tokio-postgres connects");
        tokio::spawn(async move {
            let _ = connection.await;
        });
        client
    }

    /// Runs `psql` against the server with `args` (after the connection string).
    pub fn psql(&self, args: &[&str]) -> Output {
        Command::new("psql")
            .arg(format!(
                "host={} port={} user=hostgres dbname=hostgres",
                self.addr.ip(),
                self.addr.port()
            ))
            .args(["-X", "-v", "ON_ERROR_STOP=1"])
            .args(args)
            .env("PGPASSWORD", PASSWORD)
            .env("PGCONNECT_TIMEOUT", "10")
            .output()
            .expect("psql runs (install postgresql-client)")
    }

    /// Runs `psql` and returns its stdout, failing the test on a non-zero exit.
    pub fn psql_ok(&self, args: &[&str]) -> String {
        let out = self.psql(args);
        assert!(
            out.status.success(),
            "psql {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 output")
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A protocol 3.0 startup packet for `user` on database `hostgres`, for tests
/// that speak the wire protocol by hand.
pub fn startup_packet(user: &str) -> Vec<u8> {
    let mut body = 196_608i32.to_be_bytes().to_vec();
    for s in ["user", user, "database", "hostgres"] {
        body.extend_from_slice(s.as_bytes());
        body.push(0);
    }
    body.push(0);
    let mut packet = ((body.len() + 4) as i32).to_be_bytes().to_vec();
    packet.extend(body);
    packet
}
