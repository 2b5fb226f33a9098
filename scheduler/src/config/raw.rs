//! The schedule configuration as written: serde types shared by the hostgres
//! TOML sections (`[schedule]`, `[packs]`, `[decorators]`, `[logging]`) and
//! osquery's JSON config.
//!
//! osquery is lenient about types (`"interval": "3600"`, `"snapshot": "true"`),
//! so numbers and booleans accept their string spellings too.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Deserializer};

/// `[schedule]`: scheduler options and hostgres-style queries.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSchedule {
    /// An osquery JSON config (schedule, packs, decorators, options) to load as is.
    pub osquery_config: Option<PathBuf>,
    /// Random spread of each interval, in percent (osquery's `schedule_splay_percent`).
    #[serde(default, deserialize_with = "lenient_u64")]
    pub splay_percent: Option<u64>,
    /// Interval of queries that give none, in seconds.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub default_interval: Option<u64>,
    /// osquery's `schedule_epoch`: changing it makes every query log its whole result again.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub epoch: Option<u64>,
    /// `hostname` (default), `uuid`, or `specified` with `specified_identifier`.
    pub host_identifier: Option<String>,
    pub specified_identifier: Option<String>,
    /// How long a query stopped by the watchdog stays denylisted, in seconds.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub denylist_duration_s: Option<u64>,
    /// The most queries that run at once.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub max_workers: Option<u64>,
    /// How often the configuration files are checked for changes, in seconds.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub config_refresh_s: Option<u64>,
    #[serde(default)]
    pub watchdog: RawWatchdog,
    #[serde(default)]
    pub queries: BTreeMap<String, RawQuery>,
}

/// `[schedule.watchdog]`: limits per query and for the whole daemon.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWatchdog {
    #[serde(default, deserialize_with = "lenient_bool")]
    pub enabled: Option<bool>,
    /// CPU time one run may use, in milliseconds.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub query_cpu_ms: Option<u64>,
    /// Wall time one run may take, in milliseconds.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub query_wall_ms: Option<u64>,
    /// Memory one run may use, in MiB.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub query_memory_mb: Option<u64>,
    /// The daemon's CPU budget, in percent of one core (osquery's `watchdog_utilization_limit`).
    #[serde(default, deserialize_with = "lenient_u64")]
    pub daemon_cpu_percent: Option<u64>,
    /// The daemon's resident memory budget, in MiB (osquery's `watchdog_memory_limit`).
    #[serde(default, deserialize_with = "lenient_u64")]
    pub daemon_memory_mb: Option<u64>,
}

/// One scheduled query, in `[schedule.queries.NAME]`, an osquery `schedule` or a pack.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RawQuery {
    pub query: String,
    #[serde(default, deserialize_with = "lenient_u64")]
    pub interval: Option<u64>,
    #[serde(default, deserialize_with = "lenient_bool")]
    pub snapshot: Option<bool>,
    #[serde(default, deserialize_with = "lenient_bool")]
    pub removed: Option<bool>,
    pub platform: Option<String>,
    pub version: Option<String>,
    #[serde(default, deserialize_with = "lenient_u64")]
    pub shard: Option<u64>,
    #[serde(default, deserialize_with = "lenient_bool")]
    pub denylist: Option<bool>,
    pub description: Option<String>,
    /// osquery's free-form fields; accepted and ignored.
    #[serde(default)]
    pub value: Option<serde_json::Value>,
}

/// A pack: inline, or the path of an osquery pack file.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawPackRef {
    Path(PathBuf),
    Inline(RawPack),
}

/// An osquery pack.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RawPack {
    pub platform: Option<String>,
    pub version: Option<String>,
    #[serde(default, deserialize_with = "lenient_u64")]
    pub shard: Option<u64>,
    /// Queries that must each return a row for the pack to run.
    #[serde(default)]
    pub discovery: Vec<String>,
    #[serde(default)]
    pub queries: BTreeMap<String, RawQuery>,
}

/// `[decorators]`: queries whose first row decorates every log line.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDecorators {
    /// Run when the configuration loads.
    #[serde(default)]
    pub load: Vec<String>,
    /// Run before every scheduled query.
    #[serde(default)]
    pub always: Vec<String>,
    /// Run every N seconds (N a multiple of 60), keyed by N.
    #[serde(default)]
    pub interval: BTreeMap<String, Vec<String>>,
}

/// `[logging]`: result formats, history and sinks.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLogging {
    /// One line per added or removed row (osquery's `logger_event_type`, default true);
    /// false logs one `diffResults` line per run.
    #[serde(default, deserialize_with = "lenient_bool")]
    pub event_format: Option<bool>,
    /// Snapshot rows as one line each (`logger_snapshot_event_type`, default false).
    #[serde(default, deserialize_with = "lenient_bool")]
    pub snapshot_event_format: Option<bool>,
    /// Numbers as JSON numbers (`logger_numerics`, default false: strings, as osquery).
    #[serde(default, deserialize_with = "lenient_bool")]
    pub numerics: Option<bool>,
    /// Decorations as top-level keys instead of under `decorations`.
    #[serde(default, deserialize_with = "lenient_bool")]
    pub decorations_top_level: Option<bool>,
    /// Rows kept in `hostgres_results`.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub history_max_rows: Option<u64>,
    /// Age after which `hostgres_results` rows are dropped, in seconds.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub history_max_age_s: Option<u64>,
    /// Log lines kept on disk for a sink that cannot deliver.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub buffer_max_lines: Option<u64>,
    pub file: Option<RawFileSink>,
    pub stdout: Option<RawToggle>,
    pub syslog: Option<RawSyslogSink>,
    pub http: Option<RawHttpSink>,
    pub postgres: Option<RawPostgresSink>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawToggle {
    #[serde(default, deserialize_with = "lenient_bool")]
    pub enabled: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFileSink {
    #[serde(default, deserialize_with = "lenient_bool")]
    pub enabled: Option<bool>,
    /// Directory of `osqueryd.results.log`, `osqueryd.snapshots.log` and
    /// `osqueryd.status.log`; default: `log` in the state directory.
    pub path: Option<PathBuf>,
    /// Rotate a file once it reaches this size, in MiB (0: never).
    #[serde(default, deserialize_with = "lenient_u64")]
    pub max_size_mb: Option<u64>,
    /// Rotated files kept.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub rotate_count: Option<u64>,
    /// Gzip rotated files.
    #[serde(default, deserialize_with = "lenient_bool")]
    pub compress: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSyslogSink {
    #[serde(default, deserialize_with = "lenient_bool")]
    pub enabled: Option<bool>,
    /// The local syslog socket; default `/dev/log`.
    pub socket: Option<PathBuf>,
    /// Syslog facility name, e.g. `daemon` or `local3`.
    pub facility: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHttpSink {
    /// `http://` or `https://` URL that receives osquery TLS-logger bodies.
    pub url: String,
    /// The `node_key` sent in every body.
    pub node_key: Option<String>,
    /// PEM CA bundle for https; default: the system bundle.
    pub ca_file: Option<PathBuf>,
    /// Lines per POST.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub batch_lines: Option<u64>,
    /// Seconds between POSTs while there is nothing to catch up.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub period_s: Option<u64>,
    /// Longest wait between retries, in seconds.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub max_backoff_s: Option<u64>,
    #[serde(default, deserialize_with = "lenient_u64")]
    pub timeout_s: Option<u64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPostgresSink {
    /// A libpq connection string, e.g. `host=db port=5432 user=fleet dbname=fleet`.
    pub connection: String,
    /// Table to insert into; created if missing.
    pub table: Option<String>,
    #[serde(default, deserialize_with = "lenient_u64")]
    pub batch_lines: Option<u64>,
    #[serde(default, deserialize_with = "lenient_u64")]
    pub max_backoff_s: Option<u64>,
}

/// The hostgres sections together, as the TOML file holds them.
#[derive(Debug, Clone, Default)]
pub struct RawSections {
    pub schedule: RawSchedule,
    pub packs: BTreeMap<String, RawPackRef>,
    pub decorators: RawDecorators,
    pub logging: RawLogging,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum NumberOrText {
    Number(u64),
    Float(f64),
    Text(String),
}

/// A non-negative integer, also written as a string.
pub(crate) fn lenient_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let v: Option<NumberOrText> = Option::deserialize(d)?;
    match v {
        None => Ok(None),
        Some(NumberOrText::Number(n)) => Ok(Some(n)),
        Some(NumberOrText::Float(f)) if f >= 0.0 && f.fract() == 0.0 && f < 1e18 => {
            Ok(Some(f as u64))
        }
        Some(NumberOrText::Float(f)) => Err(serde::de::Error::custom(format!(
            "{f} is not a non-negative integer"
        ))),
        Some(NumberOrText::Text(s)) => {
            s.trim().parse().map(Some).map_err(|_| {
                serde::de::Error::custom(format!("{s:?} is not a non-negative integer"))
            })
        }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum BoolOrText {
    Bool(bool),
    Number(i64),
    Text(String),
}

/// A boolean, also written as `"true"`, `"false"`, 1 or 0, as osquery accepts.
pub(crate) fn lenient_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    let v: Option<BoolOrText> = Option::deserialize(d)?;
    match v {
        None => Ok(None),
        Some(BoolOrText::Bool(b)) => Ok(Some(b)),
        Some(BoolOrText::Number(n)) => Ok(Some(n != 0)),
        Some(BoolOrText::Text(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Ok(Some(true)),
            "false" | "0" | "no" | "off" | "" => Ok(Some(false)),
            _ => Err(serde::de::Error::custom(format!("{s:?} is not a boolean"))),
        },
    }
}
