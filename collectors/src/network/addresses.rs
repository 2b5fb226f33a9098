//! The IPv4 and IPv6 addresses of every interface, as osquery's `interface_addresses` shows them.
//!
//! osquery lists the `AF_INET`/`AF_INET6` entries of glibc's `getifaddrs`,
//! which reads an `RTM_GETADDR` rtnetlink dump. On the live host we read the
//! same dump and apply glibc's rules ([`from_attributes`]): which attribute
//! becomes the address and which the broadcast or peer address, the interface
//! label (`eth0:1`), and the `%eth0` scope suffix of link-local IPv6 addresses.
//!
//! IPv4 addresses have no file form, so a root other than the live host (a
//! fixture tree) only yields the IPv6 addresses of `/proc/net/if_inet6`.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::links::{self, IFF_BROADCAST};
use super::netlink;
use crate::{CollectError, HostRoot, OptionalExt};

const AF_INET: u8 = 2;
const AF_INET6: u8 = 10;
const IFA_ADDRESS: u16 = 1;
const IFA_LOCAL: u16 = 2;
const IFA_LABEL: u16 = 3;
const IFA_BROADCAST: u16 = 4;

/// One address row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterfaceAddress {
    pub interface: String,
    pub address: String,
    pub mask: String,
    /// The broadcast address, on interfaces with `IFF_BROADCAST`.
    pub broadcast: Option<String>,
    /// The peer (or, for a loopback address, the address itself) on other interfaces.
    pub point_to_point: Option<String>,
}

/// The raw facts of one address before formatting: what glibc's `getifaddrs` keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawAddress {
    pub ifindex: u32,
    pub prefix_len: u8,
    pub address: IpAddr,
    /// `ifa_dstaddr` / `ifa_broadaddr`: a peer or broadcast address.
    pub destination: Option<IpAddr>,
    /// The IPv4 label (`eth0:1`), which glibc uses as the interface name.
    pub label: Option<String>,
}

/// Reads every address of the host: over rtnetlink on the live host, from
/// `/proc/net/if_inet6` (IPv6 only) elsewhere.
pub fn read(
    root: &HostRoot,
    check: &dyn Fn() -> Result<(), CollectError>,
) -> Result<Vec<InterfaceAddress>, CollectError> {
    let links = links::by_index(root).optional()?.unwrap_or_default();
    let raw = if root.is_live() {
        let dump = netlink::dump(netlink::RTM_GETADDR, &[0; 8], check)?;
        parse_dump(&dump)?
    } else {
        match root.read_string("proc/net/if_inet6").optional()? {
            Some(text) => parse_if_inet6(&text),
            None => Vec::new(),
        }
    };
    Ok(raw.iter().filter_map(|a| format(a, &links)).collect())
}

/// Parses an `RTM_GETADDR` dump into the IPv4 and IPv6 addresses it holds.
pub fn parse_dump(bytes: &[u8]) -> Result<Vec<RawAddress>, CollectError> {
    let mut out = Vec::new();
    for payload in netlink::payloads(bytes, netlink::RTM_NEWADDR)? {
        // struct ifaddrmsg { u8 family, prefixlen, flags, scope; u32 index; }
        let Some(head) = payload.get(..8) else {
            continue;
        };
        let family = head[0];
        let ifindex = u32::from_ne_bytes([head[4], head[5], head[6], head[7]]);
        let attrs = netlink::attributes(&payload[8..]).filter_map(|(kind, data)| {
            let value = match kind {
                IFA_LABEL => Attr::Label(label(data)),
                _ => Attr::Ip(ip(family, data)?),
            };
            Some((kind, value))
        });
        if let Some(a) = from_attributes(family, ifindex, head[1], attrs) {
            out.push(a);
        }
    }
    Ok(out)
}

/// An address attribute's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attr {
    Ip(IpAddr),
    Label(String),
}

/// glibc's reading of one `RTM_NEWADDR` message, attribute by attribute:
/// the first of `IFA_ADDRESS`/`IFA_LOCAL` is the address; a second one means a
/// point-to-point link whose `IFA_ADDRESS` is the peer; `IFA_BROADCAST`
/// replaces the destination. Families other than IPv4 and IPv6 are dropped.
pub fn from_attributes(
    family: u8,
    ifindex: u32,
    prefix_len: u8,
    attrs: impl IntoIterator<Item = (u16, Attr)>,
) -> Option<RawAddress> {
    if family != AF_INET && family != AF_INET6 {
        return None;
    }
    let (mut address, mut destination, mut label_name) = (None, None, None);
    for (kind, value) in attrs {
        match (kind, value) {
            (IFA_ADDRESS, Attr::Ip(ip)) => {
                if address.is_some() {
                    destination = Some(ip);
                } else {
                    address = Some(ip);
                }
            }
            (IFA_LOCAL, Attr::Ip(ip)) => {
                if let Some(previous) = address.replace(ip) {
                    destination = Some(previous);
                }
            }
            (IFA_BROADCAST, Attr::Ip(ip)) => destination = Some(ip),
            (IFA_LABEL, Attr::Label(l)) => label_name = Some(l),
            _ => {}
        }
    }
    Some(RawAddress {
        ifindex,
        prefix_len,
        address: address?,
        destination,
        label: label_name,
    })
}

/// Parses `/proc/net/if_inet6`: `fe800000000000000000000000000001 04 40 20 80 eth0`
/// (address, ifindex, prefix length, scope and flags in hex, then the name).
pub fn parse_if_inet6(text: &str) -> Vec<RawAddress> {
    text.lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split_ascii_whitespace().collect();
            let [addr, index, plen, _scope, _flags, name] = f.as_slice() else {
                return None;
            };
            Some(RawAddress {
                ifindex: u32::from_str_radix(index, 16).ok()?,
                prefix_len: u8::from_str_radix(plen, 16).ok()?,
                address: IpAddr::V6(parse_hex_ipv6(addr)?),
                destination: None,
                label: Some((*name).to_owned()),
            })
        })
        .collect()
}

/// Parses 32 hex digits in network order, as `/proc/net/if_inet6` and `ipv6_route` print addresses.
pub(crate) fn parse_hex_ipv6(hex: &str) -> Option<Ipv6Addr> {
    if hex.len() != 32 {
        return None;
    }
    u128::from_str_radix(hex, 16).ok().map(Ipv6Addr::from)
}

/// Formats one address as osquery does; `links` maps an ifindex to the link's
/// name and flags. An address on an unknown link still gets a row, as glibc
/// keeps it, but without a name.
pub fn format(a: &RawAddress, links: &HashMap<u32, (String, u32)>) -> Option<InterfaceAddress> {
    let link = links.get(&a.ifindex);
    let interface = a
        .label
        .clone()
        .or_else(|| link.map(|(n, _)| n.clone()))
        .unwrap_or_default();
    let link_name = link.map(|(n, _)| n.as_str());
    let flags = link.map_or(0, |(_, f)| *f);
    let destination = a.destination.map(|d| ip_text(d, a.ifindex, link_name));
    let (broadcast, point_to_point) = if flags & IFF_BROADCAST != 0 {
        (destination, None)
    } else {
        (None, destination)
    };
    Some(InterfaceAddress {
        interface,
        address: ip_text(a.address, a.ifindex, link_name),
        mask: netmask(a.address, a.prefix_len),
        broadcast,
        point_to_point,
    })
}

/// An address as `getnameinfo(NI_NUMERICHOST)` prints it: a link-local IPv6
/// address carries its scope, `%` and the interface name (or index).
pub fn ip_text(ip: IpAddr, ifindex: u32, link_name: Option<&str>) -> String {
    match ip {
        IpAddr::V6(v6) if is_link_local(v6) && ifindex != 0 => match link_name {
            Some(name) => format!("{v6}%{name}"),
            None => format!("{v6}%{ifindex}"),
        },
        _ => ip.to_string(),
    }
}

/// `fe80::/10` unicast or `ff02::/16`-style link-local multicast: the addresses
/// glibc gives a scope id.
fn is_link_local(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    (s[0] & 0xffc0) == 0xfe80 || (s[0] & 0xff0f) == 0xff02
}

/// The netmask of a prefix length, in the address's family (`255.255.255.0`, `ffff:ffff::`).
pub fn netmask(ip: IpAddr, prefix_len: u8) -> String {
    match ip {
        IpAddr::V4(_) => {
            let n = u32::from(prefix_len.min(32));
            let bits = u32::MAX.checked_shl(32 - n).unwrap_or(0);
            Ipv4Addr::from(bits).to_string()
        }
        IpAddr::V6(_) => {
            let n = u32::from(prefix_len.min(128));
            let bits = u128::MAX.checked_shl(128 - n).unwrap_or(0);
            Ipv6Addr::from(bits).to_string()
        }
    }
}

/// An address attribute in the message's family.
pub(crate) fn ip(family: u8, data: &[u8]) -> Option<IpAddr> {
    match family {
        AF_INET => Some(IpAddr::V4(Ipv4Addr::from(
            <[u8; 4]>::try_from(data.get(..4)?).ok()?,
        ))),
        AF_INET6 => Some(IpAddr::V6(Ipv6Addr::from(
            <[u8; 16]>::try_from(data.get(..16)?).ok()?,
        ))),
        _ => None,
    }
}

/// A NUL-terminated string attribute.
fn label(data: &[u8]) -> String {
    let end = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    String::from_utf8_lossy(&data[..end]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::netlink::tests::{attr, done, message};

    fn links() -> HashMap<u32, (String, u32)> {
        HashMap::from([
            (1, ("lo".to_owned(), 0x9)),
            (4, ("eth0".to_owned(), 0x1003)),
            (7, ("wg0".to_owned(), 0x91)),
        ])
    }

    fn v4(s: &str) -> Attr {
        Attr::Ip(s.parse().expect("ip"))
    }

    #[test]
    fn ipv4_on_a_broadcast_link() {
        // The kernel sends IFA_ADDRESS, IFA_LOCAL, IFA_BROADCAST, IFA_LABEL.
        let a = from_attributes(
            AF_INET,
            4,
            24,
            [
                (IFA_ADDRESS, v4("192.0.2.2")),
                (IFA_LOCAL, v4("192.0.2.2")),
                (IFA_BROADCAST, v4("192.0.2.255")),
                (IFA_LABEL, Attr::Label("eth0".into())),
            ],
        )
        .expect("address");
        let f = format(&a, &links()).expect("row");
        assert_eq!(f.interface, "eth0");
        assert_eq!(f.address, "192.0.2.2");
        assert_eq!(f.mask, "255.255.255.0");
        assert_eq!(f.broadcast.as_deref(), Some("192.0.2.255"));
        assert_eq!(f.point_to_point, None);
    }

    #[test]
    fn loopback_reports_itself_as_point_to_point() {
        // glibc keeps IFA_ADDRESS as the destination once IFA_LOCAL arrives, and
        // lo has no IFF_BROADCAST: osquery shows 127.0.0.1 as point_to_point.
        let a = from_attributes(
            AF_INET,
            1,
            8,
            [(IFA_ADDRESS, v4("127.0.0.1")), (IFA_LOCAL, v4("127.0.0.1"))],
        )
        .expect("address");
        let f = format(&a, &links()).expect("row");
        assert_eq!(
            (f.address.as_str(), f.mask.as_str()),
            ("127.0.0.1", "255.0.0.0")
        );
        assert_eq!(f.point_to_point.as_deref(), Some("127.0.0.1"));
        assert_eq!(f.broadcast, None);
    }

    #[test]
    fn peer_address_and_alias_label() {
        let a = from_attributes(
            AF_INET,
            7,
            32,
            [
                (IFA_ADDRESS, v4("10.9.0.1")),
                (IFA_LOCAL, v4("10.9.0.2")),
                (IFA_LABEL, Attr::Label("wg0:peer".into())),
            ],
        )
        .expect("address");
        let f = format(&a, &links()).expect("row");
        assert_eq!(f.interface, "wg0:peer");
        assert_eq!(f.address, "10.9.0.2");
        assert_eq!(f.mask, "255.255.255.255");
        assert_eq!(f.point_to_point.as_deref(), Some("10.9.0.1"));
    }

    #[test]
    fn ipv6_link_local_gets_a_scope() {
        let ll: IpAddr = "fe80::fc:ff:fe00:1".parse().expect("ip");
        let a = from_attributes(AF_INET6, 4, 64, [(IFA_ADDRESS, Attr::Ip(ll))]).expect("address");
        let f = format(&a, &links()).expect("row");
        assert_eq!(f.address, "fe80::fc:ff:fe00:1%eth0");
        assert_eq!(f.mask, "ffff:ffff:ffff:ffff::");
        assert_eq!((f.broadcast, f.point_to_point), (None, None));
        // An unknown link: the scope is the index, the name empty.
        let orphan = RawAddress { ifindex: 99, ..a };
        let f = format(&orphan, &links()).expect("row");
        assert_eq!(
            (f.interface.as_str(), f.address.as_str()),
            ("", "fe80::fc:ff:fe00:1%99")
        );
    }

    #[test]
    fn other_families_and_missing_addresses_are_dropped() {
        assert_eq!(from_attributes(17, 1, 0, []), None);
        assert_eq!(
            from_attributes(AF_INET, 1, 8, [(IFA_LABEL, Attr::Label("lo".into()))]),
            None
        );
    }

    #[test]
    fn netmasks() {
        let v4: IpAddr = "10.0.0.1".parse().expect("ip");
        let v6: IpAddr = "::1".parse().expect("ip");
        assert_eq!(netmask(v4, 0), "0.0.0.0");
        assert_eq!(netmask(v4, 20), "255.255.240.0");
        assert_eq!(netmask(v4, 99), "255.255.255.255");
        assert_eq!(netmask(v6, 128), "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
        assert_eq!(netmask(v6, 0), "::");
    }

    #[test]
    fn parses_a_netlink_dump() {
        let mut body = vec![AF_INET, 24, 0, 0];
        body.extend(4u32.to_ne_bytes());
        body.extend(attr(IFA_ADDRESS, &[192, 0, 2, 2]));
        body.extend(attr(IFA_LOCAL, &[192, 0, 2, 2]));
        body.extend(attr(IFA_BROADCAST, &[192, 0, 2, 255]));
        body.extend(attr(IFA_LABEL, b"eth0\0"));
        let mut dump = message(netlink::RTM_NEWADDR, &body);
        dump.extend(message(netlink::RTM_NEWADDR, &[AF_INET6, 1])); // Truncated: skipped.
        dump.extend(done());
        let raw = parse_dump(&dump).expect("parse");
        assert_eq!(raw.len(), 1);
        assert_eq!(raw[0].label.as_deref(), Some("eth0"));
        assert_eq!(raw[0].destination, Some("192.0.2.255".parse().expect("ip")));
    }

    #[test]
    fn parses_if_inet6() {
        let text = "fd000000000000000000000000000002 04 40 00 80     eth0\n\
                    00000000000000000000000000000001 01 80 10 80       lo\n\
                    garbage line\n\
                    fe8000000000000000fc00fffe00000g 04 40 20 80     eth0\n";
        let raw = parse_if_inet6(text);
        assert_eq!(raw.len(), 2);
        assert_eq!(raw[0].address, "fd00::2".parse::<IpAddr>().expect("ip"));
        assert_eq!((raw[0].ifindex, raw[0].prefix_len), (4, 64));
        assert_eq!((raw[1].ifindex, raw[1].prefix_len), (1, 128));
    }

    #[test]
    fn live_host_has_loopback_addresses() {
        let rows = read(&HostRoot::live(), &|| Ok(())).expect("addresses");
        assert!(
            rows.iter()
                .any(|r| r.interface == "lo" && r.address == "127.0.0.1"),
            "{rows:?}"
        );
    }
}
