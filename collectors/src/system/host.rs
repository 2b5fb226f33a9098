//! The host's names, machine architecture and stable identifier.

use md5::{Digest, Md5};

use crate::{CollectError, HostRoot, OptionalExt, lossy};

/// The kernel's host name (what `gethostname` returns), from `/proc/sys/kernel/hostname`.
pub fn hostname(root: &HostRoot) -> Result<Option<String>, CollectError> {
    root.read_trimmed("proc/sys/kernel/hostname").optional()
}

/// The fully qualified name of `hostname` as the resolver's `files` source
/// gives it: the canonical (first) name of the first `/etc/hosts` line that
/// lists `hostname`, or `hostname` itself.
pub fn fqdn(root: &HostRoot, hostname: &str) -> Result<String, CollectError> {
    let hosts = root.read_string("etc/hosts").optional()?;
    Ok(hosts
        .and_then(|text| canonical_name(&text, hostname))
        .unwrap_or_else(|| hostname.to_owned()))
}

/// The canonical name of `name` in the text of an `/etc/hosts` file
/// (names compare case-insensitively, as the C library compares them).
pub fn canonical_name(hosts: &str, name: &str) -> Option<String> {
    hosts.lines().find_map(|line| {
        let line = line.split('#').next().unwrap_or("");
        let mut fields = line.split_ascii_whitespace();
        fields.next()?; // the address
        let names: Vec<&str> = fields.collect();
        names
            .iter()
            .any(|n| n.eq_ignore_ascii_case(name))
            .then(|| names[0].to_owned())
    })
}

/// The machine hardware name (`uname -m`, such as `x86_64`).
///
/// `uname` describes the running kernel, so a fixture root supplies it as
/// `/proc/sys/kernel/arch`, which recent kernels also provide.
pub fn machine(root: &HostRoot) -> Result<Option<String>, CollectError> {
    if root.is_live() {
        let uts = rustix::system::uname();
        return Ok(Some(lossy(uts.machine().to_bytes())));
    }
    root.read_trimmed("proc/sys/kernel/arch").optional()
}

/// Firmware UUIDs that many boards ship instead of a real one (osquery's list).
const PLACEHOLDER_UUIDS: [&str; 4] = [
    "00000000-0000-0000-0000-000000000000",
    "03000200-0400-0500-0006-000700080009",
    "03020100-0504-0706-0809-0a0b0c0d0e0f",
    "10000000-0000-8000-0040-000000000000",
];

/// The RFC 4122 namespace for names that are DNS names.
const DNS_NAMESPACE: [u8; 16] = [
    0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8,
];

/// Reads the host UUID: see [`host_uuid`].
pub fn read_uuid(root: &HostRoot, hostname: &str) -> Result<String, CollectError> {
    let product = root
        .read_trimmed("sys/class/dmi/id/product_uuid")
        .optional()?;
    let mut machine_id = root.read_trimmed("etc/machine-id").optional()?;
    if machine_id.as_deref().and_then(machine_id_uuid).is_none() {
        machine_id = root.read_trimmed("var/lib/dbus/machine-id").optional()?;
    }
    Ok(host_uuid(
        product.as_deref(),
        machine_id.as_deref(),
        hostname,
    ))
}

/// A stable UUID for the host, always well formed: the firmware's product UUID
/// (as osquery reports it) unless it is missing, malformed or a known
/// placeholder; else the systemd machine ID written as a UUID; else a UUID
/// derived from the host name (version 3, in the DNS namespace).
///
/// osquery generates and stores a random UUID in the fallback cases; hostgres
/// keeps no state, so it derives one from what the host already has.
pub fn host_uuid(product_uuid: Option<&str>, machine_id: Option<&str>, hostname: &str) -> String {
    if let Some(uuid) =
        product_uuid.map(|u| u.trim_matches(|c: char| c.is_whitespace() || c == '\0'))
    {
        let lower = uuid.to_ascii_lowercase();
        if is_uuid(uuid) && !PLACEHOLDER_UUIDS.contains(&lower.as_str()) {
            return uuid.to_owned();
        }
    }
    if let Some(uuid) = machine_id.and_then(machine_id_uuid) {
        return uuid;
    }
    let mut hasher = Md5::new();
    hasher.update(DNS_NAMESPACE);
    hasher.update(hostname.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&hasher.finalize()[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x30;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    format_uuid(&bytes.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

/// A machine ID (32 hexadecimal digits) written as a UUID; `None` if it is not one.
fn machine_id_uuid(id: &str) -> Option<String> {
    let id = id.trim();
    (id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| format_uuid(&id.to_ascii_lowercase()))
}

/// Inserts the dashes of the 8-4-4-4-12 form into 32 hexadecimal digits.
fn format_uuid(hex: &str) -> String {
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// True for the 8-4-4-4-12 hexadecimal form.
pub fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_names_come_from_hosts() {
        let hosts = "127.0.0.1 localhost\n# 10.0.0.1 db\n127.0.1.1\tdb.example.com db # me\n::1 ip6-localhost\n";
        assert_eq!(
            canonical_name(hosts, "db").as_deref(),
            Some("db.example.com")
        );
        assert_eq!(
            canonical_name(hosts, "DB.example.com").as_deref(),
            Some("db.example.com")
        );
        assert_eq!(canonical_name(hosts, "web"), None);
        assert_eq!(canonical_name("garbage\n\n#\n", "garbage"), None);
    }

    #[test]
    fn product_uuid_wins_unless_it_is_a_placeholder() {
        let real = "4c4c4544-0058-4b10-8032-b7c04f515432";
        assert_eq!(
            host_uuid(Some(real), Some("3d1219c7c4c5404aaa1f6d2a48adfda4"), "h"),
            real
        );
        assert_eq!(
            host_uuid(
                Some("03000200-0400-0500-0006-000700080009"),
                Some("3D1219C7C4C5404AAA1F6D2A48ADFDA4"),
                "h"
            ),
            "3d1219c7-c4c5-404a-aa1f-6d2a48adfda4"
        );
        assert_eq!(
            host_uuid(
                Some("Not Settable"),
                Some("3d1219c7c4c5404aaa1f6d2a48adfda4\n"),
                "h"
            ),
            "3d1219c7-c4c5-404a-aa1f-6d2a48adfda4"
        );
    }

    #[test]
    fn without_ids_the_uuid_derives_from_the_host_name() {
        // Python: uuid.uuid3(uuid.NAMESPACE_DNS, "python.org").
        assert_eq!(
            host_uuid(None, None, "python.org"),
            "6fa459ea-ee8a-3ca4-894e-db77e160355e"
        );
        let u = host_uuid(None, Some("short"), "db-primary");
        assert!(is_uuid(&u), "{u}");
        assert_eq!(u, host_uuid(Some(""), None, "db-primary"));
    }

    #[test]
    fn uuid_shape() {
        assert!(is_uuid("6fa459ea-ee8a-3ca4-894e-db77e160355e"));
        assert!(!is_uuid("6fa459ea-ee8a-3ca4-894e-db77e160355"));
        assert!(!is_uuid("6fa459eaee8a3ca4894edb77e160355e"));
        assert!(!is_uuid("zfa459ea-ee8a-3ca4-894e-db77e160355e"));
    }
}
