//! Every check of a secret a person types — the login, the TOTP code, the password asked again
//! before an export, the current password in the profile, the admin's password before a role
//! change, replacing the second factor — ends here: the per-address limit, Argon2 under the
//! hashing semaphore, and the per-account back-off decided in one transaction with the check,
//! so concurrent guesses all count and none sees a stale lock.

use std::net::IpAddr;

use rusqlite::{Connection, TransactionBehavior};

use crate::auth::totp;
use crate::db::audit::{self, AuditEntry};
use crate::db::users::{self, UserRow};
use crate::domain::audit::AuditEvent;
use crate::domain::lockout::LockoutPolicy;
use crate::error::AppError;
use crate::mail::texts;
use crate::state::AppState;

/// The TOTP part of what was typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// This check asks for no code.
    NotAsked,
    /// The code comes next (the password step of a login with a second factor): a right
    /// password then clears nothing, so it cannot reset the count of wrong codes.
    Later,
    /// No acceptable step matches.
    Wrong,
    /// The code of this step, to be accepted only if no later or equal step was used.
    Step(i64),
}

/// What was typed, as checked outside the transaction (Argon2 takes tens of milliseconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Typed {
    pub password_ok: bool,
    pub code: Code,
}

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Accepted,
    /// A wrong password or code, counted: the count so far and the lock it started, if any.
    Refused {
        failures: u32,
        lock_secs: Option<i64>,
    },
    /// A right code whose step was used already: replayed, or sent twice at once. Counted.
    CodeReused {
        failures: u32,
        lock_secs: Option<i64>,
    },
    /// The account is locked: refused whatever was typed; a wrong secret is still counted.
    Locked {
        failures: Option<u32>,
    },
}

impl Verdict {
    pub fn accepted(self) -> bool {
        self == Verdict::Accepted
    }
}

/// Decides a check inside the caller's transaction: reads the lock as it is now, counts a
/// failure, accepts the TOTP step only if it is newer than the last one used, and clears the
/// count on success.
pub fn settle(
    conn: &Connection,
    user_id: i64,
    policy: &LockoutPolicy,
    typed: Typed,
    now: i64,
) -> rusqlite::Result<Verdict> {
    let right = typed.password_ok && typed.code != Code::Wrong;
    if LockoutPolicy::is_locked(users::locked_until(conn, user_id)?, now) {
        let failures = if right {
            None
        } else {
            Some(users::count_failure(conn, user_id, policy, now)?.0)
        };
        return Ok(Verdict::Locked { failures });
    }
    if !right {
        let (failures, lock_secs) = users::count_failure(conn, user_id, policy, now)?;
        return Ok(Verdict::Refused {
            failures,
            lock_secs,
        });
    }
    match typed.code {
        Code::Step(step) if !users::record_second_factor_step(conn, user_id, step)? => {
            let (failures, lock_secs) = users::count_failure(conn, user_id, policy, now)?;
            return Ok(Verdict::CodeReused {
                failures,
                lock_secs,
            });
        }
        Code::Later => return Ok(Verdict::Accepted),
        _ => {}
    }
    users::clear_failures(conn, user_id)?;
    Ok(Verdict::Accepted)
}

/// How a failed check reads in the audit log: `what` (the check, empty for the login), then
/// "tentativo n. 6, utenza sospesa per 60 s".
fn attempt_detail(what: &str, failures: Option<u32>, lock_secs: Option<i64>) -> String {
    let mut parts: Vec<String> = Vec::new();
    if !what.is_empty() {
        parts.push(what.to_owned());
    }
    if let Some(failures) = failures {
        parts.push(format!("tentativo n. {failures}"));
    }
    if let Some(secs) = lock_secs {
        parts.push(format!("utenza sospesa per {secs} s"));
    }
    parts.join(", ")
}

/// The audit line of a verdict that refused, for a check described by `what`.
pub fn failure_entry(verdict: Verdict, user_id: i64, what: &str) -> Option<AuditEntry> {
    let entry = match verdict {
        Verdict::Accepted => return None,
        Verdict::Refused {
            failures,
            lock_secs,
        } => AuditEntry::new(AuditEvent::LoginFailed).detail(attempt_detail(
            what,
            Some(failures),
            lock_secs,
        )),
        Verdict::CodeReused {
            failures,
            lock_secs,
        } => AuditEntry::new(AuditEvent::SecondFactorCodeReused).detail(attempt_detail(
            what,
            Some(failures),
            lock_secs,
        )),
        Verdict::Locked { failures } => {
            AuditEntry::new(AuditEvent::LoginLocked).detail(attempt_detail(what, failures, None))
        }
    };
    Some(entry.subject(user_id))
}

/// The step `code` belongs to for the account's stored (sealed) secret, as a [`Code`]; a
/// secret that does not open makes every code wrong.
pub fn code_of(state: &AppState, sealed: &str, code: &str, now: i64) -> Code {
    let secret = state.totp_key.as_ref().and_then(|key| key.open(sealed));
    if secret.is_none() {
        tracing::error!("a stored TOTP secret does not open with the configured key");
    }
    secret
        .and_then(|secret| totp::matching_step(&secret, code, now))
        .map_or(Code::Wrong, Code::Step)
}

/// Mails the owner of an account that a used code was sent again.
pub fn tell_about_reused_code(state: &AppState, user: &UserRow) {
    if let Some(mailer) = &state.mailer {
        mailer.send_in_background(texts::code_reused(
            &user.email,
            &user.display_name,
            &user.username,
        ));
    }
}

/// A logged-in user types the password (and, with `code`, the TOTP code) again: the address
/// limit, the hash under the semaphore, the verdict with its audit line in one transaction,
/// and a mail when a used code comes back. `what` names the check in the audit log.
pub async fn confirm_identity(
    state: &AppState,
    user_id: i64,
    client: IpAddr,
    password: String,
    code: Option<&str>,
    what: &'static str,
) -> Result<Verdict, AppError> {
    // Guessing the password here is guessing it at the login: the same address budget.
    if !state.login_limiter.try_attempt(client) {
        return Err(AppError::TooManyRequests);
    }
    let user = state
        .db
        .call(move |conn| users::find_by_id(conn, user_id))
        .await?
        .ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    let password_ok = state
        .hashing
        .verify(password, Some(user.password_hash.clone()))
        .await
        && !user.temporary_password_expired(state.settings.temporary_password_secs(), now);
    let code = match (code, &user.totp_secret) {
        (Some(code), Some(sealed)) => code_of(state, sealed, code, now),
        _ => Code::NotAsked,
    };
    let policy = state.settings.lockout_policy();
    let ip = Some(client.to_string());
    let verdict = state
        .db
        .call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let verdict = settle(&tx, user_id, &policy, Typed { password_ok, code }, now)?;
            if let Some(entry) = failure_entry(verdict, user_id, what) {
                audit::append(&tx, &entry.actor(user_id).ip(ip), now)?;
            }
            tx.commit()?;
            Ok(verdict)
        })
        .await?;
    if matches!(verdict, Verdict::CodeReused { .. }) {
        tell_about_reused_code(state, &user);
    }
    Ok(verdict)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

    const POLICY: LockoutPolicy = LockoutPolicy {
        free_attempts: 2,
        base_secs: 60,
        max_secs: 3600,
    };

    fn database_with_user() -> (tempfile::TempDir, Db, i64) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("db.sqlite3")).unwrap();
        let id = db
            .call_blocking(|conn| {
                conn.execute_batch(
                    "INSERT INTO organisations (id, slug, name, kind, source, updated_at)
                         VALUES (1, 'coordinamento', 'Coordinamento', 'coordination', 'builtin', 1);
                     INSERT INTO users (username, display_name, email, role, organisation_id,
                                        password_hash, created_at, password_changed_at)
                         VALUES ('anna', 'Anna', 'anna@example.it', 'admin', 1, 'x', 1, 1);",
                )?;
                Ok(conn.last_insert_rowid())
            })
            .unwrap();
        (dir, db, id)
    }

    fn typed(password_ok: bool, code: Code) -> Typed {
        Typed { password_ok, code }
    }

    #[test]
    fn failures_lock_and_a_locked_account_refuses_even_the_right_secret() {
        let (_dir, db, id) = database_with_user();
        let verdicts = db
            .call_blocking(|conn| {
                let mut verdicts = Vec::new();
                for password_ok in [false, false, true, false] {
                    verdicts.push(settle(
                        conn,
                        id,
                        &POLICY,
                        typed(password_ok, Code::NotAsked),
                        1000,
                    )?);
                }
                // After the lock, the right password opens again and clears the count.
                verdicts.push(settle(
                    conn,
                    id,
                    &POLICY,
                    typed(true, Code::NotAsked),
                    2000,
                )?);
                Ok(verdicts)
            })
            .unwrap();
        assert_eq!(
            verdicts,
            [
                Verdict::Refused {
                    failures: 1,
                    lock_secs: None
                },
                Verdict::Refused {
                    failures: 2,
                    lock_secs: Some(60)
                },
                Verdict::Locked { failures: None },
                Verdict::Locked { failures: Some(3) },
                Verdict::Accepted,
            ]
        );
        let count = db
            .call_blocking(|conn| users::find_by_id(conn, id))
            .unwrap()
            .unwrap()
            .failed_logins;
        assert_eq!(count, 0);
    }

    #[test]
    fn a_right_password_before_the_code_clears_nothing() {
        let (_dir, db, id) = database_with_user();
        let (later, wrong_code) = db
            .call_blocking(|conn| {
                settle(conn, id, &POLICY, typed(true, Code::Wrong), 1000)?;
                let later = settle(conn, id, &POLICY, typed(true, Code::Later), 1000)?;
                let wrong_code = settle(conn, id, &POLICY, typed(true, Code::Wrong), 1000)?;
                Ok((later, wrong_code))
            })
            .unwrap();
        assert_eq!(later, Verdict::Accepted);
        assert_eq!(
            wrong_code,
            Verdict::Refused {
                failures: 2,
                lock_secs: Some(60)
            }
        );
    }

    #[test]
    fn a_used_step_is_refused_as_reused_and_counted() {
        let (_dir, db, id) = database_with_user();
        let verdicts = db
            .call_blocking(|conn| {
                Ok([
                    settle(conn, id, &POLICY, typed(true, Code::Step(7)), 1000)?,
                    settle(conn, id, &POLICY, typed(true, Code::Step(7)), 1000)?,
                    settle(conn, id, &POLICY, typed(true, Code::Step(6)), 1000)?,
                ])
            })
            .unwrap();
        assert_eq!(
            verdicts,
            [
                Verdict::Accepted,
                Verdict::CodeReused {
                    failures: 1,
                    lock_secs: None
                },
                Verdict::CodeReused {
                    failures: 2,
                    lock_secs: Some(60)
                },
            ]
        );
    }

    #[test]
    fn the_audit_detail_names_the_check_the_attempt_and_the_lock() {
        let entry = failure_entry(
            Verdict::Refused {
                failures: 6,
                lock_secs: Some(60),
            },
            1,
            "",
        )
        .unwrap();
        assert_eq!(entry.detail, "tentativo n. 6, utenza sospesa per 60 s");
        let entry =
            failure_entry(Verdict::Locked { failures: None }, 1, "cambio password").unwrap();
        assert_eq!(entry.event, AuditEvent::LoginLocked);
        assert_eq!(entry.detail, "cambio password");
        assert!(failure_entry(Verdict::Accepted, 1, "").is_none());
    }
}
