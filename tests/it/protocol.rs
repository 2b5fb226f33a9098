//! Wire-protocol behaviour: statements, portals, types, errors and recovery.

use futures::{StreamExt, pin_mut};
use hostgres_tests::TestServer;
use tokio_postgres::SimpleQueryMessage;
use tokio_postgres::types::Type;

fn code(e: &tokio_postgres::Error) -> String {
    e.code().map(|c| c.code().to_owned()).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn several_statements_in_one_simple_query() {
    let server = TestServer::start();
    let client = server.client().await;
    let messages = client
        .simple_query("SELECT 1 AS a; SELECT 'x' AS b, 2 AS c; ;")
        .await
        .expect("batch");
    let completes = messages
        .iter()
        .filter(|m| matches!(m, SimpleQueryMessage::CommandComplete(1)))
        .count();
    assert_eq!(completes, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn empty_and_comment_only_queries() {
    let server = TestServer::start();
    let client = server.client().await;
    for q in ["", ";", "-- ping", "/* nothing */ ;"] {
        let messages = client
            .simple_query(q)
            .await
            .unwrap_or_else(|e| panic!("{q:?}: {e}"));
        assert!(
            messages
                .iter()
                .all(|m| !matches!(m, SimpleQueryMessage::Row(_))),
            "{q:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_carry_sqlstates_and_leave_the_connection_usable() {
    let server = TestServer::start();
    let client = server.client().await;

    let e = client
        .simple_query("SELECT * FROM proceses")
        .await
        .expect_err("unknown table");
    assert_eq!(code(&e), "42P01");
    let db = e.as_db_error().expect("db error");
    assert!(db.message().contains("proceses"), "{}", db.message());
    assert!(
        db.hint().is_some_and(|h| h.contains("processes")),
        "{:?}",
        db.hint()
    );

    let e = client.simple_query("SELEC 1").await.expect_err("syntax");
    assert_eq!(code(&e), "42601");

    let e = client
        .simple_query("SELECT nosuchcolumn FROM load_average")
        .await
        .expect_err("column");
    assert_eq!(code(&e), "42703");

    let e = client
        .simple_query("INSERT INTO users VALUES (1)")
        .await
        .expect_err("write");
    assert_eq!(code(&e), "25006");

    let e = client
        .query("SELECT * FROM file", &[])
        .await
        .expect_err("required column");
    let db = e.as_db_error().expect("db error");
    assert_eq!(db.message(), "file requires path or directory in WHERE");

    // After every error the same connection still answers, in both protocols.
    let row = client
        .query_one("SELECT 41 + 1", &[])
        .await
        .expect("still usable");
    let v: i32 = row.get(0);
    assert_eq!(v, 42);
    let messages = client
        .simple_query("SELECT 1")
        .await
        .expect("simple still usable");
    assert!(!messages.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn result_types_follow_declared_column_types() {
    let server = TestServer::start();
    let client = server.client().await;
    let stmt = client
        .prepare("SELECT pid, name, threads, 1 AS one, 2.5 AS half, 'x' AS t FROM processes WHERE pid = $1")
        .await
        .expect("prepare");
    let types: Vec<Type> = stmt.columns().iter().map(|c| c.type_().clone()).collect();
    assert_eq!(
        types,
        vec![
            Type::INT8,
            Type::TEXT,
            Type::INT4,
            Type::INT4,
            Type::FLOAT8,
            Type::TEXT
        ]
    );
    assert_eq!(stmt.params(), &[Type::INT8]);
    let row = client.query_one(&stmt, &[&1i64]).await.expect("row");
    let one: i32 = row.get("one");
    let half: f64 = row.get("half");
    assert_eq!((one, half), (1, 2.5));
}

#[tokio::test(flavor = "multi_thread")]
async fn portals_with_row_limits_suspend_and_resume() {
    let server = TestServer::start();
    let mut client = server.client().await;
    let tx = client.transaction().await.expect("begin");
    let stmt = tx
        .prepare("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 10) SELECT x::int8 FROM n")
        .await
        .expect("prepare");
    let portal = tx.bind(&stmt, &[]).await.expect("bind");
    let first = tx.query_portal(&portal, 4).await.expect("first 4");
    let second = tx.query_portal(&portal, 4).await.expect("next 4");
    let rest = tx.query_portal(&portal, 0).await.expect("rest");
    let got: Vec<i64> = first
        .iter()
        .chain(&second)
        .chain(&rest)
        .map(|r| r.get(0))
        .collect();
    assert_eq!(got, (1..=10).collect::<Vec<i64>>());
    assert_eq!((first.len(), second.len(), rest.len()), (4, 4, 2));
    tx.commit().await.expect("commit");
}

#[tokio::test(flavor = "multi_thread")]
async fn named_statements_are_reused_and_streamed() {
    let server = TestServer::start();
    let client = server.client().await;
    let stmt = client
        .prepare("SELECT period FROM load_average WHERE period = $1")
        .await
        .expect("prepare");
    for p in ["1m", "5m", "15m"] {
        let rows = client.query(&stmt, &[&p]).await.expect("run");
        assert_eq!(rows.len(), 1);
        let got: String = rows[0].get(0);
        assert_eq!(got, p);
    }
    let stream = client.query_raw(&stmt, ["5m"]).await.expect("raw");
    pin_mut!(stream);
    let mut n = 0;
    while let Some(row) = stream.next().await {
        row.expect("row");
        n += 1;
    }
    assert_eq!(n, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn transactions_report_their_status_and_abort_on_error() {
    let server = TestServer::start();
    let client = server.client().await;
    client.batch_execute("BEGIN").await.expect("begin");
    let e = client
        .batch_execute("SELECT * FROM nope")
        .await
        .expect_err("error in block");
    assert_eq!(code(&e), "42P01");
    let e = client
        .simple_query("SELECT 1")
        .await
        .expect_err("aborted block");
    assert_eq!(code(&e), "25P02");
    client.batch_execute("ROLLBACK").await.expect("rollback");
    client
        .simple_query("SELECT 1")
        .await
        .expect("usable after rollback");
}

#[tokio::test(flavor = "multi_thread")]
async fn startup_parameters_look_like_postgresql_15() {
    let server = TestServer::start();
    let out = server.psql_ok(&[
        "-At",
        "-c",
        "SHOW server_version",
        "-c",
        "SHOW client_encoding",
        "-c",
        "SHOW standard_conforming_strings",
        "-c",
        "SHOW DateStyle",
        "-c",
        "SHOW integer_datetimes",
    ]);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("15."), "{out}");
    assert_eq!(&lines[1..], ["UTF8", "on", "ISO, MDY", "on"]);
}
