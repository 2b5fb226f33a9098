//! `etc_hosts`: the static host name mappings of `/etc/hosts`.

use hostgres_collectors::etc::hosts;
use hostgres_collectors::{CollectError, OptionalExt};

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct EtcHosts;

static SCHEMA: Schema = Schema {
    name: "etc_hosts",
    doc: "Line-parsed /etc/hosts: one row per address line, comments and blank lines skipped.",
    columns: &[
        col("address", Text, "IP address mapping, as written."),
        col(
            "hostnames",
            Text,
            "The names of the address, space-separated; NULL when the line has only an address.",
        ),
        col(
            "pid_with_namespace",
            Integer,
            "Read the file inside the mount namespace of this process.",
        )
        .additional()
        .hidden(),
    ],
};

impl Table for EtcHosts {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        for entry in hosts::read(cx.root()).optional()?.unwrap_or_default() {
            out.row()
                .set("address", entry.address)
                .set("hostnames", entry.hostnames);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::net::IpAddr;

    use crate::testing::{fixture_query, live_query, strings};

    #[test]
    fn reads_the_fixture_hosts() {
        let rows = fixture_query("basic", "SELECT address, hostnames FROM etc_hosts");
        assert_eq!(
            strings(&rows),
            vec![
                vec!["127.0.0.1", "localhost"],
                vec!["127.0.1.1", "vm.corp.example vm"],
                vec!["::1", "localhost ip6-localhost ip6-loopback"],
                vec!["ff02::1", "ip6-allnodes"],
                vec!["ff02::2", "ip6-allrouters"],
                vec!["10.0.0.5", "build.corp.example build"],
            ]
        );
    }

    #[test]
    fn live_localhost_maps_to_loopback() {
        let rows = live_query("SELECT address, hostnames FROM etc_hosts");
        let localhost: Vec<String> = rows
            .iter()
            .filter(|r| r[1].to_string().split(' ').any(|h| h == "localhost"))
            .map(|r| r[0].to_string())
            .collect();
        assert!(!localhost.is_empty(), "{rows:?}");
        for address in localhost {
            let ip: IpAddr = address.parse().expect("localhost address is an IP");
            assert!(ip.is_loopback(), "{ip}");
        }
    }
}
