//! The threads that serve connections: each connection has a thread of its
//! own with a single-threaded runtime, as each PostgreSQL connection has a
//! process of its own.
//!
//! A query-response protocol wakes a connection's task for every message.
//! On a work-stealing runtime each wake-up also woke an idle worker to look
//! for work (a futex call and a context switch that found nothing), which
//! cost more than a `SELECT 1`. A fixed set of threads, each serving several
//! connections, avoids that too, but then a connection busy encoding a large
//! result (or encrypting it) holds up every other connection on its thread.
//! A thread per connection is woken by its own socket only, and the kernel
//! schedules connections independently, as it does PostgreSQL's backends.
//! Statements that read tables run on the runtime's blocking threads, so a
//! slow table can be interrupted while the connection still answers.

use std::future::Future;
use std::time::Duration;

/// A socket accepted on one runtime and served on another: it leaves the
/// accepting runtime's poller as a standard socket and joins the serving one's.
pub trait Movable: Sized {
    type Std: Send + 'static;
    fn into_std(self) -> std::io::Result<Self::Std>;
    /// Registers the socket with the current runtime.
    fn from_std(socket: Self::Std) -> std::io::Result<Self>;
}

impl Movable for tokio::net::TcpStream {
    type Std = std::net::TcpStream;
    fn into_std(self) -> std::io::Result<Self::Std> {
        tokio::net::TcpStream::into_std(self)
    }
    fn from_std(socket: Self::Std) -> std::io::Result<Self> {
        tokio::net::TcpStream::from_std(socket)
    }
}

impl Movable for tokio::net::UnixStream {
    type Std = std::os::unix::net::UnixStream;
    fn into_std(self) -> std::io::Result<Self::Std> {
        tokio::net::UnixStream::into_std(self)
    }
    fn from_std(socket: Self::Std) -> std::io::Result<Self> {
        tokio::net::UnixStream::from_std(socket)
    }
}

/// Starts connection threads.
#[derive(Debug, Clone)]
pub struct ConnectionThreads {
    /// How long a finished connection's thread waits for its blocking statements.
    grace: Duration,
}

impl ConnectionThreads {
    pub fn new(grace: Duration) -> ConnectionThreads {
        ConnectionThreads { grace }
    }

    /// Runs a connection's task on a thread of its own. The task registers
    /// its socket when first polled, so the socket belongs to that thread's
    /// poller. The connection's span is entered once for the thread's life,
    /// the thread runs nothing else: instrumenting the task instead would
    /// enter and leave the span (and ask the log filter about it) at every
    /// poll, that is for every message.
    pub fn spawn(
        &self,
        span: tracing::Span,
        connection: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let grace = self.grace;
        std::thread::Builder::new()
            .name("connection".to_owned())
            .spawn(move || {
                let _entered = span.enter();
                runtime.block_on(connection);
                // A statement still running was interrupted; do not wait past the grace period.
                runtime.shutdown_timeout(grace);
            })?;
        Ok(())
    }
}
