//! One connection, from the first byte to the last: TLS negotiation, the
//! startup deadline, the idle-session timeout, and the message loop.
//!
//! This is pgwire's own loop (`pgwire::tokio::process_socket`) with the
//! timeouts hostgres needs: a client that opens a socket and says nothing,
//! or never finishes authenticating, is dropped when the startup deadline
//! passes; an authenticated session that stays idle longer than
//! `idle_session_timeout` is told why and closed.

use std::sync::Arc;
use std::time::Duration;

use std::panic::AssertUnwindSafe;

use futures::{FutureExt, SinkExt, StreamExt};
use pgwire::api::ErrorHandler;
use pgwire::api::query::ExtendedQueryHandler;
use pgwire::api::{ClientInfo, DefaultClient, PgWireConnectionState, PgWireServerHandlers};
use pgwire::error::{ErrorInfo, PgWireError, PgWireResult};
use pgwire::messages::{PgWireBackendMessage, PgWireFrontendMessage};
use pgwire::tokio::server::{MaybeTls, negotiate_tls, process_error, process_message};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite};
use tokio::net::{TcpStream, UnixStream};
use tokio::time::Instant;
use tokio_util::codec::Framed;

use crate::busy_poll::{BusyPoll, PollSlots, Polled};
use crate::client_cpu::ClientCpu;
use crate::pg::Handlers;
use crate::pg::error::{IDLE_SESSION_TIMEOUT, PROTOCOL_VIOLATION};
use crate::pg::fast_path::{self, Codec};
use crate::pg::handler::QueryHandler;
use crate::pg::startup::{Peer, Startup, StartupShared};
use crate::tls::Tls;

/// What every connection task shares.
pub struct Shared {
    pub handlers: Handlers,
    pub startup: Arc<StartupShared>,
    pub tls: Option<Arc<Tls>>,
    pub startup_timeout: Duration,
    pub idle_session_timeout: Duration,
    /// How long a connection polls its quick client's socket before sleeping.
    pub busy_poll: Duration,
    pub poll_slots: Arc<PollSlots>,
    /// Whether a connection moves to the CPU its local client sends from.
    pub follow_client_cpu: bool,
}

/// Serves a TCP connection: TLS if the client asks (and TLS is on), then the protocol.
pub async fn serve_tcp(shared: Arc<Shared>, socket: TcpStream, id: u64) {
    let Ok(peer) = socket.peer_addr() else {
        return;
    };
    // As PostgreSQL does: a reply goes out when it is written, not when the
    // client's acknowledgement of the previous one arrives.
    if let Err(e) = socket.set_nodelay(true) {
        tracing::debug!(error = %e, "cannot set TCP_NODELAY");
    }
    let deadline = Instant::now() + shared.startup_timeout;
    let acceptor = shared.tls.as_ref().map(|t| t.acceptor());
    let framed =
        match tokio::time::timeout_at(deadline, negotiate_tls::<String>(socket, acceptor)).await {
            Err(_) => {
                tracing::info!("startup timeout: the client did not finish TLS negotiation");
                return;
            }
            Ok(Err(e)) => {
                tracing::info!(error = %e, "TLS negotiation failed");
                return;
            }
            // A direct TLS handshake while TLS is off.
            Ok(Ok(None)) => return,
            Ok(Ok(Some(framed))) => framed,
        };
    drive(&shared, framed, id, Peer::Tcp(peer), deadline).await;
}

/// Serves a Unix-socket connection, with the peer's credentials from the kernel.
pub async fn serve_unix(shared: Arc<Shared>, socket: UnixStream, id: u64) {
    let deadline = Instant::now() + shared.startup_timeout;
    let peer = match socket.peer_cred() {
        Ok(cred) => Peer::Unix {
            uid: cred.uid(),
            pid: cred.pid(),
            user: os_user_name(cred.uid()),
        },
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the Unix socket peer's credentials");
            return;
        }
    };
    // pgwire has no address for a Unix peer; the startup uses `Peer` instead.
    let unspecified = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    let mut framed = Framed::new(
        MaybeTls::Unix(socket),
        Codec::new(DefaultClient::new(unspecified, false)),
    );
    framed.set_state(PgWireConnectionState::AwaitingStartup);
    drive(&shared, framed, id, peer, deadline).await;
}

/// The name of a local user, as the system's user database knows it.
fn os_user_name(uid: u32) -> Option<String> {
    nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid))
        .ok()
        .flatten()
        .map(|u| u.name)
}

enum Next {
    Message(PgWireFrontendMessage),
    /// Bytes arrived in the read buffer, for the fast path to look at first.
    Received,
    Closed,
    /// A message pgwire's decoder could not take apart.
    Malformed,
    StartupTimeout,
    IdleTimeout,
}

async fn drive(
    shared: &Shared,
    mut socket: Framed<MaybeTls, Codec>,
    id: u64,
    peer: Peer,
    deadline: Instant,
) {
    let startup = Arc::new(Startup::new(Arc::clone(&shared.startup), id, peer));
    let handlers = Handlers {
        startup,
        query: Arc::new(shared.handlers.query.for_connection()),
        ..shared.handlers.clone()
    };
    let startup_handler = Arc::clone(&handlers.startup);
    let query = Arc::clone(&handlers.query);
    let copy = handlers.copy_handler();
    let cancel = handlers.cancel_handler();
    let errors = handlers.error_handler();
    let idle = shared.idle_session_timeout;
    let mut scratch = Vec::new();
    let mut busy = BusyPoll::new(shared.busy_poll, Arc::clone(&shared.poll_slots));
    let mut client_cpu = ClientCpu::new(shared.follow_client_cpu, socket.get_ref());
    loop {
        let querying = matches!(
            socket.state(),
            PgWireConnectionState::ReadyForQuery | PgWireConnectionState::QueryInProgress
        );
        if querying {
            client_cpu.after_message(socket.get_ref());
        }
        if querying && let Some(buffered) = fast_path::take(&mut socket) {
            let result = fast_path::serve(&query, &mut socket, buffered).await;
            if let Err(e) = result
                && !answer_error(errors.as_ref(), &mut socket, e, true).await
            {
                break;
            }
            continue;
        }
        let starting = matches!(
            socket.state(),
            PgWireConnectionState::AwaitingStartup
                | PgWireConnectionState::AuthenticationInProgress
        );
        let next = if starting {
            tokio::select! {
                () = tokio::time::sleep_until(deadline) => Next::StartupTimeout,
                m = read_message(&mut socket) => m,
            }
        } else if !idle.is_zero() && matches!(socket.state(), PgWireConnectionState::ReadyForQuery)
        {
            tokio::select! {
                () = tokio::time::sleep(idle) => Next::IdleTimeout,
                m = receive(&mut socket, &mut scratch, &mut busy, querying) => m,
            }
        } else {
            receive(&mut socket, &mut scratch, &mut busy, querying).await
        };
        let message = match next {
            Next::Message(m) => m,
            Next::Received => continue,
            Next::Closed => break,
            Next::Malformed => {
                tracing::info!("closing the connection: malformed protocol message");
                let info = ErrorInfo::new(
                    "FATAL".to_owned(),
                    PROTOCOL_VIOLATION.to_owned(),
                    "invalid message format: a message body is shorter than its fields".to_owned(),
                );
                let _ = socket
                    .send(PgWireBackendMessage::ErrorResponse(info.into()))
                    .await;
                break;
            }
            Next::StartupTimeout => {
                tracing::info!("startup timeout: the client did not authenticate in time");
                break;
            }
            Next::IdleTimeout => {
                tracing::info!(idle_ms = idle.as_millis() as u64, "idle-session timeout");
                let info = ErrorInfo::new(
                    "FATAL".to_owned(),
                    IDLE_SESSION_TIMEOUT.to_owned(),
                    "terminating connection due to idle-session timeout".to_owned(),
                );
                let _ = socket
                    .send(PgWireBackendMessage::ErrorResponse(info.into()))
                    .await;
                break;
            }
        };
        // A client that sends Terminate waits for the server to close the socket.
        if matches!(message, PgWireFrontendMessage::Terminate(_)) {
            break;
        }
        let extended_message = match socket.state() {
            PgWireConnectionState::CopyInProgress(extended) => extended,
            _ => message.is_extended_query(),
        };
        let is_cancel = matches!(message, PgWireFrontendMessage::CancelRequest(_));
        let querying = matches!(
            socket.state(),
            PgWireConnectionState::ReadyForQuery | PgWireConnectionState::QueryInProgress
        );
        let result = if querying && !is_cancel {
            dispatch_query(&query, &mut socket, message).await
        } else {
            process_message(
                message,
                &mut socket,
                Arc::clone(&startup_handler),
                Arc::clone(&query),
                Arc::clone(&query),
                Arc::clone(&copy),
                Arc::clone(&cancel),
            )
            .await
        };
        if let Err(e) = result
            && !answer_error(errors.as_ref(), &mut socket, e, extended_message).await
        {
            break;
        }
        if is_cancel {
            break;
        }
    }
}

/// Hands a message of an authenticated connection that is not in COPY or
/// waiting for `Sync` to the query handler: what `process_message` does in
/// that state, without cloning every handler or boxing a future for every
/// message.
async fn dispatch_query<S>(
    query: &QueryHandler,
    socket: &mut Framed<S, Codec>,
    message: PgWireFrontendMessage,
) -> PgWireResult<()>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + Sync + 'static,
{
    match message {
        PgWireFrontendMessage::Query(m) => query.handle_query(socket, m).await,
        PgWireFrontendMessage::Parse(m) => query.handle_parse(socket, m).await,
        PgWireFrontendMessage::Bind(m) => query.handle_bind(socket, m).await,
        PgWireFrontendMessage::Describe(m) => query.handle_describe(socket, m).await,
        PgWireFrontendMessage::Execute(m) => query.handle_execute(socket, m).await,
        PgWireFrontendMessage::Sync(_) => query.handle_sync(socket).await,
        PgWireFrontendMessage::Flush(m) => query.on_flush(socket, m).await,
        PgWireFrontendMessage::Close(m) => query.handle_close(socket, m).await,
        _ => Ok(()),
    }
}

/// How much an authenticated connection reads at a time.
const READ_CHUNK: usize = 8 << 10;

/// The next message, or bytes for the fast path: an authenticated
/// connection whose buffer holds no message header reads the socket itself,
/// so that a packet of Bind, Describe, Execute and Sync lands in the buffer
/// whole, before pgwire's decoder takes its first message. It polls the
/// socket briefly before sleeping when its client is quick (`busy_poll`).
async fn receive(
    socket: &mut Framed<MaybeTls, Codec>,
    scratch: &mut Vec<u8>,
    busy: &mut BusyPoll,
    querying: bool,
) -> Next {
    if !querying || socket.read_buffer().len() >= 5 {
        return read_message(socket).await;
    }
    let started = std::time::Instant::now();
    match busy.poll(socket.get_ref(), started) {
        Some(Polled::Bytes(bytes)) => {
            socket.read_buffer_mut().extend_from_slice(bytes);
            return Next::Received;
        }
        Some(Polled::Closed) => return Next::Closed,
        None => {}
    }
    scratch.clear();
    scratch.reserve(READ_CHUNK);
    let read = socket.get_mut().read_buf(scratch).await;
    busy.waited(started.elapsed());
    match read {
        Ok(0) | Err(_) => Next::Closed,
        Ok(_) => {
            socket.read_buffer_mut().extend_from_slice(scratch);
            Next::Received
        }
    }
}

/// The next message from the client. pgwire's message decoders read fields
/// without checking that the body holds them, so a truncated message panics
/// inside the codec; the panic is caught here and ends only this connection.
async fn read_message<S>(socket: &mut Framed<S, Codec>) -> Next
where
    S: AsyncRead + AsyncWrite + Unpin + Send + Sync + 'static,
{
    match AssertUnwindSafe(socket.next()).catch_unwind().await {
        Ok(m) => m.and_then(Result::ok).map_or(Next::Closed, Next::Message),
        Err(_) => Next::Malformed,
    }
}

/// Tells the client a message failed; in the extended protocol the
/// connection then skips messages until `Sync`. Returns whether the
/// connection goes on.
async fn answer_error<S, E>(
    errors: &E,
    socket: &mut Framed<S, Codec>,
    mut error: PgWireError,
    extended: bool,
) -> bool
where
    S: AsyncRead + AsyncWrite + Unpin + Send + Sync + 'static,
    E: ErrorHandler,
{
    errors.on_error(socket, &mut error);
    let fatal = error.is_fatal();
    process_error(socket, error, extended).await.is_ok() && !fatal
}
