//! Busy polling of a client's socket between an answer and the next request.
//!
//! A client in a tight loop (pgbench, an ORM that runs one query per row, a
//! dashboard refreshing its panels) sends its next statement microseconds
//! after the answer. A connection that sleeps in the poller in between must
//! be woken by the kernel for every statement, and when that wake-up finds
//! the CPU idle it costs more than the statement: on a virtual machine an
//! idle CPU halts, and waking it goes through the hypervisor. Once the CPUs
//! idle between messages they stay that way: measured with pgbench `SELECT 1`
//! over four connections on two CPUs, about half the rounds fell from 180k to
//! 110k transactions per second, with the CPUs 18% idle.
//!
//! So a connection whose client came back quickly last time reads its socket
//! directly, without sleeping, for up to a small budget after answering. A
//! client that takes longer than [`BusyPoll::QUICK_BUDGETS`] budgets to come
//! back turns the polling off until it is quick again, so an idle or slow
//! session costs nothing. A poll that runs out its budget (the client was
//! not that quick after all) pauses polling for a number of waits that doubles
//! with each such miss and shrinks with each poll that finds its bytes: a
//! client that comes back quickly almost always polls, while one whose
//! answers straddle the budget (many busy connections sharing few CPUs)
//! soon stops spending CPU on misses. A polling connection holds its CPU, so
//! no more than half the CPUs poll at once ([`PollSlots`]); the others sleep
//! as before rather than take the CPU from the clients and from connections
//! that have work. TLS connections always sleep: their bytes go through rustls.

use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use pgwire::tokio::server::MaybeTls;

/// How many connections of the daemon may poll at the same time.
#[derive(Debug)]
pub struct PollSlots {
    in_use: AtomicUsize,
    max: usize,
}

impl PollSlots {
    pub fn new(max: usize) -> PollSlots {
        PollSlots {
            in_use: AtomicUsize::new(0),
            max,
        }
    }

    /// Half the CPUs this process may run on, at least one.
    pub fn for_this_machine() -> PollSlots {
        let cpus = std::thread::available_parallelism().map_or(1, usize::from);
        PollSlots::new((cpus / 2).max(1))
    }

    fn take(&self) -> Option<Slot<'_>> {
        self.in_use
            .fetch_update(Ordering::Acquire, Ordering::Relaxed, |n| {
                (n < self.max).then_some(n + 1)
            })
            .ok()
            .map(|_| Slot(self))
    }
}

/// A slot taken; given back when dropped.
struct Slot<'a>(&'a PollSlots);

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.0.in_use.fetch_sub(1, Ordering::Release);
    }
}

/// One connection's polling state.
#[derive(Debug)]
pub struct BusyPoll {
    budget: Duration,
    slots: Arc<PollSlots>,
    /// How long the client took to send its last message after the answer
    /// before it; `None` until a first wait is measured.
    last_wait: Option<Duration>,
    /// How many waits the next miss pauses polling for.
    pause: u32,
    /// Waits left before polling again.
    paused: u32,
    /// What a poll reads into, allocated at the first poll.
    buffer: Vec<u8>,
}

/// What a poll found.
#[derive(Debug, PartialEq, Eq)]
pub enum Polled<'a> {
    /// Bytes from the client.
    Bytes(&'a [u8]),
    /// The client closed the connection, or the socket failed.
    Closed,
}

impl BusyPoll {
    /// A client counts as quick when it came back within this many budgets.
    pub const QUICK_BUDGETS: u32 = 2;
    /// How much one poll reads at most.
    const CHUNK: usize = 8 << 10;
    /// The longest pause after misses, in waits.
    const MAX_PAUSE: u32 = 1024;

    /// Polls for up to `budget` while a slot is free; zero never polls.
    pub fn new(budget: Duration, slots: Arc<PollSlots>) -> BusyPoll {
        BusyPoll {
            budget,
            slots,
            last_wait: None,
            pause: 0,
            paused: 0,
            buffer: Vec::new(),
        }
    }

    /// Whether the client came back quickly last time.
    fn client_is_quick(&self) -> bool {
        !self.budget.is_zero()
            && self
                .last_wait
                .is_some_and(|w| w <= self.budget * Self::QUICK_BUDGETS)
    }

    /// Reads what the client sends within the budget, straight from the
    /// socket. `None` when the connection does not poll now or nothing
    /// arrived in time: the caller then sleeps in the poller and reports the
    /// whole wait through [`BusyPoll::waited`].
    pub fn poll(&mut self, socket: &MaybeTls, started: Instant) -> Option<Polled<'_>> {
        if self.paused > 0 {
            self.paused -= 1;
            return None;
        }
        if !self.client_is_quick() {
            return None;
        }
        let socket = match socket {
            MaybeTls::Plain(s) => socket2::SockRef::from(s),
            MaybeTls::Unix(s) => socket2::SockRef::from(s),
            _ => return None,
        };
        let _slot = self.slots.take()?;
        if self.buffer.is_empty() {
            self.buffer = vec![0; Self::CHUNK];
        }
        let deadline = started + self.budget;
        loop {
            match (&*socket).read(&mut self.buffer) {
                Ok(0) => return Some(Polled::Closed),
                Ok(n) => {
                    self.last_wait = Some(started.elapsed());
                    self.pause = self.pause.saturating_sub(self.pause / 8 + 1);
                    return Some(Polled::Bytes(&self.buffer[..n]));
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
                    ) => {}
                Err(_) => return Some(Polled::Closed),
            }
            if Instant::now() >= deadline {
                self.pause = (self.pause * 2).clamp(1, Self::MAX_PAUSE);
                self.paused = self.pause;
                return None;
            }
            std::hint::spin_loop();
        }
    }

    /// Records how long the client took, when the connection slept for it.
    pub fn waited(&mut self, wait: Duration) {
        self.last_wait = Some(wait);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A connected pair: the client's std socket and the server's `MaybeTls`.
    async fn pair() -> (std::net::TcpStream, MaybeTls) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let client = std::net::TcpStream::connect(addr).unwrap();
        let (server, _) = listener.accept().await.unwrap();
        (client, MaybeTls::Plain(server))
    }

    /// A connection's polling state with a slot of its own.
    fn busy(budget: Duration) -> BusyPoll {
        BusyPoll::new(budget, Arc::new(PollSlots::new(1)))
    }

    /// Sends bytes and gives loopback time to deliver them.
    fn send(client: &mut std::net::TcpStream, bytes: &[u8]) {
        client.write_all(bytes).unwrap();
        std::thread::sleep(Duration::from_millis(20));
    }

    #[tokio::test]
    async fn a_new_connection_sleeps_until_its_client_proves_quick() {
        let (mut client, server) = pair().await;
        let mut poll = busy(Duration::from_millis(50));
        send(&mut client, b"hello");
        assert_eq!(
            poll.poll(&server, Instant::now()),
            None,
            "no wait measured yet"
        );
        poll.waited(Duration::from_millis(60));
        assert_eq!(
            poll.poll(&server, Instant::now()),
            Some(Polled::Bytes(b"hello"))
        );
    }

    #[tokio::test]
    async fn a_slow_client_turns_polling_off_and_a_quick_one_on() {
        let (mut client, server) = pair().await;
        let mut poll = busy(Duration::from_millis(50));
        poll.waited(Duration::from_millis(101));
        send(&mut client, b"x");
        assert_eq!(poll.poll(&server, Instant::now()), None);
        poll.waited(Duration::from_millis(100));
        assert_eq!(
            poll.poll(&server, Instant::now()),
            Some(Polled::Bytes(b"x"))
        );
    }

    #[tokio::test]
    async fn polling_gives_up_after_the_budget_and_sees_a_close() {
        let (client, server) = pair().await;
        let mut poll = busy(Duration::from_millis(5));
        poll.waited(Duration::ZERO);
        let started = Instant::now();
        assert_eq!(poll.poll(&server, started), None, "nothing was sent");
        assert!(started.elapsed() >= Duration::from_millis(5));
        poll.waited(Duration::ZERO);
        drop(client);
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(
            poll.poll(&server, Instant::now()),
            None,
            "the miss pauses one wait"
        );
        assert_eq!(poll.poll(&server, Instant::now()), Some(Polled::Closed));
    }

    #[tokio::test]
    async fn a_zero_budget_never_polls() {
        let (mut client, server) = pair().await;
        let mut poll = busy(Duration::ZERO);
        poll.waited(Duration::ZERO);
        send(&mut client, b"x");
        assert_eq!(poll.poll(&server, Instant::now()), None);
    }

    #[tokio::test]
    async fn misses_in_a_row_pause_longer_and_hits_shorten_the_pause() {
        let (mut client, server) = pair().await;
        let mut poll = busy(Duration::from_millis(1));
        poll.waited(Duration::ZERO);
        // Three misses: paused for 1, then 2, then 4 waits.
        for pause in [1, 2, 4] {
            assert_eq!(poll.poll(&server, Instant::now()), None, "a miss");
            for _ in 0..pause {
                assert_eq!(poll.poll(&server, Instant::now()), None, "paused");
            }
            assert_eq!(poll.paused, 0);
        }
        assert_eq!(poll.pause, 4);
        send(&mut client, b"x");
        assert_eq!(
            poll.poll(&server, Instant::now()),
            Some(Polled::Bytes(b"x"))
        );
        assert_eq!(poll.pause, 3, "a hit shortens the next pause");
    }

    #[tokio::test]
    async fn no_more_connections_poll_than_there_are_slots() {
        let (mut client, server) = pair().await;
        let slots = Arc::new(PollSlots::new(1));
        let taken = slots.take();
        assert!(taken.is_some());
        let mut poll = BusyPoll::new(Duration::from_millis(50), Arc::clone(&slots));
        poll.waited(Duration::ZERO);
        send(&mut client, b"x");
        assert_eq!(
            poll.poll(&server, Instant::now()),
            None,
            "the only slot is taken"
        );
        drop(taken);
        assert_eq!(
            poll.poll(&server, Instant::now()),
            Some(Polled::Bytes(b"x"))
        );
        assert!(slots.take().is_some(), "the poll gave its slot back");
    }
}
