//! `COPY ... TO STDOUT` in text, CSV and binary format: the row framing of
//! each format (escapes, quoting, the binary signature) as PostgreSQL writes
//! it, so `psql \copy` and COPY-based exporters read hostgres like PostgreSQL.

use bytes::{BufMut, BytesMut};
use hostgres_catalog::translate::{Copy, CopyFormat, ForceQuote};
use hostgres_catalog::{CatalogError, Cell};

use crate::pg::codec::{self, Context, Kind, Mismatch};

/// The 11-byte signature that opens binary COPY data.
const BINARY_SIGNATURE: &[u8] = b"PGCOPY\n\xff\r\n\0";

/// Frames rows in one of COPY's formats.
#[derive(Debug, Clone)]
pub struct CopyFramer {
    format: CopyFormat,
    header: bool,
    delimiter: u8,
    null: Vec<u8>,
    quote: u8,
    escape: u8,
    force_quote: ForceQuote,
    /// Per column: always quote (CSV `FORCE_QUOTE`).
    forced: Vec<bool>,
    scratch: BytesMut,
}

impl CopyFramer {
    pub fn new(copy: &Copy) -> CopyFramer {
        CopyFramer {
            format: copy.format,
            header: copy.header,
            delimiter: copy.delimiter,
            null: copy.null.as_bytes().to_vec(),
            quote: copy.quote,
            escape: copy.escape,
            force_quote: copy.force_quote.clone(),
            forced: Vec::new(),
            scratch: BytesMut::new(),
        }
    }

    pub fn is_binary(&self) -> bool {
        self.format == CopyFormat::Binary
    }

    /// Checks the column names `FORCE_QUOTE` lists and writes what precedes
    /// the rows: the binary header or the header line.
    pub fn start(&mut self, names: &[String], out: &mut BytesMut) -> Result<(), CatalogError> {
        self.forced = match &self.force_quote {
            ForceQuote::None => vec![false; names.len()],
            ForceQuote::All => vec![true; names.len()],
            ForceQuote::Columns(cols) => {
                let mut forced = vec![false; names.len()];
                for c in cols {
                    let bare = c.trim_matches('"');
                    let i = names
                        .iter()
                        .position(|n| {
                            n == bare || (!c.starts_with('"') && n.eq_ignore_ascii_case(bare))
                        })
                        .ok_or_else(|| CatalogError::UndefinedColumn(bare.to_owned()))?;
                    forced[i] = true;
                }
                forced
            }
        };
        match self.format {
            CopyFormat::Binary => {
                out.put_slice(BINARY_SIGNATURE);
                out.put_i32(0); // flags
                out.put_i32(0); // header extension length
            }
            _ if self.header => {
                let single = names.len() == 1;
                for (i, name) in names.iter().enumerate() {
                    if i > 0 {
                        out.put_u8(self.delimiter);
                    }
                    self.attribute(out, name.as_bytes(), false, single);
                }
                out.put_u8(b'\n');
            }
            _ => {}
        }
        Ok(())
    }

    /// Appends one row.
    pub fn row<'c>(
        &mut self,
        out: &mut BytesMut,
        cells: impl ExactSizeIterator<Item = Cell<'c>>,
        kinds: &[Kind],
        cx: &Context,
    ) -> Result<(), (usize, Mismatch)> {
        let single = cells.len() == 1;
        if self.format == CopyFormat::Binary {
            out.put_i16(i16::try_from(cells.len()).unwrap_or(i16::MAX));
        }
        for (i, (cell, kind)) in cells.zip(kinds).enumerate() {
            if self.format == CopyFormat::Binary {
                if cell == Cell::Null {
                    out.put_i32(-1);
                    continue;
                }
                let start = out.len();
                out.put_i32(0);
                codec::write(out, *kind, cell, true, cx).map_err(|e| (i, e))?;
                let n = i32::try_from(out.len() - start - 4).map_err(|_| {
                    (
                        i,
                        Mismatch {
                            value: "a value over 2 GiB".to_owned(),
                            type_name: "text",
                            out_of_range: true,
                        },
                    )
                })?;
                out[start..start + 4].copy_from_slice(&n.to_be_bytes());
                continue;
            }
            if i > 0 {
                out.put_u8(self.delimiter);
            }
            if cell == Cell::Null {
                out.put_slice(&self.null);
                continue;
            }
            let mut value = std::mem::take(&mut self.scratch);
            value.clear();
            codec::write(&mut value, *kind, cell, false, cx).map_err(|e| (i, e))?;
            let forced = self.forced.get(i).copied().unwrap_or(false);
            self.attribute(out, &value, forced, single);
            self.scratch = value;
        }
        if self.format != CopyFormat::Binary {
            out.put_u8(b'\n');
        }
        Ok(())
    }

    /// What follows the rows: binary COPY's trailer.
    pub fn finish(&self, out: &mut BytesMut) {
        if self.format == CopyFormat::Binary {
            out.put_i16(-1);
        }
    }

    /// Appends one non-null value in text or CSV escaping.
    fn attribute(&self, out: &mut BytesMut, value: &[u8], force: bool, single: bool) {
        if self.format == CopyFormat::Csv {
            let quote = force
                || value == self.null.as_slice()
                || (single && value == b"\\.")
                || value.iter().any(|b| {
                    *b == self.delimiter || *b == self.quote || *b == b'\n' || *b == b'\r'
                });
            if !quote {
                out.put_slice(value);
                return;
            }
            out.put_u8(self.quote);
            for b in value {
                if *b == self.quote || *b == self.escape {
                    out.put_u8(self.escape);
                }
                out.put_u8(*b);
            }
            out.put_u8(self.quote);
            return;
        }
        for &b in value {
            let escaped = match b {
                0x08 => Some(b'b'),
                0x0c => Some(b'f'),
                b'\n' => Some(b'n'),
                b'\r' => Some(b'r'),
                b'\t' => Some(b't'),
                0x0b => Some(b'v'),
                b'\\' => Some(b'\\'),
                b if b == self.delimiter => Some(b),
                _ => None,
            };
            match escaped {
                Some(e) => {
                    out.put_u8(b'\\');
                    out.put_u8(e);
                }
                None => out.put_u8(b),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hostgres_catalog::translate::CopySource;
    use pgwire::api::Type;

    fn copy(format: CopyFormat, delimiter: u8, null: &str) -> Copy {
        Copy {
            source: CopySource::Query("SELECT 1".into()),
            format,
            header: true,
            delimiter,
            null: null.into(),
            quote: b'"',
            escape: b'"',
            force_quote: ForceQuote::None,
        }
    }

    fn frame(c: &Copy, names: &[&str], rows: &[Vec<Cell<'_>>], types: &[Type]) -> Vec<u8> {
        let kinds: Vec<Kind> = types.iter().map(Kind::of).collect();
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let mut f = CopyFramer::new(c);
        let mut out = BytesMut::new();
        f.start(&names, &mut out).expect("start");
        for r in rows {
            f.row(&mut out, r.iter().copied(), &kinds, &Context::default())
                .expect("row");
        }
        f.finish(&mut out);
        out.to_vec()
    }

    #[test]
    fn text_format_escapes_like_postgresql() {
        // COPY (SELECT E'a\tb\\c\nd' AS x, NULL::text AS "y z", 1 AS n) TO STDOUT WITH (HEADER)
        let c = copy(CopyFormat::Text, b'\t', "\\N");
        let out = frame(
            &c,
            &["x", "y z", "n"],
            &[vec![Cell::Text(b"a\tb\\c\nd"), Cell::Null, Cell::Int(1)]],
            &[Type::TEXT, Type::TEXT, Type::INT4],
        );
        assert_eq!(out, b"x\ty z\tn\na\\tb\\\\c\\nd\t\\N\t1\n");
    }

    #[test]
    fn csv_format_quotes_like_postgresql() {
        // COPY (SELECT 'a,b', '', NULL, 'say "hi"', true) TO STDOUT WITH (FORMAT csv, HEADER)
        let c = copy(CopyFormat::Csv, b',', "");
        let out = frame(
            &c,
            &["x", "e", "n", "q", "b"],
            &[vec![
                Cell::Text(b"a,b"),
                Cell::Text(b""),
                Cell::Null,
                Cell::Text(b"say \"hi\""),
                Cell::Int(1),
            ]],
            &[Type::TEXT, Type::TEXT, Type::TEXT, Type::TEXT, Type::BOOL],
        );
        assert_eq!(out, b"x,e,n,q,b\n\"a,b\",\"\",,\"say \"\"hi\"\"\",t\n");
        let out = frame(&c, &["v"], &[vec![Cell::Text(b"\\.")]], &[Type::TEXT]);
        assert_eq!(out, b"v\n\"\\.\"\n");
    }

    #[test]
    fn binary_format_matches_postgresql() {
        // COPY (SELECT 1::int4, NULL::text) TO STDOUT WITH (FORMAT binary)
        let mut c = copy(CopyFormat::Binary, b'\t', "\\N");
        c.header = false;
        let out = frame(
            &c,
            &["a", "b"],
            &[vec![Cell::Int(1), Cell::Null]],
            &[Type::INT4, Type::TEXT],
        );
        assert_eq!(
            out,
            b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0\0\x02\0\0\0\x04\0\0\0\x01\xff\xff\xff\xff\xff\xff"
        );
    }

    #[test]
    fn force_quote_names_must_exist() {
        let mut c = copy(CopyFormat::Csv, b',', "");
        c.force_quote = ForceQuote::Columns(vec!["nope".into()]);
        let mut f = CopyFramer::new(&c);
        assert!(f.start(&["a".to_owned()], &mut BytesMut::new()).is_err());
    }
}
