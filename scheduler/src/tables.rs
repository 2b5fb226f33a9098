//! Introspection tables under their osquery names, so osquery packs and
//! dashboards work: `osquery_info`, `osquery_schedule`, `osquery_packs`,
//! `osquery_flags`; and `hostgres.hostgres_results`, the history of
//! scheduled results for graphing a query over time.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use hostgres_catalog::{ColumnType::*, Namespace, Rows, ScanContext, Schema, Table, col};
use hostgres_collectors::CollectError;

use crate::config::OSQUERY_VERSION;
use crate::state::{Shared, lock, unix_now};

/// Every introspection table over `shared`.
pub fn all(shared: &Arc<Shared>) -> Vec<Arc<dyn Table>> {
    vec![
        Arc::new(OsqueryInfo(Arc::clone(shared))),
        Arc::new(OsquerySchedule(Arc::clone(shared))),
        Arc::new(OsqueryPacks(Arc::clone(shared))),
        Arc::new(OsqueryFlags(Arc::clone(shared))),
        Arc::new(Results(Arc::clone(shared))),
    ]
}

struct OsqueryInfo(Arc<Shared>);

static INFO: Schema = Schema {
    name: "osquery_info",
    doc: "Top level information about the running daemon (hostgres, compatible with osqueryd).",
    columns: &[
        col("pid", Integer, "Process (or thread/handle) ID"),
        col("uuid", Text, "Unique ID provided by the system"),
        col(
            "instance_id",
            Text,
            "Unique, long-lived ID per instance of the daemon",
        ),
        col(
            "version",
            Text,
            "The osquery version hostgres is compatible with",
        ),
        col(
            "config_hash",
            Text,
            "Hash of the working configuration state",
        ),
        col(
            "config_valid",
            Integer,
            "1 if the config was loaded and considered valid, else 0",
        ),
        col("extensions", Text, "osquery extensions status"),
        col("build_platform", Text, "osquery toolkit build platform"),
        col(
            "build_distro",
            Text,
            "osquery toolkit platform distribution name (os version)",
        ),
        col(
            "start_time",
            Integer,
            "UNIX time in seconds when the process started",
        ),
        col(
            "watcher",
            Integer,
            "Process (or thread/handle) ID of optional watcher process",
        ),
        col("platform_mask", Integer, "The osquery platform bitmask"),
        col("hostgres_version", Text, "The hostgres version"),
        col(
            "cpu_percent",
            Double,
            "The daemon's CPU use over the last 10 seconds, in percent of one core",
        ),
        col(
            "cpu_limit_percent",
            Integer,
            "The daemon's CPU budget in percent of one core; NULL if unlimited",
        ),
        col("resident_bytes", BigInt, "The daemon's resident memory"),
        col(
            "peak_resident_bytes",
            BigInt,
            "The daemon's peak resident memory",
        ),
        col(
            "memory_limit_bytes",
            BigInt,
            "The daemon's memory budget; NULL if unlimited",
        ),
    ],
};

impl Table for OsqueryInfo {
    fn schema(&self) -> &'static Schema {
        &INFO
    }

    fn generate(&self, _cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let s = &self.0;
        let config = s.config();
        let usage = *lock(&s.usage);
        let mut r = out.row();
        r.set("pid", std::process::id())
            .set("uuid", s.identity.uuid.as_str())
            .set("instance_id", s.identity.instance_id.as_str())
            .set("version", OSQUERY_VERSION)
            .set("config_hash", config.hash.as_str())
            .set(
                "config_valid",
                i64::from(s.config_valid.load(Ordering::Relaxed)),
            )
            .set("extensions", "inactive")
            .set("build_platform", "linux")
            .set("build_distro", "")
            .set("start_time", s.started)
            .set("watcher", -1)
            // osquery's platform bits: POSIX (8) | LINUX (1).
            .set("platform_mask", 9)
            .set("hostgres_version", env!("CARGO_PKG_VERSION"))
            .set("cpu_percent", usage.cpu_percent)
            .set("resident_bytes", usage.resident_bytes)
            .set("peak_resident_bytes", usage.peak_resident_bytes);
        if config.watchdog.enabled {
            if let Some(c) = config.watchdog.daemon_cpu_percent {
                r.set("cpu_limit_percent", c);
            }
            if let Some(m) = config.watchdog.daemon_memory {
                r.set("memory_limit_bytes", m);
            }
        }
        Ok(())
    }
}

struct OsquerySchedule(Arc<Shared>);

static SCHEDULE: Schema = Schema {
    name: "osquery_schedule",
    doc: "Information about the current queries that are scheduled in the daemon.",
    columns: &[
        col("name", Text, "The given name for this query"),
        col("query", Text, "The exact query to run"),
        col(
            "interval",
            Integer,
            "The interval in seconds to run this query, not an exact interval",
        ),
        col(
            "executions",
            BigInt,
            "Number of times the query was executed",
        ),
        col(
            "last_executed",
            BigInt,
            "UNIX time stamp in seconds of the last completed execution",
        ),
        col("denylisted", Integer, "1 if the query is denylisted else 0"),
        col(
            "output_size",
            BigInt,
            "Cumulative total number of bytes generated by the resultant rows of the query",
        ),
        col(
            "wall_time",
            BigInt,
            "Total wall time in seconds spent executing (deprecated), hidden=True",
        ),
        col(
            "wall_time_ms",
            BigInt,
            "Total wall time in milliseconds spent executing",
        ),
        col(
            "last_wall_time_ms",
            BigInt,
            "Wall time in milliseconds of the latest execution",
        ),
        col(
            "user_time",
            BigInt,
            "Total user time in milliseconds spent executing",
        ),
        col(
            "last_user_time",
            BigInt,
            "User time in milliseconds of the latest execution",
        ),
        col(
            "system_time",
            BigInt,
            "Total system time in milliseconds spent executing",
        ),
        col(
            "last_system_time",
            BigInt,
            "System time in milliseconds of the latest execution",
        ),
        col(
            "average_memory",
            BigInt,
            "Average of the bytes of memory used by the query's executions",
        ),
        col(
            "last_memory",
            BigInt,
            "Bytes of memory used by the latest execution",
        ),
    ],
};

impl Table for OsquerySchedule {
    fn schema(&self) -> &'static Schema {
        &SCHEDULE
    }

    fn generate(&self, _cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let s = &self.0;
        let config = s.config();
        let stats = lock(&s.stats).clone();
        let now = unix_now();
        for q in &config.queries {
            let st = stats.get(&q.name).cloned().unwrap_or_default();
            out.row()
                .set("name", q.name.as_str())
                .set("query", q.sql.as_str())
                .set("interval", q.interval)
                .set("executions", st.executions)
                .set("last_executed", st.last_executed)
                .set("denylisted", i64::from(s.is_denylisted(&q.name, now)))
                .set("output_size", st.output_size)
                .set("wall_time", st.wall_time_ms / 1000)
                .set("wall_time_ms", st.wall_time_ms)
                .set("last_wall_time_ms", st.last_wall_time_ms)
                .set("user_time", st.user_time)
                .set("last_user_time", st.last_user_time)
                .set("system_time", st.system_time)
                .set("last_system_time", st.last_system_time)
                .set("average_memory", st.average_memory)
                .set("last_memory", st.last_memory);
        }
        Ok(())
    }
}

struct OsqueryPacks(Arc<Shared>);

static PACKS: Schema = Schema {
    name: "osquery_packs",
    doc: "Information about the current query packs that are loaded in the daemon.",
    columns: &[
        col("name", Text, "The given name for this query pack"),
        col("platform", Text, "Platforms this query is supported on"),
        col(
            "version",
            Text,
            "Minimum osquery version that this query will run on",
        ),
        col(
            "shard",
            Integer,
            "Shard restriction limit, 1-100, 0 meaning no restriction",
        ),
        col(
            "discovery_cache_hits",
            Integer,
            "The number of times that the discovery query used cached values since the last time the config was reloaded",
        ),
        col(
            "discovery_executions",
            Integer,
            "The number of times that the discovery queries have been executed since the last time the config was reloaded",
        ),
        col(
            "active",
            Integer,
            "Whether this pack is active (the version, platform and discovery queries match) yes=1, no=0.",
        ),
    ],
};

impl Table for OsqueryPacks {
    fn schema(&self) -> &'static Schema {
        &PACKS
    }

    fn generate(&self, _cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let s = &self.0;
        let config = s.config();
        let states = lock(&s.packs).clone();
        for p in &config.packs {
            let st = states.get(&p.name).cloned().unwrap_or_default();
            let active = st.active
                && crate::host::platform_matches(p.platform.as_deref())
                && crate::host::version_matches(p.version.as_deref())
                && crate::host::in_shard(p.shard, &s.identity.hostname);
            out.row()
                .set("name", p.name.as_str())
                .set("platform", p.platform.clone().unwrap_or_default())
                .set("version", p.version.clone().unwrap_or_default())
                .set("shard", p.shard.unwrap_or(0))
                .set("discovery_cache_hits", st.discovery_cache_hits)
                .set("discovery_executions", st.discovery_executions)
                .set("active", i64::from(active));
        }
        Ok(())
    }
}

struct OsqueryFlags(Arc<Shared>);

static FLAGS: Schema = Schema {
    name: "osquery_flags",
    doc: "Configurable flags that modify the scheduler's behavior, under osquery's names.",
    columns: &[
        col("name", Text, "Flag name"),
        col("type", Text, "Flag type"),
        col("description", Text, "Flag description"),
        col("default_value", Text, "Flag default value"),
        col("value", Text, "Flag value"),
        col("shell_only", Integer, "Is this flag only for the shell"),
    ],
};

impl Table for OsqueryFlags {
    fn schema(&self) -> &'static Schema {
        &FLAGS
    }

    fn generate(&self, _cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let config = self.0.config();
        let defaults = crate::config::ScheduleConfig::empty(std::path::Path::new(""));
        for (name, (value, description)) in &config.flags {
            let default = defaults
                .flags
                .get(name)
                .map(|(v, _)| v.clone())
                .unwrap_or_default();
            let ty = if value == "true" || value == "false" {
                "bool"
            } else if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
                "uint64"
            } else {
                "string"
            };
            out.row()
                .set("name", name.as_str())
                .set("type", ty)
                .set("description", description.as_str())
                .set("default_value", default)
                .set("value", value.as_str())
                .set("shell_only", 0);
        }
        Ok(())
    }
}

struct Results(Arc<Shared>);

static RESULTS: Schema = Schema {
    name: "hostgres_results",
    doc: "History of scheduled query results: one row per logged row, kept within the configured retention.",
    columns: &[
        col(
            "name",
            Text,
            "Scheduled query name (pack_<pack>_<query> for packs)",
        )
        .index(),
        col(
            "time",
            TimestampTz,
            "When the run that logged the row ended",
        ),
        col("unix_time", BigInt, "The same time, in UNIX seconds"),
        col("action", Text, "added, removed or snapshot"),
        col(
            "counter",
            BigInt,
            "The query's counter for that run (0 on its first run)",
        ),
        col(
            "columns",
            Jsonb,
            "The row, as a JSON object (numbers as numbers)",
        ),
    ],
};

impl Table for Results {
    fn schema(&self) -> &'static Schema {
        &RESULTS
    }

    fn namespace(&self) -> Namespace {
        Namespace::Hostgres
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let names = cx.eq_texts("name");
        let rows = self
            .0
            .store
            .history(names.as_deref())
            .map_err(|e| CollectError::malformed("hostgres_results", e.to_string()))?;
        for (i, h) in rows.into_iter().enumerate() {
            if i % 4096 == 0 {
                cx.check_interrupt()?;
            }
            let time = chrono::DateTime::from_timestamp(h.unix_time, 0)
                .map(|t| t.format("%Y-%m-%d %H:%M:%S+00").to_string())
                .unwrap_or_default();
            out.row()
                .set("name", h.name)
                .set("time", time)
                .set("unix_time", h.unix_time)
                .set("action", h.action)
                .set("counter", h.counter)
                .set("columns", h.columns);
        }
        Ok(())
    }
}
