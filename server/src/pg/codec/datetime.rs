//! Dates, timestamps and intervals: the ISO text SQLite holds, and
//! PostgreSQL's text forms (DateStyle ISO, IntervalStyle postgres) and binary
//! forms (days or microseconds since 2000-01-01; months, days and
//! microseconds for an interval).

use std::fmt::Write;

/// Days from 1970-01-01 to PostgreSQL's epoch, 2000-01-01.
const PG_EPOCH_DAYS: i64 = 10_957;
pub const USECS_PER_SEC: i64 = 1_000_000;
pub const USECS_PER_DAY: i64 = 86_400 * USECS_PER_SEC;
/// PostgreSQL's `infinity` and `-infinity` timestamps.
pub const TIMESTAMP_INFINITY: i64 = i64::MAX;
pub const TIMESTAMP_MINUS_INFINITY: i64 = i64::MIN;
/// PostgreSQL's `infinity` and `-infinity` dates.
pub const DATE_INFINITY: i32 = i32::MAX;
pub const DATE_MINUS_INFINITY: i32 = i32::MIN;

/// Days since 1970-01-01 of a proleptic Gregorian date (year 0 is 1 BC).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(year) => 29,
        _ => 28,
    }
}

/// A small cursor over ASCII text.
struct Scanner<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Scanner<'a> {
    fn new(s: &'a str) -> Self {
        Scanner {
            s: s.as_bytes(),
            i: 0,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn skip_spaces(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.i += 1;
        }
    }

    /// Up to `max` decimal digits, at least one.
    fn number(&mut self, max: usize) -> Option<(i64, usize)> {
        let start = self.i;
        let mut v: i64 = 0;
        while self.i - start < max
            && let Some(b) = self.peek().filter(u8::is_ascii_digit)
        {
            v = v.checked_mul(10)?.checked_add(i64::from(b - b'0'))?;
            self.i += 1;
        }
        (self.i > start).then_some((v, self.i - start))
    }

    /// A fraction after the decimal point, rounded to microseconds.
    fn micros_fraction(&mut self) -> i64 {
        let mut micros = 0i64;
        let mut digits = 0;
        let mut round_up = false;
        while let Some(b) = self.peek().filter(u8::is_ascii_digit) {
            if digits < 6 {
                micros = micros * 10 + i64::from(b - b'0');
            } else if digits == 6 {
                round_up = b >= b'5';
            }
            digits += 1;
            self.i += 1;
        }
        for _ in digits..6 {
            micros *= 10;
        }
        micros + i64::from(round_up)
    }

    fn rest(&self) -> &'a [u8] {
        &self.s[self.i.min(self.s.len())..]
    }

    fn done(&self) -> bool {
        self.i >= self.s.len()
    }
}

/// Reads `[-]YYYY-MM-DD`: days since 1970-01-01.
fn date_part(sc: &mut Scanner<'_>) -> Option<i64> {
    let negative = sc.eat(b'-');
    let (year, _) = sc.number(7)?;
    if !sc.eat(b'-') {
        return None;
    }
    let (month, _) = sc.number(2)?;
    if !sc.eat(b'-') {
        return None;
    }
    let (day, _) = sc.number(2)?;
    let year = if negative { -year } else { year };
    let month = u32::try_from(month).ok().filter(|m| (1..=12).contains(m))?;
    let day = u32::try_from(day)
        .ok()
        .filter(|d| *d >= 1 && *d <= days_in_month(year, month))?;
    Some(days_from_civil(year, month, day))
}

/// Reads `HH:MM[:SS[.ffffff]]`: microseconds since midnight (24:00:00 and a
/// leap second 60 are accepted and roll over, as in PostgreSQL).
fn time_part(sc: &mut Scanner<'_>) -> Option<i64> {
    let (hour, _) = sc.number(2)?;
    if !sc.eat(b':') {
        return None;
    }
    let (minute, _) = sc.number(2)?;
    let mut second = 0;
    let mut micros = 0;
    if sc.eat(b':') {
        second = sc.number(2)?.0;
        if sc.eat(b'.') {
            micros = sc.micros_fraction();
        }
    }
    if hour > 24 || minute > 59 || second > 60 {
        return None;
    }
    Some(((hour * 60 + minute) * 60 + second) * USECS_PER_SEC + micros)
}

/// Reads a zone: `Z`, `UTC`, `GMT` or `±HH[[:]MM[[:]SS]]`; seconds east of UTC.
fn zone_part(sc: &mut Scanner<'_>) -> Option<i32> {
    let rest = sc.rest();
    if rest.eq_ignore_ascii_case(b"z") {
        sc.i += 1;
        return Some(0);
    }
    for name in [&b"utc"[..], b"gmt"] {
        if rest.len() >= 3 && rest[..3].eq_ignore_ascii_case(name) {
            sc.i += 3;
            if sc.done() {
                return Some(0);
            }
        }
    }
    let sign = match sc.peek()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    sc.i += 1;
    let (first, len) = sc.number(6)?;
    let (hours, mut minutes, mut seconds) = match len {
        1 | 2 => (first, 0, 0),
        4 => (first / 100, first % 100, 0),
        6 => (first / 10_000, first / 100 % 100, first % 100),
        _ => return None,
    };
    if len <= 2 && sc.eat(b':') {
        minutes = sc.number(2)?.0;
        if sc.eat(b':') {
            seconds = sc.number(2)?.0;
        }
    }
    if hours > 15 || minutes > 59 || seconds > 59 {
        return None;
    }
    i32::try_from(sign * (hours * 3600 + minutes * 60 + seconds)).ok()
}

/// Reads an optional ` BC` era suffix.
fn era_bc(sc: &mut Scanner<'_>) -> bool {
    sc.skip_spaces();
    let rest = sc.rest();
    if rest.eq_ignore_ascii_case(b"bc") {
        sc.i += 2;
        true
    } else {
        if rest.eq_ignore_ascii_case(b"ad") {
            sc.i += 2;
        }
        false
    }
}

/// Moves a day count of a year-`y` date to the same date in year `1 - y` (BC).
fn to_bc(days: i64) -> Option<i64> {
    let (y, m, d) = civil_from_days(days);
    (y >= 1).then(|| days_from_civil(1 - y, m, d))
}

/// A timestamp read from text: microseconds since 2000-01-01 in the text's
/// own clock, and its zone offset (seconds east of UTC) if it names one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParsedTimestamp {
    pub micros: i64,
    pub offset: Option<i32>,
}

/// Parses `YYYY-MM-DD[( |T)HH:MM[:SS[.f]]][zone][ BC]`, `infinity`, `-infinity` or `epoch`.
pub fn parse_timestamp(text: &str) -> Option<ParsedTimestamp> {
    let t = text.trim();
    let special = |micros| {
        Some(ParsedTimestamp {
            micros,
            offset: Some(0),
        })
    };
    if t.eq_ignore_ascii_case("infinity") || t.eq_ignore_ascii_case("+infinity") {
        return special(TIMESTAMP_INFINITY);
    }
    if t.eq_ignore_ascii_case("-infinity") {
        return special(TIMESTAMP_MINUS_INFINITY);
    }
    if t.eq_ignore_ascii_case("epoch") {
        return special(-PG_EPOCH_DAYS * USECS_PER_DAY);
    }
    let mut sc = Scanner::new(t);
    let mut days = date_part(&mut sc)?;
    let mut time = 0;
    if sc.eat(b'T') || sc.eat(b't') || sc.eat(b' ') {
        sc.skip_spaces();
        if sc.peek().is_some_and(|b| b.is_ascii_digit()) {
            time = time_part(&mut sc)?;
        }
    }
    sc.skip_spaces();
    let offset = zone_part(&mut sc);
    if era_bc(&mut sc) {
        days = to_bc(days)?;
    }
    sc.skip_spaces();
    if !sc.done() {
        return None;
    }
    let micros = (days - PG_EPOCH_DAYS)
        .checked_mul(USECS_PER_DAY)?
        .checked_add(time)?;
    Some(ParsedTimestamp { micros, offset })
}

/// Parses a date (a timestamp's time part is dropped, as PostgreSQL does):
/// days since 2000-01-01.
pub fn parse_date(text: &str) -> Option<i32> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("infinity") || t.eq_ignore_ascii_case("+infinity") {
        return Some(DATE_INFINITY);
    }
    if t.eq_ignore_ascii_case("-infinity") {
        return Some(DATE_MINUS_INFINITY);
    }
    let parsed = parse_timestamp(t)?;
    i32::try_from(parsed.micros.div_euclid(USECS_PER_DAY)).ok()
}

/// Microseconds since 2000-01-01 of a Unix time in seconds.
pub fn from_unix_seconds(seconds: f64) -> Option<i64> {
    let micros = (seconds * 1e6).round() - (PG_EPOCH_DAYS * USECS_PER_DAY) as f64;
    (micros.is_finite() && micros.abs() < 9.2e18).then_some(micros as i64)
}

fn write_date(out: &mut String, days_since_1970: i64) -> bool {
    let (year, month, day) = civil_from_days(days_since_1970);
    let bc = year <= 0;
    let shown = if bc { 1 - year } else { year };
    let _ = write!(out, "{shown:04}-{month:02}-{day:02}");
    bc
}

/// Appends `.ffffff` without trailing zeros (nothing for whole seconds).
fn write_fraction(out: &mut String, micros: i64) {
    if micros != 0 {
        let mut digits = format!("{micros:06}");
        while digits.ends_with('0') {
            digits.pop();
        }
        out.push('.');
        out.push_str(&digits);
    }
}

/// A date as PostgreSQL prints it with DateStyle ISO.
pub fn format_date(days_since_2000: i32) -> String {
    match days_since_2000 {
        DATE_INFINITY => return "infinity".to_owned(),
        DATE_MINUS_INFINITY => return "-infinity".to_owned(),
        _ => {}
    }
    let mut out = String::with_capacity(13);
    if write_date(&mut out, i64::from(days_since_2000) + PG_EPOCH_DAYS) {
        out.push_str(" BC");
    }
    out
}

/// A timestamp as PostgreSQL prints it with DateStyle ISO; with `offset`
/// (seconds east of UTC) it is a `timestamptz` shown in that zone.
pub fn format_timestamp(micros: i64, offset: Option<i32>) -> String {
    match micros {
        TIMESTAMP_INFINITY => return "infinity".to_owned(),
        TIMESTAMP_MINUS_INFINITY => return "-infinity".to_owned(),
        _ => {}
    }
    let local = micros.saturating_add(i64::from(offset.unwrap_or(0)) * USECS_PER_SEC);
    let days = local.div_euclid(USECS_PER_DAY);
    let time = local.rem_euclid(USECS_PER_DAY);
    let mut out = String::with_capacity(32);
    let bc = write_date(&mut out, days + PG_EPOCH_DAYS);
    let secs = time / USECS_PER_SEC;
    let _ = write!(
        out,
        " {:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    );
    write_fraction(&mut out, time % USECS_PER_SEC);
    if let Some(off) = offset {
        let sign = if off < 0 { '-' } else { '+' };
        let a = off.unsigned_abs();
        let _ = write!(out, "{sign}{:02}", a / 3600);
        if a % 3600 != 0 {
            let _ = write!(out, ":{:02}", a / 60 % 60);
            if a % 60 != 0 {
                let _ = write!(out, ":{:02}", a % 60);
            }
        }
    }
    if bc {
        out.push_str(" BC");
    }
    out
}

/// The offset of a fixed `TimeZone` setting (`UTC`, `+02`, `-05:30`,
/// `UTC+3` in POSIX sign, ...) in seconds east of UTC; `None` for a named
/// zone hostgres has no rules for, which is then shown as UTC.
pub fn zone_offset(setting: &str) -> Option<i32> {
    let s = setting.trim();
    let upper = s.to_ascii_uppercase();
    if matches!(
        upper.as_str(),
        "UTC" | "GMT" | "Z" | "ZULU" | "ETC/UTC" | "ETC/GMT" | "UCT" | "UNIVERSAL"
    ) {
        return Some(0);
    }
    // POSIX-style names count hours west of Greenwich: UTC+3 is three hours behind.
    for prefix in ["ETC/GMT", "ETC/UTC", "UTC", "GMT"] {
        if let Some(rest) = upper.strip_prefix(prefix)
            && (rest.starts_with('+') || rest.starts_with('-'))
        {
            let mut sc = Scanner::new(rest);
            return zone_part(&mut sc).filter(|_| sc.done()).map(|o| -o);
        }
    }
    // A bare offset is ISO-style, hours east.
    let mut sc = Scanner::new(s);
    if s.starts_with('+') || s.starts_with('-') {
        return zone_part(&mut sc).filter(|_| sc.done());
    }
    None
}

/// A PostgreSQL interval: months, days and microseconds, kept apart because
/// months and days have no fixed length.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Interval {
    pub months: i32,
    pub days: i32,
    pub micros: i64,
}

impl Interval {
    /// An interval of a number of seconds.
    pub fn from_seconds(seconds: f64) -> Option<Interval> {
        let micros = (seconds * 1e6).round();
        (micros.is_finite() && micros.abs() < 9.2e18).then_some(Interval {
            months: 0,
            days: 0,
            micros: micros as i64,
        })
    }

    /// Adds `value` of a unit to the interval, spreading fractions down to
    /// smaller units as PostgreSQL does (a month is 30 days, a day 24 hours).
    fn add(&mut self, value: f64, unit: Unit) -> Option<()> {
        let (months, days, micros) = match unit {
            Unit::Months(m) => (value * f64::from(m), 0.0, 0.0),
            Unit::Days(d) => (0.0, value * f64::from(d), 0.0),
            Unit::Micros(u) => (0.0, 0.0, value * u as f64),
        };
        let whole_months = months.trunc();
        let days = days + months.fract() * 30.0;
        let whole_days = days.trunc();
        let micros = micros + days.fract() * USECS_PER_DAY as f64;
        let add_i32 = |a: i32, b: f64| -> Option<i32> {
            let v = f64::from(a) + b;
            (v.abs() <= f64::from(i32::MAX)).then_some(v as i32)
        };
        self.months = add_i32(self.months, whole_months)?;
        self.days = add_i32(self.days, whole_days)?;
        let m = self.micros as f64 + micros.round();
        (m.abs() < 9.2e18).then(|| self.micros = m as i64)
    }

    fn negate(self) -> Interval {
        Interval {
            months: -self.months,
            days: -self.days,
            micros: -self.micros,
        }
    }
}

#[derive(Clone, Copy)]
enum Unit {
    Months(i32),
    Days(i32),
    Micros(i64),
}

fn unit(word: &str) -> Option<Unit> {
    let w = word.to_ascii_lowercase();
    let w = w.trim_end_matches(',');
    Some(match w {
        "microsecond" | "microseconds" | "us" | "usec" | "usecs" | "useconds" => Unit::Micros(1),
        "millisecond" | "milliseconds" | "ms" | "msec" | "msecs" | "mseconds" => Unit::Micros(1000),
        "second" | "seconds" | "s" | "sec" | "secs" => Unit::Micros(USECS_PER_SEC),
        "minute" | "minutes" | "m" | "min" | "mins" => Unit::Micros(60 * USECS_PER_SEC),
        "hour" | "hours" | "h" | "hr" | "hrs" => Unit::Micros(3600 * USECS_PER_SEC),
        "day" | "days" | "d" => Unit::Days(1),
        "week" | "weeks" | "w" => Unit::Days(7),
        "month" | "months" | "mon" | "mons" => Unit::Months(1),
        "year" | "years" | "y" | "yr" | "yrs" => Unit::Months(12),
        "decade" | "decades" => Unit::Months(120),
        "century" | "centuries" => Unit::Months(1200),
        "millennium" | "millennia" | "millenniums" => Unit::Months(12_000),
        _ => return None,
    })
}

/// `[-+]H+:MM[:SS[.f]]` as microseconds.
fn clock(token: &str) -> Option<i64> {
    let (negative, t) = match token.as_bytes().first()? {
        b'-' => (true, &token[1..]),
        b'+' => (false, &token[1..]),
        _ => (false, token),
    };
    let mut sc = Scanner::new(t);
    let (hours, _) = sc.number(9)?;
    if !sc.eat(b':') {
        return None;
    }
    let (minutes, _) = sc.number(2)?;
    let mut seconds = 0;
    let mut micros = 0;
    if sc.eat(b':') {
        seconds = sc.number(2)?.0;
        if sc.eat(b'.') {
            micros = sc.micros_fraction();
        }
    }
    if !sc.done() || minutes > 59 || seconds > 59 {
        return None;
    }
    let v = ((hours * 60 + minutes) * 60 + seconds)
        .checked_mul(USECS_PER_SEC)?
        .checked_add(micros)?;
    Some(if negative { -v } else { v })
}

/// ISO 8601 `P[nY][nM][nW][nD][T[nH][nM][nS]]`.
fn parse_iso_interval(t: &str) -> Option<Interval> {
    let mut out = Interval::default();
    let mut in_time = false;
    let mut number = String::new();
    for c in t[1..].chars() {
        match c {
            'T' | 't' if number.is_empty() => in_time = true,
            '0'..='9' | '.' | '-' | '+' => number.push(c),
            _ => {
                let v: f64 = number.parse().ok()?;
                number.clear();
                let u = match (c.to_ascii_uppercase(), in_time) {
                    ('Y', false) => Unit::Months(12),
                    ('M', false) => Unit::Months(1),
                    ('W', false) => Unit::Days(7),
                    ('D', false) => Unit::Days(1),
                    ('H', true) => Unit::Micros(3600 * USECS_PER_SEC),
                    ('M', true) => Unit::Micros(60 * USECS_PER_SEC),
                    ('S', true) => Unit::Micros(USECS_PER_SEC),
                    _ => return None,
                };
                out.add(v, u)?;
            }
        }
    }
    number.is_empty().then_some(out)
}

/// Parses an interval as PostgreSQL writes or accepts it: `1 year 2 mons
/// 3 days 04:05:06.5`, `-1 days +02:00:00`, `@ 1 day ago`, `P1DT2H`, or a
/// bare number of seconds.
pub fn parse_interval(text: &str) -> Option<Interval> {
    let t = text.trim();
    if t.starts_with(['P', 'p']) {
        return parse_iso_interval(t);
    }
    let t = t.strip_prefix('@').unwrap_or(t);
    let words: Vec<&str> = t.split_whitespace().collect();
    if words.is_empty() {
        return None;
    }
    let mut out = Interval::default();
    let mut ago = false;
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        if w.eq_ignore_ascii_case("ago") && i + 1 == words.len() {
            ago = true;
            i += 1;
        } else if w.contains(':') {
            out.micros = out.micros.checked_add(clock(w)?)?;
            i += 1;
        } else if let Ok(v) = w.parse::<f64>() {
            match words.get(i + 1).and_then(|u| unit(u)) {
                Some(u) => {
                    out.add(v, u)?;
                    i += 2;
                }
                None if words.len() == 1 => {
                    out.add(v, Unit::Micros(USECS_PER_SEC))?;
                    i += 1;
                }
                None => return None,
            }
        } else {
            // `1day`, `2h`: a number glued to its unit.
            let split = w.find(|c: char| c.is_ascii_alphabetic())?;
            let v: f64 = w[..split].parse().ok()?;
            out.add(v, unit(&w[split..])?)?;
            i += 1;
        }
    }
    Some(if ago { out.negate() } else { out })
}

/// An interval as PostgreSQL prints it with IntervalStyle postgres.
pub fn format_interval(iv: Interval) -> String {
    let mut out = String::new();
    let mut is_zero = true;
    let mut is_before = false;
    let years = iv.months / 12;
    let months = iv.months % 12;
    for (value, unit) in [
        (i64::from(years), "year"),
        (i64::from(months), "mon"),
        (i64::from(iv.days), "day"),
    ] {
        if value == 0 {
            continue;
        }
        let _ = write!(
            out,
            "{}{}{value} {unit}{}",
            if is_zero { "" } else { " " },
            if is_before && value > 0 { "+" } else { "" },
            if value == 1 { "" } else { "s" }
        );
        is_before = value < 0;
        is_zero = false;
    }
    if is_zero || iv.micros != 0 {
        let minus = iv.micros < 0;
        let a = iv.micros.unsigned_abs();
        let secs = a / USECS_PER_SEC as u64;
        let _ = write!(
            out,
            "{}{}{:02}:{:02}:{:02}",
            if is_zero { "" } else { " " },
            if minus {
                "-"
            } else if is_before {
                "+"
            } else {
                ""
            },
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        );
        write_fraction(&mut out, (a % USECS_PER_SEC as u64) as i64);
    }
    out
}

/// PostgreSQL's binary interval: microseconds, days, months.
pub fn interval_to_binary(iv: Interval, out: &mut bytes::BytesMut) {
    use bytes::BufMut;
    out.put_i64(iv.micros);
    out.put_i32(iv.days);
    out.put_i32(iv.months);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 1, 1), PG_EPOCH_DAYS);
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
        assert_eq!(civil_from_days(days_from_civil(-43, 3, 15)), (-43, 3, 15));
    }

    #[test]
    fn timestamps_parse_and_print_like_postgresql() {
        let ts = parse_timestamp("2024-01-02 03:04:05.123456").expect("ts");
        assert_eq!(ts.micros, 0x0002_b0ec_8517_d580);
        assert_eq!(ts.offset, None);
        assert_eq!(
            format_timestamp(ts.micros, None),
            "2024-01-02 03:04:05.123456"
        );
        let tz = parse_timestamp("2024-01-02T03:04:05+05:30").expect("tz");
        assert_eq!(tz.offset, Some(19_800));
        assert_eq!(
            tz.micros - i64::from(19_800) * USECS_PER_SEC,
            0x0002_b0e7_e8e9_ed40
        );
        assert_eq!(
            format_timestamp(0x0002_b0e7_e8e9_ed40, Some(0)),
            "2024-01-01 21:34:05+00"
        );
        assert_eq!(
            format_timestamp(0x0002_b0ec_8515_f340, Some(-19_800)),
            "2024-01-01 21:34:05-05:30"
        );
        assert_eq!(
            parse_timestamp("2024-02-29 23:59:60").map(|t| format_timestamp(t.micros, None)),
            Some("2024-03-01 00:00:00".to_owned())
        );
        assert_eq!(
            parse_timestamp("1999-12-31 23:59:59.9999995").map(|t| t.micros),
            Some(0)
        );
        assert_eq!(
            parse_timestamp("2024-01-02Z").map(|t| t.offset),
            Some(Some(0))
        );
        assert_eq!(
            parse_timestamp("infinity").map(|t| format_timestamp(t.micros, Some(0))),
            Some("infinity".to_owned())
        );
        for bad in [
            "",
            "2024-13-01",
            "2024-02-30",
            "2024-01-02 25:00",
            "yesterday",
            "2024-01-02 x",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }

    #[test]
    fn dates_parse_and_print_like_postgresql() {
        assert_eq!(parse_date("2024-01-02"), Some(0x223f));
        assert_eq!(format_date(0x223f), "2024-01-02");
        assert_eq!(parse_date("2024-01-02 23:00:00"), Some(0x223f));
        let bc = parse_date("0044-03-15 BC").expect("bc");
        assert_eq!(format_date(bc), "0044-03-15 BC");
        assert_eq!(format_date(DATE_INFINITY), "infinity");
    }

    #[test]
    fn zones() {
        assert_eq!(zone_offset("UTC"), Some(0));
        assert_eq!(zone_offset("Etc/UTC"), Some(0));
        assert_eq!(zone_offset("+02"), Some(7200));
        assert_eq!(zone_offset("-05:30"), Some(-19_800));
        assert_eq!(zone_offset("UTC+3"), Some(-10_800));
        assert_eq!(zone_offset("Europe/Berlin"), None);
    }

    #[test]
    fn intervals_parse_and_print_like_postgresql() {
        let cases = [
            (
                "1 year 2 mons 3 days 04:05:06.5",
                "1 year 2 mons 3 days 04:05:06.5",
            ),
            ("P1Y2M3DT4H5M6.5S", "1 year 2 mons 3 days 04:05:06.5"),
            ("1.5 days", "1 day 12:00:00"),
            ("-1.5 years", "-1 years -6 mons"),
            ("@ 1 day ago", "-1 days"),
            ("1 day 25:00:00", "1 day 25:00:00"),
            ("100:00:00", "100:00:00"),
            ("-00:00:01.5", "-00:00:01.5"),
            ("-1 days +02:00:00", "-1 days +02:00:00"),
            ("1 day -00:00:01", "1 day -00:00:01"),
            ("1 week", "7 days"),
            ("0", "00:00:00"),
            ("00:00:00.000001", "00:00:00.000001"),
            ("2 years", "2 years"),
            ("-3 mons", "-3 mons"),
            ("90", "00:01:30"),
        ];
        for (input, printed) in cases {
            let iv = parse_interval(input).unwrap_or_else(|| panic!("{input}"));
            assert_eq!(format_interval(iv), printed, "{input}");
        }
        assert_eq!(
            parse_interval("1 year 2 mons 3 days 04:05:06.5"),
            Some(Interval {
                months: 14,
                days: 3,
                micros: 0x0000_0003_6c93_61a0
            })
        );
        for bad in ["", "1 fortnight", "abc", "P1X"] {
            assert_eq!(parse_interval(bad), None, "{bad}");
        }
    }
}
