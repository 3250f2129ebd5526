//! A token bucket: the arithmetic behind the per-address limit on login attempts.

use std::time::{Duration, Instant};

/// How many requests may come in a burst and how fast the allowance comes back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BucketPolicy {
    pub burst: u32,
    /// Time for one spent token to come back.
    pub refill_every: Duration,
}

/// One address's allowance.
#[derive(Debug, Clone, Copy)]
pub struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl Bucket {
    pub fn full(policy: &BucketPolicy, now: Instant) -> Self {
        Bucket {
            tokens: f64::from(policy.burst),
            updated: now,
        }
    }

    /// Spends one token if there is one; false means the request must be refused.
    pub fn try_take(&mut self, policy: &BucketPolicy, now: Instant) -> bool {
        self.refill(policy, now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// When the bucket was last spent from or checked.
    pub fn last_used(&self) -> Instant {
        self.updated
    }

    /// Whether the bucket has filled up again, so it can be forgotten.
    pub fn is_full(&self, policy: &BucketPolicy, now: Instant) -> bool {
        let mut copy = *self;
        copy.refill(policy, now);
        copy.tokens >= f64::from(policy.burst)
    }

    fn refill(&mut self, policy: &BucketPolicy, now: Instant) {
        let elapsed = now.saturating_duration_since(self.updated);
        let earned = elapsed.as_secs_f64() / policy.refill_every.as_secs_f64().max(f64::EPSILON);
        self.tokens = (self.tokens + earned).min(f64::from(policy.burst));
        self.updated = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: BucketPolicy = BucketPolicy {
        burst: 3,
        refill_every: Duration::from_secs(10),
    };

    #[test]
    fn a_burst_is_allowed_then_refused() {
        let start = Instant::now();
        let mut bucket = Bucket::full(&POLICY, start);
        assert!(bucket.try_take(&POLICY, start));
        assert!(bucket.try_take(&POLICY, start));
        assert!(bucket.try_take(&POLICY, start));
        assert!(!bucket.try_take(&POLICY, start));
    }

    #[test]
    fn tokens_come_back_with_time() {
        let start = Instant::now();
        let mut bucket = Bucket::full(&POLICY, start);
        for _ in 0..3 {
            assert!(bucket.try_take(&POLICY, start));
        }
        assert!(!bucket.try_take(&POLICY, start + Duration::from_secs(9)));
        assert!(bucket.try_take(&POLICY, start + Duration::from_secs(11)));
        assert!(!bucket.is_full(&POLICY, start + Duration::from_secs(11)));
        assert!(bucket.is_full(&POLICY, start + Duration::from_secs(60)));
    }
}
