//! `dns_resolvers`: the resolver configuration glibc's `res_init` reads from `/etc/resolv.conf`.
//!
//! Rows come in osquery's order: name servers, sort list, search domains.
//! Three values differ from osquery on purpose, where osquery's own output
//! is a by-product of reading `_res` the wrong way: an IPv6 name server has
//! its address (osquery gives an empty string, as it reads only the IPv4
//! slot), a sort list entry has its address and its mask length (osquery
//! formats the `in_addr` as a `sockaddr`, which yields an empty string, and
//! prints the raw mask word), and each search row has its own domain
//! (osquery repeats the first one).

use hostgres_collectors::CollectError;
use hostgres_collectors::etc::resolv_conf;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct DnsResolvers;

static SCHEMA: Schema = Schema {
    name: "dns_resolvers",
    doc: "Resolvers used by this host (/etc/resolv.conf as glibc's res_init reads it): \
          name servers, sort list and search domains.",
    columns: &[
        col(
            "id",
            Integer,
            "Position of the entry within its type, from 0.",
        ),
        col("type", Text, "Entry type: nameserver, sortlist or search."),
        col(
            "address",
            Text,
            "Name server IP address, sort list network, or search domain.",
        ),
        col(
            "netmask",
            Text,
            "Netmask length: 32 for a name server, the mask's length for a sort list entry, \
             NULL for a search domain.",
        ),
        col(
            "options",
            BigInt,
            "Resolver options bitmask (glibc's _res.options, RES_* flags); 705 by default.",
        ),
        col(
            "pid_with_namespace",
            Integer,
            "Read the configuration inside the mount namespace of this process.",
        )
        .additional()
        .hidden(),
    ],
};

impl Table for DnsResolvers {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let c = resolv_conf::read(cx.root())?;
        for (id, address) in c.nameservers.iter().enumerate() {
            out.row()
                .set("id", id)
                .set("type", "nameserver")
                .set("address", address.to_string())
                .set("netmask", "32")
                .set("options", c.options);
        }
        for (id, entry) in c.sortlist.iter().enumerate() {
            out.row()
                .set("id", id)
                .set("type", "sortlist")
                .set("address", entry.address.to_string())
                .set("netmask", resolv_conf::mask_length(entry.mask))
                .set("options", c.options);
        }
        for (id, domain) in c.search.iter().enumerate() {
            out.row()
                .set("id", id)
                .set("type", "search")
                .set("address", domain.as_str())
                .set("options", c.options);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::net::IpAddr;

    use crate::testing::{fixture_query, live_query, strings};

    #[test]
    fn reads_the_fixture_resolv_conf() {
        let rows = fixture_query(
            "basic",
            "SELECT id, type, address, netmask, options FROM dns_resolvers",
        );
        // glibc 2.36's res_init gave 68158145 (RES_DEFAULT | RES_INIT |
        // RES_USE_EDNS0 | RES_TRUSTAD) for this file.
        assert_eq!(
            strings(&rows),
            vec![
                vec!["0", "nameserver", "10.255.255.53", "32", "68158145"],
                vec!["1", "nameserver", "2606:4700:4700::1111", "32", "68158145"],
                vec!["0", "sortlist", "192.168.1.0", "24", "68158145"],
                vec!["1", "sortlist", "10.0.0.0", "8", "68158145"],
                vec!["0", "search", "corp.example", "", "68158145"],
                vec!["1", "search", "example.org", "", "68158145"],
            ]
        );
        let null_mask = fixture_query(
            "basic",
            "SELECT count(*) FROM dns_resolvers WHERE type = 'search' AND netmask IS NULL",
        );
        assert_eq!(strings(&null_mask), vec![vec!["2"]]);
    }

    #[test]
    fn live_host_has_a_nameserver() {
        let rows = live_query("SELECT id, type, address, netmask, options FROM dns_resolvers");
        let nameservers: Vec<_> = rows
            .iter()
            .filter(|r| r[1].to_string() == "nameserver")
            .collect();
        // glibc falls back to 127.0.0.1, so there is always one, and at most three.
        assert!((1..=3).contains(&nameservers.len()));
        for r in &nameservers {
            assert!(r[2].to_string().parse::<IpAddr>().is_ok(), "{r:?}");
            assert_eq!(r[3].to_string(), "32");
        }
        for r in &rows {
            let options = r[4].as_i64().expect("options is an integer");
            assert_eq!(options & 1, 1, "RES_INIT is set");
            assert!(["nameserver", "sortlist", "search"].contains(&r[1].to_string().as_str()));
        }
    }
}
