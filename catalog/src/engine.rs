//! `Engine`: one session's SQLite connection with every table registered as a virtual table.
//!
//! The connection is in-memory and read-only: an authorizer refuses every
//! write, schema change, `ATTACH` and most `PRAGMA`s, and `SQLITE_LIMIT_ATTACHED`
//! is 0. Statements run one at a time; each sees the host as it is when the
//! statement starts, except inside a snapshot (a transaction), where repeated
//! reads of a table return the same rows.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use hostgres_collectors::HostRoot;
use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use rusqlite::limits::Limit;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, InterruptHandle};

use crate::error::CatalogError;
use crate::functions;
use crate::limits::{LimitedSink, QueryLimits, StatementObserver, StatementRecord};
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
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            root: HostRoot::default(),
            registry: Registry::default(),
            user: "hostgres".to_owned(),
            database: "hostgres".to_owned(),
            settings: crate::settings::Settings::default(),
            policy: Arc::new(AllowAll),
        }
    }
}

/// A result column as SQLite describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnMeta {
    pub name: String,
    /// The declared type when the column is a table column, `None` for an expression.
    pub decl_type: Option<ColumnType>,
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

/// A SQLite connection serving the host's tables.
pub struct Engine {
    conn: Connection,
    state: Arc<ScanState>,
    registry: Registry,
    table_names: Vec<String>,
    snapshot: bool,
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
            SessionInfo {
                user: options.user.clone(),
                database: options.database.clone(),
                settings: options.settings.clone(),
                registry: options.registry.clone(),
                policy: Arc::clone(&options.policy),
            },
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
        conn.authorizer(Some(move |ctx: AuthContext<'_>| {
            authorize(&authorizer_state, &ctx)
        }))
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
            columns: column_meta(&stmt),
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
        self.state.begin_statement();
        let started = std::time::Instant::now();
        let mut limited = LimitedSink::new(sink, self.limits);
        let result = self.run(sql, params, &mut limited);
        let rows = limited.passed();
        if !self.snapshot {
            self.state.clear_cache();
        }
        let result = result.map_err(|f| self.classify(f));
        if let Some(observer) = &self.observer {
            observer.statement_done(&StatementRecord {
                sql,
                rows,
                elapsed: started.elapsed(),
                error: result.as_ref().err(),
            });
        }
        result
    }

    /// Runs one statement and collects its whole result.
    pub fn query_all(&self, sql: &str, params: &[Value]) -> Result<QueryResult, CatalogError> {
        let mut result = QueryResult::default();
        self.query(sql, params, &mut result)?;
        Ok(result)
    }

    fn run(&self, sql: &str, params: &[Value], sink: &mut dyn RowSink) -> Result<u64, Failure> {
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
        let columns = column_meta(&stmt);
        sink.columns(&columns)?;
        let width = columns.len();
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

fn column_meta(stmt: &rusqlite::Statement<'_>) -> Vec<ColumnMeta> {
    stmt.columns()
        .map(|c| ColumnMeta {
            name: c.name().to_owned(),
            decl_type: c.decl_type().and_then(ColumnType::from_sql_name),
        })
        .collect()
}

/// SQLite's authorizer: reads and functions pass; everything that writes,
/// changes the schema or reaches outside the in-memory database is refused.
fn authorize(state: &ScanState, ctx: &AuthContext<'_>) -> Authorization {
    match &ctx.action {
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
