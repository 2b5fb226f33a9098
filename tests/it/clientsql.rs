//! The client catalog corpus in `tests/fixtures/clientsql/`: every statement
//! DBeaver, Metabase, pgAdmin, Grafana, pgx and tokio-postgres send while
//! connecting and browsing, replayed in file order on one session, each
//! through the simple protocol and again as a prepared statement with binary
//! results (as pgjdbc, pgx and tokio-postgres send them). Every one must
//! succeed; a few results that decide whether a tool can browse are checked
//! exactly.

use std::path::PathBuf;

use hostgres_tests::TestServer;
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Client, SimpleQueryMessage};

/// One statement of a corpus file.
#[derive(Debug)]
struct Statement {
    /// The file it comes from and its first line there, for failure messages.
    origin: String,
    sql: String,
    /// SQL expressions for `$1`, `$2`... from a `-- params:` comment.
    params: Vec<String>,
}

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/clientsql")
}

/// Reads the statements of one corpus file. Statements end at `;` outside
/// quotes and comments, or at a blank line; comment lines are dropped, except
/// that `-- params: $1 = <expr>, $2 = <expr>` gives the next statement's
/// parameters (each expression is evaluated by the server).
fn statements(file: &str) -> Vec<Statement> {
    let text = std::fs::read_to_string(corpus_dir().join(file)).expect("corpus file reads");
    let mut out = Vec::new();
    let mut sql = String::new();
    let mut params = Vec::new();
    let mut first_line = 0;
    let mut finish = |sql: &mut String, params: &mut Vec<String>, line: usize| {
        let s = sql.trim();
        if !s.is_empty() {
            out.push(Statement {
                origin: format!("{file}:{line}"),
                sql: s.to_owned(),
                params: std::mem::take(params),
            });
        }
        sql.clear();
    };
    let (mut in_single, mut in_double) = (false, false);
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if !in_single && !in_double {
            if trimmed.is_empty() {
                finish(&mut sql, &mut params, first_line);
                continue;
            }
            if let Some(rest) = trimmed.strip_prefix("-- params:") {
                params = parse_params(rest);
                continue;
            }
            if trimmed.starts_with("--") {
                continue;
            }
        }
        if sql.trim().is_empty() {
            first_line = n + 1;
        }
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\'' if !in_double => in_single = !in_single,
                '"' if !in_single => in_double = !in_double,
                '-' if !in_single && !in_double && chars.peek() == Some(&'-') => break,
                ';' if !in_single && !in_double => {
                    finish(&mut sql, &mut params, first_line);
                    continue;
                }
                _ => {}
            }
            if sql.trim().is_empty() && !c.is_whitespace() {
                first_line = n + 1;
            }
            sql.push(c);
        }
        sql.push('\n');
    }
    finish(&mut sql, &mut params, first_line);
    out
}

/// `$1 = 'public', $2 = 'processes'::regclass::oid` → the expressions in order.
fn parse_params(text: &str) -> Vec<String> {
    let mut exprs = Vec::new();
    let mut rest = text.trim();
    let mut n = 1;
    while let Some(after) = rest.strip_prefix(&format!("${n} =")) {
        let next = format!(", ${} =", n + 1);
        let (expr, tail) = match after.find(&next) {
            Some(i) => (&after[..i], &after[i + 2..]),
            None => (after, ""),
        };
        exprs.push(expr.trim().to_owned());
        rest = tail.trim();
        n += 1;
    }
    assert!(rest.is_empty(), "unreadable params comment: {text}");
    exprs
}

/// The value of `expr` as text, as the server computes it.
async fn evaluate(client: &Client, expr: &str) -> String {
    let rows = rows_of(
        &client
            .simple_query(&format!("SELECT ({expr})::text"))
            .await
            .unwrap_or_else(|e| panic!("parameter {expr}: {e:?}")),
    );
    rows[0][0]
        .clone()
        .unwrap_or_else(|| panic!("{expr} is null"))
}

fn rows_of(messages: &[SimpleQueryMessage]) -> Vec<Vec<Option<String>>> {
    messages
        .iter()
        .filter_map(|m| match m {
            SimpleQueryMessage::Row(r) => {
                Some((0..r.len()).map(|i| r.get(i).map(str::to_owned)).collect())
            }
            _ => None,
        })
        .collect()
}

/// A parameter value of the type the server described for it.
fn typed(ty: &Type, text: String) -> Box<dyn ToSql + Sync + Send> {
    fn parse<T: std::str::FromStr<Err: std::fmt::Display>>(ty: &Type, text: &str) -> T {
        text.parse()
            .unwrap_or_else(|e| panic!("{text} as {ty}: {e}"))
    }
    match *ty {
        Type::OID => Box::new(parse::<u32>(ty, &text)),
        Type::INT2 => Box::new(parse::<i16>(ty, &text)),
        Type::INT4 => Box::new(parse::<i32>(ty, &text)),
        Type::INT8 => Box::new(parse::<i64>(ty, &text)),
        _ => Box::new(text),
    }
}

/// Runs one statement through the simple protocol (unless it has
/// parameters) and through Parse/Describe/Bind/Execute with binary results.
/// Returns the rows of the simple run (or none).
async fn replay(client: &Client, st: &Statement) -> Vec<Vec<Option<String>>> {
    let fail = |how: &str, e: tokio_postgres::Error| -> ! {
        let detail = e.as_db_error().map(|d| d.message().to_owned());
        panic!("{} ({how}) failed: {e} {detail:?}\n{}", st.origin, st.sql)
    };
    let mut rows = Vec::new();
    if st.params.is_empty() {
        match client.simple_query(&st.sql).await {
            Ok(m) => rows = rows_of(&m),
            Err(e) => fail("simple", e),
        }
    }
    let prepared = match client.prepare(&st.sql).await {
        Ok(p) => p,
        Err(e) => fail("prepare", e),
    };
    assert_eq!(
        prepared.params().len(),
        st.params.len(),
        "{}: parameters described vs. given",
        st.origin
    );
    let mut values = Vec::new();
    for (ty, expr) in prepared.params().iter().zip(&st.params) {
        values.push(typed(ty, evaluate(client, expr).await));
    }
    let refs: Vec<&(dyn ToSql + Sync)> = values
        .iter()
        .map(|v| v.as_ref() as &(dyn ToSql + Sync))
        .collect();
    if let Err(e) = client.query(&prepared, &refs).await {
        fail("extended", e);
    }
    rows
}

/// Replays a whole file on a fresh session; returns each statement's rows.
async fn replay_file(
    server: &TestServer,
    file: &str,
) -> Vec<(Statement, Vec<Vec<Option<String>>>)> {
    let client = server.client().await;
    let mut results = Vec::new();
    for st in statements(file) {
        let rows = replay(&client, &st).await;
        results.push((st, rows));
    }
    assert!(!results.is_empty(), "{file} has statements");
    results
}

/// The rows of the first statement containing `needle`.
fn rows_for<'a>(
    results: &'a [(Statement, Vec<Vec<Option<String>>>)],
    needle: &str,
) -> &'a [Vec<Option<String>>] {
    &results
        .iter()
        .find(|(st, _)| st.sql.contains(needle))
        .unwrap_or_else(|| panic!("no statement contains {needle}"))
        .1
}

fn column(rows: &[Vec<Option<String>>], i: usize) -> Vec<&str> {
    rows.iter().filter_map(|r| r[i].as_deref()).collect()
}

#[test]
fn the_splitter_reads_statements_and_parameters() {
    let sts = statements("grafana.sql");
    let with_params: Vec<_> = sts.iter().filter(|s| !s.params.is_empty()).collect();
    assert_eq!(with_params[0].params, ["'public'"]);
    assert_eq!(with_params[1].params, ["'public'", "'processes'"]);
    assert!(
        with_params[1]
            .sql
            .starts_with("SELECT column_name, data_type")
    );
    assert!(
        sts.iter()
            .all(|s| !s.sql.contains("--") && !s.sql.ends_with(';'))
    );
    assert_eq!(
        parse_params(" $1 = 'a', $2 = 'processes'::regclass::oid"),
        ["'a'", "'processes'::regclass::oid"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dbeaver_browses_the_catalog() {
    let server = TestServer::start();
    let results = replay_file(&server, "dbeaver.sql").await;
    let schemas = rows_for(&results, "FROM pg_catalog.pg_namespace n LEFT OUTER JOIN");
    // `n.oid, n.*`: the oid twice, then nspname.
    let names = column(schemas, 2);
    for ns in ["hostgres", "information_schema", "pg_catalog", "public"] {
        assert!(names.contains(&ns), "{ns} in {names:?}");
    }
    assert_eq!(
        rows_for(&results, "SELECT current_schema(),session_user"),
        [vec![Some("public".to_owned()), Some("hostgres".to_owned())]]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metabase_syncs_the_public_tables() {
    let server = TestServer::start();
    let results = replay_file(&server, "metabase.sql").await;
    let tables = rows_for(&results, "\"estimated_row_count\"");
    let names = column(tables, 1);
    assert!(names.contains(&"processes"), "{names:?}");
    assert!(tables.iter().all(|r| r[0].as_deref() == Some("public")));
    assert!(tables.iter().all(|r| r[2].as_deref() == Some("TABLE")));
    let privileges = rows_for(&results, "with table_privileges as");
    let processes = privileges
        .iter()
        .find(|r| r[1].as_deref() == Some("public") && r[2].as_deref() == Some("processes"))
        .expect("processes has a privileges row");
    // update, select, insert, delete: hostgres is read-only.
    assert_eq!(
        processes[3..7],
        [
            Some("f".to_owned()),
            Some("t".to_owned()),
            Some("f".to_owned()),
            Some("f".to_owned())
        ]
    );
    assert_eq!(
        rows_for(&results, "SHOW TRANSACTION ISOLATION LEVEL"),
        [vec![Some("read committed".to_owned())]]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pgadmin_probes_the_server() {
    let server = TestServer::start();
    let results = replay_file(&server, "pgadmin.sql").await;
    let version = rows_for(&results, "SELECT version()");
    let v = version[0][0].as_deref().expect("version");
    assert!(v.starts_with("PostgreSQL 15."), "{v}");
    assert_eq!(rows_for(&results, "'pgd'"), [vec![None]]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grafana_pickers_list_tables_and_columns() {
    let server = TestServer::start();
    let results = replay_file(&server, "grafana.sql").await;
    assert_eq!(
        rows_for(&results, "server_version_num"),
        [vec![Some("1500".to_owned())]]
    );
    let tables = column(
        rows_for(&results, "WHERE quote_ident(table_schema) = 'public'"),
        0,
    );
    assert!(tables.contains(&"processes"), "{tables:?}");
    let all = column(rows_for(&results, "END AS \"table\""), 0);
    assert!(all.contains(&"processes"), "{all:?}");
    let columns = rows_for(&results, "AS \"column\", data_type AS \"type\"");
    assert!(
        columns.contains(&vec![Some("pid".to_owned()), Some("bigint".to_owned())]),
        "{columns:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drivers_load_types() {
    let server = TestServer::start();
    let pgx = replay_file(&server, "pgx-v5.sql").await;
    assert_eq!(pgx.len(), 7);
    let tokio = replay_file(&server, "tokio-postgres.sql").await;
    assert_eq!(tokio.len(), 5);

    // The same lookups with checked answers: int8[] is an array of int8,
    // and the composite type of `processes` lists its columns in order.
    let client = server.client().await;
    let row = client
        .query_one("select typelem from pg_type where oid=$1", &[&1016u32])
        .await
        .expect("typelem");
    assert_eq!(row.get::<_, u32>(0), 20);
    let rel: u32 = client
        .query_one("select 'processes'::regclass::oid", &[])
        .await
        .expect("regclass")
        .get(0);
    let rows = client
        .query(
            "SELECT attname, atttypid FROM pg_catalog.pg_attribute WHERE attrelid = $1 \
             AND NOT attisdropped AND attnum > 0 ORDER BY attnum",
            &[&rel],
        )
        .await
        .expect("attributes");
    assert_eq!(rows[0].get::<_, &str>(0), "pid");
    assert_eq!(rows[0].get::<_, u32>(1), 20);
    // pgx and Grafana ping with a comment-only query and with `;`.
    for ping in ["-- ping", ";"] {
        let m = client.simple_query(ping).await.expect("ping");
        assert!(rows_of(&m).is_empty(), "{ping}");
    }
}
