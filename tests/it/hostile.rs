//! Hostile input on the socket: the offending connection is closed with an
//! error and everyone else keeps being served.

use std::time::Duration;

use hostgres_tests::TestServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A startup packet for user `hostgres`.
fn startup_packet() -> Vec<u8> {
    hostgres_tests::startup_packet("hostgres")
}

/// Sends `bytes`, then reads until the server closes the connection (or 10 s pass).
async fn send_and_drain(server: &TestServer, bytes: &[u8]) -> Vec<u8> {
    let mut socket = TcpStream::connect(server.addr).await.expect("connect");
    let _ = socket.write_all(bytes).await;
    let mut got = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), socket.read_to_end(&mut got)).await;
    got
}

async fn still_serving(server: &TestServer) {
    let client = server.client().await;
    let row = client
        .query_one("SELECT 1::int8", &[])
        .await
        .expect("server still serves");
    let v: i64 = row.get(0);
    assert_eq!(v, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn garbage_bytes_close_only_that_connection() {
    let server = TestServer::start();
    let other = server.client().await;
    send_and_drain(&server, b"\x00\x00\x00\x08garbage!garbage!garbage!").await;
    send_and_drain(&server, &[0xff; 64]).await;
    other
        .simple_query("SELECT 1")
        .await
        .expect("the other client is unaffected");
    still_serving(&server).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn truncated_message_then_hangup() {
    let server = TestServer::start();
    let mut packet = startup_packet();
    packet.truncate(packet.len() - 5);
    let mut socket = TcpStream::connect(server.addr).await.expect("connect");
    socket.write_all(&packet).await.expect("write");
    drop(socket);
    still_serving(&server).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_oversized_length_prefix_is_refused_not_allocated() {
    let server = TestServer::start();
    // A startup packet claiming 1 GiB, then a query message claiming 2 GiB - 1.
    let mut huge_startup = 0x4000_0000i32.to_be_bytes().to_vec();
    huge_startup.extend_from_slice(&196_608i32.to_be_bytes());
    let got = send_and_drain(&server, &huge_startup).await;
    assert!(got.is_empty() || got[0] == b'E', "{got:?}");
    let mut bytes = startup_packet();
    bytes.push(b'Q');
    bytes.extend_from_slice(&i32::MAX.to_be_bytes());
    bytes.extend_from_slice(b"SELECT 1");
    send_and_drain(&server, &bytes).await;
    still_serving(&server).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_that_disconnects_mid_query_does_not_hurt_others() {
    let server = TestServer::start();
    {
        let client = server.client().await;
        let _ = tokio::time::timeout(
            Duration::from_millis(200),
            client.simple_query("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"),
        )
        .await;
    }
    still_serving(&server).await;
}

/// Shutdown interrupts a statement that would never end (no statement
/// timeout here), though it cancels the statement's connection: the server
/// stops, and the client sees its statement end.
#[tokio::test(flavor = "multi_thread")]
async fn shutdown_interrupts_a_statement_that_never_ends() {
    let server = TestServer::start_with(hostgres_tests::Options {
        statement_timeout_ms: Some(0),
        ..Default::default()
    });
    let client = server.client().await;
    let endless = tokio::spawn(async move {
        client
            .simple_query("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c")
            .await
            .map(|_| ())
    });
    // Another client is served meanwhile, by which time the endless
    // statement has been sent.
    still_serving(&server).await;
    let stopping = tokio::task::spawn_blocking(move || drop(server));
    tokio::time::timeout(Duration::from_secs(60), stopping)
        .await
        .expect("shutdown waited for a statement that never ends")
        .expect("join");
    let outcome = endless.await.expect("task");
    assert!(outcome.is_err(), "the endless statement returned rows");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_message_shorter_than_its_fields_gets_08p01() {
    let server = TestServer::start();
    let other = server.client().await;
    // Parse ('P') whose body ends before its parameter-type count, then Bind
    // ('B') with a body of one byte: each alone, right after startup.
    for message in [&b"P\x00\x00\x00\x06s\x00"[..], &b"B\x00\x00\x00\x05x"[..]] {
        let mut bytes = startup_packet();
        bytes.extend_from_slice(message);
        let got = send_and_drain(&server, &bytes).await;
        let text = String::from_utf8_lossy(&got);
        assert!(
            text.contains("08P01") && text.contains("invalid message format"),
            "reply: {text:?}"
        );
    }
    other
        .simple_query("SELECT 1")
        .await
        .expect("the other client is unaffected");
    still_serving(&server).await;
}
