//! `pg_roles`, `pg_user` and `pg_auth_members`: the roles that may log in.
//!
//! The catalog lists hostgres' owner role (the user created on first
//! start), the session's user, and the users the server's [`Directory`]
//! reports. None is a superuser: what a role may read is decided by its
//! table policy, not by PostgreSQL's privileges.
//!
//! [`Directory`]: super::Directory

use hostgres_collectors::CollectError;

use super::{role_oid, roles};
use crate::scan::{Rows, ScanContext};
use crate::schema::ColumnType::*;
use crate::schema::{Schema, col};
use crate::table::{Namespace, Table};

/// What PostgreSQL shows instead of a password.
const PASSWORD_MASK: &str = "********";

pub(crate) struct PgRoles;

static ROLES: Schema = Schema {
    name: "pg_roles",
    doc: "Roles: the users that may log in to hostgres.",
    columns: &[
        col("rolname", Name, "Role name."),
        col("rolsuper", Bool, "Whether the role is a superuser; never."),
        col("rolinherit", Bool, "true."),
        col(
            "rolcreaterole",
            Bool,
            "false: roles are configured, not created.",
        ),
        col("rolcreatedb", Bool, "false."),
        col("rolcanlogin", Bool, "true."),
        col("rolreplication", Bool, "false."),
        col("rolconnlimit", Integer, "-1: no limit of its own."),
        col("rolpassword", Text, "Always ********."),
        col("rolvaliduntil", TimestampTz, "NULL: no expiry."),
        col("rolbypassrls", Bool, "false."),
        col("rolconfig", Array(&Text), "NULL."),
        col("oid", Oid, "Role OID: 10 for the owner, hostgres."),
    ],
};

impl Table for PgRoles {
    fn schema(&self) -> &'static Schema {
        &ROLES
    }

    fn namespace(&self) -> Namespace {
        Namespace::PgCatalog
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        for name in roles(cx.session()) {
            out.row()
                .set("rolname", name.as_str())
                .set("rolsuper", false)
                .set("rolinherit", true)
                .set("rolcreaterole", false)
                .set("rolcreatedb", false)
                .set("rolcanlogin", true)
                .set("rolreplication", false)
                .set("rolconnlimit", -1)
                .set("rolpassword", PASSWORD_MASK)
                .set("rolbypassrls", false)
                .set("oid", role_oid(&name));
        }
        Ok(())
    }
}

pub(crate) struct PgUser;

static USER: Schema = Schema {
    name: "pg_user",
    doc: "Users: the roles that may log in.",
    columns: &[
        col("usename", Name, "User name."),
        col("usesysid", Oid, "User OID (pg_roles.oid)."),
        col("usecreatedb", Bool, "false."),
        col("usesuper", Bool, "false."),
        col("userepl", Bool, "false."),
        col("usebypassrls", Bool, "false."),
        col("passwd", Text, "Always ********."),
        col("valuntil", TimestampTz, "NULL: no expiry."),
        col("useconfig", Array(&Text), "NULL."),
    ],
};

impl Table for PgUser {
    fn schema(&self) -> &'static Schema {
        &USER
    }

    fn namespace(&self) -> Namespace {
        Namespace::PgCatalog
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        for name in roles(cx.session()) {
            out.row()
                .set("usename", name.as_str())
                .set("usesysid", role_oid(&name))
                .set("usecreatedb", false)
                .set("usesuper", false)
                .set("userepl", false)
                .set("usebypassrls", false)
                .set("passwd", PASSWORD_MASK);
        }
        Ok(())
    }
}

pub(crate) struct PgAuthMembers;

static AUTH_MEMBERS: Schema = Schema {
    name: "pg_auth_members",
    doc: "Role memberships; hostgres roles are not members of one another.",
    columns: &[
        col("roleid", Oid, "The role that has a member."),
        col("member", Oid, "The member role."),
        col("grantor", Oid, "Who granted the membership."),
        col("admin_option", Bool, "Whether the member may grant it on."),
    ],
};

impl Table for PgAuthMembers {
    fn schema(&self) -> &'static Schema {
        &AUTH_MEMBERS
    }

    fn namespace(&self) -> Namespace {
        Namespace::PgCatalog
    }

    fn generate(&self, _cx: &ScanContext<'_>, _out: &mut Rows) -> Result<(), CollectError> {
        Ok(())
    }
}
