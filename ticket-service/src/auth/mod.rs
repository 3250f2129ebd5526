//! Authentication and the protections around it: password hashing, sessions, CSRF tokens,
//! the login rate limit and the `Principal` that handlers ask for.

pub mod attempts;
pub mod client_ip;
pub mod csrf;
pub mod links;
pub mod login_limiter;
pub mod password;
pub mod principal;
pub mod session;
pub mod token;
pub mod totp;
pub mod totp_key;
