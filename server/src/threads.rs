//! The threads that serve connections: one single-threaded runtime per CPU,
//! each connection pinned to the least busy one.
//!
//! A query-response protocol keeps a connection's task waking for every
//! message. On a work-stealing runtime each wake-up also wakes an idle
//! worker to look for work (a futex call and a context switch that find
//! nothing), which on a busy server cost more than the statements. A
//! connection that lives on one thread's runtime is woken by that thread's
//! own poller and nobody else. Statements that read tables still run on the
//! runtime's blocking threads, so a slow table never stalls the others on
//! the same thread.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::runtime::Handle;
use tokio::sync::oneshot;

/// One connection thread: its runtime's handle and how many connections it serves.
struct Worker {
    handle: Handle,
    connections: Arc<AtomicUsize>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

/// The connection threads of one server.
pub struct ConnectionThreads {
    workers: Vec<Worker>,
}

impl std::fmt::Debug for ConnectionThreads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionThreads")
            .field("threads", &self.workers.len())
            .finish()
    }
}

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

/// Counts a connection on its thread while it lives.
struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl ConnectionThreads {
    /// Starts `count` threads (at least one). `grace` bounds how long a
    /// stopping thread waits for its blocking statements.
    pub fn start(count: usize, grace: Duration) -> std::io::Result<ConnectionThreads> {
        let mut workers = Vec::with_capacity(count.max(1));
        for n in 0..count.max(1) {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            let handle = runtime.handle().clone();
            let (stop, stopped) = oneshot::channel::<()>();
            let thread = std::thread::Builder::new()
                .name(format!("connections {n}"))
                .spawn(move || {
                    // Drives every connection task until the server stops.
                    let _ = runtime.block_on(stopped);
                    runtime.shutdown_timeout(grace);
                })?;
            workers.push(Worker {
                handle,
                connections: Arc::new(AtomicUsize::new(0)),
                stop: Some(stop),
                thread: Some(thread),
            });
        }
        Ok(ConnectionThreads { workers })
    }

    /// How many threads serve connections by default: one per CPU.
    pub fn default_count() -> usize {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }

    /// Runs the connection task `make()` builds on the least busy thread.
    /// `make` runs on that thread, so the sockets it registers belong to
    /// that thread's poller.
    pub fn spawn<F, Fut>(&self, make: F)
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let worker = self
            .workers
            .iter()
            .min_by_key(|w| w.connections.load(Ordering::Relaxed))
            .unwrap_or_else(|| unreachable!("there is always one connection thread"));
        worker.connections.fetch_add(1, Ordering::Relaxed);
        let counted = Counted(Arc::clone(&worker.connections));
        worker.handle.spawn(async move {
            let _counted = counted;
            make().await;
        });
    }

    /// Stops the threads once their connections have ended; waits for them.
    pub fn stop(mut self) {
        self.stop_all();
    }

    fn stop_all(&mut self) {
        for w in &mut self.workers {
            if let Some(stop) = w.stop.take() {
                let _ = stop.send(());
            }
        }
        for w in &mut self.workers {
            if let Some(thread) = w.thread.take() {
                let _ = thread.join();
            }
        }
    }
}

impl Drop for ConnectionThreads {
    fn drop(&mut self) {
        self.stop_all();
    }
}
