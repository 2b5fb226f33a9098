//! The `hostgres` binary as users run it: the daemon started unattended, the
//! banner's connection command, and the console commands.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_hostgres");

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/hosts/basic")
}

/// A daemon child process, terminated when dropped.
struct Daemon {
    child: Child,
    banner: Vec<String>,
}

impl Daemon {
    fn start(state_dir: &std::path::Path, password: Option<&str>) -> Daemon {
        let mut cmd = Command::new(BIN);
        cmd.args(["serve", "--listen", "127.0.0.1:0", "--state-dir"])
            .arg(state_dir)
            .env_remove("HOSTGRES_PASSWORD")
            .env("HOSTGRES_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if let Some(p) = password {
            cmd.env("HOSTGRES_PASSWORD", p);
        }
        let mut child = cmd.spawn().expect("start hostgres serve");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let mut banner = Vec::new();
        // The banner ends with the line that names the password's source.
        for line in lines.by_ref() {
            let line = line.expect("banner line");
            let done = line.starts_with("The password") || line.trim_start().starts_with("psql");
            banner.push(line);
            if done && banner.iter().any(|l| l.contains("psql")) {
                break;
            }
        }
        Daemon { child, banner }
    }

    /// The `psql ...` command line the banner prints.
    fn connect_command(&self) -> String {
        self.banner
            .iter()
            .find(|l| l.contains("psql \""))
            .map(|l| l.trim().to_owned())
            .unwrap_or_else(|| panic!("no psql line in {:?}", self.banner))
    }

    fn terminate(mut self) -> std::process::ExitStatus {
        let pid = i32::try_from(self.child.id()).expect("pid");
        // SAFETY-free: `kill` via the command-line tool keeps the test in safe Rust.
        Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .expect("kill");
        self.child.wait().expect("wait")
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn serve_with_hostgres_password_starts_unattended_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let daemon = Daemon::start(&dir.path().join("state"), Some("pw-from-env"));
    let cmd = daemon.connect_command();
    assert!(cmd.starts_with("psql \"host=127.0.0.1 port="), "{cmd}");
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("{cmd} -XAtc 'SELECT count(*) FROM load_average'"))
        .env("PGPASSWORD", "pw-from-env")
        .output()
        .expect("psql");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "3");
    assert!(daemon.terminate().success());
}

#[test]
fn first_start_generates_a_password_and_the_banner_command_connects() {
    let dir = tempfile::tempdir().expect("tempdir");
    let state = dir.path().join("state");
    let daemon = Daemon::start(&state, None);
    let cmd = daemon.connect_command();
    assert!(cmd.starts_with("PGPASSFILE="), "{cmd}");
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("{cmd} -XAtc 'SELECT 1'"))
        .env_remove("PGPASSWORD")
        .output()
        .expect("psql");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "1");
    let mode = std::fs::metadata(state.join("pgpass"))
        .expect("pgpass")
        .permissions();
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777,
        0o600
    );
    drop(daemon);
}

#[test]
fn query_runs_in_process_in_every_format() {
    let run = |format: &str| {
        let out = Command::new(BIN)
            .args([
                "query",
                "SELECT period, average FROM load_average",
                "--format",
                format,
                "--host-root",
            ])
            .arg(fixture())
            .output()
            .expect("hostgres query");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8")
    };
    assert_eq!(run("csv"), "period,average\n1m,0.52\n5m,0.58\n15m,0.59\n");
    assert_eq!(
        run("table"),
        "+--------+---------+\n| period | average |\n+--------+---------+\n| 1m     | 0.52    |\n| 5m     | 0.58    |\n| 15m    | 0.59    |\n+--------+---------+\n"
    );
    assert_eq!(
        run("line"),
        " period = 1m\naverage = 0.52\n\n period = 5m\naverage = 0.58\n\n period = 15m\naverage = 0.59\n"
    );
    let json: Vec<std::collections::BTreeMap<String, String>> =
        serde_json::from_str(&run("json")).expect("json");
    assert_eq!(json[2]["average"], "0.59");
}

#[test]
fn query_errors_exit_non_zero_with_a_hint() {
    let out = Command::new(BIN)
        .args(["query", "SELECT * FROM proceses"])
        .output()
        .expect("hostgres query");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("relation \"proceses\" does not exist"),
        "{err}"
    );
    assert!(err.contains("\"processes\""), "{err}");
}

#[test]
fn tables_lists_columns() {
    let out = Command::new(BIN)
        .args(["tables", "load_average"])
        .output()
        .expect("tables");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("load_average  "), "{text}");
    assert!(text.contains("  period "), "{text}");
    let missing = Command::new(BIN)
        .args(["tables", "nope"])
        .output()
        .expect("tables");
    assert!(!missing.status.success());
}

#[test]
fn shell_reads_dot_commands_and_multi_line_statements() {
    let mut child = Command::new(BIN)
        .args(["shell", "--host-root"])
        .arg(fixture())
        .env("HOME", std::env::temp_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("shell");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b".tables load\n.mode csv\nSELECT period\n  FROM load_average\n  WHERE period = '5m';\n.schema load_average\n.quit\n")
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("  => load_average"), "{text}");
    assert!(text.contains("period\n5m\n"), "{text}");
    assert!(
        text.contains("CREATE TABLE load_average(`period` TEXT, `average` TEXT);"),
        "{text}"
    );
}

#[test]
fn config_with_an_unknown_key_is_refused_naming_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("bad.toml");
    std::fs::write(
        &file,
        "listen = \"127.0.0.1:0\"\n[limits]\nmax_conections = 3\n",
    )
    .expect("write");
    let out = Command::new(BIN)
        .args(["serve", "--config"])
        .arg(&file)
        .output()
        .expect("serve");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("max_conections"), "{err}");
}
