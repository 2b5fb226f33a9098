//! PostgreSQL's system catalog (`pg_catalog`) and the SQL-standard
//! `information_schema`, computed from the table registry and the session,
//! so that psql, JDBC, SQLAlchemy, Grafana and friends can browse hostgres.
//!
//! Every catalog relation is an ordinary [`Table`] in namespace
//! `pg_catalog` or `information_schema`, with PostgreSQL 15's column names
//! and types. Rows are computed on each scan from [`SessionInfo`]: the
//! registry, the user, the settings, and the policy. A table the policy
//! does not let the session read appears nowhere: not in `pg_class`,
//! `pg_attribute`, `pg_description`, `information_schema.tables`, nor to
//! `regclass`. Relations hostgres has nothing to put in (`pg_index`,
//! `pg_constraint`, `pg_trigger`...) are present and empty, so the queries
//! clients send still run.
//!
//! Layout:
//! - `types`, `type_names`: PostgreSQL's built-in types; `format_type` and type name parsing.
//! - `keywords`: `pg_get_keywords()` and identifier quoting.
//! - `namespace`, `class`, `attribute`, `pg_type`, `description`: the relations and their columns.
//! - `access`: `pg_am`, `pg_collation`, `pg_language`, `pg_tablespace`.
//! - `database`, `roles`, `settings`, `proc`, `activity`: databases, roles, parameters, functions, sessions.
//! - `relations`: the `pg_tables` family of views.
//! - `resolve`, `privileges`: names to OIDs (`regclass`...) and `has_*_privilege`.
//! - `empty`: relations hostgres has nothing for.
//! - `information_schema`: the SQL-standard views.
//! - `directory`: [`Directory`], how the server lists sessions and roles.

mod access;
mod activity;
mod attribute;
mod class;
mod database;
pub(crate) mod description;
mod directory;
mod empty;
mod information_schema;
pub(crate) mod keywords;
mod namespace;
mod pg_type;
pub(crate) mod privileges;
pub(crate) mod proc;
mod relations;
pub(crate) mod resolve;
mod roles;
mod settings;
pub(crate) mod type_names;
pub(crate) mod types;

use std::sync::LazyLock;
use std::time::SystemTime;

pub use directory::{Activity, Directory, SingleSession};

use crate::oid::{hashed_oid, table_oid};
use crate::schema::{Column, ColumnFlags, Schema};
use crate::session::SessionInfo;
use crate::table::{Entry, Namespace, Table};

/// Every catalog relation: those with rows, the empty ones, then `information_schema`'s.
pub static ALL: &[&dyn Table] = &[
    &access::PgAm,
    &roles::PgAuthMembers,
    &attribute::PgAttribute,
    &class::PgClass,
    &access::PgCollation,
    &database::PgDatabase,
    &description::PgDescription,
    &keywords::PgGetKeywords,
    &relations::PgIndexes,
    &access::PgLanguage,
    &relations::PgMatviews,
    &namespace::PgNamespace,
    &proc::PgProc,
    &roles::PgRoles,
    &settings::PgSettings,
    &description::PgShdescription,
    &activity::PgStatActivity,
    &relations::PgStatUserTables,
    &relations::PgTables,
    &access::PgTablespace,
    &pg_type::PgType,
    &roles::PgUser,
    &relations::PgViews,
    &empty::PG_AGGREGATE,
    &empty::PG_ATTRDEF,
    &empty::PG_CAST,
    &empty::PG_CONSTRAINT,
    &empty::PG_CONVERSION,
    &empty::PG_DB_ROLE_SETTING,
    &empty::PG_DEFAULT_ACL,
    &empty::PG_DEPEND,
    &empty::PG_ENUM,
    &empty::PG_EVENT_TRIGGER,
    &empty::PG_EXTENSION,
    &empty::PG_FOREIGN_DATA_WRAPPER,
    &empty::PG_FOREIGN_SERVER,
    &empty::PG_FOREIGN_TABLE,
    &empty::PG_INDEX,
    &empty::PG_INHERITS,
    &empty::PG_INIT_PRIVS,
    &empty::PG_LARGEOBJECT_METADATA,
    &empty::PG_LOCKS,
    &empty::PG_OPCLASS,
    &empty::PG_OPERATOR,
    &empty::PG_OPFAMILY,
    &empty::PG_PARTITIONED_TABLE,
    &empty::PG_POLICY,
    &empty::PG_PREPARED_XACTS,
    &empty::PG_PUBLICATION,
    &empty::PG_PUBLICATION_NAMESPACE,
    &empty::PG_PUBLICATION_REL,
    &empty::PG_RANGE,
    &empty::PG_REPLICATION_SLOTS,
    &empty::PG_REWRITE,
    &empty::PG_SEQUENCE,
    &empty::PG_SEQUENCES,
    &empty::PG_STATISTIC_EXT,
    &empty::PG_SUBSCRIPTION,
    &empty::PG_TRANSFORM,
    &empty::PG_TRIGGER,
    &empty::PG_TS_CONFIG,
    &empty::PG_TS_DICT,
    &empty::PG_TS_PARSER,
    &empty::PG_TS_TEMPLATE,
    &empty::PG_USER_MAPPINGS,
    &information_schema::Columns,
    &information_schema::Routines,
    &information_schema::Schemata,
    &information_schema::TablePrivileges,
    &information_schema::Tables,
    &information_schema::Views,
    &empty::IS_CHECK_CONSTRAINTS,
    &empty::IS_CONSTRAINT_COLUMN_USAGE,
    &empty::IS_KEY_COLUMN_USAGE,
    &empty::IS_REFERENTIAL_CONSTRAINTS,
    &empty::IS_TABLE_CONSTRAINTS,
];

/// The role that owns every object: the user hostgres creates on first
/// start, with the OID PostgreSQL gives its bootstrap superuser.
pub const OWNER: &str = "hostgres";
/// The OID of [`OWNER`].
pub const OWNER_OID: u32 = 10;

/// The OID of a role.
pub fn role_oid(name: &str) -> u32 {
    if name == OWNER {
        OWNER_OID
    } else {
        hashed_oid(&["pg_authid", name])
    }
}

/// The OID of a database.
pub fn database_oid(name: &str) -> u32 {
    hashed_oid(&["pg_database", name])
}

/// The OID of the access method of host tables (`pg_am.amname = 'hostgres'`).
pub(crate) fn table_am_oid() -> u32 {
    hashed_oid(&["pg_am", "hostgres"])
}

/// PostgreSQL's default tablespace, `pg_default`.
pub(crate) const DEFAULT_TABLESPACE_OID: u32 = 1663;
/// The tablespace of PostgreSQL's shared catalogs, `pg_global`.
pub(crate) const GLOBAL_TABLESPACE_OID: u32 = 1664;
/// PostgreSQL's `UTF8` encoding number.
pub(crate) const UTF8_ENCODING: i32 = 6;

/// Catalog relations that PostgreSQL defines as views (`relkind = 'v'`);
/// every `information_schema` relation is a view too.
const PG_CATALOG_VIEWS: &[&str] = &[
    "pg_indexes",
    "pg_locks",
    "pg_matviews",
    "pg_prepared_xacts",
    "pg_replication_slots",
    "pg_roles",
    "pg_sequences",
    "pg_settings",
    "pg_stat_activity",
    "pg_stat_user_tables",
    "pg_tables",
    "pg_user",
    "pg_user_mappings",
    "pg_views",
];

/// Catalogs PostgreSQL shares between databases (`relisshared`).
const SHARED_CATALOGS: &[&str] = &[
    "pg_auth_members",
    "pg_database",
    "pg_db_role_setting",
    "pg_shdescription",
    "pg_subscription",
    "pg_tablespace",
];

/// Table-valued functions served as tables: listed in `pg_proc`, not in `pg_class`.
const TABLE_FUNCTIONS: &[&str] = &["pg_get_keywords"];

/// A relation as the catalog shows it: a registered table and its OID.
#[derive(Clone, Copy)]
pub(crate) struct Relation<'a> {
    pub oid: u32,
    pub entry: &'a Entry,
}

impl<'a> Relation<'a> {
    fn new(entry: &'a Entry) -> Self {
        Relation {
            oid: table_oid(entry.namespace(), entry.schema().name),
            entry,
        }
    }

    pub fn namespace(&self) -> Namespace {
        self.entry.namespace()
    }

    pub fn name(&self) -> &'static str {
        self.entry.schema().name
    }

    pub fn schema(&self) -> &'static Schema {
        self.entry.schema()
    }

    /// The user columns (without system columns), with their `attnum`.
    pub fn user_columns(&self) -> impl Iterator<Item = (usize, &'static Column)> {
        self.schema()
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| !is_system_column(c))
            .map(|(i, c)| (i + 1, c))
    }

    /// `'r'` for a table, `'v'` for a relation PostgreSQL defines as a view.
    pub fn kind(&self) -> char {
        match self.namespace() {
            Namespace::InformationSchema => 'v',
            Namespace::PgCatalog if PG_CATALOG_VIEWS.contains(&self.name()) => 'v',
            _ => 'r',
        }
    }

    /// Whether PostgreSQL shares this catalog between databases.
    pub fn is_shared(&self) -> bool {
        self.namespace() == Namespace::PgCatalog && SHARED_CATALOGS.contains(&self.name())
    }
}

/// A table of the registry that is a relation (not a table-valued function).
fn is_relation(entry: &Entry) -> bool {
    !(entry.namespace() == Namespace::PgCatalog && TABLE_FUNCTIONS.contains(&entry.schema().name))
}

/// The relations the session may read, in registry order.
pub(crate) fn relations(session: &SessionInfo) -> impl Iterator<Item = Relation<'_>> {
    session
        .registry
        .iter()
        .filter(|e| is_relation(e) && session.policy.may_read(&e.sqlite_name))
        .map(Relation::new)
}

/// The relations the session may read whose OID is one of `oids` (all when `None`).
pub(crate) fn relations_among<'a>(
    session: &'a SessionInfo,
    oids: Option<&'a [i64]>,
) -> impl Iterator<Item = Relation<'a>> {
    relations(session).filter(move |r| oids.is_none_or(|oids| oids.contains(&i64::from(r.oid))))
}

/// The relation with OID `oid`, if the session may read it.
pub(crate) fn relation(session: &SessionInfo, oid: u32) -> Option<Relation<'_>> {
    relations(session).find(|r| r.oid == oid)
}

/// The relation named `name` in `namespace`, if the session may read it.
pub(crate) fn relation_named<'a>(
    session: &'a SessionInfo,
    namespace: Namespace,
    name: &str,
) -> Option<Relation<'a>> {
    session
        .registry
        .lookup(namespace, name)
        .filter(|e| is_relation(e) && session.policy.may_read(&e.sqlite_name))
        .map(Relation::new)
}

/// PostgreSQL's default `search_path`, for settings that do not have one.
const DEFAULT_SEARCH_PATH: &str = "\"$user\", public";

/// The schemas named by `search_path`, in order, that exist. `"$user"`
/// names no schema: in hostgres users own no schemas (the `hostgres`
/// schema belongs to the daemon, whatever the user is called).
pub(crate) fn explicit_search_path(session: &SessionInfo) -> Vec<Namespace> {
    let path = session
        .settings
        .get("search_path")
        .unwrap_or_else(|_| DEFAULT_SEARCH_PATH.to_owned());
    let mut out = Vec::new();
    for item in path.split(',') {
        let item = item.trim();
        let name = match item.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
            Some(quoted) => quoted.replace("\"\"", "\""),
            None => item.to_ascii_lowercase(),
        };
        if let Some(ns) = Namespace::ALL.into_iter().find(|n| n.name() == name)
            && !out.contains(&ns)
        {
            out.push(ns);
        }
    }
    out
}

/// The schemas searched for an unqualified name: `pg_catalog` first unless
/// `search_path` places it, then `search_path`'s.
pub(crate) fn search_path(session: &SessionInfo) -> Vec<Namespace> {
    let mut path = explicit_search_path(session);
    if !path.contains(&Namespace::PgCatalog) {
        path.insert(0, Namespace::PgCatalog);
    }
    path
}

/// Whether an unqualified name finds this relation: its schema is on the
/// search path and no schema before it has a relation of the same name.
pub(crate) fn is_visible(session: &SessionInfo, relation: &Relation<'_>) -> bool {
    for ns in search_path(session) {
        if relation_named(session, ns, relation.name()).is_some() {
            return ns == relation.namespace();
        }
    }
    false
}

/// The relation an unqualified name finds on the search path.
pub(crate) fn find_on_path<'a>(session: &'a SessionInfo, name: &str) -> Option<Relation<'a>> {
    search_path(session)
        .into_iter()
        .find_map(|ns| relation_named(session, ns, name))
}

/// Every role the catalog lists: the owner, the session's user, and those
/// the server's directory knows, sorted and without duplicates.
pub(crate) fn roles(session: &SessionInfo) -> Vec<String> {
    let mut roles = session.directory.roles(session);
    roles.push(OWNER.to_owned());
    roles.push(session.user.clone());
    roles.sort();
    roles.dedup();
    roles
}

/// The role with OID `oid`, if the catalog lists it.
pub(crate) fn role_named_by(session: &SessionInfo, oid: u32) -> Option<String> {
    roles(session).into_iter().find(|r| role_oid(r) == oid)
}

/// The databases `pg_database` lists: `hostgres`, and the session's if it asked for another.
pub(crate) fn databases(session: &SessionInfo) -> Vec<String> {
    let mut names = vec![OWNER.to_owned()];
    if !session.database.is_empty() && session.database != OWNER {
        names.push(session.database.clone());
    }
    names
}

/// PostgreSQL's `tableoid` system column, which a few catalogs carry as a
/// hidden column for psql: not a user column, so `pg_attribute` numbers it
/// as PostgreSQL does and `information_schema` leaves it out.
pub(crate) fn is_system_column(column: &Column) -> bool {
    column.name == "tableoid" && column.flags.contains(ColumnFlags::HIDDEN)
}

/// PostgreSQL's `attnum` of `tableoid`.
pub(crate) const TABLEOID_ATTNUM: i32 = -6;

/// The description `pg_description` gives a column: its documentation, and
/// whether `SELECT *` leaves it out or a query must constrain it.
pub(crate) fn column_description(column: &Column) -> Option<String> {
    let mut text = column.doc.to_owned();
    if column.flags.contains(ColumnFlags::REQUIRED) {
        text.push_str(" (required in WHERE: =, IN or LIKE)");
    }
    if column.flags.contains(ColumnFlags::HIDDEN) && !is_system_column(column) {
        text.push_str(" (hidden: not part of SELECT *)");
    }
    let text = text.trim().to_owned();
    (!text.is_empty()).then_some(text)
}

/// The description of a schema.
pub(crate) fn namespace_description(ns: Namespace) -> &'static str {
    match ns {
        Namespace::PgCatalog => "system catalog schema",
        Namespace::Public => "the host's tables",
        Namespace::InformationSchema => "SQL-standard views of the catalog",
        Namespace::Hostgres => "the state of the hostgres daemon",
    }
}

/// When the server started, for `pg_postmaster_start_time()`.
static STARTED: LazyLock<SystemTime> = LazyLock::new(SystemTime::now);

/// Records that the server starts now. Until the server calls it, the
/// first engine to open stands for the start.
pub fn mark_server_start() {
    LazyLock::force(&STARTED);
}

/// When the server started (see [`mark_server_start`]).
pub(crate) fn server_start() -> SystemTime {
    *STARTED
}

/// A timestamp as PostgreSQL prints a `timestamptz` in UTC.
pub(crate) fn timestamptz(time: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(time)
        .format("%Y-%m-%d %H:%M:%S%.6f+00")
        .to_string()
}

#[cfg(test)]
mod tests;
