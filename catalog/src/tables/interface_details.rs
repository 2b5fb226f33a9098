//! `interface_details`: every network interface with its flags and counters, from `/sys/class/net`.

use hostgres_collectors::CollectError;
use hostgres_collectors::network::links;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct InterfaceDetails;

static SCHEMA: Schema = Schema {
    name: "interface_details",
    doc: "Detailed information and stats of network interfaces.",
    columns: &[
        col("interface", Text, "Interface name."),
        col(
            "mac",
            Text,
            "MAC address of the interface, 00:00:00:00:00:00 if it has none.",
        ),
        col(
            "type",
            Integer,
            "Interface hardware type (ARPHRD_*: 1 Ethernet, 772 loopback), including virtual ones.",
        ),
        col("mtu", Integer, "Network MTU in bytes."),
        col("metric", Integer, "Interface metric; always 0 on Linux."),
        col(
            "flags",
            Integer,
            "Interface flags (IFF_*), with the operational RUNNING, LOWER_UP and DORMANT bits.",
        ),
        col("ipackets", BigInt, "Input packets."),
        col("opackets", BigInt, "Output packets."),
        col("ibytes", BigInt, "Input bytes."),
        col("obytes", BigInt, "Output bytes."),
        col("ierrors", BigInt, "Input errors."),
        col("oerrors", BigInt, "Output errors."),
        col("idrops", BigInt, "Input drops."),
        col("odrops", BigInt, "Output drops."),
        col("collisions", BigInt, "Packet collisions detected."),
        col(
            "last_change",
            BigInt,
            "Time of the last device modification; Linux does not record it (-1).",
        ),
        col(
            "link_speed",
            BigInt,
            "Negotiated link speed in Mb/s, 0 when unknown or down.",
        ),
        col(
            "pci_slot",
            Text,
            "Bus address of the device as ethtool reports it; -1 for the loopback device.",
        ),
    ],
};

impl Table for InterfaceDetails {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        for l in links::read_all(cx.root())? {
            let s = l.stats;
            out.row()
                .set("interface", l.name)
                .set("mac", l.mac)
                .set("type", l.kind)
                .set("mtu", l.mtu)
                .set("metric", 0)
                .set("flags", l.flags.map(i64::from))
                .set("ipackets", s.rx_packets)
                .set("opackets", s.tx_packets)
                .set("ibytes", s.rx_bytes)
                .set("obytes", s.tx_bytes)
                .set("ierrors", s.rx_errors)
                .set("oerrors", s.tx_errors)
                .set("idrops", s.rx_dropped)
                .set("odrops", s.tx_dropped)
                .set("collisions", s.collisions)
                .set("last_change", -1)
                .set("link_speed", l.speed)
                .set("pci_slot", l.pci_slot);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{fixture_query, live_query, strings};

    #[test]
    fn reads_the_fixture_host() {
        let rows = fixture_query("basic", "SELECT * FROM interface_details");
        let joined: Vec<String> = strings(&rows).iter().map(|r| r.join("|")).collect();
        assert_eq!(
            joined,
            vec![
                "lo|00:00:00:00:00:00|772|65536|0|65609|29|29|3193|3193|0|0|0|0|0|-1|0|-1",
                // A bridge that is up without carrier: no RUNNING or LOWER_UP.
                "docker0|02:42:c0:00:02:01|1|1500|0|4099|0|0|0|0|0|0|0|0|0|-1|0|N/A",
                // virtio-net reports the PCI address of the virtio device's parent.
                "eth0|02:fc:00:00:00:01|1|1400|0|69699|5682|3397|104867954|344453|0|0|0|0|0|-1|0|0000:00:03.0",
            ]
        );
    }

    #[test]
    fn live_interfaces_include_loopback() {
        let rows = strings(&live_query(
            "SELECT interface, mac, type, mtu, flags, ibytes, obytes, link_speed FROM interface_details",
        ));
        let lo = rows.iter().find(|r| r[0] == "lo").expect("lo");
        assert_eq!(
            (lo[1].as_str(), lo[2].as_str()),
            ("00:00:00:00:00:00", "772")
        );
        for r in &rows {
            assert_eq!(r[1].len(), 17, "{r:?}");
            // A counter the kernel does not expose is NULL.
            for n in r[2..].iter().filter(|n| !n.is_empty()) {
                let v: i64 = n.parse().expect("numeric column");
                assert!(v >= 0, "{r:?}");
            }
        }
    }
}
