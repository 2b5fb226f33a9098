//! `/etc/group`: the local groups, parsed as glibc's `fgetgrent_r` parses them,
//! and a user's group list as `getgrouplist` builds it from that file.

use crate::etc::fields::{is_c_space, nss_lines, take_field, take_id};
use crate::{CollectError, HostRoot, lossy};

/// One group line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub name: String,
    pub gid: u32,
    /// The user names of the supplementary members.
    pub members: Vec<String>,
}

/// Reads the host's `/etc/group`.
pub fn read(root: &HostRoot) -> Result<Vec<Group>, CollectError> {
    Ok(parse(&root.read("etc/group")?))
}

/// Parses a group file; lines glibc would reject (a non-numeric gid) are skipped.
pub fn parse(bytes: &[u8]) -> Vec<Group> {
    nss_lines(bytes).filter_map(parse_line).collect()
}

/// Parses one `name:password:gid:member,member` line.
pub fn parse_line(line: &[u8]) -> Option<Group> {
    let mut rest = line;
    let name = take_field(&mut rest);
    let compat = matches!(name.first(), Some(b'+' | b'-'));
    let gid = if compat && rest.is_empty() {
        0
    } else {
        let _password = take_field(&mut rest);
        take_id(&mut rest, compat)?
    };
    // glibc skips the spaces before each member but keeps those after it.
    let members = rest
        .split(|&b| b == b',')
        .map(|m| &m[m.iter().take_while(|&&b| is_c_space(b)).count()..])
        .filter(|m| !m.is_empty())
        .map(lossy)
        .collect();
    Some(Group {
        name: lossy(name),
        gid,
        members,
    })
}

/// The groups of `user` whose primary group is `primary`, as glibc's
/// `getgrouplist` computes them from the files backend: the primary group
/// first, then, in file order, every other group that lists the user as a
/// member. Like glibc, a gid listed by two group lines appears twice.
pub fn grouplist(user: &str, primary: u32, groups: &[Group]) -> Vec<u32> {
    let mut gids = vec![primary];
    gids.extend(
        groups
            .iter()
            .filter(|g| g.gid != primary && g.members.iter().any(|m| m == user))
            .map(|g| g.gid),
    );
    gids
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(name: &str, gid: u32, members: &[&str]) -> Group {
        Group {
            name: name.into(),
            gid,
            members: members.iter().map(|m| (*m).to_owned()).collect(),
        }
    }

    #[test]
    fn parses_groups_and_members() {
        let text = b"root:x:0:\n\
            # comment\n\
            sudo:x:27:alice,bob\n\
            spaced:x:28: alice ,,bob\n\
            broken:x:zz:alice\n\
            nomembers:x:29\n";
        assert_eq!(
            parse(text),
            vec![
                group("root", 0, &[]),
                group("sudo", 27, &["alice", "bob"]),
                group("spaced", 28, &["alice ", "bob"]),
                group("nomembers", 29, &[]),
            ]
        );
    }

    #[test]
    fn grouplist_matches_glibc() {
        // The expected lists were printed by glibc 2.36's getgrouplist on this file.
        let groups = parse(
            b"root:x:0:\n\
              a:x:100:alice\n\
              b:x:101:bob,alice\n\
              a2:x:100:alice\n\
              c:x:102: alice ,x\n\
              d:x:103:alice\n\
              d2:x:103:alice\n\
              e:x:abc:alice\n\
              f:x:104:alice\n",
        );
        assert_eq!(
            grouplist("alice", 100, &groups),
            vec![100, 101, 103, 103, 104]
        );
        assert_eq!(
            grouplist("alice", 500, &groups),
            vec![500, 100, 101, 100, 103, 103, 104]
        );
        assert_eq!(
            grouplist("alice", 103, &groups),
            vec![103, 100, 101, 100, 104]
        );
        assert_eq!(grouplist("nobody", 65534, &groups), vec![65534]);
    }

    #[test]
    fn hostile_lines_do_not_panic() {
        assert_eq!(parse_line(b"+"), Some(group("+", 0, &[])));
        assert_eq!(
            parse_line(b"g\xff:x:5:\xfe"),
            Some(group("g\u{fffd}", 5, &["\u{fffd}"]))
        );
        assert_eq!(parse_line(b"g:x:"), None);
    }
}
