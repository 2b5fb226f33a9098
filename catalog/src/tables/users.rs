//! `users`: local user accounts from `/etc/passwd`, or every NSS source with `include_remote = 1`.

use hostgres_collectors::CollectError;
use hostgres_collectors::etc::passwd::{self, Lookup, Passwd};

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct Users;

static SCHEMA: Schema = Schema {
    name: "users",
    doc: "Local user accounts (from /etc/passwd), or every account the host's NSS sources \
          know (LDAP, SSSD, systemd...) when `include_remote = 1`.",
    columns: &[
        col("uid", BigInt, "User ID, unsigned.").index(),
        col("gid", BigInt, "Primary group ID, unsigned."),
        col(
            "uid_signed",
            BigInt,
            "User ID as a signed 32-bit number (4294967294 is -2).",
        ),
        col(
            "gid_signed",
            BigInt,
            "Primary group ID as a signed 32-bit number.",
        ),
        col("username", Text, "Login name.").additional(),
        col(
            "description",
            Text,
            "The GECOS field: usually the full name, comma-separated details after it.",
        ),
        col("directory", Text, "Home directory."),
        col("shell", Text, "Login shell."),
        col(
            "uuid",
            Text,
            "The account's UUID on macOS and Windows; always NULL on Linux.",
        )
        .index(),
        col(
            "pid_with_namespace",
            Integer,
            "Read the accounts inside the mount namespace of this process.",
        )
        .additional()
        .hidden(),
        col(
            "include_remote",
            Integer,
            "1 to enumerate every NSS source (as getpwent does) instead of /etc/passwd only; \
             0 by default.",
        )
        .additional()
        .hidden(),
    ],
};

impl Table for Users {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let uids = cx.eq_ints("uid");
        let names = cx.eq_texts("username");
        let remote = cx.eq_ints("include_remote").is_some_and(|v| v.contains(&1));

        // NSS describes the running host only; a fixture or a process's root
        // has just its passwd file.
        let accounts = if remote && cx.root().is_live() {
            remote_accounts(uids.as_deref(), names.as_deref())?
        } else {
            passwd::read(cx.root())?
        };

        for p in accounts {
            if names.as_ref().is_some_and(|n| !n.contains(&p.name))
                || uids
                    .as_ref()
                    .is_some_and(|u| !u.contains(&i64::from(p.uid)))
            {
                continue;
            }
            add_row(out, &p, remote);
        }
        Ok(())
    }
}

/// Asks NSS for the constrained accounts only, as osquery does with
/// `getpwuid`/`getpwnam`, or enumerates them all.
fn remote_accounts(
    uids: Option<&[i64]>,
    names: Option<&[String]>,
) -> Result<Vec<Passwd>, CollectError> {
    if let Some(names) = names {
        let mut found = Vec::new();
        for name in names {
            found.extend(passwd::getent(Lookup::Name(name))?);
        }
        return Ok(found);
    }
    if let Some(uids) = uids {
        let mut found = Vec::new();
        for uid in uids.iter().filter_map(|&u| u32::try_from(u).ok()) {
            found.extend(passwd::getent(Lookup::Uid(uid))?);
        }
        return Ok(found);
    }
    passwd::getent(Lookup::All)
}

fn add_row(out: &mut Rows, p: &Passwd, remote: bool) {
    out.row()
        .set("uid", p.uid)
        .set("gid", p.gid)
        // The bits of the id read as a signed 32-bit number.
        .set("uid_signed", p.uid as i32)
        .set("gid_signed", p.gid as i32)
        .set("username", p.name.as_str())
        .set("description", p.gecos.as_deref())
        .set("directory", p.dir.as_deref())
        .set("shell", p.shell.as_deref())
        .set("include_remote", i64::from(remote));
}

#[cfg(test)]
mod tests {
    use crate::Value;
    use crate::testing::{fixture_query, live_query, strings};

    #[test]
    fn reads_the_fixture_passwd() {
        let rows = fixture_query(
            "basic",
            "SELECT uid, gid, uid_signed, gid_signed, username, description, directory, shell, \
             uuid, include_remote FROM users WHERE uid IN (0, 1000, 4294967294) ORDER BY uid",
        );
        assert_eq!(
            strings(&rows),
            vec![
                vec![
                    "0",
                    "0",
                    "0",
                    "0",
                    "root",
                    "root",
                    "/root",
                    "/bin/bash",
                    "",
                    "0"
                ],
                vec![
                    "1000",
                    "1000",
                    "1000",
                    "1000",
                    "alice",
                    "Alice Example,,,",
                    "/home/alice",
                    "/bin/bash",
                    "",
                    "0"
                ],
                vec![
                    "4294967294",
                    "4294967294",
                    "-2",
                    "-2",
                    "nfsnobody",
                    "Anonymous NFS User",
                    "/var/lib/nfs",
                    "/sbin/nologin",
                    "",
                    "0"
                ],
            ]
        );
        assert_eq!(rows[0][8], Value::Null, "uuid is NULL on Linux");
        let all = fixture_query("basic", "SELECT count(*) FROM users");
        assert_eq!(strings(&all), vec![vec!["13"]]);
    }

    #[test]
    fn constraints_narrow_the_scan() {
        let by_name = fixture_query(
            "basic",
            "SELECT uid FROM users WHERE username IN ('bob', 'sshd', 'nobody-here')",
        );
        assert_eq!(strings(&by_name), vec![vec!["101"], vec!["1001"]]);
        let by_text_uid = fixture_query("basic", "SELECT username FROM users WHERE uid = '0'");
        assert_eq!(strings(&by_text_uid), vec![vec!["root"]]);
        let none = fixture_query("basic", "SELECT username FROM users WHERE uid = 12345");
        assert!(none.is_empty());
    }

    #[test]
    fn include_remote_on_a_fixture_reads_the_file() {
        let rows = fixture_query(
            "basic",
            "SELECT username, include_remote FROM users WHERE include_remote = 1 AND uid = 1001",
        );
        assert_eq!(strings(&rows), vec![vec!["bob", "1"]]);
    }

    #[test]
    fn live_host_has_root() {
        let rows =
            live_query("SELECT uid, gid, uid_signed, username, directory, shell, uuid FROM users");
        assert!(!rows.is_empty());
        for r in &rows {
            let uid = r[0].as_i64().expect("uid is an integer");
            assert!((0..=i64::from(u32::MAX)).contains(&uid));
            assert!((0..=i64::from(u32::MAX)).contains(&r[1].as_i64().expect("gid")));
            assert_eq!(r[2].as_i64(), Some(i64::from(uid as u32 as i32)));
            assert!(!r[3].to_string().is_empty(), "username");
            assert!(r[6].is_null());
        }
        let root = live_query("SELECT username, directory FROM users WHERE uid = 0");
        assert_eq!(strings(&root)[0][0], "root");
    }

    #[test]
    fn live_include_remote_enumerates_nss() {
        // Files is always an NSS source, so every local account is also a remote one.
        let missing = live_query(
            "SELECT username FROM users EXCEPT \
             SELECT username FROM users WHERE include_remote = 1",
        );
        assert!(missing.is_empty(), "{missing:?}");
        let root = live_query(
            "SELECT username, include_remote FROM users WHERE include_remote = 1 AND uid = 0",
        );
        assert_eq!(strings(&root), vec![vec!["root", "1"]]);
        let by_name =
            live_query("SELECT uid FROM users WHERE include_remote = 1 AND username = 'root'");
        assert_eq!(strings(&by_name), vec![vec!["0"]]);
    }
}
