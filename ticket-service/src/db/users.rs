//! Queries on `users`.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use crate::db::account_links;
use crate::db::columns;
use crate::domain::lockout::LockoutPolicy;
use crate::domain::password;
use crate::domain::role::Role;
use crate::domain::user::{DisplayName, Email, Username};

/// An account as stored, with the name of its organisation.
#[derive(Debug, Clone, Serialize)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub role: Role,
    pub organisation_id: i64,
    pub organisation_name: String,
    /// A user of a disabled organisation cannot log in.
    pub organisation_active: bool,
    #[serde(skip)]
    pub password_hash: String,
    pub must_change_password: bool,
    pub active: bool,
    pub demo: bool,
    pub failed_logins: u32,
    pub locked_until: Option<i64>,
    pub created_at: i64,
    /// When the password was set; for a temporary one, the start of its lifetime.
    pub password_changed_at: i64,
    #[serde(skip)]
    pub totp_secret: Option<String>,
    #[serde(skip)]
    pub totp_last_step: Option<i64>,
}

impl UserRow {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(UserRow {
            id: row.get("id")?,
            username: row.get("username")?,
            display_name: row.get("display_name")?,
            email: row.get("email")?,
            role: columns::parsed(row, "role")?,
            organisation_id: row.get("organisation_id")?,
            organisation_name: row.get("organisation_name")?,
            organisation_active: row.get("organisation_active")?,
            password_hash: row.get("password_hash")?,
            must_change_password: row.get("must_change_password")?,
            active: row.get("active")?,
            demo: row.get("demo")?,
            failed_logins: row.get("failed_logins")?,
            locked_until: row.get("locked_until")?,
            created_at: row.get("created_at")?,
            password_changed_at: row.get("password_changed_at")?,
            totp_secret: row.get("totp_secret")?,
            totp_last_step: row.get("totp_last_step")?,
        })
    }

    /// Whether the account's password is a temporary one that has expired: it no longer opens
    /// anything, and only a new reset gives a usable one.
    pub fn temporary_password_expired(&self, lifetime_secs: i64, now: i64) -> bool {
        self.must_change_password
            && password::temporary_password_expired(self.password_changed_at, lifetime_secs, now)
    }
}

/// SQL from literals only, see `organisations.rs`.
macro_rules! select_users {
    ($rest:literal) => {
        concat!(
            "SELECT u.id, u.username, u.display_name, u.email, u.role, u.organisation_id,
                    o.name AS organisation_name, o.active AS organisation_active, u.password_hash, u.must_change_password,
                    u.active, u.demo, u.failed_logins, u.locked_until, u.created_at,
                    u.password_changed_at, u.totp_secret, u.totp_last_step
             FROM users u JOIN organisations o ON o.id = u.organisation_id ",
            $rest
        )
    };
}

/// A validated account to create.
pub struct NewUser<'a> {
    pub username: &'a Username,
    pub display_name: &'a DisplayName,
    pub email: &'a Email,
    pub role: Role,
    pub organisation_id: i64,
    pub password_hash: &'a str,
    pub must_change_password: bool,
    pub demo: bool,
}

pub fn insert(conn: &Connection, user: &NewUser<'_>, now: i64) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO users (username, display_name, email, role, organisation_id, password_hash,
                            must_change_password, demo, created_at, password_changed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
        params![
            user.username.as_str(),
            user.display_name.as_str(),
            user.email.as_str(),
            user.role.as_str(),
            user.organisation_id,
            user.password_hash,
            user.must_change_password,
            user.demo,
            now,
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn find_by_username(conn: &Connection, username: &str) -> rusqlite::Result<Option<UserRow>> {
    conn.query_row(
        select_users!("WHERE u.username = ?1"),
        [username],
        UserRow::from_row,
    )
    .optional()
}

pub fn find_by_id(conn: &Connection, id: i64) -> rusqlite::Result<Option<UserRow>> {
    conn.query_row(select_users!("WHERE u.id = ?1"), [id], UserRow::from_row)
        .optional()
}

pub fn count(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT COUNT(*) FROM users", [], |row| row.get(0))
}

/// `limit` users from `offset`: active ones first, by user name.
pub fn page(conn: &Connection, limit: i64, offset: i64) -> rusqlite::Result<Vec<UserRow>> {
    let mut stmt = conn.prepare(select_users!(
        "ORDER BY u.active DESC, u.username LIMIT ?1 OFFSET ?2"
    ))?;
    stmt.query_map(params![limit, offset], UserRow::from_row)?
        .collect()
}

/// Stores a new password hash and clears the failure counter. A new password also voids
/// every activation or reset link not used yet: a link mailed before the change must not set
/// a password after it.
pub fn set_password(
    conn: &Connection,
    id: i64,
    password_hash: &str,
    must_change: bool,
    now: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE users SET password_hash = ?2, must_change_password = ?3, password_changed_at = ?4,
                          failed_logins = 0, locked_until = NULL
         WHERE id = ?1",
        params![id, password_hash, must_change, now],
    )?;
    account_links::delete_unused(conn, id)?;
    Ok(())
}

/// Counts one more failed attempt and locks the account as `policy` says, in one
/// `UPDATE … RETURNING`: two failures at the same moment count as two, never as one value
/// written back twice, and the lock follows the count it belongs to. A longer lock already
/// there is kept. Returns the new count and the lock this failure started, in seconds.
///
/// The lock is `LockoutPolicy::lock_secs` written in SQL (`base << doublings`, capped);
/// a test checks that both agree.
pub fn count_failure(
    conn: &Connection,
    id: i64,
    policy: &LockoutPolicy,
    now: i64,
) -> rusqlite::Result<(u32, Option<i64>)> {
    conn.query_row(
        "UPDATE users SET
             failed_logins = failed_logins + 1,
             locked_until = CASE
                 WHEN failed_logins + 1 < ?2 THEN locked_until
                 ELSE MAX(COALESCE(locked_until, 0),
                          ?5 + MIN(?4, ?3 << MIN(failed_logins + 1 - ?2, 30)))
             END
         WHERE id = ?1
         RETURNING failed_logins,
                   CASE WHEN failed_logins < ?2 THEN NULL
                        ELSE MIN(?4, ?3 << MIN(failed_logins - ?2, 30)) END",
        params![
            id,
            policy.free_attempts,
            policy.base_secs,
            policy.max_secs,
            now
        ],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )
}

/// The account's lock as stored now.
pub fn locked_until(conn: &Connection, id: i64) -> rusqlite::Result<Option<i64>> {
    conn.query_row(
        "SELECT locked_until FROM users WHERE id = ?1",
        [id],
        |row| row.get(0),
    )
}

pub fn clear_failures(conn: &Connection, id: i64) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?1",
        [id],
    )?;
    Ok(())
}

pub fn set_active(conn: &Connection, id: i64, active: bool) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE users SET active = ?2 WHERE id = ?1",
        params![id, active],
    )?;
    Ok(())
}

pub fn set_role(
    conn: &Connection,
    id: i64,
    role: Role,
    organisation_id: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE users SET role = ?2, organisation_id = ?3 WHERE id = ?1",
        params![id, role.as_str(), organisation_id],
    )?;
    Ok(())
}

/// Stores a confirmed TOTP secret (sealed with the key), or removes it with `None`.
pub fn set_second_factor(
    conn: &Connection,
    id: i64,
    secret: Option<&str>,
    step: Option<i64>,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE users SET totp_secret = ?2, totp_last_step = ?3 WHERE id = ?1",
        params![id, secret, step],
    )?;
    Ok(())
}

/// A stored TOTP secret, for the checks at start.
#[derive(Debug, Clone)]
pub struct StoredSecret {
    pub id: i64,
    pub username: String,
    pub active: bool,
    /// Sealed with the key, or in clear when stored by an older version.
    pub secret: String,
}

/// Every account's TOTP secret.
pub fn second_factor_secrets(conn: &Connection) -> rusqlite::Result<Vec<StoredSecret>> {
    let mut stmt = conn.prepare(
        "SELECT id, username, active, totp_secret FROM users
         WHERE totp_secret IS NOT NULL ORDER BY username",
    )?;
    stmt.query_map([], |row| {
        Ok(StoredSecret {
            id: row.get(0)?,
            username: row.get(1)?,
            active: row.get(2)?,
            secret: row.get(3)?,
        })
    })?
    .collect()
}

/// Replaces a stored TOTP secret by its sealed form, keeping the last step used.
pub fn seal_second_factor(conn: &Connection, id: i64, sealed: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE users SET totp_secret = ?2 WHERE id = ?1",
        params![id, sealed],
    )?;
    Ok(())
}

/// Records the step of a code just used, so it cannot be used again: only when no later or
/// equal step was used before, in one conditional statement, so two requests with the same
/// code cannot both pass and the stored step never moves back. False when refused.
pub fn record_second_factor_step(conn: &Connection, id: i64, step: i64) -> rusqlite::Result<bool> {
    let changed = conn.execute(
        "UPDATE users SET totp_last_step = ?2
         WHERE id = ?1 AND (totp_last_step IS NULL OR totp_last_step < ?2)",
        params![id, step],
    )?;
    Ok(changed == 1)
}

/// Disables every demo account and returns their ids.
pub fn disable_demo_accounts(conn: &Connection) -> rusqlite::Result<Vec<i64>> {
    let mut stmt =
        conn.prepare("UPDATE users SET active = 0 WHERE demo = 1 AND active = 1 RETURNING id")?;
    stmt.query_map([], |row| row.get(0))?.collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

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

    #[test]
    fn the_statement_counts_and_locks_as_the_policy_says() {
        let policies = [
            LockoutPolicy::default(),
            LockoutPolicy {
                free_attempts: 1,
                base_secs: 2,
                max_secs: 3600,
            },
            LockoutPolicy {
                free_attempts: 0,
                base_secs: 7,
                max_secs: 100,
            },
        ];
        for policy in policies {
            let (_dir, db, id) = database_with_user();
            for expected in 1..=40_u32 {
                let (failures, lock, until) = db
                    .call_blocking(|conn| {
                        let (failures, lock) = count_failure(conn, id, &policy, 1000)?;
                        Ok((failures, lock, locked_until(conn, id)?))
                    })
                    .unwrap();
                assert_eq!(failures, expected);
                assert_eq!(lock, policy.lock_secs(expected), "{policy:?}, {expected}");
                let longest = (1..=expected).filter_map(|n| policy.lock_secs(n)).max();
                assert_eq!(until, longest.map(|secs| 1000 + secs));
            }
        }
    }

    #[test]
    fn a_longer_lock_already_there_is_kept() {
        let (_dir, db, id) = database_with_user();
        let until = db
            .call_blocking(|conn| {
                conn.execute("UPDATE users SET locked_until = 99999 WHERE id = ?1", [id])?;
                count_failure(conn, id, &LockoutPolicy::default(), 1000)?;
                locked_until(conn, id)
            })
            .unwrap();
        assert_eq!(until, Some(99999));
    }

    #[test]
    fn a_step_is_accepted_once() {
        let (_dir, db, id) = database_with_user();
        let accepted = db
            .call_blocking(|conn| {
                Ok([
                    record_second_factor_step(conn, id, 10)?,
                    record_second_factor_step(conn, id, 10)?,
                    record_second_factor_step(conn, id, 11)?,
                ])
            })
            .unwrap();
        assert_eq!(accepted, [true, false, true]);
    }

    #[test]
    fn the_used_step_never_moves_back() {
        let (_dir, db, id) = database_with_user();
        db.call_blocking(|conn| {
            record_second_factor_step(conn, id, 10)?;
            // A request that checked its code against an older state comes second.
            record_second_factor_step(conn, id, 9)?;
            Ok(())
        })
        .unwrap();
        let stored = db
            .call_blocking(|conn| find_by_id(conn, id))
            .unwrap()
            .unwrap()
            .totp_last_step;
        assert_eq!(stored, Some(10));
    }
}
