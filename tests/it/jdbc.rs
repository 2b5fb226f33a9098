//! pgjdbc, the PostgreSQL JDBC driver (Debian's `libpostgresql-jdbc-java`),
//! runs `tests/clients/jdbc/HostgresJdbc.java` against a server reading the
//! `basic` fixture host: prepared statements that pgjdbc prepares on the
//! server, result set types, DatabaseMetaData and SQLSTATEs.

use std::path::PathBuf;
use std::process::Command;

use hostgres_catalog::{ColumnType, Namespace, tables};
use hostgres_tests::{Options, PASSWORD, TestServer};

/// The driver jar: `HOSTGRES_JDBC_JAR`, else where Debian installs it.
fn driver_jar() -> PathBuf {
    std::env::var_os("HOSTGRES_JDBC_JAR").map_or_else(
        || PathBuf::from("/usr/share/java/postgresql.jar"),
        PathBuf::from,
    )
}

/// Runs the Java program (as a single-file source) and returns its lines, split on tabs.
fn run_program(server: &TestServer) -> Vec<Vec<String>> {
    let program = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("clients/jdbc/HostgresJdbc.java");
    let jar = driver_jar();
    assert!(
        jar.exists(),
        "{} is missing: apt-get install libpostgresql-jdbc-java",
        jar.display()
    );
    let url = format!(
        "jdbc:postgresql://{}:{}/hostgres?prepareThreshold=1&ApplicationName=hostgres-jdbc-test",
        server.addr.ip(),
        server.addr.port()
    );
    let out = Command::new("java")
        // Timestamps print in the session time zone, which pgjdbc sets from the JVM's.
        .arg("-Duser.timezone=UTC")
        .arg("-cp")
        .arg(&jar)
        .arg(&program)
        .args([&url, "hostgres", PASSWORD])
        .output()
        .expect("java runs (install a JDK, e.g. default-jdk-headless)");
    let stdout = String::from_utf8(out.stdout).expect("utf-8 output");
    assert!(
        out.status.success(),
        "HostgresJdbc failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect()
}

/// The lines whose first field is `tag`, without it.
fn tagged<'a>(lines: &'a [Vec<String>], tag: &str) -> Vec<Vec<&'a str>> {
    lines
        .iter()
        .filter(|l| l[0] == tag)
        .map(|l| l[1..].iter().map(String::as_str).collect())
        .collect()
}

/// pgjdbc's TYPE_NAME and `java.sql.Types` code for a host table column.
fn jdbc_type(ty: ColumnType) -> (&'static str, &'static str) {
    match ty {
        ColumnType::BigInt | ColumnType::UnsignedBigInt => ("int8", "-5"),
        ColumnType::Integer => ("int4", "4"),
        ColumnType::Double => ("float8", "8"),
        ColumnType::Text => ("text", "12"),
        other => panic!("no JDBC expectation for {other:?}"),
    }
}

#[test]
fn pgjdbc_queries_and_reads_metadata() {
    let server = TestServer::start_with(Options {
        host_root: Some(hostgres_tests::fixture_root("basic")),
        ..Options::default()
    });
    let lines = run_program(&server);

    // Prepared statements: an int parameter, then a string and a long one;
    // from the first execution pgjdbc uses a named server-side statement.
    let expected: Vec<Vec<String>> = (0..3)
        .map(|round| {
            vec![
                round.to_string(),
                "733".into(),
                "redis-server".into(),
                "1".into(),
            ]
        })
        .collect();
    assert_eq!(tagged(&lines, "by_pid"), expected);
    assert_eq!(tagged(&lines, "server_prepared"), [["true"]]);
    assert_eq!(
        tagged(&lines, "by_name"),
        [["0", "1"], ["1", "1"], ["2", "1"]]
    );

    // Result set types, as named by pgjdbc and as Java objects.
    for round in ["0", "1"] {
        let types: Vec<Vec<&str>> = tagged(&lines, "type")
            .into_iter()
            .filter(|l| l[0] == round)
            .map(|l| l[1..].to_vec())
            .collect();
        assert_eq!(
            types,
            [
                vec!["i4", "int4", "4", "Integer", "7"],
                vec!["i8", "int8", "-5", "Long", "8"],
                vec!["f8", "float8", "8", "Double", "1.5"],
                vec!["t", "text", "12", "String", "x"],
                vec!["b", "bool", "-7", "Boolean", "t"],
                vec!["d", "date", "91", "Date", "2024-01-02"],
                vec![
                    "ts",
                    "timestamptz",
                    "93",
                    "Timestamp",
                    "2024-01-02 03:04:05+00"
                ],
                vec!["pid", "int8", "-5", "Long", "1"],
            ],
            "round {round}"
        );
    }
    // pgjdbc finds a column's base table by the table OID and attribute
    // number in RowDescription; it does not report the schema.
    assert_eq!(
        tagged(&lines, "base_table"),
        [["0", "processes", ""], ["1", "processes", ""]]
    );

    // DatabaseMetaData.
    assert_eq!(tagged(&lines, "product"), [["PostgreSQL", "15"]]);
    let schemas: Vec<&str> = tagged(&lines, "schema").iter().map(|l| l[0]).collect();
    assert_eq!(
        schemas,
        ["hostgres", "information_schema", "pg_catalog", "public"]
    );
    // The host tables, and the scheduler's introspection tables.
    let mut host_tables: Vec<&str> = tables::ALL
        .iter()
        .filter(|t| t.namespace() == Namespace::Public)
        .map(|t| t.schema().name)
        .chain([
            "osquery_flags",
            "osquery_info",
            "osquery_packs",
            "osquery_schedule",
        ])
        .collect();
    host_tables.sort_unstable();
    let listed: Vec<Vec<&str>> = tagged(&lines, "table");
    let expected: Vec<Vec<&str>> = host_tables
        .iter()
        .map(|t| vec!["public", *t, "TABLE"])
        .collect();
    assert_eq!(listed, expected);

    let processes = tables::ALL
        .iter()
        .find(|t| t.schema().name == "processes")
        .expect("processes table")
        .schema();
    let columns: Vec<Vec<String>> = processes
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let (name, code) = jdbc_type(c.ty);
            vec![
                (i + 1).to_string(),
                c.name.to_owned(),
                name.to_owned(),
                code.to_owned(),
                "YES".to_owned(),
                "true".to_owned(),
            ]
        })
        .collect();
    assert_eq!(tagged(&lines, "column"), columns);
    // pgjdbc's getPrimaryKeys expands `information_schema._pg_expandarray(i.indkey)`
    // in a subquery's select list and selects its fields, `(result.KEYS).x`;
    // hostgres' tables have no primary key, so the result is empty.
    assert_eq!(
        tagged(&lines, "primary_keys"),
        [[
            "0",
            "table_cat,table_schem,table_name,column_name,key_seq,pk_name"
        ]]
    );

    // getIndexInfo reads `(i.keys).n` of a subquery's `_pg_expandarray(i.indkey) AS keys`.
    assert_eq!(tagged(&lines, "index_info"), [["0", "13"]]);

    // Errors carry PostgreSQL's SQLSTATE, and the connection survives them.
    assert_eq!(tagged(&lines, "error"), [["42P01"]]);
    assert_eq!(tagged(&lines, "after_error"), [["5"]]);
}
