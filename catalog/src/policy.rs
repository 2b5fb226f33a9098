//! `TablePolicy`: what a session may read. The engine's authorizer refuses
//! reads of other tables and columns, the catalog tables hide them, and the
//! tables that read files only read under the paths the policy allows.

use std::fmt::Debug;
use std::path::Path;

/// Decides, per table, column and path, what a session may read.
pub trait TablePolicy: Send + Sync + Debug {
    /// True when the session may read the table SQLite knows as `sqlite_name`.
    fn may_read(&self, sqlite_name: &str) -> bool;

    /// True when the session may read `column` of a table it may read.
    fn may_read_column(&self, _sqlite_name: &str, _column: &str) -> bool {
        true
    }

    /// True when the table reads files a query names and the session is
    /// confined to some paths; the scan then checks every path with
    /// [`TablePolicy::may_read_path`].
    fn restricts_paths(&self, _sqlite_name: &str) -> bool {
        false
    }

    /// True when the session may read `path`: absolute, as seen on the host,
    /// with symlinks resolved.
    fn may_read_path(&self, _path: &Path) -> bool {
        true
    }
}

/// Every table is readable.
#[derive(Debug, Clone, Copy, Default)]
pub struct AllowAll;

impl TablePolicy for AllowAll {
    fn may_read(&self, _: &str) -> bool {
        true
    }
}
