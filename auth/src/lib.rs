//! Who may connect to hostgres, how they prove it, and what they may read.
//!
//! This crate holds the policy and knows nothing of the wire protocol: the
//! server's startup code adapts the protocol's exchanges to [`Access`].
//!
//! Layout:
//! - `scram`: [`ScramVerifier`], PostgreSQL's SCRAM-SHA-256 verifier format.
//! - `users`: [`User`] and [`UserStore`] (with mock verifiers for unknown names).
//! - `role`: [`Role`]: table, column and path privileges and resource limits; the sensitive tables.
//! - `glob`: [`Glob`], the table-name patterns of role rules.
//! - `hba`: [`HbaRules`], pg_hba-style ordered rules deciding the method per connection.
//! - `peer`: [`PeerMap`], the role of a Unix-socket peer from its OS user.
//! - `backoff`: [`FailureTracker`], slowing down repeated failures per address.
//! - `access`: [`Access`], all of the above together, and per-role connection slots.
//! - `bootstrap`: the `hostgres` user and its password on first start.
//! - `error`: [`AuthError`].

mod access;
mod backoff;
mod bootstrap;
mod error;
mod glob;
pub mod hba;
mod peer;
mod role;
mod scram;
mod users;

pub use access::{Access, RoleSlot};
pub use backoff::{BackoffPolicy, Failure, FailureTracker};
pub use bootstrap::{
    Bootstrap, DEFAULT_USER, bootstrap_default_user, ensure_state_dir, random_password,
};
pub use error::{AuthError, AuthErrorKind};
pub use glob::Glob;
pub use hba::{HbaRule, HbaRules, Method, Request, Transport};
pub use peer::{PeerMap, UnknownPeer};
pub use role::{
    ADMIN_ROLE, DEFAULT_ROLE, PATH_TABLES, Role, RoleLimits, SENSITIVE_TABLES, is_sensitive_table,
    normalize,
};
pub use scram::{DEFAULT_ITERATIONS, ScramVerifier};
pub use users::{User, UserStore, check_user_name};
