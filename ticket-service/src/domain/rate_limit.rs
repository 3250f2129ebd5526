//! The allowance of login attempts one address has, as a `governor` quota: `governor` does the
//! arithmetic (GCRA, the token bucket's equivalent without a timer per address).

use std::num::NonZeroU32;
use std::time::Duration;

use governor::Quota;

/// How many requests may come in a burst and how fast the allowance comes back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BucketPolicy {
    pub burst: u32,
    /// Time for one spent token to come back.
    pub refill_every: Duration,
}

impl BucketPolicy {
    /// The quota for `governor`: `burst` attempts at once, then one more each `refill_every`.
    /// The settings refuse a burst of 0 and a refill time of 0; should one come through anyway,
    /// it counts as the smallest allowance, never as no limit.
    pub fn quota(&self) -> Quota {
        let burst = NonZeroU32::new(self.burst).unwrap_or(NonZeroU32::MIN);
        let period = self.refill_every.max(Duration::from_nanos(1));
        Quota::with_period(period)
            .expect("a period of at least one nanosecond makes a quota")
            .allow_burst(burst)
    }
}

#[cfg(test)]
mod tests {
    use governor::RateLimiter;
    use governor::clock::FakeRelativeClock;

    use super::*;

    const POLICY: BucketPolicy = BucketPolicy {
        burst: 3,
        refill_every: Duration::from_secs(10),
    };

    #[test]
    fn a_burst_is_allowed_then_refused() {
        let clock = FakeRelativeClock::default();
        let bucket = RateLimiter::direct_with_clock(POLICY.quota(), clock);
        assert!(bucket.check().is_ok());
        assert!(bucket.check().is_ok());
        assert!(bucket.check().is_ok());
        assert!(bucket.check().is_err());
    }

    #[test]
    fn tokens_come_back_with_time() {
        let clock = FakeRelativeClock::default();
        let bucket = RateLimiter::direct_with_clock(POLICY.quota(), clock.clone());
        for _ in 0..3 {
            assert!(bucket.check().is_ok());
        }
        clock.advance(Duration::from_secs(9));
        assert!(bucket.check().is_err());
        clock.advance(Duration::from_secs(2));
        assert!(bucket.check().is_ok(), "one token back after 10 seconds");
        assert!(bucket.check().is_err(), "but only one");
        clock.advance(Duration::from_secs(60));
        for _ in 0..3 {
            assert!(bucket.check().is_ok(), "the whole burst back once full");
        }
        assert!(bucket.check().is_err(), "never more than the burst");
    }

    #[test]
    fn a_policy_the_settings_refuse_still_limits() {
        let clock = FakeRelativeClock::default();
        let zero = BucketPolicy {
            burst: 0,
            refill_every: Duration::ZERO,
        };
        let bucket = RateLimiter::direct_with_clock(zero.quota(), clock);
        assert!(bucket.check().is_ok());
        assert!(bucket.check().is_err());
    }
}
