//! The audit log: one JSON line per connection event and per statement.
//!
//! Records say who (user, role), from where (source address or Unix-socket
//! peer), over what (TLS or not), what (the statement, truncated), how long,
//! how many rows, and the outcome with its SQLSTATE. They go to their
//! destination (stderr or a file opened 0600), not through the diagnostic
//! log's level filter, so turning diagnostics down never silences the audit
//! trail. Passwords and verifiers are never part of a record: authentication
//! failures record only the user name and the reason's kind.
//!
//! A connection hands its encoded line to a writer thread and goes on; the
//! writer writes whatever has gathered with one call, then lets lines gather
//! for a millisecond, so a busy server makes about one write per millisecond
//! instead of a write (and a wake-up) per statement, and no connection waits
//! on the disk. A line reaches the destination within about a millisecond (at
//! once on an idle server); shutdown writes everything pending, and a
//! destination that stalls holds connections back once 8 MiB are pending
//! rather than dropping records.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hostgres_catalog::{StatementObserver, StatementRecord};
use serde::Serialize;

use crate::config::AuditDestination;

/// How many bytes of lines may wait for the writer before connections wait.
const MAX_PENDING_BYTES: usize = 8 << 20;

/// How long the writer lets lines gather after a write.
const BATCH_WINDOW: Duration = Duration::from_millis(1);

/// Lines waiting for the writer thread, and what it is doing.
#[derive(Default)]
struct Pending {
    lines: Vec<u8>,
    /// The writer is asleep, waiting for lines.
    idle: bool,
    /// The writer holds lines it has not finished writing.
    writing: bool,
    closed: bool,
}

/// The writer thread's side of the audit log.
struct Writer {
    pending: Mutex<Pending>,
    /// Wakes the writer: lines arrived, or the log is closing.
    wake: Condvar,
    /// Wakes those waiting for pending lines to be taken or written.
    taken: Condvar,
}

fn lock(m: &Mutex<Pending>) -> MutexGuard<'_, Pending> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn wait<'a>(cv: &Condvar, guard: MutexGuard<'a, Pending>) -> MutexGuard<'a, Pending> {
    cv.wait(guard).unwrap_or_else(|p| p.into_inner())
}

impl Writer {
    /// Starts the writer thread over `out`.
    fn start(
        out: Box<dyn Write + Send>,
        name: &str,
    ) -> std::io::Result<(Arc<Writer>, JoinHandle<()>)> {
        let writer = Arc::new(Writer {
            pending: Mutex::new(Pending::default()),
            wake: Condvar::new(),
            taken: Condvar::new(),
        });
        let run = Arc::clone(&writer);
        let thread = std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || run.run(out))?;
        Ok((writer, thread))
    }

    fn run(&self, mut out: Box<dyn Write + Send>) {
        let mut batch = Vec::new();
        loop {
            let mut p = lock(&self.pending);
            while p.lines.is_empty() && !p.closed {
                p.idle = true;
                p = wait(&self.wake, p);
            }
            p.idle = false;
            if p.lines.is_empty() {
                // Closed, and everything is written.
                self.taken.notify_all();
                return;
            }
            std::mem::swap(&mut p.lines, &mut batch);
            p.writing = true;
            drop(p);
            self.taken.notify_all();
            if let Err(e) = out.write_all(&batch).and_then(|()| out.flush()) {
                tracing::error!(error = %e, "cannot write the audit log");
            }
            batch.clear();
            if batch.capacity() > MAX_PENDING_BYTES {
                batch = Vec::new();
            }
            lock(&self.pending).writing = false;
            self.taken.notify_all();
            // Let lines gather: a busy server then costs a write per window,
            // not a write and a wake-up per statement.
            std::thread::sleep(BATCH_WINDOW);
        }
    }

    /// Queues one whole line, waiting only when too much is pending.
    fn push(&self, line: &[u8]) {
        self.push_with(|lines| {
            lines.extend_from_slice(line);
            true
        });
    }

    /// Queues the line `write` appends to the pending lines (it returns
    /// false, and what it appended is dropped, when it cannot make one):
    /// a line encoded in place is not allocated and copied once more.
    fn push_with(&self, write: impl FnOnce(&mut Vec<u8>) -> bool) {
        let mut p = lock(&self.pending);
        while p.lines.len() >= MAX_PENDING_BYTES && !p.closed {
            p = wait(&self.taken, p);
        }
        let start = p.lines.len();
        if !write(&mut p.lines) {
            p.lines.truncate(start);
            return;
        }
        let wake = p.idle;
        drop(p);
        if wake {
            self.wake.notify_one();
        }
    }

    /// Waits until every queued line is written.
    fn flush(&self) {
        let mut p = lock(&self.pending);
        while !p.lines.is_empty() || p.writing {
            p = wait(&self.taken, p);
        }
    }

    fn close(&self) {
        lock(&self.pending).closed = true;
        self.wake.notify_one();
    }
}

enum Sink {
    Off,
    /// stderr or a file, through the writer thread.
    Lines {
        writer: Arc<Writer>,
        thread: Mutex<Option<JoinHandle<()>>>,
        kind: &'static str,
    },
}

/// Where records go, shared by every connection.
pub struct Audit {
    sink: Sink,
    statement_max_chars: usize,
}

impl std::fmt::Debug for Audit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sink = match &self.sink {
            Sink::Off => "off",
            Sink::Lines { kind, .. } => kind,
        };
        f.debug_struct("Audit").field("sink", &sink).finish()
    }
}

impl Drop for Audit {
    /// Writes what is pending and stops the writer thread.
    fn drop(&mut self) {
        if let Sink::Lines { writer, thread, .. } = &self.sink {
            writer.close();
            let handle = thread.lock().unwrap_or_else(|p| p.into_inner()).take();
            if let Some(handle) = handle {
                let _ = handle.join();
            }
        }
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

/// One audit line. Every record has the leading fields; the others are
/// written only for the events they belong to. Fields are borrowed, so a
/// record is serialized without copying what it reports.
#[derive(Serialize)]
struct Record<'a> {
    audit: bool,
    unix_time_ms: u64,
    event: &'static str,
    connection: u64,
    user: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<&'a str>,
    source: &'a str,
    tls: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    method: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    duration_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    outcome: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sqlstate: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
}

impl<'a> Record<'a> {
    /// A record of `event` by a connection, stamped now.
    fn new(
        event: &'static str,
        connection: u64,
        user: &'a str,
        source: &'a str,
        tls: bool,
    ) -> Self {
        Record {
            audit: true,
            unix_time_ms: unix_time_ms(),
            event,
            connection,
            user,
            role: None,
            source,
            tls,
            method: None,
            duration_ms: None,
            outcome: None,
            sqlstate: None,
            reason: None,
        }
    }

    /// A record of `event` by an authenticated connection.
    fn of(event: &'static str, who: &'a ConnIdentity) -> Self {
        Record {
            role: Some(&who.role),
            ..Record::new(event, who.connection, &who.user, &who.source, who.tls)
        }
    }
}

impl Audit {
    /// Opens the destination; a file is created 0600 and appended to.
    pub fn open(
        destination: &AuditDestination,
        statement_max_chars: usize,
    ) -> std::io::Result<Audit> {
        let (out, kind): (Box<dyn Write + Send>, _) = match destination {
            AuditDestination::Off => return Ok(Audit::off()),
            AuditDestination::Stderr => (Box::new(std::io::stderr()), "stderr"),
            AuditDestination::File(path) => (Box::new(open_append(path)?), "file"),
        };
        let (writer, thread) = Writer::start(out, "audit writer")?;
        let sink = Sink::Lines {
            writer,
            thread: Mutex::new(Some(thread)),
            kind,
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

    fn enabled(&self) -> bool {
        !matches!(self.sink, Sink::Off)
    }

    /// Serializes `record` straight into one line and queues it.
    fn write(&self, record: &Record<'_>) {
        if !self.enabled() {
            return;
        }
        let mut line = Vec::with_capacity(384);
        if let Err(e) = serde_json::to_writer(&mut line, record) {
            tracing::error!(error = %e, "cannot encode an audit record");
            return;
        }
        line.push(b'\n');
        self.emit(&line);
    }

    /// Queues one whole line (lines never interleave).
    fn emit(&self, line: &[u8]) {
        if let Sink::Lines { writer, .. } = &self.sink {
            writer.push(line);
        }
    }

    /// Waits until every record so far is written to the destination.
    pub fn flush(&self) {
        if let Sink::Lines { writer, .. } = &self.sink {
            writer.flush();
        }
    }

    /// A connection authenticated and got its session.
    pub fn connected(&self, who: &ConnIdentity, method: &str) {
        self.write(&Record {
            method: Some(method),
            outcome: Some("ok"),
            ..Record::of("connect", who)
        });
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
        self.write(&Record {
            outcome: Some("refused"),
            sqlstate: Some(sqlstate),
            reason: Some(reason),
            ..Record::new("connect", connection, user, source, tls)
        });
    }

    /// An authenticated connection ended.
    pub fn disconnected(&self, who: &ConnIdentity, duration: Duration) {
        self.write(&Record {
            duration_ms: Some(duration.as_millis() as f64),
            ..Record::of("disconnect", who)
        });
    }

    /// One statement run by a session.
    pub fn statement(&self, who: &ConnIdentity, record: &StatementRecord<'_>) {
        if self.enabled() {
            self.statement_after(&statement_prefix(who), record);
        }
    }

    /// One statement, its line starting with the connection's `prefix`
    /// (see [`statement_prefix`]): the fields that never change within a
    /// connection are encoded once, not for every statement.
    fn statement_after(&self, prefix: &[u8], record: &StatementRecord<'_>) {
        match record.error {
            None => self.line_after(prefix, record.sql, record.rows, record.elapsed, None),
            Some(e) => {
                let message = e.to_string();
                let failure = Failure {
                    sqlstate: crate::pg::error::sqlstate(e.kind()),
                    message: &message,
                };
                self.line_after(
                    prefix,
                    record.sql,
                    record.rows,
                    record.elapsed,
                    Some(&failure),
                );
            }
        }
    }

    fn line_after(
        &self,
        prefix: &[u8],
        sql: &str,
        rows: u64,
        elapsed: Duration,
        failure: Option<&Failure<'_>>,
    ) {
        let Sink::Lines { writer, .. } = &self.sink else {
            return;
        };
        let tail = Tail {
            sql,
            rows,
            elapsed,
            failure,
        };
        writer.push_with(|line| {
            line.extend_from_slice(prefix);
            match tail.write(line, self.statement_max_chars) {
                Ok(()) => true,
                Err(e) => {
                    tracing::error!(error = %e, "cannot encode an audit record");
                    false
                }
            }
        });
    }
}

/// How a statement failed, as its audit record says.
#[derive(Debug, Clone, Copy)]
pub struct Failure<'a> {
    pub sqlstate: &'a str,
    pub message: &'a str,
}

/// The fields of a statement record that are the same for every statement
/// of a connection, encoded as the start of a JSON object (no closing brace).
fn statement_prefix(who: &ConnIdentity) -> Vec<u8> {
    #[derive(Serialize)]
    struct Prefix<'a> {
        audit: bool,
        event: &'static str,
        connection: u64,
        user: &'a str,
        role: &'a str,
        source: &'a str,
        tls: bool,
    }
    let mut prefix = serde_json::to_vec(&Prefix {
        audit: true,
        event: "statement",
        connection: who.connection,
        user: &who.user,
        role: &who.role,
        source: &who.source,
        tls: who.tls,
    })
    .unwrap_or_else(|_| b"{\"audit\":true}".to_vec());
    prefix.pop();
    prefix
}

/// The fields of a statement record that change with every statement.
struct Tail<'a> {
    sql: &'a str,
    rows: u64,
    elapsed: Duration,
    failure: Option<&'a Failure<'a>>,
}

impl Tail<'_> {
    /// Appends the fields, closing the object the prefix opened, and the
    /// newline. Written field by field: through a serialized struct the tail
    /// cost more than the `SELECT 1` it records. Only the texts go through
    /// the JSON encoder.
    fn write(&self, line: &mut Vec<u8>, statement_max_chars: usize) -> serde_json::Result<()> {
        let mut number = itoa::Buffer::new();
        line.extend_from_slice(b",\"unix_time_ms\":");
        line.extend_from_slice(number.format(unix_time_ms()).as_bytes());
        line.extend_from_slice(b",\"statement\":");
        let statement = Cut::of(self.sql, statement_max_chars);
        if !statement.cut && !needs_escaping(statement.kept) {
            line.push(b'"');
            line.extend_from_slice(statement.kept.as_bytes());
            line.push(b'"');
        } else {
            serde_json::to_writer(&mut *line, &statement)?;
        }
        // Milliseconds with nanosecond digits, as a JSON number (in u64
        // nanoseconds: 584 years).
        let nanos = u64::try_from(self.elapsed.as_nanos()).unwrap_or(u64::MAX);
        line.extend_from_slice(b",\"duration_ms\":");
        line.extend_from_slice(number.format(nanos / 1_000_000).as_bytes());
        let fraction = number.format(1_000_000 + nanos % 1_000_000);
        line.push(b'.');
        line.extend_from_slice(&fraction.as_bytes()[1..]);
        line.extend_from_slice(b",\"rows\":");
        line.extend_from_slice(number.format(self.rows).as_bytes());
        match self.failure {
            None => {
                line.extend_from_slice(b",\"outcome\":\"ok\",\"sqlstate\":null,\"error\":null}")
            }
            Some(f) => {
                line.extend_from_slice(b",\"outcome\":\"error\",\"sqlstate\":");
                serde_json::to_writer(&mut *line, f.sqlstate)?;
                line.extend_from_slice(b",\"error\":");
                serde_json::to_writer(&mut *line, f.message)?;
                line.push(b'}');
            }
        }
        line.push(b'\n');
        Ok(())
    }
}

/// Whether a text needs escapes inside a JSON string (most statements do
/// not, and are then copied as they are).
fn needs_escaping(s: &str) -> bool {
    s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\')
}

fn unix_time_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis() as u64
}

fn open_append(path: &Path) -> std::io::Result<File> {
    OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .open(path)
}

/// At most `max` characters of a text, ending in `…` when cut; serialized
/// without copying it.
struct Cut<'a> {
    kept: &'a str,
    cut: bool,
}

impl<'a> Cut<'a> {
    fn of(s: &'a str, max: usize) -> Cut<'a> {
        match s.char_indices().nth(max) {
            Some((i, _)) => Cut {
                kept: &s[..i],
                cut: true,
            },
            None => Cut {
                kept: s,
                cut: false,
            },
        }
    }
}

impl Serialize for Cut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.cut {
            serializer.collect_str(&format_args!("{}…", self.kept))
        } else {
            serializer.serialize_str(self.kept)
        }
    }
}

/// Feeds one session's statements to the audit log.
pub struct SessionAudit {
    audit: Arc<Audit>,
    /// The start of each of the session's statement records.
    prefix: Vec<u8>,
}

impl SessionAudit {
    pub fn new(audit: Arc<Audit>, who: &ConnIdentity) -> SessionAudit {
        SessionAudit {
            audit,
            prefix: statement_prefix(who),
        }
    }
}

impl SessionAudit {
    /// A statement the session answered without the engine (SET, SHOW,
    /// BEGIN, FETCH from a cursor...): it is audited like any other.
    pub fn command_done(
        &self,
        sql: &str,
        rows: u64,
        elapsed: Duration,
        failure: Option<&Failure<'_>>,
    ) {
        self.audit
            .line_after(&self.prefix, sql, rows, elapsed, failure);
    }
}

impl StatementObserver for SessionAudit {
    fn statement_done(&self, record: &StatementRecord<'_>) {
        self.audit.statement_after(&self.prefix, record);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn statements_are_json_strings_whether_or_not_they_need_escapes() {
        let texts = [
            "SELECT 1",
            "SELECT 'a\"b'",
            "SELECT E'\\n'",
            "SELECT 1;\n-- next line\tand a tab",
            "SELECT 'ünïcödé', '\u{7f}', '\u{1}'",
            "",
        ];
        for text in texts {
            let tail = Tail {
                sql: text,
                rows: 3,
                elapsed: Duration::from_nanos(1_234_567),
                failure: None,
            };
            let mut line = b"{\"audit\":true".to_vec();
            tail.write(&mut line, 100).expect("writes");
            let record: serde_json::Value = serde_json::from_slice(&line).expect("a JSON line");
            assert_eq!(record["statement"], text, "{text:?}");
            assert_eq!(record["duration_ms"], 1.234567);
            assert_eq!(record["rows"], 3);
            assert_eq!(
                needs_escaping(text),
                serde_json::to_string(text).expect("encodes").len() != text.len() + 2,
                "{text:?}"
            );
        }
    }

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
        audit.flush();
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
        assert_eq!(lines[1]["duration_ms"].as_f64(), Some(3.0));
        assert_eq!(lines[1]["outcome"], "error");
        assert_eq!(lines[1]["error"], "permission denied for table shadow");
        assert_eq!(
            lines[1]["sqlstate"],
            crate::pg::error::INSUFFICIENT_PRIVILEGE
        );
        assert_eq!(lines[1]["tls"], true);
        assert_eq!(lines[1]["user"], "alice");
        assert_eq!(lines[1]["role"], "monitor");
        assert_eq!(lines[1]["audit"], true);
        assert_eq!(lines[1]["duration_ms"], 3.0);
        assert_eq!(lines[1]["error"], "permission denied for table shadow");
        assert!(lines[1]["unix_time_ms"].as_u64().is_some());
        assert_eq!(lines[2]["outcome"], "refused");
        assert_eq!(lines[2]["user"], "mallory");
    }

    #[test]
    fn a_session_writes_the_same_record_as_the_log_itself() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("audit.log");
        let audit =
            Arc::new(Audit::open(&AuditDestination::File(path.clone()), 100).expect("open"));
        let who = ConnIdentity {
            connection: 9,
            source: "[local] uid=1000 \"quoted\"".into(),
            tls: false,
            user: "bob".into(),
            role: "admin".into(),
        };
        let record = StatementRecord {
            sql: "SELECT 1",
            rows: 1,
            elapsed: Duration::from_micros(250),
            error: None,
        };
        audit.statement(&who, &record);
        SessionAudit::new(Arc::clone(&audit), &who).statement_done(&record);
        audit.flush();
        let text = std::fs::read_to_string(&path).expect("read");
        let mut lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).expect("json"))
            .collect();
        assert_eq!(lines.len(), 2);
        for line in &mut lines {
            line.as_object_mut().expect("object").remove("unix_time_ms");
        }
        assert_eq!(lines[0], lines[1]);
        assert_eq!(lines[0]["source"], "[local] uid=1000 \"quoted\"");
        assert_eq!(lines[0]["sqlstate"], Value::Null);
        assert_eq!(lines[0]["error"], Value::Null);
        assert_eq!(lines[0]["rows"], 1);
        assert_eq!(lines[0]["duration_ms"].as_f64(), Some(0.25));
    }

    #[test]
    fn lines_from_many_threads_arrive_whole_and_all_of_them_by_drop() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("audit.log");
        let audit =
            Arc::new(Audit::open(&AuditDestination::File(path.clone()), 1000).expect("open"));
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let audit = Arc::clone(&audit);
                std::thread::spawn(move || {
                    let who = ConnIdentity {
                        connection: t,
                        source: "127.0.0.1:1".into(),
                        tls: false,
                        user: "u".into(),
                        role: "admin".into(),
                    };
                    let session = SessionAudit::new(Arc::clone(&audit), &who);
                    for i in 0..2_000u64 {
                        let sql = format!("SELECT {i} -- {}", "x".repeat(200));
                        session.statement_done(&StatementRecord {
                            sql: &sql,
                            rows: i,
                            elapsed: Duration::from_micros(1),
                            error: None,
                        });
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().expect("thread");
        }
        // Dropping the last handle writes what is pending.
        drop(audit);
        let text = std::fs::read_to_string(&path).expect("read");
        let mut seen = std::collections::HashSet::new();
        for line in text.lines() {
            let v: Value = serde_json::from_str(line).expect("a whole JSON line");
            seen.insert((v["connection"].as_u64(), v["rows"].as_u64()));
        }
        assert_eq!(seen.len(), 4 * 2_000);
    }
}
