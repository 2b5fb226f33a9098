//! The socket tables of one network namespace, read through a process of
//! that namespace: `/proc/<pid>/net/{icmp,tcp,udp,udplite,raw}[6]`, `unix`
//! and `packet`, parsed as osquery parses them.

use crate::process::inet;
use crate::{CollectError, HostRoot};

pub const AF_UNIX: i32 = 1;
pub const AF_INET: i32 = 2;
pub const AF_INET6: i32 = 10;
pub const AF_PACKET: i32 = 17;

pub const IPPROTO_ICMP: i32 = 1;
pub const IPPROTO_TCP: i32 = 6;
pub const IPPROTO_UDP: i32 = 17;
pub const IPPROTO_UDPLITE: i32 = 136;
pub const IPPROTO_RAW: i32 = 255;

/// The kernel's TCP states by number (`include/net/tcp_states.h`).
const TCP_STATES: [&str; 12] = [
    "UNKNOWN",
    "ESTABLISHED",
    "SYN_SENT",
    "SYN_RECV",
    "FIN_WAIT1",
    "FIN_WAIT2",
    "TIME_WAIT",
    "CLOSED",
    "CLOSE_WAIT",
    "LAST_ACK",
    "LISTEN",
    "CLOSING",
];

/// One socket of a namespace's tables. Fields a family lacks are empty or 0,
/// as osquery leaves them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Socket {
    pub inode: u64,
    /// `AF_INET` (2), `AF_INET6` (10), `AF_UNIX` (1) or `AF_PACKET` (17).
    pub family: i32,
    /// The protocol of the table the socket was listed in: 6 for `tcp`, 17
    /// for `udp`, 255 for every `raw` socket, the `Protocol` column for
    /// `unix` (0) and the ethertype for `packet`.
    pub protocol: i32,
    pub local_address: String,
    pub local_port: u16,
    pub remote_address: String,
    pub remote_port: u16,
    /// A unix socket's path (`@name` for an abstract one), else empty.
    pub path: String,
    /// A TCP state name, `NONE` for packet sockets, else empty.
    pub state: &'static str,
}

/// How a table file is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    Inet { family: i32, protocol: i32 },
    Unix,
    Packet,
}

/// The files osquery reads, in its order.
const TABLES: [(&str, Layout); 12] = [
    ("icmp", inet(AF_INET, IPPROTO_ICMP)),
    ("icmp6", inet(AF_INET6, IPPROTO_ICMP)),
    ("tcp", inet(AF_INET, IPPROTO_TCP)),
    ("tcp6", inet(AF_INET6, IPPROTO_TCP)),
    ("udp", inet(AF_INET, IPPROTO_UDP)),
    ("udp6", inet(AF_INET6, IPPROTO_UDP)),
    ("udplite", inet(AF_INET, IPPROTO_UDPLITE)),
    ("udplite6", inet(AF_INET6, IPPROTO_UDPLITE)),
    ("raw", inet(AF_INET, IPPROTO_RAW)),
    ("raw6", inet(AF_INET6, IPPROTO_RAW)),
    ("unix", Layout::Unix),
    ("packet", Layout::Packet),
];

const fn inet(family: i32, protocol: i32) -> Layout {
    Layout::Inet { family, protocol }
}

/// Reads every socket table of the network namespace `pid` belongs to.
///
/// A table the kernel lacks (no `udplite` module) or that is malformed is
/// skipped. `None` means no table could be read at all, so the caller may try
/// another process of the same namespace.
pub fn read(root: &HostRoot, pid: i64) -> Option<Vec<Socket>> {
    let mut sockets = Vec::new();
    let mut any = false;
    for (file, layout) in TABLES {
        let Ok(bytes) = root.read(format!("proc/{pid}/net/{file}")) else {
            continue;
        };
        any = true;
        let text = String::from_utf8_lossy(&bytes);
        let mut parsed = Vec::new();
        let result = match layout {
            Layout::Inet { family, protocol } => parse_inet(&text, family, protocol, &mut parsed),
            Layout::Unix => parse_unix(&text, &mut parsed),
            Layout::Packet => parse_packet(&text, &mut parsed),
        };
        if result.is_ok() {
            sockets.append(&mut parsed);
        }
    }
    any.then_some(sockets)
}

/// Non-empty lines and their space-separated fields, header first.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty())
}

fn header(line: Option<&str>, prefixes: &[&str], table: &str) -> Result<(), CollectError> {
    match line {
        Some(l) if prefixes.iter().any(|p| l.starts_with(p)) => Ok(()),
        _ => Err(CollectError::malformed(table, "unexpected header")),
    }
}

/// Parses `tcp`, `udp`, `raw`, `icmp` or `udplite` (or their `6` versions):
/// `sl local_address rem_address st ... inode`, addresses as `HEX:PORT`.
/// Lines with too few fields are skipped, as osquery skips them.
pub fn parse_inet(
    text: &str,
    family: i32,
    protocol: i32,
    out: &mut Vec<Socket>,
) -> Result<(), CollectError> {
    let mut lines = lines(text);
    header(lines.next(), &["sl", "sk"], "socket table")?;
    let address = if family == AF_INET6 {
        inet::ipv6
    } else {
        inet::ipv4
    };
    for line in lines {
        let fields: Vec<&str> = line.split_ascii_whitespace().collect();
        if fields.len() < 10 {
            continue;
        }
        let (Some((local, local_port)), Some((remote, remote_port))) =
            (host_port(fields[1]), host_port(fields[2]))
        else {
            continue;
        };
        let Ok(inode) = fields[9].parse() else {
            continue;
        };
        let state = if protocol == IPPROTO_TCP {
            tcp_state(fields[3])
        } else {
            ""
        };
        out.push(Socket {
            inode,
            family,
            protocol,
            local_address: address(local),
            local_port: inet::port(local_port),
            remote_address: address(remote),
            remote_port: inet::port(remote_port),
            path: String::new(),
            state,
        });
    }
    Ok(())
}

/// `0100007F:18EB` as its two non-empty halves.
fn host_port(field: &str) -> Option<(&str, &str)> {
    let (host, port) = field.split_once(':')?;
    (!host.is_empty() && !port.is_empty() && !port.contains(':')).then_some((host, port))
}

/// The name of a hex TCP state; 0, unknown numbers and garbage are `UNKNOWN`.
fn tcp_state(hex: &str) -> &'static str {
    match usize::from_str_radix(hex, 16) {
        Ok(n) if n > 0 => TCP_STATES.get(n).copied().unwrap_or("UNKNOWN"),
        _ => "UNKNOWN",
    }
}

/// Parses `unix`: `Num RefCount Protocol Flags Type St Inode Path`. As in
/// osquery, the path is the eighth space-separated field, so a path
/// containing a space is cut there.
pub fn parse_unix(text: &str, out: &mut Vec<Socket>) -> Result<(), CollectError> {
    let mut lines = lines(text);
    header(lines.next(), &["Num"], "unix socket table")?;
    for line in lines {
        let fields: Vec<&str> = line.split_ascii_whitespace().collect();
        if fields.len() < 7 {
            continue;
        }
        let Ok(inode) = fields[6].parse() else {
            continue;
        };
        out.push(Socket {
            inode,
            family: AF_UNIX,
            protocol: leading_decimal(fields[2]),
            local_address: String::new(),
            local_port: 0,
            remote_address: String::new(),
            remote_port: 0,
            path: fields.get(7).map_or_else(String::new, |p| (*p).to_owned()),
            state: "",
        });
    }
    Ok(())
}

/// Parses `packet`: `sk RefCnt Type Proto Iface R Rmem User Inode`.
pub fn parse_packet(text: &str, out: &mut Vec<Socket>) -> Result<(), CollectError> {
    let mut lines = lines(text);
    header(lines.next(), &["sl", "sk"], "packet socket table")?;
    for line in lines {
        let fields: Vec<&str> = line.split_ascii_whitespace().collect();
        if fields.len() < 9 {
            continue;
        }
        let Ok(inode) = fields[8].parse() else {
            continue;
        };
        out.push(Socket {
            inode,
            family: AF_PACKET,
            protocol: i32::from(inet::port(fields[3])),
            local_address: String::new(),
            local_port: 0,
            remote_address: String::new(),
            remote_port: 0,
            path: String::new(),
            state: "NONE",
        });
    }
    Ok(())
}

/// C's `atoll` on a field of digits: the leading decimal digits, 0 if none.
fn leading_decimal(field: &str) -> i32 {
    let end = field
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(field.len());
    field[..end].parse().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TCP: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode                                                     
   0: 00000000:18EB 00000000:0000 0A 00000000:00000000 00:00000000 00000000   104        0 21001 1 00000000453ad1ff 100 0 0 10 0                     
   1: 0F02000A:18EB 1402000A:C822 01 00000000:00000000 02:000A7F4C 00000000   104        0 21005 2 0000000061feaad0 20 4 30 10 -1                    
   2: 0F02000A:0016 1402000A:D3A4 06 00000000:00000000 03:00001770 00000000     0        0 0 3 00000000ac3b3218
   3: 0F02000A:0016 1402000A:D3A5 0C 00000000:00000000 03:00001770 00000000     0        0 7 3 00000000ac3b3218
   4: 0F02000A 1402000A:D3A5 01 00000000:00000000 03:00001770 00000000     0        0 8 3 00000000ac3b3218
   5: truncated line
";

    fn ne_hex(bytes: [u8; 4]) -> String {
        format!("{:08X}", u32::from_ne_bytes(bytes))
    }

    #[test]
    fn tcp_addresses_ports_and_states() {
        // The fixture text is little-endian, as the kernel of x86 prints it.
        let text = TCP
            .replace("0F02000A", &ne_hex([10, 0, 2, 15]))
            .replace("1402000A", &ne_hex([10, 0, 2, 20]));
        let mut out = Vec::new();
        parse_inet(&text, AF_INET, IPPROTO_TCP, &mut out).expect("parse");
        let rows: Vec<_> = out
            .iter()
            .map(|s| {
                (
                    s.inode,
                    s.local_address.as_str(),
                    s.local_port,
                    s.remote_address.as_str(),
                    s.remote_port,
                    s.state,
                )
            })
            .collect();
        assert_eq!(
            rows,
            vec![
                (21001, "0.0.0.0", 6379, "0.0.0.0", 0, "LISTEN"),
                (21005, "10.0.2.15", 6379, "10.0.2.20", 51234, "ESTABLISHED"),
                (0, "10.0.2.15", 22, "10.0.2.20", 54180, "TIME_WAIT"),
                (7, "10.0.2.15", 22, "10.0.2.20", 54181, "UNKNOWN"),
            ]
        );
        assert!(
            out.iter()
                .all(|s| s.family == AF_INET && s.protocol == IPPROTO_TCP)
        );
    }

    #[test]
    fn udp_and_raw_sockets_have_no_state() {
        let text = "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n12062: 00000000000000000000000001000000:14E9 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 29474 2 00000000d515b061 0\n";
        let mut out = Vec::new();
        parse_inet(text, AF_INET6, IPPROTO_UDP, &mut out).expect("parse");
        assert_eq!(
            out,
            vec![Socket {
                inode: 29474,
                family: AF_INET6,
                protocol: IPPROTO_UDP,
                local_address: "::1".into(),
                local_port: 5353,
                remote_address: "::".into(),
                remote_port: 0,
                path: String::new(),
                state: "",
            }]
        );
    }

    #[test]
    fn a_bad_header_rejects_the_table() {
        let mut out = Vec::new();
        assert!(
            parse_inet(
                "garbage\n 0: 1 2 3 4 5 6 7 8 9\n",
                AF_INET,
                IPPROTO_TCP,
                &mut out
            )
            .is_err()
        );
        assert!(parse_inet("", AF_INET, IPPROTO_TCP, &mut out).is_err());
        assert!(parse_unix("sl\n", &mut out).is_err());
        assert!(out.is_empty());
        // A header alone is an empty table.
        parse_inet(
            TCP.lines().next().unwrap_or_default(),
            AF_INET,
            IPPROTO_TCP,
            &mut out,
        )
        .expect("header only");
        assert!(out.is_empty());
    }

    #[test]
    fn unix_paths_protocol_and_anonymous_sockets() {
        let text = "Num       RefCount Protocol Flags    Type St Inode Path
0000000094fef368: 00000003 00000000 00000000 0001 03 25914
000000009184f452: 00000002 00000000 00010000 0001 01 21003 /run/redis/redis-server.sock
000000003baa0fb7: 00000003 00000000 00000000 0001 03  1509 @/org/freedesktop/systemd1/notify
0000000090908b0a: 00000002 00000000 00010000 0001 01 13009 /run/my app/socket
00000000: 00000002 00000000
";
        let mut out = Vec::new();
        parse_unix(text, &mut out).expect("parse");
        let rows: Vec<_> = out
            .iter()
            .map(|s| (s.inode, s.path.as_str(), s.family, s.protocol, s.state))
            .collect();
        assert_eq!(
            rows,
            vec![
                (25914, "", AF_UNIX, 0, ""),
                (21003, "/run/redis/redis-server.sock", AF_UNIX, 0, ""),
                (1509, "@/org/freedesktop/systemd1/notify", AF_UNIX, 0, ""),
                (13009, "/run/my", AF_UNIX, 0, ""),
            ]
        );
    }

    #[test]
    fn packet_sockets() {
        let text = "sk               RefCnt Type Proto  Iface R Rmem   User   Inode\nffff8d6c44f3b000 3      3    0003   2     1 0      0      14004\nffff8d6c44f3c000 3      3\n";
        let mut out = Vec::new();
        parse_packet(text, &mut out).expect("parse");
        assert_eq!(out.len(), 1);
        assert_eq!(
            (out[0].inode, out[0].family, out[0].protocol, out[0].state),
            (14004, AF_PACKET, 3, "NONE")
        );
    }

    #[test]
    fn helpers() {
        assert_eq!(tcp_state("0A"), "LISTEN");
        assert_eq!(tcp_state("00"), "UNKNOWN");
        assert_eq!(tcp_state("0C"), "UNKNOWN");
        assert_eq!(tcp_state("zz"), "UNKNOWN");
        assert_eq!(leading_decimal("00000000"), 0);
        assert_eq!(leading_decimal("12ab"), 12);
        assert_eq!(leading_decimal("x"), 0);
        assert_eq!(host_port("0100007F:0016"), Some(("0100007F", "0016")));
        assert_eq!(host_port("0100007F:"), None);
        assert_eq!(host_port("a:b:c"), None);
    }
}
