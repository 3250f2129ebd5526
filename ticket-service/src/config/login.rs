//! How people stay logged in and how logging in is guarded: sessions, lockouts, the
//! per-address limit, temporary passwords and the second factor.

use serde::{Deserialize, Serialize};

use crate::domain::role::Role;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionSettings {
    /// A session ends after this many seconds without requests.
    pub idle_secs: i64,
    /// A session ends this many seconds after login, however busy.
    pub absolute_secs: i64,
    /// Exports need the password (and code) typed within this many seconds; older sessions
    /// are asked again first (ASVS 3.7.1).
    pub reauth_secs: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginSettings {
    /// Failed logins allowed on one account before it is locked.
    pub free_attempts: u32,
    /// First lock, in seconds; it doubles with each further failure.
    pub lock_base_secs: i64,
    /// Longest lock, in seconds.
    pub lock_max_secs: i64,
    /// Login attempts one address may make in a burst.
    pub ip_burst: u32,
    /// Seconds for one attempt of the burst to come back.
    pub ip_refill_secs: f64,
    /// Addresses (IPv6: /64 networks) the per-address limit keeps in memory at most; beyond
    /// them, those idle the longest are forgotten.
    pub ip_max_addresses: usize,
    /// Hours a temporary password (from `user add`, `user reset`, or an account created
    /// without mail) stays valid; after that only a new reset gives one.
    pub temporary_password_hours: u32,
    /// Password hashes (Argon2, 19 MiB and tens of milliseconds of a core each) computed at
    /// the same time at most; further ones wait their turn.
    pub hash_concurrency: usize,
    /// Roles that must log in with a TOTP code besides the password (ASVS 4.3.1).
    pub second_factor_roles: Vec<Role>,
    /// The key (32 random bytes in base64) that encrypts the TOTP secrets in the database.
    /// Kept out of the database, better in `RESPI_TICKETS_LOGIN__TOTP_KEY` than in a file;
    /// required as soon as a role needs a second factor or an account has one. The demo
    /// makes its own when this is not set.
    pub totp_key: Option<String>,
}
