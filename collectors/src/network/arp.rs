//! `/proc/net/arp`: the kernel's IPv4 neighbour (ARP) cache.

use crate::{CollectError, HostRoot};

/// `ATF_COM | ATF_PERM`: a completed, permanent (static) entry.
const COMPLETE_PERMANENT: u32 = 0x6;

/// One ARP cache entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArpEntry {
    pub address: String,
    pub mac: String,
    pub interface: String,
    /// True for a static entry: osquery calls an entry permanent when its flags
    /// are exactly `ATF_COM | ATF_PERM` (0x6).
    pub permanent: bool,
}

pub fn read(root: &HostRoot) -> Result<Vec<ArpEntry>, CollectError> {
    Ok(parse(&root.read_string("proc/net/arp")?))
}

/// Parses `/proc/net/arp`: a header line, then
/// `IP address  HW type  Flags  HW address  Mask  Device` per entry.
/// Lines without exactly six fields are skipped, as osquery does.
pub fn parse(text: &str) -> Vec<ArpEntry> {
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split_ascii_whitespace().collect();
            let [address, _hw_type, flags, mac, _mask, device] = f.as_slice() else {
                return None;
            };
            let flags = flags
                .strip_prefix("0x")
                .and_then(|h| u32::from_str_radix(h, 16).ok());
            Some(ArpEntry {
                address: (*address).to_owned(),
                mac: (*mac).to_owned(),
                interface: (*device).to_owned(),
                permanent: flags == Some(COMPLETE_PERMANENT),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_entries_and_permanence() {
        let text = "IP address       HW type     Flags       HW address            Mask     Device\n\
                    192.0.2.1        0x1         0x2         02:fc:00:00:00:05     *        eth0\n\
                    192.0.2.7        0x1         0x6         02:fc:00:00:00:07     *        eth0\n\
                    192.0.2.9        0x1         0x0         00:00:00:00:00:00     *        eth0\n\
                    192.0.2.10       0x1         0xc         02:fc:00:00:00:0a     *        eth0\n\
                    truncated line\n";
        let e = parse(text);
        assert_eq!(e.len(), 4);
        assert_eq!(
            e[0],
            ArpEntry {
                address: "192.0.2.1".into(),
                mac: "02:fc:00:00:00:05".into(),
                interface: "eth0".into(),
                permanent: false,
            }
        );
        assert!(e[1].permanent);
        assert!(!e[2].permanent);
        // A published proxy entry (ATF_PUBL | ATF_PERM) is not "0x6".
        assert!(!e[3].permanent);
    }

    #[test]
    fn header_only_or_empty() {
        assert!(parse("").is_empty());
        assert!(parse("IP address HW type Flags HW address Mask Device\n").is_empty());
    }
}
