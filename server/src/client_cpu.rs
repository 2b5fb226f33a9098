//! Running a connection on the CPU its local client sends from.
//!
//! A client on the same machine (a dashboard, an agent, a benchmark) is woken
//! by every answer. When it sleeps on another CPU than its connection's, that
//! wake-up is an inter-processor interrupt (on a virtual machine, a trip
//! through the hypervisor); on the same CPU it is a local preemption. The
//! kernel places a thread when it wakes, but a connection that polls
//! (`busy_poll`) or always has the next message waiting hardly ever sleeps,
//! so where it first landed is where it stays. Measured with pgbench
//! `SELECT 1` in prepared mode over four connections on two CPUs, rounds fell
//! into two regimes, about 140k and about 210k statements a second, and the
//! only difference was whether each connection shared its pgbench thread's
//! CPU.
//!
//! For TCP the kernel records on each socket the CPU that last processed its
//! incoming packets (`SO_INCOMING_CPU`); over loopback that is the CPU the
//! client sent from. Every [`ClientCpu::EVERY`] messages a connection with a
//! local client reads it and, when it runs elsewhere, moves there: it narrows
//! its own affinity to that one CPU, which migrates it, and restores the
//! affinity at once, so the scheduler stays free to move it again. When it
//! has to move at every look (one client thread driving more connections than
//! its CPU can hold, which the scheduler then spreads out), the looks space
//! out, up to 64 times further apart, rather than fight the scheduler. Remote
//! clients are left alone: for them that CPU is the network card's receive
//! queue, and following it could crowd every connection onto one CPU.

use std::net::SocketAddr;

use nix::sched::{CpuSet, sched_getaffinity, sched_getcpu, sched_setaffinity};
use nix::unistd::Pid;
use pgwire::tokio::server::MaybeTls;
use tokio::net::TcpStream;

/// One connection's following of its client's CPU.
#[derive(Debug)]
pub struct ClientCpu {
    /// Off for remote and Unix-socket clients, and when configured off.
    on: bool,
    /// Messages since the last look.
    messages: u32,
    /// Messages between two looks: [`ClientCpu::EVERY`], doubled after each
    /// look that had to move (the scheduler keeps placing the connection
    /// elsewhere, as when one client thread drives more connections than its
    /// CPU can hold), back to [`ClientCpu::EVERY`] after a look that did not.
    interval: u32,
}

impl ClientCpu {
    /// How many messages pass between two looks at the client's CPU.
    pub const EVERY: u32 = 512;
    /// The longest interval, reached after six moves in a row.
    const MAX_INTERVAL: u32 = Self::EVERY << 6;

    /// Follows the client of `socket` when `enabled` and the client is local.
    pub fn new(enabled: bool, socket: &MaybeTls) -> ClientCpu {
        let on = enabled
            && tcp(socket).is_some_and(|s| match (s.peer_addr(), s.local_addr()) {
                (Ok(peer), Ok(local)) => is_local(peer, local),
                _ => false,
            });
        ClientCpu {
            on,
            messages: 0,
            interval: Self::EVERY,
        }
    }

    /// Counts a turn of the connection's message loop (at least one per
    /// message); at the end of each interval moves the calling thread to the
    /// client's CPU if it runs elsewhere.
    pub fn after_message(&mut self, socket: &MaybeTls) {
        if !self.on {
            return;
        }
        self.messages += 1;
        if self.messages < self.interval {
            return;
        }
        self.messages = 0;
        let moved = tcp(socket).is_some_and(|s| follow(&socket2::SockRef::from(s)));
        self.looked(moved);
    }

    /// Sets the next interval after a look.
    fn looked(&mut self, moved: bool) {
        self.interval = if moved {
            (self.interval * 2).min(Self::MAX_INTERVAL)
        } else {
            Self::EVERY
        };
    }
}

/// Moves the calling thread to its client's CPU if it runs elsewhere; true when it moved.
fn follow(socket: &socket2::SockRef<'_>) -> bool {
    let Some(cpu) = client_cpu_elsewhere(socket) else {
        return false;
    };
    let Ok(allowed) = sched_getaffinity(Pid::from_raw(0)) else {
        return false;
    };
    let moved = move_to(cpu, &allowed);
    if moved {
        tracing::trace!(cpu, "moved to the client's CPU");
    }
    moved
}

/// The TCP socket under a connection, with or without TLS.
fn tcp(socket: &MaybeTls) -> Option<&TcpStream> {
    match socket {
        MaybeTls::Plain(s) => Some(s),
        MaybeTls::Tls(s) => Some(s.get_ref().0),
        _ => None,
    }
}

/// Whether a peer runs on this machine: it connected over loopback or from
/// the address it connected to.
fn is_local(peer: SocketAddr, local: SocketAddr) -> bool {
    let peer = peer.ip().to_canonical();
    peer.is_loopback() || (peer == local.ip().to_canonical() && !peer.is_unspecified())
}

/// The CPU that last received the socket's packets, when the calling thread
/// runs on another.
fn client_cpu_elsewhere(socket: &socket2::SockRef<'_>) -> Option<usize> {
    let client = socket.cpu_affinity().ok()?;
    (sched_getcpu().ok()? != client).then_some(client)
}

/// Moves the calling thread to `cpu` and leaves it free to run on any CPU
/// of `allowed`; false when `cpu` is not one of them or the move failed.
fn move_to(cpu: usize, allowed: &CpuSet) -> bool {
    if !allowed.is_set(cpu).unwrap_or(false) {
        return false;
    }
    let this_thread = Pid::from_raw(0);
    let mut only = CpuSet::new();
    if only.set(cpu).is_err() || sched_setaffinity(this_thread, &only).is_err() {
        return false;
    }
    if let Err(e) = sched_setaffinity(this_thread, allowed) {
        tracing::warn!(error = %e, "cannot restore the connection thread's CPU affinity");
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};

    fn addr(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    #[test]
    fn only_clients_on_this_machine_are_followed() {
        let server = addr("10.0.0.1:5432");
        assert!(is_local(addr("127.0.0.1:40000"), addr("127.0.0.1:5432")));
        assert!(is_local(addr("[::1]:40000"), addr("[::1]:5432")));
        assert!(is_local(addr("[::ffff:127.0.0.1]:40000"), server));
        assert!(is_local(addr("10.0.0.1:40000"), server));
        assert!(!is_local(addr("10.0.0.2:40000"), server));
        assert!(!is_local(addr("0.0.0.0:40000"), addr("0.0.0.0:5432")));
        assert!(!is_local(
            addr("[2001:db8::2]:40000"),
            addr("[2001:db8::1]:5432")
        ));
    }

    #[test]
    fn moving_at_every_look_spaces_the_looks_out() {
        let mut c = ClientCpu {
            on: true,
            messages: 0,
            interval: ClientCpu::EVERY,
        };
        let mut intervals = Vec::new();
        for _ in 0..8 {
            c.looked(true);
            intervals.push(c.interval / ClientCpu::EVERY);
        }
        assert_eq!(intervals, [2, 4, 8, 16, 32, 64, 64, 64]);
        c.looked(false);
        assert_eq!(c.interval, ClientCpu::EVERY);
    }

    /// A client thread pinned to another CPU than the test thread sends a
    /// byte; the connection side finds that CPU, moves there and keeps its
    /// affinity.
    #[test]
    fn a_connection_moves_to_its_local_clients_cpu() {
        let this_thread = Pid::from_raw(0);
        let allowed = sched_getaffinity(this_thread).unwrap();
        let cpus: Vec<usize> = (0..CpuSet::count())
            .filter(|&c| allowed.is_set(c).unwrap())
            .collect();
        let [away, other, ..] = cpus[..] else {
            eprintln!("one CPU only: nothing to follow");
            return;
        };
        let pin = |cpu: usize| {
            let mut only = CpuSet::new();
            only.set(cpu).unwrap();
            sched_setaffinity(Pid::from_raw(0), &only).unwrap();
        };
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let client = std::thread::spawn(move || {
            pin(other);
            let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
            stream.write_all(b"x").unwrap();
            let mut done = [0u8; 1];
            stream.read_exact(&mut done).unwrap();
        });
        let (mut stream, _) = listener.accept().unwrap();
        let mut byte = [0u8; 1];
        stream.read_exact(&mut byte).unwrap();
        let socket = socket2::SockRef::from(&stream);

        pin(away);
        assert_eq!(client_cpu_elsewhere(&socket), Some(other));
        assert!(move_to(other, &allowed));
        assert_eq!(sched_getaffinity(this_thread).unwrap(), allowed);

        pin(other);
        assert_eq!(client_cpu_elsewhere(&socket), None);
        let mut elsewhere = CpuSet::new();
        elsewhere.set(away).unwrap();
        assert!(!move_to(other, &elsewhere), "a CPU outside the affinity");

        sched_setaffinity(this_thread, &allowed).unwrap();
        stream.write_all(b"y").unwrap();
        client.join().unwrap();
    }
}
