//! The one generic SQLite virtual-table module that serves every [`Table`].
//!
//! Each table is registered as an eponymous virtual table (`SELECT * FROM
//! processes` needs no `CREATE VIRTUAL TABLE`). `best_index` hands `=`, `IN`
//! and `LIKE` constraints on the columns a table marks as pushed down to its
//! generator and prices the plans so SQLite prefers the cheap ones; it never
//! sets `omit`, so SQLite re-checks every predicate on the rows returned.
//! This file is the only `unsafe` code in the workspace: rusqlite's virtual
//! table traits are `unsafe` to implement because the structs must start
//! with SQLite's C headers.
#![allow(unsafe_code)]

use std::borrow::Cow;
use std::ffi::{CStr, CString, c_int};
use std::fmt::Write as _;
use std::sync::Arc;

use fallible_streaming_iterator::FallibleStreamingIterator;
use hostgres_collectors::{CollectError, HostRoot};
use rusqlite::ffi;
use rusqlite::types::ValueRef;
use rusqlite::vtab::{
    Context, Filters, IndexConstraintOp, IndexInfo, Module, VTab, VTabConfig, VTabConnection,
    VTabCursor, sqlite3_vtab, sqlite3_vtab_cursor,
};

use crate::scan::{ColumnConstraint, Rows, ScanContext};
use crate::session::ScanState;
use crate::table::Table;
use crate::value::Value;

/// What every registration of the module carries: the table and its connection's scan state.
pub(crate) struct TableAux {
    pub(crate) table: Arc<dyn Table>,
    pub(crate) state: Arc<ScanState>,
}

/// The module shared by all tables; each registration differs only in its aux data.
pub(crate) const MODULE: Module<'static, HostVTab> = Module::eponymous_only_module();

/// The column osquery uses to read a table inside another process's mount namespace.
const PID_WITH_NAMESPACE: &str = "pid_with_namespace";
/// Filled with the mount namespace of the process a row was read through.
const MOUNT_NAMESPACE_ID: &str = "mount_namespace_id";

/// Cost of a scan the table cannot answer at all (a required column is unconstrained).
const COST_IMPOSSIBLE: f64 = 1e15;
const COST_FULL_SCAN: f64 = 1e6;
const COST_FILTERED_SCAN: f64 = 1e5;
const COST_PATTERN: f64 = 1e3;
const COST_KEYED: f64 = 10.0;

#[repr(C)]
pub(crate) struct HostVTab {
    /// SQLite's header; must stay first.
    base: sqlite3_vtab,
    table: Arc<dyn Table>,
    state: Arc<ScanState>,
}

/// How one `filter` argument maps to a column, encoded in `idx_str` by `best_index`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct PlanArg {
    column: usize,
    like: bool,
    /// The argument is an `IN` list handed over all at once.
    in_list: bool,
}

/// The plan `best_index` chose: which columns are read and what each filter argument is.
#[derive(Debug, Default, PartialEq)]
struct Plan {
    col_used: u64,
    args: Vec<PlanArg>,
}

impl Plan {
    /// `"<col_used hex>"` then `";<column><op>[i]"` per argument, `op` being `=` or `~`.
    fn encode(&self) -> String {
        let mut s = format!("{:x}", self.col_used);
        for a in &self.args {
            let _ = write!(
                s,
                ";{}{}{}",
                a.column,
                if a.like { '~' } else { '=' },
                if a.in_list { "i" } else { "" }
            );
        }
        s
    }

    fn decode(s: &str) -> Option<Plan> {
        let mut parts = s.split(';');
        let col_used = u64::from_str_radix(parts.next()?, 16).ok()?;
        let mut args = Vec::new();
        for part in parts {
            let in_list = part.ends_with('i');
            let part = part.trim_end_matches('i');
            let like = part.ends_with('~');
            let column = part.trim_end_matches(['~', '=']).parse().ok()?;
            args.push(PlanArg {
                column,
                like,
                in_list,
            });
        }
        Some(Plan { col_used, args })
    }
}

fn sqlite_error(message: String) -> rusqlite::Error {
    rusqlite::Error::SqliteFailure(ffi::Error::new(ffi::SQLITE_ERROR), Some(message))
}

unsafe impl<'vtab> VTab<'vtab> for HostVTab {
    type Aux = TableAux;
    type Cursor = HostCursor<'vtab>;

    fn connect(
        db: &mut VTabConnection,
        aux: Option<&TableAux>,
        _module_name: &[u8],
        _database_name: &[u8],
        _table_name: &[u8],
        _args: &[&[u8]],
    ) -> rusqlite::Result<(Cow<'static, CStr>, Self)> {
        let aux = aux.ok_or_else(|| sqlite_error("table registered without its data".into()))?;
        // Reading the host has no side effects, so the tables may be used in views.
        db.config(VTabConfig::Innocuous)?;
        let sql = CString::new(aux.table.schema().create_table_sql())
            .map_err(|e| sqlite_error(e.to_string()))?;
        Ok((
            Cow::Owned(sql),
            HostVTab {
                base: sqlite3_vtab::default(),
                table: Arc::clone(&aux.table),
                state: Arc::clone(&aux.state),
            },
        ))
    }

    fn best_index(&self, info: &mut IndexInfo) -> rusqlite::Result<bool> {
        let schema = self.table.schema();
        let mut chosen: Vec<(usize, PlanArg)> = Vec::new();
        for (i, c) in info.constraints().enumerate() {
            let Ok(column) = usize::try_from(c.column()) else {
                continue; // rowid
            };
            let Some(decl) = schema.columns.get(column) else {
                continue;
            };
            if !c.is_usable() || !decl.is_pushed_down() {
                continue;
            }
            let like = match c.operator() {
                IndexConstraintOp::SQLITE_INDEX_CONSTRAINT_EQ
                | IndexConstraintOp::SQLITE_INDEX_CONSTRAINT_IS => false,
                IndexConstraintOp::SQLITE_INDEX_CONSTRAINT_LIKE if decl.is_keyed() => true,
                _ => continue,
            };
            chosen.push((
                i,
                PlanArg {
                    column,
                    like,
                    in_list: false,
                },
            ));
        }

        let mut plan = Plan {
            col_used: info.col_used(),
            args: Vec::with_capacity(chosen.len()),
        };
        for (n, (i, mut arg)) in chosen.into_iter().enumerate() {
            let argv_index = c_int::try_from(n + 1).map_err(|e| sqlite_error(e.to_string()))?;
            info.constraint_usage(i).set_argv_index(argv_index);
            if !arg.like && info.is_in_constraint(i)? {
                arg.in_list = info.set_in_constraint(i, true)?;
            }
            plan.args.push(arg);
        }

        let keyed_eq = plan
            .args
            .iter()
            .any(|a| !a.like && schema.columns[a.column].is_keyed());
        let keyed_like = plan
            .args
            .iter()
            .any(|a| a.like && schema.columns[a.column].is_keyed());
        let required_met = schema.required_columns().next().is_none()
            || plan.args.iter().any(|a| {
                schema.columns[a.column]
                    .flags
                    .contains(crate::schema::ColumnFlags::REQUIRED)
            });
        let (cost, rows) = if !required_met {
            (COST_IMPOSSIBLE, 1_000_000_000)
        } else if keyed_eq {
            (COST_KEYED, 10)
        } else if keyed_like {
            (COST_PATTERN, 100)
        } else if !plan.args.is_empty() {
            (COST_FILTERED_SCAN, 500)
        } else {
            (COST_FULL_SCAN, 1000)
        };
        info.set_estimated_cost(cost);
        info.set_estimated_rows(rows);
        info.set_idx_str(&plan.encode());
        Ok(true)
    }

    fn open(&'vtab mut self) -> rusqlite::Result<HostCursor<'vtab>> {
        Ok(HostCursor {
            base: sqlite3_vtab_cursor::default(),
            vtab: self,
            rows: Arc::new(RowSet::empty()),
            pos: 0,
        })
    }
}

/// A finished scan, shared between the cursor and the per-statement cache.
#[derive(Debug)]
pub(crate) struct RowSet {
    width: usize,
    cells: Vec<Value>,
}

impl RowSet {
    fn empty() -> Self {
        RowSet {
            width: 1,
            cells: Vec::new(),
        }
    }

    fn len(&self) -> usize {
        self.cells.len() / self.width.max(1)
    }

    /// Keeps the rows `keep` accepts.
    fn retain_rows(&mut self, mut keep: impl FnMut(&[Value]) -> bool) {
        let width = self.width.max(1);
        let cells = std::mem::take(&mut self.cells);
        for row in cells.chunks(width) {
            if keep(row) {
                self.cells.extend_from_slice(row);
            }
        }
    }

    /// Roughly how much memory the rows hold, for the statement's memory limit.
    fn approx_bytes(&self) -> u64 {
        self.cells
            .iter()
            .map(|v| {
                let heap = match v {
                    Value::Text(s) => s.len(),
                    Value::Blob(b) => b.len(),
                    _ => 0,
                };
                (std::mem::size_of::<Value>() + heap) as u64
            })
            .sum()
    }
}

#[repr(C)]
pub(crate) struct HostCursor<'vtab> {
    /// SQLite's header; must stay first.
    base: sqlite3_vtab_cursor,
    vtab: &'vtab HostVTab,
    rows: Arc<RowSet>,
    pos: usize,
}

fn value_from_ref(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        ValueRef::Real(f) => Value::Real(f),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    }
}

impl HostCursor<'_> {
    /// Runs the generator (once per distinct constraint set within a statement).
    fn scan(
        &self,
        plan: &Plan,
        constraints: Vec<ColumnConstraint>,
    ) -> Result<RowSet, CollectError> {
        let table = &self.vtab.table;
        let state = &self.vtab.state;
        let schema = table.schema();
        let _span = tracing::debug_span!("scan", table = schema.name).entered();

        let required: Vec<&str> = schema.required_columns().map(|c| c.name).collect();
        if !required.is_empty() {
            let met = plan
                .args
                .iter()
                .any(|a| required.contains(&schema.columns[a.column].name));
            if !met {
                return Err(CollectError::Usage(format!(
                    "{} requires {} in WHERE",
                    schema.name,
                    required.join(" or ")
                )));
            }
        }

        let mut out = Rows::new(schema);
        let ns_column = schema.column_index(PID_WITH_NAMESPACE);
        let ns_pids: Option<Vec<i64>> = ns_column
            .and_then(|i| (!constraints[i].eq.is_empty()).then(|| &constraints[i].eq))
            .map(|vs| vs.iter().filter_map(Value::as_i64).collect());
        match ns_pids {
            // Read the table as seen from inside each process's mount namespace.
            Some(pids) => {
                for pid in pids {
                    let before = out.len();
                    let proc_root = state.root.path(format!("proc/{pid}/root"));
                    let cx = ScanContext::new(
                        HostRoot::new(proc_root),
                        schema,
                        constraints.clone(),
                        plan.col_used,
                        &state.interrupted,
                        &state.info,
                    );
                    match table.generate(&cx, &mut out) {
                        Err(e) if e.is_skippable() => state.notice_skipped(schema.name, &e),
                        other => other?,
                    }
                    let mnt = mount_namespace_id(&state.root, &format!("proc/{pid}/ns/mnt"));
                    for row in before..out.len() {
                        if let Some(i) = ns_column {
                            out.set_cell(row, i, Value::Int(pid));
                        }
                        if let Some(i) = schema.column_index(MOUNT_NAMESPACE_ID) {
                            out.set_cell(row, i, mnt.clone());
                        }
                    }
                }
            }
            None => {
                let cx = ScanContext::new(
                    state.root.clone(),
                    schema,
                    constraints,
                    plan.col_used,
                    &state.interrupted,
                    &state.info,
                );
                match table.generate(&cx, &mut out) {
                    Err(e) if e.is_skippable() => state.notice_skipped(schema.name, &e),
                    other => other?,
                }
            }
        }
        out.check()?;
        tracing::debug!(rows = out.len(), "scan done");
        let width = schema.columns.len();
        Ok(RowSet {
            width,
            cells: out.into_cells(),
        })
    }
}

/// The mount namespace id (the inode number in `mnt:[4026531840]`), or NULL.
fn mount_namespace_id(root: &HostRoot, link: &str) -> Value {
    root.read_link(link)
        .ok()
        .and_then(|target| {
            let s = target.to_string_lossy().into_owned();
            let inner = s.strip_prefix("mnt:[")?.strip_suffix(']')?;
            Some(Value::Text(inner.to_owned()))
        })
        .unwrap_or(Value::Null)
}

unsafe impl VTabCursor for HostCursor<'_> {
    fn filter(
        &mut self,
        _idx_num: c_int,
        idx_str: Option<&str>,
        args: &Filters<'_>,
    ) -> rusqlite::Result<()> {
        let plan = idx_str
            .and_then(Plan::decode)
            .ok_or_else(|| sqlite_error("virtual table plan is missing".into()))?;
        let schema = self.vtab.table.schema();
        let mut constraints = vec![ColumnConstraint::default(); schema.columns.len()];
        let mut key = String::new();
        for (n, arg) in plan.args.iter().enumerate() {
            let mut values = Vec::new();
            if arg.in_list {
                let mut list = args.in_values(n)?;
                while let Some(v) = list.next()? {
                    values.push(value_from_ref(ValueRef::from(v)));
                }
            } else {
                values.push(value_from_ref(ValueRef::from(&args[n])));
            }
            let _ = write!(key, "|{}{}{:?}", arg.column, arg.like, values);
            let c = &mut constraints[arg.column];
            if arg.like {
                c.like.extend(values.iter().filter_map(Value::as_text));
            } else {
                c.eq.extend(values);
            }
        }
        let cache_key = (schema.name, plan.encode() + &key);
        let state = Arc::clone(&self.vtab.state);
        let rows = match state.cached(&cache_key) {
            Some(rows) => rows,
            None => match crate::paths::denied_request(&state, schema, &constraints) {
                Some(message) => {
                    state.note_denied(|| message.clone());
                    return Err(sqlite_error(message));
                }
                None => match self.scan(&plan, constraints) {
                    Ok(mut rows) => {
                        rows.retain_rows(|row| crate::paths::keep_row(&state, schema, row));
                        state
                            .charge_scan(rows.approx_bytes())
                            .map_err(sqlite_error)?;
                        state.cache(cache_key, rows)
                    }
                    Err(e) => {
                        let message = e.to_string();
                        state.set_scan_error(schema.name, e);
                        return Err(sqlite_error(message));
                    }
                },
            },
        };
        self.rows = rows;
        self.pos = 0;
        Ok(())
    }

    fn next(&mut self) -> rusqlite::Result<()> {
        self.pos += 1;
        Ok(())
    }

    fn eof(&self) -> bool {
        self.pos >= self.rows.len()
    }

    fn column(&self, ctx: &mut Context, i: c_int) -> rusqlite::Result<()> {
        let Ok(i) = usize::try_from(i) else {
            return ctx.set_result(rusqlite::types::Null);
        };
        match self.rows.cells.get(self.pos * self.rows.width + i) {
            Some(Value::Int(v)) => ctx.set_result(*v),
            Some(Value::Real(v)) => ctx.set_result(*v),
            Some(Value::Text(v)) => ctx.set_result(v.as_str()),
            Some(Value::Blob(v)) => ctx.set_result(v.as_slice()),
            Some(Value::Null) | None => ctx.set_result(rusqlite::types::Null),
        }
    }

    fn rowid(&self) -> rusqlite::Result<i64> {
        i64::try_from(self.pos).map_err(|e| sqlite_error(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_round_trips() {
        let plan = Plan {
            col_used: 0x8000_0000_0000_0003,
            args: vec![
                PlanArg {
                    column: 0,
                    like: false,
                    in_list: true,
                },
                PlanArg {
                    column: 12,
                    like: true,
                    in_list: false,
                },
            ],
        };
        let s = plan.encode();
        assert_eq!(s, "8000000000000003;0=i;12~");
        assert_eq!(Plan::decode(&s), Some(plan));
        assert_eq!(Plan::decode("zz"), None);
    }
}

#[cfg(test)]
mod engine_tests {
    //! The module's contract, checked through SQL on synthetic tables.

    use std::sync::Arc;
    use std::sync::Mutex;

    use hostgres_collectors::CollectError;

    use crate::schema::{ColumnType::*, Schema, col};
    use crate::{CatalogError, Engine, EngineOptions, Registry, Rows, ScanContext, Table, Value};

    /// Ten rows `n = 1..=10`; records the `n` constraints of every scan.
    #[derive(Default)]
    struct Numbers {
        scans: Mutex<Vec<Option<Vec<i64>>>>,
    }

    static NUMBERS: Schema = Schema {
        name: "numbers",
        doc: "1 to 10.",
        columns: &[
            col("n", BigInt, "The number.").index(),
            col("square", BigInt, "n * n."),
            col("label", Text, "n in words, for a few."),
        ],
    };

    impl Table for Numbers {
        fn schema(&self) -> &'static Schema {
            &NUMBERS
        }
        fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
            let wanted = cx.eq_ints("n");
            if let Ok(mut scans) = self.scans.lock() {
                scans.push(wanted.clone());
            }
            for n in 1..=10i64 {
                if wanted.as_ref().is_some_and(|w| !w.contains(&n)) {
                    continue;
                }
                let label = match n {
                    1 => Some("one"),
                    2 => Some("two"),
                    _ => None,
                };
                out.row()
                    .set("n", n)
                    .set("square", n * n)
                    .set("label", label);
            }
            Ok(())
        }
    }

    /// Files by path; `path` is required.
    struct Files;

    static FILES: Schema = Schema {
        name: "files",
        doc: "Files.",
        columns: &[
            col("path", Text, "Path.").index().required(),
            col("directory", Text, "Directory.").required(),
            col("size", BigInt, "Size."),
        ],
    };

    impl Table for Files {
        fn schema(&self) -> &'static Schema {
            &FILES
        }
        fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
            for p in cx.eq_texts("path").unwrap_or_default() {
                out.row().set("path", p.as_str()).set("size", p.len());
            }
            Ok(())
        }
    }

    fn engine(numbers: Arc<Numbers>) -> Engine {
        Engine::open(EngineOptions {
            registry: Registry::with_extra(vec![numbers, Arc::new(Files)]),
            ..EngineOptions::default()
        })
        .expect("engine")
    }

    fn ints(engine: &Engine, sql: &str) -> Vec<i64> {
        engine
            .query_all(sql, &[])
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .rows
            .iter()
            .map(|r| r[0].as_i64().expect("int"))
            .collect()
    }

    #[test]
    fn equality_and_in_are_pushed_down() {
        let numbers = Arc::new(Numbers::default());
        let e = engine(Arc::clone(&numbers));
        assert_eq!(ints(&e, "SELECT square FROM numbers WHERE n = 3"), vec![9]);
        assert_eq!(
            ints(&e, "SELECT n FROM numbers WHERE n IN (2, 4, 99) ORDER BY n"),
            vec![2, 4]
        );
        assert_eq!(ints(&e, "SELECT count(*) FROM numbers"), vec![10]);
        let scans = numbers.scans.lock().expect("lock").clone();
        assert_eq!(scans[0], Some(vec![3]));
        let mut in_list = scans[1].clone().expect("IN pushed down");
        in_list.sort_unstable();
        assert_eq!(in_list, vec![2, 4, 99]);
        assert_eq!(scans[2], None);
    }

    #[test]
    fn predicates_are_rechecked_by_sqlite() {
        let e = engine(Arc::new(Numbers::default()));
        // `n = 3 AND n = 4` pushes both values; SQLite still filters.
        assert!(ints(&e, "SELECT n FROM numbers WHERE n = 3 AND n = 4").is_empty());
        assert_eq!(ints(&e, "SELECT n FROM numbers WHERE n = '5'"), vec![5]);
    }

    #[test]
    fn a_join_scans_each_distinct_constraint_once() {
        let numbers = Arc::new(Numbers::default());
        let e = engine(Arc::clone(&numbers));
        let rows = ints(
            &e,
            "SELECT a.n FROM numbers a JOIN numbers b ON b.n = a.n % 3 + 1 WHERE b.label IS NOT NULL ORDER BY a.n",
        );
        assert_eq!(rows, vec![1, 3, 4, 6, 7, 9, 10]);
        let scans = numbers.scans.lock().expect("lock").clone();
        // One full scan of `a`, then one lookup per distinct b.n (1, 2, 3).
        assert!(scans.len() <= 4, "{scans:?}");
    }

    #[test]
    fn required_column_is_named_in_the_error() {
        let e = engine(Arc::new(Numbers::default()));
        let err = e
            .query_all("SELECT * FROM files", &[])
            .expect_err("needs path");
        assert!(matches!(err, CatalogError::MissingConstraint(_)), "{err:?}");
        assert_eq!(err.to_string(), "files requires path or directory in WHERE");
        let ok = e
            .query_all("SELECT size FROM files WHERE path = '/etc/passwd'", &[])
            .expect("constrained");
        assert_eq!(ok.rows, vec![vec![Value::Int(11)]]);
        // The engine stays usable after the error.
        assert_eq!(ints(&e, "SELECT 1"), vec![1]);
    }

    #[test]
    fn a_required_column_can_come_from_a_join() {
        let e = engine(Arc::new(Numbers::default()));
        let rows = e
            .query_all(
                "SELECT files.size FROM numbers JOIN files ON files.path = numbers.label ORDER BY 1",
                &[],
            )
            .expect("join supplies the path");
        assert_eq!(rows.rows, vec![vec![Value::Int(3)], vec![Value::Int(3)]]);
    }

    #[test]
    fn writes_are_refused_as_read_only() {
        let e = engine(Arc::new(Numbers::default()));
        for sql in [
            "CREATE TABLE t(x)",
            "ATTACH '/etc/passwd' AS p",
            "PRAGMA writable_schema = 1",
            "DELETE FROM numbers",
        ] {
            let err = e.query_all(sql, &[]).expect_err(sql);
            assert!(
                matches!(err, CatalogError::ReadOnly(_) | CatalogError::Denied(_)),
                "{sql}: {err:?}"
            );
        }
    }

    #[derive(Debug)]
    struct NoFiles;

    impl crate::TablePolicy for NoFiles {
        fn may_read(&self, table: &str) -> bool {
            table != "files"
        }
    }

    #[test]
    fn a_denied_table_cannot_be_read_even_through_a_join() {
        let e = Engine::open(EngineOptions {
            registry: Registry::with_extra(vec![Arc::new(Numbers::default()), Arc::new(Files)]),
            policy: Arc::new(NoFiles),
            ..EngineOptions::default()
        })
        .expect("engine");
        for sql in [
            "SELECT * FROM files WHERE path = '/x'",
            "SELECT n FROM numbers WHERE n IN (SELECT size FROM files WHERE path = '/x')",
        ] {
            match e.query_all(sql, &[]) {
                Err(CatalogError::Denied(m)) => assert!(m.contains("files"), "{m}"),
                other => panic!("{sql}: {other:?}"),
            }
        }
        assert_eq!(ints(&e, "SELECT count(*) FROM numbers"), vec![10]);
    }

    #[test]
    fn unknown_table_suggests_the_closest() {
        let e = engine(Arc::new(Numbers::default()));
        match e.query_all("SELECT * FROM numbrs", &[]) {
            Err(CatalogError::UndefinedTable { name, suggestion }) => {
                assert_eq!(name, "numbrs");
                assert_eq!(suggestion.as_deref(), Some("numbers"));
            }
            other => panic!("{other:?}"),
        }
    }
}
