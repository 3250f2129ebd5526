//! One-time links that let a person set a password without knowing the current one: the
//! activation of a new account and the reset of a forgotten password.

/// What a link is for; each purpose has its own lifetime (ASVS 2.3.1, 2.5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    Activation,
    Reset,
}

impl LinkPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::Activation => "activation",
            LinkPurpose::Reset => "reset",
        }
    }

    /// How long a link stays valid: a day to activate a new account, an hour to reset.
    pub fn lifetime_secs(self) -> i64 {
        match self {
            LinkPurpose::Activation => 24 * 60 * 60,
            LinkPurpose::Reset => 60 * 60,
        }
    }
}

/// Whether a link created for `purpose`, expiring at `expires_at` and used at `used_at`, can
/// still be followed at `now`.
pub fn is_usable(expires_at: i64, used_at: Option<i64>, now: i64) -> bool {
    used_at.is_none() && now < expires_at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activation_lasts_a_day_and_reset_an_hour() {
        assert_eq!(LinkPurpose::Activation.lifetime_secs(), 86_400);
        assert_eq!(LinkPurpose::Reset.lifetime_secs(), 3_600);
    }

    #[test]
    fn a_link_works_once_and_not_after_it_expires() {
        assert!(is_usable(100, None, 99));
        assert!(!is_usable(100, None, 100));
        assert!(!is_usable(100, Some(50), 60));
    }
}
