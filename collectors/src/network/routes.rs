//! The routing tables, as osquery's `routes` shows them.
//!
//! osquery reads an `RTM_GETROUTE` rtnetlink dump of every table and family,
//! so on the live host we read the same dump ([`parse_dump`]): it includes the
//! kernel's `local` table (local and broadcast routes) and preferred sources.
//! Other roots, and a live host whose netlink socket is refused, are read from
//! `/proc/net/route` (the main IPv4 table only) and `/proc/net/ipv6_route`,
//! mapped to the same values where the files carry them ([`parse_ipv4`],
//! [`parse_ipv6`]).

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};

use super::addresses::{ip, parse_hex_ipv6};
use super::{links, netlink};
use crate::{CollectError, HostRoot, OptionalExt};

const AF_INET: u8 = 2;
const AF_INET6: u8 = 10;
const RTA_DST: u16 = 1;
const RTA_OIF: u16 = 4;
const RTA_GATEWAY: u16 = 5;
const RTA_PRIORITY: u16 = 6;
const RTA_PREFSRC: u16 = 7;
const RTA_METRICS: u16 = 8;
const RTAX_MTU: u16 = 2;
const RTAX_HOPLIMIT: u16 = 10;

const RTN_UNICAST: u8 = 1;
const RTN_LOCAL: u8 = 2;
const RTN_BROADCAST: u8 = 3;
const RTN_ANYCAST: u8 = 4;
const RTN_MULTICAST: u8 = 5;
const RTN_UNREACHABLE: u8 = 7;

/// `RTF_*` flags of the procfs files.
const RTF_UP: u32 = 0x1;
const RTF_REJECT: u32 = 0x200;
const RTF_ANYCAST: u32 = 0x10_0000;
const RTF_LOCAL: u32 = 0x8000_0000;
/// `RTNH_F_DEAD`: the next hop is dead, shown in `rtm_flags`.
const RTNH_F_DEAD: i64 = 0x1;

/// One route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub destination: String,
    /// The prefix length; osquery reports 0 for host routes (/32, /128) as well as default routes.
    pub netmask: i64,
    pub gateway: Option<String>,
    /// The preferred source address.
    pub source: Option<String>,
    /// `rtm_flags` (`RTNH_F_*`, `RTM_F_*`).
    pub flags: i64,
    pub interface: Option<String>,
    pub mtu: i64,
    pub metric: i64,
    /// osquery's name of the route type: gateway (any unicast route), local, broadcast, anycast or other.
    pub kind: &'static str,
    pub hopcount: i64,
}

/// Reads every route: over rtnetlink on the live host, from the procfs files
/// elsewhere or when the socket is refused.
pub fn read(
    root: &HostRoot,
    check: &dyn Fn() -> Result<(), CollectError>,
) -> Result<Vec<Route>, CollectError> {
    if root.is_live() {
        match netlink::dump(netlink::RTM_GETROUTE, &[0; 12], check) {
            Ok(bytes) => {
                let names = interface_names(root)?;
                return parse_dump(&bytes, &names);
            }
            Err(e) if e.kind() == crate::CollectErrorKind::Interrupted => return Err(e),
            // A sandbox may refuse netlink sockets; the files still answer.
            Err(_) => {}
        }
    }
    let mut routes = match root.read_string("proc/net/route").optional()? {
        Some(text) => parse_ipv4(&text),
        None => Vec::new(),
    };
    if let Some(text) = root.read_string("proc/net/ipv6_route").optional()? {
        routes.extend(parse_ipv6(&text));
    }
    Ok(routes)
}

fn interface_names(root: &HostRoot) -> Result<HashMap<u32, String>, CollectError> {
    Ok(links::by_index(root)
        .optional()?
        .unwrap_or_default()
        .into_iter()
        .map(|(i, (name, _))| (i, name))
        .collect())
}

/// Parses an `RTM_GETROUTE` dump; `names` maps an ifindex to its interface name.
/// Families other than IPv4 and IPv6 (multicast routing caches) are skipped.
pub fn parse_dump(bytes: &[u8], names: &HashMap<u32, String>) -> Result<Vec<Route>, CollectError> {
    let mut out = Vec::new();
    for payload in netlink::payloads(bytes, netlink::RTM_NEWROUTE)? {
        // struct rtmsg { u8 family, dst_len, src_len, tos, table, protocol, scope, type; u32 flags; }
        let Some(head) = payload.get(..12) else {
            continue;
        };
        let (family, dst_len, rtm_type) = (head[0], head[1], head[7]);
        if family != AF_INET && family != AF_INET6 {
            continue;
        }
        let flags = u32::from_ne_bytes([head[8], head[9], head[10], head[11]]);
        let mut route = Route {
            destination: default_destination(family).to_owned(),
            netmask: 0,
            gateway: None,
            source: None,
            flags: i64::from(flags),
            interface: None,
            mtu: 0,
            metric: 0,
            kind: kind_name(rtm_type),
            hopcount: 0,
        };
        let mut has_destination = false;
        for (kind, data) in netlink::attributes(&payload[12..]) {
            match kind {
                RTA_DST => {
                    if let Some(d) = ip(family, data) {
                        route.destination = d.to_string();
                        has_destination = true;
                    }
                }
                RTA_GATEWAY => route.gateway = ip(family, data).map(|g| g.to_string()),
                RTA_PREFSRC => route.source = ip(family, data).map(|s| s.to_string()),
                RTA_OIF => {
                    // osquery prints an empty name when the index has no interface.
                    route.interface = netlink::u32_value(data)
                        .map(|i| names.get(&i).cloned().unwrap_or_default());
                }
                RTA_PRIORITY => route.metric = signed(data),
                RTA_METRICS => {
                    for (metric, value) in netlink::attributes(data) {
                        match metric {
                            RTAX_MTU => route.mtu = signed(value),
                            RTAX_HOPLIMIT => route.hopcount = signed(value),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        route.netmask = netmask(family, dst_len, has_destination);
        out.push(route);
    }
    Ok(out)
}

/// A `u32` attribute read as C's `int`, as osquery does.
fn signed(data: &[u8]) -> i64 {
    netlink::u32_value(data).map_or(0, |v| i64::from(v as i32))
}

fn default_destination(family: u8) -> &'static str {
    if family == AF_INET6 { "::" } else { "0.0.0.0" }
}

/// osquery's netmask: the prefix length, except that a route whose destination
/// is a full-length address (a host route) reports 0.
pub fn netmask(family: u8, dst_len: u8, has_destination: bool) -> i64 {
    let full = if family == AF_INET6 { 128 } else { 32 };
    if has_destination && dst_len == full {
        0
    } else {
        i64::from(dst_len)
    }
}

/// osquery's name of an `RTN_*` route type.
pub fn kind_name(rtm_type: u8) -> &'static str {
    match rtm_type {
        RTN_UNICAST => "gateway",
        RTN_LOCAL => "local",
        RTN_BROADCAST => "broadcast",
        RTN_ANYCAST => "anycast",
        _ => "other",
    }
}

/// Parses `/proc/net/route`: tab-separated, addresses as native-endian hex
/// (`Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT`).
pub fn parse_ipv4(text: &str) -> Vec<Route> {
    let hex_ip = |s: &str| {
        u32::from_str_radix(s, 16)
            .ok()
            .map(|v| Ipv4Addr::from(v.to_ne_bytes()))
    };
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split_ascii_whitespace().collect();
            if f.len() < 8 {
                return None;
            }
            let destination = hex_ip(f[1])?;
            let gateway = hex_ip(f[2])?;
            let rtf = u32::from_str_radix(f[3], 16).ok()?;
            let mask = hex_ip(f[7])?;
            let prefix = u8::try_from(u32::from(mask).leading_ones()).ok()?;
            Some(Route {
                destination: destination.to_string(),
                netmask: netmask(AF_INET, prefix, prefix > 0),
                gateway: (!gateway.is_unspecified()).then(|| gateway.to_string()),
                source: None,
                flags: if rtf & RTF_UP == 0 { RTNH_F_DEAD } else { 0 },
                interface: (f[0] != "*").then(|| f[0].to_owned()),
                mtu: 0,
                metric: f[6].parse().ok()?,
                kind: if rtf & RTF_REJECT != 0 {
                    kind_name(RTN_UNREACHABLE)
                } else {
                    kind_name(RTN_UNICAST)
                },
                hopcount: 0,
            })
        })
        .collect()
}

/// Parses `/proc/net/ipv6_route`:
/// `dest plen src splen next_hop metric refcnt use flags device`, hex throughout.
/// The kernel's placeholder "null" route (`::/0` unreachable on `lo`, metric
/// 0xffffffff), which netlink never lists, is skipped.
pub fn parse_ipv6(text: &str) -> Vec<Route> {
    text.lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split_ascii_whitespace().collect();
            if f.len() < 10 {
                return None;
            }
            let destination = parse_hex_ipv6(f[0])?;
            let prefix = u8::from_str_radix(f[1], 16).ok()?;
            let gateway = parse_hex_ipv6(f[4])?;
            let metric = u32::from_str_radix(f[5], 16).ok()?;
            let rtf = u32::from_str_radix(f[8], 16).ok()?;
            if prefix == 0 && rtf & RTF_REJECT != 0 && metric == u32::MAX {
                return None;
            }
            let rtm_type = if rtf & RTF_REJECT != 0 {
                RTN_UNREACHABLE
            } else if rtf & RTF_LOCAL != 0 {
                RTN_LOCAL
            } else if rtf & RTF_ANYCAST != 0 {
                RTN_ANYCAST
            } else if destination.is_multicast() {
                RTN_MULTICAST
            } else {
                RTN_UNICAST
            };
            Some(Route {
                destination: IpAddr::V6(destination).to_string(),
                netmask: netmask(AF_INET6, prefix, prefix > 0),
                gateway: (!gateway.is_unspecified()).then(|| gateway.to_string()),
                source: None,
                flags: 0,
                interface: Some(f[9].to_owned()),
                mtu: 0,
                metric: i64::from(metric as i32),
                kind: kind_name(rtm_type),
                hopcount: 0,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::netlink::tests::{attr, done, message};

    const PROC_ROUTE: &str = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n\
        eth0\t00000000\t010200C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n\
        eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n\
        *\t0A0A0A0A\t00000000\t0201\t0\t0\t0\tFFFFFFFF\t0\t0\t0\n\
        short\tline\n";

    #[test]
    fn parses_proc_net_route() {
        let r = parse_ipv4(PROC_ROUTE);
        assert_eq!(r.len(), 3);
        assert_eq!(r[0].destination, "0.0.0.0");
        assert_eq!(r[0].gateway.as_deref(), Some("192.0.2.1"));
        assert_eq!((r[0].netmask, r[0].metric, r[0].kind), (0, 100, "gateway"));
        assert_eq!(r[1].destination, "192.0.2.0");
        assert_eq!((r[1].netmask, r[1].gateway.as_deref()), (24, None));
        assert_eq!(r[1].interface.as_deref(), Some("eth0"));
        // An unreachable host route: no interface, netmask 0 as osquery shows host routes.
        assert_eq!(r[2].destination, "10.10.10.10");
        assert_eq!(
            (r[2].netmask, r[2].kind, r[2].interface.as_deref()),
            (0, "other", None)
        );
    }

    #[test]
    fn parses_proc_net_ipv6_route() {
        let text = "\
fd000000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0
00000000000000000000000000000000 00 00000000000000000000000000000000 00 fd000000000000000000000000000001 00000400 00000002 00000000 00000003     eth0
00000000000000000000000000000001 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000002 00000000 80200001       lo
ff000000000000000000000000000000 08 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000003 00000000 00000001     eth0
00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo
00000000000000000000000000000000 zz
";
        let r = parse_ipv6(text);
        assert_eq!(r.len(), 4, "{r:?}");
        assert_eq!(
            (r[0].destination.as_str(), r[0].netmask, r[0].metric),
            ("fd00::", 64, 256)
        );
        assert_eq!(
            (r[1].destination.as_str(), r[1].gateway.as_deref()),
            ("::", Some("fd00::1"))
        );
        assert_eq!(
            (r[2].destination.as_str(), r[2].netmask, r[2].kind),
            ("::1", 0, "local")
        );
        assert_eq!((r[3].destination.as_str(), r[3].kind), ("ff00::", "other"));
    }

    #[test]
    fn parses_a_netlink_dump() {
        let names = HashMap::from([(4, "eth0".to_owned())]);
        // 192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.2, with an MTU metric.
        let mut body = vec![AF_INET, 24, 0, 0, 254, 2, 253, RTN_UNICAST];
        body.extend(0u32.to_ne_bytes());
        body.extend(attr(RTA_DST, &[192, 0, 2, 0]));
        body.extend(attr(RTA_PREFSRC, &[192, 0, 2, 2]));
        body.extend(attr(RTA_OIF, &4u32.to_ne_bytes()));
        let mut metrics = attr(RTAX_MTU, &1400u32.to_ne_bytes());
        metrics.extend(attr(RTAX_HOPLIMIT, &64u32.to_ne_bytes()));
        body.extend(attr(RTA_METRICS, &metrics));
        let mut dump = message(netlink::RTM_NEWROUTE, &body);
        // default via fd00::1 dev 9 (an interface that is gone) metric 1024.
        let mut v6 = vec![AF_INET6, 0, 0, 0, 254, 3, 0, RTN_UNICAST];
        v6.extend(0u32.to_ne_bytes());
        let gw: std::net::Ipv6Addr = "fd00::1".parse().expect("ip");
        v6.extend(attr(RTA_GATEWAY, &gw.octets()));
        v6.extend(attr(RTA_OIF, &9u32.to_ne_bytes()));
        v6.extend(attr(RTA_PRIORITY, &1024u32.to_ne_bytes()));
        dump.extend(message(netlink::RTM_NEWROUTE, &v6));
        // local 127.0.0.1 (a host route in the local table).
        let mut local = vec![AF_INET, 32, 0, 0, 255, 2, 254, RTN_LOCAL];
        local.extend(0u32.to_ne_bytes());
        local.extend(attr(RTA_DST, &[127, 0, 0, 1]));
        dump.extend(message(netlink::RTM_NEWROUTE, &local));
        // A multicast routing cache entry (RTNL_FAMILY_IPMR): skipped.
        dump.extend(message(
            netlink::RTM_NEWROUTE,
            &[128, 32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        ));
        dump.extend(done());

        let r = parse_dump(&dump, &names).expect("parse");
        assert_eq!(r.len(), 3);
        assert_eq!(
            r[0],
            Route {
                destination: "192.0.2.0".into(),
                netmask: 24,
                gateway: None,
                source: Some("192.0.2.2".into()),
                flags: 0,
                interface: Some("eth0".into()),
                mtu: 1400,
                metric: 0,
                kind: "gateway",
                hopcount: 64,
            }
        );
        assert_eq!(
            (r[1].destination.as_str(), r[1].netmask, r[1].metric),
            ("::", 0, 1024)
        );
        assert_eq!(
            (r[1].gateway.as_deref(), r[1].interface.as_deref()),
            (Some("fd00::1"), Some(""))
        );
        assert_eq!(
            (r[2].destination.as_str(), r[2].netmask, r[2].kind),
            ("127.0.0.1", 0, "local")
        );
    }

    #[test]
    fn type_names() {
        assert_eq!(kind_name(RTN_BROADCAST), "broadcast");
        assert_eq!(kind_name(RTN_ANYCAST), "anycast");
        assert_eq!(kind_name(RTN_MULTICAST), "other");
        assert_eq!(kind_name(0), "other");
    }

    #[test]
    fn live_routes_cover_the_procfs_main_table() {
        let live = HostRoot::live();
        let routes = read(&live, &|| Ok(())).expect("routes");
        assert!(
            routes
                .iter()
                .any(|r| r.destination == "127.0.0.1" && r.kind == "local")
        );
        // Every route /proc/net/route shows is in the netlink dump, with the same values.
        let text = live.read_string("proc/net/route").expect("route file");
        for p in parse_ipv4(&text) {
            assert!(
                routes.iter().any(|r| r.destination == p.destination
                    && r.netmask == p.netmask
                    && r.gateway == p.gateway
                    && r.interface == p.interface
                    && r.metric == p.metric),
                "{p:?} not in {routes:?}"
            );
        }
    }
}
