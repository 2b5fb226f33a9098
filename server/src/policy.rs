//! `RolePolicy`: a role's privileges as the engine's [`TablePolicy`].
//!
//! The catalog tables (`pg_catalog`, `information_schema`) are readable by
//! every role because they filter themselves by this same policy: a denied
//! table is absent from them. Host tables follow the role's rules. Names
//! that are no registered table (SQLite's own table functions such as
//! `json_each`) are readable unless the role denies them or they carry a
//! sensitive name.

use std::path::Path;
use std::sync::Arc;

use hostgres_auth::{Role, is_sensitive_table};
use hostgres_catalog::{Namespace, Registry, TablePolicy};

#[derive(Debug)]
pub struct RolePolicy {
    role: Arc<Role>,
    registry: Registry,
}

impl RolePolicy {
    pub fn new(role: Arc<Role>, registry: Registry) -> RolePolicy {
        RolePolicy { role, registry }
    }
}

impl TablePolicy for RolePolicy {
    fn may_read(&self, sqlite_name: &str) -> bool {
        let role = &self.role;
        match self.registry.entry(sqlite_name).map(|e| e.namespace()) {
            Some(Namespace::PgCatalog | Namespace::InformationSchema) => true,
            Some(_) => role.may_read(sqlite_name),
            None => {
                role.superuser
                    || !(is_sensitive_table(sqlite_name)
                        || role.deny.iter().any(|g| g.matches(sqlite_name)))
            }
        }
    }

    fn may_read_column(&self, sqlite_name: &str, column: &str) -> bool {
        self.role.may_read_column(sqlite_name, column)
    }

    fn restricts_paths(&self, sqlite_name: &str) -> bool {
        self.role.restricts_paths(sqlite_name)
    }

    fn may_read_path(&self, path: &Path) -> bool {
        self.role.may_read_path(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogs_stay_readable_and_hosts_tables_follow_the_role() {
        let only_users = Role {
            name: "narrow".into(),
            allow: vec![hostgres_auth::Glob::new("users")],
            ..Role::monitor()
        };
        let p = RolePolicy::new(Arc::new(only_users), Registry::builtin());
        assert!(p.may_read("users"));
        assert!(!p.may_read("processes"));
        assert!(p.may_read("json_each"));
        assert!(!p.may_read("shadow"));
        let monitor = RolePolicy::new(Arc::new(Role::monitor()), Registry::builtin());
        assert!(monitor.may_read("processes"));
        assert!(!monitor.may_read("shell_history"));
        assert!(monitor.restricts_paths("file"));
        let admin = RolePolicy::new(Arc::new(Role::admin()), Registry::builtin());
        assert!(admin.may_read("shadow") && !admin.restricts_paths("file"));
    }
}
