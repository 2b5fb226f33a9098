//! `groups`: local groups from `/etc/group`, one row per group id.

use std::collections::HashSet;

use hostgres_collectors::CollectError;
use hostgres_collectors::etc::group;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct Groups;

static SCHEMA: Schema = Schema {
    name: "groups",
    doc: "Local system groups (from /etc/group); a group id listed twice shows once, \
          under its first name.",
    columns: &[
        col("gid", BigInt, "Group ID, unsigned.").index(),
        col(
            "gid_signed",
            BigInt,
            "Group ID as a signed 32-bit number (4294967294 is -2).",
        ),
        col("groupname", Text, "Group name."),
        col(
            "pid_with_namespace",
            Integer,
            "Read the groups inside the mount namespace of this process.",
        )
        .additional()
        .hidden(),
    ],
};

impl Table for Groups {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let gids = cx.eq_ints("gid");
        // osquery enumerates with getgrent and keeps the first entry of each
        // gid; getgrgid also returns the first.
        let mut seen = HashSet::new();
        for g in group::read(cx.root())? {
            if !seen.insert(g.gid)
                || gids
                    .as_ref()
                    .is_some_and(|w| !w.contains(&i64::from(g.gid)))
            {
                continue;
            }
            out.row()
                .set("gid", g.gid)
                .set("gid_signed", g.gid as i32)
                .set("groupname", g.name);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{fixture_query, live_query, strings};

    #[test]
    fn reads_the_fixture_groups() {
        let rows = fixture_query(
            "basic",
            "SELECT gid, gid_signed, groupname FROM groups WHERE gid IN (0, 27, 4294967294) \
             ORDER BY gid",
        );
        assert_eq!(
            strings(&rows),
            vec![
                vec!["0", "0", "root"],
                vec!["27", "27", "sudo"],
                vec!["4294967294", "-2", "nfsnobody"],
            ]
        );
        let all = fixture_query("basic", "SELECT count(*) FROM groups");
        assert_eq!(strings(&all), vec![vec!["17"]]);
        let none = fixture_query("basic", "SELECT * FROM groups WHERE gid = 4242");
        assert!(none.is_empty());
    }

    #[test]
    fn live_host_has_root_group() {
        let rows = live_query("SELECT gid, gid_signed, groupname FROM groups");
        assert!(!rows.is_empty());
        for r in &rows {
            let gid = r[0].as_i64().expect("gid is an integer");
            assert!((0..=i64::from(u32::MAX)).contains(&gid));
            assert_eq!(r[1].as_i64(), Some(i64::from(gid as u32 as i32)));
        }
        let root = live_query("SELECT groupname FROM groups WHERE gid = 0");
        assert_eq!(strings(&root), vec![vec!["root"]]);
    }
}
