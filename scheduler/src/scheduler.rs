//! The scheduler: its public handle and the loop that decides what runs when.
//!
//! Each query runs at wall-clock multiples of its splayed interval, as
//! osquery's scheduler does (an hourly query runs on the hour, give or take
//! its splay), unless it is still running, denylisted, excluded by
//! platform, version or shard, or its pack's discovery queries found
//! nothing. The loop itself never runs SQL: it hands jobs to the workers.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use hostgres_catalog::{Registry, Table};
use hostgres_collectors::HostRoot;

use crate::config::ScheduleConfig;
use crate::error::ScheduleError;
use crate::host::{self, Identity};
use crate::runner::{Done, Job, Pool};
use crate::sink::{self, SinkSet};
use crate::state::{Shared, lock, unix_now};
use crate::status::StatusLog;
use crate::store::Store;
use crate::watchdog::Watchdog;

/// Reloads the configuration (re-reading every file it came from).
pub type Loader = Box<dyn Fn() -> Result<ScheduleConfig, ScheduleError> + Send>;

/// A scheduler whose tables can be registered before it starts.
pub struct Scheduler {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Scheduler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Scheduler")
    }
}

enum Event {
    Done(Done),
    Reload,
    Stop,
}

/// The running scheduler; dropping it stops the queries, then the sinks
/// once they have tried to deliver what is pending.
pub struct SchedulerHandle {
    events: Sender<Event>,
    thread: Option<JoinHandle<()>>,
    shared: Arc<Shared>,
}

impl std::fmt::Debug for SchedulerHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SchedulerHandle")
    }
}

impl Scheduler {
    /// Opens the store in `state_dir` and prepares the shared state.
    pub fn open(
        config: ScheduleConfig,
        state_dir: &Path,
        root: HostRoot,
    ) -> Result<Scheduler, ScheduleError> {
        let store = Store::open(state_dir)?;
        let identity = Identity::read(&root);
        let status = StatusLog::new(store.clone(), identity.identifier(&config));
        let now = unix_now();
        let denylist = store.denylisted(now)?.into_iter().collect();
        let shared = Arc::new(Shared {
            store,
            status,
            identity,
            root,
            config: RwLock::new(Arc::new(config)),
            config_valid: true.into(),
            stats: Mutex::new(HashMap::new()),
            denylist: Mutex::new(denylist),
            packs: Mutex::new(HashMap::new()),
            decorations: Mutex::new(Default::default()),
            usage: Mutex::new(Default::default()),
            running: Mutex::new(HashMap::new()),
            started: now,
        });
        Ok(Scheduler { shared })
    }

    /// The introspection tables, to register with `Registry::with_extra`.
    pub fn tables(&self) -> Vec<Arc<dyn Table>> {
        crate::tables::all(&self.shared)
    }

    /// Starts the loop, the workers, the watchdog and the sinks. `loader`
    /// reloads the configuration on [`SchedulerHandle::reload`] and when one
    /// of `watch` (or a file the configuration names) changes.
    pub fn start(
        self,
        registry: Registry,
        loader: Option<Loader>,
        watch: Vec<PathBuf>,
    ) -> Result<SchedulerHandle, ScheduleError> {
        let shared = self.shared;
        let (events, rx) = std::sync::mpsc::channel();
        let (done_tx, done_rx) = std::sync::mpsc::channel::<Done>();
        let forward = events.clone();
        std::thread::Builder::new()
            .name("schedule results".to_owned())
            .spawn(move || {
                for d in done_rx {
                    if forward.send(Event::Done(d)).is_err() {
                        break;
                    }
                }
            })
            .map_err(|e| ScheduleError::io("thread", e))?;
        let config = shared.config();
        let pool = Pool::new(Arc::clone(&shared), registry, done_tx, config.max_workers);
        let store_id = shared.store.store_id()?;
        let sinks = SinkSet::start(
            sink::build(&config.sinks, &store_id)?,
            &shared.store,
            &shared.status,
        );
        let mut lp = Loop {
            shared: Arc::clone(&shared),
            pool: Some(pool),
            sinks: Some(sinks),
            watchdog: Some(Watchdog::start(Arc::clone(&shared))),
            loader,
            watch,
            mtimes: HashMap::new(),
            due: HashMap::new(),
            running: HashMap::new(),
            decorator_due: HashMap::new(),
            discovery_due: 0,
            maintenance_due: 0,
            store_id,
            loading: false,
        };
        lp.mtimes = lp.file_stamps();
        let thread = std::thread::Builder::new()
            .name("scheduler".to_owned())
            .spawn(move || lp.run(&rx))
            .map_err(|e| ScheduleError::io("thread", e))?;
        Ok(SchedulerHandle {
            events,
            thread: Some(thread),
            shared,
        })
    }
}

/// Asks a running scheduler to reload its configuration, from any thread.
#[derive(Clone)]
pub struct Reloader(Sender<Event>);

impl std::fmt::Debug for Reloader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Reloader")
    }
}

impl Reloader {
    pub fn reload(&self) {
        let _ = self.0.send(Event::Reload);
    }
}

impl SchedulerHandle {
    /// Reloads the configuration now (SIGHUP).
    pub fn reload(&self) {
        let _ = self.events.send(Event::Reload);
    }

    /// A handle that reloads the configuration.
    pub fn reloader(&self) -> Reloader {
        Reloader(self.events.clone())
    }

    /// The configuration running now.
    pub fn config(&self) -> Arc<ScheduleConfig> {
        self.shared.config()
    }

    /// Stops everything and waits for it.
    pub fn stop(&mut self) {
        let _ = self.events.send(Event::Stop);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for SchedulerHandle {
    fn drop(&mut self) {
        self.stop();
    }
}

struct Loop {
    shared: Arc<Shared>,
    pool: Option<Pool>,
    sinks: Option<SinkSet>,
    watchdog: Option<Watchdog>,
    loader: Option<Loader>,
    watch: Vec<PathBuf>,
    mtimes: HashMap<PathBuf, Option<(SystemTime, u64)>>,
    /// Next run of each query (unix seconds), and its splayed interval.
    due: HashMap<String, (i64, u64)>,
    /// Queries running now.
    running: HashMap<String, i64>,
    decorator_due: HashMap<u64, i64>,
    discovery_due: i64,
    maintenance_due: i64,
    store_id: String,
    /// Load decorators are running: queries wait for their decorations, as in osquery.
    loading: bool,
}

/// Packs re-run their discovery queries this often (osquery's `pack_refresh_interval`).
const DISCOVERY_REFRESH: i64 = 3600;

impl Loop {
    fn run(&mut self, rx: &Receiver<Event>) {
        let config = self.shared.config();
        self.start_config(&config, None);
        loop {
            let now_ms = chrono::Utc::now().timestamp_millis();
            let next = self.next_wake(&config_of(&self.shared)) * 1000;
            let wait = Duration::from_millis((next - now_ms).clamp(10, 1000) as u64);
            match rx.recv_timeout(wait) {
                Ok(Event::Stop) | Err(RecvTimeoutError::Disconnected) => break,
                Ok(Event::Reload) => self.reload("a reload was requested"),
                Ok(Event::Done(Done::Query(name))) => {
                    self.running.remove(&name);
                }
                Ok(Event::Done(Done::Discovered { pack, active })) => {
                    let mut packs = lock(&self.shared.packs);
                    let p = packs.entry(pack.clone()).or_default();
                    p.discovery_executions += 1;
                    if p.active != active {
                        tracing::info!(%pack, active, "pack discovery");
                    }
                    p.active = active;
                }
                Ok(Event::Done(Done::Decorated(period))) => {
                    if period == 0 {
                        self.loading = false;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
            }
            self.tick();
        }
        if let Some(pool) = self.pool.take() {
            pool.shutdown(Duration::from_secs(5));
        }
        self.watchdog.take();
        if let Some(mut sinks) = self.sinks.take() {
            sinks.stop();
        }
    }

    /// The earliest second something is due.
    fn next_wake(&self, config: &ScheduleConfig) -> i64 {
        let mut next = self.maintenance_due;
        for (due, _) in self.due.values() {
            next = next.min(*due);
        }
        for due in self.decorator_due.values() {
            next = next.min(*due);
        }
        let _ = config;
        next
    }

    fn tick(&mut self) {
        let now = unix_now();
        let config = self.shared.config();
        if now >= self.maintenance_due {
            self.maintenance_due = now + config.config_refresh.as_secs().max(1) as i64;
            self.maintenance(&config, now);
            // A reload replaces the configuration; continue with the new one.
            if !Arc::ptr_eq(&config, &self.shared.config()) {
                return;
            }
        }
        if now >= self.discovery_due {
            self.discovery_due = now + DISCOVERY_REFRESH;
            self.discover(&config);
        }
        for (period, queries) in &config.decorators.interval {
            let due = self.decorator_due.entry(*period).or_insert(now);
            if now >= *due {
                *due = next_multiple(now, *period);
                if let Some(pool) = &self.pool {
                    pool.submit(Job::Decorate {
                        period: *period,
                        queries: queries.clone(),
                    });
                }
            }
        }
        if self.loading {
            return;
        }
        let throttled = lock(&self.shared.usage).throttled;
        for q in &config.queries {
            let Some((due, splayed)) = self.due.get(&q.name).copied() else {
                continue;
            };
            if now < due {
                continue;
            }
            self.due
                .insert(q.name.clone(), (next_multiple(now, splayed), splayed));
            if self.running.contains_key(&q.name)
                || throttled
                || self.shared.is_denylisted(&q.name, now)
            {
                continue;
            }
            if !self.applies(q) {
                continue;
            }
            self.running.insert(q.name.clone(), now);
            if let Some(pool) = &self.pool {
                pool.submit(Job::Query {
                    spec: q.clone(),
                    due,
                });
            }
        }
    }

    /// Whether a query runs on this host now.
    fn applies(&self, q: &crate::config::QuerySpec) -> bool {
        if !host::platform_matches(q.platform.as_deref())
            || !host::version_matches(q.version.as_deref())
            || !host::in_shard(q.shard, &self.shared.identity.hostname)
        {
            return false;
        }
        match &q.pack {
            Some(pack) => lock(&self.shared.packs).get(pack).is_some_and(|p| p.active),
            None => true,
        }
    }

    /// Applies a configuration: due times, sinks, workers, decorators, discovery.
    fn start_config(&mut self, config: &Arc<ScheduleConfig>, previous: Option<&ScheduleConfig>) {
        let now = unix_now();
        let mut due = HashMap::new();
        for q in &config.queries {
            let kept = previous
                .and_then(|p| p.query(&q.name))
                .filter(|p| p.interval == q.interval)
                .and_then(|_| self.due.get(&q.name).copied());
            let entry = kept.unwrap_or_else(|| {
                let splayed = splay(q.interval, config.splay_percent);
                (next_multiple(now - 1, splayed), splayed)
            });
            due.insert(q.name.clone(), entry);
        }
        self.due = due;
        {
            let mut packs = lock(&self.shared.packs);
            packs.retain(|name, _| config.packs.iter().any(|p| &p.name == name));
            for p in &config.packs {
                let state = packs.entry(p.name.clone()).or_default();
                if p.discovery.is_empty() {
                    state.active = true;
                }
            }
        }
        self.decorator_due.clear();
        self.discovery_due = now;
        if let Some(pool) = &mut self.pool {
            pool.set_max(config.max_workers);
            if !config.decorators.load.is_empty() {
                self.loading = true;
                pool.submit(Job::Decorate {
                    period: 0,
                    queries: config.decorators.load.clone(),
                });
            } else {
                lock(&self.shared.decorations).load.clear();
            }
        }
        if previous.is_some_and(|p| p.sinks != config.sinks) {
            self.sinks.take();
            match sink::build(&config.sinks, &self.store_id) {
                Ok(s) => {
                    self.sinks = Some(SinkSet::start(s, &self.shared.store, &self.shared.status))
                }
                Err(e) => self
                    .shared
                    .status
                    .error(file!(), line!(), &format!("log sinks: {e}")),
            }
        }
        self.shared
            .status
            .set_host_identifier(self.shared.identity.identifier(config));
        for w in &config.warnings {
            self.shared.status.warning(file!(), line!(), w);
        }
        let names = crate::config::sink_names(&config.sinks).join(",");
        self.shared.status.info(
            file!(),
            line!(),
            &format!(
                "schedule loaded: {} queries in {} packs, logging to {}",
                config.queries.len(),
                config.packs.len(),
                if names.is_empty() { "nothing" } else { &names }
            ),
        );
    }

    fn discover(&self, config: &ScheduleConfig) {
        let Some(pool) = &self.pool else {
            return;
        };
        for p in config.packs.iter().filter(|p| !p.discovery.is_empty()) {
            pool.submit(Job::Discover {
                pack: p.name.clone(),
                queries: p.discovery.clone(),
            });
        }
    }

    /// Periodic work: configuration files, history retention, the outbox bound.
    fn maintenance(&mut self, config: &ScheduleConfig, now: i64) {
        let stamps = self.file_stamps();
        if stamps != self.mtimes {
            self.mtimes = stamps;
            self.reload("a configuration file changed");
        }
        let min_time = now - config.history_max_age.as_secs() as i64;
        if let Err(e) = self
            .shared
            .store
            .trim_history(config.history_max_rows, min_time)
        {
            tracing::warn!(error = %e, "trimming the results history failed");
        }
        let active: Vec<String> = self
            .sinks
            .as_ref()
            .map(|s| s.ids.clone())
            .unwrap_or_default();
        match self.shared.store.overflowing(config.buffer_max_lines) {
            Ok(behind) => {
                for (sink, from, to) in behind {
                    if let Err(e) = self.shared.store.advance(&sink, to, None) {
                        tracing::warn!(error = %e, "moving a cursor failed");
                        continue;
                    }
                    self.shared.status.error(
                        file!(),
                        line!(),
                        &format!(
                            "log sink {sink} is {} lines behind, over the buffer of {}; it skips lines {}..={to}",
                            to - from,
                            config.buffer_max_lines,
                            from + 1
                        ),
                    );
                }
            }
            Err(e) => tracing::warn!(error = %e, "checking the log buffer failed"),
        }
        if let Err(e) = self.shared.store.trim(&active) {
            tracing::warn!(error = %e, "trimming the log outbox failed");
        }
    }

    fn file_stamps(&self) -> HashMap<PathBuf, Option<(SystemTime, u64)>> {
        let config = self.shared.config();
        self.watch
            .iter()
            .chain(config.files.iter())
            .map(|p| {
                let stamp = std::fs::metadata(p)
                    .ok()
                    .and_then(|m| Some((m.modified().ok()?, m.len())));
                (p.clone(), stamp)
            })
            .collect()
    }

    fn reload(&mut self, why: &str) {
        let Some(loader) = &self.loader else {
            return;
        };
        match loader() {
            Ok(new) => {
                let old = self.shared.config();
                let new = Arc::new(new);
                if *new == *old {
                    return;
                }
                if let Ok(mut c) = self.shared.config.write() {
                    *c = Arc::clone(&new);
                }
                self.shared.config_valid.store(true, Ordering::Relaxed);
                self.shared.status.info(
                    file!(),
                    line!(),
                    &format!("configuration reloaded ({why})"),
                );
                self.start_config(&new, Some(&old));
                self.mtimes = self.file_stamps();
            }
            Err(e) => {
                self.shared.config_valid.store(false, Ordering::Relaxed);
                self.shared.status.error(
                    file!(),
                    line!(),
                    &format!("the new configuration is invalid and was not applied ({why}): {e}"),
                );
            }
        }
    }
}

fn config_of(shared: &Shared) -> Arc<ScheduleConfig> {
    shared.config()
}

/// The first multiple of `period` after `t`.
fn next_multiple(t: i64, period: u64) -> i64 {
    let p = period.max(1) as i64;
    (t.div_euclid(p) + 1) * p
}

/// An interval moved by up to `percent` percent either way, at least 1 s
/// (osquery's `splayValue`).
fn splay(interval: u64, percent: u64) -> u64 {
    if percent == 0 || interval < 2 {
        return interval.max(1);
    }
    let spread = interval * percent.min(100) / 100;
    if spread == 0 {
        return interval;
    }
    use rand::RngExt;
    let low = interval.saturating_sub(spread).max(1);
    rand::rng().random_range(low..=interval + spread)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_align_to_multiples_of_the_interval() {
        assert_eq!(next_multiple(100, 60), 120);
        assert_eq!(next_multiple(119, 60), 120);
        assert_eq!(next_multiple(120, 60), 180);
        assert_eq!(next_multiple(5, 1), 6);
    }

    #[test]
    fn splay_stays_within_its_percent() {
        for _ in 0..100 {
            let s = splay(3600, 10);
            assert!((3240..=3960).contains(&s), "{s}");
        }
        assert_eq!(splay(60, 0), 60);
        assert_eq!(splay(1, 50), 1);
    }
}
