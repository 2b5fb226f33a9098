//! The crash-safe state store: one SQLite file (`schedule.db`) in the state directory.
//!
//! A run is recorded in one transaction: the query's new last result, its
//! counter, the log lines it produced (appended to the `outbox`) and its
//! `hostgres_results` history rows. Sinks read the outbox from their own
//! cursor and advance it, with whatever they need to recover (a file's
//! inode and size), in another transaction once the lines are delivered.
//! So a kill -9 at any moment either loses the whole run (it is diffed again
//! against the same previous result) or keeps it whole, and a sink knows
//! exactly which of its pending lines it had already written.
//!
//! WAL journal with `synchronous = NORMAL`: a committed transaction survives
//! the process being killed; only a power loss may lose the last ones.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::ScheduleError;
use crate::results::{Row, rows_from_json, rows_to_json};

/// What a log line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Differential results (added/removed rows).
    Result = 0,
    Snapshot = 1,
    Status = 2,
}

impl Kind {
    fn from_i64(v: i64) -> Kind {
        match v {
            1 => Kind::Snapshot,
            2 => Kind::Status,
            _ => Kind::Result,
        }
    }
}

/// One line of the outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub seq: i64,
    pub kind: Kind,
    pub line: String,
}

/// A query's state from its previous run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Previous {
    pub sql: String,
    pub epoch: u64,
    pub counter: u64,
    pub rows: Vec<Row>,
}

/// A history row to keep for `hostgres_results`.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryRow {
    pub name: String,
    pub unix_time: i64,
    pub action: &'static str,
    pub counter: u64,
    pub columns: String,
}

/// What recording a run writes.
#[derive(Debug, Default)]
pub struct Record {
    /// The new last result; `None` leaves it (and the epoch) as it was.
    pub rows: Option<Vec<Row>>,
    pub sql: String,
    pub epoch: u64,
    /// The new counter; `None` leaves it.
    pub counter: Option<u64>,
    pub lines: Vec<(Kind, String)>,
    pub history: Vec<HistoryRow>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS queries(
    name TEXT PRIMARY KEY, sql TEXT NOT NULL, epoch INTEGER NOT NULL,
    counter INTEGER NOT NULL, results TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS outbox(
    seq INTEGER PRIMARY KEY AUTOINCREMENT, kind INTEGER NOT NULL, line TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cursors(sink TEXT PRIMARY KEY, seq INTEGER NOT NULL, state TEXT);
CREATE TABLE IF NOT EXISTS history(
    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, unix_time INTEGER NOT NULL,
    action TEXT NOT NULL, counter INTEGER NOT NULL, columns TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS history_name_time ON history(name, unix_time);
CREATE TABLE IF NOT EXISTS denylist(name TEXT PRIMARY KEY, until INTEGER NOT NULL, reason TEXT NOT NULL);
";

/// The store, shared by the scheduler, the sinks and the introspection tables.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    conn: Mutex<Connection>,
    /// Bumped on every append; sinks wait on it.
    appended: (Mutex<u64>, Condvar),
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.inner.path)
            .finish()
    }
}

impl Store {
    /// Opens (creating) `schedule.db` in `state_dir`.
    pub fn open(state_dir: &Path) -> Result<Store, ScheduleError> {
        std::fs::create_dir_all(state_dir).map_err(|e| ScheduleError::io(state_dir, e))?;
        let path = state_dir.join("schedule.db");
        let err = |source| ScheduleError::Store {
            path: path.clone(),
            source,
        };
        let conn = Connection::open(&path).map_err(err)?;
        conn.busy_timeout(Duration::from_secs(10)).map_err(err)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(err)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(err)?;
        conn.execute_batch(SCHEMA).map_err(err)?;
        let store = Store {
            inner: Arc::new(Inner {
                path: path.clone(),
                conn: Mutex::new(conn),
                appended: (Mutex::new(0), Condvar::new()),
            }),
        };
        // A random identity for this store: with the sequence numbers it makes
        // every line unique for sinks that deduplicate.
        let id: String = {
            use rand::RngExt;
            let mut rng = rand::rng();
            (0..16)
                .map(|_| format!("{:02x}", rng.random::<u8>()))
                .collect()
        };
        store.with(|c| {
            c.execute(
                "INSERT OR IGNORE INTO meta(key, value) VALUES ('store_id', ?1)",
                [id],
            )
            .map(|_| ())
        })?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (the
        // transaction rolls back), so the connection stays usable.
        self.inner
            .conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs `f` on the connection, mapping its error.
    pub(crate) fn with<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> rusqlite::Result<T>,
    ) -> Result<T, ScheduleError> {
        let mut conn = self.lock();
        f(&mut conn).map_err(|source| ScheduleError::Store {
            path: self.inner.path.clone(),
            source,
        })
    }

    /// This store's identity.
    pub fn store_id(&self) -> Result<String, ScheduleError> {
        self.with(|c| {
            c.query_row("SELECT value FROM meta WHERE key = 'store_id'", [], |r| {
                r.get(0)
            })
        })
    }

    /// The previous run of `name`, if it ever ran.
    pub fn previous(&self, name: &str) -> Result<Option<Previous>, ScheduleError> {
        self.with(|c| {
            c.query_row(
                "SELECT sql, epoch, counter, results FROM queries WHERE name = ?1",
                [name],
                |r| {
                    Ok(Previous {
                        sql: r.get(0)?,
                        epoch: r.get::<_, i64>(1)? as u64,
                        counter: r.get::<_, i64>(2)? as u64,
                        rows: rows_from_json(&r.get::<_, String>(3)?),
                    })
                },
            )
            .optional()
        })
    }

    /// Records a run atomically (see the module doc); returns the sequence
    /// number of its last log line, if it logged any.
    pub fn record(&self, name: &str, rec: &Record) -> Result<(), ScheduleError> {
        let appended = self.with(|c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            match &rec.rows {
                Some(rows) => {
                    tx.execute(
                        "INSERT INTO queries(name, sql, epoch, counter, results) VALUES (?1, ?2, ?3, ?4, ?5)
                         ON CONFLICT(name) DO UPDATE SET sql = ?2, epoch = ?3, counter = ?4, results = ?5",
                        params![name, rec.sql, rec.epoch as i64, rec.counter.unwrap_or(0) as i64, rows_to_json(rows)],
                    )?;
                }
                None => {
                    if let Some(counter) = rec.counter {
                        tx.execute(
                            "UPDATE queries SET counter = ?2, sql = ?3 WHERE name = ?1",
                            params![name, counter as i64, rec.sql],
                        )?;
                    }
                }
            }
            append_lines(&tx, &rec.lines)?;
            {
                let mut stmt = tx.prepare_cached(
                    "INSERT INTO history(name, unix_time, action, counter, columns) VALUES (?1, ?2, ?3, ?4, ?5)",
                )?;
                for h in &rec.history {
                    stmt.execute(params![h.name, h.unix_time, h.action, h.counter as i64, h.columns])?;
                }
            }
            tx.commit()?;
            Ok(!rec.lines.is_empty())
        })?;
        if appended {
            self.notify();
        }
        Ok(())
    }

    /// Appends lines outside a run (status lines).
    pub fn append(&self, lines: &[(Kind, String)]) -> Result<(), ScheduleError> {
        self.with(|c| {
            let tx = c.transaction()?;
            append_lines(&tx, lines)?;
            tx.commit()
        })?;
        self.notify();
        Ok(())
    }

    fn notify(&self) {
        let (m, cv) = &self.inner.appended;
        let mut n = m.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *n += 1;
        cv.notify_all();
    }

    /// Waits until something is appended after `seen` or `timeout` passes;
    /// returns the new generation.
    pub fn wait_appended(&self, seen: u64, timeout: Duration) -> u64 {
        let (m, cv) = &self.inner.appended;
        let n = m.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let (n, _) = cv
            .wait_timeout_while(n, timeout, |n| *n == seen)
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *n
    }

    /// The current append generation.
    pub fn generation(&self) -> u64 {
        *self
            .inner
            .appended
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Wakes every waiting sink (on shutdown).
    pub fn wake_all(&self) {
        self.notify();
    }

    /// A sink's cursor and recovery state; a new sink starts at the end of the outbox.
    pub fn cursor(&self, sink: &str) -> Result<(i64, Option<String>), ScheduleError> {
        self.with(|c| {
            let found = c
                .query_row(
                    "SELECT seq, state FROM cursors WHERE sink = ?1",
                    [sink],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            match found {
                Some(f) => Ok(f),
                None => {
                    let end: i64 = c.query_row("SELECT coalesce(max(seq), 0) FROM outbox", [], |r| r.get(0))?;
                    let end = end.max(
                        c.query_row("SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'outbox'", [], |r| r.get(0))
                            .unwrap_or(0),
                    );
                    c.execute("INSERT INTO cursors(sink, seq, state) VALUES (?1, ?2, NULL)", params![sink, end])?;
                    Ok((end, None))
                }
            }
        })
    }

    /// Lines after `after` of the given kinds, at most `limit`.
    pub fn pending(
        &self,
        after: i64,
        kinds: &[Kind],
        limit: usize,
    ) -> Result<Vec<Entry>, ScheduleError> {
        let mask: i64 = kinds.iter().map(|k| 1i64 << (*k as i64)).sum();
        self.with(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT seq, kind, line FROM outbox WHERE seq > ?1 AND ((1 << kind) & ?2) != 0 ORDER BY seq LIMIT ?3",
            )?;
            let rows = stmt.query_map(params![after, mask, limit as i64], |r| {
                Ok(Entry {
                    seq: r.get(0)?,
                    kind: Kind::from_i64(r.get(1)?),
                    line: r.get(2)?,
                })
            })?;
            rows.collect()
        })
    }

    /// Moves a sink's cursor past `seq` with its recovery state.
    pub fn advance(&self, sink: &str, seq: i64, state: Option<&str>) -> Result<(), ScheduleError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO cursors(sink, seq, state) VALUES (?1, ?2, ?3)
                 ON CONFLICT(sink) DO UPDATE SET seq = ?2, state = ?3",
                params![sink, seq, state],
            )
            .map(|_| ())
        })
    }

    /// Forgets cursors of sinks no longer configured and deletes the lines
    /// every remaining sink has delivered.
    pub fn trim(&self, active: &[String]) -> Result<(), ScheduleError> {
        self.with(|c| {
            let tx = c.transaction()?;
            {
                let names: Vec<String> = {
                    let mut stmt = tx.prepare("SELECT sink FROM cursors")?;
                    let rows = stmt.query_map([], |r| r.get(0))?;
                    rows.collect::<rusqlite::Result<_>>()?
                };
                for n in names.iter().filter(|n| !active.contains(n)) {
                    tx.execute("DELETE FROM cursors WHERE sink = ?1", [n])?;
                }
            }
            let low: Option<i64> =
                tx.query_row("SELECT min(seq) FROM cursors", [], |r| r.get(0))?;
            match low {
                Some(low) => tx.execute("DELETE FROM outbox WHERE seq <= ?1", [low])?,
                None => tx.execute("DELETE FROM outbox", [])?,
            };
            tx.commit()
        })
    }

    /// Sinks more than `max_lines` behind the newest line, with how many lines
    /// each would have to skip to be within the bound.
    pub fn overflowing(&self, max_lines: u64) -> Result<Vec<(String, i64, i64)>, ScheduleError> {
        self.with(|c| {
            let end: i64 =
                c.query_row("SELECT coalesce(max(seq), 0) FROM outbox", [], |r| r.get(0))?;
            let mut stmt = c.prepare("SELECT sink, seq FROM cursors WHERE seq < ?1")?;
            let rows = stmt.query_map([end - max_lines as i64], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
            })?;
            rows.map(|r| r.map(|(s, seq)| (s, seq, end - max_lines as i64)))
                .collect()
        })
    }

    /// Lines still in the outbox.
    pub fn outbox_len(&self) -> Result<i64, ScheduleError> {
        self.with(|c| c.query_row("SELECT count(*) FROM outbox", [], |r| r.get(0)))
    }

    /// Drops history rows beyond the newest `max_rows` or older than `min_time`.
    pub fn trim_history(&self, max_rows: u64, min_time: i64) -> Result<(), ScheduleError> {
        self.with(|c| {
            c.execute("DELETE FROM history WHERE unix_time < ?1", [min_time])?;
            c.execute(
                "DELETE FROM history WHERE id <= (SELECT max(id) FROM history) - ?1",
                [max_rows as i64],
            )?;
            Ok(())
        })
    }

    /// History rows, optionally of one query, oldest first.
    pub fn history(&self, names: Option<&[String]>) -> Result<Vec<HistoryRow>, ScheduleError> {
        let read = |r: &rusqlite::Row<'_>| {
            let action: String = r.get(2)?;
            Ok(HistoryRow {
                name: r.get(0)?,
                unix_time: r.get(1)?,
                action: match action.as_str() {
                    "added" => "added",
                    "removed" => "removed",
                    _ => "snapshot",
                },
                counter: r.get::<_, i64>(3)? as u64,
                columns: r.get(4)?,
            })
        };
        self.with(|c| match names {
            Some(names) => {
                let mut out = Vec::new();
                let mut stmt = c.prepare_cached(
                    "SELECT name, unix_time, action, counter, columns FROM history WHERE name = ?1 ORDER BY id",
                )?;
                for n in names {
                    for r in stmt.query_map([n], read)? {
                        out.push(r?);
                    }
                }
                Ok(out)
            }
            None => {
                let mut stmt = c.prepare_cached(
                    "SELECT name, unix_time, action, counter, columns FROM history ORDER BY id",
                )?;
                let rows = stmt.query_map([], read)?;
                rows.collect()
            }
        })
    }

    /// Denylists `name` until `until` (unix seconds).
    pub fn denylist(&self, name: &str, until: i64, reason: &str) -> Result<(), ScheduleError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO denylist(name, until, reason) VALUES (?1, ?2, ?3)
                 ON CONFLICT(name) DO UPDATE SET until = ?2, reason = ?3",
                params![name, until, reason],
            )
            .map(|_| ())
        })
    }

    /// Denylisted queries and until when, dropping expired entries.
    pub fn denylisted(&self, now: i64) -> Result<Vec<(String, i64)>, ScheduleError> {
        self.with(|c| {
            c.execute("DELETE FROM denylist WHERE until <= ?1", [now])?;
            let mut stmt = c.prepare("SELECT name, until FROM denylist")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect()
        })
    }

    /// Forgets the state of queries no longer scheduled.
    pub fn forget_except(&self, names: &[String]) -> Result<(), ScheduleError> {
        self.with(|c| {
            let stored: Vec<String> = {
                let mut stmt = c.prepare("SELECT name FROM queries")?;
                let rows = stmt.query_map([], |r| r.get(0))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            for n in stored.iter().filter(|n| !names.contains(n)) {
                c.execute("DELETE FROM queries WHERE name = ?1", [n])?;
            }
            Ok(())
        })
    }
}

fn append_lines(tx: &rusqlite::Transaction<'_>, lines: &[(Kind, String)]) -> rusqlite::Result<()> {
    let mut stmt = tx.prepare_cached("INSERT INTO outbox(kind, line) VALUES (?1, ?2)")?;
    for (kind, line) in lines {
        stmt.execute(params![*kind as i64, line])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::Field;

    #[test]
    fn a_run_and_its_lines_commit_together_and_sinks_trim_the_outbox() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let (c0, _) = store.cursor("a").expect("cursor");
        assert_eq!(c0, 0);
        let rows = vec![Row(vec![("x".to_owned(), Field::Int(1))])];
        store
            .record(
                "q",
                &Record {
                    rows: Some(rows.clone()),
                    sql: "select 1 as x".to_owned(),
                    epoch: 0,
                    counter: Some(0),
                    lines: vec![
                        (Kind::Result, "l1".to_owned()),
                        (Kind::Status, "s1".to_owned()),
                    ],
                    history: Vec::new(),
                },
            )
            .expect("record");
        let prev = store.previous("q").expect("read").expect("present");
        assert_eq!(prev.rows, rows);
        let p = store.pending(0, &[Kind::Result], 10).expect("pending");
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].line, "l1");
        store.advance("a", 2, Some("{}")).expect("advance");
        store.trim(&["a".to_owned()]).expect("trim");
        assert_eq!(store.outbox_len().expect("len"), 0);
        // A new sink starts after the lines already written, even once trimmed.
        assert_eq!(store.cursor("b").expect("cursor").0, 2);
        drop(store);
        let store = Store::open(dir.path()).expect("reopen");
        assert_eq!(
            store.cursor("a").expect("cursor"),
            (2, Some("{}".to_owned()))
        );
    }
}
