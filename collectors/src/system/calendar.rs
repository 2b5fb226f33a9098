//! Proleptic Gregorian calendar arithmetic on Unix time, without the C library.
//!
//! The `time` table and the time zone rules need civil dates from Unix
//! seconds; doing it here keeps both pure (no `gmtime_r`, no `unsafe`).
//! The day/date conversions are Howard Hinnant's `days_from_civil` and
//! `civil_from_days` algorithms.

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// A broken-down UTC (or local) time, like `struct tm` with human numbering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CivilTime {
    pub year: i64,
    /// 1 to 12.
    pub month: u32,
    /// 1 to 31.
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    /// 0 is Sunday, as in `struct tm`.
    pub weekday: u32,
}

impl CivilTime {
    /// The civil time of `unix` seconds since the epoch.
    pub fn from_unix(unix: i64) -> CivilTime {
        let days = unix.div_euclid(DAY);
        let secs = unix.rem_euclid(DAY);
        let (year, month, day) = civil_from_days(days);
        CivilTime {
            year,
            month,
            day,
            // `secs` is in 0..86400, so these fit.
            hour: (secs / 3600) as u32,
            minute: (secs / 60 % 60) as u32,
            second: (secs % 60) as u32,
            weekday: weekday(days),
        }
    }
}

/// Days since 1970-01-01 of a civil date (month 1 to 12, day 1 to 31).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date (year, month 1 to 12, day 1 to 31) of days since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The weekday (0 is Sunday) of days since 1970-01-01, a Thursday.
pub fn weekday(days: i64) -> u32 {
    (days + 4).rem_euclid(7) as u32
}

pub fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// The number of days of `month` (1 to 12) in `year`.
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_and_known_instants() {
        let t = CivilTime::from_unix(0);
        assert_eq!((t.year, t.month, t.day, t.weekday), (1970, 1, 1, 4));
        // 2024-02-29T23:59:59Z was a Thursday.
        let t = CivilTime::from_unix(1_709_251_199);
        assert_eq!(
            (
                t.year, t.month, t.day, t.hour, t.minute, t.second, t.weekday
            ),
            (2024, 2, 29, 23, 59, 59, 4)
        );
        // One second before the epoch.
        let t = CivilTime::from_unix(-1);
        assert_eq!(
            (t.year, t.month, t.day, t.hour, t.weekday),
            (1969, 12, 31, 23, 3)
        );
    }

    #[test]
    fn days_round_trip() {
        for days in [-800_000, -1, 0, 59, 10_957, 19_782, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn month_lengths() {
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(1900, 2), 28);
        assert_eq!(days_in_month(2000, 2), 29);
        assert_eq!(days_in_month(2023, 11), 30);
    }
}
