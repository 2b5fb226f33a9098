//! The run-time parameters of a session (PostgreSQL's GUCs): their defaults,
//! validation, and the shared [`Settings`] that `SET`/`SHOW` and the SQL
//! functions `current_setting` and `set_config` both read and write.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crate::error::CatalogError;

/// The version reported in `server_version`; libpq, JDBC and friends parse the leading `15.0`.
pub const SERVER_VERSION: &str = concat!("15.0 (hostgres ", env!("CARGO_PKG_VERSION"), ")");

/// A known parameter: its canonical name (as SHOW ALL prints it), its
/// default, and whether PostgreSQL reports changes with `ParameterStatus`.
struct Param {
    name: &'static str,
    default: &'static str,
    reported: bool,
    description: &'static str,
}

const fn p(
    name: &'static str,
    default: &'static str,
    reported: bool,
    description: &'static str,
) -> Param {
    Param {
        name,
        default,
        reported,
        description,
    }
}

/// Parameters with fixed or session-default values; `server_version` and the
/// like are reported at startup and cannot be changed.
static PARAMS: &[Param] = &[
    p(
        "application_name",
        "",
        true,
        "Sets the application name to be reported in statistics and logs.",
    ),
    p(
        "bytea_output",
        "hex",
        false,
        "Sets the output format for bytea.",
    ),
    p(
        "client_encoding",
        "UTF8",
        true,
        "Sets the client's character set encoding.",
    ),
    p(
        "client_min_messages",
        "notice",
        false,
        "Sets the message levels that are sent to the client.",
    ),
    p(
        "DateStyle",
        "ISO, MDY",
        true,
        "Sets the display format for date and time values.",
    ),
    p(
        "default_table_access_method",
        "heap",
        false,
        "Sets the default table access method for new tables.",
    ),
    p(
        "default_transaction_isolation",
        "read committed",
        false,
        "Sets the transaction isolation level of each new transaction.",
    ),
    p(
        "default_transaction_read_only",
        "on",
        true,
        "Sets the default read-only status of new transactions.",
    ),
    p(
        "extra_float_digits",
        "1",
        false,
        "Sets the number of digits displayed for floating-point values.",
    ),
    p(
        "idle_in_transaction_session_timeout",
        "0",
        false,
        "Sets the maximum allowed idle time between queries, when in a transaction.",
    ),
    p(
        "in_hot_standby",
        "off",
        true,
        "Shows whether hot standby is currently active.",
    ),
    p(
        "integer_datetimes",
        "on",
        true,
        "Shows whether datetimes are integer based.",
    ),
    p(
        "IntervalStyle",
        "postgres",
        true,
        "Sets the display format for interval values.",
    ),
    p(
        "is_superuser",
        "off",
        true,
        "Shows whether the current user is a superuser.",
    ),
    p("jit", "off", false, "Allow JIT compilation."),
    p(
        "lc_collate",
        "C.UTF-8",
        false,
        "Shows the collation order locale.",
    ),
    p(
        "lc_ctype",
        "C.UTF-8",
        false,
        "Shows the character classification and case conversion locale.",
    ),
    p(
        "lc_messages",
        "C.UTF-8",
        false,
        "Sets the language in which messages are displayed.",
    ),
    p(
        "lc_monetary",
        "C.UTF-8",
        false,
        "Sets the locale for formatting monetary amounts.",
    ),
    p(
        "lc_numeric",
        "C.UTF-8",
        false,
        "Sets the locale for formatting numbers.",
    ),
    p(
        "lc_time",
        "C.UTF-8",
        false,
        "Sets the locale for formatting date and time values.",
    ),
    p(
        "lock_timeout",
        "0",
        false,
        "Sets the maximum allowed duration of any wait for a lock.",
    ),
    p(
        "max_identifier_length",
        "63",
        false,
        "Shows the maximum identifier length.",
    ),
    p(
        "max_index_keys",
        "32",
        false,
        "Shows the maximum number of index keys.",
    ),
    p("row_security", "on", false, "Enable row security."),
    p(
        "search_path",
        "\"$user\", public",
        true,
        "Sets the schema search order for names that are not schema-qualified.",
    ),
    p(
        "server_encoding",
        "UTF8",
        true,
        "Shows the server (database) character set encoding.",
    ),
    p(
        "server_version",
        SERVER_VERSION,
        true,
        "Shows the server version.",
    ),
    p(
        "server_version_num",
        "150000",
        false,
        "Shows the server version as an integer.",
    ),
    p(
        "session_authorization",
        "",
        true,
        "Sets the session user name.",
    ),
    p(
        "standard_conforming_strings",
        "on",
        true,
        "Causes '...' strings to treat backslashes literally.",
    ),
    p(
        "statement_timeout",
        "0",
        false,
        "Sets the maximum allowed duration of any statement.",
    ),
    p(
        "synchronous_commit",
        "on",
        false,
        "Sets the current transaction's synchronization level.",
    ),
    p(
        "TimeZone",
        "UTC",
        true,
        "Sets the time zone for displaying and interpreting time stamps.",
    ),
    p(
        "transaction_isolation",
        "read committed",
        false,
        "Sets the current transaction's isolation level.",
    ),
    p(
        "transaction_read_only",
        "on",
        false,
        "Sets the current transaction's read-only status.",
    ),
    p(
        "xmloption",
        "content",
        false,
        "Sets whether XML data in implicit parsing and serialization operations is to be considered as documents or content fragments.",
    ),
];

/// Parameters a client may not change.
const READ_ONLY: &[&str] = &[
    "server_version",
    "server_version_num",
    "server_encoding",
    "integer_datetimes",
    "in_hot_standby",
    "is_superuser",
    "max_identifier_length",
    "max_index_keys",
    "lc_collate",
    "lc_ctype",
    "session_authorization",
];

fn find(name: &str) -> Option<&'static Param> {
    PARAMS.iter().find(|p| p.name.eq_ignore_ascii_case(name))
}

/// The canonical spelling of a parameter name, if it is known.
fn canonical(name: &str) -> Option<&'static str> {
    find(name).map(|p| p.name)
}

/// Whether a change of `name` is reported to the client.
fn is_reported(name: &str) -> bool {
    find(name).is_some_and(|p| p.reported)
}

pub(crate) fn is_read_only(name: &str) -> bool {
    READ_ONLY.iter().any(|r| r.eq_ignore_ascii_case(name))
}

fn description(name: &str) -> &'static str {
    find(name).map_or("", |p| p.description)
}

/// A custom `prefix.name` parameter, which PostgreSQL accepts for extensions and applications.
fn is_custom(name: &str) -> bool {
    name.contains('.')
}

/// The defaults of a new session for `user`, with the client's startup parameters applied.
fn defaults(
    user: &str,
    startup: &BTreeMap<String, String>,
    statement_timeout: Duration,
) -> BTreeMap<String, String> {
    let mut settings: BTreeMap<String, String> = PARAMS
        .iter()
        .map(|p| (p.name.to_owned(), p.default.to_owned()))
        .collect();
    settings.insert("session_authorization".to_owned(), user.to_owned());
    settings.insert(
        "statement_timeout".to_owned(),
        statement_timeout.as_millis().to_string(),
    );
    for (k, v) in startup {
        if let Some(name) = canonical(k)
            && !is_read_only(name)
            && name != "client_encoding"
        {
            settings.insert(name.to_owned(), v.clone());
        }
    }
    settings
}

/// Parses a `statement_timeout` value: milliseconds, or a number with a unit
/// (`ms`, `s`, `min`, `h`, `d`), as PostgreSQL accepts.
pub fn parse_duration(value: &str) -> Option<Duration> {
    let v = value.trim();
    let split = v
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(v.len());
    let (num, unit) = v.split_at(split);
    let n: f64 = num.parse().ok()?;
    let ms = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "ms" => n,
        "s" => n * 1e3,
        "min" => n * 60e3,
        "h" => n * 3600e3,
        "d" => n * 86400e3,
        "us" => n / 1e3,
        _ => return None,
    };
    (ms >= 0.0 && ms.is_finite()).then(|| Duration::from_micros((ms * 1e3) as u64))
}

/// Checks and normalises a value before it is stored.
fn normalize(name: &str, value: &str) -> Result<String, String> {
    match name {
        "client_encoding" => {
            let v = value.to_ascii_uppercase().replace(['-', '_'], "");
            if v == "UTF8" || v == "UNICODE" {
                Ok("UTF8".to_owned())
            } else {
                Err(format!("hostgres only speaks UTF8, not {value}"))
            }
        }
        "statement_timeout" | "lock_timeout" | "idle_in_transaction_session_timeout" => {
            parse_duration(value)
                .map(|d| d.as_millis().to_string())
                .ok_or_else(|| format!("invalid value for parameter \"{name}\": \"{value}\""))
        }
        "extra_float_digits" => value
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|v| (-15..=3).contains(v))
            .map(|v| v.to_string())
            .ok_or_else(|| format!("invalid value for parameter \"{name}\": \"{value}\"")),
        "TimeZone" => Ok(if value.eq_ignore_ascii_case("utc") {
            "UTC".to_owned()
        } else {
            value.to_owned()
        }),
        "DateStyle" => {
            let v = value.to_ascii_uppercase();
            Ok(if v.contains("ISO") {
                if v.contains("DMY") {
                    "ISO, DMY"
                } else if v.contains("YMD") {
                    "ISO, YMD"
                } else {
                    "ISO, MDY"
                }
                .to_owned()
            } else {
                value.to_owned()
            })
        }
        _ => Ok(value.to_owned()),
    }
}

/// One session's parameters, shared by the session commands and the SQL
/// functions of its engine.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    inner: Arc<Mutex<SettingsState>>,
}

#[derive(Debug, Default)]
struct SettingsState {
    user: String,
    startup: BTreeMap<String, String>,
    statement_timeout: Duration,
    /// The most `statement_timeout` may be, whatever the session sets (its role's ceiling).
    statement_timeout_ceiling: Option<Duration>,
    values: BTreeMap<String, String>,
}

impl SettingsState {
    fn defaults(&self) -> BTreeMap<String, String> {
        defaults(&self.user, &self.startup, self.statement_timeout)
    }
}

/// A parameter that changed and that PostgreSQL reports with `ParameterStatus`.
pub type Report = (String, String);

impl Settings {
    /// The settings of a new session for `user`, with the client's startup
    /// parameters and the configured default `statement_timeout` applied.
    pub fn new(
        user: &str,
        startup: BTreeMap<String, String>,
        statement_timeout: Duration,
    ) -> Settings {
        let state = SettingsState {
            user: user.to_owned(),
            startup,
            statement_timeout,
            statement_timeout_ceiling: None,
            values: BTreeMap::new(),
        };
        let values = state.defaults();
        Settings {
            inner: Arc::new(Mutex::new(SettingsState { values, ..state })),
        }
    }

    fn lock(&self) -> MutexGuard<'_, SettingsState> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The value of `name` (any case; custom `a.b` names as set).
    pub fn get(&self, name: &str) -> Result<String, CatalogError> {
        let st = self.lock();
        let key = canonical(name).map_or_else(|| name.to_owned(), str::to_owned);
        st.values
            .get(&key)
            .cloned()
            .ok_or_else(|| CatalogError::UnknownSetting(name.to_owned()))
    }

    /// The canonical name of a parameter for SHOW's column header.
    pub fn display_name(name: &str) -> String {
        canonical(name).map_or_else(|| name.to_owned(), str::to_owned)
    }

    /// Sets `name` to `value` (`None` is DEFAULT); returns the change to report, if any.
    pub fn set(&self, name: &str, value: Option<&str>) -> Result<Option<Report>, CatalogError> {
        let key = match canonical(name) {
            Some(c) => c.to_owned(),
            None if is_custom(name) => name.to_owned(),
            None => return Err(CatalogError::UnknownSetting(name.to_owned())),
        };
        if is_read_only(&key) {
            return Err(CatalogError::ReadOnlySetting(key));
        }
        let mut st = self.lock();
        let value = match value {
            Some(v) => normalize(&key, v).map_err(CatalogError::InvalidSetting)?,
            None => st.defaults().get(&key).cloned().unwrap_or_default(),
        };
        let report = is_reported(&key).then(|| (key.clone(), value.clone()));
        st.values.insert(key, value);
        Ok(report)
    }

    /// `RESET ALL` / `DISCARD ALL`: every parameter back to the session's default.
    pub fn reset_all(&self) {
        let mut st = self.lock();
        st.values = st.defaults();
    }

    /// The effective `statement_timeout`; zero means none. A ceiling caps it,
    /// "none" included, so `SET statement_timeout` is honoured within it.
    pub fn statement_timeout(&self) -> Duration {
        let set = self
            .get("statement_timeout")
            .ok()
            .and_then(|v| v.parse().ok())
            .map_or(Duration::ZERO, Duration::from_millis);
        match self.lock().statement_timeout_ceiling {
            Some(max) if set.is_zero() || set > max => max,
            _ => set,
        }
    }

    /// Caps `statement_timeout` (`None`: no cap).
    pub fn set_statement_timeout_ceiling(&self, max: Option<Duration>) {
        self.lock().statement_timeout_ceiling = max.filter(|d| !d.is_zero());
    }

    /// All parameters, for SHOW ALL: (name, value, description).
    pub fn show_all(&self) -> Vec<(String, String, String)> {
        let st = self.lock();
        let mut rows: Vec<(String, String, String)> = st
            .values
            .iter()
            .map(|(k, v)| (k.clone(), v.clone(), description(k).to_owned()))
            .collect();
        rows.sort_by_key(|r| r.0.to_ascii_lowercase());
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ceiling_caps_the_timeout_whatever_is_set() {
        let s = Settings::new("u", BTreeMap::new(), Duration::from_secs(30));
        s.set_statement_timeout_ceiling(Some(Duration::from_secs(60)));
        assert_eq!(s.statement_timeout(), Duration::from_secs(30));
        s.set("statement_timeout", Some("10s")).expect("set");
        assert_eq!(s.statement_timeout(), Duration::from_secs(10));
        s.set("statement_timeout", Some("1h")).expect("set");
        assert_eq!(s.statement_timeout(), Duration::from_secs(60));
        s.set("statement_timeout", Some("0")).expect("set");
        assert_eq!(s.statement_timeout(), Duration::from_secs(60));
    }

    #[test]
    fn durations_accept_units() {
        assert_eq!(parse_duration("1500"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_duration("2s"), Some(Duration::from_secs(2)));
        assert_eq!(parse_duration("1min"), Some(Duration::from_secs(60)));
        assert_eq!(parse_duration("abc"), None);
        assert_eq!(parse_duration("-1"), None);
    }

    #[test]
    fn settings_are_validated_and_reported() {
        let s = Settings::new(
            "alice",
            BTreeMap::from([("application_name".to_owned(), "psql".to_owned())]),
            Duration::from_secs(30),
        );
        assert_eq!(s.get("APPLICATION_NAME").expect("get"), "psql");
        assert_eq!(s.statement_timeout(), Duration::from_secs(30));
        assert_eq!(s.set("statement_timeout", Some("2s")).expect("set"), None);
        assert_eq!(s.statement_timeout(), Duration::from_secs(2));
        assert_eq!(
            s.set("timezone", Some("utc")).expect("set"),
            Some(("TimeZone".to_owned(), "UTC".to_owned()))
        );
        assert!(matches!(
            s.set("nope", Some("1")),
            Err(CatalogError::UnknownSetting(_))
        ));
        assert!(matches!(
            s.set("server_version", Some("1")),
            Err(CatalogError::ReadOnlySetting(_))
        ));
        assert!(matches!(
            s.set("extra_float_digits", Some("99")),
            Err(CatalogError::InvalidSetting(_))
        ));
        s.set("myapp.flag", Some("on")).expect("custom");
        assert_eq!(s.get("myapp.flag").expect("custom"), "on");
        s.set("statement_timeout", None).expect("default");
        assert_eq!(s.statement_timeout(), Duration::from_secs(30));
        s.reset_all();
        assert!(s.get("myapp.flag").is_err());
        assert_eq!(s.get("session_authorization").expect("user"), "alice");
    }

    #[test]
    fn names_are_case_insensitive_and_canonical() {
        assert_eq!(canonical("timezone"), Some("TimeZone"));
        assert_eq!(canonical("datestyle"), Some("DateStyle"));
        assert!(canonical("no_such_thing").is_none());
        assert!(is_reported("application_name"));
        assert_eq!(normalize("client_encoding", "utf-8"), Ok("UTF8".into()));
        assert!(normalize("client_encoding", "LATIN1").is_err());
    }
}
