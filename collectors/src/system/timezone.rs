//! The local time zone's abbreviation at an instant (`CET`, `CEST`, `UTC`), as `strftime("%Z")` prints it.
//!
//! The C library answers this from `TZ` or `/etc/localtime`; calling it
//! would need `unsafe` and could not read a fixture root, so this module
//! reads the same sources itself: compiled zone files (TZif, RFC 8536) and
//! POSIX `TZ` strings such as `CET-1CEST,M3.5.0,M10.5.0/3`.

use std::path::{Path, PathBuf};

use crate::system::calendar::{
    DAY, civil_from_days, days_from_civil, days_in_month, is_leap, weekday,
};
use crate::{CollectError, HostRoot};

/// What glibc falls back to when no zone is configured or the configured one is unusable.
const FALLBACK: &str = "UTC";

/// The abbreviation of the host's local time zone at `unix` seconds.
///
/// On the live host the `TZ` environment variable of this process is honoured
/// first, as `localtime_r` does; a fixture root only has its `/etc/localtime`.
pub fn local_abbreviation(root: &HostRoot, unix: i64) -> String {
    let tz = if root.is_live() {
        std::env::var("TZ").ok()
    } else {
        None
    };
    abbreviation_for(root, tz.as_deref(), unix)
}

/// The abbreviation at `unix` for a `TZ` value (`None` when unset), following glibc's rules:
/// unset means `/etc/localtime`; `:name` or `name` is a zone file (absolute, or under
/// `/usr/share/zoneinfo`); otherwise the value is a POSIX TZ string; anything unusable is UTC.
pub fn abbreviation_for(root: &HostRoot, tz: Option<&str>, unix: i64) -> String {
    let Some(tz) = tz else {
        return zone_file_abbreviation(root, Path::new("etc/localtime"), unix)
            .unwrap_or_else(|| FALLBACK.to_owned());
    };
    let name = tz.strip_prefix(':').unwrap_or(tz);
    if name.is_empty() {
        return if tz.is_empty() {
            FALLBACK.to_owned()
        } else {
            abbreviation_for(root, None, unix)
        };
    }
    let file = if name.starts_with('/') {
        PathBuf::from(name)
    } else {
        Path::new("usr/share/zoneinfo").join(name)
    };
    if let Some(abbr) = zone_file_abbreviation(root, &file, unix) {
        return abbr;
    }
    if tz.starts_with(':') {
        return FALLBACK.to_owned();
    }
    PosixTz::parse(tz)
        .map(|p| p.abbreviation_at(unix).to_owned())
        .unwrap_or_else(|| FALLBACK.to_owned())
}

fn zone_file_abbreviation(root: &HostRoot, host_path: &Path, unix: i64) -> Option<String> {
    let bytes = read_following_link(root, host_path).ok()?;
    TzFile::parse(&bytes).ok()?.abbreviation_at(unix)
}

/// Reads a host file; on a fixture root an absolute symbolic link (as
/// `/etc/localtime` usually is) is resolved inside the root, not on this machine.
fn read_following_link(root: &HostRoot, host_path: &Path) -> Result<Vec<u8>, CollectError> {
    if !root.is_live()
        && let Ok(target) = root.read_link(host_path)
        && target.is_absolute()
    {
        return root.read(target);
    }
    root.read(host_path)
}

/// One local time type of a zone file.
#[derive(Debug, Clone, PartialEq, Eq)]
struct LocalTimeType {
    abbreviation: String,
}

/// A parsed TZif file: transition instants, the type that starts at each,
/// and the POSIX TZ string that extends the table past its last transition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TzFile {
    transitions: Vec<i64>,
    type_indices: Vec<u8>,
    types: Vec<LocalTimeType>,
    footer: Option<String>,
}

/// A bounds-checked reader over a byte slice.
struct Cursor<'a> {
    bytes: &'a [u8],
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], CollectError> {
        if self.bytes.len() < n {
            return Err(CollectError::malformed("zone file", "truncated"));
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        Ok(head)
    }

    fn u32(&mut self) -> Result<usize, CollectError> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
    }
}

/// The six counts of a TZif header.
struct Counts {
    isut: usize,
    isstd: usize,
    leap: usize,
    time: usize,
    types: usize,
    chars: usize,
}

impl Counts {
    fn read(c: &mut Cursor<'_>) -> Result<(u8, Counts), CollectError> {
        let head = c.take(20)?;
        if &head[..4] != b"TZif" {
            return Err(CollectError::malformed("zone file", "no TZif magic"));
        }
        let version = head[4];
        Ok((
            version,
            Counts {
                isut: c.u32()?,
                isstd: c.u32()?,
                leap: c.u32()?,
                time: c.u32()?,
                types: c.u32()?,
                chars: c.u32()?,
            },
        ))
    }

    /// The size of the data block that follows the header, for `time_size`-byte times.
    fn block_len(&self, time_size: usize) -> usize {
        self.time * (time_size + 1)
            + self.types * 6
            + self.chars
            + self.leap * (time_size + 4)
            + self.isstd
            + self.isut
    }
}

impl TzFile {
    /// Parses a TZif file of any version, preferring the 64-bit data of version 2 and later.
    pub fn parse(bytes: &[u8]) -> Result<TzFile, CollectError> {
        let mut c = Cursor { bytes };
        let (version, mut counts) = Counts::read(&mut c)?;
        let mut time_size = 4;
        if version >= b'2' {
            c.take(counts.block_len(4))?;
            counts = Counts::read(&mut c)?.1;
            time_size = 8;
        }
        let times = c.take(counts.time * time_size)?;
        let transitions = times
            .chunks_exact(time_size)
            .map(|b| match *b {
                [a, b, c, d] => i64::from(i32::from_be_bytes([a, b, c, d])),
                [a, b, c, d, e, f, g, h] => i64::from_be_bytes([a, b, c, d, e, f, g, h]),
                _ => 0,
            })
            .collect();
        let type_indices = c.take(counts.time)?.to_vec();
        let infos = c.take(counts.types * 6)?;
        let chars = c.take(counts.chars)?;
        let types = infos
            .chunks_exact(6)
            .map(|info| {
                let start = usize::from(info[5]).min(chars.len());
                let len = chars[start..]
                    .iter()
                    .position(|&b| b == 0)
                    .unwrap_or(chars.len() - start);
                LocalTimeType {
                    abbreviation: String::from_utf8_lossy(&chars[start..start + len]).into_owned(),
                }
            })
            .collect();
        let mut footer = None;
        if version >= b'2' {
            c.take(counts.leap * (time_size + 4) + counts.isstd + counts.isut)?;
            let rest = String::from_utf8_lossy(c.bytes);
            let line = rest.strip_prefix('\n').and_then(|r| r.split('\n').next());
            footer = line.filter(|l| !l.is_empty()).map(str::to_owned);
        }
        Ok(TzFile {
            transitions,
            type_indices,
            types,
            footer,
        })
    }

    /// The abbreviation in force at `unix`; `None` for a file without types.
    pub fn abbreviation_at(&self, unix: i64) -> Option<String> {
        let after_last = self.transitions.last().is_none_or(|&last| unix >= last);
        if after_last && let Some(rule) = self.footer.as_deref().and_then(PosixTz::parse) {
            return Some(rule.abbreviation_at(unix).to_owned());
        }
        // Before the first transition the first type applies (RFC 8536, section 3.2).
        let index = match self.transitions.partition_point(|&t| t <= unix) {
            0 => 0,
            n => usize::from(*self.type_indices.get(n - 1)?),
        };
        self.types.get(index).map(|t| t.abbreviation.clone())
    }
}

/// The day a daylight-saving change happens, in the three forms POSIX allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RuleDay {
    /// `Jn`: day 1 to 365, February 29 never counted.
    JulianNoLeap(u16),
    /// `n`: day 0 to 365, February 29 counted.
    Julian(u16),
    /// `Mm.w.d`: weekday `d` (0 is Sunday) of week `w` (5 is the last) of month `m`.
    MonthWeekDay { month: u32, week: u32, day: u32 },
}

impl RuleDay {
    /// The day of this rule in `year`, in days since the epoch.
    fn days_in(self, year: i64) -> i64 {
        let jan1 = days_from_civil(year, 1, 1);
        match self {
            RuleDay::JulianNoLeap(n) => {
                let n = i64::from(n);
                jan1 + n - 1 + i64::from(is_leap(year) && n >= 60)
            }
            RuleDay::Julian(n) => jan1 + i64::from(n),
            RuleDay::MonthWeekDay { month, week, day } => {
                let first = days_from_civil(year, month, 1);
                let first_match = first + i64::from((day + 7 - weekday(first)) % 7);
                let mut d = first_match + 7 * i64::from(week - 1);
                let end = first + i64::from(days_in_month(year, month));
                while d >= end {
                    d -= 7;
                }
                d
            }
        }
    }
}

/// A daylight-saving change: its day and the local time of day it happens at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Change {
    day: RuleDay,
    seconds: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Daylight {
    abbreviation: String,
    utc_offset: i64,
    start: Change,
    end: Change,
}

/// A POSIX TZ string: standard time, and optionally daylight time with its rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PosixTz {
    abbreviation: String,
    utc_offset: i64,
    daylight: Option<Daylight>,
}

/// A small parser over the characters of a TZ string.
struct TzParser<'a> {
    rest: &'a str,
}

impl<'a> TzParser<'a> {
    fn eat(&mut self, c: char) -> bool {
        match self.rest.strip_prefix(c) {
            Some(r) => {
                self.rest = r;
                true
            }
            None => false,
        }
    }

    fn peek(&self) -> Option<char> {
        self.rest.chars().next()
    }

    /// A zone abbreviation: `<...>`-quoted, or three or more letters.
    fn name(&mut self) -> Option<String> {
        if self.eat('<') {
            let end = self.rest.find('>')?;
            let name = &self.rest[..end];
            self.rest = &self.rest[end + 1..];
            return Some(name.to_owned());
        }
        let len = self
            .rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(self.rest.len());
        if len < 3 {
            return None;
        }
        let name = &self.rest[..len];
        self.rest = &self.rest[len..];
        Some(name.to_owned())
    }

    fn number(&mut self) -> Option<i64> {
        let len = self
            .rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(self.rest.len());
        if len == 0 || len > 3 {
            return None;
        }
        let n = self.rest[..len].parse().ok()?;
        self.rest = &self.rest[len..];
        Some(n)
    }

    /// `[+-]hh[:mm[:ss]]` in seconds.
    fn duration(&mut self) -> Option<i64> {
        let sign = if self.eat('-') {
            -1
        } else {
            self.eat('+');
            1
        };
        let mut secs = self.number()? * 3600;
        if self.eat(':') {
            secs += self.number()? * 60;
            if self.eat(':') {
                secs += self.number()?;
            }
        }
        Some(sign * secs)
    }

    /// `start[/time]` or `end[/time]`; the time defaults to 02:00.
    fn change(&mut self) -> Option<Change> {
        let day = if self.eat('J') {
            RuleDay::JulianNoLeap(
                u16::try_from(self.number()?)
                    .ok()
                    .filter(|n| (1..=365).contains(n))?,
            )
        } else if self.eat('M') {
            let month = u32::try_from(self.number()?)
                .ok()
                .filter(|m| (1..=12).contains(m))?;
            self.eat('.').then_some(())?;
            let week = u32::try_from(self.number()?)
                .ok()
                .filter(|w| (1..=5).contains(w))?;
            self.eat('.').then_some(())?;
            let day = u32::try_from(self.number()?).ok().filter(|d| *d <= 6)?;
            RuleDay::MonthWeekDay { month, week, day }
        } else {
            RuleDay::Julian(u16::try_from(self.number()?).ok().filter(|n| *n <= 365)?)
        };
        let seconds = if self.eat('/') {
            self.duration()?
        } else {
            7200
        };
        Some(Change { day, seconds })
    }
}

impl PosixTz {
    /// Parses a TZ string; `None` when it is not one.
    pub fn parse(s: &str) -> Option<PosixTz> {
        let mut p = TzParser { rest: s };
        let abbreviation = p.name()?;
        // POSIX offsets count hours west of Greenwich; UTC offsets count east.
        let utc_offset = -p.duration()?;
        if p.rest.is_empty() {
            return Some(PosixTz {
                abbreviation,
                utc_offset,
                daylight: None,
            });
        }
        let dst_name = p.name()?;
        let dst_offset = match p.peek() {
            Some(c) if c.is_ascii_digit() || c == '+' || c == '-' => -p.duration()?,
            _ => utc_offset + 3600,
        };
        let (start, end) = if p.eat(',') {
            let start = p.change()?;
            p.eat(',').then_some(())?;
            (start, p.change()?)
        } else {
            // glibc's default rules when a zone names daylight time without rules.
            let us = |week, month| Change {
                day: RuleDay::MonthWeekDay {
                    month,
                    week,
                    day: 0,
                },
                seconds: 7200,
            };
            (us(2, 3), us(1, 11))
        };
        if !p.rest.is_empty() {
            return None;
        }
        Some(PosixTz {
            abbreviation,
            utc_offset,
            daylight: Some(Daylight {
                abbreviation: dst_name,
                utc_offset: dst_offset,
                start,
                end,
            }),
        })
    }

    /// The abbreviation in force at `unix`.
    pub fn abbreviation_at(&self, unix: i64) -> &str {
        let Some(dst) = &self.daylight else {
            return &self.abbreviation;
        };
        let (year, _, _) = civil_from_days((unix + self.utc_offset).div_euclid(DAY));
        // Daylight time starts at a standard-time instant and ends at a daylight-time one.
        let start = dst.start.day.days_in(year) * DAY + dst.start.seconds - self.utc_offset;
        let end = dst.end.day.days_in(year) * DAY + dst.end.seconds - dst.utc_offset;
        let in_dst = if start <= end {
            start <= unix && unix < end
        } else {
            // Southern hemisphere: daylight time spans the new year.
            !(end <= unix && unix < start)
        };
        if in_dst {
            &dst.abbreviation
        } else {
            &self.abbreviation
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2024-01-15T12:00:00Z and 2024-07-15T12:00:00Z.
    const WINTER: i64 = 1_705_320_000;
    const SUMMER: i64 = 1_721_044_800;

    #[test]
    fn posix_rules_pick_standard_or_daylight_time() {
        let paris = PosixTz::parse("CET-1CEST,M3.5.0,M10.5.0/3").expect("parse");
        assert_eq!(paris.abbreviation_at(WINTER), "CET");
        assert_eq!(paris.abbreviation_at(SUMMER), "CEST");
        // 2024-03-31 01:00Z is 02:00 CET, the change; one second before is still CET.
        assert_eq!(paris.abbreviation_at(1_711_846_800 - 1), "CET");
        assert_eq!(paris.abbreviation_at(1_711_846_800), "CEST");
        // 2024-10-27 01:00Z is 03:00 CEST, the change back.
        assert_eq!(paris.abbreviation_at(1_729_990_800 - 1), "CEST");
        assert_eq!(paris.abbreviation_at(1_729_990_800), "CET");

        let sydney = PosixTz::parse("AEST-10AEDT,M10.1.0,M4.1.0/3").expect("parse");
        assert_eq!(sydney.abbreviation_at(WINTER), "AEDT");
        assert_eq!(sydney.abbreviation_at(SUMMER), "AEST");

        let india = PosixTz::parse("IST-5:30").expect("parse");
        assert_eq!(india.abbreviation_at(SUMMER), "IST");
        let quoted = PosixTz::parse("<+0330>-3:30").expect("parse");
        assert_eq!(quoted.abbreviation_at(SUMMER), "+0330");
        // Daylight time named without rules follows the US rules.
        let us = PosixTz::parse("EST5EDT").expect("parse");
        assert_eq!(us.abbreviation_at(SUMMER), "EDT");
        assert_eq!(us.abbreviation_at(WINTER), "EST");
        // Julian-day rules.
        let j = PosixTz::parse("XST3XDT,J60/0,J300").expect("parse");
        assert_eq!(j.abbreviation_at(SUMMER), "XDT");
    }

    #[test]
    fn bad_tz_strings_are_rejected() {
        for s in [
            "",
            "U",
            "UTC",
            "CET-1CEST,M13.1.0,M10.5.0",
            "CET-1CEST,M3.5.0",
            "<CET",
        ] {
            assert_eq!(PosixTz::parse(s), None, "{s:?}");
        }
    }

    /// Builds a version-2 TZif file with one transition and a footer.
    fn tzif(footer: &str) -> Vec<u8> {
        fn header(out: &mut Vec<u8>, time: u32, types: u32, chars: u32) {
            out.extend_from_slice(b"TZif2");
            out.extend_from_slice(&[0; 15]);
            for n in [0, 0, 0, time, types, chars] {
                out.extend_from_slice(&u32::to_be_bytes(n));
            }
        }
        let chars = b"LMT\0CET\0CEST\0";
        let mut out = Vec::new();
        // Version 1 block: no transitions, one type.
        header(&mut out, 0, 1, 4);
        out.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
        out.extend_from_slice(b"LMT\0");
        // Version 2 block: a transition at 1000 to type 1.
        header(&mut out, 1, 3, chars.len() as u32);
        out.extend_from_slice(&1000i64.to_be_bytes());
        out.push(1);
        out.extend_from_slice(&[0, 0, 2, 0x1c, 0, 0]);
        out.extend_from_slice(&[0, 0, 0x0e, 0x10, 0, 4]);
        out.extend_from_slice(&[0, 0, 0x1c, 0x20, 1, 8]);
        out.extend_from_slice(chars);
        out.push(b'\n');
        out.extend_from_slice(footer.as_bytes());
        out.push(b'\n');
        out
    }

    #[test]
    fn zone_files_use_transitions_then_the_footer() {
        let f = TzFile::parse(&tzif("CET-1CEST,M3.5.0,M10.5.0/3")).expect("parse");
        assert_eq!(f.abbreviation_at(0).as_deref(), Some("LMT"));
        assert_eq!(f.abbreviation_at(WINTER).as_deref(), Some("CET"));
        assert_eq!(f.abbreviation_at(SUMMER).as_deref(), Some("CEST"));
        // Without a footer the last transition's type lasts forever.
        let f = TzFile::parse(&tzif("")).expect("parse");
        assert_eq!(f.abbreviation_at(SUMMER).as_deref(), Some("CET"));
    }

    #[test]
    fn truncated_or_foreign_files_are_malformed() {
        let full = tzif("CET-1");
        assert!(TzFile::parse(&full[..60]).is_err());
        assert!(TzFile::parse(b"not a zone file at all, not at all").is_err());
    }

    #[test]
    fn tz_values_follow_glibc() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = HostRoot::new(dir.path());
        // No /etc/localtime and no TZ: UTC.
        assert_eq!(abbreviation_for(&root, None, SUMMER), "UTC");
        assert_eq!(abbreviation_for(&root, Some(""), SUMMER), "UTC");
        assert_eq!(abbreviation_for(&root, Some("JST-9"), SUMMER), "JST");
        assert_eq!(
            abbreviation_for(&root, Some(":Nowhere/Zone"), SUMMER),
            "UTC"
        );
        assert_eq!(abbreviation_for(&root, Some("garbage"), SUMMER), "UTC");

        let zoneinfo = dir.path().join("usr/share/zoneinfo/Europe");
        std::fs::create_dir_all(&zoneinfo).expect("mkdir");
        std::fs::write(zoneinfo.join("Paris"), tzif("CET-1CEST,M3.5.0,M10.5.0/3")).expect("write");
        assert_eq!(
            abbreviation_for(&root, Some("Europe/Paris"), SUMMER),
            "CEST"
        );
        assert_eq!(
            abbreviation_for(&root, Some(":Europe/Paris"), WINTER),
            "CET"
        );

        // An absolute /etc/localtime link resolves inside the fixture root.
        std::fs::create_dir_all(dir.path().join("etc")).expect("mkdir");
        std::os::unix::fs::symlink(
            "/usr/share/zoneinfo/Europe/Paris",
            dir.path().join("etc/localtime"),
        )
        .expect("symlink");
        assert_eq!(local_abbreviation(&root, SUMMER), "CEST");
    }
}
