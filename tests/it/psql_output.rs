//! psql's output features against the fixture host, with exact content:
//! expanded display (`\x`), `\copy (SELECT ...) TO file` in csv and text,
//! `--csv`, and tab completion of table names (psql's own completion
//! query, and readline completion in a terminal).

use std::io::Write;
use std::process::{Command, Stdio};

use hostgres_tests::{Options, PASSWORD, TestServer, fixture_root};

fn fixture_server() -> TestServer {
    TestServer::start_with(Options {
        host_root: Some(fixture_root("basic")),
        ..Options::default()
    })
}

#[test]
fn expanded_display() {
    let server = fixture_server();
    let out = server.psql_ok(&[
        "-c",
        "\\x on",
        "-c",
        "SELECT username, uid, directory FROM users WHERE uid < 2 ORDER BY uid",
    ]);
    assert_eq!(
        out,
        "Expanded display is on.\n\
         -[ RECORD 1 ]--------\n\
         username  | root\n\
         uid       | 0\n\
         directory | /root\n\
         -[ RECORD 2 ]--------\n\
         username  | daemon\n\
         uid       | 1\n\
         directory | /usr/sbin\n\n"
    );
}

#[test]
fn copy_to_file_in_csv_and_text() {
    let server = fixture_server();
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("users.csv");
    let text = dir.path().join("users.txt");
    let query =
        "SELECT username, uid, shell, 'a,b\tc' AS odd FROM users WHERE uid < 2 ORDER BY uid";
    server.psql_ok(&[
        "-c",
        &format!(
            "\\copy ({query}) to '{}' with (format csv, header)",
            csv.display()
        ),
        "-c",
        &format!("\\copy ({query}) to '{}'", text.display()),
    ]);
    assert_eq!(
        std::fs::read_to_string(&csv).expect("csv file"),
        "username,uid,shell,odd\n\
         root,0,/bin/bash,\"a,b\tc\"\n\
         daemon,1,/usr/sbin/nologin,\"a,b\tc\"\n"
    );
    assert_eq!(
        std::fs::read_to_string(&text).expect("text file"),
        "root\t0\t/bin/bash\ta,b\\tc\n\
         daemon\t1\t/usr/sbin/nologin\ta,b\\tc\n"
    );
}

#[test]
fn csv_output_quotes_like_postgresql() {
    let server = fixture_server();
    let out = server.psql_ok(&[
        "--csv",
        "-c",
        "SELECT username, directory, 'say \"hi\", twice' AS quote, NULL AS nothing FROM users WHERE uid IN (0, 1) ORDER BY uid",
    ]);
    assert_eq!(
        out,
        "username,directory,quote,nothing\n\
         root,/root,\"say \"\"hi\"\", twice\",\n\
         daemon,/usr/sbin,\"say \"\"hi\"\", twice\",\n"
    );
}

/// psql 15's completion query after `FROM proc` (tab-complete.c's
/// `Query_for_list_of_selectables` with the schema alternatives), as it
/// sends it.
const COMPLETION_QUERY: &str = "SELECT c.relname, NULL::pg_catalog.text FROM pg_catalog.pg_class c WHERE c.relkind IN ('r', 'S', 'v', 'm', 'f', 'p') AND (c.relname) LIKE 'proc%' AND pg_catalog.pg_table_is_visible(c.oid) AND c.relnamespace <> (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = 'pg_catalog')\n\tUNION ALL\n\tSELECT NULL::pg_catalog.text, n.nspname FROM pg_catalog.pg_namespace n WHERE n.nspname LIKE 'proc%' AND n.nspname NOT LIKE E'pg\\\\_%'\n\tLIMIT 1000";

#[test]
fn tab_completion_query_lists_tables() {
    let server = fixture_server();
    let out = server.psql_ok(&["-At", "-F", ",", "-c", COMPLETION_QUERY]);
    let mut names: Vec<&str> = out.lines().collect();
    names.sort_unstable();
    assert_eq!(
        names,
        ["process_open_files,", "process_open_sockets,", "processes,"]
    );
}

#[test]
fn tab_completes_a_table_name_in_a_terminal() {
    let server = fixture_server();
    // `script` gives psql a terminal, so readline completes `listen<TAB>`.
    let psql = format!(
        "psql -X -P pager=off 'host={} port={} user=hostgres dbname=hostgres'",
        server.addr.ip(),
        server.addr.port()
    );
    let mut child = Command::new("script")
        .args(["-q", "-e", "-c", &psql, "/dev/null"])
        .env("PGPASSWORD", PASSWORD)
        .env("TERM", "dumb")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script runs (util-linux)");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"SELECT count(*) FROM listen\t;\n\\q\n")
        .expect("type into psql");
    let out = child.wait_with_output().expect("psql ends");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("SELECT count(*) FROM listening_ports ;"),
        "{stdout}"
    );
    assert!(stdout.contains("(1 row)"), "{stdout}");
}
