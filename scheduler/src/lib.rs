//! Scheduled queries and packs for hostgres, as osqueryd runs them.
//!
//! A [`Scheduler`] runs each query of a [`ScheduleConfig`] at its interval on
//! worker threads of its own, with the same translation and engine as live
//! queries; diffs each result against the previous one kept in a crash-safe
//! SQLite store; logs what changed exactly as osquery does (event or batch
//! JSON, snapshots, decorations, status lines); and ships the lines through
//! any number of sinks (files, stdout, syslog, HTTP, PostgreSQL). A watchdog
//! stops and denylists queries over their limits, and introspection tables
//! (`osquery_info`, `osquery_schedule`, `osquery_packs`, `osquery_flags`,
//! `hostgres_results`) show it all in SQL.
//!
//! Layout:
//! - `config`: the schedule configuration (hostgres TOML sections, osquery JSON) and its validation.
//! - `scheduler`: [`Scheduler`] and its loop: what runs when.
//! - `runner`: the worker pool; running, measuring and recording a query.
//! - `results`: result rows and osquery's differential.
//! - `format`: log lines exactly as osquery writes them.
//! - `store`: the crash-safe state store and the log outbox.
//! - `sink`: the [`sink::Sink`] trait and the file, stdout, syslog, HTTP and PostgreSQL sinks.
//! - `status`: the status log stream.
//! - `watchdog`: per-query limits and the daemon's budget.
//! - `tables`: the introspection tables.
//! - `host`: host identity, shards, platform and version checks.
//! - `state`: state shared between the loop, the workers and the tables.
//! - `usage`: CPU and memory readings of the daemon's own process.
//! - `error`: [`ScheduleError`] and its kinds.

pub mod config;
mod error;
pub mod format;
pub mod host;
pub mod results;
mod runner;
mod scheduler;
pub mod sink;
mod state;
pub mod status;
pub mod store;
mod tables;
pub mod usage;
mod watchdog;

pub use config::{OsqueryConfig, RawSections, ScheduleConfig};
pub use error::{ScheduleError, ScheduleErrorKind};
pub use scheduler::{Loader, Reloader, Scheduler, SchedulerHandle};
