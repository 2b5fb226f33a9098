//! `/proc/<pid>/stat`: a process's state, parent, group, CPU times, nice value,
//! thread count and start time.

use crate::CollectError;

/// The fields of `/proc/<pid>/stat` that the `processes` table reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stat {
    /// One letter: `R`, `S`, `D`, `Z`, `T`, `t`, `X`, `I`, ...
    pub state: char,
    pub ppid: i64,
    pub pgrp: i64,
    /// User-mode CPU time in clock ticks.
    pub utime: u64,
    /// Kernel-mode CPU time in clock ticks.
    pub stime: u64,
    pub nice: i64,
    pub num_threads: i64,
    /// Start time after boot, in clock ticks.
    pub starttime: u64,
}

impl Stat {
    /// User-mode CPU time in milliseconds, with osquery's integer arithmetic.
    pub fn user_time_ms(&self, ticks_per_second: u64) -> u64 {
        self.utime.saturating_mul(ms_per_tick(ticks_per_second))
    }

    /// Kernel-mode CPU time in milliseconds.
    pub fn system_time_ms(&self, ticks_per_second: u64) -> u64 {
        self.stime.saturating_mul(ms_per_tick(ticks_per_second))
    }

    /// Seconds since the epoch the process started at: the boot time plus
    /// whole seconds after boot, as osquery computes it; -1 when the boot
    /// time is unknown.
    pub fn start_time(&self, boot_time: Option<i64>, ticks_per_second: u64) -> i64 {
        match boot_time {
            Some(boot) if boot > 0 && ticks_per_second > 0 => {
                let after_boot = self.starttime / ticks_per_second;
                boot.saturating_add(i64::try_from(after_boot).unwrap_or(i64::MAX))
            }
            _ => -1,
        }
    }
}

/// Clock ticks per second (`sysconf(_SC_CLK_TCK)`, `USER_HZ`): 100 on every
/// mainstream architecture, an ABI constant rather than a property of the
/// running kernel, so it also applies to captured hosts.
pub fn ticks_per_second() -> u64 {
    procfs::ticks_per_second()
}

/// osquery's `1000 / CLK_TCK`, in integers.
fn ms_per_tick(ticks_per_second: u64) -> u64 {
    1000u64.checked_div(ticks_per_second).unwrap_or(0)
}

/// Parses `1 (systemd) S 0 1 1 0 -1 ...`.
///
/// The command name may contain spaces and parentheses, so the fields are
/// counted from the last `)`, as osquery and the kernel's own tools do.
pub fn parse(bytes: &[u8]) -> Result<Stat, CollectError> {
    let malformed = |detail: &str| CollectError::malformed("process stat", detail);
    let close = bytes
        .iter()
        .rposition(|&b| b == b')')
        .ok_or_else(|| malformed("no ')' after the command name"))?;
    let rest = bytes.get(close + 1..).unwrap_or_default();
    // After `)`: state(3) ppid(4) pgrp(5) session tty tpgid flags minflt
    // cminflt majflt cmajflt utime(14) stime(15) cutime cstime priority
    // nice(19) num_threads(20) itrealvalue starttime(22) ...
    let mut fields: [&[u8]; 20] = [&[]; 20];
    let mut count = 0;
    for field in rest
        .split(|b| b.is_ascii_whitespace())
        .filter(|f| !f.is_empty())
        .take(fields.len())
    {
        fields[count] = field;
        count += 1;
    }
    if count < fields.len() {
        return Err(malformed("fewer than 22 fields"));
    }
    let state = match fields[0] {
        [c] => char::from(*c),
        _ => return Err(malformed("the state is not one letter")),
    };
    let int = |i: usize, what: &str| parse_int::<i64>(fields[i]).ok_or_else(|| malformed(what));
    let uint = |i: usize, what: &str| parse_int::<u64>(fields[i]).ok_or_else(|| malformed(what));
    Ok(Stat {
        state,
        ppid: int(1, "ppid")?,
        pgrp: int(2, "pgrp")?,
        utime: uint(11, "utime")?,
        stime: uint(12, "stime")?,
        nice: int(16, "nice")?,
        num_threads: int(17, "num_threads")?,
        starttime: uint(19, "starttime")?,
    })
}

/// Parses a decimal integer from ASCII bytes without allocating.
pub(crate) fn parse_int<T: std::str::FromStr>(bytes: &[u8]) -> Option<T> {
    std::str::from_utf8(bytes).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASH: &str = "13855 (bash) S 13850 13855 13855 0 -1 4194560 6486 76251 0 21 1 4 49 17 20 0 1 0 108753 5246976 1010 18446744073709551615 94263813640192 94263814429597 140737175746944 0 0 0 65536 4 1132560123 1 0 0 17 0 0 0 0 0 0\n";

    #[test]
    fn parses_the_reported_fields() {
        let s = parse(BASH.as_bytes()).expect("parse");
        assert_eq!(
            s,
            Stat {
                state: 'S',
                ppid: 13850,
                pgrp: 13855,
                utime: 1,
                stime: 4,
                nice: 0,
                num_threads: 1,
                starttime: 108753,
            }
        );
    }

    #[test]
    fn times_in_milliseconds_and_seconds() {
        let s = parse(BASH.as_bytes()).expect("parse");
        assert_eq!((s.user_time_ms(100), s.system_time_ms(100)), (10, 40));
        // 108753 ticks after boot is 1087 whole seconds.
        assert_eq!(s.start_time(Some(1795976188), 100), 1795976188 + 1087);
        assert_eq!(s.start_time(None, 100), -1);
        assert_eq!(s.start_time(Some(0), 100), -1);
        assert_eq!(s.start_time(Some(1), 0), -1);
        assert_eq!(s.user_time_ms(0), 0);
    }

    #[test]
    fn command_names_with_parentheses_and_spaces() {
        let text = "42 (evil) (x y) Z 1 42 42 0 -1 0 0 0 0 0 7 9 0 0 39 19 3 0 555 0 0";
        let s = parse(text.as_bytes()).expect("parse");
        assert_eq!((s.state, s.ppid, s.utime, s.stime), ('Z', 1, 7, 9));
        assert_eq!((s.nice, s.num_threads, s.starttime), (19, 3, 555));
    }

    #[test]
    fn negative_nice_and_non_utf8_names() {
        let mut bytes = b"7 (\xff\xfe) R 2 0 0 0 -1 0 0 0 0 0 0 0 0 0 0 -20 1 0 24".to_vec();
        bytes.push(b'\n');
        let s = parse(&bytes).expect("parse");
        assert_eq!((s.state, s.nice, s.starttime), ('R', -20, 24));
    }

    #[test]
    fn truncated_or_garbled_files_are_malformed() {
        assert!(parse(b"").is_err());
        assert!(parse(b"1 (init").is_err());
        assert!(parse(b"1 (init) S 0 1 1").is_err());
        assert!(parse(b"1 (init) S x 1 1 0 -1 0 0 0 0 0 0 0 0 0 0 0 1 0 24").is_err());
        assert!(parse(b"1 (init) SS 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 0 0 1 0 24").is_err());
    }
}
