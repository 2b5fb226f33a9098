//! The status log: the scheduler's own info, warnings and errors as JSON
//! lines in their own stream (osquery's status logs), through the same
//! outbox and sinks as results, and mirrored to the daemon's diagnostics.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use crate::format::{self, Severity, StatusLine};
use crate::store::{Kind, Store};

/// A handle on the status stream; cheap to clone.
#[derive(Clone)]
pub struct StatusLog {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    host_identifier: RwLock<String>,
    decorations: RwLock<BTreeMap<String, String>>,
}

impl std::fmt::Debug for StatusLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StatusLog")
    }
}

impl StatusLog {
    pub fn new(store: Store, host_identifier: String) -> StatusLog {
        StatusLog {
            inner: Arc::new(Inner {
                store,
                host_identifier: RwLock::new(host_identifier),
                decorations: RwLock::new(BTreeMap::new()),
            }),
        }
    }

    pub fn set_host_identifier(&self, host: String) {
        if let Ok(mut h) = self.inner.host_identifier.write() {
            *h = host;
        }
    }

    pub fn set_decorations(&self, d: BTreeMap<String, String>) {
        if let Ok(mut x) = self.inner.decorations.write() {
            *x = d;
        }
    }

    pub fn info(&self, file: &str, line: u32, message: &str) {
        self.log(Severity::Info, file, line, message);
    }

    pub fn warning(&self, file: &str, line: u32, message: &str) {
        self.log(Severity::Warning, file, line, message);
    }

    pub fn error(&self, file: &str, line: u32, message: &str) {
        self.log(Severity::Error, file, line, message);
    }

    /// Writes one status line.
    pub fn log(&self, severity: Severity, file: &str, line: u32, message: &str) {
        match severity {
            Severity::Info => tracing::info!(target: "hostgres::schedule", "{message}"),
            Severity::Warning => tracing::warn!(target: "hostgres::schedule", "{message}"),
            Severity::Error => tracing::error!(target: "hostgres::schedule", "{message}"),
        }
        let host = self
            .inner
            .host_identifier
            .read()
            .map(|h| h.clone())
            .unwrap_or_default();
        let decorations = self
            .inner
            .decorations
            .read()
            .map(|d| d.clone())
            .unwrap_or_default();
        let filename = std::path::Path::new(file)
            .file_name()
            .and_then(|f| f.to_str())
            .unwrap_or(file);
        let text = format::status(&StatusLine {
            host_identifier: &host,
            unix_time: chrono::Utc::now().timestamp(),
            severity,
            filename,
            line,
            message,
            decorations: &decorations,
        });
        if let Err(e) = self.inner.store.append(&[(Kind::Status, text)]) {
            // The store is where status lines wait for the sinks; without it,
            // stderr is all that is left.
            tracing::error!(error = %e, "cannot record a status line");
        }
    }
}
