//! Client libraries of other languages (Python, Node.js) run against a
//! [`TestServer`]: each test runs a script under `tests/clients/` with the
//! libpq connection variables set, and compares what it printed.
//!
//! A missing interpreter or library fails the test with the command that
//! installs it (the line in `.ci/run`), so a client test never passes
//! without having run its client.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{PASSWORD, TestServer};

/// The virtual environment `.ci/run` installs the Python clients into.
const CI_VENV_PYTHON: &str = "/opt/hostgres-ci/venv/bin/python";

/// `tests/clients/<sub>`: the scripts and their package manifests.
pub fn clients_dir(sub: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("clients")
        .join(sub)
}

/// The Python that runs the client scripts: `CLIENT_TESTS_PYTHON`, else the
/// virtual environment `.ci/run` creates when it exists, else `python3`.
pub fn python() -> String {
    if let Ok(p) = std::env::var("CLIENT_TESTS_PYTHON") {
        return p;
    }
    if Path::new(CI_VENV_PYTHON).exists() {
        return CI_VENV_PYTHON.to_owned();
    }
    "python3".to_owned()
}

/// The Node.js that runs the client scripts: `CLIENT_TESTS_NODE`, else `node`.
pub fn node() -> String {
    std::env::var("CLIENT_TESTS_NODE").unwrap_or_else(|_| "node".to_owned())
}

/// A program with its arguments and working directory.
pub struct Script<'a> {
    pub program: &'a str,
    pub args: &'a [&'a str],
    pub dir: &'a Path,
}

impl Script<'_> {
    fn command(&self) -> Command {
        let mut cmd = Command::new(self.program);
        cmd.args(self.args).current_dir(self.dir);
        // No bytecode caches in the source tree, and no user settings that
        // would point a client somewhere else.
        cmd.env("PYTHONDONTWRITEBYTECODE", "1");
        for var in [
            "PGSERVICE",
            "PGSERVICEFILE",
            "PGPASSFILE",
            "PGOPTIONS",
            "PGSSLMODE",
        ] {
            cmd.env_remove(var);
        }
        cmd
    }

    /// Fails the test unless this probe (e.g. `python -c "import psycopg2"`)
    /// succeeds; `install` is the command that installs what it probes.
    pub fn require(&self, what: &str, install: &str) {
        let out = self.command().output();
        let detail = match &out {
            Ok(o) if o.status.success() => return,
            Ok(o) => String::from_utf8_lossy(&o.stderr).into_owned(),
            Err(e) => e.to_string(),
        };
        panic!(
            "{what} is not available to `{}` ({detail}).\n\
             .ci/run installs it with: {install}",
            self.program
        );
    }

    /// Runs the script against `server` and returns its standard output,
    /// failing the test if it exits non-zero.
    pub fn run(&self, server: &TestServer) -> String {
        let out = self
            .command()
            .env("PGHOST", server.addr.ip().to_string())
            .env("PGPORT", server.addr.port().to_string())
            .env("PGUSER", "hostgres")
            .env("PGPASSWORD", PASSWORD)
            .env("PGDATABASE", "hostgres")
            .env("PGCONNECT_TIMEOUT", "10")
            .output()
            .unwrap_or_else(|e| panic!("{} {:?} cannot start: {e}", self.program, self.args));
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "{} {:?} failed ({}).\nstdout:\n{stdout}\nstderr:\n{}",
            self.program,
            self.args,
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    }
}
