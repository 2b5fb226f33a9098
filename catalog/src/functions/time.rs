//! Dates, timestamps and intervals with PostgreSQL's semantics, stored in
//! SQLite as the text PostgreSQL prints: `2024-01-02` (date),
//! `2024-01-02 03:04:05.5` (timestamp), `2024-01-02 03:04:05.5+00`
//! (timestamptz, always in UTC) and `1 day 02:00:00` (interval).
//!
//! Canonical texts of one type sort in time order, so comparisons and
//! `ORDER BY` work on them directly. The functions here (`now()`,
//! `to_timestamp`, `date_part`, `date_trunc`, `age`, `to_char`, interval
//! arithmetic, casts) parse their arguments in any format PostgreSQL accepts
//! for input and answer in the canonical one. Times are UTC: the session's
//! `TimeZone` is not applied.

use chrono::{Datelike, Duration, Months, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};
use rusqlite::Connection;
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::ValueRef;

use crate::schema::ColumnType;

/// What each function of this module returns, for `Describe`. `date_trunc`,
/// `timezone` and the `timestamp_*_interval` functions return the type of
/// their argument; the translator types those itself.
pub(crate) const RETURN_TYPES: &[(&str, ColumnType)] = &[
    ("now", ColumnType::TimestampTz),
    ("transaction_timestamp", ColumnType::TimestampTz),
    ("statement_timestamp", ColumnType::TimestampTz),
    ("clock_timestamp", ColumnType::TimestampTz),
    ("localtimestamp", ColumnType::Timestamp),
    ("to_timestamp", ColumnType::TimestampTz),
    ("to_date", ColumnType::Date),
    ("make_date", ColumnType::Date),
    ("date_part", ColumnType::Double),
    ("date_trunc", ColumnType::TimestampTz),
    ("age", ColumnType::Interval),
    ("justify_days", ColumnType::Interval),
    ("justify_hours", ColumnType::Interval),
    ("justify_interval", ColumnType::Interval),
    ("make_interval", ColumnType::Interval),
    ("to_char", ColumnType::Text),
    ("cast_timestamptz", ColumnType::TimestampTz),
    ("cast_timestamp", ColumnType::Timestamp),
    ("cast_date", ColumnType::Date),
    ("cast_interval", ColumnType::Interval),
    ("timestamp_mi", ColumnType::Interval),
    ("interval_pl", ColumnType::Interval),
    ("interval_mi", ColumnType::Interval),
    ("interval_mul", ColumnType::Interval),
    ("interval_div", ColumnType::Interval),
    ("interval_um", ColumnType::Interval),
    ("date_pli", ColumnType::Date),
    ("date_mii", ColumnType::Date),
    ("date_mi", ColumnType::Integer),
];

const MICROS_PER_SECOND: i64 = 1_000_000;
const MICROS_PER_DAY: i64 = 86_400 * MICROS_PER_SECOND;

/// A date or timestamp value and which PostgreSQL type it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Moment {
    Date(NaiveDate),
    Timestamp(NaiveDateTime),
    /// In UTC.
    TimestampTz(NaiveDateTime),
}

/// The PostgreSQL types a text can be read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MomentKind {
    Date,
    Timestamp,
    TimestampTz,
}

impl MomentKind {
    fn type_name(self) -> &'static str {
        match self {
            MomentKind::Date => "date",
            MomentKind::Timestamp => "timestamp without time zone",
            MomentKind::TimestampTz => "timestamp with time zone",
        }
    }
}

impl Moment {
    /// The date and time (local for `timestamp`, UTC for `timestamptz`).
    pub(crate) fn naive(self) -> NaiveDateTime {
        match self {
            Moment::Date(d) => d.and_time(NaiveTime::MIN),
            Moment::Timestamp(t) | Moment::TimestampTz(t) => t,
        }
    }

    fn with(self, t: NaiveDateTime) -> Moment {
        match self {
            Moment::Date(_) | Moment::Timestamp(_) => Moment::Timestamp(t),
            Moment::TimestampTz(_) => Moment::TimestampTz(t),
        }
    }

    /// The canonical text SQLite stores.
    pub(crate) fn format(self) -> String {
        match self {
            Moment::Date(d) => d.format("%Y-%m-%d").to_string(),
            Moment::Timestamp(t) => format_datetime(t),
            Moment::TimestampTz(t) => format!("{}+00", format_datetime(t)),
        }
    }
}

fn format_datetime(t: NaiveDateTime) -> String {
    let mut s = t.format("%Y-%m-%d %H:%M:%S").to_string();
    push_fraction(&mut s, t.nanosecond() / 1000);
    s
}

/// Appends `.ffffff` without trailing zeros, as PostgreSQL prints seconds.
fn push_fraction(s: &mut String, micros: u32) {
    if micros != 0 {
        let frac = format!(".{micros:06}");
        s.push_str(frac.trim_end_matches('0'));
    }
}

fn invalid(type_name: &str, text: &str) -> String {
    format!("invalid input syntax for type {type_name}: \"{text}\"")
}

/// The current time, with microseconds.
pub(crate) fn now() -> NaiveDateTime {
    let t = Utc::now().naive_utc();
    t.with_nanosecond(t.nanosecond() / 1000 * 1000).unwrap_or(t)
}

/// Reads `text` (any input PostgreSQL accepts for dates and timestamps that
/// hostgres knows) as `kind`.
pub(crate) fn parse_moment(text: &str, kind: MomentKind) -> Result<Moment, String> {
    let (date, time, offset) = parse_parts(text).ok_or_else(|| invalid(kind.type_name(), text))?;
    let local = date.and_time(time.unwrap_or(NaiveTime::MIN));
    Ok(match kind {
        MomentKind::Date => Moment::Date(date),
        MomentKind::Timestamp => Moment::Timestamp(local),
        MomentKind::TimestampTz => Moment::TimestampTz(
            local
                .checked_sub_signed(Duration::seconds(offset.unwrap_or(0).into()))
                .ok_or_else(|| "timestamp out of range".to_owned())?,
        ),
    })
}

/// Reads a stored value, deciding its type from its shape: a zone makes a
/// `timestamptz`, a time of day a `timestamp`, a bare date a `date`.
pub(crate) fn parse_any(text: &str) -> Result<Moment, String> {
    let (date, time, offset) =
        parse_parts(text).ok_or_else(|| invalid("timestamp with time zone", text))?;
    let local = date.and_time(time.unwrap_or(NaiveTime::MIN));
    Ok(match (time, offset) {
        (_, Some(off)) => Moment::TimestampTz(
            local
                .checked_sub_signed(Duration::seconds(off.into()))
                .ok_or_else(|| "timestamp out of range".to_owned())?,
        ),
        (Some(_), None) => Moment::Timestamp(local),
        (None, None) => Moment::Date(date),
    })
}

/// Date, optional time of day and optional UTC offset in seconds.
fn parse_parts(text: &str) -> Option<(NaiveDate, Option<NaiveTime>, Option<i32>)> {
    let s = text.trim();
    let lower = s.to_ascii_lowercase();
    let special = match lower.as_str() {
        "epoch" => Some((
            NaiveDate::from_ymd_opt(1970, 1, 1)?,
            Some(NaiveTime::MIN),
            Some(0),
        )),
        "now" => {
            let n = now();
            Some((n.date(), Some(n.time()), Some(0)))
        }
        "today" | "tomorrow" | "yesterday" => {
            let today = now().date();
            let d = match lower.as_str() {
                "tomorrow" => today.succ_opt()?,
                "yesterday" => today.pred_opt()?,
                _ => today,
            };
            Some((d, None, None))
        }
        _ => None,
    };
    if special.is_some() {
        return special;
    }
    let b = s.as_bytes();
    let (year, rest) = take_digits(b, 4, 6)?;
    let rest = rest.strip_prefix(b"-")?;
    let (month, rest) = take_digits(rest, 1, 2)?;
    let rest = rest.strip_prefix(b"-")?;
    let (day, rest) = take_digits(rest, 1, 2)?;
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month as u32, day as u32)?;
    let mut rest = rest;
    let mut time = None;
    if let Some(r) = rest
        .strip_prefix(b"T")
        .or_else(|| rest.strip_prefix(b"t"))
        .or_else(|| {
            let r = trim_start(rest);
            (r.len() < rest.len() && r.first().is_some_and(u8::is_ascii_digit)).then_some(r)
        })
    {
        let (t, r) = parse_time(r)?;
        time = Some(t);
        rest = r;
    }
    let rest = trim_start(rest);
    let offset = if rest.is_empty() {
        None
    } else {
        Some(parse_offset(std::str::from_utf8(rest).ok()?)?)
    };
    Some((date, time, offset))
}

fn trim_start(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    &b[n..]
}

fn take_digits(b: &[u8], min: usize, max: usize) -> Option<(u64, &[u8])> {
    let n = b
        .iter()
        .take(max)
        .take_while(|c| c.is_ascii_digit())
        .count();
    if n < min {
        return None;
    }
    let v = std::str::from_utf8(&b[..n]).ok()?.parse().ok()?;
    Some((v, &b[n..]))
}

/// `HH:MM[:SS[.fraction]]`.
fn parse_time(b: &[u8]) -> Option<(NaiveTime, &[u8])> {
    let (h, rest) = take_digits(b, 1, 2)?;
    let rest = rest.strip_prefix(b":")?;
    let (m, mut rest) = take_digits(rest, 2, 2)?;
    let mut sec = 0;
    let mut micros = 0u32;
    if let Some(r) = rest.strip_prefix(b":") {
        let (s, r) = take_digits(r, 2, 2)?;
        sec = s;
        rest = r;
        if let Some(r) = rest.strip_prefix(b".") {
            let n = r.iter().take_while(|c| c.is_ascii_digit()).count();
            let digits = std::str::from_utf8(&r[..n]).ok()?;
            let padded: String = digits
                .chars()
                .chain(std::iter::repeat('0'))
                .take(7)
                .collect();
            let v: u32 = padded.parse().ok()?;
            // Rounds to microseconds as PostgreSQL does.
            micros = (v + 5) / 10;
            rest = &r[n..];
        }
    }
    let mut t = NaiveTime::from_hms_opt(h as u32, m as u32, sec as u32)?;
    if h == 24 && m == 0 && sec == 0 {
        return None;
    }
    t = t
        .overflowing_add_signed(Duration::microseconds(micros.into()))
        .0;
    Some((t, rest))
}

/// A UTC offset in seconds from `Z`, `UTC`, `GMT`, `+HH`, `+HHMM`, `+HH:MM`.
pub(crate) fn parse_offset(zone: &str) -> Option<i32> {
    let z = zone.trim();
    match z.to_ascii_lowercase().as_str() {
        "z" | "utc" | "gmt" | "etc/utc" | "etc/gmt" | "zulu" | "uct" | "universal" => {
            return Some(0);
        }
        _ => {}
    }
    let (sign, rest) = match z.as_bytes().first()? {
        b'+' => (1, &z[1..]),
        b'-' => (-1, &z[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) || digits.len() > 6 {
        return None;
    }
    let (h, m, s) = match digits.len() {
        1 | 2 => (digits.parse::<i32>().ok()?, 0, 0),
        3 | 4 => {
            let (h, m) = digits.split_at(digits.len() - 2);
            (h.parse().ok()?, m.parse().ok()?, 0)
        }
        _ => {
            let (hm, s) = digits.split_at(digits.len() - 2);
            let (h, m) = hm.split_at(hm.len() - 2);
            (h.parse().ok()?, m.parse().ok()?, s.parse().ok()?)
        }
    };
    if h > 15 || m > 59 || s > 59 {
        return None;
    }
    Some(sign * (h * 3600 + m * 60 + s))
}

/// A PostgreSQL interval: months, days and microseconds, kept apart because
/// a month and a day have no fixed length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Interval {
    pub months: i32,
    pub days: i32,
    pub micros: i64,
}

fn interval_range() -> String {
    "interval out of range".to_owned()
}

impl Interval {
    fn checked_add(self, o: Interval) -> Option<Interval> {
        Some(Interval {
            months: self.months.checked_add(o.months)?,
            days: self.days.checked_add(o.days)?,
            micros: self.micros.checked_add(o.micros)?,
        })
    }

    fn checked_neg(self) -> Option<Interval> {
        Some(Interval {
            months: self.months.checked_neg()?,
            days: self.days.checked_neg()?,
            micros: self.micros.checked_neg()?,
        })
    }

    /// Multiplies by `f`, carrying fractions down (months to days to time) as PostgreSQL does.
    fn checked_mul(self, f: f64) -> Option<Interval> {
        if !f.is_finite() {
            return None;
        }
        let months = f64::from(self.months) * f;
        let days = f64::from(self.days) * f;
        let whole_months = months.trunc();
        let days = days + months.fract() * 30.0;
        let whole_days = days.trunc();
        let micros = self.micros as f64 * f + days.fract() * MICROS_PER_DAY as f64;
        let in_i32 =
            |v: f64| (v >= f64::from(i32::MIN) && v <= f64::from(i32::MAX)).then_some(v as i32);
        if micros.abs() >= 9.2e18 {
            return None;
        }
        Some(Interval {
            months: in_i32(whole_months)?,
            days: in_i32(whole_days)?,
            micros: micros.round() as i64,
        })
    }

    /// Seconds, counting a month as 30 days and a year as 365.25 days (PostgreSQL's `epoch`).
    pub(crate) fn epoch(self) -> f64 {
        let years = f64::from(self.months / 12);
        let months = f64::from(self.months % 12);
        years * 365.25 * 86400.0
            + months * 30.0 * 86400.0
            + f64::from(self.days) * 86400.0
            + self.micros as f64 / 1e6
    }

    /// PostgreSQL's output (`IntervalStyle = postgres`).
    pub(crate) fn format(self) -> String {
        let mut out = String::new();
        let mut is_zero = true;
        let mut is_before = false;
        let mut part = |out: &mut String, value: i64, unit: &str| {
            if value == 0 {
                return;
            }
            if !is_zero {
                out.push(' ');
            }
            if is_before && value > 0 {
                out.push('+');
            }
            out.push_str(&format!(
                "{value} {unit}{}",
                if value != 1 { "s" } else { "" }
            ));
            is_before = value < 0;
            is_zero = false;
        };
        part(&mut out, i64::from(self.months / 12), "year");
        part(&mut out, i64::from(self.months % 12), "mon");
        part(&mut out, i64::from(self.days), "day");
        let t = self.micros;
        if is_zero || t != 0 {
            let neg = t < 0;
            let a = t.unsigned_abs();
            let hours = a / 3_600_000_000;
            let minutes = a / 60_000_000 % 60;
            let seconds = a / 1_000_000 % 60;
            let frac = (a % 1_000_000) as u32;
            if !is_zero {
                out.push(' ');
            }
            out.push_str(if neg {
                "-"
            } else if is_before {
                "+"
            } else {
                ""
            });
            out.push_str(&format!("{hours:02}:{minutes:02}:{seconds:02}"));
            push_fraction(&mut out, frac);
        }
        out
    }
}

/// Unit names PostgreSQL accepts in interval input, and what one of each is.
fn unit(word: &str) -> Option<Unit> {
    Some(match word {
        "microsecond" | "microseconds" | "us" | "usec" | "usecs" | "useconds" => Unit::Micros(1),
        "millisecond" | "milliseconds" | "ms" | "msec" | "msecs" | "mseconds" => Unit::Micros(1000),
        "second" | "seconds" | "s" | "sec" | "secs" => Unit::Micros(MICROS_PER_SECOND),
        "minute" | "minutes" | "m" | "min" | "mins" => Unit::Micros(60 * MICROS_PER_SECOND),
        "hour" | "hours" | "h" | "hr" | "hrs" => Unit::Micros(3600 * MICROS_PER_SECOND),
        "day" | "days" | "d" => Unit::Days(1),
        "week" | "weeks" | "w" => Unit::Days(7),
        "month" | "months" | "mon" | "mons" => Unit::Months(1),
        "year" | "years" | "y" | "yr" | "yrs" => Unit::Months(12),
        "decade" | "decades" | "dec" | "decs" => Unit::Months(120),
        "century" | "centuries" | "c" | "cent" => Unit::Months(1200),
        "millennium" | "millennia" | "mil" | "mils" => Unit::Months(12000),
        _ => return None,
    })
}

#[derive(Debug, Clone, Copy)]
enum Unit {
    Micros(i64),
    Days(i64),
    Months(i64),
}

/// `value` units as an interval, fractions carried down as PostgreSQL does.
fn scaled(value: f64, unit: Unit) -> Option<Interval> {
    let iv = match unit {
        Unit::Micros(m) => {
            let v = value * m as f64;
            if v.abs() >= 9.2e18 {
                return None;
            }
            Interval {
                micros: v.round() as i64,
                ..Interval::default()
            }
        }
        Unit::Days(d) => Interval {
            days: 1,
            ..Interval::default()
        }
        .checked_mul(value * d as f64)?,
        Unit::Months(m) => Interval {
            months: 1,
            ..Interval::default()
        }
        .checked_mul(value * m as f64)?,
    };
    Some(iv)
}

/// Reads PostgreSQL interval input: `1 day 2 hours`, `5m`, `01:30:00`,
/// `-1 day +02:00`, `1 year 2 mons`, `1-2` (years-months), `@ 3 days ago`,
/// ISO 8601 `P1DT2H`, and a bare number of seconds.
pub(crate) fn parse_interval(text: &str) -> Result<Interval, String> {
    parse_interval_inner(text).ok_or_else(|| invalid("interval", text))
}

fn parse_interval_inner(text: &str) -> Option<Interval> {
    let lower = text.trim().to_ascii_lowercase();
    let s = lower.strip_prefix('@').unwrap_or(&lower).trim();
    if s.is_empty() {
        return None;
    }
    if let Some(iso) = s.strip_prefix('p') {
        return parse_iso_interval(iso);
    }
    // Split "5m" and "10days" into number and unit.
    let mut tokens: Vec<String> = Vec::new();
    for word in s.split_whitespace() {
        let split = word
            .find(|c: char| c.is_ascii_alphabetic())
            .filter(|&i| i > 0 && !word.contains(':'));
        match split {
            Some(i) => {
                tokens.push(word[..i].to_owned());
                tokens.push(word[i..].to_owned());
            }
            None => tokens.push(word.to_owned()),
        }
    }
    let mut total = Interval::default();
    let mut ago = false;
    let mut i = 0;
    while i < tokens.len() {
        let tok = &tokens[i];
        if tok == "ago" && i == tokens.len() - 1 {
            ago = true;
            i += 1;
            continue;
        }
        if tok.contains(':') {
            total = total.checked_add(parse_clock(tok)?)?;
            i += 1;
            continue;
        }
        if let Some((y, m)) = tok
            .strip_prefix(['+', '-'])
            .unwrap_or(tok)
            .split_once('-')
            .filter(|(y, m)| !y.is_empty() && !m.is_empty())
        {
            let sign = if tok.starts_with('-') { -1 } else { 1 };
            let months = y
                .parse::<i32>()
                .ok()?
                .checked_mul(12)?
                .checked_add(m.parse().ok()?)?;
            total = total.checked_add(Interval {
                months: months.checked_mul(sign)?,
                ..Interval::default()
            })?;
            i += 1;
            continue;
        }
        let value: f64 = tok.parse().ok().filter(|v: &f64| v.is_finite())?;
        let unit = match tokens.get(i + 1).and_then(|w| unit(w)) {
            Some(u) => {
                i += 2;
                u
            }
            // A number without a unit counts seconds.
            None if i + 1 == tokens.len() || tokens.get(i + 1).is_some_and(|w| w == "ago") => {
                i += 1;
                Unit::Micros(MICROS_PER_SECOND)
            }
            None => return None,
        };
        total = total.checked_add(scaled(value, unit)?)?;
    }
    if ago {
        total = total.checked_neg()?;
    }
    Some(total)
}

/// `[-]H:MM[:SS[.frac]]` within an interval.
fn parse_clock(tok: &str) -> Option<Interval> {
    let (sign, body) = match tok.as_bytes().first()? {
        b'-' => (-1i64, &tok[1..]),
        b'+' => (1, &tok[1..]),
        _ => (1, tok),
    };
    let mut parts = body.split(':');
    let h: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let secs: f64 = match parts.next() {
        Some(s) => s.parse().ok()?,
        None => 0.0,
    };
    if parts.next().is_some() || m > 59 || !(0.0..60.0).contains(&secs) {
        return None;
    }
    let micros = h
        .checked_mul(3_600_000_000)?
        .checked_add(m * 60_000_000)?
        .checked_add((secs * 1e6).round() as i64)?;
    Some(Interval {
        micros: micros.checked_mul(sign)?,
        ..Interval::default()
    })
}

/// ISO 8601 `P[nY][nM][nW][nD][T[nH][nM][nS]]` (after the `P`).
fn parse_iso_interval(s: &str) -> Option<Interval> {
    let mut total = Interval::default();
    let mut in_time = false;
    let mut num = String::new();
    for c in s.chars() {
        match c {
            't' => in_time = true,
            '0'..='9' | '.' | '-' => num.push(c),
            _ => {
                let v: f64 = num.parse().ok()?;
                num.clear();
                let u = match (c, in_time) {
                    ('y', false) => Unit::Months(12),
                    ('m', false) => Unit::Months(1),
                    ('w', false) => Unit::Days(7),
                    ('d', false) => Unit::Days(1),
                    ('h', true) => Unit::Micros(3600 * MICROS_PER_SECOND),
                    ('m', true) => Unit::Micros(60 * MICROS_PER_SECOND),
                    ('s', true) => Unit::Micros(MICROS_PER_SECOND),
                    _ => return None,
                };
                total = total.checked_add(scaled(v, u)?)?;
            }
        }
    }
    num.is_empty().then_some(total)
}

/// `m + iv` (or `m - iv` when `negate`); a date becomes a timestamp.
pub(crate) fn add_interval(m: Moment, iv: Interval, negate: bool) -> Result<Moment, String> {
    let iv = if negate {
        iv.checked_neg().ok_or_else(interval_range)?
    } else {
        iv
    };
    let range = || "timestamp out of range".to_owned();
    let mut t = m.naive();
    if iv.months > 0 {
        t = t
            .checked_add_months(Months::new(iv.months.unsigned_abs()))
            .ok_or_else(range)?;
    } else if iv.months < 0 {
        t = t
            .checked_sub_months(Months::new(iv.months.unsigned_abs()))
            .ok_or_else(range)?;
    }
    t = t
        .checked_add_signed(Duration::days(iv.days.into()))
        .and_then(|t| t.checked_add_signed(Duration::microseconds(iv.micros)))
        .ok_or_else(range)?;
    Ok(m.with(t))
}

/// `a - b` for timestamps: days and time, no months (PostgreSQL's `timestamp_mi`).
pub(crate) fn subtract(a: Moment, b: Moment) -> Result<Interval, String> {
    let d = a.naive().signed_duration_since(b.naive());
    let micros = d.num_microseconds().ok_or_else(interval_range)?;
    let days = micros / MICROS_PER_DAY;
    Ok(Interval {
        months: 0,
        days: i32::try_from(days).map_err(|_| interval_range())?,
        micros: micros - days * MICROS_PER_DAY,
    })
}

fn days_in_month(year: i32, month: u32) -> i64 {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|d| d.pred_opt())
        .map_or(30, |d| i64::from(d.day()))
}

/// `age(a, b)`: a symbolic difference in years, months and days, as PostgreSQL computes it.
pub(crate) fn age(a: NaiveDateTime, b: NaiveDateTime) -> Result<Interval, String> {
    let flip = a < b;
    let (hi, lo) = (a, b);
    let mut micros = i64::from(hi.nanosecond() / 1000) - i64::from(lo.nanosecond() / 1000);
    let mut sec = i64::from(hi.second()) - i64::from(lo.second());
    let mut min = i64::from(hi.minute()) - i64::from(lo.minute());
    let mut hour = i64::from(hi.hour()) - i64::from(lo.hour());
    let mut day = i64::from(hi.day()) - i64::from(lo.day());
    let mut mon = i64::from(hi.month()) - i64::from(lo.month());
    let mut year = i64::from(hi.year()) - i64::from(lo.year());
    if flip {
        for v in [
            &mut micros,
            &mut sec,
            &mut min,
            &mut hour,
            &mut day,
            &mut mon,
            &mut year,
        ] {
            *v = -*v;
        }
    }
    while micros < 0 {
        micros += MICROS_PER_SECOND;
        sec -= 1;
    }
    while sec < 0 {
        sec += 60;
        min -= 1;
    }
    while min < 0 {
        min += 60;
        hour -= 1;
    }
    while hour < 0 {
        hour += 24;
        day -= 1;
    }
    while day < 0 {
        let (y, m) = if flip {
            (hi.year(), hi.month())
        } else {
            (lo.year(), lo.month())
        };
        day += days_in_month(y, m);
        mon -= 1;
    }
    while mon < 0 {
        mon += 12;
        year -= 1;
    }
    if flip {
        for v in [
            &mut micros,
            &mut sec,
            &mut min,
            &mut hour,
            &mut day,
            &mut mon,
            &mut year,
        ] {
            *v = -*v;
        }
    }
    let months = year * 12 + mon;
    Ok(Interval {
        months: i32::try_from(months).map_err(|_| interval_range())?,
        days: i32::try_from(day).map_err(|_| interval_range())?,
        micros: ((hour * 60 + min) * 60 + sec) * MICROS_PER_SECOND + micros,
    })
}

/// The value of `date_part(field, m)`.
pub(crate) fn moment_part(field: &str, m: Moment) -> Result<f64, String> {
    let t = m.naive();
    let secs = f64::from(t.second()) + f64::from(t.nanosecond() / 1000) / 1e6;
    let year = f64::from(t.year());
    Ok(match field {
        "epoch" => t.and_utc().timestamp_micros() as f64 / 1e6,
        "microsecond" | "microseconds" => secs * 1e6,
        "millisecond" | "milliseconds" => secs * 1e3,
        "second" | "seconds" => secs,
        "minute" | "minutes" => f64::from(t.minute()),
        "hour" | "hours" => f64::from(t.hour()),
        "day" | "days" => f64::from(t.day()),
        "month" | "months" => f64::from(t.month()),
        "quarter" => f64::from((t.month() - 1) / 3 + 1),
        "year" | "years" => year,
        "decade" | "decades" => (year / 10.0).floor(),
        "century" | "centuries" => {
            if year > 0.0 {
                ((year + 99.0) / 100.0).floor()
            } else {
                -((99.0 - (year - 1.0)) / 100.0).floor()
            }
        }
        "millennium" | "millennia" => {
            if year > 0.0 {
                ((year + 999.0) / 1000.0).floor()
            } else {
                -((999.0 - (year - 1.0)) / 1000.0).floor()
            }
        }
        "dow" => f64::from(t.weekday().num_days_from_sunday()),
        "isodow" => f64::from(t.weekday().number_from_monday()),
        "doy" => f64::from(t.ordinal()),
        "week" => f64::from(t.iso_week().week()),
        "isoyear" => f64::from(t.iso_week().year()),
        "julian" => f64::from(t.date().num_days_from_ce() + 1_721_425) + secs / 86400.0,
        "timezone" | "timezone_hour" | "timezone_minute" => match m {
            Moment::TimestampTz(_) => 0.0,
            _ => {
                return Err(format!(
                    "unit \"{field}\" not supported for type timestamp without time zone"
                ));
            }
        },
        _ => {
            return Err(format!(
                "unit \"{field}\" not recognized for type timestamp"
            ));
        }
    })
}

/// The value of `date_part(field, iv)` for an interval.
pub(crate) fn interval_part(field: &str, iv: Interval) -> Result<f64, String> {
    let t = iv.micros;
    Ok(match field {
        "epoch" => iv.epoch(),
        "microsecond" | "microseconds" => (t % 60_000_000) as f64,
        "millisecond" | "milliseconds" => (t % 60_000_000) as f64 / 1e3,
        "second" | "seconds" => (t % 60_000_000) as f64 / 1e6,
        "minute" | "minutes" => (t / 60_000_000 % 60) as f64,
        "hour" | "hours" => (t / 3_600_000_000) as f64,
        "day" | "days" => f64::from(iv.days),
        "month" | "months" => f64::from(iv.months % 12),
        "quarter" => f64::from((iv.months % 12) / 3 + 1),
        "year" | "years" => f64::from(iv.months / 12),
        "decade" | "decades" => f64::from(iv.months / 120),
        "century" | "centuries" => f64::from(iv.months / 1200),
        "millennium" | "millennia" => f64::from(iv.months / 12000),
        _ => return Err(format!("unit \"{field}\" not recognized for type interval")),
    })
}

/// `date_trunc(field, m)`; a date is truncated as a `timestamptz`.
pub(crate) fn trunc(field: &str, m: Moment) -> Result<Moment, String> {
    let m = match m {
        Moment::Date(d) => Moment::TimestampTz(d.and_time(NaiveTime::MIN)),
        other => other,
    };
    let t = m.naive();
    let d = t.date();
    let ymd = |y: i32, mo: u32, day: u32| {
        NaiveDate::from_ymd_opt(y, mo, day)
            .map(|d| d.and_time(NaiveTime::MIN))
            .ok_or_else(|| "timestamp out of range".to_owned())
    };
    let micros = t.nanosecond() / 1000;
    let at = |h: u32, mi: u32, s: u32, us: u32| {
        d.and_hms_micro_opt(h, mi, s, us)
            .ok_or_else(|| "timestamp out of range".to_owned())
    };
    let out = match field {
        "microseconds" | "microsecond" => t,
        "milliseconds" | "millisecond" => {
            at(t.hour(), t.minute(), t.second(), micros / 1000 * 1000)?
        }
        "second" | "seconds" => at(t.hour(), t.minute(), t.second(), 0)?,
        "minute" | "minutes" => at(t.hour(), t.minute(), 0, 0)?,
        "hour" | "hours" => at(t.hour(), 0, 0, 0)?,
        "day" | "days" => at(0, 0, 0, 0)?,
        "week" | "weeks" => {
            (d - Duration::days(d.weekday().num_days_from_monday().into())).and_time(NaiveTime::MIN)
        }
        "month" | "months" => ymd(d.year(), d.month(), 1)?,
        "quarter" => ymd(d.year(), (d.month() - 1) / 3 * 3 + 1, 1)?,
        "year" | "years" => ymd(d.year(), 1, 1)?,
        "decade" | "decades" => ymd(d.year().div_euclid(10) * 10, 1, 1)?,
        "century" | "centuries" => ymd((d.year() - 1).div_euclid(100) * 100 + 1, 1, 1)?,
        "millennium" | "millennia" => ymd((d.year() - 1).div_euclid(1000) * 1000 + 1, 1, 1)?,
        _ => {
            return Err(format!(
                "unit \"{field}\" not recognized for type timestamp"
            ));
        }
    };
    Ok(m.with(out))
}

/// `date_trunc(field, iv)` for an interval.
fn trunc_interval(field: &str, iv: Interval) -> Result<Interval, String> {
    let t = iv.micros;
    let cut = |unit: i64| t - t % unit;
    Ok(match field {
        "microseconds" | "microsecond" => iv,
        "milliseconds" | "millisecond" => Interval {
            micros: cut(1000),
            ..iv
        },
        "second" | "seconds" => Interval {
            micros: cut(MICROS_PER_SECOND),
            ..iv
        },
        "minute" | "minutes" => Interval {
            micros: cut(60 * MICROS_PER_SECOND),
            ..iv
        },
        "hour" | "hours" => Interval {
            micros: cut(3600 * MICROS_PER_SECOND),
            ..iv
        },
        "day" | "days" => Interval { micros: 0, ..iv },
        "month" | "months" => Interval {
            months: iv.months,
            ..Interval::default()
        },
        "year" | "years" => Interval {
            months: iv.months - iv.months % 12,
            ..Interval::default()
        },
        _ => return Err(format!("unit \"{field}\" not supported for type interval")),
    })
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// Template patterns of `to_char`, longest first so `HH24` wins over `HH`.
const PATTERNS: &[&str] = &[
    "HH24", "HH12", "HH", "MI", "SS", "MS", "US", "AM", "PM", "am", "pm", "A.M.", "P.M.", "a.m.",
    "p.m.", "YYYY", "YYY", "YY", "Y", "IYYY", "MONTH", "Month", "month", "MON", "Mon", "mon", "MM",
    "DAY", "Day", "day", "DY", "Dy", "dy", "DDD", "DD", "D", "ID", "IW", "WW", "W", "Q", "CC",
    "TZ", "tz", "OF", "J",
];

/// `to_char(timestamp, template)` for the common template patterns
/// (`YYYY-MM-DD HH24:MI:SS`, `Mon DD`, `FM` prefixes, `"quoted"` text).
pub(crate) fn to_char(m: Moment, template: &str) -> String {
    let t = m.naive();
    let mut out = String::new();
    let mut rest = template;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('"') {
            let end = r.find('"').unwrap_or(r.len());
            out.push_str(&r[..end]);
            rest = r.get(end + 1..).unwrap_or("");
            continue;
        }
        if let Some(r) = rest.strip_prefix('\\')
            && let Some(c) = r.chars().next()
        {
            out.push(c);
            rest = &r[c.len_utf8()..];
            continue;
        }
        let (fm, body) = match rest.strip_prefix("FM").or_else(|| rest.strip_prefix("fm")) {
            Some(b) => (true, b),
            None => (false, rest),
        };
        let Some(pat) = PATTERNS.iter().find(|p| body.starts_with(**p)) else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        };
        rest = &body[pat.len()..];
        let num = |v: i64, width: usize| {
            if fm {
                v.to_string()
            } else {
                format!("{v:0width$}")
            }
        };
        let name = |s: &str, upper: bool, lower: bool, width: usize| {
            let s = if upper {
                s.to_uppercase()
            } else if lower {
                s.to_lowercase()
            } else {
                s.to_owned()
            };
            if fm { s } else { format!("{s:<width$}") }
        };
        let hour12 = match t.hour() % 12 {
            0 => 12,
            h => h,
        };
        let month = MONTHS[t.month0() as usize];
        let day = DAYS[t.weekday().num_days_from_sunday() as usize];
        let pm = t.hour() >= 12;
        let piece = match *pat {
            "HH24" => num(t.hour().into(), 2),
            "HH12" | "HH" => num(hour12.into(), 2),
            "MI" => num(t.minute().into(), 2),
            "SS" => num(t.second().into(), 2),
            "MS" => num((t.nanosecond() / 1_000_000).into(), 3),
            "US" => num((t.nanosecond() / 1000).into(), 6),
            "AM" | "PM" => (if pm { "PM" } else { "AM" }).to_owned(),
            "am" | "pm" => (if pm { "pm" } else { "am" }).to_owned(),
            "A.M." | "P.M." => (if pm { "P.M." } else { "A.M." }).to_owned(),
            "a.m." | "p.m." => (if pm { "p.m." } else { "a.m." }).to_owned(),
            "YYYY" => num(t.year().into(), 4),
            "YYY" => num((t.year() % 1000).into(), 3),
            "YY" => num((t.year() % 100).into(), 2),
            "Y" => num((t.year() % 10).into(), 1),
            "IYYY" => num(t.iso_week().year().into(), 4),
            "MONTH" => name(month, true, false, 9),
            "Month" => name(month, false, false, 9),
            "month" => name(month, false, true, 9),
            "MON" => month[..3].to_uppercase(),
            "Mon" => month[..3].to_owned(),
            "mon" => month[..3].to_lowercase(),
            "MM" => num(t.month().into(), 2),
            "DAY" => name(day, true, false, 9),
            "Day" => name(day, false, false, 9),
            "day" => name(day, false, true, 9),
            "DY" => day[..3].to_uppercase(),
            "Dy" => day[..3].to_owned(),
            "dy" => day[..3].to_lowercase(),
            "DDD" => num(t.ordinal().into(), 3),
            "DD" => num(t.day().into(), 2),
            "D" => num((t.weekday().num_days_from_sunday() + 1).into(), 1),
            "ID" => num(t.weekday().number_from_monday().into(), 1),
            "IW" => num(t.iso_week().week().into(), 2),
            "WW" => num(((t.ordinal() - 1) / 7 + 1).into(), 2),
            "W" => num(((t.day() - 1) / 7 + 1).into(), 1),
            "Q" => num(((t.month() - 1) / 3 + 1).into(), 1),
            "CC" => num(((t.year() - 1) / 100 + 1).into(), 2),
            "TZ" => (if matches!(m, Moment::TimestampTz(_)) {
                "UTC"
            } else {
                ""
            })
            .to_owned(),
            "tz" => (if matches!(m, Moment::TimestampTz(_)) {
                "utc"
            } else {
                ""
            })
            .to_owned(),
            "OF" => (if matches!(m, Moment::TimestampTz(_)) {
                "+00"
            } else {
                ""
            })
            .to_owned(),
            "J" => (t.date().num_days_from_ce() + 1_721_425).to_string(),
            _ => String::new(),
        };
        out.push_str(&piece);
    }
    out
}

/// `to_timestamp(text, template)` / `to_date`: reads the numeric fields of a
/// template (`YYYY`, `MM`, `DD`, `HH24`, `HH12`/`AM`, `MI`, `SS`, `MS`, `US`, `Mon`).
pub(crate) fn parse_with_template(text: &str, template: &str) -> Result<NaiveDateTime, String> {
    let bad = || format!("invalid value \"{text}\" for template \"{template}\"");
    let (mut y, mut mo, mut d, mut h, mut mi, mut s, mut us) =
        (1i64, 1i64, 1i64, 0i64, 0i64, 0i64, 0i64);
    let mut pm: Option<bool> = None;
    let mut input = text.trim_start();
    let mut tpl = template;
    let take_num = |input: &mut &str, max: usize| -> Option<i64> {
        let trimmed = input.trim_start();
        let n = trimmed
            .char_indices()
            .take(max)
            .take_while(|(_, c)| c.is_ascii_digit())
            .count();
        if n == 0 {
            return None;
        }
        let v = trimmed[..n].parse().ok();
        *input = &trimmed[n..];
        v
    };
    while !tpl.is_empty() {
        let body = tpl.strip_prefix("FM").unwrap_or(tpl);
        let Some(pat) = PATTERNS.iter().find(|p| body.starts_with(**p)) else {
            let c = tpl.chars().next().unwrap_or(' ');
            tpl = &tpl[c.len_utf8()..];
            if let Some(ic) = input.chars().next()
                && (ic == c || (!ic.is_alphanumeric() && !c.is_alphanumeric()))
            {
                input = &input[ic.len_utf8()..];
            }
            continue;
        };
        tpl = &body[pat.len()..];
        match *pat {
            "YYYY" | "IYYY" => y = take_num(&mut input, 4).ok_or_else(bad)?,
            "YY" => y = 2000 + take_num(&mut input, 2).ok_or_else(bad)?,
            "MM" => mo = take_num(&mut input, 2).ok_or_else(bad)?,
            "DD" => d = take_num(&mut input, 2).ok_or_else(bad)?,
            "HH24" => h = take_num(&mut input, 2).ok_or_else(bad)?,
            "HH" | "HH12" => h = take_num(&mut input, 2).ok_or_else(bad)?,
            "MI" => mi = take_num(&mut input, 2).ok_or_else(bad)?,
            "SS" => s = take_num(&mut input, 2).ok_or_else(bad)?,
            "MS" => us = take_num(&mut input, 3).ok_or_else(bad)? * 1000,
            "US" => us = take_num(&mut input, 6).ok_or_else(bad)?,
            "AM" | "PM" | "am" | "pm" => {
                let word: String = input.trim_start().chars().take(2).collect();
                pm = Some(word.eq_ignore_ascii_case("pm"));
                input = input.trim_start().get(2..).unwrap_or("");
            }
            "MON" | "Mon" | "mon" | "MONTH" | "Month" | "month" => {
                let t = input.trim_start();
                let found = MONTHS
                    .iter()
                    .position(|m| t.len() >= 3 && t[..3].eq_ignore_ascii_case(&m[..3]))
                    .ok_or_else(bad)?;
                mo = found as i64 + 1;
                let full = MONTHS[found];
                let len = if pat.len() > 3
                    && t.len() >= full.len()
                    && t[..full.len()].eq_ignore_ascii_case(full)
                {
                    full.len()
                } else {
                    3
                };
                input = &t[len..];
            }
            _ => {
                return Err(format!(
                    "template pattern \"{pat}\" is not supported by to_timestamp"
                ));
            }
        }
    }
    if let Some(pm) = pm {
        h = h % 12 + if pm { 12 } else { 0 };
    }
    let date = NaiveDate::from_ymd_opt(i32::try_from(y).map_err(|_| bad())?, mo as u32, d as u32)
        .ok_or_else(|| "date/time field value out of range".to_owned())?;
    date.and_hms_micro_opt(h as u32, mi as u32, s as u32, us as u32)
        .ok_or_else(|| "date/time field value out of range".to_owned())
}

/// `to_timestamp(seconds)`.
pub(crate) fn from_epoch(seconds: f64) -> Result<Moment, String> {
    if !seconds.is_finite() || seconds.abs() > 2e11 {
        return Err("timestamp out of range".to_owned());
    }
    let micros = (seconds * 1e6).round() as i64;
    chrono::DateTime::from_timestamp_micros(micros)
        .map(|t| Moment::TimestampTz(t.naive_utc()))
        .ok_or_else(|| "timestamp out of range".to_owned())
}

fn user_error(message: String) -> rusqlite::Error {
    rusqlite::Error::UserFunctionError(message.into())
}

fn text_arg(ctx: &Context<'_>, i: usize) -> rusqlite::Result<Option<String>> {
    Ok(match ctx.get_raw(i) {
        ValueRef::Null => None,
        ValueRef::Text(t) | ValueRef::Blob(t) => Some(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Integer(v) => Some(v.to_string()),
        ValueRef::Real(v) => Some(v.to_string()),
    })
}

/// A date/time argument; numbers are refused with a pointer to `to_timestamp`.
fn moment_arg(ctx: &Context<'_>, i: usize, function: &str) -> rusqlite::Result<Option<Moment>> {
    match ctx.get_raw(i) {
        ValueRef::Null => Ok(None),
        ValueRef::Text(t) => parse_any(&String::from_utf8_lossy(t))
            .map(Some)
            .map_err(user_error),
        ValueRef::Integer(v) => Err(user_error(format!(
            "{function}() needs a date or timestamp, not the number {v}; for Unix seconds use to_timestamp({v})"
        ))),
        ValueRef::Real(v) => Err(user_error(format!(
            "{function}() needs a date or timestamp, not the number {v}; for Unix seconds use to_timestamp({v})"
        ))),
        ValueRef::Blob(_) => Err(user_error(format!(
            "{function}() needs a date or timestamp, not bytes"
        ))),
    }
}

fn interval_arg(ctx: &Context<'_>, i: usize) -> rusqlite::Result<Option<Interval>> {
    match text_arg(ctx, i)? {
        None => Ok(None),
        Some(t) => parse_interval(&t).map(Some).map_err(user_error),
    }
}

fn field_arg(ctx: &Context<'_>, i: usize) -> rusqlite::Result<Option<String>> {
    Ok(text_arg(ctx, i)?.map(|f| f.trim().to_ascii_lowercase()))
}

/// Casts text to a date or timestamp type.
fn cast_moment(ctx: &Context<'_>, kind: MomentKind) -> rusqlite::Result<Option<String>> {
    let Some(text) = text_arg(ctx, 0)? else {
        return Ok(None);
    };
    if let ValueRef::Integer(_) | ValueRef::Real(_) = ctx.get_raw(0) {
        return Err(user_error(format!(
            "cannot cast the number {text} to {}; for Unix seconds use to_timestamp({text})",
            kind.type_name()
        )));
    }
    // A stored value of another date/time type converts by its own meaning.
    let m = match parse_any(&text) {
        Ok(Moment::TimestampTz(t)) if kind != MomentKind::TimestampTz => Moment::Timestamp(t),
        Ok(_) | Err(_) => parse_moment(&text, kind).map_err(user_error)?,
    };
    Ok(Some(
        match (kind, m) {
            (MomentKind::Date, m) => Moment::Date(m.naive().date()),
            (MomentKind::Timestamp, m) => Moment::Timestamp(m.naive()),
            (MomentKind::TimestampTz, Moment::Date(d)) => {
                Moment::TimestampTz(d.and_time(NaiveTime::MIN))
            }
            (MomentKind::TimestampTz, m) => Moment::TimestampTz(m.naive()),
        }
        .format(),
    ))
}

pub(crate) fn register(conn: &Connection) -> rusqlite::Result<()> {
    let det = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    let volatile = FunctionFlags::SQLITE_UTF8;
    for name in [
        "now",
        "transaction_timestamp",
        "statement_timestamp",
        "clock_timestamp",
    ] {
        conn.create_scalar_function(name, 0, volatile, |_| {
            Ok(Moment::TimestampTz(now()).format())
        })?;
    }
    conn.create_scalar_function("localtimestamp", 0, volatile, |_| {
        Ok(Moment::Timestamp(now()).format())
    })?;
    conn.create_scalar_function("to_timestamp", 1, det, |ctx| {
        let secs = match ctx.get_raw(0) {
            ValueRef::Null => return Ok(None),
            ValueRef::Integer(i) => i as f64,
            ValueRef::Real(f) => f,
            other => crate::functions::cast::to_float(other, "double precision")
                .map_err(user_error)?
                .unwrap_or(0.0),
        };
        from_epoch(secs)
            .map(|m| Some(m.format()))
            .map_err(user_error)
    })?;
    conn.create_scalar_function("to_timestamp", 2, det, |ctx| {
        let (Some(text), Some(tpl)) = (text_arg(ctx, 0)?, text_arg(ctx, 1)?) else {
            return Ok(None);
        };
        parse_with_template(&text, &tpl)
            .map(|t| Some(Moment::TimestampTz(t).format()))
            .map_err(user_error)
    })?;
    conn.create_scalar_function("to_date", 2, det, |ctx| {
        let (Some(text), Some(tpl)) = (text_arg(ctx, 0)?, text_arg(ctx, 1)?) else {
            return Ok(None);
        };
        parse_with_template(&text, &tpl)
            .map(|t| Some(Moment::Date(t.date()).format()))
            .map_err(user_error)
    })?;
    conn.create_scalar_function("make_date", 3, det, |ctx| {
        let (y, m, d): (Option<i64>, Option<i64>, Option<i64>) =
            (ctx.get(0)?, ctx.get(1)?, ctx.get(2)?);
        let (Some(y), Some(m), Some(d)) = (y, m, d) else {
            return Ok(None);
        };
        let date = i32::try_from(y)
            .ok()
            .and_then(|y| {
                NaiveDate::from_ymd_opt(y, u32::try_from(m).ok()?, u32::try_from(d).ok()?)
            })
            .ok_or_else(|| {
                user_error(format!("date field value out of range: {y}-{m:02}-{d:02}"))
            })?;
        Ok(Some(Moment::Date(date).format()))
    })?;
    conn.create_scalar_function("date_part", 2, det, |ctx| {
        let Some(field) = field_arg(ctx, 0)? else {
            return Ok(None);
        };
        match ctx.get_raw(1) {
            ValueRef::Null => Ok(None),
            ValueRef::Text(t) => {
                let s = String::from_utf8_lossy(t);
                match parse_any(&s) {
                    Ok(m) => moment_part(&field, m).map(Some).map_err(user_error),
                    Err(e) => match parse_interval(&s) {
                        Ok(iv) => interval_part(&field, iv).map(Some).map_err(user_error),
                        Err(_) => Err(user_error(e)),
                    },
                }
            }
            _ => moment_arg(ctx, 1, "date_part").map(|_| None),
        }
    })?;
    conn.create_scalar_function("date_trunc", 2, det, |ctx| {
        let Some(field) = field_arg(ctx, 0)? else {
            return Ok(None);
        };
        match ctx.get_raw(1) {
            ValueRef::Null => Ok(None),
            ValueRef::Text(t) => {
                let s = String::from_utf8_lossy(t);
                match parse_any(&s) {
                    Ok(m) => trunc(&field, m)
                        .map(|m| Some(m.format()))
                        .map_err(user_error),
                    Err(e) => match parse_interval(&s) {
                        Ok(iv) => trunc_interval(&field, iv)
                            .map(|iv| Some(iv.format()))
                            .map_err(user_error),
                        Err(_) => Err(user_error(e)),
                    },
                }
            }
            _ => moment_arg(ctx, 1, "date_trunc").map(|_| None),
        }
    })?;
    conn.create_scalar_function("age", 1, volatile, |ctx| {
        let Some(m) = moment_arg(ctx, 0, "age")? else {
            return Ok(None);
        };
        let midnight = now().date().and_time(NaiveTime::MIN);
        age(midnight, m.naive())
            .map(|iv| Some(iv.format()))
            .map_err(user_error)
    })?;
    conn.create_scalar_function("age", 2, det, |ctx| {
        let (Some(a), Some(b)) = (moment_arg(ctx, 0, "age")?, moment_arg(ctx, 1, "age")?) else {
            return Ok(None);
        };
        age(a.naive(), b.naive())
            .map(|iv| Some(iv.format()))
            .map_err(user_error)
    })?;
    conn.create_scalar_function("to_char", 2, det, |ctx| {
        let Some(tpl) = text_arg(ctx, 1)? else {
            return Ok(None);
        };
        match ctx.get_raw(0) {
            ValueRef::Null => Ok(None),
            ValueRef::Integer(i) => {
                Ok(Some(crate::functions::text::number_to_char(i as f64, &tpl)))
            }
            ValueRef::Real(f) => Ok(Some(crate::functions::text::number_to_char(f, &tpl))),
            ValueRef::Text(t) => {
                let s = String::from_utf8_lossy(t);
                match parse_any(&s) {
                    Ok(m) => Ok(Some(to_char(m, &tpl))),
                    Err(e) => match s.trim().parse::<f64>() {
                        Ok(f) => Ok(Some(crate::functions::text::number_to_char(f, &tpl))),
                        Err(_) => Err(user_error(e)),
                    },
                }
            }
            ValueRef::Blob(_) => Err(user_error(
                "to_char() needs a timestamp or a number".to_owned(),
            )),
        }
    })?;
    conn.create_scalar_function("cast_timestamptz", 1, det, |ctx| {
        cast_moment(ctx, MomentKind::TimestampTz)
    })?;
    conn.create_scalar_function("cast_timestamp", 1, det, |ctx| {
        cast_moment(ctx, MomentKind::Timestamp)
    })?;
    conn.create_scalar_function("cast_date", 1, det, |ctx| {
        cast_moment(ctx, MomentKind::Date)
    })?;
    conn.create_scalar_function("cast_interval", 1, det, |ctx| {
        Ok(interval_arg(ctx, 0)?.map(Interval::format))
    })?;
    for (name, negate) in [
        ("timestamp_pl_interval", false),
        ("timestamp_mi_interval", true),
    ] {
        conn.create_scalar_function(name, 2, det, move |ctx| {
            let (Some(m), Some(iv)) = (
                moment_arg(ctx, 0, "timestamp arithmetic")?,
                interval_arg(ctx, 1)?,
            ) else {
                return Ok(None);
            };
            add_interval(m, iv, negate)
                .map(|m| Some(m.format()))
                .map_err(user_error)
        })?;
    }
    conn.create_scalar_function("timestamp_mi", 2, det, |ctx| {
        let (Some(a), Some(b)) = (
            moment_arg(ctx, 0, "timestamp_mi")?,
            moment_arg(ctx, 1, "timestamp_mi")?,
        ) else {
            return Ok(None);
        };
        subtract(a, b)
            .map(|iv| Some(iv.format()))
            .map_err(user_error)
    })?;
    for (name, negate) in [("interval_pl", false), ("interval_mi", true)] {
        conn.create_scalar_function(name, 2, det, move |ctx| {
            let (Some(a), Some(b)) = (interval_arg(ctx, 0)?, interval_arg(ctx, 1)?) else {
                return Ok(None);
            };
            let b = if negate { b.checked_neg() } else { Some(b) };
            b.and_then(|b| a.checked_add(b))
                .map(|iv| Some(iv.format()))
                .ok_or_else(|| user_error(interval_range()))
        })?;
    }
    conn.create_scalar_function("interval_um", 1, det, |ctx| {
        let Some(a) = interval_arg(ctx, 0)? else {
            return Ok(None);
        };
        a.checked_neg()
            .map(|iv| Some(iv.format()))
            .ok_or_else(|| user_error(interval_range()))
    })?;
    for (name, divide) in [("interval_mul", false), ("interval_div", true)] {
        conn.create_scalar_function(name, 2, det, move |ctx| {
            let (Some(a), Some(f)) = (interval_arg(ctx, 0)?, ctx.get::<Option<f64>>(1)?) else {
                return Ok(None);
            };
            if divide && f == 0.0 {
                return Err(user_error("division by zero".to_owned()));
            }
            a.checked_mul(if divide { 1.0 / f } else { f })
                .map(|iv| Some(iv.format()))
                .ok_or_else(|| user_error(interval_range()))
        })?;
    }
    for (name, sign) in [("date_pli", 1i64), ("date_mii", -1)] {
        conn.create_scalar_function(name, 2, det, move |ctx| {
            let (Some(m), Some(n)) = (moment_arg(ctx, 0, name)?, ctx.get::<Option<i64>>(1)?) else {
                return Ok(None);
            };
            m.naive()
                .date()
                .checked_add_signed(Duration::days(
                    n.saturating_mul(sign).clamp(-10_000_000, 10_000_000),
                ))
                .map(|d| Some(Moment::Date(d).format()))
                .ok_or_else(|| user_error("date out of range".to_owned()))
        })?;
    }
    conn.create_scalar_function("date_mi", 2, det, |ctx| {
        let (Some(a), Some(b)) = (
            moment_arg(ctx, 0, "date_mi")?,
            moment_arg(ctx, 1, "date_mi")?,
        ) else {
            return Ok(None);
        };
        Ok(Some(
            a.naive()
                .date()
                .signed_duration_since(b.naive().date())
                .num_days(),
        ))
    })?;
    conn.create_scalar_function("justify_days", 1, det, |ctx| {
        Ok(interval_arg(ctx, 0)?.map(|iv| {
            Interval {
                months: iv.months.saturating_add(iv.days / 30),
                days: iv.days % 30,
                micros: iv.micros,
            }
            .format()
        }))
    })?;
    conn.create_scalar_function("justify_hours", 1, det, |ctx| {
        Ok(interval_arg(ctx, 0)?.map(|iv| {
            let extra = iv.micros / MICROS_PER_DAY;
            Interval {
                months: iv.months,
                days: iv.days.saturating_add(i32::try_from(extra).unwrap_or(0)),
                micros: iv.micros - extra * MICROS_PER_DAY,
            }
            .format()
        }))
    })?;
    // `AT TIME ZONE`: only UTC and fixed offsets; hostgres keeps times in UTC.
    conn.create_scalar_function("timezone", 2, det, |ctx| {
        let (Some(zone), Some(m)) = (text_arg(ctx, 0)?, moment_arg(ctx, 1, "timezone")?) else {
            return Ok(None);
        };
        let offset = parse_offset(&zone).ok_or_else(|| {
            user_error(format!(
                "time zone \"{zone}\" is not supported: hostgres keeps times in UTC and knows only UTC and fixed offsets such as '+02:00'"
            ))
        })?;
        // Numeric zones follow POSIX here, as in PostgreSQL: '+02:00' is two hours west.
        let offset = if zone.trim_start().starts_with(['+', '-']) { -offset } else { offset };
        let shift = Duration::seconds(offset.into());
        Ok(Some(
            match m {
                Moment::TimestampTz(t) => Moment::Timestamp(t + shift),
                Moment::Timestamp(t) => Moment::TimestampTz(t - shift),
                Moment::Date(d) => Moment::TimestampTz(d.and_time(NaiveTime::MIN) - shift),
            }
            .format(),
        ))
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Moment {
        parse_any(s).expect(s)
    }

    #[test]
    fn timestamps_parse_in_postgresql_input_formats_and_print_canonically() {
        assert_eq!(
            ts("2026-11-28T00:00:00Z").format(),
            "2026-11-28 00:00:00+00"
        );
        assert_eq!(
            ts("2026-11-28 01:30:00+01:30").format(),
            "2026-11-28 00:00:00+00"
        );
        assert_eq!(
            ts("2026-11-28 10:00:00.250").format(),
            "2026-11-28 10:00:00.25"
        );
        assert_eq!(ts("2026-11-28").format(), "2026-11-28");
        assert_eq!(
            ts("2024-01-01 12:00 UTC").format(),
            "2024-01-01 12:00:00+00"
        );
        assert_eq!(
            parse_moment("2024-01-01", MomentKind::TimestampTz)
                .expect("tz")
                .format(),
            "2024-01-01 00:00:00+00"
        );
        assert_eq!(
            parse_moment("2024-01-01 12:00+02", MomentKind::Timestamp)
                .expect("ts")
                .format(),
            "2024-01-01 12:00:00"
        );
        assert!(parse_any("2024-13-01").is_err());
        assert!(parse_any("yesterday-ish").is_err());
        assert_eq!(
            parse_any("soon"),
            Err("invalid input syntax for type timestamp with time zone: \"soon\"".to_owned())
        );
    }

    #[test]
    fn intervals_read_and_print_like_postgresql() {
        let cases = [
            ("1 day", "1 day"),
            ("2 hours", "02:00:00"),
            ("5m", "00:05:00"),
            ("300 seconds", "00:05:00"),
            (
                "1 year 2 months 3 days 04:05:06.5",
                "1 year 2 mons 3 days 04:05:06.5",
            ),
            ("-1 day +02:00", "-1 days +02:00:00"),
            ("1.5 days", "1 day 12:00:00"),
            ("@ 3 days ago", "-3 days"),
            ("P1DT2H", "1 day 02:00:00"),
            ("1-2", "1 year 2 mons"),
            ("0", "00:00:00"),
            ("10", "00:00:10"),
            ("-01:00:00", "-01:00:00"),
            ("1 week", "7 days"),
        ];
        for (input, want) in cases {
            assert_eq!(
                parse_interval(input).expect(input).format(),
                want,
                "{input}"
            );
        }
        assert!(parse_interval("1 fortnight").is_err());
        assert!(parse_interval("").is_err());
        assert!(parse_interval("99999999999999 years").is_err());
    }

    #[test]
    fn arithmetic_matches_postgresql() {
        let iv = parse_interval("1 month").expect("iv");
        assert_eq!(
            add_interval(ts("2024-01-31 00:00:00+00"), iv, false)
                .expect("add")
                .format(),
            "2024-02-29 00:00:00+00"
        );
        assert_eq!(
            add_interval(ts("2024-03-01"), parse_interval("1 hour").expect("h"), true)
                .expect("sub")
                .format(),
            "2024-02-29 23:00:00"
        );
        assert_eq!(
            subtract(ts("2024-03-01 00:00:00+00"), ts("2024-01-01 01:00:00+00"))
                .expect("diff")
                .format(),
            "59 days 23:00:00"
        );
        assert_eq!(
            age(ts("2024-03-15").naive(), ts("2023-01-20").naive())
                .expect("age")
                .format(),
            "1 year 1 mon 26 days"
        );
        assert_eq!(
            age(ts("2024-03-01").naive(), ts("2024-01-31").naive())
                .expect("age")
                .format(),
            "1 mon 1 day"
        );
        assert_eq!(
            age(ts("2024-01-31").naive(), ts("2024-03-01").naive())
                .expect("age")
                .format(),
            "-1 mons -1 days"
        );
        assert_eq!(
            age(ts("2023-01-20").naive(), ts("2024-03-15").naive())
                .expect("age")
                .format(),
            "-1 years -1 mons -26 days"
        );
    }

    #[test]
    fn parts_truncation_and_formatting() {
        let t = ts("2024-02-29 13:45:30.5+00");
        assert_eq!(moment_part("epoch", t), Ok(1_709_214_330.5));
        assert_eq!(moment_part("dow", t), Ok(4.0));
        assert_eq!(moment_part("second", t), Ok(30.5));
        assert_eq!(moment_part("quarter", t), Ok(1.0));
        assert!(moment_part("fortnight", t).is_err());
        assert_eq!(
            interval_part("epoch", parse_interval("1 day 01:00").expect("iv")),
            Ok(90000.0)
        );
        assert_eq!(
            trunc("hour", t).expect("hour").format(),
            "2024-02-29 13:00:00+00"
        );
        assert_eq!(
            trunc("week", t).expect("week").format(),
            "2024-02-26 00:00:00+00"
        );
        assert_eq!(
            trunc("month", ts("2024-02-29")).expect("d").format(),
            "2024-02-01 00:00:00+00"
        );
        assert_eq!(to_char(t, "YYYY-MM-DD HH24:MI:SS"), "2024-02-29 13:45:30");
        assert_eq!(
            to_char(t, "FMMonth DD, YYYY HH12:MI AM"),
            "February 29, 2024 01:45 PM"
        );
        assert_eq!(to_char(t, "Dy \"the\" DDD"), "Thu the 060");
        assert_eq!(
            parse_with_template("05 Mar 2024 14:07", "DD Mon YYYY HH24:MI").expect("parse"),
            NaiveDate::from_ymd_opt(2024, 3, 5)
                .expect("d")
                .and_hms_opt(14, 7, 0)
                .expect("t")
        );
        assert_eq!(
            from_epoch(0.0).expect("epoch").format(),
            "1970-01-01 00:00:00+00"
        );
        assert!(from_epoch(f64::NAN).is_err());
    }
}
