//! Network interfaces (links) from `/sys/class/net/<name>/`: identity, flags, counters and speed.
//!
//! osquery builds `interface_details` from `getifaddrs` (the `AF_PACKET`
//! entries) plus `SIOCGIF*` and ethtool ioctls. Every value it reports has a
//! sysfs attribute, read here, so the same code serves the live host and
//! fixture trees; the pure helpers below turn those attributes into osquery's
//! values.

use std::collections::HashMap;
use std::path::Path;

use crate::{CollectError, HostRoot, OptionalExt, lossy};

/// `IFF_UP`: the administrator brought the interface up.
pub const IFF_UP: u32 = 0x1;
/// `IFF_BROADCAST`: the interface has a broadcast address.
pub const IFF_BROADCAST: u32 = 0x2;
/// `IFF_LOOPBACK`.
pub const IFF_LOOPBACK: u32 = 0x8;
const IFF_RUNNING: u32 = 0x40;
const IFF_LOWER_UP: u32 = 0x1_0000;
const IFF_DORMANT: u32 = 0x2_0000;

/// `tun_flags` type bits: `IFF_TUN` and `IFF_TAP`.
const IFF_TUN: u32 = 0x1;
const IFF_TAP: u32 = 0x2;

/// One network interface as sysfs describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Link {
    pub name: String,
    pub ifindex: Option<u32>,
    /// The hardware address formatted as osquery does (six bytes).
    pub mac: String,
    /// The ARP hardware type (`ARPHRD_*`: 1 for Ethernet, 772 for loopback).
    pub kind: Option<i64>,
    pub mtu: Option<i64>,
    /// The interface flags as `getifaddrs` reports them (see [`effective_flags`]).
    pub flags: Option<u32>,
    pub stats: Stats,
    /// Link speed in Mb/s, 0 when unknown.
    pub speed: i64,
    /// The bus address of the device, as ethtool's `bus_info` (see [`Link::pci_slot`]).
    pub pci_slot: String,
}

/// The interface counters from `statistics/`; a counter the kernel does not expose is `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    pub rx_packets: Option<i64>,
    pub tx_packets: Option<i64>,
    pub rx_bytes: Option<i64>,
    pub tx_bytes: Option<i64>,
    pub rx_errors: Option<i64>,
    pub tx_errors: Option<i64>,
    pub rx_dropped: Option<i64>,
    pub tx_dropped: Option<i64>,
    pub collisions: Option<i64>,
}

const CLASS_NET: &str = "sys/class/net";

/// The interface names under `/sys/class/net`, in ifindex order (as netlink lists them).
pub fn names(root: &HostRoot) -> Result<Vec<String>, CollectError> {
    let mut named: Vec<(u32, String)> = Vec::new();
    for entry in root.list_dir(CLASS_NET)? {
        let name = lossy(&entry);
        let index = root
            .read_trimmed(format!("{CLASS_NET}/{name}/ifindex"))
            .optional()?
            .and_then(|s| s.parse().ok())
            .unwrap_or(u32::MAX);
        named.push((index, name));
    }
    named.sort();
    Ok(named.into_iter().map(|(_, n)| n).collect())
}

/// Every interface with the attributes `interface_details` needs; an interface
/// that vanishes while it is read is skipped.
pub fn read_all(root: &HostRoot) -> Result<Vec<Link>, CollectError> {
    let mut links = Vec::new();
    for name in names(root)? {
        if let Some(link) = read(root, &name).optional()? {
            links.push(link);
        }
    }
    Ok(links)
}

/// Reads one interface.
pub fn read(root: &HostRoot, name: &str) -> Result<Link, CollectError> {
    let dir = format!("{CLASS_NET}/{name}");
    // The directory itself must exist; single attributes may be unreadable.
    root.metadata(&dir)?;
    let attr = |a: &str| root.read_trimmed(format!("{dir}/{a}")).optional();
    let int = |a: &str| -> Result<Option<i64>, CollectError> {
        Ok(attr(a)?.and_then(|s| s.parse().ok()))
    };
    let dev_flags = attr("flags")?.and_then(|s| parse_hex(&s));
    let flags = dev_flags.map(|f| {
        effective_flags(
            f,
            attr("operstate").ok().flatten().as_deref(),
            int("carrier").ok().flatten() == Some(1),
            int("dormant").ok().flatten() == Some(1),
        )
    });
    let stat = |c: &str| int(&format!("statistics/{c}"));
    Ok(Link {
        name: name.to_owned(),
        ifindex: int("ifindex")?.and_then(|i| u32::try_from(i).ok()),
        mac: format_mac(attr("address")?.as_deref().unwrap_or("")),
        kind: int("type")?,
        mtu: int("mtu")?,
        flags,
        stats: Stats {
            rx_packets: stat("rx_packets")?,
            tx_packets: stat("tx_packets")?,
            rx_bytes: stat("rx_bytes")?,
            tx_bytes: stat("tx_bytes")?,
            rx_errors: stat("rx_errors")?,
            tx_errors: stat("tx_errors")?,
            rx_dropped: stat("rx_dropped")?,
            tx_dropped: stat("tx_dropped")?,
            collisions: stat("collisions")?,
        },
        // Reading `speed` fails with EINVAL while the link is down; osquery reports 0.
        speed: link_speed(attr("speed").ok().flatten().as_deref()),
        pci_slot: pci_slot(root, &dir, dev_flags.unwrap_or(0)),
    })
}

/// The interfaces by ifindex, with their device flags: what `getifaddrs` and
/// `if_indextoname` know about links, for the address and route tables.
pub fn by_index(root: &HostRoot) -> Result<HashMap<u32, (String, u32)>, CollectError> {
    let mut map = HashMap::new();
    for name in names(root)? {
        let dir = format!("{CLASS_NET}/{name}");
        let Some(index) = root
            .read_trimmed(format!("{dir}/ifindex"))
            .optional()?
            .and_then(|s| s.parse().ok())
        else {
            continue;
        };
        let flags = root
            .read_trimmed(format!("{dir}/flags"))
            .optional()?
            .and_then(|s| parse_hex(&s))
            .unwrap_or(0);
        map.insert(index, (name, flags));
    }
    Ok(map)
}

/// Parses sysfs's `0x1003` form.
pub fn parse_hex(s: &str) -> Option<u32> {
    u32::from_str_radix(s.trim().strip_prefix("0x")?, 16).ok()
}

/// The flags `getifaddrs` reports for a link (the kernel's `dev_get_flags`):
/// the device flags from sysfs, with `IFF_RUNNING`, `IFF_LOWER_UP` and
/// `IFF_DORMANT` derived from the operational state while the interface is up.
/// osquery then re-reads the administrative bits from sysfs, which changes nothing.
pub fn effective_flags(
    dev_flags: u32,
    operstate: Option<&str>,
    carrier: bool,
    dormant: bool,
) -> u32 {
    let mut flags = dev_flags & !(IFF_RUNNING | IFF_LOWER_UP | IFF_DORMANT);
    if dev_flags & IFF_UP != 0 {
        // `netif_oper_up`: the state is up, or the driver does not track it.
        if matches!(operstate, Some("up" | "unknown")) {
            flags |= IFF_RUNNING;
        }
        if carrier {
            flags |= IFF_LOWER_UP;
        }
        if dormant {
            flags |= IFF_DORMANT;
        }
    }
    flags
}

/// Formats a sysfs hardware address (`02:fc:00:00:00:01`, empty for links
/// without one) as osquery prints `SIOCGIFHWADDR`: exactly six lowercase bytes,
/// zero-filled.
pub fn format_mac(address: &str) -> String {
    let mut bytes: Vec<u8> = address
        .trim()
        .split(':')
        .filter(|b| !b.is_empty())
        .map(|b| u8::from_str_radix(b, 16).unwrap_or(0))
        .take(6)
        .collect();
    bytes.resize(6, 0);
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// The `speed` attribute in Mb/s; unknown (`-1`) or unreadable is 0, as in osquery.
pub fn link_speed(speed: Option<&str>) -> i64 {
    speed
        .and_then(|s| s.trim().parse::<i64>().ok())
        .filter(|s| *s >= 0 && *s != i64::from(u32::MAX))
        .unwrap_or(0)
}

/// ethtool's `bus_info`, which osquery reports as `pci_slot`.
///
/// Drivers of physical devices report their parent device's name (the PCI
/// address); virtio-net reports the virtio device's parent. Bridges report
/// `N/A`, tun devices `tun` or `tap`, other virtual links nothing, and the
/// loopback device supports no driver query at all, which osquery shows as `-1`.
fn pci_slot(root: &HostRoot, dir: &str, dev_flags: u32) -> String {
    let device = root.path(format!("{dir}/device"));
    if let Ok(real) = std::fs::canonicalize(&device) {
        let subsystem = std::fs::read_link(real.join("subsystem")).ok();
        let on_virtio = subsystem
            .as_deref()
            .and_then(Path::file_name)
            .is_some_and(|s| s == "virtio");
        let named = if on_virtio {
            real.parent()
        } else {
            Some(real.as_path())
        };
        if let Some(name) = named.and_then(Path::file_name) {
            return name.to_string_lossy().into_owned();
        }
    }
    if root.metadata(format!("{dir}/bridge")).is_ok() {
        return "N/A".to_owned();
    }
    if let Ok(Some(tun)) = root
        .read_trimmed(format!("{dir}/tun_flags"))
        .map(|s| parse_hex(&s))
    {
        match tun & (IFF_TUN | IFF_TAP) {
            IFF_TUN => return "tun".to_owned(),
            IFF_TAP => return "tap".to_owned(),
            _ => {}
        }
    }
    if dev_flags & IFF_LOOPBACK != 0 {
        return "-1".to_owned();
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_add_the_operational_bits_while_up() {
        // eth0 up with carrier: UP|BROADCAST|MULTICAST plus RUNNING and LOWER_UP.
        assert_eq!(effective_flags(0x1003, Some("up"), true, false), 0x11043);
        // lo: the operational state is "unknown", which counts as running.
        assert_eq!(effective_flags(0x9, Some("unknown"), true, false), 65609);
        // Down: nothing is derived, even if sysfs were to show stale bits.
        assert_eq!(
            effective_flags(0x1002 | IFF_RUNNING, Some("down"), false, false),
            0x1002
        );
        assert_eq!(
            effective_flags(0x1003, Some("lowerlayerdown"), false, true),
            0x21003
        );
        assert_eq!(effective_flags(0x1003, None, false, false), 0x1003);
    }

    #[test]
    fn mac_is_six_zero_padded_bytes() {
        assert_eq!(format_mac("02:FC:00:00:00:01\n"), "02:fc:00:00:00:01");
        assert_eq!(format_mac(""), "00:00:00:00:00:00");
        // An IPv4 tunnel's 4-byte address, and an InfiniBand 20-byte one.
        assert_eq!(format_mac("0a:00:00:01"), "0a:00:00:01:00:00");
        assert_eq!(
            format_mac("80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0f:a1:b1"),
            "80:00:02:08:fe:80"
        );
        assert_eq!(format_mac("zz:1"), "00:01:00:00:00:00");
    }

    #[test]
    fn speed_unknown_is_zero() {
        assert_eq!(link_speed(Some("1000\n")), 1000);
        assert_eq!(link_speed(Some("-1")), 0);
        assert_eq!(link_speed(Some("4294967295")), 0);
        assert_eq!(link_speed(None), 0);
        assert_eq!(link_speed(Some("fast")), 0);
    }

    #[test]
    fn hex_flags() {
        assert_eq!(parse_hex("0x1003\n"), Some(0x1003));
        assert_eq!(parse_hex("1003"), None);
        assert_eq!(parse_hex("0x"), None);
    }

    #[test]
    fn live_host_has_loopback() {
        let links = read_all(&HostRoot::live()).expect("links");
        let lo = links.iter().find(|l| l.name == "lo").expect("lo");
        assert_eq!(lo.kind, Some(772));
        assert_eq!(lo.mac, "00:00:00:00:00:00");
        assert_eq!(lo.pci_slot, "-1");
        let by_index = by_index(&HostRoot::live()).expect("index");
        assert!(
            by_index
                .values()
                .any(|(n, f)| n == "lo" && f & IFF_LOOPBACK != 0)
        );
    }
}
