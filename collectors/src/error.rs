//! The one error type of the collectors, with a kind that tells "vanished" from "denied".

use std::io;
use std::path::PathBuf;

/// What went wrong while reading the host, in terms a caller can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CollectErrorKind {
    /// The thing existed a moment ago and is gone (a process exited, a file was removed).
    Vanished,
    /// The daemon may not read it.
    Denied,
    /// The content was read but is not in the expected format.
    Malformed,
    /// The scan was interrupted by a cancel request or a timeout.
    Interrupted,
    /// The query did not give what the table needs (a required column).
    Usage,
    /// Any other I/O failure.
    Io,
}

/// An error raised while reading the operating system.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    #[error("{} vanished while it was read", path.display())]
    Vanished { path: PathBuf },
    #[error("permission denied reading {}", path.display())]
    Denied { path: PathBuf },
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("malformed {what}: {detail}")]
    Malformed { what: String, detail: String },
    #[error("{0}")]
    Usage(String),
    #[error("query interrupted")]
    Interrupted,
}

impl CollectError {
    /// Classifies an I/O error on `path`: `NotFound` and `ESRCH` mean the thing vanished.
    pub fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        let path = path.into();
        match source.kind() {
            io::ErrorKind::NotFound => CollectError::Vanished { path },
            io::ErrorKind::PermissionDenied => CollectError::Denied { path },
            _ if source.raw_os_error() == Some(libc::ESRCH) => CollectError::Vanished { path },
            _ => CollectError::Io { path, source },
        }
    }

    /// A parse failure of `what` (a file or a field), with a short detail.
    pub fn malformed(what: impl Into<String>, detail: impl Into<String>) -> Self {
        CollectError::Malformed {
            what: what.into(),
            detail: detail.into(),
        }
    }

    /// The protocol-neutral category of this error.
    pub fn kind(&self) -> CollectErrorKind {
        match self {
            CollectError::Vanished { .. } => CollectErrorKind::Vanished,
            CollectError::Denied { .. } => CollectErrorKind::Denied,
            CollectError::Io { .. } => CollectErrorKind::Io,
            CollectError::Malformed { .. } => CollectErrorKind::Malformed,
            CollectError::Usage(_) => CollectErrorKind::Usage,
            CollectError::Interrupted => CollectErrorKind::Interrupted,
        }
    }

    /// True when the error means "skip this item" rather than "fail the scan":
    /// the item vanished or may not be read.
    pub fn is_skippable(&self) -> bool {
        matches!(
            self.kind(),
            CollectErrorKind::Vanished | CollectErrorKind::Denied
        )
    }
}

/// Turns a `Result` whose error is skippable into `Ok(None)`, so a missing or
/// unreadable field becomes NULL instead of failing the row.
pub trait OptionalExt<T> {
    /// `Ok(Some)` on success, `Ok(None)` for a vanished or denied item, `Err` otherwise.
    fn optional(self) -> Result<Option<T>, CollectError>;
}

impl<T> OptionalExt<T> for Result<T, CollectError> {
    fn optional(self) -> Result<Option<T>, CollectError> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.is_skippable() => Ok(None),
            Err(e) => Err(e),
        }
    }
}
