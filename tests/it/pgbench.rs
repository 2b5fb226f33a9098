//! pgbench in its three query modes (simple, extended, prepared) with a
//! custom script that sets a variable and queries with it: every
//! transaction completes and none fails.

use std::process::Command;

use hostgres_tests::{PASSWORD, TestServer};

const SCRIPT: &str =
    "\\set v random(1, 400)\nSELECT pid, name FROM processes WHERE pid = :v;\nSELECT 1;\n";

#[test]
fn every_mode_completes_without_failures() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("bench.sql");
    std::fs::write(&script, SCRIPT).expect("write the script");
    for mode in ["simple", "extended", "prepared"] {
        let out = Command::new("pgbench")
            .args(["-h", &server.addr.ip().to_string()])
            .args(["-p", &server.addr.port().to_string()])
            .args(["-U", "hostgres", "-n", "-c", "2", "-j", "2", "-t", "50"])
            .args(["-M", mode, "-f"])
            .arg(&script)
            .arg("hostgres")
            .env("PGPASSWORD", PASSWORD)
            .output()
            .expect("pgbench runs (install postgresql-contrib or postgresql)");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "pgbench -M {mode}: {stdout}{stderr}");
        assert!(
            stdout.contains(&format!("query mode: {mode}\n")),
            "{stdout}"
        );
        assert!(
            stdout.contains("number of transactions actually processed: 100/100\n"),
            "pgbench -M {mode}: {stdout}{stderr}"
        );
        assert!(
            stdout.contains("number of failed transactions: 0 (0.000%)\n"),
            "pgbench -M {mode}: {stdout}{stderr}"
        );
    }
}
