//! `ScheduleError`: everything that can go wrong loading a schedule, keeping
//! its state or shipping its logs, with a protocol-neutral `kind()`.

use std::path::PathBuf;

/// What failed, for callers that react by category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScheduleErrorKind {
    /// The configuration is invalid; the previous one keeps running.
    Config,
    /// The state store (SQLite in the state directory) failed.
    Store,
    /// A log sink could not deliver; it retries.
    Sink,
    /// A scheduled query failed to translate or run.
    Query,
    /// Reading or writing a file failed.
    Io,
}

#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    /// A configuration error, located where possible (`file:line:column`) and
    /// naming the key at fault.
    #[error("{location}: {key}: {reason}")]
    Config {
        location: String,
        key: String,
        reason: String,
    },
    #[error("state store {path}: {source}")]
    Store {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("log sink {sink}: {reason}")]
    Sink { sink: String, reason: String },
    #[error("query {name}: {reason}")]
    Query { name: String, reason: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl ScheduleError {
    pub fn kind(&self) -> ScheduleErrorKind {
        match self {
            ScheduleError::Config { .. } => ScheduleErrorKind::Config,
            ScheduleError::Store { .. } => ScheduleErrorKind::Store,
            ScheduleError::Sink { .. } => ScheduleErrorKind::Sink,
            ScheduleError::Query { .. } => ScheduleErrorKind::Query,
            ScheduleError::Io { .. } => ScheduleErrorKind::Io,
        }
    }

    pub(crate) fn config(
        location: impl Into<String>,
        key: impl Into<String>,
        reason: impl Into<String>,
    ) -> ScheduleError {
        ScheduleError::Config {
            location: location.into(),
            key: key.into(),
            reason: reason.into(),
        }
    }

    pub(crate) fn sink(sink: impl Into<String>, reason: impl std::fmt::Display) -> ScheduleError {
        ScheduleError::Sink {
            sink: sink.into(),
            reason: reason.to_string(),
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> ScheduleError {
        ScheduleError::Io {
            path: path.into(),
            source,
        }
    }
}
