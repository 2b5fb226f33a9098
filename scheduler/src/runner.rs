//! The workers that run scheduled queries: OS threads of their own, off the
//! client path, each with its own engine (the same translation and engine as
//! live queries). The pool grows when every worker is busy, up to
//! `max_workers`, so a slow query never delays the others; idle workers
//! beyond the first exit after a minute.
//!
//! A run is measured (wall, user and system time of the worker thread, the
//! size of its result) and registered with the watchdog while it runs.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hostgres_catalog::settings::Settings;
use hostgres_catalog::translate::{Statement, translate};
use hostgres_catalog::{AllowAll, CatalogError, Engine, EngineOptions, Registry};

use crate::config::QuerySpec;
use crate::format::{self, LogItem};
use crate::results::{Collector, Diff, Row, diff};
use crate::state::{Running, Shared, lock, unix_now};
use crate::store::{HistoryRow, Kind, Record};
use crate::usage;

/// Work for a worker.
#[derive(Debug)]
pub enum Job {
    /// A scheduled query, due at `due` (unix seconds).
    Query { spec: QuerySpec, due: i64 },
    /// Decorator queries; `period` 0 for `load`.
    Decorate { period: u64, queries: Vec<String> },
    /// A pack's discovery queries.
    Discover { pack: String, queries: Vec<String> },
}

/// What a worker reports back to the scheduler loop.
#[derive(Debug)]
pub enum Done {
    Query(String),
    Discovered {
        pack: String,
        active: bool,
    },
    /// Decorators of this period (0: `load`) ran.
    Decorated(u64),
}

/// The worker pool.
pub struct Pool {
    shared: Arc<Shared>,
    registry: Registry,
    jobs: Sender<Job>,
    queue: Arc<Mutex<Receiver<Job>>>,
    done: Sender<Done>,
    workers: Arc<AtomicUsize>,
    idle: Arc<AtomicUsize>,
    max: usize,
    next_run: Arc<AtomicU64>,
    threads: Mutex<Vec<std::thread::JoinHandle<()>>>,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("workers", &self.workers.load(Ordering::Relaxed))
            .finish()
    }
}

impl Pool {
    pub fn new(shared: Arc<Shared>, registry: Registry, done: Sender<Done>, max: usize) -> Pool {
        let (jobs, queue) = std::sync::mpsc::channel();
        Pool {
            shared,
            registry,
            jobs,
            queue: Arc::new(Mutex::new(queue)),
            done,
            workers: Arc::new(AtomicUsize::new(0)),
            idle: Arc::new(AtomicUsize::new(0)),
            max: max.max(1),
            next_run: Arc::new(AtomicU64::new(1)),
            threads: Mutex::new(Vec::new()),
        }
    }

    pub fn set_max(&mut self, max: usize) {
        self.max = max.max(1);
    }

    /// Queues a job, starting a worker when none is idle.
    pub fn submit(&self, job: Job) {
        if self.idle.load(Ordering::Acquire) == 0 && self.workers.load(Ordering::Acquire) < self.max
        {
            self.spawn();
        }
        if self.jobs.send(job).is_err() {
            tracing::error!("the scheduler's job queue is closed");
        }
    }

    fn spawn(&self) {
        self.workers.fetch_add(1, Ordering::AcqRel);
        let ctx = WorkerContext {
            shared: Arc::clone(&self.shared),
            registry: self.registry.clone(),
            queue: Arc::clone(&self.queue),
            done: self.done.clone(),
            workers: Arc::clone(&self.workers),
            idle: Arc::clone(&self.idle),
            next_run: Arc::clone(&self.next_run),
        };
        match std::thread::Builder::new()
            .name("schedule worker".to_owned())
            .spawn(move || ctx.run())
        {
            Ok(t) => {
                let mut threads = lock(&self.threads);
                threads.retain(|t| !t.is_finished());
                threads.push(t);
            }
            Err(e) => {
                self.workers.fetch_sub(1, Ordering::AcqRel);
                tracing::error!(error = %e, "cannot start a schedule worker");
            }
        }
    }

    /// Interrupts running queries and waits for the workers to finish.
    pub fn shutdown(self, grace: Duration) {
        for r in lock(&self.shared.running).values() {
            r.interrupter.interrupt();
        }
        drop(self.jobs);
        let deadline = Instant::now() + grace;
        let threads = std::mem::take(&mut *lock(&self.threads));
        for t in threads {
            while !t.is_finished() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(10));
            }
            if t.is_finished() {
                let _ = t.join();
            }
        }
    }
}

struct WorkerContext {
    shared: Arc<Shared>,
    registry: Registry,
    queue: Arc<Mutex<Receiver<Job>>>,
    done: Sender<Done>,
    workers: Arc<AtomicUsize>,
    idle: Arc<AtomicUsize>,
    next_run: Arc<AtomicU64>,
}

const IDLE_EXIT: Duration = Duration::from_secs(60);

impl WorkerContext {
    fn run(self) {
        let mut engine: Option<Engine> = None;
        loop {
            self.idle.fetch_add(1, Ordering::AcqRel);
            let job = lock(&self.queue).recv_timeout(IDLE_EXIT);
            self.idle.fetch_sub(1, Ordering::AcqRel);
            let job = match job {
                Ok(job) => job,
                Err(RecvTimeoutError::Timeout) => {
                    // Keep one worker warm; the others go.
                    if self.workers.load(Ordering::Acquire) > 1 {
                        break;
                    }
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => break,
            };
            if engine.is_none() {
                match self.open_engine() {
                    Ok(e) => engine = Some(e),
                    Err(e) => {
                        self.shared.status.error(
                            file!(),
                            line!(),
                            &format!("cannot open an engine for scheduled queries: {e}"),
                        );
                    }
                }
            }
            let report = match (&engine, job) {
                (Some(engine), Job::Query { spec, due }) => {
                    self.run_query(engine, &spec, due);
                    Done::Query(spec.name)
                }
                (None, Job::Query { spec, .. }) => Done::Query(spec.name),
                (Some(engine), Job::Decorate { period, queries }) => {
                    let d = decorate(engine, &self.registry, &queries);
                    let mut dec = lock(&self.shared.decorations);
                    if period == 0 {
                        dec.load = d;
                    } else {
                        dec.interval.insert(period, d);
                    }
                    self.shared.status.set_decorations(dec.merged());
                    Done::Decorated(period)
                }
                (None, Job::Decorate { period, .. }) => Done::Decorated(period),
                (Some(engine), Job::Discover { pack, queries }) => {
                    let active = queries.iter().all(|q| {
                        run_sql(engine, &self.registry, q, None).is_ok_and(|c| !c.rows.is_empty())
                    });
                    Done::Discovered { pack, active }
                }
                (None, Job::Discover { pack, .. }) => Done::Discovered {
                    pack,
                    active: false,
                },
            };
            if self.done.send(report).is_err() {
                break;
            }
        }
        self.workers.fetch_sub(1, Ordering::AcqRel);
    }

    fn open_engine(&self) -> Result<Engine, CatalogError> {
        Engine::open(EngineOptions {
            root: self.shared.root.clone(),
            registry: self.registry.clone(),
            user: "hostgres".to_owned(),
            database: "hostgres".to_owned(),
            settings: Settings::new("hostgres", Default::default(), Default::default()),
            policy: Arc::new(AllowAll),
            ..EngineOptions::default()
        })
    }

    fn run_query(&self, engine: &Engine, spec: &QuerySpec, due: i64) {
        let shared = &self.shared;
        let config = shared.config();
        if !config.decorators.always.is_empty() {
            let d = decorate(engine, &self.registry, &config.decorators.always);
            let mut dec = lock(&shared.decorations);
            dec.always = d;
            shared.status.set_decorations(dec.merged());
        }
        let id = self.next_run.fetch_add(1, Ordering::Relaxed);
        let tid = usage::this_thread_id();
        let cpu_before = usage::this_thread();
        let rss_before = usage::memory().0;
        let started = Instant::now();
        lock(&shared.running).insert(
            id,
            Running {
                tid,
                started,
                cpu_at_start: cpu_before.total_ms(),
                rss_at_start: rss_before,
                interrupter: engine.interrupter(),
                stopped: None,
            },
        );
        let limit = config
            .watchdog
            .enabled
            .then_some(config.watchdog.query_memory)
            .flatten();
        let result = run_sql(engine, &self.registry, &spec.sql, limit);
        let wall = started.elapsed();
        let cpu = usage::this_thread().since(cpu_before);
        let rss_growth = usage::memory().0.saturating_sub(rss_before);
        let stopped = lock(&shared.running).remove(&id).and_then(|r| r.stopped);
        let memory = match &result {
            Ok(c) => c.bytes.max(rss_growth),
            Err((_, bytes)) => (*bytes).max(rss_growth),
        };
        let now = unix_now();
        let mut output_size = 0;
        match (result, stopped) {
            (_, Some(reason)) => {
                let reason = format!(
                    "the watchdog stopped scheduled query {}: {reason}",
                    spec.name
                );
                if spec.denylist && config.watchdog.enabled {
                    let until = now + config.watchdog.denylist_duration.as_secs() as i64;
                    lock(&shared.denylist).insert(spec.name.clone(), until);
                    if let Err(e) = shared.store.denylist(&spec.name, until, &reason) {
                        tracing::error!(error = %e, "cannot save the denylist");
                    }
                    shared.status.error(
                        file!(),
                        line!(),
                        &format!("{reason}; denylisted until {until}"),
                    );
                } else {
                    shared.status.error(file!(), line!(), &reason);
                }
            }
            (Err((CatalogError::Cancelled, bytes)), None) if limit.is_some_and(|l| bytes > l) => {
                let reason = format!(
                    "the watchdog stopped scheduled query {}: its result passed the memory limit of {} bytes",
                    spec.name,
                    limit.unwrap_or(0)
                );
                let until = now + config.watchdog.denylist_duration.as_secs() as i64;
                if spec.denylist {
                    lock(&shared.denylist).insert(spec.name.clone(), until);
                    if let Err(e) = shared.store.denylist(&spec.name, until, &reason) {
                        tracing::error!(error = %e, "cannot save the denylist");
                    }
                    shared.status.error(
                        file!(),
                        line!(),
                        &format!("{reason}; denylisted until {until}"),
                    );
                } else {
                    shared.status.error(file!(), line!(), &reason);
                }
            }
            (Err((e, _)), None) => {
                shared.status.error(
                    file!(),
                    line!(),
                    &format!("Error executing scheduled query {}: {e}", spec.name),
                );
            }
            (Ok(collected), None) => match record(shared, spec, collected.rows, now) {
                Ok(n) => output_size = n,
                Err(e) => shared.status.error(
                    file!(),
                    line!(),
                    &format!(
                        "Error adding new results to database for query {}: {e}",
                        spec.name
                    ),
                ),
            },
        }
        let _ = due;
        let mut stats = lock(&shared.stats);
        let s = stats.entry(spec.name.clone()).or_default();
        s.executions += 1;
        s.last_executed = now;
        s.output_size += output_size;
        s.last_wall_time_ms = wall.as_millis() as u64;
        s.wall_time_ms += s.last_wall_time_ms;
        s.last_user_time = cpu.user_ms;
        s.user_time += cpu.user_ms;
        s.last_system_time = cpu.system_ms;
        s.system_time += cpu.system_ms;
        s.last_memory = memory;
        s.average_memory = (s.average_memory * (s.executions - 1) + memory) / s.executions;
    }
}

/// Translates and runs one statement, collecting its rows. On failure,
/// returns the error and how many bytes of result had been collected.
fn run_sql(
    engine: &Engine,
    registry: &Registry,
    sql: &str,
    limit: Option<u64>,
) -> Result<Collector, (CatalogError, u64)> {
    let text = sql.trim().trim_end_matches(';');
    let q = match translate(text, registry) {
        Ok(Statement::Query(q)) => q,
        Ok(Statement::Session(c)) => {
            return Err((
                CatalogError::Unsupported(format!("{c:?} is a session command, not a query")),
                0,
            ));
        }
        Err(e) => return Err((e, 0)),
    };
    let mut collector = Collector::new(limit);
    match engine.query(&q.sql, &[], &mut collector) {
        Ok(_) => Ok(collector),
        Err(e) => Err((e, collector.bytes)),
    }
}

/// Runs decorator queries; each one's first row adds its columns.
fn decorate(engine: &Engine, registry: &Registry, queries: &[String]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for q in queries {
        match run_sql(engine, registry, q, Some(1 << 20)) {
            Ok(c) => {
                if let Some(Row(fields)) = c.rows.into_iter().next() {
                    for (k, v) in fields {
                        out.insert(k, v.text());
                    }
                }
            }
            Err((e, _)) => tracing::warn!(query = %q, error = %e, "decorator query failed"),
        }
    }
    out
}

/// Computes what a run logs and records it atomically; returns the bytes logged.
pub fn record(
    shared: &Shared,
    spec: &QuerySpec,
    rows: Vec<Row>,
    now: i64,
) -> Result<u64, crate::ScheduleError> {
    let config = shared.config();
    let host = shared.identity.identifier(&config);
    let decorations = lock(&shared.decorations).merged();
    let previous = shared.store.previous(&spec.name)?;
    let epoch = config.epoch;
    let mut item = LogItem {
        name: &spec.name,
        host_identifier: &host,
        unix_time: now,
        epoch,
        counter: 0,
        decorations: &decorations,
        format: config.format,
    };
    let history = |action: &'static str, r: &Row, counter: u64| HistoryRow {
        name: spec.name.clone(),
        unix_time: now,
        action,
        counter,
        columns: r.to_json(),
    };
    let rec = if spec.snapshot {
        let lines = format::snapshot(&item, &rows);
        Record {
            rows: None,
            sql: spec.sql.clone(),
            epoch,
            counter: None,
            history: rows.iter().map(|r| history("snapshot", r, 0)).collect(),
            lines: lines.into_iter().map(|l| (Kind::Snapshot, l)).collect(),
        }
    } else {
        let fresh = previous.as_ref().is_none_or(|p| p.epoch != epoch);
        let new_query = !fresh && previous.as_ref().is_some_and(|p| p.sql != spec.sql);
        let (d, update_db) = match (&previous, fresh) {
            (Some(p), false) => {
                let d = diff(&p.rows, rows.clone());
                let changed = !d.is_empty();
                (d, changed)
            }
            _ => (
                Diff {
                    added: rows.clone(),
                    removed: Vec::new(),
                },
                true,
            ),
        };
        let counter = if fresh || new_query {
            Some(0)
        } else if update_db {
            Some(previous.as_ref().map_or(0, |p| p.counter + 1))
        } else {
            None
        };
        item.counter = counter.unwrap_or(0);
        let removed: &[Row] = if spec.removed { &d.removed } else { &[] };
        let lines = if counter.is_some() {
            format::differential(&item, &d.added, removed)
        } else {
            Vec::new()
        };
        let mut hist: Vec<HistoryRow> = removed
            .iter()
            .map(|r| history("removed", r, item.counter))
            .collect();
        if counter.is_some() {
            hist.extend(d.added.iter().map(|r| history("added", r, item.counter)));
        }
        Record {
            rows: update_db.then_some(rows),
            sql: spec.sql.clone(),
            epoch,
            counter,
            history: hist,
            lines: lines.into_iter().map(|l| (Kind::Result, l)).collect(),
        }
    };
    let bytes = rec.lines.iter().map(|(_, l)| l.len() as u64 + 1).sum();
    shared.store.record(&spec.name, &rec)?;
    Ok(bytes)
}
