//! `pg_catalog` and `information_schema` through real clients: psql 15's
//! backslash commands (the exact queries psql sends), tokio-postgres' type
//! lookup, and the catalog queries BI tools send.
//!
//! psql's queries use PostgreSQL-only syntax (`pg_catalog.`-qualified
//! names, `OPERATOR(pg_catalog.~)`, `::regclass`, `COLLATE
//! pg_catalog.default`, `ARRAY(...)`), so the backslash-command tests need
//! the dialect translator; the others run the catalog as SQLite sees it.

use hostgres_catalog::Namespace;
use hostgres_catalog::oid::table_oid;
use hostgres_tests::TestServer;

fn processes_oid() -> u32 {
    table_oid(Namespace::Public, "processes")
}

#[tokio::test(flavor = "multi_thread")]
async fn pg_class_and_pg_attribute_through_tokio_postgres() {
    let server = TestServer::start();
    let client = server.client().await;
    let row = client
        .query_one(
            "SELECT c.oid, c.relname, n.nspname, c.relkind, c.relnatts, c.relhasindex \
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = $1",
            &[&"processes"],
        )
        .await
        .expect("pg_class row");
    assert_eq!(row.get::<_, u32>(0), processes_oid());
    assert_eq!(row.get::<_, &str>(1), "processes");
    assert_eq!(row.get::<_, &str>(2), "public");
    assert_eq!(row.get::<_, i8>(3), b'r' as i8);
    assert_eq!(row.get::<_, i16>(4), 27);
    assert!(!row.get::<_, bool>(5));

    let columns = client
        .query(
            "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = $1 \
             AND NOT attisdropped AND attnum > 0 ORDER BY attnum LIMIT 3",
            &[&processes_oid()],
        )
        .await
        .expect("pg_attribute rows");
    let columns: Vec<(String, u32)> = columns.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(
        columns,
        [
            ("pid".to_owned(), 20),
            ("name".to_owned(), 25),
            ("path".to_owned(), 25)
        ]
    );
}

/// tokio-postgres' own query for a type it does not know, as it sends it.
#[tokio::test(flavor = "multi_thread")]
async fn tokio_postgres_type_lookup_query() {
    let server = TestServer::start();
    let client = server.client().await;
    let row = client
        .query_one(
            "SELECT t.typname, t.typtype, t.typelem, r.rngsubtype, t.typbasetype, n.nspname, t.typrelid \
             FROM pg_catalog.pg_type t \
             LEFT OUTER JOIN pg_catalog.pg_range r ON r.rngtypid = t.oid \
             INNER JOIN pg_catalog.pg_namespace n ON t.typnamespace = n.oid \
             WHERE t.oid = $1"
                .replace("pg_catalog.", "")
                .as_str(),
            &[&1009u32],
        )
        .await
        .expect("type row");
    assert_eq!(row.get::<_, &str>(0), "_text");
    assert_eq!(row.get::<_, i8>(1), b'b' as i8);
    assert_eq!(row.get::<_, u32>(2), 25);
    assert_eq!(row.get::<_, Option<u32>>(3), None);
    assert_eq!(row.get::<_, u32>(4), 0);
    assert_eq!(row.get::<_, &str>(5), "pg_catalog");
    assert_eq!(row.get::<_, u32>(6), 0);
}

#[test]
fn catalog_queries_through_psql() {
    let server = TestServer::start();
    let out = server.psql_ok(&[
        "-At",
        "-c",
        "SELECT c.relname, format_type(a.atttypid, a.atttypmod) FROM pg_class c \
         JOIN pg_attribute a ON a.attrelid = c.oid WHERE c.relname = 'load_average' ORDER BY a.attnum",
    ]);
    assert_eq!(out, "load_average|text\nload_average|text\n");
    let out = server.psql_ok(&[
        "-At",
        "-c",
        "SELECT schema_name FROM information_schema_schemata ORDER BY 1",
    ]);
    assert_eq!(out, "hostgres\ninformation_schema\npg_catalog\npublic\n");
    let out = server.psql_ok(&[
        "-At",
        "-c",
        "SELECT column_name, data_type FROM information_schema_columns \
         WHERE table_schema = 'public' AND table_name = 'uptime' ORDER BY ordinal_position LIMIT 2",
    ]);
    assert_eq!(out, "days|integer\nhours|integer\n");
    let out = server.psql_ok(&[
        "-At",
        "-c",
        "SELECT usename, application_name, state FROM pg_stat_activity",
    ]);
    assert_eq!(out, "hostgres|psql|active\n");
}

// The backslash commands below need the dialect translator (they send
// PostgreSQL-only syntax).

#[test]
fn psql_dt_lists_the_host_tables() {
    let server = TestServer::start();
    let out = server.psql_ok(&["-c", "\\dt"]);
    assert!(out.contains("List of relations"), "{out}");
    for table in ["arp_cache", "processes", "users"] {
        let line = format!(" public | {table:<20} | table | hostgres");
        assert!(
            out.lines().any(|l| l.starts_with(line.trim_end())),
            "{table} missing from:\n{out}"
        );
    }
    assert!(!out.contains("pg_class"), "{out}");
    // \x: the same listing, expanded.
    let out = server.psql_ok(&["-x", "-c", "\\dt processes"]);
    assert!(out.contains("Name   | processes"), "{out}");
    assert!(out.contains("Owner  | hostgres"), "{out}");
}

#[test]
fn psql_d_describes_a_table() {
    let server = TestServer::start();
    let out = server.psql_ok(&["-c", "\\d processes"]);
    assert!(out.contains("Table \"public.processes\""), "{out}");
    let lines: Vec<&str> = out.lines().collect();
    for (column, ty) in [
        ("pid", "bigint"),
        ("name", "text"),
        ("on_disk", "integer"),
        ("user_time", "bigint"),
    ] {
        assert!(
            lines.iter().any(|l| {
                let cells: Vec<&str> = l.split('|').map(str::trim).collect();
                cells.first() == Some(&column) && cells.get(1) == Some(&ty)
            }),
            "{column} {ty} missing from:\n{out}"
        );
    }
    assert!(!out.contains("Indexes:"), "{out}");
}

#[test]
fn psql_d_plus_shows_descriptions() {
    let server = TestServer::start();
    let out = server.psql_ok(&["-c", "\\d+ processes"]);
    assert!(out.contains("Description"), "{out}");
    assert!(out.contains("Process (or thread) ID."), "{out}");
    assert!(out.contains("Access method: hostgres"), "{out}");
    let out = server.psql_ok(&["-c", "\\d+ file"]);
    assert!(out.contains("(required in WHERE: =, IN or LIKE)"), "{out}");
    assert!(out.contains("(hidden: not part of SELECT *)"), "{out}");
}

#[test]
fn psql_l_dn_du_df() {
    let server = TestServer::start();
    let out = server.psql_ok(&["-c", "\\l"]);
    assert!(out.contains("List of databases"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with(" hostgres | hostgres | UTF8")),
        "{out}"
    );

    let out = server.psql_ok(&["-c", "\\dn"]);
    assert!(out.contains("List of schemas"), "{out}");
    assert!(
        out.lines().any(|l| l.starts_with(" public   | hostgres")),
        "{out}"
    );
    assert!(!out.contains("pg_catalog"), "{out}");

    let out = server.psql_ok(&["-c", "\\du"]);
    assert!(out.contains("List of roles"), "{out}");
    assert!(out.lines().any(|l| l.starts_with(" hostgres ")), "{out}");

    // hostgres' functions live in pg_catalog, which \df leaves out, as PostgreSQL does.
    let out = server.psql_ok(&["-c", "\\df"]);
    assert!(out.contains("List of functions"), "{out}");
    assert!(out.contains("(0 rows)"), "{out}");
    let out = server.psql_ok(&["-c", "\\dfS format_type"]);
    assert!(out.contains("format_type | text"), "{out}");
}

#[test]
fn psql_dv_and_di_list_nothing_outside_the_catalog() {
    let server = TestServer::start();
    for command in ["\\dv", "\\di"] {
        let out = server.psql(&["-c", command]);
        assert!(out.status.success(), "{command}: {out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("Did not find any relations."),
            "{command}: {err}"
        );
    }
}
