//! The seed queries and common psql usage through the real `psql` binary.

use hostgres_tests::TestServer;

#[test]
fn seed_queries_through_psql() {
    let server = TestServer::start();
    let out = server.psql_ok(&["-c", "SELECT * FROM users"]);
    assert!(out.contains("root"), "{out}");
    for q in [
        "SELECT * FROM processes WHERE on_disk = 0;",
        "SELECT DISTINCT process.name, listening.port, process.pid FROM processes AS process JOIN listening_ports AS listening ON process.pid = listening.pid WHERE listening.address = '0.0.0.0';",
        "SELECT address, mac, count(mac) AS mac_count FROM arp_cache GROUP BY mac HAVING count(mac) > 1;",
        "SELECT address, mac, mac_count FROM (SELECT address, mac, count(mac) AS mac_count FROM arp_cache GROUP BY mac) WHERE mac_count > 1;",
    ] {
        server.psql_ok(&["-c", q]);
    }
}

#[test]
fn csv_output_and_errors() {
    let server = TestServer::start();
    let out = server.psql_ok(&[
        "--csv",
        "-c",
        "SELECT period, average FROM load_average ORDER BY period",
    ]);
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("period,average"));
    assert_eq!(lines.count(), 3);

    let failed = server.psql(&["-c", "SELECT * FROM nosuch"]);
    assert!(!failed.status.success());
    let err = String::from_utf8_lossy(&failed.stderr);
    assert!(err.contains("relation \"nosuch\" does not exist"), "{err}");
}
