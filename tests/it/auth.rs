//! Authentication: SCRAM-SHA-256 only, and the same answer for a wrong
//! password and an unknown user.

use hostgres_tests::{Options, PASSWORD, TestServer};
use tokio_postgres::NoTls;

async fn connect_error(server: &TestServer, user: &str, password: &str) -> tokio_postgres::Error {
    let conninfo = format!(
        "host={} port={} user={user} password={password} dbname=hostgres",
        server.addr.ip(),
        server.addr.port()
    );
    match tokio_postgres::connect(&conninfo, NoTls).await {
        Ok(_) => panic!("{user}/{password} must not log in"),
        Err(e) => e,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_password_and_unknown_user_look_the_same() {
    let server = TestServer::start();
    let wrong = connect_error(&server, "hostgres", "nope").await;
    let unknown = connect_error(&server, "mallory", PASSWORD).await;
    for (e, user) in [(&wrong, "hostgres"), (&unknown, "mallory")] {
        let db = e.as_db_error().expect("server error");
        assert_eq!(db.code().code(), "28P01");
        assert_eq!(
            db.message(),
            format!("password authentication failed for user \"{user}\"")
        );
    }
    // The right password still works.
    server
        .client()
        .await
        .simple_query("SELECT 1")
        .await
        .expect("login");
}

#[tokio::test(flavor = "multi_thread")]
async fn connections_beyond_the_limit_are_refused_with_53300() {
    let server = TestServer::start_with(Options {
        max_connections: Some(2),
        ..Options::default()
    });
    let a = server.client().await;
    let b = server.client().await;
    let e = connect_error(&server, "hostgres", PASSWORD).await;
    let db = e.as_db_error().expect("server error");
    assert_eq!(db.code().code(), "53300");
    drop(a);
    // Dropping a client frees its slot once the server notices the hangup.
    let mut ok = false;
    for _ in 0..50 {
        let conninfo = server.conninfo();
        if tokio_postgres::connect(&conninfo, NoTls).await.is_ok() {
            ok = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(ok, "a slot frees up");
    b.simple_query("SELECT 1").await.expect("b still served");
}
