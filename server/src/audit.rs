//! The audit log: one JSON line per connection event and per statement.
//!
//! Records say who (user, role), from where (source address or Unix-socket
//! peer), over what (TLS or not), what (the statement, truncated), how long,
//! how many rows, and the outcome with its SQLSTATE. They are written
//! directly to their destination (stderr or a file opened 0600), not through
//! the diagnostic log's level filter, so turning diagnostics down never
//! silences the audit trail. Passwords and verifiers are never part of a
//! record: authentication failures record only the user name and the reason's kind.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hostgres_catalog::{StatementObserver, StatementRecord};
use serde_json::{Value, json};

use crate::config::AuditDestination;

enum Sink {
    Off,
    Stderr,
    File(Mutex<File>),
}

/// Where records go, shared by every connection.
pub struct Audit {
    sink: Sink,
    statement_max_chars: usize,
}

impl std::fmt::Debug for Audit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sink = match self.sink {
            Sink::Off => "off",
            Sink::Stderr => "stderr",
            Sink::File(_) => "file",
        };
        f.debug_struct("Audit").field("sink", &sink).finish()
    }
}

/// Who a connection is: the fields every record of it carries.
#[derive(Debug, Clone)]
pub struct ConnIdentity {
    pub connection: u64,
    pub source: String,
    pub tls: bool,
    pub user: String,
    pub role: String,
}

impl Audit {
    /// Opens the destination; a file is created 0600 and appended to.
    pub fn open(
        destination: &AuditDestination,
        statement_max_chars: usize,
    ) -> std::io::Result<Audit> {
        let sink = match destination {
            AuditDestination::Off => Sink::Off,
            AuditDestination::Stderr => Sink::Stderr,
            AuditDestination::File(path) => Sink::File(Mutex::new(open_append(path)?)),
        };
        Ok(Audit {
            sink,
            statement_max_chars,
        })
    }

    /// An audit log that records nothing.
    pub fn off() -> Audit {
        Audit {
            sink: Sink::Off,
            statement_max_chars: 0,
        }
    }

    fn write(&self, mut record: Value) {
        if let Value::Object(map) = &mut record {
            map.insert("audit".to_owned(), Value::Bool(true));
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default();
            map.insert("unix_time_ms".to_owned(), json!(now.as_millis() as u64));
        }
        let mut line = record.to_string();
        line.push('\n');
        let result = match &self.sink {
            Sink::Off => Ok(()),
            Sink::Stderr => std::io::stderr().lock().write_all(line.as_bytes()),
            Sink::File(f) => f
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .write_all(line.as_bytes()),
        };
        if let Err(e) = result {
            tracing::error!(error = %e, "cannot write the audit log");
        }
    }

    /// A connection authenticated and got its session.
    pub fn connected(&self, who: &ConnIdentity, method: &str) {
        self.write(json!({
            "event": "connect",
            "connection": who.connection,
            "user": who.user,
            "role": who.role,
            "source": who.source,
            "tls": who.tls,
            "method": method,
            "outcome": "ok",
        }));
    }

    /// A connection was refused during startup. `user` is what the client
    /// asked for; `reason` never holds a password.
    pub fn refused(
        &self,
        connection: u64,
        source: &str,
        tls: bool,
        user: &str,
        sqlstate: &str,
        reason: &str,
    ) {
        self.write(json!({
            "event": "connect",
            "connection": connection,
            "user": user,
            "source": source,
            "tls": tls,
            "outcome": "refused",
            "sqlstate": sqlstate,
            "reason": reason,
        }));
    }

    /// An authenticated connection ended.
    pub fn disconnected(&self, who: &ConnIdentity, duration: Duration) {
        self.write(json!({
            "event": "disconnect",
            "connection": who.connection,
            "user": who.user,
            "role": who.role,
            "source": who.source,
            "tls": who.tls,
            "duration_ms": duration.as_millis() as u64,
        }));
    }

    /// One statement run by a session.
    pub fn statement(&self, who: &ConnIdentity, record: &StatementRecord<'_>) {
        let (outcome, sqlstate, error) = match record.error {
            None => ("ok", None, None),
            Some(e) => (
                "error",
                Some(crate::pg::error::sqlstate(e.kind())),
                Some(e.to_string()),
            ),
        };
        self.write(json!({
            "event": "statement",
            "connection": who.connection,
            "user": who.user,
            "role": who.role,
            "source": who.source,
            "tls": who.tls,
            "statement": truncate(record.sql, self.statement_max_chars),
            "duration_ms": record.elapsed.as_secs_f64() * 1000.0,
            "rows": record.rows,
            "outcome": outcome,
            "sqlstate": sqlstate,
            "error": error,
        }));
    }
}

fn open_append(path: &Path) -> std::io::Result<File> {
    OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .open(path)
}

/// At most `max` characters, marked when cut.
fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

/// Feeds one session's statements to the audit log.
pub struct SessionAudit {
    pub audit: Arc<Audit>,
    pub who: ConnIdentity,
}

impl StatementObserver for SessionAudit {
    fn statement_done(&self, record: &StatementRecord<'_>) {
        self.audit.statement(&self.who, record);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_json_lines_in_a_private_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("audit.log");
        let audit = Audit::open(&AuditDestination::File(path.clone()), 10).expect("open");
        let who = ConnIdentity {
            connection: 7,
            source: "192.0.2.1:5555".into(),
            tls: true,
            user: "alice".into(),
            role: "monitor".into(),
        };
        audit.connected(&who, "scram-sha-256");
        let err =
            hostgres_catalog::CatalogError::Denied("permission denied for table shadow".into());
        audit.statement(
            &who,
            &StatementRecord {
                sql: "SELECT * FROM shadow WHERE 1",
                rows: 0,
                elapsed: Duration::from_millis(3),
                error: Some(&err),
            },
        );
        let bad_password = crate::pg::error::INVALID_PASSWORD;
        audit.refused(
            8,
            "192.0.2.1:5556",
            false,
            "mallory",
            bad_password,
            "bad credentials",
        );
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).expect("stat").permissions().mode() & 0o777,
            0o600
        );
        let text = std::fs::read_to_string(&path).expect("read");
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).expect("json"))
            .collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0]["event"], "connect");
        assert_eq!(lines[0]["method"], "scram-sha-256");
        assert_eq!(lines[1]["statement"], "SELECT * F…");
        assert_eq!(
            lines[1]["sqlstate"],
            crate::pg::error::INSUFFICIENT_PRIVILEGE
        );
        assert_eq!(lines[1]["tls"], true);
        assert_eq!(lines[2]["outcome"], "refused");
    }
}
