//! `ScanState`: what one SQLite connection's virtual tables share with its engine.
//!
//! It carries the host root, the interrupt flag that long scans poll, the
//! per-statement cache of generated rows, and the structured error or notices
//! of the last scan (SQLite only passes a message string back).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use hostgres_collectors::{CollectError, HostRoot};

use crate::engine::EngineOptions;
use crate::pg_catalog::{Directory, SingleSession};
use crate::policy::TablePolicy;
use crate::settings::Settings;
use crate::table::Registry;
use crate::vtab::RowSet;

/// Who is querying and what they may see: what the catalog tables
/// (`pg_class`, `current_user`...) need to describe the session.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub user: String,
    pub database: String,
    pub settings: Settings,
    pub registry: Registry,
    pub policy: Arc<dyn TablePolicy>,
    /// The process id clients see (`pg_backend_pid()`, `pg_stat_activity.pid`):
    /// the server stores the id it sent in `BackendKeyData` once the session is authenticated.
    pub backend_pid: Arc<AtomicI32>,
    /// The other sessions and the roles, as the server knows them.
    pub directory: Arc<dyn Directory>,
}

impl Default for SessionInfo {
    fn default() -> Self {
        SessionInfo::from_options(&EngineOptions::default())
    }
}

impl SessionInfo {
    /// The description of the session an engine opened with `options` serves.
    pub(crate) fn from_options(options: &EngineOptions) -> SessionInfo {
        SessionInfo {
            user: options.user.clone(),
            database: options.database.clone(),
            settings: options.settings.clone(),
            registry: options.registry.clone(),
            policy: Arc::clone(&options.policy),
            backend_pid: Arc::clone(&options.backend_pid),
            directory: Arc::clone(&options.directory),
        }
    }

    /// The session's backend process id.
    pub fn backend_pid(&self) -> i32 {
        self.backend_pid.load(Ordering::Relaxed)
    }
}

/// The process id a session reports until the server sets its own: this process's.
pub(crate) fn default_backend_pid() -> Arc<AtomicI32> {
    Arc::new(AtomicI32::new(
        i32::try_from(std::process::id()).unwrap_or(i32::MAX),
    ))
}

/// The directory of a session that knows of no other: used by the console and tests.
pub(crate) fn default_directory() -> Arc<dyn Directory> {
    Arc::new(SingleSession)
}

/// How many distinct scans one statement (or snapshot) keeps before it stops caching.
const MAX_CACHED_SCANS: usize = 512;

pub(crate) type CacheKey = (&'static str, String);

#[derive(Debug)]
pub(crate) struct ScanState {
    pub(crate) root: HostRoot,
    pub(crate) info: SessionInfo,
    pub(crate) interrupted: AtomicBool,
    cache: Mutex<HashMap<CacheKey, Arc<RowSet>>>,
    scan_error: Mutex<Option<(&'static str, CollectError)>>,
    notices: Mutex<Vec<String>>,
    /// Set when SQLite's authorizer refused a write, so the error maps to "read-only".
    pub(crate) write_refused: AtomicBool,
    /// Why the policy refused the statement (a table, column or path), as the client sees it.
    denied: Mutex<Option<String>>,
    /// Bytes of rows this statement's scans generated, and the most they may.
    scan_bytes: AtomicU64,
    max_scan_bytes: AtomicU64,
    /// A limit the statement crossed.
    limit_error: Mutex<Option<String>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding one of these locks cannot leave the data half
    // updated (each critical section is one map or vector operation), so a
    // poisoned lock is still safe to use.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl ScanState {
    pub(crate) fn new(root: HostRoot, info: SessionInfo) -> Self {
        ScanState {
            root,
            info,
            interrupted: AtomicBool::new(false),
            cache: Mutex::new(HashMap::new()),
            scan_error: Mutex::new(None),
            notices: Mutex::new(Vec::new()),
            write_refused: AtomicBool::new(false),
            denied: Mutex::new(None),
            scan_bytes: AtomicU64::new(0),
            max_scan_bytes: AtomicU64::new(u64::MAX),
            limit_error: Mutex::new(None),
        }
    }

    /// Rows a scan with the same table and constraints produced earlier in this statement.
    pub(crate) fn cached(&self, key: &CacheKey) -> Option<Arc<RowSet>> {
        lock(&self.cache).get(key).cloned()
    }

    /// Keeps a scan's rows for the rest of the statement (or snapshot).
    pub(crate) fn cache(&self, key: CacheKey, rows: RowSet) -> Arc<RowSet> {
        let rows = Arc::new(rows);
        let mut cache = lock(&self.cache);
        if cache.len() < MAX_CACHED_SCANS {
            cache.insert(key, Arc::clone(&rows));
        }
        rows
    }

    /// Forgets every cached scan, so the next read sees the host as it is now.
    pub(crate) fn clear_cache(&self) {
        lock(&self.cache).clear();
    }

    pub(crate) fn set_scan_error(&self, table: &'static str, error: CollectError) {
        *lock(&self.scan_error) = Some((table, error));
    }

    pub(crate) fn take_scan_error(&self) -> Option<(&'static str, CollectError)> {
        lock(&self.scan_error).take()
    }

    /// Records that a scan skipped what it could not read, for a NOTICE to the client.
    pub(crate) fn notice_skipped(&self, table: &'static str, error: &CollectError) {
        tracing::debug!(table, %error, "scan skipped an unreadable source");
        let mut notices = lock(&self.notices);
        if notices.len() < 16 {
            notices.push(format!("{table}: {error}; rows from it are missing"));
        }
    }

    /// Records why the policy refused the statement; the first reason wins.
    pub(crate) fn note_denied(&self, message: impl FnOnce() -> String) {
        lock(&self.denied).get_or_insert_with(message);
    }

    pub(crate) fn take_denied(&self) -> Option<String> {
        lock(&self.denied).take()
    }

    /// Sets the most bytes of rows one statement's scans may generate (`None`: no limit).
    pub(crate) fn set_max_scan_bytes(&self, max: Option<u64>) {
        self.max_scan_bytes
            .store(max.unwrap_or(u64::MAX), Ordering::Relaxed);
    }

    /// Counts `bytes` of generated rows against the statement's limit; past
    /// it, records the failure and returns its message.
    pub(crate) fn charge_scan(&self, bytes: u64) -> Result<(), String> {
        let total = self.scan_bytes.fetch_add(bytes, Ordering::Relaxed) + bytes;
        let max = self.max_scan_bytes.load(Ordering::Relaxed);
        if total <= max {
            return Ok(());
        }
        let message = format!(
            "query exceeds the memory limit of {max} bytes for table rows; narrow it with WHERE"
        );
        lock(&self.limit_error).get_or_insert_with(|| message.clone());
        Err(message)
    }

    pub(crate) fn take_limit_error(&self) -> Option<String> {
        lock(&self.limit_error).take()
    }

    pub(crate) fn take_notices(&self) -> Vec<String> {
        std::mem::take(&mut *lock(&self.notices))
    }

    /// Resets the per-statement flags before a statement runs.
    pub(crate) fn begin_statement(&self) {
        self.interrupted.store(false, Ordering::Relaxed);
        self.write_refused.store(false, Ordering::Relaxed);
        lock(&self.scan_error).take();
        lock(&self.notices).clear();
        lock(&self.denied).take();
        lock(&self.limit_error).take();
        self.scan_bytes.store(0, Ordering::Relaxed);
    }
}
