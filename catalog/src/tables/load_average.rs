//! `load_average`: the system load averages over 1, 5 and 15 minutes (three rows).

use hostgres_collectors::CollectError;
use hostgres_collectors::system::loadavg;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct LoadAverage;

static SCHEMA: Schema = Schema {
    name: "load_average",
    doc: "Displays information about the system wide load averages.",
    columns: &[
        col(
            "period",
            Text,
            "Period over which the average is calculated: 1m, 5m or 15m.",
        ),
        col("average", Text, "Load average over the specified period."),
    ],
};

impl Table for LoadAverage {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let l = loadavg::read(cx.root())?;
        for (period, average) in [("1m", l.one), ("5m", l.five), ("15m", l.fifteen)] {
            out.row().set("period", period).set("average", average);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{fixture_query, strings};

    #[test]
    fn reads_the_fixture_host() {
        let rows = fixture_query("basic", "SELECT period, average FROM load_average");
        assert_eq!(
            strings(&rows),
            vec![vec!["1m", "0.52"], vec!["5m", "0.58"], vec!["15m", "0.59"]]
        );
    }
}
