//! The catalog through SQL, with exact rows: what the relations list, what
//! the functions answer, and what a policy hides. Queries are written as
//! the dialect translator hands them to SQLite (no `pg_catalog.` prefix,
//! `regclass_in('x')` for `'x'::regclass`).

use std::sync::Arc;

use crate::engine::{Engine, EngineOptions};
use crate::error::{CatalogError, CatalogErrorKind};
use crate::oid::table_oid;
use crate::policy::TablePolicy;
use crate::settings::Settings;
use crate::table::Namespace;
use crate::testing::strings;

fn engine() -> Engine {
    engine_with(EngineOptions::default())
}

fn engine_with(options: EngineOptions) -> Engine {
    Engine::open(options).expect("engine")
}

fn rows(engine: &Engine, sql: &str) -> Vec<Vec<String>> {
    strings(
        &engine
            .query_all(sql, &[])
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .rows,
    )
}

fn one(engine: &Engine, sql: &str) -> String {
    let rows = rows(engine, sql);
    assert_eq!(rows.len(), 1, "{sql}: {rows:?}");
    rows[0][0].clone()
}

fn processes_oid() -> u32 {
    table_oid(Namespace::Public, "processes")
}

#[test]
fn pg_class_lists_host_tables_with_stable_oids() {
    let e = engine();
    let oid = processes_oid();
    assert_eq!(
        rows(
            &e,
            "SELECT c.oid, c.relname, n.nspname, c.relkind, c.relnatts, c.relowner, am.amname \
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             LEFT JOIN pg_am am ON am.oid = c.relam WHERE c.relname = 'processes'"
        ),
        [[
            oid.to_string(),
            "processes".into(),
            "public".into(),
            "r".into(),
            "27".into(),
            "10".into(),
            "hostgres".into()
        ]]
    );
    assert_eq!(
        rows(
            &e,
            "SELECT oid, relkind, relnamespace FROM pg_class WHERE relname IN ('pg_class', 'pg_tables') ORDER BY 1"
        ),
        [
            ["1259", "r", "11"],
            [
                &table_oid(Namespace::PgCatalog, "pg_tables").to_string(),
                "v",
                "11"
            ]
        ]
    );
    // Every host table is listed once; table-valued functions are not relations.
    assert_eq!(
        one(
            &e,
            "SELECT count(*) FROM pg_class WHERE relnamespace = 2200"
        ),
        crate::tables::ALL.len().to_string()
    );
    assert_eq!(
        one(
            &e,
            "SELECT count(*) FROM pg_class WHERE relname = 'pg_get_keywords'"
        ),
        "0"
    );
    // `WHERE c.oid = '<oid>'` (as psql sends it) finds the row through the pushed-down constraint.
    assert_eq!(
        one(
            &e,
            &format!("SELECT relname FROM pg_class c WHERE c.oid = '{oid}'")
        ),
        "processes"
    );
}

#[test]
fn pg_attribute_lists_columns_in_order_with_types() {
    let e = engine();
    let got = rows(
        &e,
        &format!(
            "SELECT a.attname, a.atttypid, format_type(a.atttypid, a.atttypmod), a.attnum, a.attnotnull, a.attisdropped \
             FROM pg_attribute a WHERE a.attrelid = '{}' AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum LIMIT 5",
            processes_oid()
        ),
    );
    assert_eq!(
        got,
        [
            ["pid", "20", "bigint", "1", "0", "0"],
            ["name", "25", "text", "2", "0", "0"],
            ["path", "25", "text", "3", "0", "0"],
            ["cmdline", "25", "text", "4", "0", "0"],
            ["state", "25", "text", "5", "0", "0"],
        ]
    );
    // Hidden columns are listed, and their description says so.
    let file = table_oid(Namespace::Public, "file");
    assert_eq!(
        rows(
            &e,
            &format!(
                "SELECT a.attname, col_description(a.attrelid, a.attnum) FROM pg_attribute a \
                 WHERE a.attrelid = {file} AND a.attname IN ('path', 'mount_namespace_id') ORDER BY a.attnum"
            )
        ),
        [
            [
                "path",
                "Absolute file path; LIKE patterns glob (% within a component, %% recursively). (required in WHERE: =, IN or LIKE)"
            ],
            [
                "mount_namespace_id",
                "Mount namespace id of the process given in pid_with_namespace. (hidden: not part of SELECT *)"
            ]
        ]
    );
    // Catalog columns have PostgreSQL's types.
    assert_eq!(
        rows(
            &e,
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a \
             WHERE a.attrelid = 1259 AND a.attname IN ('oid', 'relname', 'relkind', 'reltuples', 'relacl') ORDER BY a.attnum"
        ),
        [
            ["oid", "oid"],
            ["relname", "name"],
            ["reltuples", "real"],
            ["relkind", "\"char\""],
            ["relacl", "text[]"],
        ]
    );
}

#[test]
fn tableoid_is_a_system_column() {
    let e = engine();
    let language = table_oid(Namespace::PgCatalog, "pg_language");
    assert_eq!(
        rows(
            &e,
            "SELECT l.lanname, l.tableoid = c.oid FROM pg_language l JOIN pg_class c ON c.relname = 'pg_language'"
        ),
        [["internal", "1"]]
    );
    assert_eq!(
        rows(
            &e,
            &format!(
                "SELECT c.relnatts, a.attnum FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid \
                 WHERE c.oid = {language} AND a.attname = 'tableoid'"
            )
        ),
        [["9", "-6"]]
    );
    assert_eq!(
        one(
            &e,
            "SELECT count(*) FROM information_schema_columns WHERE table_name = 'pg_language'"
        ),
        "9"
    );
}

#[test]
fn pg_type_has_consistent_array_types() {
    let e = engine();
    assert_eq!(
        rows(
            &e,
            "SELECT t.typname, t.typlen, t.typtype, t.typcategory, a.typname, a.typelem = t.oid, \
             t.typinput = regproc_in('int4in'), regproc_out(a.typinput) \
             FROM pg_type t JOIN pg_type a ON a.oid = t.typarray WHERE t.oid = 23"
        ),
        [["int4", "4", "b", "N", "_int4", "1", "1", "array_in"]]
    );
    assert_eq!(
        one(
            &e,
            "SELECT count(*) FROM pg_type t LEFT JOIN pg_type a ON a.oid = t.typarray \
             WHERE t.typarray <> 0 AND (a.oid IS NULL OR a.typelem <> t.oid)"
        ),
        "0"
    );
    // tokio-postgres' type lookup.
    assert_eq!(
        rows(
            &e,
            "SELECT t.typname, t.typtype, t.typelem, r.rngsubtype, t.typbasetype, n.nspname, t.typrelid \
             FROM pg_type t LEFT OUTER JOIN pg_range r ON r.rngtypid = t.oid \
             INNER JOIN pg_namespace n ON t.typnamespace = n.oid WHERE t.oid = 1009"
        ),
        [["_text", "b", "25", "", "0", "pg_catalog", "0"]]
    );
}

#[test]
fn format_type_and_regtype() {
    let e = engine();
    assert_eq!(
        rows(
            &e,
            "SELECT format_type(1043, 36), format_type(1184, NULL), format_type(18, -1), format_type(99999, -1), format_type(NULL, -1)"
        ),
        [[
            "character varying(32)",
            "timestamp with time zone",
            "\"char\"",
            "???",
            ""
        ]]
    );
    assert_eq!(
        rows(
            &e,
            "SELECT regtype_in('integer'), regtype_in('varchar(10)[]'), regtype_out(regtype_in('timestamptz')), regtype_out(1042)"
        ),
        [["23", "1015", "timestamp with time zone", "character"]]
    );
    let err = e
        .query_all("SELECT regtype_in('nosuch')", &[])
        .expect_err("unknown type");
    assert_eq!(err.kind(), CatalogErrorKind::UndefinedObject);
    assert_eq!(err.to_string(), "type \"nosuch\" does not exist");
}

#[test]
fn regclass_round_trips() {
    let e = engine();
    let oid = processes_oid().to_string();
    for name in [
        "processes",
        "PROCESSES",
        "public.processes",
        "\"public\".\"processes\"",
        "hostgres.public.processes",
    ] {
        assert_eq!(
            one(&e, &format!("SELECT regclass_in('{name}')")),
            oid,
            "{name}"
        );
    }
    assert_eq!(
        rows(
            &e,
            &format!(
                "SELECT regclass_out({oid}), regclass_in('pg_class'), regclass_out(1259), \
                 regclass_out(regclass_in('information_schema.tables')), regclass_out(12), regclass_in('1259')"
            )
        ),
        [[
            "processes",
            "1259",
            "pg_class",
            "information_schema.tables",
            "12",
            "1259"
        ]]
    );
    assert_eq!(one(&e, "SELECT regclass_in(NULL) IS NULL"), "1");
    for (input, message) in [
        ("nosuch", "relation \"nosuch\" does not exist"),
        (
            "public.pg_class",
            "relation \"public.pg_class\" does not exist",
        ),
        ("\"Processes\"", "relation \"Processes\" does not exist"),
    ] {
        match e.query_all(&format!("SELECT regclass_in('{input}')"), &[]) {
            Err(err @ CatalogError::UndefinedTable { .. }) => {
                assert_eq!(err.to_string(), message)
            }
            other => panic!("{input}: {other:?}"),
        }
    }
    assert_eq!(one(&e, "SELECT to_regclass('nosuch') IS NULL"), "1");
    assert_eq!(
        rows(
            &e,
            "SELECT regproc_in('format_type') = p.oid, regproc_out(p.oid), regnamespace_in('public'), \
             regnamespace_out(11), regrole_in('hostgres'), regrole_out(10) FROM pg_proc p WHERE p.proname = 'format_type'"
        ),
        [["1", "format_type", "2200", "pg_catalog", "10", "hostgres"]]
    );
    let err = e
        .query_all("SELECT regproc_in('nosuch')", &[])
        .expect_err("unknown function");
    assert_eq!(err.kind(), CatalogErrorKind::UndefinedFunction);
    let err = e
        .query_all("SELECT regnamespace_in('nosuch')", &[])
        .expect_err("unknown schema");
    assert_eq!(err.kind(), CatalogErrorKind::UndefinedObject);
}

#[test]
fn visibility_follows_the_search_path() {
    let settings = Settings::default();
    settings
        .set("search_path", Some("\"$user\", public"))
        .expect("set");
    let e = engine_with(EngineOptions {
        settings: settings.clone(),
        ..EngineOptions::default()
    });
    let oid = processes_oid();
    let is_oid = table_oid(Namespace::InformationSchema, "tables");
    let visible = format!(
        "SELECT pg_table_is_visible({oid}), pg_table_is_visible({is_oid}), pg_table_is_visible(1259), pg_table_is_visible(1)"
    );
    assert_eq!(rows(&e, &visible), [["1", "0", "1", ""]]);
    assert_eq!(
        rows(&e, "SELECT current_schemas(true), current_schemas(false)"),
        [["[\"pg_catalog\",\"public\"]", "[\"public\"]"]]
    );
    settings
        .set("search_path", Some("information_schema"))
        .expect("set");
    assert_eq!(rows(&e, &visible), [["0", "1", "1", ""]]);
    assert_eq!(
        one(&e, &format!("SELECT regclass_out({oid})")),
        "public.processes"
    );
    assert_eq!(one(&e, "SELECT regclass_in('tables')"), is_oid.to_string());
}

#[derive(Debug)]
struct NoProcesses;

impl TablePolicy for NoProcesses {
    fn may_read(&self, table: &str) -> bool {
        table != "processes"
    }
}

#[test]
fn a_denied_table_disappears_from_the_catalog() {
    let e = engine_with(EngineOptions {
        policy: Arc::new(NoProcesses),
        ..EngineOptions::default()
    });
    let oid = processes_oid();
    for sql in [
        "SELECT count(*) FROM pg_class WHERE relname = 'processes'".to_owned(),
        format!("SELECT count(*) FROM pg_attribute WHERE attrelid = {oid}"),
        format!("SELECT count(*) FROM pg_description WHERE objoid = {oid}"),
        "SELECT count(*) FROM pg_tables WHERE tablename = 'processes'".to_owned(),
        "SELECT count(*) FROM information_schema_tables WHERE table_name = 'processes'".to_owned(),
        "SELECT count(*) FROM information_schema_columns WHERE table_name = 'processes'".to_owned(),
        "SELECT count(*) FROM information_schema_table_privileges WHERE table_name = 'processes'"
            .to_owned(),
    ] {
        assert_eq!(one(&e, &sql), "0", "{sql}");
    }
    assert!(matches!(
        e.query_all("SELECT regclass_in('processes')", &[]),
        Err(CatalogError::UndefinedTable { .. })
    ));
    assert_eq!(
        rows(
            &e,
            &format!(
                "SELECT pg_table_is_visible({oid}), obj_description({oid}, 'pg_class'), regclass_out({oid}), has_table_privilege({oid}, 'select')"
            )
        ),
        [["", "", oid.to_string().as_str(), ""]]
    );
    assert!(matches!(
        e.query_all("SELECT has_table_privilege('processes', 'select')", &[]),
        Err(CatalogError::UndefinedTable { .. })
    ));
    // Other tables are unaffected.
    assert_eq!(
        one(&e, "SELECT count(*) FROM pg_class WHERE relname = 'users'"),
        "1"
    );
}

#[test]
fn privileges_follow_the_policy_and_read_only_engine() {
    let e = engine();
    assert_eq!(
        rows(
            &e,
            "SELECT has_table_privilege('processes', 'select'), has_table_privilege('public.processes', 'SELECT, INSERT'), \
             has_table_privilege('processes', 'insert'), has_table_privilege('hostgres', 'processes', 'select'), \
             has_table_privilege('processes', 'select with grant option'), has_schema_privilege('public', 'usage'), \
             has_schema_privilege('public', 'create'), has_database_privilege('hostgres', 'connect'), \
             has_column_privilege('processes', 'pid', 'select'), has_column_privilege('processes', 1, 'select'), \
             has_column_privilege('processes', 99, 'select'), has_any_column_privilege('processes', 'select')"
        ),
        [["1", "1", "0", "1", "0", "1", "0", "1", "1", "1", "", "1"]]
    );
    for (sql, message) in [
        (
            "SELECT has_table_privilege('processes', 'foo')",
            "unrecognized privilege type: \"foo\"",
        ),
        (
            "SELECT has_table_privilege('nobody', 'processes', 'select')",
            "role \"nobody\" does not exist",
        ),
        (
            "SELECT has_column_privilege('processes', 'nope', 'select')",
            "column \"nope\" of relation \"processes\" does not exist",
        ),
    ] {
        let err = e.query_all(sql, &[]).expect_err(sql);
        assert_eq!(err.to_string(), message, "{sql}");
    }
}

#[test]
fn descriptions_come_from_the_schemas() {
    let e = engine();
    let oid = processes_oid();
    assert_eq!(
        rows(
            &e,
            &format!(
                "SELECT obj_description({oid}, 'pg_class'), obj_description({oid}), col_description({oid}, 1), \
                 obj_description(2200, 'pg_namespace'), shobj_description(d.oid, 'pg_database') \
                 FROM pg_database d WHERE d.datname = 'hostgres'"
            )
        ),
        [[
            "All running processes on the host system.",
            "All running processes on the host system.",
            "Process (or thread) ID.",
            "the host's tables",
            "the host this hostgres daemon runs on"
        ]]
    );
    assert_eq!(
        rows(
            &e,
            &format!(
                "SELECT d.objsubid, d.description FROM pg_description d \
                 WHERE d.objoid = {oid} AND d.classoid = regclass_in('pg_class') AND d.objsubid <= 2 ORDER BY 1"
            )
        ),
        [
            ["0", "All running processes on the host system."],
            ["1", "Process (or thread) ID."],
            ["2", "The process name (comm), as in /proc/<pid>/status."],
        ]
    );
}

#[test]
fn session_relations_describe_the_session() {
    let settings = Settings::new("alice", Default::default(), Default::default());
    settings.set("application_name", Some("psql")).expect("set");
    let e = engine_with(EngineOptions {
        user: "alice".into(),
        database: "inventory".into(),
        settings,
        ..EngineOptions::default()
    });
    e.set_backend_pid(4242);
    assert_eq!(
        rows(
            &e,
            "SELECT pid, usename, datname, application_name, state, backend_type, pg_backend_pid() FROM pg_stat_activity"
        ),
        [[
            "4242",
            "alice",
            "inventory",
            "psql",
            "active",
            "client backend",
            "4242"
        ]]
    );
    assert_eq!(
        rows(
            &e,
            "SELECT r.rolname, r.oid = regrole_in(r.rolname), r.rolsuper, r.rolcanlogin, pg_get_userbyid(r.oid) FROM pg_roles r ORDER BY 1"
        ),
        [
            ["alice", "1", "0", "1", "alice"],
            ["hostgres", "1", "0", "1", "hostgres"]
        ]
    );
    assert_eq!(
        rows(
            &e,
            "SELECT d.datname, pg_get_userbyid(d.datdba), pg_encoding_to_char(d.encoding), d.datcollate FROM pg_database d ORDER BY 1"
        ),
        [
            ["hostgres", "hostgres", "UTF8", "C.UTF-8"],
            ["inventory", "hostgres", "UTF8", "C.UTF-8"]
        ]
    );
    assert_eq!(
        rows(
            &e,
            "SELECT setting, context, vartype FROM pg_settings WHERE name IN ('application_name', 'server_version_num', 'standard_conforming_strings') ORDER BY name"
        ),
        [
            ["psql", "user", "string"],
            ["150000", "internal", "integer"],
            ["on", "user", "bool"]
        ]
    );
    assert_eq!(
        one(&e, "SELECT pg_get_userbyid(12345)"),
        "unknown (OID=12345)"
    );
}

#[test]
fn information_schema_describes_tables_and_columns() {
    let e = engine();
    assert_eq!(
        rows(
            &e,
            "SELECT schema_name, schema_owner FROM information_schema_schemata ORDER BY 1"
        ),
        [
            ["hostgres", "hostgres"],
            ["information_schema", "hostgres"],
            ["pg_catalog", "hostgres"],
            ["public", "hostgres"]
        ]
    );
    assert_eq!(
        rows(
            &e,
            "SELECT table_catalog, table_schema, table_type FROM information_schema_tables WHERE table_name IN ('processes', 'pg_settings') ORDER BY table_name"
        ),
        [
            ["hostgres", "pg_catalog", "VIEW"],
            ["hostgres", "public", "BASE TABLE"]
        ]
    );
    // Grafana's column picker.
    assert_eq!(
        rows(
            &e,
            "SELECT column_name, data_type, udt_name, numeric_precision, numeric_scale FROM information_schema_columns \
             WHERE table_schema = 'public' AND table_name = 'processes' ORDER BY ordinal_position LIMIT 2"
        ),
        [
            ["pid", "bigint", "int8", "64", "0"],
            ["name", "text", "text", "", ""]
        ]
    );
    assert_eq!(
        rows(
            &e,
            "SELECT data_type, udt_name FROM information_schema_columns WHERE table_name = 'pg_class' AND column_name IN ('relacl', 'relname') ORDER BY 1"
        ),
        [["ARRAY", "_text"], ["name", "name"]]
    );
}

#[test]
fn functions_are_listed_with_their_signatures() {
    let e = engine();
    assert_eq!(
        rows(
            &e,
            "SELECT p.proname, p.pronargs, p.proargtypes, format_type(p.prorettype, NULL), \
             pg_get_function_arguments(p.oid), pg_get_function_result(p.oid), pg_function_is_visible(p.oid) \
             FROM pg_proc p WHERE p.proname IN ('format_type', 'pg_get_keywords', 'version') ORDER BY 1"
        ),
        [
            [
                "format_type",
                "2",
                "26 23",
                "text",
                "oid, integer",
                "text",
                "1"
            ],
            [
                "pg_get_keywords",
                "0",
                "",
                "record",
                "OUT word text, OUT catcode \"char\", OUT barelabel boolean, OUT catdesc text, OUT baredesc text",
                "TABLE(word text, catcode \"char\", barelabel boolean, catdesc text, baredesc text)",
                "1"
            ],
            [
                "version",
                "1",
                "2276",
                "text",
                "VARIADIC \"any\"",
                "text",
                "1"
            ],
        ]
    );
    assert_eq!(
        one(
            &e,
            "SELECT pg_get_functiondef(p.oid) FROM pg_proc p WHERE p.proname = 'format_type'"
        ),
        "CREATE OR REPLACE FUNCTION pg_catalog.format_type(oid, integer)\n RETURNS text\n LANGUAGE internal\n STABLE PARALLEL SAFE\nAS $function$format_type$function$\n"
    );
    assert_eq!(
        rows(
            &e,
            "SELECT word, catcode, barelabel, catdesc FROM pg_get_keywords() WHERE word IN ('select', 'name') ORDER BY 1"
        ),
        [
            ["name", "U", "1", "unreserved"],
            ["select", "R", "1", "reserved"]
        ]
    );
}

#[test]
fn small_functions_answer_like_postgresql() {
    let e = engine();
    assert_eq!(
        rows(
            &e,
            "SELECT quote_ident('processes'), quote_ident('My Table'), quote_ident('select'), pg_encoding_to_char(6), \
             pg_encoding_to_char(999), pg_char_to_encoding('utf-8'), getdatabaseencoding(), pg_is_in_recovery(), \
             pg_size_pretty(10240), pg_table_size('processes'), pg_table_size(1), pg_get_expr(NULL, 1259), \
             pg_get_indexdef(1), pg_get_constraintdef(1, true), pg_get_viewdef(1259)"
        ),
        [[
            "processes",
            "\"My Table\"",
            "\"select\"",
            "UTF8",
            "",
            "6",
            "UTF8",
            "0",
            "10 kB",
            "0",
            "",
            "",
            "",
            "",
            ""
        ]]
    );
    let started = one(&e, "SELECT pg_postmaster_start_time()");
    assert_eq!(started, one(&e, "SELECT pg_postmaster_start_time()"));
    assert!(started.ends_with("+00") && started.len() == 29, "{started}");
    let a = one(&e, "SELECT txid_current()");
    let b = one(&e, "SELECT txid_current()");
    assert!(
        b.parse::<i64>().expect("int") > a.parse::<i64>().expect("int"),
        "{a} {b}"
    );
}

#[test]
fn expression_types_are_declared() {
    use crate::functions::return_type;
    use crate::schema::ColumnType;
    assert_eq!(return_type("format_type"), Some(ColumnType::Text));
    assert_eq!(return_type("pg_table_is_visible"), Some(ColumnType::Bool));
    assert_eq!(return_type("regclass_in"), Some(ColumnType::Oid));
    assert_eq!(return_type("pg_get_userbyid"), Some(ColumnType::Name));
}

/// psql 15's `\d processes`, as the translator turns it into SQLite's
/// dialect: every query runs and gives what psql prints.
#[test]
fn psql_describe_queries_run() {
    let e = engine();
    let oid = processes_oid();
    assert_eq!(
        rows(
            &e,
            "SELECT c.oid, n.nspname, c.relname FROM pg_class c \
             LEFT JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relname = 'processes' AND pg_table_is_visible(c.oid) ORDER BY 2, 3"
        ),
        [[oid.to_string().as_str(), "public", "processes"]]
    );
    assert_eq!(
        rows(
            &e,
            &format!(
                "SELECT c.relchecks, c.relkind, c.relhasindex, c.relhasrules, c.relhastriggers, c.relrowsecurity, \
                 c.relforcerowsecurity, false AS relhasoids, c.relispartition, '', c.reltablespace, \
                 CASE WHEN c.reloftype = 0 THEN '' ELSE regtype_out(c.reloftype) END, c.relpersistence, c.relreplident, am.amname \
                 FROM pg_class c LEFT JOIN pg_class tc ON (c.reltoastrelid = tc.oid) \
                 LEFT JOIN pg_am am ON (c.relam = am.oid) WHERE c.oid = '{oid}'"
            )
        ),
        [[
            "0", "r", "0", "0", "0", "0", "0", "0", "0", "", "0", "", "p", "d", "hostgres"
        ]]
    );
    let columns = rows(
        &e,
        &format!(
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod), \
             (SELECT pg_get_expr(d.adbin, d.adrelid, true) FROM pg_attrdef d \
              WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.atthasdef), \
             a.attnotnull, \
             (SELECT c.collname FROM pg_collation c, pg_type t \
              WHERE c.oid = a.attcollation AND t.oid = a.atttypid AND a.attcollation <> t.typcollation) AS attcollation, \
             a.attidentity, a.attgenerated, a.attstorage, a.attcompression AS attcompression, \
             CASE WHEN a.attstattarget=-1 THEN NULL ELSE a.attstattarget END AS attstattarget, \
             col_description(a.attrelid, a.attnum) \
             FROM pg_attribute a WHERE a.attrelid = '{oid}' AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum"
        ),
    );
    assert_eq!(columns.len(), 27);
    assert_eq!(
        columns[0],
        [
            "pid",
            "bigint",
            "",
            "0",
            "",
            "",
            "",
            "p",
            "",
            "",
            "Process (or thread) ID."
        ]
    );
    for sql in [
        format!("SELECT pol.polname FROM pg_policy pol WHERE pol.polrelid = '{oid}' ORDER BY 1"),
        format!(
            "SELECT oid, stxname FROM pg_statistic_ext WHERE stxrelid = '{oid}' ORDER BY stxname"
        ),
        format!(
            "SELECT pubname FROM pg_publication p JOIN pg_publication_namespace pn ON p.oid = pn.pnpubid \
             JOIN pg_class pc ON pc.relnamespace = pn.pnnspid WHERE pc.oid ='{oid}' AND pg_relation_is_publishable('{oid}')"
        ),
        format!(
            "SELECT regclass_out(c.oid) FROM pg_class c, pg_inherits i WHERE c.oid = i.inhparent AND i.inhrelid = '{oid}' ORDER BY inhseqno"
        ),
    ] {
        assert!(rows(&e, &sql).is_empty(), "{sql}");
    }
}

#[test]
fn psql_list_queries_run() {
    let e = engine();
    // \dt
    let tables = rows(
        &e,
        "SELECT n.nspname as \"Schema\", c.relname as \"Name\", \
         CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' END as \"Type\", \
         pg_get_userbyid(c.relowner) as \"Owner\" \
         FROM pg_class c LEFT JOIN pg_namespace n ON n.oid = c.relnamespace \
         LEFT JOIN pg_am am ON am.oid = c.relam \
         WHERE c.relkind IN ('r','p','') AND n.nspname <> 'pg_catalog' AND n.nspname NOT LIKE 'pg_toast%' \
         AND n.nspname <> 'information_schema' AND pg_table_is_visible(c.oid) ORDER BY 1,2",
    );
    assert_eq!(tables.len(), crate::tables::ALL.len());
    assert_eq!(tables[0], ["public", "arp_cache", "table", "hostgres"]);
    // \l
    assert_eq!(
        rows(
            &e,
            "SELECT d.datname, pg_get_userbyid(d.datdba), pg_encoding_to_char(d.encoding), d.datcollate, d.datctype, \
             d.daticulocale, CASE d.datlocprovider WHEN 'c' THEN 'libc' WHEN 'i' THEN 'icu' END, d.datacl \
             FROM pg_database d ORDER BY 1"
        ),
        [[
            "hostgres", "hostgres", "UTF8", "C.UTF-8", "C.UTF-8", "", "libc", ""
        ]]
    );
    // \dn
    assert_eq!(
        rows(
            &e,
            "SELECT n.nspname, pg_get_userbyid(n.nspowner) FROM pg_namespace n \
             WHERE n.nspname NOT LIKE 'pg\\_%' ESCAPE '\\' AND n.nspname <> 'information_schema' ORDER BY 1"
        ),
        [["hostgres", "hostgres"], ["public", "hostgres"]]
    );
    // \du
    assert_eq!(
        rows(
            &e,
            "SELECT r.rolname, r.rolsuper, r.rolinherit, r.rolcreaterole, r.rolcreatedb, r.rolcanlogin, \
             r.rolconnlimit, r.rolvaliduntil, \
             (SELECT json_group_array(b.rolname) FROM pg_auth_members m JOIN pg_roles b ON (m.roleid = b.oid) \
              WHERE m.member = r.oid) as memberof, r.rolreplication, r.rolbypassrls \
             FROM pg_roles r WHERE r.rolname NOT LIKE 'pg\\_%' ESCAPE '\\' ORDER BY 1"
        ),
        [[
            "hostgres", "0", "1", "0", "0", "1", "-1", "", "[]", "0", "0"
        ]]
    );
    // \df: hostgres' functions are all in pg_catalog, so the list is empty, as in PostgreSQL.
    assert!(
        rows(
            &e,
            "SELECT n.nspname, p.proname, pg_get_function_result(p.oid), pg_get_function_arguments(p.oid) \
             FROM pg_proc p LEFT JOIN pg_namespace n ON n.oid = p.pronamespace \
             WHERE pg_function_is_visible(p.oid) AND n.nspname <> 'pg_catalog' AND n.nspname <> 'information_schema' \
             ORDER BY 1, 2, 4"
        )
        .is_empty()
    );
    // \dv and \di list nothing outside the system schemas.
    assert!(
        rows(
            &e,
            "SELECT c.relname FROM pg_class c LEFT JOIN pg_namespace n ON n.oid = c.relnamespace \
             LEFT JOIN pg_index i ON i.indexrelid = c.oid LEFT JOIN pg_class c2 ON i.indrelid = c2.oid \
             WHERE c.relkind IN ('v','i','I','') AND n.nspname <> 'pg_catalog' AND n.nspname <> 'information_schema' \
             AND pg_table_is_visible(c.oid)"
        )
        .is_empty()
    );
}

#[test]
fn catalog_relations_are_unique_and_documented() {
    let mut names: Vec<String> = super::ALL
        .iter()
        .map(|t| t.namespace().sqlite_name(t.schema().name))
        .collect();
    let count = names.len();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), count, "duplicate catalog relation");
    for table in super::ALL {
        let schema = table.schema();
        assert_ne!(table.namespace(), Namespace::Public, "{}", schema.name);
        assert!(
            !schema.doc.is_empty() && !schema.doc.contains("TODO"),
            "doc of {}",
            schema.name
        );
        let mut columns: Vec<&str> = schema.columns.iter().map(|c| c.name).collect();
        columns.sort_unstable();
        columns.dedup();
        assert_eq!(
            columns.len(),
            schema.columns.len(),
            "columns of {}",
            schema.name
        );
    }
}

#[test]
fn every_catalog_relation_scans() {
    let e = engine();
    for entry in e.registry().iter() {
        if entry.namespace() == Namespace::Public {
            continue;
        }
        let sql = format!("SELECT * FROM \"{}\"", entry.sqlite_name);
        e.query_all(&sql, &[])
            .unwrap_or_else(|err| panic!("{sql}: {err}"));
    }
    // Every column of every relation has a type pg_type lists.
    assert_eq!(
        one(
            &e,
            "SELECT count(*) FROM pg_class c WHERE c.relnatts <> \
             (SELECT count(*) FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid \
              WHERE a.attrelid = c.oid AND a.attnum > 0)"
        ),
        "0"
    );
    let described = e
        .describe("SELECT oid, relname, relkind, reltuples, relacl FROM pg_class")
        .expect("describe");
    let types: Vec<_> = described.columns.iter().map(|c| c.decl_type).collect();
    use crate::schema::ColumnType::*;
    assert_eq!(
        types,
        [
            Some(Oid),
            Some(Name),
            Some(Char),
            Some(Real),
            Some(Array(&Text))
        ]
    );
}
