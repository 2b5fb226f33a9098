//! Log sinks: one trait, several at once, each on its own thread reading the
//! store's outbox from its own cursor.
//!
//! A sink delivers a batch of lines in order and reports the state it needs
//! to recover; the cursor moves past the batch only once it is delivered, so
//! an outage or a crash delays lines and never loses them. A sink that fails
//! retries with exponential backoff and says so once in the status log.
//!
//! Layout:
//! - `file`: JSON lines in files, size-based rotation, optional gzip.
//! - `stdout`, `syslog`: the local streams.
//! - `http`: osquery's TLS logger body, POSTed in batches.
//! - `postgres`: rows with the line as jsonb on a central PostgreSQL.

pub mod file;
pub mod http;
pub mod postgres;
pub mod stdout;
pub mod syslog;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::config::SinksConfig;
use crate::error::ScheduleError;
use crate::status::StatusLog;
use crate::store::{Entry, Kind, Store};

/// A destination for log lines.
pub trait Sink: Send {
    /// The cursor name, unique among sinks (`file:results`, `http:status`...).
    fn id(&self) -> String;
    /// The kinds of line it takes.
    fn kinds(&self) -> &[Kind];
    /// After a crash: how many of `pending` (the lines after the cursor) were
    /// delivered already, given the state saved with the cursor.
    fn recover(
        &mut self,
        _state: Option<&str>,
        _pending: &[Entry],
    ) -> Result<usize, ScheduleError> {
        Ok(0)
    }
    /// Delivers `entries` in order, all or nothing; returns the state to save with the cursor.
    fn deliver(&mut self, entries: &[Entry]) -> Result<Option<String>, ScheduleError>;
    /// Lines per delivery.
    fn batch(&self) -> usize {
        1000
    }
    /// Wait between deliveries when there is nothing to catch up on.
    fn period(&self) -> Duration {
        Duration::from_secs(5)
    }
    /// Whether a new line wakes it at once; batching sinks wait out their period instead.
    fn wakes_on_append(&self) -> bool {
        true
    }
    /// Longest wait between retries.
    fn max_backoff(&self) -> Duration {
        Duration::from_secs(30)
    }
}

/// Builds the configured sinks.
pub fn build(config: &SinksConfig, store_id: &str) -> Result<Vec<Box<dyn Sink>>, ScheduleError> {
    let mut sinks: Vec<Box<dyn Sink>> = Vec::new();
    if let Some(f) = &config.file {
        for stream in file::Stream::ALL {
            sinks.push(Box::new(file::FileSink::new(f.clone(), stream)?));
        }
    }
    if config.stdout {
        sinks.push(Box::new(stdout::StdoutSink));
    }
    if let Some(s) = &config.syslog {
        sinks.push(Box::new(syslog::SyslogSink::new(s.clone())));
    }
    if let Some(h) = &config.http {
        sinks.push(Box::new(http::HttpSink::new(
            h.clone(),
            http::LogType::Result,
        )?));
        sinks.push(Box::new(http::HttpSink::new(
            h.clone(),
            http::LogType::Status,
        )?));
    }
    if let Some(p) = &config.postgres {
        sinks.push(Box::new(postgres::PostgresSink::new(
            p.clone(),
            store_id.to_owned(),
        )));
    }
    Ok(sinks)
}

/// The running sinks; dropping it stops them after a last delivery attempt.
pub struct SinkSet {
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
    store: Store,
    pub ids: Vec<String>,
}

impl std::fmt::Debug for SinkSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SinkSet").field("ids", &self.ids).finish()
    }
}

impl SinkSet {
    /// Starts one thread per sink.
    pub fn start(sinks: Vec<Box<dyn Sink>>, store: &Store, status: &StatusLog) -> SinkSet {
        let stop = Arc::new(AtomicBool::new(false));
        let ids: Vec<String> = sinks.iter().map(|s| s.id()).collect();
        // A new sink starts at the end of the outbox; fix that point now, so
        // that lines appended from here on reach it however late its thread starts.
        for id in &ids {
            if let Err(e) = store.cursor(id) {
                tracing::warn!(sink = %id, error = %e, "cannot read the sink's cursor");
            }
        }
        let threads = sinks
            .into_iter()
            .filter_map(|sink| {
                let (store, status, stop) = (store.clone(), status.clone(), Arc::clone(&stop));
                std::thread::Builder::new()
                    .name(format!("sink {}", sink.id()))
                    .spawn(move || run(sink, &store, &status, &stop))
                    .map_err(|e| tracing::error!(error = %e, "cannot start a sink thread"))
                    .ok()
            })
            .collect();
        SinkSet {
            stop,
            threads,
            store: store.clone(),
            ids,
        }
    }

    /// Stops every sink once it has tried to deliver what is pending.
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        self.store.wake_all();
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

impl Drop for SinkSet {
    fn drop(&mut self) {
        self.stop();
    }
}

/// One sink's loop: recover, then deliver batches as lines arrive.
fn run(mut sink: Box<dyn Sink>, store: &Store, status: &StatusLog, stop: &AtomicBool) {
    let id = sink.id();
    let kinds = sink.kinds().to_vec();
    let mut backoff = Duration::from_millis(500);
    let mut failing_since: Option<Instant> = None;
    // Recovery first: a crash may have left part of the last batch delivered.
    loop {
        match recover(sink.as_mut(), store, &id, &kinds) {
            Ok(()) => break,
            Err(e) => {
                tracing::warn!(sink = %id, error = %e, "sink recovery failed; retrying");
                if sleep_or_stop(stop, backoff) {
                    return;
                }
                backoff = (backoff * 2).min(sink.max_backoff());
            }
        }
    }
    let mut generation = store.generation();
    loop {
        let stopping = stop.load(Ordering::Relaxed);
        let delivered = deliver_once(sink.as_mut(), store, &id, &kinds);
        match delivered {
            Ok(n) => {
                if let Some(since) = failing_since.take() {
                    status.info(
                        file!(),
                        line!(),
                        &format!(
                            "log sink {id} recovered after {} s",
                            since.elapsed().as_secs()
                        ),
                    );
                }
                backoff = Duration::from_millis(500);
                if n >= sink.batch() && !stopping {
                    continue; // more to catch up on
                }
                if stopping {
                    return;
                }
                if sink.wakes_on_append() {
                    generation = store.wait_appended(generation, sink.period());
                } else {
                    // Stopping ends the wait; the loop then delivers what is pending once more.
                    sleep_or_stop(stop, sink.period());
                }
            }
            Err(e) => {
                if failing_since.is_none() {
                    failing_since = Some(Instant::now());
                    // The status line is itself logged; a status sink that
                    // fails still reports through the others and stderr.
                    status.error(
                        file!(),
                        line!(),
                        &format!("log sink {id} failed, retrying: {e}"),
                    );
                }
                tracing::warn!(sink = %id, error = %e, retry_ms = backoff.as_millis() as u64, "log sink failed");
                if stopping || sleep_or_stop(stop, backoff) {
                    return;
                }
                backoff = (backoff * 2).min(sink.max_backoff());
            }
        }
    }
}

fn recover(
    sink: &mut dyn Sink,
    store: &Store,
    id: &str,
    kinds: &[Kind],
) -> Result<(), ScheduleError> {
    let (cursor, state) = store.cursor(id)?;
    let pending = store.pending(cursor, kinds, 100_000)?;
    let done = sink.recover(state.as_deref(), &pending)?.min(pending.len());
    // A sink without saved state saves its starting point now, before it
    // writes anything, so that a crash in its first batch is recoverable too.
    if done > 0 || state.is_none() {
        let last = if done > 0 {
            pending[done - 1].seq
        } else {
            cursor
        };
        let state = sink.deliver(&[])?;
        store.advance(id, last, state.as_deref())?;
    }
    if done > 0 {
        tracing::info!(sink = %id, lines = done, "recovered lines written before a crash");
    }
    Ok(())
}

fn deliver_once(
    sink: &mut dyn Sink,
    store: &Store,
    id: &str,
    kinds: &[Kind],
) -> Result<usize, ScheduleError> {
    let (cursor, _) = store.cursor(id)?;
    let batch = store.pending(cursor, kinds, sink.batch())?;
    let Some(last) = batch.last().map(|e| e.seq) else {
        return Ok(0);
    };
    let state = sink.deliver(&batch)?;
    store.advance(id, last, state.as_deref())?;
    Ok(batch.len())
}

/// Sleeps up to `d`, waking early to stop; true when stopping.
fn sleep_or_stop(stop: &AtomicBool, d: Duration) -> bool {
    let end = Instant::now() + d;
    while Instant::now() < end {
        if stop.load(Ordering::Relaxed) {
            return true;
        }
        std::thread::sleep(
            Duration::from_millis(50).min(end.saturating_duration_since(Instant::now())),
        );
    }
    stop.load(Ordering::Relaxed)
}
