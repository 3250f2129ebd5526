//! The per-account back-off after failed logins (ASVS 2.2.1: at most 100 failures an hour).

/// How long an account stays locked after a run of failed logins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    /// Failures allowed before the first lock.
    pub free_attempts: u32,
    /// Length of the first lock, in seconds; each further failure doubles it.
    pub base_secs: i64,
    /// Longest lock, in seconds.
    pub max_secs: i64,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        LockoutPolicy {
            free_attempts: 5,
            base_secs: 60,
            max_secs: 3600,
        }
    }
}

impl LockoutPolicy {
    /// Seconds to lock the account for after its `failures`-th consecutive failure, if any.
    pub fn lock_secs(&self, failures: u32) -> Option<i64> {
        let over = failures.checked_sub(self.free_attempts)?;
        // 2^over overflows quickly; past 30 doublings the cap applies anyway.
        let factor = 1_i64 << over.min(30);
        Some(self.base_secs.saturating_mul(factor).min(self.max_secs))
    }

    /// Whether an account locked until `locked_until` (unix seconds) is still locked at `now`.
    pub fn is_locked(locked_until: Option<i64>, now: i64) -> bool {
        locked_until.is_some_and(|until| until > now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_failures_are_free() {
        let policy = LockoutPolicy::default();
        for failures in 0..5 {
            assert_eq!(policy.lock_secs(failures), None);
        }
    }

    #[test]
    fn each_further_failure_doubles_the_lock_up_to_the_cap() {
        let policy = LockoutPolicy::default();
        assert_eq!(policy.lock_secs(5), Some(60));
        assert_eq!(policy.lock_secs(6), Some(120));
        assert_eq!(policy.lock_secs(7), Some(240));
        assert_eq!(policy.lock_secs(11), Some(3600));
        assert_eq!(policy.lock_secs(u32::MAX), Some(3600));
    }

    #[test]
    fn no_more_than_a_hundred_failures_fit_in_an_hour() {
        let policy = LockoutPolicy::default();
        let (mut failures, mut elapsed) = (0_u32, 0_i64);
        while elapsed < 3600 {
            failures += 1;
            elapsed += policy.lock_secs(failures).unwrap_or(0).max(1);
        }
        assert!(failures < 100, "{failures} failures in an hour");
    }

    #[test]
    fn a_lock_ends_at_its_time() {
        assert!(LockoutPolicy::is_locked(Some(100), 99));
        assert!(!LockoutPolicy::is_locked(Some(100), 100));
        assert!(!LockoutPolicy::is_locked(None, 100));
    }
}
