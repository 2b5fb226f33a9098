//! `uptime`: time since boot from /proc/uptime (one row).

use hostgres_collectors::CollectError;
use hostgres_collectors::system::uptime;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct Uptime;

static SCHEMA: Schema = Schema {
    name: "uptime",
    doc: "Track time passed since last boot.",
    columns: &[
        col("days", Integer, "Whole days of uptime."),
        col(
            "hours",
            Integer,
            "Hours of uptime past the whole days (0 to 23).",
        ),
        col(
            "minutes",
            Integer,
            "Minutes of uptime past the whole hours (0 to 59).",
        ),
        col(
            "seconds",
            Integer,
            "Seconds of uptime past the whole minutes (0 to 59).",
        ),
        col("total_seconds", BigInt, "Total uptime in whole seconds."),
    ],
};

impl Table for Uptime {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let u = uptime::read(cx.root())?;
        out.row()
            .set("days", u.days)
            .set("hours", u.hours)
            .set("minutes", u.minutes)
            .set("seconds", u.seconds)
            .set("total_seconds", u.total_seconds);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::Value;
    use crate::testing::{fixture_query, live_query, strings};

    #[test]
    fn reads_the_fixture_host() {
        let rows = fixture_query("basic", "SELECT * FROM uptime");
        assert_eq!(strings(&rows), vec![vec!["3", "4", "5", "6", "273906"]]);
    }

    #[test]
    fn live_uptime_adds_up() {
        let rows = live_query("SELECT days, hours, minutes, seconds, total_seconds FROM uptime");
        assert_eq!(rows.len(), 1);
        let n: Vec<i64> = rows[0]
            .iter()
            .map(|v| v.as_i64().expect("integer"))
            .collect();
        assert!(n[4] > 0);
        assert!((0..24).contains(&n[1]) && (0..60).contains(&n[2]) && (0..60).contains(&n[3]));
        assert_eq!(n[0] * 86_400 + n[1] * 3600 + n[2] * 60 + n[3], n[4]);
        assert!(rows[0].iter().all(|v| matches!(v, Value::Int(_))));
    }
}
