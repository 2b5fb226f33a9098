//! postgres_fdw: a real PostgreSQL, started by the test, reads hostgres'
//! tables as foreign tables, declared by hand and through `IMPORT FOREIGN
//! SCHEMA`, with WHERE clauses pushed down to hostgres and joins of two
//! foreign tables; the answers match what hostgres gives directly.

use hostgres_tests::postgres::Postgres;
use hostgres_tests::{PASSWORD, TestServer};

/// PostgreSQL with postgres_fdw pointed at `server` as user `hostgres`.
fn linked(server: &TestServer) -> Postgres {
    let pg = Postgres::start();
    pg.sql(&format!(
        "CREATE EXTENSION postgres_fdw;
         CREATE SERVER h FOREIGN DATA WRAPPER postgres_fdw
             OPTIONS (host '127.0.0.1', port '{}', dbname 'hostgres');
         CREATE USER MAPPING FOR postgres SERVER h
             OPTIONS (user 'hostgres', password '{PASSWORD}');",
        server.addr.port()
    ));
    pg
}

/// One row of `sql` on hostgres, as text.
fn hostgres_value(server: &TestServer, sql: &str) -> String {
    server.psql_ok(&["-At", "-c", sql]).trim_end().to_owned()
}

#[test]
fn foreign_table_by_hand_with_pushed_down_where() {
    let server = TestServer::start();
    let pg = linked(&server);
    pg.sql(
        "CREATE FOREIGN TABLE host_processes (pid bigint, name text, uid bigint, state text)
             SERVER h OPTIONS (schema_name 'public', table_name 'processes');",
    );
    let me = std::process::id();
    let direct = hostgres_value(
        &server,
        &format!("SELECT name, uid FROM processes WHERE pid = {me}"),
    );
    assert!(!direct.is_empty(), "hostgres sees this test's process");
    let remote = pg.sql(&format!(
        "SELECT name, uid FROM host_processes WHERE pid = {me}"
    ));
    assert_eq!(remote.trim_end(), direct);

    // The WHERE clause runs on hostgres, not on PostgreSQL after a full scan.
    let plan = pg.sql(&format!(
        "EXPLAIN (VERBOSE, COSTS OFF) SELECT name FROM host_processes WHERE pid = {me}"
    ));
    assert_eq!(
        remote_sql(&plan),
        format!("Remote SQL: SELECT name FROM public.processes WHERE ((pid = {me}))")
    );

    // A parameterised condition: postgres_fdw sends `$1::bigint` through a cursor.
    let prepared = pg.sql(&format!(
        "PREPARE p(bigint) AS SELECT name FROM host_processes WHERE pid = $1;
         SET plan_cache_mode = force_generic_plan;
         EXECUTE p({me});"
    ));
    let name = direct.split('|').next().expect("a name");
    assert_eq!(prepared.trim_end(), name);
}

#[test]
fn imported_schema_joins_and_counts() {
    let server = TestServer::start();
    let pg = linked(&server);
    pg.sql(
        "CREATE SCHEMA hostgres_import;
         IMPORT FOREIGN SCHEMA public LIMIT TO (processes, users, listening_ports)
             FROM SERVER h INTO hostgres_import;",
    );
    let imported = pg.sql(
        "SELECT foreign_table_name FROM information_schema.foreign_tables
             WHERE foreign_table_schema = 'hostgres_import' ORDER BY 1",
    );
    assert_eq!(imported, "listening_ports\nprocesses\nusers\n");

    // The imported columns carry hostgres' names and types.
    let columns = pg.sql(
        "SELECT column_name || ' ' || data_type FROM information_schema.columns
             WHERE table_schema = 'hostgres_import' AND table_name = 'users'
             ORDER BY ordinal_position",
    );
    let direct_columns = hostgres_value(
        &server,
        "SELECT column_name || ' ' || data_type FROM information_schema.columns
             WHERE table_schema = 'public' AND table_name = 'users'
             ORDER BY ordinal_position",
    );
    assert_eq!(columns.trim_end(), direct_columns);

    // A count over the wire matches the count hostgres gives directly.
    let remote = pg.sql("SELECT count(*) FROM hostgres_import.users");
    let direct = hostgres_value(&server, "SELECT count(*) FROM users");
    assert_eq!(remote.trim_end(), direct);

    // A join of two foreign tables: this test's process and its user.
    let me = std::process::id();
    let join = format!(
        "SELECT u.username FROM hostgres_import.processes p
             JOIN hostgres_import.users u ON u.uid = p.uid WHERE p.pid = {me}"
    );
    let remote = pg.sql(&join);
    let direct = hostgres_value(
        &server,
        &format!(
            "SELECT u.username FROM processes p JOIN users u ON u.uid = p.uid WHERE p.pid = {me}"
        ),
    );
    assert!(!direct.is_empty());
    assert_eq!(remote.trim_end(), direct);
    // The join itself runs on hostgres.
    let plan = pg.sql(&format!("EXPLAIN (VERBOSE, COSTS OFF) {join}"));
    assert_eq!(
        remote_sql(&plan),
        format!(
            "Remote SQL: SELECT r2.username FROM (public.processes r1 INNER JOIN public.users r2 \
             ON (((r1.uid = r2.uid)) AND ((r1.pid = {me}))))"
        )
    );

    // Inside one PostgreSQL transaction, postgres_fdw keeps one remote
    // REPEATABLE READ transaction: both reads see the same snapshot.
    let twice = pg.sql(
        "BEGIN;
         SELECT count(*) FROM hostgres_import.processes;
         SELECT count(*) FROM hostgres_import.processes;
         COMMIT;",
    );
    let counts: Vec<&str> = twice.lines().collect();
    assert_eq!(counts.len(), 2, "{twice}");
    assert_eq!(counts[0], counts[1]);
}

/// The `Remote SQL:` line of a postgres_fdw `EXPLAIN (VERBOSE)`: what
/// PostgreSQL sends to hostgres.
fn remote_sql(plan: &str) -> &str {
    plan.lines()
        .find(|l| l.contains("Remote SQL:"))
        .unwrap_or_else(|| panic!("no remote SQL in {plan}"))
        .trim()
}
