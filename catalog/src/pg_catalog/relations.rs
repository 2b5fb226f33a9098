//! The views over relations: `pg_tables`, `pg_views`, `pg_matviews`,
//! `pg_indexes` and `pg_stat_user_tables`.

use hostgres_collectors::CollectError;

use super::{OWNER, relations};
use crate::scan::{Rows, ScanContext};
use crate::schema::ColumnType::*;
use crate::schema::{Schema, col};
use crate::table::{Namespace, Table};

pub(crate) struct PgTables;

static TABLES: Schema = Schema {
    name: "pg_tables",
    doc: "Tables the session may read.",
    columns: &[
        col("schemaname", Name, "Schema name."),
        col("tablename", Name, "Table name."),
        col("tableowner", Name, "Owner's name."),
        col("tablespace", Name, "NULL: the default tablespace."),
        col("hasindexes", Bool, "false."),
        col("hasrules", Bool, "false."),
        col("hastriggers", Bool, "false."),
        col("rowsecurity", Bool, "false."),
    ],
};

impl Table for PgTables {
    fn schema(&self) -> &'static Schema {
        &TABLES
    }

    fn namespace(&self) -> Namespace {
        Namespace::PgCatalog
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        for rel in relations(cx.session()).filter(|r| r.kind() == 'r') {
            out.row()
                .set("schemaname", rel.namespace().name())
                .set("tablename", rel.name())
                .set("tableowner", OWNER)
                .set("hasindexes", false)
                .set("hasrules", false)
                .set("hastriggers", false)
                .set("rowsecurity", false);
        }
        Ok(())
    }
}

pub(crate) struct PgViews;

static VIEWS: Schema = Schema {
    name: "pg_views",
    doc: "Views the session may read: the catalog's views, computed by hostgres rather than defined in SQL.",
    columns: &[
        col("schemaname", Name, "Schema name."),
        col("viewname", Name, "View name."),
        col("viewowner", Name, "Owner's name."),
        col(
            "definition",
            Text,
            "NULL: the view is computed by hostgres, not defined in SQL.",
        ),
    ],
};

impl Table for PgViews {
    fn schema(&self) -> &'static Schema {
        &VIEWS
    }

    fn namespace(&self) -> Namespace {
        Namespace::PgCatalog
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        for rel in relations(cx.session()).filter(|r| r.kind() == 'v') {
            out.row()
                .set("schemaname", rel.namespace().name())
                .set("viewname", rel.name())
                .set("viewowner", OWNER);
        }
        Ok(())
    }
}

pub(crate) struct PgMatviews;

static MATVIEWS: Schema = Schema {
    name: "pg_matviews",
    doc: "Materialized views; hostgres has none.",
    columns: &[
        col("schemaname", Name, "Schema name."),
        col("matviewname", Name, "Materialized view name."),
        col("matviewowner", Name, "Owner's name."),
        col("tablespace", Name, "Tablespace."),
        col("hasindexes", Bool, "Whether it has indexes."),
        col("ispopulated", Bool, "Whether it is populated."),
        col("definition", Text, "Its query."),
    ],
};

impl Table for PgMatviews {
    fn schema(&self) -> &'static Schema {
        &MATVIEWS
    }

    fn namespace(&self) -> Namespace {
        Namespace::PgCatalog
    }

    fn generate(&self, _cx: &ScanContext<'_>, _out: &mut Rows) -> Result<(), CollectError> {
        Ok(())
    }
}

pub(crate) struct PgIndexes;

static INDEXES: Schema = Schema {
    name: "pg_indexes",
    doc: "Indexes; host tables have none (equality on indexed columns is pushed down instead).",
    columns: &[
        col("schemaname", Name, "Schema name."),
        col("tablename", Name, "Table name."),
        col("indexname", Name, "Index name."),
        col("tablespace", Name, "Tablespace."),
        col("indexdef", Text, "CREATE INDEX statement."),
    ],
};

impl Table for PgIndexes {
    fn schema(&self) -> &'static Schema {
        &INDEXES
    }

    fn namespace(&self) -> Namespace {
        Namespace::PgCatalog
    }

    fn generate(&self, _cx: &ScanContext<'_>, _out: &mut Rows) -> Result<(), CollectError> {
        Ok(())
    }
}

pub(crate) struct PgStatUserTables;

static STAT_USER_TABLES: Schema = Schema {
    name: "pg_stat_user_tables",
    doc: "Access statistics of the tables outside pg_catalog and information_schema; hostgres keeps none, so the counters are NULL.",
    columns: &[
        col("relid", Oid, "Table (pg_class.oid)."),
        col("schemaname", Name, "Schema name."),
        col("relname", Name, "Table name."),
        col("seq_scan", BigInt, "NULL."),
        col("seq_tup_read", BigInt, "NULL."),
        col("idx_scan", BigInt, "NULL."),
        col("idx_tup_fetch", BigInt, "NULL."),
        col("n_tup_ins", BigInt, "0: the tables are read-only."),
        col("n_tup_upd", BigInt, "0: the tables are read-only."),
        col("n_tup_del", BigInt, "0: the tables are read-only."),
        col("n_tup_hot_upd", BigInt, "0: the tables are read-only."),
        col("n_live_tup", BigInt, "NULL: unknown until read."),
        col("n_dead_tup", BigInt, "0."),
        col("n_mod_since_analyze", BigInt, "0."),
        col("n_ins_since_vacuum", BigInt, "0."),
        col("last_vacuum", TimestampTz, "NULL."),
        col("last_autovacuum", TimestampTz, "NULL."),
        col("last_analyze", TimestampTz, "NULL."),
        col("last_autoanalyze", TimestampTz, "NULL."),
        col("vacuum_count", BigInt, "0."),
        col("autovacuum_count", BigInt, "0."),
        col("analyze_count", BigInt, "0."),
        col("autoanalyze_count", BigInt, "0."),
    ],
};

impl Table for PgStatUserTables {
    fn schema(&self) -> &'static Schema {
        &STAT_USER_TABLES
    }

    fn namespace(&self) -> Namespace {
        Namespace::PgCatalog
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let user_tables = relations(cx.session()).filter(|r| {
            r.kind() == 'r'
                && !matches!(
                    r.namespace(),
                    Namespace::PgCatalog | Namespace::InformationSchema
                )
        });
        for rel in user_tables {
            let mut row = out.row();
            row.set("relid", rel.oid)
                .set("schemaname", rel.namespace().name())
                .set("relname", rel.name());
            for zero in [
                "n_tup_ins",
                "n_tup_upd",
                "n_tup_del",
                "n_tup_hot_upd",
                "n_dead_tup",
                "n_mod_since_analyze",
                "n_ins_since_vacuum",
                "vacuum_count",
                "autovacuum_count",
                "analyze_count",
                "autoanalyze_count",
            ] {
                row.set(zero, 0);
            }
        }
        Ok(())
    }
}
