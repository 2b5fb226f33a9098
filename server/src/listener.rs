//! Accepting connections: a connection limit, one task and one tracing span
//! per connection, and a graceful shutdown passed in as a future.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::BytesMut;
use hostgres_auth::UserStore;
use hostgres_catalog::Registry;
use hostgres_collectors::HostRoot;
use pgwire::error::ErrorInfo;
use pgwire::messages::PgWireBackendMessage;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::Instrument;

use crate::config::Config;
use crate::pg::Handlers;
use crate::pg::error::TOO_MANY_CONNECTIONS;
use crate::pg::handler::QueryHandler;
use crate::pg::session::Sessions;
use crate::pg::startup::{SessionDefaults, Startup};

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
}

/// A bound, not yet serving, server: binding first lets callers learn the
/// port (tests bind port 0) before any client connects.
pub struct Server {
    listener: TcpListener,
    local_addr: SocketAddr,
    handlers: Arc<Handlers>,
    sessions: Arc<Sessions>,
    permits: Arc<Semaphore>,
    config: Config,
    /// Services that live as long as the server (the scheduler), dropped after the last connection.
    companions: Vec<Box<dyn Send>>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("local_addr", &self.local_addr)
            .finish()
    }
}

impl Server {
    /// Binds the configured address; `users` are everyone who may log in.
    pub async fn bind(
        config: Config,
        users: UserStore,
        registry: Registry,
    ) -> Result<Server, ServerError> {
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
        let sessions = Arc::new(Sessions::default());
        let defaults = SessionDefaults {
            root: HostRoot::new(config.host_root.clone()),
            registry: registry.clone(),
            statement_timeout: config.statement_timeout,
        };
        let startup = Startup::new(Arc::new(users), Arc::clone(&sessions), defaults);
        let handlers = Arc::new(Handlers::new(
            startup,
            QueryHandler::new(registry),
            Arc::clone(&sessions),
        ));
        Ok(Server {
            listener,
            local_addr,
            handlers,
            sessions,
            permits: Arc::new(Semaphore::new(config.max_connections)),
            config,
            companions: Vec::new(),
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
                        self.spawn_connection(&tracker, &token, socket, peer, id);
                    }
                    Err(e) => {
                        // Out of file descriptors and the like: keep serving the others.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    }
                },
                () = &mut shutdown => break,
            }
        }
        tracing::info!(sessions = self.sessions.len(), "shutting down");
        drop(self.listener);
        token.cancel();
        self.sessions.interrupt_all();
        tracker.close();
        if tokio::time::timeout(self.config.shutdown_grace, tracker.wait())
            .await
            .is_err()
        {
            tracing::warn!("connections still open after the grace period");
        }
        // Stopping companions blocks (the scheduler joins its threads).
        let companions = std::mem::take(&mut self.companions);
        let _ = tokio::task::spawn_blocking(move || drop(companions)).await;
    }

    fn spawn_connection(
        &self,
        tracker: &TaskTracker,
        token: &CancellationToken,
        socket: TcpStream,
        peer: SocketAddr,
        id: u64,
    ) {
        let span = tracing::info_span!("conn", id, %peer);
        let Ok(permit) = Arc::clone(&self.permits).try_acquire_owned() else {
            tracing::warn!(parent: &span, "too many connections");
            tracker.spawn(refuse(socket).instrument(span));
            return;
        };
        let handlers = Arc::clone(&self.handlers);
        let token = token.clone();
        tracker.spawn(
            async move {
                let _permit = permit;
                tracing::debug!("connected");
                tokio::select! {
                    r = pgwire::tokio::process_socket(socket, None, handlers) => {
                        if let Err(e) = r {
                            tracing::debug!(error = %e, "connection ended with an error");
                        }
                    }
                    () = token.cancelled() => {}
                }
                tracing::debug!("disconnected");
            }
            .instrument(span),
        );
    }
}

/// Tells a client over the connection limit why it is turned away.
async fn refuse(mut socket: TcpStream) {
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
