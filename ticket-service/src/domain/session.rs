//! When a session ends: after a spell of inactivity or a fixed time after it began (ASVS 3.3.2).

/// Session lifetimes, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    pub idle_secs: i64,
    pub absolute_secs: i64,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            idle_secs: 30 * 60,
            absolute_secs: 12 * 60 * 60,
        }
    }
}

impl SessionPolicy {
    /// Whether a session created at `created_at` and last used at `last_seen_at` has ended.
    pub fn has_expired(&self, created_at: i64, last_seen_at: i64, now: i64) -> bool {
        now - last_seen_at >= self.idle_secs || now - created_at >= self.absolute_secs
    }

    /// Whether a request at `now` records itself as the session's last use. Recording every
    /// request would make each page a write; once per tenth of the idle time (at most a minute)
    /// keeps pages on the read connections, and a session then ends at most that much early.
    pub fn needs_touch(&self, last_seen_at: i64, now: i64) -> bool {
        now - last_seen_at >= (self.idle_secs / 10).min(60)
    }
}

/// Whether a session whose password was last typed at `authenticated_at` must type it again
/// before an export: never typed in it, or more than `window_secs` ago.
pub fn needs_reauthentication(authenticated_at: Option<i64>, window_secs: i64, now: i64) -> bool {
    authenticated_at.is_none_or(|at| now - at > window_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn use_is_recorded_once_per_tenth_of_the_idle_time_at_most_a_minute() {
        let short = SessionPolicy {
            idle_secs: 4,
            absolute_secs: 100,
        };
        assert!(
            short.needs_touch(10, 10),
            "under ten seconds of idle time: every request"
        );
        let usual = SessionPolicy::default();
        assert!(!usual.needs_touch(1000, 1059));
        assert!(usual.needs_touch(1000, 1060));
        let ten_minutes = SessionPolicy {
            idle_secs: 600,
            absolute_secs: 3600,
        };
        assert!(!ten_minutes.needs_touch(0, 59));
        assert!(ten_minutes.needs_touch(0, 60));
        let two_minutes = SessionPolicy {
            idle_secs: 120,
            absolute_secs: 3600,
        };
        assert!(two_minutes.needs_touch(0, 12));
        assert!(!two_minutes.needs_touch(0, 11));
    }

    #[test]
    fn exports_ask_for_the_password_again_after_the_window() {
        assert!(!needs_reauthentication(Some(1000), 300, 1000));
        assert!(!needs_reauthentication(Some(1000), 300, 1300));
        assert!(needs_reauthentication(Some(1000), 300, 1301));
        assert!(needs_reauthentication(None, 300, 1000));
    }

    #[test]
    fn a_session_ends_after_thirty_idle_minutes() {
        let policy = SessionPolicy::default();
        assert!(!policy.has_expired(0, 0, 29 * 60 + 59));
        assert!(policy.has_expired(0, 0, 30 * 60));
    }

    #[test]
    fn a_busy_session_still_ends_after_twelve_hours() {
        let policy = SessionPolicy::default();
        let twelve_hours = 12 * 60 * 60;
        assert!(!policy.has_expired(0, twelve_hours - 10, twelve_hours - 1));
        assert!(policy.has_expired(0, twelve_hours - 10, twelve_hours));
    }
}
