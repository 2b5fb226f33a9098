//! Roles: what a session may read (tables, columns, paths) and the limits it runs under.
//!
//! A table is readable when no `deny` pattern matches it and an `allow`
//! pattern does; a *sensitive* table ([`SENSITIVE_TABLES`]) additionally
//! needs a literal `allow` entry naming it (`*` never grants it), so secrets
//! are admin-only unless an operator grants them by name. The tables that
//! read arbitrary files ([`PATH_TABLES`]) only read under the role's `paths`.
//! The `admin` role reads everything.

use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use crate::glob::Glob;

/// The role with every privilege; the bootstrap user and local root have it.
pub const ADMIN_ROLE: &str = "admin";
/// The role configured users get when they name none: every table but the sensitive ones.
pub const DEFAULT_ROLE: &str = "monitor";

/// Tables that expose secrets or other users' private data. Names that no
/// table has yet are listed too, so a table added later is covered from its
/// first day. `table.column` entries protect single columns.
pub const SENSITIVE_TABLES: &[&str] = &[
    "shadow",
    "process_envs",
    "shell_history",
    "authorized_keys",
    "user_ssh_keys",
    "ssh_configs",
    "certificates.private_key*",
    "*.private_key*",
    "carves",
    "carving*",
    "yara",
    "yara_*",
];

/// Tables that read any file a query names: non-admin roles read them only under their `paths`.
pub const PATH_TABLES: &[&str] = &["file", "hash", "magic", "yara"];

/// Resource limits of one role. `None` means "no limit".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleLimits {
    /// `statement_timeout` a new session starts with.
    pub statement_timeout: Duration,
    /// The most `SET statement_timeout` can raise it to (`0`, "none", is capped too).
    pub max_statement_timeout: Option<Duration>,
    /// Sessions of this role at once.
    pub max_connections: Option<usize>,
    /// Rows one statement may return.
    pub max_result_rows: Option<u64>,
    /// Bytes of result one statement may return.
    pub max_result_bytes: Option<u64>,
    /// Bytes of table rows one statement may generate.
    pub max_query_memory_bytes: Option<u64>,
}

impl Default for RoleLimits {
    fn default() -> Self {
        RoleLimits {
            statement_timeout: Duration::from_secs(30),
            max_statement_timeout: Some(Duration::from_secs(300)),
            max_connections: None,
            max_result_rows: Some(1_000_000),
            max_result_bytes: Some(256 << 20),
            max_query_memory_bytes: Some(1 << 30),
        }
    }
}

/// A named set of privileges and limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub name: String,
    /// Reads everything, ignoring the rules below.
    pub superuser: bool,
    pub allow: Vec<Glob>,
    /// Table patterns, or `table.column` patterns for single columns.
    pub deny: Vec<Glob>,
    /// Directories under which [`PATH_TABLES`] may read (absolute, normalised).
    pub paths: Vec<PathBuf>,
    pub limits: RoleLimits,
}

impl Role {
    /// The built-in `admin` role: everything, with the default limits.
    pub fn admin() -> Role {
        Role {
            name: ADMIN_ROLE.to_owned(),
            superuser: true,
            allow: vec![Glob::new("*")],
            deny: Vec::new(),
            paths: Vec::new(),
            limits: RoleLimits {
                max_statement_timeout: None,
                ..RoleLimits::default()
            },
        }
    }

    /// The built-in `monitor` role: every table except the sensitive ones, no file paths.
    pub fn monitor() -> Role {
        Role {
            name: DEFAULT_ROLE.to_owned(),
            superuser: false,
            allow: vec![Glob::new("*")],
            deny: Vec::new(),
            paths: Vec::new(),
            limits: RoleLimits::default(),
        }
    }

    /// True when the role may read the table `name` (its SQLite name).
    pub fn may_read(&self, name: &str) -> bool {
        if self.superuser {
            return true;
        }
        let name = name.to_ascii_lowercase();
        if self.deny.iter().any(|g| g.matches(&name)) {
            return false;
        }
        if is_sensitive_table(&name) {
            return self
                .allow
                .iter()
                .any(|g| g.is_literal() && g.matches(&name));
        }
        self.allow.iter().any(|g| g.matches(&name))
    }

    /// True when the role may read `column` of a table it may read.
    pub fn may_read_column(&self, table: &str, column: &str) -> bool {
        if self.superuser {
            return true;
        }
        let qualified = format!("{table}.{column}").to_ascii_lowercase();
        if self.deny.iter().any(|g| g.matches(&qualified)) {
            return false;
        }
        if SENSITIVE_TABLES
            .iter()
            .any(|s| s.contains('.') && Glob::new(s).matches(&qualified))
        {
            return self
                .allow
                .iter()
                .any(|g| g.is_literal() && g.matches(&qualified));
        }
        true
    }

    /// True when the table reads files and this role is confined to its `paths`.
    pub fn restricts_paths(&self, table: &str) -> bool {
        !self.superuser && PATH_TABLES.iter().any(|t| t.eq_ignore_ascii_case(table))
    }

    /// True when `path` (absolute, with symlinks resolved by the caller) is
    /// under one of the role's `paths`.
    pub fn may_read_path(&self, path: &Path) -> bool {
        if self.superuser {
            return true;
        }
        let Some(path) = normalize(path) else {
            return false;
        };
        self.paths.iter().any(|p| path.starts_with(p))
    }
}

/// True when `name` is one of [`SENSITIVE_TABLES`] (a whole table, not a column entry).
pub fn is_sensitive_table(name: &str) -> bool {
    SENSITIVE_TABLES
        .iter()
        .any(|s| !s.contains('.') && Glob::new(s).matches(name))
}

/// Makes a path absolute-and-lexical: `.` dropped, `..` applied. `None` for a
/// relative path, which no policy should guess about.
pub fn normalize(path: &Path) -> Option<PathBuf> {
    if !path.is_absolute() {
        return None;
    }
    let mut out = PathBuf::from("/");
    for c in path.components() {
        match c {
            Component::RootDir | Component::CurDir | Component::Prefix(_) => {}
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(s) => out.push(s),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(allow: &[&str], deny: &[&str], paths: &[&str]) -> Role {
        Role {
            name: "r".into(),
            superuser: false,
            allow: allow.iter().map(|g| Glob::new(g)).collect(),
            deny: deny.iter().map(|g| Glob::new(g)).collect(),
            paths: paths.iter().map(PathBuf::from).collect(),
            limits: RoleLimits::default(),
        }
    }

    #[test]
    fn sensitive_tables_need_a_literal_grant() {
        let monitor = Role::monitor();
        for t in [
            "shadow",
            "process_envs",
            "shell_history",
            "authorized_keys",
            "user_ssh_keys",
            "carves",
            "yara",
            "yara_events",
            "SHADOW",
        ] {
            assert!(!monitor.may_read(t), "{t}");
        }
        assert!(monitor.may_read("processes"));
        assert!(monitor.may_read("pg_class"));
        let granted = role(&["*", "shell_history"], &[], &[]);
        assert!(granted.may_read("shell_history"));
        assert!(!granted.may_read("shadow"));
        assert!(!role(&["shell_*"], &[], &[]).may_read("shell_history"));
        assert!(Role::admin().may_read("shadow"));
    }

    #[test]
    fn deny_wins_over_allow() {
        let r = role(&["*"], &["process*"], &[]);
        assert!(!r.may_read("processes"));
        assert!(!r.may_read("process_open_files"));
        assert!(r.may_read("users"));
        let only = role(&["users", "groups"], &[], &[]);
        assert!(only.may_read("users"));
        assert!(!only.may_read("processes"));
    }

    #[test]
    fn private_key_columns_are_admin_only() {
        let monitor = Role::monitor();
        assert!(monitor.may_read("certificates"));
        assert!(monitor.may_read_column("certificates", "common_name"));
        assert!(!monitor.may_read_column("certificates", "private_key"));
        assert!(!monitor.may_read_column("certificates", "private_key_pem"));
        assert!(monitor.may_read_column("certificates", "key_usage"));
        assert!(!monitor.may_read_column("tls_keys", "private_key"));
        assert!(Role::admin().may_read_column("certificates", "private_key"));
        assert!(!role(&["*"], &["users.shell"], &[]).may_read_column("users", "shell"));
    }

    #[test]
    fn paths_confine_file_tables() {
        let r = role(&["*"], &[], &["/var/log", "/etc/ssl/certs"]);
        assert!(r.restricts_paths("file") && r.restricts_paths("HASH"));
        assert!(!r.restricts_paths("processes"));
        assert!(r.may_read_path(Path::new("/var/log/syslog")));
        assert!(r.may_read_path(Path::new("/var/log")));
        assert!(!r.may_read_path(Path::new("/var/logs")));
        assert!(!r.may_read_path(Path::new("/var/log/../../etc/shadow")));
        assert!(!r.may_read_path(Path::new("relative/path")));
        assert!(!Role::monitor().may_read_path(Path::new("/etc/passwd")));
        assert!(!Role::admin().restricts_paths("file"));
    }
}
