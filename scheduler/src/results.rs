//! Result rows as osquery keeps and compares them, and the differential
//! between two runs.
//!
//! A row is a map from column name to value, in name order (osquery's rows
//! are `std::map`s, so its JSON lists columns alphabetically). Values keep
//! SQLite's type so that `numerics` can log numbers as numbers; NULL is the
//! empty string, as in osquery.

use std::collections::HashMap;

use hostgres_catalog::{CatalogError, Cell, ColumnMeta, RowRef, RowSink};
use serde_json::Value as Json;

/// One value of a result row.
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    Int(i64),
    Real(f64),
    Text(String),
}

impl Field {
    fn from_cell(cell: Cell<'_>) -> Field {
        match cell {
            Cell::Null => Field::Text(String::new()),
            Cell::Int(i) => Field::Int(i),
            Cell::Real(f) => Field::Real(f),
            Cell::Text(t) | Cell::Blob(t) => Field::Text(String::from_utf8_lossy(t).into_owned()),
        }
    }

    /// The value as osquery logs it without `numerics`.
    pub fn text(&self) -> String {
        match self {
            Field::Int(i) => i.to_string(),
            Field::Real(f) => format_real(*f),
            Field::Text(s) => s.clone(),
        }
    }

    /// The value as JSON: a number when `numerics` and the value is one.
    pub fn json(&self, numerics: bool) -> Json {
        match (self, numerics) {
            (Field::Int(i), true) => Json::from(*i),
            (Field::Real(f), true) => serde_json::Number::from_f64(*f)
                .map_or_else(|| Json::String(format_real(*f)), Json::Number),
            (other, _) => Json::String(other.text()),
        }
    }

    fn from_json(v: &Json) -> Field {
        match v {
            Json::Number(n) => n
                .as_i64()
                .map(Field::Int)
                .unwrap_or_else(|| Field::Real(n.as_f64().unwrap_or(0.0))),
            Json::String(s) => Field::Text(s.clone()),
            other => Field::Text(other.to_string()),
        }
    }

    fn byte_size(&self) -> usize {
        match self {
            Field::Int(_) | Field::Real(_) => 8,
            Field::Text(s) => s.len(),
        }
    }
}

/// A real as text: the shortest form that reads back the same, with a
/// fractional part as SQLite prints reals.
pub fn format_real(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{f:.1}")
    } else {
        f.to_string()
    }
}

/// A result row: (column, value) pairs sorted by column name.
#[derive(Debug, Clone, PartialEq)]
pub struct Row(pub Vec<(String, Field)>);

impl Row {
    /// The row as a JSON object in column-name order.
    pub fn write_json(&self, numerics: bool, out: &mut String) {
        out.push('{');
        for (i, (k, v)) in self.0.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_json_str(out, k);
            out.push(':');
            out.push_str(&v.json(numerics).to_string());
        }
        out.push('}');
    }

    /// The typed form kept in the store (numbers as numbers).
    pub fn to_json(&self) -> String {
        let mut s = String::new();
        self.write_json(true, &mut s);
        s
    }

    fn from_json(v: &Json) -> Option<Row> {
        let obj = v.as_object()?;
        let mut fields: Vec<(String, Field)> = obj
            .iter()
            .map(|(k, v)| (k.clone(), Field::from_json(v)))
            .collect();
        fields.sort_by(|a, b| a.0.cmp(&b.0));
        Some(Row(fields))
    }

    /// The key rows are compared by: every column's text and type.
    fn key(&self) -> String {
        self.to_json()
    }

    pub fn byte_size(&self) -> usize {
        self.0.iter().map(|(k, v)| k.len() + v.byte_size()).sum()
    }
}

/// Appends `s` as a JSON string.
pub fn push_json_str(out: &mut String, s: &str) {
    out.push_str(&Json::String(s.to_owned()).to_string());
}

/// Serializes rows as a JSON array (the stored form of a query's last result).
pub fn rows_to_json(rows: &[Row]) -> String {
    let mut s = String::from("[");
    for (i, r) in rows.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        r.write_json(true, &mut s);
    }
    s.push(']');
    s
}

/// Reads the stored form back; an unreadable value reads as no rows.
pub fn rows_from_json(text: &str) -> Vec<Row> {
    match serde_json::from_str::<Json>(text) {
        Ok(Json::Array(items)) => items.iter().filter_map(Row::from_json).collect(),
        _ => Vec::new(),
    }
}

/// Rows added and removed between two runs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Diff {
    pub added: Vec<Row>,
    pub removed: Vec<Row>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty()
    }
}

/// osquery's multiset differential: a current row matching a previous one
/// consumes it; unmatched current rows are added (in current order), the
/// previous rows left over are removed (in previous order).
pub fn diff(previous: &[Row], current: Vec<Row>) -> Diff {
    let mut left: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, r) in previous.iter().enumerate() {
        left.entry(r.key()).or_default().push(i);
    }
    let mut consumed = vec![false; previous.len()];
    let mut added = Vec::new();
    for row in current {
        match left.get_mut(&row.key()).and_then(|v| v.pop()) {
            Some(i) => consumed[i] = true,
            None => added.push(row),
        }
    }
    let removed = previous
        .iter()
        .zip(consumed)
        .filter(|(_, c)| !c)
        .map(|(r, _)| r.clone())
        .collect();
    Diff { added, removed }
}

/// Collects a query's rows, counting their size so the watchdog can stop a
/// query whose result outgrows its memory limit.
#[derive(Debug)]
pub struct Collector {
    names: Vec<String>,
    order: Vec<usize>,
    pub rows: Vec<Row>,
    pub bytes: u64,
    limit: Option<u64>,
}

impl Collector {
    pub fn new(limit: Option<u64>) -> Collector {
        Collector {
            names: Vec::new(),
            order: Vec::new(),
            rows: Vec::new(),
            bytes: 0,
            limit,
        }
    }
}

impl RowSink for Collector {
    fn columns(&mut self, columns: &[ColumnMeta]) -> Result<(), CatalogError> {
        self.names = columns.iter().map(|c| c.name.clone()).collect();
        let mut order: Vec<usize> = (0..self.names.len()).collect();
        order.sort_by(|a, b| self.names[*a].cmp(&self.names[*b]));
        // A later column of the same name wins, as in osquery's map.
        order.dedup_by(|a, b| self.names[*a] == self.names[*b]);
        self.order = order;
        Ok(())
    }

    fn row(&mut self, row: &RowRef<'_>) -> Result<(), CatalogError> {
        let fields: Vec<(String, Field)> = self
            .order
            .iter()
            .map(|&i| (self.names[i].clone(), Field::from_cell(row.get(i))))
            .collect();
        let r = Row(fields);
        self.bytes += r.byte_size() as u64 + 32;
        if let Some(limit) = self.limit
            && self.bytes > limit
        {
            return Err(CatalogError::Cancelled);
        }
        self.rows.push(r);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(pairs: &[(&str, Field)]) -> Row {
        let mut v: Vec<(String, Field)> = pairs
            .iter()
            .map(|(k, f)| ((*k).to_owned(), f.clone()))
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        Row(v)
    }

    #[test]
    fn diff_is_a_multiset_difference() {
        let a = row(&[("x", Field::Int(1))]);
        let b = row(&[("x", Field::Int(2))]);
        let c = row(&[("x", Field::Int(3))]);
        let d = diff(
            &[a.clone(), a.clone(), b.clone()],
            vec![a.clone(), c.clone(), b.clone()],
        );
        assert_eq!(d.added, vec![c]);
        assert_eq!(d.removed, vec![a]);
    }

    #[test]
    fn rows_round_trip_through_the_store_form() {
        let r = row(&[
            ("b", Field::Text("é\"".to_owned())),
            ("a", Field::Real(0.5)),
            ("n", Field::Int(-3)),
        ]);
        let back = rows_from_json(&rows_to_json(std::slice::from_ref(&r)));
        assert_eq!(back, vec![r.clone()]);
        let mut s = String::new();
        r.write_json(false, &mut s);
        assert_eq!(s, r#"{"a":"0.5","b":"é\"","n":"-3"}"#);
        assert_eq!(format_real(2.0), "2.0");
    }
}
