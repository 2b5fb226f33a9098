//! Who may connect to hostgres, and how they prove it.
//!
//! This crate holds the policy and knows nothing of the wire protocol: the
//! server's startup code adapts the protocol's SCRAM exchange to
//! [`UserStore`].
//!
//! Layout:
//! - `scram`: [`ScramVerifier`], PostgreSQL's SCRAM-SHA-256 verifier format.
//! - `users`: [`User`] and [`UserStore`] (with mock verifiers for unknown names).
//! - `bootstrap`: the `hostgres` user and its password on first start.
//! - `error`: [`AuthError`].

mod bootstrap;
mod error;
mod scram;
mod users;

pub use bootstrap::{
    Bootstrap, DEFAULT_USER, bootstrap_default_user, ensure_state_dir, random_password,
};
pub use error::{AuthError, AuthErrorKind};
pub use scram::{DEFAULT_ITERATIONS, ScramVerifier};
pub use users::{User, UserStore, check_user_name};
