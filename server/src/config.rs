//! Configuration: a TOML file and `HOSTGRES_…` environment overrides,
//! deserialized strictly into [`RawConfig`] and validated into [`Config`].
//!
//! Precedence: built-in defaults < file < environment < command-line flags.
//! Unknown keys are errors that name the key, so a typo never silently falls
//! back to a default. Validation fails closed: an address beyond loopback
//! without TLS, or a rule that would take passwords in the clear from the
//! network, stops the daemon before it listens.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use hostgres_auth::{
    ADMIN_ROLE, AuthError, DEFAULT_ROLE, Glob, HbaRule, HbaRules, Role, RoleLimits, UnknownPeer,
    User,
};
use hostgres_scheduler::ScheduleError;
use hostgres_scheduler::config::{
    RawDecorators, RawLogging, RawPackRef, RawSchedule, RawSections, ScheduleConfig,
};
use serde::Deserialize;

/// The address the daemon listens on when nothing else is configured: loopback only.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:5433";

/// Environment variables with the `HOSTGRES_` prefix that are not configuration keys.
const NON_CONFIG_ENV: &[&str] = &["HOSTGRES_PASSWORD", "HOSTGRES_CONFIG", "HOSTGRES_LOG"];

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration: {0}")]
    Load(#[from] config::ConfigError),
    #[error("configuration key `{key}`: {reason}")]
    Invalid { key: String, reason: String },
    #[error("configuration: {0}")]
    User(#[from] AuthError),
    #[error("configuration: {0}")]
    Schedule(#[from] ScheduleError),
}

/// How long a connection polls a quick client's socket, by default: a
/// client in a tight loop answers within this on an idle machine.
const DEFAULT_BUSY_POLL_US: u64 = 30;
/// The longest poll a configuration may ask for.
const MAX_BUSY_POLL_US: u64 = 1000;

fn invalid(key: &str, reason: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        key: key.to_owned(),
        reason: reason.into(),
    }
}

/// The configuration as written, before validation.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    /// `host:port` to listen on.
    pub listen: Option<String>,
    /// Where the daemon keeps its password verifier and other state.
    pub state_dir: Option<PathBuf>,
    /// Read the host under this directory instead of `/`.
    pub host_root: Option<PathBuf>,
    #[serde(default)]
    pub log: RawLog,
    #[serde(default)]
    pub limits: RawLimits,
    #[serde(default)]
    pub users: Vec<RawUser>,
    /// Scheduled queries and their options (see hostgres_scheduler).
    #[serde(default)]
    pub schedule: RawSchedule,
    /// osquery packs: a path to a pack file, or the pack inline.
    #[serde(default)]
    pub packs: BTreeMap<String, RawPackRef>,
    #[serde(default)]
    pub decorators: RawDecorators,
    /// Where scheduled results and status lines go.
    #[serde(default)]
    pub logging: RawLogging,
    #[serde(default)]
    pub tls: RawTls,
    #[serde(default)]
    pub unix_socket: RawUnixSocket,
    /// pg_hba-style rules, in order; empty means the safe default set.
    #[serde(default)]
    pub hba: Vec<RawHbaRule>,
    #[serde(default)]
    pub roles: BTreeMap<String, RawRole>,
    #[serde(default)]
    pub audit: RawAudit,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawLog {
    /// `error`, `warn`, `info`, `debug` or `trace`, or a tracing filter directive.
    pub level: Option<String>,
    /// `json` (default) or `text`.
    pub format: Option<String>,
}

/// Limits of the whole daemon, and the defaults of every role.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawLimits {
    pub max_connections: Option<usize>,
    pub statement_timeout_ms: Option<u64>,
    pub max_statement_timeout_ms: Option<u64>,
    pub max_result_rows: Option<u64>,
    pub max_result_bytes: Option<u64>,
    pub max_query_memory_mb: Option<u64>,
    pub startup_timeout_ms: Option<u64>,
    pub idle_session_timeout_ms: Option<u64>,
    pub busy_poll_us: Option<u64>,
    pub follow_local_client_cpu: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUser {
    pub name: String,
    /// A SCRAM-SHA-256 verifier as printed by `hostgres passwd`; none for a
    /// user who only logs in with a client certificate.
    pub verifier: Option<String>,
    /// `monitor` unless given.
    pub role: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawTls {
    /// `true` unless set to `false`.
    pub enabled: Option<bool>,
    /// PEM certificate chain; with `key_file`. Without both, a self-signed
    /// certificate is made in the state directory on first start.
    pub cert_file: Option<PathBuf>,
    pub key_file: Option<PathBuf>,
    /// PEM CA certificates that sign client certificates (the `cert` method).
    pub ca_file: Option<PathBuf>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawUnixSocket {
    pub enabled: Option<bool>,
    /// The directory of the socket `.s.PGSQL.<port>`, as `psql -h` takes it.
    pub directory: Option<PathBuf>,
    /// OS user name → role.
    #[serde(default)]
    pub peer_map: BTreeMap<String, String>,
    /// `refuse` (default) or a role for OS users the map does not name.
    pub unknown_users: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHbaRule {
    /// `local`, `host`, `hostssl` or `hostnossl`.
    #[serde(rename = "type")]
    pub kind: String,
    pub database: Option<String>,
    pub user: Option<String>,
    pub address: Option<String>,
    pub method: String,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawRole {
    /// Table patterns the role may read; `["*"]` unless given.
    pub tables: Option<Vec<String>>,
    #[serde(default)]
    pub deny_tables: Vec<String>,
    /// Directories `file` and `hash` may read under.
    #[serde(default)]
    pub paths: Vec<PathBuf>,
    pub statement_timeout_ms: Option<u64>,
    pub max_statement_timeout_ms: Option<u64>,
    pub max_connections: Option<usize>,
    pub max_result_rows: Option<u64>,
    pub max_result_bytes: Option<u64>,
    pub max_query_memory_mb: Option<u64>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawAudit {
    /// `stderr` (default), `off`, or a file path.
    pub destination: Option<String>,
    /// Statements longer than this are truncated in the log.
    pub statement_max_chars: Option<usize>,
}

/// How diagnostics are written to stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Text,
}

/// Where TLS material comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
    /// CAs of client certificates.
    pub ca: Option<PathBuf>,
    /// True when `cert` and `key` are the self-signed pair in the state
    /// directory, made on first start if missing.
    pub self_signed: bool,
}

/// Where audit records go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditDestination {
    Off,
    Stderr,
    File(PathBuf),
}

/// The validated configuration the daemon runs with.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub state_dir: PathBuf,
    pub host_root: PathBuf,
    pub log_level: String,
    pub log_format: LogFormat,
    pub max_connections: usize,
    /// The default `statement_timeout` of roles that set none; 0 disables it.
    pub statement_timeout: Duration,
    /// Users from the configuration; the `hostgres` user is added at start.
    pub users: Vec<User>,
    /// Every role, `admin` and `monitor` included.
    pub roles: Vec<Role>,
    pub hba: HbaRules,
    /// `None` when TLS is off.
    pub tls: Option<TlsFiles>,
    /// The directory of the Unix socket, `None` when it is off.
    pub unix_socket: Option<PathBuf>,
    pub peer_map: BTreeMap<String, String>,
    pub unknown_peer: UnknownPeer,
    /// A client must finish authenticating within this.
    pub startup_timeout: Duration,
    /// An idle session is closed after this; zero keeps it open.
    pub idle_session_timeout: Duration,
    /// How long a connection polls a quick client's socket after answering
    /// before it sleeps; zero never polls.
    pub busy_poll: Duration,
    /// Whether a connection moves to the CPU its local client sends from.
    pub follow_client_cpu: bool,
    pub audit: AuditDestination,
    pub audit_statement_max_chars: usize,
    /// How long a shutdown waits for running queries before interrupting them.
    pub shutdown_grace: Duration,
    /// Scheduled queries, packs and logging.
    pub schedule: ScheduleConfig,
    /// The files the configuration came from, re-read on reload.
    pub sources: ConfigSources,
}

/// Where the configuration was read from, to read it again on SIGHUP.
#[derive(Debug, Clone, Default)]
pub struct ConfigSources {
    /// The hostgres TOML file.
    pub file: Option<PathBuf>,
    /// An osquery JSON config named on the command line (or as `--config x.json`).
    pub osquery_config: Option<PathBuf>,
}

/// The state directory used when none is configured: `/var/lib/hostgres` for
/// root, `$XDG_STATE_HOME/hostgres` (or `~/.local/state/hostgres`) otherwise.
pub fn default_state_dir() -> PathBuf {
    // SAFETY of meaning, not memory: geteuid cannot fail.
    if is_root() {
        return PathBuf::from("/var/lib/hostgres");
    }
    if let Some(x) = std::env::var_os("XDG_STATE_HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(x).join("hostgres");
    }
    match std::env::var_os("HOME").filter(|v| !v.is_empty()) {
        Some(home) => PathBuf::from(home).join(".local/state/hostgres"),
        None => PathBuf::from(".hostgres"),
    }
}

/// The Unix socket directory used when none is configured: `/run/hostgres`
/// for root, the state directory otherwise.
pub fn default_socket_dir(state_dir: &Path) -> PathBuf {
    if is_root() {
        PathBuf::from("/run/hostgres")
    } else {
        state_dir.to_path_buf()
    }
}

fn is_root() -> bool {
    std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false)
}

impl RawConfig {
    /// Loads `file` (if any) and the `HOSTGRES_…` environment from `env`.
    pub fn load(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<RawConfig, ConfigError> {
        let mut builder = config::Config::builder();
        // An osquery JSON config given as the configuration file is loaded as one.
        let (file, osquery) = match file {
            Some(p) if is_osquery_config(p) => (None, Some(p.to_path_buf())),
            other => (other, None),
        };
        if let Some(path) = file {
            builder = builder.add_source(
                config::File::from(path)
                    .format(config::FileFormat::Toml)
                    .required(true),
            );
        }
        let env: HashMap<String, String> = env
            .into_iter()
            .filter(|(k, _)| k.starts_with("HOSTGRES_") && !NON_CONFIG_ENV.contains(&k.as_str()))
            .collect();
        builder = builder.add_source(
            config::Environment::with_prefix("HOSTGRES")
                .prefix_separator("_")
                .separator("__")
                .try_parsing(true)
                .source(Some(env.into_iter().collect())),
        );
        let built = builder.build()?;
        let mut raw: RawConfig = built.try_deserialize().map_err(|e| locate(e, file))?;
        if osquery.is_some() {
            raw.schedule.osquery_config = osquery;
        }
        Ok(raw)
    }

    /// The schedule sections, for the scheduler.
    pub fn schedule_sections(&self) -> RawSections {
        RawSections {
            schedule: self.schedule.clone(),
            packs: self.packs.clone(),
            decorators: self.decorators.clone(),
            logging: self.logging.clone(),
        }
    }

    /// Parses TOML text (for tests and the embedded example).
    pub fn from_toml(text: &str) -> Result<RawConfig, ConfigError> {
        let cfg = config::Config::builder()
            .add_source(config::File::from_str(text, config::FileFormat::Toml))
            .build()?;
        Ok(cfg.try_deserialize()?)
    }

    /// Validates into a [`Config`].
    pub fn validate(self) -> Result<Config, ConfigError> {
        let state_dir = self.state_dir.clone().unwrap_or_else(default_state_dir);
        let schedule = ScheduleConfig::load(self.schedule_sections(), None, &state_dir)?;
        let listen_text = self.listen.as_deref().unwrap_or(DEFAULT_LISTEN);
        let listen: SocketAddr = listen_text.parse().map_err(|_| {
            invalid(
                "listen",
                format!("{listen_text:?} is not an address such as 127.0.0.1:5433 or [::1]:5433"),
            )
        })?;
        let log_level = self.log.level.unwrap_or_else(|| "info".to_owned());
        let log_format = match self.log.format.as_deref().unwrap_or("json") {
            "json" => LogFormat::Json,
            "text" => LogFormat::Text,
            other => {
                return Err(invalid(
                    "log.format",
                    format!("{other:?} is not `json` or `text`"),
                ));
            }
        };
        let max_connections = self.limits.max_connections.unwrap_or(100);
        if max_connections == 0 {
            return Err(invalid("limits.max_connections", "must be at least 1"));
        }
        let busy_poll_us = self.limits.busy_poll_us.unwrap_or(DEFAULT_BUSY_POLL_US);
        if busy_poll_us > MAX_BUSY_POLL_US {
            return Err(invalid(
                "limits.busy_poll_us",
                format!(
                    "at most {MAX_BUSY_POLL_US} (a connection would hold its CPU that long); 0 turns polling off"
                ),
            ));
        }
        let base = base_limits(&self.limits);
        let roles = roles(&self.roles, &base)?;
        let mut users = Vec::with_capacity(self.users.len());
        for u in &self.users {
            let role = u.role.as_deref().unwrap_or(DEFAULT_ROLE);
            let user = User::from_config(&u.name, u.verifier.as_deref(), role)?;
            if users.iter().any(|x: &User| x.name == user.name) {
                return Err(invalid(
                    "users",
                    format!("user {:?} is listed twice", u.name),
                ));
            }
            if !roles.iter().any(|r| r.name == role) {
                return Err(invalid(
                    "users",
                    format!("user {:?} has role {role:?}, which is not defined", u.name),
                ));
            }
            users.push(user);
        }
        let hba = if self.hba.is_empty() {
            HbaRules::default()
        } else {
            let mut rules = Vec::with_capacity(self.hba.len());
            for (i, r) in self.hba.iter().enumerate() {
                let rule = HbaRule::parse(
                    &r.kind,
                    r.database.as_deref().unwrap_or("all"),
                    r.user.as_deref().unwrap_or("all"),
                    r.address.as_deref(),
                    &r.method,
                )
                .map_err(|e| invalid(&format!("hba[{i}]"), e.to_string()))?;
                rules.push(rule);
            }
            HbaRules::new(rules)
        };
        let state_dir = self.state_dir.unwrap_or_else(default_state_dir);
        let tls = tls_files(&self.tls, &state_dir)?;
        let unix_socket = match self.unix_socket.enabled {
            Some(false) => None,
            _ => Some(
                self.unix_socket
                    .directory
                    .clone()
                    .unwrap_or_else(|| default_socket_dir(&state_dir)),
            ),
        };
        let unknown_peer = match self.unix_socket.unknown_users.as_deref() {
            None | Some("refuse") => UnknownPeer::Refuse,
            Some(role) => UnknownPeer::Role(role.to_owned()),
        };
        for (os_user, role) in self
            .unix_socket
            .peer_map
            .iter()
            .map(|(u, r)| (u.as_str(), r.as_str()))
            .chain(match &unknown_peer {
                UnknownPeer::Role(r) => Some(("(unknown users)", r.as_str())),
                UnknownPeer::Refuse => None,
            })
        {
            if !roles.iter().any(|r| r.name == role) {
                return Err(invalid(
                    "unix_socket",
                    format!("{os_user} is mapped to role {role:?}, which is not defined"),
                ));
            }
        }
        if !listen.ip().is_loopback() {
            if tls.is_none() {
                return Err(invalid(
                    "listen",
                    format!(
                        "{listen} is reachable beyond this host, and TLS is off: enable [tls] or listen on 127.0.0.1"
                    ),
                ));
            }
            if let Some(rule) = hba.remote_plaintext_rule() {
                return Err(invalid(
                    "hba",
                    format!(
                        "listening on {listen}, the rule `{rule}` would accept clients from the network without TLS: use hostssl, or limit the address to loopback"
                    ),
                ));
            }
        }
        let audit = match self.audit.destination.as_deref() {
            None | Some("stderr") => AuditDestination::Stderr,
            Some("off") => AuditDestination::Off,
            Some(path) if Path::new(path).is_absolute() => AuditDestination::File(path.into()),
            Some(other) => {
                return Err(invalid(
                    "audit.destination",
                    format!("{other:?} is not `stderr`, `off` or an absolute file path"),
                ));
            }
        };
        let ms = |v: Option<u64>, default: u64| Duration::from_millis(v.unwrap_or(default));
        Ok(Config {
            listen,
            state_dir,
            host_root: self.host_root.unwrap_or_else(|| PathBuf::from("/")),
            log_level,
            log_format,
            max_connections,
            statement_timeout: base.statement_timeout,
            users,
            roles,
            hba,
            tls,
            unix_socket,
            peer_map: self.unix_socket.peer_map,
            unknown_peer,
            startup_timeout: ms(self.limits.startup_timeout_ms, 10_000)
                .max(Duration::from_millis(1)),
            idle_session_timeout: ms(self.limits.idle_session_timeout_ms, 0),
            busy_poll: Duration::from_micros(busy_poll_us),
            follow_client_cpu: self.limits.follow_local_client_cpu.unwrap_or(true),
            audit,
            audit_statement_max_chars: self.audit.statement_max_chars.unwrap_or(1000),
            shutdown_grace: Duration::from_secs(5),
            schedule,
            sources: ConfigSources::default(),
        })
    }
}

/// True for a file that holds osquery's JSON config rather than hostgres TOML.
pub fn is_osquery_config(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json") || e.eq_ignore_ascii_case("conf"))
}

/// Adds the line of the key a configuration error names, when it can be found.
fn locate(e: config::ConfigError, file: Option<&Path>) -> ConfigError {
    let message = e.to_string();
    let key = message
        .split('`')
        .nth(1)
        .filter(|k| !k.is_empty())
        .map(str::to_owned);
    let line = file.zip(key.as_deref()).and_then(|(f, k)| {
        let text = std::fs::read_to_string(f).ok()?;
        let parts: Vec<&str> = k.split('.').collect();
        hostgres_scheduler::config::osquery::locate(&text, &parts).map(|(l, _)| (f, l))
    });
    match line {
        Some((f, l)) => invalid(
            key.as_deref().unwrap_or_default(),
            format!("{} (at {}:{l})", message, f.display()),
        ),
        None => ConfigError::Load(e),
    }
}

/// Zero (or an absent key) means "no limit" for the optional limits.
fn nonzero<T: PartialEq + Default>(v: Option<T>) -> Option<T> {
    v.filter(|x| *x != T::default())
}

/// The limits every role starts from.
fn base_limits(l: &RawLimits) -> RoleLimits {
    let d = RoleLimits::default();
    RoleLimits {
        statement_timeout: l
            .statement_timeout_ms
            .map_or(d.statement_timeout, Duration::from_millis),
        max_statement_timeout: match l.max_statement_timeout_ms {
            Some(0) => None,
            Some(ms) => Some(Duration::from_millis(ms)),
            None => d.max_statement_timeout,
        },
        max_connections: None,
        max_result_rows: match l.max_result_rows {
            Some(v) => nonzero(Some(v)),
            None => d.max_result_rows,
        },
        max_result_bytes: match l.max_result_bytes {
            Some(v) => nonzero(Some(v)),
            None => d.max_result_bytes,
        },
        max_query_memory_bytes: match l.max_query_memory_mb {
            Some(v) => nonzero(Some(v)).map(|mb| mb.saturating_mul(1 << 20)),
            None => d.max_query_memory_bytes,
        },
    }
}

/// One role's limits: its own keys over the base.
fn role_limits(r: &RawRole, base: &RoleLimits) -> RoleLimits {
    RoleLimits {
        statement_timeout: r
            .statement_timeout_ms
            .map_or(base.statement_timeout, Duration::from_millis),
        max_statement_timeout: match r.max_statement_timeout_ms {
            Some(0) => None,
            Some(ms) => Some(Duration::from_millis(ms)),
            None => base.max_statement_timeout,
        },
        max_connections: nonzero(r.max_connections),
        max_result_rows: r
            .max_result_rows
            .map_or(base.max_result_rows, |v| nonzero(Some(v))),
        max_result_bytes: r
            .max_result_bytes
            .map_or(base.max_result_bytes, |v| nonzero(Some(v))),
        max_query_memory_bytes: r
            .max_query_memory_mb
            .map_or(base.max_query_memory_bytes, |v| {
                nonzero(Some(v)).map(|mb| mb.saturating_mul(1 << 20))
            }),
    }
}

/// `admin`, `monitor` and the configured roles.
fn roles(raw: &BTreeMap<String, RawRole>, base: &RoleLimits) -> Result<Vec<Role>, ConfigError> {
    let mut out = vec![
        Role {
            limits: RoleLimits {
                max_statement_timeout: None,
                ..base.clone()
            },
            ..Role::admin()
        },
        Role {
            limits: base.clone(),
            ..Role::monitor()
        },
    ];
    for (name, r) in raw {
        let key = format!("roles.{name}");
        hostgres_auth::check_user_name(name)
            .map_err(|_| invalid(&key, "role names use letters, digits, '_', '-' and '.'"))?;
        let mut paths = Vec::with_capacity(r.paths.len());
        for p in &r.paths {
            let n = hostgres_auth::normalize(p)
                .ok_or_else(|| invalid(&key, format!("path {:?} is not absolute", p.display())))?;
            paths.push(n);
        }
        let role = Role {
            name: name.clone(),
            superuser: name == ADMIN_ROLE,
            allow: r
                .tables
                .as_deref()
                .unwrap_or(&["*".to_owned()])
                .iter()
                .map(|g| Glob::new(g))
                .collect(),
            deny: r.deny_tables.iter().map(|g| Glob::new(g)).collect(),
            paths,
            limits: role_limits(r, base),
        };
        match out.iter_mut().find(|x| x.name == *name) {
            Some(existing) => *existing = role,
            None => out.push(role),
        }
    }
    Ok(out)
}

/// The TLS material: configured files, or the self-signed pair in the state directory.
fn tls_files(raw: &RawTls, state_dir: &Path) -> Result<Option<TlsFiles>, ConfigError> {
    if raw.enabled == Some(false) {
        if raw.cert_file.is_some() || raw.key_file.is_some() || raw.ca_file.is_some() {
            return Err(invalid(
                "tls.enabled",
                "TLS is off but certificate files are configured; remove one or the other",
            ));
        }
        return Ok(None);
    }
    let (cert, key, self_signed) = match (&raw.cert_file, &raw.key_file) {
        (Some(c), Some(k)) => (c.clone(), k.clone(), false),
        (None, None) => (
            state_dir.join("tls/server.crt"),
            state_dir.join("tls/server.key"),
            true,
        ),
        _ => {
            return Err(invalid(
                "tls",
                "cert_file and key_file go together: set both, or neither for a self-signed certificate",
            ));
        }
    };
    Ok(Some(TlsFiles {
        cert,
        key,
        ca: raw.ca_file.clone(),
        self_signed,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_config_parses_and_documents_every_key() {
        let text = include_str!("../../examples/hostgres.toml");
        let raw = RawConfig::from_toml(text).expect("example parses");
        // Every key is set in the example, so a new key must be documented there.
        assert!(raw.listen.is_some() && raw.state_dir.is_some() && raw.host_root.is_some());
        assert!(raw.log.level.is_some() && raw.log.format.is_some());
        let l = &raw.limits;
        assert!(l.max_connections.is_some() && l.statement_timeout_ms.is_some());
        assert!(l.max_statement_timeout_ms.is_some() && l.max_result_rows.is_some());
        assert!(l.max_result_bytes.is_some() && l.max_query_memory_mb.is_some());
        assert!(l.startup_timeout_ms.is_some() && l.idle_session_timeout_ms.is_some());
        assert!(raw.tls.enabled.is_some());
        assert!(raw.unix_socket.enabled.is_some() && raw.unix_socket.unknown_users.is_some());
        assert_eq!(raw.hba.len(), 4);
        assert!(raw.audit.destination.is_some() && raw.audit.statement_max_chars.is_some());
        assert_eq!(raw.users.len(), 1);
        let role = &raw.roles["dashboards"];
        assert!(role.tables.is_some() && role.statement_timeout_ms.is_some());
        assert!(role.max_connections.is_some());
        // The example's rules are the built-in default set.
        let example = RawConfig::from_toml(text).expect("example parses");
        let example = example.validate().expect("example validates");
        assert_eq!(example.hba, hostgres_auth::HbaRules::default());
        let s = &raw.schedule;
        assert!(s.splay_percent.is_some() && s.default_interval.is_some() && s.epoch.is_some());
        assert!(s.host_identifier.is_some() && s.specified_identifier.is_some());
        assert!(
            s.denylist_duration_s.is_some()
                && s.max_workers.is_some()
                && s.config_refresh_s.is_some()
        );
        let w = &s.watchdog;
        assert!(w.enabled.is_some() && w.query_cpu_ms.is_some() && w.query_wall_ms.is_some());
        assert!(
            w.query_memory_mb.is_some()
                && w.daemon_cpu_percent.is_some()
                && w.daemon_memory_mb.is_some()
        );
        let q = &s.queries["load_average"];
        assert!(
            q.interval.is_some()
                && q.snapshot.is_some()
                && q.removed.is_some()
                && q.platform.is_some()
        );
        assert!(
            q.version.is_some()
                && q.shard.is_some()
                && q.denylist.is_some()
                && q.description.is_some()
        );
        assert_eq!(raw.packs.len(), 1);
        assert!(!raw.decorators.load.is_empty() && !raw.decorators.interval.is_empty());
        let l = &raw.logging;
        assert!(
            l.event_format.is_some() && l.snapshot_event_format.is_some() && l.numerics.is_some()
        );
        assert!(l.decorations_top_level.is_some() && l.history_max_rows.is_some());
        assert!(l.history_max_age_s.is_some() && l.buffer_max_lines.is_some());
        let f = l.file.as_ref().expect("[logging.file]");
        assert!(f.enabled.is_some() && f.path.is_some() && f.max_size_mb.is_some());
        assert!(f.rotate_count.is_some() && f.compress.is_some());
        assert!(l.stdout.as_ref().is_some_and(|s| s.enabled.is_some()));
        let sys = l.syslog.as_ref().expect("[logging.syslog]");
        assert!(sys.enabled.is_some() && sys.socket.is_some() && sys.facility.is_some());
        // The network sinks are documented commented out (they need a server).
        for key in [
            "url",
            "node_key",
            "ca_file",
            "batch_lines",
            "period_s",
            "max_backoff_s",
            "timeout_s",
            "connection",
            "table",
        ] {
            assert!(text.contains(&format!("# {key} = ")), "{key} is documented");
        }
        let cfg = raw.validate().expect("example validates");
        assert_eq!(cfg.listen.to_string(), "127.0.0.1:5433");
        assert_eq!(cfg.schedule.queries.len(), 4);
        assert_eq!(cfg.schedule.queries[3].name, "pack_hostgres-basics_users");
    }

    #[test]
    fn schedule_errors_name_their_key() {
        let err =
            RawConfig::from_toml("[schedule.queries.q]\nquery = \"select 1\"\ninterval = \"soon\"")
                .expect_err("bad interval");
        assert!(err.to_string().contains("soon"), "{err}");
        let err = RawConfig::from_toml("[logging.file]\nrotate = 3").expect_err("unknown key");
        assert!(err.to_string().contains("rotate"), "{err}");
    }

    #[test]
    fn busy_polling_defaults_on_and_is_bounded() {
        let cfg = RawConfig::from_toml("").unwrap().validate().unwrap();
        assert_eq!(cfg.busy_poll, Duration::from_micros(DEFAULT_BUSY_POLL_US));
        assert!(cfg.follow_client_cpu);
        let pinned = RawConfig::from_toml("[limits]\nfollow_local_client_cpu = false").unwrap();
        assert!(!pinned.validate().unwrap().follow_client_cpu);
        let off = RawConfig::from_toml("[limits]\nbusy_poll_us = 0").unwrap();
        assert!(off.validate().unwrap().busy_poll.is_zero());
        let err = RawConfig::from_toml("[limits]\nbusy_poll_us = 5000")
            .unwrap()
            .validate()
            .expect_err("too long");
        assert!(err.to_string().contains("limits.busy_poll_us"), "{err}");
    }

    #[test]
    fn unknown_keys_are_named() {
        let err = RawConfig::from_toml("lisen = \"127.0.0.1:1\"").expect_err("unknown key");
        assert!(err.to_string().contains("lisen"), "{err}");
        let err = RawConfig::from_toml("[limits]\nmax_conections = 3").expect_err("unknown key");
        assert!(err.to_string().contains("max_conections"), "{err}");
    }

    #[test]
    fn environment_overrides_the_file_but_not_the_password() {
        let env = [
            ("HOSTGRES_LISTEN".to_owned(), "127.0.0.1:6000".to_owned()),
            (
                "HOSTGRES_LIMITS__MAX_CONNECTIONS".to_owned(),
                "7".to_owned(),
            ),
            ("HOSTGRES_PASSWORD".to_owned(), "not a key".to_owned()),
            ("PATH".to_owned(), "/bin".to_owned()),
        ];
        let cfg = RawConfig::load(None, env)
            .expect("load")
            .validate()
            .expect("valid");
        assert_eq!(cfg.listen.to_string(), "127.0.0.1:6000");
        assert_eq!(cfg.max_connections, 7);
    }

    #[test]
    fn bad_values_name_their_key() {
        let err = RawConfig::from_toml("listen = \"localhost\"")
            .expect("parses")
            .validate()
            .expect_err("bad address");
        assert!(err.to_string().contains("`listen`"), "{err}");
        let err = RawConfig::from_toml("[[users]]\nname = \"a\"\nverifier = \"md5abc\"")
            .expect("parses")
            .validate()
            .expect_err("md5 refused");
        assert!(err.to_string().contains("md5"), "{err}");
    }
}
