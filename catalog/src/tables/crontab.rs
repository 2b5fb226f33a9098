//! `crontab`: the scheduled jobs of the system crontab, `/etc/cron.d` and the user spools.

use hostgres_collectors::CollectError;
use hostgres_collectors::etc::crontab;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct Crontab;

static SCHEMA: Schema = Schema {
    name: "crontab",
    doc: "Line-parsed system and user crontabs (/etc/crontab, /etc/cron.d/*, \
          /var/spool/cron/*, /var/spool/cron/crontabs/*). As in osquery, the user column of \
          system crontabs stays at the start of the command, and environment lines are skipped.",
    columns: &[
        col(
            "event",
            Text,
            "The @event of the job (@reboot, @daily...), NULL for a timed job.",
        ),
        col("minute", Text, "The minute field of the schedule."),
        col("hour", Text, "The hour field of the schedule."),
        col(
            "day_of_month",
            Text,
            "The day of month field of the schedule.",
        ),
        col("month", Text, "The month field of the schedule."),
        col(
            "day_of_week",
            Text,
            "The day of week field of the schedule.",
        ),
        col(
            "command",
            Text,
            "The rest of the line (the user name first in system crontabs), words joined by \
             single spaces.",
        ),
        col("path", Text, "The crontab file the line was read from."),
        col(
            "pid_with_namespace",
            Integer,
            "Read the crontabs inside the mount namespace of this process.",
        )
        .additional()
        .hidden(),
    ],
};

impl Table for Crontab {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        for e in crontab::read(cx.root())? {
            out.row()
                .set("event", e.event)
                .set("minute", e.minute)
                .set("hour", e.hour)
                .set("day_of_month", e.day_of_month)
                .set("month", e.month)
                .set("day_of_week", e.day_of_week)
                .set("command", e.command)
                .set("path", e.path);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{fixture_query, live_query, strings};

    #[test]
    fn reads_the_fixture_crontabs() {
        let rows = fixture_query(
            "basic",
            "SELECT event, minute, hour, day_of_month, month, day_of_week, command, path \
             FROM crontab",
        );
        let daily =
            "root test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }";
        assert_eq!(
            strings(&rows),
            vec![
                vec![
                    "",
                    "17",
                    "*",
                    "*",
                    "*",
                    "*",
                    "root cd / && run-parts --report /etc/cron.hourly",
                    "/etc/crontab"
                ],
                vec!["", "25", "6", "*", "*", "*", daily, "/etc/crontab"],
                vec![
                    "",
                    "47",
                    "6",
                    "*",
                    "*",
                    "7",
                    "root test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.weekly; }",
                    "/etc/crontab"
                ],
                vec![
                    "",
                    "52",
                    "6",
                    "1",
                    "*",
                    "*",
                    "root test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.monthly; }",
                    "/etc/crontab"
                ],
                vec![
                    "",
                    "30",
                    "3",
                    "*",
                    "*",
                    "0",
                    "root test -e /run/systemd/system || SERVICE_MODE=1 \
                     /usr/lib/x86_64-linux-gnu/e2fsprogs/e2scrub_all_cron",
                    "/etc/cron.d/e2scrub_all"
                ],
                vec![
                    "",
                    "10",
                    "3",
                    "*",
                    "*",
                    "*",
                    "root test -e /run/systemd/system || SERVICE_MODE=1 /sbin/e2scrub_all -A -r",
                    "/etc/cron.d/e2scrub_all"
                ],
                vec![
                    "@reboot",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "/home/alice/bin/start-agent",
                    "/var/spool/cron/crontabs/alice"
                ],
                vec![
                    "",
                    "*/15",
                    "9-17",
                    "*",
                    "*",
                    "mon-fri",
                    "/usr/bin/rsync -a /home/alice/src/ backup:src/",
                    "/var/spool/cron/crontabs/alice"
                ],
            ]
        );
        let reboot = fixture_query(
            "basic",
            "SELECT count(*) FROM crontab WHERE event = '@reboot' AND minute IS NULL",
        );
        assert_eq!(strings(&reboot), vec![vec!["1"]]);
    }

    #[test]
    fn live_crontab_rows_are_well_formed() {
        let rows = live_query("SELECT event, minute, command, path FROM crontab");
        for r in &rows {
            assert!(!r[2].to_string().is_empty(), "command");
            // Either an @event or a timed schedule.
            assert_ne!(r[0].is_null(), r[1].is_null(), "{r:?}");
            let path = r[3].to_string();
            assert!(
                path == "/etc/crontab"
                    || path.starts_with("/etc/cron.d/")
                    || path.starts_with("/var/"),
                "{path}"
            );
        }
    }
}
