//! Cancellation and isolation: a CancelRequest stops a running query with
//! 57014, and a slow query on one connection never stalls another.

use hostgres_tests::TestServer;
use tokio_postgres::NoTls;

const ENDLESS: &str =
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";

#[tokio::test(flavor = "multi_thread")]
async fn cancel_request_interrupts_the_running_query() {
    let server = TestServer::start();
    let client = server.client().await;
    let token = client.cancel_token();
    let running = tokio::spawn(async move {
        let result = client.simple_query(ENDLESS).await;
        (client, result)
    });
    // The other connection proves the server is responsive while the query runs.
    let other = server.client().await;
    for _ in 0..3 {
        other
            .simple_query("SELECT 1")
            .await
            .expect("other client served");
    }
    assert!(!running.is_finished(), "the endless query is still running");
    token
        .cancel_query(NoTls)
        .await
        .expect("cancel request sent");
    let (client, result) = running.await.expect("join");
    let e = result.expect_err("cancelled");
    assert_eq!(e.code().map(|c| c.code()), Some("57014"), "{e}");
    // The cancelled session is usable again.
    client
        .simple_query("SELECT 1")
        .await
        .expect("usable after cancel");
}

#[tokio::test(flavor = "multi_thread")]
async fn statement_timeout_stops_a_query_and_says_so() {
    let server = TestServer::start();
    let client = server.client().await;
    client
        .batch_execute("SET statement_timeout = '200ms'")
        .await
        .expect("set");
    let e = client.simple_query(ENDLESS).await.expect_err("timed out");
    let db = e.as_db_error().expect("db error");
    assert_eq!(db.code().code(), "57014");
    assert!(
        db.message().contains("statement timeout"),
        "{}",
        db.message()
    );
    client
        .batch_execute("RESET statement_timeout")
        .await
        .expect("reset");
    client.simple_query("SELECT 1").await.expect("usable");
}
