//! What a table generator receives (`ScanContext`) and fills (`Rows`).

use std::sync::atomic::{AtomicBool, Ordering};

use hostgres_collectors::{CollectError, HostRoot};

use crate::schema::{ColumnType, Schema};
use crate::session::SessionInfo;
use crate::value::Value;

/// The constraints SQLite pushed down for one column.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ColumnConstraint {
    /// Values from `col = v` and `col IN (...)`; the row matches if it equals any of them.
    pub eq: Vec<Value>,
    /// Patterns from `col LIKE p`.
    pub like: Vec<String>,
}

/// The context of one scan: where the host is, what the query constrains and uses.
///
/// Constraints are hints: SQLite re-checks every predicate on the rows a
/// generator returns, so a generator may return more rows than asked for,
/// never fewer.
#[derive(Debug)]
pub struct ScanContext<'a> {
    root: HostRoot,
    schema: &'static Schema,
    constraints: Vec<ColumnConstraint>,
    col_used: u64,
    interrupted: &'a AtomicBool,
    session: &'a SessionInfo,
}

static NEVER_INTERRUPTED: AtomicBool = AtomicBool::new(false);
static DEFAULT_SESSION: std::sync::LazyLock<SessionInfo> =
    std::sync::LazyLock::new(SessionInfo::default);

impl<'a> ScanContext<'a> {
    pub(crate) fn new(
        root: HostRoot,
        schema: &'static Schema,
        constraints: Vec<ColumnConstraint>,
        col_used: u64,
        interrupted: &'a AtomicBool,
        session: &'a SessionInfo,
    ) -> Self {
        ScanContext {
            root,
            schema,
            constraints,
            col_used,
            interrupted,
            session,
        }
    }

    /// A context for a full scan of `schema` on `root` using every column: for
    /// tests and for callers outside SQL.
    pub fn full_scan(root: HostRoot, schema: &'static Schema) -> ScanContext<'static> {
        ScanContext {
            root,
            schema,
            constraints: vec![ColumnConstraint::default(); schema.columns.len()],
            col_used: u64::MAX,
            interrupted: &NEVER_INTERRUPTED,
            session: &DEFAULT_SESSION,
        }
    }

    /// The session scanning: its user, settings, the registry of tables and
    /// what its policy lets it see (for the catalog tables).
    pub fn session(&self) -> &SessionInfo {
        self.session
    }

    /// Adds `column = value` for each of `values` (as `column IN (...)`): for tests.
    pub fn with_eq(mut self, column: &str, values: impl IntoIterator<Item = Value>) -> Self {
        if let Some(i) = self.schema.column_index(column) {
            self.constraints[i].eq.extend(values);
        }
        self
    }

    /// Adds `column LIKE pattern`: for tests.
    pub fn with_like(mut self, column: &str, pattern: &str) -> Self {
        if let Some(i) = self.schema.column_index(column) {
            self.constraints[i].like.push(pattern.to_owned());
        }
        self
    }

    /// The host to read.
    pub fn root(&self) -> &HostRoot {
        &self.root
    }

    /// The values of `column = v` / `column IN (...)` constraints, or `None`
    /// when the query does not constrain the column by equality.
    pub fn eq_values(&self, column: &str) -> Option<&[Value]> {
        let c = self.constraint(column)?;
        (!c.eq.is_empty()).then_some(c.eq.as_slice())
    }

    /// Equality constraints on `column` that are integers; `None` when unconstrained.
    pub fn eq_ints(&self, column: &str) -> Option<Vec<i64>> {
        self.eq_values(column)
            .map(|vs| vs.iter().filter_map(Value::as_i64).collect())
    }

    /// Equality constraints on `column` as text; `None` when unconstrained.
    pub fn eq_texts(&self, column: &str) -> Option<Vec<String>> {
        self.eq_values(column)
            .map(|vs| vs.iter().filter_map(Value::as_text).collect())
    }

    /// `LIKE` patterns on `column`, or `None` when there are none.
    pub fn like_patterns(&self, column: &str) -> Option<&[String]> {
        let c = self.constraint(column)?;
        (!c.like.is_empty()).then_some(c.like.as_slice())
    }

    /// True when the query reads `column`, so a costly read can be skipped when it does not.
    pub fn is_used(&self, column: &str) -> bool {
        match self.schema.column_index(column) {
            // SQLite sets bit 63 for every column numbered 63 or more.
            Some(i) => self.col_used & (1u64 << i.min(63)) != 0,
            None => false,
        }
    }

    /// Fails with [`CollectError::Interrupted`] once the query was cancelled
    /// or timed out; long scans call it between items.
    pub fn check_interrupt(&self) -> Result<(), CollectError> {
        if self.interrupted.load(Ordering::Relaxed) {
            Err(CollectError::Interrupted)
        } else {
            Ok(())
        }
    }

    fn constraint(&self, column: &str) -> Option<&ColumnConstraint> {
        self.constraints.get(self.schema.column_index(column)?)
    }
}

/// The rows a generator produces, stored column-major per row in one flat vector.
#[derive(Debug)]
pub struct Rows {
    schema: &'static Schema,
    cells: Vec<Value>,
    unknown_column: Option<&'static str>,
}

impl Rows {
    /// An empty row set for `schema`.
    pub fn new(schema: &'static Schema) -> Self {
        Rows {
            schema,
            cells: Vec::new(),
            unknown_column: None,
        }
    }

    /// Starts a new row whose cells are all NULL; set them by column name.
    pub fn row(&mut self) -> RowBuilder<'_> {
        let start = self.cells.len();
        self.cells
            .resize(start + self.schema.columns.len(), Value::Null);
        RowBuilder { rows: self, start }
    }

    /// How many rows were produced.
    pub fn len(&self) -> usize {
        self.cells
            .len()
            .checked_div(self.schema.columns.len())
            .unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// The cell at `row`, `column`.
    pub fn get(&self, row: usize, column: usize) -> &Value {
        &self.cells[row * self.schema.columns.len() + column]
    }

    /// The cell at `row` of the named column; `None` for an unknown column.
    pub fn value(&self, row: usize, column: &str) -> Option<&Value> {
        Some(self.get(row, self.schema.column_index(column)?))
    }

    /// The schema these rows follow.
    pub fn schema(&self) -> &'static Schema {
        self.schema
    }

    /// A generator that named a column its schema lacks has a bug; the scan
    /// reports it instead of silently dropping the value.
    pub(crate) fn check(&self) -> Result<(), CollectError> {
        match self.unknown_column {
            Some(name) => Err(CollectError::malformed(
                format!("table {}", self.schema.name),
                format!("the generator set unknown column {name:?}"),
            )),
            None => Ok(()),
        }
    }

    pub(crate) fn into_cells(self) -> Vec<Value> {
        self.cells
    }

    pub(crate) fn set_cell(&mut self, row: usize, column: usize, value: Value) {
        let width = self.schema.columns.len();
        self.cells[row * width + column] = value;
    }
}

/// Sets the cells of one row by column name, converting each value to the column's type.
#[derive(Debug)]
pub struct RowBuilder<'a> {
    rows: &'a mut Rows,
    start: usize,
}

impl RowBuilder<'_> {
    /// Sets `column` to `value`; text in an integer column is parsed (NULL if it
    /// is not a number), numbers in a text column are printed.
    pub fn set(&mut self, column: &'static str, value: impl Into<Value>) -> &mut Self {
        match self.rows.schema.column_index(column) {
            Some(i) => {
                let ty = self.rows.schema.columns[i].ty;
                self.rows.cells[self.start + i] = coerce(value.into(), ty);
            }
            None => self.rows.unknown_column = Some(column),
        }
        self
    }
}

/// Converts a value to a column's declared type, as osquery does when it
/// hands a row to SQLite.
fn coerce(value: Value, ty: ColumnType) -> Value {
    match (ty, value) {
        (_, Value::Null) => Value::Null,
        (ColumnType::Text, Value::Int(i)) => Value::Text(i.to_string()),
        (ColumnType::Text, Value::Real(f)) => Value::Text(f.to_string()),
        (ColumnType::Text, Value::Blob(b)) => Value::Text(String::from_utf8_lossy(&b).into_owned()),
        (ColumnType::Double, Value::Int(i)) => Value::Real(i as f64),
        (ColumnType::Double, Value::Text(s)) => s.trim().parse().map_or(Value::Null, Value::Real),
        (t, Value::Text(s)) if t.is_integer() => s.trim().parse().map_or(Value::Null, Value::Int),
        (t, Value::Real(f)) if t.is_integer() => Value::Int(f as i64),
        (_, v) => v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{ColumnType::*, col};

    static SCHEMA: Schema = Schema {
        name: "t",
        doc: "test",
        columns: &[
            col("n", BigInt, "n"),
            col("s", Text, "s"),
            col("d", Double, "d"),
        ],
    };

    #[test]
    fn rows_coerce_to_declared_types() {
        let mut rows = Rows::new(&SCHEMA);
        rows.row().set("n", "42").set("s", 7).set("d", 1);
        rows.row().set("n", "not a number");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows.get(0, 0), &Value::Int(42));
        assert_eq!(rows.get(0, 1), &Value::Text("7".into()));
        assert_eq!(rows.get(0, 2), &Value::Real(1.0));
        assert_eq!(rows.get(1, 0), &Value::Null);
        assert_eq!(rows.get(1, 1), &Value::Null);
        rows.check().expect("no unknown column");
    }

    #[test]
    fn unknown_column_is_reported() {
        let mut rows = Rows::new(&SCHEMA);
        rows.row().set("nope", 1);
        assert!(rows.check().is_err());
    }

    #[test]
    fn context_exposes_constraints() {
        let cx = ScanContext::full_scan(HostRoot::live(), &SCHEMA)
            .with_eq("n", [Value::Int(1), Value::Text("2".into())]);
        assert_eq!(cx.eq_ints("n"), Some(vec![1, 2]));
        assert_eq!(cx.eq_values("s"), None);
        assert!(cx.is_used("d"));
        assert!(!cx.is_used("missing"));
    }
}
