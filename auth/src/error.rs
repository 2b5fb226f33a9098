//! `AuthError`: what can go wrong with users, verifiers and the state directory.

use std::io;
use std::path::PathBuf;

/// A protocol-neutral category of [`AuthError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthErrorKind {
    /// Wrong user or wrong password; the two are never told apart.
    BadCredentials,
    /// A user or verifier in the configuration is malformed.
    Config,
    /// The state directory could not be read or written.
    Io,
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("password authentication failed for user \"{0}\"")]
    BadCredentials(String),
    #[error("invalid SCRAM-SHA-256 verifier for user \"{user}\": {reason}")]
    BadVerifier { user: String, reason: String },
    #[error("invalid user name {0:?}: use letters, digits, '_', '-' and '.'")]
    BadUserName(String),
    #[error("invalid pg_hba rule: {0}")]
    BadRule(String),
    #[error("{what} names role {role:?}, which is not defined")]
    UnknownRole { what: String, role: String },
    #[error("invalid role {role:?}: {reason}")]
    BadRole { role: String, reason: String },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl AuthError {
    pub fn kind(&self) -> AuthErrorKind {
        match self {
            AuthError::BadCredentials(_) => AuthErrorKind::BadCredentials,
            AuthError::BadVerifier { .. }
            | AuthError::BadUserName(_)
            | AuthError::BadRule(_)
            | AuthError::UnknownRole { .. }
            | AuthError::BadRole { .. } => AuthErrorKind::Config,
            AuthError::Io { .. } => AuthErrorKind::Io,
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        AuthError::Io {
            path: path.into(),
            source,
        }
    }
}
