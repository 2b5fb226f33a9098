//! A real PostgreSQL server for tests that need one (postgres_fdw, pgbench's
//! reference): a fresh cluster initialised in a temporary directory, trust
//! authentication, listening on a free loopback port and on a Unix socket in
//! that directory; stopped and removed when dropped, also when a test fails.
//!
//! As root, PostgreSQL refuses to run, so the cluster then belongs to the
//! `postgres` user and its programs run through `runuser`.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The newest installed PostgreSQL's programs (`initdb`, `pg_ctl`), from
/// `PG_BINDIR` or Debian's `/usr/lib/postgresql/<version>/bin`.
pub fn bin_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("PG_BINDIR") {
        return PathBuf::from(dir);
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is installed (apt-get install postgresql)")
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|p| p.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop().expect("an initdb under /usr/lib/postgresql")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

/// A running cluster; dropping it stops it (fast shutdown) and removes it.
pub struct Postgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    as_root: bool,
    pub port: u16,
}

impl Postgres {
    /// Initialises and starts a cluster; returns once it accepts connections
    /// (`pg_ctl start -w` waits for that).
    pub fn start() -> Postgres {
        let dir = tempfile::tempdir().expect("tempdir");
        let as_root = is_root();
        if as_root {
            let chown = Command::new("chown")
                .arg("postgres:postgres")
                .arg(dir.path())
                .status()
                .expect("chown runs");
            assert!(chown.success(), "chown postgres failed");
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let pg = Postgres {
            dir,
            bin: bin_dir(),
            as_root,
            port,
        };
        let data = pg.data();
        pg.run("initdb", |c| {
            c.args(["-A", "trust", "-U", "postgres", "--no-sync", "-D"])
                .arg(&data);
        });
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            pg.dir.path().display()
        );
        let log = pg.dir.path().join("postgres.log");
        pg.run("pg_ctl", |c| {
            c.args(["-w", "-t", "60", "-D"])
                .arg(&data)
                .arg("-l")
                .arg(&log)
                .args(["-o", &options, "start"]);
        });
        pg
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The directory of the cluster's Unix socket.
    pub fn socket_dir(&self) -> &Path {
        self.dir.path()
    }

    /// Runs one of PostgreSQL's programs as the cluster's owner and fails the
    /// test if it fails.
    fn run(&self, program: &str, args: impl FnOnce(&mut Command)) {
        let path = self.bin.join(program);
        let mut command = if self.as_root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&path);
            c
        } else {
            Command::new(&path)
        };
        args(&mut command);
        let out = command
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("{} runs: {e}", path.display()));
        assert!(
            out.status.success(),
            "{program} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// A libpq connection string for the superuser `postgres`, over TCP.
    pub fn conninfo(&self) -> String {
        format!(
            "host=127.0.0.1 port={} user=postgres dbname=postgres",
            self.port
        )
    }

    /// Runs `psql` on the cluster's Unix socket with `args`.
    pub fn psql<I, S>(&self, args: I) -> Output
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        Command::new("psql")
            .arg("-h")
            .arg(self.socket_dir())
            .args([
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
                "-d",
                "postgres",
            ])
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1"])
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("psql runs (install postgresql-client)")
    }

    /// Runs `sql` (one or more statements) through `psql -At` and returns its
    /// output, failing the test if psql fails.
    pub fn sql(&self, sql: &str) -> String {
        let out = self.psql(["-At", "-c", sql]);
        assert!(
            out.status.success(),
            "PostgreSQL failed on {sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 output")
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let path = self.bin.join("pg_ctl");
        let mut command = if self.as_root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&path);
            c
        } else {
            Command::new(&path)
        };
        // Fast shutdown, waited for by pg_ctl; the TempDir then removes the cluster.
        let _ = command
            .args(["-w", "-t", "60", "-m", "fast", "-D"])
            .arg(self.data())
            .arg("stop")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}
