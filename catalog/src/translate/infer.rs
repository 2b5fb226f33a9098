//! Types for the translator and for `Describe`: what a PostgreSQL type name
//! means ([`Target`]), what an expression evaluates to ([`Ty`]), and what
//! SQL functions return.
//!
//! SQLite reports declared types only for plain table columns; PostgreSQL
//! clients want a type for every column and parameter before they run a
//! statement. The rewriter computes a [`Ty`] for every expression bottom-up
//! as it translates (see `expr`), and uses it both for typing and for
//! choosing a translation (`timestamp - interval` is a function call,
//! `bool::text` prints `true`). What cannot be inferred stays unknown and
//! the wire layer falls back to text.

use sqlparser::ast::{
    ArrayElemTypeDef, DataType, ExactNumberInfo, ObjectName, ObjectNamePart, TimezoneInfo,
};

use crate::error::CatalogError;
use crate::functions::array::ElemKind;
use crate::functions::cast::IntKind;
use crate::functions::time::MomentKind;
use crate::schema::ColumnType;

/// PostgreSQL's OID-alias types, which print as names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reg {
    Class,
    Type,
    Proc,
    Namespace,
    Role,
}

impl Reg {
    /// The type name, which also prefixes the catalog's `*_in`/`*_out` functions.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Reg::Class => "regclass",
            Reg::Type => "regtype",
            Reg::Proc => "regproc",
            Reg::Namespace => "regnamespace",
            Reg::Role => "regrole",
        }
    }
}

/// What the translator knows of an expression's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ty {
    Unknown,
    Known(ColumnType),
    /// An OID that PostgreSQL prints as a name; shown through `<reg>_out()`.
    Reg(Reg),
}

impl Ty {
    /// The type a client is told, when known.
    pub(crate) fn column_type(self) -> Option<ColumnType> {
        match self {
            Ty::Known(t) => Some(t),
            Ty::Reg(_) => Some(ColumnType::Oid),
            Ty::Unknown => None,
        }
    }

    pub(crate) fn is(self, t: ColumnType) -> bool {
        self == Ty::Known(t)
    }

    pub(crate) fn is_integer(self) -> bool {
        matches!(self, Ty::Known(t) if t.is_integer()) || matches!(self, Ty::Reg(_))
    }

    pub(crate) fn is_numeric(self) -> bool {
        matches!(self, Ty::Known(t) if t.is_numeric()) || matches!(self, Ty::Reg(_))
    }

    pub(crate) fn is_text(self) -> bool {
        matches!(
            self,
            Ty::Known(ColumnType::Text | ColumnType::Name | ColumnType::Char | ColumnType::Uuid)
        )
    }

    pub(crate) fn is_moment(self) -> bool {
        matches!(
            self,
            Ty::Known(ColumnType::Timestamp | ColumnType::TimestampTz | ColumnType::Date)
        )
    }

    pub(crate) fn is_array(self) -> bool {
        matches!(self, Ty::Known(ColumnType::Array(_)))
    }

    /// The element type of an array.
    pub(crate) fn element(self) -> Ty {
        match self {
            Ty::Known(ColumnType::Array(e)) => Ty::Known(*e),
            Ty::Known(ColumnType::Int2Vector) => Ty::Known(ColumnType::SmallInt),
            Ty::Known(ColumnType::OidVector) => Ty::Known(ColumnType::Oid),
            _ => Ty::Unknown,
        }
    }

    /// The first known of two types (for `CASE`, `coalesce`...).
    pub(crate) fn or(self, other: Ty) -> Ty {
        if self == Ty::Unknown { other } else { self }
    }
}

/// How a cast converts its operand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Conv {
    Int(IntKind),
    Float4,
    Float8,
    Numeric,
    /// Text, truncated to `n` characters for `varchar(n)`.
    Text(Option<u64>),
    Bool,
    Moment(MomentKind),
    Interval,
    Json,
    Bytea,
    Reg(Reg),
    Array(ElemKind),
    /// Stored the same way as its operand (`uuid`, vectors, `inet`...).
    Keep,
}

/// A cast's target: how to convert, what results, and the name PostgreSQL
/// gives a cast column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    pub conv: Conv,
    pub ty: Ty,
    pub name: String,
}

fn last_name(name: &ObjectName) -> Option<String> {
    match name.0.last()? {
        ObjectNamePart::Identifier(i) => Some(if i.quote_style.is_some() {
            i.value.clone()
        } else {
            i.value.to_ascii_lowercase()
        }),
        ObjectNamePart::Function(_) => None,
    }
}

fn target(conv: Conv, ty: ColumnType, name: &str) -> Target {
    Target {
        conv,
        ty: Ty::Known(ty),
        name: name.to_owned(),
    }
}

fn float_precision(info: &ExactNumberInfo) -> Option<u64> {
    match info {
        ExactNumberInfo::None => None,
        ExactNumberInfo::Precision(p) | ExactNumberInfo::PrecisionAndScale(p, _) => Some(*p),
    }
}

/// A static reference to an array element type, as [`ColumnType::Array`] needs.
fn element_static(t: ColumnType) -> &'static ColumnType {
    match t {
        ColumnType::SmallInt => &ColumnType::SmallInt,
        ColumnType::Integer => &ColumnType::Integer,
        ColumnType::BigInt => &ColumnType::BigInt,
        ColumnType::Oid => &ColumnType::Oid,
        ColumnType::Real => &ColumnType::Real,
        ColumnType::Double => &ColumnType::Double,
        ColumnType::Numeric => &ColumnType::Numeric,
        ColumnType::Bool => &ColumnType::Bool,
        ColumnType::Name => &ColumnType::Name,
        ColumnType::Char => &ColumnType::Char,
        ColumnType::TimestampTz => &ColumnType::TimestampTz,
        ColumnType::Json => &ColumnType::Json,
        _ => &ColumnType::Text,
    }
}

/// An array of `t`.
pub(crate) fn array_of(t: Ty) -> Ty {
    match t {
        Ty::Known(ColumnType::Array(_)) => t,
        Ty::Known(e) => Ty::Known(ColumnType::Array(element_static(e))),
        Ty::Reg(_) => Ty::Known(ColumnType::Array(&ColumnType::Oid)),
        Ty::Unknown => Ty::Known(ColumnType::Array(&ColumnType::Text)),
    }
}

/// What a PostgreSQL type name means as a cast target.
pub(crate) fn cast_target(dt: &DataType) -> Result<Target, CatalogError> {
    use ColumnType as C;
    use DataType as D;
    Ok(match dt {
        D::Int2(_) | D::SmallInt(_) | D::TinyInt(_) => {
            target(Conv::Int(IntKind::Int2), C::SmallInt, "int2")
        }
        D::Int(_) | D::Integer(_) | D::Int4(_) | D::MediumInt(_) | D::Int32 => {
            target(Conv::Int(IntKind::Int4), C::Integer, "int4")
        }
        D::BigInt(_) | D::Int8(_) | D::Int64 => target(Conv::Int(IntKind::Int8), C::BigInt, "int8"),
        D::Real | D::Float4 | D::Float32 => target(Conv::Float4, C::Real, "float4"),
        D::Float(p) if float_precision(p).is_some_and(|p| p <= 24) => {
            target(Conv::Float4, C::Real, "float4")
        }
        D::Float(_) | D::Double(_) | D::DoublePrecision | D::Float8 | D::Float64 => {
            target(Conv::Float8, C::Double, "float8")
        }
        D::Numeric(_) | D::Decimal(_) | D::Dec(_) => target(Conv::Numeric, C::Numeric, "numeric"),
        D::Text | D::String(_) => target(Conv::Text(None), C::Text, "text"),
        D::Varchar(n) | D::CharacterVarying(n) | D::CharVarying(n) | D::Nvarchar(n) => {
            let max = match n {
                Some(sqlparser::ast::CharacterLength::IntegerLength { length, .. }) => {
                    Some(*length)
                }
                _ => None,
            };
            target(Conv::Text(max), C::Text, "varchar")
        }
        D::Char(_) | D::Character(_) => target(Conv::Text(None), C::Text, "bpchar"),
        D::Bool | D::Boolean => target(Conv::Bool, C::Bool, "bool"),
        D::Date => target(Conv::Moment(MomentKind::Date), C::Date, "date"),
        D::Timestamp(_, TimezoneInfo::WithTimeZone | TimezoneInfo::Tz) => target(
            Conv::Moment(MomentKind::TimestampTz),
            C::TimestampTz,
            "timestamptz",
        ),
        D::Timestamp(_, _) | D::TimestampNtz(_) | D::Datetime(_) => target(
            Conv::Moment(MomentKind::Timestamp),
            C::Timestamp,
            "timestamp",
        ),
        D::Time(_, _) => target(Conv::Keep, C::Text, "time"),
        D::Interval { .. } => target(Conv::Interval, C::Interval, "interval"),
        D::JSON => target(Conv::Json, C::Json, "json"),
        D::JSONB => target(Conv::Json, C::Jsonb, "jsonb"),
        D::Bytea | D::Blob(_) => target(Conv::Bytea, C::Bytea, "bytea"),
        D::Uuid => target(Conv::Keep, C::Uuid, "uuid"),
        D::Regclass => Target {
            conv: Conv::Reg(Reg::Class),
            ty: Ty::Reg(Reg::Class),
            name: "regclass".to_owned(),
        },
        D::Array(def) => {
            let inner = match def {
                ArrayElemTypeDef::SquareBracket(inner, _)
                | ArrayElemTypeDef::AngleBracket(inner)
                | ArrayElemTypeDef::Parenthesis(inner)
                | ArrayElemTypeDef::ParenthesisNotNull(inner)
                | ArrayElemTypeDef::Qualified(inner, _) => inner,
                ArrayElemTypeDef::None => {
                    return Err(CatalogError::Unsupported(
                        "an array type without an element type is not supported".to_owned(),
                    ));
                }
            };
            let elem = cast_target(inner)?;
            let kind = match elem.conv {
                Conv::Int(_) => ElemKind::Int,
                Conv::Float4 | Conv::Float8 | Conv::Numeric => ElemKind::Float,
                Conv::Bool => ElemKind::Bool,
                _ => ElemKind::Text,
            };
            Target {
                conv: Conv::Array(kind),
                ty: array_of(elem.ty),
                name: elem.name,
            }
        }
        D::Custom(name, _) => {
            let n = last_name(name).unwrap_or_default();
            match n.as_str() {
                "int2" | "smallserial" => target(Conv::Int(IntKind::Int2), C::SmallInt, "int2"),
                "int4" | "serial" | "serial4" => {
                    target(Conv::Int(IntKind::Int4), C::Integer, "int4")
                }
                "int8" | "serial8" | "bigserial" | "xid8" => {
                    target(Conv::Int(IntKind::Int8), C::BigInt, "int8")
                }
                "oid" | "xid" | "cid" | "regoper" | "regoperator" | "regconfig"
                | "regdictionary" | "regcollation" => target(Conv::Int(IntKind::Oid), C::Oid, &n),
                "float4" => target(Conv::Float4, C::Real, "float4"),
                "float8" => target(Conv::Float8, C::Double, "float8"),
                "bool" => target(Conv::Bool, C::Bool, "bool"),
                "text" | "citext" | "cstring" | "unknown" | "inet" | "cidr" | "macaddr"
                | "macaddr8" | "anyelement" | "pg_node_tree" | "aclitem" | "tid" => {
                    target(Conv::Text(None), C::Text, &n)
                }
                "varchar" => target(Conv::Text(None), C::Text, "varchar"),
                "bpchar" => target(Conv::Text(None), C::Text, "bpchar"),
                "name" => target(Conv::Text(None), C::Name, "name"),
                "char" => target(Conv::Text(Some(1)), C::Char, "char"),
                "timestamptz" => target(
                    Conv::Moment(MomentKind::TimestampTz),
                    C::TimestampTz,
                    "timestamptz",
                ),
                "timestamp" => target(
                    Conv::Moment(MomentKind::Timestamp),
                    C::Timestamp,
                    "timestamp",
                ),
                "date" => target(Conv::Moment(MomentKind::Date), C::Date, "date"),
                "interval" => target(Conv::Interval, C::Interval, "interval"),
                "time" | "timetz" => target(Conv::Keep, C::Text, &n),
                "json" => target(Conv::Json, C::Json, "json"),
                "jsonb" => target(Conv::Json, C::Jsonb, "jsonb"),
                "uuid" => target(Conv::Keep, C::Uuid, "uuid"),
                "int2vector" => target(Conv::Keep, C::Int2Vector, "int2vector"),
                "oidvector" => target(Conv::Keep, C::OidVector, "oidvector"),
                "anyarray" => target(Conv::Keep, C::Array(&C::Text), "anyarray"),
                "regclass" => reg(Reg::Class),
                "regtype" => reg(Reg::Type),
                "regproc" | "regprocedure" => reg(Reg::Proc),
                "regnamespace" => reg(Reg::Namespace),
                "regrole" => reg(Reg::Role),
                other => {
                    return Err(CatalogError::Unsupported(format!(
                        "type \"{other}\" is not supported"
                    )));
                }
            }
        }
        other => {
            return Err(CatalogError::Unsupported(format!(
                "type {other} is not supported"
            )));
        }
    })
}

fn reg(r: Reg) -> Target {
    Target {
        conv: Conv::Reg(r),
        ty: Ty::Reg(r),
        name: r.name().to_owned(),
    }
}

/// What a function returns, from its arguments' types where it depends on them.
pub(crate) fn function_type(name: &str, args: &[Ty]) -> Ty {
    let first = args.first().copied().unwrap_or(Ty::Unknown);
    let all = || args.iter().fold(Ty::Unknown, |acc, t| acc.or(*t));
    match name {
        "min" | "max" | "abs" | "floor" | "ceil" | "ceiling" | "trunc" | "mod" | "sign" => {
            match first {
                Ty::Reg(_) => Ty::Known(ColumnType::Oid),
                t => t,
            }
        }
        "coalesce" | "ifnull" | "nullif" | "greatest" | "least" => all(),
        "sum" => {
            if first.is_integer() {
                Ty::Known(ColumnType::BigInt)
            } else if first == Ty::Unknown {
                Ty::Unknown
            } else {
                Ty::Known(ColumnType::Double)
            }
        }
        "date_trunc" => match args.get(1).copied().unwrap_or(Ty::Unknown) {
            Ty::Known(ColumnType::Timestamp) => Ty::Known(ColumnType::Timestamp),
            Ty::Known(ColumnType::Interval) => Ty::Known(ColumnType::Interval),
            _ => Ty::Known(ColumnType::TimestampTz),
        },
        "timezone" => match args.get(1).copied().unwrap_or(Ty::Unknown) {
            Ty::Known(ColumnType::Timestamp) => Ty::Known(ColumnType::TimestampTz),
            _ => Ty::Known(ColumnType::Timestamp),
        },
        "timestamp_pl_interval" | "timestamp_mi_interval" => match first {
            Ty::Known(ColumnType::Date) => Ty::Known(ColumnType::Timestamp),
            Ty::Unknown => Ty::Known(ColumnType::TimestampTz),
            t => t,
        },
        "array_append" | "array_remove" | "array_replace" | "array_cat" | "array_slice" => {
            if first.is_array() {
                first
            } else {
                array_of(args.get(1).copied().unwrap_or(Ty::Unknown))
            }
        }
        "array_prepend" => args.get(1).copied().unwrap_or(Ty::Unknown),
        "array_subscript" => first.element(),
        "array_in" => Ty::Known(ColumnType::Array(&ColumnType::Text)),
        _ => crate::functions::return_type(name).map_or(Ty::Unknown, Ty::Known),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::dialect::PostgreSqlDialect;
    use sqlparser::parser::Parser;

    fn dt(s: &str) -> DataType {
        Parser::new(&PostgreSqlDialect {})
            .try_with_sql(s)
            .expect("sql")
            .parse_data_type()
            .expect("type")
    }

    #[test]
    fn postgresql_type_names_map_to_targets() {
        let t = |s: &str| cast_target(&dt(s)).expect(s);
        assert_eq!(t("int").ty, Ty::Known(ColumnType::Integer));
        assert_eq!(t("int").name, "int4");
        assert_eq!(t("bigint").name, "int8");
        assert_eq!(t("double precision").name, "float8");
        assert_eq!(t("character varying(10)").conv, Conv::Text(Some(10)));
        assert_eq!(
            t("timestamp with time zone").ty,
            Ty::Known(ColumnType::TimestampTz)
        );
        assert_eq!(t("timestamptz").name, "timestamptz");
        assert_eq!(t("timestamp").ty, Ty::Known(ColumnType::Timestamp));
        assert_eq!(t("regclass").ty, Ty::Reg(Reg::Class));
        assert_eq!(t("regtype").ty, Ty::Reg(Reg::Type));
        assert_eq!(t("oid").ty, Ty::Known(ColumnType::Oid));
        assert_eq!(t("name").ty, Ty::Known(ColumnType::Name));
        assert_eq!(t("\"char\"").ty, Ty::Known(ColumnType::Char));
        assert_eq!(
            t("text[]").ty,
            Ty::Known(ColumnType::Array(&ColumnType::Text))
        );
        assert_eq!(t("int4[]").conv, Conv::Array(ElemKind::Int));
        assert!(cast_target(&dt("xml")).is_err());
    }

    #[test]
    fn polymorphic_functions_follow_their_arguments() {
        let ts = Ty::Known(ColumnType::Timestamp);
        assert_eq!(
            function_type("date_trunc", &[Ty::Known(ColumnType::Text), ts]),
            ts
        );
        assert_eq!(function_type("max", &[ts]), ts);
        assert_eq!(
            function_type("sum", &[Ty::Known(ColumnType::Integer)]),
            Ty::Known(ColumnType::BigInt)
        );
        assert_eq!(
            function_type("now", &[]),
            Ty::Known(ColumnType::TimestampTz)
        );
        assert_eq!(function_type("no_such_function", &[]), Ty::Unknown);
    }
}
