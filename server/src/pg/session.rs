//! `Session`: one client connection's engine, settings and transaction state,
//! and `Sessions`, the registry used for cancel requests and shutdown.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use hostgres_catalog::settings::Settings;
use hostgres_catalog::{
    CatalogError, Described, Engine, Interrupter, StatementObserver, StatementRecord,
};
use pgwire::error::ErrorInfo;
use pgwire::messages::response::TransactionStatus;
use pgwire::messages::startup::SecretKey;

use crate::audit::{Failure, SessionAudit};

/// Locks a mutex, recovering from poisoning: a panic inside one query must not
/// take the whole session (or registry) down with it.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Where the session is in a transaction block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Txn {
    Idle,
    Open,
    /// An error happened in the block: commands are refused until it ends.
    Failed,
}

impl Txn {
    pub fn status(self) -> TransactionStatus {
        match self {
            Txn::Idle => TransactionStatus::Idle,
            Txn::Open => TransactionStatus::Transaction,
            Txn::Failed => TransactionStatus::Error,
        }
    }
}

/// Mutable per-session state.
#[derive(Debug)]
pub struct SessionState {
    pub txn: Txn,
    pub savepoints: Vec<String>,
}

/// One connected client.
pub struct Session {
    pub id: u64,
    pub user: String,
    pub database: String,
    pub peer: SocketAddr,
    /// Run-time parameters, shared with the engine's `current_setting()`.
    pub settings: Settings,
    /// The engine is used from blocking threads, one statement at a time.
    engine: Arc<Mutex<Engine>>,
    interrupter: Interrupter,
    /// Where statements the session answers itself, or that fail before
    /// reaching the engine, are audited (the engine, observed by the same
    /// `SessionAudit`, audits the statements it runs).
    audit: Arc<SessionAudit>,
    state: Mutex<SessionState>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("id", &self.id)
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

static NEXT_SESSION_ID: AtomicU64 = AtomicU64::new(1);

impl Session {
    pub fn new(
        user: String,
        database: String,
        peer: SocketAddr,
        engine: Engine,
        settings: Settings,
        audit: Arc<SessionAudit>,
    ) -> Session {
        Session {
            audit,
            id: NEXT_SESSION_ID.fetch_add(1, Ordering::Relaxed),
            user,
            database,
            peer,
            interrupter: engine.interrupter(),
            engine: Arc::new(Mutex::new(engine)),
            settings,
            state: Mutex::new(SessionState {
                txn: Txn::Idle,
                savepoints: Vec::new(),
            }),
        }
    }

    pub fn state(&self) -> MutexGuard<'_, SessionState> {
        lock(&self.state)
    }

    pub fn txn(&self) -> Txn {
        self.state().txn
    }

    /// An error inside a transaction block aborts the block until ROLLBACK.
    pub fn mark_failed(&self) {
        let mut st = self.state();
        if st.txn == Txn::Open {
            st.txn = Txn::Failed;
        }
    }

    /// Stops the running statement, if any.
    pub fn interrupt(&self) {
        self.interrupter.interrupt();
    }

    /// Describes a statement's parameters and columns. Preparing reads no
    /// table, so it runs here unless the engine is busy.
    pub async fn describe(&self, sql: &str) -> Result<Described, CatalogError> {
        if let Ok(engine) = self.engine.try_lock() {
            return engine.describe(sql);
        }
        let sql = sql.to_owned();
        self.with_engine(move |e| e.describe(&sql)).await
    }

    /// Runs `f` on the engine here, on the caller's thread, if the engine is
    /// free; only for work that cannot stall (`Engine::query_inline`).
    pub fn try_inline<T>(&self, f: impl FnOnce(&mut Engine) -> T) -> Option<T> {
        let mut engine = self.engine.try_lock().ok()?;
        Some(f(&mut engine))
    }

    /// Audits a statement the session answered without the engine.
    pub fn audit_command(
        &self,
        source: &str,
        rows: u64,
        elapsed: Duration,
        error: Option<&ErrorInfo>,
    ) {
        let failure = error.map(|e| Failure {
            sqlstate: &e.code,
            message: &e.message,
        });
        self.audit
            .command_done(source, rows, elapsed, failure.as_ref());
    }

    /// Audits a statement that failed to plan (it did not parse or
    /// translate), as the engine audits a statement that ran.
    pub fn report_plan_failure(&self, source: &str, error: &CatalogError) {
        self.audit.statement_done(&StatementRecord {
            sql: source,
            rows: 0,
            elapsed: Duration::ZERO,
            error: Some(error),
        });
    }

    /// Runs `f` on the engine in a blocking thread, so a slow table never stalls
    /// the async workers that serve other clients.
    pub async fn with_engine<T, F>(&self, f: F) -> Result<T, CatalogError>
    where
        F: FnOnce(&mut Engine) -> Result<T, CatalogError> + Send + 'static,
        T: Send + 'static,
    {
        let engine = Arc::clone(&self.engine);
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || {
            let _enter = span.enter();
            f(&mut lock(&engine))
        })
        .await
        .map_err(|e| CatalogError::Internal(format!("query worker failed: {e}")))?
    }
}

/// The (pid, secret key) pair a client sends in a cancel request.
type CancelKey = (i32, Vec<u8>);

/// Every live session, by the (pid, secret key) pair sent in `BackendKeyData`.
#[derive(Default)]
pub struct Sessions {
    by_key: Mutex<HashMap<CancelKey, Arc<Session>>>,
}

impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sessions")
            .field("count", &lock(&self.by_key).len())
            .finish()
    }
}

fn key_bytes(key: &SecretKey) -> Vec<u8> {
    key.to_bytes().to_vec()
}

impl Sessions {
    /// Registers a session; dropping the returned guard unregisters it.
    pub fn register(
        self: &Arc<Self>,
        pid: i32,
        key: &SecretKey,
        session: Arc<Session>,
    ) -> SessionGuard {
        let k = (pid, key_bytes(key));
        lock(&self.by_key).insert(k.clone(), session);
        SessionGuard {
            sessions: Arc::clone(self),
            key: k,
        }
    }

    /// Interrupts the statement of the session a cancel request names; an
    /// unknown pid or wrong key is ignored, as PostgreSQL does.
    pub fn cancel(&self, pid: i32, key: &SecretKey) -> bool {
        let session = lock(&self.by_key).get(&(pid, key_bytes(key))).cloned();
        match session {
            Some(s) => {
                tracing::info!(session = s.id, "cancel request");
                s.interrupt();
                true
            }
            None => false,
        }
    }

    /// Interrupts every running statement (at shutdown).
    pub fn interrupt_all(&self) {
        for s in lock(&self.by_key).values() {
            s.interrupt();
        }
    }

    pub fn len(&self) -> usize {
        lock(&self.by_key).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Unregisters a session when its connection ends.
pub struct SessionGuard {
    sessions: Arc<Sessions>,
    key: CancelKey,
}

impl Drop for SessionGuard {
    fn drop(&mut self) {
        lock(&self.sessions.by_key).remove(&self.key);
    }
}
