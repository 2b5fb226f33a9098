//! Translator tests: exact SQLite text for PostgreSQL input, inferred types,
//! osquery's packs unchanged, and the client corpora translating to SQL
//! SQLite prepares.

use std::sync::Arc;

use hostgres_collectors::CollectError;

use super::*;
use crate::engine::{Engine, EngineOptions};
use crate::scan::{Rows, ScanContext};
use crate::schema::{Column, Schema, col};
use crate::table::{Namespace, Table};

/// A catalog table with columns and no rows, standing in for the catalog's
/// own tables so that queries naming them translate and prepare.
struct Fixture {
    schema: &'static Schema,
    namespace: Namespace,
}

impl Table for Fixture {
    fn schema(&self) -> &'static Schema {
        self.schema
    }
    fn generate(&self, _: &ScanContext<'_>, _: &mut Rows) -> Result<(), CollectError> {
        Ok(())
    }
    fn namespace(&self) -> Namespace {
        self.namespace
    }
}

fn fixture(
    namespace: Namespace,
    name: &'static str,
    columns: &[(&'static str, ColumnType)],
) -> Arc<dyn Table> {
    let columns: Vec<Column> = columns.iter().map(|(n, t)| col(n, *t, "fixture")).collect();
    let schema = Box::leak(Box::new(Schema {
        name,
        doc: "fixture",
        columns: Box::leak(columns.into_boxed_slice()),
    }));
    Arc::new(Fixture { schema, namespace })
}

fn registry() -> Registry {
    use ColumnType::*;
    use Namespace::{InformationSchema as Info, PgCatalog as Pg};
    Registry::with_extra(vec![
        fixture(
            Pg,
            "pg_namespace",
            &[("oid", Oid), ("nspname", Name), ("nspowner", Oid)],
        ),
        fixture(
            Pg,
            "pg_class",
            &[
                ("oid", Oid),
                ("relname", Name),
                ("relnamespace", Oid),
                ("reltype", Oid),
                ("relam", Oid),
                ("reltablespace", Oid),
                ("relkind", Char),
                ("relpartbound", Text),
                ("relispartition", Bool),
            ],
        ),
        fixture(
            Pg,
            "pg_type",
            &[
                ("oid", Oid),
                ("typname", Name),
                ("typnamespace", Oid),
                ("typtype", Char),
                ("typcategory", Char),
                ("typrelid", Oid),
                ("typelem", Oid),
                ("typbasetype", Oid),
                ("typtypmod", Integer),
                ("typinput", Oid),
            ],
        ),
        fixture(
            Pg,
            "pg_attribute",
            &[
                ("attrelid", Oid),
                ("attname", Name),
                ("atttypid", Oid),
                ("attnum", SmallInt),
                ("attisdropped", Bool),
            ],
        ),
        fixture(
            Pg,
            "pg_description",
            &[
                ("objoid", Oid),
                ("classoid", Oid),
                ("objsubid", Integer),
                ("description", Text),
            ],
        ),
        fixture(Pg, "pg_database", &[("oid", Oid), ("datname", Name)]),
        fixture(Pg, "pg_settings", &[("name", Text), ("setting", Text)]),
        fixture(
            Pg,
            "pg_enum",
            &[
                ("oid", Oid),
                ("enumtypid", Oid),
                ("enumsortorder", Real),
                ("enumlabel", Name),
            ],
        ),
        fixture(
            Pg,
            "pg_range",
            &[
                ("rngtypid", Oid),
                ("rngsubtype", Oid),
                ("rngmultitypid", Oid),
            ],
        ),
        fixture(
            Pg,
            "pg_extension",
            &[("oid", Oid), ("extname", Name), ("extversion", Text)],
        ),
        fixture(
            Pg,
            "pg_index",
            &[
                ("indexrelid", Oid),
                ("indrelid", Oid),
                ("indkey", Int2Vector),
                ("indpred", Text),
                ("indexprs", Text),
            ],
        ),
        fixture(
            Pg,
            "pg_constraint",
            &[
                ("oid", Oid),
                ("conname", Name),
                ("contype", Char),
                ("conrelid", Oid),
                ("confrelid", Oid),
                ("conkey", Array(&SmallInt)),
            ],
        ),
        fixture(
            Pg,
            "pg_tables",
            &[("schemaname", Name), ("tablename", Name)],
        ),
        fixture(Pg, "pg_views", &[("schemaname", Name), ("viewname", Name)]),
        fixture(
            Pg,
            "pg_matviews",
            &[("schemaname", Name), ("matviewname", Name)],
        ),
        fixture(
            Pg,
            "pg_stat_user_tables",
            &[
                ("schemaname", Name),
                ("relname", Name),
                ("n_live_tup", BigInt),
            ],
        ),
        fixture(Pg, "pg_replication_slots", &[("slot_name", Name)]),
        fixture(
            Pg,
            "pg_get_keywords",
            &[("word", Text), ("catcode", Char), ("catdesc", Text)],
        ),
        fixture(
            Pg,
            "pg_stat_activity",
            &[
                ("pid", Integer),
                ("backend_start", TimestampTz),
                ("query", Text),
            ],
        ),
        fixture(
            Info,
            "schemata",
            &[("catalog_name", Name), ("schema_name", Name)],
        ),
        fixture(
            Info,
            "tables",
            &[
                ("table_schema", Name),
                ("table_name", Name),
                ("table_type", Text),
            ],
        ),
        fixture(
            Info,
            "columns",
            &[
                ("table_schema", Name),
                ("table_name", Name),
                ("column_name", Name),
                ("data_type", Text),
                ("udt_name", Name),
                ("numeric_precision", Integer),
                ("numeric_scale", Integer),
                ("ordinal_position", Integer),
            ],
        ),
    ])
}

/// The functions the catalog provides; a corpus statement may call them.
const CATALOG_FUNCTIONS: &[&str] = &[
    "format_type",
    "pg_get_expr",
    "pg_get_partkeydef",
    "pg_total_relation_size",
    "pg_relation_size",
    "pg_stat_get_numscans",
    "pg_get_constraintdef",
    "current_schemas",
    "has_any_column_privilege",
    "has_table_privilege",
    "has_schema_privilege",
    "quote_ident",
    "parse_ident",
    "regclass_in",
    "regclass_out",
    "regtype_in",
    "regtype_out",
    "regproc_in",
    "regproc_out",
    "regnamespace_in",
    "regnamespace_out",
    "pg_get_userbyid",
    "pg_table_is_visible",
    "obj_description",
    "col_description",
];

fn translated(s: &str) -> Query {
    match translate(s, &registry()).unwrap_or_else(|e| panic!("{s}: {e}")) {
        Statement::Query(q) => q,
        Statement::Session(c) => panic!("unexpected session command {c:?}"),
    }
}

fn sql_of(s: &str) -> String {
    translated(s).sql
}

fn error_of(s: &str) -> String {
    match translate(s, &registry()) {
        Err(e) => e.to_string(),
        Ok(q) => panic!("{s} translated to {q:?}"),
    }
}

/// Prepares translated SQL on an engine with the fixture catalog; the only
/// acceptable failure is a missing catalog function.
fn prepare(sql: &str) -> Result<(), String> {
    let engine = Engine::open(EngineOptions {
        registry: registry(),
        ..EngineOptions::default()
    })
    .expect("engine");
    match engine.describe(sql) {
        Ok(_) => Ok(()),
        Err(CatalogError::UndefinedFunction(f))
            if CATALOG_FUNCTIONS
                .iter()
                .any(|c| f.starts_with(&format!("{c}("))) =>
        {
            Ok(())
        }
        Err(e) => Err(e.to_string()),
    }
}

/// PostgreSQL input and the exact SQLite text it becomes.
const TRANSLATIONS: &[(&str, &str)] = &[
    // osquery's SQLite dialect is left alone.
    (
        "select address, mac, count(mac) as mac_count from arp_cache group by mac having count(mac) > 1",
        "select address, mac, count(mac) as mac_count from arp_cache group by mac having count(mac) > 1",
    ),
    (
        "SELECT * FROM users WHERE username = \"root\" AND uid GLOB '1*'",
        "SELECT * FROM users WHERE username = \"root\" AND uid GLOB '1*'",
    ),
    (
        "SELECT pid, name FROM processes WHERE pid = $1 LIMIT $2",
        "SELECT pid, name FROM processes WHERE pid = ?1 LIMIT ?2",
    ),
    // Result names as PostgreSQL gives them.
    (
        "SELECT count(*) FROM processes",
        "SELECT count(*) AS \"count\" FROM processes",
    ),
    (
        "SELECT $2, $1, '$3'",
        "SELECT ?2 AS \"?column?\", ?1 AS \"?column?\", '$3' AS \"?column?\"",
    ),
    (
        "SELECT 1 AS One, PID FROM processes",
        "SELECT 1 AS \"one\", PID AS \"pid\" FROM processes",
    ),
    // Casts.
    (
        "SELECT '12'::int2, 2.5::int4, '1.5'::float8, 't'::boolean, 'off'::bool, 42::text, true::text, \
         '2024-03-01 12:00:00+02'::timestamptz, '2024-03-01T12:00:00Z'::timestamp, '2024-03-01'::date, \
         '1 day 2 hours'::interval, '{\"a\": 1}'::jsonb, '\\x4142'::bytea, '{1,2,3}'::int[], '1259'::oid, \
         'abcdef'::varchar(3), 'x'::name, 'r'::\"char\", NULL::oid",
        "SELECT 12 AS \"int2\", 3 AS \"int4\", 1.5 AS \"float8\", 1 AS \"bool\", 0 AS \"bool\", '42' AS \"text\", \
         'true' AS \"text\", '2024-03-01 10:00:00+00' AS \"timestamptz\", '2024-03-01 12:00:00' AS \"timestamp\", \
         '2024-03-01' AS \"date\", '1 day 02:00:00' AS \"interval\", '{\"a\": 1}' AS \"jsonb\", X'4142' AS \"bytea\", \
         '[1,2,3]' AS \"int4\", 1259 AS \"oid\", 'abc' AS \"varchar\", 'x' AS \"name\", 'r' AS \"char\", NULL AS \"oid\"",
    ),
    (
        "SELECT name::text, pid::text, pid::int4, name::int8, on_disk::bool, start_time::float8, (pid = 1)::text, \
         CAST(name AS varchar(3)) FROM processes",
        "SELECT name, CAST(pid AS TEXT) AS \"pid\", pid, cast_int8(name) AS \"name\", cast_bool(on_disk) AS \"on_disk\", \
         CAST(start_time AS REAL) AS \"start_time\", bool_out((pid = 1)) AS \"text\", \
         substr(name, 1, 3) AS \"name\" FROM processes",
    ),
    (
        "SELECT $1::int4, $2::bool, $3::timestamptz, $4::interval",
        "SELECT cast_int4(?1) AS \"int4\", cast_bool(?2) AS \"bool\", cast_timestamptz(?3) AS \"timestamptz\", \
         cast_interval(?4) AS \"interval\"",
    ),
    (
        "SELECT current_setting('server_version_num')::int/100 as version",
        "SELECT cast_int4(current_setting('server_version_num')) / 100 AS \"version\"",
    ),
    // OID aliases through the catalog's functions; names only in the output.
    (
        "SELECT c.oid::regclass, c.oid::regclass::text, 'pg_class'::regclass::oid, 1::regtype \
         FROM pg_catalog.pg_class c WHERE c.oid = 'pg_class'::regclass AND c.reltype::regtype::text = 'x'",
        "SELECT regclass_out(c.oid) AS \"oid\", regclass_out(c.oid) AS \"oid\", regclass_in('pg_class') AS \"oid\", \
         regtype_out(1) AS \"regtype\" FROM pg_class c WHERE c.oid = regclass_in('pg_class') AND regtype_out(c.reltype) = 'x'",
    ),
    (
        "select $1::text::regtype::oid",
        "SELECT regtype_in(CAST(?1 AS TEXT)) AS \"oid\"",
    ),
    // Strings.
    (
        "SELECT E'tab\\there', U&'\\0041BC', $$dollar 'quoted'$$",
        "SELECT 'tab\there' AS \"?column?\", 'ABC' AS \"?column?\", 'dollar ''quoted''' AS \"?column?\"",
    ),
    // Pattern matching.
    (
        "SELECT name FROM processes WHERE name ILIKE 'SYS%' OR name NOT ILIKE 'x' OR name ~ '^k' OR name ~* 'KW' \
         OR name !~ 'a' OR name !~* 'b' OR name SIMILAR TO '(sys|kw)%' OR name OPERATOR(pg_catalog.~) 'z' \
         OR name LIKE 'a\\_b' OR name ~~ 'a%' OR name !~~* 'a%'",
        "SELECT name FROM processes WHERE ilike(name, 'SYS%') OR NOT ilike(name, 'x') OR regexp_like(name, '^k') \
         OR regexp_like(name, 'KW', 'i') OR NOT regexp_like(name, 'a') OR NOT regexp_like(name, 'b', 'i') \
         OR regexp_like(name, similar_to_escape('(sys|kw)%')) OR regexp_like(name, 'z') OR name LIKE 'a\\_b' \
         OR name LIKE 'a%' OR NOT ilike(name, 'a%')",
    ),
    (
        "SELECT name COLLATE \"C\", name COLLATE pg_catalog.\"default\", name COLLATE nocase FROM processes \
         ORDER BY name COLLATE \"C\"",
        "SELECT name, name, name COLLATE nocase AS \"name\" FROM processes ORDER BY name NULLS LAST",
    ),
    // NULL-safe comparisons.
    (
        "SELECT pid IS DISTINCT FROM parent, pid IS NOT DISTINCT FROM NULL, name IS UNKNOWN FROM processes",
        "SELECT pid IS NOT parent AS \"?column?\", pid IS NULL AS \"?column?\", name IS NULL AS \"?column?\" FROM processes",
    ),
    // Arrays.
    (
        "SELECT pid FROM processes WHERE pid = ANY(ARRAY[1, 2]) AND name <> ALL('{a,b}') AND uid = ANY($1) \
         AND pid > ANY('{5,6}'::int[]) AND gid = ALL(ARRAY[0]) AND pid = ANY(SELECT 1)",
        "SELECT pid FROM processes WHERE pid IN (1, 2) AND name NOT IN ('a', 'b') \
         AND uid IN (SELECT value FROM json_each(array_in(?1))) \
         AND EXISTS (SELECT 1 FROM (SELECT value AS __hg_v FROM json_each('[5,6]')) WHERE pid > __hg_v) \
         AND NOT EXISTS (SELECT 1 FROM (SELECT value AS __hg_v FROM json_each(json_array(0))) WHERE NOT (gid = __hg_v)) \
         AND pid IN (SELECT 1 AS \"?column?\")",
    ),
    (
        "SELECT ARRAY[1, 2], (ARRAY[10, 20, 30])[2], (ARRAY[10, 20, 30])[2:3], \
         ARRAY(SELECT name FROM processes ORDER BY pid), ARRAY[1,2] @> ARRAY[1], ARRAY[1] <@ ARRAY[1,2], \
         ARRAY[1,2] && ARRAY[2,3], ARRAY[1] || ARRAY[2], ARRAY[1] || 2",
        "SELECT json_array(1, 2) AS \"array\", array_subscript((json_array(10, 20, 30)), 2) AS \"array\", \
         array_slice((json_array(10, 20, 30)), 2, 3) AS \"array\", \
         (SELECT json_group_array(\"name\") FROM (SELECT name FROM processes ORDER BY pid NULLS LAST)) AS \"array\", \
         array_contains(json_array(1, 2), json_array(1)) AS \"?column?\", \
         array_contains(json_array(1, 2), json_array(1)) AS \"?column?\", \
         array_overlap(json_array(1, 2), json_array(2, 3)) AS \"?column?\", \
         array_cat(json_array(1), json_array(2)) AS \"?column?\", array_append(json_array(1), 2) AS \"?column?\"",
    ),
    (
        "SELECT array_agg(name ORDER BY name), string_agg(name, ', '), json_agg(pid), json_build_object('a', pid), \
         bool_and(on_disk = 1) FROM processes",
        "SELECT json_group_array(name ORDER BY name NULLS LAST) AS \"array_agg\", string_agg(name, ', ') AS \"string_agg\", \
         json_group_array(pid) AS \"json_agg\", json_object('a', pid) AS \"json_build_object\", \
         min(on_disk = 1) AS \"bool_and\" FROM processes",
    ),
    (
        "SELECT row_to_json(t) FROM (SELECT 1 AS a, 'x' AS b) t",
        "SELECT json_object('a', t.\"a\", 'b', t.\"b\") AS \"row_to_json\" FROM (SELECT 1 AS a, 'x' AS b) t",
    ),
    // Set-returning functions become subqueries named as in PostgreSQL.
    (
        "SELECT * FROM unnest(ARRAY['a', 'b']) WITH ORDINALITY AS t(letter, n)",
        "SELECT * FROM (SELECT *, row_number() OVER () AS \"n\" FROM \
         (SELECT value AS \"letter\" FROM json_each(json_array('a', 'b')))) AS \"t\"",
    ),
    (
        "SELECT unnest(ARRAY[1, 2]) AS v",
        "SELECT * FROM (SELECT value AS \"v\" FROM json_each(json_array(1, 2))) AS \"v\"",
    ),
    (
        "SELECT s.n FROM generate_series(1, 3) AS s(n)",
        "SELECT s.n FROM (WITH RECURSIVE __hg_p (a, b, c) AS (SELECT 1, 3, 1), __hg_s (v) AS (SELECT a FROM __hg_p \
         WHERE (c > 0 AND a <= b) OR (c < 0 AND a >= b) UNION ALL SELECT v + c FROM __hg_s, __hg_p \
         WHERE (c > 0 AND v + c <= b) OR (c < 0 AND v + c >= b)) SELECT v AS \"n\" FROM __hg_s) AS \"s\"",
    ),
    (
        "SELECT * FROM generate_series('2024-01-01'::date, '2024-01-03'::date, '1 day')",
        "SELECT * FROM (WITH RECURSIVE __hg_p (a, b, c, d) AS (SELECT '2024-01-01 00:00:00+00', \
         '2024-01-03 00:00:00+00', '1 day', date_part('epoch', '1 day')), __hg_s (v) AS (SELECT a FROM __hg_p \
         WHERE (d > 0 AND a <= b) OR (d < 0 AND a >= b) UNION ALL SELECT timestamp_pl_interval(v, c) \
         FROM __hg_s, __hg_p WHERE (d > 0 AND timestamp_pl_interval(v, c) <= b) \
         OR (d < 0 AND timestamp_pl_interval(v, c) >= b)) SELECT v AS \"generate_series\" FROM __hg_s) \
         AS \"generate_series\"",
    ),
    (
        "SELECT word FROM pg_catalog.pg_get_keywords() WHERE word <> ALL ('{a,abs}'::text[])",
        "SELECT word FROM pg_get_keywords WHERE word NOT IN ('a', 'abs')",
    ),
    // Text functions.
    (
        "SELECT left('hello', 2), position('l' in 'hello'), substring('abc' from 2 for 1), substring('abc' from 'b.'), \
         trim(both 'x' from 'xax'), trim(leading from ' a'), \"substring\"('abcdef', 4), \
         overlay('abcd' placing 'X' from 2 for 2)",
        "SELECT \"left\"('hello', 2) AS \"left\", instr('hello', 'l') AS \"position\", substr('abc', 2, 1) AS \"substring\", \
         textregexsubstr('abc', 'b.') AS \"substring\", trim('xax', 'x') AS \"btrim\", ltrim(' a') AS \"ltrim\", \
         substring('abcdef', 4) AS \"substring\", \
         (substr('abcd', 1, 2 - 1) || 'X' || substr('abcd', 2 + 2)) AS \"overlay\"",
    ),
    // Dates and times.
    (
        "SELECT now(), current_timestamp, localtimestamp, current_date, to_timestamp(0), extract(epoch from now()), \
         date_part('Hour', now()), date_trunc('minute', now()), age(timestamp '2024-03-15', timestamp '2023-01-20'), \
         now() AT TIME ZONE 'UTC'",
        "SELECT now() AS \"now\", now() AS \"current_timestamp\", localtimestamp() AS \"localtimestamp\", \
         current_date AS \"current_date\", to_timestamp(0) AS \"to_timestamp\", \
         date_part('epoch', now()) AS \"extract\", date_part('hour', now()) AS \"date_part\", \
         date_trunc('minute', now()) AS \"date_trunc\", age('2024-03-15 00:00:00', '2023-01-20 00:00:00') AS \"age\", \
         timezone('UTC', now()) AS \"timezone\"",
    ),
    (
        "SELECT now() - interval '1 hour', interval '1 hour' + now(), now() - timestamp '2024-01-01', \
         date '2024-01-31' + 1, date '2024-03-01' - date '2024-01-01', interval '1 hour' * 2, -interval '1 day', \
         now() - '2024-01-01', now() + '90 minutes'",
        "SELECT timestamp_mi_interval(now(), '01:00:00') AS \"?column?\", \
         timestamp_pl_interval(now(), '01:00:00') AS \"?column?\", \
         timestamp_mi(now(), '2024-01-01 00:00:00+00') AS \"?column?\", date_pli('2024-01-31', 1) AS \"?column?\", \
         date_mi('2024-03-01', '2024-01-01') AS \"?column?\", interval_mul('01:00:00', 2) AS \"?column?\", \
         interval_um('1 day') AS \"?column?\", timestamp_mi(now(), '2024-01-01 00:00:00+00') AS \"?column?\", \
         timestamp_pl_interval(now(), '01:30:00') AS \"?column?\"",
    ),
    (
        "SELECT backend_start FROM pg_stat_activity WHERE backend_start > '2024-01-01T00:00:00Z' \
         AND backend_start < $1 AND backend_start BETWEEN $2 AND now()",
        "SELECT backend_start FROM pg_stat_activity WHERE backend_start > '2024-01-01 00:00:00+00' \
         AND backend_start < cast_timestamptz(?1) AND backend_start BETWEEN cast_timestamptz(?2) AND now()",
    ),
    // Grafana's macros, expanded.
    (
        "SELECT to_timestamp(start_time) AS \"time\", name AS metric FROM processes \
         WHERE to_timestamp(start_time) BETWEEN '2026-11-28T00:00:00Z' AND '2026-11-28T06:00:00Z' ORDER BY 1",
        "SELECT to_timestamp(start_time) AS \"time\", name AS \"metric\" FROM processes \
         WHERE to_timestamp(start_time) BETWEEN '2026-11-28 00:00:00+00' AND '2026-11-28 06:00:00+00' \
         ORDER BY 1 NULLS LAST",
    ),
    (
        "SELECT floor(extract(epoch from to_timestamp(start_time))/300)*300 AS \"time\", count(*) \
         FROM processes GROUP BY 1",
        "SELECT floor(date_part('epoch', to_timestamp(start_time)) / 300) * 300 AS \"time\", count(*) AS \"count\" \
         FROM processes GROUP BY 1",
    ),
    // Limits and ordering.
    (
        "SELECT * FROM processes ORDER BY name DESC, pid LIMIT ALL OFFSET 2",
        "SELECT * FROM processes ORDER BY name DESC NULLS FIRST, pid NULLS LAST LIMIT -1 OFFSET 2",
    ),
    (
        "select * from processes limit all",
        "SELECT * FROM processes",
    ),
    (
        "SELECT * FROM processes ORDER BY name NULLS FIRST FETCH FIRST 5 ROWS ONLY",
        "SELECT * FROM processes ORDER BY name NULLS FIRST LIMIT 5",
    ),
    (
        "SELECT * FROM processes OFFSET 10 ROWS",
        "SELECT * FROM processes LIMIT -1 OFFSET 10",
    ),
    // Keywords PostgreSQL treats as functions; `user` stays osquery's column where there is one.
    (
        "SELECT current_user, session_user, current_schema, current_catalog, user, current_role",
        "SELECT current_user() AS \"current_user\", session_user() AS \"session_user\", \
         current_schema() AS \"current_schema\", current_database() AS \"current_catalog\", \
         current_user() AS \"user\", current_user() AS \"current_role\"",
    ),
    (
        "select user from logged_in_users",
        "SELECT user FROM logged_in_users",
    ),
    // Schemas.
    (
        "SELECT information_schema.tables.table_name FROM information_schema.tables \
         WHERE tables.table_schema = 'public'",
        "SELECT tables.table_name FROM information_schema_tables AS \"tables\" WHERE tables.table_schema = 'public'",
    ),
    (
        "SELECT pg_catalog.pg_class.relname, pg_catalog.format_type(1, NULL) \
         FROM pg_catalog.pg_class, \"public\".\"processes\" p",
        "SELECT pg_class.relname, format_type(1, NULL) AS \"format_type\" FROM pg_class, processes p",
    ),
    // Set operations and the statements SQLite spells differently.
    (
        "(SELECT 1) UNION (SELECT 2 ORDER BY 1 LIMIT 1) ORDER BY 1",
        "SELECT 1 AS \"?column?\" UNION SELECT * FROM (SELECT 2 AS \"?column?\" ORDER BY 1 NULLS LAST LIMIT 1) \
         ORDER BY 1 NULLS LAST",
    ),
    ("TABLE processes", "SELECT * FROM processes"),
    ("VALUES (1, 'a'), (2, 'b')", "VALUES (1, 'a'), (2, 'b')"),
];

#[test]
fn translations_are_exact_and_prepare() {
    for (input, want) in TRANSLATIONS {
        let got = sql_of(input);
        assert_eq!(&got, want, "\n{input}");
        prepare(&got).unwrap_or_else(|e| panic!("{got}: {e}"));
    }
}

#[test]
fn untranslatable_constructs_are_named() {
    let cases = [
        (
            "SELECT 1 FROM processes FOR UPDATE",
            "cannot execute SELECT FOR UPDATE/SHARE in a read-only database",
        ),
        (
            "SELECT DISTINCT ON (name) name FROM processes",
            "SELECT DISTINCT ON is not supported",
        ),
        (
            "SELECT * FROM nosuch.processes",
            "relation \"nosuch.processes\" does not exist",
        ),
        (
            "SELECT x::xml FROM processes",
            "type \"xml\" is not supported",
        ),
        (
            "SELECT 1 INTERSECT ALL SELECT 1",
            "INTERSECT ALL is not supported",
        ),
        (
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY pid) FROM processes",
            "percentile_cont() WITHIN GROUP is not supported",
        ),
        (
            "SELECT 'abc'::int",
            "invalid input syntax for type integer: \"abc\"",
        ),
        (
            "SELECT date '2024-02-30'",
            "invalid input syntax for type date: \"2024-02-30\"",
        ),
        (
            "SELECT name FROM processes WHERE unnest(ARRAY[1]) = 1",
            "set-returning function unnest() is supported in FROM and in the select list only",
        ),
        (
            "SELECT * FROM processes p, LATERAL (SELECT p.pid) x",
            "LATERAL is not supported",
        ),
    ];
    for (input, want) in cases {
        assert_eq!(error_of(input), want, "{input}");
    }
    let typo = translate("SELECT * FROM public.processs", &registry()).expect_err("typo");
    assert_eq!(
        typo.hint().as_deref(),
        Some("Perhaps you meant the table \"processes\". `\\dt` lists all tables.")
    );
}

#[test]
fn parameters_are_typed_from_their_context() {
    use ColumnType::*;
    let q = translated(
        "SELECT pid FROM processes WHERE name = $1 AND start_time > $2 AND pid IN ($3, $4) AND cmdline LIKE $5 \
         AND $6::text <> '' AND uid = ANY($7) LIMIT $8 OFFSET $9",
    );
    assert_eq!(
        q.param_types,
        vec![
            Some(Text),
            Some(BigInt),
            Some(BigInt),
            Some(BigInt),
            Some(Text),
            Some(Text),
            Some(Array(&BigInt)),
            Some(BigInt),
            Some(BigInt)
        ]
    );
    let q = translated("SELECT typname FROM pg_catalog.pg_type WHERE oid = $1 AND typname = $2");
    assert_eq!(q.param_types, vec![Some(Oid), Some(Name)]);
    assert_eq!(translated("SELECT $1").param_types, vec![None]);
    assert_eq!(translated("SELECT $65535").param_types.len(), 65_535);
}

#[test]
fn a_parameter_number_past_the_protocol_limit_is_refused() {
    let message = error_of("SELECT pid FROM processes WHERE pid = $99999999999");
    assert_eq!(
        message,
        "there is no parameter $99999999999: a statement may use $1 to $65535"
    );
    assert!(matches!(
        translate("SELECT $65536", &registry()),
        Err(e) if e.kind() == crate::error::CatalogErrorKind::Limit
    ));
}

#[test]
fn result_columns_are_typed() {
    use ColumnType::*;
    let q = translated(
        "SELECT 1, 1.5, 'a', count(*), pid, pid + 1, 3000000000, CAST(pid AS text), pid = 1, name IS NULL, \
         EXISTS (SELECT 1), to_timestamp(start_time), now() - interval '1 day', ARRAY[name], \
         CASE WHEN pid > 1 THEN true ELSE false END, NULL FROM processes",
    );
    assert_eq!(
        q.column_hints,
        vec![
            Some(Integer),
            Some(Double),
            Some(Text),
            Some(BigInt),
            Some(BigInt),
            Some(BigInt),
            Some(BigInt),
            Some(Text),
            Some(Bool),
            Some(Bool),
            Some(Bool),
            Some(TimestampTz),
            Some(TimestampTz),
            Some(Array(&Text)),
            Some(Bool),
            None
        ]
    );
    // Types flow through CTEs, derived tables and subqueries.
    let q = translated(
        "WITH t AS (SELECT pid, to_timestamp(start_time) AS started FROM processes) \
         SELECT s.started, s.pid, (SELECT max(started) FROM t) FROM (SELECT * FROM t) s",
    );
    assert_eq!(
        q.column_hints,
        vec![Some(TimestampTz), Some(BigInt), Some(TimestampTz)]
    );
    // A star over a table hostgres does not describe leaves the columns to SQLite.
    assert!(
        translated("SELECT * FROM sqlite_schema")
            .column_hints
            .is_empty()
    );
    let q = translated("SELECT oid::regclass, typname::text FROM pg_catalog.pg_type");
    assert_eq!(q.column_hints, vec![Some(Text), Some(Text)]);
}

/// osquery's example packs, as osqueryd schedules them on Linux.
#[test]
fn osquery_packs_translate_unchanged_and_prepare() {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/osquery-packs-linux.json");
    let text = std::fs::read_to_string(&path).expect("packs");
    let packs: Vec<serde_json::Value> = serde_json::from_str(&text).expect("json");
    let reg = Registry::builtin();
    let engine = Engine::open(EngineOptions::default()).expect("engine");
    let mut prepared = 0;
    for pack in &packs {
        let sql = pack["query"].as_str().expect("query");
        let statements = split_statements(sql);
        assert_eq!(statements.len(), 1, "{sql}");
        let Statement::Query(q) =
            translate(statements[0], &reg).unwrap_or_else(|e| panic!("{sql}: {e}"))
        else {
            panic!("{sql} is not a query");
        };
        assert_eq!(q.sql, statements[0], "osquery's SQL runs as written");
        match engine.describe(&q.sql) {
            Ok(_) => prepared += 1,
            // Tables of other platforms, or not (yet) in hostgres.
            Err(CatalogError::UndefinedTable { name, .. }) => {
                assert!(reg.entry(&name).is_none(), "{sql}: {name}");
            }
            Err(e) => panic!("{sql}: {e}"),
        }
    }
    assert_eq!(packs.len(), 113);
    assert!(prepared >= 70, "{prepared} of the pack queries prepared");
}

fn corpus(file: &str) -> String {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/clientsql")
        .join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn client_corpora_translate_and_prepare() {
    let mut failures = Vec::new();
    let mut count = 0;
    for file in [
        "grafana.sql",
        "pgx-v5.sql",
        "dbeaver.sql",
        "metabase.sql",
        "pgadmin.sql",
        "tokio-postgres.sql",
    ] {
        let text = corpus(file);
        for stmt in split_statements(&text) {
            count += 1;
            match translate(stmt, &registry()) {
                Ok(Statement::Query(q)) => {
                    if let Err(e) = prepare(&q.sql) {
                        failures.push(format!("{file}: {stmt}\n  -> {}\n  prepare: {e}", q.sql));
                    }
                }
                Ok(Statement::Session(_)) => {}
                Err(e) => failures.push(format!("{file}: {stmt}\n  translate: {e}")),
            }
        }
    }
    assert!(count > 40, "{count} statements");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
