//! The `hostgres` command: the daemon, the console and a few tools.

use std::io::{self, BufRead, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use hostgres_auth::{Bootstrap, DEFAULT_USER, ScramVerifier, check_user_name};
use hostgres_collectors::HostRoot;
use hostgres_server::config::{Config, RawConfig};
use hostgres_server::local::{LocalSession, Output};
use hostgres_server::output::{OutputFormat, render};
use hostgres_server::{shell, telemetry};

/// Every statement allocates its messages, rows and records many times over;
/// mimalloc's per-thread pages make that about half as costly as the system
/// allocator's arenas.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "hostgres",
    version,
    about = "The operating system as a PostgreSQL database."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the daemon: PostgreSQL clients connect and query the host.
    Serve {
        /// Configuration file (TOML); also HOSTGRES_CONFIG.
        #[arg(long, env = "HOSTGRES_CONFIG")]
        config: Option<PathBuf>,
        /// Address to listen on, e.g. 127.0.0.1:5433.
        #[arg(long)]
        listen: Option<String>,
        /// Directory for the daemon's state (password verifier, pgpass).
        #[arg(long)]
        state_dir: Option<PathBuf>,
        /// Read the host under this directory instead of /.
        #[arg(long)]
        host_root: Option<PathBuf>,
        /// An osquery JSON config (schedule, packs, decorators, options) to run as is.
        #[arg(long)]
        osquery_config: Option<PathBuf>,
    },
    /// Run SQL in-process, without a server, and print the result.
    Query {
        /// One or more statements separated by ';'.
        sql: String,
        #[arg(long, value_enum, default_value = "table")]
        format: OutputFormat,
        /// Read the host under this directory instead of /.
        #[arg(long)]
        host_root: Option<PathBuf>,
    },
    /// An interactive console, like osqueryi.
    Shell {
        /// Read the host under this directory instead of /.
        #[arg(long)]
        host_root: Option<PathBuf>,
    },
    /// List the tables and their columns, or one table's.
    Tables {
        /// Only this table.
        name: Option<String>,
    },
    /// Print a SCRAM-SHA-256 verifier for a user's password, as a `[[users]]`
    /// entry for the configuration. On a terminal the password is asked for
    /// twice without echo; otherwise it is the first line of standard input.
    Passwd {
        /// The user name.
        user: String,
        /// The role the entry gives the user.
        #[arg(long, default_value = hostgres_auth::DEFAULT_ROLE)]
        role: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve {
            config,
            listen,
            state_dir,
            host_root,
            osquery_config,
        } => serve(config, listen, state_dir, host_root, osquery_config),
        Command::Query {
            sql,
            format,
            host_root,
        } => query(&sql, format, host_root),
        Command::Shell { host_root } => LocalSession::open(root(host_root))
            .map_err(anyhow::Error::from)
            .and_then(shell::run),
        Command::Tables { name } => tables(name.as_deref()),
        Command::Passwd { user, role } => passwd(&user, &role),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hostgres: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn root(dir: Option<PathBuf>) -> HostRoot {
    dir.map_or_else(HostRoot::live, HostRoot::new)
}

fn load_config(
    file: Option<PathBuf>,
    listen: Option<String>,
    state_dir: Option<PathBuf>,
    host_root: Option<PathBuf>,
    osquery_config: Option<PathBuf>,
) -> anyhow::Result<Config> {
    let mut raw = RawConfig::load(file.as_deref(), std::env::vars())?;
    if osquery_config.is_some() {
        raw.schedule.osquery_config.clone_from(&osquery_config);
    }
    if listen.is_some() {
        raw.listen = listen;
    }
    if state_dir.is_some() {
        raw.state_dir = state_dir;
    }
    if host_root.is_some() {
        raw.host_root = host_root;
    }
    let mut config = raw.validate()?;
    config.sources = hostgres_server::config::ConfigSources {
        file,
        osquery_config,
    };
    Ok(config)
}

fn serve(
    file: Option<PathBuf>,
    listen: Option<String>,
    state_dir: Option<PathBuf>,
    host_root: Option<PathBuf>,
    osquery_config: Option<PathBuf>,
) -> anyhow::Result<()> {
    let config = load_config(file, listen, state_dir, host_root, osquery_config)?;
    telemetry::init(&config.log_level, config.log_format);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    runtime.block_on(async move {
        let password = std::env::var("HOSTGRES_PASSWORD").ok();
        let (server, bootstrap) =
            hostgres_server::prepare(config.clone(), password.as_deref()).await?;
        if let Some(w) = &bootstrap.warning {
            tracing::warn!("{w}");
        }
        let addr = server.local_addr();
        if !addr.ip().is_loopback() {
            tracing::warn!(%addr, "listening beyond loopback (TLS on, no plaintext rule for remote addresses)");
        }
        let fingerprint = server.tls().map(|t| t.fingerprint());
        tracing::info!(
            %addr,
            unix_socket = server.unix_socket().map(|p| p.display().to_string()),
            tls_sha256 = fingerprint.as_deref(),
            state_dir = %config.state_dir.display(),
            "listening"
        );
        print_banner(addr, &bootstrap, password.is_some());
        let mut out = io::stdout().lock();
        if let Some(path) = server.unix_socket() {
            let dir = path.parent().unwrap_or(path);
            let _ = writeln!(
                out,
                "Unix socket (peer authentication as your OS user): psql -h {} -p {}",
                dir.display(),
                addr.port()
            );
        }
        match (server.tls(), &fingerprint) {
            (Some(tls), Some(fp)) => {
                let _ = writeln!(out, "TLS certificate {} (SHA-256 {fp})", tls.files().cert.display());
                if tls.files().self_signed {
                    let _ = writeln!(
                        out,
                        "It is self-signed: pin it with sslmode=verify-full sslrootcert={}",
                        tls.files().cert.display()
                    );
                }
            }
            _ => {
                let _ = writeln!(out, "TLS is off.");
            }
        }
        let _ = out.flush();
        drop(out);
        if let Some(tls) = server.tls() {
            tokio::spawn(reload_on_sighup(tls));
        }
        server.serve(shutdown_signal()).await;
        Ok(())
    })
}

/// How to connect, printed once at start on stdout.
fn print_banner(addr: SocketAddr, bootstrap: &Bootstrap, env_password: bool) {
    let host = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    let conninfo = format!(
        "host={host} port={} user={DEFAULT_USER} dbname=hostgres",
        addr.port()
    );
    let mut out = io::stdout().lock();
    let _ = writeln!(
        out,
        "hostgres {} is listening on {addr}",
        env!("CARGO_PKG_VERSION")
    );
    match (&bootstrap.pgpass, env_password && bootstrap.created) {
        (Some(pgpass), _) => {
            let _ = writeln!(
                out,
                "Connect with:\n  PGPASSFILE={} psql \"{conninfo}\"",
                pgpass.display()
            );
            let _ = writeln!(
                out,
                "The password of user {DEFAULT_USER} is in {} (mode 0600).",
                pgpass.display()
            );
        }
        (None, true) => {
            let _ = writeln!(
                out,
                "Connect with:\n  psql \"{conninfo}\"\nThe password of user {DEFAULT_USER} is the one in HOSTGRES_PASSWORD."
            );
        }
        (None, false) => {
            let _ = writeln!(out, "Connect with:\n  psql \"{conninfo}\"");
        }
    }
    let _ = out.flush();
}

/// Re-reads the TLS certificate and key on every SIGHUP; a failed reload keeps the old ones.
async fn reload_on_sighup(tls: std::sync::Arc<hostgres_server::tls::Tls>) {
    use tokio::signal::unix::{SignalKind, signal};
    let Ok(mut hup) = signal(SignalKind::hangup()) else {
        tracing::warn!("cannot listen for SIGHUP: TLS reload is off");
        return;
    };
    while hup.recv().await.is_some() {
        match tls.reload() {
            Ok(fingerprint) => {
                tracing::info!(tls_sha256 = %fingerprint, "TLS certificate reloaded")
            }
            Err(e) => {
                tracing::error!(error = %e, "TLS reload failed; the previous certificate stays in use")
            }
        }
    }
}

async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let term = signal(SignalKind::terminate());
    let int = signal(SignalKind::interrupt());
    match (term, int) {
        (Ok(mut term), Ok(mut int)) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
        }
        _ => {
            // Without signal handlers the daemon runs until killed.
            std::future::pending::<()>().await;
        }
    }
}

fn query(sql: &str, format: OutputFormat, host_root: Option<PathBuf>) -> anyhow::Result<()> {
    let mut session = LocalSession::open(root(host_root))?;
    let outputs = session.run(sql).map_err(|e| match e.hint() {
        Some(h) => anyhow::anyhow!("{e}\nhint: {h}"),
        None => anyhow::anyhow!("{e}"),
    })?;
    let mut out = io::stdout().lock();
    for o in outputs {
        match o {
            Output::Rows(r) => render(&r, format, &mut out)?,
            Output::Done(tag) => writeln!(out, "{tag}")?,
        }
    }
    Ok(())
}

fn tables(name: Option<&str>) -> anyhow::Result<()> {
    let registry = hostgres_catalog::Registry::builtin();
    let mut out = io::stdout().lock();
    let mut found = false;
    for schema in registry.schemas() {
        if name.is_some_and(|n| n != schema.name) {
            continue;
        }
        found = true;
        writeln!(out, "{}  {}", schema.name, schema.doc)?;
        for c in schema.columns {
            writeln!(out, "  {:<22} {:<16} {}", c.name, c.ty.sql_name(), c.doc)?;
        }
        writeln!(out)?;
    }
    if let Some(n) = name
        && !found
    {
        anyhow::bail!("no table named {n}; `hostgres tables` lists them");
    }
    Ok(())
}

fn passwd(user: &str, role: &str) -> anyhow::Result<()> {
    check_user_name(user)?;
    check_user_name(role).map_err(|_| anyhow::anyhow!("invalid role name {role:?}"))?;
    let stdin = io::stdin();
    let password = if rustix::termios::isatty(&stdin) {
        let first = read_hidden(&format!("Password for {user}: "))?;
        let again = read_hidden("Again: ")?;
        anyhow::ensure!(first == again, "the passwords differ");
        first
    } else {
        let mut line = String::new();
        stdin.lock().read_line(&mut line)?;
        line.trim_end_matches(['\n', '\r']).to_owned()
    };
    anyhow::ensure!(!password.is_empty(), "the password is empty");
    let verifier = ScramVerifier::generate(&password);
    println!("[[users]]\nname = \"{user}\"\nrole = \"{role}\"\nverifier = \"{verifier}\"");
    Ok(())
}

/// Reads a line from the terminal on standard input with echo off, restoring it after.
fn read_hidden(prompt: &str) -> anyhow::Result<String> {
    use rustix::termios::{LocalModes, OptionalActions, tcgetattr, tcsetattr};
    let stdin = io::stdin();
    let saved = tcgetattr(&stdin).context("reading the terminal's settings")?;
    let mut quiet = saved.clone();
    quiet.local_modes.remove(LocalModes::ECHO);
    eprint!("{prompt}");
    tcsetattr(&stdin, OptionalActions::Flush, &quiet).context("turning echo off")?;
    let mut line = String::new();
    let read = stdin.lock().read_line(&mut line);
    let restored = tcsetattr(&stdin, OptionalActions::Flush, &saved);
    eprintln!();
    read?;
    restored.context("restoring the terminal")?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}
