//! The hostgres daemon: PostgreSQL clients query the host's tables.
//!
//! Layout:
//! - `config`: the TOML configuration and its validation.
//! - `listener`: accepting connections (TCP and the Unix socket), limits, graceful shutdown.
//! - `threads`: a thread and a single-threaded runtime for each connection.
//! - `connection`: one connection's TLS negotiation, startup and idle timeouts, message loop.
//! - `busy_poll`: polling a quick client's socket between an answer and its next request.
//! - `client_cpu`: moving a connection to the CPU its local client sends from.
//! - `tls`: certificates (configured or self-signed), client certificates, reload.
//! - `policy`: a role's privileges as the engine's table policy.
//! - `audit`: the audit log, one record per connection and per statement.
//! - `pg`: the wire protocol (startup, queries, session commands, encoding, SQLSTATEs).
//! - `local`: in-process queries for the console commands.
//! - `schedule`: the scheduler inside the daemon (tables, start, SIGHUP).
//! - `shell`: the interactive console.
//! - `output`: table, JSON, CSV and line renderings.
//! - `telemetry`: diagnostics on stderr.

// pgwire's `ErrorInfo` is large and is what every protocol error becomes;
// boxing it at each step would only add noise.
#![allow(clippy::result_large_err)]

pub mod audit;
pub mod busy_poll;
pub mod client_cpu;
pub mod config;
pub mod connection;
pub mod listener;
pub mod local;
pub mod output;
pub mod pg;
pub mod policy;
pub mod schedule;
pub mod shell;
pub mod telemetry;
pub mod threads;
pub mod tls;

use std::sync::Arc;

use hostgres_auth::{Access, Bootstrap, FailureTracker, PeerMap, bootstrap_default_user};
use hostgres_catalog::Table;

use crate::config::Config;
use crate::listener::Server;

/// Prepares the daemon: the `hostgres` user (created on first start, with
/// `env_password` as its password if given) and the bound listener.
pub async fn prepare(
    config: Config,
    env_password: Option<&str>,
) -> anyhow::Result<(Server, Bootstrap)> {
    prepare_with(config, env_password, Vec::new()).await
}

/// [`prepare`] serving `extra_tables` besides the host's and the scheduler's
/// (tests add tables of their own).
pub async fn prepare_with(
    config: Config,
    env_password: Option<&str>,
    extra_tables: Vec<Arc<dyn Table>>,
) -> anyhow::Result<(Server, Bootstrap)> {
    let bootstrap = bootstrap_default_user(&config.state_dir, env_password)?;
    // A `hostgres` user in the configuration takes precedence over the state directory's.
    let mut users = config.users.clone();
    if !users.iter().any(|u| u.name == bootstrap.user.name) {
        users.push(bootstrap.user.clone());
    }
    let mut peer = PeerMap::new(rustix::process::geteuid().as_raw());
    peer.map = config.peer_map.clone();
    peer.unknown = config.unknown_peer.clone();
    let access = Access::new(
        users,
        config.roles.clone(),
        config.hba.clone(),
        peer,
        FailureTracker::default(),
    )?;
    let scheduler = schedule::open(&config)?;
    let registry = schedule::registry(&scheduler, extra_tables);
    let mut server = Server::bind(config.clone(), access, registry.clone()).await?;
    // The scheduler stops, and flushes its sinks, when the server finishes serving.
    server.keep_alive(schedule::start(scheduler, registry, &config)?);
    Ok((server, bootstrap))
}
