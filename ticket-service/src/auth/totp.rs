//! TOTP second factor (RFC 6238: SHA-1, 6 digits, 30 seconds, what every authenticator app
//! reads), on top of the step rules in `domain::second_factor`.

use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, Secret, TOTP};

use crate::auth::token;
use crate::domain::second_factor::{self, STEP_SECS};

/// A new shared secret: 160 random bits, base32 as authenticator apps expect.
pub fn new_secret() -> String {
    Secret::Raw(token::random_bytes::<20>().to_vec())
        .to_encoded()
        .to_string()
}

fn totp(secret: &str, issuer: &str, account: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().ok()?;
    let issuer = issuer.replace(':', " ");
    TOTP::new(
        Algorithm::SHA1,
        6,
        0,
        u64::try_from(STEP_SECS).ok()?,
        bytes,
        Some(issuer),
        account.replace(':', " "),
    )
    .ok()
}

/// The `otpauth://` address an authenticator app can open.
pub fn otpauth_url(secret: &str, issuer: &str, account: &str) -> Option<String> {
    totp(secret, issuer, account).map(|totp| totp.get_url())
}

/// The step `code` belongs to, if it is right for one of the acceptable steps; whether that
/// step was used already is for the database to say.
pub fn matching_step(secret: &str, code: &str, now: i64) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let totp = totp(secret, "x", "x")?;
    second_factor::acceptable_steps(now)
        .into_iter()
        .find(|step| {
            let time = u64::try_from(step * STEP_SECS).unwrap_or(0);
            bool::from(totp.generate(time).as_bytes().ct_eq(code.as_bytes()))
        })
}

/// The secret in groups of four characters, easier to type into an app by hand.
pub fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_at(secret: &str, time: i64) -> String {
        totp(secret, "x", "x")
            .unwrap()
            .generate(u64::try_from(time).unwrap())
    }

    #[test]
    fn the_current_code_and_its_neighbours_match_their_steps() {
        let secret = new_secret();
        let now = 1_800_000_000;
        let code = code_at(&secret, now);
        assert_eq!(matching_step(&secret, &code, now), Some(now / 30));
        let next = code_at(&secret, now + 30);
        assert_eq!(matching_step(&secret, &next, now), Some(now / 30 + 1));
    }

    #[test]
    fn codes_from_far_away_or_malformed_are_refused() {
        let secret = new_secret();
        let now = 1_800_000_000;
        assert_eq!(
            matching_step(&secret, &code_at(&secret, now - 120), now),
            None
        );
        assert_eq!(matching_step(&secret, "12345", now), None);
        assert_eq!(matching_step(&secret, "abcdef", now), None);
        let spaced = code_at(&secret, now);
        let spaced = format!("{} {}", &spaced[..3], &spaced[3..]);
        assert!(matching_step(&secret, &spaced, now).is_some());
    }

    #[test]
    fn the_secret_is_base32_and_the_url_names_the_account() {
        let secret = new_secret();
        assert_eq!(secret.len(), 32);
        let url = otpauth_url(&secret, "ReSPI", "anna.rossi").unwrap();
        assert!(url.starts_with("otpauth://totp/ReSPI:anna.rossi?"));
        assert_eq!(grouped("ABCDEFGH"), "ABCD EFGH");
    }
}
