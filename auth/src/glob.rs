//! `Glob`: table-name patterns in role rules (`pg_*`, `process_?nvs`, `*`).
//!
//! Only `*` (any run of characters, possibly empty) and `?` (one character)
//! are special; matching is ASCII case-insensitive because SQL folds
//! unquoted identifiers. A pattern without wildcards is *literal*, which is
//! what grants a sensitive table to a role (a `*` never does).

use std::fmt;

/// A compiled name pattern.
#[derive(Clone, PartialEq, Eq)]
pub struct Glob {
    pattern: String,
}

impl fmt::Debug for Glob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Glob({:?})", self.pattern)
    }
}

impl fmt::Display for Glob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.pattern)
    }
}

impl Glob {
    pub fn new(pattern: &str) -> Glob {
        Glob {
            pattern: pattern.to_ascii_lowercase(),
        }
    }

    /// True when the pattern has no wildcard: it names exactly one thing.
    pub fn is_literal(&self) -> bool {
        !self.pattern.contains(['*', '?'])
    }

    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    /// Matches `name` in full. Runs in O(len(pattern) × len(name)) at worst,
    /// so a hostile pattern or name cannot make it blow up.
    pub fn matches(&self, name: &str) -> bool {
        let p = self.pattern.as_bytes();
        let n = name.as_bytes();
        let (mut pi, mut ni) = (0usize, 0usize);
        // Where the last `*` was, and the name position it currently absorbs up to.
        let mut star: Option<(usize, usize)> = None;
        while ni < n.len() {
            if pi < p.len() && (p[pi] == b'?' || p[pi] == n[ni].to_ascii_lowercase()) {
                pi += 1;
                ni += 1;
            } else if pi < p.len() && p[pi] == b'*' {
                star = Some((pi, ni));
                pi += 1;
            } else if let Some((sp, sn)) = star {
                pi = sp + 1;
                ni = sn + 1;
                star = Some((sp, sn + 1));
            } else {
                return false;
            }
        }
        p[pi..].iter().all(|c| *c == b'*')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_whole_names() {
        let cases = [
            ("*", "processes", true),
            ("*", "", true),
            ("pg_*", "pg_class", true),
            ("pg_*", "xpg_class", false),
            ("process*", "processes", true),
            ("process*", "process_envs", true),
            ("*_keys", "authorized_keys", true),
            ("*_keys", "authorized_keys_x", false),
            ("p?d", "pid", true),
            ("p?d", "pd", false),
            ("a*b*c", "aXbYbZc", true),
            ("a*b*c", "aXbYbZ", false),
            ("Shadow", "SHADOW", true),
            ("shadow", "shadows", false),
        ];
        for (p, n, want) in cases {
            assert_eq!(Glob::new(p).matches(n), want, "{p} ~ {n}");
        }
    }

    #[test]
    fn literal_patterns_are_told_apart() {
        assert!(Glob::new("shell_history").is_literal());
        assert!(!Glob::new("shell_*").is_literal());
        assert!(!Glob::new("*").is_literal());
    }

    #[test]
    fn long_hostile_input_stays_fast() {
        let p = Glob::new(&"*a".repeat(50));
        let n = "a".repeat(10_000) + "b";
        assert!(!p.matches(&n));
    }
}
