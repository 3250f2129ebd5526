//! The time steps a TOTP code (RFC 6238, 30-second steps) is accepted for.

/// Length of a TOTP time step, in seconds.
pub const STEP_SECS: i64 = 30;

/// How long, in seconds, the code page waits after a correct password.
pub const PENDING_LOGIN_SECS: i64 = 5 * 60;

pub fn step_at(now: i64) -> i64 {
    now.div_euclid(STEP_SECS)
}

/// The steps a code typed at `now` may belong to: one step of clock drift either way, and never
/// a step at or before the last one used, so an overheard code cannot be replayed.
pub fn acceptable_steps(now: i64, last_used: Option<i64>) -> Vec<i64> {
    let current = step_at(now);
    (current - 1..=current + 1)
        .filter(|step| last_used.is_none_or(|last| *step > last))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_of_drift_is_allowed_either_way() {
        assert_eq!(acceptable_steps(300, None), vec![9, 10, 11]);
    }

    #[test]
    fn used_steps_are_never_accepted_again() {
        assert_eq!(acceptable_steps(300, Some(10)), vec![11]);
        assert!(acceptable_steps(300, Some(11)).is_empty());
    }
}
