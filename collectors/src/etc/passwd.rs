//! `/etc/passwd`: the local user accounts, parsed as glibc's `fgetpwent_r` parses them.
//!
//! osquery's `users` table reads the file itself (not through NSS) so that a
//! query never reaches an LDAP directory; [`getent`] covers its
//! `include_remote = 1` mode, which enumerates every NSS source.

use std::process::Command;

use crate::etc::fields::{nss_lines, take_field, take_id};
use crate::{CollectError, HostRoot, lossy};

/// One account line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passwd {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
    /// The GECOS field (usually the full name); `None` on a bare `+`/`-`
    /// nss_compat line, where glibc leaves it NULL.
    pub gecos: Option<String>,
    pub dir: Option<String>,
    /// Everything after the directory, colons included, as glibc keeps it.
    pub shell: Option<String>,
}

/// Reads the host's `/etc/passwd`.
pub fn read(root: &HostRoot) -> Result<Vec<Passwd>, CollectError> {
    Ok(parse(&root.read("etc/passwd")?))
}

/// Parses a passwd file; lines glibc would reject (a non-numeric uid, too
/// few fields) are skipped, as `fgetpwent_r` skips them.
pub fn parse(bytes: &[u8]) -> Vec<Passwd> {
    nss_lines(bytes).filter_map(parse_line).collect()
}

/// Parses one `name:password:uid:gid:gecos:dir:shell` line.
pub fn parse_line(line: &[u8]) -> Option<Passwd> {
    let mut rest = line;
    let name = take_field(&mut rest);
    // nss_compat's `+name` / `-name` lines may leave out the numbers.
    let compat = matches!(name.first(), Some(b'+' | b'-'));
    if compat && rest.is_empty() {
        return Some(Passwd {
            name: lossy(name),
            uid: 0,
            gid: 0,
            gecos: None,
            dir: None,
            shell: None,
        });
    }
    let _password = take_field(&mut rest);
    let uid = take_id(&mut rest, compat)?;
    let gid = take_id(&mut rest, compat)?;
    let gecos = take_field(&mut rest);
    let dir = take_field(&mut rest);
    Some(Passwd {
        name: lossy(name),
        uid,
        gid,
        gecos: Some(lossy(gecos)),
        dir: Some(lossy(dir)),
        shell: Some(lossy(rest)),
    })
}

/// Which NSS entries [`getent`] asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// Every entry of every source (`getpwent`).
    All,
    /// The entry of one uid (`getpwuid`).
    Uid(u32),
    /// The entry of one name (`getpwnam`).
    Name(&'a str),
}

/// Asks the running host's NSS sources (files, systemd, LDAP, SSSD...) for
/// accounts through `getent passwd`, which calls `getpwent`, `getpwuid` or
/// `getpwnam` and prints the entries in the passwd format.
///
/// A child process stands in for calling libc in-process because the
/// workspace keeps `unsafe` code out of the collectors. An unknown key gives
/// no entries.
pub fn getent(lookup: Lookup<'_>) -> Result<Vec<Passwd>, CollectError> {
    let mut cmd = Command::new("getent");
    cmd.arg("passwd");
    match lookup {
        Lookup::All => {}
        Lookup::Uid(uid) => {
            cmd.arg(uid.to_string());
        }
        // getent reads an all-digit key as a uid, so such a name cannot be
        // looked up by name: enumerate instead and keep the match.
        Lookup::Name(name) if name.bytes().all(|b| b.is_ascii_digit()) => {
            let all = getent(Lookup::All)?;
            return Ok(all.into_iter().filter(|p| p.name == name).collect());
        }
        Lookup::Name(name) => {
            cmd.arg(name);
        }
    }
    let output = cmd
        .output()
        .map_err(|e| CollectError::io("getent passwd", e))?;
    match output.status.code() {
        Some(0) => Ok(parse(&output.stdout)),
        // 2: the key was not found; 3: the sources cannot be enumerated.
        Some(2 | 3) => Ok(Vec::new()),
        _ => Err(CollectError::io(
            "getent passwd",
            std::io::Error::other(format!("getent exited with {}", output.status)),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(name: &str, uid: u32, gid: u32, gecos: &str, dir: &str, shell: &str) -> Passwd {
        Passwd {
            name: name.into(),
            uid,
            gid,
            gecos: Some(gecos.into()),
            dir: Some(dir.into()),
            shell: Some(shell.into()),
        }
    }

    #[test]
    fn parses_accounts_and_skips_what_glibc_rejects() {
        // glibc 2.36's fgetpwent_r returned exactly these entries for this text.
        let text = b"# comment\n\
            root:x:0:0:root:/root:/bin/bash\n\
            \n\
            nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n\
            bad:x:abc:0:bad:/:/bin/sh\n\
            short:x:5\n\
            neg:x:-2:-1:Negative:/tmp:/bin/sh\n\
            gecos:x:1000:1000:Alice Example,,,:/home/alice:/bin/zsh:extra\n\
            nouid:x::0:x:/:/bin/sh\n";
        assert_eq!(
            parse(text),
            vec![
                user("root", 0, 0, "root", "/root", "/bin/bash"),
                user(
                    "nobody",
                    65534,
                    65534,
                    "nobody",
                    "/nonexistent",
                    "/usr/sbin/nologin"
                ),
                user(
                    "gecos",
                    1000,
                    1000,
                    "Alice Example,,,",
                    "/home/alice",
                    "/bin/zsh:extra"
                ),
            ]
        );
    }

    #[test]
    fn missing_trailing_fields_are_empty() {
        assert_eq!(
            parse_line(b"min:x:1:2"),
            Some(user("min", 1, 2, "", "", ""))
        );
    }

    #[test]
    fn compat_entries_may_omit_numbers() {
        assert_eq!(
            parse_line(b"+"),
            Some(Passwd {
                name: "+".into(),
                uid: 0,
                gid: 0,
                gecos: None,
                dir: None,
                shell: None,
            })
        );
        assert_eq!(
            parse_line(b"+nis:x:::::"),
            Some(user("+nis", 0, 0, "", "", ""))
        );
    }

    #[test]
    fn non_utf8_names_are_replaced_not_fatal() {
        let p = parse_line(b"caf\xe9:x:7:7:\xff:/home/caf\xe9:/bin/sh").expect("parses");
        assert_eq!(p.name, "caf\u{fffd}");
        assert_eq!(p.gecos.as_deref(), Some("\u{fffd}"));
        assert_eq!(p.uid, 7);
    }

    #[test]
    fn carriage_returns_stay_in_the_shell_as_glibc_keeps_them() {
        let users = parse(b"dos:x:1:1::/:/bin/sh\r\n");
        assert_eq!(users[0].shell.as_deref(), Some("/bin/sh\r"));
    }
}
