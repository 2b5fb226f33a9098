//! The SQL-standard `information_schema` views clients browse with:
//! `schemata`, `tables`, `columns`, `views`, `routines` and
//! `table_privileges`, computed from the same relations as `pg_catalog`
//! (the constraint views, always empty, are in `empty`).

use hostgres_collectors::CollectError;

use super::proc::procs;
use super::type_names::format_type;
use super::types::{self, PgType};
use super::{OWNER, relations};
use crate::scan::{RowBuilder, Rows, ScanContext};
use crate::schema::ColumnType::*;
use crate::schema::{Schema, col};
use crate::table::{Namespace, Table};

/// The catalog (database) name every row reports.
fn catalog_name(cx: &ScanContext<'_>) -> String {
    let db = &cx.session().database;
    if db.is_empty() {
        OWNER.to_owned()
    } else {
        db.clone()
    }
}

/// `data_type` as the standard spells it: `ARRAY` for arrays, else PostgreSQL's name.
fn data_type(t: &PgType) -> String {
    if t.elem != 0 && t.len == -1 {
        "ARRAY".to_owned()
    } else {
        format_type(t.oid, None).unwrap_or_default()
    }
}

/// The numeric and character facets of a type, as `information_schema.columns` reports them.
fn type_facets(row: &mut RowBuilder<'_>, t: &PgType) {
    let (precision, radix, scale) = match t.name {
        "int2" => (Some(16), Some(2), Some(0)),
        "int4" => (Some(32), Some(2), Some(0)),
        "int8" => (Some(64), Some(2), Some(0)),
        "float4" => (Some(24), Some(2), None),
        "float8" => (Some(53), Some(2), None),
        "numeric" => (None, Some(10), None),
        _ => (None, None, None),
    };
    let datetime_precision = match t.name {
        "date" => Some(0),
        "time" | "timetz" | "timestamp" | "timestamptz" | "interval" => Some(6),
        _ => None,
    };
    let octet_length = matches!(t.name, "text" | "varchar" | "bpchar").then_some(1_073_741_824);
    row.set("character_octet_length", octet_length)
        .set("numeric_precision", precision)
        .set("numeric_precision_radix", radix)
        .set("numeric_scale", scale)
        .set("datetime_precision", datetime_precision);
}

pub(crate) struct Schemata;

static SCHEMATA: Schema = Schema {
    name: "schemata",
    doc: "The schemas.",
    columns: &[
        col("catalog_name", Name, ""),
        col("schema_name", Name, ""),
        col("schema_owner", Name, ""),
        col("default_character_set_catalog", Name, ""),
        col("default_character_set_schema", Name, ""),
        col("default_character_set_name", Name, ""),
        col("sql_path", Text, ""),
    ],
};

impl Table for Schemata {
    fn schema(&self) -> &'static Schema {
        &SCHEMATA
    }

    fn namespace(&self) -> Namespace {
        Namespace::InformationSchema
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let catalog = catalog_name(cx);
        for ns in Namespace::ALL {
            out.row()
                .set("catalog_name", catalog.as_str())
                .set("schema_name", ns.name())
                .set("schema_owner", OWNER);
        }
        Ok(())
    }
}

pub(crate) struct Tables;

static TABLES: Schema = Schema {
    name: "tables",
    doc: "Tables and views the session may read.",
    columns: &[
        col("table_catalog", Name, ""),
        col("table_schema", Name, ""),
        col("table_name", Name, ""),
        col("table_type", Text, ""),
        col("self_referencing_column_name", Name, ""),
        col("reference_generation", Text, ""),
        col("user_defined_type_catalog", Name, ""),
        col("user_defined_type_schema", Name, ""),
        col("user_defined_type_name", Name, ""),
        col("is_insertable_into", Text, ""),
        col("is_typed", Text, ""),
        col("commit_action", Text, ""),
    ],
};

impl Table for Tables {
    fn schema(&self) -> &'static Schema {
        &TABLES
    }

    fn namespace(&self) -> Namespace {
        Namespace::InformationSchema
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let catalog = catalog_name(cx);
        for rel in relations(cx.session()) {
            out.row()
                .set("table_catalog", catalog.as_str())
                .set("table_schema", rel.namespace().name())
                .set("table_name", rel.name())
                .set(
                    "table_type",
                    if rel.kind() == 'v' {
                        "VIEW"
                    } else {
                        "BASE TABLE"
                    },
                )
                .set("is_insertable_into", "NO")
                .set("is_typed", "NO");
        }
        Ok(())
    }
}

pub(crate) struct Columns;

static COLUMNS: Schema = Schema {
    name: "columns",
    doc: "Columns of the tables and views the session may read.",
    columns: &[
        col("table_catalog", Name, ""),
        col("table_schema", Name, ""),
        col("table_name", Name, ""),
        col("column_name", Name, ""),
        col("ordinal_position", Integer, ""),
        col("column_default", Text, ""),
        col("is_nullable", Text, ""),
        col("data_type", Text, ""),
        col("character_maximum_length", Integer, ""),
        col("character_octet_length", Integer, ""),
        col("numeric_precision", Integer, ""),
        col("numeric_precision_radix", Integer, ""),
        col("numeric_scale", Integer, ""),
        col("datetime_precision", Integer, ""),
        col("interval_type", Text, ""),
        col("interval_precision", Integer, ""),
        col("character_set_catalog", Name, ""),
        col("character_set_schema", Name, ""),
        col("character_set_name", Name, ""),
        col("collation_catalog", Name, ""),
        col("collation_schema", Name, ""),
        col("collation_name", Name, ""),
        col("domain_catalog", Name, ""),
        col("domain_schema", Name, ""),
        col("domain_name", Name, ""),
        col("udt_catalog", Name, ""),
        col("udt_schema", Name, ""),
        col("udt_name", Name, ""),
        col("scope_catalog", Name, ""),
        col("scope_schema", Name, ""),
        col("scope_name", Name, ""),
        col("maximum_cardinality", Integer, ""),
        col("dtd_identifier", Name, ""),
        col("is_self_referencing", Text, ""),
        col("is_identity", Text, ""),
        col("identity_generation", Text, ""),
        col("identity_start", Text, ""),
        col("identity_increment", Text, ""),
        col("identity_maximum", Text, ""),
        col("identity_minimum", Text, ""),
        col("identity_cycle", Text, ""),
        col("is_generated", Text, ""),
        col("generation_expression", Text, ""),
        col("is_updatable", Text, ""),
    ],
};

impl Table for Columns {
    fn schema(&self) -> &'static Schema {
        &COLUMNS
    }

    fn namespace(&self) -> Namespace {
        Namespace::InformationSchema
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let catalog = catalog_name(cx);
        for rel in relations(cx.session()) {
            for (position, column) in rel.user_columns() {
                let Some(t) = types::of_column(column.ty) else {
                    continue;
                };
                let mut row = out.row();
                row.set("table_catalog", catalog.as_str())
                    .set("table_schema", rel.namespace().name())
                    .set("table_name", rel.name())
                    .set("column_name", column.name)
                    .set("ordinal_position", position)
                    .set("is_nullable", "YES")
                    .set("data_type", data_type(t))
                    .set("udt_catalog", catalog.as_str())
                    .set("udt_schema", Namespace::PgCatalog.name())
                    .set("udt_name", t.name)
                    .set("dtd_identifier", position.to_string())
                    .set("is_self_referencing", "NO")
                    .set("is_identity", "NO")
                    .set("identity_cycle", "NO")
                    .set("is_generated", "NEVER")
                    .set("is_updatable", "NO");
                if t.collation != 0 && t.collation != 100 {
                    row.set("collation_catalog", catalog.as_str())
                        .set("collation_schema", Namespace::PgCatalog.name())
                        .set("collation_name", "C");
                }
                type_facets(&mut row, t);
            }
        }
        Ok(())
    }
}

pub(crate) struct Views;

static VIEWS: Schema = Schema {
    name: "views",
    doc: "Views the session may read; their definitions are computed by hostgres, not SQL.",
    columns: &[
        col("table_catalog", Name, ""),
        col("table_schema", Name, ""),
        col("table_name", Name, ""),
        col("view_definition", Text, ""),
        col("check_option", Text, ""),
        col("is_updatable", Text, ""),
        col("is_insertable_into", Text, ""),
        col("is_trigger_updatable", Text, ""),
        col("is_trigger_deletable", Text, ""),
        col("is_trigger_insertable_into", Text, ""),
    ],
};

impl Table for Views {
    fn schema(&self) -> &'static Schema {
        &VIEWS
    }

    fn namespace(&self) -> Namespace {
        Namespace::InformationSchema
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let catalog = catalog_name(cx);
        for rel in relations(cx.session()).filter(|r| r.kind() == 'v') {
            out.row()
                .set("table_catalog", catalog.as_str())
                .set("table_schema", rel.namespace().name())
                .set("table_name", rel.name())
                .set("check_option", "NONE")
                .set("is_updatable", "NO")
                .set("is_insertable_into", "NO")
                .set("is_trigger_updatable", "NO")
                .set("is_trigger_deletable", "NO")
                .set("is_trigger_insertable_into", "NO");
        }
        Ok(())
    }
}

pub(crate) struct Routines;

static ROUTINES: Schema = Schema {
    name: "routines",
    doc: "Functions hostgres defines.",
    columns: &[
        col("specific_catalog", Name, ""),
        col("specific_schema", Name, ""),
        col("specific_name", Name, ""),
        col("routine_catalog", Name, ""),
        col("routine_schema", Name, ""),
        col("routine_name", Name, ""),
        col("routine_type", Text, ""),
        col("module_catalog", Name, ""),
        col("module_schema", Name, ""),
        col("module_name", Name, ""),
        col("udt_catalog", Name, ""),
        col("udt_schema", Name, ""),
        col("udt_name", Name, ""),
        col("data_type", Text, ""),
        col("character_maximum_length", Integer, ""),
        col("character_octet_length", Integer, ""),
        col("character_set_catalog", Name, ""),
        col("character_set_schema", Name, ""),
        col("character_set_name", Name, ""),
        col("collation_catalog", Name, ""),
        col("collation_schema", Name, ""),
        col("collation_name", Name, ""),
        col("numeric_precision", Integer, ""),
        col("numeric_precision_radix", Integer, ""),
        col("numeric_scale", Integer, ""),
        col("datetime_precision", Integer, ""),
        col("interval_type", Text, ""),
        col("interval_precision", Integer, ""),
        col("type_udt_catalog", Name, ""),
        col("type_udt_schema", Name, ""),
        col("type_udt_name", Name, ""),
        col("scope_catalog", Name, ""),
        col("scope_schema", Name, ""),
        col("scope_name", Name, ""),
        col("maximum_cardinality", Integer, ""),
        col("dtd_identifier", Name, ""),
        col("routine_body", Text, ""),
        col("routine_definition", Text, ""),
        col("external_name", Text, ""),
        col("external_language", Text, ""),
        col("parameter_style", Text, ""),
        col("is_deterministic", Text, ""),
        col("sql_data_access", Text, ""),
        col("is_null_call", Text, ""),
        col("sql_path", Text, ""),
        col("schema_level_routine", Text, ""),
        col("max_dynamic_result_sets", Integer, ""),
        col("is_user_defined_cast", Text, ""),
        col("is_implicitly_invocable", Text, ""),
        col("security_type", Text, ""),
        col("to_sql_specific_catalog", Name, ""),
        col("to_sql_specific_schema", Name, ""),
        col("to_sql_specific_name", Name, ""),
        col("as_locator", Text, ""),
        col("created", TimestampTz, ""),
        col("last_altered", TimestampTz, ""),
        col("new_savepoint_level", Text, ""),
        col("is_udt_dependent", Text, ""),
        col("result_cast_from_data_type", Text, ""),
        col("result_cast_as_locator", Text, ""),
        col("result_cast_char_max_length", Integer, ""),
        col("result_cast_char_octet_length", Integer, ""),
        col("result_cast_char_set_catalog", Name, ""),
        col("result_cast_char_set_schema", Name, ""),
        col("result_cast_char_set_name", Name, ""),
        col("result_cast_collation_catalog", Name, ""),
        col("result_cast_collation_schema", Name, ""),
        col("result_cast_collation_name", Name, ""),
        col("result_cast_numeric_precision", Integer, ""),
        col("result_cast_numeric_precision_radix", Integer, ""),
        col("result_cast_numeric_scale", Integer, ""),
        col("result_cast_datetime_precision", Integer, ""),
        col("result_cast_interval_type", Text, ""),
        col("result_cast_interval_precision", Integer, ""),
        col("result_cast_type_udt_catalog", Name, ""),
        col("result_cast_type_udt_schema", Name, ""),
        col("result_cast_type_udt_name", Name, ""),
        col("result_cast_scope_catalog", Name, ""),
        col("result_cast_scope_schema", Name, ""),
        col("result_cast_scope_name", Name, ""),
        col("result_cast_maximum_cardinality", Integer, ""),
        col("result_cast_dtd_identifier", Name, ""),
    ],
};

impl Table for Routines {
    fn schema(&self) -> &'static Schema {
        &ROUTINES
    }

    fn namespace(&self) -> Namespace {
        Namespace::InformationSchema
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let catalog = catalog_name(cx);
        for p in procs() {
            let specific = format!("{}_{}", p.name, p.oid);
            let mut row = out.row();
            row.set("specific_catalog", catalog.as_str())
                .set("specific_schema", Namespace::PgCatalog.name())
                .set("specific_name", specific)
                .set("routine_catalog", catalog.as_str())
                .set("routine_schema", Namespace::PgCatalog.name())
                .set("routine_name", p.name)
                .set("routine_type", "FUNCTION")
                .set("routine_body", "EXTERNAL")
                .set("external_name", p.name)
                .set("external_language", "INTERNAL")
                .set("parameter_style", "GENERAL")
                .set("is_deterministic", "NO")
                .set("sql_data_access", "MODIFIES")
                .set("is_null_call", "NO")
                .set("schema_level_routine", "YES")
                .set("max_dynamic_result_sets", 0)
                .set("is_user_defined_cast", "NO")
                .set("is_implicitly_invocable", "NO")
                .set("security_type", "INVOKER")
                .set("as_locator", "NO")
                .set("is_udt_dependent", "NO")
                .set("dtd_identifier", "0");
            if let Some(t) = types::by_oid(p.result) {
                row.set("data_type", data_type(t))
                    .set("type_udt_catalog", catalog.as_str())
                    .set("type_udt_schema", Namespace::PgCatalog.name())
                    .set("type_udt_name", t.name);
                type_facets(&mut row, t);
            }
        }
        Ok(())
    }
}

pub(crate) struct TablePrivileges;

static TABLE_PRIVILEGES: Schema = Schema {
    name: "table_privileges",
    doc: "The SELECT privilege the session has on each table and view it may read.",
    columns: &[
        col("grantor", Name, ""),
        col("grantee", Name, ""),
        col("table_catalog", Name, ""),
        col("table_schema", Name, ""),
        col("table_name", Name, ""),
        col("privilege_type", Text, ""),
        col("is_grantable", Text, ""),
        col("with_hierarchy", Text, ""),
    ],
};

impl Table for TablePrivileges {
    fn schema(&self) -> &'static Schema {
        &TABLE_PRIVILEGES
    }

    fn namespace(&self) -> Namespace {
        Namespace::InformationSchema
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let catalog = catalog_name(cx);
        let grantee = cx.session().user.as_str();
        for rel in relations(cx.session()) {
            out.row()
                .set("grantor", OWNER)
                .set("grantee", grantee)
                .set("table_catalog", catalog.as_str())
                .set("table_schema", rel.namespace().name())
                .set("table_name", rel.name())
                .set("privilege_type", "SELECT")
                .set("is_grantable", "NO")
                .set("with_hierarchy", "NO");
        }
        Ok(())
    }
}
