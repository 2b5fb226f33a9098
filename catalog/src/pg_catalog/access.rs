//! `pg_am`, `pg_collation`, `pg_language` and `pg_tablespace`: the few
//! fixed objects relations and functions refer to.

use hostgres_collectors::CollectError;

use super::empty::TABLEOID_DOC;
use super::{DEFAULT_TABLESPACE_OID, GLOBAL_TABLESPACE_OID, OWNER_OID, table_am_oid};
use crate::oid::{namespace_oid, table_oid};
use crate::scan::{Rows, ScanContext};
use crate::schema::ColumnType::*;
use crate::schema::{Schema, col};
use crate::table::{Namespace, Table};

/// The OID of the `internal` language, that of every hostgres function.
pub(crate) const INTERNAL_LANGUAGE_OID: u32 = 12;

pub(crate) struct PgAm;

static AM: Schema = Schema {
    name: "pg_am",
    doc: "Access methods: hostgres, the method of the host's tables.",
    columns: &[
        col("oid", Oid, "Access method OID."),
        col("amname", Name, "Access method name."),
        col(
            "amhandler",
            Oid,
            "Handler function; 0, built into hostgres.",
        ),
        col("amtype", Char, "t: table access method."),
    ],
};

impl Table for PgAm {
    fn schema(&self) -> &'static Schema {
        &AM
    }

    fn namespace(&self) -> Namespace {
        Namespace::PgCatalog
    }

    fn generate(&self, _cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        out.row()
            .set("oid", table_am_oid())
            .set("amname", "hostgres")
            .set("amhandler", 0)
            .set("amtype", "t");
        Ok(())
    }
}

pub(crate) struct PgCollation;

static COLLATION: Schema = Schema {
    name: "pg_collation",
    doc: "Collations: default, C and POSIX; text compares byte by byte.",
    columns: &[
        col("oid", Oid, "Collation OID."),
        col("collname", Name, "Collation name."),
        col("collnamespace", Oid, "Schema (pg_namespace.oid)."),
        col("collowner", Oid, "Owner (pg_roles.oid)."),
        col("collprovider", Char, "d: database default, c: libc."),
        col("collisdeterministic", Bool, "true."),
        col("collencoding", Integer, "-1: any encoding."),
        col("collcollate", Text, "LC_COLLATE."),
        col("collctype", Text, "LC_CTYPE."),
        col("colliculocale", Text, "ICU locale; NULL."),
        col("collversion", Text, "NULL."),
    ],
};

impl Table for PgCollation {
    fn schema(&self) -> &'static Schema {
        &COLLATION
    }

    fn namespace(&self) -> Namespace {
        Namespace::PgCatalog
    }

    fn generate(&self, _cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        for (oid, name, provider, locale) in [
            (100u32, "default", "d", None),
            (950, "C", "c", Some("C")),
            (951, "POSIX", "c", Some("POSIX")),
        ] {
            out.row()
                .set("oid", oid)
                .set("collname", name)
                .set("collnamespace", namespace_oid(Namespace::PgCatalog))
                .set("collowner", OWNER_OID)
                .set("collprovider", provider)
                .set("collisdeterministic", true)
                .set("collencoding", -1)
                .set("collcollate", locale)
                .set("collctype", locale);
        }
        Ok(())
    }
}

pub(crate) struct PgLanguage;

static LANGUAGE: Schema = Schema {
    name: "pg_language",
    doc: "Languages functions are written in: internal, that of every hostgres function.",
    columns: &[
        col("oid", Oid, "Language OID."),
        col("lanname", Name, "Language name."),
        col("lanowner", Oid, "Owner (pg_roles.oid)."),
        col(
            "lanispl",
            Bool,
            "Whether it is a procedural language; false.",
        ),
        col("lanpltrusted", Bool, "false."),
        col("lanplcallfoid", Oid, "0."),
        col("laninline", Oid, "0."),
        col("lanvalidator", Oid, "0."),
        col("lanacl", Array(&Text), "NULL."),
        col("tableoid", Oid, TABLEOID_DOC).hidden(),
    ],
};

impl Table for PgLanguage {
    fn schema(&self) -> &'static Schema {
        &LANGUAGE
    }

    fn namespace(&self) -> Namespace {
        Namespace::PgCatalog
    }

    fn generate(&self, _cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        out.row()
            .set("oid", INTERNAL_LANGUAGE_OID)
            .set("lanname", "internal")
            .set("lanowner", OWNER_OID)
            .set("lanispl", false)
            .set("lanpltrusted", false)
            .set("lanplcallfoid", 0)
            .set("laninline", 0)
            .set("lanvalidator", 0)
            .set("tableoid", table_oid(Namespace::PgCatalog, "pg_language"));
        Ok(())
    }
}

pub(crate) struct PgTablespace;

static TABLESPACE: Schema = Schema {
    name: "pg_tablespace",
    doc: "Tablespaces: PostgreSQL's two built-in ones; hostgres stores nothing in them.",
    columns: &[
        col("oid", Oid, "Tablespace OID."),
        col("spcname", Name, "Tablespace name."),
        col("spcowner", Oid, "Owner (pg_roles.oid)."),
        col("spcacl", Array(&Text), "NULL."),
        col("spcoptions", Array(&Text), "NULL."),
    ],
};

impl Table for PgTablespace {
    fn schema(&self) -> &'static Schema {
        &TABLESPACE
    }

    fn namespace(&self) -> Namespace {
        Namespace::PgCatalog
    }

    fn generate(&self, _cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        for (oid, name) in [
            (DEFAULT_TABLESPACE_OID, "pg_default"),
            (GLOBAL_TABLESPACE_OID, "pg_global"),
        ] {
            out.row()
                .set("oid", oid)
                .set("spcname", name)
                .set("spcowner", OWNER_OID);
        }
        Ok(())
    }
}
