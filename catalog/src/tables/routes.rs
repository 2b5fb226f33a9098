//! `routes`: every routing table of both IP families, over rtnetlink as osquery reads them.

use hostgres_collectors::CollectError;
use hostgres_collectors::network::routes;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct Routes;

static SCHEMA: Schema = Schema {
    name: "routes",
    doc: "The active route table for the host system.",
    columns: &[
        col(
            "destination",
            Text,
            "Destination IP address (0.0.0.0 or :: for a default route).",
        ),
        col(
            "netmask",
            Integer,
            "Destination prefix length; 0 for default and host (/32, /128) routes, as in osquery.",
        ),
        col(
            "gateway",
            Text,
            "Next-hop gateway address, NULL for directly connected routes.",
        ),
        col(
            "source",
            Text,
            "Preferred source address, if the route has one.",
        ),
        col(
            "flags",
            Integer,
            "Route flags (rtm_flags: RTNH_F_* and RTM_F_* bits).",
        ),
        col("interface", Text, "Output interface name."),
        col(
            "mtu",
            Integer,
            "Path MTU set on the route, 0 when none is set.",
        ),
        col(
            "metric",
            Integer,
            "Route priority (lower is preferred); IPv6 kernel routes use 256.",
        ),
        col(
            "type",
            Text,
            "Route type: gateway (any unicast route), local, broadcast, anycast or other.",
        )
        .additional(),
        col(
            "hopcount",
            Integer,
            "Hop limit set on the route, 0 when none is set.",
        ),
    ],
};

impl Table for Routes {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        for r in routes::read(cx.root(), &|| cx.check_interrupt())? {
            out.row()
                .set("destination", r.destination)
                .set("netmask", r.netmask)
                .set("gateway", r.gateway)
                .set("source", r.source)
                .set("flags", r.flags)
                .set("interface", r.interface)
                .set("mtu", r.mtu)
                .set("metric", r.metric)
                .set("type", r.kind)
                .set("hopcount", r.hopcount);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{fixture_query, live_query, strings};

    #[test]
    fn reads_the_fixture_host() {
        // A fixture root has no netlink: the main IPv4 table comes from
        // /proc/net/route, IPv6 (with its local table) from /proc/net/ipv6_route.
        let rows = fixture_query(
            "basic",
            "SELECT destination, netmask, gateway, source, flags, interface, mtu, metric, type, hopcount \
             FROM routes",
        );
        let row = |d: &str, n: &str, g: &str, i: &str, m: &str, t: &str| {
            [d, n, g, "", "0", i, "0", m, t, "0"]
                .map(String::from)
                .to_vec()
        };
        assert_eq!(
            strings(&rows),
            vec![
                row("0.0.0.0", "0", "192.0.2.1", "eth0", "0", "gateway"),
                row("192.0.2.0", "24", "", "eth0", "0", "gateway"),
                row("172.17.0.0", "16", "", "docker0", "0", "gateway"),
                row("fd00::", "64", "", "eth0", "256", "gateway"),
                row("fe80::", "64", "", "eth0", "256", "gateway"),
                row("::", "0", "fd00::1", "eth0", "1024", "gateway"),
                row("::1", "0", "", "lo", "0", "local"),
                row("fd00::2", "0", "", "eth0", "0", "local"),
                row("fe80::fc:ff:fe00:1", "0", "", "eth0", "0", "local"),
                row("ff00::", "8", "", "eth0", "256", "other"),
            ]
        );
    }

    #[test]
    fn default_gateway_query() {
        let rows = fixture_query(
            "basic",
            "SELECT gateway, interface FROM routes WHERE destination = '0.0.0.0' AND netmask = 0",
        );
        assert_eq!(strings(&rows), vec![vec!["192.0.2.1", "eth0"]]);
    }

    #[test]
    fn live_routes_are_well_formed() {
        let rows = strings(&live_query(
            "SELECT destination, netmask, gateway, interface, type FROM routes",
        ));
        // Every namespace has the loopback's local route.
        assert!(
            rows.iter()
                .any(|r| r[0] == "127.0.0.1" && r[3] == "lo" && r[4] == "local"),
            "{rows:?}"
        );
        for r in &rows {
            let dest: std::net::IpAddr = r[0].parse().expect("destination is an IP");
            let mask: u32 = r[1].parse().expect("netmask is a number");
            assert!(mask <= if dest.is_ipv4() { 32 } else { 128 }, "{r:?}");
            if !r[2].is_empty() {
                assert!(r[2].parse::<std::net::IpAddr>().is_ok(), "{r:?}");
            }
            assert!(
                ["gateway", "local", "broadcast", "anycast", "other"].contains(&r[4].as_str()),
                "{r:?}"
            );
        }
    }
}
