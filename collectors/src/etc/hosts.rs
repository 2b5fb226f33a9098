//! `/etc/hosts`: static host name to address mappings, split as osquery splits them.

use crate::etc::fields::osquery_split;
use crate::{CollectError, HostRoot};

/// One mapping line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostsEntry {
    pub address: String,
    /// The names, joined by one space; `None` when the line has only an
    /// address, and empty when a comment follows the address directly.
    pub hostnames: Option<String>,
}

/// Reads the host's `/etc/hosts`.
pub fn read(root: &HostRoot) -> Result<Vec<HostsEntry>, CollectError> {
    Ok(parse(&root.read_string("etc/hosts")?))
}

/// Parses a hosts file: blank lines and lines starting with `#` are skipped;
/// a `#` word ends the names. The address is not validated, as osquery does not.
pub fn parse(text: &str) -> Vec<HostsEntry> {
    osquery_split(text, &['\n'])
        .filter_map(|line| {
            let mut words = osquery_split(line, &[' ', '\t']);
            let address = words.next()?;
            if address.starts_with('#') {
                return None;
            }
            let mut words = words.peekable();
            let hostnames = words.peek().is_some().then(|| {
                words
                    .take_while(|w| !w.starts_with('#'))
                    .collect::<Vec<_>>()
                    .join(" ")
            });
            Some(HostsEntry {
                address: address.to_owned(),
                hostnames,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(address: &str, hostnames: Option<&str>) -> HostsEntry {
        HostsEntry {
            address: address.into(),
            hostnames: hostnames.map(str::to_owned),
        }
    }

    #[test]
    fn parses_addresses_names_and_comments() {
        let text = "# The following lines are desirable for IPv6 capable hosts\n\
                    127.0.0.1\tlocalhost\n\
                    \n\
                    127.0.1.1   vm.example.org \t vm   # this host\n\
                    ::1     localhost ip6-localhost ip6-loopback\r\n\
                    \t  # indented comment\n\
                    10.0.0.1\n\
                    10.0.0.2 #only a comment\n";
        assert_eq!(
            parse(text),
            vec![
                entry("127.0.0.1", Some("localhost")),
                entry("127.0.1.1", Some("vm.example.org vm")),
                entry("::1", Some("localhost ip6-localhost ip6-loopback")),
                entry("10.0.0.1", None),
                entry("10.0.0.2", Some("")),
            ]
        );
    }

    #[test]
    fn empty_and_hostile_text() {
        assert!(parse("").is_empty());
        assert!(parse("\n\n   \n#\n").is_empty());
        assert_eq!(parse("\u{fffd}\u{fffd} x")[0].address, "\u{fffd}\u{fffd}");
    }
}
