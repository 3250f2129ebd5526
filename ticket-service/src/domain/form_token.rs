//! The time token of the portal's feedback forms. The portal is static, so its forms hold no
//! time of ours: a form arriving without a token comes back as a page of the service, to be
//! checked and sent again, with a token signed by the service (HMAC-SHA256) over the time it
//! was issued and the kind of form. People take seconds to read and confirm; programs that
//! post at once are caught by the minimum, and tokens kept for later by the maximum.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::domain::feedback::FeedbackKind;

/// Binds the signatures to this use and this format.
const CONTEXT: &[u8] = b"respi feedback form token v1";

/// How old a token must be, and may be, for the form it came with to be stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenAges {
    /// Seconds a person needs at least to read the form again and confirm it.
    pub min_secs: i64,
    /// Seconds after which the token is no longer taken.
    pub max_secs: i64,
}

/// What a token sent with a form says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenCheck {
    /// No token: the form came from the portal.
    Missing,
    /// Signed by the service for this kind of form, within the ages.
    Ready,
    /// Genuine, but younger than the minimum.
    TooSoon,
    /// Older than the maximum, issued in the future, signed for another kind of form, or not
    /// signed by the service: one answer for all, so a forger learns nothing from it.
    Stale,
}

fn signature(key: &[u8], issued: i64, kind: FeedbackKind) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(CONTEXT);
    mac.update(b"\n");
    mac.update(issued.to_string().as_bytes());
    mac.update(b"\n");
    mac.update(kind.as_str().as_bytes());
    mac
}

/// A token for a form of `kind` issued at `now` (Unix seconds): the time, a dot and the
/// signature in URL-safe base64.
pub fn issue(key: &[u8], kind: FeedbackKind, now: i64) -> String {
    let tag = signature(key, now, kind).finalize().into_bytes();
    format!("{now}.{}", URL_SAFE_NO_PAD.encode(tag))
}

/// Checks `token`, sent with a form of `kind` at `now`; the signature is compared in constant
/// time.
pub fn check(key: &[u8], token: &str, kind: FeedbackKind, now: i64, ages: TokenAges) -> TokenCheck {
    let token = token.trim();
    if token.is_empty() {
        return TokenCheck::Missing;
    }
    let Some((issued, tag)) = token.split_once('.') else {
        return TokenCheck::Stale;
    };
    let (Ok(issued), Ok(tag)) = (issued.parse::<i64>(), URL_SAFE_NO_PAD.decode(tag)) else {
        return TokenCheck::Stale;
    };
    if signature(key, issued, kind).verify_slice(&tag).is_err() {
        return TokenCheck::Stale;
    }
    let age = now.saturating_sub(issued);
    if age < 0 || age > ages.max_secs {
        TokenCheck::Stale
    } else if age < ages.min_secs {
        TokenCheck::TooSoon
    } else {
        TokenCheck::Ready
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";
    const AGES: TokenAges = TokenAges {
        min_secs: 3,
        max_secs: 7200,
    };
    const NOW: i64 = 1_790_000_000;

    #[test]
    fn a_token_is_taken_between_the_minimum_and_the_maximum_age() {
        let token = issue(KEY, FeedbackKind::Page, NOW);
        let at = |secs| check(KEY, &token, FeedbackKind::Page, NOW + secs, AGES);
        assert_eq!(at(0), TokenCheck::TooSoon);
        assert_eq!(at(2), TokenCheck::TooSoon);
        assert_eq!(at(3), TokenCheck::Ready);
        assert_eq!(at(7200), TokenCheck::Ready);
        assert_eq!(at(7201), TokenCheck::Stale);
        assert_eq!(at(-1), TokenCheck::Stale, "issued in the future");
    }

    #[test]
    fn a_token_of_another_kind_key_or_time_is_stale() {
        let token = issue(KEY, FeedbackKind::Page, NOW);
        let later = NOW + 10;
        assert_eq!(
            check(KEY, &token, FeedbackKind::Accessibility, later, AGES),
            TokenCheck::Stale
        );
        let other_key = b"another key of the service, 32 b";
        assert_eq!(
            check(other_key, &token, FeedbackKind::Page, later, AGES),
            TokenCheck::Stale
        );
        // An older time written over the signed one, to pass the minimum at once.
        let (_, tag) = token.split_once('.').unwrap();
        let backdated = format!("{}.{tag}", NOW - 60);
        assert_eq!(
            check(KEY, &backdated, FeedbackKind::Page, NOW, AGES),
            TokenCheck::Stale
        );
        for junk in ["x", "1.", ".abc", "abc.def", "1790000000.!!"] {
            assert_eq!(
                check(KEY, junk, FeedbackKind::Page, later, AGES),
                TokenCheck::Stale,
                "{junk}"
            );
        }
        assert_eq!(
            check(KEY, "  ", FeedbackKind::Page, later, AGES),
            TokenCheck::Missing
        );
    }
}
