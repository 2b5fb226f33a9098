//! `pg_stat_activity`: the sessions the server's [`Directory`] lists (by
//! default only the current one).
//!
//! [`Directory`]: super::Directory

use hostgres_collectors::CollectError;

use super::{database_oid, role_oid, timestamptz};
use crate::scan::{Rows, ScanContext};
use crate::schema::ColumnType::*;
use crate::schema::{Schema, col};
use crate::table::{Namespace, Table};

pub(crate) struct PgStatActivity;

static SCHEMA: Schema = Schema {
    name: "pg_stat_activity",
    doc: "One row per session: who is connected, from where, and what they run.",
    columns: &[
        col("datid", Oid, "Database (pg_database.oid)."),
        col("datname", Name, "Database name."),
        col(
            "pid",
            Integer,
            "Backend process id, as in BackendKeyData and pg_backend_pid().",
        ),
        col("leader_pid", Integer, "NULL: no parallel workers."),
        col("usesysid", Oid, "User (pg_roles.oid)."),
        col("usename", Name, "User name."),
        col("application_name", Text, "The client's application_name."),
        col(
            "client_addr",
            Text,
            "Client IP address; NULL for an in-process session.",
        ),
        col(
            "client_hostname",
            Text,
            "NULL: hostgres does not resolve client addresses.",
        ),
        col("client_port", Integer, "Client TCP port."),
        col("backend_start", TimestampTz, "When the session started."),
        col(
            "xact_start",
            TimestampTz,
            "When the current transaction started.",
        ),
        col(
            "query_start",
            TimestampTz,
            "When the current (or last) query started.",
        ),
        col("state_change", TimestampTz, "NULL."),
        col("wait_event_type", Text, "NULL."),
        col("wait_event", Text, "NULL."),
        col("state", Text, "active, idle, idle in transaction..."),
        col("backend_xid", Integer, "NULL."),
        col("backend_xmin", Integer, "NULL."),
        col("query_id", BigInt, "NULL."),
        col("query", Text, "The current (or last) query."),
        col("backend_type", Text, "client backend."),
    ],
};

impl Table for PgStatActivity {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn namespace(&self) -> Namespace {
        Namespace::PgCatalog
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let session = cx.session();
        for a in session.directory.sessions(session) {
            out.row()
                .set("datid", database_oid(&a.database))
                .set("datname", a.database.as_str())
                .set("pid", a.pid)
                .set("usesysid", role_oid(&a.user))
                .set("usename", a.user.as_str())
                .set("application_name", a.application_name.as_str())
                .set("client_addr", a.client_addr.as_deref())
                .set("client_port", a.client_port)
                .set("backend_start", a.backend_start.map(timestamptz))
                .set("xact_start", a.xact_start.map(timestamptz))
                .set("query_start", a.query_start.map(timestamptz))
                .set("state", a.state.as_deref())
                .set("query", a.query.as_deref())
                .set("backend_type", "client backend");
        }
        Ok(())
    }
}
