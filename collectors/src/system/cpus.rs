//! `/sys/devices/system/cpu`: which CPUs are online, their topology and frequencies.

use crate::{CollectError, HostRoot, OptionalExt};

/// The online logical CPUs, from `online` (such as `0-3,6`); `None` when the file is missing.
pub fn online(root: &HostRoot) -> Result<Option<Vec<u32>>, CollectError> {
    Ok(root
        .read_trimmed("sys/devices/system/cpu/online")
        .optional()?
        .and_then(|list| parse_cpu_list(&list)))
}

/// Parses a kernel CPU list such as `0-3,6,8-9`; `None` when it is malformed.
pub fn parse_cpu_list(text: &str) -> Option<Vec<u32>> {
    let mut cpus = Vec::new();
    for part in text.trim().split(',').filter(|p| !p.is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b): (u32, u32) = (a.parse().ok()?, b.parse().ok()?);
                if b < a || b - a > 65_536 {
                    return None;
                }
                cpus.extend(a..=b);
            }
            None => cpus.push(part.parse().ok()?),
        }
    }
    Some(cpus)
}

/// A number from a file of `cpu<N>/`, such as `topology/physical_package_id`; `None` if absent.
pub fn cpu_number(root: &HostRoot, cpu: u64, file: &str) -> Result<Option<u64>, CollectError> {
    Ok(root
        .read_trimmed(format!("sys/devices/system/cpu/cpu{cpu}/{file}"))
        .optional()?
        .and_then(|v| v.parse().ok()))
}

/// The current and maximum frequency of a CPU in MHz, from cpufreq (which counts kHz).
pub fn frequencies_mhz(
    root: &HostRoot,
    cpu: u64,
) -> Result<(Option<u64>, Option<u64>), CollectError> {
    let mhz = |file| -> Result<Option<u64>, CollectError> {
        Ok(cpu_number(root, cpu, file)?.map(|khz| khz / 1000))
    };
    Ok((
        mhz("cpufreq/scaling_cur_freq")?,
        mhz("cpufreq/cpuinfo_max_freq")?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_lists() {
        assert_eq!(
            parse_cpu_list("0-3,6,8-9\n"),
            Some(vec![0, 1, 2, 3, 6, 8, 9])
        );
        assert_eq!(parse_cpu_list("0"), Some(vec![0]));
        assert_eq!(parse_cpu_list(""), Some(vec![]));
        assert_eq!(parse_cpu_list("3-1"), None);
        assert_eq!(parse_cpu_list("a-b"), None);
        assert_eq!(parse_cpu_list("0-4294967295"), None);
    }
}
