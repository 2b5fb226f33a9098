//! The hex addresses and ports of the kernel's socket tables, printed as
//! osquery prints them with `inet_ntop`.
//!
//! The kernel prints each 32-bit word of an address as the host sees it in
//! memory (`0100007F` is 127.0.0.1 on a little-endian machine), so a word is
//! turned back into bytes in native order, exactly as osquery's `sscanf` does.

use std::fmt::Write as _;

/// Decodes `0100007F` into `127.0.0.1`; anything but eight hex digits gives
/// an empty string, as in osquery.
pub fn ipv4(hex: &str) -> String {
    match word(hex) {
        Some(w) if hex.len() == 8 => {
            let [a, b, c, d] = w.to_ne_bytes();
            format!("{a}.{b}.{c}.{d}")
        }
        _ => String::new(),
    }
}

/// Decodes 32 hex digits into an IPv6 address printed as glibc's `inet_ntop`
/// prints it; anything else gives an empty string, as in osquery.
pub fn ipv6(hex: &str) -> String {
    if hex.len() != 32 || !hex.is_ascii() {
        return String::new();
    }
    let mut bytes = [0u8; 16];
    for (i, chunk) in bytes.chunks_exact_mut(4).enumerate() {
        match word(&hex[i * 8..i * 8 + 8]) {
            Some(w) => chunk.copy_from_slice(&w.to_ne_bytes()),
            None => return String::new(),
        }
    }
    format_ipv6(&bytes)
}

/// Decodes a four-digit hex port (`18EB` is 6379); anything else is 0, as in osquery.
pub fn port(hex: &str) -> u16 {
    if hex.len() != 4 {
        return 0;
    }
    u16::from_str_radix(hex, 16).unwrap_or(0)
}

fn word(hex: &str) -> Option<u32> {
    if hex.is_empty() || hex.len() > 8 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(hex, 16).ok()
}

/// glibc's `inet_ntop(AF_INET6)`: lowercase hex words, the leftmost longest
/// run of two or more zero words shortened to `::`, and a dotted IPv4 tail
/// for IPv4-compatible (`::10.0.0.1`) and IPv4-mapped (`::ffff:10.0.0.1`)
/// addresses. Rust's `Ipv6Addr` display differs on the IPv4-compatible form.
pub fn format_ipv6(bytes: &[u8; 16]) -> String {
    let words: [u16; 8] =
        std::array::from_fn(|i| u16::from_be_bytes([bytes[2 * i], bytes[2 * i + 1]]));
    let best = longest_zero_run(&words);

    let mut out = String::with_capacity(39);
    let mut i = 0;
    while i < 8 {
        match best {
            Some((base, len)) if i == base => {
                out.push(':');
                i += len;
                continue;
            }
            _ => {}
        }
        if i != 0 {
            out.push(':');
        }
        let ipv4_tail = i == 6
            && best.is_some_and(|(base, len)| {
                base == 0 && (len == 6 || (len == 5 && words[5] == 0xffff))
            });
        if ipv4_tail {
            let _ = write!(
                out,
                "{}.{}.{}.{}",
                bytes[12], bytes[13], bytes[14], bytes[15]
            );
            return out;
        }
        let _ = write!(out, "{:x}", words[i]);
        i += 1;
    }
    if best.is_some_and(|(base, len)| base + len == 8) {
        out.push(':');
    }
    out
}

/// The leftmost longest run of two or more zero words, as (start, length).
fn longest_zero_run(words: &[u16; 8]) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    let mut i = 0;
    while i < words.len() {
        if words[i] != 0 {
            i += 1;
            continue;
        }
        let start = i;
        while i < words.len() && words[i] == 0 {
            i += 1;
        }
        let len = i - start;
        if best.is_none_or(|(_, longest)| len > longest) {
            best = Some((start, len));
        }
    }
    best.filter(|&(_, len)| len >= 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The kernel's rendering of an address on this (little-endian) machine.
    fn kernel_hex(bytes: [u8; 16]) -> String {
        bytes
            .chunks_exact(4)
            .map(|c| format!("{:08X}", u32::from_ne_bytes([c[0], c[1], c[2], c[3]])))
            .collect()
    }

    #[test]
    fn ipv4_addresses_and_ports() {
        assert_eq!(
            ipv4(&format!("{:08X}", u32::from_ne_bytes([127, 0, 0, 1]))),
            "127.0.0.1"
        );
        assert_eq!(ipv4("00000000"), "0.0.0.0");
        assert_eq!(ipv4("0100007"), "");
        assert_eq!(ipv4("0100007G"), "");
        assert_eq!(ipv4("+100007F"), "");
        assert_eq!(port("18EB"), 6379);
        assert_eq!(port("0000"), 0);
        assert_eq!(port("18E"), 0);
        assert_eq!(port("ZZZZ"), 0);
    }

    #[test]
    fn ipv6_matches_glibc_inet_ntop() {
        // Expected strings are Python's socket.inet_ntop (glibc) on the same bytes.
        let cases: [([u8; 16], &str); 10] = [
            ([0; 16], "::"),
            ([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], "::1"),
            ([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2], "::2"),
            (
                [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 2, 15],
                "::ffff:10.0.2.15",
            ),
            (
                [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 1],
                "::10.0.0.1",
            ),
            (
                [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0],
                "::0.1.0.0",
            ),
            (
                [
                    0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x50, 0x54, 0, 0xff, 0xfe, 0x12, 0x34, 0x56,
                ],
                "fe80::5054:ff:fe12:3456",
            ),
            (
                [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                "2001:db8::",
            ),
            (
                [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0],
                "2001:db8::1:0:0",
            ),
            (
                [0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6],
                "2001:db8:1:2:3:4:5:6",
            ),
        ];
        for (bytes, expected) in cases {
            assert_eq!(format_ipv6(&bytes), expected, "{bytes:?}");
            assert_eq!(ipv6(&kernel_hex(bytes)), expected, "{bytes:?}");
        }
        // A single zero word is not shortened.
        let one_zero = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1];
        assert_eq!(format_ipv6(&one_zero), "2001:db8:0:1:1:1:1:1");
    }

    #[test]
    fn malformed_ipv6_is_empty() {
        assert_eq!(ipv6(""), "");
        assert_eq!(ipv6("0000000000000000FFFF00000F02000"), "");
        assert_eq!(ipv6("0000000000000000FFFF00000F02000X"), "");
        assert_eq!(ipv6("éééééééééééééééé"), "");
    }
}
