//! Declarative table schemas: names, typed columns and osquery's column flags.

use bitflags::bitflags;

/// A column type: osquery's five, and the PostgreSQL types the `pg_catalog`
/// tables and typed expressions need.
///
/// Values live in SQLite's storage classes: booleans as 0/1, timestamps and
/// dates as ISO text, arrays as JSON text; the wire layer turns them into the
/// PostgreSQL type named here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    Text,
    /// A 32-bit integer.
    Integer,
    /// A 64-bit integer.
    BigInt,
    /// A 64-bit unsigned integer; SQLite stores it as a 64-bit signed integer.
    UnsignedBigInt,
    /// A 64-bit float.
    Double,
    Bool,
    SmallInt,
    /// A 32-bit float.
    Real,
    Numeric,
    Oid,
    /// PostgreSQL's `name`: an identifier of at most 63 bytes.
    Name,
    /// PostgreSQL's one-byte `"char"`.
    Char,
    Bytea,
    Date,
    Timestamp,
    TimestampTz,
    Interval,
    Json,
    Jsonb,
    Uuid,
    /// PostgreSQL's `int2vector`, stored as space-separated text.
    Int2Vector,
    /// PostgreSQL's `oidvector`, stored as space-separated text.
    OidVector,
    /// A one-dimensional array, stored as a JSON array.
    Array(&'static ColumnType),
}

/// Declared type names, one per type, chosen so SQLite's affinity rules give
/// each the storage class its values use (`..._ARRAY` contains `TEXT` or
/// nothing numeric-looking, `SMALLINT` contains `INT`).
const NAMES: &[(ColumnType, &str)] = &[
    (ColumnType::Text, "TEXT"),
    (ColumnType::Integer, "INTEGER"),
    (ColumnType::BigInt, "BIGINT"),
    (ColumnType::UnsignedBigInt, "UNSIGNED BIGINT"),
    (ColumnType::Double, "DOUBLE"),
    (ColumnType::Bool, "BOOLEAN"),
    (ColumnType::SmallInt, "SMALLINT"),
    (ColumnType::Real, "REAL"),
    (ColumnType::Numeric, "NUMERIC"),
    (ColumnType::Oid, "OID"),
    (ColumnType::Name, "NAME"),
    (ColumnType::Char, "CHAR"),
    (ColumnType::Bytea, "BYTEA"),
    (ColumnType::Date, "DATE"),
    (ColumnType::Timestamp, "TIMESTAMP"),
    (ColumnType::TimestampTz, "TIMESTAMPTZ"),
    (ColumnType::Interval, "INTERVAL"),
    (ColumnType::Json, "JSON"),
    (ColumnType::Jsonb, "JSONB"),
    (ColumnType::Uuid, "UUID"),
    (ColumnType::Int2Vector, "INT2VECTOR"),
    (ColumnType::OidVector, "OIDVECTOR"),
    (ColumnType::Array(&ColumnType::Text), "TEXT_ARRAY"),
    (ColumnType::Array(&ColumnType::Name), "NAME_ARRAY"),
    (ColumnType::Array(&ColumnType::Char), "CHAR_ARRAY"),
    (ColumnType::Array(&ColumnType::Oid), "OID_ARRAY"),
    (ColumnType::Array(&ColumnType::Bool), "BOOLEAN_ARRAY"),
    (ColumnType::Array(&ColumnType::SmallInt), "SMALLINT_ARRAY"),
    (ColumnType::Array(&ColumnType::Integer), "INTEGER_ARRAY"),
    (ColumnType::Array(&ColumnType::BigInt), "BIGINT_ARRAY"),
    (ColumnType::Array(&ColumnType::Double), "DOUBLE_ARRAY"),
    (ColumnType::Array(&ColumnType::Real), "REAL_ARRAY"),
    (ColumnType::Array(&ColumnType::Numeric), "NUMERIC_ARRAY"),
    (
        ColumnType::Array(&ColumnType::TimestampTz),
        "TIMESTAMPTZ_ARRAY",
    ),
    (ColumnType::Array(&ColumnType::Json), "JSON_ARRAY"),
];

impl ColumnType {
    /// The type name declared to SQLite; `sqlite3_column_decltype` reports it back
    /// and the wire layer maps it to a PostgreSQL type. An array of a type
    /// without its own name is declared as an array of text.
    pub fn sql_name(self) -> &'static str {
        NAMES
            .iter()
            .find(|(t, _)| *t == self)
            .map_or("TEXT_ARRAY", |(_, n)| n)
    }

    /// Parses a declared type name back (the inverse of [`ColumnType::sql_name`]).
    pub fn from_sql_name(name: &str) -> Option<ColumnType> {
        let upper = name.trim().to_ascii_uppercase().replace('_', " ");
        let upper = if upper == "UNSIGNED BIGINT" {
            upper
        } else {
            upper.replace(' ', "_")
        };
        NAMES
            .iter()
            .find(|(_, n)| n.eq_ignore_ascii_case(&upper))
            .map(|(t, _)| *t)
    }

    /// True for the integer types.
    pub const fn is_integer(self) -> bool {
        matches!(
            self,
            ColumnType::Integer
                | ColumnType::BigInt
                | ColumnType::UnsignedBigInt
                | ColumnType::SmallInt
                | ColumnType::Oid
        )
    }

    /// True for types whose values SQLite holds as numbers.
    pub const fn is_numeric(self) -> bool {
        self.is_integer()
            || matches!(
                self,
                ColumnType::Double | ColumnType::Real | ColumnType::Numeric | ColumnType::Bool
            )
    }
}

bitflags! {
    /// osquery's column options.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct ColumnFlags: u8 {
        /// `=` and `IN` on this column are handed to the generator and make the scan cheap.
        const INDEX = 1;
        /// The table cannot be scanned without a constraint on one of its required columns.
        const REQUIRED = 1 << 1;
        /// Not part of `SELECT *`.
        const HIDDEN = 1 << 2;
        /// Constraints are handed to the generator, which may use them to read less.
        const ADDITIONAL = 1 << 3;
        /// The generator reads less when the column is constrained.
        const OPTIMIZED = 1 << 4;
    }
}

/// One column of a table.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub ty: ColumnType,
    pub flags: ColumnFlags,
    /// What the column holds, shown by `.schema` and `pg_description`.
    pub doc: &'static str,
}

/// Declares a column; chain [`Column::index`], [`Column::required`] and friends for flags.
pub const fn col(name: &'static str, ty: ColumnType, doc: &'static str) -> Column {
    Column {
        name,
        ty,
        flags: ColumnFlags::empty(),
        doc,
    }
}

impl Column {
    pub const fn index(self) -> Column {
        self.with(ColumnFlags::INDEX)
    }
    pub const fn required(self) -> Column {
        self.with(ColumnFlags::REQUIRED)
    }
    pub const fn hidden(self) -> Column {
        self.with(ColumnFlags::HIDDEN)
    }
    pub const fn additional(self) -> Column {
        self.with(ColumnFlags::ADDITIONAL)
    }
    pub const fn optimized(self) -> Column {
        self.with(ColumnFlags::OPTIMIZED)
    }

    const fn with(mut self, flag: ColumnFlags) -> Column {
        self.flags = self.flags.union(flag);
        self
    }

    /// True when constraints on this column are passed to the generator.
    pub const fn is_pushed_down(&self) -> bool {
        self.flags.intersects(
            ColumnFlags::INDEX
                .union(ColumnFlags::REQUIRED)
                .union(ColumnFlags::ADDITIONAL)
                .union(ColumnFlags::OPTIMIZED),
        )
    }

    /// True when a constraint on this column makes the scan cheap.
    pub const fn is_keyed(&self) -> bool {
        self.flags
            .intersects(ColumnFlags::INDEX.union(ColumnFlags::REQUIRED))
    }
}

/// A table's declaration: its name, what it holds and its columns.
#[derive(Debug)]
pub struct Schema {
    pub name: &'static str,
    pub doc: &'static str,
    pub columns: &'static [Column],
}

impl Schema {
    /// The position of a column by name.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// The required columns; scanning needs a constraint on at least one of them.
    pub fn required_columns(&self) -> impl Iterator<Item = &Column> {
        self.columns
            .iter()
            .filter(|c| c.flags.contains(ColumnFlags::REQUIRED))
    }

    /// The `CREATE TABLE` statement declared to SQLite for the virtual table.
    pub fn create_table_sql(&self) -> String {
        let cols: Vec<String> = self
            .columns
            .iter()
            .map(|c| {
                let hidden = if c.flags.contains(ColumnFlags::HIDDEN) {
                    " HIDDEN"
                } else {
                    ""
                };
                format!("\"{}\" {}{}", c.name, c.ty.sql_name(), hidden)
            })
            .collect();
        format!("CREATE TABLE \"{}\"({})", self.name, cols.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::ColumnType::*;
    use super::*;

    static SCHEMA: Schema = Schema {
        name: "file",
        doc: "Files.",
        columns: &[
            col("path", Text, "Absolute path").index().required(),
            col("size", BigInt, "Size in bytes"),
            col("pid_with_namespace", Integer, "Namespace pid")
                .additional()
                .hidden(),
        ],
    };

    #[test]
    fn create_table_marks_hidden_columns() {
        assert_eq!(
            SCHEMA.create_table_sql(),
            "CREATE TABLE \"file\"(\"path\" TEXT, \"size\" BIGINT, \"pid_with_namespace\" INTEGER HIDDEN)"
        );
    }

    #[test]
    fn flags_compose() {
        let path = &SCHEMA.columns[0];
        assert!(path.is_keyed() && path.is_pushed_down());
        assert!(!SCHEMA.columns[1].is_pushed_down());
        assert_eq!(SCHEMA.required_columns().count(), 1);
        assert_eq!(
            ColumnType::from_sql_name("unsigned bigint"),
            Some(UnsignedBigInt)
        );
    }
}
