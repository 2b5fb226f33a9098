//! `user_groups`: which groups each local user belongs to, as `getgrouplist` lists them.

use std::collections::HashSet;

use hostgres_collectors::CollectError;
use hostgres_collectors::etc::{group, passwd};

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct UserGroups;

static SCHEMA: Schema = Schema {
    name: "user_groups",
    doc: "Local user to group mapping: each user's primary group, then every group of \
          /etc/group that lists the user as a member.",
    columns: &[
        col("uid", BigInt, "User ID.").index().optimized(),
        col("gid", BigInt, "Group ID.").index(),
    ],
};

impl Table for UserGroups {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let uids = cx.eq_ints("uid");
        let groups = group::read(cx.root())?;
        // osquery keeps the first account of each uid (getpwent, or getpwuid
        // when the uid is constrained).
        let mut seen = HashSet::new();
        for user in passwd::read(cx.root())? {
            cx.check_interrupt()?;
            if !seen.insert(user.uid)
                || uids
                    .as_ref()
                    .is_some_and(|w| !w.contains(&i64::from(user.uid)))
            {
                continue;
            }
            for gid in group::grouplist(&user.name, user.gid, &groups) {
                out.row().set("uid", user.uid).set("gid", gid);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{fixture_query, live_query, strings};

    #[test]
    fn lists_primary_then_supplementary_groups() {
        let rows = fixture_query("basic", "SELECT uid, gid FROM user_groups WHERE uid = 1000");
        assert_eq!(
            strings(&rows),
            vec![
                vec!["1000", "1000"],
                vec!["1000", "4"],
                vec!["1000", "27"],
                vec!["1000", "100"],
            ]
        );
        let bob = fixture_query("basic", "SELECT gid FROM user_groups WHERE uid IN ('1001')");
        assert_eq!(strings(&bob), vec![vec!["1001"], vec!["100"], vec!["996"]]);
        // One row per user without supplementary groups.
        let all = fixture_query(
            "basic",
            "SELECT count(*), count(DISTINCT uid) FROM user_groups",
        );
        assert_eq!(strings(&all), vec![vec!["18", "13"]]);
    }

    #[test]
    fn joins_users_and_groups() {
        let rows = fixture_query(
            "basic",
            "SELECT u.username, g.groupname FROM users u \
             JOIN user_groups ug ON ug.uid = u.uid JOIN groups g ON g.gid = ug.gid \
             WHERE u.username = 'bob' ORDER BY g.groupname",
        );
        assert_eq!(
            strings(&rows),
            vec![
                vec!["bob", "bob"],
                vec!["bob", "docker"],
                vec!["bob", "users"]
            ]
        );
    }

    #[test]
    fn live_root_is_in_its_primary_group() {
        let rows = live_query("SELECT uid, gid FROM user_groups");
        assert!(!rows.is_empty());
        for r in &rows {
            assert!(r[0].as_i64().is_some_and(|u| u >= 0));
            assert!(r[1].as_i64().is_some_and(|g| g >= 0));
        }
        let root = live_query("SELECT gid FROM user_groups WHERE uid = 0");
        assert_eq!(strings(&root)[0], vec!["0"]);
    }
}
