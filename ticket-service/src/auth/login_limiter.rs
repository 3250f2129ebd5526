//! The per-address limit on login attempts, kept in memory: it guards against one machine
//! hammering `POST /login`; the per-account back-off in the database guards each account.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

use crate::domain::rate_limit::{Bucket, BucketPolicy};

/// Beyond this many tracked addresses, full buckets are forgotten to bound memory.
const PRUNE_ABOVE: usize = 10_000;

pub struct LoginLimiter {
    policy: BucketPolicy,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

impl LoginLimiter {
    pub fn new(policy: BucketPolicy) -> Self {
        LoginLimiter {
            policy,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Spends one attempt for `ip`; false when the address has used up its allowance.
    pub fn try_attempt(&self, ip: IpAddr) -> bool {
        let now = Instant::now();
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() > PRUNE_ABOVE {
            buckets.retain(|_, bucket| !bucket.is_full(&self.policy, now));
        }
        buckets
            .entry(ip)
            .or_insert_with(|| Bucket::full(&self.policy, now))
            .try_take(&self.policy, now)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn each_address_has_its_own_allowance() {
        let limiter = LoginLimiter::new(BucketPolicy {
            burst: 2,
            refill_every: Duration::from_secs(3600),
        });
        let a: IpAddr = "127.0.0.1".parse().unwrap();
        let b: IpAddr = "127.0.0.2".parse().unwrap();
        assert!(limiter.try_attempt(a));
        assert!(limiter.try_attempt(a));
        assert!(!limiter.try_attempt(a));
        assert!(limiter.try_attempt(b));
    }
}
