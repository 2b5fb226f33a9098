//! Catalog relations hostgres has nothing to put in: present, with
//! PostgreSQL's columns, and empty, so that the queries clients send about
//! indexes, constraints, triggers, publications and the like still run.

use hostgres_collectors::CollectError;

use crate::scan::{Rows, ScanContext};
use crate::schema::ColumnType::*;
use crate::schema::{Schema, col};
use crate::table::{Namespace, Table};

/// The description of PostgreSQL's `tableoid` system column, which psql reads
/// from some catalogs.
pub(super) const TABLEOID_DOC: &str = "System column: the OID of the catalog the row is in.";

/// A relation that always has no rows.
pub(crate) struct Empty {
    schema: &'static Schema,
    namespace: Namespace,
}

impl Table for Empty {
    fn schema(&self) -> &'static Schema {
        self.schema
    }

    fn namespace(&self) -> Namespace {
        self.namespace
    }

    fn generate(&self, _cx: &ScanContext<'_>, _out: &mut Rows) -> Result<(), CollectError> {
        Ok(())
    }
}

static PG_AGGREGATE_SCHEMA: Schema = Schema {
    name: "pg_aggregate",
    doc: "Aggregate functions; hostgres defines none in SQL.",
    columns: &[
        col("aggfnoid", Oid, ""),
        col("aggkind", Char, ""),
        col("aggnumdirectargs", SmallInt, ""),
        col("aggtransfn", Oid, ""),
        col("aggfinalfn", Oid, ""),
        col("aggcombinefn", Oid, ""),
        col("aggserialfn", Oid, ""),
        col("aggdeserialfn", Oid, ""),
        col("aggmtransfn", Oid, ""),
        col("aggminvtransfn", Oid, ""),
        col("aggmfinalfn", Oid, ""),
        col("aggfinalextra", Bool, ""),
        col("aggmfinalextra", Bool, ""),
        col("aggfinalmodify", Char, ""),
        col("aggmfinalmodify", Char, ""),
        col("aggsortop", Oid, ""),
        col("aggtranstype", Oid, ""),
        col("aggtransspace", Integer, ""),
        col("aggmtranstype", Oid, ""),
        col("aggmtransspace", Integer, ""),
        col("agginitval", Text, ""),
        col("aggminitval", Text, ""),
    ],
};

pub(super) static PG_AGGREGATE: Empty = Empty {
    schema: &PG_AGGREGATE_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_ATTRDEF_SCHEMA: Schema = Schema {
    name: "pg_attrdef",
    doc: "Column defaults; host tables have none.",
    columns: &[
        col("oid", Oid, ""),
        col("adrelid", Oid, ""),
        col("adnum", SmallInt, ""),
        col("adbin", Text, ""),
    ],
};

pub(super) static PG_ATTRDEF: Empty = Empty {
    schema: &PG_ATTRDEF_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_CAST_SCHEMA: Schema = Schema {
    name: "pg_cast",
    doc: "Casts between types; hostgres does not catalog its casts.",
    columns: &[
        col("oid", Oid, ""),
        col("castsource", Oid, ""),
        col("casttarget", Oid, ""),
        col("castfunc", Oid, ""),
        col("castcontext", Char, ""),
        col("castmethod", Char, ""),
    ],
};

pub(super) static PG_CAST: Empty = Empty {
    schema: &PG_CAST_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_CONSTRAINT_SCHEMA: Schema = Schema {
    name: "pg_constraint",
    doc: "Check, primary key, unique and foreign key constraints; host tables have none.",
    columns: &[
        col("oid", Oid, ""),
        col("conname", Name, ""),
        col("connamespace", Oid, ""),
        col("contype", Char, ""),
        col("condeferrable", Bool, ""),
        col("condeferred", Bool, ""),
        col("convalidated", Bool, ""),
        col("conrelid", Oid, ""),
        col("contypid", Oid, ""),
        col("conindid", Oid, ""),
        col("conparentid", Oid, ""),
        col("confrelid", Oid, ""),
        col("confupdtype", Char, ""),
        col("confdeltype", Char, ""),
        col("confmatchtype", Char, ""),
        col("conislocal", Bool, ""),
        col("coninhcount", Integer, ""),
        col("connoinherit", Bool, ""),
        col("conkey", Array(&SmallInt), ""),
        col("confkey", Array(&SmallInt), ""),
        col("conpfeqop", Array(&Oid), ""),
        col("conppeqop", Array(&Oid), ""),
        col("conffeqop", Array(&Oid), ""),
        col("confdelsetcols", Array(&SmallInt), ""),
        col("conexclop", Array(&Oid), ""),
        col("conbin", Text, ""),
        col("tableoid", Oid, TABLEOID_DOC).hidden(),
    ],
};

pub(super) static PG_CONSTRAINT: Empty = Empty {
    schema: &PG_CONSTRAINT_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_CONVERSION_SCHEMA: Schema = Schema {
    name: "pg_conversion",
    doc: "Encoding conversions; hostgres speaks only UTF8.",
    columns: &[
        col("oid", Oid, ""),
        col("conname", Name, ""),
        col("connamespace", Oid, ""),
        col("conowner", Oid, ""),
        col("conforencoding", Integer, ""),
        col("contoencoding", Integer, ""),
        col("conproc", Oid, ""),
        col("condefault", Bool, ""),
    ],
};

pub(super) static PG_CONVERSION: Empty = Empty {
    schema: &PG_CONVERSION_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_DB_ROLE_SETTING_SCHEMA: Schema = Schema {
    name: "pg_db_role_setting",
    doc: "Per-role and per-database settings; hostgres has none.",
    columns: &[
        col("setdatabase", Oid, ""),
        col("setrole", Oid, ""),
        col("setconfig", Array(&Text), ""),
    ],
};

pub(super) static PG_DB_ROLE_SETTING: Empty = Empty {
    schema: &PG_DB_ROLE_SETTING_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_DEFAULT_ACL_SCHEMA: Schema = Schema {
    name: "pg_default_acl",
    doc: "Default privileges for new objects; hostgres creates none.",
    columns: &[
        col("oid", Oid, ""),
        col("defaclrole", Oid, ""),
        col("defaclnamespace", Oid, ""),
        col("defaclobjtype", Char, ""),
        col("defaclacl", Array(&Text), ""),
    ],
};

pub(super) static PG_DEFAULT_ACL: Empty = Empty {
    schema: &PG_DEFAULT_ACL_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_DEPEND_SCHEMA: Schema = Schema {
    name: "pg_depend",
    doc: "Dependencies between objects; hostgres records none.",
    columns: &[
        col("classid", Oid, ""),
        col("objid", Oid, ""),
        col("objsubid", Integer, ""),
        col("refclassid", Oid, ""),
        col("refobjid", Oid, ""),
        col("refobjsubid", Integer, ""),
        col("deptype", Char, ""),
    ],
};

pub(super) static PG_DEPEND: Empty = Empty {
    schema: &PG_DEPEND_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_ENUM_SCHEMA: Schema = Schema {
    name: "pg_enum",
    doc: "Enum labels; hostgres has no enum types.",
    columns: &[
        col("oid", Oid, ""),
        col("enumtypid", Oid, ""),
        col("enumsortorder", Real, ""),
        col("enumlabel", Name, ""),
    ],
};

pub(super) static PG_ENUM: Empty = Empty {
    schema: &PG_ENUM_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_EVENT_TRIGGER_SCHEMA: Schema = Schema {
    name: "pg_event_trigger",
    doc: "Event triggers; hostgres has none.",
    columns: &[
        col("oid", Oid, ""),
        col("evtname", Name, ""),
        col("evtevent", Name, ""),
        col("evtowner", Oid, ""),
        col("evtfoid", Oid, ""),
        col("evtenabled", Char, ""),
        col("evttags", Array(&Text), ""),
    ],
};

pub(super) static PG_EVENT_TRIGGER: Empty = Empty {
    schema: &PG_EVENT_TRIGGER_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_EXTENSION_SCHEMA: Schema = Schema {
    name: "pg_extension",
    doc: "Installed extensions; hostgres has none.",
    columns: &[
        col("oid", Oid, ""),
        col("extname", Name, ""),
        col("extowner", Oid, ""),
        col("extnamespace", Oid, ""),
        col("extrelocatable", Bool, ""),
        col("extversion", Text, ""),
        col("extconfig", Array(&Oid), ""),
        col("extcondition", Array(&Text), ""),
    ],
};

pub(super) static PG_EXTENSION: Empty = Empty {
    schema: &PG_EXTENSION_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_FOREIGN_DATA_WRAPPER_SCHEMA: Schema = Schema {
    name: "pg_foreign_data_wrapper",
    doc: "Foreign-data wrappers; hostgres has none.",
    columns: &[
        col("oid", Oid, ""),
        col("fdwname", Name, ""),
        col("fdwowner", Oid, ""),
        col("fdwhandler", Oid, ""),
        col("fdwvalidator", Oid, ""),
        col("fdwacl", Array(&Text), ""),
        col("fdwoptions", Array(&Text), ""),
    ],
};

pub(super) static PG_FOREIGN_DATA_WRAPPER: Empty = Empty {
    schema: &PG_FOREIGN_DATA_WRAPPER_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_FOREIGN_SERVER_SCHEMA: Schema = Schema {
    name: "pg_foreign_server",
    doc: "Foreign servers; hostgres has none.",
    columns: &[
        col("oid", Oid, ""),
        col("srvname", Name, ""),
        col("srvowner", Oid, ""),
        col("srvfdw", Oid, ""),
        col("srvtype", Text, ""),
        col("srvversion", Text, ""),
        col("srvacl", Array(&Text), ""),
        col("srvoptions", Array(&Text), ""),
    ],
};

pub(super) static PG_FOREIGN_SERVER: Empty = Empty {
    schema: &PG_FOREIGN_SERVER_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_FOREIGN_TABLE_SCHEMA: Schema = Schema {
    name: "pg_foreign_table",
    doc: "Foreign tables; hostgres has none.",
    columns: &[
        col("ftrelid", Oid, ""),
        col("ftserver", Oid, ""),
        col("ftoptions", Array(&Text), ""),
    ],
};

pub(super) static PG_FOREIGN_TABLE: Empty = Empty {
    schema: &PG_FOREIGN_TABLE_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_INDEX_SCHEMA: Schema = Schema {
    name: "pg_index",
    doc: "Indexes; host tables have none (equality on indexed columns is pushed down instead).",
    columns: &[
        col("indexrelid", Oid, ""),
        col("indrelid", Oid, ""),
        col("indnatts", SmallInt, ""),
        col("indnkeyatts", SmallInt, ""),
        col("indisunique", Bool, ""),
        col("indnullsnotdistinct", Bool, ""),
        col("indisprimary", Bool, ""),
        col("indisexclusion", Bool, ""),
        col("indimmediate", Bool, ""),
        col("indisclustered", Bool, ""),
        col("indisvalid", Bool, ""),
        col("indcheckxmin", Bool, ""),
        col("indisready", Bool, ""),
        col("indislive", Bool, ""),
        col("indisreplident", Bool, ""),
        col("indkey", Int2Vector, ""),
        col("indcollation", OidVector, ""),
        col("indclass", OidVector, ""),
        col("indoption", Int2Vector, ""),
        col("indexprs", Text, ""),
        col("indpred", Text, ""),
    ],
};

pub(super) static PG_INDEX: Empty = Empty {
    schema: &PG_INDEX_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_INHERITS_SCHEMA: Schema = Schema {
    name: "pg_inherits",
    doc: "Table inheritance and partitions; host tables have none.",
    columns: &[
        col("inhrelid", Oid, ""),
        col("inhparent", Oid, ""),
        col("inhseqno", Integer, ""),
        col("inhdetachpending", Bool, ""),
    ],
};

pub(super) static PG_INHERITS: Empty = Empty {
    schema: &PG_INHERITS_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_INIT_PRIVS_SCHEMA: Schema = Schema {
    name: "pg_init_privs",
    doc: "Initial privileges of objects; hostgres records none.",
    columns: &[
        col("objoid", Oid, ""),
        col("classoid", Oid, ""),
        col("objsubid", Integer, ""),
        col("privtype", Char, ""),
        col("initprivs", Array(&Text), ""),
    ],
};

pub(super) static PG_INIT_PRIVS: Empty = Empty {
    schema: &PG_INIT_PRIVS_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_LARGEOBJECT_METADATA_SCHEMA: Schema = Schema {
    name: "pg_largeobject_metadata",
    doc: "Large objects; hostgres has none.",
    columns: &[
        col("oid", Oid, ""),
        col("lomowner", Oid, ""),
        col("lomacl", Array(&Text), ""),
    ],
};

pub(super) static PG_LARGEOBJECT_METADATA: Empty = Empty {
    schema: &PG_LARGEOBJECT_METADATA_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_LOCKS_SCHEMA: Schema = Schema {
    name: "pg_locks",
    doc: "Locks held by sessions; hostgres takes none that clients can see.",
    columns: &[
        col("locktype", Text, ""),
        col("database", Oid, ""),
        col("relation", Oid, ""),
        col("page", Integer, ""),
        col("tuple", SmallInt, ""),
        col("virtualxid", Text, ""),
        col("transactionid", Integer, ""),
        col("classid", Oid, ""),
        col("objid", Oid, ""),
        col("objsubid", SmallInt, ""),
        col("virtualtransaction", Text, ""),
        col("pid", Integer, ""),
        col("mode", Text, ""),
        col("granted", Bool, ""),
        col("fastpath", Bool, ""),
        col("waitstart", TimestampTz, ""),
    ],
};

pub(super) static PG_LOCKS: Empty = Empty {
    schema: &PG_LOCKS_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_OPCLASS_SCHEMA: Schema = Schema {
    name: "pg_opclass",
    doc: "Index operator classes; hostgres has no indexes.",
    columns: &[
        col("oid", Oid, ""),
        col("opcmethod", Oid, ""),
        col("opcname", Name, ""),
        col("opcnamespace", Oid, ""),
        col("opcowner", Oid, ""),
        col("opcfamily", Oid, ""),
        col("opcintype", Oid, ""),
        col("opcdefault", Bool, ""),
        col("opckeytype", Oid, ""),
        col("tableoid", Oid, TABLEOID_DOC).hidden(),
    ],
};

pub(super) static PG_OPCLASS: Empty = Empty {
    schema: &PG_OPCLASS_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_OPERATOR_SCHEMA: Schema = Schema {
    name: "pg_operator",
    doc: "Operators; hostgres does not catalog its operators.",
    columns: &[
        col("oid", Oid, ""),
        col("oprname", Name, ""),
        col("oprnamespace", Oid, ""),
        col("oprowner", Oid, ""),
        col("oprkind", Char, ""),
        col("oprcanmerge", Bool, ""),
        col("oprcanhash", Bool, ""),
        col("oprleft", Oid, ""),
        col("oprright", Oid, ""),
        col("oprresult", Oid, ""),
        col("oprcom", Oid, ""),
        col("oprnegate", Oid, ""),
        col("oprcode", Oid, ""),
        col("oprrest", Oid, ""),
        col("oprjoin", Oid, ""),
    ],
};

pub(super) static PG_OPERATOR: Empty = Empty {
    schema: &PG_OPERATOR_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_OPFAMILY_SCHEMA: Schema = Schema {
    name: "pg_opfamily",
    doc: "Index operator families; hostgres has no indexes.",
    columns: &[
        col("oid", Oid, ""),
        col("opfmethod", Oid, ""),
        col("opfname", Name, ""),
        col("opfnamespace", Oid, ""),
        col("opfowner", Oid, ""),
        col("tableoid", Oid, TABLEOID_DOC).hidden(),
    ],
};

pub(super) static PG_OPFAMILY: Empty = Empty {
    schema: &PG_OPFAMILY_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_PARTITIONED_TABLE_SCHEMA: Schema = Schema {
    name: "pg_partitioned_table",
    doc: "Partitioning keys; host tables are not partitioned.",
    columns: &[
        col("partrelid", Oid, ""),
        col("partstrat", Char, ""),
        col("partnatts", SmallInt, ""),
        col("partdefid", Oid, ""),
        col("partattrs", Int2Vector, ""),
        col("partclass", OidVector, ""),
        col("partcollation", OidVector, ""),
        col("partexprs", Text, ""),
    ],
};

pub(super) static PG_PARTITIONED_TABLE: Empty = Empty {
    schema: &PG_PARTITIONED_TABLE_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_POLICY_SCHEMA: Schema = Schema {
    name: "pg_policy",
    doc: "Row-level security policies; hostgres has none.",
    columns: &[
        col("oid", Oid, ""),
        col("polname", Name, ""),
        col("polrelid", Oid, ""),
        col("polcmd", Char, ""),
        col("polpermissive", Bool, ""),
        col("polroles", Array(&Oid), ""),
        col("polqual", Text, ""),
        col("polwithcheck", Text, ""),
    ],
};

pub(super) static PG_POLICY: Empty = Empty {
    schema: &PG_POLICY_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_PREPARED_XACTS_SCHEMA: Schema = Schema {
    name: "pg_prepared_xacts",
    doc: "Prepared two-phase transactions; hostgres has none.",
    columns: &[
        col("transaction", Integer, ""),
        col("gid", Text, ""),
        col("prepared", TimestampTz, ""),
        col("owner", Name, ""),
        col("database", Name, ""),
    ],
};

pub(super) static PG_PREPARED_XACTS: Empty = Empty {
    schema: &PG_PREPARED_XACTS_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_PUBLICATION_SCHEMA: Schema = Schema {
    name: "pg_publication",
    doc: "Logical replication publications; hostgres has none.",
    columns: &[
        col("oid", Oid, ""),
        col("pubname", Name, ""),
        col("pubowner", Oid, ""),
        col("puballtables", Bool, ""),
        col("pubinsert", Bool, ""),
        col("pubupdate", Bool, ""),
        col("pubdelete", Bool, ""),
        col("pubtruncate", Bool, ""),
        col("pubviaroot", Bool, ""),
    ],
};

pub(super) static PG_PUBLICATION: Empty = Empty {
    schema: &PG_PUBLICATION_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_PUBLICATION_NAMESPACE_SCHEMA: Schema = Schema {
    name: "pg_publication_namespace",
    doc: "Schemas in publications; hostgres has none.",
    columns: &[
        col("oid", Oid, ""),
        col("pnpubid", Oid, ""),
        col("pnnspid", Oid, ""),
    ],
};

pub(super) static PG_PUBLICATION_NAMESPACE: Empty = Empty {
    schema: &PG_PUBLICATION_NAMESPACE_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_PUBLICATION_REL_SCHEMA: Schema = Schema {
    name: "pg_publication_rel",
    doc: "Tables in publications; hostgres has none.",
    columns: &[
        col("oid", Oid, ""),
        col("prpubid", Oid, ""),
        col("prrelid", Oid, ""),
        col("prqual", Text, ""),
        col("prattrs", Int2Vector, ""),
    ],
};

pub(super) static PG_PUBLICATION_REL: Empty = Empty {
    schema: &PG_PUBLICATION_REL_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_RANGE_SCHEMA: Schema = Schema {
    name: "pg_range",
    doc: "Range types; hostgres has none.",
    columns: &[
        col("rngtypid", Oid, ""),
        col("rngsubtype", Oid, ""),
        col("rngmultitypid", Oid, ""),
        col("rngcollation", Oid, ""),
        col("rngsubopc", Oid, ""),
        col("rngcanonical", Oid, ""),
        col("rngsubdiff", Oid, ""),
    ],
};

pub(super) static PG_RANGE: Empty = Empty {
    schema: &PG_RANGE_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_REPLICATION_SLOTS_SCHEMA: Schema = Schema {
    name: "pg_replication_slots",
    doc: "Replication slots; hostgres has none.",
    columns: &[
        col("slot_name", Name, ""),
        col("plugin", Name, ""),
        col("slot_type", Text, ""),
        col("datoid", Oid, ""),
        col("database", Name, ""),
        col("temporary", Bool, ""),
        col("active", Bool, ""),
        col("active_pid", Integer, ""),
        col("xmin", Integer, ""),
        col("catalog_xmin", Integer, ""),
        col("restart_lsn", Text, ""),
        col("confirmed_flush_lsn", Text, ""),
        col("wal_status", Text, ""),
        col("safe_wal_size", BigInt, ""),
        col("two_phase", Bool, ""),
    ],
};

pub(super) static PG_REPLICATION_SLOTS: Empty = Empty {
    schema: &PG_REPLICATION_SLOTS_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_REWRITE_SCHEMA: Schema = Schema {
    name: "pg_rewrite",
    doc: "Rewrite rules; hostgres has none.",
    columns: &[
        col("oid", Oid, ""),
        col("rulename", Name, ""),
        col("ev_class", Oid, ""),
        col("ev_type", Char, ""),
        col("ev_enabled", Char, ""),
        col("is_instead", Bool, ""),
        col("ev_qual", Text, ""),
        col("ev_action", Text, ""),
        col("tableoid", Oid, TABLEOID_DOC).hidden(),
    ],
};

pub(super) static PG_REWRITE: Empty = Empty {
    schema: &PG_REWRITE_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_SEQUENCE_SCHEMA: Schema = Schema {
    name: "pg_sequence",
    doc: "Sequences; hostgres has none.",
    columns: &[
        col("seqrelid", Oid, ""),
        col("seqtypid", Oid, ""),
        col("seqstart", BigInt, ""),
        col("seqincrement", BigInt, ""),
        col("seqmax", BigInt, ""),
        col("seqmin", BigInt, ""),
        col("seqcache", BigInt, ""),
        col("seqcycle", Bool, ""),
    ],
};

pub(super) static PG_SEQUENCE: Empty = Empty {
    schema: &PG_SEQUENCE_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_SEQUENCES_SCHEMA: Schema = Schema {
    name: "pg_sequences",
    doc: "Sequences; hostgres has none.",
    columns: &[
        col("schemaname", Name, ""),
        col("sequencename", Name, ""),
        col("sequenceowner", Name, ""),
        col("data_type", Oid, ""),
        col("start_value", BigInt, ""),
        col("min_value", BigInt, ""),
        col("max_value", BigInt, ""),
        col("increment_by", BigInt, ""),
        col("cycle", Bool, ""),
        col("cache_size", BigInt, ""),
        col("last_value", BigInt, ""),
    ],
};

pub(super) static PG_SEQUENCES: Empty = Empty {
    schema: &PG_SEQUENCES_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_STATISTIC_EXT_SCHEMA: Schema = Schema {
    name: "pg_statistic_ext",
    doc: "Extended planner statistics; hostgres has none.",
    columns: &[
        col("oid", Oid, ""),
        col("stxrelid", Oid, ""),
        col("stxname", Name, ""),
        col("stxnamespace", Oid, ""),
        col("stxowner", Oid, ""),
        col("stxstattarget", Integer, ""),
        col("stxkeys", Int2Vector, ""),
        col("stxkind", Array(&Char), ""),
        col("stxexprs", Text, ""),
    ],
};

pub(super) static PG_STATISTIC_EXT: Empty = Empty {
    schema: &PG_STATISTIC_EXT_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_SUBSCRIPTION_SCHEMA: Schema = Schema {
    name: "pg_subscription",
    doc: "Logical replication subscriptions; hostgres has none.",
    columns: &[
        col("oid", Oid, ""),
        col("subdbid", Oid, ""),
        col("subskiplsn", Text, ""),
        col("subname", Name, ""),
        col("subowner", Oid, ""),
        col("subenabled", Bool, ""),
        col("subbinary", Bool, ""),
        col("substream", Bool, ""),
        col("subtwophasestate", Char, ""),
        col("subdisableonerr", Bool, ""),
        col("subconninfo", Text, ""),
        col("subslotname", Name, ""),
        col("subsynccommit", Text, ""),
        col("subpublications", Array(&Text), ""),
    ],
};

pub(super) static PG_SUBSCRIPTION: Empty = Empty {
    schema: &PG_SUBSCRIPTION_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_TRANSFORM_SCHEMA: Schema = Schema {
    name: "pg_transform",
    doc: "Type transforms for procedural languages; hostgres has none.",
    columns: &[
        col("oid", Oid, ""),
        col("trftype", Oid, ""),
        col("trflang", Oid, ""),
        col("trffromsql", Oid, ""),
        col("trftosql", Oid, ""),
    ],
};

pub(super) static PG_TRANSFORM: Empty = Empty {
    schema: &PG_TRANSFORM_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_TRIGGER_SCHEMA: Schema = Schema {
    name: "pg_trigger",
    doc: "Triggers; hostgres has none.",
    columns: &[
        col("oid", Oid, ""),
        col("tgrelid", Oid, ""),
        col("tgparentid", Oid, ""),
        col("tgname", Name, ""),
        col("tgfoid", Oid, ""),
        col("tgtype", SmallInt, ""),
        col("tgenabled", Char, ""),
        col("tgisinternal", Bool, ""),
        col("tgconstrrelid", Oid, ""),
        col("tgconstrindid", Oid, ""),
        col("tgconstraint", Oid, ""),
        col("tgdeferrable", Bool, ""),
        col("tginitdeferred", Bool, ""),
        col("tgnargs", SmallInt, ""),
        col("tgattr", Int2Vector, ""),
        col("tgargs", Bytea, ""),
        col("tgqual", Text, ""),
        col("tgoldtable", Name, ""),
        col("tgnewtable", Name, ""),
        col("tableoid", Oid, TABLEOID_DOC).hidden(),
    ],
};

pub(super) static PG_TRIGGER: Empty = Empty {
    schema: &PG_TRIGGER_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_TS_CONFIG_SCHEMA: Schema = Schema {
    name: "pg_ts_config",
    doc: "Text search configurations; hostgres has none.",
    columns: &[
        col("oid", Oid, ""),
        col("cfgname", Name, ""),
        col("cfgnamespace", Oid, ""),
        col("cfgowner", Oid, ""),
        col("cfgparser", Oid, ""),
    ],
};

pub(super) static PG_TS_CONFIG: Empty = Empty {
    schema: &PG_TS_CONFIG_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_TS_DICT_SCHEMA: Schema = Schema {
    name: "pg_ts_dict",
    doc: "Text search dictionaries; hostgres has none.",
    columns: &[
        col("oid", Oid, ""),
        col("dictname", Name, ""),
        col("dictnamespace", Oid, ""),
        col("dictowner", Oid, ""),
        col("dicttemplate", Oid, ""),
        col("dictinitoption", Text, ""),
    ],
};

pub(super) static PG_TS_DICT: Empty = Empty {
    schema: &PG_TS_DICT_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_TS_PARSER_SCHEMA: Schema = Schema {
    name: "pg_ts_parser",
    doc: "Text search parsers; hostgres has none.",
    columns: &[
        col("oid", Oid, ""),
        col("prsname", Name, ""),
        col("prsnamespace", Oid, ""),
        col("prsstart", Oid, ""),
        col("prstoken", Oid, ""),
        col("prsend", Oid, ""),
        col("prsheadline", Oid, ""),
        col("prslextype", Oid, ""),
    ],
};

pub(super) static PG_TS_PARSER: Empty = Empty {
    schema: &PG_TS_PARSER_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_TS_TEMPLATE_SCHEMA: Schema = Schema {
    name: "pg_ts_template",
    doc: "Text search templates; hostgres has none.",
    columns: &[
        col("oid", Oid, ""),
        col("tmplname", Name, ""),
        col("tmplnamespace", Oid, ""),
        col("tmplinit", Oid, ""),
        col("tmpllexize", Oid, ""),
    ],
};

pub(super) static PG_TS_TEMPLATE: Empty = Empty {
    schema: &PG_TS_TEMPLATE_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static PG_USER_MAPPINGS_SCHEMA: Schema = Schema {
    name: "pg_user_mappings",
    doc: "User mappings for foreign servers; hostgres has none.",
    columns: &[
        col("umid", Oid, ""),
        col("srvid", Oid, ""),
        col("srvname", Name, ""),
        col("umuser", Oid, ""),
        col("usename", Name, ""),
        col("umoptions", Array(&Text), ""),
    ],
};

pub(super) static PG_USER_MAPPINGS: Empty = Empty {
    schema: &PG_USER_MAPPINGS_SCHEMA,
    namespace: Namespace::PgCatalog,
};

static IS_CHECK_CONSTRAINTS_SCHEMA: Schema = Schema {
    name: "check_constraints",
    doc: "Check constraints; host tables have none.",
    columns: &[
        col("constraint_catalog", Name, ""),
        col("constraint_schema", Name, ""),
        col("constraint_name", Name, ""),
        col("check_clause", Text, ""),
    ],
};

pub(super) static IS_CHECK_CONSTRAINTS: Empty = Empty {
    schema: &IS_CHECK_CONSTRAINTS_SCHEMA,
    namespace: Namespace::InformationSchema,
};

static IS_CONSTRAINT_COLUMN_USAGE_SCHEMA: Schema = Schema {
    name: "constraint_column_usage",
    doc: "Columns used by constraints; host tables have none.",
    columns: &[
        col("table_catalog", Name, ""),
        col("table_schema", Name, ""),
        col("table_name", Name, ""),
        col("column_name", Name, ""),
        col("constraint_catalog", Name, ""),
        col("constraint_schema", Name, ""),
        col("constraint_name", Name, ""),
    ],
};

pub(super) static IS_CONSTRAINT_COLUMN_USAGE: Empty = Empty {
    schema: &IS_CONSTRAINT_COLUMN_USAGE_SCHEMA,
    namespace: Namespace::InformationSchema,
};

static IS_KEY_COLUMN_USAGE_SCHEMA: Schema = Schema {
    name: "key_column_usage",
    doc: "Columns of key constraints; host tables have none.",
    columns: &[
        col("constraint_catalog", Name, ""),
        col("constraint_schema", Name, ""),
        col("constraint_name", Name, ""),
        col("table_catalog", Name, ""),
        col("table_schema", Name, ""),
        col("table_name", Name, ""),
        col("column_name", Name, ""),
        col("ordinal_position", Integer, ""),
        col("position_in_unique_constraint", Integer, ""),
    ],
};

pub(super) static IS_KEY_COLUMN_USAGE: Empty = Empty {
    schema: &IS_KEY_COLUMN_USAGE_SCHEMA,
    namespace: Namespace::InformationSchema,
};

static IS_REFERENTIAL_CONSTRAINTS_SCHEMA: Schema = Schema {
    name: "referential_constraints",
    doc: "Foreign key constraints; host tables have none.",
    columns: &[
        col("constraint_catalog", Name, ""),
        col("constraint_schema", Name, ""),
        col("constraint_name", Name, ""),
        col("unique_constraint_catalog", Name, ""),
        col("unique_constraint_schema", Name, ""),
        col("unique_constraint_name", Name, ""),
        col("match_option", Text, ""),
        col("update_rule", Text, ""),
        col("delete_rule", Text, ""),
    ],
};

pub(super) static IS_REFERENTIAL_CONSTRAINTS: Empty = Empty {
    schema: &IS_REFERENTIAL_CONSTRAINTS_SCHEMA,
    namespace: Namespace::InformationSchema,
};

static IS_TABLE_CONSTRAINTS_SCHEMA: Schema = Schema {
    name: "table_constraints",
    doc: "Table constraints; host tables have none.",
    columns: &[
        col("constraint_catalog", Name, ""),
        col("constraint_schema", Name, ""),
        col("constraint_name", Name, ""),
        col("table_catalog", Name, ""),
        col("table_schema", Name, ""),
        col("table_name", Name, ""),
        col("constraint_type", Text, ""),
        col("is_deferrable", Text, ""),
        col("initially_deferred", Text, ""),
        col("enforced", Text, ""),
        col("nulls_distinct", Text, ""),
    ],
};

pub(super) static IS_TABLE_CONSTRAINTS: Empty = Empty {
    schema: &IS_TABLE_CONSTRAINTS_SCHEMA,
    namespace: Namespace::InformationSchema,
};
