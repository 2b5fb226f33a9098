//! Object identifiers: the same OID for a table, type or schema in every
//! session, after every restart, and in every place it appears
//! (`pg_class`, `pg_attribute`, `RowDescription`).
//!
//! PostgreSQL's built-in objects keep PostgreSQL's own OIDs, which clients
//! hard-code (`bool` is 16, `pg_catalog` is 11, `pg_class` is 1259). Other
//! objects get a stable hash of their qualified name in the range PostgreSQL
//! leaves to user objects (from 16384).

use crate::schema::ColumnType;
use crate::table::Namespace;

/// The first OID PostgreSQL gives to user objects.
pub const FIRST_USER_OID: u32 = 16384;

/// The OID of a schema.
pub const fn namespace_oid(ns: Namespace) -> u32 {
    match ns {
        Namespace::PgCatalog => 11,
        Namespace::Public => 2200,
        Namespace::InformationSchema => 13_220,
        Namespace::Hostgres => 16_385,
    }
}

/// FNV-1a, 32 bits: tiny, stable across versions and platforms.
fn fnv1a(parts: &[&str]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            h ^= u32::from(b'.');
            h = h.wrapping_mul(0x0100_0193);
        }
        for b in part.bytes() {
            h ^= u32::from(b);
            h = h.wrapping_mul(0x0100_0193);
        }
    }
    h
}

/// The largest OID hostgres hands out: pgjdbc holds OIDs in a signed 32-bit
/// `int` and writes them into its catalog queries (the base table of a
/// result column), so an OID above `i32::MAX` would be sent back negative.
pub const LAST_HASHED_OID: u32 = i32::MAX as u32;

/// A stable OID for a user object named by `parts`, from [`FIRST_USER_OID`]
/// to [`LAST_HASHED_OID`].
pub fn hashed_oid(parts: &[&str]) -> u32 {
    FIRST_USER_OID + fnv1a(parts) % (LAST_HASHED_OID - FIRST_USER_OID)
}

/// PostgreSQL's OIDs of its catalog tables, which clients look up by number.
const PG_CATALOG_TABLES: &[(&str, u32)] = &[
    ("pg_aggregate", 2600),
    ("pg_am", 2601),
    ("pg_attrdef", 2604),
    ("pg_attribute", 1249),
    ("pg_auth_members", 1261),
    ("pg_authid", 1260),
    ("pg_class", 1259),
    ("pg_collation", 3456),
    ("pg_constraint", 2606),
    ("pg_database", 1262),
    ("pg_depend", 2608),
    ("pg_description", 2609),
    ("pg_enum", 3501),
    ("pg_event_trigger", 3466),
    ("pg_extension", 3079),
    ("pg_foreign_data_wrapper", 2328),
    ("pg_foreign_server", 1417),
    ("pg_foreign_table", 3118),
    ("pg_index", 2610),
    ("pg_inherits", 2611),
    ("pg_language", 2612),
    ("pg_namespace", 2615),
    ("pg_opclass", 2616),
    ("pg_operator", 2617),
    ("pg_partitioned_table", 3350),
    ("pg_policy", 3256),
    ("pg_proc", 1255),
    ("pg_publication", 6104),
    ("pg_range", 3541),
    ("pg_rewrite", 2618),
    ("pg_sequence", 2224),
    ("pg_shdescription", 2396),
    ("pg_statistic_ext", 3381),
    ("pg_subscription", 6100),
    ("pg_tablespace", 1213),
    ("pg_trigger", 2620),
    ("pg_type", 1247),
];

/// The OID of the table `name` in `ns`.
pub fn table_oid(ns: Namespace, name: &str) -> u32 {
    if ns == Namespace::PgCatalog
        && let Some((_, oid)) = PG_CATALOG_TABLES.iter().find(|(n, _)| *n == name)
    {
        return *oid;
    }
    hashed_oid(&[ns.name(), name])
}

/// The OID of a column type, as PostgreSQL numbers its built-in types.
pub const fn type_oid(ty: ColumnType) -> u32 {
    match ty {
        ColumnType::Bool => 16,
        ColumnType::Bytea => 17,
        ColumnType::Char => 18,
        ColumnType::Name => 19,
        ColumnType::BigInt | ColumnType::UnsignedBigInt => 20,
        ColumnType::SmallInt => 21,
        ColumnType::Int2Vector => 22,
        ColumnType::Integer => 23,
        ColumnType::Text => 25,
        ColumnType::Oid => 26,
        ColumnType::OidVector => 30,
        ColumnType::Json => 114,
        ColumnType::Real => 700,
        ColumnType::Double => 701,
        ColumnType::Date => 1082,
        ColumnType::Timestamp => 1114,
        ColumnType::TimestampTz => 1184,
        ColumnType::Interval => 1186,
        ColumnType::Numeric => 1700,
        ColumnType::Uuid => 2950,
        ColumnType::Jsonb => 3802,
        ColumnType::Array(element) => match *element {
            ColumnType::Json => 199,
            ColumnType::Bool => 1000,
            ColumnType::Bytea => 1001,
            ColumnType::Char => 1002,
            ColumnType::Name => 1003,
            ColumnType::SmallInt => 1005,
            ColumnType::Integer => 1007,
            ColumnType::Text => 1009,
            ColumnType::BigInt | ColumnType::UnsignedBigInt => 1016,
            ColumnType::Real => 1021,
            ColumnType::Double => 1022,
            ColumnType::Oid => 1028,
            ColumnType::Timestamp => 1115,
            ColumnType::Date => 1182,
            ColumnType::TimestampTz => 1185,
            ColumnType::Interval => 1187,
            ColumnType::Numeric => 1231,
            ColumnType::Uuid => 2951,
            ColumnType::Jsonb => 3807,
            _ => 1009,
        },
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::table::Registry;

    #[test]
    fn oids_are_stable_and_distinct() {
        // Pinned: changing the scheme would change every client's cached OIDs.
        assert_eq!(
            table_oid(Namespace::Public, "processes"),
            table_oid(Namespace::Public, "processes")
        );
        assert_eq!(
            hashed_oid(&["public", "processes"]),
            16384 + fnv1a(&["public", "processes"]) % (i32::MAX as u32 - 16384)
        );
        assert_eq!(table_oid(Namespace::PgCatalog, "pg_class"), 1259);
        let mut seen = HashMap::new();
        for e in Registry::builtin().iter() {
            let oid = table_oid(e.namespace(), e.schema().name);
            assert!(oid >= 1000, "{}", e.sqlite_name);
            if let Some(other) = seen.insert(oid, e.sqlite_name.to_string()) {
                panic!("{} and {other} share OID {oid}", e.sqlite_name);
            }
        }
    }

    #[test]
    fn type_oids_match_postgresql() {
        assert_eq!(type_oid(ColumnType::Bool), 16);
        assert_eq!(type_oid(ColumnType::BigInt), 20);
        assert_eq!(type_oid(ColumnType::Array(&ColumnType::Text)), 1009);
    }
}
