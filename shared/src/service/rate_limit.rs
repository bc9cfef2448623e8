//! Per-source budgets for what anyone may send without credentials (Wallet's log reports):
//! a token bucket per source address, refilled on the app's clock. Each process (each Lambda
//! instance) keeps its own buckets, so a source's budget is per instance.

use std::collections::HashMap;
use std::sync::Mutex;

/// The sources remembered at most: past it the buckets start over (an attacker spreading over
/// more addresses than this gets a fresh budget, never unbounded memory).
const MAX_SOURCES: usize = 10_000;

pub struct SourceLimiter {
    /// Tokens a source may spend at once.
    capacity: f64,
    /// Tokens back per millisecond.
    refill_per_ms: f64,
    buckets: Mutex<HashMap<String, Bucket>>,
}

#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: i64,
}

impl SourceLimiter {
    /// `capacity` tokens, all back after `per_ms` milliseconds.
    pub fn new(capacity: u32, per_ms: i64) -> SourceLimiter {
        SourceLimiter {
            capacity: f64::from(capacity),
            refill_per_ms: f64::from(capacity) / per_ms.max(1) as f64,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Spends `cost` tokens of `source`'s bucket at `now` (milliseconds); `Err` with the
    /// seconds until it could, when it cannot.
    pub fn spend(&self, source: &str, cost: u32, now: i64) -> Result<(), u64> {
        let Ok(mut buckets) = self.buckets.lock() else { return Ok(()) };
        if buckets.len() >= MAX_SOURCES && !buckets.contains_key(source) {
            buckets.clear();
        }
        let bucket = buckets.entry(source.to_string()).or_insert(Bucket { tokens: self.capacity, at: now });
        let elapsed = (now - bucket.at).max(0) as f64;
        bucket.tokens = (bucket.tokens + elapsed * self.refill_per_ms).min(self.capacity);
        bucket.at = now;
        let cost = f64::from(cost).min(self.capacity);
        if bucket.tokens >= cost {
            bucket.tokens -= cost;
            Ok(())
        } else {
            let wait_ms = (cost - bucket.tokens) / self.refill_per_ms;
            Err((wait_ms / 1000.0).ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_spends_its_budget_and_it_comes_back_with_time() {
        let limiter = SourceLimiter::new(10, 60_000);
        assert!(limiter.spend("a", 10, 0).is_ok());
        assert_eq!(limiter.spend("a", 1, 0), Err(6), "a token comes back every 6 s");
        assert!(limiter.spend("b", 10, 0).is_ok(), "each source has its own");
        assert!(limiter.spend("a", 1, 6_000).is_ok());
        assert!(limiter.spend("a", 10, 60_000).is_err(), "one spent at 6 s is not back yet");
        assert!(limiter.spend("a", 10, 66_000).is_ok());
        assert!(limiter.spend("c", 50, 0).is_ok(), "a cost above the capacity costs the capacity");
    }
}
