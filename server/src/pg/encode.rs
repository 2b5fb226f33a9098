//! Result encoding: column types for `RowDescription`, values for `DataRow`,
//! in text and binary format.
//!
//! A column's PostgreSQL type comes from its declared table type, else from
//! the type inferred from the query text, else (when the whole result is in
//! hand, as in the simple protocol) from the first row's values, else `text`.
//! Values are converted to the column's type; one that cannot be is an error
//! that says how to cast it, never a silently wrong byte string.

use std::sync::Arc;

use bytes::{BufMut, BytesMut};
use hostgres_catalog::{CatalogError, Cell, ColumnMeta, ColumnType, RowRef, RowSink};
use pgwire::api::Type;
use pgwire::api::portal::Format;
use pgwire::api::results::{FieldFormat, FieldInfo};
use pgwire::messages::data::DataRow;

/// The PostgreSQL type of a hostgres column type (one OID table: `catalog::oid`).
pub fn pg_type(ty: ColumnType) -> Type {
    Type::from_oid(hostgres_catalog::oid::type_oid(ty)).unwrap_or(Type::TEXT)
}

/// The type a column gets when nothing but its first value is known.
fn type_of_cell(cell: Cell<'_>) -> Type {
    match cell {
        Cell::Int(_) => Type::INT8,
        Cell::Real(_) => Type::FLOAT8,
        Cell::Blob(_) => Type::BYTEA,
        Cell::Text(_) | Cell::Null => Type::TEXT,
    }
}

/// The column types known before running: declared, else inferred, else `None`.
pub fn known_types(columns: &[ColumnMeta], hints: &[Option<ColumnType>]) -> Vec<Option<Type>> {
    columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            c.decl_type
                .or_else(|| hints.get(i).copied().flatten())
                .map(pg_type)
        })
        .collect()
}

/// `RowDescription` fields for columns of the given types and formats.
pub fn fields(names: &[String], types: &[Type], formats: &Format) -> Vec<FieldInfo> {
    names
        .iter()
        .zip(types)
        .enumerate()
        .map(|(i, (name, ty))| {
            FieldInfo::new(name.clone(), None, None, ty.clone(), formats.format_for(i))
                .with_type_size(type_size(ty))
        })
        .collect()
}

/// `pg_type.typlen` of the types hostgres sends.
fn type_size(ty: &Type) -> i16 {
    match *ty {
        Type::BOOL => 1,
        Type::INT2 => 2,
        Type::INT4 | Type::FLOAT4 | Type::OID => 4,
        Type::INT8 | Type::FLOAT8 | Type::TIMESTAMP | Type::TIMESTAMPTZ => 8,
        _ => -1,
    }
}

/// Collects a statement's result as encoded `DataRow`s.
pub struct EncodingSink {
    /// Types known before running; `None` entries are decided from the first row.
    known: Vec<Option<Type>>,
    formats: Format,
    names: Vec<String>,
    types: Vec<Type>,
    pub rows: Vec<DataRow>,
    /// Bytes encoded so far, for result size limits.
    pub bytes: usize,
}

impl EncodingSink {
    pub fn new(known: Vec<Option<Type>>, formats: Format) -> Self {
        EncodingSink {
            known,
            formats,
            names: Vec::new(),
            types: Vec::new(),
            rows: Vec::new(),
            bytes: 0,
        }
    }

    /// The result's `RowDescription` fields (after the statement ran).
    pub fn fields(&self) -> Arc<Vec<FieldInfo>> {
        Arc::new(fields(&self.names, &self.types, &self.formats))
    }

    pub fn column_count(&self) -> usize {
        self.names.len()
    }
}

impl RowSink for EncodingSink {
    fn columns(&mut self, columns: &[ColumnMeta]) -> Result<(), CatalogError> {
        self.names = columns.iter().map(|c| c.name.clone()).collect();
        self.known.resize(columns.len(), None);
        for (i, c) in columns.iter().enumerate() {
            if let Some(t) = c.decl_type {
                self.known[i] = Some(pg_type(t));
            }
        }
        self.types = self
            .known
            .iter()
            .map(|t| t.clone().unwrap_or(Type::TEXT))
            .collect();
        Ok(())
    }

    fn row(&mut self, row: &RowRef<'_>) -> Result<(), CatalogError> {
        if self.rows.is_empty() {
            for i in 0..row.len() {
                if self.known[i].is_none() {
                    self.types[i] = type_of_cell(row.get(i));
                    self.known[i] = Some(self.types[i].clone());
                }
            }
        }
        let mut data = BytesMut::with_capacity(16 * row.len());
        for i in 0..row.len() {
            encode_cell(
                &mut data,
                row.get(i),
                &self.types[i],
                self.formats.format_for(i),
                &self.names[i],
            )?;
        }
        self.bytes += data.len();
        self.rows.push(DataRow::new(
            data,
            i16::try_from(row.len()).unwrap_or(i16::MAX),
        ));
        Ok(())
    }
}

fn mismatch(column: &str, value: &str, ty: &Type) -> CatalogError {
    CatalogError::Data(format!(
        "column \"{column}\" holds {value}, which is not a valid {}; cast the column, e.g. CAST({column} AS TEXT)",
        ty.name()
    ))
}

/// Appends one field (length prefix and bytes) of `cell` as type `ty` in `format`.
pub fn encode_cell(
    buf: &mut BytesMut,
    cell: Cell<'_>,
    ty: &Type,
    format: FieldFormat,
    column: &str,
) -> Result<(), CatalogError> {
    if cell == Cell::Null {
        buf.put_i32(-1);
        return Ok(());
    }
    let start = buf.len();
    buf.put_i32(0);
    let binary = format == FieldFormat::Binary;
    match *ty {
        Type::INT2 | Type::INT4 | Type::INT8 | Type::OID => {
            let v = as_int(cell).ok_or_else(|| mismatch(column, &describe(cell), ty))?;
            let out_of_range = || {
                CatalogError::Data(format!(
                    "value {v} of column \"{column}\" is out of range for type {}",
                    ty.name()
                ))
            };
            match (
                *ty == Type::INT2,
                *ty == Type::INT4 || *ty == Type::OID,
                binary,
            ) {
                (true, _, true) => buf.put_i16(i16::try_from(v).map_err(|_| out_of_range())?),
                (_, true, true) if *ty == Type::OID => {
                    buf.put_u32(u32::try_from(v).map_err(|_| out_of_range())?)
                }
                (_, true, true) => buf.put_i32(i32::try_from(v).map_err(|_| out_of_range())?),
                (_, _, true) => buf.put_i64(v),
                (_, _, false) => buf.put_slice(itoa::Buffer::new().format(v).as_bytes()),
            }
        }
        Type::FLOAT4 | Type::FLOAT8 => {
            let v = as_float(cell).ok_or_else(|| mismatch(column, &describe(cell), ty))?;
            match (binary, *ty == Type::FLOAT4) {
                (true, true) => buf.put_f32(v as f32),
                (true, false) => buf.put_f64(v),
                (false, _) => buf.put_slice(format_float(v).as_bytes()),
            }
        }
        Type::BOOL => {
            let v = as_int(cell).ok_or_else(|| mismatch(column, &describe(cell), ty))? != 0;
            if binary {
                buf.put_u8(u8::from(v));
            } else {
                buf.put_u8(if v { b't' } else { b'f' });
            }
        }
        Type::BYTEA => match cell {
            Cell::Blob(b) | Cell::Text(b) if binary => buf.put_slice(b),
            Cell::Blob(b) | Cell::Text(b) => {
                buf.put_slice(b"\\x");
                for byte in b {
                    buf.put_slice(format!("{byte:02x}").as_bytes());
                }
            }
            other => buf.put_slice(describe(other).as_bytes()),
        },
        // Text and every other type travel as their text form, which is also
        // the binary form of text-like types.
        _ => match cell {
            Cell::Text(t) => match std::str::from_utf8(t) {
                Ok(s) => buf.put_slice(s.as_bytes()),
                Err(_) => buf.put_slice(String::from_utf8_lossy(t).as_bytes()),
            },
            Cell::Int(i) => buf.put_slice(itoa::Buffer::new().format(i).as_bytes()),
            Cell::Real(f) => buf.put_slice(format_float(f).as_bytes()),
            Cell::Blob(b) => buf.put_slice(String::from_utf8_lossy(b).as_bytes()),
            Cell::Null => {}
        },
    }
    let len = i32::try_from(buf.len() - start - 4).map_err(|_| {
        CatalogError::Limit(format!(
            "a value of column \"{column}\" is larger than 2 GiB"
        ))
    })?;
    buf[start..start + 4].copy_from_slice(&len.to_be_bytes());
    Ok(())
}

fn describe(cell: Cell<'_>) -> String {
    match cell {
        Cell::Null => "NULL".to_owned(),
        Cell::Int(i) => i.to_string(),
        Cell::Real(f) => format_float(f),
        Cell::Text(t) => format!("'{}'", String::from_utf8_lossy(t)),
        Cell::Blob(_) => "a blob".to_owned(),
    }
}

fn as_int(cell: Cell<'_>) -> Option<i64> {
    match cell {
        Cell::Int(i) => Some(i),
        Cell::Real(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Some(f as i64),
        Cell::Text(t) => std::str::from_utf8(t).ok()?.trim().parse().ok(),
        _ => None,
    }
}

fn as_float(cell: Cell<'_>) -> Option<f64> {
    match cell {
        Cell::Int(i) => Some(i as f64),
        Cell::Real(f) => Some(f),
        Cell::Text(t) => std::str::from_utf8(t).ok()?.trim().parse().ok(),
        _ => None,
    }
}

/// A float as PostgreSQL prints it: shortest round-trip digits, exponent
/// form for very large or small magnitudes, `Infinity` and `NaN` spelled out.
pub fn format_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".to_owned();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-4..1e15).contains(&abs) {
        let s = format!("{f:e}");
        return match s.split_once('e') {
            Some((m, e)) if !e.starts_with('-') => format!("{m}e+{e:0>2}"),
            Some((m, e)) => format!("{m}e-{:0>2}", &e[1..]),
            None => s,
        };
    }
    format!("{f}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(cell: Cell<'_>, ty: Type, format: FieldFormat) -> Result<Vec<u8>, CatalogError> {
        let mut buf = BytesMut::new();
        encode_cell(&mut buf, cell, &ty, format, "c")?;
        Ok(buf.to_vec())
    }

    #[test]
    fn integers_in_text_and_binary() {
        assert_eq!(
            enc(Cell::Int(42), Type::INT8, FieldFormat::Text).expect("ok"),
            b"\0\0\0\x0242"
        );
        assert_eq!(
            enc(Cell::Int(-1), Type::INT4, FieldFormat::Binary).expect("ok"),
            [0, 0, 0, 4, 255, 255, 255, 255]
        );
        assert!(enc(Cell::Int(1 << 40), Type::INT4, FieldFormat::Binary).is_err());
        assert_eq!(
            enc(Cell::Null, Type::INT4, FieldFormat::Binary).expect("ok"),
            [255, 255, 255, 255]
        );
        assert_eq!(
            enc(Cell::Text(b"7"), Type::INT8, FieldFormat::Text).expect("ok"),
            b"\0\0\0\x017"
        );
        let err =
            enc(Cell::Text(b"seven"), Type::INT8, FieldFormat::Text).expect_err("text in int");
        assert!(err.to_string().contains("CAST(c AS TEXT)"), "{err}");
    }

    #[test]
    fn floats_print_like_postgresql() {
        assert_eq!(format_float(0.1), "0.1");
        assert_eq!(format_float(1.0), "1");
        assert_eq!(format_float(1e20), "1e+20");
        assert_eq!(format_float(1.5e-7), "1.5e-07");
        assert_eq!(format_float(f64::INFINITY), "Infinity");
    }

    #[test]
    fn invalid_utf8_text_is_replaced_not_sent() {
        let out = enc(Cell::Text(b"a\xffb"), Type::TEXT, FieldFormat::Text).expect("ok");
        assert!(std::str::from_utf8(&out[4..]).is_ok());
    }
}
