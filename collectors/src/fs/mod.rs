//! Files on disk: metadata and content hashes, for the `file` and `hash` tables.
//!
//! Layout:
//! - `targets`: the paths a query names through its `path` and `directory` constraints.
//! - `glob`: osquery's `LIKE` patterns on paths (`%` within a component, `%%` recursive).
//! - `stat`: file metadata with osquery's mode and type formats.
//! - `hash`: MD5, SHA-1 and SHA-256 of regular files, read in chunks.

pub mod glob;
pub mod hash;
pub mod stat;
pub mod targets;
