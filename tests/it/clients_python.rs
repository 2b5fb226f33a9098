//! Python client libraries against hostgres: psycopg2, psycopg 3 and
//! SQLAlchemy 2 (with both drivers) run the scripts in `tests/clients/python/`,
//! which check what the library returns; the test compares their output.

use hostgres_tests::clients::{Script, clients_dir, python};
use hostgres_tests::{Options, TestServer, fixture_root};

/// How `.ci/run` installs the Python clients.
const INSTALL: &str = "python3 -m venv /opt/hostgres-ci/venv && \
    /opt/hostgres-ci/venv/bin/pip install -r tests/clients/python/requirements.txt \
    (tests use CLIENT_TESTS_PYTHON, else that venv, else python3)";

fn fixture_server() -> TestServer {
    TestServer::start_with(Options {
        host_root: Some(fixture_root("basic")),
        ..Options::default()
    })
}

/// Runs `script args` with the Python that has `modules`, against `server`.
fn run(server: &TestServer, modules: &str, args: &[&str]) -> String {
    let python = python();
    let dir = clients_dir("python");
    let import = format!("import {modules}");
    Script {
        program: &python,
        args: &["-c", &import],
        dir: &dir,
    }
    .require(&format!("Python module(s) {modules}"), INSTALL);
    Script {
        program: &python,
        args,
        dir: &dir,
    }
    .run(server)
}

#[test]
fn psycopg2_parameters_named_cursors_transactions_and_errors() {
    let server = fixture_server();
    let out = run(&server, "psycopg2", &["psycopg2_client.py", "fixture"]);
    assert_eq!(
        out,
        r#"scalars: (42, 2.5, "it's", True, None)
datetime: (datetime.datetime(2024, 1, 2, 3, 4, 5), datetime.date(2024, 2, 29))
list: [1, 2, 3]
any: [(1, 'systemd'), (733, 'redis-server')]
named: [('redis-server',)]
fetchmany: [(1, 'systemd'), (2, 'kthreadd')]
columns: ['pid', 'name']
iterate: [733, 1207, 2045]
cursor_param: (3,)
isolation: ('repeatable read',)
in_transaction: True
count: (5,)
idle_after_commit: True
missing_table: '42P01'
aborted: True
write: '25006'
usable: ('nginx',)
"#
    );
}

#[test]
fn psycopg2_repeatable_read_keeps_its_snapshot() {
    let server = TestServer::start();
    let out = run(&server, "psycopg2", &["psycopg2_client.py", "snapshot"]);
    assert_eq!(
        out,
        "before: (0,)\nsame_transaction: (0,)\nnext_transaction: (1,)\n"
    );
}

#[test]
fn psycopg3_prepared_binary_and_copy() {
    let server = fixture_server();
    let out = run(&server, "psycopg", &["psycopg3_client.py"]);
    assert_eq!(
        out,
        r#"prepared_733: [(733, 'redis-server')]
prepared_2045: [(2045, 'nginx')]
prepared_1: [(1, 'systemd')]
threshold_zero: [(2,)]
large_count: 5000
large_order: True
large_last: True
binary_scalars: (1099511627776, 0.25, 'héllo', False, -7, [3, 1, 2])
binary_timestamptz: '2024-01-02T03:04:05+00:00'
binary_date: datetime.date(2000, 2, 29)
binary_bytea: b'\x00\xffab'
binary_table: [(2045, 'nginx', 2020)]
binary_format: 1
execute_named: ('redis-server',)
execute_concat: ('hostgres',)
copy_text: '1\tsystemd\n2\tkthreadd\n733\tredis-server\n'
copy_csv: 'pid,name\n1207,python3\n2045,nginx\n'
copy_binary: [(1, 'systemd'), (2, 'kthreadd')]
copy_binary_count: 5
missing_table: '42P01'
write: '25006'
runtime_error: '22000'
after_runtime_error: (12,)
usable: (1,)
"#
    );
}

/// What the SQLAlchemy script prints with either driver.
const SQLALCHEMY_OUT: &str = "tables: ['processes', 'users', 'listening_ports', 'mounts']
columns: [('pid', 'BIGINT'), ('name', 'TEXT'), ('path', 'TEXT'), ('cmdline', 'TEXT')]
schemas: ['public', 'information_schema']
default_schema: 'public'
pk_constraint: (None, [])
indexes: []
unique_constraints: []
foreign_keys: []
reflected: (['pid', 'name', 'path', 'cmdline'], [], 0)
core_select: [(733, 'redis-server'), (1207, 'python3')]
text: [('nginx',)]
srf: [('redis-server', 733, 1), ('redis-server', 1, 2)]
scalar: 1
";

#[test]
fn sqlalchemy_with_psycopg2_reflects_and_queries() {
    let server = fixture_server();
    let out = run(
        &server,
        "sqlalchemy, psycopg2",
        &["sqlalchemy_client.py", "psycopg2"],
    );
    assert_eq!(out, SQLALCHEMY_OUT);
}

#[test]
fn sqlalchemy_with_psycopg3_reflects_and_queries() {
    let server = fixture_server();
    let out = run(
        &server,
        "sqlalchemy, psycopg",
        &["sqlalchemy_client.py", "psycopg"],
    );
    assert_eq!(out, SQLALCHEMY_OUT);
}
