//! The schedule configuration: raw sections (hostgres TOML and osquery JSON)
//! merged and validated into a [`ScheduleConfig`] the scheduler runs.
//!
//! Layout:
//! - `raw`: serde types of the sections as written.
//! - `osquery`: osquery's JSON config and pack files.

pub mod osquery;
pub mod raw;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

use crate::error::ScheduleError;
pub use osquery::OsqueryConfig;
pub use raw::{
    RawDecorators, RawFileSink, RawHttpSink, RawLogging, RawPack, RawPackRef, RawPostgresSink,
    RawQuery, RawSchedule, RawSections, RawSyslogSink, RawToggle, RawWatchdog,
};

/// The osquery version whose tables and behaviour hostgres follows; packs'
/// `version` keys are compared with it.
pub const OSQUERY_VERSION: &str = "5.12.1";

/// One query the scheduler runs.
#[derive(Debug, Clone, PartialEq)]
pub struct QuerySpec {
    /// `name`, or `pack_<pack>_<query>` for a pack's query.
    pub name: String,
    pub sql: String,
    /// Seconds between runs.
    pub interval: u64,
    pub snapshot: bool,
    /// Log removed rows (osquery's `removed`, default true).
    pub removed: bool,
    pub platform: Option<String>,
    pub version: Option<String>,
    pub shard: Option<u64>,
    /// Whether the watchdog may denylist it.
    pub denylist: bool,
    pub pack: Option<String>,
    pub description: Option<String>,
}

/// A pack, for `osquery_packs`.
#[derive(Debug, Clone, PartialEq)]
pub struct PackSpec {
    pub name: String,
    pub platform: Option<String>,
    pub version: Option<String>,
    pub shard: Option<u64>,
    pub discovery: Vec<String>,
    /// Query names (full, `pack_...`) of the pack.
    pub queries: Vec<String>,
}

/// Decorator queries.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Decorators {
    pub load: Vec<String>,
    pub always: Vec<String>,
    /// (period in seconds, queries).
    pub interval: Vec<(u64, Vec<String>)>,
}

/// How results are formatted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Format {
    pub event_format: bool,
    pub snapshot_event_format: bool,
    pub numerics: bool,
    pub decorations_top_level: bool,
}

/// Where logs go.
#[derive(Debug, Clone, PartialEq)]
pub struct SinksConfig {
    pub file: Option<FileSinkConfig>,
    pub stdout: bool,
    pub syslog: Option<SyslogSinkConfig>,
    pub http: Option<HttpSinkConfig>,
    pub postgres: Option<PostgresSinkConfig>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FileSinkConfig {
    pub dir: PathBuf,
    /// 0: never rotate.
    pub max_size: u64,
    pub rotate_count: u32,
    pub compress: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SyslogSinkConfig {
    pub socket: PathBuf,
    /// The facility number (RFC 5424).
    pub facility: u8,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HttpSinkConfig {
    pub url: String,
    pub node_key: String,
    pub ca_file: Option<PathBuf>,
    pub batch_lines: usize,
    pub period: Duration,
    pub max_backoff: Duration,
    pub timeout: Duration,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PostgresSinkConfig {
    pub connection: String,
    pub table: String,
    pub batch_lines: usize,
    pub max_backoff: Duration,
}

/// Watchdog limits; `None` is unlimited.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WatchdogConfig {
    pub enabled: bool,
    pub query_cpu: Option<Duration>,
    pub query_wall: Option<Duration>,
    pub query_memory: Option<u64>,
    pub daemon_cpu_percent: Option<u64>,
    pub daemon_memory: Option<u64>,
    pub denylist_duration: Duration,
}

/// The validated schedule configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleConfig {
    pub queries: Vec<QuerySpec>,
    pub packs: Vec<PackSpec>,
    pub decorators: Decorators,
    pub format: Format,
    pub sinks: SinksConfig,
    pub watchdog: WatchdogConfig,
    pub splay_percent: u64,
    pub epoch: u64,
    /// How the host identifies itself in logs: `hostname`, `uuid` or `specified`.
    pub host_identifier: String,
    pub specified_identifier: Option<String>,
    pub max_workers: usize,
    pub config_refresh: Duration,
    pub history_max_rows: u64,
    pub history_max_age: Duration,
    pub buffer_max_lines: u64,
    /// Effective flags, osquery-style names, for `osquery_flags`.
    pub flags: BTreeMap<String, (String, String)>,
    /// Files whose change triggers a reload.
    pub files: Vec<PathBuf>,
    /// Warnings to put in the status log once the config runs.
    pub warnings: Vec<String>,
    /// A digest of the whole configuration (`osquery_info.config_hash`).
    pub hash: String,
}

const DEFAULT_INTERVAL: u64 = 3600;
const DEFAULT_SPLAY: u64 = 10;
const DEFAULT_DENYLIST: u64 = 86_400;

impl ScheduleConfig {
    /// An empty schedule with default logging under `state_dir`.
    pub fn empty(state_dir: &Path) -> ScheduleConfig {
        ScheduleConfig::build(RawSections::default(), None, state_dir)
            .unwrap_or_else(|_| unreachable_default(state_dir))
    }

    /// Merges the hostgres sections and an osquery config (loaded from
    /// `schedule.osquery_config` unless given) and validates them.
    pub fn load(
        sections: RawSections,
        osquery_file: Option<&Path>,
        state_dir: &Path,
    ) -> Result<ScheduleConfig, ScheduleError> {
        let file = osquery_file
            .map(Path::to_path_buf)
            .or_else(|| sections.schedule.osquery_config.clone());
        let osquery = match file {
            Some(f) => Some(OsqueryConfig::load(&f)?),
            None => None,
        };
        ScheduleConfig::build(sections, osquery, state_dir)
    }

    /// Validates already-read sections.
    pub fn build(
        sections: RawSections,
        osquery: Option<OsqueryConfig>,
        state_dir: &Path,
    ) -> Result<ScheduleConfig, ScheduleError> {
        let RawSections {
            schedule,
            packs,
            decorators,
            logging,
        } = sections;
        let osquery = osquery.unwrap_or_default();
        let opts = Options(&osquery.options);
        let mut warnings: Vec<String> = osquery
            .ignored_keys
            .iter()
            .map(|k| format!("osquery config key {k:?} is not used by hostgres"))
            .collect();
        for k in osquery.options.keys() {
            if !KNOWN_OPTIONS.contains(&k.as_str()) {
                warnings.push(format!("osquery option {k:?} is not used by hostgres"));
            }
        }
        let default_interval = schedule
            .default_interval
            .or(opts.u64("schedule_default_interval")?)
            .unwrap_or(DEFAULT_INTERVAL);
        let delimiter = opts
            .text("pack_delimiter")
            .unwrap_or_else(|| "_".to_owned());

        let mut queries = Vec::new();
        let mut add = |q: QuerySpec| -> Result<(), ScheduleError> {
            if q.sql.trim().is_empty() {
                return Err(ScheduleError::config(
                    "configuration",
                    format!("query {}", q.name),
                    "the query text is empty",
                ));
            }
            if queries.iter().any(|x: &QuerySpec| x.name == q.name) {
                return Err(ScheduleError::config(
                    "configuration",
                    format!("query {}", q.name),
                    "two scheduled queries have this name",
                ));
            }
            queries.push(q);
            Ok(())
        };
        let spec = |name: String, q: RawQuery, pack: Option<&str>| QuerySpec {
            name,
            sql: q.query,
            interval: q.interval.unwrap_or(default_interval).max(1),
            snapshot: q.snapshot.unwrap_or(false),
            removed: q.removed.unwrap_or(true),
            platform: q.platform,
            version: q.version,
            shard: q.shard,
            denylist: q.denylist.unwrap_or(true),
            pack: pack.map(str::to_owned),
            description: q.description,
        };
        for (name, q) in schedule.queries.clone() {
            add(spec(name, q, None))?;
        }
        for (name, q) in osquery.schedule.clone() {
            add(spec(name, q, None))?;
        }

        let mut files = osquery.files.clone();
        let mut all_packs: Vec<(String, RawPack)> = Vec::new();
        for (name, p) in packs {
            let pack = match p {
                RawPackRef::Inline(p) => p,
                RawPackRef::Path(path) => {
                    let pack = osquery::load_pack(&path)?;
                    files.push(path);
                    pack
                }
            };
            all_packs.push((name, pack));
        }
        all_packs.extend(osquery.packs.clone());
        let mut pack_specs = Vec::new();
        for (pack_name, pack) in all_packs {
            if pack_specs.iter().any(|p: &PackSpec| p.name == pack_name) {
                return Err(ScheduleError::config(
                    "configuration",
                    format!("packs.{pack_name}"),
                    "two packs have this name",
                ));
            }
            let mut names = Vec::new();
            for (qname, q) in pack.queries.clone() {
                let full = format!("pack{delimiter}{pack_name}{delimiter}{qname}");
                let mut s = spec(full.clone(), q, Some(&pack_name));
                // A query inherits the pack's platform, version and shard when it has none.
                s.platform = s.platform.or_else(|| pack.platform.clone());
                s.version = s.version.or_else(|| pack.version.clone());
                s.shard = s.shard.or(pack.shard);
                add(s)?;
                names.push(full);
            }
            pack_specs.push(PackSpec {
                name: pack_name,
                platform: pack.platform,
                version: pack.version,
                shard: pack.shard,
                discovery: pack.discovery,
                queries: names,
            });
        }

        let mut dec = Decorators {
            load: decorators.load.clone(),
            always: decorators.always.clone(),
            interval: Vec::new(),
        };
        dec.load.extend(osquery.decorators.load.clone());
        dec.always.extend(osquery.decorators.always.clone());
        let mut intervals: BTreeMap<u64, Vec<String>> = BTreeMap::new();
        for (period, qs) in decorators
            .interval
            .iter()
            .chain(osquery.decorators.interval.iter())
        {
            let p: u64 = period.parse().map_err(|_| {
                ScheduleError::config(
                    "configuration",
                    format!("decorators.interval.{period}"),
                    "the key is a number of seconds",
                )
            })?;
            if p == 0 || !p.is_multiple_of(60) {
                return Err(ScheduleError::config(
                    "configuration",
                    format!("decorators.interval.{period}"),
                    "the period must be a positive multiple of 60 seconds",
                ));
            }
            intervals.entry(p).or_default().extend(qs.iter().cloned());
        }
        dec.interval = intervals.into_iter().collect();

        let format = Format {
            event_format: logging
                .event_format
                .or(opts.bool("logger_event_type")?)
                .unwrap_or(true),
            snapshot_event_format: logging
                .snapshot_event_format
                .or(opts.bool("logger_snapshot_event_type")?)
                .unwrap_or(false),
            numerics: logging
                .numerics
                .or(opts.bool("logger_numerics")?)
                .unwrap_or(false),
            decorations_top_level: logging
                .decorations_top_level
                .or(opts.bool("decorations_top_level")?)
                .unwrap_or(false),
        };
        let sinks = sinks(&logging, &opts, state_dir)?;
        let w = &schedule.watchdog;
        let watchdog = WatchdogConfig {
            enabled: w
                .enabled
                .or(opts.bool("disable_watchdog")?.map(|d| !d))
                .unwrap_or(true),
            query_cpu: w.query_cpu_ms.map(Duration::from_millis),
            query_wall: w.query_wall_ms.map(Duration::from_millis).or(opts
                .u64("schedule_timeout")?
                .filter(|s| *s > 0)
                .map(Duration::from_secs)),
            query_memory: w.query_memory_mb.map(|m| m << 20),
            daemon_cpu_percent: w
                .daemon_cpu_percent
                .or(opts.u64("watchdog_utilization_limit")?),
            daemon_memory: w
                .daemon_memory_mb
                .or(opts.u64("watchdog_memory_limit")?)
                .map(|m| m << 20),
            denylist_duration: Duration::from_secs(
                schedule.denylist_duration_s.unwrap_or(DEFAULT_DENYLIST),
            ),
        };
        let host_identifier = schedule
            .host_identifier
            .clone()
            .or_else(|| opts.text("host_identifier"))
            .unwrap_or_else(|| "hostname".to_owned());
        if !["hostname", "uuid", "specified", "instance", "ephemeral"]
            .contains(&host_identifier.as_str())
        {
            return Err(ScheduleError::config(
                "configuration",
                "schedule.host_identifier",
                format!(
                    "{host_identifier:?} is not hostname, uuid, instance, ephemeral or specified"
                ),
            ));
        }
        let specified_identifier = schedule
            .specified_identifier
            .clone()
            .or_else(|| opts.text("specified_identifier"));
        if host_identifier == "specified" && specified_identifier.is_none() {
            return Err(ScheduleError::config(
                "configuration",
                "schedule.specified_identifier",
                "host_identifier = \"specified\" needs specified_identifier",
            ));
        }
        let splay_percent = schedule
            .splay_percent
            .or(opts.u64("schedule_splay_percent")?)
            .unwrap_or(DEFAULT_SPLAY)
            .min(100);
        let epoch = schedule.epoch.or(opts.u64("schedule_epoch")?).unwrap_or(0);
        let max_workers = schedule.max_workers.unwrap_or(8).clamp(1, 64) as usize;

        let mut config = ScheduleConfig {
            queries,
            packs: pack_specs,
            decorators: dec,
            format,
            sinks,
            watchdog,
            splay_percent,
            epoch,
            host_identifier,
            specified_identifier,
            max_workers,
            config_refresh: Duration::from_secs(schedule.config_refresh_s.unwrap_or(10).max(1)),
            history_max_rows: logging.history_max_rows.unwrap_or(100_000),
            history_max_age: Duration::from_secs(logging.history_max_age_s.unwrap_or(7 * 86_400)),
            buffer_max_lines: logging.buffer_max_lines.unwrap_or(1_000_000).max(1),
            flags: BTreeMap::new(),
            files: {
                files.sort();
                files.dedup();
                files
            },
            warnings,
            hash: String::new(),
        };
        config.flags = flags(&config, &osquery.options);
        config.hash = digest(&config);
        Ok(config)
    }

    /// The query named `name`.
    pub fn query(&self, name: &str) -> Option<&QuerySpec> {
        self.queries.iter().find(|q| q.name == name)
    }
}

fn unreachable_default(state_dir: &Path) -> ScheduleConfig {
    // `build` cannot fail on default sections; keep a safe value all the same.
    ScheduleConfig {
        queries: Vec::new(),
        packs: Vec::new(),
        decorators: Decorators::default(),
        format: Format {
            event_format: true,
            snapshot_event_format: false,
            numerics: false,
            decorations_top_level: false,
        },
        sinks: SinksConfig {
            file: Some(FileSinkConfig {
                dir: state_dir.join("log"),
                max_size: 0,
                rotate_count: 0,
                compress: false,
            }),
            stdout: false,
            syslog: None,
            http: None,
            postgres: None,
        },
        watchdog: WatchdogConfig {
            enabled: true,
            query_cpu: None,
            query_wall: None,
            query_memory: None,
            daemon_cpu_percent: None,
            daemon_memory: None,
            denylist_duration: Duration::from_secs(DEFAULT_DENYLIST),
        },
        splay_percent: DEFAULT_SPLAY,
        epoch: 0,
        host_identifier: "hostname".to_owned(),
        specified_identifier: None,
        max_workers: 8,
        config_refresh: Duration::from_secs(10),
        history_max_rows: 100_000,
        history_max_age: Duration::from_secs(7 * 86_400),
        buffer_max_lines: 1_000_000,
        flags: BTreeMap::new(),
        files: Vec::new(),
        warnings: Vec::new(),
        hash: String::new(),
    }
}

/// osquery options hostgres applies.
const KNOWN_OPTIONS: &[&str] = &[
    "host_identifier",
    "specified_identifier",
    "schedule_splay_percent",
    "schedule_default_interval",
    "schedule_epoch",
    "schedule_timeout",
    "logger_event_type",
    "logger_snapshot_event_type",
    "logger_numerics",
    "decorations_top_level",
    "pack_delimiter",
    "disable_watchdog",
    "watchdog_utilization_limit",
    "watchdog_memory_limit",
    "logger_path",
    "logger_rotate",
    "logger_rotate_size",
    "logger_rotate_max_files",
    "logger_tls_endpoint",
    "logger_tls_period",
    "logger_tls_max_lines",
    "tls_hostname",
    "tls_server_certs",
    "logger_plugin",
    "logger_syslog_facility",
    "logger_stdout",
];

/// Typed access to osquery's `options`.
struct Options<'a>(&'a BTreeMap<String, Value>);

impl Options<'_> {
    fn text(&self, key: &str) -> Option<String> {
        match self.0.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        }
    }

    fn u64(&self, key: &str) -> Result<Option<u64>, ScheduleError> {
        raw::lenient_u64(self.0.get(key).cloned().unwrap_or(Value::Null)).map_err(|e| {
            ScheduleError::config("osquery config", format!("options.{key}"), e.to_string())
        })
    }

    fn bool(&self, key: &str) -> Result<Option<bool>, ScheduleError> {
        raw::lenient_bool(self.0.get(key).cloned().unwrap_or(Value::Null)).map_err(|e| {
            ScheduleError::config("osquery config", format!("options.{key}"), e.to_string())
        })
    }
}

fn sinks(
    logging: &RawLogging,
    opts: &Options<'_>,
    state_dir: &Path,
) -> Result<SinksConfig, ScheduleError> {
    let plugins: Vec<String> = opts
        .text("logger_plugin")
        .map(|p| p.split(',').map(|s| s.trim().to_owned()).collect())
        .unwrap_or_default();
    let wants = |name: &str| plugins.iter().any(|p| p == name);
    let file_raw = logging.file.clone().unwrap_or_default();
    let file_enabled = file_raw
        .enabled
        .unwrap_or(plugins.is_empty() || wants("filesystem"));
    let file = file_enabled.then(|| -> Result<FileSinkConfig, ScheduleError> {
        Ok(FileSinkConfig {
            dir: file_raw
                .path
                .clone()
                .or_else(|| opts.text("logger_path").map(PathBuf::from))
                .unwrap_or_else(|| state_dir.join("log")),
            max_size: file_raw
                .max_size_mb
                .map(|m| m << 20)
                .or(opts.u64("logger_rotate_size")?)
                .unwrap_or(25 << 20),
            rotate_count: file_raw
                .rotate_count
                .or(opts.u64("logger_rotate_max_files")?)
                .unwrap_or(5)
                .min(1000) as u32,
            compress: file_raw.compress.unwrap_or(false),
        })
    });
    let file = file.transpose()?;
    let stdout = logging
        .stdout
        .as_ref()
        .and_then(|s| s.enabled)
        .unwrap_or(wants("stdout"));
    let syslog = match &logging.syslog {
        Some(s) if s.enabled.unwrap_or(true) => Some(s.clone()),
        Some(_) => None,
        None if wants("syslog") => Some(RawSyslogSink::default()),
        None => None,
    };
    let syslog = syslog
        .map(|s| -> Result<SyslogSinkConfig, ScheduleError> {
            let name = s
                .facility
                .clone()
                .or_else(|| opts.text("logger_syslog_facility"))
                .unwrap_or_else(|| "daemon".to_owned());
            Ok(SyslogSinkConfig {
                socket: s.socket.unwrap_or_else(|| PathBuf::from("/dev/log")),
                facility: facility(&name).ok_or_else(|| {
                    ScheduleError::config(
                        "configuration",
                        "logging.syslog.facility",
                        format!("{name:?} is not a syslog facility"),
                    )
                })?,
            })
        })
        .transpose()?;
    let http = match &logging.http {
        Some(h) => Some(h.clone()),
        None if wants("tls") => opts
            .text("logger_tls_endpoint")
            .map(|endpoint| RawHttpSink {
                url: format!(
                    "https://{}{}",
                    opts.text("tls_hostname").unwrap_or_default(),
                    endpoint
                ),
                ca_file: opts.text("tls_server_certs").map(PathBuf::from),
                ..RawHttpSink::default()
            }),
        None => None,
    };
    let http = http
        .map(|h| -> Result<HttpSinkConfig, ScheduleError> {
            if !(h.url.starts_with("http://") || h.url.starts_with("https://")) {
                return Err(ScheduleError::config(
                    "configuration",
                    "logging.http.url",
                    format!("{:?} is not an http:// or https:// URL", h.url),
                ));
            }
            Ok(HttpSinkConfig {
                url: h.url,
                node_key: h.node_key.unwrap_or_default(),
                ca_file: h.ca_file,
                batch_lines: h
                    .batch_lines
                    .or(opts.u64("logger_tls_max_lines")?)
                    .unwrap_or(1024)
                    .clamp(1, 100_000) as usize,
                period: Duration::from_secs(
                    h.period_s
                        .or(opts.u64("logger_tls_period")?)
                        .unwrap_or(4)
                        .max(1),
                ),
                max_backoff: Duration::from_secs(h.max_backoff_s.unwrap_or(60).max(1)),
                timeout: Duration::from_secs(h.timeout_s.unwrap_or(30).max(1)),
            })
        })
        .transpose()?;
    let postgres = logging.postgres.as_ref().map(|p| {
        let table = p
            .table
            .clone()
            .unwrap_or_else(|| "hostgres_logs".to_owned());
        let valid = !table.is_empty()
            && table.split('.').all(|part| {
                !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            });
        if valid {
            Ok(PostgresSinkConfig {
                connection: p.connection.clone(),
                table,
                batch_lines: p.batch_lines.unwrap_or(500).clamp(1, 10_000) as usize,
                max_backoff: Duration::from_secs(p.max_backoff_s.unwrap_or(60).max(1)),
            })
        } else {
            Err(ScheduleError::config(
                "configuration",
                "logging.postgres.table",
                format!(
                    "{table:?} is not a table name (letters, digits, _ and one optional schema.)"
                ),
            ))
        }
    });
    Ok(SinksConfig {
        file,
        stdout,
        syslog,
        http,
        postgres: postgres.transpose()?,
    })
}

/// A syslog facility by name.
fn facility(name: &str) -> Option<u8> {
    const NAMES: &[(&str, u8)] = &[
        ("kern", 0),
        ("user", 1),
        ("mail", 2),
        ("daemon", 3),
        ("auth", 4),
        ("syslog", 5),
        ("lpr", 6),
        ("news", 7),
        ("uucp", 8),
        ("cron", 9),
        ("authpriv", 10),
        ("ftp", 11),
        ("local0", 16),
        ("local1", 17),
        ("local2", 18),
        ("local3", 19),
        ("local4", 20),
        ("local5", 21),
        ("local6", 22),
        ("local7", 23),
    ];
    let lower = name.to_ascii_lowercase();
    NAMES.iter().find(|(n, _)| *n == lower).map(|(_, f)| *f)
}

/// The effective settings under osquery's flag names: (value, description).
fn flags(
    c: &ScheduleConfig,
    options: &BTreeMap<String, Value>,
) -> BTreeMap<String, (String, String)> {
    let mut f = BTreeMap::new();
    let mut put = |k: &str, v: String, d: &str| {
        f.insert(k.to_owned(), (v, d.to_owned()));
    };
    put(
        "host_identifier",
        c.host_identifier.clone(),
        "Field used to identify the host running osquery",
    );
    put(
        "specified_identifier",
        c.specified_identifier.clone().unwrap_or_default(),
        "Field used to specify the host_identifier when set to \"specified\"",
    );
    put(
        "schedule_splay_percent",
        c.splay_percent.to_string(),
        "Percent to splay config times",
    );
    put(
        "schedule_epoch",
        c.epoch.to_string(),
        "Epoch for scheduled queries",
    );
    put(
        "logger_event_type",
        c.format.event_format.to_string(),
        "Log scheduled results as events",
    );
    put(
        "logger_snapshot_event_type",
        c.format.snapshot_event_format.to_string(),
        "Log scheduled snapshot results as events",
    );
    put(
        "logger_numerics",
        c.format.numerics.to_string(),
        "Use numeric JSON syntax for numeric values",
    );
    put(
        "decorations_top_level",
        c.format.decorations_top_level.to_string(),
        "Add decorators as top level JSON objects",
    );
    put(
        "disable_watchdog",
        (!c.watchdog.enabled).to_string(),
        "Disable userland watchdog process",
    );
    put(
        "watchdog_utilization_limit",
        c.watchdog
            .daemon_cpu_percent
            .map_or_else(String::new, |v| v.to_string()),
        "CPU utilization limit in percent of one core",
    );
    put(
        "watchdog_memory_limit",
        c.watchdog
            .daemon_memory
            .map_or_else(String::new, |v| (v >> 20).to_string()),
        "Memory limit in MB",
    );
    put(
        "watchdog_denylist_duration",
        c.watchdog.denylist_duration.as_secs().to_string(),
        "Seconds a query stopped by the watchdog stays denylisted",
    );
    put(
        "logger_plugin",
        sink_names(&c.sinks).join(","),
        "Logger plugin names",
    );
    if let Some(file) = &c.sinks.file {
        put(
            "logger_path",
            file.dir.display().to_string(),
            "Directory path for ERROR/WARN/INFO and results logging",
        );
        put(
            "logger_rotate_size",
            file.max_size.to_string(),
            "Size in bytes after which a log file is rotated",
        );
        put(
            "logger_rotate_max_files",
            file.rotate_count.to_string(),
            "Number of rotated files kept",
        );
    }
    for (k, v) in options {
        f.entry(k.clone()).or_insert_with(|| {
            (
                match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                },
                "From the osquery config; not used by hostgres".to_owned(),
            )
        });
    }
    f
}

/// Names of the enabled sinks, osquery-style.
pub fn sink_names(s: &SinksConfig) -> Vec<&'static str> {
    let mut names = Vec::new();
    if s.file.is_some() {
        names.push("filesystem");
    }
    if s.stdout {
        names.push("stdout");
    }
    if s.syslog.is_some() {
        names.push("syslog");
    }
    if s.http.is_some() {
        names.push("tls");
    }
    if s.postgres.is_some() {
        names.push("postgres");
    }
    names
}

/// A stable digest of what the schedule runs.
fn digest(c: &ScheduleConfig) -> String {
    use md5::{Digest, Md5};
    let mut h = Md5::new();
    for q in &c.queries {
        h.update(format!(
            "{}\u{0}{}\u{0}{}\u{0}{}\u{0}{}\n",
            q.name, q.sql, q.interval, q.snapshot, q.removed
        ));
    }
    for d in c.decorators.load.iter().chain(&c.decorators.always) {
        h.update(d.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pack(queries: &[(&str, &str, u64)]) -> RawPack {
        RawPack {
            platform: Some("linux".to_owned()),
            queries: queries
                .iter()
                .map(|(n, q, i)| {
                    (
                        (*n).to_owned(),
                        RawQuery {
                            query: (*q).to_owned(),
                            interval: Some(*i),
                            ..RawQuery::default()
                        },
                    )
                })
                .collect(),
            ..RawPack::default()
        }
    }

    #[test]
    fn pack_queries_are_named_as_osquery_names_them() {
        let mut sections = RawSections::default();
        sections.packs.insert(
            "it-compliance".to_owned(),
            RawPackRef::Inline(pack(&[("mounts", "select * from mounts", 3600)])),
        );
        let c = ScheduleConfig::build(sections, None, Path::new("/state")).expect("valid");
        assert_eq!(c.queries[0].name, "pack_it-compliance_mounts");
        assert_eq!(c.queries[0].platform.as_deref(), Some("linux"));
        assert_eq!(c.packs[0].queries, vec!["pack_it-compliance_mounts"]);
        assert_eq!(
            c.sinks.file.as_ref().map(|f| f.dir.clone()),
            Some(PathBuf::from("/state/log"))
        );
    }

    #[test]
    fn duplicate_names_and_bad_decorator_periods_are_refused() {
        let mut sections = RawSections::default();
        sections.schedule.queries.insert(
            "pack_p_q".to_owned(),
            RawQuery {
                query: "select 1".to_owned(),
                ..RawQuery::default()
            },
        );
        sections.packs.insert(
            "p".to_owned(),
            RawPackRef::Inline(pack(&[("q", "select 2", 10)])),
        );
        let e = ScheduleConfig::build(sections, None, Path::new("/s")).expect_err("dup");
        assert!(e.to_string().contains("pack_p_q"), "{e}");

        let mut sections = RawSections::default();
        sections
            .decorators
            .interval
            .insert("90".to_owned(), vec!["select 1".to_owned()]);
        let e = ScheduleConfig::build(sections, None, Path::new("/s")).expect_err("period");
        assert!(e.to_string().contains("decorators.interval.90"), "{e}");
    }

    #[test]
    fn osquery_options_apply_and_unknown_ones_are_reported() {
        let text = r#"{"options": {"logger_numerics": "true", "schedule_splay_percent": 0, "verbose": true},
            "schedule": {"u": {"query": "select 1", "interval": 5, "snapshot": true}}}"#;
        let o = OsqueryConfig::parse(text, Path::new("o.conf")).expect("parses");
        let c =
            ScheduleConfig::build(RawSections::default(), Some(o), Path::new("/s")).expect("valid");
        assert!(c.format.numerics);
        assert_eq!(c.splay_percent, 0);
        assert!(c.queries[0].snapshot);
        assert_eq!(
            c.warnings,
            vec!["osquery option \"verbose\" is not used by hostgres"]
        );
        assert_eq!(c.flags["logger_numerics"].0, "true");
    }
}
