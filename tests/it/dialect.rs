//! PostgreSQL-dialect SQL end to end: queries as clients write them, run
//! through tokio-postgres and psql against a server reading the fixture host.
//!
//! Expected values are PostgreSQL 15's answers to the same queries, except
//! where a comment says how hostgres differs (numbers from `extract` print as
//! float8, JSON is compact).

use hostgres_tests::{Options, TestServer, fixture_root};
use tokio_postgres::types::Type;
use tokio_postgres::{Client, SimpleQueryMessage};

fn server() -> TestServer {
    TestServer::start_with(Options {
        host_root: Some(fixture_root("basic")),
        ..Options::default()
    })
}

/// The column names and rows (text format) of a simple query.
async fn simple(client: &Client, sql: &str) -> (Vec<String>, Vec<Vec<Option<String>>>) {
    let messages = client
        .simple_query(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let mut names = Vec::new();
    let mut rows = Vec::new();
    for m in messages {
        match m {
            SimpleQueryMessage::RowDescription(cols) => {
                names = cols.iter().map(|c| c.name().to_owned()).collect();
            }
            SimpleQueryMessage::Row(r) => {
                rows.push((0..r.len()).map(|i| r.get(i).map(str::to_owned)).collect());
            }
            _ => {}
        }
    }
    (names, rows)
}

/// The single row of a simple query, NULL as "NULL".
async fn row(client: &Client, sql: &str) -> Vec<String> {
    let (_, rows) = simple(client, sql).await;
    assert_eq!(rows.len(), 1, "{sql}: {rows:?}");
    rows[0]
        .iter()
        .map(|v| v.clone().unwrap_or_else(|| "NULL".to_owned()))
        .collect()
}

/// One column of a simple query's rows.
async fn column(client: &Client, sql: &str) -> Vec<String> {
    let (_, rows) = simple(client, sql).await;
    rows.into_iter()
        .map(|r| r[0].clone().unwrap_or_else(|| "NULL".to_owned()))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn pattern_matching_follows_postgresql() {
    let server = server();
    let client = server.client().await;
    assert_eq!(
        row(
            &client,
            "SELECT 'abc' LIKE 'A%', 'abc' ILIKE 'A%', 'a_c' LIKE 'a\\_c', 'abc' LIKE 'a\\_c', 'abc' ~ '^a', \
             'ABC' ~* 'b', 'abc' !~ 'z', 'abc' SIMILAR TO '(a|x)%', 'abc' OPERATOR(pg_catalog.~) 'b'"
        )
        .await,
        ["f", "t", "t", "f", "t", "t", "t", "t", "t"]
    );
    // Case-sensitive LIKE on a host table, ILIKE for the other way.
    assert_eq!(
        column(
            &client,
            "SELECT username FROM users WHERE username LIKE 'ROO%'"
        )
        .await,
        Vec::<String>::new()
    );
    assert_eq!(
        column(
            &client,
            "SELECT username FROM public.users WHERE username ILIKE 'ROO%'"
        )
        .await,
        ["root"]
    );
    assert_eq!(
        column(
            &client,
            "SELECT username FROM users WHERE username ~ '^(root|daemon)$' ORDER BY uid"
        )
        .await,
        ["root", "daemon"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn like_still_pushes_down_to_the_file_table() {
    let server = server();
    let client = server.client().await;
    assert_eq!(
        column(
            &client,
            "SELECT path FROM file WHERE path LIKE '/srv/files/%.txt' ORDER BY path"
        )
        .await,
        ["/srv/files/hello.txt"]
    );
    assert_eq!(
        column(
            &client,
            "SELECT path FROM hash WHERE path LIKE '/srv/files/sub/%%' AND path NOT LIKE '%/' ORDER BY 1"
        )
        .await,
        ["/srv/files/sub/deeper/leaf.txt", "/srv/files/sub/nested.txt"]
    );
    // With ESCAPE, SQLite does not offer the pattern to the table, which then lacks its constraint.
    let err = client
        .simple_query("SELECT path FROM file WHERE path LIKE '/srv/files/%' ESCAPE '!'")
        .await
        .expect_err("no pushdown with ESCAPE");
    let message = err
        .as_db_error()
        .map(|d| d.message().to_owned())
        .unwrap_or_default();
    assert!(message.contains("requires path"), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn casts_times_and_intervals() {
    let server = server();
    let client = server.client().await;
    assert_eq!(
        row(
            &client,
            "SELECT '42'::int8 + 1, 2.5::int4, '1 day 2 hours'::interval, true::text, \
             '2024-03-01 12:00:00+02'::timestamptz, extract(epoch from timestamptz '2024-01-01 00:00:00+00'), \
             date_trunc('hour', timestamptz '2024-02-29 13:45:30+00'), \
             timestamptz '2024-01-31 00:00:00+00' + interval '1 month', \
             age(timestamp '2024-03-15', timestamp '2023-01-20'), interval '90 minutes', \
             timestamptz '2024-03-01 00:00:00+00' - timestamptz '2024-01-01 01:00:00+00', \
             date '2024-03-01' - date '2024-01-01', to_timestamp(1709214330.5)"
        )
        .await,
        [
            "43",
            "3",
            "1 day 02:00:00",
            "true",
            "2024-03-01 10:00:00+00",
            // PostgreSQL: 1704067200.000000 (numeric).
            "1704067200",
            "2024-02-29 13:00:00+00",
            "2024-02-29 00:00:00+00",
            "1 year 1 mon 26 days",
            "01:30:00",
            "59 days 23:00:00",
            "60",
            "2024-02-29 13:45:30.5+00"
        ]
    );
    assert_eq!(
        row(
            &client,
            "SELECT extract(year from timestamp '2024-02-29 13:45:30'), date_part('dow', date '2024-02-29'), \
             extract(epoch from interval '1 day 01:00'), to_char(timestamptz '2024-02-29 13:45:30+00', 'YYYY-MM-DD HH24:MI')"
        )
        .await,
        ["2024", "4", "90000", "2024-02-29 13:45"]
    );
    let err = client
        .simple_query("SELECT 'abc'::int")
        .await
        .expect_err("bad integer");
    assert_eq!(
        err.as_db_error().map(|e| e.message()),
        Some("invalid input syntax for type integer: \"abc\"")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn grafana_time_series_macros() {
    let server = server();
    let client = server.client().await;
    // $__timeFilter and $__timeGroup over to_timestamp(start_time), as Grafana expands them.
    let (names, rows) = simple(
        &client,
        "SELECT floor(extract(epoch from to_timestamp(start_time))/60)*60 AS \"time\", count(*) AS \"processes\" \
         FROM processes WHERE to_timestamp(start_time) BETWEEN '1970-01-01T00:00:00Z' AND '2100-01-01T00:00:00Z' \
         GROUP BY 1 ORDER BY 1",
    )
    .await;
    assert_eq!(names, ["time", "processes"]);
    assert!(!rows.is_empty());
    let total: i64 = rows
        .iter()
        .map(|r| {
            r[1].as_deref()
                .and_then(|v| v.parse::<i64>().ok())
                .expect("count")
        })
        .sum();
    let all: i64 = row(&client, "SELECT count(*) FROM processes").await[0]
        .parse()
        .expect("count");
    assert_eq!(total, all);
    // The health check and the version probe.
    assert_eq!(
        row(
            &client,
            "SELECT current_setting('server_version_num')::int/100 as version"
        )
        .await,
        ["1500"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn arrays_and_set_returning_functions() {
    let server = server();
    let client = server.client().await;
    assert_eq!(
        row(
            &client,
            "SELECT array_to_string(ARRAY['a','b'], ','), array_length(ARRAY[1,2,3], 1), (ARRAY[10,20,30])[2], \
             2 = ANY(ARRAY[1,2]), cardinality('{1,2,3}'::int[]), array_position(ARRAY['x','y'], 'y'), \
             'b' <> ALL('{a,b}'::text[]), array_upper(string_to_array('a,b,c', ','), 1)"
        )
        .await,
        ["a,b", "3", "20", "t", "3", "2", "f", "3"]
    );
    assert_eq!(
        row(&client, "SELECT sum(n) FROM generate_series(1, 10) AS s(n)").await,
        ["55"]
    );
    assert_eq!(
        row(
            &client,
            "SELECT count(*) FROM generate_series(timestamptz '2024-01-01 00:00+00', \
             timestamptz '2024-01-02 00:00+00', interval '1 hour')"
        )
        .await,
        ["25"]
    );
    let (names, rows) = simple(
        &client,
        "SELECT * FROM unnest(ARRAY['a','b']) WITH ORDINALITY AS t(v, n)",
    )
    .await;
    assert_eq!(names, ["v", "n"]);
    assert_eq!(
        rows,
        [
            [Some("a".to_owned()), Some("1".to_owned())],
            [Some("b".to_owned()), Some("2".to_owned())]
        ]
    );
    assert_eq!(
        column(
            &client,
            "SELECT username FROM users WHERE uid = ANY('{0,1}'::int[]) ORDER BY uid"
        )
        .await,
        ["root", "daemon"]
    );
    assert_eq!(
        column(
            &client,
            "SELECT n FROM generate_series(1,10) AS s(n) ORDER BY n DESC OFFSET 2 ROWS FETCH FIRST 3 ROWS ONLY"
        )
        .await,
        ["8", "7", "6"]
    );
    // PostgreSQL's JSON is `{"a" : 1, "b" : "x"}`; SQLite's is compact.
    assert_eq!(
        row(&client, "SELECT json_build_object('a', 1, 'b', 'x')").await,
        ["{\"a\":1,\"b\":\"x\"}"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn strings_nulls_and_ordering() {
    let server = server();
    let client = server.client().await;
    assert_eq!(
        row(
            &client,
            "SELECT left('hello', 2), right('hello', 3), split_part('a.b.c', '.', 2), lpad('7', 3, '0'), \
             initcap('hello wORLD'), md5('abc'), format('%s-%L', 'a', 'b'), strpos('hello', 'l'), reverse('abc'), \
             repeat('ab', 3), position('c' in 'abc'), substring('hello' from 2 for 3), trim(both 'x' from 'xxhixx'), \
             btrim('  hi  ')"
        )
        .await,
        [
            "he",
            "llo",
            "b",
            "007",
            "Hello World",
            "900150983cd24fb0d6963f7d28e17f72",
            "a-'b'",
            "3",
            "cba",
            "ababab",
            "3",
            "ell",
            "hi",
            "hi"
        ]
    );
    assert_eq!(
        row(
            &client,
            "SELECT NULL IS DISTINCT FROM 1, NULL IS NOT DISTINCT FROM NULL, greatest(1, NULL, 3), least('b', 'a'), \
             coalesce(NULL, 'z'), E'tab\\there', U&'\\0041BC', $$it's$$"
        )
        .await,
        ["t", "t", "3", "a", "z", "tab\there", "ABC", "it's"]
    );
    assert_eq!(
        column(
            &client,
            "SELECT x FROM (VALUES (1), (NULL), (2)) t(x) ORDER BY x"
        )
        .await,
        ["1", "2", "NULL"]
    );
    assert_eq!(
        column(
            &client,
            "SELECT x FROM (VALUES (1), (NULL), (2)) t(x) ORDER BY x DESC"
        )
        .await,
        ["NULL", "2", "1"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn columns_are_named_and_typed_as_in_postgresql() {
    let server = server();
    let client = server.client().await;
    let (names, _) = simple(
        &client,
        "SELECT count(*), 1, 'x'::text, pid::text, now(), current_user, user, CASE WHEN true THEN 1 END, \
         ARRAY[1], trim(' a ') FROM processes GROUP BY pid LIMIT 1",
    )
    .await;
    assert_eq!(
        names,
        [
            "count",
            "?column?",
            "text",
            "pid",
            "now",
            "current_user",
            "user",
            "case",
            "array",
            "btrim"
        ]
    );
    // Describe reports expression types and parameter types from context.
    let stmt = client
        .prepare("SELECT pid = 1, count(*), now(), to_timestamp(start_time) > $2 FROM processes WHERE pid = $1 GROUP BY pid")
        .await
        .expect("prepare");
    assert_eq!(stmt.params(), [Type::INT8, Type::TIMESTAMPTZ]);
    let types: Vec<Type> = stmt.columns().iter().map(|c| c.type_().clone()).collect();
    assert_eq!(
        types,
        [Type::BOOL, Type::INT8, Type::TIMESTAMPTZ, Type::BOOL]
    );
    let stmt = client
        .prepare("SELECT username FROM users WHERE uid = $1 LIMIT $2")
        .await
        .expect("prepare");
    assert_eq!(stmt.params(), [Type::INT8, Type::INT8]);
    // Booleans travel as booleans in the binary format too.
    let r = client
        .query_one("SELECT 1 = 1, 'a' ILIKE 'A', $1::text IS NULL", &[&"x"])
        .await
        .expect("bools");
    assert_eq!(
        (
            r.get::<_, bool>(0),
            r.get::<_, bool>(1),
            r.get::<_, bool>(2)
        ),
        (true, true, false)
    );
    let r = client
        .query_one(
            "SELECT username FROM users WHERE uid = $1 LIMIT $2",
            &[&0i64, &1i64],
        )
        .await
        .expect("root");
    assert_eq!(r.get::<_, String>(0), "root");
}

#[tokio::test(flavor = "multi_thread")]
async fn untranslatable_constructs_fail_with_their_name() {
    let server = server();
    let client = server.client().await;
    let err = client
        .simple_query("SELECT DISTINCT ON (name) name FROM processes")
        .await
        .expect_err("DISTINCT ON");
    let db = err.as_db_error().expect("server error");
    assert_eq!(db.message(), "SELECT DISTINCT ON is not supported");
    assert_eq!(db.code().code(), "0A000");
    // The connection stays usable.
    assert_eq!(row(&client, "SELECT 1").await, ["1"]);
}

#[test]
fn psql_runs_postgresql_dialect() {
    let server = server();
    let out = server.psql_ok(&[
        "-A",
        "-t",
        "-c",
        "SELECT username, uid::text || '!' FROM \"public\".\"users\" WHERE username ILIKE 'ROOT' \
         ORDER BY uid NULLS LAST FETCH FIRST 1 ROWS ONLY",
    ]);
    assert_eq!(out, "root|0!\n");
    let out = server.psql_ok(&[
        "-A",
        "-t",
        "-c",
        "SELECT * FROM generate_series(1, 3) AS s(n)",
    ]);
    assert_eq!(out, "1\n2\n3\n");
}
