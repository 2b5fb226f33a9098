//! Who this host is and whether a query applies to it: the host identifier,
//! osquery's machine shard, platform and version checks.

use hostgres_collectors::HostRoot;
use hostgres_collectors::system::host;

use crate::config::{OSQUERY_VERSION, ScheduleConfig};

/// The identity of the host in log lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Identity {
    pub hostname: String,
    pub uuid: String,
    /// A random identifier of this daemon instance.
    pub instance_id: String,
}

impl Identity {
    pub fn read(root: &HostRoot) -> Identity {
        let hostname = host::hostname(root)
            .ok()
            .flatten()
            .unwrap_or_else(|| "localhost".to_owned());
        let uuid = host::read_uuid(root, &hostname).unwrap_or_default();
        let instance_id = {
            use rand::RngExt;
            let mut rng = rand::rng();
            let b: Vec<u8> = (0..16).map(|_| rng.random()).collect();
            format!(
                "{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
                b[0],
                b[1],
                b[2],
                b[3],
                b[4],
                b[5],
                b[6],
                b[7],
                b[8],
                b[9],
                b[10],
                b[11],
                b[12],
                b[13],
                b[14],
                b[15]
            )
        };
        Identity {
            hostname,
            uuid,
            instance_id,
        }
    }

    /// The `hostIdentifier` the configuration asks for.
    pub fn identifier(&self, config: &ScheduleConfig) -> String {
        match config.host_identifier.as_str() {
            "uuid" => self.uuid.clone(),
            "instance" | "ephemeral" => self.instance_id.clone(),
            "specified" => config.specified_identifier.clone().unwrap_or_default(),
            _ => self.hostname.clone(),
        }
    }
}

/// osquery's machine shard: the first byte of the MD5 of the hostname, modulo 100.
pub fn machine_shard(hostname: &str) -> u64 {
    use md5::{Digest, Md5};
    let digest = Md5::digest(hostname.as_bytes());
    u64::from(digest[0]) % 100
}

/// Whether a query with this `shard` runs here (osquery: shard 0 or absent
/// means every host; otherwise hosts whose shard is below it).
pub fn in_shard(shard: Option<u64>, hostname: &str) -> bool {
    match shard {
        None | Some(0) => true,
        Some(s) => machine_shard(hostname) < s,
    }
}

/// Whether an osquery `platform` string includes Linux.
pub fn platform_matches(platform: Option<&str>) -> bool {
    let Some(p) = platform else {
        return true;
    };
    let p = p.trim();
    if p.is_empty() {
        return true;
    }
    p.split(',').map(str::trim).any(|x| {
        matches!(
            x,
            "all" | "any" | "linux" | "posix" | "ubuntu" | "centos" | "debian" | "redhat"
        )
    })
}

/// Whether the osquery version hostgres follows is at least `version`.
pub fn version_matches(version: Option<&str>) -> bool {
    let Some(v) = version.map(str::trim).filter(|v| !v.is_empty()) else {
        return true;
    };
    let parse =
        |s: &str| -> Vec<u64> { s.split(['.', '-']).map_while(|p| p.parse().ok()).collect() };
    parse(OSQUERY_VERSION) >= parse(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platforms_and_versions() {
        assert!(platform_matches(None));
        assert!(platform_matches(Some("posix")));
        assert!(platform_matches(Some("darwin,linux")));
        assert!(!platform_matches(Some("darwin")));
        assert!(!platform_matches(Some("windows")));
        assert!(version_matches(Some("1.4.5")));
        assert!(version_matches(Some("5.12.1")));
        assert!(!version_matches(Some("9.0.0")));
    }

    #[test]
    fn shards_follow_the_hostname_digest() {
        // md5("web1") begins with 0x... ; the rule is what matters.
        let s = machine_shard("web1");
        assert!(s < 100);
        assert!(in_shard(Some(s + 1), "web1"));
        assert!(!in_shard(Some(s), "web1"));
        assert!(in_shard(Some(0), "web1"));
    }
}
