//! Argon2id hashing (argon2's defaults: m = 19 MiB, t = 2, p = 1, the OWASP minimum), always on
//! tokio's blocking threads because one hash takes tens of milliseconds of CPU.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use tokio::sync::Semaphore;

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

/// Runs the hashes of the service on tokio's blocking threads, a few at a time: each takes
/// 19 MiB and a core for tens of milliseconds, so however many password forms arrive at once
/// (at the login or from logged-in users), the others wait for a permit instead of piling up
/// memory and threads.
pub struct PasswordHashing {
    permits: Arc<Semaphore>,
    running: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
}

impl PasswordHashing {
    /// At most `concurrency` hashes at once.
    pub fn new(concurrency: usize) -> Self {
        PasswordHashing {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            running: Arc::default(),
            peak: Arc::default(),
        }
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|_| HashError::Interrupted)?;
        let (running, peak) = (Arc::clone(&self.running), Arc::clone(&self.peak));
        // The permit moves into the blocking task: a request that goes away while its hash
        // runs does not free a place before the hash has finished.
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let now_running = running.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now_running, Ordering::SeqCst);
            let result = work();
            running.fetch_sub(1, Ordering::SeqCst);
            result
        })
        .await
        .map_err(|_| HashError::Interrupted)
    }

    /// The PHC string to store for a password.
    pub async fn hash(&self, password: NewPassword) -> Result<String, HashError> {
        self.run(move || hash_now(password.expose())).await?
    }

    /// Whether `password` matches `stored`; with `None`, checks against the dummy hash and
    /// returns false, taking the same time.
    pub async fn verify(&self, password: String, stored: Option<String>) -> bool {
        self.run(move || match stored {
            Some(stored) => verify_now(&password, &stored),
            None => {
                verify_now(&password, &DUMMY_HASH);
                false
            }
        })
        .await
        .unwrap_or(false)
    }

    /// The most hashes that ran at the same moment so far.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }
}

/// Same as [`PasswordHashing::hash`], for the command line and the demo's seeding, which run
/// outside the request handlers.
pub fn hash_blocking(password: &NewPassword) -> Result<String, HashError> {
    hash_now(password.expose())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let hashing = PasswordHashing::new(2);
        let password = NewPassword::parse("orso gatto vela".to_owned(), "x").unwrap();
        let stored = hashing.hash(password).await.unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(
            hashing
                .verify("orso gatto vela".to_owned(), Some(stored.clone()))
                .await
        );
        assert!(
            !hashing
                .verify("orso gatto velA".to_owned(), Some(stored))
                .await
        );
    }

    #[tokio::test]
    async fn an_unknown_user_never_verifies() {
        let hashing = PasswordHashing::new(2);
        assert!(!hashing.verify(String::new(), None).await);
        assert!(
            !hashing
                .verify("anything".to_owned(), Some("not a phc string".to_owned()))
                .await
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn no_more_hashes_run_at_once_than_configured() {
        let hashing = Arc::new(PasswordHashing::new(2));
        let stored = hash_now("orso gatto vela").unwrap();
        let mut checks = tokio::task::JoinSet::new();
        for _ in 0..8 {
            let (hashing, stored) = (Arc::clone(&hashing), stored.clone());
            checks.spawn(async move { hashing.verify("sbagliata".to_owned(), Some(stored)).await });
        }
        while let Some(matched) = checks.join_next().await {
            assert!(!matched.unwrap());
        }
        assert!(hashing.peak() >= 1);
        assert!(hashing.peak() <= 2, "{} hashes ran at once", hashing.peak());
    }
}
