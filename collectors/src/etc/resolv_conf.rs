//! `/etc/resolv.conf`: the stub resolver's configuration, as glibc's `res_init`
//! leaves it in `_res`.
//!
//! osquery's `dns_resolvers` calls `res_init` and reads `_res`; this module
//! reproduces glibc 2.36's parser (`resolv/res_init.c`) and the limits
//! `__resolv_conf_attach` applies when it copies the configuration into
//! `_res`, so a fixture tree gives what `res_init` would give on that host:
//!
//! - `nameserver`: an IPv4 address in any `inet_aton` form, or an IPv6
//!   address with an optional `%scope`; words after the address are
//!   ignored. At most 3 are kept; with none, glibc uses 127.0.0.1.
//! - `domain` sets the search list to its first word; `search` to its words.
//!   The last of these lines wins; at most 6 domains are kept, and only
//!   while they fit in 256 bytes. With neither, the search list is the part
//!   of the host name after its first dot.
//! - `sortlist`: `address[/mask]` pairs (`&` also separates), at most 10;
//!   without a mask, the address's classful mask.
//! - `options`: flags OR-ed into the `_res.options` bitmask, which starts at
//!   `RES_INIT | RES_RECURSE | RES_DEFNAMES | RES_DNSRCH` (705). glibc
//!   matches option names by prefix (`rotate:2` sets `RES_ROTATE`) and
//!   ignores `ndots:`, `timeout:`, `attempts:` and unknown words for the
//!   bitmask. The `LOCALDOMAIN` and `RES_OPTIONS` environment variables of
//!   the reading process are not applied: they describe a process, not the host.
//!
//! A keyword must start its line and be followed by a space or a tab; lines
//! starting with `#` or `;` are comments.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::etc::fields::is_c_space;
use crate::{CollectError, HostRoot, OptionalExt};

/// `RES_INIT`: set once the state is initialized.
pub const RES_INIT: u64 = 0x0000_0001;
/// `RES_USEVC` (`options use-vc`): use TCP.
pub const RES_USEVC: u64 = 0x0000_0008;
/// `RES_RECURSE`: ask for recursion (default).
pub const RES_RECURSE: u64 = 0x0000_0040;
/// `RES_DEFNAMES`: append the default domain to single-label names (default).
pub const RES_DEFNAMES: u64 = 0x0000_0080;
/// `RES_DNSRCH`: use the search list (default).
pub const RES_DNSRCH: u64 = 0x0000_0200;
/// `RES_ROTATE` (`options rotate`): round-robin the name servers.
pub const RES_ROTATE: u64 = 0x0000_4000;
/// `RES_USE_EDNS0` (`options edns0`).
pub const RES_USE_EDNS0: u64 = 0x0010_0000;
/// `RES_SNGLKUP` (`options single-request`).
pub const RES_SNGLKUP: u64 = 0x0020_0000;
/// `RES_SNGLKUPREOP` (`options single-request-reopen`).
pub const RES_SNGLKUPREOP: u64 = 0x0040_0000;
/// `RES_NOTLDQUERY` (`options no-tld-query` or `no_tld_query`).
pub const RES_NOTLDQUERY: u64 = 0x0100_0000;
/// `RES_NORELOAD` (`options no-reload`).
pub const RES_NORELOAD: u64 = 0x0200_0000;
/// `RES_TRUSTAD` (`options trust-ad`).
pub const RES_TRUSTAD: u64 = 0x0400_0000;
/// `RES_NOAAAA` (`options no-aaaa`, glibc 2.36).
pub const RES_NOAAAA: u64 = 0x0800_0000;
/// The options of a resolver before `options` lines apply: `RES_DEFAULT | RES_INIT`.
pub const DEFAULT_OPTIONS: u64 = RES_INIT | RES_RECURSE | RES_DEFNAMES | RES_DNSRCH;

/// glibc's option words, in its matching order (the longer
/// `single-request-reopen` must be tried before its prefix `single-request`).
const OPTION_FLAGS: &[(&str, u64)] = &[
    ("rotate", RES_ROTATE),
    ("edns0", RES_USE_EDNS0),
    ("single-request-reopen", RES_SNGLKUPREOP),
    ("single-request", RES_SNGLKUP),
    ("no_tld_query", RES_NOTLDQUERY),
    ("no-tld-query", RES_NOTLDQUERY),
    ("no-reload", RES_NORELOAD),
    ("use-vc", RES_USEVC),
    ("trust-ad", RES_TRUSTAD),
    ("no-aaaa", RES_NOAAAA),
];

/// `MAXNS`: name servers kept in `_res`.
const MAX_NAMESERVERS: usize = 3;
/// `MAXDNSRCH`: search domains kept in `_res`.
const MAX_SEARCH: usize = 6;
/// `sizeof(_res.defdname)`: the search domains and their NULs must fit.
const SEARCH_BYTES: usize = 256;
/// `MAXRESOLVSORT`: sort list entries kept in `_res`.
const MAX_SORTLIST: usize = 10;

/// A `sortlist` entry: prefer answers in `address`/`mask`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortEntry {
    pub address: Ipv4Addr,
    pub mask: Ipv4Addr,
}

/// The resolver configuration `res_init` leaves in `_res`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolverConfig {
    pub nameservers: Vec<IpAddr>,
    pub sortlist: Vec<SortEntry>,
    pub search: Vec<String>,
    /// The `_res.options` bitmask (`RES_*`).
    pub options: u64,
}

/// Reads the host's `/etc/resolv.conf`. Like glibc, a missing or unreadable
/// file gives the defaults; the host name (for the default search domain)
/// comes from the kernel's UTS name.
pub fn read(root: &HostRoot) -> Result<ResolverConfig, CollectError> {
    let text = root.read("etc/resolv.conf").optional()?.unwrap_or_default();
    let hostname = root.read_trimmed("proc/sys/kernel/hostname").ok();
    Ok(parse(&text, hostname.as_deref()))
}

/// Parses resolv.conf text; `hostname` supplies the default search domain.
pub fn parse(text: &[u8], hostname: Option<&str>) -> ResolverConfig {
    let mut nameservers = Vec::new();
    let mut sortlist = Vec::new();
    let mut search: Vec<String> = Vec::new();
    let mut options = DEFAULT_OPTIONS;

    for line in text.split(|&b| b == b'\n') {
        // C strings end at the first NUL.
        let line = line.split(|&b| b == 0).next().unwrap_or_default();
        if matches!(line.first(), Some(b'#' | b';')) {
            continue;
        }
        if let Some(rest) = keyword(line, b"domain") {
            let rest = skip_blanks(rest);
            if !rest.is_empty() {
                let end = rest
                    .iter()
                    .position(|&b| b == b' ' || b == b'\t')
                    .unwrap_or(rest.len());
                search = vec![String::from_utf8_lossy(&rest[..end]).into_owned()];
            }
        } else if let Some(rest) = keyword(line, b"search") {
            let rest = skip_blanks(rest);
            if !rest.is_empty() {
                search = rest
                    .split(|&b| b == b' ' || b == b'\t')
                    .filter(|w| !w.is_empty())
                    .map(|w| String::from_utf8_lossy(w).into_owned())
                    .collect();
            }
        } else if let Some(rest) = keyword(line, b"nameserver") {
            let rest = skip_blanks(rest);
            let end = rest
                .iter()
                .position(|&b| b == b' ' || b == b'\t')
                .unwrap_or(rest.len());
            if let Some(address) = nameserver_address(&rest[..end]) {
                nameservers.push(address);
            }
        } else if let Some(rest) = keyword(line, b"sortlist") {
            parse_sortlist(rest, &mut sortlist);
        } else if let Some(rest) = keyword(line, b"options") {
            options |= option_flags(rest);
        }
    }

    if nameservers.is_empty() {
        nameservers.push(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    nameservers.truncate(MAX_NAMESERVERS);
    if search.is_empty() {
        let domain = hostname.and_then(|h| h.split_once('.')).map(|(_, d)| d);
        search.extend(domain.map(str::to_owned));
    }
    ResolverConfig {
        nameservers,
        sortlist: sortlist.into_iter().take(MAX_SORTLIST).collect(),
        search: truncate_search(search),
        options,
    }
}

/// The rest of `line` after `name` and one space or tab (glibc's `MATCH`).
fn keyword<'a>(line: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let rest = line.strip_prefix(name)?;
    matches!(rest.first(), Some(b' ' | b'\t')).then_some(rest)
}

fn skip_blanks(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|&&b| b == b' ' || b == b'\t').count();
    &s[n..]
}

fn nameserver_address(word: &[u8]) -> Option<IpAddr> {
    if word.is_empty() {
        return None;
    }
    if let Some(v4) = inet_aton_exact(word) {
        return Some(IpAddr::V4(v4));
    }
    let address = word.split(|&b| b == b'%').next().unwrap_or_default();
    let v6: Ipv6Addr = std::str::from_utf8(address).ok()?.parse().ok()?;
    Some(IpAddr::V6(v6))
}

fn is_sort_mask(b: u8) -> bool {
    b == b'/' || b == b'&'
}

/// Parses the words of a `sortlist` line as glibc does. glibc loops forever
/// on a byte that is neither a blank nor part of a word (a `\r` or a
/// non-ASCII byte); this parser stops the line there instead.
fn parse_sortlist(s: &[u8], out: &mut Vec<SortEntry>) {
    let word_byte = |b: u8| b != b';' && b.is_ascii() && !is_c_space(b);
    let mut i = 0;
    loop {
        while i < s.len() && (s[i] == b' ' || s[i] == b'\t') {
            i += 1;
        }
        if i >= s.len() || s[i] == b';' {
            break;
        }
        let start = i;
        while i < s.len() && !is_sort_mask(s[i]) && word_byte(s[i]) {
            i += 1;
        }
        if i == start {
            // glibc would spin here: an empty word does not advance its cursor.
            break;
        }
        let Some(address) = inet_aton_exact(&s[start..i]) else {
            continue;
        };
        let mut mask = classful_mask(address);
        if i < s.len() && is_sort_mask(s[i]) {
            i += 1;
            let start = i;
            while i < s.len() && word_byte(s[i]) {
                i += 1;
            }
            if let Some(m) = inet_aton_exact(&s[start..i]) {
                mask = m;
            }
        }
        out.push(SortEntry { address, mask });
    }
}

/// The pre-CIDR class mask of an address (glibc's `net_mask`).
fn classful_mask(address: Ipv4Addr) -> Ipv4Addr {
    let a = u32::from(address);
    Ipv4Addr::from(if a & 0x8000_0000 == 0 {
        0xff00_0000
    } else if a & 0xc000_0000 == 0x8000_0000 {
        0xffff_0000
    } else {
        0xffff_ff00
    })
}

/// The `RES_*` flags the words of an `options` line set (glibc's `res_setoptions`).
fn option_flags(s: &[u8]) -> u64 {
    let mut flags = 0;
    let mut i = 0;
    while i < s.len() {
        while i < s.len() && (s[i] == b' ' || s[i] == b'\t') {
            i += 1;
        }
        let word = &s[i..];
        if let Some((_, flag)) = OPTION_FLAGS
            .iter()
            .find(|(name, _)| word.starts_with(name.as_bytes()))
        {
            flags |= flag;
        }
        while i < s.len() && s[i] != b' ' && s[i] != b'\t' {
            i += 1;
        }
    }
    flags
}

/// Keeps the prefix of the search list that `_res.dnsrch` can hold.
fn truncate_search(search: Vec<String>) -> Vec<String> {
    let mut used = 0;
    search
        .into_iter()
        .take(MAX_SEARCH)
        .take_while(|domain| {
            used += domain.len() + 1;
            used <= SEARCH_BYTES
        })
        .collect()
}

/// glibc's `__inet_aton_exact`: `a.b.c.d`, `a.b.c`, `a.b` or `a`, each part
/// decimal, octal (leading `0`) or hex (`0x`), the last part filling the
/// remaining bytes; nothing may follow.
pub fn inet_aton_exact(s: &[u8]) -> Option<Ipv4Addr> {
    const MAX_LAST: [u32; 4] = [0xffff_ffff, 0x00ff_ffff, 0xffff, 0xff];
    let mut leading = Vec::with_capacity(3);
    let mut rest = s;
    loop {
        if !rest.first()?.is_ascii_digit() {
            return None;
        }
        let (value, used) = c_number(rest)?;
        rest = &rest[used..];
        match rest.first() {
            Some(b'.') => {
                if leading.len() > 2 || value > 0xff {
                    return None;
                }
                leading.push(value);
                rest = &rest[1..];
            }
            None => {
                if value > MAX_LAST[leading.len()] {
                    return None;
                }
                let high = leading
                    .iter()
                    .enumerate()
                    .fold(0u32, |acc, (n, &b)| acc | (b << (24 - 8 * n)));
                return Some(Ipv4Addr::from(high | value));
            }
            Some(_) => return None,
        }
    }
}

/// `strtoul(s, &end, 0)` on text that starts with a digit: hex after `0x`,
/// octal after `0`, else decimal; `None` beyond 32 bits.
fn c_number(s: &[u8]) -> Option<(u32, usize)> {
    let (radix, skip) = match s {
        [b'0', b'x' | b'X', d, ..] if d.is_ascii_hexdigit() => (16, 2),
        [b'0', ..] => (8, 0),
        _ => (10, 0),
    };
    let digits = s[skip..]
        .iter()
        .take_while(|b| char::from(**b).is_digit(radix))
        .count();
    let mut value: u64 = 0;
    for &b in &s[skip..skip + digits] {
        value = value * u64::from(radix) + u64::from(char::from(b).to_digit(radix)?);
        if value > 0xffff_ffff {
            return None;
        }
    }
    Some((u32::try_from(value).ok()?, skip + digits))
}

/// The length osquery gives a netmask: the leading one bits of each byte, summed.
pub fn mask_length(mask: Ipv4Addr) -> u32 {
    mask.octets().iter().map(|b| b.leading_ones()).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(s: &str) -> Ipv4Addr {
        s.parse().expect("IPv4 literal")
    }

    #[test]
    fn defaults_without_a_file() {
        let c = parse(b"", Some("vm.corp.example"));
        assert_eq!(c.nameservers, vec![IpAddr::V4(Ipv4Addr::LOCALHOST)]);
        assert_eq!(c.search, vec!["corp.example"]);
        assert!(c.sortlist.is_empty());
        assert_eq!(c.options, 705);
        assert!(parse(b"", Some("vm")).search.is_empty());
        assert!(parse(b"", None).search.is_empty());
    }

    /// The expected values were printed by glibc 2.36's `res_init` on the same text.
    #[test]
    fn matches_glibc_on_a_mixed_file() {
        let text = b"sortlist 130.155.160.0/255.255.240.0 130.155.0.0 10.1.2.3&0xffff0000 \
                     1.2.3.4/24 bogus 192.168.1.0;1.1.1.1\n\
                     nameserver 1.2.3.4 junk\n\
                     nameserver 0x7f.1\n\
                     nameserver fe80::1%eth0\n\
                     nameserver 2001:db8::1\n\
                     nameserver 9.9.9.9\n\
                     search a.example b.example\tc\n\
                     domain ignored.example\n\
                     search  x.example y\n";
        let c = parse(text, Some("host.example"));
        assert_eq!(
            c.nameservers,
            vec![
                IpAddr::V4(v4("1.2.3.4")),
                IpAddr::V4(v4("127.0.0.1")),
                IpAddr::V6("fe80::1".parse().expect("v6")),
            ]
        );
        let sorts: Vec<(Ipv4Addr, Ipv4Addr)> =
            c.sortlist.iter().map(|e| (e.address, e.mask)).collect();
        assert_eq!(
            sorts,
            vec![
                (v4("130.155.160.0"), v4("255.255.240.0")),
                (v4("130.155.0.0"), v4("255.255.0.0")),
                (v4("10.1.2.3"), v4("255.255.0.0")),
                (v4("1.2.3.4"), v4("0.0.0.24")),
                (v4("192.168.1.0"), v4("255.255.255.0")),
            ]
        );
        assert_eq!(c.search, vec!["x.example", "y"]);
        assert_eq!(c.options, 705);
    }

    #[test]
    fn options_are_or_ed_by_prefix() {
        // glibc 2.36 printed 259015369 for this line; `debug` and `inet6` are gone.
        let c = parse(
            b"options rotate edns0 single-request-reopen no-tld-query no-reload use-vc \
              trust-ad no-aaaa debug inet6 single-request\n",
            None,
        );
        assert_eq!(c.options, 259_015_369);
        assert_eq!(parse(b"options no-aaaa\n", None).options, 134_218_433);
        assert_eq!(
            parse(b"options ndots:2 timeout:1\noptions\trotate:x\n", None).options,
            DEFAULT_OPTIONS | RES_ROTATE
        );
        // The keyword must be followed by a blank and start the line.
        assert_eq!(
            parse(b"optionsrotate\n options rotate\n", None).options,
            705
        );
    }

    #[test]
    fn domain_keeps_its_first_word_and_the_last_line_wins() {
        let c = parse(b"search a b\ndomain  corp.example trailing\n", None);
        assert_eq!(c.search, vec!["corp.example"]);
        let c = parse(b"domain\t\n", Some("h.fallback.example"));
        assert_eq!(c.search, vec!["fallback.example"]);
    }

    #[test]
    fn search_is_truncated_like_res_dnsrch() {
        let c = parse(b"search a b c d e f g h\n", None);
        assert_eq!(c.search, vec!["a", "b", "c", "d", "e", "f"]);
        // 100 + 1 + 100 + 1 bytes fit in 256, a third long domain does not.
        let long = |c: char| c.to_string().repeat(100);
        let line = format!("search {} {} {} z\n", long('a'), long('b'), long('c'));
        let c = parse(line.as_bytes(), None);
        assert_eq!(c.search, vec![long('a'), long('b')]);
    }

    #[test]
    fn hostile_lines_do_not_hang_or_panic() {
        // glibc itself never returns from this sortlist line.
        let c = parse(
            b"sortlist 1.2.3.4\r\nsortlist \xff 5.6.7.8\nnameserver \xff\n",
            None,
        );
        assert_eq!(c.sortlist.len(), 1);
        assert_eq!(c.nameservers, vec![IpAddr::V4(Ipv4Addr::LOCALHOST)]);
        let c = parse(
            b"nameserver 1.2.3.4\0 garbage\nsearch \xe9t\xe9\n#x\n;y\n",
            None,
        );
        assert_eq!(c.nameservers, vec![IpAddr::V4(v4("1.2.3.4"))]);
        assert_eq!(c.search, vec!["\u{fffd}t\u{fffd}"]);
        let c = parse(b"sortlist /\nsortlist &1.2.3.4\n", None);
        assert!(c.sortlist.is_empty());
    }

    #[test]
    fn inet_aton_forms() {
        let a = |s: &str| inet_aton_exact(s.as_bytes());
        assert_eq!(a("127.0.0.1"), Some(v4("127.0.0.1")));
        assert_eq!(a("0x7f.1"), Some(v4("127.0.0.1")));
        assert_eq!(a("10.1.65535"), Some(v4("10.1.255.255")));
        assert_eq!(a("010.0.0.1"), Some(v4("8.0.0.1")));
        assert_eq!(a("4294967295"), Some(v4("255.255.255.255")));
        assert_eq!(a("24"), Some(v4("0.0.0.24")));
        for bad in [
            "",
            "1.2.3.4.5",
            "256.1.1.1",
            "1.2.3.256",
            "09",
            "1.2.3.4 ",
            "x",
            "1..2",
            "4294967296",
            "0x",
        ] {
            assert_eq!(a(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn mask_lengths() {
        assert_eq!(mask_length(v4("255.255.240.0")), 20);
        assert_eq!(mask_length(v4("255.255.255.255")), 32);
        assert_eq!(mask_length(v4("0.0.0.24")), 0);
    }
}
