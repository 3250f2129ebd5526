//! The time steps a TOTP code (RFC 6238, 30-second steps) is accepted for.

/// Length of a TOTP time step, in seconds.
pub const STEP_SECS: i64 = 30;

/// How long, in seconds, the code page waits after a correct password.
pub const PENDING_LOGIN_SECS: i64 = 5 * 60;

/// Whether a login whose password was right at `started_at` may still be finished with its
/// code at `now`.
pub fn pending_login_open(started_at: i64, now: i64) -> bool {
    now - started_at < PENDING_LOGIN_SECS
}

pub fn step_at(now: i64) -> i64 {
    now.div_euclid(STEP_SECS)
}

/// The steps a code typed at `now` may belong to: one step of clock drift either way. A step
/// is then accepted only if it is later than the last one used (`db::users::
/// record_second_factor_step`, one conditional update), so an overheard code cannot be
/// replayed, not even by two requests at the same moment.
pub fn acceptable_steps(now: i64) -> Vec<i64> {
    let current = step_at(now);
    (current - 1..=current + 1).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_page_waits_five_minutes_after_the_password() {
        assert!(pending_login_open(1000, 1000));
        assert!(pending_login_open(1000, 1000 + PENDING_LOGIN_SECS - 1));
        assert!(!pending_login_open(1000, 1000 + PENDING_LOGIN_SECS));
    }

    #[test]
    fn a_step_of_drift_is_allowed_either_way() {
        assert_eq!(acceptable_steps(300), vec![9, 10, 11]);
        assert_eq!(acceptable_steps(329), vec![9, 10, 11]);
        assert_eq!(acceptable_steps(330), vec![10, 11, 12]);
    }
}
