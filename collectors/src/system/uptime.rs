//! `/proc/uptime`: seconds since boot.

use crate::{CollectError, HostRoot};

/// Time since boot, whole seconds, and the same split into days, hours, minutes and seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Uptime {
    pub total_seconds: u64,
    pub days: u64,
    pub hours: u64,
    pub minutes: u64,
    pub seconds: u64,
}

impl Uptime {
    pub fn from_seconds(total_seconds: u64) -> Uptime {
        Uptime {
            total_seconds,
            days: total_seconds / 86_400,
            hours: total_seconds / 3600 % 24,
            minutes: total_seconds / 60 % 60,
            seconds: total_seconds % 60,
        }
    }
}

pub fn read(root: &HostRoot) -> Result<Uptime, CollectError> {
    parse(&root.read_string("proc/uptime")?)
}

/// Parses `1261.40 1840.87` (uptime, then idle time summed over CPUs); the fraction is dropped.
pub fn parse(text: &str) -> Result<Uptime, CollectError> {
    let first = text.split_ascii_whitespace().next().unwrap_or("");
    let whole = first.split('.').next().unwrap_or("");
    let total = whole
        .parse()
        .map_err(|_| CollectError::malformed("proc/uptime", format!("bad uptime {first:?}")))?;
    Ok(Uptime::from_seconds(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_the_uptime() {
        // 3 days, 4 hours, 5 minutes, 6.99 seconds.
        let u = parse("273906.99 500000.00\n").expect("parse");
        assert_eq!(
            u,
            Uptime {
                total_seconds: 273_906,
                days: 3,
                hours: 4,
                minutes: 5,
                seconds: 6,
            }
        );
    }

    #[test]
    fn empty_or_garbage_is_malformed() {
        assert!(parse("").is_err());
        assert!(parse("-5.00 1.00").is_err());
        assert!(parse("abc").is_err());
    }
}
