//! Catalog functions clients call while browsing: `format_type`,
//! `pg_table_is_visible`, `pg_get_userbyid`, `obj_description`,
//! `has_table_privilege` and the other `has_*_privilege`,
//! `pg_get_expr`/`pg_get_indexdef`/`pg_get_constraintdef`/`pg_get_viewdef`,
//! `current_schemas`, `quote_ident`, `pg_backend_pid`, `pg_size_pretty`...
//! and the conversions the dialect translator rewrites casts to:
//! `regclass_in(text) -> oid`, `regclass_out(oid) -> text` and the same for
//! `regtype`, `regproc`, `regnamespace` and `regrole`.
//!
//! Answers come from the session ([`SessionInfo`]): what its policy hides
//! does not exist for these functions either. An OID that names nothing
//! gives NULL, as in PostgreSQL; a name that names nothing is an error.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use rusqlite::Connection;
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::ValueRef;

use crate::engine::EngineOptions;
use crate::error::CatalogError;
use crate::pg_catalog::description::{self, catalog_oid};
use crate::pg_catalog::privileges::{Grantee, ObjectKind, grantee, has_privilege};
use crate::pg_catalog::proc::{self, Signature};
use crate::pg_catalog::resolve::{self, oid_of, relation_arg, split_name};
use crate::pg_catalog::{
    self, database_oid, databases, explicit_search_path, is_visible, keywords, relation,
    role_named_by, search_path, timestamptz, type_names, types,
};
use crate::schema::ColumnType;
use crate::session::SessionInfo;
use crate::value::Value;

/// What each function of this module returns, for `Describe`.
pub(crate) const RETURN_TYPES: &[(&str, ColumnType)] = &[
    ("format_type", ColumnType::Text),
    ("pg_table_is_visible", ColumnType::Bool),
    ("pg_type_is_visible", ColumnType::Bool),
    ("pg_function_is_visible", ColumnType::Bool),
    ("pg_collation_is_visible", ColumnType::Bool),
    ("pg_get_userbyid", ColumnType::Name),
    ("pg_get_expr", ColumnType::Text),
    ("pg_get_indexdef", ColumnType::Text),
    ("pg_get_constraintdef", ColumnType::Text),
    ("pg_get_viewdef", ColumnType::Text),
    ("pg_get_ruledef", ColumnType::Text),
    ("pg_get_triggerdef", ColumnType::Text),
    ("pg_get_partkeydef", ColumnType::Text),
    ("pg_get_statisticsobjdef_columns", ColumnType::Text),
    ("pg_get_serial_sequence", ColumnType::Text),
    ("pg_get_function_arguments", ColumnType::Text),
    ("pg_get_function_identity_arguments", ColumnType::Text),
    ("pg_get_function_result", ColumnType::Text),
    ("pg_get_function_sqlbody", ColumnType::Text),
    ("pg_get_functiondef", ColumnType::Text),
    ("obj_description", ColumnType::Text),
    ("col_description", ColumnType::Text),
    ("shobj_description", ColumnType::Text),
    ("has_table_privilege", ColumnType::Bool),
    ("has_column_privilege", ColumnType::Bool),
    ("has_any_column_privilege", ColumnType::Bool),
    ("has_schema_privilege", ColumnType::Bool),
    ("has_database_privilege", ColumnType::Bool),
    ("has_function_privilege", ColumnType::Bool),
    ("has_type_privilege", ColumnType::Bool),
    ("has_tablespace_privilege", ColumnType::Bool),
    ("has_language_privilege", ColumnType::Bool),
    ("pg_has_role", ColumnType::Bool),
    ("pg_encoding_to_char", ColumnType::Name),
    ("pg_char_to_encoding", ColumnType::Integer),
    ("getdatabaseencoding", ColumnType::Name),
    ("pg_backend_pid", ColumnType::Integer),
    ("current_schemas", ColumnType::Array(&ColumnType::Name)),
    ("quote_ident", ColumnType::Text),
    ("parse_ident", ColumnType::Array(&ColumnType::Text)),
    ("pg_postmaster_start_time", ColumnType::TimestampTz),
    ("pg_conf_load_time", ColumnType::TimestampTz),
    ("pg_is_in_recovery", ColumnType::Bool),
    ("txid_current", ColumnType::BigInt),
    ("pg_my_temp_schema", ColumnType::Oid),
    ("pg_is_other_temp_schema", ColumnType::Bool),
    ("pg_size_pretty", ColumnType::Text),
    ("pg_table_size", ColumnType::BigInt),
    ("pg_relation_size", ColumnType::BigInt),
    ("pg_total_relation_size", ColumnType::BigInt),
    ("pg_indexes_size", ColumnType::BigInt),
    ("pg_database_size", ColumnType::BigInt),
    ("pg_tablespace_size", ColumnType::BigInt),
    ("pg_tablespace_location", ColumnType::Text),
    ("pg_relation_is_publishable", ColumnType::Bool),
    ("pg_stat_get_numscans", ColumnType::BigInt),
    ("regclass_in", ColumnType::Oid),
    ("regclass_out", ColumnType::Text),
    ("regtype_in", ColumnType::Oid),
    ("regtype_out", ColumnType::Text),
    ("regproc_in", ColumnType::Oid),
    ("regproc_out", ColumnType::Text),
    ("regnamespace_in", ColumnType::Oid),
    ("regnamespace_out", ColumnType::Text),
    ("regrole_in", ColumnType::Oid),
    ("regrole_out", ColumnType::Text),
    ("to_regclass", ColumnType::Oid),
    ("to_regtype", ColumnType::Oid),
    ("to_regproc", ColumnType::Oid),
    ("to_regnamespace", ColumnType::Oid),
    ("to_regrole", ColumnType::Oid),
];

/// Functions of other catalogs psql's backslash commands name: none of
/// their objects exist in hostgres, so each answers NULL.
const NO_SUCH_OBJECT_VISIBLE: &[&str] = &[
    "pg_conversion_is_visible",
    "pg_opclass_is_visible",
    "pg_operator_is_visible",
    "pg_opfamily_is_visible",
    "pg_statistics_obj_is_visible",
    "pg_ts_config_is_visible",
    "pg_ts_dict_is_visible",
    "pg_ts_parser_is_visible",
    "pg_ts_template_is_visible",
];

const fn sig(
    name: &'static str,
    args: &'static [&'static str],
    result: &'static str,
    doc: &'static str,
) -> Signature {
    Signature {
        name,
        args,
        result,
        doc,
    }
}

/// Every function of this module with PostgreSQL's argument types, for `pg_proc`.
#[rustfmt::skip]
pub(crate) const SIGNATURES: &[Signature] = &[
    sig("format_type", &["oid", "int4"], "text", "format a type oid and atttypmod to canonical SQL"),
    sig("pg_table_is_visible", &["oid"], "bool", "is table visible in search path?"),
    sig("pg_type_is_visible", &["oid"], "bool", "is type visible in search path?"),
    sig("pg_function_is_visible", &["oid"], "bool", "is function visible in search path?"),
    sig("pg_collation_is_visible", &["oid"], "bool", "is collation visible in search path?"),
    sig("pg_get_userbyid", &["oid"], "name", "role name by OID (with fallback)"),
    sig("pg_get_expr", &["pg_node_tree", "oid"], "text", "deparse an encoded expression"),
    sig("pg_get_expr", &["pg_node_tree", "oid", "bool"], "text", "deparse an encoded expression with pretty-print option"),
    sig("pg_get_indexdef", &["oid"], "text", "index description"),
    sig("pg_get_indexdef", &["oid", "int4", "bool"], "text", "index description (full create statement or single expression) with pretty-print option"),
    sig("pg_get_constraintdef", &["oid"], "text", "constraint description"),
    sig("pg_get_constraintdef", &["oid", "bool"], "text", "constraint description with pretty-print option"),
    sig("pg_get_viewdef", &["oid"], "text", "select statement of a view"),
    sig("pg_get_viewdef", &["oid", "bool"], "text", "select statement of a view with pretty-print option"),
    sig("pg_get_viewdef", &["oid", "int4"], "text", "select statement of a view with pretty-printing and specified line wrapping"),
    sig("pg_get_viewdef", &["text"], "text", "select statement of a view"),
    sig("pg_get_viewdef", &["text", "bool"], "text", "select statement of a view with pretty-print option"),
    sig("pg_get_ruledef", &["oid"], "text", "source text of a rule"),
    sig("pg_get_ruledef", &["oid", "bool"], "text", "source text of a rule with pretty-print option"),
    sig("pg_get_triggerdef", &["oid"], "text", "trigger description"),
    sig("pg_get_triggerdef", &["oid", "bool"], "text", "trigger description with pretty-print option"),
    sig("pg_get_partkeydef", &["oid"], "text", "partition key description"),
    sig("pg_get_statisticsobjdef_columns", &["oid"], "text", "extended statistics columns"),
    sig("pg_get_serial_sequence", &["text", "text"], "text", "name of sequence for a serial column"),
    sig("pg_get_function_arguments", &["oid"], "text", "argument list of a function"),
    sig("pg_get_function_identity_arguments", &["oid"], "text", "identity argument list of a function"),
    sig("pg_get_function_result", &["oid"], "text", "result type of a function"),
    sig("pg_get_function_sqlbody", &["oid"], "text", "function SQL body"),
    sig("pg_get_functiondef", &["oid"], "text", "definition of a function"),
    sig("obj_description", &["oid"], "text", "deprecated, use two-argument form instead"),
    sig("obj_description", &["oid", "name"], "text", "get description for object id and catalog name"),
    sig("col_description", &["oid", "int4"], "text", "get description for table column"),
    sig("shobj_description", &["oid", "name"], "text", "get description for object id and shared catalog name"),
    sig("has_table_privilege", &["name", "text", "text"], "bool", "user privilege on relation by username, rel name"),
    sig("has_table_privilege", &["name", "oid", "text"], "bool", "user privilege on relation by username, rel oid"),
    sig("has_table_privilege", &["oid", "text", "text"], "bool", "user privilege on relation by user oid, rel name"),
    sig("has_table_privilege", &["oid", "oid", "text"], "bool", "user privilege on relation by user oid, rel oid"),
    sig("has_table_privilege", &["text", "text"], "bool", "current user privilege on relation by rel name"),
    sig("has_table_privilege", &["oid", "text"], "bool", "current user privilege on relation by rel oid"),
    sig("has_column_privilege", &["name", "text", "text", "text"], "bool", "user privilege on column by username, rel name, col name"),
    sig("has_column_privilege", &["name", "text", "int2", "text"], "bool", "user privilege on column by username, rel name, col attnum"),
    sig("has_column_privilege", &["name", "oid", "text", "text"], "bool", "user privilege on column by username, rel oid, col name"),
    sig("has_column_privilege", &["name", "oid", "int2", "text"], "bool", "user privilege on column by username, rel oid, col attnum"),
    sig("has_column_privilege", &["oid", "text", "text", "text"], "bool", "user privilege on column by user oid, rel name, col name"),
    sig("has_column_privilege", &["oid", "text", "int2", "text"], "bool", "user privilege on column by user oid, rel name, col attnum"),
    sig("has_column_privilege", &["oid", "oid", "text", "text"], "bool", "user privilege on column by user oid, rel oid, col name"),
    sig("has_column_privilege", &["oid", "oid", "int2", "text"], "bool", "user privilege on column by user oid, rel oid, col attnum"),
    sig("has_column_privilege", &["text", "text", "text"], "bool", "current user privilege on column by rel name, col name"),
    sig("has_column_privilege", &["text", "int2", "text"], "bool", "current user privilege on column by rel name, col attnum"),
    sig("has_column_privilege", &["oid", "text", "text"], "bool", "current user privilege on column by rel oid, col name"),
    sig("has_column_privilege", &["oid", "int2", "text"], "bool", "current user privilege on column by rel oid, col attnum"),
    sig("has_any_column_privilege", &["name", "text", "text"], "bool", "user privilege on any column by username, rel name"),
    sig("has_any_column_privilege", &["name", "oid", "text"], "bool", "user privilege on any column by username, rel oid"),
    sig("has_any_column_privilege", &["oid", "text", "text"], "bool", "user privilege on any column by user oid, rel name"),
    sig("has_any_column_privilege", &["oid", "oid", "text"], "bool", "user privilege on any column by user oid, rel oid"),
    sig("has_any_column_privilege", &["text", "text"], "bool", "current user privilege on any column by rel name"),
    sig("has_any_column_privilege", &["oid", "text"], "bool", "current user privilege on any column by rel oid"),
    sig("has_schema_privilege", &["name", "text", "text"], "bool", "user privilege on schema by username, schema name"),
    sig("has_schema_privilege", &["name", "oid", "text"], "bool", "user privilege on schema by username, schema oid"),
    sig("has_schema_privilege", &["oid", "text", "text"], "bool", "user privilege on schema by user oid, schema name"),
    sig("has_schema_privilege", &["oid", "oid", "text"], "bool", "user privilege on schema by user oid, schema oid"),
    sig("has_schema_privilege", &["text", "text"], "bool", "current user privilege on schema by schema name"),
    sig("has_schema_privilege", &["oid", "text"], "bool", "current user privilege on schema by schema oid"),
    sig("has_database_privilege", &["name", "text", "text"], "bool", "user privilege on database by username, database name"),
    sig("has_database_privilege", &["name", "oid", "text"], "bool", "user privilege on database by username, database oid"),
    sig("has_database_privilege", &["oid", "text", "text"], "bool", "user privilege on database by user oid, database name"),
    sig("has_database_privilege", &["oid", "oid", "text"], "bool", "user privilege on database by user oid, database oid"),
    sig("has_database_privilege", &["text", "text"], "bool", "current user privilege on database by database name"),
    sig("has_database_privilege", &["oid", "text"], "bool", "current user privilege on database by database oid"),
    sig("has_function_privilege", &["name", "text", "text"], "bool", "user privilege on function by username, function name"),
    sig("has_function_privilege", &["name", "oid", "text"], "bool", "user privilege on function by username, function oid"),
    sig("has_function_privilege", &["oid", "text", "text"], "bool", "user privilege on function by user oid, function name"),
    sig("has_function_privilege", &["oid", "oid", "text"], "bool", "user privilege on function by user oid, function oid"),
    sig("has_function_privilege", &["text", "text"], "bool", "current user privilege on function by function name"),
    sig("has_function_privilege", &["oid", "text"], "bool", "current user privilege on function by function oid"),
    sig("has_type_privilege", &["name", "text", "text"], "bool", "user privilege on type by username, type name"),
    sig("has_type_privilege", &["name", "oid", "text"], "bool", "user privilege on type by username, type oid"),
    sig("has_type_privilege", &["oid", "text", "text"], "bool", "user privilege on type by user oid, type name"),
    sig("has_type_privilege", &["oid", "oid", "text"], "bool", "user privilege on type by user oid, type oid"),
    sig("has_type_privilege", &["text", "text"], "bool", "current user privilege on type by type name"),
    sig("has_type_privilege", &["oid", "text"], "bool", "current user privilege on type by type oid"),
    sig("has_tablespace_privilege", &["name", "text", "text"], "bool", "user privilege on tablespace by username, tablespace name"),
    sig("has_tablespace_privilege", &["name", "oid", "text"], "bool", "user privilege on tablespace by username, tablespace oid"),
    sig("has_tablespace_privilege", &["oid", "text", "text"], "bool", "user privilege on tablespace by user oid, tablespace name"),
    sig("has_tablespace_privilege", &["oid", "oid", "text"], "bool", "user privilege on tablespace by user oid, tablespace oid"),
    sig("has_tablespace_privilege", &["text", "text"], "bool", "current user privilege on tablespace by tablespace name"),
    sig("has_tablespace_privilege", &["oid", "text"], "bool", "current user privilege on tablespace by tablespace oid"),
    sig("has_language_privilege", &["name", "text", "text"], "bool", "user privilege on language by username, language name"),
    sig("has_language_privilege", &["name", "oid", "text"], "bool", "user privilege on language by username, language oid"),
    sig("has_language_privilege", &["oid", "text", "text"], "bool", "user privilege on language by user oid, language name"),
    sig("has_language_privilege", &["oid", "oid", "text"], "bool", "user privilege on language by user oid, language oid"),
    sig("has_language_privilege", &["text", "text"], "bool", "current user privilege on language by language name"),
    sig("has_language_privilege", &["oid", "text"], "bool", "current user privilege on language by language oid"),
    sig("pg_has_role", &["name", "name", "text"], "bool", "user privilege on role by username, role name"),
    sig("pg_has_role", &["name", "text"], "bool", "current user privilege on role by role name"),
    sig("pg_encoding_to_char", &["int4"], "name", "convert encoding id to encoding name"),
    sig("pg_char_to_encoding", &["name"], "int4", "convert encoding name to encoding id"),
    sig("getdatabaseencoding", &[], "name", "encoding name of current database"),
    sig("pg_backend_pid", &[], "int4", "statistics: current backend PID"),
    sig("current_schemas", &["bool"], "_name", "current schema search list"),
    sig("quote_ident", &["text"], "text", "quote an identifier for usage in a querystring"),
    sig("parse_ident", &["text"], "_text", "parse qualified identifier to array of identifiers"),
    sig("parse_ident", &["text", "bool"], "_text", "parse qualified identifier to array of identifiers"),
    sig("pg_postmaster_start_time", &[], "timestamptz", "postmaster start time"),
    sig("pg_conf_load_time", &[], "timestamptz", "configuration load time"),
    sig("pg_is_in_recovery", &[], "bool", "true if server is in recovery"),
    sig("txid_current", &[], "int8", "get current transaction ID"),
    sig("pg_my_temp_schema", &[], "oid", "get OID of current session's temp schema, if any"),
    sig("pg_is_other_temp_schema", &["oid"], "bool", "is schema another session's temp schema?"),
    sig("pg_size_pretty", &["int8"], "text", "convert a long int to a human readable text using size units"),
    sig("pg_table_size", &["regclass"], "int8", "disk space usage for the specified table, including TOAST, free space and visibility map"),
    sig("pg_relation_size", &["regclass"], "int8", "disk space usage for the main fork of the specified table or index"),
    sig("pg_relation_size", &["regclass", "text"], "int8", "disk space usage for the specified fork of a table or index"),
    sig("pg_total_relation_size", &["regclass"], "int8", "total disk space usage for the specified table and associated indexes"),
    sig("pg_indexes_size", &["regclass"], "int8", "disk space usage for all indexes attached to the specified table"),
    sig("pg_database_size", &["name"], "int8", "total disk space usage for the specified database"),
    sig("pg_database_size", &["oid"], "int8", "total disk space usage for the specified database"),
    sig("pg_tablespace_size", &["oid"], "int8", "total disk space usage for the specified tablespace"),
    sig("pg_tablespace_size", &["name"], "int8", "total disk space usage for the specified tablespace"),
    sig("pg_tablespace_location", &["oid"], "text", "tablespace location"),
    sig("pg_relation_is_publishable", &["regclass"], "bool", "returns whether a relation can be part of a publication"),
    sig("pg_stat_get_numscans", &["oid"], "int8", "statistics: number of scans done for table/index"),
    sig("regclass_in", &["text"], "oid", "hostgres: text to regclass, as a ::regclass cast converts it"),
    sig("regclass_out", &["oid"], "text", "hostgres: regclass to text, as a ::text cast prints it"),
    sig("regtype_in", &["text"], "oid", "hostgres: text to regtype, as a ::regtype cast converts it"),
    sig("regtype_out", &["oid"], "text", "hostgres: regtype to text, as a ::text cast prints it"),
    sig("regproc_in", &["text"], "oid", "hostgres: text to regproc, as a ::regproc cast converts it"),
    sig("regproc_out", &["oid"], "text", "hostgres: regproc to text, as a ::text cast prints it"),
    sig("regnamespace_in", &["text"], "oid", "hostgres: text to regnamespace, as a ::regnamespace cast converts it"),
    sig("regnamespace_out", &["oid"], "text", "hostgres: regnamespace to text, as a ::text cast prints it"),
    sig("regrole_in", &["text"], "oid", "hostgres: text to regrole, as a ::regrole cast converts it"),
    sig("regrole_out", &["oid"], "text", "hostgres: regrole to text, as a ::text cast prints it"),
    sig("to_regclass", &["text"], "regclass", "convert classname to regclass"),
    sig("to_regtype", &["text"], "regtype", "convert type name to regtype"),
    sig("to_regproc", &["text"], "regproc", "convert proname to regproc"),
    sig("to_regnamespace", &["text"], "regnamespace", "convert namespace name to regnamespace"),
    sig("to_regrole", &["text"], "regrole", "convert role name to regrole"),
];

/// The last transaction id handed out by `txid_current()`.
static LAST_XID: AtomicI64 = AtomicI64::new(1000);

/// PostgreSQL's encodings, by number.
const ENCODINGS: &[&str] = &[
    "SQL_ASCII",
    "EUC_JP",
    "EUC_CN",
    "EUC_KR",
    "EUC_TW",
    "EUC_JIS_2004",
    "UTF8",
    "MULE_INTERNAL",
    "LATIN1",
    "LATIN2",
    "LATIN3",
    "LATIN4",
    "LATIN5",
    "LATIN6",
    "LATIN7",
    "LATIN8",
    "LATIN9",
    "LATIN10",
    "WIN1256",
    "WIN1258",
    "WIN866",
    "WIN874",
    "KOI8R",
    "WIN1251",
    "WIN1252",
    "ISO_8859_5",
    "ISO_8859_6",
    "ISO_8859_7",
    "ISO_8859_8",
    "WIN1250",
    "WIN1253",
    "WIN1254",
    "WIN1255",
    "WIN1257",
    "KOI8U",
    "SJIS",
    "BIG5",
    "GBK",
    "UHC",
    "GB18030",
    "JOHAB",
    "SHIFT_JIS_2004",
];

fn fail(e: CatalogError) -> rusqlite::Error {
    rusqlite::Error::UserFunctionError(Box::new(e))
}

/// The arguments of a call, owned.
fn args(ctx: &Context<'_>) -> Vec<Value> {
    (0..ctx.len())
        .map(|i| match ctx.get_raw(i) {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(v) => Value::Int(v),
            ValueRef::Real(v) => Value::Real(v),
            ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Blob(b) => Value::Blob(b.to_vec()),
        })
        .collect()
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::Blob(b) => Some(String::from_utf8_lossy(b).into_owned()),
        other => other.as_text(),
    }
}

fn bool_of(v: &Value) -> bool {
    match v {
        Value::Int(i) => *i != 0,
        Value::Text(t) => matches!(
            t.trim().to_ascii_lowercase().as_str(),
            "t" | "true" | "on" | "1" | "yes" | "y"
        ),
        _ => false,
    }
}

/// Registers one function; `f` sees the session and the call's arguments.
fn define<T, F>(
    conn: &Connection,
    name: &str,
    arity: i32,
    session: &Arc<SessionInfo>,
    f: F,
) -> rusqlite::Result<()>
where
    T: rusqlite::ToSql,
    F: Fn(&SessionInfo, &[Value]) -> Result<T, CatalogError> + Send + 'static,
{
    let session = Arc::clone(session);
    conn.create_scalar_function(name, arity, FunctionFlags::SQLITE_UTF8, move |ctx| {
        f(&session, &args(ctx)).map_err(fail)
    })
}

pub(crate) fn register(conn: &Connection, options: &EngineOptions) -> rusqlite::Result<()> {
    pg_catalog::mark_server_start();
    let s = Arc::new(SessionInfo::from_options(options));
    let s = &s;

    define(conn, "format_type", 2, s, |_, a| {
        let Some(oid) = oid_of(&a[0]) else {
            return Ok(None);
        };
        let typmod = a[1].as_i64().and_then(|m| i32::try_from(m).ok());
        type_names::format_type(oid, typmod)
            .map(Some)
            .map_err(CatalogError::Data)
    })?;
    define(conn, "pg_table_is_visible", 1, s, |s, a| {
        Ok(oid_of(&a[0])
            .and_then(|oid| relation(s, oid))
            .map(|r| is_visible(s, &r)))
    })?;
    define(conn, "pg_type_is_visible", 1, s, |_, a| {
        Ok(oid_of(&a[0]).and_then(types::by_oid).map(|_| true))
    })?;
    define(conn, "pg_function_is_visible", 1, s, |_, a| {
        Ok(oid_of(&a[0]).and_then(proc::by_oid).map(|_| true))
    })?;
    define(conn, "pg_collation_is_visible", 1, s, |_, a| {
        Ok(oid_of(&a[0])
            .filter(|o| [100, 950, 951].contains(o))
            .map(|_| true))
    })?;
    for name in NO_SUCH_OBJECT_VISIBLE {
        define(conn, name, 1, s, |_, _| Ok(None::<bool>))?;
    }
    define(conn, "pg_get_userbyid", 1, s, |s, a| {
        Ok(oid_of(&a[0])
            .map(|oid| role_named_by(s, oid).unwrap_or_else(|| format!("unknown (OID={oid})"))))
    })?;
    // hostgres stores no expression trees: an expression column is NULL,
    // and what a client passes in is already SQL text.
    for arity in [2, 3] {
        define(conn, "pg_get_expr", arity, s, |_, a| Ok(text_of(&a[0])))?;
    }
    // No index, constraint, view definition, rule, trigger, partition key,
    // statistics object or sequence exists, so every OID names nothing.
    for (name, arities) in [
        ("pg_get_indexdef", &[1, 3][..]),
        ("pg_get_constraintdef", &[1, 2][..]),
        ("pg_get_viewdef", &[1, 2][..]),
        ("pg_get_ruledef", &[1, 2][..]),
        ("pg_get_triggerdef", &[1, 2][..]),
        ("pg_get_partkeydef", &[1][..]),
        ("pg_get_statisticsobjdef_columns", &[1][..]),
        ("pg_get_serial_sequence", &[2][..]),
        ("pg_get_function_sqlbody", &[1][..]),
        ("pg_stat_get_numscans", &[1][..]),
    ] {
        for arity in arities {
            define(conn, name, *arity, s, |_, _| Ok(None::<String>))?;
        }
    }
    define(conn, "pg_get_function_arguments", 1, s, |_, a| {
        Ok(oid_of(&a[0])
            .and_then(proc::by_oid)
            .map(proc::Proc::arguments))
    })?;
    define(conn, "pg_get_function_identity_arguments", 1, s, |_, a| {
        Ok(oid_of(&a[0])
            .and_then(proc::by_oid)
            .map(proc::Proc::identity_arguments))
    })?;
    define(conn, "pg_get_functiondef", 1, s, |_, a| {
        Ok(oid_of(&a[0])
            .and_then(proc::by_oid)
            .map(proc::Proc::definition))
    })?;
    define(conn, "pg_get_function_result", 1, s, |_, a| {
        Ok(oid_of(&a[0]).and_then(proc::by_oid).map(proc::Proc::result))
    })?;
    define(conn, "obj_description", 1, s, |s, a| {
        Ok(oid_of(&a[0]).and_then(|oid| {
            [
                description::PG_CLASS,
                description::PG_NAMESPACE,
                description::PG_TYPE,
                description::PG_PROC,
                description::PG_AM,
            ]
            .into_iter()
            .find_map(|class| description::describe(s, oid, class, 0))
        }))
    })?;
    define(conn, "obj_description", 2, s, |s, a| {
        let (Some(oid), Some(catalog)) = (oid_of(&a[0]), text_of(&a[1])) else {
            return Ok(None);
        };
        Ok(description::describe(s, oid, catalog_oid(&catalog), 0))
    })?;
    define(conn, "col_description", 2, s, |s, a| {
        let (Some(oid), Some(attnum)) = (oid_of(&a[0]), a[1].as_i64()) else {
            return Ok(None);
        };
        let attnum = i32::try_from(attnum).unwrap_or(0);
        Ok((attnum != 0)
            .then(|| description::describe(s, oid, description::PG_CLASS, attnum))
            .flatten())
    })?;
    define(conn, "shobj_description", 2, s, |s, a| {
        let (Some(oid), Some(catalog)) = (oid_of(&a[0]), text_of(&a[1])) else {
            return Ok(None);
        };
        Ok(description::describe_shared(s, oid, catalog_oid(&catalog)))
    })?;

    register_privileges(conn, s)?;

    define(conn, "pg_encoding_to_char", 1, s, |_, a| {
        Ok(a[0].as_i64().map(|n| {
            usize::try_from(n)
                .ok()
                .and_then(|n| ENCODINGS.get(n))
                .map_or_else(String::new, |e| (*e).to_owned())
        }))
    })?;
    define(conn, "pg_char_to_encoding", 1, s, |_, a| {
        Ok(text_of(&a[0]).map(|name| {
            let wanted = name.replace(['-', '_'], "").to_ascii_uppercase();
            ENCODINGS
                .iter()
                .position(|e| e.replace('_', "") == wanted)
                .map_or(-1, |i| i64::try_from(i).unwrap_or(-1))
        }))
    })?;
    define(conn, "getdatabaseencoding", 0, s, |_, _| Ok("UTF8"))?;
    define(conn, "pg_backend_pid", 0, s, |s, _| Ok(s.backend_pid()))?;
    define(conn, "current_schemas", 1, s, |s, a| {
        let path = if bool_of(&a[0]) {
            search_path(s)
        } else {
            explicit_search_path(s)
        };
        let names: Vec<&str> = path.iter().map(|n| n.name()).collect();
        Ok(serde_json::Value::from(names).to_string())
    })?;
    define(conn, "quote_ident", 1, s, |_, a| {
        Ok(text_of(&a[0]).map(|t| keywords::quote_ident(&t)))
    })?;
    for arity in [1, 2] {
        define(conn, "parse_ident", arity, s, |_, a| {
            let strict = a.get(1).is_none_or(bool_of);
            text_of(&a[0]).map(|t| parse_ident(&t, strict)).transpose()
        })?;
    }
    for name in ["pg_postmaster_start_time", "pg_conf_load_time"] {
        define(conn, name, 0, s, |_, _| {
            Ok(timestamptz(pg_catalog::server_start()))
        })?;
    }
    define(conn, "pg_is_in_recovery", 0, s, |_, _| Ok(false))?;
    define(conn, "txid_current", 0, s, |_, _| {
        Ok(LAST_XID.fetch_add(1, Ordering::Relaxed) + 1)
    })?;
    define(conn, "pg_my_temp_schema", 0, s, |_, _| Ok(0))?;
    define(conn, "pg_is_other_temp_schema", 1, s, |_, _| Ok(false))?;

    define(conn, "pg_size_pretty", 1, s, |_, a| {
        Ok(a[0].as_i64().map(size_pretty))
    })?;
    // Nothing is stored: an existing relation or database takes no space.
    for (name, arity) in [
        ("pg_table_size", 1),
        ("pg_relation_size", 1),
        ("pg_relation_size", 2),
        ("pg_total_relation_size", 1),
        ("pg_indexes_size", 1),
    ] {
        define(conn, name, arity, s, |s, a| {
            Ok(relation_arg(s, &a[0])?
                .and_then(|oid| relation(s, oid))
                .map(|_| 0i64))
        })?;
    }
    define(conn, "pg_database_size", 1, s, |s, a| {
        let oid = match &a[0] {
            Value::Null => return Ok(None),
            Value::Text(t) if oid_of(&a[0]).is_none() => resolve::database_in(s, t)?,
            other => match oid_of(other) {
                Some(oid) => oid,
                None => return Ok(None),
            },
        };
        Ok(databases(s)
            .iter()
            .any(|d| database_oid(d) == oid)
            .then_some(0i64))
    })?;
    define(conn, "pg_tablespace_size", 1, s, |_, a| {
        let spaces = [
            ("pg_default", pg_catalog::DEFAULT_TABLESPACE_OID),
            ("pg_global", pg_catalog::GLOBAL_TABLESPACE_OID),
        ];
        let found = match &a[0] {
            Value::Null => return Ok(None),
            Value::Text(t) if oid_of(&a[0]).is_none() => spaces.iter().any(|(n, _)| n == t),
            other => oid_of(other).is_some_and(|oid| spaces.iter().any(|(_, o)| *o == oid)),
        };
        Ok(found.then_some(0i64))
    })?;
    define(conn, "pg_tablespace_location", 1, s, |_, a| {
        Ok(oid_of(&a[0]).map(|_| ""))
    })?;
    define(conn, "pg_relation_is_publishable", 1, s, |s, a| {
        Ok(relation_arg(s, &a[0])?.map(|_| false))
    })?;

    register_reg_conversions(conn, s)
}

/// The `regclass_in`/`regclass_out` family and PostgreSQL's `to_reg*`.
fn register_reg_conversions(conn: &Connection, s: &Arc<SessionInfo>) -> rusqlite::Result<()> {
    define(conn, "regclass_in", 1, s, |s, a| {
        text_of(&a[0])
            .map(|t| resolve::regclass_in(s, &t))
            .transpose()
    })?;
    define(conn, "regclass_out", 1, s, |s, a| {
        Ok(oid_of(&a[0]).map(|oid| resolve::regclass_out(s, oid)))
    })?;
    define(conn, "regtype_in", 1, s, |_, a| {
        text_of(&a[0]).map(|t| resolve::regtype_in(&t)).transpose()
    })?;
    define(conn, "regtype_out", 1, s, |_, a| {
        Ok(oid_of(&a[0]).map(type_names::regtype_out))
    })?;
    define(conn, "regproc_in", 1, s, |_, a| {
        text_of(&a[0]).map(|t| resolve::regproc_in(&t)).transpose()
    })?;
    define(conn, "regproc_out", 1, s, |_, a| {
        Ok(oid_of(&a[0]).map(resolve::regproc_out))
    })?;
    define(conn, "regnamespace_in", 1, s, |_, a| {
        text_of(&a[0])
            .map(|t| resolve::regnamespace_in(&t))
            .transpose()
    })?;
    define(conn, "regnamespace_out", 1, s, |_, a| {
        Ok(oid_of(&a[0]).map(resolve::regnamespace_out))
    })?;
    define(conn, "regrole_in", 1, s, |s, a| {
        text_of(&a[0])
            .map(|t| resolve::regrole_in(s, &t))
            .transpose()
    })?;
    define(conn, "regrole_out", 1, s, |s, a| {
        Ok(oid_of(&a[0]).map(|oid| resolve::regrole_out(s, oid)))
    })?;
    // `to_reg*` answer NULL where a cast would fail.
    define(conn, "to_regclass", 1, s, |s, a| {
        Ok(text_of(&a[0]).and_then(|t| {
            let parts = split_name(&t).ok()?;
            resolve::lookup_relation(s, &parts).map(|r| r.oid)
        }))
    })?;
    define(conn, "to_regtype", 1, s, |_, a| {
        Ok(text_of(&a[0]).and_then(|t| type_names::parse_type_name(&t).ok()))
    })?;
    define(conn, "to_regproc", 1, s, |_, a| {
        Ok(text_of(&a[0]).and_then(|t| resolve::regproc_in(&t).ok()))
    })?;
    define(conn, "to_regnamespace", 1, s, |_, a| {
        Ok(text_of(&a[0]).and_then(|t| resolve::regnamespace_in(&t).ok()))
    })?;
    define(conn, "to_regrole", 1, s, |s, a| {
        Ok(text_of(&a[0]).and_then(|t| resolve::regrole_in(s, &t).ok()))
    })
}

/// `parse_ident`: a qualified name's parts as a JSON array; unless
/// `strict`, what follows the name after white space is ignored.
fn parse_ident(input: &str, strict: bool) -> Result<String, CatalogError> {
    let name = if strict { input } else { name_prefix(input) };
    let parts = split_name(name).map_err(|_| {
        CatalogError::Data(format!("string is not a valid identifier: \"{input}\""))
    })?;
    Ok(serde_json::Value::from(parts).to_string())
}

/// The leading qualified name of `input`: up to the first white space,
/// outside quotes, that is not next to a dot.
fn name_prefix(input: &str) -> &str {
    let input = input.trim_start();
    let bytes = input.as_bytes();
    let mut quoted = false;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b if b.is_ascii_whitespace() && !quoted => {
                let before = input[..i].trim_end().ends_with('.');
                let after = input[i..].trim_start().starts_with('.');
                if !before && !after {
                    return &input[..i];
                }
            }
            _ => {}
        }
    }
    input
}

/// `pg_size_pretty`: bytes, kB, MB, GB, TB or PB, rounded as PostgreSQL rounds.
fn size_pretty(size: i64) -> String {
    const LIMIT: i64 = 10 * 1024;
    const LIMIT2: i64 = LIMIT * 2 - 1;
    if size.unsigned_abs() < LIMIT.unsigned_abs() {
        return format!("{size} bytes");
    }
    let half_rounded = |x: i64| (x + if x < 0 { -1 } else { 1 }) / 2;
    // One extra bit is kept for rounding.
    let mut size = size >> 9;
    for unit in ["kB", "MB", "GB", "TB"] {
        if size.unsigned_abs() < LIMIT2.unsigned_abs() {
            return format!("{} {unit}", half_rounded(size));
        }
        size >>= 10;
    }
    format!("{} PB", half_rounded(size))
}

fn register_privileges(conn: &Connection, s: &Arc<SessionInfo>) -> rusqlite::Result<()> {
    for (name, kind) in [
        ("has_table_privilege", ObjectKind::Table),
        ("has_column_privilege", ObjectKind::Column),
        ("has_any_column_privilege", ObjectKind::AnyColumn),
        ("has_schema_privilege", ObjectKind::Schema),
        ("has_database_privilege", ObjectKind::Database),
        ("has_function_privilege", ObjectKind::Function),
        ("has_type_privilege", ObjectKind::Type),
        ("has_tablespace_privilege", ObjectKind::Tablespace),
        ("has_language_privilege", ObjectKind::Language),
    ] {
        let base = i32::try_from(kind.base_arity()).unwrap_or(2);
        for arity in [base, base + 1] {
            define(conn, name, arity, s, move |s, a| has_privilege(s, kind, a))?;
        }
    }
    // Roles have no members: a role "has" only itself.
    define(conn, "pg_has_role", 2, s, |s, a| {
        Ok(text_of(&a[0]).map(|role| role == s.user))
    })?;
    define(conn, "pg_has_role", 3, s, |s, a| {
        let user = grantee(s, &a[0])?;
        Ok(text_of(&a[1])
            .zip(user)
            .map(|(role, user)| matches!(user, Grantee::Session) && role == s.user))
    })
}

#[cfg(test)]
mod tests {
    use super::{parse_ident, size_pretty};

    #[test]
    fn identifiers_parse_like_postgresql() {
        assert_eq!(
            parse_ident("processes", true).expect("ok"),
            "[\"processes\"]"
        );
        assert_eq!(
            parse_ident("Public.\"My T\"", true).expect("ok"),
            "[\"public\",\"My T\"]"
        );
        assert_eq!(
            parse_ident("a.b extra", false).expect("ok"),
            "[\"a\",\"b\"]"
        );
        assert_eq!(
            parse_ident("a b", true).expect_err("strict").to_string(),
            "string is not a valid identifier: \"a b\""
        );
        assert!(parse_ident("\"a", true).is_err());
    }

    #[test]
    fn sizes_print_like_postgresql() {
        let cases = [
            (0, "0 bytes"),
            (10_239, "10239 bytes"),
            (10_240, "10 kB"),
            (20_479, "20 kB"),
            (1_048_576, "1024 kB"),
            (10_485_760, "10 MB"),
            (-20_480, "-20 kB"),
            (1_099_511_627_776, "1024 GB"),
            (22_517_998_136_852_480, "20 PB"),
            (i64::MIN, "-8192 PB"),
        ];
        for (bytes, text) in cases {
            assert_eq!(size_pretty(bytes), text, "{bytes}");
        }
    }
}
