//! State shared by the scheduler loop, its workers, the watchdog and the
//! introspection tables.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::Instant;

use hostgres_catalog::Interrupter;
use hostgres_collectors::HostRoot;

use crate::config::ScheduleConfig;
use crate::host::Identity;
use crate::status::StatusLog;
use crate::store::Store;

/// Execution statistics of one query, as `osquery_schedule` shows them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    pub executions: u64,
    pub last_executed: i64,
    pub output_size: u64,
    pub wall_time_ms: u64,
    pub last_wall_time_ms: u64,
    pub user_time: u64,
    pub last_user_time: u64,
    pub system_time: u64,
    pub last_system_time: u64,
    pub average_memory: u64,
    pub last_memory: u64,
}

/// A pack's discovery state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PackState {
    pub active: bool,
    pub discovery_executions: u64,
    pub discovery_cache_hits: u64,
}

/// Decorations by source, merged load < interval < always.
#[derive(Debug, Clone, Default)]
pub struct Decorations {
    pub load: BTreeMap<String, String>,
    pub interval: BTreeMap<u64, BTreeMap<String, String>>,
    pub always: BTreeMap<String, String>,
}

impl Decorations {
    pub fn merged(&self) -> BTreeMap<String, String> {
        let mut m = self.load.clone();
        for d in self.interval.values() {
            m.extend(d.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        m.extend(self.always.iter().map(|(k, v)| (k.clone(), v.clone())));
        m
    }
}

/// The daemon's own footprint, sampled by the watchdog.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DaemonUsage {
    /// CPU use over the last sampling window, in percent of one core.
    pub cpu_percent: f64,
    pub resident_bytes: u64,
    pub peak_resident_bytes: u64,
    /// True while over the CPU budget: new runs wait.
    pub throttled: bool,
}

/// A query being run, for the watchdog.
#[derive(Debug)]
pub struct Running {
    pub tid: Option<u64>,
    pub started: Instant,
    pub cpu_at_start: u64,
    pub rss_at_start: u64,
    pub interrupter: Interrupter,
    /// Why the watchdog stopped it, once it did.
    pub stopped: Option<String>,
}

/// Everything shared.
pub struct Shared {
    pub store: Store,
    pub status: StatusLog,
    pub identity: Identity,
    pub root: HostRoot,
    pub config: RwLock<Arc<ScheduleConfig>>,
    pub config_valid: AtomicBool,
    pub stats: Mutex<HashMap<String, Stats>>,
    /// Denylisted query names and until when (unix seconds).
    pub denylist: Mutex<HashMap<String, i64>>,
    pub packs: Mutex<HashMap<String, PackState>>,
    pub decorations: Mutex<Decorations>,
    pub usage: Mutex<DaemonUsage>,
    pub running: Mutex<HashMap<u64, Running>>,
    pub started: i64,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared").finish_non_exhaustive()
    }
}

/// Locks a mutex, recovering the data if a thread panicked while holding it
/// (every value here stays consistent between statements).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Shared {
    pub fn config(&self) -> Arc<ScheduleConfig> {
        self.config
            .read()
            .map(|c| Arc::clone(&c))
            .unwrap_or_else(|e| Arc::clone(&e.into_inner()))
    }

    pub fn is_denylisted(&self, name: &str, now: i64) -> bool {
        lock(&self.denylist)
            .get(name)
            .is_some_and(|until| *until > now)
    }
}

/// Seconds since the epoch.
pub fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}
