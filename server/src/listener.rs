//! Accepting connections on TCP and on the Unix socket: a connection limit,
//! one task and one tracing span per connection, and a graceful shutdown
//! passed in as a future.

use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::BytesMut;
use hostgres_auth::Access;
use hostgres_catalog::Registry;
use hostgres_collectors::HostRoot;
use pgwire::error::ErrorInfo;
use pgwire::messages::PgWireBackendMessage;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, UnixListener};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::Instrument;

use crate::audit::Audit;
use crate::busy_poll::PollSlots;
use crate::config::Config;
use crate::connection::{Shared, serve_tcp, serve_unix};
use crate::pg::Handlers;
use crate::pg::error::TOO_MANY_CONNECTIONS;
use crate::pg::handler::QueryHandler;
use crate::pg::session::Sessions;
use crate::pg::startup::{Peer, SessionDefaults, Startup, StartupShared};
use crate::threads::{ConnectionThreads, Movable};
use crate::tls::{Tls, TlsError};

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot listen on the Unix socket {}: {source}", path.display())]
    Socket {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("TLS: {0}")]
    Tls(#[from] TlsError),
    #[error("cannot open the audit log: {0}")]
    Audit(#[source] std::io::Error),
}

/// The Unix socket, removed from the file system when the server stops.
struct UnixSocket {
    listener: UnixListener,
    path: PathBuf,
}

impl Drop for UnixSocket {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// A bound, not yet serving, server: binding first lets callers learn the
/// port (tests bind port 0) before any client connects.
pub struct Server {
    listener: TcpListener,
    unix: Option<UnixSocket>,
    local_addr: SocketAddr,
    shared: Arc<Shared>,
    sessions: Arc<Sessions>,
    permits: Arc<Semaphore>,
    config: Config,
    /// Services that live as long as the server (the scheduler), dropped after the last connection.
    companions: Vec<Box<dyn Send>>,
    /// Flushed once the last connection has ended.
    audit: Arc<Audit>,
    /// Starts each connection's thread.
    threads: ConnectionThreads,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("local_addr", &self.local_addr)
            .field("unix_socket", &self.unix.as_ref().map(|u| &u.path))
            .finish()
    }
}

/// The socket file PostgreSQL clients look for in a directory: `.s.PGSQL.<port>`.
pub fn socket_path(dir: &Path, port: u16) -> PathBuf {
    dir.join(format!(".s.PGSQL.{port}"))
}

fn bind_unix(dir: &Path, port: u16) -> Result<UnixSocket, ServerError> {
    let path = socket_path(dir, port);
    let fail = |source| ServerError::Socket {
        path: path.clone(),
        source,
    };
    if !dir.exists() {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o755)
            .create(dir)
            .map_err(fail)?;
    }
    // A socket left behind by a daemon that did not stop cleanly; a live one
    // still answers, and then binding must fail rather than steal it.
    if path.exists() && std::os::unix::net::UnixStream::connect(&path).is_err() {
        std::fs::remove_file(&path).map_err(fail)?;
    }
    let listener = UnixListener::bind(&path).map_err(fail)?;
    // Anyone may connect; peer authentication decides who gets in.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o777)).map_err(fail)?;
    Ok(UnixSocket { listener, path })
}

impl Server {
    /// Binds the configured address and socket, loads TLS (failing closed)
    /// and opens the audit log; `access` decides who may log in.
    pub async fn bind(
        config: Config,
        access: Access,
        registry: Registry,
    ) -> Result<Server, ServerError> {
        let tls = config.tls.clone().map(Tls::load).transpose()?.map(Arc::new);
        let audit = Arc::new(
            Audit::open(&config.audit, config.audit_statement_max_chars)
                .map_err(ServerError::Audit)?,
        );
        let listener =
            TcpListener::bind(config.listen)
                .await
                .map_err(|source| ServerError::Bind {
                    addr: config.listen,
                    source,
                })?;
        let local_addr = listener.local_addr().map_err(|source| ServerError::Bind {
            addr: config.listen,
            source,
        })?;
        let unix = config
            .unix_socket
            .as_deref()
            .map(|dir| bind_unix(dir, local_addr.port()))
            .transpose()?;
        let sessions = Arc::new(Sessions::default());
        let defaults = SessionDefaults {
            root: HostRoot::new(config.host_root.clone()),
            registry: registry.clone(),
        };
        let startup = Arc::new(StartupShared::new(
            Arc::new(access),
            Arc::clone(&sessions),
            defaults,
            Arc::clone(&audit),
        ));
        // Each connection replaces this startup with its own (see `connection`).
        let handlers = Handlers::new(
            Startup::new(Arc::clone(&startup), 0, Peer::Tcp(local_addr)),
            QueryHandler::new(registry),
            Arc::clone(&sessions),
        );
        let shared = Arc::new(Shared {
            handlers,
            startup,
            tls,
            startup_timeout: config.startup_timeout,
            idle_session_timeout: config.idle_session_timeout,
            busy_poll: config.busy_poll,
            poll_slots: Arc::new(PollSlots::for_this_machine()),
            follow_client_cpu: config.follow_client_cpu,
        });
        let threads = ConnectionThreads::new(config.shutdown_grace);
        Ok(Server {
            listener,
            unix,
            local_addr,
            shared,
            sessions,
            permits: Arc::new(Semaphore::new(config.max_connections)),
            config,
            companions: Vec::new(),
            audit,
            threads,
        })
    }

    /// Keeps `companion` alive while the server serves; it is dropped once
    /// every connection has ended.
    pub fn keep_alive(&mut self, companion: impl Send + 'static) {
        self.companions.push(Box::new(companion));
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The Unix socket's path, when it is on.
    pub fn unix_socket(&self) -> Option<&Path> {
        self.unix.as_ref().map(|u| u.path.as_path())
    }

    /// The TLS configuration, to reload on SIGHUP; `None` when TLS is off.
    pub fn tls(&self) -> Option<Arc<Tls>> {
        self.shared.tls.clone()
    }

    /// Serves until `shutdown` completes, then closes every connection:
    /// running statements are interrupted if they outlast the grace period.
    pub async fn serve(mut self, shutdown: impl Future<Output = ()>) {
        let token = CancellationToken::new();
        let tracker = TaskTracker::new();
        let next_id = AtomicU64::new(1);
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                accepted = self.listener.accept() => match accepted {
                    Ok((socket, peer)) => {
                        let id = next_id.fetch_add(1, Ordering::Relaxed);
                        let span = tracing::info_span!("conn", id, %peer);
                        let shared = Arc::clone(&self.shared);
                        self.spawn(&tracker, &token, span, socket, move |socket| serve_tcp(shared, socket, id));
                    }
                    Err(e) => accept_failed(e).await,
                },
                accepted = accept_unix(self.unix.as_ref()) => match accepted {
                    Ok(socket) => {
                        let id = next_id.fetch_add(1, Ordering::Relaxed);
                        let span = tracing::info_span!("conn", id, peer = "[local]");
                        let shared = Arc::clone(&self.shared);
                        self.spawn(&tracker, &token, span, socket, move |socket| serve_unix(shared, socket, id));
                    }
                    Err(e) => accept_failed(e).await,
                },
                () = &mut shutdown => break,
            }
        }
        tracing::info!(sessions = self.sessions.len(), "shutting down");
        drop(self.listener);
        drop(self.unix);
        // Interrupt running statements before cancelling their connections:
        // a cancelled connection leaves its session's registry, and a
        // statement nobody interrupts would hold its blocking thread (and the
        // runtime's shutdown) until it ends on its own.
        self.sessions.interrupt_all();
        token.cancel();
        tracker.close();
        if tokio::time::timeout(self.config.shutdown_grace, tracker.wait())
            .await
            .is_err()
        {
            tracing::warn!("connections still open after the grace period");
        }
        // Stopping companions blocks (the scheduler joins its threads), as
        // does waiting for the audit log to write every pending record.
        let companions = std::mem::take(&mut self.companions);
        let audit = Arc::clone(&self.audit);
        let _ = tokio::task::spawn_blocking(move || {
            drop(companions);
            audit.flush();
        })
        .await;
    }

    fn spawn<S, F, Fut>(
        &self,
        tracker: &TaskTracker,
        token: &CancellationToken,
        span: tracing::Span,
        socket: S,
        serve: F,
    ) where
        S: Movable + AsyncWrite + Unpin + Send + 'static,
        F: FnOnce(S) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let permit: OwnedSemaphorePermit = match Arc::clone(&self.permits).try_acquire_owned() {
            Ok(p) => p,
            Err(_) => {
                tracing::warn!(parent: &span, "too many connections");
                tracker.spawn(refuse(socket).instrument(span));
                return;
            }
        };
        let socket = match socket.into_std() {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(parent: &span, error = %e, "cannot hand the connection to a connection thread");
                return;
            }
        };
        let token = token.clone();
        let conn_span = span.clone();
        let task = tracker.track_future(async move {
            let _permit = permit;
            let socket = match S::from_std(socket) {
                Ok(s) => s,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot serve the connection");
                    return;
                }
            };
            tracing::debug!("connected");
            tokio::select! {
                () = serve(socket) => {}
                () = token.cancelled() => {}
            }
            tracing::debug!("disconnected");
        });
        if let Err(e) = self.threads.spawn(span, task) {
            tracing::warn!(parent: &conn_span, error = %e, "cannot start a thread for the connection");
        }
    }
}

async fn accept_unix(unix: Option<&UnixSocket>) -> std::io::Result<tokio::net::UnixStream> {
    match unix {
        Some(u) => u.listener.accept().await.map(|(s, _)| s),
        None => std::future::pending().await,
    }
}

/// Out of file descriptors and the like: keep serving the others.
async fn accept_failed(e: std::io::Error) {
    tracing::warn!(error = %e, "accept failed");
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
}

/// Tells a client over the connection limit why it is turned away.
async fn refuse<S: AsyncWrite + Unpin>(mut socket: S) {
    let info = ErrorInfo::new(
        "FATAL".to_owned(),
        TOO_MANY_CONNECTIONS.to_owned(),
        "sorry, too many clients already".to_owned(),
    );
    let mut buf = BytesMut::new();
    if PgWireBackendMessage::ErrorResponse(info.into())
        .encode(&mut buf)
        .is_ok()
    {
        let _ = socket.write_all(&buf).await;
    }
    let _ = socket.shutdown().await;
}
