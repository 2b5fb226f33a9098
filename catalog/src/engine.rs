//! `Engine`: one session's SQLite connection with every table registered as a virtual table.
//!
//! The connection is in-memory and read-only: an authorizer refuses every
//! write, schema change, `ATTACH` and most `PRAGMA`s, and `SQLITE_LIMIT_ATTACHED`
//! is 0. Statements run one at a time; each sees the host as it is when the
//! statement starts, except inside a snapshot (a transaction), where repeated
//! reads of a table return the same rows.

use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use hostgres_collectors::HostRoot;
use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use rusqlite::limits::Limit;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, InterruptHandle};

use crate::error::CatalogError;
use crate::functions;
use crate::limits::{LimitedSink, QueryLimits, StatementObserver, StatementRecord};
use crate::pg_catalog::Directory;
use crate::policy::{AllowAll, TablePolicy};
use crate::schema::ColumnType;
use crate::session::ScanState;
use crate::session::SessionInfo;
use crate::table::Registry;
use crate::value::Value;
use crate::vtab::{MODULE, TableAux};

/// The longest SQL text a client may send in one statement.
const MAX_SQL_LENGTH: i32 = 1 << 20;
/// The largest string or blob a query may build.
const MAX_VALUE_LENGTH: i32 = 64 << 20;

/// PRAGMAs that only read and reveal nothing of the daemon's host beyond the tables.
const READ_ONLY_PRAGMAS: &[&str] = &[
    "table_info",
    "table_xinfo",
    "table_list",
    "function_list",
    "module_list",
    "pragma_list",
    "collation_list",
];

/// SQLite calls the progress handler every this many virtual-machine steps.
const PROGRESS_STEPS: i32 = 1000;
/// How many progress calls a statement run on the caller's thread may take
/// (about a hundred thousand steps, well under a millisecond) before it is
/// stopped and handed to a blocking thread.
const INLINE_PROGRESS_CALLS: u32 = 100;
/// How many statements' "reads a table" verdicts an engine remembers.
const MAX_REMEMBERED_STATEMENTS: usize = 512;

/// The budget of a statement run on the caller's thread.
#[derive(Debug, Default)]
struct InlineBudget {
    active: AtomicBool,
    calls: AtomicU32,
    exceeded: AtomicBool,
}
/// SQLite functions that reach outside the query: loading code, reading or
/// writing files, or handing out native pointers (`fts3_tokenizer`). The
/// bundled SQLite does not build most of them; refusing them by name keeps
/// that true whatever SQLite is linked.
const FORBIDDEN_FUNCTIONS: &[&str] = &[
    "load_extension",
    "fts3_tokenizer",
    "readfile",
    "writefile",
    "edit",
    "lsdir",
];

/// SQLite's own virtual tables that expose raw database pages.
const FORBIDDEN_TABLES: &[&str] = &["sqlite_dbpage", "dbstat"];

/// SQLite's table-valued functions that compute rows from their arguments
/// alone; the translator uses them for arrays and set-returning functions,
/// so every role may read them, as every role may call a function.
const FUNCTION_TABLES: &[&str] = &["generate_series", "json_each", "json_tree"];

/// What an engine reads and serves.
#[derive(Debug, Clone)]
pub struct EngineOptions {
    /// Where the host's files are; `/` unless testing on a fixture tree.
    pub root: HostRoot,
    pub registry: Registry,
    /// Who runs the queries, for `current_user` and friends.
    pub user: String,
    /// The database name the client asked for.
    pub database: String,
    /// The session's run-time parameters, shared with `SET` and `SHOW`.
    pub settings: crate::settings::Settings,
    /// Which tables the session may read.
    pub policy: Arc<dyn TablePolicy>,
    /// The backend process id of the session, shared so the server can set it
    /// after authentication (see [`Engine::set_backend_pid`]).
    pub backend_pid: Arc<AtomicI32>,
    /// Every session and role the server knows, for `pg_stat_activity` and `pg_roles`.
    pub directory: Arc<dyn Directory>,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            root: HostRoot::default(),
            registry: Registry::default(),
            user: "hostgres".to_owned(),
            database: "hostgres".to_owned(),
            settings: crate::settings::Settings::new(
                "hostgres",
                Default::default(),
                Default::default(),
            ),
            policy: Arc::new(AllowAll),
            backend_pid: crate::session::default_backend_pid(),
            directory: crate::session::default_directory(),
        }
    }
}

/// A result column as SQLite describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnMeta {
    pub name: String,
    /// The declared type when the column is a table column, `None` for an expression.
    pub decl_type: Option<ColumnType>,
    /// The table column the values come from, when they come straight from one.
    pub origin: Option<ColumnOrigin>,
}

/// A table column as clients see it in `pg_class` and `pg_attribute`: the
/// table's OID and the column's number (its position in the schema, from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnOrigin {
    pub table_oid: u32,
    pub attnum: i16,
}

/// What a statement takes and returns, learned by preparing it.
#[derive(Debug, Clone, PartialEq)]
pub struct Described {
    pub columns: Vec<ColumnMeta>,
    pub param_count: usize,
}

/// One cell of a result row, borrowed from SQLite.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    Null,
    Int(i64),
    Real(f64),
    /// Text as SQLite stores it: UTF-8 unless a query built it from bytes.
    Text(&'a [u8]),
    Blob(&'a [u8]),
}

impl Cell<'_> {
    /// An owned copy.
    pub fn to_value(&self) -> Value {
        match *self {
            Cell::Null => Value::Null,
            Cell::Int(i) => Value::Int(i),
            Cell::Real(f) => Value::Real(f),
            Cell::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
            Cell::Blob(b) => Value::Blob(b.to_vec()),
        }
    }
}

/// A result row being streamed to a [`RowSink`].
pub struct RowRef<'a> {
    row: &'a rusqlite::Row<'a>,
    width: usize,
}

impl RowRef<'_> {
    pub fn len(&self) -> usize {
        self.width
    }

    pub fn is_empty(&self) -> bool {
        self.width == 0
    }

    pub fn get(&self, i: usize) -> Cell<'_> {
        match self.row.get_ref(i) {
            Ok(ValueRef::Integer(v)) => Cell::Int(v),
            Ok(ValueRef::Real(v)) => Cell::Real(v),
            Ok(ValueRef::Text(v)) => Cell::Text(v),
            Ok(ValueRef::Blob(v)) => Cell::Blob(v),
            Ok(ValueRef::Null) | Err(_) => Cell::Null,
        }
    }
}

/// Receives a statement's result: the columns once, then each row.
pub trait RowSink {
    fn columns(&mut self, columns: &[ColumnMeta]) -> Result<(), CatalogError>;
    fn row(&mut self, row: &RowRef<'_>) -> Result<(), CatalogError>;
}

/// A whole result held in memory, for the console, the scheduler and tests.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueryResult {
    pub columns: Vec<ColumnMeta>,
    pub rows: Vec<Vec<Value>>,
}

impl RowSink for QueryResult {
    fn columns(&mut self, columns: &[ColumnMeta]) -> Result<(), CatalogError> {
        self.columns = columns.to_vec();
        Ok(())
    }

    fn row(&mut self, row: &RowRef<'_>) -> Result<(), CatalogError> {
        self.rows
            .push((0..row.len()).map(|i| row.get(i).to_value()).collect());
        Ok(())
    }
}

/// Stops the statement running on an engine, from any thread.
#[derive(Clone)]
pub struct Interrupter {
    handle: Arc<InterruptHandle>,
    state: Arc<ScanState>,
}

impl std::fmt::Debug for Interrupter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Interrupter")
    }
}

impl Interrupter {
    /// Interrupts the running statement: SQLite stops at its next step and a
    /// table scan stops at its next item. The statement fails with `Cancelled`.
    pub fn interrupt(&self) {
        self.state.interrupted.store(true, Ordering::Relaxed);
        self.handle.interrupt();
    }
}

/// What a prepared statement is, as far as running it inline needs:
/// whether it reads a table, and its result columns. Both are fixed for a
/// statement text, since tables are registered once.
#[derive(Debug)]
struct Shape {
    reads_tables: bool,
    columns: Vec<ColumnMeta>,
}

/// A SQLite connection serving the host's tables.
pub struct Engine {
    conn: Connection,
    state: Arc<ScanState>,
    registry: Registry,
    table_names: Vec<String>,
    snapshot: bool,
    /// Set by the authorizer when a statement being prepared reads a table.
    table_read: Arc<AtomicBool>,
    /// What a statement (by its SQL) reads and returns, learned at its first prepare.
    shapes: Mutex<foldhash::HashMap<String, Arc<Shape>>>,
    inline: Arc<InlineBudget>,
    limits: QueryLimits,
    observer: Option<Arc<dyn StatementObserver>>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("root", &self.state.root)
            .finish_non_exhaustive()
    }
}

enum Failure {
    Sqlite(rusqlite::Error),
    Catalog(CatalogError),
}

impl From<rusqlite::Error> for Failure {
    fn from(e: rusqlite::Error) -> Self {
        Failure::Sqlite(e)
    }
}

impl From<CatalogError> for Failure {
    fn from(e: CatalogError) -> Self {
        Failure::Catalog(e)
    }
}

impl Engine {
    /// Opens an in-memory connection and registers every table and function.
    pub fn open(options: EngineOptions) -> Result<Engine, CatalogError> {
        let internal = |e: rusqlite::Error| CatalogError::Internal(e.to_string());
        let mut conn = Connection::open_in_memory().map_err(internal)?;
        let state = Arc::new(ScanState::new(
            options.root.clone(),
            SessionInfo::from_options(&options),
        ));

        conn.set_limit(Limit::SQLITE_LIMIT_ATTACHED, 0)
            .map_err(internal)?;
        conn.set_limit(Limit::SQLITE_LIMIT_SQL_LENGTH, MAX_SQL_LENGTH)
            .map_err(internal)?;
        conn.set_limit(Limit::SQLITE_LIMIT_LENGTH, MAX_VALUE_LENGTH)
            .map_err(internal)?;
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)
            .map_err(internal)?;
        conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER,
            false,
        )
        .map_err(internal)?;
        conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA,
            false,
        )
        .map_err(internal)?;

        for entry in options.registry.iter() {
            let aux = TableAux {
                table: Arc::clone(&entry.table),
                state: Arc::clone(&state),
            };
            conn.create_module(&*entry.sqlite_name, &MODULE, Some(aux))
                .map_err(internal)?;
        }
        functions::register(&conn, &options).map_err(internal)?;

        let authorizer_state = Arc::clone(&state);
        let table_read = Arc::new(AtomicBool::new(false));
        let read_flag = Arc::clone(&table_read);
        conn.authorizer(Some(move |ctx: AuthContext<'_>| {
            if matches!(ctx.action, AuthAction::Read { .. }) {
                read_flag.store(true, Ordering::Relaxed);
            }
            authorize(&authorizer_state, &ctx)
        }))
        .map_err(internal)?;
        let inline = Arc::new(InlineBudget::default());
        let budget = Arc::clone(&inline);
        conn.progress_handler(
            PROGRESS_STEPS,
            Some(move || {
                if !budget.active.load(Ordering::Relaxed) {
                    return false;
                }
                let over = budget.calls.fetch_add(1, Ordering::Relaxed) >= INLINE_PROGRESS_CALLS;
                if over {
                    budget.exceeded.store(true, Ordering::Relaxed);
                }
                over
            }),
        )
        .map_err(internal)?;

        Ok(Engine {
            conn,
            table_names: options
                .registry
                .names()
                .into_iter()
                .map(str::to_owned)
                .collect(),
            registry: options.registry,
            state,
            snapshot: false,
            table_read,
            shapes: Mutex::new(foldhash::HashMap::default()),
            inline,
            limits: QueryLimits::default(),
            observer: None,
        })
    }

    /// Bounds every later statement's result and scans (see [`QueryLimits`]).
    pub fn set_limits(&mut self, limits: QueryLimits) {
        self.state.set_max_scan_bytes(limits.max_scan_bytes);
        self.limits = limits;
    }

    /// Reports every later statement, with its outcome, to `observer`.
    pub fn set_observer(&mut self, observer: Arc<dyn StatementObserver>) {
        self.observer = Some(observer);
    }

    /// The tables this engine serves.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The host root the tables read.
    pub fn root(&self) -> &HostRoot {
        &self.state.root
    }

    /// Sets the process id the session reports (`pg_backend_pid()`,
    /// `pg_stat_activity`): the one the server sent in `BackendKeyData`.
    pub fn set_backend_pid(&self, pid: i32) {
        self.state.info.backend_pid.store(pid, Ordering::Relaxed);
    }

    /// A handle that interrupts this engine's running statement from another thread.
    pub fn interrupter(&self) -> Interrupter {
        Interrupter {
            handle: Arc::new(self.conn.get_interrupt_handle()),
            state: Arc::clone(&self.state),
        }
    }

    /// Within a snapshot, repeated reads of a table with the same constraints
    /// return the same rows; ending it lets the next statement read afresh.
    pub fn set_snapshot(&mut self, on: bool) {
        self.snapshot = on;
        if !on {
            self.state.clear_cache();
        }
    }

    /// Warnings from the last statement (sources it skipped because it could not read them).
    pub fn take_notices(&self) -> Vec<String> {
        self.state.take_notices()
    }

    /// Prepares one statement (SQLite dialect) and describes its parameters and columns.
    pub fn describe(&self, sql: &str) -> Result<Described, CatalogError> {
        self.state.begin_statement();
        let stmt = self
            .conn
            .prepare_cached(sql)
            .map_err(|e| self.classify(Failure::Sqlite(e)))?;
        Ok(Described {
            columns: column_meta(&stmt, &self.registry),
            param_count: stmt.parameter_count(),
        })
    }

    /// Runs one statement (SQLite dialect) with positional parameters and
    /// streams its result to `sink`; returns the number of rows.
    pub fn query(
        &self,
        sql: &str,
        params: &[Value],
        sink: &mut dyn RowSink,
    ) -> Result<u64, CatalogError> {
        self.query_as(sql, sql, params, sink)
    }

    /// [`Engine::query`] of `sql`, the translation of `source`: observers
    /// hear of `source`, the statement as the client wrote it.
    pub fn query_as(
        &self,
        sql: &str,
        source: &str,
        params: &[Value],
        sink: &mut dyn RowSink,
    ) -> Result<u64, CatalogError> {
        let started = std::time::Instant::now();
        let (result, rows) = self.run_limited(sql, params, sink, None);
        self.observe(source, rows, started, result.as_ref().err());
        result
    }

    /// Runs one statement under the session's result limits; the rows it
    /// returned, even when it failed.
    fn run_limited(
        &self,
        sql: &str,
        params: &[Value],
        sink: &mut dyn RowSink,
        columns: Option<&[ColumnMeta]>,
    ) -> (Result<u64, CatalogError>, u64) {
        self.state.begin_statement();
        let mut limited = LimitedSink::new(sink, self.limits);
        let result = self.run(sql, params, &mut limited, columns);
        let rows = limited.passed();
        if !self.snapshot {
            self.state.clear_cache();
        }
        (result.map_err(|f| self.classify(f)), rows)
    }

    /// Tells observers of a statement that failed before it ran.
    fn observe_failure(&self, source: &str, error: &CatalogError) {
        self.observe(source, 0, std::time::Instant::now(), Some(error));
    }

    fn observe(
        &self,
        source: &str,
        rows: u64,
        started: std::time::Instant,
        error: Option<&CatalogError>,
    ) {
        if let Some(observer) = &self.observer {
            observer.statement_done(&StatementRecord {
                sql: source,
                rows,
                elapsed: started.elapsed(),
                error,
            });
        }
    }

    /// Runs a statement on the calling thread when that cannot stall it: the
    /// statement reads no table (so no generator reads the host) and
    /// finishes within a small budget of SQLite steps. Returns `Ok(None)`,
    /// having run nothing or discarded what ran, when the statement must
    /// run on a blocking thread instead; `sink` then holds partial rows to
    /// discard.
    pub fn query_inline(
        &self,
        sql: &str,
        source: &str,
        params: &[Value],
        sink: &mut dyn RowSink,
    ) -> Result<Option<u64>, CatalogError> {
        let shape = match self.shape(sql) {
            Ok(shape) if shape.reads_tables => return Ok(None),
            Ok(shape) => shape,
            Err(e) => {
                self.observe_failure(source, &e);
                return Err(e);
            }
        };
        self.inline.calls.store(0, Ordering::Relaxed);
        self.inline.exceeded.store(false, Ordering::Relaxed);
        self.inline.active.store(true, Ordering::Relaxed);
        let started = std::time::Instant::now();
        let (result, rows) = self.run_limited(sql, params, sink, Some(&shape.columns));
        self.inline.active.store(false, Ordering::Relaxed);
        // A discarded attempt is not a statement: the blocking run reports it.
        if self.inline.exceeded.load(Ordering::Relaxed) {
            return Ok(None);
        }
        self.observe(source, rows, started, result.as_ref().err());
        result.map(Some)
    }

    /// The shape of `sql`: whether it reads a table (as the authorizer saw
    /// it at prepare time) and its result columns.
    fn shape(&self, sql: &str) -> Result<Arc<Shape>, CatalogError> {
        let mut known = self.shapes.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(shape) = known.get(sql) {
            return Ok(Arc::clone(shape));
        }
        // A fresh prepare runs the authorizer, which a cached statement skips.
        self.table_read.store(false, Ordering::Relaxed);
        self.state.begin_statement();
        let stmt = self
            .conn
            .prepare(sql)
            .map_err(|e| self.classify(Failure::Sqlite(e)))?;
        let shape = Arc::new(Shape {
            reads_tables: self.table_read.load(Ordering::Relaxed),
            columns: column_meta(&stmt, &self.registry),
        });
        drop(stmt);
        if known.len() >= MAX_REMEMBERED_STATEMENTS {
            known.clear();
        }
        known.insert(sql.to_owned(), Arc::clone(&shape));
        Ok(shape)
    }

    /// Runs one statement and collects its whole result.
    pub fn query_all(&self, sql: &str, params: &[Value]) -> Result<QueryResult, CatalogError> {
        let mut result = QueryResult::default();
        self.query(sql, params, &mut result)?;
        Ok(result)
    }

    fn run(
        &self,
        sql: &str,
        params: &[Value],
        sink: &mut dyn RowSink,
        columns: Option<&[ColumnMeta]>,
    ) -> Result<u64, Failure> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let expected = stmt.parameter_count();
        if expected != params.len() {
            return Err(CatalogError::InvalidParameter(format!(
                "the statement takes {expected} parameters but {} were given",
                params.len()
            ))
            .into());
        }
        for (i, p) in params.iter().enumerate() {
            bind(&mut stmt, i + 1, p)?;
        }
        let width = match columns {
            Some(known) => {
                sink.columns(known)?;
                known.len()
            }
            None => {
                let described = column_meta(&stmt, &self.registry);
                sink.columns(&described)?;
                described.len()
            }
        };
        let mut rows = stmt.raw_query();
        let mut count = 0u64;
        while let Some(row) = rows.next()? {
            sink.row(&RowRef { row, width })?;
            count += 1;
        }
        Ok(count)
    }

    fn classify(&self, failure: Failure) -> CatalogError {
        match failure {
            Failure::Catalog(e) => e,
            Failure::Sqlite(e) => {
                if let Some((table, source)) = self.state.take_scan_error() {
                    return match source.kind() {
                        hostgres_collectors::CollectErrorKind::Usage => {
                            CatalogError::MissingConstraint(source.to_string())
                        }
                        hostgres_collectors::CollectErrorKind::Interrupted => {
                            CatalogError::Cancelled
                        }
                        _ => CatalogError::Scan { table, source },
                    };
                }
                if let Some(message) = self.state.take_limit_error() {
                    return CatalogError::Limit(message);
                }
                if self.state.interrupted.load(Ordering::Relaxed) {
                    return CatalogError::Cancelled;
                }
                if self.state.write_refused.load(Ordering::Relaxed) {
                    return CatalogError::ReadOnly("a write or schema change".to_owned());
                }
                if let Some(message) = self.state.take_denied() {
                    return CatalogError::Denied(message);
                }
                let names: Vec<&str> = self.table_names.iter().map(String::as_str).collect();
                CatalogError::from_sqlite(e, &names)
            }
        }
    }
}

fn bind(
    stmt: &mut rusqlite::CachedStatement<'_>,
    index: usize,
    value: &Value,
) -> rusqlite::Result<()> {
    match value {
        Value::Null => stmt.raw_bind_parameter(index, rusqlite::types::Null),
        Value::Int(v) => stmt.raw_bind_parameter(index, v),
        Value::Real(v) => stmt.raw_bind_parameter(index, v),
        Value::Text(v) => stmt.raw_bind_parameter(index, v.as_str()),
        Value::Blob(v) => stmt.raw_bind_parameter(index, v.as_slice()),
    }
}

fn column_meta(stmt: &rusqlite::Statement<'_>, registry: &Registry) -> Vec<ColumnMeta> {
    stmt.columns()
        .zip(stmt.columns_with_metadata())
        .map(|(c, m)| ColumnMeta {
            name: c.name().to_owned(),
            decl_type: c.decl_type().and_then(ColumnType::from_sql_name),
            origin: origin(registry, m.table_name(), m.origin_name()),
        })
        .collect()
}

/// The table column behind a result column, from SQLite's column metadata
/// (the SQLite name of the table and the column's name in it).
fn origin(registry: &Registry, table: Option<&str>, column: Option<&str>) -> Option<ColumnOrigin> {
    let entry = registry.entry(table?)?;
    let column = column?;
    let schema = entry.schema();
    let index = schema.columns.iter().position(|c| c.name == column)?;
    Some(ColumnOrigin {
        table_oid: crate::oid::table_oid(entry.namespace(), schema.name),
        attnum: i16::try_from(index + 1).ok()?,
    })
}

/// SQLite's authorizer: reads and functions pass; everything that writes,
/// changes the schema or reaches outside the in-memory database is refused.
fn authorize(state: &ScanState, ctx: &AuthContext<'_>) -> Authorization {
    match &ctx.action {
        AuthAction::Read { table_name, .. }
            if FUNCTION_TABLES.contains(&table_name.to_ascii_lowercase().as_str()) =>
        {
            Authorization::Allow
        }
        AuthAction::Read {
            table_name,
            column_name,
        } => {
            let policy = &state.info.policy;
            if !policy.may_read(table_name)
                || FORBIDDEN_TABLES.contains(&table_name.to_ascii_lowercase().as_str())
            {
                state.note_denied(|| format!("permission denied for table {table_name}"));
                Authorization::Deny
            } else if !column_name.is_empty() && !policy.may_read_column(table_name, column_name) {
                state.note_denied(|| {
                    format!("permission denied for column {column_name} of table {table_name}")
                });
                Authorization::Deny
            } else {
                Authorization::Allow
            }
        }
        AuthAction::Function { function_name }
            if FORBIDDEN_FUNCTIONS.contains(&function_name.to_ascii_lowercase().as_str()) =>
        {
            state.note_denied(|| format!("permission denied for function {function_name}"));
            Authorization::Deny
        }
        AuthAction::Select | AuthAction::Function { .. } | AuthAction::Recursive => {
            Authorization::Allow
        }
        // `PRAGMA table_info(x)` passes its argument as the value: a denied
        // table's columns stay as hidden as the table.
        AuthAction::Pragma {
            pragma_name,
            pragma_value,
        } if READ_ONLY_PRAGMAS.contains(&pragma_name.to_ascii_lowercase().as_str()) => {
            match pragma_value {
                Some(table) if !state.info.policy.may_read(table) => {
                    state.note_denied(|| format!("permission denied for table {table}"));
                    Authorization::Deny
                }
                _ => Authorization::Allow,
            }
        }
        AuthAction::Insert { .. }
        | AuthAction::Update { .. }
        | AuthAction::Delete { .. }
        | AuthAction::CreateIndex { .. }
        | AuthAction::CreateTable { .. }
        | AuthAction::CreateTempIndex { .. }
        | AuthAction::CreateTempTable { .. }
        | AuthAction::CreateTempTrigger { .. }
        | AuthAction::CreateTempView { .. }
        | AuthAction::CreateTrigger { .. }
        | AuthAction::CreateView { .. }
        | AuthAction::CreateVtable { .. }
        | AuthAction::DropIndex { .. }
        | AuthAction::DropTable { .. }
        | AuthAction::DropTempIndex { .. }
        | AuthAction::DropTempTable { .. }
        | AuthAction::DropTempTrigger { .. }
        | AuthAction::DropTempView { .. }
        | AuthAction::DropTrigger { .. }
        | AuthAction::DropView { .. }
        | AuthAction::DropVtable { .. }
        | AuthAction::AlterTable { .. }
        | AuthAction::Reindex { .. }
        | AuthAction::Analyze { .. }
        | AuthAction::Pragma { .. }
        | AuthAction::Attach { .. }
        | AuthAction::Detach { .. } => {
            state.write_refused.store(true, Ordering::Relaxed);
            Authorization::Deny
        }
        // Transactions are the session's business, answered before SQLite sees them.
        _ => Authorization::Deny,
    }
}
