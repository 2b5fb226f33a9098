//! `interface_addresses`: the IPv4 and IPv6 addresses of every interface, as `getifaddrs` lists them.
//!
//! On the live host the addresses come from an rtnetlink dump, read with
//! glibc's rules. IPv4 addresses have no file form, so on a fixture root only
//! the IPv6 addresses of `/proc/net/if_inet6` appear.

use hostgres_collectors::CollectError;
use hostgres_collectors::network::addresses;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct InterfaceAddresses;

static SCHEMA: Schema = Schema {
    name: "interface_addresses",
    doc: "Network interfaces and their associated addresses.",
    columns: &[
        col(
            "interface",
            Text,
            "Interface name; an IPv4 address's label (eth0:1) when it has one.",
        ),
        col(
            "address",
            Text,
            "Specific address; link-local IPv6 addresses carry their scope (fe80::1%eth0).",
        ),
        col(
            "mask",
            Text,
            "Interface netmask (255.255.255.0, ffff:ffff:ffff:ffff::).",
        ),
        col(
            "broadcast",
            Text,
            "Broadcast address for the interface, on interfaces that broadcast.",
        ),
        col(
            "point_to_point",
            Text,
            "PtP address for the interface (the loopback address itself on lo).",
        ),
        col(
            "type",
            Text,
            "Type of address: always unknown on Linux, as in osquery.",
        ),
    ],
};

impl Table for InterfaceAddresses {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        for a in addresses::read(cx.root(), &|| cx.check_interrupt())? {
            out.row()
                .set("interface", a.interface)
                .set("address", a.address)
                .set("mask", a.mask)
                .set("broadcast", a.broadcast)
                .set("point_to_point", a.point_to_point)
                .set("type", "unknown");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{fixture_query, live_query, strings};

    #[test]
    fn reads_the_fixture_host() {
        // IPv4 addresses exist only over netlink, which a fixture root does not
        // have; the IPv6 ones come from /proc/net/if_inet6. The IPv4 and
        // broadcast/peer rules are unit-tested in the collector.
        let rows = fixture_query(
            "basic",
            "SELECT interface, address, mask, broadcast, point_to_point, type \
             FROM interface_addresses",
        );
        assert_eq!(
            strings(&rows),
            vec![
                vec![
                    "eth0",
                    "fe80::fc:ff:fe00:1%eth0",
                    "ffff:ffff:ffff:ffff::",
                    "",
                    "",
                    "unknown"
                ],
                vec![
                    "lo",
                    "::1",
                    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                    "",
                    "",
                    "unknown"
                ],
                vec![
                    "eth0",
                    "fd00::2",
                    "ffff:ffff:ffff:ffff::",
                    "",
                    "",
                    "unknown"
                ],
            ]
        );
    }

    #[test]
    fn live_addresses_are_well_formed() {
        let rows = strings(&live_query(
            "SELECT interface, address, mask, broadcast, point_to_point FROM interface_addresses",
        ));
        assert!(
            rows.iter()
                .any(|r| r[0] == "lo" && r[1] == "127.0.0.1" && r[2] == "255.0.0.0"),
            "{rows:?}"
        );
        for r in &rows {
            assert!(!r[0].is_empty(), "{r:?}");
            let address = r[1].split('%').next().unwrap_or_default();
            let ip: std::net::IpAddr = address.parse().expect("address is an IP");
            let mask: std::net::IpAddr = r[2].parse().expect("mask is an IP");
            assert_eq!(ip.is_ipv4(), mask.is_ipv4(), "{r:?}");
            // Never both a broadcast and a peer address.
            assert!(r[3].is_empty() || r[4].is_empty(), "{r:?}");
        }
    }
}
