//! Namespace inodes, read from the `/proc/<pid>/ns/<name>` links (`net:[4026531840]`).

use crate::{CollectError, HostRoot};

/// The inode identifying the `name` namespace (`net`, `mnt`, ...) of `pid`.
pub fn read_inode(root: &HostRoot, pid: i64, name: &str) -> Result<u64, CollectError> {
    let link = format!("proc/{pid}/ns/{name}");
    let target = root.read_link(&link)?;
    let target = target.to_string_lossy();
    parse_inode(&target, name).ok_or_else(|| CollectError::malformed(link, target.into_owned()))
}

/// Parses `net:[4026531840]` for `name` = `net`; the inode must not be 0.
pub fn parse_inode(target: &str, name: &str) -> Option<u64> {
    let inode: u64 = target
        .strip_prefix(name)?
        .strip_prefix(":[")?
        .strip_suffix(']')?
        .parse()
        .ok()?;
    (inode != 0).then_some(inode)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_inode_of_the_named_namespace() {
        assert_eq!(parse_inode("net:[4026531840]", "net"), Some(4026531840));
        assert_eq!(parse_inode("mnt:[4026531840]", "net"), None);
        assert_eq!(parse_inode("net:[0]", "net"), None);
        assert_eq!(parse_inode("net:[x]", "net"), None);
        assert_eq!(parse_inode("net:[12", "net"), None);
    }
}
