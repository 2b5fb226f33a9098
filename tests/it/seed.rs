//! The queries a new user runs first, through tokio-postgres in the simple,
//! extended (text and binary) protocols.

use hostgres_tests::TestServer;
use tokio_postgres::SimpleQueryMessage;

const SEED: &[&str] = &[
    "SELECT * FROM users",
    "SELECT * FROM processes WHERE on_disk = 0",
    "SELECT DISTINCT process.name, listening.port, process.pid FROM processes AS process JOIN listening_ports AS listening ON process.pid = listening.pid WHERE listening.address = '0.0.0.0'",
    "SELECT address, mac, count(mac) AS mac_count FROM arp_cache GROUP BY mac HAVING count(mac) > 1",
    "SELECT address, mac, mac_count FROM (SELECT address, mac, count(mac) AS mac_count FROM arp_cache GROUP BY mac) WHERE mac_count > 1",
];

fn simple_rows(messages: &[SimpleQueryMessage]) -> Vec<&tokio_postgres::SimpleQueryRow> {
    messages
        .iter()
        .filter_map(|m| match m {
            SimpleQueryMessage::Row(r) => Some(r),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn seed_queries_run_in_the_simple_protocol() {
    let server = TestServer::start();
    let client = server.client().await;
    for sql in SEED {
        let messages = client
            .simple_query(sql)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        assert!(
            messages
                .iter()
                .any(|m| matches!(m, SimpleQueryMessage::CommandComplete(_))),
            "{sql}"
        );
    }
    let users = client
        .simple_query("SELECT username, uid FROM users WHERE uid = 0")
        .await
        .expect("users");
    let rows = simple_rows(&users);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].get("username"), Some("root"));
}

#[tokio::test(flavor = "multi_thread")]
async fn seed_queries_run_in_the_extended_protocol_with_binary_results() {
    let server = TestServer::start();
    let client = server.client().await;
    for sql in SEED {
        // `query` prepares (Parse/Describe), binds and executes with binary results.
        client
            .query(*sql, &[])
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    let rows = client
        .query(
            "SELECT pid, name, uid FROM processes WHERE pid = $1",
            &[&1i64],
        )
        .await
        .expect("pid 1");
    assert_eq!(rows.len(), 1);
    let pid: i64 = rows[0].get("pid");
    let name: String = rows[0].get("name");
    assert_eq!(pid, 1);
    assert!(!name.is_empty());
    let count: i64 = client
        .query_one("SELECT count(*) FROM processes", &[])
        .await
        .expect("count")
        .get(0);
    assert!(count >= 2, "{count}");
}

#[tokio::test(flavor = "multi_thread")]
async fn listening_sockets_of_this_test_are_visible() {
    let server = TestServer::start();
    let client = server.client().await;
    // The server under test listens on a port of this very process.
    let rows = client
        .query(
            "SELECT p.pid, l.port, l.address FROM listening_ports l JOIN processes p ON p.pid = l.pid WHERE l.port = $1",
            &[&i32::from(server.addr.port())],
        )
        .await
        .expect("listening_ports");
    assert!(!rows.is_empty(), "the test server's own port is listed");
    let pid: i64 = rows[0].get(0);
    assert_eq!(pid, i64::from(std::process::id()));
    let address: String = rows[0].get(2);
    assert_eq!(address, "127.0.0.1");
}
