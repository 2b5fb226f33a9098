//! `TablePolicy`: which tables a session may read. The engine's authorizer
//! refuses reads of other tables, and the catalog tables hide them.

use std::fmt::Debug;

/// Decides, per table, whether a session may read it.
pub trait TablePolicy: Send + Sync + Debug {
    /// True when the session may read the table SQLite knows as `sqlite_name`.
    fn may_read(&self, sqlite_name: &str) -> bool;
}

/// Every table is readable.
#[derive(Debug, Clone, Copy, Default)]
pub struct AllowAll;

impl TablePolicy for AllowAll {
    fn may_read(&self, _: &str) -> bool {
        true
    }
}
