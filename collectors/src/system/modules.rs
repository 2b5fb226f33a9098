//! `/proc/modules`: the loaded kernel modules.

use crate::{CollectError, HostRoot, OptionalExt};

/// One loaded module, with its fields as the kernel prints them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Module {
    pub name: String,
    /// Memory size in bytes.
    pub size: u64,
    /// The modules that use this one, comma-separated, or `-` for none.
    pub used_by: String,
    /// `Live`, `Loading` or `Unloading`.
    pub status: String,
    /// The load address; the kernel prints zeros to readers without CAP_SYSLOG.
    pub address: String,
}

/// The loaded modules; none when the kernel was built without module support
/// (it then has no `/proc/modules`).
pub fn read(root: &HostRoot) -> Result<Vec<Module>, CollectError> {
    Ok(root
        .read_string("proc/modules")
        .optional()?
        .map(|text| parse(&text))
        .unwrap_or_default())
}

/// Parses lines such as `ext4 1064960 1 - Live 0xffffffffc0a4d000`
/// (`name size refcount used_by state address [taints]`); a short line is skipped, as osquery does.
pub fn parse(text: &str) -> Vec<Module> {
    text.lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split_ascii_whitespace().collect();
            if f.len() < 6 {
                return None;
            }
            Some(Module {
                name: f[0].to_owned(),
                size: f[1].parse().ok()?,
                // The kernel ends the list with a comma: `jbd2,ext4,`.
                used_by: f[3].strip_suffix(',').unwrap_or(f[3]).to_owned(),
                status: f[4].to_owned(),
                address: f[5].to_owned(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_modules_and_their_users() {
        let m = parse(
            "mbcache 16384 1 ext4, Live 0xffffffffc0a3f000\n\
             crc16 16384 2 jbd2,ext4, Live 0xffffffffc0a3a000\n\
             vboxsf 45056 0 - Live 0x0000000000000000 (OE)\n",
        );
        assert_eq!(m.len(), 3);
        assert_eq!(m[0].name, "mbcache");
        assert_eq!(m[0].size, 16384);
        assert_eq!(m[0].used_by, "ext4");
        assert_eq!(m[1].used_by, "jbd2,ext4");
        assert_eq!(m[2].used_by, "-");
        assert_eq!(m[2].status, "Live");
        assert_eq!(m[2].address, "0x0000000000000000");
    }

    #[test]
    fn short_or_bad_lines_are_skipped() {
        assert!(parse("truncated 16384 1 -\nbad notanumber 1 - Live 0x0\n\n").is_empty());
    }
}
