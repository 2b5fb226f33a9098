//! `logged_in_users`: the login records of utmp (sessions, login prompts, boot and run level).

use hostgres_collectors::CollectError;
use hostgres_collectors::etc::utmp;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct LoggedInUsers;

static SCHEMA: Schema = Schema {
    name: "logged_in_users",
    doc: "Users with an active shell on the system, and the other records of utmp \
          (/var/run/utmp): boot time, run level, login prompts, closed sessions. \
          init's own record (pid 1) is left out.",
    columns: &[
        col(
            "type",
            Text,
            "Record type: user, login, dead, init, boot_time, runlevel, new_time, old_time, \
             accounting, empty or unknown.",
        ),
        col("user", Text, "User login name (LOGIN for a login prompt)."),
        col("tty", Text, "Terminal, without /dev/ (pts/0, tty1)."),
        col(
            "host",
            Text,
            "Remote host name or address; the kernel release on boot records.",
        ),
        col(
            "time",
            BigInt,
            "Time the record was written, in Unix seconds.",
        ),
        col("pid", Integer, "Process id of the login process or shell."),
    ],
};

impl Table for LoggedInUsers {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        for record in utmp::read(cx.root())? {
            // osquery hides init's record, as `who` does.
            if record.pid == 1 {
                continue;
            }
            out.row()
                .set("type", utmp::type_name(record.kind))
                .set("user", record.user)
                .set("tty", record.line)
                .set("host", record.host)
                .set("time", record.time_sec)
                .set("pid", record.pid);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{fixture_query, live_query, strings};

    #[test]
    fn reads_the_fixture_utmp() {
        let rows = fixture_query(
            "basic",
            "SELECT type, user, tty, host, time, pid FROM logged_in_users",
        );
        assert_eq!(
            strings(&rows),
            vec![
                vec![
                    "boot_time",
                    "reboot",
                    "~",
                    "6.1.0-18-amd64",
                    "1700000000",
                    "0"
                ],
                vec![
                    "runlevel",
                    "runlevel",
                    "~",
                    "6.1.0-18-amd64",
                    "1700000004",
                    "51"
                ],
                vec!["login", "LOGIN", "tty1", "", "1700000005", "612"],
                vec!["user", "alice", "pts/0", "192.0.2.10", "1700003600", "1234"],
                vec!["dead", "", "pts/1", "", "1700002000", "1100"],
                vec!["unknown", "mystery", "pts/9", "", "1700004000", "77"],
            ]
        );
    }

    #[test]
    fn live_host_records_are_well_formed() {
        // This machine may have no utmp at all; any records it has must be sane.
        let rows = live_query("SELECT type, user, tty, host, time, pid FROM logged_in_users");
        for r in &rows {
            let kind = r[0].to_string();
            assert!(
                [
                    "empty",
                    "runlevel",
                    "boot_time",
                    "new_time",
                    "old_time",
                    "init",
                    "login",
                    "user",
                    "dead",
                    "accounting",
                    "unknown"
                ]
                .contains(&kind.as_str()),
                "{kind}"
            );
            assert!(r[4].as_i64().is_some(), "time is an integer");
            assert!(r[5].as_i64().is_some_and(|pid| pid != 1), "pid 1 is hidden");
        }
    }
}
