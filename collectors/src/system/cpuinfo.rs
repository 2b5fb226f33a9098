//! `/proc/cpuinfo`: one block of `key : value` lines per online logical CPU.

use crate::{CollectError, HostRoot};

/// One logical CPU's block, keys and values trimmed, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CpuEntry {
    fields: Vec<(String, String)>,
}

impl CpuEntry {
    /// The value of the first line named `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The value of `key` as an unsigned number.
    pub fn number(&self, key: &str) -> Option<u64> {
        self.get(key)?.parse().ok()
    }

    /// The logical CPU number (`processor`).
    pub fn processor(&self) -> Option<u64> {
        self.number("processor")
    }

    /// True when the x86 `flags` line lists `flag`.
    pub fn has_flag(&self, flag: &str) -> bool {
        self.get("flags")
            .is_some_and(|f| f.split_ascii_whitespace().any(|x| x == flag))
    }
}

pub fn read(root: &HostRoot) -> Result<Vec<CpuEntry>, CollectError> {
    Ok(parse(&root.read_string("proc/cpuinfo")?))
}

/// Splits the file into blocks at blank lines; lines without a colon are ignored.
/// A block of machine-wide lines (32-bit ARM ends with `Hardware`, `Revision`)
/// becomes an entry without a `processor` number.
pub fn parse(text: &str) -> Vec<CpuEntry> {
    let mut entries = Vec::new();
    let mut current = CpuEntry::default();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.fields.is_empty() {
                entries.push(std::mem::take(&mut current));
            }
            continue;
        }
        if let Some((key, value)) = line.split_once(':') {
            current
                .fields
                .push((key.trim().to_owned(), value.trim().to_owned()));
        }
    }
    if !current.fields.is_empty() {
        entries.push(current);
    }
    entries
}

/// The entries that describe a logical CPU (they have a `processor` number).
pub fn processors(entries: &[CpuEntry]) -> impl Iterator<Item = &CpuEntry> {
    entries.iter().filter(|e| e.processor().is_some())
}

/// The number of physical cores as Boost's `physical_concurrency` (used by
/// osquery) counts them: distinct (`physical id`, `core id`) pairs, or `None`
/// when the file has no such lines (as on arm64).
pub fn physical_cores(entries: &[CpuEntry]) -> Option<usize> {
    let mut cores: Vec<(u64, u64)> = processors(entries)
        .filter_map(|e| Some((e.number("physical id").unwrap_or(0), e.number("core id")?)))
        .collect();
    cores.sort_unstable();
    cores.dedup();
    (!cores.is_empty()).then_some(cores.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO: &str = "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel\t\t: 167\n\
        model name\t: Intel(R) Xeon(R) Processor\nmicrocode\t: 0x1\ncpu MHz\t\t: 2600.000\n\
        physical id\t: 0\ncore id\t\t: 0\nflags\t\t: fpu lm sse\n\n\
        processor\t: 1\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Processor\n\
        physical id\t: 0\ncore id\t\t: 1\nflags\t\t: fpu lm\n\n";

    #[test]
    fn blocks_and_fields() {
        let e = parse(TWO);
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].get("model"), Some("167"));
        assert_eq!(e[0].get("model name"), Some("Intel(R) Xeon(R) Processor"));
        assert_eq!(e[1].processor(), Some(1));
        assert!(e[0].has_flag("lm") && !e[0].has_flag("l"));
        assert_eq!(physical_cores(&e), Some(2));
    }

    #[test]
    fn arm64_has_no_core_ids() {
        let e =
            parse("processor\t: 0\nBogoMIPS\t: 50.00\nCPU implementer\t: 0x41\n\nprocessor\t: 1\n");
        assert_eq!(processors(&e).count(), 2);
        assert_eq!(physical_cores(&e), None);
    }

    #[test]
    fn hostile_text_does_not_panic() {
        let e = parse("no colon here\n:\n\u{fffd}: x\nprocessor: notanumber");
        assert_eq!(processors(&e).count(), 0);
        assert!(parse("").is_empty());
    }
}
