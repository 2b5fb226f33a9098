//! Result encoding: column types and origins for `RowDescription`, and rows
//! as `DataRow` bodies or COPY data.
//!
//! A column's PostgreSQL type comes from its declared table type, else from
//! the type inferred from the query text, else (when the whole result is in
//! hand) from the first row's values, else `text`. Values are converted to
//! the column's type by `codec`; one that cannot be is an error that says how
//! to cast it, never a silently wrong byte string.

use bytes::{BufMut, BytesMut};
use hostgres_catalog::settings::Settings;
use hostgres_catalog::{
    CatalogError, Cell, ColumnMeta, ColumnOrigin, ColumnType, RowRef, RowSink, Value,
};
use pgwire::api::Type;
use pgwire::api::portal::Format;
use pgwire::messages::data::{FieldDescription, RowDescription};

use crate::pg::codec::{self, Context, Kind, Mismatch, Scalar};
use crate::pg::copy::CopyFramer;

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

/// A result column as `RowDescription` describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultColumn {
    pub name: String,
    pub ty: Type,
    pub origin: Option<ColumnOrigin>,
}

impl ResultColumn {
    pub fn text(name: impl Into<String>) -> ResultColumn {
        ResultColumn {
            name: name.into(),
            ty: Type::TEXT,
            origin: None,
        }
    }
}

/// Result columns known before running: declared type, else inferred, else text.
pub fn describe_columns(columns: &[ColumnMeta], hints: &[Option<ColumnType>]) -> Vec<ResultColumn> {
    columns
        .iter()
        .enumerate()
        .map(|(i, c)| ResultColumn {
            name: c.name.clone(),
            ty: c
                .decl_type
                .or_else(|| hints.get(i).copied().flatten())
                .map_or(Type::TEXT, pg_type),
            origin: c.origin,
        })
        .collect()
}

/// The format code of column `i` (0 text, 1 binary).
fn format_code(formats: &Format, i: usize) -> i16 {
    match formats {
        Format::UnifiedText => 0,
        Format::UnifiedBinary => 1,
        Format::Individual(codes) => codes.get(i).copied().unwrap_or(0),
    }
}

/// `RowDescription` for `columns` sent in `formats`.
pub fn row_description(columns: &[ResultColumn], formats: &Format) -> RowDescription {
    RowDescription::new(
        columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let (table, attnum) = c.origin.map_or((0, 0), |o| (o.table_oid as i32, o.attnum));
                FieldDescription::new(
                    c.name.clone(),
                    table,
                    attnum,
                    c.ty.oid(),
                    codec::type_size(&c.ty),
                    -1,
                    format_code(formats, i),
                )
            })
            .collect(),
    )
}

/// How encoded rows are framed.
enum Framing {
    /// `DataRow` bodies, each column in its requested format.
    DataRows(Format),
    /// COPY data in one of its formats.
    Copy(Box<CopyFramer>),
    /// Values kept as they are, to encode later (a cursor's rows).
    Values,
}

/// Whether column `i` of `formats` is binary.
fn binary_flags(formats: &Format, columns: usize) -> Vec<bool> {
    (0..columns).map(|i| format_code(formats, i) == 1).collect()
}

/// The printing context for columns of `kinds`: the session's time zone,
/// looked up only when a column needs it.
fn context_for(kinds: &[Kind], settings: Option<&Settings>) -> Context {
    let zoned = kinds.iter().any(|k| match k {
        Kind::Scalar(s) | Kind::Array { elem: s, .. } => *s == Scalar::TimestampTz,
        Kind::Vector { .. } => false,
    });
    let zone_offset = match settings {
        Some(settings) if zoned => settings
            .get("TimeZone")
            .ok()
            .and_then(|z| codec::datetime::zone_offset(&z))
            .unwrap_or(0),
        _ => 0,
    };
    Context { zone_offset }
}

/// Appends a `DataRow` body: each cell with its length, in its column's format.
fn encode_data_row<'a>(
    buf: &mut BytesMut,
    cells: impl Iterator<Item = Cell<'a>>,
    kinds: &[Kind],
    binary: &[bool],
    cx: &Context,
) -> Result<(), (usize, Mismatch)> {
    for (i, cell) in cells.enumerate() {
        if cell == Cell::Null {
            buf.put_i32(-1);
            continue;
        }
        let start = buf.len();
        buf.put_i32(0);
        codec::write(buf, kinds[i], cell, binary[i], cx).map_err(|m| (i, m))?;
        let len = i32::try_from(buf.len() - start - 4).map_err(|_| {
            (
                i,
                Mismatch {
                    value: "a value over 2 GiB".to_owned(),
                    type_name: "text",
                    out_of_range: true,
                },
            )
        })?;
        buf[start..start + 4].copy_from_slice(&len.to_be_bytes());
    }
    Ok(())
}

/// The cell view of a value.
fn cell_of(v: &Value) -> Cell<'_> {
    match v {
        Value::Null => Cell::Null,
        Value::Int(i) => Cell::Int(*i),
        Value::Real(f) => Cell::Real(*f),
        Value::Text(t) => Cell::Text(t.as_bytes()),
        Value::Blob(b) => Cell::Blob(b),
    }
}

/// Encodes kept rows (see [`EncodingSink::values`]) as `DataRow` bodies in `formats`.
pub fn encode_rows<'a>(
    columns: &[ResultColumn],
    rows: impl Iterator<Item = &'a [Value]>,
    formats: &Format,
    settings: Option<&Settings>,
) -> Result<Vec<BytesMut>, CatalogError> {
    let kinds: Vec<Kind> = columns.iter().map(|c| Kind::of(&c.ty)).collect();
    let binary = binary_flags(formats, columns.len());
    let cx = context_for(&kinds, settings);
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    for row in rows {
        encode_data_row(&mut buf, row.iter().map(cell_of), &kinds, &binary, &cx)
            .map_err(|(i, m)| mismatch(columns, i, m))?;
        out.push(buf.split());
    }
    Ok(out)
}

fn mismatch(columns: &[ResultColumn], column: usize, m: Mismatch) -> CatalogError {
    let name = columns.get(column).map_or("?", |c| c.name.as_str());
    if m.out_of_range {
        CatalogError::Data(format!(
            "value {} of column \"{name}\" is out of range for type {}",
            m.value, m.type_name
        ))
    } else {
        CatalogError::Data(format!(
            "column \"{name}\" holds {}, which is not a valid {}; cast the column, e.g. CAST({name} AS TEXT)",
            m.value, m.type_name
        ))
    }
}

/// Collects a statement's result as encoded rows: `DataRow` bodies, or the
/// chunks of COPY data (a header first, a trailer last).
pub struct EncodingSink {
    /// Types known before running; `None` entries are decided from the first row.
    known: Vec<Option<Type>>,
    framing: Framing,
    settings: Option<Settings>,
    cx: Context,
    columns: Vec<ResultColumn>,
    kinds: Vec<Kind>,
    binary: Vec<bool>,
    decided: bool,
    /// One buffer all rows are encoded into, split off row by row.
    buf: BytesMut,
    pub rows: Vec<BytesMut>,
    /// The rows of a sink made by [`EncodingSink::values`].
    pub values: Vec<Vec<Value>>,
    /// Bytes encoded so far.
    pub bytes: usize,
}

impl EncodingSink {
    /// The result's columns, leaving none behind.
    pub fn take_columns(&mut self) -> Vec<ResultColumn> {
        std::mem::take(&mut self.columns)
    }

    /// A sink for `DataRow`s; `settings` supply the time zone timestamps print in.
    pub fn new(known: Vec<Option<Type>>, formats: Format, settings: Option<Settings>) -> Self {
        EncodingSink::with_framing(known, Framing::DataRows(formats), settings)
    }

    /// A sink that keeps values unencoded, typed like a `DataRow` sink.
    pub fn values(known: Vec<Option<Type>>, settings: Option<Settings>) -> Self {
        EncodingSink::with_framing(known, Framing::Values, settings)
    }

    /// A sink for COPY data.
    pub fn copy(framer: CopyFramer, known: Vec<Option<Type>>, settings: Option<Settings>) -> Self {
        EncodingSink::with_framing(known, Framing::Copy(Box::new(framer)), settings)
    }

    fn with_framing(
        known: Vec<Option<Type>>,
        framing: Framing,
        settings: Option<Settings>,
    ) -> Self {
        EncodingSink {
            known,
            framing,
            settings,
            cx: Context::default(),
            columns: Vec::new(),
            kinds: Vec::new(),
            binary: Vec::new(),
            decided: false,
            buf: BytesMut::new(),
            rows: Vec::new(),
            values: Vec::new(),
            bytes: 0,
        }
    }

    /// Forgets what a run that was abandoned had encoded.
    pub fn reset(&mut self) {
        self.columns.clear();
        self.kinds.clear();
        self.binary.clear();
        self.decided = false;
        self.buf.clear();
        self.rows.clear();
        self.values.clear();
        self.bytes = 0;
    }

    /// The result's columns (after the statement ran).
    pub fn columns(&self) -> &[ResultColumn] {
        &self.columns
    }

    /// Whether the COPY data is binary.
    pub fn copy_is_binary(&self) -> bool {
        matches!(&self.framing, Framing::Copy(f) if f.is_binary())
    }

    /// Decides every column's type (from the first row when nothing else
    /// told), and prepares the encoders.
    fn decide(&mut self, first: Option<&RowRef<'_>>) -> Result<(), CatalogError> {
        self.decided = true;
        for (i, c) in self.columns.iter_mut().enumerate() {
            if self.known.get(i).is_none_or(Option::is_none)
                && let Some(row) = first
            {
                c.ty = type_of_cell(row.get(i));
            }
        }
        self.kinds = self.columns.iter().map(|c| Kind::of(&c.ty)).collect();
        self.cx = context_for(&self.kinds, self.settings.as_ref());
        match &mut self.framing {
            Framing::Values => {}
            Framing::DataRows(formats) => {
                self.binary = binary_flags(formats, self.columns.len());
            }
            Framing::Copy(framer) => {
                let names: Vec<String> = self.columns.iter().map(|c| c.name.clone()).collect();
                framer.start(&names, &mut self.buf)?;
                // PostgreSQL sends the binary header in the same CopyData
                // message as the first row (or the trailer), and psycopg
                // parses it so; a text header line is a message of its own.
                if !self.buf.is_empty() && !framer.is_binary() {
                    self.rows.push(self.buf.split());
                }
            }
        }
        Ok(())
    }

    /// Finishes the result: decides types of an empty result and writes COPY's trailer.
    pub fn finish(&mut self) -> Result<(), CatalogError> {
        if !self.decided {
            self.decide(None)?;
        }
        if let Framing::Copy(framer) = &self.framing {
            framer.finish(&mut self.buf);
            if !self.buf.is_empty() {
                self.rows.push(self.buf.split());
            }
        }
        Ok(())
    }

    fn mismatch(&self, column: usize, m: Mismatch) -> CatalogError {
        mismatch(&self.columns, column, m)
    }
}

impl RowSink for EncodingSink {
    fn columns(&mut self, columns: &[ColumnMeta]) -> Result<(), CatalogError> {
        self.known.resize(columns.len(), None);
        self.columns = columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let declared = c.decl_type.map(pg_type);
                if declared.is_some() {
                    self.known[i] = declared.clone();
                }
                ResultColumn {
                    name: c.name.clone(),
                    ty: self.known[i].clone().unwrap_or(Type::TEXT),
                    origin: c.origin,
                }
            })
            .collect();
        if self.known.iter().all(Option::is_some) {
            self.decide(None)?;
        }
        Ok(())
    }

    fn row(&mut self, row: &RowRef<'_>) -> Result<(), CatalogError> {
        if !self.decided {
            self.decide(Some(row))?;
        }
        let before = self.buf.len();
        match &mut self.framing {
            Framing::Values => {
                self.values
                    .push((0..row.len()).map(|i| row.get(i).to_value()).collect());
                return Ok(());
            }
            Framing::DataRows(_) => {
                let cells = (0..row.len()).map(|i| row.get(i));
                if let Err((i, m)) =
                    encode_data_row(&mut self.buf, cells, &self.kinds, &self.binary, &self.cx)
                {
                    self.buf.truncate(before);
                    return Err(self.mismatch(i, m));
                }
            }
            Framing::Copy(framer) => {
                let cells = (0..row.len()).map(|i| row.get(i));
                if let Err((i, m)) = framer.row(&mut self.buf, cells, &self.kinds, &self.cx) {
                    self.buf.truncate(before);
                    return Err(self.mismatch(i, m));
                }
            }
        }
        self.bytes += self.buf.len() - before;
        self.rows.push(self.buf.split());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_descriptions_carry_origins_sizes_and_formats() {
        let columns = vec![
            ResultColumn {
                name: "pid".into(),
                ty: Type::INT8,
                origin: Some(ColumnOrigin {
                    table_oid: 40_000,
                    attnum: 1,
                }),
            },
            ResultColumn::text("name"),
        ];
        let rd = row_description(&columns, &Format::Individual(vec![1, 0]));
        let f = &rd.fields;
        assert_eq!(
            (
                f[0].table_id,
                f[0].column_id,
                f[0].type_id,
                f[0].type_size,
                f[0].format_code
            ),
            (40_000, 1, 20, 8, 1)
        );
        assert_eq!(
            (
                f[1].table_id,
                f[1].column_id,
                f[1].type_id,
                f[1].type_size,
                f[1].format_code
            ),
            (0, 0, 25, -1, 0)
        );
        assert_eq!(f[1].type_modifier, -1);
    }
}
