//! The hostgres daemon: PostgreSQL clients query the host's tables.
//!
//! Layout:
//! - `config`: the TOML configuration and its validation.
//! - `listener`: accepting connections, limits, graceful shutdown.
//! - `pg`: the wire protocol (startup, queries, session commands, encoding, SQLSTATEs).
//! - `local`: in-process queries for the console commands.
//! - `shell`: the interactive console.
//! - `output`: table, JSON, CSV and line renderings.
//! - `telemetry`: diagnostics on stderr.

// pgwire's `ErrorInfo` is large and is what every protocol error becomes;
// boxing it at each step would only add noise.
#![allow(clippy::result_large_err)]

pub mod config;
pub mod listener;
pub mod local;
pub mod output;
pub mod pg;
pub mod shell;
pub mod telemetry;

use hostgres_auth::{Bootstrap, UserStore, bootstrap_default_user};
use hostgres_catalog::Registry;

use crate::config::Config;
use crate::listener::Server;

/// Prepares the daemon: the `hostgres` user (created on first start, with
/// `env_password` as its password if given) and the bound listener.
pub async fn prepare(
    config: Config,
    env_password: Option<&str>,
) -> anyhow::Result<(Server, Bootstrap)> {
    prepare_with(config, env_password, Registry::builtin()).await
}

/// [`prepare`] serving the tables of `registry` (tests add tables of their own).
pub async fn prepare_with(
    config: Config,
    env_password: Option<&str>,
    registry: Registry,
) -> anyhow::Result<(Server, Bootstrap)> {
    let bootstrap = bootstrap_default_user(&config.state_dir, env_password)?;
    // A `hostgres` user in the configuration takes precedence over the state directory's.
    let mut users = config.users.clone();
    if !users.iter().any(|u| u.name == bootstrap.user.name) {
        users.push(bootstrap.user.clone());
    }
    let server = Server::bind(config, UserStore::new(users), registry).await?;
    Ok((server, bootstrap))
}
