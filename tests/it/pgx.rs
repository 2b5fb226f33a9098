//! Go's pgx (Debian's `golang-github-jackc-pgx-v4-dev`, built in GOPATH mode
//! without network) runs `tests/clients/go/hostgres_pgx.go` against a server
//! reading the `basic` fixture host: ping, QueryRow with an int8 parameter,
//! Query over processes, binary arrays, and an array type loaded from
//! pg_type as pgx's LoadType does.

use std::path::{Path, PathBuf};
use std::process::Command;

use hostgres_tests::{Options, PASSWORD, TestServer};

/// Where Debian installs Go library sources: `HOSTGRES_GO_PATH`, else `/usr/share/gocode`.
fn system_gopath() -> PathBuf {
    std::env::var_os("HOSTGRES_GO_PATH")
        .map_or_else(|| PathBuf::from("/usr/share/gocode"), PathBuf::from)
}

/// Builds the Go program into `dir` and returns the binary's path.
fn build_program(dir: &Path) -> PathBuf {
    let source = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("clients/go/hostgres_pgx.go");
    let gopath = system_gopath();
    assert!(
        gopath.join("src/github.com/jackc/pgx/v4").is_dir(),
        "pgx v4 is missing under {}: apt-get install golang-go golang-github-jackc-pgx-v4-dev",
        gopath.display()
    );
    let binary = dir.join("hostgres_pgx");
    let mut go = Command::new("go");
    go.arg("build")
        .arg("-o")
        .arg(&binary)
        .arg(&source)
        .env("GO111MODULE", "off")
        .env(
            "GOPATH",
            std::env::join_paths([dir.join("gopath"), gopath]).expect("GOPATH"),
        )
        .env_remove("GOFLAGS");
    // Go needs a build cache; without a home directory, keep it in the temp dir.
    if std::env::var_os("GOCACHE").is_none()
        && std::env::var_os("HOME").is_none()
        && std::env::var_os("XDG_CACHE_HOME").is_none()
    {
        go.env("GOCACHE", dir.join("gocache"));
    }
    let out = go.output().expect("go runs (apt-get install golang-go)");
    assert!(
        out.status.success(),
        "go build failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    binary
}

#[test]
fn pgx_queries_and_loads_array_types() {
    let server = TestServer::start_with(Options {
        host_root: Some(hostgres_tests::fixture_root("basic")),
        ..Options::default()
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let binary = build_program(dir.path());
    let conninfo = format!(
        "postgres://hostgres:{PASSWORD}@{}:{}/hostgres?sslmode=disable",
        server.addr.ip(),
        server.addr.port()
    );
    let out = Command::new(&binary)
        .arg(&conninfo)
        .output()
        .expect("program runs");
    let stdout = String::from_utf8(out.stdout).expect("utf-8 output");
    assert!(
        out.status.success(),
        "hostgres_pgx failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "by_pid\tredis-server\t1",
            "process\t1\tsystemd\t0",
            "process\t2\tkthreadd\t0",
            "process\t733\tredis-server\t104",
            "process\t1207\tpython3\t1000",
            "process\t2045\tnginx\t0",
            // pgx asks for binary results (format 1) except for text.
            "field\tpid\t20\t1",
            "field\tname\t25\t0",
            "field\tuid\t20\t1",
            "field\tstart_time\t20\t1",
            "int8_array\t[3 1 2]",
            "text_array\tsystemd,redis-server",
            "loaded\t_int4\t1007\tb\t0",
            "element\t_int4\t23\tint4",
            "int4_array\t1007\t1007\t[4 5]",
            "error\t42P01",
        ]
    );
}
