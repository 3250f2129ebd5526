//! Argon2id hashing (argon2's defaults: m = 19 MiB, t = 2, p = 1, the OWASP minimum), always on
//! tokio's blocking threads because one hash takes tens of milliseconds of CPU.

use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::domain::password::NewPassword;

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("calcolo dell'hash della password non riuscito: {0}")]
    Hash(String),
    #[error("calcolo dell'hash della password interrotto")]
    Interrupted,
}

/// A hash of a random password nobody knows. Checking a password against it when the user name
/// does not exist takes as long as a real check, so response times do not reveal which user
/// names exist.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    hash_now(&crate::auth::token::random_token::<32>())
        .expect("hashing a random password with default parameters cannot fail")
});

fn hash_now(password: &str) -> Result<String, HashError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash: PasswordHash| hash.to_string())
        .map_err(|error| HashError::Hash(error.to_string()))
}

/// Stored for accounts that have no password yet (waiting for activation): it is not a PHC
/// string, so nothing ever verifies against it.
pub const UNUSABLE_HASH: &str = "!";

fn verify_now(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => {
            // Same cost as a real check, so an account waiting for activation cannot be told
            // apart by timing.
            if let Ok(dummy) = PasswordHash::new(&DUMMY_HASH) {
                let _ = Argon2::default().verify_password(password.as_bytes(), &dummy);
            }
            false
        }
    }
}

/// The PHC string to store for a password.
pub async fn hash(password: NewPassword) -> Result<String, HashError> {
    tokio::task::spawn_blocking(move || hash_now(password.expose()))
        .await
        .map_err(|_| HashError::Interrupted)?
}

/// Same as [`hash`], for the command line which runs without a tokio runtime.
pub fn hash_blocking(password: &NewPassword) -> Result<String, HashError> {
    hash_now(password.expose())
}

/// Whether `password` matches `stored`; with `None`, checks against the dummy hash and returns
/// false, taking the same time.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || match stored {
        Some(stored) => verify_now(&password, &stored),
        None => {
            verify_now(&password, &DUMMY_HASH);
            false
        }
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let password = NewPassword::parse("orso gatto vela".to_owned(), "x").unwrap();
        let stored = hash(password).await.unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("orso gatto vela".to_owned(), Some(stored.clone())).await);
        assert!(!verify("orso gatto velA".to_owned(), Some(stored)).await);
    }

    #[tokio::test]
    async fn an_unknown_user_never_verifies() {
        assert!(!verify(String::new(), None).await);
        assert!(!verify("anything".to_owned(), Some("not a phc string".to_owned())).await);
    }
}
