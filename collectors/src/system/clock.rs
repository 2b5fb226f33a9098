//! The system clock, broken down in UTC and formatted as osquery's `time` table prints it.
//!
//! The clock is not a file, so on a fixture root it still reads this
//! machine's clock; only the local time zone comes from the root.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::HostRoot;
use crate::system::calendar::CivilTime;
use crate::system::timezone;

const WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// One reading of the clock, in UTC, with the local zone's abbreviation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockReading {
    pub unix_time: i64,
    pub utc: CivilTime,
    /// The full English weekday name (`strftime("%A")`).
    pub weekday: &'static str,
    /// `asctime` followed by ` UTC`: `Thu Jan  1 00:00:00 1970 UTC`.
    pub timestamp: String,
    /// ISO 8601 in UTC (`strftime("%FT%TZ")`): `1970-01-01T00:00:00Z`.
    pub iso_8601: String,
    /// The local time zone's abbreviation at this instant, `UTC` when none is configured.
    pub local_timezone: String,
}

/// Reads the system clock now.
pub fn now(root: &HostRoot) -> ClockReading {
    // A clock before 1970 reads as the epoch, as osquery's getUnixTime does.
    let unix = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    reading(unix, timezone::local_abbreviation(root, unix))
}

/// Formats the instant `unix` with the local zone abbreviation `local_timezone`.
pub fn reading(unix: i64, local_timezone: String) -> ClockReading {
    let utc = CivilTime::from_unix(unix);
    let weekday = WEEKDAYS[utc.weekday as usize % 7];
    let month = MONTHS[(utc.month as usize + 11) % 12];
    let timestamp = format!(
        "{} {}{:3} {:02}:{:02}:{:02} {} UTC",
        &weekday[..3],
        month,
        utc.day,
        utc.hour,
        utc.minute,
        utc.second,
        utc.year
    );
    let iso_8601 = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second
    );
    ClockReading {
        unix_time: unix,
        utc,
        weekday,
        timestamp,
        iso_8601,
        local_timezone,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_a_fixed_instant_like_osquery() {
        // 2024-03-05T07:08:09Z, a Tuesday.
        let r = reading(1_709_622_489, "CET".into());
        assert_eq!(r.weekday, "Tuesday");
        assert_eq!(
            (r.utc.year, r.utc.month, r.utc.day),
            (2024, 3, 5),
            "{:?}",
            r.utc
        );
        assert_eq!((r.utc.hour, r.utc.minute, r.utc.second), (7, 8, 9));
        assert_eq!(r.timestamp, "Tue Mar  5 07:08:09 2024 UTC");
        assert_eq!(r.iso_8601, "2024-03-05T07:08:09Z");
        assert_eq!(r.local_timezone, "CET");
    }

    #[test]
    fn two_digit_days_and_the_epoch() {
        assert_eq!(
            reading(0, "UTC".into()).timestamp,
            "Thu Jan  1 00:00:00 1970 UTC"
        );
        let r = reading(1_735_689_599, "UTC".into());
        assert_eq!(r.timestamp, "Tue Dec 31 23:59:59 2024 UTC");
        assert_eq!(r.iso_8601, "2024-12-31T23:59:59Z");
    }

    #[test]
    fn now_is_after_2020() {
        let r = now(&HostRoot::live());
        assert!(r.unix_time > 1_577_836_800);
        assert!(!r.local_timezone.is_empty());
    }
}
