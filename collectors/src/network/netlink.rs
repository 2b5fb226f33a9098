//! rtnetlink dumps: one request on a `NETLINK_ROUTE` socket, and the parsing of its replies.
//!
//! Routes and interface addresses have no complete file form: `/proc/net/route`
//! shows only the main IPv4 table and no preferred source, and IPv4 addresses
//! appear in no file at all. osquery (through glibc's `getifaddrs` for
//! addresses) reads them over rtnetlink, so on the live host we do too. The
//! socket part is small; everything else works on the raw reply bytes, so it is
//! tested on captured dumps.

use std::time::Duration;

use rustix::net::netlink::SocketAddrNetlink;
use rustix::net::sockopt::{Timeout, set_socket_timeout};
use rustix::net::{AddressFamily, RecvFlags, SendFlags, SocketFlags, SocketType};

use crate::CollectError;

/// `RTM_GETADDR`: dump the addresses of every interface.
pub(crate) const RTM_GETADDR: u16 = 22;
/// `RTM_NEWADDR`: one address in a dump.
pub(crate) const RTM_NEWADDR: u16 = 20;
/// `RTM_GETROUTE`: dump every routing table.
pub(crate) const RTM_GETROUTE: u16 = 26;
/// `RTM_NEWROUTE`: one route in a dump.
pub(crate) const RTM_NEWROUTE: u16 = 24;

const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
const NLM_F_REQUEST: u16 = 0x1;
const NLM_F_DUMP: u16 = 0x300;
const HEADER_LEN: usize = 16;

/// A kernel that does not answer within this time is not going to.
const RECV_TIMEOUT: Duration = Duration::from_secs(5);
/// Large enough for any one datagram of a dump (the kernel sizes them by the reader's buffer).
const RECV_BUFFER: usize = 64 * 1024;
/// The sequence number of our requests; replies to anything else are ignored.
const SEQ: u32 = 0x6867_7273;

const WHAT: &str = "rtnetlink reply";

/// Sends a dump request of `msg_type` with `payload` (the family header, such
/// as a zeroed `rtmsg`) and returns the concatenated reply messages, up to and
/// including the final `NLMSG_DONE`. `check` runs between datagrams so a
/// cancelled query stops.
pub(crate) fn dump(
    msg_type: u16,
    payload: &[u8],
    check: &dyn Fn() -> Result<(), CollectError>,
) -> Result<Vec<u8>, CollectError> {
    let io = |e: rustix::io::Errno| CollectError::io("rtnetlink", e.into());
    let fd = rustix::net::socket_with(
        AddressFamily::NETLINK,
        SocketType::RAW,
        SocketFlags::CLOEXEC,
        None, // NETLINK_ROUTE is protocol 0.
    )
    .map_err(io)?;
    set_socket_timeout(&fd, Timeout::Recv, Some(RECV_TIMEOUT)).map_err(io)?;
    let request = request(msg_type, payload);
    rustix::net::sendto(
        &fd,
        &request,
        SendFlags::empty(),
        &SocketAddrNetlink::new(0, 0),
    )
    .map_err(io)?;

    let mut replies = Vec::new();
    let mut buf = vec![0u8; RECV_BUFFER];
    loop {
        check()?;
        let (n, len) = rustix::net::recv(&fd, &mut buf[..], RecvFlags::TRUNC).map_err(io)?;
        let got = &buf[..n];
        if len > n {
            return Err(CollectError::malformed(
                WHAT,
                "datagram larger than the buffer",
            ));
        }
        if got.is_empty() {
            return Err(CollectError::malformed(
                WHAT,
                "dump ended without NLMSG_DONE",
            ));
        }
        let mut done = false;
        for msg in messages(got) {
            let msg = msg?;
            if msg.seq != SEQ {
                continue;
            }
            if msg.kind == NLMSG_DONE || msg.kind == NLMSG_ERROR {
                done = true;
            }
        }
        replies.extend_from_slice(got);
        if done {
            return Ok(replies);
        }
    }
}

/// The bytes of a dump request: a netlink header followed by `payload`.
fn request(msg_type: u16, payload: &[u8]) -> Vec<u8> {
    let len = u32::try_from(HEADER_LEN + payload.len()).unwrap_or(u32::MAX);
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.extend_from_slice(&len.to_ne_bytes());
    out.extend_from_slice(&msg_type.to_ne_bytes());
    out.extend_from_slice(&(NLM_F_REQUEST | NLM_F_DUMP).to_ne_bytes());
    out.extend_from_slice(&SEQ.to_ne_bytes());
    out.extend_from_slice(&0u32.to_ne_bytes()); // The kernel fills in our port id.
    out.extend_from_slice(payload);
    out
}

/// One netlink message: its type, sequence number and payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Message<'a> {
    pub(crate) kind: u16,
    pub(crate) seq: u32,
    pub(crate) payload: &'a [u8],
}

/// The payloads of the messages of `kind` in a dump, stopping at `NLMSG_DONE`;
/// an `NLMSG_ERROR` reply becomes an error.
pub(crate) fn payloads(bytes: &[u8], kind: u16) -> Result<Vec<&[u8]>, CollectError> {
    let mut out = Vec::new();
    for msg in messages(bytes) {
        let msg = msg?;
        match msg.kind {
            NLMSG_DONE => break,
            NLMSG_ERROR => {
                let errno = msg
                    .payload
                    .get(..4)
                    .map_or(0, |b| i32::from_ne_bytes([b[0], b[1], b[2], b[3]]));
                if errno != 0 {
                    let err = std::io::Error::from_raw_os_error(-errno);
                    return Err(CollectError::io("rtnetlink", err));
                }
            }
            k if k == kind => out.push(msg.payload),
            _ => {}
        }
    }
    Ok(out)
}

/// Iterates the messages in `bytes`; a truncated or inconsistent header is an error.
pub(crate) fn messages(bytes: &[u8]) -> impl Iterator<Item = Result<Message<'_>, CollectError>> {
    let mut rest = bytes;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let Some(h) = rest.get(..HEADER_LEN) else {
            rest = &[];
            return Some(Err(CollectError::malformed(
                WHAT,
                "truncated message header",
            )));
        };
        let len = u32::from_ne_bytes([h[0], h[1], h[2], h[3]]) as usize;
        let kind = u16::from_ne_bytes([h[4], h[5]]);
        let seq = u32::from_ne_bytes([h[8], h[9], h[10], h[11]]);
        if len < HEADER_LEN || len > rest.len() {
            rest = &[];
            return Some(Err(CollectError::malformed(WHAT, "bad message length")));
        }
        let payload = &rest[HEADER_LEN..len];
        rest = rest.get(align(len)..).unwrap_or(&[]);
        Some(Ok(Message { kind, seq, payload }))
    })
}

/// Iterates the `(type, data)` attributes in `bytes`, stopping at the first malformed one.
pub(crate) fn attributes(bytes: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut rest = bytes;
    std::iter::from_fn(move || {
        let h = rest.get(..4)?;
        let len = usize::from(u16::from_ne_bytes([h[0], h[1]]));
        // Nested attributes carry NLA_F_NESTED and friends in the top bits.
        let kind = u16::from_ne_bytes([h[2], h[3]]) & 0x3fff;
        let data = rest.get(4..len)?;
        rest = rest.get(align(len)..).unwrap_or(&[]);
        Some((kind, data))
    })
}

/// Netlink aligns messages and attributes to 4 bytes.
const fn align(len: usize) -> usize {
    (len + 3) & !3
}

/// A native-endian `u32` attribute value.
pub(crate) fn u32_value(data: &[u8]) -> Option<u32> {
    Some(u32::from_ne_bytes(data.get(..4)?.try_into().ok()?))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds one netlink message, for tests of the parsers.
    pub(crate) fn message(kind: u16, payload: &[u8]) -> Vec<u8> {
        let mut m = request(kind, payload);
        m[6..8].copy_from_slice(&2u16.to_ne_bytes()); // NLM_F_MULTI
        m.resize(align(m.len()), 0);
        m
    }

    /// Builds one attribute, padded.
    pub(crate) fn attr(kind: u16, data: &[u8]) -> Vec<u8> {
        let len = u16::try_from(4 + data.len()).expect("small attribute");
        let mut a = len.to_ne_bytes().to_vec();
        a.extend_from_slice(&kind.to_ne_bytes());
        a.extend_from_slice(data);
        a.resize(align(a.len()), 0);
        a
    }

    pub(crate) fn done() -> Vec<u8> {
        message(NLMSG_DONE, &0i32.to_ne_bytes())
    }

    #[test]
    fn messages_and_attributes_round_trip() {
        let mut body = vec![0u8; 4];
        body.extend(attr(1, b"abc"));
        body.extend(attr(2, &7u32.to_ne_bytes()));
        let mut dump = message(RTM_NEWROUTE, &body);
        dump.extend(message(RTM_NEWADDR, &[0; 8]));
        dump.extend(done());
        dump.extend(message(RTM_NEWROUTE, &body)); // After DONE: ignored.
        let routes = payloads(&dump, RTM_NEWROUTE).expect("parse");
        assert_eq!(routes.len(), 1);
        let attrs: Vec<_> = attributes(&routes[0][4..]).collect();
        assert_eq!(attrs, vec![(1, &b"abc"[..]), (2, &7u32.to_ne_bytes()[..])]);
        assert_eq!(u32_value(attrs[1].1), Some(7));
    }

    #[test]
    fn error_reply_is_an_error() {
        let dump = message(NLMSG_ERROR, &(-libc::EACCES).to_ne_bytes());
        let err = payloads(&dump, RTM_NEWROUTE).expect_err("denied");
        assert!(err.is_skippable(), "{err}");
        // An ACK (error 0) is not an error.
        let ack = message(NLMSG_ERROR, &0i32.to_ne_bytes());
        assert!(payloads(&ack, RTM_NEWROUTE).expect("ack").is_empty());
    }

    #[test]
    fn truncated_input_is_malformed_not_a_panic() {
        let mut dump = message(RTM_NEWROUTE, &[1, 2, 3, 4, 5, 6, 7, 8]);
        dump.truncate(dump.len() - 3);
        assert!(payloads(&dump, RTM_NEWROUTE).is_err());
        assert!(payloads(&dump[..5], RTM_NEWROUTE).is_err());
        // A lying attribute length ends the attribute list.
        let bad = [200u8, 0, 1, 0, 9, 9];
        assert_eq!(attributes(&bad).count(), 0);
        assert_eq!(attributes(&[1u8, 0]).count(), 0);
    }

    #[test]
    fn request_has_the_dump_flags() {
        let r = request(RTM_GETROUTE, &[0; 12]);
        assert_eq!(r.len(), 28);
        assert_eq!(u32::from_ne_bytes([r[0], r[1], r[2], r[3]]), 28);
        assert_eq!(u16::from_ne_bytes([r[6], r[7]]), NLM_F_REQUEST | NLM_F_DUMP);
    }

    #[test]
    fn live_route_dump_ends_with_done() {
        // Every Linux network namespace has at least the loopback routes.
        let bytes = dump(RTM_GETROUTE, &[0; 12], &|| Ok(())).expect("dump");
        assert!(!payloads(&bytes, RTM_NEWROUTE).expect("parse").is_empty());
    }
}
