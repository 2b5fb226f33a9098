//! `/proc/loadavg`: the 1, 5 and 15 minute load averages.

use crate::{CollectError, HostRoot};

/// The system load averages, as printed by the kernel (two decimals).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadAverage {
    pub one: String,
    pub five: String,
    pub fifteen: String,
}

pub fn read(root: &HostRoot) -> Result<LoadAverage, CollectError> {
    parse(&root.read_string("proc/loadavg")?)
}

/// Parses `0.08 0.03 0.01 1/123 4567`.
pub fn parse(text: &str) -> Result<LoadAverage, CollectError> {
    let mut fields = text.split_ascii_whitespace();
    let mut next = |what: &str| {
        fields
            .next()
            .map(str::to_owned)
            .ok_or_else(|| CollectError::malformed("proc/loadavg", format!("missing {what}")))
    };
    Ok(LoadAverage {
        one: next("1m")?,
        five: next("5m")?,
        fifteen: next("15m")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_averages() {
        let l = parse("0.08 0.03 0.01 1/123 4567\n").expect("parse");
        assert_eq!(
            (l.one.as_str(), l.five.as_str(), l.fifteen.as_str()),
            ("0.08", "0.03", "0.01")
        );
    }

    #[test]
    fn truncated_file_is_malformed() {
        assert!(parse("0.08").is_err());
    }
}
