//! `memory_info`: main memory counters from /proc/meminfo, in bytes (one row).

use hostgres_collectors::CollectError;
use hostgres_collectors::system::meminfo;

use crate::schema::{ColumnType::*, Schema, col};
use crate::{Rows, ScanContext, Table};

pub(crate) struct MemoryInfo;

static SCHEMA: Schema = Schema {
    name: "memory_info",
    doc: "Main memory information in bytes.",
    columns: &[
        col(
            "memory_total",
            BigInt,
            "Total amount of physical RAM, in bytes (MemTotal).",
        ),
        col(
            "memory_free",
            BigInt,
            "Physical RAM left unused by the system, in bytes (MemFree).",
        ),
        col(
            "memory_available",
            BigInt,
            "Physical RAM available for starting new applications without swapping, in bytes (MemAvailable).",
        ),
        col(
            "buffers",
            BigInt,
            "Physical RAM used for file buffers, in bytes (Buffers).",
        ),
        col(
            "cached",
            BigInt,
            "Physical RAM used as page cache, in bytes (Cached).",
        ),
        col(
            "swap_cached",
            BigInt,
            "Swap also held in RAM as cache, in bytes (SwapCached).",
        ),
        col(
            "active",
            BigInt,
            "Buffer or page cache memory in active use, in bytes (Active).",
        ),
        col(
            "inactive",
            BigInt,
            "Buffer or page cache memory not recently used and reclaimable, in bytes (Inactive).",
        ),
        col(
            "swap_total",
            BigInt,
            "Total amount of swap, in bytes (SwapTotal).",
        ),
        col("swap_free", BigInt, "Unused swap, in bytes (SwapFree)."),
    ],
};

impl Table for MemoryInfo {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }

    fn generate(&self, cx: &ScanContext<'_>, out: &mut Rows) -> Result<(), CollectError> {
        let m = meminfo::read(cx.root())?;
        out.row()
            .set("memory_total", m.memory_total)
            .set("memory_free", m.memory_free)
            .set("memory_available", m.memory_available)
            .set("buffers", m.buffers)
            .set("cached", m.cached)
            .set("swap_cached", m.swap_cached)
            .set("active", m.active)
            .set("inactive", m.inactive)
            .set("swap_total", m.swap_total)
            .set("swap_free", m.swap_free);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{fixture_query, live_query, strings};

    #[test]
    fn reads_the_fixture_host() {
        let rows = fixture_query("basic", "SELECT * FROM memory_info");
        let kib = |n: u64| (n * 1024).to_string();
        assert_eq!(
            strings(&rows),
            vec![vec![
                kib(65_843_824),
                kib(3_081_244),
                kib(41_523_388),
                kib(1_218_440),
                kib(36_902_348),
                kib(10_240),
                kib(24_612_000),
                kib(33_584_076),
                kib(8_388_604),
                kib(8_323_068),
            ]]
        );
    }

    #[test]
    fn live_memory_is_consistent() {
        let rows = live_query(
            "SELECT memory_total, memory_free, memory_available, swap_total, swap_free FROM memory_info",
        );
        assert_eq!(rows.len(), 1);
        let n: Vec<i64> = rows[0]
            .iter()
            .map(|v| v.as_i64().expect("integer"))
            .collect();
        assert!(n[0] > 0 && n[0] % 1024 == 0);
        assert!(n[1] <= n[0] && n[2] <= n[0]);
        assert!(n[4] <= n[3]);
    }
}
