//! The watchdog: stops a scheduled query over its CPU, wall-time or memory
//! limit (the worker then denylists it) and samples the daemon's own CPU and
//! memory against its budget.
//!
//! A query's CPU time is its worker thread's; its memory is the size of its
//! result as it accumulates (checked by the worker's row collector) and, when
//! it is the only scheduled query running, the daemon's resident-memory
//! growth since it started. Over the daemon's CPU budget, new runs wait;
//! over its memory budget, running queries are stopped.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::state::{Shared, lock};
use crate::usage;

/// How often running queries are checked.
const TICK: Duration = Duration::from_millis(100);
/// The window over which the daemon's CPU use is averaged.
const WINDOW: Duration = Duration::from_secs(10);

pub struct Watchdog {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Watchdog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Watchdog")
    }
}

impl Watchdog {
    pub fn start(shared: Arc<Shared>) -> Watchdog {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("schedule watchdog".to_owned())
            .spawn(move || run(&shared, &flag))
            .map_err(|e| tracing::error!(error = %e, "cannot start the watchdog"))
            .ok();
        Watchdog { stop, thread }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn run(shared: &Shared, stop: &AtomicBool) {
    let mut window_start = (Instant::now(), usage::process().total_ms());
    let mut last_sample = Instant::now() - Duration::from_secs(2);
    while !stop.load(Ordering::Relaxed) {
        let config = shared.config();
        let w = config.watchdog;
        if w.enabled {
            check_queries(shared, &w);
        }
        if last_sample.elapsed() >= Duration::from_secs(1) {
            last_sample = Instant::now();
            let (rss, peak) = usage::memory();
            let elapsed = window_start.0.elapsed();
            let mut u = lock(&shared.usage);
            u.resident_bytes = rss;
            u.peak_resident_bytes = peak;
            if elapsed >= WINDOW {
                let cpu = usage::process().total_ms();
                u.cpu_percent = (cpu.saturating_sub(window_start.1)) as f64 * 100.0
                    / elapsed.as_millis().max(1) as f64;
                window_start = (Instant::now(), cpu);
                let over = w.enabled
                    && w.daemon_cpu_percent
                        .is_some_and(|l| u.cpu_percent > l as f64);
                if over != u.throttled {
                    u.throttled = over;
                    let msg = if over {
                        format!(
                            "the daemon used {:.1}% of a core over its budget of {}%; scheduled queries wait",
                            u.cpu_percent,
                            w.daemon_cpu_percent.unwrap_or(0)
                        )
                    } else {
                        "the daemon is back within its CPU budget".to_owned()
                    };
                    drop(u);
                    if over {
                        shared.status.warning(file!(), line!(), &msg);
                    } else {
                        shared.status.info(file!(), line!(), &msg);
                    }
                }
            } else {
                drop(u);
            }
            if w.enabled && w.daemon_memory.is_some_and(|l| rss > l) {
                let mut running = lock(&shared.running);
                for r in running.values_mut().filter(|r| r.stopped.is_none()) {
                    r.stopped = Some(format!(
                        "the daemon's resident memory ({rss} bytes) passed its budget of {} bytes",
                        w.daemon_memory.unwrap_or(0)
                    ));
                    r.interrupter.interrupt();
                }
            }
        }
        let idle = lock(&shared.running).is_empty();
        std::thread::sleep(if idle {
            Duration::from_millis(500)
        } else {
            TICK
        });
    }
}

fn check_queries(shared: &Shared, w: &crate::config::WatchdogConfig) {
    let mut running = lock(&shared.running);
    let alone = running.len() == 1;
    let rss = if alone && w.query_memory.is_some() {
        usage::memory().0
    } else {
        0
    };
    for r in running.values_mut().filter(|r| r.stopped.is_none()) {
        let mut reason = None;
        if let Some(limit) = w.query_wall
            && r.started.elapsed() > limit
        {
            reason = Some(format!(
                "it ran longer than its wall-time limit of {} ms",
                limit.as_millis()
            ));
        }
        if reason.is_none()
            && let (Some(limit), Some(tid)) = (w.query_cpu, r.tid)
            && let Some(cpu) = usage::thread(tid)
            && cpu.total_ms().saturating_sub(r.cpu_at_start) > limit.as_millis() as u64
        {
            reason = Some(format!(
                "it used more than its CPU-time limit of {} ms",
                limit.as_millis()
            ));
        }
        if reason.is_none()
            && alone
            && let Some(limit) = w.query_memory
            && rss.saturating_sub(r.rss_at_start) > limit
        {
            reason = Some(format!(
                "it grew the daemon's memory past its limit of {limit} bytes"
            ));
        }
        if let Some(reason) = reason {
            r.stopped = Some(reason);
            r.interrupter.interrupt();
        }
    }
}
