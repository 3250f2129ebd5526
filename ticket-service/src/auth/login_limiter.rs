//! The per-address limit on login attempts, kept in memory: it guards against one machine
//! hammering `POST /login`; the per-account back-off in the database guards each account.
//!
//! An IPv6 address counts by its /64, the block one home or one server usually gets, so a
//! client cannot change its address within that block to get a fresh allowance. Memory is
//! bounded: beyond a set number of tracked addresses, full buckets are forgotten first, then
//! those idle the longest.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::Mutex;
use std::time::Instant;

use crate::domain::rate_limit::{Bucket, BucketPolicy};

/// Addresses tracked at most, unless configured otherwise.
pub const DEFAULT_CAPACITY: usize = 10_000;

/// The key an address is counted under: IPv4 as is, IPv6 by its first 64 bits.
fn key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !0_u128 << 64)),
    }
}

pub struct LoginLimiter {
    policy: BucketPolicy,
    capacity: usize,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

impl LoginLimiter {
    pub fn new(policy: BucketPolicy) -> Self {
        Self::with_capacity(policy, DEFAULT_CAPACITY)
    }

    /// A limiter that tracks at most `capacity` addresses (networks, for IPv6).
    pub fn with_capacity(policy: BucketPolicy, capacity: usize) -> Self {
        LoginLimiter {
            policy,
            capacity: capacity.max(1),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Spends one attempt for `ip`; false when the address has used up its allowance.
    pub fn try_attempt(&self, ip: IpAddr) -> bool {
        let now = Instant::now();
        let key = key(ip);
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() >= self.capacity && !buckets.contains_key(&key) {
            self.make_room(&mut buckets, now);
        }
        buckets
            .entry(key)
            .or_insert_with(|| Bucket::full(&self.policy, now))
            .try_take(&self.policy, now)
    }

    /// Forgets full buckets (they hold nothing a new one would not), then, if the map is still
    /// at capacity, the eighth of the addresses idle the longest: forgetting them in a batch
    /// keeps the cost of a flood of new addresses low. A forgotten address starts again with
    /// a full allowance, which is the price of bounded memory.
    fn make_room(&self, buckets: &mut HashMap<IpAddr, Bucket>, now: Instant) {
        buckets.retain(|_, bucket| !bucket.is_full(&self.policy, now));
        if buckets.len() < self.capacity {
            return;
        }
        let mut last_used: Vec<Instant> = buckets.values().map(Bucket::last_used).collect();
        let cut = (self.capacity / 8).max(1).min(last_used.len() - 1);
        let (_, cutoff, _) = last_used.select_nth_unstable(cut);
        let cutoff = *cutoff;
        buckets.retain(|_, bucket| bucket.last_used() > cutoff);
    }

    /// How many addresses are tracked now.
    pub fn tracked(&self) -> usize {
        self.buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .len()
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

    #[test]
    fn an_ipv6_network_of_64_bits_shares_one_allowance() {
        let limiter = LoginLimiter::new(BucketPolicy {
            burst: 2,
            refill_every: Duration::from_secs(3600),
        });
        let ip = |text: &str| text.parse::<IpAddr>().unwrap();
        assert!(limiter.try_attempt(ip("2001:db8:1:2::1")));
        assert!(limiter.try_attempt(ip("2001:db8:1:2::ffff")));
        assert!(
            !limiter.try_attempt(ip("2001:db8:1:2:abcd::7")),
            "another address of the same /64"
        );
        assert!(limiter.try_attempt(ip("2001:db8:1:3::1")));
    }

    #[test]
    fn memory_is_bounded_by_forgetting_the_longest_idle_addresses() {
        let limiter = LoginLimiter::new(BucketPolicy {
            burst: 1,
            refill_every: Duration::from_secs(3600),
        });
        let first: IpAddr = "10.0.0.1".parse().unwrap();
        assert!(limiter.try_attempt(first));
        assert!(!limiter.try_attempt(first));
        // Far more addresses than the limiter keeps, each spending its whole allowance.
        let address = |n: u32| IpAddr::V4(std::net::Ipv4Addr::from(0x0B00_0000 + n));
        for n in 0..20_000 {
            assert!(limiter.try_attempt(address(n)));
        }
        assert!(
            limiter.try_attempt(first),
            "the address idle the longest was forgotten"
        );
        assert!(
            !limiter.try_attempt(address(19_999)),
            "the most recent addresses are kept"
        );
        assert!(limiter.tracked() <= DEFAULT_CAPACITY);
    }
}
