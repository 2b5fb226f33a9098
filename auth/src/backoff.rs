//! `FailureTracker`: repeated authentication failures from one address are slowed down.
//!
//! The first few failures cost nothing extra; after that each one is answered
//! after a delay that doubles up to a ceiling, so guessing passwords from one
//! address becomes slow while a user who mistypes once is not punished. An
//! address is forgotten after a quiet period, and the table is bounded so a
//! flood of addresses cannot grow it without limit.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How failures are slowed down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackoffPolicy {
    /// Failures answered without delay.
    pub free_failures: u32,
    /// The delay after the first failure beyond the free ones.
    pub base: Duration,
    /// The longest delay.
    pub max: Duration,
    /// An address with no failure for this long starts afresh.
    pub forget_after: Duration,
    /// Addresses tracked at once; the stalest is dropped beyond this.
    pub capacity: usize,
}

impl Default for BackoffPolicy {
    fn default() -> Self {
        BackoffPolicy {
            free_failures: 3,
            base: Duration::from_millis(250),
            max: Duration::from_secs(10),
            forget_after: Duration::from_secs(15 * 60),
            capacity: 65_536,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    failures: u32,
    last: Instant,
}

/// Failures per source address.
#[derive(Debug, Default)]
pub struct FailureTracker {
    policy: BackoffPolicy,
    entries: Mutex<HashMap<IpAddr, Entry>>,
}

/// What one more failure means for its address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failure {
    /// Failures from the address within the memory window, this one included.
    pub count: u32,
    /// How long to wait before answering.
    pub delay: Duration,
}

impl FailureTracker {
    pub fn new(policy: BackoffPolicy) -> FailureTracker {
        FailureTracker {
            policy,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, Entry>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records a failure from `addr` at `now` and says how long to delay the answer.
    pub fn failed(&self, addr: IpAddr, now: Instant) -> Failure {
        let addr = addr.to_canonical();
        let p = self.policy;
        let mut entries = self.lock();
        if entries.len() >= p.capacity && !entries.contains_key(&addr) {
            entries.retain(|_, e| now.saturating_duration_since(e.last) < p.forget_after);
            if entries.len() >= p.capacity
                && let Some(stalest) = entries.iter().min_by_key(|(_, e)| e.last).map(|(a, _)| *a)
            {
                entries.remove(&stalest);
            }
        }
        let entry = entries.entry(addr).or_insert(Entry {
            failures: 0,
            last: now,
        });
        if now.saturating_duration_since(entry.last) >= p.forget_after {
            entry.failures = 0;
        }
        entry.failures = entry.failures.saturating_add(1);
        entry.last = now;
        let count = entry.failures;
        Failure {
            count,
            delay: self.delay_for(count),
        }
    }

    /// A successful login clears the address's record.
    pub fn succeeded(&self, addr: IpAddr) {
        self.lock().remove(&addr.to_canonical());
    }

    fn delay_for(&self, count: u32) -> Duration {
        let p = self.policy;
        let Some(beyond) = count.checked_sub(p.free_failures + 1) else {
            return Duration::ZERO;
        };
        let factor = 1u32.checked_shl(beyond.min(31)).unwrap_or(u32::MAX);
        p.base.saturating_mul(factor).min(p.max)
    }

    /// Addresses currently tracked.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn delays_double_after_the_free_failures_up_to_the_ceiling() {
        let t = FailureTracker::new(BackoffPolicy::default());
        let now = Instant::now();
        let delays: Vec<u64> = (0..10)
            .map(|_| t.failed(ip("192.0.2.1"), now).delay.as_millis() as u64)
            .collect();
        assert_eq!(delays, [0, 0, 0, 250, 500, 1000, 2000, 4000, 8000, 10000]);
        // Another address is unaffected; a success clears the first.
        assert_eq!(t.failed(ip("192.0.2.2"), now).count, 1);
        t.succeeded(ip("192.0.2.1"));
        assert_eq!(t.failed(ip("192.0.2.1"), now).delay, Duration::ZERO);
    }

    #[test]
    fn quiet_addresses_are_forgotten() {
        let t = FailureTracker::new(BackoffPolicy::default());
        let start = Instant::now();
        for _ in 0..5 {
            t.failed(ip("::ffff:192.0.2.1"), start);
        }
        let later = start + Duration::from_secs(16 * 60);
        let f = t.failed(ip("192.0.2.1"), later);
        assert_eq!(f.count, 1);
    }

    #[test]
    fn the_table_is_bounded() {
        let t = FailureTracker::new(BackoffPolicy {
            capacity: 4,
            ..BackoffPolicy::default()
        });
        let now = Instant::now();
        for i in 0..100u8 {
            t.failed(
                IpAddr::from([10, 0, 0, i]),
                now + Duration::from_millis(u64::from(i)),
            );
        }
        assert_eq!(t.len(), 4);
    }
}
