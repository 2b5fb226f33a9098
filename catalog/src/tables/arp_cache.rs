//! `arp_cache`: the kernel's IPv4 neighbour (ARP) cache, from `/proc/net/arp`.

use hostgres_collectors::CollectError;
use hostgres_collectors::network::arp;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct ArpCache;

static SCHEMA: Schema = Schema {
    name: "arp_cache",
    doc: "The IPv4 address resolution (ARP) cache, both static and dynamic entries.",
    columns: &[
        col("address", Text, "IPv4 address of the neighbour."),
        col(
            "mac",
            Text,
            "MAC address of the neighbour, 00:00:00:00:00:00 while unresolved.",
        ),
        col("interface", Text, "Interface the neighbour was seen on."),
        col(
            "permanent",
            Text,
            "1 for a static entry (flags exactly ATF_COM | ATF_PERM), else 0.",
        ),
    ],
};

impl Table for ArpCache {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        for e in arp::read(cx.root())? {
            out.row()
                .set("address", e.address)
                .set("mac", e.mac)
                .set("interface", e.interface)
                .set("permanent", if e.permanent { "1" } else { "0" });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{fixture_query, live_query, strings};

    #[test]
    fn reads_the_fixture_host() {
        let rows = fixture_query(
            "basic",
            "SELECT address, mac, interface, permanent FROM arp_cache",
        );
        assert_eq!(
            strings(&rows),
            vec![
                vec!["192.0.2.1", "02:fc:00:00:00:05", "eth0", "0"],
                vec!["192.0.2.53", "02:fc:00:00:00:05", "eth0", "0"],
                vec!["192.0.2.10", "02:fc:00:00:00:0a", "eth0", "1"],
                vec!["192.0.2.99", "00:00:00:00:00:00", "eth0", "0"],
            ]
        );
    }

    #[test]
    fn duplicate_mac_query_finds_the_shared_address() {
        // The seed query that looks for one MAC answering for several addresses.
        let rows = fixture_query(
            "basic",
            "SELECT address, mac, count(mac) AS mac_count FROM arp_cache \
             GROUP BY mac HAVING count(mac) > 1",
        );
        assert_eq!(rows.len(), 1);
        let row = &strings(&rows)[0];
        assert_eq!(
            (row[1].as_str(), row[2].as_str()),
            ("02:fc:00:00:00:05", "2")
        );
        assert!(row[0] == "192.0.2.1" || row[0] == "192.0.2.53", "{row:?}");
    }

    #[test]
    fn live_entries_are_well_formed() {
        for row in strings(&live_query(
            "SELECT address, mac, interface, permanent FROM arp_cache",
        )) {
            assert!(row[0].parse::<std::net::Ipv4Addr>().is_ok(), "{row:?}");
            assert_eq!(row[1].len(), 17, "{row:?}");
            assert!(!row[2].is_empty(), "{row:?}");
            assert!(row[3] == "0" || row[3] == "1", "{row:?}");
        }
    }
}
