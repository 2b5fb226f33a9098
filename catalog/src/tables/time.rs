//! `time`: the current date and time in UTC, from the system clock (one row).

use hostgres_collectors::CollectError;
use hostgres_collectors::system::clock;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct Time;

static SCHEMA: Schema = Schema {
    name: "time",
    doc: "Track current date and time in UTC.",
    columns: &[
        col("weekday", Text, "Current weekday in UTC, such as Monday."),
        col("year", Integer, "Current year in UTC."),
        col("month", Integer, "Current month in UTC (1 to 12)."),
        col("day", Integer, "Current day of the month in UTC."),
        col("hour", Integer, "Current hour in UTC (0 to 23)."),
        col("minutes", Integer, "Current minutes in UTC."),
        col("seconds", Integer, "Current seconds in UTC."),
        col(
            "timezone",
            Text,
            "Timezone of the reported time: always UTC.",
        ),
        col(
            "local_timezone",
            Text,
            "Abbreviation of the system's local timezone now, such as CEST (from TZ or /etc/localtime).",
        ),
        col("unix_time", Integer, "Current Unix time in seconds."),
        col(
            "timestamp",
            Text,
            "Current time in asctime format with a UTC suffix: Tue Mar  5 07:08:09 2024 UTC.",
        ),
        col(
            "datetime",
            Text,
            "Current date and time in ISO 8601 format: 2024-03-05T07:08:09Z.",
        ),
        col(
            "iso_8601",
            Text,
            "Current time in ISO 8601 format, the same as datetime.",
        ),
    ],
};

impl Table for Time {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let now = clock::now(cx.root());
        out.row()
            .set("weekday", now.weekday)
            .set("year", now.utc.year)
            .set("month", now.utc.month)
            .set("day", now.utc.day)
            .set("hour", now.utc.hour)
            .set("minutes", now.utc.minute)
            .set("seconds", now.utc.second)
            .set("timezone", "UTC")
            .set("local_timezone", now.local_timezone)
            .set("unix_time", now.unix_time)
            .set("timestamp", now.timestamp)
            .set("datetime", now.iso_8601.clone())
            .set("iso_8601", now.iso_8601);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::Value;
    use crate::testing::{fixture_query, live_query};

    /// Checks that one row of `SELECT *` is a consistent reading of the clock near now.
    fn assert_consistent(row: &[Value]) {
        let text = |i: usize| match &row[i] {
            Value::Text(s) => s.clone(),
            other => panic!("column {i}: {other:?}"),
        };
        let int = |i: usize| row[i].as_i64().expect("integer");
        let unix = int(9);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock after 1970")
            .as_secs() as i64;
        assert!((now - unix).abs() < 300, "{unix} vs {now}");
        let iso = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            int(1),
            int(2),
            int(3),
            int(4),
            int(5),
            int(6)
        );
        assert_eq!(text(11), iso);
        assert_eq!(text(12), iso);
        assert_eq!(text(7), "UTC");
        assert!(text(10).ends_with(&format!("{} UTC", int(1))));
        assert!(text(10).starts_with(&text(0)[..3]));
        assert!(!text(8).is_empty());
        assert!(text(0).ends_with("day"));
    }

    #[test]
    fn reads_the_clock_on_the_fixture_host() {
        let rows = fixture_query("basic", "SELECT * FROM time");
        assert_eq!(rows.len(), 1);
        assert_consistent(&rows[0]);
        // The fixture host configures no local zone, which means UTC.
        assert_eq!(rows[0][8], Value::Text("UTC".into()));
    }

    #[test]
    fn live_time_matches_sqlite() {
        let rows = live_query(
            "SELECT *, strftime('%Y-%m-%dT%H:%M:%SZ', unix_time, 'unixepoch') FROM time",
        );
        assert_eq!(rows.len(), 1);
        assert_consistent(&rows[0]);
        assert_eq!(rows[0][11], rows[0][13]);
    }
}
