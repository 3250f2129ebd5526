//! The per-address limit on login attempts, kept in memory: it guards against one machine
//! hammering `POST /login`; the per-account back-off in the database guards each account.
//!
//! `governor` decides (GCRA over the quota of [`BucketPolicy`]); this module says what an
//! address is and how many are remembered. An IPv6 address counts by its /64, the block one
//! home or one server usually gets, so a client cannot change its address within that block to
//! get a fresh allowance. Memory is bounded: beyond a set number of tracked addresses, full
//! allowances are forgotten first, then those that come back full soonest.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Arc, Mutex, MutexGuard};

use governor::RateLimiter;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::nanos::Nanos;
use governor::state::StateStore;
use governor::state::keyed::ShrinkableKeyedStateStore;

use crate::domain::rate_limit::BucketPolicy;

/// Addresses tracked at most, unless configured otherwise.
pub const DEFAULT_CAPACITY: usize = 10_000;

/// The key an address is counted under: IPv4 as is, IPv6 by its first 64 bits.
fn key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !0_u128 << 64)),
    }
}

pub struct LoginLimiter<C: Clock = DefaultClock> {
    limiter: RateLimiter<IpAddr, BoundedStore, C, NoOpMiddleware<C::Instant>>,
    store: BoundedStore,
}

impl LoginLimiter {
    pub fn new(policy: BucketPolicy) -> Self {
        Self::with_capacity(policy, DEFAULT_CAPACITY)
    }

    /// A limiter that tracks at most `capacity` addresses (networks, for IPv6).
    pub fn with_capacity(policy: BucketPolicy, capacity: usize) -> Self {
        Self::with_clock(policy, capacity, DefaultClock::default())
    }
}

impl<C: Clock> LoginLimiter<C> {
    /// A limiter reading the time from `clock`: the tests move a fake one forward instead of
    /// waiting for allowances to come back.
    pub fn with_clock(policy: BucketPolicy, capacity: usize, clock: C) -> Self {
        let store = BoundedStore::new(capacity);
        LoginLimiter {
            limiter: RateLimiter::new(policy.quota(), store.clone(), clock),
            store,
        }
    }

    /// Spends one attempt for `ip`; false when the address has used up its allowance.
    pub fn try_attempt(&self, ip: IpAddr) -> bool {
        let key = key(ip);
        if self.store.is_full_without(&key) {
            // An allowance that has come back whole holds nothing a new one would not.
            self.limiter.retain_recent();
        }
        self.limiter.check_key(&key).is_ok()
    }

    /// How many addresses are tracked now.
    pub fn tracked(&self) -> usize {
        self.limiter.len()
    }
}

/// The addresses `governor` tracks, each with the only number GCRA keeps: the moment its
/// allowance is whole again (the "theoretical arrival time", from the limiter's start).
///
/// `governor`'s own keyed stores forget only allowances that are whole again
/// (`retain_recent`), so a flood of addresses all spending at once would grow them without
/// end. This one holds at most `capacity`: a new address that finds it full first makes it
/// forget the eighth whose allowances come back soonest, in the same lock as the insert, so
/// the bound holds under concurrent requests. Forgetting in a batch keeps the cost of a flood
/// of new addresses low; a forgotten address starts again with a whole allowance, which is the
/// price of bounded memory. Among addresses that spent as many attempts, those that come back
/// soonest are those idle the longest.
#[derive(Clone)]
struct BoundedStore {
    capacity: usize,
    whole_again_at: Arc<Mutex<HashMap<IpAddr, Nanos>>>,
}

impl BoundedStore {
    fn new(capacity: usize) -> Self {
        BoundedStore {
            capacity: capacity.max(1),
            whole_again_at: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<IpAddr, Nanos>> {
        self.whole_again_at
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Whether the store is at capacity and `key` would need room.
    fn is_full_without(&self, key: &IpAddr) -> bool {
        let map = self.lock();
        map.len() >= self.capacity && !map.contains_key(key)
    }
}

/// Forgets the eighth of the addresses (at least one) whose allowances are whole soonest.
fn forget_soonest_whole(map: &mut HashMap<IpAddr, Nanos>, capacity: usize) {
    let mut times: Vec<Nanos> = map.values().copied().collect();
    let cut = (capacity / 8).max(1).min(times.len() - 1);
    let (_, cutoff, _) = times.select_nth_unstable(cut);
    let cutoff = *cutoff;
    map.retain(|_, whole_at| *whole_at > cutoff);
}

impl StateStore for BoundedStore {
    type Key = IpAddr;

    fn measure_and_replace<T, F, E>(&self, key: &IpAddr, f: F) -> Result<T, E>
    where
        F: Fn(Option<Nanos>) -> Result<(T, Nanos), E>,
    {
        let mut map = self.lock();
        let (outcome, whole_at) = f(map.get(key).copied())?;
        if map.len() >= self.capacity && !map.contains_key(key) {
            forget_soonest_whole(&mut map, self.capacity);
        }
        map.insert(*key, whole_at);
        Ok(outcome)
    }
}

impl ShrinkableKeyedStateStore<IpAddr> for BoundedStore {
    fn retain_recent(&self, drop_below: Nanos) {
        self.lock().retain(|_, whole_at| *whole_at > drop_below);
    }

    fn shrink_to_fit(&self) {
        self.lock().shrink_to_fit();
    }

    fn len(&self) -> usize {
        self.lock().len()
    }

    fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;
    use std::time::Duration;

    use governor::clock::FakeRelativeClock;

    use super::*;

    const ONE_AN_HOUR: BucketPolicy = BucketPolicy {
        burst: 1,
        refill_every: Duration::from_secs(3600),
    };

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

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
        assert!(limiter.try_attempt(ip("2001:db8:1:2::1")));
        assert!(limiter.try_attempt(ip("2001:db8:1:2::ffff")));
        assert!(
            !limiter.try_attempt(ip("2001:db8:1:2:abcd::7")),
            "another address of the same /64"
        );
        assert!(limiter.try_attempt(ip("2001:db8:1:3::1")));
    }

    #[test]
    fn an_ipv4_client_seen_through_ipv6_is_the_same_client() {
        let limiter = LoginLimiter::new(ONE_AN_HOUR);
        assert!(limiter.try_attempt(ip("192.0.2.7")));
        assert!(!limiter.try_attempt(ip("::ffff:192.0.2.7")));
    }

    #[test]
    fn attempts_come_back_with_time() {
        let clock = FakeRelativeClock::default();
        let policy = BucketPolicy {
            burst: 2,
            refill_every: Duration::from_secs(6),
        };
        let limiter = LoginLimiter::with_clock(policy, DEFAULT_CAPACITY, clock.clone());
        let a = ip("198.51.100.1");
        assert!(limiter.try_attempt(a));
        assert!(limiter.try_attempt(a));
        assert!(!limiter.try_attempt(a));
        clock.advance(Duration::from_secs(5));
        assert!(
            !limiter.try_attempt(a),
            "not yet: one comes back in 6 seconds"
        );
        clock.advance(Duration::from_secs(1));
        assert!(limiter.try_attempt(a));
        assert!(!limiter.try_attempt(a), "only one came back");
    }

    #[test]
    fn memory_is_bounded_by_forgetting_the_longest_idle_addresses() {
        let clock = FakeRelativeClock::default();
        let limiter = LoginLimiter::with_clock(ONE_AN_HOUR, DEFAULT_CAPACITY, clock.clone());
        let first: IpAddr = "10.0.0.1".parse().unwrap();
        assert!(limiter.try_attempt(first));
        assert!(!limiter.try_attempt(first));
        // Far more addresses than the limiter keeps, each spending its whole allowance.
        let address = |n: u32| IpAddr::V4(Ipv4Addr::from(0x0B00_0000 + n));
        for n in 0..20_000 {
            clock.advance(Duration::from_millis(1));
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

    #[test]
    fn whole_allowances_are_forgotten_before_any_still_in_use() {
        let clock = FakeRelativeClock::default();
        let policy = BucketPolicy {
            burst: 1,
            refill_every: Duration::from_secs(10),
        };
        let limiter = LoginLimiter::with_clock(policy, 8, clock.clone());
        let address = |n: u8| IpAddr::V4(Ipv4Addr::new(192, 0, 2, n));
        for n in 1..=6 {
            assert!(limiter.try_attempt(address(n)));
            clock.advance(Duration::from_secs(1));
        }
        // The six allowances are whole again; two addresses spend theirs now.
        clock.advance(Duration::from_secs(40));
        assert!(limiter.try_attempt(address(7)));
        assert!(limiter.try_attempt(address(8)));
        assert_eq!(limiter.tracked(), 8);
        assert!(limiter.try_attempt(address(9)));
        assert_eq!(
            limiter.tracked(),
            3,
            "all six whole allowances went at once"
        );
        assert!(
            !limiter.try_attempt(address(7)),
            "spent allowances are kept"
        );
        assert!(!limiter.try_attempt(address(8)));
    }

    #[test]
    fn the_bound_holds_when_no_allowance_is_whole() {
        let clock = FakeRelativeClock::default();
        let limiter = LoginLimiter::with_clock(ONE_AN_HOUR, 16, clock.clone());
        for n in 0..1000_u32 {
            clock.advance(Duration::from_millis(1));
            assert!(limiter.try_attempt(IpAddr::V4(Ipv4Addr::from(0x0A00_0000 + n))));
            assert!(limiter.tracked() <= 16);
        }
    }
}
