//! The scheduler inside the daemon: opened with the configuration, its
//! introspection tables registered beside the host tables, started once the
//! listener is bound, reloaded on SIGHUP and when its files change, and
//! stopped when the server shuts down.

use std::path::PathBuf;
use std::sync::Arc;

use hostgres_catalog::{Registry, Table};
use hostgres_collectors::HostRoot;
use hostgres_scheduler::{
    Loader, Reloader, ScheduleConfig, ScheduleError, Scheduler, SchedulerHandle,
};

use crate::config::{Config, RawConfig};

/// Opens the scheduler's store; its tables can then be registered.
pub fn open(config: &Config) -> Result<Scheduler, ScheduleError> {
    Scheduler::open(
        config.schedule.clone(),
        &config.state_dir,
        HostRoot::new(config.host_root.clone()),
    )
}

/// The registry live sessions and scheduled queries share: the host tables
/// and the scheduler's.
pub fn registry(scheduler: &Scheduler, mut extra_tables: Vec<Arc<dyn Table>>) -> Registry {
    extra_tables.extend(scheduler.tables());
    Registry::with_extra(extra_tables)
}

/// Starts the scheduler and its SIGHUP handler (call within the runtime).
pub fn start(
    scheduler: Scheduler,
    registry: Registry,
    config: &Config,
) -> Result<SchedulerHandle, ScheduleError> {
    let file = config.sources.file.clone();
    let osquery = config.sources.osquery_config.clone();
    let state_dir = config.state_dir.clone();
    let loader: Loader = Box::new(move || reload(file.as_deref(), osquery.clone(), &state_dir));
    let watch: Vec<PathBuf> = config.sources.file.iter().cloned().collect();
    let handle = scheduler.start(registry, Some(loader), watch)?;
    on_sighup(handle.reloader());
    Ok(handle)
}

/// Reads the configuration again, as at start.
fn reload(
    file: Option<&std::path::Path>,
    osquery: Option<PathBuf>,
    state_dir: &std::path::Path,
) -> Result<ScheduleConfig, ScheduleError> {
    let mut raw = RawConfig::load(file, std::env::vars()).map_err(|e| ScheduleError::Config {
        location: file.map_or_else(|| "environment".to_owned(), |f| f.display().to_string()),
        key: "(file)".to_owned(),
        reason: e.to_string(),
    })?;
    if osquery.is_some() {
        raw.schedule.osquery_config = osquery;
    }
    ScheduleConfig::load(raw.schedule_sections(), None, state_dir)
}

fn on_sighup(reloader: Reloader) {
    use tokio::signal::unix::{SignalKind, signal};
    let Ok(handle) = tokio::runtime::Handle::try_current() else {
        return;
    };
    match signal(SignalKind::hangup()) {
        Ok(mut hup) => {
            handle.spawn(async move {
                while hup.recv().await.is_some() {
                    tracing::info!("SIGHUP: reloading the schedule");
                    reloader.reload();
                }
            });
        }
        Err(e) => tracing::warn!(error = %e, "cannot listen for SIGHUP"),
    }
}
