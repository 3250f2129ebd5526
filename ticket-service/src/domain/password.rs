//! The password rule: 12 to 128 characters of any kind, not a common password, not the user
//! name. No composition rules and no forced rotation, as ASVS 2.1 asks.

use std::fmt;

/// Fewest characters a password may have.
pub const MIN_CHARS: usize = 12;
/// Most characters a password may have; longer input is refused, never truncated.
pub const MAX_CHARS: usize = 128;

const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

/// A password that satisfies the rule. It never prints its content.
pub struct NewPassword(String);

impl NewPassword {
    /// Checks `candidate` for the account `username`.
    pub fn parse(candidate: String, username: &str) -> Result<Self, PasswordProblem> {
        let chars = candidate.chars().count();
        if chars < MIN_CHARS {
            return Err(PasswordProblem::TooShort);
        }
        if chars > MAX_CHARS {
            return Err(PasswordProblem::TooLong);
        }
        let lower = candidate.to_lowercase();
        let username = username.trim().to_lowercase();
        if username.chars().count() >= 4 && lower.contains(&username) {
            return Err(PasswordProblem::ContainsUsername);
        }
        if is_common(&lower) || is_repetition(&lower) || is_sequence(&lower) {
            return Err(PasswordProblem::Common);
        }
        Ok(NewPassword(candidate))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

/// Why a password was refused; the message tells the person how to pick a better one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    #[error(
        "La password deve avere almeno 12 caratteri: una frase di alcune parole è facile da ricordare."
    )]
    TooShort,
    #[error("La password può avere al massimo 128 caratteri.")]
    TooLong,
    #[error(
        "La password è tra quelle più usate o è una sequenza prevedibile: scegline una meno comune, per esempio alcune parole slegate tra loro."
    )]
    Common,
    #[error("La password non deve contenere il nome utente.")]
    ContainsUsername,
}

fn blocklist() -> impl Iterator<Item = &'static str> {
    COMMON_PASSWORDS
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
}

/// Compares the password itself and its stem (without trailing digits and symbols, with common
/// letter substitutions undone) with the list, so "Juventus1897!" counts as "juventus".
fn is_common(lower: &str) -> bool {
    let stem = stem(lower);
    let without_spaces: String = stem.chars().filter(|c| !c.is_whitespace()).collect();
    blocklist().any(|entry| entry == lower || entry == stem || entry == without_spaces)
}

fn stem(lower: &str) -> String {
    let trimmed = lower.trim_end_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation());
    let trimmed = trimmed.trim_start_matches(|c: char| c.is_ascii_digit());
    trimmed
        .chars()
        .map(|c| match c {
            '0' => 'o',
            '1' | '!' => 'i',
            '3' => 'e',
            '4' | '@' => 'a',
            '5' | '$' => 's',
            '7' => 't',
            other => other,
        })
        .collect()
}

/// "aaaaaaaaaaaa", "abcabcabcabc", "ciaociaociao": a short unit repeated.
fn is_repetition(lower: &str) -> bool {
    let chars: Vec<char> = lower.chars().collect();
    (1..=chars.len() / 2).any(|unit| {
        chars.len() % unit == 0 && chars.chunks(unit).all(|chunk| chunk == &chars[..unit])
    })
}

/// Runs along the alphabet, the digits or a keyboard row, forwards or backwards.
fn is_sequence(lower: &str) -> bool {
    const RUNS: [&str; 5] = [
        "abcdefghijklmnopqrstuvwxyz",
        "01234567890123456789",
        "qwertyuiopasdfghjklzxcvbnm",
        "qwertzuiopasdfghjklyxcvbnm",
        "azertyuiopqsdfghjklmwxcvbn",
    ];
    RUNS.iter().any(|run| {
        let reversed: String = run.chars().rev().collect();
        run.contains(lower) || reversed.contains(lower)
    })
}

/// Whether a temporary password (from `user add`, `user reset` or an admin creating the
/// account without mail) set at `set_at` has expired at `now`: it is handed over by hand, so it
/// must not stay valid for long (ASVS 2.3.1).
pub fn temporary_password_expired(set_at: i64, lifetime_secs: i64, now: i64) -> bool {
    now >= set_at.saturating_add(lifetime_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_temporary_password_expires_at_the_end_of_its_lifetime() {
        assert!(!temporary_password_expired(1000, 3600, 4599));
        assert!(temporary_password_expired(1000, 3600, 4600));
    }

    fn check(candidate: &str) -> Result<NewPassword, PasswordProblem> {
        NewPassword::parse(candidate.to_owned(), "mario.rossi")
    }

    #[test]
    fn length_is_counted_in_characters_not_bytes() {
        assert_eq!(check("àèìòùàèìòù").unwrap_err(), PasswordProblem::TooShort);
        assert!(check("àèìòù àèìòù ñ").is_ok());
        assert!(check("orso gatto vela").is_ok());
    }

    #[test]
    fn boundaries_are_twelve_and_one_hundred_twenty_eight() {
        assert_eq!(check("trambusto7k").unwrap_err(), PasswordProblem::TooShort);
        assert!(check("trambusto7kq").is_ok());
        let long: String = (0..40)
            .map(|i| format!("nebbia{i} "))
            .collect::<String>()
            .chars()
            .take(MAX_CHARS)
            .collect();
        assert!(check(&long).is_ok());
        let too_long = format!("{long}x");
        assert_eq!(check(&too_long).unwrap_err(), PasswordProblem::TooLong);
    }

    #[test]
    fn common_passwords_and_their_variants_are_refused() {
        for candidate in [
            "password1234",
            "P@ssw0rd2024!",
            "Juventus1897",
            "qwertyuiop123",
            "123456789012",
            "correcthorsebatterystaple",
            "Ti amo 123456",
        ] {
            assert_eq!(
                check(candidate).unwrap_err(),
                PasswordProblem::Common,
                "{candidate}"
            );
        }
    }

    #[test]
    fn repetitions_and_sequences_are_refused() {
        for candidate in [
            "aaaaaaaaaaaa",
            "abcabcabcabc",
            "abcdefghijklm",
            "9876543210987",
        ] {
            assert_eq!(
                check(candidate).unwrap_err(),
                PasswordProblem::Common,
                "{candidate}"
            );
        }
    }

    #[test]
    fn the_user_name_cannot_be_part_of_the_password() {
        assert_eq!(
            check("Mario.Rossi-2026!").unwrap_err(),
            PasswordProblem::ContainsUsername
        );
    }

    #[test]
    fn the_list_is_large_and_lowercase() {
        assert!(blocklist().count() >= 400);
        assert!(blocklist().all(|entry| entry == entry.to_lowercase()));
    }

    #[test]
    fn debug_output_hides_the_password() {
        let password = check("orso gatto vela").unwrap();
        assert_eq!(format!("{password:?}"), "NewPassword(***)");
        assert_eq!(password.expose(), "orso gatto vela");
    }
}
